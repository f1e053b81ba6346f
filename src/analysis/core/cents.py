"""Exact money: amounts summed at the source's precision, rounded to cents once per total.

Sales lines keep their amounts as the source has them (a float64 as parsed, four or six decimals
from a data warehouse). A sum is exact: each amount becomes integer ``cents`` (the whole cents,
rounded down) and ``micro`` (the millionths of a currency unit beyond them, ``0 <= micro <
10_000``), with the decimals it needs (2 to 6: the fewest that give back its float), so sums of
int64 never lose a digit; amounts with more than 6 decimals are taken at 6. "Exact to the cent"
means: a total shown is its exact sum rounded half away from zero to cents, once; where parts must
add up to a whole (channels to the company, regions to their channel, months to a quarter), the
whole is rounded once and its parts are rounded up or down so that they add up to it, the units
left over going to the parts with the largest remainders (:func:`round_parts`,
:func:`nested_cents`). The target-miss modules then keep money as ``int64`` cents and divide by
100 only for display.

Amounts are exact while a float64 carries their decimals: up to about 10^9 with 6 decimals,
10^11 with 4, 10^13 with 2 (a line, or a day's sum from a database engine). Sums up to 4.6 *
10^16 currency units fit; beyond that even cents would not, and summing is a ``DataError``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.errors import DataError

#: ``micro`` per cent: ``micro`` counts millionths of a currency unit.
MICRO = 10_000
#: The most decimals an amount is summed with; more are rounded to this many.
MOST_DECIMALS = 6
#: Largest sum of absolute amounts, in cents, that int64 sums hold with room to spare.
MOST_CENTS = 2.0**62
#: An amount ``x`` has ``k`` decimals when ``x * 10**k`` is this close (relatively) to an
#: integer: twice the float error of a parsed decimal and of the product.
_CLOSE = 2.0**-51


def from_cents(cents: object) -> object:
    """Cents (int, array, or Series such as an Int64 column) as currency units; NA becomes NaN."""
    if isinstance(cents, pd.Series):
        return cents.astype("Float64").astype("float64") / 100
    return np.asarray(cents, dtype="float64") / 100


def round_cents(amounts: object) -> np.ndarray:
    """Float amounts already in cents, rounded half away from zero to whole cents (``int64``)."""
    values = np.asarray(amounts, dtype="float64")
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype("int64")


def exact(amounts: object) -> tuple[np.ndarray, np.ndarray]:
    """Amounts (currency units, finite) as exact ``(cents, micro)`` int64 arrays.

    Each amount is read with the fewest decimals from 2 to 6 that give back its float (0.1 + 0.2
    summed by a spreadsheet is 0.30, 0.3333 stays 0.3333); one that needs more is rounded to 6
    (:func:`beyond_precision` counts them). Raises a ``DataError`` when their sum could not be
    held in int64 cents.
    """
    x = np.asarray(amounts, dtype="float64")
    if not np.isfinite(x).all():
        raise ValueError("amounts to sum must be finite numbers")
    if float(np.abs(x).sum()) * 100 >= MOST_CENTS:
        raise DataError(
            "the amounts are too large to sum exactly in cents",
            column="revenue",
            expected=f"amounts whose absolute values sum to less than {MOST_CENTS / 100:.1e}",
        )
    cents = np.zeros(len(x), dtype="int64")
    micro = np.zeros(len(x), dtype="int64")
    decimals = _decimals(x)
    for k in range(2, MOST_DECIMALS + 1):
        at = decimals == k
        if not at.any():
            continue
        units = np.rint(x[at] * 10.0**k).astype("int64")  # in 10**-k
        per_cent = 10 ** (k - 2)
        whole = np.floor_divide(units, per_cent)
        cents[at] = whole
        micro[at] = (units - whole * per_cent) * 10 ** (MOST_DECIMALS - k)
    return cents, micro


def beyond_precision(amounts: object) -> int:
    """How many amounts have more than :data:`MOST_DECIMALS` decimals (summed rounded to 6)."""
    x = np.asarray(amounts, dtype="float64")
    x = x[np.isfinite(x)]
    return int((~_has_decimals(x, MOST_DECIMALS)).sum())


def amount_notes(amounts: object, source: str, column: str = "revenue") -> list[str]:
    """What a loader tells about a source's amounts: those summed rounded to 6 decimals. A
    ``DataError`` naming the source when their sum would not fit in int64 cents."""
    x = np.asarray(amounts, dtype="float64")
    x = x[np.isfinite(x)]
    if float(np.abs(x).sum()) * 100 >= MOST_CENTS:
        raise DataError(
            "the amounts are too large to sum exactly in cents",
            source=source,
            column=column,
            expected=f"amounts whose absolute values sum to less than {MOST_CENTS / 100:.1e}",
        )
    beyond = beyond_precision(x)
    if not beyond:
        return []
    return [
        f"{beyond:,} {column} amount(s) with more than {MOST_DECIMALS} decimals summed rounded "
        f"to {MOST_DECIMALS}"
    ]


def _has_decimals(x: np.ndarray, k: int) -> np.ndarray:
    v = x * 10.0**k
    return np.abs(v - np.rint(v)) <= np.abs(v) * _CLOSE


def _decimals(x: np.ndarray) -> np.ndarray:
    """The decimals each amount is summed with: the fewest from 2 that fit, at most 6."""
    decimals = np.full(len(x), MOST_DECIMALS, dtype="int64")
    todo = np.arange(len(x))
    for k in range(2, MOST_DECIMALS):
        fits = _has_decimals(x[todo], k)
        decimals[todo[fits]] = k
        todo = todo[~fits]
    return decimals


def normalised(cents: object, micro: object) -> tuple[np.ndarray, np.ndarray]:
    """Sums of ``(cents, micro)`` carried so that ``0 <= micro < MICRO`` again."""
    cents = np.asarray(cents, dtype="int64")
    micro = np.asarray(micro, dtype="int64")
    carry = np.floor_divide(micro, MICRO)
    return cents + carry, micro - carry * MICRO


def rounded(cents: object, micro: object) -> np.ndarray:
    """Exact (normalised) sums rounded half away from zero to whole cents."""
    cents, micro = normalised(cents, micro)
    up = np.where(cents >= 0, 2 * micro >= MICRO, 2 * micro > MICRO)
    return cents + up.astype("int64")


def as_float(cents: object, micro: object) -> np.ndarray:
    """Exact sums as the nearest float64 currency amounts (what a parser makes of the decimal)."""
    cents, micro = normalised(cents, micro)
    small = np.abs(cents) < 2**52 // MICRO
    units = np.where(small, cents, 0) * MICRO + micro
    return np.where(small, units / 1e6, cents / 100 + micro / 1e6)


def weights(cents: object, micro: object) -> np.ndarray:
    """Exact sums as float cents, for shares and weights (never for an amount shown)."""
    cents, micro = normalised(cents, micro)
    return cents + micro / MICRO


def round_parts(cents: object, micro: object, parent: object, whole: object) -> np.ndarray:
    """Parts rounded to whole cents so that each parent's parts add up to its ``whole``.

    ``cents``/``micro`` are the parts' exact (normalised) sums, ``parent`` the code ``0..P-1`` of
    each part's parent and ``whole`` the parents' cents: a rounding of the sum of their parts
    (rounded once, or itself a part so rounded). Each part gets its exact value rounded down, and
    the cents left over go one each to the parts with the largest remainders (ties: the earlier
    part), so that every part is its exact value rounded down or up.
    """
    cents, micro = normalised(cents, micro)
    parent = np.asarray(parent, dtype="int64")
    whole = np.asarray(whole, dtype="int64")
    if len(parent) == 0:
        return cents
    floors = np.zeros(len(whole), dtype="int64")
    np.add.at(floors, parent, cents)
    short = whole - floors
    count = np.bincount(parent, weights=(micro > 0).astype("float64"), minlength=len(whole))
    if (short < 0).any() or (short > count).any():
        raise ValueError("a whole is not a rounding of the sum of its parts")
    position = np.arange(len(parent))
    order = np.lexsort((position, -micro, parent))
    first = np.searchsorted(parent[order], np.arange(len(whole)))
    rank = np.empty(len(parent), dtype="int64")
    rank[order] = position - first[parent[order]]
    return cents + (rank < short[parent]).astype("int64")


def nested_cents(sums: pd.DataFrame, keys: Sequence[str], apart: Sequence[str] = ()) -> np.ndarray:
    """Rounded cents of each row of ``sums`` (exact ``cents``, ``micro`` per distinct ``apart`` +
    ``keys``): per ``apart`` group (a quarter, say) the sum of its rows is rounded once, then each
    level of ``keys`` (channel, then channel x region, ...) is split from the level above with
    :func:`round_parts`. So every level adds up to the one above it, and the same lines give the
    same cents for a level whatever finer levels follow it."""
    keys, apart = list(keys), list(apart)
    if sums.empty:
        return np.zeros(0, dtype="int64")
    codes = _codes(sums, apart)
    n = int(codes.max()) + 1
    cents, micro = _grouped(sums, codes, n)
    level = rounded(cents, micro)
    for depth in range(1, len(keys) + 1):
        finer = _codes(sums, [*apart, *keys[:depth]])
        m = int(finer.max()) + 1
        parent = np.zeros(m, dtype="int64")
        parent[finer] = codes
        cents, micro = _grouped(sums, finer, m)
        level = round_parts(cents, micro, parent, level)
        codes = finer
    return level[codes]


def _codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Group numbers ``0..G-1`` in sorted key order (missing values as a group of their own)."""
    if not keys:
        return np.zeros(len(frame), dtype="int64")
    numbered = frame.groupby(keys, sort=True, observed=True, dropna=False).ngroup()
    return numbered.to_numpy(dtype="int64")


def _grouped(frame: pd.DataFrame, codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    cents = np.zeros(n, dtype="int64")
    micro = np.zeros(n, dtype="int64")
    np.add.at(cents, codes, frame["cents"].to_numpy(dtype="int64"))
    np.add.at(micro, codes, frame["micro"].to_numpy(dtype="int64"))
    return normalised(cents, micro)


def allocate(totals: object, weights: object, groups: object) -> np.ndarray:
    """Split each group's integer total over the group's items by weight, exactly.

    ``totals`` holds one integer per group code ``0..G-1``; ``weights`` and ``groups`` one entry per
    item. Each item gets the floor of its exact share and the units left over go, one each, to the
    items with the largest remainders (ties: the earlier item). Negative weights count as 0; a group
    whose weights are all 0 is split equally. A negative total is split like its absolute value.
    Every group's parts add up to its total exactly; a group without items gets nothing.
    """
    totals = np.asarray(totals, dtype="int64")
    weights = np.clip(np.asarray(weights, dtype="float64"), 0.0, None)
    groups = np.asarray(groups, dtype="int64")
    n_groups = len(totals)
    if len(groups) == 0:
        return np.zeros(0, dtype="int64")
    weight_sum = np.bincount(groups, weights=weights, minlength=n_groups)
    count = np.bincount(groups, minlength=n_groups)
    equal = weight_sum[groups] <= 0
    weights = np.where(equal, 1.0, weights)
    weight_sum = np.where(weight_sum > 0, weight_sum, count)
    amount = np.abs(totals)
    exact = amount[groups] * (weights / weight_sum[groups])
    parts = np.floor(exact).astype("int64")
    remainder = exact - parts
    short = amount - np.bincount(groups, weights=parts, minlength=n_groups).astype("int64")
    position = np.arange(len(groups))
    order = np.lexsort((position, -remainder, groups))
    rank = np.empty(len(groups), dtype="int64")
    first = np.searchsorted(groups[order], np.arange(n_groups))
    rank[order] = position - first[groups[order]]
    gap = short[groups]
    parts += (rank < gap).astype("int64")  # the usual case: 0 <= short < items in the group
    parts -= (rank >= count[groups] + gap).astype("int64")  # floor overshot by float error
    return parts * np.sign(totals)[groups]

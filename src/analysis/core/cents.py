"""Exact money: amounts as integer cents, and splitting a total into parts that add up to it.

Money is loaded rounded to cents (:func:`~analysis.data.series.to_cents`); the target-miss
modules keep it
as ``int64`` cents and divide by 100 only for display, so every sum of parts equals its total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def from_cents(cents: object) -> object:
    """Cents (int, array, or Series such as an Int64 column) as currency units; NA becomes NaN."""
    if isinstance(cents, pd.Series):
        return cents.astype("Float64").astype("float64") / 100
    return np.asarray(cents, dtype="float64") / 100


def round_cents(amounts: object) -> np.ndarray:
    """Float amounts already in cents, rounded half away from zero to whole cents (``int64``)."""
    values = np.asarray(amounts, dtype="float64")
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype("int64")


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

"""Look-alike labels: spellings of one label that differ only in what a reader cannot see.

``OEM``, ``oem``, ``ＯＥＭ`` (full width), ``OEM\\u200b`` (a zero-width space) and ``O  EM`` would
each be a segment of their own in every table. Two labels are taken as one when their
:func:`key` is equal: Unicode NFKC (width and compatibility forms), invisible format characters
(category Cf: zero-width spaces, a byte order mark, bidi marks) removed, runs of whitespace as one
space, ends stripped, and case folded. Case folding leaves Chinese characters alone, and NFKC
never maps one Chinese character to another in use (simplified 华 and traditional 華 stay apart).

The sales lines are unified to each label's most frequent spelling (ties: the first seen), and a
target's label is matched to the sales' spelling by the same key, so both use one module.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import numpy as np
import pandas as pd

from analysis.core.errors import DataError, shown
from analysis.data.set_aside import located

#: Merged groups a warning names at most.
SHOWN_GROUPS = 5
_SPACES = re.compile(r"\s+")


def key(label: str) -> str:
    """What two look-alike spellings of a label have in common."""
    text = unicodedata.normalize("NFKC", label)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return _SPACES.sub(" ", text).strip().casefold()


def unify(
    values: pd.Series, name: str, weights: pd.Series | None = None
) -> tuple[pd.Series, str | None]:
    """``values`` with every look-alike spelling replaced by the most frequent one, and a
    warning naming what was merged (None when nothing was). ``weights`` counts lines per value
    where one value stands for several lines (lines summed in an engine)."""
    counts = _counts(values, weights)
    if len(counts) < 2:
        return values, None
    keys = pd.Series([key(label) for label in counts.index], index=counts.index)
    shared = keys.duplicated(keep=False)
    if not shared.any():
        return values, None
    replace: dict[str, str] = {}
    groups = []
    for _, group in counts[shared.to_numpy()].groupby(keys[shared].to_numpy(), sort=False):
        chosen = str(group.idxmax())  # the first of the most frequent: counts keep first-seen order
        others = [(str(label), int(n)) for label, n in group.items() if label != chosen]
        replace.update({label: chosen for label, _ in others})
        groups.append((chosen, others))
    unified = values.where(~values.isin(list(replace)), values.map(replace))
    shown_groups = "; ".join(
        ", ".join(f"{shown(label)} ({n:,} line{'s' * (n != 1)})" for label, n in others)
        + f" read as {shown(chosen)}"
        for chosen, others in groups[:SHOWN_GROUPS]
    )
    more = f"; and {len(groups) - SHOWN_GROUPS} more" if len(groups) > SHOWN_GROUPS else ""
    return unified, f"{name}: {shown_groups}{more}"


def match_known(values: pd.Series, known: list[str]) -> tuple[pd.Series, dict[str, str]]:
    """``values`` that are look-alikes of exactly one ``known`` label spelled as it is, and
    what was changed (value -> known spelling); other values are left as they are."""
    by_key: dict[str, list[str]] = {}
    for label in known:
        by_key.setdefault(key(label), []).append(label)
    changed = {}
    for value in pd.unique(values.dropna()):
        if value in known:
            continue
        matches = by_key.get(key(str(value)), [])
        if len(matches) == 1:
            changed[str(value)] = matches[0]
    if not changed:
        return values, changed
    return values.where(~values.isin(list(changed)), values.map(changed)), changed


def check_known(
    values: pd.Series, rows: np.ndarray, sales: pd.DataFrame, name: str, label: str
) -> None:
    """Every target value must occur in the sales; an unknown one is almost always a typo."""
    if name not in sales.columns:
        raise DataError(
            f"the targets are set by {name}, but the sales lines have no {name} column",
            source=label,
            column=name,
            expected=f"a {name} column in the sales, or targets without it",
        )
    known = known_labels(sales, name)
    unknown = ~values.isin(known).to_numpy()
    if not unknown.any():
        return
    lines = []
    for value in pd.unique(values[unknown]):
        where = ", ".join(map(str, rows[(values == value).to_numpy()][:5]))
        close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
        if close:
            hint = f"did you mean {' or '.join(map(repr, close))}?"
        else:
            hint = f"the sales have {', '.join(map(repr, sorted(known)[:10]))}"
        lines.append(f"{name} {shown(value)} (row {where}) never occurs in the sales; {hint}")
    error = DataError("; ".join(lines), source=label)
    raise located(error, rows[unknown], column=name)


def known_labels(sales: pd.DataFrame, name: str) -> list[str]:
    """The distinct labels of a sales column, as text."""
    return [str(value) for value in pd.unique(sales[name].dropna())]


def _counts(values: pd.Series, weights: pd.Series | None) -> pd.Series:
    """Lines per distinct label, in order of first appearance."""
    present = values.notna().to_numpy()
    labels = values[present].astype("str")
    lines = (
        pd.Series(1, index=labels.index) if weights is None else weights[present].astype("int64")
    )
    totals = lines.groupby(labels.to_numpy(), sort=False).sum()
    first = pd.unique(labels.to_numpy())
    return totals.reindex(first).astype(np.int64)

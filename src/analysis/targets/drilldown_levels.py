"""The segment targets of a drill-down: set at the segment's grain, or split from its parent's.

See :mod:`analysis.targets.drilldown` for the rule; this module holds its arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.cents import allocate
from analysis.targets.selection import sum_targets

UNALLOCATED = "(unallocated)"


def segment_levels(
    current: pd.Series,
    before: pd.Series,
    rows: pd.DataFrame,
    by_channel: dict[str, tuple[str, ...]],
    path: tuple[str, ...],
    words: dict[str, str],
) -> list[pd.DataFrame]:
    """Nodes of channel (level 0) and each prefix of ``path``: keys, target, actual, prior, basis.

    ``current`` is the targeted net cents, ``before`` all net cents a year earlier, by channel and
    (at least) the ``path`` dimensions; ``by_channel`` is each targeted channel's target grain. A
    channel whose targets are set at a node's dimensions uses them (a node without a row has no
    target); the others split their parent's target (:func:`allocated`).
    """
    sales = pd.concat({"actual": current, "prior": before}, axis=1).astype("float64")
    levels: list[pd.DataFrame] = []
    for depth in range(len(path) + 1):
        keys = ["channel", *path[:depth]]
        node = sales.groupby(level=keys, sort=True).sum(min_count=1)
        direct = {c for c, g in by_channel.items() if depth and set(path[:depth]) <= set(g)}
        has_row = np.zeros(len(node), dtype=bool)
        if depth == 0 or direct:
            goal = sum_targets(rows.loc[rows["channel"].isin(direct)] if depth else rows, keys)
            goal = goal["cents"]
            node = node.reindex(node.index.union(goal.index))
            has_row = node.index.isin(goal.index)
        channel = node.index.get_level_values("channel")
        at_grain = channel.isin(list(direct)) if depth else np.ones(len(node), dtype=bool)
        parts = []
        if at_grain.any():
            mine = node.loc[at_grain].copy()
            mine["has_target"] = has_row[at_grain]
            mine["target"] = goal.reindex(mine.index).astype("float64")
            mine["basis"] = np.where(mine["has_target"], "target", "no target")
            parts.append(mine)
        if not at_grain.all():
            parent = levels[-1]
            parts.append(allocated(parent.loc[~parent.index.isin(list(direct), level=0)],
                                    node.loc[~at_grain].copy(), words))  # fmt: skip
        if not parts:  # no sales and no target at all
            parts = [node.assign(has_target=False, target=np.nan, basis="no target")]
        node = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
        node["actual"] = node["actual"].fillna(0.0)
        node["gap"] = node["actual"] - node["target"]
        levels.append(node)
    out = []
    for depth, node in enumerate(levels):
        frame = node.reset_index()
        for col in ("target", "actual", "prior", "gap"):
            frame[col] = frame[col].round().astype("Int64")
        out.append(
            frame[["channel", *path[:depth], "has_target", "target", "actual", "prior", "gap",
                   "basis"]]
        )  # fmt: skip
    return out


def allocated(parents: pd.DataFrame, node: pd.DataFrame, words: dict[str, str]) -> pd.DataFrame:
    """Children (``node``) with each parent's target split by the children's revenue shares.

    A parent with a target but no children keeps it on one ``(unallocated)`` child.
    """
    up = node.index.droplevel(-1)
    lonely = parents.index[~parents.index.isin(up) & parents["has_target"].to_numpy()]
    if len(lonely):
        tuples = [(*(k if isinstance(k, tuple) else (k,)), UNALLOCATED) for k in lonely]
        extra = pd.MultiIndex.from_tuples(tuples, names=node.index.names)
        node = pd.concat([node, pd.DataFrame(index=extra, columns=node.columns, dtype="float64")])
        up = node.index.droplevel(-1)
    code = parents.index.get_indexer(up)
    n = len(parents)
    base = np.clip(np.nan_to_num(node["prior"].to_numpy(dtype="float64")), 0, None)
    cur = np.clip(np.nan_to_num(node["actual"].to_numpy(dtype="float64")), 0, None)
    base_sum = np.bincount(code, weights=base, minlength=n)[code]
    cur_sum = np.bincount(code, weights=cur, minlength=n)[code]
    weight = np.where(base_sum > 0, base, np.where(cur_sum > 0, cur, 1.0))
    basis = np.where(
        base_sum > 0, words["prior"], np.where(cur_sum > 0, words["current"], words["equal"])
    )
    basis = np.where(node.index.get_level_values(-1) == UNALLOCATED, "unallocated", basis)
    targeted = parents["has_target"].to_numpy()[code]
    parent_target = np.nan_to_num(parents["target"].to_numpy(dtype="float64")).astype("int64")
    target = allocate(parent_target, weight, code)
    node["has_target"] = targeted
    node["target"] = np.where(targeted, target, np.nan)
    node["basis"] = np.where(targeted, basis, "no target")
    return node

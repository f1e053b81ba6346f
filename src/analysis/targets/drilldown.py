"""Where inside each channel a target was missed: the gap of every region and product line.

Segment targets
---------------
A segment's target is the target set at that grain when the targets have it (channel x region
targets for regions). Otherwise its channel's target (or its parent segment's, in a tree) is split
by each segment's share of the parent's *net* revenue in the same quarter a year earlier, with
largest-remainder rounding to cents so that the parts add up to the parent's target exactly.
Segments new since then, or with net returns then, get 0. A parent without sales a year earlier is
split by this quarter's shares; without any positive sales in either quarter, equally; without any
segment at all, the target stays on one ``(unallocated)`` segment. Segments of a channel without a
target have no target either (NaN) and their gap is their whole actual, as for the channel.

Actuals are exact sums rounded to cents once at the top and split down (``attainment.net_by``), so
every channel's segment gaps (segment actual - segment target) add up to the channel's gap, and
in the tree every node's children add up to the node. ``Drilldown.basis`` says how each segment's
target was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import allocate
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import TOTAL, Coverage
from analysis.targets.attainment import (
    as_period,
    lines_in,
    money_table,
    net_by,
    sum_targets,
    target_grain,
    targets_for,
)

UNALLOCATED = "(unallocated)"
MONEY = ("target", "actual", "gap", "prior")
PERCENT = ("share_of_gap", "share_of_total_gap", "cumulative_share")
LABELS = {
    "channel": "Channel",
    "dimension": "By",
    "segment": "Segment",
    "node": "Channel / region / product line",
    "level": "Level",
    "region": "Region",
    "product_line": "Product line",
    "has_target": "Has target",
    "target": "Target",
    "actual": "Actual",
    "gap": "Gap",
    "prior": "Year earlier",
    "share_of_gap": "Share of channel gap",
    "share_of_total_gap": "Share of total gap",
    "cumulative_share": "Cumulative share",
    "rank": "Rank",
    "basis": "Target from",
}


@dataclass(frozen=True)
class Drilldown:
    """Segment gaps inside each channel, and the decomposition tree.

    ``cents`` / ``table``: one row per channel, dimension and segment: ``channel, dimension,
    segment, has_target, target, actual, gap, prior, share_of_gap, rank, basis`` (``rank`` 1 is the
    largest absolute gap within the channel and dimension; ``share_of_gap`` is of the channel gap).
    ``tree_cents`` / ``tree``: every node of total -> channel -> <path...>: ``level, channel,
    <path...>, node, has_target, target, actual, gap, prior, share_of_total_gap, basis``.
    """

    quarter: str
    baseline: str
    path: tuple[str, ...]
    notes: tuple[str, ...]
    rule: str
    cents: pd.DataFrame
    tree_cents: pd.DataFrame

    @property
    def table(self) -> pd.DataFrame:
        return money_table(self.cents, MONEY)

    @property
    def tree(self) -> pd.DataFrame:
        return money_table(self.tree_cents, MONEY)

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` leaves of the tree (channel x region x product line) with the largest gaps.

        Ranked by absolute gap across the whole company; ``node`` is the leaf's whole path
        (``Export / Overseas / Ball valves``) and ``cumulative_share`` adds up the leaves' shares
        of the total gap.
        """
        tree = self.tree
        keys = ["channel", *self.path]
        leaves = tree.loc[tree["level"] == keys[-1]].copy()
        leaves["node"] = leaves[keys].astype(str).agg(" / ".join, axis=1)
        leaves["_size"] = leaves["gap"].abs()
        leaves = leaves.sort_values(["_size", "node"], ascending=[False, True]).head(n)
        leaves = leaves.drop(columns="_size").reset_index(drop=True)
        leaves["cumulative_share"] = leaves["share_of_total_gap"].cumsum()
        return leaves

    def pruned(self, n: int = 3) -> pd.DataFrame:
        """The tree with, under every channel and segment, only its ``n`` largest-gap children.

        Rows in tree order: the total, each channel (largest absolute gap first), its top
        segments, theirs; ``node`` is indented by depth for display.
        """
        tree = self.tree
        keys = ["channel", *self.path]
        kept = [tree.loc[tree["level"] == "total"]]

        def visit(depth: int, parent: dict[str, object]) -> None:
            kids = tree.loc[tree["level"] == keys[depth]]
            for key, value in parent.items():
                kids = kids.loc[kids[key] == value]
            order = kids.assign(_size=kids["gap"].abs()).sort_values(
                ["_size", "node"], ascending=[False, True], kind="stable"
            )
            for _, kid in (order if depth == 0 else order.head(n)).iterrows():
                kept.append(kid.drop("_size").to_frame().T.assign(node="  " * depth + kid["node"]))
                if depth + 1 < len(keys):
                    visit(depth + 1, {**parent, keys[depth]: kid[keys[depth]]})

        visit(0, {})
        out = pd.concat(kept, ignore_index=True)
        return out.astype({c: tree[c].dtype for c in tree.columns})


def drilldown(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    dims: Sequence[str] = ("region", "product_line"),
    path: Sequence[str] = ("region", "product_line"),
) -> Drilldown:
    """Gaps of each segment inside each channel (one ranking per dimension in ``dims``) and the
    decomposition tree channel -> ``path``; see the module docstring for the segment targets."""
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    prior = period - 4
    label, prior_label = calendar.label(period), calendar.label(prior)
    finest = ["channel", *dict.fromkeys([*path, *dims])]
    needed = [*finest, "quantity", "revenue"]
    now, then = (lines_in(sales, calendar, [p], needed) for p in (period, prior))
    current, before = net_by(now, finest)["cents"], net_by(then, finest)["cents"]
    rows = targets_for(targets, calendar, [period])
    grain = set(target_grain(targets))
    basis_words = {
        "prior": f"share of {prior_label}",
        "current": f"share of {label}",
        "equal": "equal split",
    }

    path = tuple(path)
    levels = _levels(current, before, rows, grain, path, basis_words)
    parts = []
    for dim in dims:
        if path[:1] == (dim,):
            level = levels[1]
        else:  # its own rounding, as the channel's split into this dimension alone
            keys = ["channel", dim]
            now_by, then_by = net_by(now, keys)["cents"], net_by(then, keys)["cents"]
            level = _levels(now_by, then_by, rows, grain, (dim,), basis_words)[1]
        parts.append(_ranked(level, dim))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    tree = _tree(levels, path)

    notes = []
    allocated = tree.loc[tree["target"].fillna(0) != 0]
    for word, key in (("this quarter's shares", "current"), ("equal shares", "equal")):
        used = sorted(set(allocated.loc[allocated["basis"] == basis_words[key], "channel"]))
        if used:
            notes.append(f"Split by {word} (no positive sales in {prior_label}): {', '.join(used)}")
    stuck = sorted(set(tree.loc[tree["basis"] == "unallocated", "channel"]))
    if stuck:
        notes.append(f"No sales to split the target over: {', '.join(stuck)}")
    return Drilldown(
        quarter=label,
        baseline=prior_label,
        path=path,
        notes=tuple(notes),
        rule=_rule(prior_label, grain),
        cents=table,
        tree_cents=tree,
    )


def _levels(
    current: pd.Series,
    before: pd.Series,
    rows: pd.DataFrame,
    grain: set[str],
    path: tuple[str, ...],
    words: dict[str, str],
) -> list[pd.DataFrame]:
    """Nodes of channel (level 0) and each prefix of ``path``: keys, target, actual, prior, basis.

    ``current`` and ``before`` are net cents by channel and (at least) the ``path`` dimensions.
    """
    sales = pd.concat({"actual": current, "prior": before}, axis=1).astype("float64")
    targeted_channels = set(rows["channel"])
    levels: list[pd.DataFrame] = []
    for depth in range(len(path) + 1):
        keys = ["channel", *path[:depth]]
        node = sales.groupby(level=keys, sort=True).sum(min_count=1)
        if depth == 0 or set(path[:depth]) <= grain:
            goal = sum_targets(rows, keys)["cents"]
            node = node.reindex(node.index.union(goal.index))
            channel = node.index.get_level_values("channel")
            targeted = channel.isin(targeted_channels)
            has_row = node.index.isin(goal.index)
            node["has_target"] = targeted
            node["target"] = np.where(targeted, goal.reindex(node.index).fillna(0), np.nan)
            node["basis"] = np.where(
                targeted, np.where(has_row, "target", "no target at this grain"), "no target"
            )
        else:
            node = _allocated(levels[-1], node, words)
        node["actual"] = node["actual"].fillna(0.0)
        node["gap"] = node["actual"] - node["target"].fillna(0.0)
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


def _allocated(parents: pd.DataFrame, node: pd.DataFrame, words: dict[str, str]) -> pd.DataFrame:
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


def _ranked(level: pd.DataFrame, dim: str) -> pd.DataFrame:
    frame = level.rename(columns={dim: "segment"})
    frame.insert(1, "dimension", dim)
    channel_gap = frame.groupby("channel")["gap"].transform("sum").astype("float64")
    gap = frame["gap"].astype("float64")
    frame["share_of_gap"] = gap / channel_gap.where(channel_gap != 0)
    frame["rank"] = (
        frame.assign(_s=gap.abs())
        .groupby("channel")["_s"]
        .rank(method="first", ascending=False)
        .astype("int64")
    )
    frame = frame.sort_values(["channel", "rank"], ignore_index=True)
    return frame[
        [
            "channel",
            "dimension",
            "segment",
            "has_target",
            "target",
            "actual",
            "gap",
            "prior",
            "share_of_gap",
            "rank",
            "basis",
        ]
    ]


def _tree(levels: list[pd.DataFrame], path: tuple[str, ...]) -> pd.DataFrame:
    channels = levels[0]
    total = pd.DataFrame(
        {
            "channel": [TOTAL],
            "has_target": [bool(channels["has_target"].any())],
            "target": pd.array(
                [channels["target"].sum() if channels["has_target"].any() else pd.NA], "Int64"
            ),
            "actual": pd.array([channels["actual"].sum()], "Int64"),
            "gap": pd.array([channels["gap"].sum()], "Int64"),
            "prior": pd.array(
                [channels["prior"].sum() if channels["prior"].notna().any() else pd.NA], "Int64"
            ),
            "basis": ["target" if channels["has_target"].any() else "no target"],
        }
    )
    names = ["total", "channel", *path]
    parts = []
    for name, frame in zip(names, [total, *levels], strict=True):
        frame = frame.copy()
        frame.insert(0, "level", name)
        parts.append(frame)
    tree = pd.concat(parts, ignore_index=True)
    for dim in path:
        if dim not in tree.columns:
            tree[dim] = np.nan
    keys = ["channel", *path]
    node = tree["channel"].astype(str)
    for dim in path:
        node = node.where(tree[dim].isna(), tree[dim].astype(str))
    tree["node"] = node
    total_gap = float(total["gap"].iloc[0])
    tree["share_of_total_gap"] = tree["gap"].astype("float64") / total_gap if total_gap else np.nan
    return tree[
        [
            "level",
            *keys,
            "node",
            "has_target",
            "target",
            "actual",
            "gap",
            "prior",
            "share_of_total_gap",
            "basis",
        ]
    ]


def _rule(prior_label: str, grain: set[str]) -> str:
    known = f"Targets set by {' and '.join(sorted(grain))} are used as they are. " if grain else ""
    return (
        f"{known}A segment without its own target gets a part of its channel's target (in the "
        "tree: of its parent's) in proportion to its net revenue in "
        f"{prior_label}, rounded to cents so that the parts add up to the channel's target "
        f"exactly (largest remainder). Segments that did not sell in {prior_label} get 0; a "
        f"channel that did not sell in {prior_label} is split by this quarter's shares."
    )

"""Where inside each channel a target was missed: the gap of every region and product line.

Targeted sales only
-------------------
Segments are judged on the sales their targets cover (:mod:`analysis.targets.covered`): a channel
without a target, or a region without a quota in a channel whose targets are set by region, is
not ranked among the gaps; its sales are listed apart (``Drilldown.untargeted``). A target of 0 is
a target. Shares of a gap are of the channel's (or the company's) targeted gap when all gaps go
its way, else of the sum of the shortfalls or of the excesses (``covered.side_shares``); the
cumulative share adds up one side at a time, so it never passes 100 %.

Segment targets
---------------
A segment's target is the target set at that grain when the channel's targets have it (channel x
region targets for regions; a region without a row has no target). Otherwise its channel's target
(or its parent segment's, in a tree) is split by each segment's share of the parent's *net* revenue
in the same quarter a year earlier, with largest-remainder rounding to cents so that the parts add
up to the parent's target exactly. Segments new since then, or with net returns then, get 0. A
parent without sales a year earlier is split by this quarter's shares; without any positive sales in
either quarter, equally; without any segment at all, the target stays on one ``(unallocated)``
segment.

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

from analysis.core.i18n import N_, _
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import DIMENSION_WORDS
from analysis.data.series import TOTAL, Coverage
from analysis.targets.covered import covered, grains, share_rule, side_shares
from analysis.targets.drilldown_levels import segment_levels
from analysis.targets.selection import (
    as_period,
    lines_in,
    money_table,
    net_by,
    target_grain,
    targets_for,
)

MONEY = ("target", "actual", "gap", "prior")
PERCENT = ("share_of_gap", "share_of_total_gap", "cumulative_share")
LABELS = {
    "channel": N_("Channel"),
    "dimension": N_("By"),
    "segment": N_("Segment"),
    "node": N_("Channel / region / product line"),
    "level": N_("Level"),
    "region": N_("Region"),
    "product_line": N_("Product line"),
    "has_target": N_("Has target"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "gap": N_("Gap"),
    "prior": N_("Year earlier"),
    "share_of_gap": N_("Share of channel gap"),
    "share_of_total_gap": N_("Share of gap"),
    "cumulative_share": N_("Cumulative share"),
    "rank": N_("Rank"),
    "basis": N_("Target from"),
}


@dataclass(frozen=True)
class Drilldown:
    """Segment gaps inside each channel, and the decomposition tree.

    ``cents`` / ``table``: one row per targeted channel, dimension and segment: ``channel,
    dimension, segment, has_target, target, actual, gap, prior, share_of_gap, cumulative_share,
    rank, basis``; ``actual`` is the targeted sales. Within a channel and dimension the gaps that go
    the channel's way come first, largest first (``rank`` 1), then those that go the other way;
    ``share_of_gap`` is of the channel's gap, or of its side's sum when gaps go both ways.
    ``tree_cents`` / ``tree``: every targeted node of total -> channel -> <path...>: ``level,
    channel, <path...>, node, has_target, target, actual, gap, prior, share_of_total_gap, basis``.
    ``untargeted_cents`` / ``untargeted``: sales no target covers, per ``channel, dimension,
    segment, actual``, largest first.
    """

    quarter: str
    baseline: str
    path: tuple[str, ...]
    notes: tuple[str, ...]
    rule: str
    cents: pd.DataFrame
    tree_cents: pd.DataFrame
    untargeted_cents: pd.DataFrame

    @property
    def table(self) -> pd.DataFrame:
        return money_table(self.cents, MONEY)

    @property
    def untargeted(self) -> pd.DataFrame:
        return money_table(self.untargeted_cents, MONEY)

    @property
    def tree(self) -> pd.DataFrame:
        return money_table(self.tree_cents, MONEY)

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` targeted leaves of the tree (channel x region x product line) with the largest
        gaps the company's way, then (if ``n`` leaves room) those the other way.

        ``node`` is the leaf's whole path (``Export / Overseas / Ball valves``) and
        ``cumulative_share`` adds up the leaves' shares one side at a time (at most 100 %).
        """
        tree = self.tree
        keys = ["channel", *self.path]
        leaves = tree.loc[(tree["level"] == keys[-1]) & tree["has_target"]].copy()
        leaves["node"] = [" / ".join(map(str, row)) for row in leaves[keys].itertuples(False)]
        if leaves.empty:  # no targets, or none below the channels: nothing to rank
            return leaves.assign(cumulative_share=pd.Series(dtype="float64")).reset_index(drop=True)
        total = float(tree.loc[tree["level"] == "total", "gap"].fillna(0).iloc[0])
        leaves = _by_side(leaves, total).head(n)
        leaves["cumulative_share"] = leaves.groupby("_side")["share_of_total_gap"].cumsum()
        return leaves.drop(columns="_side").reset_index(drop=True)

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
            for _key, kid in (order if depth == 0 else order.head(n)).iterrows():
                kept.append(kid.drop("_size").to_frame().T.assign(node="  " * depth + kid["node"]))
                if depth + 1 < len(keys):
                    visit(depth + 1, {**parent, keys[depth]: kid[keys[depth]]})

        visit(0, {})
        out = pd.concat(kept, ignore_index=True)
        return out.astype({c: tree[c].dtype for c in tree.columns})


def _part(lines: pd.DataFrame, hit: np.ndarray, keys: list[str], inside: bool) -> pd.Series:
    """Cents per ``keys`` of the lines a target covers (``inside``) or of the rest, each channel
    split from its actual into the two first, as attainment splits it, so that every figure of
    the drill-down adds up to attainment's own."""
    split = net_by(lines.assign(_covered=hit), [keys[0], "_covered", *keys[1:]])["cents"]
    part = split.loc[split.index.get_level_values("_covered").to_numpy(dtype=bool) == inside]
    return part.droplevel("_covered")


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
    rows = targets_for(targets, calendar, [period])
    grain = list(target_grain(targets))
    needed = ["date", *dict.fromkeys([*finest, *grain]), "quantity", "revenue"]
    now = lines_in(sales, calendar, [period], needed)
    hit = covered(now, rows, calendar, grain)
    current = _part(now, hit, finest, True)
    then = lines_in(sales, calendar, [prior], needed)
    before = net_by(then, finest)["cents"]
    by_channel = dict(zip(rows["channel"], grains(rows, grain), strict=True))
    basis_words = {
        "prior": _("share of {quarter}").format(quarter=prior_label),
        "current": _("share of {quarter}").format(quarter=label),
        "equal": _("equal split"),
    }

    path = tuple(path)
    levels = segment_levels(current, before, rows, by_channel, path, basis_words)
    parts = []
    for dim in dims:
        if path[:1] == (dim,):
            level = levels[1]
        else:  # its own rounding, as the channel's split into this dimension alone
            keys = ["channel", dim]
            now_by, then_by = _part(now, hit, keys, True), net_by(then, keys)["cents"]
            level = segment_levels(now_by, then_by, rows, by_channel, (dim,), basis_words)[1]
        parts.append(_ranked(level, dim))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    tree = _tree(levels, path)
    apart = [
        _part(now, hit, ["channel", dim], False)
        .rename("actual")
        .reset_index()
        .rename(columns={dim: "segment"})
        .assign(dimension=dim)
        for dim in dims
    ]
    untargeted = pd.concat(apart, ignore_index=True) if apart else pd.DataFrame()
    if len(untargeted):
        untargeted = untargeted[["channel", "dimension", "segment", "actual"]]
        untargeted["actual"] = untargeted["actual"].astype("Int64")
        untargeted = untargeted.sort_values(
            ["dimension", "actual", "channel"], ascending=[True, False, True], ignore_index=True
        )

    notes = []
    allocated = tree.loc[tree["target"].fillna(0) != 0]
    for text, key in (
        (_("Split by this quarter's shares (no positive sales in {prior}): {names}"), "current"),
        (_("Split by equal shares (no positive sales in {prior}): {names}"), "equal"),
    ):
        used = sorted(set(allocated.loc[allocated["basis"] == basis_words[key], "channel"]))
        if used:
            notes.append(text.format(prior=prior_label, names=_(", ").join(used)))
    stuck = sorted(set(allocated.loc[allocated["basis"] == "unallocated", "channel"]))
    if stuck:
        notes.append(
            _("No sales to split the target over: {names}").format(names=_(", ").join(stuck))
        )
    return Drilldown(
        quarter=label,
        baseline=prior_label,
        path=path,
        notes=tuple(notes),
        rule=_rule(prior_label, set(grain))
        + " "
        + share_rule(tree.loc[tree["level"] == path[-1], "gap"]),
        cents=table,
        tree_cents=tree,
        untargeted_cents=untargeted,
    )


def _by_side(frame: pd.DataFrame, total: float) -> pd.DataFrame:
    """Rows whose gap goes the way of ``total`` first, then the others; largest gap first in each
    (``_side`` 0 and 1)."""
    gap = frame["gap"].astype("float64")
    other = (gap < 0) if total > 0 else (gap > 0)
    frame = frame.assign(_side=other.astype("int64").to_numpy(), _size=gap.abs().to_numpy())
    frame = frame.sort_values(["_side", "_size", "node"], ascending=[True, False, True])
    return frame.drop(columns="_size")


def _ranked(level: pd.DataFrame, dim: str) -> pd.DataFrame:
    frame = level.loc[level["has_target"]].rename(columns={dim: "segment"})
    frame.insert(1, "dimension", dim)
    frame = frame.assign(node=frame["segment"].astype(str))
    parts = []
    for _key, group in frame.groupby("channel", sort=True):
        gap = group["gap"].astype("float64")
        total = float(gap.sum())
        group = group.assign(share_of_gap=side_shares(gap, total))
        group = _by_side(group, total)
        group["cumulative_share"] = group.groupby("_side")["share_of_gap"].cumsum()
        group["rank"] = np.arange(1, len(group) + 1)
        parts.append(group)
    columns = ["channel", "dimension", "segment", "has_target", "target", "actual", "gap", "prior",
               "share_of_gap", "cumulative_share", "rank", "basis"]  # fmt: skip
    if not parts:
        return frame.reindex(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


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
            "gap": pd.array(
                [channels["gap"].sum() if channels["has_target"].any() else pd.NA], "Int64"
            ),
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
    tree = tree.loc[tree["has_target"]].reset_index(drop=True)
    total_gap = float(total["gap"].fillna(0).iloc[0])
    tree["share_of_total_gap"] = np.nan
    for _key, group in tree.groupby("level", sort=False):
        tree.loc[group.index, "share_of_total_gap"] = side_shares(group["gap"], total_gap)
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
    known = ""
    if grain:
        words = _(" and ").join(_(DIMENSION_WORDS.get(g, g)) for g in sorted(grain))
        known = _("Targets set by {grain} are used as they are. ").format(grain=words)
    return known + _(
        "A segment without its own target gets a part of its channel's target (in the tree: of "
        "its parent's) in proportion to its net revenue in {prior}, rounded to cents so that the "
        "parts add up to the channel's target exactly (largest remainder). Segments that did not "
        "sell in {prior} get 0; a channel that did not sell in {prior} is split by this "
        "quarter's shares."
    ).format(prior=prior_label)

"""Targets against actuals: attainment per channel and in total, for a quarter or year to date.

The conventions for targets, the sales they cover and channels without a target are here; the
pieces every target-miss module shares (a quarter's lines, its targets) are in ``selection``.

Conventions
-----------
- Money is summed exactly and rounded to cents once per total, each channel (and segment) split
  from it so that they add up (``cents`` frames); shown in currency units (``table``).
- Attainment compares a target with the sales it covers (:mod:`analysis.targets.covered`):
  ``targeted`` is the actual of the sales some target row covers, ``untargeted`` the rest, and
  ``actual = targeted + untargeted``. ``gap = targeted - target`` and ``attainment = targeted /
  target``; sales without a target are shown beside them, never counted in either.
- A channel (or segment) without a target keeps its row: ``has_target`` is False, ``target``,
  ``gap`` and ``attainment`` are NaN, and its actual is all ``untargeted``. A target of 0 is a
  target (its gap is its actual). The channel gaps add up to the total gap.
- Targets may be set per channel or finer (``region``, ``product_line``, ... columns), one grain per
  channel and quarter; a channel's target is the sum of its rows. ``detail=True`` adds rows at
  each finer grain the targets use, for the channels whose targets are set at it.
- ``gap_share``: see :func:`analysis.targets.covered.side_shares` (of the total gap when all gaps
  go its way, else of the sum of the shortfalls or of the excesses).
- ``target_quantity`` may be missing or NaN (revenue-only targets); then the unit columns are NaN.
- A quarter the sales data cover only in part is flagged (``partial``), never compared silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.i18n import N_, _
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import TOTAL, Coverage
from analysis.targets.covered import covered, grains, mixed, side_shares
from analysis.targets.selection import (
    as_period,
    fiscal_year_to_date,
    lines_in,
    money_table,
    net_by,
    sum_targets,
    target_grain,
    targets_for,
)

#: Money columns of the attainment table (cents in ``cents``, currency units in ``table``).
MONEY = ("target", "actual", "targeted", "untargeted", "gap", "prior")
PERCENT = ("attainment", "yoy", "gap_share", "quantity_attainment")
#: Reader-facing headings of the attainment table.
LABELS = {
    "level": N_("Level"),
    "channel": N_("Channel"),
    "region": N_("Region"),
    "product_line": N_("Product line"),
    "has_target": N_("Has target"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "targeted": N_("Targeted sales"),
    "untargeted": N_("Sold without target"),
    "gap": N_("Gap"),
    "attainment": N_("Attainment"),
    "prior": N_("Year earlier"),
    "yoy": N_("Growth on a year earlier"),
    "gap_share": N_("Share of gap"),
    "target_quantity": N_("Target units"),
    "quantity": N_("Units"),
    "quantity_attainment": N_("Unit attainment"),
}


# --- the attainment table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    """Attainment of a quarter (or fiscal year to date): one row per channel, and the total.

    ``cents`` has the money columns as ``Int64`` cents (exact); ``table`` has them in currency
    units.
    Columns: ``level, channel, [grain...], has_target, target, actual, targeted, untargeted, gap,
    attainment, prior, yoy, gap_share, target_quantity, quantity, targeted_quantity,
    quantity_attainment``. ``level`` is ``channel``, ``total`` or a finer grain of the targets
    (``channel/region``) for detail rows.
    """

    quarter: str
    quarters: tuple[str, ...]
    prior_quarters: tuple[str, ...]
    partial: bool
    prior_partial: bool
    notes: tuple[str, ...]
    cents: pd.DataFrame
    marker: str = ""  # how the data cover the quarters: '' or "partial: data to 2025-11-15"
    prior_marker: str = ""  # the same for the year-earlier quarters (then no growth is shown)

    @property
    def table(self) -> pd.DataFrame:
        return money_table(self.cents, MONEY)

    @property
    def period_label(self) -> str:
        """``2025Q4`` or ``2025Q1-2025Q4`` for a fiscal year to date."""
        if len(self.quarters) == 1:
            return self.quarters[0]
        return f"{self.quarters[0]}-{self.quarters[-1]}"

    @property
    def labels(self) -> dict[str, str]:
        """:data:`LABELS` with partial quarters marked: ``Year earlier (partial: data from
        2024-12-01)``."""
        labels = {column: _(text) for column, text in LABELS.items()}
        for column, marker in (("actual", self.marker), ("prior", self.prior_marker)):
            if marker:
                labels[column] = _("{label} ({marker})").format(label=labels[column], marker=marker)
        return labels

    @property
    def missing(self) -> dict[str, str]:
        """What an empty growth cell means: ``no comparison`` when the year-earlier quarters
        are partial or missing (else a channel that did not sell a year earlier)."""
        return {"yoy": N_("no comparison")} if self.prior_partial else {}

    def row(self, channel: str = TOTAL) -> pd.Series:
        """The channel (or ``Total``) row of ``table``."""
        table = self.table
        return table.loc[(table["channel"] == channel) & table["level"].isin(_ROLLUPS)].iloc[0]

    @property
    def channels(self) -> pd.DataFrame:
        """The channel rows of ``table`` (no detail rows, no total)."""
        table = self.table
        return table.loc[table["level"] == "channel"].reset_index(drop=True)

    @property
    def mixed(self) -> bool:
        """Whether the channels' gaps go both ways (then shares are of each side's sum)."""
        return mixed(self.cents.loc[self.cents["level"] == "channel", "gap"].astype("Float64"))

    def finer(self) -> pd.DataFrame:
        """Targeted rows at the targets' finer grains (``channel/region``, ...), worst attainment
        first; targets of 0 (no attainment) after them. Empty for targets set per channel.
        """
        table = self.table
        rows = table.loc[~table["level"].isin(_ROLLUPS) & table["has_target"]].copy()
        rows["_size"] = rows["gap"].astype("float64")
        rows = rows.sort_values(["attainment", "_size"], na_position="last", kind="stable")
        return rows.drop(columns="_size").reset_index(drop=True)


def attainment(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    ytd: bool = False,
    detail: bool = False,
) -> Attainment:
    """Target, sales with and without a target, gap, attainment and growth per channel and total.

    ``ytd`` sums the quarters of the fiscal year up to and including ``quarter`` (a channel's
    target is the sum of the targets it has in them; a quarter's sales are targeted when a target
    of that quarter covers them); ``prior`` and ``yoy`` compare all sales with the same quarters a
    year earlier, and where the data miss a day of those ``yoy`` is NaN (no comparison), with a
    note saying what they hold. ``detail`` adds rows at the targets' finer grains (e.g. channel x
    region) above each channel's row.
    """
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    grain = list(target_grain(targets))
    periods = fiscal_year_to_date(period) if ytd else [period]
    priors = [p - 4 for p in periods]
    needed = ["date", "channel", *grain, "quantity", "revenue"]
    current = lines_in(sales, calendar, periods, needed)
    before = lines_in(sales, calendar, priors, needed)
    rows = targets_for(targets, calendar, periods)
    mask = covered(current, rows, calendar, grain)
    current = current.assign(_covered=mask)

    channel = _rows(current, before, rows, ["channel"])
    channel.insert(0, "level", "channel")
    parts = [channel]
    if detail:
        parts = [*_detail(current, before, rows, grain), channel]
    total = _total(channel)
    table = pd.concat([*parts, total], ignore_index=True)
    if len(parts) > 1:
        order = table["channel"].map({c: i for i, c in enumerate(channel["channel"])})
        order = order.fillna(len(channel))
        table = table.assign(_o=order.to_numpy(), _l=(table["level"] == "channel").to_numpy())
        table = table.sort_values(["_o", "_l"], kind="stable").drop(columns=["_o", "_l"])
        table = table.reset_index(drop=True)
    table["gap_share"] = np.nan
    for level, group in table.groupby("level", sort=False):
        gap = group["gap"].astype("Float64").astype("float64")
        if level == "total":
            whole = float(gap.iloc[0])
            spread = mixed(channel["gap"].astype("Float64"))
            table.loc[group.index, "gap_share"] = 1.0 if whole and not spread else np.nan
        else:
            table.loc[group.index, "gap_share"] = side_shares(gap, float(gap.sum()))
    table = table[["level", "channel", *[g for g in grain if g in table.columns], *_VALUES]]

    partial = coverage.is_partial(periods[0], periods[-1])
    prior_partial = coverage.is_partial(priors[0], priors[-1])
    if prior_partial:  # no growth on a base the data cover only in part
        table["yoy"] = np.nan
    labels = tuple(calendar.label(p) for p in periods)
    prior_labels = tuple(calendar.label(p) for p in priors)
    notes = []
    if partial:
        span = labels[0] + (f"-{labels[-1]}" if len(periods) > 1 else "")
        notes.append(
            _(
                "{span} is partial ({extent}), so actuals are not comparable with the full target."
            ).format(span=span, extent=coverage.extent(periods[0], periods[-1]))
        )
    if prior_partial:
        prior_span = prior_labels[0] + (f"-{prior_labels[-1]}" if len(priors) > 1 else "")
        held = coverage.holds_only(prior_span, priors[0], priors[-1])
        notes.append(_("Growth on a year earlier: no comparison, {held}.").format(held=held))
    return Attainment(
        quarter=calendar.label(period),
        quarters=labels,
        prior_quarters=prior_labels,
        partial=partial,
        prior_partial=prior_partial,
        notes=tuple(notes),
        cents=table,
        marker=coverage.marker(periods[0], periods[-1]),
        prior_marker=coverage.marker(priors[0], priors[-1]),
    )


_ROLLUPS = ("channel", "total")
_VALUES = (
    "has_target",
    "target",
    "actual",
    "targeted",
    "untargeted",
    "gap",
    "attainment",
    "prior",
    "yoy",
    "gap_share",
    "target_quantity",
    "quantity",
    "targeted_quantity",
    "quantity_attainment",
)


def _detail(
    current: pd.DataFrame, before: pd.DataFrame, rows: pd.DataFrame, grain: list[str]
) -> list[pd.DataFrame]:
    """Rows at each finer grain the targets use, for the channels whose targets use it."""
    parts = []
    named = grains(rows, grain)
    for dims in sorted({g for g in named if g}):
        channels = set(rows.loc[named == dims, "channel"])
        keys = ["channel", *dims]
        fine = _rows(
            current.loc[current["channel"].isin(channels)],
            before.loc[before["channel"].isin(channels)],
            rows.loc[(named == dims).to_numpy()],
            keys,
        )
        fine.insert(0, "level", "/".join(keys))
        parts.append(fine)
    return parts


def _rows(
    current: pd.DataFrame, before: pd.DataFrame, rows: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    # each key's actual split into the sales its targets cover and the rest, which add up to it
    split = net_by(current, [*keys, "_covered"])
    now = split.groupby(level=keys, sort=True).sum()
    hit = split.loc[split.index.get_level_values("_covered").to_numpy(dtype=bool)]
    hit = hit.droplevel("_covered")
    then = net_by(before, keys)
    goal = sum_targets(rows, keys)
    index = now.index.union(then.index).union(goal.index)
    index = index.sort_values() if len(index) else index
    frame = pd.DataFrame(index=index)
    frame["has_target"] = index.isin(goal.index)
    frame["target"] = goal["cents"].reindex(index).astype("Int64")
    frame["actual"] = now["cents"].reindex(index, fill_value=0).astype("Int64")
    frame["targeted"] = hit["cents"].reindex(index, fill_value=0).astype("Int64")
    frame["prior"] = then["cents"].reindex(index).astype("Int64")
    frame["target_quantity"] = goal["units"].reindex(index)
    frame["quantity"] = now["units"].reindex(index, fill_value=0.0)
    frame["targeted_quantity"] = hit["units"].reindex(index, fill_value=0.0)
    frame = frame.reset_index()
    return _ratios(frame)


def _total(channel: pd.DataFrame) -> pd.DataFrame:
    targeted = channel["has_target"]
    units = channel.loc[targeted, "target_quantity"]
    total = pd.DataFrame(
        {
            "level": ["total"],
            "channel": [TOTAL],
            "has_target": [bool(targeted.any())],
            "target": pd.array(
                [channel.loc[targeted, "target"].sum() if targeted.any() else pd.NA], "Int64"
            ),
            "actual": pd.array([channel["actual"].sum()], "Int64"),
            "targeted": pd.array([channel["targeted"].sum()], "Int64"),
            "prior": pd.array(
                [channel["prior"].sum() if channel["prior"].notna().any() else pd.NA], "Int64"
            ),
            "target_quantity": [units.sum() if len(units) and units.notna().all() else np.nan],
            "quantity": [channel["quantity"].sum()],
            "targeted_quantity": [channel["targeted_quantity"].sum()],
        }
    )
    return _ratios(total)


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    target = frame["target"].astype("Float64")
    targeted = frame["targeted"].astype("Float64")
    actual = frame["actual"].astype("Float64")
    prior = frame["prior"].astype("Float64")
    frame["untargeted"] = (frame["actual"] - frame["targeted"]).astype("Int64")
    frame["gap"] = (frame["targeted"] - frame["target"]).astype("Int64")
    frame["attainment"] = (targeted / target.where(target > 0)).astype("float64")
    frame["yoy"] = (actual / prior.where(prior > 0) - 1).astype("float64")
    tq = frame["target_quantity"]
    frame["quantity_attainment"] = frame["targeted_quantity"] / tq.where(tq > 0)
    return frame

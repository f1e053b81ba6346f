"""Targets against actuals: attainment per channel and in total, for a quarter or year to date.

Also the small pieces the other target-miss modules share: the quarter's lines, the targets of a
quarter with their grain, and the conventions for channels without a target.

Conventions
-----------
- Money is summed exactly and rounded to cents once per total, each channel (and segment) split
  from it so that they add up (``cents`` frames); shown in currency units (``table``).
- A channel (or segment) without a target keeps its row: ``has_target`` is False, ``target`` and
  ``attainment`` are NaN, and ``gap`` is its whole actual, its contribution to the total gap. Its
  actual counts in the total actual, so the channel gaps always add up to the total gap.
- Targets may be set per channel or finer (``region``, ``product_line``, ... columns); a channel's
  target is the sum of its rows. ``detail=True`` adds rows at the targets' own grain.
- ``target_quantity`` may be missing or NaN (revenue-only targets); then the unit columns are NaN.
- A quarter the sales data cover only in part is flagged (``partial``), never compared silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import exact, from_cents, nested_cents
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import TARGET_DIMENSIONS
from analysis.data.series import TOTAL, Coverage, exact_sums, to_cents

#: Money columns of the attainment table (cents in ``cents``, currency units in ``table``).
MONEY = ("target", "actual", "gap", "prior")
PERCENT = ("attainment", "yoy", "gap_share", "quantity_attainment")
#: Reader-facing headings of the attainment table.
LABELS = {
    "level": "Level",
    "channel": "Channel",
    "region": "Region",
    "product_line": "Product line",
    "has_target": "Has target",
    "target": "Target",
    "actual": "Actual",
    "gap": "Gap",
    "attainment": "Attainment",
    "prior": "Year earlier",
    "yoy": "Growth on a year earlier",
    "gap_share": "Share of total gap",
    "target_quantity": "Target units",
    "quantity": "Units",
    "quantity_attainment": "Unit attainment",
}


# --- shared pieces -------------------------------------------------------------------------------


def as_period(quarter: object, calendar: FiscalCalendar) -> pd.Period:
    """A quarter given as a Period or a label (``2025Q4``, ``FY2026Q1``)."""
    if isinstance(quarter, pd.Period):
        return quarter.asfreq(calendar.freq)
    return calendar.parse(quarter)


def fiscal_year_to_date(period: pd.Period) -> list[pd.Period]:
    """The quarters of ``period``'s fiscal year up to and including it, oldest first."""
    return [period - k for k in range(period.quarter - 1, -1, -1)]


def lines_in(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    periods: Sequence[pd.Period],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The sales lines dated in a run of consecutive quarters (selected by date range).

    ``columns`` limits the copy to the columns a caller needs (much faster on a million lines).
    """
    start = calendar.start(min(periods))
    stop = calendar.end(max(periods)) + pd.Timedelta(days=1)
    dates = sales["date"]
    keep = ((dates >= start) & (dates < stop)).to_numpy()
    return sales.loc[keep, list(columns) if columns is not None else sales.columns]


def target_grain(targets: pd.DataFrame | None) -> tuple[str, ...]:
    """Dimensions below channel at which targets are set (``()`` for per-channel targets)."""
    if targets is None:
        return ()
    return tuple(d for d in TARGET_DIMENSIONS if d in targets.columns and targets[d].notna().any())


def targets_for(
    targets: pd.DataFrame | None, calendar: FiscalCalendar, periods: Iterable[pd.Period]
) -> pd.DataFrame:
    """Target rows of some quarters: ``period, channel, <grain...>, cents, units``.

    ``cents`` is the revenue target in integer cents, ``units`` the unit target (NaN if none).
    """
    grain = list(target_grain(targets))
    columns = ["period", "channel", *grain, "cents", "units"]
    if targets is None or targets.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns}).astype(
            {"cents": "int64", "units": "float64"}
        )
    wanted = set(periods)
    labels = targets["quarter"].astype(str)
    parsed = {label: calendar.parse(label) for label in labels.unique()}
    period = labels.map(parsed)
    keep = period.isin(wanted).to_numpy()
    units = (
        targets["target_quantity"].to_numpy(dtype="float64")
        if "target_quantity" in targets.columns
        else np.full(len(targets), np.nan)
    )
    frame = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "channel": targets["channel"].to_numpy(),
            **{d: targets[d].to_numpy() for d in grain},
            "cents": to_cents(targets["target_revenue"]),
            "units": units,
        }
    )
    return frame.loc[keep].reset_index(drop=True)


def sum_targets(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Target cents and units per ``keys``; units are NaN when any row lacks them."""
    frame = rows[[*keys, "cents"]].assign(units=rows["units"].fillna(np.inf))  # inf marks NaN
    out = frame.groupby(keys, sort=True, observed=True).sum()
    out["units"] = out["units"].replace(np.inf, np.nan)
    return out


def net_by(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Net revenue (cents) and net units of sales lines per ``keys``: the lines' total rounded to
    cents once, ``keys[0]``, ``keys[:2]``, ... split from it so that they add up to it."""
    cents, micro = exact(lines["revenue"])
    frame = lines[keys].assign(
        cents=cents, micro=micro, units=lines["quantity"].to_numpy(dtype="float64")
    )
    summed = exact_sums(frame, keys)
    summed["cents"] = nested_cents(summed, keys)
    return summed.drop(columns="micro").set_index(keys)


def money_table(cents: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of a cents frame with the given money columns in currency units."""
    table = cents.copy()
    for col in columns:
        if col in table.columns:
            table[col] = from_cents(table[col])
    return table


# --- the attainment table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    """Attainment of a quarter (or fiscal year to date): one row per channel, and the total.

    ``cents`` has the money columns as ``Int64`` cents (exact); ``table`` has them in currency
    units.
    Columns: ``level, channel, [grain...], has_target, target, actual, gap, attainment, prior, yoy,
    gap_share, target_quantity, quantity, quantity_attainment``. ``level`` is ``channel``,
    ``total`` or the targets' grain (``channel/region``) for detail rows.
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
        labels = dict(LABELS)
        for column, marker in (("actual", self.marker), ("prior", self.prior_marker)):
            if marker:
                labels[column] = f"{labels[column]} ({marker})"
        return labels

    @property
    def missing(self) -> dict[str, str]:
        """What an empty growth cell means: ``no comparison`` when the year-earlier quarters
        are partial or missing (else a channel that did not sell a year earlier)."""
        return {"yoy": "no comparison"} if self.prior_partial else {}

    def row(self, channel: str = TOTAL) -> pd.Series:
        """The channel (or ``Total``) row of ``table``."""
        table = self.table
        return table.loc[(table["channel"] == channel) & table["level"].isin(_ROLLUPS)].iloc[0]


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
    """Target, actual, gap, attainment and growth per channel and in total.

    ``ytd`` sums the quarters of the fiscal year up to and including ``quarter`` (a channel's
    target is the sum of the targets it has in them; its actual counts every quarter); ``prior``
    and ``yoy`` compare with the same quarters a year earlier, and where the data miss a day of
    those ``yoy`` is NaN (no comparison), with a note saying what they hold. ``detail`` adds rows
    at the targets' grain (e.g. channel x region) above each channel's row.
    """
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    grain = list(target_grain(targets))
    periods = fiscal_year_to_date(period) if ytd else [period]
    priors = [p - 4 for p in periods]
    needed = ["channel", *grain, "quantity", "revenue"] if detail else _NET
    current = lines_in(sales, calendar, periods, needed)
    before = lines_in(sales, calendar, priors, needed)
    rows = targets_for(targets, calendar, periods)

    channel = _rows(current, before, rows, ["channel"])
    channel.insert(0, "level", "channel")
    parts = [channel]
    if detail and grain:
        fine = _rows(current, before, rows, ["channel", *grain])
        fine.insert(0, "level", "/".join(["channel", *grain]))
        parts = [fine, channel]
    total = _total(channel)
    table = pd.concat([*parts, total], ignore_index=True)
    if detail and grain:
        order = table["channel"].map({c: i for i, c in enumerate(channel["channel"])})
        order = order.fillna(len(channel))
        table = table.assign(_o=order.to_numpy(), _l=(table["level"] == "channel").to_numpy())
        table = table.sort_values(["_o", "_l"], kind="stable").drop(columns=["_o", "_l"])
        table = table.reset_index(drop=True)
    total_gap = table["gap"].iloc[-1]
    table["gap_share"] = table["gap"].astype("float64") / float(total_gap) if total_gap else np.nan
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
            f"{span} is partial ({coverage.extent(periods[0], periods[-1])}), so actuals are "
            "not comparable with the full target."
        )
    if prior_partial:
        prior_span = prior_labels[0] + (f"-{prior_labels[-1]}" if len(priors) > 1 else "")
        held = coverage.holds_only(prior_span, priors[0], priors[-1])
        notes.append(f"Growth on a year earlier: no comparison, {held}.")
    untargeted = table.loc[~table["has_target"] & (table["level"] == "channel"), "channel"]
    if len(untargeted):
        notes.append(
            "Without a target (actual counted, no attainment): " + ", ".join(map(str, untargeted))
        )
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
_NET = ["channel", "quantity", "revenue"]
_VALUES = (
    "has_target",
    "target",
    "actual",
    "gap",
    "attainment",
    "prior",
    "yoy",
    "gap_share",
    "target_quantity",
    "quantity",
    "quantity_attainment",
)


def _rows(
    current: pd.DataFrame, before: pd.DataFrame, rows: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    now = net_by(current, keys)
    then = net_by(before, keys)
    goal = sum_targets(rows, keys)
    index = now.index.union(then.index).union(goal.index)
    index = index.sort_values() if len(index) else index
    frame = pd.DataFrame(index=index)
    frame["has_target"] = index.isin(goal.index)
    frame["target"] = goal["cents"].reindex(index).astype("Int64")
    frame["actual"] = now["cents"].reindex(index, fill_value=0).astype("Int64")
    frame["prior"] = then["cents"].reindex(index).astype("Int64")
    frame["target_quantity"] = goal["units"].reindex(index)
    frame["quantity"] = now["units"].reindex(index, fill_value=0.0)
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
            "prior": pd.array(
                [channel["prior"].sum() if channel["prior"].notna().any() else pd.NA], "Int64"
            ),
            "target_quantity": [units.sum() if len(units) and units.notna().all() else np.nan],
            "quantity": [channel["quantity"].sum()],
        }
    )
    return _ratios(total)


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    target = frame["target"].astype("Float64")
    actual = frame["actual"].astype("Float64")
    prior = frame["prior"].astype("Float64")
    frame["gap"] = (frame["actual"] - frame["target"].fillna(0)).astype("Int64")
    frame["attainment"] = (actual / target.where(target > 0)).astype("float64")
    frame["yoy"] = (actual / prior.where(prior > 0) - 1).astype("float64")
    tq = frame["target_quantity"]
    frame["quantity_attainment"] = frame["quantity"] / tq.where(tq > 0)
    return frame

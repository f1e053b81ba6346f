"""A quarter under way against its target phased to the day, per channel and per salesperson.

The target phased to date is the quarter's target split into months and weeks by the channel's
seasonal profile (:mod:`analysis.targets.phasing`): the weeks that ended by the as-of date in
full, and the week under way by its days elapsed. The actual to date is the sales the targets
cover (:mod:`analysis.targets.covered`) up to the as-of date; sales no target covers are kept
apart. A salesperson's target is split from each channel's by their share of the channel's sales
in the same quarter a year earlier (this quarter's so far when there were none, equal shares
when neither): the same rule as a drill-down's segment targets, so salespeople add up to their
channel to the cent. Money is integer cents throughout, each total rounded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.core.cents import allocate
from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage
from analysis.targets.covered import covered
from analysis.targets.drilldown_levels import allocated
from analysis.targets.phasing import phase_quarter
from analysis.targets.selection import lines_in, net_by, sum_targets, target_grain, targets_for

#: The salesperson of lines that name none.
NOBODY = "(no salesperson)"
#: Money columns (cents) of the channel and salesperson tables.
MONEY = ("target", "phased", "actual", "gap", "untargeted")
_WORDS = {"prior": "a year earlier", "current": "this quarter so far", "equal": "equal shares"}


@dataclass(frozen=True)
class ToDate:
    """Where a quarter stands on ``as_of``: ``days`` in the quarter, ``elapsed`` up to ``as_of``.

    ``channels``: ``channel, has_target, target, phased, actual, gap, untargeted`` (cents; gap =
    actual − phased, NA without a target); ``people`` the same per ``salesperson`` (None when the
    lines name none), with their ``channels``; ``weeks``: ``week_start, week_end, target,
    actual`` for the targeted channels together (actual NA for weeks not begun).
    """

    quarter: pd.Period
    as_of: date
    days: int
    elapsed: int
    channels: pd.DataFrame
    people: pd.DataFrame | None
    weeks: pd.DataFrame
    notes: tuple[str, ...]
    rule: str

    @property
    def left(self) -> int:
        return self.days - self.elapsed


def to_date(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    calendar: FiscalCalendar,
    coverage: Coverage,
    quarter: pd.Period,
    as_of: date,
) -> ToDate:
    """The quarter to ``as_of`` against its phased target; ``sales`` are the data as known on
    ``as_of`` (:func:`analysis.data.load.load` leaves later lines out)."""
    start, end = calendar.start(quarter), calendar.end(quarter)
    stop = min(pd.Timestamp(as_of), end)
    days, elapsed = (end - start).days + 1, max((stop - start).days + 1, 0)
    lines = lines_in(sales, calendar, [quarter])
    rows = targets_for(targets, calendar, [quarter])
    lines = lines.assign(part=np.where(covered(lines, rows, calendar, list(target_grain(targets))),
                                       "targeted", "untargeted"))  # fmt: skip
    weeks, notes, rule = _weeks(targets, sales, calendar, coverage, quarter, stop)
    goal = sum_targets(rows, ["channel"])["cents"] if len(rows) else pd.Series(dtype="int64")
    phased = weeks.groupby("channel")["phased"].sum() if len(weeks) else goal * 0
    channels = _table(net_by(lines, ["part", "channel"]), "channel", goal, phased)
    people = None
    if "salesperson" in lines.columns:
        people = _people(lines, sales, calendar, quarter, goal, phased)
    week_rows = _week_rows(weeks, lines.loc[lines["part"] == "targeted"], stop)
    return ToDate(quarter, as_of, days, elapsed, channels, people, week_rows, notes, rule)


def _weeks(
    targets: pd.DataFrame | None,
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    coverage: Coverage,
    quarter: pd.Period,
    stop: pd.Timestamp,
) -> tuple[pd.DataFrame, tuple[str, ...], str]:
    """Each channel's weekly target and the part of it due by ``stop`` (cents)."""
    if targets is None or targets.empty or not len(targets_for(targets, calendar, [quarter])):
        empty = pd.DataFrame({"channel": [], "week_start": [], "week_end": [], "target": [],
                              "phased": []})  # fmt: skip
        return empty, (), ""
    split = phase_quarter(targets, sales, quarter, calendar=calendar, coverage=coverage, weeks=True)
    weeks = split.cents[["channel", "week_start", "week_end", "days", "target"]].copy()
    weeks["target"] = weeks["target"].astype("int64")
    gone = ((stop - weeks["week_start"]).dt.days + 1).clip(0, weeks["days"]).to_numpy()
    items = np.repeat(np.arange(len(weeks)), 2)
    shares = np.column_stack([gone, weeks["days"].to_numpy() - gone]).ravel()
    weeks["phased"] = allocate(weeks["target"].to_numpy(), shares, items)[::2]
    rule = " ".join(
        (
            split.rule,
            _(
                "The target to date is the weeks ended by the as-of date in full and the week "
                "under way by its days elapsed."
            ),
        )
    )
    return weeks, split.notes, rule


def _table(sums: pd.DataFrame, key: str, goal: pd.Series, phased: pd.Series) -> pd.DataFrame:
    """One row per ``key``: its target, target to date, targeted and untargeted actual."""
    parts = sums["cents"].unstack("part", fill_value=0) if len(sums) else pd.DataFrame()
    parts = parts.reindex(columns=["targeted", "untargeted"], fill_value=0)
    names = parts.index.union(goal.index)
    out = pd.DataFrame({key: names})
    out["has_target"] = names.isin(goal.index)
    out["target"] = pd.array(goal.reindex(names).to_numpy(), dtype="Int64")
    out["phased"] = pd.array(phased.reindex(names).to_numpy(), dtype="Int64")
    out.loc[~out["has_target"], "phased"] = pd.NA
    out["actual"] = parts["targeted"].reindex(names, fill_value=0).to_numpy(dtype="int64")
    out["gap"] = (out["actual"] - out["phased"]).astype("Int64")
    out["untargeted"] = parts["untargeted"].reindex(names, fill_value=0).to_numpy(dtype="int64")
    return out.sort_values(["has_target", key], ascending=[False, True], ignore_index=True)


def _people(
    lines: pd.DataFrame,
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    quarter: pd.Period,
    goal: pd.Series,
    phased: pd.Series,
) -> pd.DataFrame:
    """The channel table per salesperson: targets split by the year-earlier shares."""
    named = lines.assign(salesperson=lines["salesperson"].fillna(NOBODY))
    sums = net_by(named, ["part", "channel", "salesperson"])
    before = lines_in(sales, calendar, [quarter - 4])
    before = before.assign(salesperson=before["salesperson"].fillna(NOBODY), part="all")
    prior = net_by(before, ["part", "channel", "salesperson"])["cents"].droplevel("part")
    targeted = sums.index.get_level_values("part") == "targeted"
    current = sums["cents"].loc[targeted].droplevel("part")
    node = pd.concat({"actual": current, "prior": prior}, axis=1).astype("float64")
    node = node.loc[node.index.get_level_values("channel").isin(goal.index)]
    node = node.reindex(node.index.union(_each(named, goal.index)))
    split = {}
    for name, parent in (("target", goal), ("phased", phased.reindex(goal.index).fillna(0))):
        parents = pd.DataFrame({"has_target": True, "target": parent.astype("float64")})
        parents.index.name = "channel"
        split[name] = allocated(parents, node.copy(), _WORDS)["target"]
    per = pd.DataFrame(split).fillna(0).astype("int64").groupby(level="salesperson").sum()
    mine = sums["cents"].groupby(level=["part", "salesperson"]).sum().to_frame()
    table = _table(mine, "salesperson", per["target"], per["phased"])
    pairs = pd.concat([pd.DataFrame(split).index.to_frame(index=False),
                       named[["channel", "salesperson"]]]).drop_duplicates()  # fmt: skip
    where = pairs.groupby("salesperson")["channel"].agg(lambda c: _(", ").join(sorted(map(str, c))))
    table.insert(1, "channels", where.reindex(table["salesperson"]).fillna("").to_numpy())
    return table


def _each(lines: pd.DataFrame, channels: pd.Index) -> pd.MultiIndex:
    """Every (targeted channel, salesperson) pair of the quarter's lines so far."""
    pairs = lines.loc[lines["channel"].isin(channels), ["channel", "salesperson"]]
    return pd.MultiIndex.from_frame(pairs.drop_duplicates())


def _week_rows(weeks: pd.DataFrame, lines: pd.DataFrame, stop: pd.Timestamp) -> pd.DataFrame:
    """The targeted channels' weekly target and actual (NA for weeks not begun yet)."""
    if weeks.empty:
        return pd.DataFrame({"week_start": [], "week_end": [], "target": [], "actual": []})
    by_week = weeks.groupby(["week_start", "week_end"], sort=True)["target"].sum().reset_index()
    starts = by_week["week_start"].to_numpy(dtype="datetime64[ns]")
    which = np.searchsorted(starts, lines["date"].to_numpy(dtype="datetime64[ns]"), "right") - 1
    sums = net_by(lines.assign(part="targeted", week=which), ["part", "week"])["cents"]
    actual = sums.droplevel("part").reindex(range(len(by_week)), fill_value=0).to_numpy()
    by_week["actual"] = pd.array(actual, dtype="Int64")
    by_week.loc[by_week["week_start"] > stop, "actual"] = pd.NA
    return by_week

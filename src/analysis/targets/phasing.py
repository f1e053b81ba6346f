"""Target phasing: split a quarterly target into months (and weeks), or an annual one into quarters.

The split follows each channel's seasonal profile: the average share of each month in its quarter
(of each quarter in its fiscal year) over the last ``years`` years before the target, counting only
periods the sales data cover completely and whose net sales are positive (negative months count as
0). A channel without such history is split equally, with a note. Weeks (Monday to Sunday, cut at
month ends so that they nest in months) take their month's target in proportion to the channel's
average net revenue per weekday in the same history (equal days without history).

Parts are integer cents (whole units for ``target_quantity``) with largest-remainder rounding, so
they add up to the target exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import allocate, exact, weights
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage, to_cents
from analysis.targets import phasing_words as words
from analysis.targets.attainment import as_period, lines_in, money_table, sum_targets, targets_for

MONEY = ("target",)
_COLUMNS = ("date", "channel", "revenue")
LABELS = {
    "channel": "Channel",
    "quarter": "Quarter",
    "month": "Month",
    "week_start": "Week from",
    "week_end": "to",
    "days": "Days",
    "target": "Target",
    "target_quantity": "Target units",
    "share": "Share",
    "basis": "Split by",
}


@dataclass(frozen=True)
class Phasing:
    """A target split into parts: ``table`` / ``cents`` with one row per channel and part.

    Columns: ``channel, quarter, [month, [week_start, week_end, days]], target, target_quantity,
    share, basis``; ``share`` is the part's share of the target it was split from (the quarter's,
    for months; the month's, for weeks); ``basis`` says whether history or an equal split was used.
    ``profile``: the seasonal shares used (``within, channel, part, share, years``: ``within`` is
    the quarter whose months, or ``year`` for the quarters of a year, ``years`` how many years of
    history the average has). ``quarter_cents`` / ``quarters``: an annual target's quarters.
    """

    notes: tuple[str, ...]
    rule: str
    cents: pd.DataFrame
    profile: pd.DataFrame
    quarter_cents: pd.DataFrame | None = None

    @property
    def table(self) -> pd.DataFrame:
        return money_table(self.cents, MONEY)

    @property
    def quarters(self) -> pd.DataFrame | None:
        return None if self.quarter_cents is None else money_table(self.quarter_cents, MONEY)


def phase_quarter(
    targets: pd.DataFrame,
    sales: pd.DataFrame,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    years: int = 3,
    weeks: bool = False,
) -> Phasing:
    """Split each channel's target of ``quarter`` into months (and weeks with ``weeks``).

    Targets set below channel level are summed per channel first.
    """
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    goal = sum_targets(targets_for(targets, calendar, [period]), ["channel"]).reset_index()
    goal.insert(1, "quarter", calendar.label(period))
    goal["period"] = period
    return _months(goal, sales, calendar, coverage, years, weeks, notes=[])


def phase_year(
    annual: pd.DataFrame,
    sales: pd.DataFrame,
    fiscal_year: int,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    years: int = 3,
    weeks: bool = False,
) -> Phasing:
    """Split annual targets (``channel, target_revenue[, target_quantity]``) into quarters, then
    months (and weeks). ``fiscal_year`` names the year as the calendar does (``2026`` is
    FY2026)."""
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    quarters = [calendar.parse(f"{fiscal_year}Q{q}") for q in range(1, 5)]
    units = (
        annual["target_quantity"].to_numpy(dtype="float64")
        if "target_quantity" in annual.columns
        else np.full(len(annual), np.nan)
    )
    goal = pd.DataFrame(
        {
            "channel": annual["channel"].to_numpy(),
            "cents": to_cents(annual["target_revenue"]),
            "units": units,
        }
    )
    goal = goal.groupby("channel", sort=True).agg(cents=("cents", "sum"), units=("units", "sum"))
    goal = goal.reset_index()
    history = [[q - 4 * k for q in quarters] for k in range(1, years + 1)]
    history = [year for year in history if not any(_incomplete(q, coverage) for q in year)]
    channels = pd.Index(goal["channel"])
    shares, profile = _average(channels, _quarter_shares(sales, calendar, channels, history), 4)
    split = _split(goal, shares, 4, "quarter")
    split["period"] = [quarters[i] for i in split["part"]]
    split["quarter"] = [calendar.label(p) for p in split["period"]]
    notes = _equal_note(split, words.equal_quarters(fiscal_year))
    months = _months(
        split[["channel", "quarter", "period", "cents", "units"]],
        sales,
        calendar,
        coverage,
        years,
        weeks,
        notes,
    )
    profile = pd.concat([profile.assign(within="year"), months.profile], ignore_index=True)
    quarter_table = split.rename(columns={"cents": "target", "units": "target_quantity"})
    quarter_table = quarter_table[
        ["channel", "quarter", "target", "target_quantity", "share", "basis"]
    ]
    rule = words.year_rule(years) + " " + months.rule
    return Phasing(
        notes=months.notes,
        rule=rule,
        cents=months.cents,
        profile=profile[["within", "channel", "part", "share", "years"]],
        quarter_cents=quarter_table.astype({"target": "Int64"}),
    )


# --- pieces --------------------------------------------------------------------------------------


def _incomplete(period: pd.Period, coverage: Coverage) -> bool:
    return coverage.is_partial(period) or period.end_time < coverage.first


def _months(
    goal: pd.DataFrame,
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    coverage: Coverage,
    years: int,
    weeks: bool,
    notes: list[str],
) -> Phasing:
    """Split ``goal`` (``channel, quarter, period, cents, units``) into months (and weeks)."""
    parts, profiles = [], []
    for period, group in goal.groupby("period", sort=True):
        history = [period - 4 * k for k in range(1, years + 1)]
        history = [q for q in history if not _incomplete(q, coverage)]
        channels = pd.Index(pd.unique(group["channel"].to_numpy()))
        tables = _month_shares(sales, calendar, channels, history)
        shares, profile = _average(channels, tables, 3)
        split = _split(group.reset_index(drop=True), shares, 3, "month")
        first = period.asfreq("M", how="start")
        split["month"] = [str(first + int(p)) for p in split["part"]]
        parts.append(split)
        profiles.append(profile.assign(within=calendar.label(period)))
    months = pd.concat(parts, ignore_index=True) if parts else _empty_split()
    notes = [*notes, *_equal_note(months, words.equal_months())]
    if weeks:
        months = _weeks(months, sales, calendar, coverage, years, goal)
    months = months.drop(columns=["part", "period"], errors="ignore")
    months = months.rename(columns={"cents": "target", "units": "target_quantity"})
    order = ["channel", "quarter", "month", "week_start", "week_end", "days"]
    columns = [c for c in order if c in months.columns]
    months = months[[*columns, "target", "target_quantity", "share", "basis"]]
    months["target"] = months["target"].astype("Int64")
    rule = words.month_rule(years, weeks)
    return Phasing(
        notes=tuple(notes),
        rule=rule,
        cents=months.reset_index(drop=True),
        profile=_profiles(profiles),
    )


def _profiles(profiles: list[pd.DataFrame]) -> pd.DataFrame:
    columns = ["within", "channel", "part", "share", "years"]
    if not profiles:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(profiles, ignore_index=True)[columns]


def _empty_split() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.Series(dtype=object),
            "quarter": pd.Series(dtype=object),
            "month": pd.Series(dtype=object),
            "cents": pd.Series(dtype="int64"),
            "units": pd.Series(dtype="float64"),
            "share": pd.Series(dtype="float64"),
            "basis": pd.Series(dtype=object),
        }
    )


def _month_shares(
    sales: pd.DataFrame, calendar: FiscalCalendar, channels: pd.Index, history: list[pd.Period]
) -> list[np.ndarray]:
    """Net cents per channel and month (1st, 2nd, 3rd) of each history quarter."""
    tables = []
    for quarter in history:
        lines = _of(lines_in(sales, calendar, [quarter], _COLUMNS), channels)
        first = quarter.asfreq("M", how="start").ordinal
        month = lines["date"].dt.to_period("M").array.asi8 - first
        tables.append(_table(channels, lines, month, 3))
    return tables


def _quarter_shares(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    channels: pd.Index,
    history: list[list[pd.Period]],
) -> list[np.ndarray]:
    """Net cents per channel and quarter (1st..4th) of each history year."""
    tables = []
    for year in history:
        lines = _of(lines_in(sales, calendar, year, _COLUMNS), channels)
        starts = np.array([calendar.start(q) for q in year], dtype="datetime64[ns]")
        dates = lines["date"].to_numpy(dtype="datetime64[ns]")
        quarter = np.searchsorted(starts, dates, side="right") - 1
        tables.append(_table(channels, lines, quarter, 4))
    return tables


def _of(lines: pd.DataFrame, channels: pd.Index) -> pd.DataFrame:
    return lines.loc[lines["channel"].isin(channels).to_numpy()]


def _table(channels: pd.Index, lines: pd.DataFrame, part: np.ndarray, n: int) -> np.ndarray:
    """Net cents per channel and part, summed exactly (the same from lines or day sums)."""
    sums = np.zeros((2, len(channels), n), dtype="int64")
    code = channels.get_indexer(lines["channel"])
    for total, values in zip(sums, exact(lines["revenue"]), strict=True):
        np.add.at(total, (code, part), values)
    return weights(*sums)


def _average(
    channels: pd.Index, tables: list[np.ndarray], n: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean share of each part over the tables with positive sales (negative parts count as 0).

    Returns the shares (channels x parts; NaN rows without history) and a long profile frame.
    """
    shares = np.zeros((len(channels), n))
    counted = np.zeros(len(channels))
    for table in tables:
        positive = np.clip(table, 0, None)
        total = positive.sum(axis=1)
        valid = total > 0
        shares[valid] += positive[valid] / total[valid, None]
        counted += valid
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = shares / counted[:, None]
    profile = pd.DataFrame(
        {
            "channel": np.repeat(channels.to_numpy(), n),
            "part": np.tile(np.arange(1, n + 1), len(channels)),
            "share": shares.ravel(),
            "years": np.repeat(counted.astype("int64"), n),
        }
    )
    return pd.DataFrame(shares, index=channels), profile


def _split(goal: pd.DataFrame, shares: pd.DataFrame, n_parts: int, noun: str) -> pd.DataFrame:
    """One row per target row of ``goal`` and part, with cents (and whole units) allocated."""
    weights = shares.reindex(goal["channel"]).to_numpy()
    history = ~np.isnan(weights).any(axis=1)
    weights = np.where(history[:, None], weights, 1.0 / n_parts)
    rows = np.repeat(np.arange(len(goal)), n_parts)
    out = goal.iloc[rows].reset_index(drop=True)
    out["part"] = np.tile(np.arange(n_parts), len(goal))
    flat = weights.ravel()
    out["share"] = flat
    out["cents"] = allocate(goal["cents"].to_numpy(dtype="int64"), flat, rows)
    units = goal["units"].to_numpy(dtype="float64")
    whole = np.nan_to_num(np.round(units)).astype("int64")
    out["units"] = np.where(
        np.isnan(units)[rows], np.nan, allocate(whole, flat, rows).astype("float64")
    )
    out["basis"] = np.where(history[rows], f"history ({noun} shares)", "equal split (no history)")
    return out


def _equal_note(split: pd.DataFrame, what: str) -> list[str]:
    equal = sorted(set(split.loc[split["basis"].str.startswith("equal"), "channel"]))
    return [words.no_history(what, equal)] if equal else []


def _weeks(
    months: pd.DataFrame,
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    coverage: Coverage,
    years: int,
    goal: pd.DataFrame,
) -> pd.DataFrame:
    """Split each month row into Monday-Sunday weeks cut at the month's ends."""
    channels = pd.Index(pd.unique(months["channel"].to_numpy()))
    targets = set(goal["period"])
    history = {p - 4 * k for p in targets for k in range(1, years + 1)} - targets
    weights = _weekday_weights(
        sales, calendar, channels, sorted(q for q in history if not _incomplete(q, coverage))
    )
    periods = [pd.Period(m, freq="M") for m in months["month"]]
    spans = [pd.date_range(p.start_time, p.end_time.normalize(), freq="D") for p in periods]
    row = np.repeat(np.arange(len(months)), [len(s) for s in spans])
    day = pd.DatetimeIndex(np.concatenate([s.to_numpy() for s in spans])) if spans else None
    if day is None:
        return months.assign(week_start=pd.NaT, week_end=pd.NaT, days=0)
    weekday = day.day_of_week.to_numpy()
    first = np.array([p.start_time for p in periods], dtype="datetime64[ns]")[row]
    monday = (day - pd.to_timedelta(weekday, unit="D")).to_numpy(dtype="datetime64[ns]")
    code = channels.get_indexer(months["channel"])[row]
    days = pd.DataFrame(
        {
            "row": row,
            "week_start": np.maximum(monday, first),
            "day": day,
            "w": weights[code, weekday],
        }
    )
    weeks = days.groupby(["row", "week_start"], sort=True).agg(
        week_end=("day", "max"), days=("day", "size"), w=("w", "sum")
    )
    weeks = weeks.reset_index()
    row = weeks["row"].to_numpy()
    out = months.iloc[row].reset_index(drop=True)
    out[["week_start", "week_end", "days"]] = weeks[["week_start", "week_end", "days"]]
    w = weeks["w"].to_numpy()
    out["share"] = w / np.bincount(row, weights=w)[row]
    out["cents"] = allocate(months["cents"].to_numpy(dtype="int64"), w, row)
    units = months["units"].to_numpy(dtype="float64")
    whole = allocate(np.nan_to_num(np.round(units)).astype("int64"), w, row)
    out["units"] = np.where(np.isnan(units)[row], np.nan, whole.astype("float64"))
    return out


def _weekday_weights(
    sales: pd.DataFrame, calendar: FiscalCalendar, channels: pd.Index, history: list[pd.Period]
) -> np.ndarray:
    """Average net revenue per day of each weekday (channels x 7); ones without history."""
    weights = np.ones((len(channels), 7))
    if not history:
        return weights
    revenue = np.zeros((len(channels), 7))
    days = np.zeros(7)
    for quarter in history:
        lines = _of(lines_in(sales, calendar, [quarter], _COLUMNS), channels)
        weekday = lines["date"].dt.day_of_week.to_numpy()
        revenue += _table(channels, lines, weekday, 7)
        span = pd.date_range(calendar.start(quarter), calendar.end(quarter), freq="D")
        days += np.bincount(span.day_of_week, minlength=7)
    average = np.clip(revenue / days, 0, None)
    known = average.sum(axis=1) > 0
    weights[known] = average[known]
    return weights

"""How a quarter's sales spread over its days: the daily frame and the within-quarter profile.

A nowcast reads the quarter to date against the share of a quarter's sales that past quarters
had booked by the same day. That share depends on the calendar of the very quarter: how many
weekdays have gone by (the sample sells a fifth as much on a Sunday as on a Tuesday), and where in
the quarter the company pushes (a year-end rush, a slow first month after the Spring Festival).
So the expected share of each day of a quarter is

    weekday factor (of the channel, from past days) x day-of-quarter curve (past quarters of the
    same quarter of the year, weekday effects taken out, smoothed over a week)

normalised over the quarter's days; its running sum is the share expected by each day. In the
quarter that holds the Spring Festival, past years' curves are aligned on the festival's day.
Channels have their own factors and curves, half-way to the whole company's (a small channel's
daily sales are too noisy to stand alone). Everything is learned from the quarters given, so a
replay of a past quarter uses only the quarters before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import as_float, exact
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import exact_sums

#: The Spring Festival (Chinese New Year), 2010-2035: it moves by up to four weeks from one year
#: to the next, and a Chinese company's sales all but stop around it, so the curve of the quarter
#: that holds it is taken around the festival's day (a company without it loses nothing: its
#: curve is merely read a few days earlier or later).
FESTIVALS = pd.DatetimeIndex(
    [
        "2010-02-14", "2011-02-03", "2012-01-23", "2013-02-10", "2014-01-31", "2015-02-19",
        "2016-02-08", "2017-01-28", "2018-02-16", "2019-02-05", "2020-01-25", "2021-02-12",
        "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06",
        "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23", "2032-02-11", "2033-01-31",
        "2034-02-19", "2035-02-08",
    ]
)  # fmt: skip
#: Days of the centred moving average that smooths a day-of-quarter curve.
SMOOTH_DAYS = 7
#: Weight of the company's curve and weekday factors in a channel's (the channel's own: 1 - this).
COMPANY_WEIGHT = 0.5
#: All past quarters' curve counts as this many years of the same quarter of the year.
SAME_QUARTER_WEIGHT = 1.0


def daily(sales: pd.DataFrame) -> pd.DataFrame:
    """Sales lines (``date``, ``channel``, ``revenue``: ``Dataset.sales``) summed exactly per
    channel and day: ``channel, date, revenue``, sorted. Each day's sum is exact
    (:mod:`analysis.core.cents`) and given as the float nearest to it, so that summing the days
    exactly again gives the lines' sum to the cent."""
    if sales.empty:
        return pd.DataFrame(
            {
                "channel": pd.Series(dtype=object),
                "date": pd.Series(dtype="datetime64[s]"),
                "revenue": pd.Series(dtype="float64"),
            }
        )
    cents, micro = exact(sales["revenue"])
    frame = pd.DataFrame(
        {
            "channel": sales["channel"].astype(str).to_numpy(dtype=object),
            "date": pd.to_datetime(sales["date"]).dt.normalize().to_numpy(),
            "cents": cents,
            "micro": micro,
        }
    )
    summed = exact_sums(frame, ["channel", "date"])
    summed["revenue"] = as_float(summed["cents"], summed["micro"])
    return summed[["channel", "date", "revenue"]].reset_index(drop=True)


@dataclass(frozen=True)
class Panel:
    """Daily revenue per channel and quarter: ``days[q]`` is a ``channels x days of q`` array
    (0 where there was no line), from the first quarter with sales to ``last``."""

    channels: tuple[str, ...]
    quarters: tuple[pd.Period, ...]
    days: dict[pd.Period, np.ndarray]
    dates: dict[pd.Period, pd.DatetimeIndex]

    @classmethod
    def of(cls, frame: pd.DataFrame, calendar: FiscalCalendar, last: pd.Period) -> Panel:
        """The panel of a daily frame (``channel, date, revenue``) up to quarter ``last``."""
        channels = tuple(sorted(frame["channel"].astype(str).unique()))
        first = calendar.period(frame["date"].min()) if len(frame) else last
        quarters = tuple(pd.period_range(min(first, last), last, freq=calendar.freq))
        row = {c: i for i, c in enumerate(channels)}
        dates = {q: pd.date_range(calendar.start(q), calendar.end(q), freq="D") for q in quarters}
        days = {q: np.zeros((len(channels), len(dates[q]))) for q in quarters}
        periods = calendar.periods(frame["date"])
        for (q, channel), part in frame.groupby([periods, frame["channel"].astype(str)]):
            if q not in days:
                continue
            index = (part["date"] - calendar.start(q)).dt.days.to_numpy()
            np.add.at(days[q][row[channel]], index, part["revenue"].to_numpy(dtype="float64"))
        return cls(channels, quarters, days, dates)

    def extended(self, last: pd.Period, calendar: FiscalCalendar) -> Panel:
        """The panel with quarters without sales added up to ``last`` (a quarter ahead)."""
        if last < self.quarters[0]:
            raise ValueError(f"{calendar.label(last)} lies before the first sale")
        more = [q for q in pd.period_range(self.quarters[-1] + 1, last, freq=calendar.freq)]
        if not more:
            return self
        dates = {**self.dates}
        days = {**self.days}
        for q in more:
            dates[q] = pd.date_range(calendar.start(q), calendar.end(q), freq="D")
            days[q] = np.zeros((len(self.channels), len(dates[q])))
        return Panel(self.channels, (*self.quarters, *more), days, dates)

    def totals(self, quarter: pd.Period) -> np.ndarray:
        """Each channel's revenue in ``quarter``."""
        return self.days[quarter].sum(axis=1)


def _weekday_ratios(panel: Panel, past: Sequence[pd.Period]) -> tuple[np.ndarray, np.ndarray]:
    """Mean ratio of a day's sales to its quarter's mean day, by weekday: per channel
    (``channels x 7``) and for the company (``7``). Quarters a channel did not sell in are left
    out; a weekday without any information is 1."""
    n = len(panel.channels)
    sums, counts = np.zeros((n, 7)), np.zeros((n, 7))
    company_sums, company_counts = np.zeros(7), np.zeros(7)
    for q in past:
        values, weekday = panel.days[q], panel.dates[q].dayofweek.to_numpy()
        mean = values.mean(axis=1)
        sold = mean > 0
        ratios = values[sold] / mean[sold, None]
        for d in range(7):
            on = weekday == d
            sums[sold, d] += ratios[:, on].sum(axis=1)
            counts[sold, d] += on.sum()
        total = values.sum(axis=0)
        if total.mean() > 0:
            for d in range(7):
                on = weekday == d
                company_sums[d] += (total[on] / total.mean()).sum()
                company_counts[d] += on.sum()
    company = np.where(company_counts > 0, company_sums / np.maximum(company_counts, 1), 1.0)
    own = np.where(counts > 0, sums / np.maximum(counts, 1), company)
    return np.clip(own, 0.0, None), np.clip(company, 0.0, None)


def _smooth(curve: np.ndarray) -> np.ndarray:
    """Centred moving average over :data:`SMOOTH_DAYS` days, shorter at the quarter's ends."""
    kernel = np.ones(SMOOTH_DAYS)
    summed = np.convolve(curve, kernel, mode="same")
    counts = np.convolve(np.ones(len(curve)), kernel, mode="same")
    return summed / counts


def _on_grid(
    curve: np.ndarray, length: int, anchor: int | None = None, target: int | None = None
) -> np.ndarray:
    """A curve over one quarter's days stretched or shrunk to ``length`` days; with an
    ``anchor`` day in it and a ``target`` day (the Spring Festival of both quarters), warped
    piecewise linearly so that the anchor lands on the target and both quarters' ends on each
    other."""
    last = len(curve) - 1
    if anchor is None or target is None or not (0 < anchor < last and 0 < target < length - 1):
        where = np.linspace(0, last, length)
    else:
        days = np.arange(length, dtype="float64")
        where = np.where(
            days <= target,
            days * anchor / target,
            anchor + (days - target) * (last - anchor) / (length - 1 - target),
        )
    return np.interp(where, np.arange(len(curve)), curve)


def festival_day(dates: pd.DatetimeIndex) -> int | None:
    """The day (0-based) of a quarter's dates that is the Spring Festival, or None."""
    inside = FESTIVALS[FESTIVALS.slice_indexer(dates[0], dates[-1])]
    return int((inside[0] - dates[0]).days) if len(inside) else None


def daily_shares(panel: Panel, quarter: pd.Period, past: Sequence[pd.Period]) -> np.ndarray:
    """The share of ``quarter``'s sales each channel is expected to book on each of its days
    (``channels x days``, every row summing to 1), learned from the complete quarters ``past``.
    Without any past quarter every day counts the same."""
    dates = panel.dates[quarter]
    length, n = len(dates), len(panel.channels)
    if not past:
        return np.full((n, length), 1.0 / length)
    own_ratio, company_ratio = _weekday_ratios(panel, past)
    same = [q for q in past if q.quarter == quarter.quarter]
    festival = festival_day(dates)
    own_all, company_all = _curves(panel, past, own_ratio, company_ratio, length, None)
    own_same, company_same = _curves(panel, same, own_ratio, company_ratio, length, festival)
    own = _blend_curves(own_same, own_all, len(same))
    company = _blend_curves(company_same, company_all, len(same))
    own = np.where(np.isnan(own), company, own)
    curve = (1 - COMPANY_WEIGHT) * own + COMPANY_WEIGHT * company
    ratio = (1 - COMPANY_WEIGHT) * own_ratio + COMPANY_WEIGHT * company_ratio
    weekday = dates.dayofweek.to_numpy()
    shares = np.clip(np.vstack([_smooth(c) for c in curve]), 0.0, None) * ratio[:, weekday]
    totals = shares.sum(axis=1, keepdims=True)
    return np.where(totals > 0, shares / np.where(totals > 0, totals, 1.0), 1.0 / length)


def _blend_curves(same: np.ndarray, every: np.ndarray, years: int) -> np.ndarray:
    """The same quarter of past years, with all past quarters counted as one more year."""
    if not years:
        return every
    blended = (years * same + SAME_QUARTER_WEIGHT * every) / (years + SAME_QUARTER_WEIGHT)
    return np.where(np.isnan(same), every, blended)


def _curves(
    panel: Panel,
    quarters: Sequence[pd.Period],
    own_ratio: np.ndarray,
    company_ratio: np.ndarray,
    length: int,
    festival: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The mean day-of-quarter curve of ``quarters`` (each day's sales over its quarter's mean
    day, weekday effect taken out, stretched to ``length`` days, each quarter's Spring Festival
    on the day ``festival`` when given): per channel (NaN rows for a channel that sold in none of
    them) and for the company."""
    n = len(panel.channels)
    curves, counts = np.zeros((n, length)), np.zeros((n, 1))
    company, company_count = np.zeros(length), 0
    for q in quarters:
        values, weekday = panel.days[q], panel.dates[q].dayofweek.to_numpy()
        mean = values.mean(axis=1)
        factor = np.where(own_ratio[:, weekday] > 0, own_ratio[:, weekday], 1.0)
        warp = (festival_day(panel.dates[q]), festival) if festival is not None else (None, None)
        for i in np.flatnonzero(mean > 0):
            curves[i] += _on_grid(values[i] / mean[i] / factor[i], length, *warp)
            counts[i] += 1
        total = values.sum(axis=0)
        if total.mean() > 0:
            base = np.where(company_ratio[weekday] > 0, company_ratio[weekday], 1.0)
            company += _on_grid(total / total.mean() / base, length, *warp)
            company_count += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(counts > 0, curves / counts, np.nan)
    return own, company / company_count if company_count else np.full(length, np.nan)


def share_to_date(shares: np.ndarray) -> np.ndarray:
    """Share expected by the end of each day, with day 0 (before the quarter) first:
    ``channels x (days + 1)``, from 0 to 1."""
    cumulative = np.cumsum(shares, axis=1)
    cumulative = cumulative / np.where(cumulative[:, -1:] > 0, cumulative[:, -1:], 1.0)
    return np.hstack([np.zeros((len(shares), 1)), np.clip(cumulative, 0.0, 1.0)])

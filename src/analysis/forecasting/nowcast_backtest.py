"""The nowcast proven on the past: every complete quarter replayed at given days, scored against
how it closed, beside the naive run rate and the plain quarterly forecast.

:func:`backtest` refits the :class:`~.nowcast.Nowcaster` at each replayed day on the days up to
it alone (nothing after the as-of date is seen), so its scores are what a weekly run would have
shown. :func:`accuracy_at` sums them up for one day of the quarter: the mean absolute percentage
error of each method, how often the intervals held the closed quarter and the Brier score of the
probabilities of reaching the targets; the tracking page says in words how close such estimates
have been (``benchmarks/nowcast_backtest.py`` writes the table of BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.forecasting.nowcast import MIN_REPLAYS, REPLAY_HISTORY, TOTAL, Nowcaster, run_rate
from analysis.forecasting.nowcast_profile import Panel

#: The days of the quarter replayed by default.
DAYS: tuple[int, ...] = (15, 30, 45, 60, 75)
#: Methods as the backtest names them.
METHODS: tuple[str, ...] = ("nowcast", "run_rate", "quarterly")
#: Complete quarters before a replayed one: the nowcast replays quarters with two years before
#: them (:data:`~.nowcast.REPLAY_HISTORY`) and needs :data:`~.nowcast.MIN_REPLAYS` of them.
MIN_HISTORY = REPLAY_HISTORY + MIN_REPLAYS
_TARGET_DIMENSIONS = ("region", "product_line", "product", "customer", "salesperson")


def channel_targets(
    targets: pd.DataFrame | None, calendar: FiscalCalendar, quarter: pd.Period
) -> dict[str, float]:
    """The channel targets of ``quarter`` from a targets table (``quarter, channel,
    target_revenue``, as ``Dataset.targets``): the rows without a finer dimension (a regional
    quota is part of its channel's target, not another one)."""
    if targets is None or targets.empty:
        return {}
    rows = targets
    for column in _TARGET_DIMENSIONS:
        if column in rows:
            rows = rows.loc[rows[column].isna()]
    periods = rows["quarter"].map(lambda q: q if isinstance(q, pd.Period) else calendar.parse(q))
    rows = rows.loc[(periods == quarter).to_numpy()]
    return dict(zip(rows["channel"].astype(str), rows["target_revenue"].astype(float), strict=True))


def backtest(
    daily: pd.DataFrame,
    calendar: FiscalCalendar,
    days: Sequence[int] = DAYS,
    targets: pd.DataFrame | Mapping[pd.Period, Mapping[str, float]] | None = None,
    *,
    levels: tuple[int, ...] = (80, 95),
    min_history: int = MIN_HISTORY,
    nowcaster: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Every complete quarter with ``min_history`` complete quarters before it, replayed at each
    of ``days`` (the as-of date is day ``d`` of the quarter). One row per quarter, day, channel
    (and ``Total``) and method: ``quarter, day, as_of, channel, method, actual`` (the closed
    quarter), ``forecast``, the interval bounds, ``target`` and ``probability`` (the nowcast's
    only). ``targets``: a targets table (:func:`channel_targets`) or quarter → channel → target;
    ``nowcaster``: keyword arguments of :class:`~.nowcast.Nowcaster`."""
    options = dict(nowcaster or {})
    frame = daily.assign(date=pd.to_datetime(daily["date"]).dt.normalize())
    if frame.empty:
        return pd.DataFrame(columns=_columns(levels))
    last = calendar.period(frame["date"].max())
    closed = Nowcaster(levels, **options).fit(frame, calendar, calendar.end(last))
    complete = [q for q in closed.complete if calendar.end(q) <= frame["date"].max()]
    panel = Panel.of(frame, calendar, last)
    rows = []
    for quarter in complete[min_history:]:
        closing = dict(zip(panel.channels, panel.totals(quarter), strict=True))
        closing[TOTAL] = float(sum(closing.values()))
        wanted = _targets_of(targets, calendar, quarter)
        for day in days:
            as_of = calendar.start(quarter) + pd.Timedelta(days=int(day) - 1)
            model = Nowcaster(levels, **options).fit(frame, calendar, as_of)
            now = model.nowcast(quarter, wanted)
            plain = model.quarterly(quarter)
            plain[TOTAL] = plain.sum(min_count=1)
            rate = run_rate(frame, calendar, quarter, as_of).set_index("channel")["forecast_total"]
            for _, row in now.iterrows():
                channel = row["channel"]
                base = {
                    "quarter": calendar.label(quarter),
                    "day": int(day),
                    "as_of": as_of.date(),
                    "channel": channel,
                    "actual": closing.get(channel, 0.0),
                    "target": row["target"],
                }
                bounds = {c: row[c] for c in row.index if c[:3] in ("lo_", "hi_")}
                rows.append(
                    {**base, "method": "nowcast", "forecast": row["forecast_total"], **bounds,
                     "probability": row["probability"]}
                )  # fmt: skip
                rows.append({**base, "method": "run_rate", "forecast": rate.get(channel, np.nan)})
                rows.append({**base, "method": "quarterly", "forecast": plain.get(channel, np.nan)})
    return pd.DataFrame(rows, columns=_columns(levels))


def _columns(levels: Sequence[int]) -> list[str]:
    bounds = [f"{side}_{level}" for level in levels for side in ("lo", "hi")]
    head = ["quarter", "day", "as_of", "channel", "method", "actual", "forecast"]
    return [*head, *bounds, "target", "probability"]


def _targets_of(
    targets: pd.DataFrame | Mapping[pd.Period, Mapping[str, float]] | None,
    calendar: FiscalCalendar,
    quarter: pd.Period,
) -> dict[str, float]:
    if targets is None:
        return {}
    if isinstance(targets, pd.DataFrame):
        return channel_targets(targets, calendar, quarter)
    return dict(targets.get(quarter, {}))


def accuracy_at(frame: pd.DataFrame, day: int, channel: str | None = None) -> dict[str, object]:
    """How close the landing estimates of a :func:`backtest` were at ``day`` of past quarters:
    ``quarters`` scored, ``mape`` (per cent, per method: the mean of ``|forecast - actual| /
    actual`` over quarter and channel), ``coverage_80``/``coverage_95`` (share of the nowcast's
    intervals that held the closed quarter), ``brier`` (mean squared error of the probabilities
    of reaching a target, against whether it was reached; NaN without targets) and ``targets``
    scored. ``channel``: one channel, or ``Total``; by default every channel (not the total).
    The nearest replayed day is used when ``day`` itself was not replayed."""
    if frame.empty:
        raise ValueError("the backtest holds no replayed quarter")
    replayed = np.array(sorted(frame["day"].unique()))
    nearest = int(replayed[np.argmin(np.abs(replayed - day))])
    rows = frame.loc[frame["day"] == nearest]
    rows = rows.loc[rows["channel"] == channel] if channel else rows.loc[rows["channel"] != TOTAL]
    rows = rows.loc[rows["actual"] > 0]
    mape = {}
    for method, part in rows.groupby("method"):
        error = (part["forecast"] - part["actual"]).abs() / part["actual"]
        mape[method] = float(100 * error.mean()) if error.notna().any() else float("nan")
    nowcast = rows.loc[rows["method"] == "nowcast"]
    out: dict[str, object] = {
        "day": nearest,
        "quarters": int(nowcast["quarter"].nunique()),
        "mape": {m: mape.get(m, float("nan")) for m in METHODS},
    }
    for level in (80, 95):
        lo, hi = f"lo_{level}", f"hi_{level}"
        if lo in nowcast:
            held = nowcast.dropna(subset=[lo, hi])
            inside = (held["actual"] >= held[lo]) & (held["actual"] <= held[hi])
            out[f"coverage_{level}"] = float(inside.mean()) if len(held) else float("nan")
    scored = nowcast.dropna(subset=["target", "probability"])
    reached = (scored["actual"] >= scored["target"]).astype(float)
    out["brier"] = float(((scored["probability"] - reached) ** 2).mean()) if len(scored) else np.nan
    out["targets"] = len(scored)
    return out

"""Where each channel lands in a quarter under way: the quarter to date plus a forecast of the rest.

``Nowcaster().fit(daily(sales), calendar, as_of).nowcast(quarter, targets)`` gives one row per
channel and a ``Total`` row (:data:`COLUMNS`). It learns only from the days up to ``as_of``; a
day without a line up to then counts as a day without sales.

- ``actual_to_date``: the lines' exact sum (:mod:`analysis.core.cents`): the total rounded to
  cents once, the channels split from it so that they add up to it.
- ``forecast_rest``: the landing less the actual to date, never below 0. The landing is the
  quarterly forecast made before the quarter (the project's :class:`~.forecaster.Forecaster` on
  the channels' complete quarters) moved by a share (the gain) of the surprise so far: the actual
  to date against the forecast's share expected by this day (the within-quarter profile,
  :mod:`.nowcast_profile`). The gain at each day of the quarter is learned by replaying past
  quarters (:mod:`.nowcast_learn`); a channel without a quarterly forecast lands where its pace
  points. The total's rest is the channels' added up (bottom-up: coherent to the cent).
- ``lo_80`` .. ``hi_95``: the rest's error is multiplicative: its spread at this day of the
  quarter from the replays (per channel; the total from its own replays, so channels' errors
  that go together widen it), its shape the replays' errors divided by their spreads (their
  quantiles, not a normal's: sales err with heavy tails). Future sales are never negative, so
  every lower bound is at least the actual to date. NaN with fewer than :data:`MIN_REPLAYS` past
  quarters to learn from.
- ``probability``: of reaching the target, from the same distribution (1 once the actual to date
  has reached it, 0 when nothing more is expected and it has not).

The ``Total`` target is the channels' targets added up only when every channel that sells in the
quarter has one (or when ``targets`` names ``Total``): a total of the targeted channels alone,
set against sales that include untargeted ones, would overstate the chance; otherwise NaN.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.cents import exact, nested_cents, round_cents
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import GRACE_DAYS, TOTAL
from analysis.forecasting import nowcast_learn as learning
from analysis.forecasting.backends import Backend, InProcess
from analysis.forecasting.forecaster import Forecaster
from analysis.forecasting.nowcast_profile import Panel, daily, daily_shares, share_to_date

__all__ = ["COLUMNS", "TOTAL", "Nowcaster", "columns", "daily", "run_rate", "to_date"]

#: Past quarters replayed before intervals and probabilities are given.
MIN_REPLAYS = 4
#: Complete quarters before a replayed one: two years, as a quarterly forecast from a shorter
#: history is a short one (no seasonality, :mod:`.short`) and errs far more than today's will;
#: its errors would widen every interval (80 % intervals held 88-94 % of later quarters so).
REPLAY_HISTORY = 8
#: The most recent complete quarters replayed (each needs a quarterly forecast: run time).
MAX_REPLAYS = 20
#: Quarterly forecasts already made, by their history (the same history, the same forecast).
_MEMO: dict[tuple, dict[str, float]] = {}
_MEMO_SIZE = 512


def columns(levels: Sequence[int] = (80, 95)) -> list[str]:
    """The columns of :meth:`Nowcaster.nowcast` for interval ``levels``."""
    bounds = [f"{side}_{level}" for level in levels for side in ("lo", "hi")]
    head = ["channel", "target", "actual_to_date", "forecast_rest", "forecast_total"]
    return [*head, *bounds, "probability"]


#: The nowcast's columns at the default levels (``nowcast.csv``).
COLUMNS = tuple(columns())


class Nowcaster:
    """Landing estimates of a quarter under way; ``fit`` once per as-of date, then ``nowcast``.

    ``levels``: central interval levels in per cent; ``max_replays``: the most recent complete
    quarters replayed to learn from; ``backend``: where the quarterly forecasts are fitted (this
    process by default: a few small series).
    """

    def __init__(
        self,
        levels: tuple[int, ...] = (80, 95),
        *,
        max_replays: int = MAX_REPLAYS,
        backend: Backend | None = None,
    ) -> None:
        if not levels or any(not 0 < level < 100 for level in levels):
            raise ValueError(f"interval levels must lie between 0 and 100, got {levels!r}")
        self.levels = tuple(int(level) for level in levels)
        self.max_replays = int(max_replays)
        self.backend = backend if backend is not None else InProcess()
        self._fitted = False

    def fit(self, daily: pd.DataFrame, calendar: FiscalCalendar, as_of: datetime.date) -> Nowcaster:
        """Learn from the days of ``daily`` (``channel, date, revenue``) up to ``as_of``; later
        rows are ignored. Returns self."""
        self.calendar = calendar
        self.as_of = pd.Timestamp(as_of).normalize()
        dates = pd.to_datetime(daily["date"]).dt.normalize()
        kept = (dates <= self.as_of).to_numpy()
        self._frame = pd.DataFrame(
            {
                "channel": daily["channel"].astype(str).to_numpy()[kept],
                "date": dates.to_numpy()[kept],
                "revenue": daily["revenue"].to_numpy(dtype="float64")[kept],
            }
        )
        self._panel = Panel.of(self._frame, calendar, calendar.period(self.as_of))
        self._complete = self._complete_quarters()
        replayed = [q for q in self._complete if len(self._before(q)) >= REPLAY_HISTORY]
        replayed = replayed[-self.max_replays :]
        self.learned = learning.learn([self._replay(q) for q in replayed])
        self._fitted = True
        return self

    @property
    def complete(self) -> list[pd.Period]:
        """The quarters ended by the as-of date (from the first the data cover whole)."""
        self._check()
        return list(self._complete)

    @property
    def replays(self) -> int:
        """How many past quarters the nowcast learned from."""
        self._check()
        return self.learned.quarters

    def elapsed(self, quarter: pd.Period) -> tuple[int, int]:
        """Days of ``quarter`` up to the as-of date, and its days."""
        self._check()
        quarter = self._period(quarter)
        days = (self.calendar.end(quarter) - self.calendar.start(quarter)).days + 1
        done = (self.as_of - self.calendar.start(quarter)).days + 1
        return int(min(max(done, 0), days)), int(days)

    def quarterly(self, quarter: pd.Period) -> pd.Series:
        """The plain quarterly forecast of each channel (index) for ``quarter``, made from the
        complete quarters before it; NaN for a channel that sold in none of them."""
        self._check()
        return self._quarterly(self._period(quarter))

    def _quarterly(self, quarter: pd.Period) -> pd.Series:
        history = self._before(quarter)
        channels = self._panel.channels
        if not history:
            return pd.Series(np.nan, index=list(channels), dtype="float64")
        values = np.vstack([self._panel.totals(q) for q in history]).T  # channels x quarters
        sold = [i for i in range(len(channels)) if np.any(values[i] != 0)]
        horizon = (quarter - history[-1]).n
        key = (horizon, tuple((channels[i], values[i].tobytes()) for i in sold))
        if key not in _MEMO:
            if len(_MEMO) >= _MEMO_SIZE:
                _MEMO.clear()
            _MEMO[key] = self._forecast([channels[i] for i in sold], values[sold], history, horizon)
        made = _MEMO[key]
        return pd.Series([made.get(c, np.nan) for c in channels], index=list(channels))

    def nowcast(
        self, quarter: pd.Period, targets: Mapping[str, float] | None = None
    ) -> pd.DataFrame:
        """One row per channel (those that sold up to the as-of date, and any with a target)
        and ``Total`` last, with the columns of :func:`columns` for this nowcaster's levels."""
        self._check()
        quarter = self._period(quarter)
        panel = self._panel.extended(quarter, self.calendar)
        day, days = self.elapsed(quarter)
        targets = {str(k): float(v) for k, v in (targets or {}).items()}
        channels = sorted(set(panel.channels) | (set(targets) - {TOTAL}))
        shares = share_to_date(daily_shares(panel, quarter, self._before(quarter)))[:, day]
        share = _aligned(dict(zip(panel.channels, shares, strict=True)), channels, 1.0)
        actual_cents, total_cents = self._to_date(quarter, channels)
        actual = actual_cents / 100
        forecast = _aligned(self._quarterly(quarter).to_dict(), channels, np.nan)
        replays = self.learned.quarters
        gain = np.array([self.learned.channel_gain(c)[day] for c in channels])
        gain = gain if replays >= MIN_REPLAYS else np.ones(len(channels))
        rest = learning.rest_estimate(actual, share, forecast, gain) if day < days else 0 * actual
        sigma = np.array([self.learned.channel_sigma(c)[day] for c in channels])
        if replays < MIN_REPLAYS:
            sigma = np.full(len(channels), np.nan)
        rest_cents = round_cents(rest * 100)
        rows = pd.DataFrame({"channel": channels, "actual": actual, "rest": rest_cents / 100})
        total = pd.DataFrame(
            {"channel": [TOTAL], "actual": [total_cents / 100], "rest": [rest_cents.sum() / 100]}
        )
        total_sigma = self.learned.total_sigma[day] if replays >= MIN_REPLAYS else np.nan
        out = pd.concat([rows, total], ignore_index=True)
        out["target"] = [*(targets.get(c, np.nan) for c in channels), _total_target(out, targets)]
        out["sigma"] = np.append(sigma, total_sigma)
        return self._distribution(out, day)

    def _distribution(self, out: pd.DataFrame, day: int) -> pd.DataFrame:
        """Bounds and probabilities around the estimated ``rest`` with spread ``sigma``, in
        cents: the replays' standardised errors scaled by it."""
        actual, rest = out["actual"].to_numpy(), out["rest"].to_numpy()
        sigma = out["sigma"].to_numpy()
        is_total = (out["channel"] == TOTAL).to_numpy()
        result = pd.DataFrame(
            {
                "channel": out["channel"],
                "target": out["target"].astype("float64"),
                "actual_to_date": actual,
                "forecast_rest": rest,
                "forecast_total": (round_cents(actual * 100) + round_cents(rest * 100)) / 100,
            }
        )
        certain = rest <= 0  # nothing more expected: the bounds are the actual to date
        learned = self.learned
        for level in self.levels:
            for side, p in (("lo", 0.5 - level / 200), ("hi", 0.5 + level / 200)):
                z = np.where(is_total, learned.quantile(p, day, True), learned.quantile(p, day))
                bound = np.where(certain, actual, actual + rest * np.exp(z * sigma))
                result[f"{side}_{level}"] = round_cents(np.nan_to_num(bound) * 100) / 100
                result.loc[np.isnan(bound), f"{side}_{level}"] = np.nan
        target = result["target"].to_numpy()
        chances = []
        for a, r, s, t, whole in zip(actual, rest, sigma, target, is_total, strict=True):
            chances.append(_probability(a, r, s, t, lambda x, w=whole: learned.survival(x, day, w)))
        result["probability"] = np.array(chances, dtype="float64")
        return result

    def _forecast(
        self, channels: list[str], values: np.ndarray, history: list[pd.Period], horizon: int
    ) -> dict[str, float]:
        """Each channel's forecast ``horizon`` quarters after its ``history``."""
        if not channels:
            return {}
        frame = pd.DataFrame(
            {
                "unique_id": np.repeat(channels, len(history)),
                "ds": np.tile([self.calendar.start(q) for q in history], len(channels)),
                "y": values.ravel(),
            }
        )
        fitted = Forecaster(horizon, levels=None, calibrate=False, backend=self.backend)
        made = fitted.fit(frame).forecast().groupby("unique_id", sort=False).tail(1)
        return dict(zip(made["unique_id"], made["mean"].astype("float64"), strict=True))

    def _complete_quarters(self) -> list[pd.Period]:
        """Quarters ended by the as-of date from the first the data cover (a first quarter whose
        first sale lies more than ``GRACE_DAYS`` after its start is partial)."""
        quarters = list(self._panel.quarters)
        if not quarters or self._frame.empty:
            return []
        first = self._frame["date"].min()
        if (first - self.calendar.start(quarters[0])).days > GRACE_DAYS:
            quarters = quarters[1:]
        return [q for q in quarters if self.calendar.end(q) <= self.as_of]

    def _before(self, quarter: pd.Period) -> list[pd.Period]:
        return [q for q in self._complete if q < quarter]

    def _replay(self, quarter: pd.Period) -> learning.Replay:
        values = self._panel.days[quarter]
        past = self._before(quarter)
        return learning.Replay(
            actual=np.hstack([np.zeros((len(values), 1)), np.cumsum(values, axis=1)]),
            share=share_to_date(daily_shares(self._panel, quarter, past)),
            total=values.sum(axis=1),
            forecast=self._quarterly(quarter).to_numpy(dtype="float64"),
            channels=self._panel.channels,
        )

    def _to_date(self, quarter: pd.Period, channels: list[str]) -> tuple[np.ndarray, int]:
        """Each channel's exact cents to date (adding up to the total) and the total's."""
        return to_date(self._frame, self.calendar, quarter, self.as_of, channels)

    def _period(self, quarter: pd.Period | str) -> pd.Period:
        if isinstance(quarter, pd.Period):
            return pd.Period(quarter.start_time, freq=self.calendar.freq)
        return self.calendar.parse(quarter)

    def _check(self) -> None:
        if not self._fitted:
            raise RuntimeError("call fit(daily, calendar, as_of) before nowcast()")


def to_date(
    frame: pd.DataFrame,
    calendar: FiscalCalendar,
    quarter: pd.Period,
    as_of: pd.Timestamp,
    channels: Sequence[str],
) -> tuple[np.ndarray, int]:
    """The exact cents of each of ``channels`` in ``quarter`` up to ``as_of``, split from the
    total (rounded once) so that they add up to it, and the total's cents."""
    dates = pd.to_datetime(frame["date"])
    inside = frame.loc[
        (dates >= calendar.start(quarter)) & (dates <= min(as_of, calendar.end(quarter)))
    ]
    if inside.empty:
        return np.zeros(len(channels), dtype="int64"), 0
    cents, micro = exact(inside["revenue"])
    sums = pd.DataFrame(
        {"channel": inside["channel"].astype(str).to_numpy(), "cents": cents, "micro": micro}
    )
    sums = sums.groupby("channel", sort=True).sum().reset_index()
    sums["rounded"] = nested_cents(sums, ["channel"])
    by_channel = dict(zip(sums["channel"], sums["rounded"], strict=True))
    parts = np.array([by_channel.get(c, 0) for c in channels], dtype="int64")
    return parts, int(sums["rounded"].sum())


def run_rate(
    daily: pd.DataFrame, calendar: FiscalCalendar, quarter: pd.Period, as_of: datetime.date
) -> pd.DataFrame:
    """The naive benchmark: ``actual to date x days in the quarter / days elapsed`` per channel
    and ``Total`` (``channel, actual_to_date, forecast_total``); NaN before the quarter's first
    day."""
    as_of = pd.Timestamp(as_of).normalize()
    frame = daily.loc[pd.to_datetime(daily["date"]) <= as_of]
    channels = sorted(frame["channel"].astype(str).unique())
    parts, total = to_date(frame, calendar, quarter, as_of, channels)
    days = (calendar.end(quarter) - calendar.start(quarter)).days + 1
    done = min(max((as_of - calendar.start(quarter)).days + 1, 0), days)
    actual = np.append(parts, total) / 100
    factor = days / done if done else np.nan
    projected = round_cents(np.nan_to_num(np.append(parts, 0) * factor)) / 100
    projected[-1] = projected[:-1].sum()
    if not done:
        projected = np.full(len(actual), np.nan)
    return pd.DataFrame(
        {"channel": [*channels, TOTAL], "actual_to_date": actual, "forecast_total": projected}
    )


def _aligned(values: Mapping[str, float], channels: Sequence[str], missing: float) -> np.ndarray:
    return np.array([values.get(c, missing) for c in channels], dtype="float64")


def _total_target(rows: pd.DataFrame, targets: Mapping[str, float]) -> float:
    """The ``Total`` target: given as such, or the channels' when every selling channel has one."""
    if TOTAL in targets:
        return targets[TOTAL]
    channels = rows.loc[rows["channel"] != TOTAL]
    selling = channels.loc[(channels["actual"] != 0) | (channels["rest"] > 0), "channel"]
    if not targets or any(c not in targets for c in selling):
        return float("nan")
    return float(sum(v for c, v in targets.items() if c != TOTAL))


def _probability(
    actual: float, rest: float, sigma: float, target: float, survival: Callable[[float], float]
) -> float:
    """P(actual + rest of the quarter >= target) when the rest is ``rest * exp(sigma * e)`` and
    ``survival(x)`` is P(e > x)."""
    if np.isnan(target):
        return float("nan")
    if actual >= target:
        return 1.0
    if rest <= 0:
        return 0.0
    if not (np.isfinite(sigma) and sigma > 0):
        return float("nan")
    return survival(float(np.log((target - actual) / rest) / sigma))

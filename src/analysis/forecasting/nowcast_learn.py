"""What a nowcast learns from replaying past quarters: how far to trust the quarter to date, and
how wrong the landing estimates were at each day of the quarter.

Every complete past quarter is replayed at every day ``k`` of it (a closed quarter's running sums
are known, so all days cost one pass). At day ``k`` a channel's landing is read from two things:

- the quarterly forecast ``F`` made before the quarter began, and
- what the quarter to date ``A`` says against it: the surprise ``A - P F``, where ``P`` is the
  share of the quarter expected by day ``k`` (:mod:`.nowcast_profile`).

The landing is ``F + g (A - P F)``. The gain ``g(k)`` says how much of a surprise so far carries
to the close: 0 when early sales were only orders booked sooner (the quarter lands on its
forecast), 1 when the rest of the quarter goes as expected whatever came before, ``1 / P`` when
the pace alone counts (``A / P``). It is the least-squares slope of the forecast's relative miss
``(Y - F) / Y`` on the relative surprise ``(A - P F) / Y`` over the replays within
:data:`WINDOW_DAYS` of day ``k``, per channel with all channels' evidence counted
:data:`SHRINK_CHANNELS` times more, kept in ``0 .. 1`` (:data:`MAX_GAIN`). Without a quarterly
forecast (a channel's first quarter) the pace alone counts.

The error of the rest of the quarter is multiplicative (sales are never below zero, and a channel
errs in proportion to its size): ``log(actual rest / estimated rest)``. Its median absolute value
``sigma(k)`` per channel (shrunk towards all channels' with :data:`SHRINK_QUARTERS` quarters'
weight), and for the company's total (the channels' estimates added up against the total's
actual rest, so that errors that go together widen it), is the scale of the intervals and
probabilities; their shape is that of the replays' errors divided by their spreads within
:data:`SCORE_DAYS` days, centred on the estimate (sales err with heavy tails, and more so late
in a quarter, when little is left to come).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Replays within this many days of the as-of day count as the same day.
WINDOW_DAYS = 3
#: The largest gain: a surprise so far carries at most whole to the close. Larger gains (a strong
#: start read as a higher level for the rest of the quarter too) fit the replays better and cut
#: the error at day 45 a little (8.9 to 8.5 % on the sample's channels), but their intervals then
#: held only 72 % of the second company's quarters at 80 % (BENCHMARKS.md, "Nowcast").
MAX_GAIN = 1.0
#: All channels' evidence on the gain counts as this many channels' in each one's.
SHRINK_CHANNELS = 1.0
#: A channel's own error spread counts as many quarters as it has; all channels' as many as this.
SHRINK_QUARTERS = 4
#: Standardised errors within this many days of a day make its error distribution (errors at the
#: end of a quarter, of a small rest, have other tails than those in its middle).
SCORE_DAYS = 10
#: The longest quarter (92 days); day 0 is before the quarter's first day.
MAX_DAY = 92


@dataclass(frozen=True)
class Replay:
    """One past quarter, known to its end: per channel (rows) and day 0..days (columns) the
    actual to date ``actual`` and the share expected by then ``share``; per channel the quarter's
    ``total`` and the quarterly forecast ``forecast`` made before it (NaN when none)."""

    actual: np.ndarray
    share: np.ndarray
    total: np.ndarray
    forecast: np.ndarray
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Learned:
    """Per day 0..``MAX_DAY``: the gain of each channel ``gains`` (all channels': ``gain``), each
    channel's error spread ``sigma`` (NaN where no replay had a rest to score; all channels':
    ``pooled_sigma``), the total's ``total_sigma``. The shape of the errors, per day: ``scores``,
    the replayed channels' errors within :data:`SCORE_DAYS` of it divided by their spreads, and
    ``total_scores``, the total's; sorted, each less its median, so that the estimate is the
    median of its distribution (a median error of the replays, a past bias, did not carry over
    to the quarters after them: estimates moved by it erred more, BENCHMARKS.md). ``quarters``:
    how many past quarters were replayed."""

    gains: dict[str, np.ndarray]
    gain: np.ndarray
    sigma: dict[str, np.ndarray]
    pooled_sigma: np.ndarray
    total_sigma: np.ndarray
    scores: tuple[np.ndarray, ...]
    total_scores: tuple[np.ndarray, ...]
    quarters: int

    def channel_gain(self, channel: str) -> np.ndarray:
        """The gain of ``channel``, or all channels' for one never replayed."""
        return self.gains.get(channel, self.gain)

    def channel_sigma(self, channel: str) -> np.ndarray:
        """The error spread of ``channel``, or of all channels for one never replayed."""
        return self.sigma.get(channel, self.pooled_sigma)

    def quantile(self, p: float, day: int, total: bool = False) -> float:
        """The ``p`` quantile of the standardised errors at ``day`` (channels', or the total's)."""
        scores = (self.total_scores if total else self.scores)[day] if self.quarters else ()
        return float(np.quantile(scores, p)) if len(scores) else float("nan")

    def survival(self, x: float, day: int, total: bool = False) -> float:
        """The share of standardised errors at ``day`` above ``x`` (interpolated; between
        ``1 / 2n`` and ``1 - 1 / 2n`` for ``n`` errors: no replay shows certainty); NaN without
        errors."""
        scores = (self.total_scores if total else self.scores)[day] if self.quarters else ()
        n = len(scores)
        if not n:
            return float("nan")
        return float(1 - np.interp(x, scores, (np.arange(n) + 0.5) / n))


def on_days(values: np.ndarray) -> np.ndarray:
    """``channels x (days + 1)`` running values on days 0..MAX_DAY (after its end a quarter stays
    as it ended)."""
    days = values.shape[1] - 1
    index = np.minimum(np.arange(MAX_DAY + 1), days)
    return values[:, index]


def rest_estimate(
    actual: np.ndarray, share: np.ndarray, forecast: np.ndarray, gain: np.ndarray
) -> np.ndarray:
    """The rest of the quarter, never below 0: the landing ``F + g (A - P F)`` (``g`` at most
    ``1 / P``) less the actual to date; without a forecast the pace ``A / P`` less it, and 0 when
    nothing at all is known."""
    with np.errstate(divide="ignore", invalid="ignore"):
        most = np.where(share > 0, 1 / np.where(share > 0, share, 1.0), 0.0)
        paced = np.where(share > 0, actual * most, actual)
    landing = forecast + np.minimum(gain, most) * (actual - share * forecast)
    landing = np.where(np.isnan(forecast), paced, landing)
    return np.clip(landing - actual, 0.0, None)


def _window(values: np.ndarray) -> np.ndarray:
    """Sums over days ``k - WINDOW_DAYS .. k + WINDOW_DAYS`` along the last axis."""
    kernel = np.ones(2 * WINDOW_DAYS + 1)
    return np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), -1, values)


def _gains(replays: list[Replay]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The least-squares gains per channel and for all channels (see the module's docstring)."""
    numerator: dict[str, np.ndarray] = {}
    denominator: dict[str, np.ndarray] = {}
    for r in replays:
        share, actual = on_days(r.share), on_days(r.actual)
        y, f = r.total[:, None], r.forecast[:, None]
        ok = np.isfinite(f) & (y > 0) & (share > 0)
        scale = np.where(ok, 1 / np.where(y > 0, y, 1.0) ** 2, 0.0)
        miss = np.where(ok, y - f, 0.0)
        surprise = np.where(ok, actual - share * f, 0.0)
        for i, c in enumerate(r.channels):
            numerator[c] = numerator.get(c, 0.0) + miss[i] * surprise[i] * scale[i]
            denominator[c] = denominator.get(c, 0.0) + surprise[i] ** 2 * scale[i]
    numerator = {c: _window(v) for c, v in numerator.items()}
    denominator = {c: _window(v) for c, v in denominator.items()}
    m = max(len(numerator), 1)
    pooled_num = sum(numerator.values(), np.zeros(MAX_DAY + 1)) / m
    pooled_den = sum(denominator.values(), np.zeros(MAX_DAY + 1)) / m
    own = {
        c: _slope(
            numerator[c] + SHRINK_CHANNELS * pooled_num,
            denominator[c] + SHRINK_CHANNELS * pooled_den,
        )
        for c in numerator
    }
    return own, _slope(pooled_num, pooled_den)


def _slope(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` kept in 0..:data:`MAX_GAIN` (0 without information)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0)
    return np.clip(slope, 0.0, MAX_GAIN)


def _log_errors(rest: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """``log(rest / estimate)``, NaN where either is not above zero."""
    ok = (rest > 0) & (estimate > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, np.log(np.where(ok, rest, 1.0) / np.where(ok, estimate, 1.0)), np.nan)


def _spread(errors: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per day, the median absolute error of the rows (``replays x days``, NaN: none) within
    :data:`WINDOW_DAYS`, and how many rows have an error that day. A median, not a root mean
    square: a quarter no forecast could foresee (2020's lockdowns) would otherwise widen every
    interval after it; the tails are in the standardised errors."""
    if not errors:
        return np.full(MAX_DAY + 1, np.nan), np.zeros(MAX_DAY + 1)
    stacked = np.vstack(errors)
    padded = np.pad(np.abs(stacked), ((0, 0), (WINDOW_DAYS, WINDOW_DAYS)), constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * WINDOW_DAYS + 1, axis=1)
    flat = windows.transpose(1, 0, 2).reshape(MAX_DAY + 1, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a day without any error: NaN
        median = np.nanmedian(flat, axis=1)
    return median, np.isfinite(stacked).sum(axis=0).astype("float64")


def learn(replays: list[Replay]) -> Learned:
    """Gains, error spreads and standardised errors from the replays (none: gain 0, NaN
    spreads and no errors)."""
    if not replays:
        unknown = np.full(MAX_DAY + 1, np.nan)
        return Learned({}, np.zeros(MAX_DAY + 1), {}, unknown, unknown, (), (), 0)
    gains, gain = _gains(replays)
    channels = sorted({c for r in replays for c in r.channels})
    by_channel: dict[str, list[np.ndarray]] = {c: [] for c in channels}
    rows = []
    for r in replays:
        share, actual = on_days(r.share), on_days(r.actual)
        own = np.vstack([gains.get(c, gain) for c in r.channels])
        estimate = rest_estimate(actual, share, r.forecast[:, None], own)
        rest = r.total[:, None] - actual
        error = _log_errors(rest, estimate)
        rows.append((r.channels, rest, estimate, error))
        for i, c in enumerate(r.channels):
            by_channel[c].append(error[i])
    pooled, _ = _spread([e for errors in by_channel.values() for e in errors])
    sigma = {}
    for c in channels:
        own, n = _spread(by_channel[c])
        shrunk = (n * own**2 + SHRINK_QUARTERS * pooled**2) / (n + SHRINK_QUARTERS)
        sigma[c] = np.sqrt(np.where(np.isnan(own), pooled**2, shrunk))
    spreads = [np.vstack([sigma[c] for c in names]) for names, _, _, _ in rows]
    scores = _by_day(
        [_standardised(row[3], spread) for row, spread in zip(rows, spreads, strict=True)]
    )
    total_errors = [
        _log_errors(rest.sum(axis=0), estimate.sum(axis=0)) for _, rest, estimate, _ in rows
    ]
    total, _ = _spread(total_errors)
    total_scores = _by_day([_standardised(e[None, :], total) for e in total_errors])
    return Learned(gains, gain, sigma, pooled, total, scores, total_scores, len(replays))


def _by_day(standardised: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Per day, the sorted standardised errors (rows x days, NaN: none) of the days within
    :data:`SCORE_DAYS` of it, less their median."""
    stacked = np.vstack(standardised)
    out = []
    for day in range(MAX_DAY + 1):
        near = stacked[:, max(day - SCORE_DAYS, 0) : day + SCORE_DAYS + 1]
        known = np.sort(near[np.isfinite(near)])
        out.append(known - np.median(known) if len(known) else known)
    return tuple(out)


def _standardised(error: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """The errors divided by their spreads (``rows x days``; NaN where either is unknown)."""
    spread = np.broadcast_to(spread, error.shape)
    keep = np.isfinite(error) & np.isfinite(spread) & (spread > 0)
    return np.where(keep, error / np.where(keep, spread, 1.0), np.nan)

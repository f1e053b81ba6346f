"""What a nowcast learns from replaying past quarters: how far to trust the quarter to date, and
how wrong the landing estimates were at each day of the quarter.

Every complete past quarter is replayed at every day ``k`` of it (a closed quarter's running sums
are known, so all days cost one pass). At day ``k`` a channel's landing is read from two things:

- by the quarterly forecast ``F`` made before the quarter began, and
- by what the quarter to date ``A`` says against it: the surprise ``A - P F``, where ``P`` is the
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
errs in proportion to its size): ``log(actual rest / estimated rest)``. Its root mean square
``sigma(k)`` per channel (shrunk towards all channels' with :data:`SHRINK_QUARTERS` quarters'
weight), and for the company's total (the channels' estimates added up against the total's
actual rest, so that errors that go together widen it), sets the intervals and probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Replays within this many days of the as-of day count as the same day.
WINDOW_DAYS = 3
#: The largest gain: a surprise so far carries at most whole to the close. Larger gains (a strong
#: start read as a higher level for the rest of the quarter too) fitted past replays but did not
#: hold on the quarters after them (BENCHMARKS.md, "Nowcast").
MAX_GAIN = 1.0
#: All channels' evidence on the gain counts as this many channels' in each one's.
SHRINK_CHANNELS = 1.0
#: A channel's own error spread counts as many quarters as it has; all channels' as many as this.
SHRINK_QUARTERS = 4
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
    ``pooled_sigma``), the total's ``total_sigma``. The shape of the errors: ``scores``, every
    replayed channel's error divided by its spread, less their median ``centre`` (by which each
    estimate is moved, so that it is the median of its distribution), and ``total_scores``, the
    total's; both sorted. ``quarters``: how many past quarters were replayed."""

    gains: dict[str, np.ndarray]
    gain: np.ndarray
    sigma: dict[str, np.ndarray]
    pooled_sigma: np.ndarray
    total_sigma: np.ndarray
    scores: np.ndarray
    total_scores: np.ndarray
    centre: float
    quarters: int

    def channel_gain(self, channel: str) -> np.ndarray:
        """The gain of ``channel``, or all channels' for one never replayed."""
        return self.gains.get(channel, self.gain)

    def channel_sigma(self, channel: str) -> np.ndarray:
        """The error spread of ``channel``, or of all channels for one never replayed."""
        return self.sigma.get(channel, self.pooled_sigma)

    def quantile(self, p: float, total: bool = False) -> float:
        """The ``p`` quantile of the standardised errors (of the channels, or the total's)."""
        scores = self.total_scores if total else self.scores
        return float(np.quantile(scores, p)) if len(scores) else float("nan")

    def survival(self, x: float, total: bool = False) -> float:
        """The share of standardised errors above ``x`` (interpolated; between ``1 / 2n`` and
        ``1 - 1 / 2n`` for ``n`` errors: no replay shows certainty); NaN without errors."""
        scores = self.total_scores if total else self.scores
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


def _log_errors(rest: np.ndarray, estimate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = (rest > 0) & (estimate > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(ok, np.log(np.where(ok, rest, 1.0) / np.where(ok, estimate, 1.0)), 0.0)
    return error, ok


def _rms(squares: np.ndarray, counts: np.ndarray) -> np.ndarray:
    squares, counts = _window(squares), _window(counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, np.sqrt(squares / np.where(counts > 0, counts, 1.0)), np.nan)


def learn(replays: list[Replay]) -> Learned:
    """Gains, error spreads and standardised errors from the replays (none: gain 0, NaN
    spreads and no errors)."""
    if not replays:
        unknown, none = np.full(MAX_DAY + 1, np.nan), np.zeros(0)
        return Learned({}, np.zeros(MAX_DAY + 1), {}, unknown, unknown, none, none, 0.0, 0)
    gains, gain = _gains(replays)
    channels = sorted({c for r in replays for c in r.channels})
    squares = {c: np.zeros(MAX_DAY + 1) for c in channels}
    counts = {c: np.zeros(MAX_DAY + 1) for c in channels}
    rows = []
    for r in replays:
        share, actual = on_days(r.share), on_days(r.actual)
        own = np.vstack([gains.get(c, gain) for c in r.channels])
        estimate = rest_estimate(actual, share, r.forecast[:, None], own)
        rest = r.total[:, None] - actual
        error, ok = _log_errors(rest, estimate)
        rows.append((r.channels, rest, estimate, error, ok))
        for i, c in enumerate(r.channels):
            squares[c] += error[i] ** 2
            counts[c] += ok[i]
    pooled = _rms(sum(squares.values(), np.zeros(MAX_DAY + 1)), sum(counts.values(), 0.0))
    sigma = {}
    for c in channels:
        own = _rms(squares[c], counts[c])
        n = _window(counts[c]) / (2 * WINDOW_DAYS + 1)  # about the quarters behind it
        shrunk = (n * own**2 + SHRINK_QUARTERS * pooled**2) / (n + SHRINK_QUARTERS)
        sigma[c] = np.sqrt(np.where(np.isnan(own), pooled**2, shrunk))
    scores = []
    for names, _, _, error, ok in rows:
        spread = np.vstack([sigma[c] for c in names])
        scores.append(error[ok & (spread > 0)] / spread[ok & (spread > 0)])
    scores = np.sort(np.concatenate(scores))
    centre = float(np.median(scores)) if len(scores) else 0.0
    total_squares, total_counts, total_errors = np.zeros(MAX_DAY + 1), np.zeros(MAX_DAY + 1), []
    for names, rest, estimate, _, _ in rows:
        spread = np.nan_to_num(np.vstack([sigma[c] for c in names]))
        t_error, t_ok = _log_errors(rest.sum(axis=0), centred(estimate, spread, centre).sum(axis=0))
        total_errors.append((t_error, t_ok))
        total_squares += t_error**2
        total_counts += t_ok
    total = _rms(total_squares, total_counts)
    total_scores = np.sort(
        np.concatenate([e[ok & (total > 0)] / total[ok & (total > 0)] for e, ok in total_errors])
    )
    return Learned(
        gains, gain, sigma, pooled, total, scores - centre, total_scores, centre, len(replays)
    )


def centred(estimate: np.ndarray, sigma: np.ndarray, centre: float) -> np.ndarray:
    """Estimates of the rest moved to the median of their replayed errors."""
    return estimate * np.exp(centre * np.nan_to_num(sigma))

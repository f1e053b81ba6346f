"""What a nowcast learns from replaying past quarters: how far to trust the quarter to date, and
how wrong the landing estimates were at each day of the quarter.

Every complete past quarter is replayed at every day ``k`` of it (a closed quarter's running sums
are known, so all days cost one pass). At day ``k`` a channel's quarter is estimated twice:

- from the pace: ``X = actual to date / share expected by day k`` (:mod:`.nowcast_profile`),
- from the quarterly forecast ``F`` made before the quarter began.

Their blend ``L = w X + (1 - w) F`` is the quarter's level and ``L (1 - share)`` the rest of the
quarter. The weight ``w(k)`` minimises the squared relative error of the landing (actual to date
plus that rest) over the replays of every channel within :data:`WINDOW_DAYS` of day ``k`` (a
least-squares line through the origin; kept in 0..1).

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
    """Per day 0..``MAX_DAY``: the weight of the pace ``weight``, each channel's error spread
    ``sigma`` (channel name → array, NaN where no replay had a rest to score), the total's
    ``total_sigma`` and ``quarters``, how many past quarters were replayed."""

    weight: np.ndarray
    sigma: dict[str, np.ndarray]
    pooled_sigma: np.ndarray
    total_sigma: np.ndarray
    quarters: int

    def channel_sigma(self, channel: str) -> np.ndarray:
        """The error spread of ``channel``, or of all channels for one never replayed."""
        return self.sigma.get(channel, self.pooled_sigma)


def on_days(values: np.ndarray) -> np.ndarray:
    """``channels x (days + 1)`` running values on days 0..MAX_DAY (after its end a quarter stays
    as it ended)."""
    days = values.shape[1] - 1
    index = np.minimum(np.arange(MAX_DAY + 1), days)
    return values[:, index]


def pace(actual: np.ndarray, share: np.ndarray) -> np.ndarray:
    """The quarter the pace so far points to (NaN where no share was expected yet)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(share > 0, actual / np.where(share > 0, share, 1.0), np.nan)


def blend(paced: np.ndarray, forecast: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``w X + (1 - w) F``; the pace alone without a forecast, the forecast alone without a pace,
    0 without either."""
    mixed = weight * paced + (1 - weight) * forecast
    mixed = np.where(np.isnan(forecast), paced, mixed)
    mixed = np.where(np.isnan(paced), forecast, mixed)
    return np.where(np.isnan(mixed), 0.0, mixed)


def rest_estimate(
    actual: np.ndarray, share: np.ndarray, forecast: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """The rest of the quarter: the blended level times the share still to come, never below 0."""
    level = blend(pace(actual, share), forecast, weight)
    return np.clip(level * (1 - share), 0.0, None)


def _window(values: np.ndarray) -> np.ndarray:
    """Sums over days ``k - WINDOW_DAYS .. k + WINDOW_DAYS`` along the last axis."""
    kernel = np.ones(2 * WINDOW_DAYS + 1)
    return np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), -1, values)


def _weights(replays: list[Replay]) -> np.ndarray:
    """Least squares through the origin of the landing's relative error: with ``T = A + (1 - P)
    (w X + (1 - w) F)``, ``Y - T = (Y - A - (1 - P) F) - w (1 - P) (X - F)``."""
    numerator = np.zeros(MAX_DAY + 1)
    denominator = np.zeros(MAX_DAY + 1)
    for r in replays:
        share, actual = on_days(r.share), on_days(r.actual)
        paced = pace(actual, share)
        y, f = r.total[:, None], r.forecast[:, None]
        ok = np.isfinite(paced) & np.isfinite(f) & (y > 0)
        scale = np.where(ok, 1 / np.where(y > 0, y, 1.0) ** 2, 0.0)
        miss = y - actual - (1 - share) * f
        lever = (1 - share) * (paced - f)
        numerator += np.where(ok, miss * lever * scale, 0.0).sum(axis=0)
        denominator += np.where(ok, lever**2 * scale, 0.0).sum(axis=0)
    numerator, denominator = _window(numerator), _window(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(denominator > 0, numerator / denominator, 0.0)
    weight[0] = 0.0  # nothing booked yet: the forecast alone
    return np.clip(weight, 0.0, 1.0)


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
    """Weights and error spreads from the replays (none: weight 0 and NaN spreads)."""
    if not replays:
        unknown = np.full(MAX_DAY + 1, np.nan)
        return Learned(np.zeros(MAX_DAY + 1), {}, unknown, unknown, 0)
    weight = _weights(replays)
    channels = sorted({c for r in replays for c in r.channels})
    squares = {c: np.zeros(MAX_DAY + 1) for c in channels}
    counts = {c: np.zeros(MAX_DAY + 1) for c in channels}
    total_squares, total_counts = np.zeros(MAX_DAY + 1), np.zeros(MAX_DAY + 1)
    for r in replays:
        share, actual = on_days(r.share), on_days(r.actual)
        estimate = rest_estimate(actual, share, r.forecast[:, None], weight)
        rest = r.total[:, None] - actual
        error, ok = _log_errors(rest, estimate)
        for i, c in enumerate(r.channels):
            squares[c] += error[i] ** 2
            counts[c] += ok[i]
        t_error, t_ok = _log_errors(rest.sum(axis=0), estimate.sum(axis=0))
        total_squares += t_error**2
        total_counts += t_ok
    pooled = _rms(sum(squares.values(), np.zeros(MAX_DAY + 1)), sum(counts.values(), 0.0))
    sigma = {}
    for c in channels:
        own = _rms(squares[c], counts[c])
        n = _window(counts[c]) / (2 * WINDOW_DAYS + 1)  # about the quarters behind it
        shrunk = (n * own**2 + SHRINK_QUARTERS * pooled**2) / (n + SHRINK_QUARTERS)
        sigma[c] = np.sqrt(np.where(np.isnan(own), pooled**2, shrunk))
    total = _rms(total_squares, total_counts)
    return Learned(weight, sigma, pooled, total, len(replays))

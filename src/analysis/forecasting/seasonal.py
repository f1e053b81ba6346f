"""Seasonal adjustment: the classical decomposition of the Theta method and M4's Naive2.

Its own module because three places share it: the members fitted to adjusted series, the
forecaster's Naive2 benchmark, and tests of the M4 rules. A series is adjusted only when it is
seasonal by the 90 % autocorrelation test at lag ``season_length`` (multiplicatively when every
value is positive, additively otherwise); forecasts are multiplied (added) back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def seasonality_test(y: np.ndarray, season_length: int) -> bool:
    """The M4 90 % test: is the autocorrelation at lag ``season_length`` significant?

    Needs at least three seasonal cycles; the limit is ``1.645 * sqrt((1 + 2 * sum r_k^2) / n)``
    over lags ``1 .. season_length - 1`` (Bartlett), as in the M4 competition's benchmark code.
    """
    x = np.asarray(y, dtype="float64")
    m, n = int(season_length), len(x)
    if m <= 1 or n < 3 * m:
        return False
    x = x - x.mean()
    denom = float(np.dot(x, x))
    if denom == 0:
        return False
    acf = np.array([np.dot(x[k:], x[: n - k]) / denom for k in range(1, m + 1)])
    limit = 1.645 * math.sqrt((1 + 2 * float(np.sum(acf[: m - 1] ** 2))) / n)
    return bool(abs(acf[m - 1]) > limit)


def seasonal_indices(y: np.ndarray, season_length: int, multiplicative: bool = True) -> np.ndarray:
    """Classical decomposition's seasonal figure, one value per position ``0 .. m-1`` of ``y``.

    A centred moving average of order ``m`` (``2 x m`` for even ``m``) is the trend; the ratios
    (differences) to it are averaged per position and normalised to mean 1 (sum 0), as R's
    ``decompose``.
    """
    x = np.asarray(y, dtype="float64")
    m, n = int(season_length), len(x)
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half = len(weights) // 2
    trend = np.full(n, np.nan)
    if n >= len(weights):
        trend[half : n - half] = np.convolve(x, weights[::-1], mode="valid")
    detrended = x / trend if multiplicative else x - trend
    figure = np.array([np.nanmean(detrended[i::m]) for i in range(m)])
    return figure / figure.mean() if multiplicative else figure - figure.mean()


@dataclass(frozen=True)
class Adjustment:
    """Seasonal figure of one series: ``kind`` is ``none``, ``multiplicative`` or ``additive``.

    ``Adjustment.of(y, m)`` tests and decomposes; ``remove`` adjusts the history, ``restore``
    puts the season back on values that start at position ``start`` of the series (a forecast
    starts at ``len(y)``), ``restore_sd`` scales standard deviations the same way.
    """

    kind: str = "none"
    figure: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, y: np.ndarray, season_length: int) -> Adjustment:
        if not seasonality_test(y, season_length):
            return cls()
        multiplicative = bool(np.all(y > 0))
        figure = seasonal_indices(y, season_length, multiplicative)
        if not np.all(np.isfinite(figure)):
            return cls()
        return cls("multiplicative" if multiplicative else "additive", figure)

    def at(self, start: int, length: int) -> np.ndarray:
        m = len(self.figure)
        return self.figure[(np.arange(start, start + length)) % m]

    def remove(self, y: np.ndarray) -> np.ndarray:
        if self.kind == "none":
            return y
        s = self.at(0, len(y))
        return y / s if self.kind == "multiplicative" else y - s

    def restore(self, values: np.ndarray, start: int) -> np.ndarray:
        if self.kind == "none":
            return values
        s = self.at(start, len(values))
        return values * s if self.kind == "multiplicative" else values + s

    def restore_sd(self, sd: np.ndarray, start: int) -> np.ndarray:
        if self.kind != "multiplicative":
            return sd
        return sd * self.at(start, len(sd))

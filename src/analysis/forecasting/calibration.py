"""Prediction intervals calibrated on the data themselves (normalised split-conformal).

The members' own Gaussian intervals are too narrow on real data (71 % and 87 % coverage for
nominal 80 % and 95 % on M3 quarterly; calibrated: 80 % and 94 %), so the forecaster refits
itself without the last ``h`` quarters of the series long enough (at most
``MAX_CALIBRATION_SERIES`` of them, evenly spread; with few series also from up to
``MAX_CALIBRATION_ORIGINS`` earlier origins). Each backtest error is divided by the forecast
standard deviation at that step (the mean of the ETS members' own; ``GAR`` is refitted on the
quarters before each origin only), and the interval at level L is ``mean ± q_L * sd`` where
``q_L`` is the conformal L-quantile of those absolute normalised errors. With fewer than
``MIN_CALIBRATION_ERRORS`` errors the Gaussian multipliers are used and the note says so.
Intervals are symmetric around the mean, so the mean is also the median of the forecast
distribution (see :mod:`analysis.forecasting.odds`).

The plan (which series, cut where), the refit tasks and the scoring live here, apart from the
forecaster, so the refits are ordinary tasks keyed by :class:`~analysis.forecasting.tasks.TaskKey`
and any backend runs them with the forecasts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from analysis.forecasting.pooled import global_ar
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey

#: Fewest pooled backtest errors needed to calibrate the intervals.
MIN_CALIBRATION_ERRORS = 30
#: At most this many series (evenly spread over the input) are refitted to calibrate intervals.
MAX_CALIBRATION_SERIES = 200
#: Errors wanted for calibration; with few series they come from up to MAX_CALIBRATION_ORIGINS
#: origins one quarter apart.
TARGET_CALIBRATION_ERRORS = 200
MAX_CALIBRATION_ORIGINS = 8


def calibration_plan(values: Sequence[np.ndarray], h: int, m: int) -> list[TaskKey]:
    """The refits that calibrate the intervals: ``TaskKey(series, h + j)`` forecasts the ``h``
    quarters before the last ``j`` of a series.

    Series need ``h`` quarters to score plus two seasonal cycles to fit. At most
    ``MAX_CALIBRATION_SERIES`` of them (evenly spread) are used; when they give fewer than
    ``TARGET_CALIBRATION_ERRORS`` errors from one origin, earlier origins (one quarter apart, at
    most ``MAX_CALIBRATION_ORIGINS``) are added. Ordered by origin, then series.
    """
    need = h + max(2 * m, 3)
    eligible = [i for i, y in enumerate(values) if len(y) >= need]
    if len(eligible) > MAX_CALIBRATION_SERIES:
        picks = np.linspace(0, len(eligible) - 1, MAX_CALIBRATION_SERIES).round().astype(int)
        eligible = [eligible[p] for p in picks]
    if not eligible:
        return []
    origins = min(
        MAX_CALIBRATION_ORIGINS, math.ceil(TARGET_CALIBRATION_ERRORS / (len(eligible) * h))
    )
    return [
        TaskKey(i, h + j) for j in range(origins) for i in eligible if len(values[i]) >= need + j
    ]


def calibration_tasks(
    values: Sequence[np.ndarray], plan: Sequence[TaskKey], h: int, m: int
) -> list[SeriesTask]:
    """The refit of every planned key. The pooled model of each origin is refitted on every
    series cut there: it sees no later data."""
    cuts = sorted({key.held_out for key in plan})
    pooled = {cut: global_ar([y[: max(len(y) - cut, 0)] for y in values], h) for cut in cuts}
    return [
        SeriesTask(
            key,
            values[key.series][: len(values[key.series]) - key.held_out],
            h,
            m,
            False,
            pooled[key.held_out][key.series],
        )
        for key in plan
    ]


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the ``ceil((n + 1) * level / 100)``-th smallest score."""
    s = np.sort(np.asarray(scores, dtype="float64"))
    k = math.ceil((len(s) + 1) * level / 100)
    return float(s[min(k, len(s)) - 1])


@dataclass
class Calibration:
    """How the intervals of one fit were calibrated.

    ``scores`` holds the absolute normalised backtest errors ``|y - mean| / sd``, one row per
    refitted series and origin, one column per step ahead; all steps share one multiplier per
    level (the members' standard deviations already grow with the step; separate multipliers per
    step were noisier on M3). Without enough scores (``calibrated`` False) the multipliers are
    Gaussian. ``series`` and ``origins`` say how many series were refitted, from how many origins.
    """

    scores: np.ndarray
    calibrated: bool
    series: int = 0
    origins: int = 0

    @classmethod
    def from_backtests(
        cls,
        values: Sequence[np.ndarray],
        plan: Sequence[TaskKey],
        results: Mapping[TaskKey, SeriesResult],
        h: int,
        enabled: bool = True,
    ) -> Calibration:
        """Score the refits of ``plan`` against the quarters they held out; ``enabled`` False
        (no calibration asked for) keeps the Gaussian multipliers."""
        rows = []
        for key in plan:
            back = results[key]
            if not np.all(np.isfinite(back.sd) & (back.sd > 0)):
                continue  # a zero-width (Zero, Ended, Constant) or interval-less forecast
            y = values[key.series]
            start = len(y) - key.held_out
            rows.append(np.abs(y[start : start + h] - back.mean) / back.sd)
        scores = np.vstack(rows) if rows else np.zeros((0, h))
        return cls(
            scores,
            enabled and scores.size >= MIN_CALIBRATION_ERRORS,
            series=len({key.series for key in plan}),
            origins=len({key.held_out for key in plan}),
        )

    def describe(self) -> str:
        if not self.calibrated:
            return "model-based (too few backtest errors to calibrate)"
        return (
            f"calibrated on {self.scores.size} backtest errors of {self.series} series "
            f"from {self.origins} origin(s)"
        )

    def multiplier(self, level: float) -> float:
        """The half-width of the ``level`` % interval in forecast standard deviations."""
        if not self.calibrated:
            return NormalDist().inv_cdf(0.5 + level / 200)
        return conformal_quantile(self.scores.ravel(), level)

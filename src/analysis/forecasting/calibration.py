"""Prediction intervals calibrated on the data themselves (normalised split-conformal).

The members' own Gaussian intervals are too narrow on real data (71 % and 87 % coverage for
nominal 80 % and 95 % on M3 quarterly), so the forecaster refits itself on its own input from
rolling origins: without the last ``h`` and ``h + 1`` quarters of the series long enough (at
most ``MAX_CALIBRATION_SERIES`` of them, evenly spread; with few series also from further
origins one quarter apart, up to ``MAX_CALIBRATION_ORIGINS``). Each backtest error is divided by
the forecast standard deviation at that step (the mean of the ETS members' own; ``GAR`` is
refitted on the quarters before each origin only), and the interval at level L and step k is
``mean ± q_L,k * sd`` where ``q_L,k`` is the conformal L-quantile of those absolute normalised
errors at step k (of all steps together while a step has fewer than ``MIN_STEP_ERRORS``). With
fewer than ``MIN_CALIBRATION_ERRORS`` errors the Gaussian multipliers are used and the note says
so.

How this was chosen without looking at the quarters it is scored on (BENCHMARKS.md,
"Intervals"): on the M3 training parts only, the last 8 training quarters stood in for the test
and were forecast and calibrated from origins before them, each category as its own input;
per-step multipliers from two origins kept every category closest to 80 % and 95 % there, and
then covered 78.2-85.4 % and 92.8-96.9 % of the real test quarters per category, where one
origin and one multiplier for all steps had covered 76.0-85.9 % and 91.9-97.4 %.
Series of different kinds (the levels of a sales hierarchy: a company total is smoother than a
region's product line) can be calibrated apart, each group on its own refits (``groups`` of
:meth:`~analysis.forecasting.forecaster.Forecaster.fit`). Intervals are symmetric around the
mean, so the mean is also the median of the forecast distribution (see
:mod:`analysis.forecasting.odds`; :mod:`analysis.forecasting.censor` cuts both at zero).

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
#: Fewest errors at one step ahead for that step to get a multiplier of its own.
MIN_STEP_ERRORS = 100
#: At most this many series (evenly spread over the input) are refitted to calibrate intervals.
MAX_CALIBRATION_SERIES = 200
#: Errors wanted for calibration; with few series they come from up to MAX_CALIBRATION_ORIGINS
#: origins one quarter apart, and never from fewer than MIN_CALIBRATION_ORIGINS.
TARGET_CALIBRATION_ERRORS = 200
MIN_CALIBRATION_ORIGINS = 2
MAX_CALIBRATION_ORIGINS = 8


def calibration_plan(
    values: Sequence[np.ndarray], h: int, m: int, only: Sequence[int] | None = None
) -> list[TaskKey]:
    """The refits that calibrate the intervals: ``TaskKey(series, h + j)`` forecasts the ``h``
    quarters before the last ``j`` of a series (of the series ``only`` names, when given: one
    group that is calibrated on its own).

    Series need ``h`` quarters to score plus two seasonal cycles to fit. At most
    ``MAX_CALIBRATION_SERIES`` of them (evenly spread) are used, from ``MIN_CALIBRATION_ORIGINS``
    origins one quarter apart; when they give fewer than ``TARGET_CALIBRATION_ERRORS`` errors,
    earlier origins are added (at most ``MAX_CALIBRATION_ORIGINS``). Ordered by origin, then
    series.
    """
    need = h + max(2 * m, 3)
    chosen = range(len(values)) if only is None else only
    eligible = [i for i in chosen if len(values[i]) >= need]
    if len(eligible) > MAX_CALIBRATION_SERIES:
        picks = np.linspace(0, len(eligible) - 1, MAX_CALIBRATION_SERIES).round().astype(int)
        eligible = [eligible[p] for p in picks]
    if not eligible:
        return []
    wanted = math.ceil(TARGET_CALIBRATION_ERRORS / (len(eligible) * h))
    origins = min(MAX_CALIBRATION_ORIGINS, max(MIN_CALIBRATION_ORIGINS, wanted))
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
    refitted series and origin, one column per step ahead. Each step has its own multiplier per
    level once it has ``MIN_STEP_ERRORS`` scores (the members' standard deviations grow with the
    step, but not always as fast as the errors do); with fewer, all steps share one. Without
    enough scores (``calibrated`` False) the multipliers are Gaussian. ``series`` and
    ``origins`` say how many series were refitted, from how many origins.
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

    def multiplier(self, level: float) -> np.ndarray:
        """The half-width of the ``level`` % interval in forecast standard deviations, per step
        ahead."""
        steps = self.scores.shape[1]
        if not self.calibrated:
            return np.full(steps, NormalDist().inv_cdf(0.5 + level / 200))
        if len(self.scores) < MIN_STEP_ERRORS:
            return np.full(steps, conformal_quantile(self.scores.ravel(), level))
        return np.array([conformal_quantile(self.scores[:, k], level) for k in range(steps)])

"""The default forecaster for quarterly sales, as one object configured once: :class:`Forecaster`.

``Forecaster(horizon=4).fit(df).forecast()`` takes a long frame (``unique_id, ds, y``, as
``series.quarterly()`` makes) and returns, per series and future quarter, ``unique_id, ds, mean,
lo-80, hi-80, lo-95, hi-95, model, note, history``: the point forecast, central prediction
intervals at each requested level, the models that produced the forecast, a plain-language note
when the series needed special treatment and the quarters of history it stands on (fewer than
two seasonal cycles: a short history, said in the note, :mod:`~analysis.forecasting.short`).
A series never below zero gets forecasts and bounds of zero or more
(:mod:`~analysis.forecasting.censor`). This module only orchestrates; the parts live below it:

- :mod:`~analysis.forecasting.members`: the five local models (CES, Holt-Winters, SES, ETS and
  ARIMA(1,1,0) with drift), :mod:`~analysis.forecasting.seasonal` their seasonal adjustment,
- :mod:`~analysis.forecasting.pooled`: ``GAR``, the autoregression pooled over all series,
- :mod:`~analysis.forecasting.one_series`: the combination (``model`` =
  ``CES+ETS(AAA)+SES+ETS+ARIMA+GAR``, the plain mean) and the rules for awkward series,
- :mod:`~analysis.forecasting.calibration`: split-conformal intervals from refits,
- :mod:`~analysis.forecasting.backends`, :mod:`~analysis.forecasting.cluster`: where the
  per-series work runs (this process, worker processes, a Dask cluster),
- :mod:`~analysis.forecasting.frames`: input checks and dates.

The mix pairs trended models with a level-only one, so trends are extrapolated with caution; on
the M3 quarterly data it beats each member and the median of AutoETS, AutoARIMA, AutoTheta and
AutoCES at a small fraction of their cost (BENCHMARKS.md, ``## Forecasting``). :func:`forecast`
is the same in one call; :func:`naive2` is M4's benchmark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.forecasting import censor, frames, short
from analysis.forecasting.backends import Backend, default_backend, progress_bar
from analysis.forecasting.calibration import Calibration, calibration_plan, calibration_tasks
from analysis.forecasting.one_series import COMBINATION
from analysis.forecasting.pooled import global_ar
from analysis.forecasting.seasonal import seasonal_indices, seasonality_test
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey

__all__ = [
    "COMBINATION",
    "DEFAULT_LEVEL",
    "MIN_GROUP_SERIES",
    "PROGRESS_MIN_SERIES",
    "Forecaster",
    "forecast",
    "naive2",
]

DEFAULT_LEVEL: tuple[int, ...] = (80, 95)
#: From this many series on, a progress bar is shown unless asked otherwise.
PROGRESS_MIN_SERIES = 500
#: Fewest series of a group (``fit(groups=...)``) calibrated on its own: a company total alone,
#: calibrated on its own past errors, covered 56 % at 80 % on the sample data.
MIN_GROUP_SERIES = 10


class Forecaster:
    """The default forecaster: configure once, ``fit`` a long frame, then read the results.

    ``horizon``: periods ahead; ``levels``: central interval levels in per cent (``None`` or
    ``()`` for none); ``season_length``: periods per year; ``freq``: the pandas frequency of
    ``ds`` (inferred when ``None``); ``calibrate=False`` keeps the models' own Gaussian intervals;
    ``backend``: where the series are fitted (:mod:`~analysis.forecasting.backends`; ``None``:
    :func:`~analysis.forecasting.backends.default_backend` for the number of tasks);
    ``progress``: a progress bar on stderr (``None``: from ``PROGRESS_MIN_SERIES`` series on);
    ``censor=False`` keeps forecasts below zero for series that never were (reconciliation
    censors after adding up, :mod:`~analysis.forecasting.reconcile`).

    After :meth:`fit`: :meth:`forecast` (the forecasts), :meth:`fitted_values` (when fitted with
    ``fitted=True``) and :attr:`calibration`. The horizon belongs to the fit (the pooled member
    and the calibration depend on it), so another horizon is another ``Forecaster``.
    """

    def __init__(
        self,
        horizon: int,
        levels: Sequence[float] | None = DEFAULT_LEVEL,
        season_length: int = 4,
        freq: str | None = None,
        calibrate: bool = True,
        backend: Backend | None = None,
        progress: bool | None = None,
        censor: bool = True,
    ) -> None:
        if int(horizon) != horizon or horizon < 1:
            raise ValueError(f"the horizon h must be a positive whole number, got {horizon!r}")
        self.horizon = int(horizon)
        self.levels = frames.normalise_levels(levels)
        self.season_length = int(season_length)
        self.freq = freq
        self.calibrate = calibrate
        self.backend = backend
        self.progress = progress
        self.censor = censor
        self._forecasts: pd.DataFrame | None = None
        self._fitted: pd.DataFrame | None = None
        self._calibration: Calibration | None = None
        self._calibrations: dict[Any, Calibration] = {}

    def __repr__(self) -> str:
        return (
            f"Forecaster(horizon={self.horizon}, levels={tuple(self.levels)}, "
            f"season_length={self.season_length}, freq={self.freq!r}, "
            f"calibrate={self.calibrate}, backend={self.backend!r}, progress={self.progress!r}, "
            f"censor={self.censor})"
        )

    def fit(
        self, df: pd.DataFrame, fitted: bool = False, groups: Mapping[Any, Any] | None = None
    ) -> Forecaster:
        """Fit every series of ``df`` and forecast ``horizon`` periods past its end; returns self.

        ``df`` has ``unique_id, ds, y`` (other columns are ignored), one row per series and
        period without gaps. ``fitted`` also keeps the in-sample one-step fitted values (for
        reconciliation). ``groups`` (``unique_id`` → label, e.g. a hierarchy's levels) has the
        intervals of each group of at least ``MIN_GROUP_SERIES`` series calibrated on that
        group's refits alone; the series it does not name and those of smaller groups are
        calibrated together (key ``None`` of :attr:`calibrations`). Raises
        :class:`~analysis.core.errors.DataError` for unusable input.
        """
        h, m = self.horizon, self.season_length
        frame, freq = frames.prepare(df, self.freq)
        frames.check_regular(frame, freq)
        by_series = frame.groupby("unique_id", sort=False)
        ids = list(by_series.groups.keys())
        values = [g.to_numpy(dtype="float64") for _, g in by_series["y"]]

        pooled = global_ar(values, h)
        tasks = [SeriesTask(TaskKey(i), y, h, m, fitted, pooled[i]) for i, y in enumerate(values)]
        labels = [None if groups is None else groups.get(uid) for uid in ids]
        sizes = Counter(labels)  # too small a group is no sample of its kind: pooled
        labels = [None if sizes[label] < MIN_GROUP_SERIES else label for label in labels]
        plans = {
            label: calibration_plan(values, h, m, [i for i, x in enumerate(labels) if x == label])
            if self.calibrate
            else []
            for label in dict.fromkeys(labels)
        }
        plan = [key for part in plans.values() for key in part]
        tasks += calibration_tasks(values, plan, h, m)
        show = self.progress if self.progress is not None else len(values) >= PROGRESS_MIN_SERIES
        backend = self.backend if self.backend is not None else default_backend(len(tasks))
        with progress_bar(len(tasks), show) as update:
            results = backend.run(tasks, update)

        calibration = Calibration.from_backtests(values, plan, results, h, self.calibrate)
        by_group = {
            label: Calibration.from_backtests(values, part, results, h, self.calibrate)
            for label, part in plans.items()
        }
        used = [by_group[label] for label in labels]
        own = [results[TaskKey(i)] for i in range(len(ids))]
        self._forecasts = self._frame(frame, by_series, ids, values, own, used, freq)
        self._fitted = None
        if fitted:
            self._fitted = frame.copy()
            self._fitted["fitted"] = np.concatenate([r.fitted for r in own])
        self._calibration = calibration
        self._calibrations = by_group
        return self

    def forecast(self) -> pd.DataFrame:
        """``unique_id, ds, mean, lo-<l>, hi-<l>`` (for each level), ``model, note, history``,
        sorted by ``unique_id`` and ``ds``."""
        if self._forecasts is None:
            raise RuntimeError("call fit(df) before forecast()")
        return self._forecasts.copy()

    def fitted_values(self) -> pd.DataFrame:
        """The in-sample one-step fitted values: ``unique_id, ds, y, fitted``."""
        if self._fitted is None:
            raise RuntimeError("call fit(df, fitted=True) before fitted_values()")
        return self._fitted.copy()

    @property
    def calibration(self) -> Calibration:
        """How the intervals of the last fit were calibrated (every group's refits together)."""
        if self._calibration is None:
            raise RuntimeError("call fit(df) before reading the calibration")
        return self._calibration

    @property
    def calibrations(self) -> dict[Any, Calibration]:
        """The calibration of each group of the last fit (``None``: the series no group names)."""
        if self._calibration is None:
            raise RuntimeError("call fit(df) before reading the calibration")
        return dict(self._calibrations)

    def _frame(
        self,
        frame: pd.DataFrame,
        by_series: Any,
        ids: list[Any],
        values: list[np.ndarray],
        results: list[SeriesResult],
        calibrations: list[Calibration],
        freq: str,
    ) -> pd.DataFrame:
        h = self.horizon
        distinct = {id(c): c for c in calibrations}  # one per group: each quantile once
        multipliers = {}
        for v in self.levels:
            per_group = {key: c.multiplier(v) for key, c in distinct.items()}
            multipliers[v] = np.concatenate([per_group[id(c)] for c in calibrations])
        mean = np.concatenate([r.mean for r in results])
        sd = np.concatenate([r.sd for r in results])
        quarters = np.array([short.history_length(y) for y in values])
        positive = np.repeat([self.censor and censor.never_negative(y) for y in values], h)
        notes = []
        for y, n, r, c in zip(values, quarters, results, calibrations, strict=True):
            remarks = list(r.notes)
            if self.calibrate and not c.calibrated and np.any(r.sd > 0):
                remarks.append("intervals not calibrated: too few backtest errors")
            if self.censor and censor.never_negative(y) and np.any(r.mean < 0):
                remarks.append(censor.CLIPPED_NOTE)
            if short.is_short(n, self.season_length):
                remarks.append(short.note(n))
            notes.append("; ".join(remarks))
        columns: dict[str, Any] = {
            "unique_id": np.repeat(np.array(ids, dtype=object), h),
            "ds": frames.future_dates(by_series["ds"].last(), h, freq),
            "mean": censor.at_zero(mean, positive),
        }
        for v in self.levels:
            name = frames.level_name(v)
            half = multipliers[v] * sd
            columns[f"lo-{name}"] = censor.at_zero(mean - half, positive)
            columns[f"hi-{name}"] = censor.at_zero(mean + half, positive)
        columns["model"] = np.repeat(np.array([r.model for r in results], dtype=object), h)
        columns["note"] = np.repeat(np.array(notes, dtype=object), h)
        columns["history"] = np.repeat(quarters, h)
        forecasts = pd.DataFrame(columns)
        forecasts["unique_id"] = forecasts["unique_id"].astype(frame["unique_id"].dtype)
        return forecasts


def forecast(
    df: pd.DataFrame,
    h: int,
    level: Sequence[float] | None = DEFAULT_LEVEL,
    season_length: int = 4,
    freq: str | None = None,
    calibrate: bool = True,
    progress: bool | None = None,
    backend: Backend | None = None,
) -> pd.DataFrame:
    """``Forecaster(h, level, ...).fit(df).forecast()`` in one call (the signature
    :func:`~analysis.forecasting.backtest.cross_validation` expects of a forecaster)."""
    return (
        Forecaster(h, level, season_length, freq, calibrate, backend=backend, progress=progress)
        .fit(df)
        .forecast()
    )


def naive2(
    df: pd.DataFrame, h: int, season_length: int = 4, freq: str | None = None
) -> pd.DataFrame:
    """M4's Naive2 benchmark: the last value of the seasonally adjusted series, reseasonalised.

    Adjusted (classical multiplicative decomposition) only when the series is seasonal by the 90 %
    autocorrelation test. Returns ``unique_id, ds, mean``.
    """
    frame, freq = frames.prepare(df, freq)
    groups = frame.groupby("unique_id", sort=False)
    means = []
    for _, g in groups["y"]:
        y = g.to_numpy(dtype="float64")
        n = len(y)
        if np.all(y > 0) and seasonality_test(y, season_length):
            figure = seasonal_indices(y, season_length, multiplicative=True)
            pos = np.arange(n + h) % season_length
            means.append(y[-1] / figure[pos[n - 1]] * figure[pos[n:]])
        else:
            means.append(np.repeat(y[-1], h))
    ids = list(groups.groups.keys())
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.array(ids, dtype=object), h),
            "ds": frames.future_dates(groups["ds"].last(), h, freq),
            "mean": np.concatenate(means),
        }
    ).astype({"unique_id": frame["unique_id"].dtype})

"""Forecasting one series: the combination of the members, and rules for awkward series.

This is the per-series work every backend runs (:func:`run_chunk`), wherever it runs: it needs
nothing but one :class:`~analysis.forecasting.tasks.SeriesTask`. The combination is the plain
mean of the members (:mod:`~analysis.forecasting.members`) and, when given, the pooled forecast
(:mod:`~analysis.forecasting.pooled`); its standard deviation is the mean of the ``spread``
members' own. Awkward series get a rule and a note instead of an error:

=============================  =================================================================
one observation                ``Naive``: repeats it; no interval (NaN)
every value 0                  ``Zero``: forecast 0, zero-width interval
no sales for a year or more    ``Ended``: forecast 0, zero-width interval (trailing zeros for at
                               least ``season_length`` quarters after earlier sales)
constant                       ``Constant``: repeats the value, zero-width interval
leading zeros                  dropped: a channel that had not opened yet has no history
fewer than 2 seasonal cycles   the same models without seasonality (CES ``N``, ETS ``AAN``)
fewer than ``SES_ONLY_BELOW``   ``SES`` alone (it backtested best on short M3 prefixes), its
(6) quarters                   interval from the quarter-to-quarter changes
fewer than ``GLOBAL_LAGS``      no ``GAR`` for this series (nor for any when the series of the
                               call give fewer than ``MIN_GLOBAL_WINDOWS`` training windows)
values <= 0 (returns)          multiplicative models and adjustment are not used
a member model fails           the mean of the others; the note names the failure
every member fails             ``Naive`` (last value), interval from the quarter-to-quarter changes
=============================  =================================================================
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import replace
from statistics import NormalDist

import numpy as np

from analysis.forecasting import members
from analysis.forecasting.pooled import GLOBAL_NAME
from analysis.forecasting.seasonal import Adjustment
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey

#: The combination's label in the ``model`` column.
COMBINATION = "CES+ETS(AAA)+SES+ETS+ARIMA+GAR"
_Z80 = NormalDist().inv_cdf(0.9)
#: With fewer quarters than this the forecast is simple exponential smoothing alone: on the first
#: 4 and 5 quarters of the M3 series (and on quarters 13-16 and 13-17) it had the lower sMAPE
#: (9.65 and 9.22 against 9.65 and 11.62 for the combination, 9.54 and 9.47 for the last value);
#: from 6 quarters the non-seasonal combination had the lower MAE (BENCHMARKS.md).
SES_ONLY_BELOW = 6


def run_chunk(tasks: Iterable[SeriesTask]) -> list[tuple[TaskKey, SeriesResult]]:
    """Every task of a chunk, in order, with the members' warnings silenced: what each backend
    runs in this process, in a worker process or on a cluster's worker."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for task in tasks:
            out.append((task.key, forecast_series(task)))
    return out


def forecast_series(task: SeriesTask) -> SeriesResult:
    """The forecast of one task (see :func:`forecast_one`)."""
    return forecast_one(
        task.values, task.horizon, task.season_length, task.want_fitted, task.pooled
    )


def forecast_one(
    y: np.ndarray, h: int, m: int, fitted: bool = False, pooled: np.ndarray | None = None
) -> SeriesResult:
    """Forecast one series (already free of NaN) ``h`` steps ahead with season length ``m``;
    ``pooled`` is its ``GAR`` forecast (fitted to all series,
    :func:`~analysis.forecasting.pooled.global_ar`) or ``None``."""
    nonzero = np.flatnonzero(y)
    if len(nonzero) == 0:
        return _flat(0.0, h, "Zero", "every quarter is 0", len(y), fitted)
    lead = int(nonzero[0])
    result = _forecast_trimmed(y[lead:], h, m, fitted, pooled)
    if not lead:
        return result
    fit = None if result.fitted is None else np.r_[np.zeros(lead), result.fitted]
    notes = (f"{lead} leading zero quarter(s) ignored", *result.notes)
    return replace(result, notes=notes, fitted=fit)


def _naive(y: np.ndarray, h: int, fitted: bool) -> SeriesResult:
    steps = np.arange(1, h + 1)
    if len(y) >= 3:
        sd = float(np.sqrt(np.mean(np.diff(y) ** 2))) * np.sqrt(steps)
    else:
        sd = np.full(h, np.nan)
    fit = np.r_[np.nan, y[:-1]] if fitted else None
    return SeriesResult(np.repeat(float(y[-1]), h), sd, "Naive", (), fit)


def _flat(value: float, h: int, model: str, note: str, n: int, fitted: bool) -> SeriesResult:
    fit = np.full(n, value) if fitted else None
    return SeriesResult(np.full(h, value), np.zeros(h), model, (note,), fit)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:60]}" if text else type(exc).__name__


def _forecast_trimmed(
    y: np.ndarray, h: int, m: int, fitted: bool, pooled: np.ndarray | None
) -> SeriesResult:
    n = len(y)
    if n == 1:
        result = _naive(y, h, fitted)
        return replace(result, notes=(*result.notes, "one observation: no interval"))
    trailing = n - 1 - int(np.flatnonzero(y)[-1])
    if trailing >= max(m, 2):
        return _flat(0.0, h, "Ended", f"no sales in the last {trailing} quarters: ended", n, fitted)
    if np.all(y == y[0]):
        return _flat(float(y[0]), h, "Constant", "constant history", n, fitted)
    notes: list[str] = []
    season = m
    if m > 1 and n < 2 * m:
        season = 1
        notes.append(f"{n} quarters, fewer than two seasonal cycles: no seasonality")
    if np.any(y <= 0):
        notes.append("quarters <= 0: no multiplicative models")
    adjustment = Adjustment.of(y, season) if season > 1 else Adjustment()
    adjusted = adjustment.remove(y)

    chosen = members.MEMBERS  # read when called: a test may replace the members
    if n < SES_ONLY_BELOW:  # too few quarters for a trend: the level alone
        chosen = tuple(member for member in chosen if member.name == members.LEVEL_ONLY) or chosen
        pooled = None
        notes.append(f"{n} quarters: simple exponential smoothing only")
    means, sds, names, fits, failed = [], [], [], [], []
    for member in chosen:
        data = adjusted if member.adjusted else y
        level = [80] if member.spread else None
        try:
            out = member.build(1 if member.adjusted else season).forecast(
                y=data, h=h, level=level, fitted=fitted
            )
            mean = np.asarray(out["mean"], dtype="float64")
            if member.adjusted:
                mean = adjustment.restore(mean, n)
            if not np.all(np.isfinite(mean)):
                raise ValueError("non-finite forecast")
        except Exception as exc:  # a member that cannot fit this series is left out
            too_few = members.TOO_FEW in str(exc) or "tiny datasets" in str(exc)  # statsforecast's
            reason = members.TOO_FEW if too_few else _short(exc)
            failed.append(f"{member.name} ({reason})")
            continue
        means.append(mean)
        names.append(member.name)
        if member.spread:
            width = np.asarray(out["hi-80"], dtype="float64") - np.asarray(out["lo-80"], "float64")
            sd = width / (2 * _Z80)
            sds.append(adjustment.restore_sd(sd, n) if member.adjusted else sd)
        if fitted:
            fit = np.asarray(out["fitted"], dtype="float64")
            fits.append(adjustment.restore(fit, 0) if member.adjusted else fit)

    if pooled is not None:
        means.append(pooled)
        names.append(GLOBAL_NAME)
    if failed:
        notes.append("left out: " + "; ".join(failed))
    if not means:
        result = _naive(y, h, fitted)
        return replace(result, notes=(*notes, "every model failed: naive forecast"))
    naive_sd = _naive(y, h, False).sd
    sd = np.mean(sds, axis=0) if sds else naive_sd
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, naive_sd)
    fit = None
    if fitted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = np.nanmean(np.vstack(fits), axis=0)
    model = COMBINATION if len(names) == len(chosen) + 1 else "+".join(names)
    return SeriesResult(np.mean(means, axis=0), sd, model, tuple(notes), fit)

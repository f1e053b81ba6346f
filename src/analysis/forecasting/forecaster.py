"""The default forecaster for quarterly sales: a combination of six statistical models.

``forecast(df, h)`` takes a long frame (``unique_id, ds, y``, as ``series.quarterly()`` makes) and
returns, per series and future quarter, ``unique_id, ds, mean, lo-80, hi-80, lo-95, hi-95, model,
note``: the point forecast, central prediction intervals at each requested level (``lo-<level>``,
``hi-<level>``), the models that produced the forecast and a plain-language note when the series
needed special treatment.

The combination (``model`` = ``CES+ETS(AAA)+SES+ETS+ARIMA+GAR``) is the plain mean of

- ``CES``: complex exponential smoothing, full seasonality (statsforecast ``AutoCES(model="F")``),
- ``ETS(AAA)``: additive Holt-Winters, undamped (``AutoETS(model="AAA", damped=False)``),
- ``SES``: simple exponential smoothing of the seasonally adjusted series,
- ``ETS``: exponential smoothing chosen by AICc (``AutoETS``) on the seasonally adjusted series,
- ``ARIMA``: ARIMA(1,1,0) with drift on the seasonally adjusted series, by conditional least
  squares (closed form: a lag-1 regression of the quarter-to-quarter changes),
- ``GAR``: a global autoregression (Montero-Manso & Hyndman 2021, IJF 37(4)): one linear model
  per step ahead on the last ``GLOBAL_LAGS`` quarters divided by their mean, fitted by least
  squares to every window of every series of the call together. It is used only when the
  series give at least ``MIN_GLOBAL_WINDOWS`` windows, and only for series whose last
  ``GLOBAL_LAGS`` quarters are all positive.

Seasonal adjustment is the classical decomposition used by the Theta method and M4's Naive2:
applied when the series is seasonal by the 90 % autocorrelation test at lag ``season_length``
(multiplicative when every value is positive, additive otherwise), forecasts multiplied (added)
back. The mix pairs trended models with a level-only one, so trends are extrapolated with
caution; on the M3 quarterly data it beats each member and the median of AutoETS, AutoARIMA,
AutoTheta and AutoCES at a small fraction of their cost (BENCHMARKS.md, ``## Forecasting``).
The pooled member learns from the other series what the local ones cannot from one short
history: adding it and ``ARIMA`` to the four others moved M3 quarterly from sMAPE 8.94 / OWA
0.871 to 8.83 / 0.866, and from OWA 0.840 to 0.812 on three train-only holdouts.

Prediction intervals are calibrated on the data themselves (normalised split-conformal): the
same forecaster is refitted without the last ``h`` quarters of the series long enough (at most
``MAX_CALIBRATION_SERIES`` of them, evenly spread; with few series also from up to
``MAX_CALIBRATION_ORIGINS`` earlier origins), each backtest error is divided by the forecast
standard deviation at that step (the mean of the ETS members' own; ``GAR`` is refitted on the
quarters before each origin only), and the interval at level L
is ``mean ± q_L * sd`` where ``q_L`` is the conformal L-quantile of those absolute normalised
errors. The members' own Gaussian intervals are too narrow on real data (71 % and 87 % coverage
for nominal 80 % and 95 % on M3 quarterly; calibrated: 80 % and 94 %). With fewer than
``MIN_CALIBRATION_ERRORS`` errors the Gaussian multipliers are used and the note says so.
Intervals are symmetric around the mean, so the mean is also the median of the forecast
distribution (see :mod:`analysis.forecasting.odds`).

Awkward series get a rule and a note instead of an error:

=============================  =================================================================
one observation                ``Naive``: repeats it; no interval (NaN)
every value 0                  ``Zero``: forecast 0, zero-width interval
no sales for a year or more    ``Ended``: forecast 0, zero-width interval (trailing zeros for at
                               least ``season_length`` quarters after earlier sales)
constant                       ``Constant``: repeats the value, zero-width interval
leading zeros                  dropped: a channel that had not opened yet has no history
fewer than 2 seasonal cycles   the same models without seasonality (CES ``N``, ETS ``AAN``)
fewer than ``GLOBAL_LAGS``      no ``GAR`` for this series (nor for any when the series of the
                               call give fewer than ``MIN_GLOBAL_WINDOWS`` training windows)
values <= 0 (returns)          multiplicative models and adjustment are not used
a member model fails           the mean of the others; the note names the failure
every member fails             ``Naive`` (last value), interval from the quarter-to-quarter changes
=============================  =================================================================
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.errors import DataError

DEFAULT_LEVEL: tuple[int, ...] = (80, 95)
#: The combination's label in the ``model`` column.
COMBINATION = "CES+ETS(AAA)+SES+ETS+ARIMA+GAR"
#: The global autoregression's label, lags and fewest training windows (of ``GLOBAL_LAGS + h``
#: quarters): with fewer it is left out (on M3 it helped in 68 % of random groups of series that
#: gave 100 to 200 windows, in 88 % from 200 on; its 9 coefficients per step need the data).
GLOBAL_NAME = "GAR"
GLOBAL_LAGS = 8
MIN_GLOBAL_WINDOWS = 100
#: Why a member was left out of a short series.
TOO_FEW = "too few quarters"
#: Fewest pooled backtest errors needed to calibrate the intervals.
MIN_CALIBRATION_ERRORS = 30
#: At most this many series (evenly spread over the input) are refitted to calibrate intervals.
MAX_CALIBRATION_SERIES = 200
#: Errors wanted for calibration; with few series they come from up to MAX_CALIBRATION_ORIGINS
#: origins one quarter apart.
TARGET_CALIBRATION_ERRORS = 200
MAX_CALIBRATION_ORIGINS = 8
#: Below this many series the work is done in this process (a worker pool costs more than it saves).
MIN_SERIES_FOR_POOL = 40
#: Series per chunk of work handed to a worker (and per step of the progress bar).
CHUNK_SERIES = 100
#: From this many series on, a progress bar is shown unless asked otherwise.
PROGRESS_MIN_SERIES = 500
_Z80 = NormalDist().inv_cdf(0.9)


# --- seasonal adjustment (classical decomposition, as in the Theta method and M4's Naive2) --------


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
class _Adjustment:
    """Seasonal figure of one series: ``kind`` is ``none``, ``multiplicative`` or ``additive``."""

    kind: str = "none"
    figure: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, y: np.ndarray, season_length: int) -> _Adjustment:
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


# --- members --------------------------------------------------------------------------------------


def _ces(m: int) -> Any:
    from statsforecast.models import AutoCES

    return AutoCES(season_length=m, model="F" if m > 1 else "N")


def _holt_winters(m: int) -> Any:
    from statsforecast.models import AutoETS

    return AutoETS(season_length=m, model="AAA" if m > 1 else "AAN", damped=False)


def _ses(m: int) -> Any:
    from statsforecast.models import SimpleExponentialSmoothingOptimized

    return SimpleExponentialSmoothingOptimized()


def _auto_ets(m: int) -> Any:
    from statsforecast.models import AutoETS

    return AutoETS(season_length=1)


class _DriftAR1:
    """ARIMA(1,1,0) with drift by conditional least squares: ``d_t = c + phi * d_(t-1)`` on the
    differences ``d``. Closed form, so it costs nothing, where statsforecast's ``ARIMA`` with the
    same order takes about 25 ms a series (and scores the same on M3)."""

    def forecast(
        self, y: np.ndarray, h: int, level: Any = None, fitted: bool = False
    ) -> dict[str, np.ndarray]:
        d = np.diff(y)
        if len(d) < 4:
            raise ValueError(TOO_FEW)
        lagged = np.c_[d[:-1], np.ones(len(d) - 1)]
        phi, c = np.linalg.lstsq(lagged, d[1:], rcond=None)[0]
        phi = float(np.clip(phi, -0.99, 0.99))  # stationary changes: no explosive forecasts
        steps = np.empty(h)
        step = d[-1]
        for k in range(h):
            step = c + phi * step
            steps[k] = step
        out = {"mean": y[-1] + np.cumsum(steps)}
        if fitted:
            out["fitted"] = np.r_[np.nan, np.nan, y[1:-1] + c + phi * d[:-1]]
        return out


def _drift_ar1(m: int) -> Any:
    return _DriftAR1()


@dataclass(frozen=True)
class _Member:
    name: str
    build: Callable[[int], Any]
    adjusted: bool  # fitted to the seasonally adjusted series, without seasonality
    spread: bool  # its interval feeds the combination's standard deviation


MEMBERS: tuple[_Member, ...] = (
    _Member("CES", _ces, adjusted=False, spread=False),
    _Member("ETS(AAA)", _holt_winters, adjusted=False, spread=True),
    _Member("SES", _ses, adjusted=True, spread=False),
    _Member("ETS", _auto_ets, adjusted=True, spread=True),
    _Member("ARIMA", _drift_ar1, adjusted=True, spread=False),
)


def global_ar(values: Sequence[np.ndarray], h: int) -> list[np.ndarray | None]:
    """Per series, the ``GLOBAL_NAME`` forecast: ``None`` where it is not used (module doc).

    Every run of ``GLOBAL_LAGS + h`` positive quarters of every series is a training window,
    divided by the mean of its first ``GLOBAL_LAGS`` quarters so that series of any size pool;
    one least-squares model per step ahead (direct forecasts, no compounding of errors).
    """
    p = GLOBAL_LAGS
    runs = [np.lib.stride_tricks.sliding_window_view(y, p + h) for y in values if len(y) >= p + h]
    windows = np.concatenate(runs) if runs else np.zeros((0, p + h))
    windows = windows[np.all(windows > 0, axis=1)]
    if len(windows) < MIN_GLOBAL_WINDOWS:
        return [None] * len(values)
    scale = windows[:, :p].mean(axis=1, keepdims=True)
    design = np.c_[windows[:, :p] / scale, np.ones(len(windows))]
    coef = np.linalg.lstsq(design, windows[:, p:] / scale, rcond=None)[0]
    out: list[np.ndarray | None] = []
    for y in values:
        last = y[-p:]
        if len(y) < p or not np.all(last > 0):
            out.append(None)
            continue
        mean = np.r_[last / last.mean(), 1.0] @ coef * last.mean()
        out.append(mean if np.all(np.isfinite(mean)) else None)
    return out


# --- one series -----------------------------------------------------------------------------------


@dataclass
class _Result:
    mean: np.ndarray
    sd: np.ndarray
    model: str
    notes: list[str]
    fitted: np.ndarray | None = None


def _naive(y: np.ndarray, h: int, fitted: bool) -> _Result:
    steps = np.arange(1, h + 1)
    if len(y) >= 3:
        sd = float(np.sqrt(np.mean(np.diff(y) ** 2))) * np.sqrt(steps)
    else:
        sd = np.full(h, np.nan)
    fit = np.r_[np.nan, y[:-1]] if fitted else None
    return _Result(np.repeat(float(y[-1]), h), sd, "Naive", [], fit)


def _flat(value: float, h: int, model: str, note: str, n: int, fitted: bool) -> _Result:
    fit = np.full(n, value) if fitted else None
    return _Result(np.full(h, value), np.zeros(h), model, [note], fit)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:60]}" if text else type(exc).__name__


def _forecast_one(
    y: np.ndarray, h: int, m: int, fitted: bool = False, pooled: np.ndarray | None = None
) -> _Result:
    """Forecast one series (already free of NaN) ``h`` steps ahead with season length ``m``;
    ``pooled`` is its ``GLOBAL_NAME`` forecast (fitted to all series, see :func:`global_ar`)."""
    n_given = len(y)
    nonzero = np.flatnonzero(y)
    if len(nonzero) == 0:
        return _flat(0.0, h, "Zero", "every quarter is 0", n_given, fitted)
    lead = int(nonzero[0])
    result = _forecast_trimmed(y[lead:], h, m, fitted, pooled)
    if lead:
        result.notes.insert(0, f"{lead} leading zero quarter(s) ignored")
        if result.fitted is not None:
            result.fitted = np.r_[np.zeros(lead), result.fitted]
    return result


def _forecast_trimmed(
    y: np.ndarray, h: int, m: int, fitted: bool, pooled: np.ndarray | None
) -> _Result:
    n = len(y)
    if n == 1:
        result = _naive(y, h, fitted)
        result.notes.append("one observation: no interval")
        return result
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
    adjustment = _Adjustment.of(y, season) if season > 1 else _Adjustment()
    adjusted = adjustment.remove(y)

    means, sds, names, fits, failed = [], [], [], [], []
    for member in MEMBERS:
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
            short = TOO_FEW in str(exc) or "tiny datasets" in str(exc)  # statsforecast's words
            reason = TOO_FEW if short else _short(exc)
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
        result.notes = [*notes, "every model failed: naive forecast"]
        return result
    naive_sd = _naive(y, h, False).sd
    sd = np.mean(sds, axis=0) if sds else naive_sd
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, naive_sd)
    fit = None
    if fitted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = np.nanmean(np.vstack(fits), axis=0)
    model = COMBINATION if len(names) == len(MEMBERS) + 1 else "+".join(names)
    return _Result(np.mean(means, axis=0), sd, model, notes, fit)


#: One series to forecast: key, values, h, season length, fitted wanted, pooled forecast.
_Task = tuple[int, np.ndarray, int, int, bool, np.ndarray | None]


def _run_chunk(tasks: list[_Task]) -> list[tuple[int, _Result]]:
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, y, h, m, fitted, pooled in tasks:
            out.append((key, _forecast_one(y, h, m, fitted, pooled)))
    return out


def _run(
    tasks: list[_Task], n_jobs: int, progress: bool, cluster: Any = None
) -> dict[int, _Result]:
    """Every task: on a Dask cluster (a client), or in worker processes when there are enough;
    ``progress`` shows a bar on stderr (the terminal, or under the cell in JupyterLab;
    published reports leave stderr out)."""
    if cluster is not None:
        from analysis.forecasting.cluster import run

        return run(tasks, cluster)
    from tqdm import tqdm

    results: dict[int, _Result] = {}
    with tqdm(total=len(tasks), desc="forecasting", unit="series", disable=not progress) as bar:
        if n_jobs <= 1 or len(tasks) < MIN_SERIES_FOR_POOL:
            for part in map(_run_chunk, _chunks(tasks, CHUNK_SERIES)):
                results.update(part)
                bar.update(len(part))
            return results
        import statsforecast.models  # noqa: F401  (imported once, inherited by forked workers)

        # Longest first, dealt round-robin into chunks (at least four per worker): balanced load.
        ordered = sorted(tasks, key=lambda t: -len(t[1]))
        n_chunks = min(len(ordered), max(4 * n_jobs, math.ceil(len(ordered) / CHUNK_SERIES)))
        chunks = [ordered[i::n_chunks] for i in range(n_chunks)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
            for part in pool.map(_run_chunk, chunks):
                results.update(part)
                bar.update(len(part))
    return results


def _chunks(tasks: list[_Task], size: int) -> list[list[_Task]]:
    return [tasks[start : start + size] for start in range(0, len(tasks), size)]


# --- frames ---------------------------------------------------------------------------------------


def _calibration_plan(values: list[np.ndarray], h: int, m: int) -> list[tuple[int, int]]:
    """(series, extra quarters held out) pairs to refit for calibrating the intervals.

    Series need ``h`` quarters to score plus two seasonal cycles to fit. At most
    ``MAX_CALIBRATION_SERIES`` of them (evenly spread) are used; when they give fewer than
    ``TARGET_CALIBRATION_ERRORS`` errors from one origin, earlier origins (one quarter apart, at
    most ``MAX_CALIBRATION_ORIGINS``) are added.
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
    return [(i, j) for j in range(origins) for i in eligible if len(values[i]) >= need + j]


def infer_freq(df: pd.DataFrame) -> str:
    """The pandas frequency of ``ds``: inferred from the longest regular series, else quarter
    starts when every date is the first day of a quarter's month (as ``series.quarterly`` makes)."""
    by_length = df.groupby("unique_id", sort=False)["ds"].size().sort_values(ascending=False)
    for uid in by_length.index[by_length >= 3][:10]:
        freq = pd.infer_freq(pd.DatetimeIndex(df.loc[df["unique_id"] == uid, "ds"].sort_values()))
        if freq:
            return freq
    ds = pd.DatetimeIndex(df["ds"])
    if (ds.day == 1).all() and len(set(ds.month % 3)) == 1:
        months = ("JAN", "FEB", "MAR")
        return f"QS-{months[(ds[0].month - 1) % 3]}"
    raise DataError(
        "cannot tell the frequency of the dates",
        column="ds",
        expected="regular quarters (or pass freq=, e.g. 'QS')",
    )


def _prepare(df: pd.DataFrame, freq: str | None) -> tuple[pd.DataFrame, str]:
    missing = [c for c in ("unique_id", "ds", "y") if c not in df.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            column=missing[0],
            expected="unique_id, ds, y",
        )
    frame = df[["unique_id", "ds", "y"]].copy()
    if frame.empty:
        raise DataError("no rows to forecast", expected="at least one observation per series")
    try:
        frame["ds"] = pd.to_datetime(frame["ds"], format="mixed")
    except (ValueError, TypeError) as exc:
        raise DataError(f"dates cannot be read ({exc})", column="ds", expected="dates") from exc
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    bad = ~np.isfinite(frame["y"].to_numpy(dtype="float64"))
    if bad.any():
        ids = frame.loc[bad, "unique_id"].astype(str).unique()[:5]
        raise DataError(
            f"{int(bad.sum())} value(s) missing or not numbers in series {', '.join(ids)}",
            column="y",
            expected="a number for every quarter (0 for no sales)",
        )
    frame = frame.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    dup = frame.duplicated(["unique_id", "ds"])
    if dup.any():
        ids = frame.loc[dup, "unique_id"].astype(str).unique()[:5]
        raise DataError(
            f"the same quarter twice in series {', '.join(ids)}",
            column="ds",
            expected="one row per series and quarter",
        )
    freq = freq or infer_freq(frame)
    return frame, freq


def _date_ranges(starts: pd.Series, lengths: pd.Series, freq: str) -> np.ndarray:
    """Concatenated ``date_range(start, periods=n)`` per series; one call per distinct pair."""
    cache: dict[tuple[pd.Timestamp, int], np.ndarray] = {}
    out = []
    for start, n in zip(starts, lengths, strict=True):
        key = (start, int(n))
        if key not in cache:
            cache[key] = pd.date_range(start, periods=int(n), freq=freq).to_numpy()
        out.append(cache[key])
    return np.concatenate(out) if out else np.array([], dtype="datetime64[ns]")


def _check_regular(frame: pd.DataFrame, freq: str) -> None:
    grouped = frame.groupby("unique_id", sort=False)["ds"]
    expected = _date_ranges(grouped.first(), grouped.size(), freq)
    wrong = expected != frame["ds"].to_numpy()
    if wrong.any():
        gaps = [str(u) for u in frame.loc[wrong, "unique_id"].unique()]
        raise DataError(
            f"dates are not consecutive {freq} periods in series {', '.join(gaps[:5])}"
            + (f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""),
            column="ds",
            expected="one row per quarter without gaps (0 for a quarter without sales)",
        )


def _future_dates(last: pd.Series, h: int, freq: str) -> np.ndarray:
    """``h`` dates after each series' last one."""
    offset = pd.tseries.frequencies.to_offset(freq)
    return _date_ranges(last + offset, pd.Series(h, index=last.index), freq)


def _level_name(level: float) -> str:
    return str(int(level)) if float(level).is_integer() else str(level)


def _normalise_levels(level: Sequence[float] | None) -> list[float]:
    levels = sorted({float(v) for v in (level or ())})
    for v in levels:
        if not 0 < v < 100:
            raise ValueError(f"interval levels are percentages between 0 and 100, got {v}")
    return levels


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the ``ceil((n + 1) * level / 100)``-th smallest score."""
    s = np.sort(np.asarray(scores, dtype="float64"))
    k = math.ceil((len(s) + 1) * level / 100)
    return float(s[min(k, len(s)) - 1])


@dataclass
class Calibration:
    """How the intervals of one call were calibrated.

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


@dataclass
class ForecastResult:
    """Forecasts, the in-sample one-step fitted values (``unique_id, ds, y, fitted``, when asked
    for) and the calibration of the intervals."""

    forecasts: pd.DataFrame
    fitted: pd.DataFrame | None
    calibration: Calibration


def fit_forecast(
    df: pd.DataFrame,
    h: int,
    level: Sequence[float] | None = DEFAULT_LEVEL,
    season_length: int = 4,
    freq: str | None = None,
    n_jobs: int = -1,
    calibrate: bool = True,
    fitted: bool = False,
    progress: bool | None = None,
    cluster: Any = None,
) -> ForecastResult:
    """:func:`forecast`, also returning fitted values and the interval calibration."""
    if int(h) != h or h < 1:
        raise ValueError(f"the horizon h must be a positive whole number, got {h!r}")
    h, m = int(h), int(season_length)
    levels = _normalise_levels(level)
    frame, freq = _prepare(df, freq)
    _check_regular(frame, freq)
    n_jobs = (os.cpu_count() or 1) if n_jobs is None or n_jobs < 1 else int(n_jobs)

    groups = frame.groupby("unique_id", sort=False)
    ids = list(groups.groups.keys())
    values = [g.to_numpy(dtype="float64") for _, g in groups["y"]]
    pooled = global_ar(values, h)
    tasks: list[_Task] = [(i, y, h, m, fitted, pooled[i]) for i, y in enumerate(values)]
    # Calibration: the same forecaster refitted without the last h (+ j) quarters of each series
    # long enough; with few series, from several origins j = 0, 1, ... (see _calibration_plan).
    # The pooled model of origin j is refitted on every series cut there: it sees no later data.
    plan = _calibration_plan(values, h, m) if calibrate else []
    origins = sorted({j for _, j in plan})
    cut = {j: global_ar([y[: max(len(y) - h - j, 0)] for y in values], h) for j in origins}
    tasks += [
        (len(values) * (1 + j) + i, values[i][: len(values[i]) - h - j], h, m, False, cut[j][i])
        for i, j in plan
    ]
    if progress is None:
        progress = len(values) >= PROGRESS_MIN_SERIES
    results = _run(tasks, n_jobs, progress, cluster)

    rows = []
    for i, j in plan:
        back = results[len(values) * (1 + j) + i]
        if not np.all(np.isfinite(back.sd) & (back.sd > 0)):
            continue  # a zero-width (Zero, Ended, Constant) or interval-less forecast
        y = values[i]
        actual = y[len(y) - h - j : len(y) - j]
        rows.append(np.abs(actual - back.mean) / back.sd)
    scores = np.vstack(rows) if rows else np.zeros((0, h))
    calibration = Calibration(
        scores,
        calibrate and scores.size >= MIN_CALIBRATION_ERRORS,
        series=len({i for i, _ in plan}),
        origins=len({j for _, j in plan}),
    )
    multipliers = {v: calibration.multiplier(v) for v in levels}

    n = len(ids)
    mean = np.concatenate([results[i].mean for i in range(n)])
    sd = np.concatenate([results[i].sd for i in range(n)])
    uncalibrated = calibrate and not calibration.calibrated
    notes = []
    for i in range(n):
        remarks = list(results[i].notes)
        if uncalibrated and np.any(results[i].sd > 0):
            remarks.append("intervals not calibrated: too few backtest errors")
        notes.append("; ".join(remarks))
    columns: dict[str, Any] = {
        "unique_id": np.repeat(np.array(ids, dtype=object), h),
        "ds": _future_dates(groups["ds"].last(), h, freq),
        "mean": mean,
    }
    for v in levels:
        name = _level_name(v)
        columns[f"lo-{name}"] = mean - multipliers[v] * sd
        columns[f"hi-{name}"] = mean + multipliers[v] * sd
    columns["model"] = np.repeat(np.array([results[i].model for i in range(n)], dtype=object), h)
    columns["note"] = np.repeat(np.array(notes, dtype=object), h)
    forecasts = pd.DataFrame(columns)
    forecasts["unique_id"] = forecasts["unique_id"].astype(frame["unique_id"].dtype)

    fitted_frame = None
    if fitted:
        fitted_frame = frame.copy()
        fitted_frame["fitted"] = np.concatenate([results[i].fitted for i in range(len(ids))])
    return ForecastResult(forecasts, fitted_frame, calibration)


def forecast(
    df: pd.DataFrame,
    h: int,
    level: Sequence[float] | None = DEFAULT_LEVEL,
    season_length: int = 4,
    freq: str | None = None,
    n_jobs: int = -1,
    calibrate: bool = True,
    progress: bool | None = None,
    cluster: Any = None,
) -> pd.DataFrame:
    """Forecast every series of a long frame ``h`` periods ahead.

    ``df`` has ``unique_id, ds, y`` (other columns are ignored), one row per series and quarter
    without gaps. ``level`` lists the central interval levels in per cent (``None`` or ``()`` for
    none); ``freq`` is the pandas frequency of ``ds`` (inferred when ``None``); ``n_jobs`` worker
    processes (``-1``: one per core); ``calibrate=False`` keeps the models' own Gaussian intervals;
    ``progress`` shows a progress bar on stderr (``None``: from ``PROGRESS_MIN_SERIES`` series on);
    ``cluster`` is a Dask client: the series are fitted on its workers
    (:mod:`~analysis.forecasting.cluster`).

    Returns ``unique_id, ds, mean, lo-<l>, hi-<l> (for each level), model, note`` sorted by
    ``unique_id`` and ``ds``. Raises :class:`~analysis.core.errors.DataError` for unusable input.
    """
    return fit_forecast(
        df, h, level, season_length, freq, n_jobs, calibrate, progress=progress, cluster=cluster
    ).forecasts


def naive2(
    df: pd.DataFrame, h: int, season_length: int = 4, freq: str | None = None
) -> pd.DataFrame:
    """M4's Naive2 benchmark: the last value of the seasonally adjusted series, reseasonalised.

    Adjusted (classical multiplicative decomposition) only when the series is seasonal by the 90 %
    autocorrelation test. Returns ``unique_id, ds, mean``.
    """
    frame, freq = _prepare(df, freq)
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
            "ds": _future_dates(groups["ds"].last(), h, freq),
            "mean": np.concatenate(means),
        }
    ).astype({"unique_id": frame["unique_id"].dtype})

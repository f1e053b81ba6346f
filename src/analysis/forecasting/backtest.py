"""Rolling-origin evaluation: how would the forecaster have done at past points in time?

``cross_validation(df, h, n_windows)`` cuts every series at ``n_windows`` origins (the last one
``h`` quarters before its end, each earlier one ``step_size`` quarters earlier), forecasts ``h``
quarters from each with only the data up to that origin, and lines the forecasts up with what
happened. It mirrors statsforecast's ``cross_validation`` (a ``cutoff`` column) and adds the
seasonal naive forecast as a benchmark (``snaive``).

``summarize(cv, df)`` scores the result with :mod:`~analysis.forecasting.accuracy`: every measure
per series
(averaged over its windows) and overall, with interval coverage and skill against seasonal naive
(``skill-mase = 1 - MASE / MASE of seasonal naive``, as fable's ``skill_score``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.forecasting import accuracy

if TYPE_CHECKING:
    from analysis.forecasting.backends import Backend

#: A function with the signature of :func:`~analysis.forecasting.forecaster.forecast`.
ForecastFunction = Callable[..., pd.DataFrame]


def seasonal_naive(y: np.ndarray, h: int, season_length: int) -> np.ndarray:
    """The same quarter a year earlier (the last value when the history is shorter than a year)."""
    y = np.asarray(y, dtype="float64")
    if season_length > 1 and len(y) >= season_length:
        last_year = y[-season_length:]
        return last_year[np.arange(h) % season_length]
    return np.repeat(y[-1], h)


def cross_validation(
    df: pd.DataFrame,
    h: int,
    n_windows: int = 4,
    step_size: int = 1,
    *,
    level: Sequence[float] | None = (80, 95),
    season_length: int = 4,
    min_train: int = 1,
    forecaster: ForecastFunction | None = None,
    backend: Backend | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Forecasts from ``n_windows`` rolling origins, with the actuals.

    ``df`` is a long frame (``unique_id, ds, y``). A series is left out of a window when fewer than
    ``min_train`` quarters precede that origin. ``forecaster`` defaults to
    :func:`~analysis.forecasting.forecaster.forecast` (any function with its signature will do);
    ``backend`` (where the default forecaster fits the series; passed on when given) and
    ``kwargs`` go to it. Returns ``unique_id, cutoff, ds, y, mean, lo-*, hi-*, model, note,
    snaive``.
    """
    if forecaster is None:
        from analysis.forecasting.forecaster import forecast as forecaster
    if backend is not None:
        kwargs["backend"] = backend
    if n_windows < 1 or step_size < 1 or h < 1:
        raise ValueError("h, n_windows and step_size must be at least 1")
    frame = df[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"], ignore_index=True)
    size = frame.groupby("unique_id")["y"].transform("size")
    position = frame.groupby("unique_id").cumcount()
    parts = []
    for window in range(n_windows):
        held = h + step_size * (n_windows - 1 - window)
        train_rows = position < size - held
        train = frame.loc[train_rows]
        counts = train.groupby("unique_id").size()
        keep = counts.index[counts >= min_train]
        if len(keep) == 0:
            continue
        train = train.loc[train["unique_id"].isin(keep)]
        actual_rows = (position >= size - held) & (position < size - held + h)
        actual = frame.loc[actual_rows & frame["unique_id"].isin(keep)]
        fc = forecaster(train, h, level=level, season_length=season_length, **kwargs)
        cutoffs = train.groupby("unique_id")["ds"].max().rename("cutoff")
        bench = []
        for uid, g in train.groupby("unique_id", sort=False):
            fut = fc.loc[fc["unique_id"] == uid, "ds"]
            bench.append(
                pd.DataFrame(
                    {
                        "unique_id": uid,
                        "ds": fut.to_numpy(),
                        "snaive": seasonal_naive(g["y"].to_numpy(), h, season_length),
                    }
                )
            )
        fc = fc.merge(pd.concat(bench, ignore_index=True), on=["unique_id", "ds"], how="left")
        fc = fc.join(cutoffs, on="unique_id")
        merged = actual.merge(fc, on=["unique_id", "ds"], how="inner")
        parts.append(merged)
    if not parts:
        raise ValueError("no series is long enough for any window")
    cv = pd.concat(parts, ignore_index=True)
    first = ["unique_id", "cutoff", "ds", "y"]
    return cv[first + [c for c in cv.columns if c not in first]]


def summarize(
    cv: pd.DataFrame,
    df: pd.DataFrame,
    *,
    season_length: int = 4,
    level: Sequence[float] = (80, 95),
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Scores of a :func:`cross_validation` result: per series (mean over windows) and overall.

    ``df`` is the full history, which scales MASE and RMSSE (only the part up to each cutoff is
    used). The overall figures are means over series, coverage the share of all actuals inside
    their intervals, and ``skill-<measure>`` the skill against seasonal naive.
    """
    histories = {
        uid: (g["ds"].to_numpy(), g["y"].to_numpy(dtype="float64"))
        for uid, g in df.sort_values("ds").groupby("unique_id", sort=False)
    }
    rows = []
    for (uid, cutoff), g in cv.groupby(["unique_id", "cutoff"], sort=True):
        ds, y_all = histories[uid]
        train = y_all[ds <= np.datetime64(cutoff)]
        y = g["y"].to_numpy(dtype="float64")
        f = g["mean"].to_numpy(dtype="float64")
        b = g["snaive"].to_numpy(dtype="float64")
        row: dict[str, Any] = {"unique_id": uid, "cutoff": cutoff, "n": len(y)}
        for name, fc in (("", f), ("snaive_", b)):
            row[f"{name}smape"] = accuracy.smape(y, fc)
            row[f"{name}mase"] = accuracy.mase(y, fc, train, season_length)
            row[f"{name}rmsse"] = accuracy.rmsse(y, fc, train, season_length)
            row[f"{name}mape"] = accuracy.mape(y, fc)
            row[f"{name}bias"] = accuracy.bias(y, fc)
        for lev in level:
            name = str(int(lev)) if float(lev).is_integer() else str(lev)
            lo, hi = f"lo-{name}", f"hi-{name}"
            if lo in g and hi in g:
                row[f"coverage-{name}"] = accuracy.coverage(y, g[lo], g[hi])
                row[f"winkler-{name}"] = accuracy.winkler(y, g[lo], g[hi], float(lev))
        rows.append(row)
    windows = pd.DataFrame(rows)
    numeric = [c for c in windows.columns if c not in ("unique_id", "cutoff")]
    weighted = windows.copy()
    per_series = weighted.groupby("unique_id")[numeric].mean()
    per_series["n"] = windows.groupby("unique_id")["n"].sum()
    per_series["windows"] = windows.groupby("unique_id").size()
    for measure in ("mase", "rmsse", "smape"):
        per_series[f"skill-{measure}"] = [
            accuracy.skill(v, b)
            for v, b in zip(per_series[measure], per_series[f"snaive_{measure}"], strict=True)
        ]
    per_series = per_series.reset_index()

    overall: dict[str, float] = {
        "series": float(len(per_series)),
        "windows": float(windows["cutoff"].nunique()),
    }
    for measure in ("smape", "mase", "rmsse", "mape"):
        overall[measure] = float(per_series[measure].mean())
        overall[f"snaive_{measure}"] = float(per_series[f"snaive_{measure}"].mean())
    for measure in ("smape", "mase", "rmsse"):
        overall[f"skill-{measure}"] = accuracy.skill(overall[measure], overall[f"snaive_{measure}"])
    for col in windows.columns:
        if col.startswith("coverage-"):
            overall[col] = float(np.average(windows[col], weights=windows["n"]))
        elif col.startswith("winkler-"):
            overall[col] = float(per_series[col].mean())
    return per_series, overall

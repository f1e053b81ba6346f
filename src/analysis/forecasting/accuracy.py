"""Forecast accuracy measures, in the vocabulary of fable and statsforecast users.

Point measures compare actuals ``y`` with forecasts ``f`` over a horizon:

=========  ====================================================================================
``mae``    mean absolute error
``rmse``   root mean squared error
``mape``   mean of ``100 * |y - f| / |y|`` over the points where ``y != 0`` (NaN if all are 0)
``smape``  mean of ``200 * |y - f| / (|y| + |f|)`` (M3/M4 definition, 0..200); a point where both
           are 0 counts as 0 (a perfect forecast of nothing)
``mase``   MAE divided by the in-sample MAE of the seasonal naive forecast (lag ``season_length``,
           training part only); NaN when the history is too short or never changes
``rmsse``  RMSE divided by the in-sample RMSE of the seasonal naive forecast (same scale rules)
``bias``   mean of ``f - y``: positive when the forecast was too high, in the units of ``y``
=========  ====================================================================================

Interval measures for a central interval ``[lo, hi]`` at ``level`` per cent:

``coverage``  share of actuals inside the interval (ends included)
``winkler``   mean Winkler (interval) score: the width, plus ``2 / alpha`` times the distance by
              which an actual falls outside (``alpha = 1 - level / 100``); lower is better

``owa`` is the M4 overall weighted average of sMAPE and MASE relative to Naive2, and ``skill`` the
fable skill score ``1 - score / benchmark``.

The in-sample scale uses lag ``season_length`` when the history is longer than one season and lag 1
otherwise (a channel with three quarters of history still gets a scale).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Point measures computed per series by :func:`score`, in display order.
POINT_MEASURES = ("smape", "mase", "rmsse", "mape", "mae", "rmse", "bias")


def _arrays(y: object, f: object) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype="float64")
    f = np.asarray(f, dtype="float64")
    if y.shape != f.shape:
        raise ValueError(f"actuals and forecasts differ in shape: {y.shape} and {f.shape}")
    return y, f


def mae(y: object, f: object) -> float:
    y, f = _arrays(y, f)
    return float(np.mean(np.abs(y - f)))


def rmse(y: object, f: object) -> float:
    y, f = _arrays(y, f)
    return float(np.sqrt(np.mean((y - f) ** 2)))


def bias(y: object, f: object) -> float:
    """Mean error ``f - y``: positive when forecasts were too high."""
    y, f = _arrays(y, f)
    return float(np.mean(f - y))


def mape(y: object, f: object) -> float:
    """Mean absolute percentage error over the points with ``y != 0`` (NaN if there are none)."""
    y, f = _arrays(y, f)
    keep = y != 0
    if not keep.any():
        return float("nan")
    return float(np.mean(100 * np.abs(y[keep] - f[keep]) / np.abs(y[keep])))


def smape(y: object, f: object) -> float:
    """Symmetric MAPE, 0..200 (M3/M4). A point where actual and forecast are both 0 counts as 0."""
    y, f = _arrays(y, f)
    denom = np.abs(y) + np.abs(f)
    terms = np.divide(200 * np.abs(y - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(np.mean(terms))


def _naive_differences(train: object, season_length: int) -> np.ndarray:
    x = np.asarray(train, dtype="float64")
    x = x[~np.isnan(x)]
    lag = season_length if len(x) > season_length else 1
    return x[lag:] - x[:-lag]


def scale_mae(train: object, season_length: int = 4) -> float:
    """In-sample MAE of the seasonal naive forecast: the MASE denominator (NaN if undefined)."""
    d = _naive_differences(train, season_length)
    return float(np.mean(np.abs(d))) if len(d) else float("nan")


def scale_rmse(train: object, season_length: int = 4) -> float:
    """In-sample RMSE of the seasonal naive forecast: the RMSSE denominator (NaN if undefined)."""
    d = _naive_differences(train, season_length)
    return float(np.sqrt(np.mean(d**2))) if len(d) else float("nan")


def _ratio(num: float, den: float) -> float:
    if not np.isfinite(den) or den == 0:
        return float("nan")
    return num / den


def mase(y: object, f: object, train: object, season_length: int = 4) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006; M4 with ``season_length`` 4)."""
    return _ratio(mae(y, f), scale_mae(train, season_length))


def rmsse(y: object, f: object, train: object, season_length: int = 4) -> float:
    """Root mean squared scaled error (M5)."""
    return _ratio(rmse(y, f), scale_rmse(train, season_length))


def coverage(y: object, lo: object, hi: object) -> float:
    """Share of actuals inside ``[lo, hi]``."""
    y, lo = _arrays(y, lo)
    _, hi = _arrays(y, hi)
    return float(np.mean((y >= lo) & (y <= hi)))


def winkler(y: object, lo: object, hi: object, level: float) -> float:
    """Mean Winkler score of central ``level`` % intervals (lower is better)."""
    y, lo = _arrays(y, lo)
    _, hi = _arrays(y, hi)
    alpha = 1 - level / 100
    below = np.clip(lo - y, 0, None)
    above = np.clip(y - hi, 0, None)
    return float(np.mean((hi - lo) + 2 / alpha * (below + above)))


def owa(smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float) -> float:
    """M4 overall weighted average: mean of sMAPE and MASE relative to Naive2 (1 = as Naive2).

    NaN when Naive2 scores 0 (or NaN) on either: a perfect benchmark leaves nothing to relate
    to (constant or all-zero series)."""
    return 0.5 * (_ratio(smape_value, smape_naive2) + _ratio(mase_value, mase_naive2))


def skill(value: float, benchmark: float) -> float:
    """Skill score ``1 - value / benchmark`` (fable): 0.2 means 20 % better than the benchmark."""
    return _ratio(benchmark - value, benchmark) if benchmark != 0 else float("nan")


def score(
    forecasts: pd.DataFrame,
    actuals: pd.DataFrame,
    train: pd.DataFrame,
    *,
    season_length: int = 4,
    level: Sequence[int] = (80, 95),
    column: str = "mean",
) -> pd.DataFrame:
    """Every measure per series.

    ``forecasts`` has ``unique_id, ds, <column>`` and, per level, ``lo-<level>, hi-<level>``;
    ``actuals`` has ``unique_id, ds, y`` for the forecast quarters; ``train`` has the history
    (``unique_id, ds, y``) that scales MASE and RMSSE. Rows are matched on ``unique_id, ds``;
    a forecast without an actual is ignored. Returns one row per series with ``n`` (points scored),
    the point measures, and ``coverage-<level>`` and ``winkler-<level>`` for each level whose
    columns are present.
    """
    merged = actuals[["unique_id", "ds", "y"]].merge(
        forecasts, on=["unique_id", "ds"], how="inner", validate="one_to_one"
    )
    merged = merged.sort_values(["unique_id", "ds"], ignore_index=True)
    y = merged["y"].to_numpy(dtype="float64")
    f = merged[column].to_numpy(dtype="float64")
    err = f - y
    denom = np.abs(y) + np.abs(f)
    terms = pd.DataFrame(
        {
            "smape": np.divide(200 * np.abs(err), denom, out=np.zeros_like(denom), where=denom > 0),
            "mape": np.where(y != 0, 100 * np.abs(err) / np.where(y != 0, np.abs(y), 1), np.nan),
            "mae": np.abs(err),
            "mse": err**2,
            "bias": err,
        }
    )
    for lev in level:
        lo, hi = f"lo-{lev}", f"hi-{lev}"
        if lo in merged and hi in merged:
            low = merged[lo].to_numpy(dtype="float64")
            high = merged[hi].to_numpy(dtype="float64")
            terms[f"coverage-{lev}"] = ((y >= low) & (y <= high)).astype("float64")
            alpha = 1 - lev / 100
            outside = np.clip(low - y, 0, None) + np.clip(y - high, 0, None)
            terms[f"winkler-{lev}"] = (high - low) + 2 / alpha * outside
    grouped = terms.groupby(merged["unique_id"].to_numpy(), sort=True)
    per = grouped.mean()
    per.insert(0, "n", grouped.size())
    per["rmse"] = np.sqrt(per.pop("mse"))
    mae_scale, rmse_scale = _scales(train, season_length)
    with np.errstate(divide="ignore", invalid="ignore"):
        mase_values = per["mae"] / mae_scale.reindex(per.index)
        rmsse_values = per["rmse"] / rmse_scale.reindex(per.index)
    per["mase"] = mase_values.where(np.isfinite(mase_values))
    per["rmsse"] = rmsse_values.where(np.isfinite(rmsse_values))
    per.index.name = "unique_id"
    interval = [c for c in per.columns if c.startswith(("coverage-", "winkler-"))]
    order = ["n", "smape", "mase", "rmsse", "mape", "mae", "rmse", "bias", *interval]
    return per[order].reset_index()


def _scales(train: pd.DataFrame, season_length: int) -> tuple[pd.Series, pd.Series]:
    """Per series, the MAE and RMSE of the in-sample seasonal naive forecast (lag 1 if short)."""
    history = train[["unique_id", "ds", "y"]].dropna(subset=["y"])
    history = history.sort_values(["unique_id", "ds"], ignore_index=True)
    by = history.groupby("unique_id", sort=True)["y"]
    size = by.size()
    out = []
    for lag in (season_length, 1):
        diff = history["y"] - by.shift(lag)
        parts = pd.DataFrame({"abs": diff.abs(), "sq": diff**2}).groupby(history["unique_id"])
        means = parts.mean()
        out.append((means["abs"], np.sqrt(means["sq"])))
    use_season = size > season_length
    mae_scale = out[0][0].where(use_season, out[1][0])
    rmse_scale = out[0][1].where(use_season, out[1][1])
    return mae_scale, rmse_scale


def overall(per_series: pd.DataFrame) -> dict[str, float]:
    """Overall figures from :func:`score`'s table: the mean over series of each measure.

    Coverage is weighted by the number of points scored per series (the share of all actuals
    inside their intervals); every other measure is the plain mean over series that have it, as in
    the M3 and M4 competitions (scale-dependent ``mae``, ``rmse`` and ``bias`` are left out).
    """
    out: dict[str, float] = {"series": float(len(per_series))}
    for name in ("smape", "mase", "rmsse", "mape"):
        if name in per_series:
            out[name] = float(per_series[name].mean())
    weights = per_series["n"].to_numpy(dtype="float64") if "n" in per_series else None
    for col in per_series.columns:
        if col.startswith("coverage-"):
            values = per_series[col].to_numpy(dtype="float64")
            out[col] = float(np.average(values, weights=weights))
        elif col.startswith("winkler-"):
            out[col] = float(per_series[col].mean())
    return out

"""How realistic are the targets? The probability of reaching each one, from the forecast.

The forecast distribution of a series in a quarter is read off its central intervals: the interval
at level L gives the ``(1 - L) / 2`` and ``(1 + L) / 2`` quantiles and the mean the median (the
default forecaster's intervals are symmetric; for sales never below zero they are censored at
zero, :mod:`~analysis.forecasting.censor`, and stay its quantiles: a bound of 0 carries the
chance of selling nothing, and selling at least 0 is certain). Between those quantiles the
value is interpolated linearly on the standard-normal scale, and beyond the widest interval it is
extended with the slope of the outermost segment: exact for a Gaussian forecast, and close to the
calibrated distribution when many levels are given (:data:`DISTRIBUTION_LEVELS`).

- :func:`probability_at_least`: P(y >= value) per forecast row.
- :func:`quantile`: the value reached or exceeded with a given probability.
- :func:`odds`: both for a table of targets, with the target the forecast supports at, say, 70 %.
- :func:`channel_odds`: the whole path from a loaded dataset: coherent forecasts of the default
  hierarchy (:mod:`analysis.forecasting.reconcile`, MinT), then the odds of every future target.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from analysis.data.load import Dataset
    from analysis.forecasting.backends import Backend

#: Interval levels that describe a forecast distribution finely enough for target odds.
DISTRIBUTION_LEVELS: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98)
_NORMAL = NormalDist()


def _knots(row: pd.Series, levels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal scores and values of the quantiles one forecast row describes."""
    zs, values = [0.0], [float(row["mean"])]
    for name in levels:
        p = 0.5 + float(name) / 200
        z = _NORMAL.inv_cdf(p)
        zs += [-z, z]
        values += [float(row[f"lo-{name}"]), float(row[f"hi-{name}"])]
    order = np.argsort(zs)
    z_arr, v_arr = np.asarray(zs)[order], np.asarray(values)[order]
    return z_arr, np.maximum.accumulate(v_arr)  # nested intervals: values rise with z


def _levels(frame: pd.DataFrame) -> list[str]:
    names = [c[3:] for c in frame.columns if c.startswith("lo-") and f"hi-{c[3:]}" in frame]
    return sorted(names, key=float)


def _z_of_value(z: np.ndarray, v: np.ndarray, value: float) -> float:
    if not np.all(np.isfinite(v)):
        return float("nan")
    if v[-1] == v[0]:  # zero width: the forecast is certain
        return float("-inf") if value <= v[0] else float("inf")
    if value == v[0] == 0:  # censored at zero: at least 0 for certain
        return float("-inf")
    if value < v[0]:
        slope = (v[1] - v[0]) / (z[1] - z[0]) if v[1] > v[0] else np.inf
        return float(z[0] - (v[0] - value) / slope) if np.isfinite(slope) else float("-inf")
    if value > v[-1]:
        slope = (v[-1] - v[-2]) / (z[-1] - z[-2]) if v[-1] > v[-2] else np.inf
        return float(z[-1] + (value - v[-1]) / slope) if np.isfinite(slope) else float("inf")
    # inside: first knot at or above the value (flat stretches resolve to their middle)
    upper = int(np.searchsorted(v, value, side="left"))
    last = int(np.searchsorted(v, value, side="right")) - 1
    if upper <= last:  # the value equals one or more knots
        return float((z[upper] + z[last]) / 2)
    lower = upper - 1
    share = (value - v[lower]) / (v[upper] - v[lower])
    return float(z[lower] + share * (z[upper] - z[lower]))


def _value_of_z(z: np.ndarray, v: np.ndarray, target_z: float) -> float:
    if not np.all(np.isfinite(v)):
        return float("nan")
    if target_z <= z[0]:
        slope = (v[1] - v[0]) / (z[1] - z[0])
        return float(v[0] - (z[0] - target_z) * slope)
    if target_z >= z[-1]:
        slope = (v[-1] - v[-2]) / (z[-1] - z[-2])
        return float(v[-1] + (target_z - z[-1]) * slope)
    return float(np.interp(target_z, z, v))


def probability_at_least(
    forecasts: pd.DataFrame, values: Sequence[float] | pd.Series
) -> np.ndarray:
    """P(y >= value) for each forecast row (``mean``, ``lo-<l>``, ``hi-<l>`` columns) and value."""
    levels = _levels(forecasts)
    out = []
    for (_, row), value in zip(forecasts.iterrows(), values, strict=True):
        z, v = _knots(row, levels)
        zt = _z_of_value(z, v, float(value))
        if np.isnan(zt):
            out.append(float("nan"))  # no interval: no distribution
        elif np.isinf(zt):
            out.append(1.0 if zt < 0 else 0.0)  # zero width: certain either way
        else:
            out.append(1 - _NORMAL.cdf(zt))
    return np.asarray(out, dtype="float64")


def quantile(forecasts: pd.DataFrame, probability: float) -> np.ndarray:
    """Per forecast row, the value ``v`` with P(y >= v) = ``probability`` (e.g. 0.7)."""
    if not 0 < probability < 1:
        raise ValueError(f"probability must be between 0 and 1, got {probability}")
    levels = _levels(forecasts)
    z_target = _NORMAL.inv_cdf(1 - probability)
    return np.asarray(
        [_value_of_z(*_knots(row, levels), z_target) for _, row in forecasts.iterrows()],
        dtype="float64",
    )


def odds(
    forecasts: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    probability: float = 0.7,
    target_column: str = "target",
) -> pd.DataFrame:
    """The chance of reaching each target, and the target the forecast supports.

    ``forecasts``: ``unique_id, ds, mean, lo-*, hi-*``; ``targets``: ``unique_id, ds`` and
    ``target_column``. Returns, per target with a forecast, ``unique_id, ds, target, mean,
    probability`` (P(y >= target)), ``supported`` (the value reached with ``probability``, e.g.
    the 70 % target) and ``gap`` (``target - supported``: how far the target is above what the
    forecast supports at that confidence).
    """
    keep = ["unique_id", "ds", "mean", *[c for c in forecasts if c.startswith(("lo-", "hi-"))]]
    merged = targets[["unique_id", "ds", target_column]].merge(
        forecasts[keep], on=["unique_id", "ds"], how="inner"
    )
    merged = merged.rename(columns={target_column: "target"})
    merged["probability"] = probability_at_least(merged, merged["target"])
    merged["supported"] = quantile(merged, probability)
    merged["gap"] = merged["target"] - merged["supported"]
    return merged[["unique_id", "ds", "target", "mean", "probability", "supported", "gap"]]


def channel_odds(
    dataset: Dataset,
    *,
    probability: float = 0.7,
    target_column: str = "target_revenue",
    method: str = "mint_shrink",
    backend: Backend | None = None,
) -> pd.DataFrame:
    """Odds of every channel target in a quarter after the data, from coherent forecasts.

    Forecasts the default hierarchy (total, channel, channel x region, channel x product line)
    up to the last target quarter, reconciles with ``method``, and scores the channel-level targets
    (rows without finer dimensions); the series are fitted on ``backend`` (``None``: the
    default). Returns the columns of :func:`odds` plus ``quarter`` and ``channel``; empty when no
    target lies after the data.
    """
    from analysis.data.series import Coverage, latest_complete_quarter
    from analysis.forecasting.reconcile import build, forecast_hierarchy

    columns = ["quarter", "channel", "target", "mean", "probability", "supported", "gap"]
    targets = dataset.targets
    if targets is None or targets.empty:
        return pd.DataFrame(columns=columns)
    calendar = dataset.config.calendar
    coverage = Coverage.of(dataset.sales, calendar, dataset.stated_through)
    last = latest_complete_quarter(coverage, calendar)
    finer = [
        c
        for c in ("region", "product_line", "product", "customer", "salesperson")
        if c in targets.columns
    ]
    channel_rows = targets
    for col in finer:
        channel_rows = channel_rows.loc[channel_rows[col].isna()]
    periods = channel_rows["quarter"].map(calendar.parse)
    future = channel_rows.loc[periods > last].assign(period=periods[periods > last])
    if future.empty:
        return pd.DataFrame(columns=columns)
    h = int(max((p - last).n for p in future["period"]))
    hierarchy = build(dataset.sales, calendar, coverage=coverage)
    fc = forecast_hierarchy(
        hierarchy, h, methods=(method,), level=DISTRIBUTION_LEVELS, backend=backend
    )
    fc = fc.loc[fc["level"] == "channel"]
    wanted = pd.DataFrame(
        {
            "unique_id": future["channel"].astype(str).to_numpy(),
            "ds": [calendar.start(p) for p in future["period"]],
            "target": future[target_column].to_numpy(dtype="float64"),
            "quarter": future["quarter"].to_numpy(),
        }
    )
    result = odds(fc, wanted, probability=probability)
    result = result.merge(wanted[["unique_id", "ds", "quarter"]], on=["unique_id", "ds"])
    result = result.rename(columns={"unique_id": "channel"})
    return result[columns].sort_values(["quarter", "channel"], ignore_index=True)

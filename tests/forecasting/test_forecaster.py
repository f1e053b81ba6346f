"""The Forecaster object: output shape and order, intervals, levels, fitted values, Naive2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from forecast_examples import SEASON, frame, rows, seasonal_series

from analysis.forecasting.backends import InProcess
from analysis.forecasting.calibration import Calibration
from analysis.forecasting.forecaster import COMBINATION, Forecaster, forecast, naive2


def test_columns_dates_and_order(awkward):
    assert list(awkward.columns) == [
        "unique_id",
        "ds",
        "mean",
        "lo-80",
        "hi-80",
        "lo-95",
        "hi-95",
        "model",
        "note",
        "history",
    ]
    assert len(awkward) == 10 * 4
    normal = rows(awkward, "normal")
    # 28 quarters from 2019Q1 end in 2025Q4: the forecast starts in 2026Q1
    assert list(normal["ds"]) == list(pd.date_range("2026-01-01", periods=4, freq="QS"))
    # ten series of 28 quarters give too few windows for the pooled member (MIN_GLOBAL_WINDOWS)
    assert (normal["model"] == COMBINATION.removesuffix("+GAR")).all()
    assert (normal["note"] == "").all()


def test_intervals_are_nested(awkward):
    ok = awkward.dropna(subset=["lo-80"])
    assert (ok["lo-95"] <= ok["lo-80"] + 1e-9).all()
    assert (ok["lo-80"] <= ok["mean"] + 1e-9).all()
    assert (ok["mean"] <= ok["hi-80"] + 1e-9).all()
    assert (ok["hi-80"] <= ok["hi-95"] + 1e-9).all()
    normal = rows(awkward, "normal")
    assert (normal["hi-95"] - normal["lo-95"] > 0).all()


def test_ordinary_seasonal_series_is_followed(awkward):
    normal = rows(awkward, "normal")["mean"].to_numpy()
    t = np.arange(28, 32)
    truth = (1000 + 10 * t) * SEASON[t % 4]
    assert np.all(np.abs(normal - truth) / truth < 0.08)
    # the seasonal pattern survives: Q2 above Q1 and Q3
    assert normal[1] > normal[0] and normal[1] > normal[2]


def test_any_levels_on_request():
    out = forecast(frame({"a": seasonal_series(24)}), 2, level=[50, 99.5], backend=InProcess())
    assert {"lo-50", "hi-50", "lo-99.5", "hi-99.5"} <= set(out.columns)
    assert "lo-80" not in out.columns
    assert (out["hi-99.5"] > out["hi-50"]).all()
    none = forecast(frame({"a": seasonal_series(24)}), 2, level=None, backend=InProcess())
    assert not [c for c in none.columns if c.startswith(("lo-", "hi-"))]


def test_fitted_values_for_reconciliation():
    y = seasonal_series(20)
    fitted = Forecaster(2, backend=InProcess()).fit(frame({"a": y}), fitted=True).fitted_values()
    assert list(fitted.columns) == ["unique_id", "ds", "y", "fitted"]
    assert len(fitted) == 20
    residual = fitted["y"] - fitted["fitted"]
    assert np.nanmean(np.abs(residual)) < np.mean(np.abs(np.diff(y)))


def test_fit_returns_the_forecaster_and_keeps_its_results():
    df = frame({"a": seasonal_series(24), "b": seasonal_series(20, seed=3)})
    model = Forecaster(horizon=3, levels=(80,), backend=InProcess())
    assert model.fit(df) is model
    out = model.forecast()
    assert list(out.columns) == [
        "unique_id", "ds", "mean", "lo-80", "hi-80", "model", "note", "history"
    ]  # fmt: skip
    assert len(out) == 2 * 3
    assert isinstance(model.calibration, Calibration)
    # the one-call convenience is the same forecaster
    pd.testing.assert_frame_equal(out, forecast(df, 3, level=(80,), backend=InProcess()))
    # the returned frame is a copy: changing it leaves the forecaster's own alone
    out.loc[:, "mean"] = 0.0
    assert (model.forecast()["mean"] != 0).all()
    with pytest.raises(RuntimeError, match="fit\\(df, fitted=True\\)"):
        model.fitted_values()


def test_results_before_fit_are_an_error():
    model = Forecaster(2)
    with pytest.raises(RuntimeError, match="fit"):
        model.forecast()
    with pytest.raises(RuntimeError, match="fit"):
        _ = model.calibration
    assert repr(model).startswith("Forecaster(horizon=2, levels=(80.0, 95.0), season_length=4")


def test_bad_horizon_and_level():
    good = frame({"a": seasonal_series(12)})
    with pytest.raises(ValueError, match="horizon"):
        forecast(good, 0)
    with pytest.raises(ValueError, match="between 0 and 100"):
        forecast(good, 2, level=[120])
    with pytest.raises(ValueError, match="horizon"):
        Forecaster(1.5)


def test_naive2_reseasonalises_the_last_adjusted_value():
    t = np.arange(40)
    seasonal = 100 * SEASON[t % 4]
    flat = np.r_[np.linspace(10, 20, 15), 17.0]  # no seasonality: plain naive
    out = naive2(frame({"seasonal": seasonal, "flat": flat}), 5)
    s = out.loc[out["unique_id"] == "seasonal", "mean"].to_numpy()
    assert np.allclose(s, 100 * SEASON[np.arange(40, 45) % 4])
    assert (out.loc[out["unique_id"] == "flat", "mean"] == 17.0).all()

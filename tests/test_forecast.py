"""The default forecaster: output shape, awkward sales series, interval coverage, Naive2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import DataError
from analysis.forecasting import forecaster as fc_module
from analysis.forecasting.forecaster import COMBINATION, fit_forecast, forecast, naive2

SEASON = np.array([0.8, 1.2, 0.9, 1.1])


def frame(series: dict[str, list[float] | np.ndarray], start: str = "2019-01-01") -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq="QS"), "y": y}
        )
        for uid, y in series.items()
    ]
    return pd.concat(parts, ignore_index=True)


def seasonal_series(n: int, level: float = 1000.0, trend: float = 10.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (level + trend * t) * SEASON[t % 4] + rng.normal(0, 20, n)


@pytest.fixture(scope="module")
def awkward() -> pd.DataFrame:
    """One forecast of every awkward shape a sales series can have, plus two ordinary ones."""
    rng = np.random.default_rng(7)
    series = {
        "normal": seasonal_series(28, seed=1),
        "normal2": seasonal_series(28, level=500, trend=-3, seed=2),
        "short": [100.0, 120.0, 110.0, 130.0, 125.0, 140.0],  # opened six quarters ago
        "zeros": np.zeros(12),
        "ended": np.r_[seasonal_series(12, seed=3), np.zeros(5)],
        "negative": np.r_[seasonal_series(14, level=50, trend=0, seed=4)] - 60,
        "shift": np.r_[100 + rng.normal(0, 3, 12), 300 + rng.normal(0, 3, 12)],
        "single": [50.0],
        "constant": np.full(10, 7.0),
        "leading": np.r_[np.zeros(3), seasonal_series(12, seed=5)],
    }
    return forecast(frame(series), 4, n_jobs=1)


def rows(fc: pd.DataFrame, uid: str) -> pd.DataFrame:
    return fc.loc[fc["unique_id"] == uid]


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
    ]
    assert len(awkward) == 10 * 4
    normal = rows(awkward, "normal")
    # 28 quarters from 2019Q1 end in 2025Q4: the forecast starts in 2026Q1
    assert list(normal["ds"]) == list(pd.date_range("2026-01-01", periods=4, freq="QS"))
    # ten series of 28 quarters give too few windows for the pooled member (MIN_GLOBAL_WINDOWS)
    assert (normal["model"] == COMBINATION.removesuffix("+GAR")).all()
    assert (normal["note"] == "").all()


def test_global_member_needs_enough_windows():
    values = [seasonal_series(28, seed=s) for s in range(12)]  # 12 * (28 - 8 - 4 + 1) = 204
    pooled = fc_module.global_ar(values, 4)
    assert all(f is not None and f.shape == (4,) for f in pooled)
    assert all(f is None for f in fc_module.global_ar(values[:5], 4))  # 85 windows
    out = forecast(frame({str(i): y for i, y in enumerate(values)}), 4, n_jobs=1)
    assert (out["model"] == COMBINATION).all()


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


def test_short_history_has_no_seasonality(awkward):
    short = rows(awkward, "short")
    assert "fewer than two seasonal cycles" in short["note"].iloc[0]
    assert np.isfinite(short[["mean", "lo-95", "hi-95"]].to_numpy()).all()
    assert (short["mean"].between(100, 200)).all()


def test_all_zero_series(awkward):
    zeros = rows(awkward, "zeros")
    assert (zeros["model"] == "Zero").all()
    assert (zeros[["mean", "lo-80", "hi-95"]].to_numpy() == 0).all()


def test_ended_series_forecasts_zero(awkward):
    ended = rows(awkward, "ended")
    assert (ended["model"] == "Ended").all()
    assert (ended["mean"] == 0).all()
    assert "no sales in the last 5 quarters" in ended["note"].iloc[0]


def test_negative_quarters(awkward):
    neg = rows(awkward, "negative")
    assert "quarters <= 0" in neg["note"].iloc[0]
    assert np.isfinite(neg[["mean", "lo-95", "hi-95"]].to_numpy()).all()
    assert (neg["mean"] < 20).all()  # the series sits around -10


def test_level_shift_follows_the_new_level(awkward):
    shift = rows(awkward, "shift")["mean"].to_numpy()
    assert np.all((shift > 250) & (shift < 350))


def test_single_observation(awkward):
    single = rows(awkward, "single")
    assert (single["model"] == "Naive").all()
    assert (single["mean"] == 50).all()
    assert single[["lo-80", "hi-95"]].isna().all().all()
    assert "one observation" in single["note"].iloc[0]


def test_constant_series(awkward):
    const = rows(awkward, "constant")
    assert (const["model"] == "Constant").all()
    assert (const[["mean", "lo-95", "hi-95"]].to_numpy() == 7).all()


def test_leading_zeros_are_ignored(awkward):
    lead = rows(awkward, "leading")
    assert "3 leading zero quarter(s) ignored" in lead["note"].iloc[0]
    assert (lead["mean"] > 500).all()


def test_failing_member_is_left_out_and_named(monkeypatch):
    def broken(m):
        raise RuntimeError("boom")

    members = (*fc_module.MEMBERS[:3], fc_module._Member("Broken", broken, False, True))
    monkeypatch.setattr(fc_module, "MEMBERS", members)
    out = forecast(frame({"a": seasonal_series(20)}), 2, n_jobs=1)
    assert (out["model"] == "CES+ETS(AAA)+SES").all()
    assert "left out: Broken (RuntimeError: boom)" in out["note"].iloc[0]


def test_every_member_failing_falls_back_to_naive(monkeypatch):
    def broken(m):
        raise RuntimeError("boom")

    monkeypatch.setattr(fc_module, "MEMBERS", (fc_module._Member("Broken", broken, False, True),))
    y = seasonal_series(20)
    out = forecast(frame({"a": y}), 2, n_jobs=1)
    assert (out["model"] == "Naive").all()
    assert (out["mean"] == y[-1]).all()
    assert "every model failed" in out["note"].iloc[0]


def test_coverage_on_simulated_series():
    """Calibrated intervals cover about their level on series of known distribution.

    120 series: seasonal level plus a Gaussian AR(1) (phi 0.6, sd 5), 28 quarters, 4 ahead:
    480 actuals. Independent points would give a binomial standard error of 0.018 at 80 %; the
    four steps of a series are correlated and the multiplier itself is estimated from 480
    backtest errors, which roughly doubles it to ~0.03. The tolerances (0.08 at 80 %, 0.045 at
    95 %) are about 2.5 of those errors: a wrong multiplier (the 95 % one for 80 %, or none)
    lands far outside.
    """
    rng = np.random.default_rng(2024)
    n, h, k = 28, 4, 120
    series, future = {}, {}
    for i in range(k):
        e = rng.normal(0, 5, n + h)
        x = np.zeros(n + h)
        for t in range(1, n + h):
            x[t] = 0.6 * x[t - 1] + e[t]
        y = 100 + 10 * np.array([-1.0, 1.5, -0.5, 0.0])[np.arange(n + h) % 4] + x
        series[f"s{i}"], future[f"s{i}"] = y[:n], y[n:]
    out = forecast(frame(series), h, n_jobs=1)
    actual = np.concatenate([future[f"s{i}"] for i in range(k)])
    out = out.set_index("unique_id").loc[[f"s{i}" for i in range(k)]]
    inside80 = (actual >= out["lo-80"].to_numpy()) & (actual <= out["hi-80"].to_numpy())
    inside95 = (actual >= out["lo-95"].to_numpy()) & (actual <= out["hi-95"].to_numpy())
    assert abs(inside80.mean() - 0.80) < 0.08
    assert abs(inside95.mean() - 0.95) < 0.045


def test_uncalibrated_intervals_are_gaussian():
    out = forecast(frame({"a": seasonal_series(24)}), 3, n_jobs=1, calibrate=False)
    ratio = (out["hi-95"] - out["mean"]) / (out["hi-80"] - out["mean"])
    assert np.allclose(ratio, 1.959964 / 1.281552, rtol=1e-5)


def test_few_series_calibrate_from_several_origins():
    res = fit_forecast(frame({"a": seasonal_series(30)}), 4, n_jobs=1)
    assert res.calibration.calibrated
    assert res.calibration.scores.shape == (8, 4)  # eight origins, four steps each
    assert (res.calibration.series, res.calibration.origins) == (1, 8)
    assert (
        res.calibration.describe()
        == "calibrated on 32 backtest errors of 1 series from 8 origin(s)"
    )
    assert (res.forecasts["note"] == "").all()


def test_any_levels_on_request():
    out = forecast(frame({"a": seasonal_series(24)}), 2, level=[50, 99.5], n_jobs=1)
    assert {"lo-50", "hi-50", "lo-99.5", "hi-99.5"} <= set(out.columns)
    assert "lo-80" not in out.columns
    assert (out["hi-99.5"] > out["hi-50"]).all()
    none = forecast(frame({"a": seasonal_series(24)}), 2, level=None, n_jobs=1)
    assert not [c for c in none.columns if c.startswith(("lo-", "hi-"))]


def test_worker_processes_give_the_same_result():
    series = {f"s{i}": seasonal_series(16, seed=i) for i in range(25)}
    one = forecast(frame(series), 2, n_jobs=1)
    two = forecast(frame(series), 2, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


def test_fitted_values_for_reconciliation():
    y = seasonal_series(20)
    res = fit_forecast(frame({"a": y}), 2, n_jobs=1, fitted=True)
    fitted = res.fitted
    assert list(fitted.columns) == ["unique_id", "ds", "y", "fitted"]
    assert len(fitted) == 20
    residual = fitted["y"] - fitted["fitted"]
    assert np.nanmean(np.abs(residual)) < np.mean(np.abs(np.diff(y)))


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (lambda d: d.drop(columns="y"), "missing column"),
        (lambda d: d.assign(y=d["y"].where(d.index != 3)), "not numbers"),
        (lambda d: pd.concat([d, d.iloc[[2]]]), "the same quarter twice"),
        (lambda d: d.drop(index=5), "not consecutive"),
        (lambda d: d.assign(ds="not a date"), "dates cannot be read"),
    ],
)
def test_bad_input_is_a_data_error(bad, match):
    good = frame({"a": seasonal_series(12)})
    with pytest.raises(DataError, match=match):
        forecast(bad(good), 2, n_jobs=1)


def test_bad_horizon_and_level():
    good = frame({"a": seasonal_series(12)})
    with pytest.raises(ValueError, match="horizon"):
        forecast(good, 0)
    with pytest.raises(ValueError, match="between 0 and 100"):
        forecast(good, 2, level=[120])


def test_seasonality_test_and_indices():
    t = np.arange(40)
    exact = 100 * SEASON[t % 4]
    assert fc_module.seasonality_test(exact, 4)
    # the M4 test is strict on short series: 16 quarters of the same pattern do not pass
    # (lags 1-3 are strongly correlated too, which widens the limit to 0.87 > r4 = 0.75)
    assert not fc_module.seasonality_test(exact[:16], 4)
    assert not fc_module.seasonality_test(exact[:11], 4)  # fewer than three years
    noise = np.random.default_rng(0).normal(100, 1, 40)
    assert not fc_module.seasonality_test(noise, 4)
    assert np.allclose(fc_module.seasonal_indices(exact, 4), SEASON)
    additive = 50 + np.array([-3.0, 2.0, -1.0, 2.0])[t % 4]
    assert np.allclose(
        fc_module.seasonal_indices(additive, 4, multiplicative=False), [-3.0, 2.0, -1.0, 2.0]
    )


def test_naive2_reseasonalises_the_last_adjusted_value():
    t = np.arange(40)
    seasonal = 100 * SEASON[t % 4]
    flat = np.r_[np.linspace(10, 20, 15), 17.0]  # no seasonality: plain naive
    out = naive2(frame({"seasonal": seasonal, "flat": flat}), 5)
    s = out.loc[out["unique_id"] == "seasonal", "mean"].to_numpy()
    assert np.allclose(s, 100 * SEASON[np.arange(40, 45) % 4])
    assert (out.loc[out["unique_id"] == "flat", "mean"] == 17.0).all()

"""Calibrated intervals: coverage on simulated series, Gaussian fallback, several origins."""

from __future__ import annotations

import numpy as np
from forecast_examples import frame, seasonal_series

from analysis.forecasting.backends import InProcess
from analysis.forecasting.calibration import (
    MAX_CALIBRATION_SERIES,
    MIN_STEP_ERRORS,
    Calibration,
    calibration_plan,
    conformal_quantile,
)
from analysis.forecasting.forecaster import Forecaster, forecast
from analysis.forecasting.tasks import SeriesResult, TaskKey


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
    out = forecast(frame(series), h, backend=InProcess())
    actual = np.concatenate([future[f"s{i}"] for i in range(k)])
    out = out.set_index("unique_id").loc[[f"s{i}" for i in range(k)]]
    inside80 = (actual >= out["lo-80"].to_numpy()) & (actual <= out["hi-80"].to_numpy())
    inside95 = (actual >= out["lo-95"].to_numpy()) & (actual <= out["hi-95"].to_numpy())
    assert abs(inside80.mean() - 0.80) < 0.08
    assert abs(inside95.mean() - 0.95) < 0.045


def test_uncalibrated_intervals_are_gaussian():
    out = forecast(frame({"a": seasonal_series(24)}), 3, calibrate=False, backend=InProcess())
    ratio = (out["hi-95"] - out["mean"]) / (out["hi-80"] - out["mean"])
    assert np.allclose(ratio, 1.959964 / 1.281552, rtol=1e-5)


def test_few_series_calibrate_from_several_origins():
    model = Forecaster(4, backend=InProcess()).fit(frame({"a": seasonal_series(30)}))
    assert model.calibration.calibrated
    assert model.calibration.scores.shape == (8, 4)  # eight origins, four steps each
    assert (model.calibration.series, model.calibration.origins) == (1, 8)
    assert (
        model.calibration.describe()
        == "calibrated on 32 backtest errors of 1 series from 8 origin(s)"
    )
    assert (model.forecast()["note"] == "").all()


def test_too_few_errors_keep_gaussian_intervals_and_say_so():
    out = forecast(frame({"a": seasonal_series(13)}), 2, backend=InProcess())
    assert out["note"].str.contains("intervals not calibrated: too few backtest errors").all()


def test_many_series_are_spread_evenly():
    values = [np.arange(1.0, 21.0)] * (2 * MAX_CALIBRATION_SERIES + 1)
    plan = calibration_plan(values, 4, 4)
    assert len(plan) == 2 * MAX_CALIBRATION_SERIES  # from two origins
    first = [key for key in plan if key.held_out == 4]
    assert len(first) == MAX_CALIBRATION_SERIES
    assert first[0] == TaskKey(0, 4) and first[-1] == TaskKey(2 * MAX_CALIBRATION_SERIES, 4)


def test_scores_skip_zero_width_refits():
    values = [np.arange(1.0, 11.0), np.zeros(10)]
    plan = [TaskKey(0, 2), TaskKey(1, 2)]
    results = {
        TaskKey(0, 2): SeriesResult(np.array([8.0, 8.0]), np.array([1.0, 2.0]), "Naive"),
        TaskKey(1, 2): SeriesResult(np.zeros(2), np.zeros(2), "Zero"),
    }
    calibration = Calibration.from_backtests(values, plan, results, 2)
    # actuals 9 and 10 (the two quarters held out), errors 1 and 2, sd 1 and 2
    np.testing.assert_array_equal(calibration.scores, [[1.0, 1.0]])
    assert not calibration.calibrated  # 2 errors, fewer than MIN_CALIBRATION_ERRORS
    assert (calibration.series, calibration.origins) == (2, 1)


def test_conformal_quantile():
    scores = np.arange(1.0, 11.0)  # 1 .. 10
    assert conformal_quantile(scores, 80) == 9.0  # ceil(11 * 0.8) = 9th smallest
    assert conformal_quantile(scores, 95) == 10.0  # beyond the last: the largest
    # few scores: one multiplier shared by every step
    np.testing.assert_array_equal(Calibration(scores.reshape(5, 2), True).multiplier(80), 9.0)
    gaussian = Calibration(scores.reshape(5, 2), False).multiplier(95)
    np.testing.assert_allclose(gaussian, [1.959964, 1.959964], rtol=1e-6)


def test_each_step_has_its_own_multiplier_once_it_has_enough_errors():
    rows = MIN_STEP_ERRORS
    # step 2's errors are twice step 1's: one shared multiplier would fit neither
    scores = np.c_[np.linspace(0, 1, rows), np.linspace(0, 2, rows)]
    multipliers = Calibration(scores, True).multiplier(80)
    np.testing.assert_allclose(multipliers[1], 2 * multipliers[0])
    np.testing.assert_array_equal(multipliers, [conformal_quantile(s, 80) for s in scores.T])
    shared = Calibration(scores[: rows - 1], True).multiplier(80)
    assert shared[0] == shared[1] == conformal_quantile(scores[: rows - 1].ravel(), 80)


def test_calibration_comes_from_at_least_two_origins():
    values = [np.arange(1.0, 31.0)] * MAX_CALIBRATION_SERIES  # errors enough from one origin
    plan = calibration_plan(values, 4, 4)
    assert {key.held_out for key in plan} == {4, 5}
    assert len(plan) == 2 * MAX_CALIBRATION_SERIES


def test_groups_are_calibrated_on_their_own_refits():
    # ten calm series and ten wild ones: calibrated apart, each group's intervals are those it
    # gets when forecast alone (too few windows here for the pooled member, which would differ)
    calm = {f"calm{i}": seasonal_series(14, seed=i) for i in range(10)}
    wild = {f"wild{i}": seasonal_series(14, seed=20 + i) * (1 + 0.3 * (i % 3)) for i in range(10)}
    groups = {uid: "calm" for uid in calm} | {uid: "wild" for uid in wild}
    together = Forecaster(4, backend=InProcess())
    together.fit(frame(calm | wild), groups=groups)
    assert set(together.calibrations) == {"calm", "wild"}
    out = together.forecast().set_index(["unique_id", "ds"])
    for part in (calm, wild):
        alone = forecast(frame(part), 4, backend=InProcess()).set_index(["unique_id", "ds"])
        np.testing.assert_allclose(out.loc[alone.index, "hi-95"], alone["hi-95"])
    pooled = forecast(frame(calm | wild), 4, backend=InProcess()).set_index(["unique_id", "ds"])
    assert not np.allclose(out["hi-95"], pooled.loc[out.index, "hi-95"])


def test_small_groups_are_calibrated_together():
    series = {f"s{i}": seasonal_series(20, seed=i) for i in range(4)}
    groups = {"s0": "total", "s1": "channel", "s2": "channel"}  # s3 in no group
    model = Forecaster(4, backend=InProcess()).fit(frame(series), groups=groups)
    assert list(model.calibrations) == [None]
    assert model.calibrations[None].series == 4

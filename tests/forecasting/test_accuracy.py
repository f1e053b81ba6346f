"""Accuracy measures against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.forecasting import accuracy

# Actuals, forecasts and a two-year history shared by the hand computations below.
Y = [10.0, 20.0, 30.0, 40.0]
F = [12.0, 18.0, 33.0, 40.0]  # errors f - y: +2, -2, +3, 0
TRAIN = [5.0, 7.0, 6.0, 8.0, 9.0, 8.0, 10.0, 12.0]  # lag-4 differences: 4, 1, 4, 4
LO = [9.0, 19.0, 31.0, 35.0]
HI = [11.0, 25.0, 33.0, 45.0]  # 30 falls 1 below its interval; the others are inside


def test_mae_rmse_bias():
    assert accuracy.mae(Y, F) == pytest.approx(7 / 4)  # (2 + 2 + 3 + 0) / 4
    assert accuracy.rmse(Y, F) == pytest.approx(math.sqrt(17 / 4))  # (4 + 4 + 9 + 0) / 4
    assert accuracy.bias(Y, F) == pytest.approx(3 / 4)  # (2 - 2 + 3 + 0) / 4: too high


def test_mape():
    # 100 * (2/10 + 2/20 + 3/30 + 0/40) / 4 = 100 * 0.4 / 4
    assert accuracy.mape(Y, F) == pytest.approx(10.0)


def test_mape_skips_zero_actuals():
    # only the second point counts: 100 * 1/4
    assert accuracy.mape([0.0, 4.0], [1.0, 5.0]) == pytest.approx(25.0)
    assert math.isnan(accuracy.mape([0.0, 0.0], [1.0, 2.0]))


def test_smape():
    # 200 * (2/22 + 2/38 + 3/63 + 0/80) / 4
    expected = 50 * (2 / 22 + 2 / 38 + 3 / 63)
    assert accuracy.smape(Y, F) == pytest.approx(expected)
    assert accuracy.smape(Y, F) == pytest.approx(9.557986, abs=1e-6)


def test_smape_both_zero_counts_as_perfect():
    # (0 for the 0/0 point + 200 * 1/1) / 2
    assert accuracy.smape([0.0, 1.0], [0.0, 0.0]) == pytest.approx(100.0)


def test_mase_and_rmsse():
    # scale: mean |lag-4 differences| = (4 + 1 + 4 + 4) / 4 = 3.25; MAE 1.75
    assert accuracy.scale_mae(TRAIN, 4) == pytest.approx(3.25)
    assert accuracy.mase(Y, F, TRAIN, 4) == pytest.approx(1.75 / 3.25)
    # scale: sqrt((16 + 1 + 16 + 16) / 4) = 3.5; RMSE sqrt(4.25)
    assert accuracy.scale_rmse(TRAIN, 4) == pytest.approx(3.5)
    assert accuracy.rmsse(Y, F, TRAIN, 4) == pytest.approx(math.sqrt(4.25) / 3.5)


def test_mase_short_history_uses_lag_one():
    # three quarters (< one year): lag-1 differences 2, -1 -> scale 1.5; MAE 3
    assert accuracy.mase([10.0], [13.0], [5.0, 7.0, 6.0], 4) == pytest.approx(2.0)


def test_mase_undefined_scale_is_nan():
    assert math.isnan(accuracy.mase([1.0], [2.0], [3.0, 3.0, 3.0, 3.0, 3.0], 4))
    assert math.isnan(accuracy.mase([1.0], [2.0], [3.0], 4))


def test_coverage_and_winkler():
    assert accuracy.coverage(Y, LO, HI) == pytest.approx(0.75)
    # widths 2 + 6 + 2 + 10 = 20; 30 is 1 below lo=31, penalty 2/0.2 * 1 = 10; (20 + 10) / 4
    assert accuracy.winkler(Y, LO, HI, 80) == pytest.approx(7.5)
    # at 95 %: penalty 2/0.05 * 1 = 40; (20 + 40) / 4
    assert accuracy.winkler(Y, LO, HI, 95) == pytest.approx(15.0)


def test_owa_and_skill():
    # 0.5 * (9/10 + 1.1/1.25) = 0.5 * (0.9 + 0.88)
    assert accuracy.owa(9.0, 1.1, 10.0, 1.25) == pytest.approx(0.89)
    assert accuracy.skill(0.8, 1.0) == pytest.approx(0.2)
    assert math.isnan(accuracy.skill(0.8, 0.0))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shape"):
        accuracy.smape([1.0, 2.0], [1.0])


def test_score_and_overall_frames():
    ds = pd.date_range("2024-01-01", periods=4, freq="QS")
    train_ds = pd.date_range("2022-01-01", periods=8, freq="QS")
    forecasts = pd.DataFrame(
        {
            "unique_id": ["a"] * 4 + ["b"] * 4,
            "ds": list(ds) * 2,
            "mean": F + Y,  # series b is forecast perfectly
            "lo-80": LO + Y,
            "hi-80": HI + Y,
        }
    )
    actuals = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 4, "ds": list(ds) * 2, "y": Y + Y})
    train = pd.DataFrame(
        {"unique_id": ["a"] * 8 + ["b"] * 8, "ds": list(train_ds) * 2, "y": TRAIN + TRAIN}
    )
    per = accuracy.score(forecasts, actuals, train, season_length=4, level=(80,))
    a = per.set_index("unique_id").loc["a"]
    assert a["smape"] == pytest.approx(9.557986, abs=1e-6)
    assert a["mase"] == pytest.approx(1.75 / 3.25)
    assert a["coverage-80"] == pytest.approx(0.75)
    assert per.set_index("unique_id").loc["b", "smape"] == 0.0
    overall = accuracy.overall(per)
    assert overall["smape"] == pytest.approx(9.557986 / 2, abs=1e-6)
    assert overall["coverage-80"] == pytest.approx(7 / 8)  # 3 + 4 of 8 points inside
    assert overall["series"] == 2


def test_score_ignores_forecasts_without_actuals():
    ds = pd.date_range("2024-01-01", periods=3, freq="QS")
    forecasts = pd.DataFrame({"unique_id": "a", "ds": ds, "mean": [1.0, 2.0, 99.0]})
    actuals = pd.DataFrame({"unique_id": "a", "ds": ds[:2], "y": [1.0, 2.0]})
    per = accuracy.score(forecasts, actuals, actuals, level=())
    assert per.loc[0, "n"] == 2
    assert per.loc[0, "smape"] == 0.0
    assert per.loc[0, "mase"] == 0.0  # short history: lag-1 scale (2 - 1 = 1)

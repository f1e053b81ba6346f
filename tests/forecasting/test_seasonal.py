"""Seasonal adjustment: the M4 seasonality test, classical decomposition, the adjustment."""

from __future__ import annotations

import numpy as np
from forecast_examples import SEASON

from analysis.forecasting.seasonal import Adjustment, seasonal_indices, seasonality_test


def test_seasonality_test_and_indices():
    t = np.arange(40)
    exact = 100 * SEASON[t % 4]
    assert seasonality_test(exact, 4)
    # the M4 test is strict on short series: 16 quarters of the same pattern do not pass
    # (lags 1-3 are strongly correlated too, which widens the limit to 0.87 > r4 = 0.75)
    assert not seasonality_test(exact[:16], 4)
    assert not seasonality_test(exact[:11], 4)  # fewer than three years
    noise = np.random.default_rng(0).normal(100, 1, 40)
    assert not seasonality_test(noise, 4)
    assert np.allclose(seasonal_indices(exact, 4), SEASON)
    additive = 50 + np.array([-3.0, 2.0, -1.0, 2.0])[t % 4]
    assert np.allclose(seasonal_indices(additive, 4, multiplicative=False), [-3.0, 2.0, -1.0, 2.0])


def test_adjustment_removes_and_restores_the_season():
    t = np.arange(40)
    exact = 100 * SEASON[t % 4]
    adjustment = Adjustment.of(exact, 4)
    assert adjustment.kind == "multiplicative"
    assert np.allclose(adjustment.remove(exact), 100)
    # a forecast starts at position len(y): the season continues where the history stopped
    assert np.allclose(adjustment.restore(np.full(3, 100.0), 40), 100 * SEASON[:3])
    assert np.allclose(adjustment.restore_sd(np.ones(2), 41), SEASON[1:3])
    shifted = exact - 100  # values <= 0: additive
    assert Adjustment.of(shifted, 4).kind == "additive"
    plain = Adjustment.of(np.random.default_rng(0).normal(100, 1, 40), 4)
    assert plain.kind == "none"
    y = np.arange(5.0)
    assert plain.remove(y) is y and plain.restore(y, 0) is y

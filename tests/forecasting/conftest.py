"""Fixtures of the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from forecast_examples import frame, seasonal_series

from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import forecast


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
    return forecast(frame(series), 4, backend=InProcess())

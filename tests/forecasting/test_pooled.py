"""The pooled member: used only with enough training windows, and only for positive series."""

from __future__ import annotations

import numpy as np
from forecast_examples import frame, seasonal_series

from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import COMBINATION, forecast
from analysis.forecasting.pooled import GLOBAL_LAGS, global_ar


def test_global_member_needs_enough_windows():
    values = [seasonal_series(28, seed=s) for s in range(12)]  # 12 * (28 - 8 - 4 + 1) = 204
    pooled = global_ar(values, 4)
    assert all(f is not None and f.shape == (4,) for f in pooled)
    assert all(f is None for f in global_ar(values[:5], 4))  # 85 windows
    out = forecast(frame({str(i): y for i, y in enumerate(values)}), 4, backend=InProcess())
    assert (out["model"] == COMBINATION).all()


def test_global_member_leaves_out_short_and_non_positive_series():
    values = [seasonal_series(28, seed=s) for s in range(12)]
    short = values[0][-(GLOBAL_LAGS - 1) :]
    returns = np.r_[values[1][:-1], -5.0]
    pooled = global_ar([*values, short, returns], 4)
    assert pooled[-2] is None and pooled[-1] is None
    assert all(f is not None for f in pooled[:-2])

"""The member models: labels, and the closed-form ARIMA(1,1,0) with drift."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.forecasting.members import MEMBERS, TOO_FEW, DriftAR1
from analysis.forecasting.one_series import COMBINATION
from analysis.forecasting.pooled import GLOBAL_NAME


def test_members_make_the_combination_label():
    assert "+".join([m.name for m in MEMBERS] + [GLOBAL_NAME]) == COMBINATION
    assert [m.name for m in MEMBERS if m.spread] == ["ETS(AAA)", "ETS"]


def test_drift_ar1_extrapolates_the_changes():
    # changes d_t = 2 + 0.5 * d_(t-1) exactly: the regression finds c = 2, phi = 0.5
    d = [4.0]
    for _ in range(9):
        d.append(2 + 0.5 * d[-1])
    y = np.r_[10.0, 10.0 + np.cumsum(d)]
    out = DriftAR1().forecast(y, 3, fitted=True)
    steps, step = [], d[-1]
    for _ in range(3):
        step = 2 + 0.5 * step
        steps.append(step)
    np.testing.assert_allclose(out["mean"], y[-1] + np.cumsum(steps))
    assert len(out["fitted"]) == len(y)
    np.testing.assert_allclose(out["fitted"][2:], y[2:])
    with pytest.raises(ValueError, match=TOO_FEW):
        DriftAR1().forecast(y[:4], 2)

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


def test_drift_ar1_keeps_a_fall_falling_when_phi_is_cut():
    # a straight fall that slows at the end: the regression's phi is far above 0.99; cut to
    # 0.99, the drift is refitted for it (the drift of the uncut fit turned the fall into a rise)
    y = np.r_[np.linspace(300, 30, 14), 12.0, 4.0]
    d = np.diff(y)
    mean = DriftAR1().forecast(y, 4)["mean"]
    c = np.mean(d[1:] - 0.99 * d[:-1])
    steps = [c + 0.99 * d[-1]]
    for _ in range(3):
        steps.append(c + 0.99 * steps[-1])
    np.testing.assert_allclose(mean, y[-1] + np.cumsum(steps))
    assert (np.diff(np.r_[y[-1], mean]) < 0).all()

"""Sales never below zero get forecasts never below zero: single series and hierarchies."""

from __future__ import annotations

import numpy as np
import pandas as pd
from forecast_examples import frame, rows, seasonal_series
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.forecasting import censor, reconcile
from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import Forecaster, forecast

ORDER = ["lo-95", "lo-80", "mean", "hi-80", "hi-95"]


def ordered_and_non_negative(fc: pd.DataFrame) -> None:
    values = fc[ORDER].to_numpy()
    assert (values >= 0).all()
    assert (np.diff(values, axis=1) >= -1e-9).all()


def test_a_series_declining_to_zero_is_forecast_at_zero_or_more():
    falling = np.r_[np.linspace(400, 40, 14), 20.0, 8.0]  # a product being phased out
    fc = forecast(frame({"falling": falling}), 6, backend=InProcess())
    ordered_and_non_negative(fc)
    assert (fc["mean"] == 0).any()  # the models went below zero, the forecast does not
    assert censor.CLIPPED_NOTE in fc["note"].iloc[0]
    raw = Forecaster(6, censor=False, backend=InProcess()).fit(frame({"falling": falling}))
    assert (raw.forecast()["mean"] < 0).any()  # what it was before censoring


def test_series_that_go_below_zero_keep_their_sign():
    returns = -np.linspace(50, 400, 16)  # a returns-only series, growing
    fc = forecast(frame({"returns": returns}), 4, backend=InProcess())
    assert (fc["mean"] < 0).all() and (fc["lo-95"] < fc["mean"]).all()
    assert censor.CLIPPED_NOTE not in fc["note"].iloc[0]


def test_bounds_below_zero_become_zero_and_keep_their_order():
    noisy = np.abs(np.random.default_rng(3).normal(10, 9, 16))  # small and noisy: wide intervals
    fc = forecast(frame({"noisy": noisy}), 4, backend=InProcess())
    ordered_and_non_negative(fc)
    assert (fc["lo-95"] == 0).any() and (fc["mean"] > 0).all()


def test_coherent_at_zero_by_hand():
    # Total = a + b; MinT left b at -3 in the first quarter
    S = pd.DataFrame({"unique_id": ["Total", "a", "b"], "a": [1, 1, 0], "b": [1, 0, 1]})
    ds = pd.to_datetime(["2026-01-01", "2026-04-01"])
    fc = pd.DataFrame(
        {
            "unique_id": ["Total", "Total", "a", "a", "b", "b"],
            "ds": list(ds) * 3,
            "mean": [7.0, 12.0, 10.0, 8.0, -3.0, 4.0],
        }
    )
    fc["lo-80"] = fc["mean"] - 5
    fc["hi-80"] = fc["mean"] + 5
    out, cut = censor.coherent_at_zero(fc, S, {"Total", "a", "b"})
    assert cut == {"b"}
    got = out.set_index(["unique_id", "ds"])
    assert got.loc[("b", ds[0]), "mean"] == 0
    assert got.loc[("Total", ds[0]), "mean"] == 10  # added up again: 10 + 0
    assert got.loc[("Total", ds[0]), "hi-80"] == 15  # the interval moved with its mean
    assert got.loc[("Total", ds[1]), "mean"] == 12  # untouched where nothing was cut
    assert got.loc[("b", ds[0]), "lo-80"] == 0 and got.loc[("b", ds[1]), "lo-80"] == 0
    # a bottom series that does go below zero is left as it is
    kept, cut = censor.coherent_at_zero(fc, S, {"Total", "a"})
    assert not cut and kept.set_index(["unique_id", "ds"]).loc[("b", ds[0]), "mean"] == -3


LEVELS = ((), ("channel",), ("channel", "region"))
BOTTOM = [("A", "x"), ("A", "y"), ("B", "z")]


def hierarchy(values: list[np.ndarray]) -> reconcile.Hierarchy:
    ds = pd.date_range("2022-01-01", periods=len(values[0]), freq="QS")
    parts = [
        pd.DataFrame({"channel": c, "region": r, "ds": ds, "y": values[i]})
        for i, (c, r) in enumerate(BOTTOM)
    ]
    return reconcile.from_bottom(pd.concat(parts), ["channel", "region"], LEVELS)


def test_reconciled_hierarchy_stays_coherent_and_non_negative():
    # one region of channel A is running down to nothing while the rest grow
    fading = np.r_[np.linspace(300, 30, 14), 12.0, 4.0]
    hier = hierarchy([seasonal_series(16, seed=1), fading, seasonal_series(16, 600, seed=2)])
    for method in reconcile.METHODS:
        fc = reconcile.forecast_hierarchy(hier, 6, methods=(method,), backend=InProcess())
        ordered_and_non_negative(fc)
        assert reconcile.coherence_gap(fc, hier) <= 1e-7 * fc["mean"].abs().max()
        faded = fc.loc[fc["unique_id"] == "A/y"]
        assert (faded["mean"] == 0).any(), method
        assert faded["note"].str.contains(censor.CLIPPED_NOTE, regex=False).all()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    values=arrays(
        np.float64,
        st.integers(2, 14),
        elements=st.floats(min_value=0, max_value=1_000, allow_nan=False, width=32),
    ),
    more=st.floats(min_value=0, max_value=50, allow_nan=False),
)
def test_intervals_nested_around_the_mean_and_never_negative(values, more):
    df = frame({"x": values, "y": np.r_[values[::-1], more]})
    fc = forecast(df, 3, backend=InProcess())
    for uid in ("x", "y"):
        fit = rows(fc, uid).dropna(subset=ORDER)  # one observation: no interval
        if len(fit):
            ordered_and_non_negative(fit)

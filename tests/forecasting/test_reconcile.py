"""Coherent hierarchy forecasts: the summing structure, and reconciled series that add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.core.quarters import FiscalCalendar
from analysis.data import series
from analysis.forecasting import reconcile
from analysis.forecasting.backends import InProcess

LEVELS = ((), ("channel",), ("channel", "region"), ("channel", "product_line"))
# Channel A sells in two regions and two product lines, channel B in one of each.
BOTTOM = [("A", "x", "p"), ("A", "x", "q"), ("A", "y", "p"), ("B", "z", "p")]
N = 12


def bottom_frame(values: np.ndarray) -> pd.DataFrame:
    ds = pd.date_range("2022-01-01", periods=N, freq="QS")
    parts = [
        pd.DataFrame({"channel": c, "region": r, "product_line": p, "ds": ds, "y": values[i]})
        for i, (c, r, p) in enumerate(BOTTOM)
    ]
    return pd.concat(parts, ignore_index=True)


def test_summing_matrix_and_tags():
    values = np.arange(len(BOTTOM) * N, dtype="float64").reshape(len(BOTTOM), N)
    hier = reconcile.from_bottom(
        bottom_frame(values), ["channel", "region", "product_line"], LEVELS
    )
    assert list(hier.tags) == [
        "total",
        "channel",
        "channel/region",
        "channel/product_line",
        "channel/region/product_line",
    ]
    assert list(hier.tags["channel/region"]) == ["A/x", "A/y", "B/z"]
    S = hier.S.set_index("unique_id")
    assert S.shape == (1 + 2 + 3 + 3 + 4, 4)
    assert S.loc["Total"].tolist() == [1, 1, 1, 1]
    assert S.loc["A/x"].tolist() == [1, 1, 0, 0]
    assert S.loc["A/p"].tolist() == [1, 0, 1, 0]
    # every aggregate is the sum of its bottom series, quarter by quarter
    wide = hier.frame.pivot(index="ds", columns="unique_id", values="y")
    bottom = wide[S.columns].to_numpy()
    assert np.allclose(wide[S.index].to_numpy(), bottom @ S.to_numpy().T)


def test_build_from_sales_lines_matches_series_hierarchy():
    rng = np.random.default_rng(1)
    dates = pd.date_range("2023-01-01", "2024-12-31", freq="7D")
    sales = pd.DataFrame(
        {
            "date": dates,
            "channel": rng.choice(["Online", "Retail"], len(dates)),
            "region": rng.choice(["East", "West"], len(dates)),
            "product_line": rng.choice(["Tea", "Coffee"], len(dates)),
            "quantity": 1.0,
            "revenue": rng.integers(100, 10000, len(dates)) / 100,
        }
    )
    calendar = FiscalCalendar()
    hier = reconcile.build(sales, calendar, LEVELS)
    expected = series.hierarchy(sales, calendar, LEVELS)
    got = hier.frame.merge(expected[["unique_id", "ds", "y"]], on=["unique_id", "ds"])
    assert len(got) == len(expected)  # every reported series and quarter is there
    assert np.allclose(got["y_x"], got["y_y"], atol=1e-6)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    values=arrays(
        np.float64,
        (len(BOTTOM), N),
        elements=st.floats(min_value=-500, max_value=50_000, allow_nan=False, width=32),
    ),
    method=st.sampled_from(reconcile.METHODS),
)
# a bottom series that once went below zero (returns) under a total that never did
@example(values=np.vstack([[34.0, -1.0, *[1.0] * (N - 2)], *[[1.0] * N] * 3]), method="bottom_up")
def test_reconciled_forecasts_add_up(values, method):
    hier = reconcile.from_bottom(
        bottom_frame(values), ["channel", "region", "product_line"], LEVELS
    )
    fc = reconcile.forecast_hierarchy(hier, 3, methods=(method,), backend=InProcess())
    scale = max(1.0, float(np.abs(fc["mean"]).max()))
    assert reconcile.coherence_gap(fc, hier) <= 1e-7 * scale
    # in particular the channels add up to the company total
    wide = fc.pivot(index="ds", columns="unique_id", values="mean")
    assert np.allclose(wide["A"] + wide["B"], wide["Total"], rtol=1e-9, atol=1e-7 * scale)


def seasonal_values(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    season = np.array([0.8, 1.2, 0.9, 1.1])[t % 4]
    return np.vstack([(1000 + 30 * t) * season + rng.normal(0, 30, N) for _ in BOTTOM])


@pytest.fixture(scope="module")
def hierarchy() -> reconcile.Hierarchy:
    return reconcile.from_bottom(
        bottom_frame(seasonal_values()), ["channel", "region", "product_line"], LEVELS
    )


def test_forecast_hierarchy_output(hierarchy):
    fc = reconcile.forecast_hierarchy(hierarchy, 2, methods=reconcile.METHODS, include_base=True)
    assert list(fc.columns) == [
        "unique_id",
        "level",
        "ds",
        "method",
        "mean",
        "lo-80",
        "hi-80",
        "lo-95",
        "hi-95",
        "model",
        "note",
        "history",
    ]
    assert set(fc["method"]) == {"base", "bottom_up", "mint_shrink"}
    assert len(fc) == 3 * 13 * 2
    base = fc.loc[fc["method"] == "base"]
    assert reconcile.coherence_gap(base, hierarchy) > 1.0  # base forecasts do not add up
    bottom_up = fc.loc[fc["method"] == "bottom_up"].set_index(["unique_id", "ds"])["mean"]
    base_mean = base.set_index(["unique_id", "ds"])["mean"]
    bottom_ids = hierarchy.tags["channel/region/product_line"]
    assert np.allclose(bottom_up.loc[bottom_ids], base_mean.loc[bottom_ids])
    mint = fc.loc[fc["method"] == "mint_shrink"]
    assert (mint["lo-95"] <= mint["mean"]).all() and (mint["mean"] <= mint["hi-95"]).all()
    # by default each series keeps its calibrated base widths around the reconciled mean
    keyed = mint.set_index(["unique_id", "ds"])
    base_keyed = base.set_index(["unique_id", "ds"]).loc[keyed.index]
    assert np.allclose(
        keyed["hi-80"] - keyed["mean"], base_keyed["hi-80"] - base_keyed["mean"], atol=1e-6
    )


def test_normality_intervals(hierarchy):
    fc = reconcile.forecast_hierarchy(hierarchy, 2, intervals="normality", backend=InProcess())
    assert (fc["lo-80"] < fc["mean"]).all() and (fc["mean"] < fc["hi-80"]).all()
    assert (fc["hi-95"] > fc["hi-80"]).all()
    with pytest.raises(ValueError, match="intervals must be"):
        reconcile.forecast_hierarchy(hierarchy, 2, intervals="bootstrap", backend=InProcess())


def test_backtest_hierarchy_table(hierarchy):
    table, forecasts = reconcile.backtest_hierarchy(
        hierarchy, h=2, n_windows=2, backend=InProcess()
    )
    assert len(table) == 5 * 3  # five levels, three methods
    assert set(table.columns) >= {"level", "method", "smape", "mase", "rmsse", "coverage-80"}
    assert list(table["level"].unique()) == list(hierarchy.tags)
    bottom = table.loc[table["level"] == "channel/region/product_line"].set_index("method")
    assert bottom.loc["bottom_up", "mase"] == pytest.approx(bottom.loc["base", "mase"])
    assert forecasts["cutoff"].nunique() == 2


def test_unknown_method():
    hier = reconcile.from_bottom(
        bottom_frame(seasonal_values()), ["channel", "region", "product_line"], LEVELS
    )
    with pytest.raises(ValueError, match="unknown reconciliation method"):
        reconcile.forecast_hierarchy(hier, 2, methods=("optimal",), backend=InProcess())


def test_mint_falls_back_to_structural_weights_without_error_variance():
    # constant series fit perfectly: there are no in-sample errors for MinT's covariance
    values = np.vstack([np.full(N, 5.0), np.full(N, 7.0), np.full(N, 1.0), np.full(N, 2.0)])
    hier = reconcile.from_bottom(
        bottom_frame(values), ["channel", "region", "product_line"], LEVELS
    )
    fc = reconcile.forecast_hierarchy(hier, 2, methods=("mint_shrink",), backend=InProcess())
    assert np.isfinite(fc["mean"]).all()
    assert fc["note"].str.contains("structural weights").all()
    assert reconcile.coherence_gap(fc, hier) < 1e-6
    total = fc.loc[fc["unique_id"] == "Total", "mean"]
    assert np.allclose(total, 15.0)

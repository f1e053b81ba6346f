"""Rolling-origin evaluation: windows, alignment, benchmark and scores checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.forecasting import backtest
from analysis.forecasting.backends import InProcess


def last_value(df: pd.DataFrame, h: int, level=None, season_length: int = 4) -> pd.DataFrame:
    """A forecaster simple enough to check by hand: repeat the last value, interval ±1."""
    parts = []
    for uid, g in df.groupby("unique_id"):
        ds = pd.date_range(g["ds"].max(), periods=h + 1, freq="QS")[1:]
        last = float(g["y"].iloc[-1])
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": ds,
                    "mean": last,
                    "lo-80": last - 1,
                    "hi-80": last + 1,
                    "model": "Last",
                    "note": "",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def history() -> pd.DataFrame:
    # y = 1, 2, ..., 12 over twelve quarters: every lag-4 difference is 4
    return pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.date_range("2022-01-01", periods=12, freq="QS"),
            "y": np.arange(1.0, 13.0),
        }
    )


def test_windows_cutoffs_and_alignment(history):
    cv = backtest.cross_validation(history, 2, n_windows=3, forecaster=last_value, level=(80,))
    assert list(cv.columns[:4]) == ["unique_id", "cutoff", "ds", "y"]
    assert len(cv) == 3 * 2
    # the last window ends with the last quarter; each earlier one a quarter before
    cutoffs = sorted(cv["cutoff"].unique())
    assert cutoffs == list(pd.to_datetime(["2023-10-01", "2024-01-01", "2024-04-01"]))
    last = cv.loc[cv["cutoff"] == cutoffs[-1]]
    assert list(last["y"]) == [11.0, 12.0]
    assert list(last["mean"]) == [10.0, 10.0]
    # seasonal naive: the same quarters a year before the cutoff (y = 7, 8)
    assert list(last["snaive"]) == [7.0, 8.0]


def test_step_size(history):
    cv = backtest.cross_validation(
        history, 1, n_windows=3, step_size=2, forecaster=last_value, level=(80,)
    )
    assert list(cv["y"]) == [8.0, 10.0, 12.0]


def test_summarize_by_hand(history):
    cv = backtest.cross_validation(history, 2, n_windows=2, forecaster=last_value, level=(80,))
    per, overall = backtest.summarize(cv, history, level=(80,))
    # Window 1 (cutoff y=9): forecasts 9, 9 for 10, 11 -> errors 1, 2: MAE 1.5.
    # Window 2 (cutoff y=10): forecasts 10, 10 for 11, 12 -> MAE 1.5. Scale (lag 4) is 4.
    assert per.loc[0, "mase"] == pytest.approx(1.5 / 4)
    assert per.loc[0, "rmsse"] == pytest.approx(np.sqrt((1 + 4) / 2) / 4)
    # seasonal naive is 4 off everywhere: MASE 1
    assert per.loc[0, "snaive_mase"] == pytest.approx(1.0)
    assert overall["skill-mase"] == pytest.approx(1 - 0.375)
    # interval ±1: covers the 1-step actuals (error 1), misses the 2-step ones (error 2)
    assert overall["coverage-80"] == pytest.approx(0.5)
    assert per.loc[0, "bias"] == pytest.approx(-1.5)  # too low by 1.5 on average
    assert overall["windows"] == 2


def test_short_series_are_left_out_of_early_windows():
    df = pd.DataFrame(
        {
            "unique_id": ["long"] * 10 + ["short"] * 4,
            "ds": list(pd.date_range("2023-01-01", periods=10, freq="QS"))
            + list(pd.date_range("2024-07-01", periods=4, freq="QS")),
            "y": np.r_[np.arange(10.0), np.arange(4.0)],
        }
    )
    cv = backtest.cross_validation(df, 1, n_windows=3, forecaster=last_value, min_train=2)
    assert cv.groupby("unique_id").size().to_dict() == {"long": 3, "short": 2}


def test_with_the_default_forecaster():
    rng = np.random.default_rng(3)
    t = np.arange(24)
    df = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.date_range("2019-01-01", periods=24, freq="QS"),
            "y": 100 + 2 * t + 10 * np.array([-1, 1, 0.5, -0.5])[t % 4] + rng.normal(0, 2, 24),
        }
    )
    cv = backtest.cross_validation(df, 2, n_windows=2, backend=InProcess())
    _, overall = backtest.summarize(cv, df)
    assert {"mean", "lo-80", "hi-95", "model", "note", "snaive"} <= set(cv.columns)
    assert overall["skill-mase"] > 0  # a trend the seasonal naive misses
    assert 0 <= overall["coverage-95"] <= 1

"""Input checks and dates: unusable input is a DataError naming what was expected."""

from __future__ import annotations

import pandas as pd
import pytest
from forecast_examples import frame, seasonal_series

from analysis.core.errors import DataError
from analysis.forecasting import frames
from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import forecast


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (lambda d: d.drop(columns="y"), "missing column"),
        (lambda d: d.assign(y=d["y"].where(d.index != 3)), "not numbers"),
        (lambda d: pd.concat([d, d.iloc[[2]]]), "the same quarter twice"),
        (lambda d: d.drop(index=5), "not consecutive"),
        (lambda d: d.assign(ds="not a date"), "dates cannot be read"),
    ],
)
def test_bad_input_is_a_data_error(bad, match):
    good = frame({"a": seasonal_series(12)})
    with pytest.raises(DataError, match=match):
        forecast(bad(good), 2, backend=InProcess())


def test_frequency_and_future_dates():
    df = frame({"a": seasonal_series(12), "b": seasonal_series(2)}, start="2020-01-01")
    checked, freq = frames.prepare(df.iloc[::-1], None)
    assert list(checked["unique_id"].unique()) == ["a", "b"]
    last = checked.groupby("unique_id")["ds"].last()
    future = frames.future_dates(last, 2, freq)
    expected = ["2023-01-01", "2023-04-01", "2020-07-01", "2020-10-01"]
    assert list(future) == list(pd.to_datetime(expected))
    # too short to infer from: first days of months a quarter apart are quarter starts
    short = pd.DataFrame({"unique_id": "c", "ds": pd.to_datetime(["2020-02-01", "2020-05-01"])})
    assert frames.infer_freq(short) == "QS-FEB"


def test_level_names():
    assert frames.normalise_levels([95, 80, 80.0]) == [80.0, 95.0]
    assert [frames.level_name(v) for v in (80.0, 99.5)] == ["80", "99.5"]
    with pytest.raises(ValueError, match="between 0 and 100"):
        frames.normalise_levels([0])

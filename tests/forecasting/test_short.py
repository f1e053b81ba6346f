"""Short histories: the method fit for them, the quarters counted and the note reports show."""

from __future__ import annotations

import numpy as np
import pandas as pd
from forecast_examples import frame, rows, seasonal_series

from analysis.forecasting import short
from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import forecast

NOTE = "the uncertainty is larger than the interval shows"


def test_four_quarters_of_history_are_flagged():
    series = {
        "new": [100.0, 130.0, 90.0, 120.0],  # a channel opened a year ago
        "opened": np.r_[np.zeros(10), 80.0, 95.0, 70.0, 90.0, 85.0],  # five quarters of sales
        "old": seasonal_series(24),
    }
    fc = forecast(frame(series), 4, backend=InProcess())
    new, opened, old = (rows(fc, uid) for uid in ("new", "opened", "old"))
    assert (new["history"] == 4).all() and (opened["history"] == 5).all()
    assert (old["history"] == 24).all()
    assert "only 4 quarters of history: " + NOTE in new["note"].iloc[0]
    assert "only 5 quarters of history: " + NOTE in opened["note"].iloc[0]
    assert NOTE not in old["note"].iloc[0]
    # too few quarters for a trend: the level alone, with an interval of its own
    assert (new["model"] == "SES").all() and (opened["model"] == "SES").all()
    assert (new["hi-80"] > new["lo-80"]).all()


def test_six_and_seven_quarters_use_the_combination_without_seasonality():
    fc = forecast(frame({"a": [100.0, 120.0, 110.0, 130.0, 125.0, 140.0, 150.0]}), 2)
    assert "+" in fc["model"].iloc[0] and "no seasonality" in fc["note"].iloc[0]
    assert "only 7 quarters of history" in fc["note"].iloc[0]


def test_history_length_counts_from_the_first_sale():
    assert short.history_length(np.r_[0.0, 0.0, 5.0, 0.0, 3.0]) == 3
    assert short.history_length(np.zeros(6)) == 6
    assert short.is_short(7) and not short.is_short(8)
    assert short.note(1) == "only 1 quarter of history: " + NOTE


def test_notes_for_a_report():
    fc = pd.DataFrame({"unique_id": ["Total", "A", "B"], "history": [5, 5, 5]})
    assert short.notes(fc) == ["Note: only 5 quarters of history: " + NOTE + "."]
    fc["history"] = [20, 20, 6]
    assert short.notes(fc) == [
        "Note: only a few quarters of history for B (6): their uncertainty is larger than "
        "their intervals show."
    ]
    many = pd.DataFrame({"unique_id": [f"S{i}" for i in range(12)] + ["Total"],
                         "history": [7, 6, 5, 4, 7, 7, 6, 6, 5, 7, 7, 7, 20]})  # fmt: skip
    # many short series are counted, with their range and the shortest named: not all listed
    assert short.notes(many) == [
        "Note: 12 series have only 4 to 7 quarters of history (the shortest: S3 (4), S2 (5), "
        "S8 (5)): their uncertainty is larger than their intervals show."
    ]
    fc["history"] = 8
    assert short.notes(fc) == []
    assert short.notes(fc.drop(columns="history")) == []

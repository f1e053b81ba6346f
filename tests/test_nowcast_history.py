"""The nowcast ledger and what pages read from it: the estimate run by run, how early a quarter's
outcome was visible."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.forecasting import nowcast_ledger
from analysis.reports import nowcast_history


def nowcast(channels: dict[str, tuple[float, float]], total: float) -> pd.DataFrame:
    """nowcast.csv's rows: each channel's (target, landing) and the total's landing."""
    rows = [
        {"channel": c, "target": t, "actual_to_date": 10.0, "forecast_rest": f - 10.0,
         "forecast_total": f, "lo_80": f - 5, "hi_80": f + 5, "lo_95": f - 9, "hi_95": f + 9,
         "probability": 0.5 if t == t else np.nan}
        for c, (t, f) in channels.items()
    ]  # fmt: skip
    rows.append({**rows[0], "channel": "Total", "target": np.nan, "forecast_total": total,
                 "probability": np.nan})  # fmt: skip
    return pd.DataFrame(rows)[list(nowcast_ledger.ESTIMATE)]


def test_a_rerun_of_the_same_day_replaces_its_rows(tmp_path):
    book = tmp_path / nowcast_ledger.NOWCASTS
    first = nowcast({"=HYPERLINK(1)": (100.0, 90.0), "Online": (np.nan, 20.0)}, 110.0)
    nowcast_ledger.record(book, "2025Q4", "2025-11-15", first, "t1")
    nowcast_ledger.record(book, "2025Q4", "2025-11-22", first, "t2")
    again = first.assign(forecast_total=first["forecast_total"] + 1)
    nowcast_ledger.record(book, "2025Q4", "2025-11-15", again, "t3")
    read = nowcast_ledger.read(book)
    assert len(read) == 6 and sorted(set(read["recorded"])) == ["t2", "t3"]
    assert "=HYPERLINK(1)" in set(read["channel"])  # the name as it was, though written safe
    assert "'=HYPERLINK(1)" in book.read_text(encoding="utf-8")
    moved = nowcast_history.moved(read, "2025Q4")
    assert moved["as_of"].tolist() == ["2025-11-15", "2025-11-22"]
    assert moved["targeted"].tolist() == [91.0, 90.0] and moved["target"].tolist() == [100.0] * 2
    assert moved["forecast_total"].tolist() == [111.0, 110.0]  # the total, Online included
    assert nowcast_history.moved(read, "2025Q4", date(2025, 11, 20))["as_of"].tolist() == [
        "2025-11-15"
    ]


def test_the_current_run_takes_the_place_of_its_day():
    history = nowcast_history.moved(nowcast_ledger.read(None), "2025Q4")
    assert history.empty and nowcast_history.first_estimate(history).startswith(
        "No landing estimate"
    )
    mine = nowcast_history.with_current(
        history, nowcast({"OEM": (100.0, 95.0)}, 95.0), date(2025, 11, 15)
    )
    assert mine["as_of"].tolist() == ["2025-11-15"] and mine["targeted"].tolist() == [95.0]


def history(*targeted: float) -> pd.DataFrame:
    days = [f"2025-{m:02d}-15" for m in range(10, 10 + len(targeted))]
    return pd.DataFrame({"as_of": days, "targeted": list(targeted)})


@pytest.mark.parametrize(
    ("landings", "actual", "expected"),
    [
        ((105.0, 95.0, 97.0), 96.0, "missed its target; every weekly estimate from 2025-11-15 on, "
         "46 days before the quarter closed, put it below (2 of 3 estimates in all)"),
        ((95.0, 99.0, 98.0), 96.0, "from 2025-10-15 on, 77 days before"),
        ((95.0, 101.0, 102.0), 103.0, "reached its target; every weekly estimate from 2025-11-15"),
        ((95.0, 101.0, 99.0), 103.0, "reached its target, which the last weekly estimate did not"),
    ],
)  # fmt: skip
def test_how_early_the_outcome_was_visible(landings, actual, expected):
    assert expected in nowcast_history.visible(
        history(*landings), actual, 100.0, date(2025, 12, 31)
    )


def test_nothing_to_say_without_estimates_or_a_target():
    assert nowcast_history.visible(history(), 96.0, 100.0, date(2025, 12, 31)) == ""
    assert nowcast_history.visible(history(95.0), 96.0, np.nan, date(2025, 12, 31)) == ""

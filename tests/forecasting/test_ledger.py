"""The forecast ledger: record, replace on rerun, score closed quarters, tell the trend."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from analysis.forecasting import ledger


def forecasts(origin_index: int, means: dict[str, list[float]]) -> pd.DataFrame:
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    rows = []
    for uid, values in means.items():
        for h, mean in enumerate(values, start=1):
            rows.append(
                {"unique_id": uid, "level": "channel", "quarter": quarters[origin_index + h - 1],
                 "horizon": h, "mean": mean, "lo_80": mean * 0.9, "hi_80": mean * 1.1,
                 "lo_95": mean * 0.8, "hi_95": mean * 1.2, "model": "test"}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_record_replaces_rows_of_the_same_origin(tmp_path):
    path = tmp_path / ledger.LEDGER
    ledger.record(path, "2024Q4", forecasts(0, {"OEM": [100, 110]}), "2025-01-02T06:00")
    ledger.record(path, "2025Q1", forecasts(1, {"OEM": [120, 130]}), "2025-04-02T06:00")
    again = ledger.record(path, "2024Q4", forecasts(0, {"OEM": [101, 111]}), "2025-01-03T06:00")
    assert len(again) == 4
    assert again.loc[again["origin"] == "2024Q4", "mean"].tolist() == [101, 111]
    pd.testing.assert_frame_equal(ledger.read(path), again, check_dtype=False)
    with pytest.raises(ValueError, match="lack column"):
        ledger.record(path, "2025Q2", forecasts(2, {"OEM": [1]}).drop(columns="mean"), "x")
    # intervals a run did not make stay empty
    partial = forecasts(2, {"OEM": [1.0]}).drop(columns=["lo_95", "hi_95"])
    book = ledger.record(path, "2025Q2", partial, "x")
    row = book.loc[book["origin"] == "2025Q2"].iloc[0]
    assert row["lo_80"] == 0.9 and pd.isna(row["lo_95"])


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / ledger.LEDGER
    origins = ["2024Q4", "2025Q1", "2025Q2"]
    threads = [
        threading.Thread(
            target=ledger.record, args=(path, o, forecasts(i, {"OEM": [1.0, 2.0]}), "t")
        )
        for i, o in enumerate(origins)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ledger.read(path)["origin"].unique()) == origins


def test_accuracy_scores_only_closed_quarters(tmp_path):
    book = pd.concat(
        [
            forecasts(0, {"OEM": [100, 100]}).assign(origin="2024Q4"),
            forecasts(1, {"OEM": [100, 100]}).assign(origin="2025Q1"),
        ]
    )
    actuals = pd.DataFrame(
        {"unique_id": "OEM", "quarter": ["2025Q1", "2025Q2", "2025Q3"], "y": [105.0, 80.0, 99.0]}
    )
    scored = ledger.accuracy(book, actuals, through="2025Q2")
    # 2024Q4 -> 2025Q1 (h1) and 2025Q2 (h2); 2025Q1 -> 2025Q2 (h1); 2025Q3 is not closed yet
    assert sorted(zip(scored["origin"], scored["quarter"], strict=True)) == [
        ("2024Q4", "2025Q1"), ("2024Q4", "2025Q2"), ("2025Q1", "2025Q2"),
    ]  # fmt: skip
    first = scored.loc[scored["quarter"] == "2025Q1"].iloc[0]
    assert first["error"] == 5 and first["abs_pct_error"] == pytest.approx(5 / 105)
    assert bool(first["in_80"]) and bool(first["in_95"])
    miss = scored.loc[(scored["origin"] == "2025Q1")].iloc[0]
    assert miss["error"] == -20 and not miss["in_80"] and bool(miss["in_95"])
    table = ledger.summary(scored, ["unique_id"])
    row = table.iloc[0]
    assert row["forecasts"] == 3
    assert row["mape"] == pytest.approx((5 / 105 + 20 / 80 + 20 / 80) / 3)
    assert row["bias"] == pytest.approx((5 - 20 - 20) / (105 + 80 + 80))
    assert row["coverage_80"] == pytest.approx(1 / 3) and row["coverage_95"] == 1.0


def test_trend_sentence():
    scored = pd.DataFrame(
        {"origin": ["2024Q2", "2024Q3", "2024Q4", "2025Q1"], "horizon": 1,
         "abs_pct_error": [0.20, 0.15, 0.12, 0.08]}
    )  # fmt: skip
    text = ledger.trend(scored)
    assert text.startswith("1-quarter-ahead forecast error is improving: 20.0% for forecasts")
    assert "8.0% for those made in 2025Q1 (4 origins)" in text
    worse = scored.assign(abs_pct_error=[0.05, 0.1, 0.2, 0.3])
    assert "not improving" in ledger.trend(worse)
    assert ledger.trend(scored.iloc[:2]).startswith("Too few closed quarters (2)")

"""The landing page answers first: figures, the biggest miss and its cause, the outlook, notes."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd

from analysis.core.csv_out import write_csv
from analysis.forecasting import ledger
from analysis.run import landing, summary
from analysis.run.pages import SUMMARY

FIGURES = {
    "quarter": "2025Q4", "currency": "CNY", "revenue": 24_377_467.42,
    "revenue_prior": 22_551_794.70, "change": 0.081, "target": 24_603_937.36,
    "targeted_revenue": 23_672_662.58, "untargeted_revenue": 704_804.84, "attainment": 0.962,
    "partial": False,
    "next_quarter": {"quarter": "2026Q1", "forecast": 19_071_860.5, "lo_80": 17_733_062.4,
                     "hi_80": 20_410_658.6, "target": 17_668_438.28, "probability": 0.909},
    "biggest_miss": {"channel": "Export", "target": 3_497_416.25, "actual": 2_483_072.26,
                     "gap": -1_014_343.99, "attainment": 0.71, "cause": "volume",
                     "cause_amount": -965_239.5, "segment": "Other valves",
                     "segment_gap": -429_268.89},
    "trend": [{"quarter": "2025Q3", "revenue": 22_233_917.11, "partial": False},
              {"quarter": "2025Q4", "revenue": 24_377_467.42, "partial": True}],
}  # fmt: skip


def _text(page: str) -> str:
    return page.replace("\u2011", "-").replace("\u00a0", " ")


def test_the_first_screen_says_revenue_attainment_the_miss_and_the_outlook():
    page = _text(landing.quarter_page("Co 2025Q4", [("overview", "Overview")], FIGURES, []))
    for shown in (
        "¥24.38 M", "+8.1% on a year earlier (¥22.55 M)",
        "96.2%", "¥23.67 M of ¥24.60 M: gap -¥931.27 k", "¥704.80 k sold without a target",
        "Export", "71.0% of its target (-¥1.01 M), mostly lower volume (-¥965.24 k), "
        "above all Other valves (-¥429.27 k)",
        "Forecast 2026Q1", "¥19.07 M", "80 % interval ¥17.73 M to ¥20.41 M",
        "chance of reaching its target ¥17.67 M: 90.9%",
    ):  # fmt: skip
        assert shown in page, shown
    assert "<img class='trend' src='data:image/png;base64," in page
    assert "Data notes" not in page  # none to give
    assert page.index("tiles") < page.index("overview.html")  # the answer before the links


def test_without_targets_or_forecast_the_tiles_say_so():
    bare = {**FIGURES, "attainment": None, "biggest_miss": None, "next_quarter": None}
    page = landing.quarter_page("Co", [], bare, ["sales.csv: 3 of 10 rows set aside"])
    assert "no target is set for the quarter" in page and "no forecast was made" in page
    assert "Biggest miss" not in page
    assert "Data notes" in page and "sales.csv: 3 of 10 rows set aside" in page


def test_biggest_miss_and_its_cause_from_the_target_miss_table(tmp_path):
    rows = []
    for channel, target, actual, volume, price in (
        ("Export", 100.0, 70.0, -25.0, -5.0),
        ("Direct", 100.0, 90.0, 2.0, -12.0),
        ("OEM", 100.0, 120.0, 15.0, 5.0),
    ):
        for measure, value in (
            ("target", target),
            ("actual", actual),
            ("gap", actual - target),
            ("volume", volume),
            ("price", price),
        ):
            rows.append(
                {
                    "quarter": "2025Q4",
                    "level": "channel",
                    "channel": channel,
                    "dimension": "",
                    "segment": "",
                    "measure": measure,
                    "value": value,
                }
            )
    for dimension, segment, gap in (
        ("region", "Overseas", -30.0),
        ("product_line", "Ball", -20.0),
        ("product_line", "Gate", -10.0),
    ):
        rows.append(
            {
                "quarter": "2025Q4",
                "level": "segment",
                "channel": "Export",
                "dimension": dimension,
                "segment": segment,
                "measure": "gap",
                "value": gap,
            }
        )
    write_csv(pd.DataFrame(rows).assign(cents=0), tmp_path / "target_miss.csv")
    miss = summary.biggest_miss(tmp_path / "target_miss.csv")
    assert miss["channel"] == "Export" and miss["attainment"] == 0.7
    assert (miss["cause"], miss["cause_amount"]) == ("volume", -25.0)
    # the only region holds the whole gap and says nothing: the worst product line is named
    assert (miss["segment"], miss["segment_gap"]) == ("Ball", -20.0)
    assert summary.biggest_miss(tmp_path / "missing.csv") is None


def test_the_index_says_how_each_quarters_forecast_turned_out(tmp_path):
    out = tmp_path / "reports"
    for quarter, revenue in (("2025Q3", 22_000_000.0), ("2025Q4", 24_000_000.0)):
        (out / quarter).mkdir(parents=True)
        info = {**FIGURES, "quarter": quarter, "revenue": revenue, "partial": False}
        (out / quarter / SUMMARY).write_text(json.dumps(info), encoding="utf-8")
    book = pd.DataFrame(
        {"origin": ["2025Q3", "2025Q2"], "unique_id": "Total", "level": "total",
         "quarter": "2025Q4", "horizon": [1, 2], "mean": [25_000_000.0, 20_000_000.0],
         "lo_80": [23_500_000.0, 1.0], "hi_80": [26_000_000.0, 2.0], "lo_95": 0.0,
         "hi_95": 0.0, "model": "m", "recorded": "2025-10-01"}
    )  # fmt: skip
    write_csv(book, out / ledger.LEDGER)
    landing.write_root_index(out)
    index = _text((out / "index.html").read_text(encoding="utf-8"))
    # the latest forecast made before the quarter, against its revenue
    assert "¥25.00 M (made after 2025Q3): actual 4.0% below, inside the 80 % interval" in index
    assert "no forecast was recorded for it" in index  # 2025Q3: none in the ledger
    assert index.index("2025Q4/index.html") < index.index("2025Q3/index.html")


def test_data_notes_name_rows_set_aside_and_a_partial_quarter():
    report = SimpleNamespace(source="sales.csv", rows_read=1_200, rows_used=1_150)
    review = SimpleNamespace(
        dataset=SimpleNamespace(reports=[report]), label="2025Q4", quarter="Q",
        partial=True, comparable=True, lines_in=lambda quarter: 10,
        coverage=SimpleNamespace(extent=lambda quarter: "data to 2025-11-15"),
    )  # fmt: skip
    assert landing.notes(review) == [
        "sales.csv: 50 of 1,200 rows set aside (see About the data)",
        "2025Q4 is partial (data to 2025-11-15): its figures understate it.",
    ]
    empty = SimpleNamespace(**{**vars(review), "lines_in": lambda quarter: 0})
    assert landing.notes(empty)[1].startswith("No sales line is dated in 2025Q4")
    whole = SimpleNamespace(**{**vars(review), "partial": False})
    whole.dataset = SimpleNamespace(
        reports=[SimpleNamespace(**{**vars(report), "rows_used": 1_200})]
    )
    assert landing.notes(whole) == []

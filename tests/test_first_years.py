"""A company's first year, and a run of a quarter under way, through the whole workbench.

Each case is a small company in ``tmp_path`` run in-process by ``sales-report run`` with every
report (the helpers of ``test_degenerate_data``): it publishes every page, says "no comparison"
where a change would stand, and names every partial quarter on every page.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_degenerate_data import (
    assert_rows_accounted,
    company,
    page,
    run_case,
    sales_lines,
    summary,
    targets,
    weekly,
)

from analysis.run.runner import REPORTS

PAGES = ["index", *(r.name for r in REPORTS)]


@pytest.mark.parametrize(
    ("start", "prior"),
    [
        ("2025-01-01", "; there is no year-earlier quarter (2024Q4) to compare with"),
        ("2024-12-01", " (no comparison: 2024Q4 holds only 2024-12-01 to 12-31)."),
    ],
    ids=["four quarters", "five with a partial first"],
)
def test_a_first_year_publishes_every_page(tmp_path, capfd, monkeypatch, start, prior):
    sales = sales_lines(weekly(start, "2025-12-31"))
    config = company(tmp_path / "co", sales, targets(["2025Q4", "2026Q1"]))
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert (code, err) == (0, "")
    folder = tmp_path / "out" / "2025Q4"
    assert all((folder / f"{name}.html").exists() for name in PAGES)
    text = page(folder, "overview")
    assert re.search(r"Revenue in 2025Q4 was ¥[\d.]+ k" + re.escape(prior), text)
    # the tables: the changes say why they are missing; growth a year earlier likewise
    assert text.count("no comparison no comparison") == 6
    miss = page(folder, "target_miss")
    assert miss.count("no comparison") >= 6  # three rows of each attainment table, and a note
    assert "Fiscal year to date (2025Q1-2025Q4)" in miss
    assert "For 2026Q1 the forecast is ¥" in page(folder, "forecast")
    words = {"2025-01-01": "There is no year-earlier quarter (2024Q4) to compare with: the sales "
             "data begin on 2025-01-01.", "2024-12-01": "No comparison: 2024Q4 holds only "
             "2024-12-01 to 12-31."}  # fmt: skip
    assert page(folder, "customers").count(words[start]) == 3  # headline, bridge, products
    assert (folder / "customers.csv").read_bytes() == b"channel,effect,customers,value\r\n"
    assert summary(folder)["change"] == "–"
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_a_run_of_a_quarter_under_way_says_so_on_every_page(tmp_path, capfd, monkeypatch):
    sales = sales_lines(weekly("2023-01-01", "2025-11-15"))
    goals = targets(["2025Q4", "2026Q1"])
    config = company(tmp_path / "co", sales, goals, extra="data_through: 2025-11-15\n")
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch, "--quarter", "2025Q4")
    assert (code, err) == (0, "")
    folder = tmp_path / "out" / "2025Q4"
    overview = page(folder, "overview")
    assert "Note: 2025Q4 is partial — the data end on 2025-11-15" in overview
    assert "2025Q4 (partial: data to 2025-11-15)" in overview  # the tables' heading
    miss = page(folder, "target_miss")
    assert "2025Q4 is partial (data to 2025-11-15)" in miss
    assert "Actual (partial: data to 2025-11-15)" in miss
    ahead = page(folder, "forecast")
    assert "For 2026Q1 the forecast is ¥" in ahead
    assert "2025Q4 is partial (data to 2025-11-15): it is neither fitted nor forecast" in ahead
    assert "2025Q4 is not closed (data to 2025-11-15) and is not forecast, so it has no odds" in (
        ahead
    )
    assert summary(folder)["revenue"].endswith("(partial)")
    mine = page(folder, "customers")
    assert "Note: 2025Q4 is partial: data to 2025-11-15, so its figures understate" in mine
    assert "2025Q4 (partial: data to 2025-11-15)" in mine
    out = pd.read_csv(folder / "forecast.csv")
    assert set(out["quarter"]) == {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}
    assert set(out["horizon"]) == {1, 2, 3, 4}
    book = pd.read_csv(tmp_path / "out" / "forecast_ledger.csv", dtype=str)
    assert set(book["origin"]) == {"2025Q4"} and "2025Q4" not in set(book["quarter"])

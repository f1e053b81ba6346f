"""Degenerate data end in a published report with a clear note, or in one line saying why not.

Each case is a small company written into ``tmp_path`` (sales lines, targets, a run
configuration) and run in-process through ``sales-report``: the exit code, a terminal error of at
most one line without a traceback, what the published pages say, and the row accounting of
``manifest.json``.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.reports import overview
from analysis.run import runner as runner_module
from analysis.run.runner import REPORTS

CHANNELS = ("Direct", "OEM")


def sales_lines(days: Sequence[object], channels: Sequence[str] = CHANNELS, zero: bool = False):
    """Two lines (two product lines) per channel and day, revenue varying from day to day."""
    rows = []
    for k, day in enumerate(days):
        for j, channel in enumerate(channels):
            for line, product in (("Ball", "B1"), ("Gate", "G1")):
                revenue = 0.0 if zero else 100.0 + 10 * ((7 * k + 3 * j + len(line)) % 11)
                rows.append(
                    {
                        "date": f"{pd.Timestamp(day):%Y-%m-%d}",
                        "channel": channel,
                        "region": "East",
                        "product_line": line,
                        "product": product,
                        "customer": "Acme",
                        "quantity": 2,
                        "revenue": revenue,
                    }
                )
    return pd.DataFrame(rows)


def weekly(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="7D")


def targets(quarters: Sequence[str], channels: Sequence[str] = CHANNELS) -> pd.DataFrame:
    return pd.DataFrame(
        [{"quarter": q, "channel": c, "target_revenue": 2000.0} for q in quarters for c in channels]
    )


def company(
    folder: Path,
    sales: pd.DataFrame,
    goals: pd.DataFrame | None = None,
    extra: str = "",
    bad_line: bool = True,
) -> Path:
    """Write the files of a company; ``bad_line`` adds one sales line with an unreadable date,
    set aside by the loader (so the row accounting has something to account for)."""
    folder.mkdir(parents=True, exist_ok=True)
    if bad_line:
        bad = sales.iloc[:1].assign(date="not a date")
        sales = pd.concat([sales, bad], ignore_index=True)
    sales.to_csv(folder / "sales.csv", index=False)
    text = "company: Degenerate Co.\nsales:\n  path: sales.csv\ncurrency: CNY\n"
    text += "max_rejected_share: 0.2\n"
    if goals is not None:
        goals.to_csv(folder / "targets.csv", index=False)
        text += "targets:\n  path: targets.csv\n"
    path = folder / "config.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def sales_report(
    args: Sequence[str], capfd, monkeypatch, reports: Sequence[str] | None = None
) -> tuple[int, str]:
    """``sales-report ARGS`` in-process, with only the named ``reports`` run (cheaper where one
    report matters); returns the exit code and what reached the terminal's stderr."""
    if reports is not None:
        chosen = [r for r in REPORTS if r.name in reports]
        monkeypatch.setattr(
            runner_module, "run", functools.partial(runner_module.run, reports=chosen)
        )
    capfd.readouterr()
    code = main(list(args))
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert err.strip().count("\n") == 0, err  # at most one line
    assert "AssertionError" not in err
    return code, err.strip()


def run_case(config: Path, out: Path, capfd, monkeypatch, *extra: str, reports=None):
    return sales_report(
        ["run", "--config", str(config), "--out", str(out), *extra], capfd, monkeypatch, reports
    )


def page(folder: Path, name: str) -> str:
    """A published page as a reader sees it: tags, styles and spacing removed."""
    text = (folder / f"{name}.html").read_text(encoding="utf-8")
    text = re.sub(r"<style.*?</style>|<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
    return " ".join(html.unescape(text).split())


def assert_rows_accounted(folder: Path, read: int, set_aside: int) -> None:
    info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sales = info["rows"][0]
    for rows in info["rows"]:
        assert rows["rows_read"] == rows["rows_used"] + sum(rows["rejected"].values())
    assert sales["rows_read"] == read and sum(sales["rejected"].values()) == set_aside


def summary(folder: Path) -> dict[str, str]:
    """The formatted figures of a quarter's ``summary.json`` (its numbers sit beside them)."""
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))["text"]


def test_one_quarter_of_history(tmp_path, capfd, monkeypatch):
    sales = sales_lines(weekly("2025-10-01", "2025-12-31"))
    config = company(tmp_path / "co", sales, targets(["2025Q4"]))
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert code == 0 and err == ""
    folder = tmp_path / "out" / "2025Q4"
    text = page(folder, "overview")
    assert "there is no year-earlier quarter (2024Q4) to compare with" in text
    assert "the sales data begin on 2025-10-01" in text
    forecast = page(folder, "forecast")
    assert (
        "the forecast needs at least 4 complete quarters of sales; the data up to 2025Q4 hold 1 "
        "(2025Q4). It can be made from 2026Q3 on" in forecast
    )
    assert "The accuracy table needs at least 8 complete quarters" in forecast
    assert "No forecast was made, so there are no odds of reaching the targets." in forecast
    assert "For 2026Q1 the forecast is" not in forecast
    # forecast.csv has its columns and no rows; nothing is filed in the ledger
    assert pd.read_csv(folder / "forecast.csv").empty
    assert not (tmp_path / "out" / "forecast_ledger.csv").exists()
    assert "(210.5%)" in page(folder, "target_miss")
    assert summary(folder)["change"] == "–"
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_a_single_day_of_sales(tmp_path, capfd, monkeypatch):
    sales = sales_lines(["2025-11-15"])
    config = company(tmp_path / "co", sales)
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert code == 1
    assert err == (
        "sales-report: error: the sales data (2025-11-15 to 2025-11-15) do not cover any quarter "
        "completely; name the quarter to review (e.g. 2025Q4) to see it in part"
    )
    assert not (tmp_path / "out" / "2025Q4").exists()
    # named, the quarter is published as what it is: one day of a quarter
    code, err = run_case(
        config, tmp_path / "out", capfd, monkeypatch, "--quarter", "2025Q4",
        reports=("overview", "forecast"),
    )  # fmt: skip
    assert code == 0 and err == ""
    folder = tmp_path / "out" / "2025Q4"
    text = page(folder, "overview")
    assert "Revenue in 2025Q4 was ¥620; there is no year-earlier quarter (2024Q4)" in text
    assert "Note: 2025Q4 is partial — the data cover only 2025-11-15 of it" in text
    assert summary(folder)["revenue"] == "¥620 (partial)"
    forecast = page(folder, "forecast")
    assert "the data up to 2025Q4 hold none (the sales data cover 2025-11-15" in forecast
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_two_quarters_give_no_forecast_four_give_one_without_backtest(tmp_path, capfd, monkeypatch):
    two = company(tmp_path / "two", sales_lines(weekly("2025-07-01", "2025-12-31")))
    code, err = run_case(two, tmp_path / "out2", capfd, monkeypatch, reports=("forecast",))
    assert code == 0 and err == ""
    text = page(tmp_path / "out2" / "2025Q4", "forecast")
    assert "the data up to 2025Q4 hold 2 (2025Q3 to 2025Q4)" in text
    assert "It can be made from 2026Q2 on" in text
    assert "needs at least 8 complete quarters (4 to fit and 4 to score); the data hold 2" in text
    sales = sales_lines(weekly("2025-01-01", "2025-12-31"))
    four = company(tmp_path / "four", sales, targets(["2026Q1"]))
    code, err = run_case(four, tmp_path / "out4", capfd, monkeypatch, reports=("forecast",))
    assert code == 0 and err == ""
    folder = tmp_path / "out4" / "2025Q4"
    text = page(folder, "forecast")
    assert "For 2026Q1 the forecast is ¥" in text and "Chance of reaching it" in text
    assert "only 4 quarters of history: the uncertainty is larger than the interval shows" in text
    assert "needs at least 8 complete quarters (4 to fit and 4 to score); the data hold 4" in text
    out = pd.read_csv(folder / "forecast.csv")
    assert set(out["quarter"]) == {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_a_quarter_without_sales_between_others(tmp_path, capfd, monkeypatch):
    days = [
        d
        for d in weekly("2023-01-01", "2025-12-31")
        if not "2025-04-01" <= f"{d:%F}" <= "2025-06-30"
    ]
    sales = sales_lines(days)
    config = company(tmp_path / "co", sales, targets(["2025Q2"]))
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch, "--quarter", "2025Q2")
    assert code == 0 and err == ""
    folder = tmp_path / "out" / "2025Q2"
    text = page(folder, "overview")
    assert (
        "at a glance ¶ No sales are recorded in 2025Q2: not one sales line is dated in the "
        "quarter, although the sales data cover 2023-01-01 to 2025-12-31; check that the source "
        "holds the whole quarter" in text
    )
    assert "A year earlier, in 2024Q2, revenue was ¥" in text
    figures = summary(folder)
    assert figures["revenue"] == "¥0 (no sales)"
    assert figures["headline"].startswith("No sales are recorded in 2025Q2")
    assert "No sales line is dated in 2025Q2" in (folder / "index.html").read_text("utf-8")
    assert "the target in one paragraph ¶ No sales are recorded in 2025Q2" in page(
        folder, "target_miss"
    )
    forecast = page(folder, "forecast")
    assert "Note: no sales are recorded in 2025Q2; the forecast takes it as a quarter" in forecast
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_all_revenue_zero_is_refused(tmp_path, capfd, monkeypatch):
    sales = sales_lines(weekly("2024-01-01", "2025-12-31"), zero=True)
    config = company(tmp_path / "co", sales, targets(["2025Q4"]))
    expected = (
        f"sales-report: error: sales.csv: every one of the {len(sales):,} sales lines has revenue "
        "0, so there are no sales to report; column 'revenue'; expected the lines' net amounts; "
        "check which column is mapped to revenue"
    )
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert (code, err) == (1, expected)
    assert not (tmp_path / "out" / "2025Q4").exists()
    code, err = sales_report(["check", "--config", str(config)], capfd, monkeypatch)
    assert (code, err) == (1, expected)


def test_targets_without_sales_in_the_reviewed_quarter(tmp_path, capfd, monkeypatch):
    sales = sales_lines(weekly("2023-01-01", "2025-09-30"))
    goals = targets(["2025Q4", "2026Q1"])
    config = company(tmp_path / "co", sales, goals)
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch, "--quarter", "2025Q4")
    assert code == 2
    assert err.endswith("quarter 2025Q4 is outside the sales data (2023-01-01 to 2025-09-30)")
    # the configuration states the sales complete through the quarter: a report that says so
    stated = company(tmp_path / "stated", sales, goals, extra="data_through: 2025-12-31\n")
    code, err = run_case(
        stated, tmp_path / "out", capfd, monkeypatch, reports=("overview", "target_miss")
    )
    assert code == 0 and err == ""
    folder = tmp_path / "out" / "2025Q4"
    text = page(folder, "overview")
    assert (
        "No sales are recorded in 2025Q4: not one sales line is dated in the quarter, although "
        "data_through in the configuration states the sales data complete to 2025-12-31 (the "
        "last sale is dated 2025-09-28)" in text
    )
    assert summary(folder)["revenue"] == "¥0 (no sales)"
    miss = page(folder, "target_miss")
    assert "No sales are recorded in 2025Q4" in miss and "against a target of ¥4.00 k" in miss
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "2025-02-30",
            "data_through: expected a date such as 2025-12-31, got '2025-02-30', which is not a "
            "day of the calendar",
        ),
        ("soon", "data_through: expected a date such as 2025-12-31, got 'soon'"),
        (
            "2020-06-30",
            "data_through: 2020-06-30 is before the first sale (2024-01-01); expected the last "
            "day the sales data are complete, on or after 2024-01-01",
        ),
    ],
)
def test_data_through_that_cannot_be(tmp_path, capfd, monkeypatch, given, message):
    sales = sales_lines(weekly("2024-01-01", "2025-12-31"))
    config = company(tmp_path / "co", sales, extra=f"data_through: {given}\n")
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert code == 1
    assert err.startswith("sales-report: error: ") and err.endswith(f"config.yaml: {message}")
    assert not (tmp_path / "out" / ".staging").exists() or not list(
        (tmp_path / "out" / ".staging").iterdir()
    )


def test_one_channel_only(tmp_path, capfd, monkeypatch):
    sales = sales_lines(weekly("2023-01-01", "2025-12-31"), channels=("Direct",))
    config = company(tmp_path / "co", sales, targets(["2025Q4", "2026Q1"], channels=("Direct",)))
    code, err = run_case(config, tmp_path / "out", capfd, monkeypatch)
    assert code == 0 and err == ""
    folder = tmp_path / "out" / "2025Q4"
    text = page(folder, "overview")
    assert re.search(r"Revenue in 2025Q4 was ¥[\d.]+ k, (up|down) [\d.]+% on 2024Q4", text)
    assert "Direct" in text and "100.0%" in text
    assert "against a target of ¥2.00 k" in page(folder, "target_miss")
    forecast = page(folder, "forecast")
    assert "For 2026Q1 the forecast is ¥" in forecast and "Chance of reaching it" in forecast
    out = pd.read_csv(folder / "forecast.csv")
    sums = out.groupby(["quarter", "level"])["mean"].sum().unstack("level")
    assert (sums["channel"] - sums["total"]).abs().max() < 0.01
    assert_rows_accounted(folder, read=len(sales) + 1, set_aside=1)


def test_the_overview_check_compares_missing_figures_and_names_a_difference():
    def table(revenue: float, prior: float) -> pd.DataFrame:
        return pd.DataFrame({"revenue": [revenue], "prior": [prior]})

    nan = float("nan")
    overview.check_totals(table(10.0, nan), table(10.0, nan))  # no year-earlier quarter in both
    overview.check_totals(table(10.0, 8.0), table(10.0, 8.0))
    with pytest.raises(AssertionError, match=r"total prior differs .* \(8\.0\) .* \(nan\)"):
        overview.check_totals(table(10.0, 8.0), table(10.0, nan))
    with pytest.raises(AssertionError, match=r"total revenue differs .* \(10\.0\) .* \(10\.01\)"):
        overview.check_totals(table(10.0, 8.0), table(10.01, 8.0))

"""``sales-report check``: the figures a run will use, equal to plain pandas on the same file, and
every structural problem a report would meet later, as one line and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.errors import DataError
from analysis.data.check import check_hierarchy, inspect
from analysis.data.load import load
from analysis.run import runner as runner_module

DIMENSIONS = ("channel", "region", "product_line", "product", "customer")


def sales_lines(n: int = 400) -> pd.DataFrame:
    """Two years of lines, 2024-2025, with amounts to the cent."""
    days = pd.date_range("2024-01-01", "2025-12-31", periods=n).normalize()
    return pd.DataFrame(
        {
            "date": [f"{d:%Y-%m-%d}" for d in days],
            "channel": [("OEM", "Online", "Retail")[i % 3] for i in range(n)],
            "region": [("East", "West")[i % 2] for i in range(n)],
            "product_line": [("Ball valves", "Gate valves")[i % 5 % 2] for i in range(n)],
            "product": "DN50",
            "customer": [f"C{i % 7}" for i in range(n)],
            "quantity": [str(1 + i % 4) for i in range(n)],
            "revenue": [f"{(i * 37) % 1000 + 0.01 * (i % 100):.2f}" for i in range(n)],
        }
    )


def write(folder: Path, sales: pd.DataFrame, targets: pd.DataFrame | None = None) -> Path:
    sales.to_csv(folder / "sales.csv", index=False)
    text = "sales: sales.csv\nmax_rejected_share: 0.05\n"
    if targets is not None:
        targets.to_csv(folder / "targets.csv", index=False)
        text += "targets: targets.csv\n"
    path = folder / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_json_equals_plain_pandas(tmp_path: Path, capsys) -> None:
    frame = sales_lines()
    frame.loc[10, "date"] = "soon"
    frame.loc[20, "date"] = "1899-12-30"  # a century before the rest
    frame.loc[30, "revenue"] = "n/a"
    config = write(tmp_path, frame)
    out = tmp_path / "check.json"
    assert main(["check", "--config", str(config), "--json", str(out)]) == 0
    sales = json.loads(out.read_text(encoding="utf-8"))["sources"]["sales"]

    plain = pd.read_csv(tmp_path / "sales.csv", dtype=str)
    dates = pd.to_datetime(plain["date"], errors="coerce", format="%Y-%m-%d")
    revenue = pd.to_numeric(plain["revenue"], errors="coerce")
    used = dates.notna() & revenue.notna() & (dates > "2000-01-01")
    assert sales["rows_read"] == len(plain)
    assert sales["rows_used"] == int(used.sum())
    assert sales["rows_rejected"] == len(plain) - int(used.sum()) == 3
    assert sales["revenue"] == round(revenue[used].sum(), 2)
    assert sales["first_date"] == f"{dates[used].min():%Y-%m-%d}"
    assert sales["last_date"] == f"{dates[used].max():%Y-%m-%d}"
    assert sales["channels"] == sorted(plain["channel"].unique())
    far = "date: far from the other lines (1899-12-30; the rest run 2024-01-01 to 2025-12-31)"
    assert sales["rejected_by_reason"] == {
        "date: not a date": 1,
        "revenue: not a number": 1,
        far: 1,
    }
    assert sales["first_rejected_rows"] == {
        "date: not a date": [12],
        "revenue: not a number": [32],
        far: [22],
    }  # a CSV's header is row 1
    assert sales["complete_quarters"] == [f"{y}Q{q}" for y in (2024, 2025) for q in range(1, 5)]
    assert sales["partial_quarters"] == []
    assert sales["filled"] == {} and isinstance(sales["warnings"], list)

    printed = capsys.readouterr().out
    assert printed.splitlines()[:4] == [
        "sales.csv: 400 rows read, 397 used, 3 set aside:",
        "  1 date: not a date (row 12)",
        "  1 revenue: not a number (row 32)",
        f"  1 {far} (row 22)",
    ]
    assert "  Complete quarters: 2024Q1 to 2025Q4 (8 quarters); partial: none." in printed
    assert "Latest complete quarter: 2025Q4" in printed


def test_targets_facts_and_what_no_report_will_compare(tmp_path: Path) -> None:
    targets = pd.DataFrame(
        {
            "quarter": ["2022Q4", "2025Q3", "2025Q3", "2026Q1"],
            "channel": ["OEM", "OEM", "Online", "Retail"],
            "target_revenue": ["100.10", "200.20", "300.30", "400.40"],
        }
    )
    facts = inspect(load(write(tmp_path, sales_lines(), targets)))
    assert facts["latest_quarter"] == "2025Q4"
    target = facts["sources"]["targets"]
    assert target["rows_read"] == target["rows_used"] == 4
    assert target["quarters"] == ["2022Q4", "2025Q3", "2026Q1"]
    assert target["channels"] == ["OEM", "Online", "Retail"]
    assert target["grain"] == ["channel"]
    assert target["target_revenue"] == 1001.0
    assert target["warnings"] == [
        "targets for 2022Q4 come before the first sale (2024-01-01): no report compares them",
        "no target for 2025Q4, the latest complete quarter: its target report has nothing to "
        "compare",
    ]


def test_a_region_named_as_a_product_line_is_found_before_the_forecast(tmp_path: Path) -> None:
    frame = sales_lines()
    frame.loc[frame["channel"] == "OEM", "product_line"] = "East"  # OEM/East twice
    dataset = load(write(tmp_path, frame))
    with pytest.raises(DataError) as caught:
        check_hierarchy(dataset)
    assert str(caught.value) == (
        "sales.csv: the series 'OEM/East' would appear at two levels of the forecast's "
        "hierarchy: as channel 'OEM', region 'East' and as channel 'OEM', product_line 'East'; "
        "expected distinct names: rename one of the values (or map another column to it in "
        "the configuration)"
    )


@pytest.mark.parametrize("clash", [False, True])
def test_the_check_refuses_what_the_forecast_hierarchy_refuses(tmp_path: Path, clash: bool) -> None:
    from analysis.forecasting import reconcile

    frame = sales_lines()
    if clash:
        frame.loc[frame["channel"] == "Online", "region"] = "Gate valves"
    dataset = load(write(tmp_path, frame))
    if not clash:
        check_hierarchy(dataset)
        reconcile.build(dataset.sales, dataset.config.calendar)
        return
    with pytest.raises(DataError, match=r"'Online/Gate valves' would appear at two levels"):
        check_hierarchy(dataset)
    with pytest.raises(ValueError, match=r"'Online/Gate valves' appears at two levels"):
        reconcile.build(dataset.sales, dataset.config.calendar)


def test_a_channel_called_total_clashes_with_the_company(tmp_path: Path, capsys) -> None:
    frame = sales_lines()
    frame.loc[frame["channel"] == "Retail", "channel"] = "Total"
    assert main(["check", "--config", str(write(tmp_path, frame))]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "as the company's total and as channel 'Total'" in err


def test_the_runner_stops_at_a_clash_before_any_notebook(tmp_path: Path, monkeypatch) -> None:
    frame = sales_lines()
    frame["product_line"] = frame["region"]
    config = write(tmp_path, frame)
    monkeypatch.setattr(runner_module, "execute", lambda *a, **k: pytest.fail("a notebook ran"))
    with pytest.raises(DataError, match="would appear at two levels"):
        runner_module.run("latest", config, tmp_path / "reports")


def test_two_dimensions_from_one_column_are_a_config_error(tmp_path: Path, capsys) -> None:
    sales_lines().to_csv(tmp_path / "sales.csv", index=False)
    config = tmp_path / "run.yaml"
    config.write_text(
        "sales:\n  path: sales.csv\n  columns: {region: region, product_line: Region}\n",
        encoding="utf-8",
    )
    assert main(["check", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "sales.columns: region and product_line are both mapped to the source column" in err


def test_no_complete_quarter_is_told_before_a_run(tmp_path: Path, capsys) -> None:
    frame = sales_lines(60)
    frame["date"] = [f"{d:%Y-%m-%d}" for d in pd.date_range("2025-11-10", periods=60)]
    frame = frame.loc[pd.to_datetime(frame["date"]) < "2025-12-20"]
    out = tmp_path / "check.json"
    assert main(["check", "--config", str(write(tmp_path, frame)), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Latest complete quarter" not in printed
    assert printed.splitlines()[-1] == (
        "Warning: the sales data (2025-11-10 to 2025-12-19) do not cover any quarter completely: "
        "`run --quarter latest` is refused; name the quarter to see it in part "
        "(run --quarter 2025Q4)."
    )
    facts = json.loads(out.read_text(encoding="utf-8"))
    assert facts["latest_quarter"] is None
    assert facts["sources"]["sales"]["partial_quarters"] == ["2025Q4"]


def test_check_writes_json_of_the_bundled_sample(tmp_path: Path) -> None:
    out = tmp_path / "sample.json"
    assert main(["check", "--json", str(out)]) == 0
    facts = json.loads(out.read_text(encoding="utf-8"))
    assert set(facts["sources"]) == {"sales", "targets"}
    assert facts["sources"]["sales"]["rows_read"] == 48_290
    assert facts["sources"]["targets"]["rows_read"] == 146

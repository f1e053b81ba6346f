"""Implausible amounts: beyond ``max_amount`` or not finite, set aside (sales) or refused
(targets), so that no total ever overflows integer cents."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ConfigError, DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data import pushdown, series
from analysis.data.config import SourceConfig, config_from_dict
from analysis.data.load import load
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales
from analysis.data.validate_targets import clean_targets

BEYOND = "revenue: implausible (beyond ±1,000,000,000,000)"


def lines(revenue: list[object], quantity: list[object] | None = None) -> pd.DataFrame:
    n = len(revenue)
    return pd.DataFrame(
        {
            "date": ["2025-01-05"] * n,
            "channel": ["Online"] * n,
            "region": ["East"] * n,
            "product_line": ["Valves"] * n,
            "product": ["Ball"] * n,
            "customer": [f"C{i}" for i in range(n)],
            "quantity": quantity or ["1"] * n,
            "revenue": revenue,
        }
    )


def test_a_revenue_of_1e308_is_set_aside_and_the_total_is_right(tmp_path: Path) -> None:
    """Before, 1e308 overflowed int64 cents and the report published -92,233,720.34 B."""
    revenue = ["1e308", *["12.34"] * 199]
    lines(revenue).to_csv(tmp_path / "sales.csv", index=False)
    config = tmp_path / "config.yaml"
    config.write_text("sales: sales.csv\n", encoding="utf-8")
    dataset = load(config)
    report = dataset.reports[0]
    assert report.rejected == {BEYOND: 1}
    assert dataset.rejected["sales.csv"][["row", "revenue"]].values.tolist() == [[2, "1e308"]]
    totals = series.totals(dataset.sales, FiscalCalendar())
    assert totals["cents"].tolist() == [199 * 1234]


@pytest.mark.parametrize(
    "value", ["inf", "-inf", "Infinity", "nan", "NaN", "1e400", "-1e13", "1,000,000,000,001"]
)
def test_non_finite_and_huge_text_is_implausible(value: str) -> None:
    raw = RawTable(lines([value, "5"]), np.arange(2, 4), "s.csv")
    loaded = clean_sales(raw, {}, 1.0)
    assert loaded.report.rejected == {BEYOND: 1}
    assert loaded.data["revenue"].tolist() == [5.0]


def test_real_numbers_from_parquet_or_sql() -> None:
    frame = lines(
        [Decimal("1e400"), 1e308, -np.inf, 1e12, -1e12, 5.0],  # SQL decimals arrive as objects
        quantity=[1.0, 1.0, 1.0, 1.0, 1.0, float("nan")],
    )
    loaded = clean_sales(RawTable(frame, np.arange(1, 7), "s.parquet"), {}, 1.0)
    assert loaded.report.rejected == {BEYOND: 3, "quantity: not a number": 1}
    assert loaded.data["revenue"].tolist() == [1e12, -1e12]  # the bound itself is plausible


def test_quantity_and_unit_price_too() -> None:
    frame = lines(["5", "5", "5"], quantity=["1", "2e12", "1"]).assign(unit_price=["", "1", "inf"])
    loaded = clean_sales(RawTable(frame, np.arange(2, 5), "s.csv"), {}, 1.0)
    assert loaded.report.rejected == {
        "quantity: implausible (beyond ±1,000,000,000,000)": 1,
        "unit_price: implausible (beyond ±1,000,000,000,000)": 1,
    }
    assert np.isnan(loaded.data["unit_price"].iloc[0])  # a blank unit price is missing


def test_max_amount_is_configurable(tmp_path: Path) -> None:
    lines(["2,000,000", "10"]).to_csv(tmp_path / "sales.csv", index=False)
    config = config_from_dict(
        {"sales": "sales.csv", "max_amount": 1_000_000, "max_rejected_share": 0.5}, tmp_path
    )
    assert config.max_amount == 1e6
    dataset = load(config)
    assert dataset.reports[0].rejected == {"revenue: implausible (beyond ±1,000,000)": 1}


@pytest.mark.parametrize("value", [0, -5, 1e14, "big", True])
def test_max_amount_must_be_a_positive_bound(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match=r"max_amount: expected"):
        config_from_dict({"sales": "s.csv", "max_amount": value}, tmp_path)


@pytest.mark.parametrize(
    ("column", "value"),
    [("target_revenue", "1e308"), ("target_revenue", "inf"), ("target_quantity", "5e12")],
)
def test_an_implausible_target_is_an_error(column: str, value: str) -> None:
    frame = pd.DataFrame(
        {
            "quarter": ["2025Q1", "2025Q2"],
            "channel": ["Online"] * 2,
            "target_revenue": ["100", "100"],
            "target_quantity": ["1", "1"],
        }
    )
    frame.loc[1, column] = value
    with pytest.raises(DataError) as caught:
        clean_targets(RawTable(frame, np.arange(2, 4), "t.csv"), {}, FiscalCalendar())
    assert str(caught.value) == (
        f"t.csv: {column} {value!r} is implausible (beyond ±1,000,000,000,000); row 3; "
        "expected an amount within ±1,000,000,000,000"
    )


def test_the_engine_sets_the_same_lines_aside(tmp_path: Path) -> None:
    frame = lines([1e308, 5.0, 2e12, -3.0, np.inf], quantity=[1.0, 1e13, 1.0, 1.0, 1.0])
    frame.to_parquet(tmp_path / "s.parquet")
    source = SourceConfig(path=tmp_path / "s.parquet", base_dir=tmp_path)
    calendar = FiscalCalendar()
    pushed = pushdown.totals(source, calendar, ["channel"], max_rejected_share=1.0)
    assert pushed.report.rejected == {
        BEYOND: 3, "quantity: implausible (beyond ±1,000,000,000,000)": 1
    }  # fmt: skip
    assert pushed.totals["cents"].tolist() == [-300]
    bounded = pushdown.totals(source, calendar, ["channel"], 1.0, max_amount=1e13)
    assert bounded.totals["cents"].tolist() == [2e14 + 500 - 300]


def test_a_warehouse_sets_the_same_lines_aside(tmp_path: Path) -> None:
    """SQL databases other than DuckDB flag implausible numbers for Python to judge too."""
    frame = lines([1e308, 5.0, 2e12, -3.0], quantity=[1.0, 1e13, 1.0, 1.0])
    database = tmp_path / "sales.sqlite"
    with sqlite3.connect(database) as con:
        frame.to_sql("lines", con, index=False)
    source = SourceConfig(url=f"sqlite:///{database}", table="lines")
    pushed = pushdown.totals(source, FiscalCalendar(), ["channel"], max_rejected_share=1.0)
    assert pushed.report.rejected == {
        BEYOND: 2, "quantity: implausible (beyond ±1,000,000,000,000)": 1
    }  # fmt: skip
    assert pushed.totals["cents"].tolist() == [-300]

"""Blank cells: only empty cells are missing, ``fill:`` gives them a value, and the error for
too many blanks says which column and what to do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ConfigError, DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data import pushdown
from analysis.data.config import SourceConfig, config_from_dict
from analysis.data.load import load
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales

WORDS = ["NA", "N/A", "null", "None", "nan", "#N/A"]


def lines(n: int, **columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": ["2025-01-05"] * n,
            "channel": ["Online"] * n,
            "region": ["East"] * n,
            "product_line": ["Valves"] * n,
            "product": ["Ball"] * n,
            "customer": [f"C{i}" for i in range(n)],
            "quantity": ["1"] * n,
            "revenue": ["10"] * n,
        }
    )
    return frame.assign(**columns)


def write(tmp_path: Path, frame: pd.DataFrame, suffix: str, extra: str = "") -> Path:
    if suffix == ".parquet":
        frame.to_parquet(tmp_path / "sales.parquet")
    else:
        frame.to_csv(tmp_path / "sales.csv", index=False)
    config = tmp_path / "config.yaml"
    config.write_text(f"sales:\n  path: sales{suffix}\n{extra}", encoding="utf-8")
    return config


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_na_and_null_are_text(tmp_path: Path, suffix: str) -> None:
    """A sales territory NA (North America) is a region, not a blank."""
    frame = lines(len(WORDS), region=WORDS, customer=WORDS)
    dataset = load(write(tmp_path, frame, suffix))
    assert dataset.sales["region"].tolist() == WORDS
    assert dataset.sales["customer"].tolist() == WORDS
    assert dataset.reports[0].rejected == {}


def test_parquet_nulls_are_blank(tmp_path: Path) -> None:
    frame = lines(100, customer=[None, *(f"C{i}" for i in range(99))])
    dataset = load(write(tmp_path, frame, ".parquet"))
    assert dataset.reports[0].rejected == {"customer: empty": 1}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_fill_gives_blank_cells_a_value(tmp_path: Path, suffix: str) -> None:
    customers = ["", " ", None, "NA", *(f"C{i}" for i in range(6))]
    frame = lines(10, customer=customers, salesperson=["Ann", None, *[""] * 8])
    extra = '  fill: {customer: "(no customer id)", salesperson: "(house)"}\n'
    dataset = load(write(tmp_path, frame, suffix, extra))
    report = dataset.reports[0]
    assert dataset.sales["customer"].tolist()[:4] == ["(no customer id)"] * 3 + ["NA"]
    assert dataset.sales["salesperson"].tolist()[:3] == ["Ann", "(house)", "(house)"]
    assert report.filled == {"customer": 3, "salesperson": 9}
    assert report.rows_used == 10 and report.rejected == {}
    assert "Blank cells filled: customer 3, salesperson 9." in report.summary()


def test_fill_of_a_column_the_source_lacks_is_noted() -> None:
    raw = RawTable(lines(2), np.arange(2, 4), "s.csv")
    loaded = clean_sales(raw, {}, fill={"order_id": "(none)"})
    assert loaded.report.notes == ["fill: order_id ignored: the source has no order_id column"]


@pytest.mark.parametrize(
    ("fill", "pattern"),
    [
        ({"date": "2025-01-01"}, r"fill: 'date' cannot be filled; blank dates and amounts"),
        ({"revenue": "0"}, r"fill: 'revenue' cannot be filled"),
        ({"customer": ""}, r"fill\.customer: expected a text"),
        ({"customer": 0}, r"fill\.customer: expected a text"),
    ],
)
def test_fill_refuses_dates_amounts_and_nothing(tmp_path: Path, fill: dict, pattern: str) -> None:
    with pytest.raises(ConfigError, match=rf"^sales: {pattern}"):
        config_from_dict({"sales": {"path": "s.csv", "fill": fill}}, tmp_path)


def test_too_many_blanks_points_to_fill() -> None:
    frame = lines(10, customer=["", "", "", "C3", "C4", "", "C6", "C7", "C8", "C9"])
    frame.loc[9, "date"] = "soon"
    with pytest.raises(DataError) as caught:
        clean_sales(RawTable(frame, np.arange(2, 12), "s.csv"), {}, max_rejected_share=0.01)
    message = str(caught.value)
    assert "5 of 10 rows (50.0%) cannot be used" in message
    assert "(customer: empty 4, date: not a date 1)" in message
    assert "The column that sets most aside is customer (4 rows: empty)" in message
    assert 'e.g. fill: {customer: "(no customer)"}' in message


def test_too_many_bad_amounts_names_the_column() -> None:
    frame = lines(4, revenue=["x", "y", "10", "1e308"])
    with pytest.raises(DataError) as caught:
        clean_sales(RawTable(frame, np.arange(2, 6), "s.csv"), {})
    message = str(caught.value)
    assert "row 2, 3: revenue 'x', 'y' is not a number (expected a number" in message
    assert "row 5: revenue '1e308' is implausible (beyond ±1,000,000,000,000)" in message
    assert "The column that sets most aside is revenue (2 rows: not a number); check" in message


def test_the_engine_points_to_fill_too(tmp_path: Path) -> None:
    frame = lines(10, customer=["", "", "", *(f"C{i}" for i in range(7))])
    frame.to_parquet(tmp_path / "s.parquet")
    with pytest.raises(DataError) as caught:
        pushdown.totals(SourceConfig(path=tmp_path / "s.parquet"), FiscalCalendar(), ["channel"])
    message = str(caught.value)
    assert "3 of 10 rows (30.0%) cannot be used" in message
    assert "is customer (3 rows: empty); if a blank customer is normal in this export" in message

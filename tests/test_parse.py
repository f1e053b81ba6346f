"""Reading values: the amounts and dates people write, and real values from Excel, Parquet, SQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from analysis.data.parse import parse_dates, parse_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        (" 1234 ", 1234.0),
        ("-3", -3.0),
        ("1e3", 1000.0),
        ("1,234.50", 1234.5),
        ("(1,234.50)", -1234.5),
        ("( 12 )", -12.0),
        ("¥1,234.00", 1234.0),
        ("￥ 88", 88.0),
        ("-¥5", -5.0),
        ("¥-5", -5.0),
        ("$1,000,000", 1_000_000.0),
        ("CNY 12.5", 12.5),
        ("12元", 12.0),
        (".5", 0.5),
    ],
)
def test_amounts_people_write(text: str, expected: float) -> None:
    assert parse_numbers(pd.Series(["0", text], dtype="str")).iloc[1] == expected


@pytest.mark.parametrize(
    "text",
    ["", "  ", "abc", "12a", "1,2,3", "12,34", "1.234,50", "(5", "-(5)", "--5", "inf", "nan"],
)
def test_not_amounts(text: str) -> None:
    assert np.isnan(parse_numbers(pd.Series(["1", text], dtype="str")).iloc[1])


def test_real_numbers_from_parquet_excel_sql() -> None:
    mixed = pd.Series([12.5, 3, "1,000.25", Decimal("7.10"), None, True], dtype=object)
    assert parse_numbers(mixed).tolist()[:4] == [12.5, 3.0, 1000.25, 7.1]
    assert parse_numbers(mixed).isna().tolist()[4:] == [True, True]
    assert parse_numbers(pd.Series([1, 2], dtype="int64")).dtype == "float64"
    assert parse_numbers(pd.Series([True])).isna().all()


@pytest.mark.parametrize(
    "text",
    [
        "2025-12-31",
        "2025-12-31 14:03:00",
        "2025-12-31T14:03",
        "2025/12/31",
        "2025.12.31",
        "20251231",
        "2025年12月31日",
        " 2025-12-31 ",
    ],
)
def test_accepted_date_formats(text: str) -> None:
    parsed = parse_dates(pd.Series(["2025-01-01", text], dtype="str"))
    assert parsed.iloc[1] == pd.Timestamp("2025-12-31")
    assert parsed.dtype == "datetime64[us]"


@pytest.mark.parametrize(
    "text", ["", "yesterday", "31/12/2025", "12/31/2025", "2025-02-30", "20251301", "31.12.2025"]
)
def test_rejected_dates(text: str) -> None:
    assert pd.isna(parse_dates(pd.Series(["2025-01-01", text], dtype="str")).iloc[1])


def test_real_dates_are_normalised_to_midnight() -> None:
    mixed = pd.Series(
        [datetime(2025, 1, 2, 15, 30), date(2025, 1, 3), "2025/01/04", 20250105, 45657, None],
        dtype=object,
    )
    parsed = parse_dates(mixed)
    expected = ["2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"]
    assert parsed.iloc[:4].tolist() == [pd.Timestamp(day) for day in expected]
    assert parsed.iloc[4:].isna().all()  # an Excel serial number is not silently a date
    stamps = pd.Series(pd.to_datetime(["2025-03-01 23:59"]).tz_localize("Asia/Shanghai"))
    assert parse_dates(stamps).iloc[0] == pd.Timestamp("2025-03-01")

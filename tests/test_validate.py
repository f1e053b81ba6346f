"""Validation: typed canonical columns, every row accounted for, errors a user can act on."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.sources import RawTable
from analysis.data.validate import LoadReport, clean_sales
from analysis.data.validate_targets import clean_targets

CALENDAR = FiscalCalendar()


def table(frame: pd.DataFrame, label: str = "sales.csv") -> RawTable:
    """A raw table as a CSV would give it: header on line 1, rows from line 2."""
    return RawTable(frame, np.arange(2, len(frame) + 2), label)


# --- sales ----------------------------------------------------------------------------------


def test_clean_sales_types_and_strips(sales_frame: pd.DataFrame) -> None:
    sales_frame.loc[0, "customer"] = "  Acme "
    sales_frame.loc[1, "revenue"] = "12.505"
    loaded = clean_sales(table(sales_frame), {})
    data = loaded.data
    assert list(data.columns) == [
        "date", "channel", "region", "product_line", "product", "customer", "quantity", "revenue"
    ]  # fmt: skip
    assert data["date"].dtype == "datetime64[us]"
    assert data["quantity"].dtype == "float64" and data["revenue"].dtype == "float64"
    # pandas 3's "str" dtype, or object holding str on pandas 2 (statsforecast pins pandas<3)
    assert pd.api.types.is_string_dtype(data["channel"])
    assert all(isinstance(v, str) for v in data["channel"])
    assert data.loc[0, "customer"] == "Acme"
    assert data["revenue"].tolist() == [30.0, 12.505, 40.1, 75.0, 40.0, 95.55]  # as in the source
    assert loaded.report.to_dict() == {
        "source": "sales.csv", "rows_read": 6, "rows_used": 6, "rejected": {}, "notes": [],
        "filled": {}, "warnings": [], "later": 0,
    }  # fmt: skip
    assert loaded.rejected.empty
    assert list(loaded.rejected.columns[:2]) == ["row", "reason"]


def test_optional_columns(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.assign(
        salesperson=["Ann", "", " ", "Bob", "Ann", "Cy"],
        unit_price=["10", "", "20", "15", "10", "9.55"],
        order_id=[f"SO{i}" for i in range(6)],
    )
    data = clean_sales(table(frame), {}).data
    assert data["salesperson"].isna().tolist() == [False, True, True, False, False, False]
    assert np.isnan(data.loc[1, "unit_price"])
    assert data["order_id"].tolist()[0] == "SO0"


def test_bad_rows_are_set_aside_with_reason_and_row(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame] * 5, ignore_index=True)  # 30 rows
    frame.loc[3, "date"] = "yesterday"
    frame.loc[7, "revenue"] = "n/a"
    frame.loc[8, "channel"] = "  "
    frame.loc[9, ["date", "quantity"]] = ["31/12/2025", "x"]  # the first problem is the reason
    loaded = clean_sales(table(frame), {}, max_rejected_share=0.2)
    assert loaded.report.rejected == {
        "date: not a date": 2, "revenue: not a number": 1, "channel: empty": 1
    }  # fmt: skip
    assert (loaded.report.rows_read, loaded.report.rows_used) == (30, 26)
    rejected = loaded.rejected
    assert rejected["row"].tolist() == [5, 9, 10, 11]
    assert rejected["reason"].tolist()[0] == "date: not a date"
    assert rejected["date"].tolist()[0] == "yesterday"  # original values, untouched
    assert len(loaded.data) == 26
    summary = loaded.report.summary()
    assert summary.startswith("sales.csv: 30 rows read, 26 used, 4 set aside (")


def test_too_many_bad_rows_is_an_error(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame] * 5, ignore_index=True)
    frame.loc[[3, 7], "date"] = ["yesterday", "31/12/2025"]
    frame.loc[5, "revenue"] = "abc"
    with pytest.raises(DataError) as caught:
        clean_sales(table(frame, "lines.csv"), {"date": "date"}, max_rejected_share=0.05)
    message = str(caught.value)
    assert message.startswith("lines.csv: 3 of 30 rows (10.0%) cannot be used")
    assert "date: not a date 2" in message and "revenue: not a number 1" in message
    assert "row 5, 9: date 'yesterday', '31/12/2025' is not a date (expected a date" in message
    assert "row 7: revenue 'abc' is not a number" in message
    assert caught.value.rows == [5, 7, 9]


def test_source_header_is_named_when_it_differs(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.rename(columns={"date": "order_date"})
    frame.loc[0, "order_date"] = "soon"
    with pytest.raises(
        DataError, match=r"row 2: date \(column 'order_date'\) 'soon' is not a date"
    ):
        clean_sales(table(frame), {"date": "order_date"}, max_rejected_share=0)


def test_non_string_sources(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.assign(
        date=pd.to_datetime(sales_frame["date"]).astype("datetime64[ns]"),
        quantity=sales_frame["quantity"].astype("int64"),
        revenue=[Decimal(value) for value in sales_frame["revenue"]],
    )
    loaded = clean_sales(RawTable(frame, np.arange(1, 7), "query on duckdb:///:memory:"), {})
    assert loaded.data["date"].dtype == "datetime64[us]"
    assert loaded.data["revenue"].sum() == pytest.approx(293.15)


def test_missing_text_from_parquet_or_sql_is_empty_not_none(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.astype(object)
    frame.loc[1, "channel"], frame.loc[2, "region"] = None, np.nan
    loaded = clean_sales(RawTable(frame, np.arange(1, 7), "lines.parquet"), {}, 0.5)
    assert loaded.report.rejected == {"channel: empty": 1, "region: empty": 1}
    assert not loaded.data.isin(["None", "nan"]).any().any()


GOOD = {
    "date": ["2025-01-02", "2025/01/02", "20250102", "2025-01-02 10:00"],
    "quantity": ["1", " 2 ", "-1", "1,000"],
    "revenue": ["1.50", "(1,234.50)", "¥12", "-3"],
    "channel": ["Online", " Retail "],
}
BAD = {
    "date": ["", "yesterday", "02/01/2025", "2025-13-01"],
    "quantity": ["", "two", "1.2.3"],
    "revenue": ["", "n/a", "12,34", "(5"],
    "channel": ["", "   "],
}
FIELDS = ("date", "channel", "quantity", "revenue")


@st.composite
def mixtures(draw: st.DrawFn) -> tuple[pd.DataFrame, list[bool]]:
    """Rows where each field is independently good or bad; a row is bad if any field is."""
    count = draw(st.integers(min_value=1, max_value=80))
    rows, bad = [], []
    for _ in range(count):
        flags = {name: draw(st.booleans()) for name in FIELDS}
        rows.append(
            {name: draw(st.sampled_from((BAD if flags[name] else GOOD)[name])) for name in FIELDS}
        )
        bad.append(any(flags.values()))
    frame = pd.DataFrame(rows, columns=list(FIELDS)).astype("str")
    return frame.assign(region="East", product_line="Tea", product="Green", customer="Acme"), bad


@settings(max_examples=30, deadline=None)
@given(mixtures())
def test_every_row_is_accounted_for(mixture: tuple[pd.DataFrame, list[bool]]) -> None:
    frame, bad = mixture
    raw = RawTable(frame, np.arange(10, 10 + len(frame)), "sales.csv")
    loaded = clean_sales(raw, {}, max_rejected_share=1.0)
    report = loaded.report
    assert report.rows_read == len(frame)
    assert report.rows_read == report.rows_used + sum(report.rejected.values())
    assert loaded.rejected["row"].tolist() == raw.rows[np.array(bad)].tolist()
    assert len(loaded.data) == report.rows_used == bad.count(False)


def test_report_refuses_numbers_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="does not add up"):
        LoadReport("sales.csv", rows_read=10, rows_used=8, rejected={"date: not a date": 1})


def test_report_summary_with_notes() -> None:
    report = LoadReport("s.csv", 1000, 990, {"date: not a date": 10}, ["encoding gb18030 detected"])
    assert report.summary() == (
        "s.csv: 1,000 rows read, 990 used, 10 set aside (date: not a date 10).\n"
        "Notes: encoding gb18030 detected."
    )


# --- targets --------------------------------------------------------------------------------


def targets_table(rows: list[list[str]], header: list[str] | None = None) -> RawTable:
    header = header or ["quarter", "channel", "target_revenue"]
    return table(pd.DataFrame(rows, columns=header, dtype="str"), "targets.csv")


@pytest.fixture
def sales(sales_frame: pd.DataFrame) -> pd.DataFrame:
    return clean_sales(table(sales_frame), {}).data


def test_clean_targets(sales: pd.DataFrame) -> None:
    raw = targets_table(
        [
            ["2025Q1", "Online", "1,000"],
            ["2025 q2", " Retail ", "500.456"],
            ["Q3 2025", "Online", "0"],
        ]
    )
    loaded = clean_targets(raw, {}, CALENDAR, sales)
    assert list(loaded.data.columns) == ["quarter", "channel", "target_revenue", "target_quantity"]
    assert loaded.data["quarter"].tolist() == ["2025Q1", "2025Q2", "2025Q3"]
    assert loaded.data["channel"].tolist() == ["Online", "Retail", "Online"]
    assert loaded.data["target_revenue"].tolist() == [1000.0, 500.46, 0.0]
    assert loaded.data["target_quantity"].isna().all()
    assert (loaded.report.rows_read, loaded.report.rows_used) == (3, 3)


def test_fiscal_quarter_labels() -> None:
    raw = targets_table([["FY2026Q1", "Online", "1"], ["fy 2026-Q2", "Online", "1"]])
    loaded = clean_targets(raw, {}, FiscalCalendar(4))
    assert loaded.data["quarter"].tolist() == ["FY2026Q1", "FY2026Q2"]


def test_bad_quarter_label() -> None:
    raw = targets_table([["2025Q1", "Online", "1"], ["2025Q5", "Online", "1"]])
    with pytest.raises(DataError) as caught:
        clean_targets(raw, {}, CALENDAR)
    assert str(caught.value) == (
        "targets.csv: quarter '2025Q5' is not a quarter; row 3; "
        "expected a quarter label such as 2025Q4"
    )


@pytest.mark.parametrize(
    ("value", "pattern"),
    [("", "'' is not a number"), ("lots", "'lots' is not a number"), ("-5", "'-5' is negative")],
)
def test_bad_target_revenue(value: str, pattern: str) -> None:
    raw = targets_table([["2025Q1", "Online", "1"], ["2025Q2", "Online", value]])
    with pytest.raises(DataError, match=rf"target_revenue {pattern}; row 3"):
        clean_targets(raw, {}, CALENDAR)


def test_target_quantity() -> None:
    header = ["季度", "渠道", "目标金额", "目标数量"]
    raw = targets_table([["2025Q1", "Online", "1", "10"], ["2025Q2", "Online", "1", ""]], header)
    assert clean_targets(raw, {}, CALENDAR).data["target_quantity"].tolist()[0] == 10.0
    bad = targets_table([["2025Q1", "Online", "1", "-1"]], header)
    with pytest.raises(DataError, match=r"target_quantity \(column '目标数量'\) '-1' is negative"):
        clean_targets(bad, {}, CALENDAR)


def test_duplicate_targets_name_the_rows() -> None:
    raw = targets_table(
        [["2025Q1", "Online", "1"], ["2025Q1", "Retail", "1"], ["2025 Q1", "Online", "2"]]
    )
    with pytest.raises(DataError) as caught:
        clean_targets(raw, {}, CALENDAR)
    assert (
        "more than one target for the same quarter and channel: 2025Q1 / Online in rows 2, 4"
        in str(caught.value)
    )
    assert caught.value.rows == [2, 4]


def test_target_for_a_channel_that_never_sells(sales: pd.DataFrame) -> None:
    raw = targets_table([["2025Q1", "Online", "1"], ["2025Q1", "Retial", "1"]])
    with pytest.raises(DataError) as caught:
        clean_targets(raw, {}, CALENDAR, sales)
    message = str(caught.value)
    assert "channel 'Retial' (row 3) never occurs in the sales; did you mean 'Retail'?" in message
    far = targets_table([["2025Q1", "Export", "1"]])
    with pytest.raises(DataError, match=r"the sales have 'Online', 'Retail', 'Wholesale'"):
        clean_targets(far, {}, CALENDAR, sales)


def test_finer_dimensions_set_the_grain(sales: pd.DataFrame) -> None:
    header = ["quarter", "channel", "region", "target_revenue", "note", "product"]
    rows = [
        ["2025Q1", "Online", "East", "5", "", ""],
        ["2025Q1", "Online", "West", "5", "x", ""],
    ]
    loaded = clean_targets(targets_table(rows, header), {}, CALENDAR, sales)
    assert list(loaded.data.columns) == [
        "quarter", "channel", "region", "target_revenue", "target_quantity"
    ]  # fmt: skip
    assert loaded.report.notes == ["column 'note' ignored", "column 'product' ignored: it is empty"]
    typo = targets_table([["2025Q1", "Online", "Esat", "5", "", ""]], header)
    with pytest.raises(DataError, match=r"region 'Esat' \(row 2\).*did you mean 'East'"):
        clean_targets(typo, {}, CALENDAR, sales)
    # a blank region is a target for the whole channel: another quarter may be set that way
    whole = targets_table([*rows, ["2025Q2", "Online", "", "5", "", ""]], header)
    loaded = clean_targets(whole, {}, CALENDAR, sales)
    assert loaded.data["region"].isna().tolist() == [False, False, True]
    # but not beside region rows of the same quarter and channel: the sales would count twice
    both = targets_table([*rows, ["2025Q1", "Online", "", "5", "", ""]], header)
    with pytest.raises(DataError, match=r"'Online' in 2025Q1 are set both ways: by region in rows "
                       r"2, 3; for the whole channel in rows 4") as caught:  # fmt: skip
        clean_targets(both, {}, CALENDAR)
    assert caught.value.rows == [2, 3, 4]


def test_targets_by_a_dimension_the_sales_lack(sales: pd.DataFrame) -> None:
    header = ["quarter", "channel", "salesperson", "target_revenue"]
    raw = targets_table([["2025Q1", "Online", "Ann", "5"]], header)
    with pytest.raises(DataError, match="the sales lines have no salesperson column"):
        clean_targets(raw, {}, CALENDAR, sales)

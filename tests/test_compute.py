"""Derived columns (``compute:``): the expression language, its checks, and the lines it makes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import ConfigError, DataError
from analysis.data import pushdown
from analysis.data.config import SourceConfig, config_from_dict
from analysis.data.expression import parse_expression
from analysis.data.load import load
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales

RETAIL = {  # an online retailer's export: no channel, no product line, no revenue column
    "InvoiceDate": ["2025-01-05", "2025-01-06", "2025-02-01", "2025-03-01"],
    "Country": ["United Kingdom", "France", "France", "EIRE"],
    "Description": ["WHITE MUG", "RED MUG", "WHITE MUG", "CANDLE"],
    "CustomerID": ["17850", "13047", "13047", "12583"],
    "Quantity": ["6", "2", "-1", "12"],
    "UnitPrice": ["2.55", "3.39", "2.55", "0.85"],
}
MAPPING = {
    "date": "InvoiceDate",
    "region": "Country",
    "product": "Description",
    "customer": "CustomerID",
    "quantity": "Quantity",
}
COMPUTE = {
    "revenue": "Quantity * UnitPrice",
    "channel": "'Online'",
    "product_line": "'All products'",
}


def raw(frame: dict[str, list[str]] | pd.DataFrame, label: str = "retail.csv") -> RawTable:
    frame = pd.DataFrame(frame)
    return RawTable(frame, np.arange(2, len(frame) + 2), label)


def expressions(compute: dict[str, str]) -> dict:
    return SourceConfig(path=Path("s.csv"), columns=MAPPING, compute=compute).compute


def test_revenue_and_constants_are_computed() -> None:
    loaded = clean_sales(raw(RETAIL), MAPPING, compute=expressions(COMPUTE))
    data = loaded.data
    assert data["revenue"].tolist() == [15.3, 6.78, -2.55, 10.2]
    assert data["channel"].tolist() == ["Online"] * 4
    assert data["product_line"].tolist() == ["All products"] * 4
    assert loaded.report.rows_used == 4 and loaded.report.notes == []  # UnitPrice is used


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quantity * UnitPrice", [15.3, 6.78, -2.55, 10.2]),
        ("-Quantity * UnitPrice", [-15.3, -6.78, 2.55, -10.2]),
        ("(Quantity + 1) * 2 - 1", [13.0, 5.0, -1.0, 25.0]),
        ("Quantity - 1 - 1", [4.0, 0.0, -3.0, 10.0]),  # left to right
        ("Quantity / 2 / 3", [1.0, 0.333333, -0.166667, 2.0]),  # money keeps 6 decimals
        ("2 + Quantity * 3", [20.0, 8.0, -1.0, 38.0]),  # * before +
        ("-(-Quantity)", [6.0, 2.0, -1.0, 12.0]),
        ('"Quantity" * 1.5e1', [90.0, 30.0, -15.0, 180.0]),
    ],
)
def test_arithmetic(text: str, expected: list[float]) -> None:
    compute = {**COMPUTE, "revenue": text}
    data = clean_sales(raw(RETAIL), MAPPING, compute=expressions(compute)).data
    assert data["revenue"].tolist() == expected


def test_quoted_columns_with_spaces_and_chinese_headers() -> None:
    frame = {
        "日期": ["2025-01-05", "2025-01-06"],
        "渠道": ["线上", "线下"],
        "区域": ["华东", "华南"],
        "产品线": ["阀门", "阀门"],
        "产品": ["球阀", "蝶阀"],
        "客户": ["甲", "乙"],
        "数量": ["3", "1,000"],
        "单价": ["¥12.50", "0.5"],
        "Unit Price": ["1", "2"],
    }
    compute = {"revenue": '"数量" * "单价"', "unit_price": '"Unit Price"'}
    source = SourceConfig(path=Path("s.csv"), compute=compute)
    data = clean_sales(raw(frame), {}, compute=source.compute).data
    assert data["revenue"].tolist() == [37.5, 500.0]
    assert data["unit_price"].tolist() == [1.0, 2.0]
    bare_names = {"revenue": "数量 * 单价", "unit_price": '"Unit Price"'}
    bare = SourceConfig(path=Path("s.csv"), compute=bare_names)
    bare = clean_sales(raw(frame), {}, compute=bare.compute).data
    assert bare["revenue"].tolist() == [37.5, 500.0]
    assert parse_expression("数量_箱 * 2").columns == ("数量_箱",)


def test_a_text_column_computed_as_one_column() -> None:
    compute = {**COMPUTE, "channel": "Country"}
    data = clean_sales(raw(RETAIL), MAPPING, compute=expressions(compute)).data
    assert data["channel"].tolist() == RETAIL["Country"]


def test_rows_that_cannot_be_computed_are_set_aside_with_the_expression() -> None:
    frame = dict(RETAIL, Quantity=["6", "two", "3", "12"], UnitPrice=["2.55", "1", "", "0.85"])
    loaded = clean_sales(raw(frame), MAPPING, 1.0, compute=expressions(COMPUTE))
    reason = "revenue: not a number (computed from Quantity * UnitPrice)"
    # the mapped quantity 'two' is the first problem of its row: columns are read in order
    assert loaded.rejected["reason"].tolist() == ["quantity: not a number", reason]
    assert loaded.rejected["row"].tolist() == [3, 4]
    assert loaded.report.rejected == {"quantity: not a number": 1, reason: 1}
    assert loaded.data["revenue"].tolist() == [15.3, 10.2]


def test_division_by_zero_sets_the_row_aside() -> None:
    frame = dict(RETAIL, Total=["15.30", "0", "5", "10.20"], Quantity=["6", "0", "0", "12"])
    compute = {**COMPUTE, "revenue": "Total", "unit_price": "Total / Quantity"}
    loaded = clean_sales(raw(frame), MAPPING, 1.0, compute=expressions(compute))
    # unit_price is optional: where it cannot be computed it is missing, the line is kept
    assert loaded.report.rows_used == 4
    assert loaded.data["unit_price"].tolist()[::3] == pytest.approx([2.55, 0.85])
    assert loaded.data["unit_price"].isna().tolist() == [False, True, True, False]
    compute = {**COMPUTE, "revenue": "Total / Quantity"}
    loaded = clean_sales(raw(frame), MAPPING, 1.0, compute=expressions(compute))
    assert loaded.report.rejected == {
        "revenue: division by zero (computed from Total / Quantity)": 2
    }  # fmt: skip


def test_an_overflowing_product_is_implausible() -> None:
    frame = dict(RETAIL, UnitPrice=["1e200", "1", "1", "1"])
    compute = {**COMPUTE, "revenue": "UnitPrice * UnitPrice * Quantity"}  # inf on row 2
    loaded = clean_sales(raw(frame), MAPPING, 1.0, compute=expressions(compute))
    assert loaded.report.rejected == {"revenue: implausible (beyond ±1,000,000,000,000)": 1}


def test_an_unknown_column_names_the_expression_and_the_headers() -> None:
    compute = {**COMPUTE, "revenue": "Quantity * Price"}
    with pytest.raises(DataError) as caught:
        clean_sales(raw(RETAIL), MAPPING, compute=expressions(compute))
    message = str(caught.value)
    assert message.startswith("retail.csv: compute: revenue: 'Quantity * Price' reads a column")
    assert "'Price', but there is no such column" in message
    assert "'InvoiceDate', 'Country', 'Description', 'CustomerID', 'Quantity' and 1 more" in message


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Quantity *", r"'Quantity \*' at position 11 \(the end\): expected a number"),
        ("Quantity * * 2", r"at position 12 \('\*'\): expected a number, a column or \("),
        ("(Quantity * 2", r"at position 14 \(the end\): expected \)"),
        ("Quantity 2", r"at position 10 \('2'\): expected an operator"),
        ("Quantity ** 2", r"at position 11"),
        ("Quantity % 2", r"at position 10: '%' is not part of an expression"),
        ("数量 ＊ 2", r"at position 4: '＊' outside quotes; put a column name"),
        ("'Online", r"at position 1: the quote ' is never closed"),
        ("__import__('os')", r"at position 11 \('\('\): expected an operator"),
        ("Quantity.real", r"at position 9: '\.' is not part of an expression"),
        ("1e999 * Quantity", r"a number too large"),
        ("", r"expected an expression"),
        ("(" * 40 + "1" + ")" * 40, r"nested more than 32 levels"),
    ],
)
def test_syntax_errors_name_the_position(text: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        parse_expression(text)


@pytest.mark.parametrize(
    ("compute", "pattern"),
    [
        ({"revenue": "'Online'"}, r"compute\.revenue: \"'Online'\": revenue is a number"),
        ({"revenue": "Quantity * 'x'"}, r"compute\.revenue: .*text cannot be used in arithmetic"),
        ({"channel": "Quantity * 2"}, r"compute\.channel: .*channel is text"),
        ({"quantity": "Qty"}, r"compute\.quantity: quantity is also mapped under columns"),
        ({"date": "InvoiceDate"}, r"compute\.date: .*a date is read, not computed"),
        ({"amount": "1"}, r"compute: 'amount' is not a column the workbench uses"),
        ({"revenue": 5}, r"compute\.revenue: expected an expression"),
    ],
)
def test_configuration_errors(tmp_path: Path, compute: dict, pattern: str) -> None:
    sales = {"path": "s.csv", "columns": {"quantity": "Qty"}, "compute": compute}
    with pytest.raises(ConfigError, match=rf"^sales: {pattern}"):
        config_from_dict({"sales": sales}, tmp_path)


def test_compute_is_for_sales_only(tmp_path: Path) -> None:
    targets = {"path": "t.csv", "compute": {"target_revenue": "1"}}
    with pytest.raises(ConfigError, match=r"targets\.compute: applies to the sales lines only"):
        config_from_dict({"sales": "s.csv", "targets": targets}, tmp_path)


def test_expressions_are_never_run_by_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the grammar is understood: names are columns, never Python objects."""
    import builtins

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    frame = dict(RETAIL, os=["1", "2", "3", "4"])
    compute = {**COMPUTE, "revenue": "os * Quantity"}
    data = clean_sales(raw(frame), MAPPING, compute=expressions(compute)).data
    assert data["revenue"].tolist() == [6.0, 4.0, -3.0, 48.0]


def write_retail(tmp_path: Path, suffix: str) -> Path:
    frame = pd.DataFrame(RETAIL)
    if suffix == ".parquet":
        frame.to_parquet(tmp_path / "retail.parquet")
    else:
        frame.to_csv(tmp_path / "retail.csv", index=False)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sales:\n  path: retail{suffix}\n"
        "  columns: {date: InvoiceDate, region: Country, product: Description,\n"
        "            customer: CustomerID, quantity: Quantity}\n"
        '  compute: {revenue: "Quantity * UnitPrice", channel: "\'Online\'",\n'
        "            product_line: \"'All products'\"}\n",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_load_from_a_configuration(tmp_path: Path, suffix: str) -> None:
    dataset = load(write_retail(tmp_path, suffix))
    assert dataset.sales["revenue"].sum() == pytest.approx(29.73)
    assert set(dataset.sales["channel"]) == {"Online"}


def test_the_engine_never_ignores_compute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large Parquet source with compute: is loaded line by line, and says so."""
    config = write_retail(tmp_path, ".parquet")
    source = load(config).config.sales
    assert not pushdown.supports(source)
    assert pushdown.in_memory(source) == (
        "loaded line by line in memory, not summed in the engine, because of compute"
    )
    monkeypatch.setattr("analysis.data.load.LINES_IN_MEMORY", 2)
    dataset = load(config)
    assert "lines" not in dataset.sales  # lines, not daily sums
    assert dataset.sales["revenue"].sum() == pytest.approx(29.73)
    assert pushdown.in_memory(source) in dataset.reports[0].notes
    with pytest.raises(DataError, match=r"because of compute"):
        pushdown.daily(source, dataset.config.calendar, ["channel"])


OPERANDS = ["3", "-2", "0", "1,000", "¥2.50", "(4)", "", "x", "0.0"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OPERANDS), st.sampled_from(OPERANDS)), min_size=1))
def test_computed_lines_are_accounted_for(pairs: list[tuple[str, str]]) -> None:
    """Every line is computed exactly as the expression says, or set aside with its reason."""
    n = len(pairs)
    frame = pd.DataFrame(
        dict(
            {name: [values[0]] * n for name, values in RETAIL.items()},
            A=[a for a, _ in pairs],
            B=[b for _, b in pairs],
        )
    )
    compute = {**COMPUTE, "revenue": "A / B - -A"}
    loaded = clean_sales(raw(frame), MAPPING, 1.0, compute=expressions(compute))
    report = loaded.report
    assert report.rows_read == n == report.rows_used + report.rows_rejected
    value = {"3": 3.0, "-2": -2.0, "0": 0.0, "1,000": 1000.0, "¥2.50": 2.5, "(4)": -4.0, "0.0": 0.0}
    expected, reasons = [], []
    for a, b in pairs:
        if a not in value or b not in value:
            reasons.append("revenue: not a number (computed from A / B - -A)")
        elif value[b] == 0:
            reasons.append("revenue: division by zero (computed from A / B - -A)")
        else:
            expected.append(float(np.round(value[a] / value[b] + value[a], 6)))
    assert loaded.rejected["reason"].tolist() == reasons
    assert loaded.data["revenue"].tolist() == expected

"""Header matching: canonical names, Chinese headers, the config's mapping, and errors that name
the columns a user has to fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ConfigError, DataError
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales


def table(frame: pd.DataFrame, label: str = "sales.csv") -> RawTable:
    """A raw table as a CSV would give it: header on line 1, rows from line 2."""
    return RawTable(frame, np.arange(2, len(frame) + 2), label)


def test_chinese_headers_are_recognised(sales_frame: pd.DataFrame) -> None:
    chinese = ["日期", "销售渠道", "大区", "产品类别", "产品名称", "客户名称", "数量", "销售额"]
    frame = sales_frame.set_axis(chinese, axis=1).assign(业务员="王五", 备注="")
    loaded = clean_sales(table(frame), {})
    assert list(loaded.data.columns[-1:]) == ["salesperson"]
    assert loaded.data["revenue"].sum() == pytest.approx(293.15)
    assert loaded.report.notes == ["column '备注' ignored"]


def test_explicit_mapping_wins(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.assign(net_amount=["1"] * 6)  # 'revenue' (gross) is still in the file
    loaded = clean_sales(table(frame), {"revenue": "net_amount"})
    assert loaded.data["revenue"].tolist() == [1.0] * 6
    assert loaded.report.notes == ["column 'revenue' ignored"]


def test_missing_columns_are_all_named(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.drop(columns=["date", "revenue"])
    with pytest.raises(DataError) as caught:
        clean_sales(table(frame, "lines.csv"), {})
    message = str(caught.value)
    assert message.startswith("lines.csv: missing columns date (looked for 'date' or 日期")
    assert "revenue (looked for 'revenue' or 金额 or 销售额 or 销售金额)" in message
    assert "columns found: 'channel', 'region'" in message


def test_mapping_to_a_column_the_source_lacks(sales_frame: pd.DataFrame) -> None:
    with pytest.raises(DataError) as caught:
        clean_sales(table(sales_frame, "lines.csv"), {"revenue": "net_amount"})
    message = str(caught.value)
    assert "revenue: 'net_amount'" in message and "lines.csv has no such column" in message
    assert "'date', 'channel'" in message


def test_mapping_to_an_unknown_canonical_name(sales_frame: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match="'amount' is not a column"):
        clean_sales(table(sales_frame), {"amount": "revenue"})


def test_duplicated_header(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame, sales_frame[["region"]]], axis=1)
    with pytest.raises(DataError, match=r"the header 'region' appears more than once"):
        clean_sales(table(frame), {})


def test_two_columns_for_one_canonical_name(sales_frame: pd.DataFrame) -> None:
    frame = sales_frame.assign(金额=sales_frame["revenue"])
    with pytest.raises(DataError, match=r"'revenue', '金额' are all taken as revenue"):
        clean_sales(table(frame), {})


def test_no_rows(sales_frame: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"sales.csv: no rows"):
        clean_sales(table(sales_frame.iloc[:0]), {})

"""Look-alike labels: one spelling per label in the sales, and targets matched to it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data import pushdown
from analysis.data.config import SourceConfig
from analysis.data.labels import key, unify
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales
from analysis.data.validate_targets import clean_targets


def sales_table(channels: list[str], regions: list[str] | None = None) -> RawTable:
    n = len(channels)
    frame = pd.DataFrame(
        {
            "date": ["2025-01-05"] * n,
            "channel": channels,
            "region": regions or ["East"] * n,
            "product_line": ["Valves"] * n,
            "product": ["Ball"] * n,
            "customer": ["Acme"] * n,
            "quantity": [str(i + 1) for i in range(n)],
            "revenue": ["10"] * n,
        }
    )
    return RawTable(frame, np.arange(2, n + 2), "sales.csv")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("OEM", "oem"),
        ("OEM", "ＯＥＭ"),  # full width
        ("OEM", "OEM\u200b"),  # zero-width space
        ("OEM", "\ufeffOEM"),  # byte order mark
        ("Key  Accounts", "Key Accounts"),  # inner whitespace
        ("Key Accounts", "Key\u3000Accounts"),  # ideographic space
        ("华东", "华东\u200b"),
        ("华东", " 华东 "),
        ("ｶﾀﾛｸﾞ", "カタログ"),  # half-width katakana
    ],
)
def test_look_alikes_share_a_key(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("华东", "华南"),
        ("华东", "華東"),  # simplified and traditional are different labels
        ("销售一部", "销售二部"),
        ("OEM", "OEM2"),
        ("Nord", "Nord-Ost"),
        ("直销", "直銷"),
    ],
)
def test_different_labels_keep_apart(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_sales_labels_are_unified_to_the_most_frequent_spelling() -> None:
    channels = ["OEM", "ＯＥＭ", "ＯＥＭ", "oem", "OEM", "ＯＥＭ", "OEM", "OEM", "Retail"]
    loaded = clean_sales(sales_table(channels), {})
    assert loaded.data["channel"].tolist() == ["OEM"] * 8 + ["Retail"]
    assert loaded.report.warnings == ["channel: 'ＯＥＭ' (3 lines), 'oem' (1 line) read as 'OEM'"]
    assert loaded.report.rows_used == 9  # nothing set aside
    assert "Warnings: channel: 'ＯＥＭ' (3 lines)" in loaded.report.summary()


def test_ties_go_to_the_first_spelling_seen() -> None:
    loaded = clean_sales(sales_table(["oem", "OEM", "Retail", "OEM", "oem"]), {})
    assert loaded.data["channel"].tolist() == ["oem", "oem", "Retail", "oem", "oem"]
    assert loaded.report.warnings == ["channel: 'OEM' (2 lines) read as 'oem'"]


def test_chinese_labels_merge_only_on_invisible_differences() -> None:
    regions = ["华东", "华东\u200b", "华南", "華東", "华东", "华　东"]
    loaded = clean_sales(sales_table(["直销"] * 6, regions), {})
    assert loaded.data["region"].tolist() == ["华东", "华东", "华南", "華東", "华东", "华　东"]
    assert loaded.report.warnings == ["region: '华东\\u200b' (1 line) read as '华东'"]


def test_distinct_labels_give_no_warning(sales_frame: pd.DataFrame) -> None:
    loaded = clean_sales(RawTable(sales_frame, np.arange(2, 8), "s.csv"), {})
    assert loaded.report.warnings == []


def test_weights_count_lines_summed_in_an_engine() -> None:
    values = pd.Series(["OEM", "oem", "Retail"])
    unified, warning = unify(values, "channel", pd.Series([1, 5, 2]))
    assert unified.tolist() == ["oem", "oem", "Retail"]
    assert warning == "channel: 'OEM' (1 line) read as 'oem'"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["OEM", "oem", "ＯＥＭ", "华东", "华东\u200b", "華東", "x"]), min_size=1
    )
)
def test_unifying_keeps_keys_and_counts(labels: list[str]) -> None:
    """Each label becomes a spelling of its own key that was in the data; lines never move
    between keys, and every key ends with one spelling."""
    values = pd.Series(labels, dtype=object)
    unified, _ = unify(values, "channel")
    assert [key(a) for a in unified] == [key(b) for b in labels]
    assert set(unified) <= set(labels)
    assert unified.groupby([key(v) for v in unified]).nunique().max() == 1


# --- targets --------------------------------------------------------------------------------


def targets(channels: list[str]) -> RawTable:
    frame = pd.DataFrame(
        {
            "quarter": [f"2025Q{i + 1}" for i in range(len(channels))],
            "channel": channels,
            "target_revenue": ["100"] * len(channels),
        }
    )
    return RawTable(frame, np.arange(2, len(channels) + 2), "targets.csv")


@pytest.fixture
def oem_sales() -> pd.DataFrame:
    return clean_sales(sales_table(["OEM", "OEM", "oem", "Retail", "华东\u200b"]), {}).data


def test_a_target_matches_the_sales_spelling(oem_sales: pd.DataFrame) -> None:
    loaded = clean_targets(
        targets(["oem", "ＯＥＭ ", "RETAIL", "华东"]), {}, FiscalCalendar(), oem_sales
    )
    assert loaded.data["channel"].tolist() == ["OEM", "OEM", "Retail", "华东\u200b"]
    assert loaded.report.notes[:2] == [
        "channel 'oem' read as 'OEM', as the sales spell it",
        "channel 'ＯＥＭ' read as 'OEM', as the sales spell it",
    ]


def test_a_typo_is_still_an_error(oem_sales: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"channel 'Retial' \(row 2\) never occurs in the sales; "
                                        r"did you mean 'Retail'\?"):  # fmt: skip
        clean_targets(targets(["Retial"]), {}, FiscalCalendar(), oem_sales)


def test_two_targets_for_one_label_spelled_twice(oem_sales: pd.DataFrame) -> None:
    frame = targets(["OEM", "oem"]).frame.assign(quarter="2025Q1")
    with pytest.raises(DataError, match=r"more than one target .*2025Q1 / OEM in rows 2, 3"):
        clean_targets(RawTable(frame, np.arange(2, 4), "t.csv"), {}, FiscalCalendar(), oem_sales)


def test_lines_summed_in_the_engine_are_unified_too(tmp_path: Path) -> None:
    table = sales_table(["OEM", "oem", "OEM", "ＯＥＭ", "Retail"]).frame
    table.to_parquet(tmp_path / "s.parquet")
    source = SourceConfig(path=tmp_path / "s.parquet")
    pushed = pushdown.totals(source, FiscalCalendar(), ["channel"])
    assert pushed.totals["channel"].tolist() == ["OEM", "Retail"]
    assert pushed.totals["lines"].tolist() == [4, 1]
    assert pushed.report.warnings == ["channel: 'oem' (1 line), 'ＯＥＭ' (1 line) read as 'OEM'"]


def test_the_engine_counts_spellings_as_the_loader_does(tmp_path: Path) -> None:
    """Lines judged in Python (here: revenue with a thousands separator) keep their spelling
    until the look-alikes are counted over every line."""
    table = sales_table(["oem", "oem", "OEM", "OEM", "OEM", "OEM"]).frame
    table["revenue"] = ["1,000", "1,000", "1,000", "10", "10", "10"]
    table.to_parquet(tmp_path / "s.parquet")
    source = SourceConfig(path=tmp_path / "s.parquet")
    pushed = pushdown.totals(source, FiscalCalendar(), ["channel"])
    loaded = clean_sales(RawTable(table, np.arange(1, 7), "s.parquet"), {})
    assert pushed.report.warnings == loaded.report.warnings
    assert loaded.report.warnings == ["channel: 'oem' (2 lines) read as 'OEM'"]
    assert pushed.totals["cents"].tolist() == [303000]

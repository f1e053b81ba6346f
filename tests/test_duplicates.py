"""Exact duplicate sales lines: counted with a warning, or set aside with ``duplicates: reject``;
and the row accounting holds whatever mix of duplicates, blanks and wild amounts arrives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import ConfigError
from analysis.data.config import config_from_dict
from analysis.data.load import load
from analysis.data.sources import RawTable
from analysis.data.validate import clean_sales


def raw(frame: pd.DataFrame) -> RawTable:
    return RawTable(frame.reset_index(drop=True), np.arange(2, len(frame) + 2), "sales.csv")


def test_duplicates_are_kept_with_a_warning(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame, sales_frame.iloc[[1, 4, 1]]])  # rows 8, 9, 10 repeat 3, 6, 3
    loaded = clean_sales(raw(frame), {})
    assert loaded.report.rows_used == 9
    assert loaded.report.warnings == [
        "3 lines are exact duplicates of an earlier line (row 8, 9, 10); a file read twice? "
        "set duplicates: reject to set them aside"
    ]


def test_a_file_concatenated_twice_is_named_as_such(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame] * 2)
    (warning,) = clean_sales(raw(frame), {}).report.warnings
    assert warning.startswith("6 lines are exact duplicates of an earlier line (row 8, 9, 10, 11")
    assert "every line appears exactly twice" in warning and "counts double" in warning


def test_reject_sets_later_copies_aside_naming_the_first(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame, sales_frame.iloc[[1, 4, 1]]])
    loaded = clean_sales(raw(frame), {}, 0.5, duplicates="reject")
    assert loaded.report.rejected == {"duplicate of an earlier line": 3}
    assert loaded.rejected[["row", "reason"]].values.tolist() == [
        [8, "duplicate of row 3"], [9, "duplicate of row 6"], [10, "duplicate of row 3"]
    ]  # fmt: skip
    assert loaded.data.equals(clean_sales(raw(sales_frame), {}).data)
    assert loaded.report.warnings == []


def test_lines_differing_in_any_column_are_not_duplicates(sales_frame: pd.DataFrame) -> None:
    other = sales_frame.iloc[[0]].assign(order_id="SO-2")
    frame = pd.concat([sales_frame.assign(order_id="SO-1"), other])
    assert clean_sales(raw(frame), {}).report.warnings == []


def test_a_row_set_aside_for_another_reason_is_not_counted(sales_frame: pd.DataFrame) -> None:
    frame = pd.concat([sales_frame, sales_frame.iloc[[0]]])
    frame.iloc[[0, 6], 0] = "soon"  # both copies have no date
    loaded = clean_sales(raw(frame), {}, 0.5, duplicates="reject")
    assert loaded.report.rejected == {"date: not a date": 2}


def test_duplicates_from_the_configuration(tmp_path: Path, sales_frame: pd.DataFrame) -> None:
    pd.concat([sales_frame] * 2).to_csv(tmp_path / "sales.csv", index=False)
    config = config_from_dict(
        {"sales": {"path": "sales.csv", "duplicates": "reject"}, "max_rejected_share": 0.5},
        tmp_path,
    )
    dataset = load(config)
    assert dataset.reports[0].rejected == {"duplicate of an earlier line": 6}
    assert dataset.sales["revenue"].sum() == pytest.approx(293.15)
    with pytest.raises(ConfigError, match=r"sales: duplicates: expected keep or reject"):
        config_from_dict({"sales": {"path": "s.csv", "duplicates": "drop"}}, tmp_path)


# --- row accounting under everything at once -----------------------------------------------

VALUES = {
    "channel": ["Online", "online", "ＯＮＬＩＮＥ", "", " ", "Retail"],
    "customer": ["Acme", "", "NA", "\u200bAcme"],
    "revenue": ["10", "1e308", "inf", "nan", "-1e13", "x", "", "12.5"],
}


@st.composite
def messy(draw: st.DrawFn) -> tuple[pd.DataFrame, str, bool]:
    count = draw(st.integers(1, 40))
    rows = [{name: draw(st.sampled_from(options)) for name, options in VALUES.items()}
            for _ in range(count)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(VALUES))
    copies = draw(st.lists(st.integers(0, count - 1), max_size=10))
    frame = pd.concat([frame, frame.iloc[copies]], ignore_index=True)
    frame = frame.assign(date="2025-03-01", region="East", product_line="V", product="B",
                         quantity="1")  # fmt: skip
    return frame, draw(st.sampled_from(["keep", "reject"])), draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(messy())
def test_every_row_is_accounted_for(case: tuple[pd.DataFrame, str, bool]) -> None:
    frame, duplicates, fill = case
    table = RawTable(frame, np.arange(2, len(frame) + 2), "s.csv")
    filled = {"customer": "(none)"} if fill else None
    loaded = clean_sales(table, {}, 1.0, duplicates=duplicates, fill=filled)
    report = loaded.report
    assert report.rows_read == len(frame) == report.rows_used + sum(report.rejected.values())
    assert len(loaded.data) == report.rows_used and len(loaded.rejected) == report.rows_rejected
    # the same rows set aside, for the same reasons, as a plain reading of the rules says
    named = (frame["channel"].str.strip() != "") & ((frame["customer"] != "") | fill)
    wild = named & frame["revenue"].isin(["1e308", "inf", "nan", "-1e13"])
    bad = ~named | ~frame["revenue"].isin(["10", "12.5"])
    if duplicates == "reject":
        bad |= frame.duplicated()
    assert loaded.rejected["row"].tolist() == table.rows[bad.to_numpy()].tolist()
    implausible = report.rejected.get("revenue: implausible (beyond ±1,000,000,000,000)", 0)
    assert implausible == int(wild.sum())
    assert loaded.data["revenue"].sum() == pytest.approx(
        frame.loc[~bad.to_numpy(), "revenue"].astype(float).sum()
    )


@pytest.mark.parametrize("kind", ["parquet", "sqlite"])
def test_the_engine_warns_of_the_same_duplicates(
    tmp_path: Path, sales_frame: pd.DataFrame, kind: str
) -> None:
    frame = pd.concat([sales_frame, sales_frame.iloc[[1, 4, 1]]], ignore_index=True)
    if kind == "parquet":
        frame.to_parquet(tmp_path / "s.parquet")
        sales = {"path": "s.parquet"}
    else:
        with sqlite3.connect(tmp_path / "s.sqlite") as con:
            frame.to_sql("lines", con, index=False)
        sales = {"url": "sqlite:///s.sqlite", "table": "lines"}
    config = config_from_dict({"sales": sales}, tmp_path)
    in_memory, in_engine = load(config, in_engine=False), load(config, in_engine=True)
    # parquet and SQL rows are records numbered from 1: the copies are records 7, 8, 9
    expected = [
        "3 lines are exact duplicates of an earlier line (row 7, 8, 9); a file read twice? "
        "set duplicates: reject to set them aside"
    ]
    assert in_memory.reports[0].warnings == in_engine.reports[0].warnings == expected
    twice = pd.concat([sales_frame] * 2, ignore_index=True)
    twice.to_parquet(tmp_path / "twice.parquet")
    config = config_from_dict({"sales": "twice.parquet"}, tmp_path)
    (warning,) = load(config, in_engine=True).reports[0].warnings
    assert warning == load(config, in_engine=False).reports[0].warnings[0]
    assert "every line appears exactly twice" in warning

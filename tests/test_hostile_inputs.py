"""Broken and odd source files (Excel, Parquet, CSV, folders): one line naming the file and what
was expected, or rows set aside with their reason; never a traceback, never a machine path."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "sales_lines.csv").head(3000)


def _config(folder: Path, path: str) -> Path:
    shutil.copy(SAMPLE / "targets.csv", folder / "targets.csv")
    config = folder / "config.yaml"
    config.write_text(
        f"sales:\n  path: {path}\n  columns: {{date: order_date, revenue: net_amount}}\n"
        "targets:\n  path: targets.csv\n",
        encoding="utf-8",
    )
    return config


def _check(config: Path, capsys) -> tuple[int, str, str]:
    code = main(["check", "--config", str(config)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert str(config.parent) not in out + err  # files by their names, not machine paths
    return code, out, err


def _refused(config: Path, capsys, *words: str) -> None:
    code, _, err = _check(config, capsys)
    assert code == 1 and err.count("\n") == 1 and err.startswith("sales-report: error: "), err
    for word in words:
        assert word in err, err


def _set_aside(config: Path, capsys, read: int, used: int, reason: str) -> None:
    code, out, _ = _check(config, capsys)
    assert code == 0
    first, detail = out.splitlines()[:2]
    assert f"{read:,} rows read, {used:,} used, {read - used:,} set aside:" in first, first
    assert detail.startswith(f"  {reason} (row "), detail


def test_a_corrupt_workbook(tmp_path, capsys):
    (tmp_path / "s.xlsx").write_bytes(b"PK\x03\x04garbage" * 100)
    _refused(_config(tmp_path, "s.xlsx"), capsys, "s.xlsx: not a readable Excel file")


def test_an_empty_workbook(tmp_path, capsys):
    pd.DataFrame().to_excel(tmp_path / "s.xlsx")
    _refused(_config(tmp_path, "s.xlsx"), capsys, "s.xlsx: the sheet is empty", "expected")


def test_formulas_as_amounts_in_a_workbook_are_set_aside(tmp_path, capsys, lines):
    frame = lines.astype({"net_amount": str})
    frame.loc[:5, "net_amount"] = "=1+1"
    frame.to_excel(tmp_path / "s.xlsx", index=False)
    _set_aside(_config(tmp_path, "s.xlsx"), capsys, 3000, 2994, "6 revenue: not a number")


def test_a_truncated_parquet_file(tmp_path, capsys, lines):
    lines.to_parquet(tmp_path / "s.parquet")
    data = (tmp_path / "s.parquet").read_bytes()
    (tmp_path / "s.parquet").write_bytes(data[: len(data) // 2])
    _refused(_config(tmp_path, "s.parquet"), capsys, "s.parquet: the engine failed")


def test_text_amounts_in_parquet_are_set_aside(tmp_path, capsys, lines):
    frame = lines.astype({"net_amount": str})
    frame.loc[:9, "net_amount"] = "abc"
    frame.to_parquet(tmp_path / "s.parquet")
    _set_aside(_config(tmp_path, "s.parquet"), capsys, 3000, 2990, "10 revenue: not a number")


def test_infinite_amounts_in_parquet_are_set_aside(tmp_path, capsys, lines):
    frame = lines.copy()
    frame.loc[:2, "net_amount"] = np.inf
    frame.to_parquet(tmp_path / "s.parquet")
    reason = "3 revenue: implausible (beyond ±1,000,000,000,000)"
    _set_aside(_config(tmp_path, "s.parquet"), capsys, 3000, 2997, reason)


def test_a_parquet_file_without_a_column(tmp_path, capsys, lines):
    lines.drop(columns=["channel"]).to_parquet(tmp_path / "s.parquet")
    _refused(
        _config(tmp_path, "s.parquet"),
        capsys,
        "missing column channel",
        "columns found",
        "expected",
    )


def test_a_binary_file_named_csv(tmp_path, capsys):
    (tmp_path / "s.csv").write_bytes(bytes(range(256)) * 50)
    _refused(_config(tmp_path, "s.csv"), capsys, "s.csv: looks like binary data", "not CSV text")


def test_an_empty_csv(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("")
    _refused(_config(tmp_path, "s.csv"), capsys, "s.csv: the file is empty")


def test_a_folder_without_parquet_files(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    _refused(_config(tmp_path, "sub"), capsys, "sub: the engine failed", "No files found")


def test_a_missing_file(tmp_path, capsys):
    _refused(_config(tmp_path, "nowhere.csv"), capsys, "nowhere.csv")

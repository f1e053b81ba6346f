"""``sales-report check`` and ``sample`` as a user at a terminal meets them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]

CHINESE = {
    "date": "日期",
    "channel": "渠道",
    "region": "区域",
    "product_line": "产品线",
    "product": "产品",
    "customer": "客户",
    "quantity": "数量",
    "revenue": "金额",
}


def write_config(folder: Path, sales: str, columns: dict[str, str]) -> Path:
    mapping = ", ".join(f"{k}: {v}" for k, v in columns.items())
    path = folder / "run.yaml"
    path.write_text(
        f"sales:\n  path: {sales}\n  columns: {{{mapping}}}\ncurrency: CNY\n", encoding="utf-8"
    )
    return path


def test_check_loads_gbk_csv_with_chinese_headers(tmp_path, sales_frame, capsys):
    frame = sales_frame.rename(columns={k: v for k, v in CHINESE.items() if k != "revenue"})
    frame = frame.rename(columns={"revenue": "销售净额"})
    frame["渠道"] = ["直销", "经销商", "直销", "经销商", "OEM", "出口"]
    frame.to_csv(tmp_path / "销售.csv", index=False, encoding="gbk")
    config = write_config(tmp_path, "销售.csv", {"date": "日期", "revenue": "销售净额"})
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "销售.csv: 6 rows read, 6 used." in out
    assert "gb18030" in out


def test_check_names_missing_column_and_file(tmp_path, sales_frame, capsys):
    sales_frame.drop(columns=["customer"]).to_csv(tmp_path / "sales.csv", index=False)
    config = write_config(tmp_path, "sales.csv", {})
    assert main(["check", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sales-report: error: sales.csv")
    assert "customer" in err and err.count("\n") == 1


def test_check_reports_rejected_rows(tmp_path, sales_frame, capsys):
    sales_frame.loc[2, "date"] = "yesterday"
    sales_frame.to_csv(tmp_path / "sales.csv", index=False)
    config = write_config(tmp_path, "sales.csv", {})
    config.write_text(config.read_text() + "max_rejected_share: 0.5\n", encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "sales.csv: 6 rows read, 5 used, 1 set aside:\n  1 date: not a date (row 4)\n" in out


def test_check_of_bundled_sample(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "sales_lines.csv: 48,290 rows read, 48,290 used." in out
    assert "targets.csv: 146 rows read, 146 used." in out


def test_sample_command_writes_the_committed_sample(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path)]) == 0
    for name in ("sales_lines.csv", "targets.csv", "config.yaml"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / "sample" / name).read_bytes()
    assert main(["sample", "--out", str(tmp_path / "other"), "--seed", "7"]) == 0
    other = pd.read_csv(tmp_path / "other" / "sales_lines.csv")
    assert len(other) != 48_290 or not other.equals(pd.read_csv(tmp_path / "sales_lines.csv"))


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--unknown-flag"])
    assert exit_info.value.code == 2


def test_the_notebook_machinerys_log_stays_off_the_terminal() -> None:
    """A kernel that dies while a run is stopped is logged by papermill or nbclient as an error:
    the run log keeps it, the terminal's last line stays the workbench's own."""
    import logging

    from analysis.cli import _for_terminal

    def record(name: str, **extra: object) -> logging.LogRecord:
        made = logging.LogRecord(name, logging.ERROR, __file__, 1, "Kernel died", None, None)
        made.__dict__.update(extra)
        return made

    assert not _for_terminal(record("papermill"))
    assert not _for_terminal(record("nbclient.client"))
    assert not _for_terminal(record("traitlets"))
    assert not _for_terminal(record("analysis.run.execute", file_only=True))
    assert _for_terminal(record("analysis.run.execute"))

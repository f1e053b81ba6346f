"""``load()``: from a configuration to checked data, with one report per source."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import DataError
from analysis.data.config import config_from_dict, load_config
from analysis.data.load import load

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "config.yaml"


@pytest.fixture
def config_file(tmp_path: Path, sales_frame: pd.DataFrame) -> Path:
    """A company export in GBK with Chinese headers, mapped through the config."""
    sales = sales_frame.rename(columns={"date": "下单日期", "channel": "渠道", "revenue": "金额"})
    sales.loc[2, "下单日期"] = "unknown"
    sales.assign(备注="").to_csv(tmp_path / "sales.csv", index=False, encoding="gbk")
    targets = pd.DataFrame(
        {
            "quarter": ["2025Q1", "2025Q2"],
            "channel": ["Online", "Retail"],
            "target_revenue": [50, 80],
        }
    )
    targets.to_csv(tmp_path / "targets.csv", index=False)
    path = tmp_path / "config.yaml"
    path.write_text(
        "sales:\n"
        "  path: sales.csv\n"
        "  columns: {date: 下单日期}\n"
        "targets: targets.csv\n"
        "max_rejected_share: 0.2\n",
        encoding="utf-8",
    )
    return path


def test_load_from_a_config_file(config_file: Path) -> None:
    dataset = load(config_file)
    assert len(dataset.sales) == 5
    assert dataset.sales["channel"].tolist()[:2] == ["Online", "Retail"]
    assert dataset.targets is not None and dataset.targets["target_revenue"].tolist() == [50, 80]
    sales_report, targets_report = dataset.reports
    assert sales_report.summary() == (
        "sales.csv: 6 rows read, 5 used, 1 set aside (date: not a date 1).\n"
        "Notes: encoding gb18030 detected; column '备注' ignored."
    )
    assert targets_report.to_dict()["rows_used"] == 2
    assert list(dataset.rejected) == ["sales.csv", "targets.csv"]
    assert dataset.rejected["sales.csv"][["row", "下单日期"]].values.tolist() == [[4, "unknown"]]
    assert dataset.data_through == date(2025, 6, 30)  # the last sale


def test_load_accepts_a_run_config(config_file: Path) -> None:
    config = replace(load_config(config_file), data_through=date(2025, 5, 31))
    dataset = load(config)
    assert dataset.config is config
    assert dataset.data_through == date(2025, 5, 31)
    report = dataset.reports[0]
    assert report.rejected["date: after data_through 2025-05-31"] == 1
    assert report.rows_read == report.rows_used + report.rows_rejected
    assert (dataset.sales["date"] <= "2025-05-31").all()


def test_load_fails_on_too_many_rejections(config_file: Path) -> None:
    config = replace(load_config(config_file), max_rejected_share=0.0)
    with pytest.raises(DataError, match=r"sales\.csv: 1 of 6 rows"):
        load(config)


def test_load_checks_targets_against_sales(config_file: Path) -> None:
    (config_file.parent / "targets.csv").write_text(
        "quarter,channel,target_revenue\n2025Q1,Onlne,5\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"targets\.csv: channel 'Onlne'.*did you mean 'Online'"):
        load(config_file)


def test_sources_with_the_same_label_keep_apart(tmp_path: Path) -> None:
    query = (
        "select * from (values ('2025-01-02', 'Online', 'East', 'Tea', 'Green', 'Acme', 1, 2.5))"
        " t(date, channel, region, product_line, product, customer, quantity, revenue)"
    )
    targets = "select '2025Q1' as quarter, 'Online' as channel, 10 as target_revenue"
    config = config_from_dict({"sales": {"query": query}, "targets": {"query": targets}}, tmp_path)
    dataset = load(config)
    assert list(dataset.rejected) == [
        "query on duckdb:///:memory:", "query on duckdb:///:memory: (targets)"
    ]  # fmt: skip
    assert dataset.sales["revenue"].tolist() == [2.5]


@pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample: sales-report sample")
def test_bundled_sample_loads_without_rejections() -> None:
    dataset = load()
    assert dataset.config.source_file == SAMPLE
    assert all(not report.rejected for report in dataset.reports)
    assert dataset.reports[0].rows_read == len(dataset.sales) > 1000
    assert dataset.targets is not None and not dataset.targets.empty

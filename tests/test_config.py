"""Run configuration: every mistake fails at load time, naming the file and the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

import analysis.data.config as config_module
from analysis.core.errors import ConfigError
from analysis.data.config import (
    RunConfig,
    SourceConfig,
    config_from_dict,
    display_url,
    load_config,
    sample_config_path,
)


def write_config(folder: Path, data: dict | str) -> Path:
    path = folder / "config.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_resolved_against_the_config_folder(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        {
            "sales": {"path": "in/sales.csv", "columns": {"date": "日期"}},
            "targets": "targets.xlsx",
            "fiscal_year_start_month": 4,
            "currency": "EUR",
            "company": "Acme",
            "data_through": "2025-12-31",
            "max_rejected_share": 0.05,
        },
    )
    config = load_config(path)
    assert config.sales.path == tmp_path / "in" / "sales.csv"
    assert config.sales.label == "in/sales.csv"
    assert config.sales.columns == {"date": "日期"}
    assert config.targets is not None and config.targets.kind == "excel"
    assert config.targets.label == "targets.xlsx"
    assert config.data_through == date(2025, 12, 31)
    assert config.max_rejected_share == 0.05
    assert config.source_file == path.resolve()
    assert config.calendar.start_month == 4
    assert (config.currency, config.company) == ("EUR", "Acme")


def test_defaults(tmp_path: Path) -> None:
    config = config_from_dict({"sales": "s.csv"}, tmp_path)
    assert config == RunConfig(sales=SourceConfig(path=Path("s.csv"), base_dir=tmp_path))
    assert (config.currency, config.max_rejected_share, config.targets) == ("CNY", 0.01, None)
    assert config.calendar.is_calendar


def test_yaml_date_is_accepted(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "sales: s.csv\ndata_through: 2025-09-30\n"))
    assert config.data_through == date(2025, 9, 30)


def test_unknown_key_names_file_key_and_allowed_keys(tmp_path: Path) -> None:
    path = write_config(tmp_path, {"sales": "s.csv", "curency": "CNY"})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "config.yaml" in message and "curency" in message
    assert "did you mean 'currency'" in message
    assert "allowed keys: sales, targets" in message


def test_unknown_source_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key sales\.file.*allowed keys: path, url"):
        config_from_dict({"sales": {"file": "s.csv"}}, tmp_path)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        ({}, r"sales: missing"),
        ({"sales": {"path": "s.csv", "query": "select 1"}}, r"sales: give either path or query"),
        ({"sales": {"url": "duckdb:///x.duckdb"}}, r"a url needs a query or a table"),
        ({"sales": {"query": "select 1", "table": "t"}}, r"either query or table"),
        ({"sales": {"path": "s.csv", "sheet": "Sales"}}, r"sheet applies to Excel"),
        ({"sales": {"path": "s.xlsx", "encoding": "gbk"}}, r"encoding applies to CSV"),
        ({"sales": {"path": "s.csv", "encoding": "klingon"}}, r"unknown encoding 'klingon'"),
        ({"sales": {"path": "s.json"}}, r"cannot read 's.json'"),
        ({"sales": {"path": "in/*.csv"}}, r"a pattern \(\*\) is supported for parquet files only"),
        ({"sales": ["s.csv"]}, r"sales: expected a mapping"),
        ({"sales": {"path": 3}}, r"sales.path: expected text, got 3"),
        ({"sales": "s.csv", "fiscal_year_start_month": "April"}, r"fiscal_year_start_month"),
        ({"sales": "s.csv", "fiscal_year_start_month": 13}, r"expected 1\.\.12, got 13"),
        ({"sales": "s.csv", "fiscal_year_start_month": True}, r"got True"),
        ({"sales": "s.csv", "max_rejected_share": 5}, r"max_rejected_share: expected a share"),
        ({"sales": "s.csv", "data_through": "yesterday"}, r"data_through: expected a date"),
        ({"sales": "s.csv", "currency": 1}, r"currency: expected text"),
        ({"sales": {"path": "s.csv", "columns": {"amount": "金额"}}}, r"'amount' is not a col"),
        ({"sales": {"path": "s.csv", "columns": {"quantity": 2025}}}, r"quantity: expected"),
        ({"sales": {"path": "s.csv", "columns": {"quarter": "q"}}}, r"'quarter' is not a col"),
        ({"sales": "s.csv", "targets": {"path": "t.csv", "columns": {"date": "d"}}}, r"targets"),
    ],
)
def test_bad_configuration(tmp_path: Path, data: dict, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        config_from_dict(data, tmp_path)


def test_target_dimensions_may_be_mapped(tmp_path: Path) -> None:
    config = config_from_dict(
        {"sales": "s.csv", "targets": {"path": "t.csv", "columns": {"region": "大区"}}}, tmp_path
    )
    assert config.targets is not None and config.targets.columns == {"region": "大区"}


def test_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "sales: a.csv\nsales: b.csv\n")
    with pytest.raises(ConfigError, match=r"config\.yaml.*'sales' given twice"):
        load_config(path)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no configuration file"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not a valid YAML"):
        load_config(write_config(tmp_path, "sales: [unclosed\n"))
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(write_config(tmp_path, "- just a list\n"))


def test_literal_password_is_refused_and_never_echoed(tmp_path: Path) -> None:
    url = "postgresql://analyst:hunter2@db.example.com/sales"
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"sales": {"url": url, "table": "lines"}}, tmp_path)
    message = str(caught.value)
    assert "environment variable" in message and "${NAME}" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://analyst:abc${PW}@db/sales",  # literal text around a placeholder
        "${DRIVER}://analyst:hunter2@db/sales",
        "postgresql://db/sales?password=hunter2",
    ],
)
def test_partly_literal_passwords_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="contains a password"):
        config_from_dict({"sales": {"url": url, "query": "select 1"}}, tmp_path)


def test_placeholder_password_is_accepted_and_shown_as_written(tmp_path: Path) -> None:
    config = config_from_dict(
        {"sales": {"url": "postgresql://${PGUSER}:${PGPASSWORD}@db/sales", "table": "lines"}},
        tmp_path,
    )
    assert config.sales.label == "table lines on postgresql://${PGUSER}:***@db/sales"


def test_whole_url_from_environment(tmp_path: Path) -> None:
    config = config_from_dict({"sales": {"url": "${SALES_DB}", "query": "select 1"}}, tmp_path)
    assert config.sales.label == "query on ${SALES_DB}"


def test_labels_never_show_absolute_paths(tmp_path: Path) -> None:
    inside = SourceConfig(
        url=f"duckdb:///{tmp_path}/db/s.duckdb", query="select 1", base_dir=tmp_path
    )
    assert inside.label == "query on duckdb:///db/s.duckdb"
    outside = SourceConfig(path=Path("/elsewhere/deep/sales.csv"), base_dir=tmp_path)
    assert outside.label == "sales.csv"
    assert SourceConfig(query="select 1").label == "query on duckdb:///:memory:"
    assert display_url("duckdb:////abs/secret/place/x.duckdb") == "duckdb:///x.duckdb"


def test_not_a_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a SQLAlchemy URL"):
        config_from_dict({"sales": {"url": "not a url", "query": "select 1"}}, tmp_path)


def test_sample_config_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config_module, "sample_dir", lambda: tmp_path / "sample")
    with pytest.raises(ConfigError, match=r"sales-report sample --out data/sample"):
        sample_config_path()
    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "config.yaml").write_text("sales: s.csv\n")
    assert sample_config_path() == tmp_path / "sample" / "config.yaml"

"""Reading every kind of source as it is, with the row numbers a user sees."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig, config_from_dict
from analysis.data.database import connect_url, create_engine
from analysis.data.encoding import detect_encoding
from analysis.data.sources import read_table

CHINESE = (
    "日期,渠道,区域,产品线,产品,客户,数量,金额\n2025-01-02,线上,华东,饮料,绿茶,张三商行,3,12.50\n"
)


def csv_source(
    tmp_path: Path, text: str | bytes, name: str = "sales.csv", **options
) -> SourceConfig:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return SourceConfig(path=Path(name), base_dir=tmp_path, **options)


def test_csv_cells_stay_text_exactly_as_written(tmp_path: Path) -> None:
    raw = read_table(csv_source(tmp_path, "a,b,c\n1,NA,\n  x ,N/A,null\n"))
    assert list(raw.frame.columns) == ["a", "b", "c"]
    assert raw.frame.to_numpy().tolist() == [["1", "NA", ""], ["  x ", "N/A", "null"]]
    assert raw.rows.tolist() == [2, 3]
    assert raw.label == "sales.csv"
    assert raw.notes == ()


def test_utf8_with_bom(tmp_path: Path) -> None:
    source = csv_source(tmp_path, codecs.BOM_UTF8 + "date,渠道\n2025-01-01,线上\n".encode())
    assert detect_encoding(source.path) == "utf-8-sig"
    raw = read_table(source)
    assert list(raw.frame.columns) == ["date", "渠道"]  # no BOM glued to the first header
    assert raw.notes == ("encoding utf-8-sig detected",)


def test_gbk_file_is_read_as_gb18030(tmp_path: Path) -> None:
    source = csv_source(tmp_path, CHINESE.encode("gbk"))
    assert detect_encoding(source.path) == "gb18030"
    raw = read_table(source)
    assert list(raw.frame.columns)[:3] == ["日期", "渠道", "区域"]
    assert raw.frame.iloc[0]["客户"] == "张三商行"
    assert "encoding gb18030 detected" in raw.notes


def test_gb18030_only_character(tmp_path: Path) -> None:
    name = "䶮记商行"  # in GB18030, not in GBK
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    text = CHINESE + f"2025-01-03,线下,华南,饮料,红茶,{name},1,8.00\n"
    raw = read_table(csv_source(tmp_path, text.encode("gb18030")))
    assert raw.frame["客户"].tolist() == ["张三商行", name]


def export_lines(count: int) -> str:
    """A typical export: Chinese headers, and Chinese only in the channel column."""
    header = "日期,订单号,客户,渠道,区域,产品线,产品,数量,单价,金额\n"
    return header + "".join(
        f"2025/01/{i % 28 + 1:02d},SO{i},Customer {i * 7 % 500},{('零售', '批发')[i * i % 3 % 2]},"
        f'North,A,P{i % 60},{i % 20},40.64,"1,{i % 1000:03d}.74",Bob\n'
        for i in range(count)
    )


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("日期,渠道,金额\n" + "2025-01-02,online,1.00\n" * 200, "gbk", "gb18030"),
        (export_lines(300), "gbk", "gb18030"),  # charset-normalizer alone says cp949 (Korean)
        ("日期,渠道,客戶\n2025-01-03,線下,臺北商行\n" * 50, "big5", "big5"),
    ],
)
def test_detect_encoding(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    assert detect_encoding(path) == expected


def test_western_single_byte_file_is_not_taken_for_chinese(tmp_path: Path) -> None:
    text = "date,customer,city\n" + "2025-01-02,Café Müller,Zürich\n" * 40
    raw = read_table(csv_source(tmp_path, text.encode("cp1252")))
    assert raw.frame["customer"].iloc[0] == "Café Müller"


def test_korean_files_need_their_encoding_named(tmp_path: Path) -> None:
    text = "날짜,채널,고객\n2025-01-03,온라인,서울상사\n"
    raw = read_table(csv_source(tmp_path, text.encode("euc_kr"), encoding="euc_kr"))
    assert raw.frame["고객"].tolist() == ["서울상사"]
    assert raw.notes == ()


def test_detection_sees_a_late_non_utf8_line(tmp_path: Path) -> None:
    lines = "".join(f"2025-01-02,online,east,tea,green,acme,{i},1.00\n" for i in range(20_000))
    text = CHINESE.split("\n")[0] + "\n" + lines + "2025-01-03,线下,华南,饮料,红茶,李四,1,8.00\n"
    raw = read_table(csv_source(tmp_path, text.encode("gbk")))
    assert raw.frame["客户"].iloc[-1] == "李四"
    assert raw.rows[-1] == 20_002


def test_named_gbk_is_widened(tmp_path: Path) -> None:
    text = CHINESE + "2025-01-03,线下,华南,饮料,红茶,䶮记商行,1,8.00\n"
    raw = read_table(csv_source(tmp_path, text.encode("gb18030"), encoding="GBK"))
    assert raw.frame["客户"].iloc[-1] == "䶮记商行"
    assert raw.notes == ()  # named, not detected


def test_explicit_encoding_that_does_not_fit(tmp_path: Path) -> None:
    source = csv_source(tmp_path, CHINESE.encode("gbk"), encoding="utf-8")
    with pytest.raises(DataError, match=r"sales\.csv: cannot be read as utf-8.*row 1.*encoding"):
        read_table(source)


def test_undecodable_bytes(tmp_path: Path) -> None:
    source = csv_source(tmp_path, bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"sales\.csv"):
        read_table(source)


def test_row_numbers_follow_file_lines(tmp_path: Path) -> None:
    text = 'a,b\n1,"two\nlines"\n\n3,x\n   \n4,y'
    raw = read_table(csv_source(tmp_path, text))
    assert raw.frame["a"].tolist() == ["1", "3", "4"]
    assert raw.rows.tolist() == [2, 5, 7]
    assert raw.notes == ("2 empty line(s) skipped (row 4, 6)",)


def test_short_line_is_padded_and_long_line_is_an_error(tmp_path: Path) -> None:
    raw = read_table(csv_source(tmp_path, "a,b,c\n1,2\n"))
    assert raw.frame.to_numpy().tolist() == [["1", "2", ""]]
    with pytest.raises(DataError, match=r"sales\.csv: a line has 4 fields.*row 3.*3 fields"):
        read_table(csv_source(tmp_path, "a,b,c\n1,2,3\n1,2,3,4\n"))


def test_duplicated_headers_are_kept_for_validation(tmp_path: Path) -> None:
    raw = read_table(csv_source(tmp_path, "a,b,a\n1,2,3\n"))
    assert list(raw.frame.columns) == ["a", "b", "a"]


def test_tab_and_semicolon_separators(tmp_path: Path) -> None:
    tsv = read_table(csv_source(tmp_path, "a\tb\n1,5\t2\n", name="s.tsv"))
    assert tsv.frame.to_numpy().tolist() == [["1,5", "2"]]
    semicolon = read_table(csv_source(tmp_path, "a;b\n1;2\n", name="s.txt"))
    assert semicolon.frame.to_numpy().tolist() == [["1", "2"]]


@pytest.mark.parametrize("content", [b"", b"\n\n", codecs.BOM_UTF8])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(DataError, match=r"sales\.csv: the file is empty"):
        read_table(csv_source(tmp_path, content))


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.csv: no such file"):
        read_table(SourceConfig(path=Path("nope.csv"), base_dir=tmp_path))


def test_excel_sheet_by_name(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["read me"])
    sheet = book.create_sheet("Sales")
    sheet.append([])  # a blank first row: the header is the first row with something in it
    sheet.append(["日期", "渠道", "金额", "NA"])
    sheet.append([datetime(2025, 1, 2), "线上", 12.5, "NA"])
    sheet.append([None, None, None, None])
    sheet.append(["2025/01/03", " 线下 ", "1,234.00", None])
    book.save(tmp_path / "book.xlsx")
    source = SourceConfig(path=Path("book.xlsx"), sheet="Sales", base_dir=tmp_path)
    raw = read_table(source)
    assert list(raw.frame.columns) == ["日期", "渠道", "金额", "NA"]
    assert raw.rows.tolist() == [3, 5]
    # a date cell at midnight is the date calamine reads
    assert raw.frame.iloc[0].tolist() == [date(2025, 1, 2), "线上", 12.5, "NA"]
    assert raw.frame.iloc[1].tolist() == ["2025/01/03", " 线下 ", "1,234.00", ""]
    assert raw.label == "book.xlsx"
    with pytest.raises(ConfigError, match=r"no sheet 'Sale'; the workbook has 'Notes', 'Sales'"):
        read_table(SourceConfig(path=Path("book.xlsx"), sheet="Sale", base_dir=tmp_path))


def test_excel_default_is_the_first_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", None])  # a trailing headerless empty column is formatting residue
    book.active.append([1, None])
    book.active["D2"] = "stray"  # a headerless column with data is kept and named
    book.save(tmp_path / "book.xlsx")
    raw = read_table(SourceConfig(path=Path("book.xlsx"), base_dir=tmp_path))
    assert list(raw.frame.columns) == ["a", "(column 4 has no header)"]


def test_parquet_file_folder_and_glob(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2025-01-01", "2025-01-02"]), "revenue": [1.5, 2]}
    )
    frame.to_parquet(tmp_path / "parts" / "a.parquet")
    frame.iloc[:1].to_parquet(tmp_path / "parts" / "b.parquet")
    single = read_table(SourceConfig(path=Path("parts/a.parquet"), base_dir=tmp_path))
    pd.testing.assert_frame_equal(single.frame, frame)
    assert single.rows.tolist() == [1, 2]
    globbed = read_table(SourceConfig(path=Path("parts/*.parquet"), base_dir=tmp_path))
    assert globbed.rows.tolist() == [1, 2, 3]
    assert globbed.label == "parts/*.parquet"
    folder = read_table(SourceConfig(path=Path("parts"), base_dir=tmp_path))
    assert len(folder.frame) == 3
    with pytest.raises(ConfigError, match="no files match"):
        read_table(SourceConfig(path=Path("parts/*.pq"), base_dir=tmp_path))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "sales.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table lines (day date, channel varchar, amount decimal(12, 2))")
        connection.execute(
            "insert into lines values ('2025-01-02', 'Online', 12.50), (null, 'x', 1)"
        )
    return path


def test_duckdb_file_with_query_and_table(tmp_path: Path, database: Path) -> None:
    config = config_from_dict(
        {
            "sales": {
                "url": "duckdb:///db/sales.duckdb",
                "query": "select * from lines order by 1",
            },
            "targets": {"url": "duckdb:///db/sales.duckdb", "table": "main.lines"},
        },
        tmp_path,
    )
    queried = read_table(config.sales)
    assert queried.frame["channel"].tolist() == ["Online", "x"]
    assert float(queried.frame["amount"].iloc[0]) == 12.5
    assert queried.rows.tolist() == [1, 2]
    assert queried.label == "query on duckdb:///db/sales.duckdb"
    assert config.targets is not None
    tabled = read_table(config.targets)
    assert len(tabled.frame) == 2
    assert tabled.label == "table main.lines on duckdb:///db/sales.duckdb"


def test_duckdb_is_opened_read_only(tmp_path: Path, database: Path) -> None:
    insert = "insert into lines values (null, 'y', 2)"
    with pytest.raises(ConfigError, match=r"query: must be one SELECT statement; found an INSERT"):
        SourceConfig(url="duckdb:///db/sales.duckdb", query=insert, base_dir=tmp_path)
    source = SourceConfig(url="duckdb:///db/sales.duckdb", table="lines", base_dir=tmp_path)
    engine = create_engine(connect_url(source)[0], tmp_path)  # as read_table connects
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            connection.execute(sa.text(insert))
    finally:
        engine.dispose()


def test_in_memory_duckdb_reads_files_next_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "sales").mkdir()
    pd.DataFrame({"channel": ["Online", "Retail"]}).to_parquet(tmp_path / "sales" / "a.parquet")
    config = config_from_dict({"sales": {"query": "select * from 'sales/*.parquet'"}}, tmp_path)
    raw = read_table(config.sales)
    assert raw.frame["channel"].tolist() == ["Online", "Retail"]
    assert raw.label == "query on duckdb:///:memory:"


def test_database_path_from_the_environment(
    tmp_path: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALES_DB", str(database))
    source = SourceConfig(url="duckdb:///${SALES_DB}", table="lines", base_dir=tmp_path)
    assert len(read_table(source).frame) == 2
    assert source.label == "table lines on duckdb:///${SALES_DB}"
    broken = SourceConfig(url="duckdb:///${SALES_DB}", query="select nope", base_dir=tmp_path)
    with pytest.raises(DataError) as caught:
        read_table(broken)
    assert "query on duckdb:///${SALES_DB}: the database query failed" in str(caught.value)
    assert str(database) not in str(caught.value)


def test_missing_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALES_DB", raising=False)
    source = SourceConfig(url="duckdb:///${SALES_DB}", table="lines", base_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"environment variable SALES_DB is not set"):
        read_table(source)


def test_connect_url_expands_placeholders_and_resolves_database_files(tmp_path: Path) -> None:
    (tmp_path / "x.duckdb").write_bytes(b"")
    env = {"USER_NAME": "ana", "PASSWORD": "s3cr3t-Pa55", "DB": "x.duckdb"}.get
    source = SourceConfig(
        url="postgresql://${USER_NAME}:${PASSWORD}@db:5432/sales", query="select 1"
    )
    url, secrets = connect_url(source, env)
    assert (url.username, url.password, url.host, url.database) == (
        "ana",
        "s3cr3t-Pa55",
        "db",
        "sales",
    )
    assert "s3cr3t-Pa55" in secrets
    local = SourceConfig(url="duckdb:///${DB}", query="select 1", base_dir=tmp_path)
    assert connect_url(local, env)[0].database == str(tmp_path / "x.duckdb")
    with pytest.raises(ConfigError, match=r"no database file 'y\.duckdb'"):
        connect_url(
            SourceConfig(url="duckdb:///y.duckdb", query="select 1", base_dir=tmp_path), env
        )


def test_secrets_never_reach_labels_or_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "s3cr3t-Pa55")
    source = SourceConfig(url="postgresql://ana:${PGPASSWORD}@localhost:1/sales", table="lines")
    assert source.label == "table lines on postgresql://ana:***@localhost:1/sales"
    with pytest.raises((ConfigError, DataError)) as caught:
        read_table(source)  # no driver installed, or nothing listening: either way an error
    assert "s3cr3t-Pa55" not in str(caught.value)
    assert "postgresql://ana:***@localhost:1/sales" in str(caught.value)


def test_rows_are_numpy_integers(tmp_path: Path) -> None:
    raw = read_table(csv_source(tmp_path, "a\n1\n"))
    assert isinstance(raw.rows, np.ndarray) and raw.rows.dtype.kind == "i"

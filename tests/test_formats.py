"""Real exports as their owners publish them: Excel 97 and misnamed files, Western code pages,
dates in a source's own format and timestamps with a time zone."""

from __future__ import annotations

import struct
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt  # the one writer of Excel 97 files; a dev dependency for these fixtures only

from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig, config_from_dict
from analysis.data.encoding import detect_encoding
from analysis.data.load import load
from analysis.data.parse import DateRule, parse_dates
from analysis.data.sources import read_table
from analysis.data.validate import clean_sales

HEADER = [
    "date", "channel", "region", "product_line", "product", "customer", "quantity", "revenue",
    "order_id",
]  # fmt: skip
DATE = xlwt.easyxf(num_format_str="yyyy-mm-dd")
STAMP = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")


def xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An Excel 97 workbook; ``None`` leaves a cell empty, dates get a date format."""
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write(r, c, value, STAMP)
                elif isinstance(value, date):
                    sheet.write(r, c, value, DATE)
                elif value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def source(tmp_path: Path, name: str, **options) -> SourceConfig:
    return SourceConfig(path=Path(name), base_dir=tmp_path, **options)


LINES = [
    HEADER,
    [date(2025, 3, 31), "Online", "NA", "Ball valves", "DN50", "Acme", 2, 100.5, "NA"],
    [datetime(2025, 4, 1, 14, 0), "Online", "NA", "Ball valves", "DN50", "Acme", 1, "1,234.00"],
]


def test_xls_is_read_like_xlsx(tmp_path: Path) -> None:
    xls(tmp_path / "sales.xls", {"Notes": [["read me"]], "Sales": [[], *LINES]})
    raw = read_table(source(tmp_path, "sales.xls", sheet="Sales"))
    assert list(raw.frame.columns) == HEADER
    assert raw.rows.tolist() == [3, 4]  # the header is on row 2 of the sheet
    assert raw.frame["region"].tolist() == ["NA", "NA"]  # North America stays
    assert raw.frame["order_id"].tolist() == ["NA", ""]  # a blank stays blank
    assert raw.frame["revenue"].tolist() == [100.5, "1,234.00"]
    loaded = clean_sales(raw, {})
    assert loaded.data["date"].tolist() == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-01")]
    assert loaded.data["revenue"].tolist() == [100.5, 1234.0]
    assert loaded.report.rows_used == 2


def test_xlsx_dates_and_times_from_calamine_are_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append([datetime(2025, 3, 31, 23, 59), "Online", "NA", "B", "P", "C", 1, 5])
    book.active.append([date(2025, 4, 1), "Online", "NA", "B", "P", "C", 1, 5])
    book.save(tmp_path / "sales.xlsx")
    loaded = clean_sales(read_table(source(tmp_path, "sales.xlsx")), {})
    assert loaded.data["date"].tolist() == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-01")]


def test_sheet_by_position_counts_from_zero_and_a_missing_one_names_the_sheets(
    tmp_path: Path,
) -> None:
    xls(tmp_path / "book.xls", {"Notes": [["read me"]], "Sales": LINES})
    assert list(read_table(source(tmp_path, "book.xls", sheet=1)).frame.columns) == HEADER
    with pytest.raises(ConfigError, match=r"no sheet at position 2 \(0 is the first\); the "
                       r"workbook has 'Notes', 'Sales'"):  # fmt: skip
        read_table(source(tmp_path, "book.xls", sheet=2))
    with pytest.raises(ConfigError, match=r"no sheet 'sales'; the workbook has 'Notes', 'Sales'"):
        read_table(source(tmp_path, "book.xls", sheet="sales"))
    with pytest.raises(ConfigError, match=r"sheet: expected a sheet name or its position"):
        config_from_dict({"sales": {"path": "book.xls", "sheet": -1}}, tmp_path)


def test_a_workbook_of_the_other_excel_format_is_read_by_its_content(tmp_path: Path) -> None:
    xls(tmp_path / "real97.xls", {"Sales": LINES})
    (tmp_path / "named.xlsx").write_bytes((tmp_path / "real97.xls").read_bytes())
    assert read_table(source(tmp_path, "named.xlsx")).frame["order_id"].tolist() == ["NA", ""]


def _encrypted_xls(tmp_path: Path) -> Path:
    """An Excel 97 workbook with a FILEPASS record (RC4) right after its first record, as Excel
    writes one protected by a password; the records it replaces keep the stream's length."""
    path = xls(tmp_path / "locked.xls", {"Sales": LINES})
    data = bytearray(path.read_bytes())
    start = data.find(bytes.fromhex("0908100000060500")) + 20
    size = 132  # INTERFACEHDR, MMS, INTERFACEEND and WRITEACCESS as xlwt writes them
    assert data[start : start + 2] == b"\xe1\x00" and data[start + 16 : start + 18] == b"\x5c\x00"
    filepass = struct.pack("<HHHHH", 0x2F, 54, 1, 1, 1) + bytes(48)
    filler = struct.pack("<HH", 0x5C, size - len(filepass) - 4)
    data[start : start + size] = filepass + filler + b" " * (size - len(filepass) - 4)
    path.write_bytes(bytes(data))
    return path


def test_password_protected_workbooks_get_one_line(tmp_path: Path) -> None:
    _encrypted_xls(tmp_path)
    with pytest.raises(DataError, match=r"locked\.xls: the workbook is protected by a password"):
        read_table(source(tmp_path, "locked.xls"))
    # an encrypted .xlsx is an OLE container holding an EncryptedPackage stream
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    (tmp_path / "locked.xlsx").write_bytes(header + entry * 4)
    with pytest.raises(DataError, match=r"password") as caught:
        read_table(source(tmp_path, "locked.xlsx"))
    assert "\n" not in str(caught.value)


def test_a_broken_xls_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "broken.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"garbage" * 100)
    with pytest.raises(DataError, match=r"broken\.xls: not a readable Excel file") as caught:
        read_table(source(tmp_path, "broken.xls"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "looks_like", "advice"),
    [
        (
            "report.xls",
            b"<html><body><table><tr><td>date</td></tr></table></body></html>",
            "looks like an HTML table (a web page), not an Excel workbook",
            "save it as .xlsx",
        ),
        (
            "report.xls",
            b'<?xml version="1.0"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "looks like an Excel 2003 XML spreadsheet, not an Excel workbook",
            "save it as .xlsx",
        ),
        ("sales.csv", b"PAR1" + bytes(100), "looks like a Parquet file, not CSV text", ".parquet"),
        (
            "sales.parquet",
            b"date,revenue\n2025-01-01,1\n",
            "looks like text, not a Parquet",
            ".csv",
        ),
        ("sales.csv", b"%PDF-1.7\n" + bytes(range(256)) * 4, "looks like a PDF document", "again"),
    ],
)
def test_content_that_does_not_match_its_name(
    tmp_path: Path, name: str, content: bytes, looks_like: str, advice: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_table(source(tmp_path, name))
    message = str(caught.value)
    assert message.startswith(f"{name}: {looks_like}") and advice in message, message


def test_a_workbook_named_csv_says_to_rename_it(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.save(tmp_path / "sales.csv")
    with pytest.raises(DataError, match=r"sales\.csv: looks like an Excel workbook \(\.xlsx\).*"
                       r"not CSV text; expected CSV text: name the file \.xlsx"):  # fmt: skip
        read_table(source(tmp_path, "sales.csv"))


def test_tab_separated_text_named_xls_is_read_as_csv(tmp_path: Path) -> None:
    text = "\t".join(HEADER) + "\n2025-03-31\tOnline\tNA\tB\tP\tC\t1\t5\n"
    (tmp_path / "export.xls").write_bytes(text.encode("cp1252"))
    raw = read_table(source(tmp_path, "export.xls"))
    assert list(raw.frame.columns) == HEADER and raw.rows.tolist() == [2]
    assert raw.frame["region"].tolist() == ["NA"]
    assert raw.notes[0] == "the file holds text, not an Excel workbook: read as CSV"


WESTERN = [
    "date,region,customer,revenue",
    "2025-01-02,Øresund,Martín Pérez,12.50",
    "2025-01-03,Cataluña,Ærø Handel,3.00",
    "2025-01-04,Köln,Café Müller,4.00",
]
DOS = [
    "date,region,customer,revenue",
    "2025-01-02,Cataluña,Martín Pérez,12.50",
    "2025-01-03,Köln,Café Müller,3.00",
    "2025-01-04,Ærøskøbing,Æble,4.00".replace("ø", "o"),  # cp437 has no ø
]
POLISH = ["date,region,customer", "2025-01-02,Łódź,Józef Wiśniewski", "2025-01-03,Kraków,Gdańsk"]


@pytest.mark.parametrize(
    ("lines", "encoding"),
    [
        (WESTERN, "cp1252"),  # charset-normalizer alone: cp1250, Řresund
        ([*WESTERN[:2], "2025-01-05,Martín,x,1"], "cp1252"),
        (WESTERN, "cp850"),
        (DOS, "cp437"),  # alone: mac_latin2 or cp775
        (DOS[:2], "cp437"),
        (POLISH, "cp1250"),  # a guard: the Western reading (£ódŸ) must not win
    ],
)
def test_code_pages_of_western_and_central_european_text(
    tmp_path: Path, lines: list[str], encoding: str
) -> None:
    text = "\r\n".join(lines) + "\r\n"
    (tmp_path / "sales.csv").write_bytes(text.encode(encoding))
    assert detect_encoding(tmp_path / "sales.csv") == encoding
    raw = read_table(source(tmp_path, "sales.csv"))
    assert raw.frame.iloc[0, 1] == lines[1].split(",")[1]
    assert f"encoding {encoding} detected" in raw.notes


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        ("日期,渠道,客户\n2025-01-02,线上,张三商行\n2025-01-03,线下,李四阀门\n", "gbk", "gb18030"),
        (
            "date,city,customer\n2025-01-02,Москва,Иван Петров\n2025-01-03,Казань,ООО Ромашка\n",
            "cp1251",
            "cp1251",
        ),
        ("date,city\n2025-01-02,Αθήνα\n2025-01-03,Θεσσαλονίκη\n", "cp1253", "cp1253"),
    ],
)
def test_other_scripts_keep_their_encoding(
    tmp_path: Path, text: str, encoding: str, detected: str
) -> None:
    (tmp_path / "sales.csv").write_bytes(text.encode(encoding))
    assert detect_encoding(tmp_path / "sales.csv") == detected


def test_encoding_option_still_overrides(tmp_path: Path) -> None:
    (tmp_path / "sales.csv").write_bytes("date,region\n2025-01-02,Øresund\n".encode("cp1252"))
    raw = read_table(source(tmp_path, "sales.csv", encoding="cp1250"))
    assert raw.frame.iloc[0, 1] == "Řresund" and raw.notes == ()


def _csv(tmp_path: Path, dates: list[str]) -> Path:
    lines = [",".join(HEADER)] + [f"{d},Online,NA,B,P,C,1,5" for d in dates]
    (tmp_path / "sales.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "sales.csv"


def test_us_dates_with_times_load_with_date_format(tmp_path: Path) -> None:
    _csv(tmp_path, ["2/24/2003 0:00", "12/31/2003 23:59", "2003-02-24", "24/2/2003 0:00"])
    config = config_from_dict(
        {"sales": {"path": "sales.csv", "date_format": "%m/%d/%Y %H:%M"},
         "max_rejected_share": 0.5},
        tmp_path,
    )  # fmt: skip
    dataset = load(config)
    assert dataset.sales["date"].tolist() == [
        pd.Timestamp("2003-02-24"),
        pd.Timestamp("2003-12-31"),
    ]
    assert dataset.reports[0].rejected == {"date: not a date (expected %m/%d/%Y %H:%M)": 2}
    rejected = dataset.rejected["sales.csv"]
    assert rejected["row"].tolist() == [4, 5]


def test_day_first_dates_with_date_format(tmp_path: Path) -> None:
    _csv(tmp_path, ["24/02/2003", "01/03/2003"])
    config = config_from_dict({"sales": {"path": "sales.csv", "date_format": "%d/%m/%Y"}}, tmp_path)
    assert load(config).sales["date"].tolist() == [
        pd.Timestamp("2003-02-24"),
        pd.Timestamp("2003-03-01"),
    ]


def test_without_date_format_the_refusal_suggests_one(tmp_path: Path) -> None:
    _csv(tmp_path, ["2/24/2003 0:00", "12/31/2003 23:59"])
    config = config_from_dict({"sales": {"path": "sales.csv"}}, tmp_path)
    with pytest.raises(DataError, match=r'date_format:.*set date_format: "%m/%d/%Y %H:%M"'):
        load(config)
    _csv(tmp_path, ["2025-01-02"] * 200 + ["2/3/2003"])  # one stray line is set aside
    report = load(config).reports[0]
    assert report.rejected == {"date: not a date": 1}
    assert any('"%m/%d/%Y" or "%d/%m/%Y"' in note for note in report.notes), report.notes


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("%Y", r"date_format: expected a strftime pattern with a year \(%Y\), a month"),
        ("%d/%m", r"date_format: expected .*got '%d/%m'"),
        ("%Q/%d", r"date_format: .*got '%Q/%d' \('Q' is a bad directive"),
        (5, r"date_format: expected text, got 5"),
    ],
)
def test_a_bad_date_format_names_key_and_value(tmp_path: Path, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict({"sales": {"path": "s.csv", "date_format": value}}, tmp_path)


def test_timezone_must_be_an_iana_name(tmp_path: Path) -> None:
    assert config_from_dict({"sales": "s.csv"}, tmp_path).timezone == "UTC"
    config = config_from_dict({"sales": "s.csv", "timezone": "Asia/Shanghai"}, tmp_path)
    assert config.timezone == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "../../etc/passwd", ""):
        with pytest.raises(ConfigError, match=r"timezone: .* is not a time zone; expected an IANA"):
            config_from_dict({"sales": "s.csv", "timezone": bad}, tmp_path)


def test_text_timestamps_with_offsets_are_converted_to_the_run_zone() -> None:
    values = pd.Series(
        ["2025-03-31T23:30:00-05:00", "2025-03-31T23:30:00Z", "2025-03-31 14:00", "2025-03-31"]
    )
    assert parse_dates(values).dt.day.tolist() == [1, 31, 31, 31]  # UTC: the first is April 1
    assert parse_dates(values, DateRule(timezone="Asia/Shanghai")).dt.day.tolist() == [1, 1, 31, 31]
    local = parse_dates(values, DateRule(timezone="America/New_York"))  # UTC-4 in summer
    assert local.dt.strftime("%m-%d").tolist() == ["04-01", "03-31", "03-31", "03-31"]


def _zoned_parquet(tmp_path: Path) -> None:
    """Midnight in Shanghai as a UTC timestamp, the way many warehouses store a date."""
    days = pd.to_datetime(["2025-03-31", "2025-04-01", "2025-04-01", "2025-06-30"])
    frame = pd.DataFrame(
        {
            "date": days.tz_localize("Asia/Shanghai").tz_convert("UTC"),
            "channel": "Online",
            "region": "NA",
            "product_line": "B",
            "product": "P",
            "customer": "C",
            "quantity": 1.0,
            "revenue": [1.0, 2.0, 4.0, 8.0],
        }
    )
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    frame.to_parquet(tmp_path / "sales.parquet")


@pytest.mark.parametrize("in_engine", [False, True])
def test_zoned_parquet_dates_are_taken_in_the_run_zone(tmp_path: Path, in_engine: bool) -> None:
    _zoned_parquet(tmp_path)
    config = config_from_dict({"sales": "sales.parquet", "timezone": "Asia/Shanghai"}, tmp_path)
    sales = load(config, in_engine=in_engine).sales
    by_day = sales.groupby("date")["revenue"].sum()
    assert by_day.to_dict() == {
        pd.Timestamp("2025-03-31"): 1.0,
        pd.Timestamp("2025-04-01"): 6.0,
        pd.Timestamp("2025-06-30"): 8.0,
    }  # in UTC each of these dates is a day early: 2025-03-30 16:00Z is Shanghai's midnight
    utc = config_from_dict({"sales": "sales.parquet"}, tmp_path)
    assert load(utc, in_engine=in_engine).sales["date"].min() == pd.Timestamp("2025-03-30")


def test_both_paths_date_zoned_timestamps_alike_across_summer_time(tmp_path: Path) -> None:
    """Every 37 minutes around New York's two clock changes of 2025, summed per local day by the
    engine and by pandas, against the dates pandas' own time zone conversion gives."""
    instants = pd.DatetimeIndex(
        [
            *pd.date_range("2025-03-08", "2025-03-11", freq="37min", tz="UTC"),
            *pd.date_range("2025-11-01", "2025-11-04", freq="37min", tz="UTC"),
        ]
    )
    n = len(instants)
    frame = pd.DataFrame(
        {
            "date": instants,
            **{name: "x" for name in ("channel", "region", "product_line", "product")},
            "customer": "C",
            "quantity": 1.0,
            "revenue": [float(i % 97) for i in range(n)],
        }
    )
    frame.to_parquet(tmp_path / "sales.parquet")
    expected = frame.groupby(instants.tz_convert("America/New_York").tz_localize(None).normalize())[
        "revenue"
    ].sum()
    config = config_from_dict({"sales": "sales.parquet", "timezone": "America/New_York"}, tmp_path)
    for in_engine in (False, True):
        sales = load(config, in_engine=in_engine).sales
        by_day = sales.groupby("date")["revenue"].sum()
        assert by_day.to_dict() == expected.to_dict(), in_engine


@pytest.mark.parametrize("in_engine", [False, True])
def test_date_format_reads_text_dates_in_both_paths(tmp_path: Path, in_engine: bool) -> None:
    texts = [
        "2/24/2003 0:00",
        "12/31/2003 23:59",
        "2/24/2003 13:00",
        "2003-02-24",
        "31/12/2003 1:00",
    ]
    frame = pd.DataFrame(
        {
            "date": texts * 40,
            **{name: "x" for name in ("channel", "region", "product_line", "product")},
            "customer": "C",
            "quantity": 1.0,
            "revenue": 2.5,
        }
    )
    frame.to_parquet(tmp_path / "sales.parquet")
    config = config_from_dict(
        {
            "sales": {"path": "sales.parquet", "date_format": "%m/%d/%Y %H:%M"},
            "max_rejected_share": 0.5,
        },
        tmp_path,
    )
    dataset = load(config, in_engine=in_engine)
    by_day = dataset.sales.groupby("date")["revenue"].sum()
    assert by_day.to_dict() == {
        pd.Timestamp("2003-02-24"): 200.0,
        pd.Timestamp("2003-12-31"): 100.0,
    }
    assert dataset.reports[0].rejected == {"date: not a date (expected %m/%d/%Y %H:%M)": 80}

"""Read a source as it is (CSV, Excel, Parquet or SQL), with the row numbers a user sees.

Nothing is interpreted here (CSV cells stay text, "" stays "", "NA" stays "NA"); validation decides
what a value means. Row numbers are kept so that every later message can point at a line of the
file: CSV/Excel rows are line numbers with the header as row 1, SQL/Parquet rows are 1-based
record numbers.

Encoding detection lives in :mod:`analysis.data.encoding`, connecting to a database in
:mod:`analysis.data.database`.
"""

from __future__ import annotations

import glob
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import python_calamine
import sqlalchemy as sa

from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig
from analysis.data.database import (
    connect_url,
    create_engine,
    driver_message,
    scrub,
    table_clause,
)
from analysis.data.encoding import decode
from analysis.data.sniff import Content, content, password_protected
from analysis.data.statements import check_query

_SEPARATORS = (",", "\t", ";", "|")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
#: What each kind of source must hold (``excel`` takes either kind of workbook container).
_FAMILY = {"csv": "text", "excel": "zip", "parquet": "parquet"}
_WHAT = {"csv": "CSV text", "excel": "an Excel workbook", "parquet": "a Parquet file"}
_RESAVE = "open the file in Excel and save it as .xlsx, or export it from its system as CSV"
_EXPORT_AGAIN = "export the data again as CSV, Excel (.xlsx) or Parquet"
_ADVICE = {
    "zip": "name the file .xlsx",
    "ole": "name the file .xls",
    "parquet": "name the file .parquet",
    "text": "name the file .csv",
    "html": _RESAVE,
    "excel-xml": _RESAVE,
}
_ARROW_OPTIONS = {"dtype": str, "keep_default_na": False}
_CSV_OPTIONS = {
    "dtype": str,
    "keep_default_na": False,
    "na_filter": False,
    "skip_blank_lines": False,
}


@dataclass(frozen=True, eq=False)
class RawTable:
    """A source's columns as read, the user-visible row number of each row, and reading notes."""

    frame: pd.DataFrame
    rows: np.ndarray
    label: str
    notes: tuple[str, ...] = ()


def read_table(source: SourceConfig) -> RawTable:
    """Read one source without interpreting its values."""
    if source.kind == "sql":
        return _read_sql(source)
    path = source.path
    assert path is not None  # every non-SQL source has a path (checked by SourceConfig)
    label = source.label
    if not source.is_glob and not path.exists():
        where = " (paths are relative to the configuration's folder)" if source.base_dir else ""
        raise ConfigError(f"{label}: no such file{where}")
    found = None if source.is_glob or path.is_dir() else content(path)
    if source.kind == "excel" and found is not None and found.kind == "text":
        raw = _read_csv(path, None, label)  # BI tools save tab-separated text as .xls
        note = "the file holds text, not an Excel workbook: read as CSV"
        return RawTable(raw.frame, raw.rows, label, (note, *raw.notes))
    if (
        found is not None
        and _FAMILY[source.kind] != found.kind
        and not (source.kind == "excel" and found.workbook)
    ):
        raise _mismatch(source.kind, found, label)
    if source.kind == "csv":
        return _read_csv(path, source.encoding, label)
    if source.kind == "excel":
        return _read_excel(path, source.sheet, label)
    return _read_parquet(source, label)


def _mismatch(kind: str, found: Content, label: str) -> DataError:
    """A file whose content is not what its name says: what it looks like and what to do."""
    return DataError(
        f"looks like {found.looks_like}, not {_WHAT[kind]}",
        source=label,
        expected=f"{_WHAT[kind]}: {_ADVICE.get(found.kind, _EXPORT_AGAIN)}",
    )


def _read_csv(path: Path, encoding: str | None, label: str) -> RawTable:
    data = path.read_bytes()
    used, text = decode(data, encoding, label)
    if not text.strip():
        raise DataError("the file is empty", source=label, expected="a header line and rows")
    notes = [] if encoding is not None or used == "utf-8" else [f"encoding {used} detected"]
    payload = data if used == "utf-8" else text.encode("utf-8")
    first_line = text.lstrip("\ufeff").partition("\n")[0]
    sep = "\t" if path.suffix.lower() == ".tsv" else _separator(first_line)
    frame, rows = _parse_csv(payload, sep, text, label)
    return _tidy(frame, rows, label, notes)


def _parse_csv(payload: bytes, sep: str, text: str, label: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The frame and the line number of each row.

    header=None: the header is read as a row, so that pandas neither renames duplicated headers
    nor turns a surplus first field into an index; a line longer than the header is an error.
    Arrow's parser is fast but skips blank lines; when the file has any, or values spanning
    lines, or short lines, the C parser (which keeps them) reads it instead.
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        table = pd.read_csv(
            io.BytesIO(payload), sep=sep, header=None, engine="pyarrow", **_ARROW_OPTIONS
        )
    except ValueError:  # pandas' ParserError and Arrow's errors both derive from it
        table = None
    if table is None or len(table) != lines:
        try:
            table = pd.read_csv(io.BytesIO(payload), sep=sep, header=None, **_CSV_OPTIONS)
        except pd.errors.ParserError as err:
            raise _parser_error(err, label, sep) from None
    frame = table.iloc[1:].reset_index(drop=True)
    frame.columns = [str(name) for name in table.iloc[0]]
    return frame, _csv_line_numbers(text, frame)


def _separator(first_line: str) -> str:
    counts = [first_line.count(sep) for sep in _SEPARATORS]
    return _SEPARATORS[int(np.argmax(counts))] if max(counts) else ","


def _parser_error(err: pd.errors.ParserError, label: str, sep: str) -> DataError:
    match = _PARSER_LINE.search(str(err))
    if not match:
        return DataError(f"not a readable CSV file: {err}", source=label)
    expected, line, saw = (int(group) for group in match.groups())
    return DataError(
        f"a line has {saw} fields but the header has {expected}",
        source=label,
        rows=[line],
        expected=f"{expected} fields separated by {sep!r} (quote values that contain {sep!r})",
    )


def _csv_line_numbers(text: str, frame: pd.DataFrame) -> np.ndarray:
    """File line of each record: header is line 1; quoted values may span lines."""
    n = len(frame)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    first = 2 + sum(str(name).count("\n") for name in frame.columns)
    if lines == n + first - 1:
        return np.arange(first, n + first)
    spans = np.zeros(n, dtype=np.int64)
    for i in range(frame.shape[1]):
        spans += frame.iloc[:, i].str.count("\n").to_numpy(dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(spans)[:-1]))
    return first + np.arange(n) + before


def _read_excel(path: Path, sheet: str | int | None, label: str) -> RawTable:
    """The sheet's cells as calamine reads them (text, numbers, dates), "" where empty.

    calamine is handed the open file, so the content decides the format (an Excel 97 workbook
    named ``.xlsx`` is read as what it is); its rows become the frame directly, which takes half
    the time of ``pandas.read_excel`` on the same reader.
    """
    try:
        with open(path, "rb") as file:
            book = python_calamine.load_workbook(file)
    except Exception as err:  # calamine raises its own error types for damaged files
        raise _unreadable(path, label, err) from None
    try:
        if isinstance(sheet, str):
            chosen = book.get_sheet_by_name(sheet)
        else:
            chosen = book.get_sheet_by_index(sheet or 0)
    except python_calamine.WorksheetNotFound:
        raise _no_sheet(book.sheet_names, sheet, label) from None
    try:
        raw = pd.DataFrame(chosen.to_python(skip_empty_area=False), dtype=object)
    except Exception as err:
        raise _unreadable(path, label, err) from None
    filled = ~_empty_rows(raw)
    if not filled.any():
        raise DataError("the sheet is empty", source=label, expected="a header row and rows")
    top = int(np.argmax(filled))  # the header is the first row with anything in it
    frame = raw.iloc[top + 1 :].reset_index(drop=True)
    frame.columns = [_header(value) for value in raw.iloc[top]]
    return _tidy(frame, np.arange(top + 2, top + 2 + len(frame)), label, [])


def _no_sheet(sheets: list[str], sheet: str | int | None, label: str) -> ConfigError:
    names = ", ".join(map(repr, sheets))
    if isinstance(sheet, int):
        return ConfigError(
            f"{label}: no sheet at position {sheet} (0 is the first); the workbook has {names}"
        )
    return ConfigError(f"{label}: no sheet {sheet!r}; the workbook has {names}")


def _unreadable(path: Path, label: str, err: Exception) -> DataError:
    if password_protected(path):
        return DataError(
            "the workbook is protected by a password",
            source=label,
            expected="a workbook without one: open it in Excel, remove the password "
            "(File > Info > Protect Workbook) and save it",
        )
    reason = str(err).strip().partition("\n")[0][:120]
    return DataError(
        f"not a readable Excel file ({reason})",
        source=label,
        expected="a workbook Excel opens: open it in Excel and save it again as .xlsx",
    )


def _header(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _read_parquet(source: SourceConfig, label: str) -> RawTable:
    path = source.path
    assert path is not None
    try:
        if source.is_glob:
            files = sorted(glob.glob(str(path)))
            if not files:
                raise ConfigError(f"{label}: no files match")
            frame = pd.concat([pd.read_parquet(file) for file in files], ignore_index=True)
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's errors derive from these
        raise DataError(f"not a readable Parquet file or folder: {err}", source=label) from None
    return _records(frame, label)


def _records(frame: pd.DataFrame, label: str) -> RawTable:
    """Parquet and SQL rows are numbered as records, 1-based."""
    frame.columns = [str(name) for name in frame.columns]
    return RawTable(frame, np.arange(1, len(frame) + 1), label)


def _tidy(frame: pd.DataFrame, rows: np.ndarray, label: str, notes: list[str]) -> RawTable:
    """Drop lines with nothing in them and headerless empty columns; name other headerless ones."""
    names = [str(name) for name in frame.columns]
    keep = [i for i, name in enumerate(names) if name.strip() or not blank(frame.iloc[:, i]).all()]
    if len(keep) < len(names):
        frame = frame.iloc[:, keep]
    frame.columns = [
        names[i] if names[i].strip() else f"(column {i + 1} has no header)" for i in keep
    ]
    empty = _empty_rows(frame)
    if empty.any():
        skipped = rows[empty]
        shown = ", ".join(str(row) for row in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        notes.append(f"{len(skipped)} empty line(s) skipped (row {shown}{more})")
        frame = frame.loc[~empty].reset_index(drop=True)
        rows = rows[~empty]
    return RawTable(frame, rows, label, tuple(notes))


def _empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in any cell; only rows blank in the first column are looked at in full."""
    if not frame.shape[1]:
        return np.zeros(len(frame), dtype=bool)
    empty = blank(frame.iloc[:, 0]).copy()  # arrow-backed results are read-only
    for i in range(1, frame.shape[1]):
        if not empty.any():
            break
        empty[empty] = blank(frame.iloc[empty, i])
    return empty


def blank(values: pd.Series) -> np.ndarray:
    """True where a cell holds nothing (empty, spaces only, or missing)."""
    missing = values.isna().to_numpy(dtype=bool)  # before astype: a None would become "None"
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        return missing | (values.astype("str").str.strip() == "").to_numpy(dtype=bool)
    return missing  # numbers and dates are blank only when missing


def _read_sql(source: SourceConfig) -> RawTable:
    label = source.label
    url, secrets = connect_url(source)
    if source.query is not None:
        try:
            statement = sa.text(check_query(source.query, url.get_backend_name()))
        except ConfigError as err:
            raise ConfigError(f"{label}: {err}") from None
    else:
        statement = sa.select(sa.text("*")).select_from(table_clause(source.table or ""))
    try:
        engine = create_engine(url, source.base_dir)
    except (ImportError, sa.exc.NoSuchModuleError) as err:
        message = scrub(str(err), secrets)
        raise ConfigError(f"{label}: no database driver for this url ({message})") from None
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(statement, connection)
    except (sa.exc.SQLAlchemyError, pd.errors.DatabaseError, duckdb.Error) as err:
        raise DataError(
            f"the database query failed: {scrub(driver_message(err), secrets)}", source=label
        ) from None
    finally:
        engine.dispose()
    return _records(frame, label)

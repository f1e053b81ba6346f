"""Quarterly totals summed inside DuckDB: millions of source lines never enter pandas one by one.

``totals(source, calendar, by)`` returns what ``series.totals(load(...).sales, calendar, by)``
returns (``<by...>, period, cents, quantity, lines``) with the same row accounting, for a Parquet
file, folder or pattern, or a SQL query or table run by DuckDB. Memory is bounded by the number of
groups, not of lines.

Lines are judged by :mod:`analysis.validate` itself, never by a second copy of its rules:

1. One pass in the engine sums the lines per quarter (or raw date text) and raw ``by`` texts,
   with a flag on every line the engine cannot be sure is usable as it stands: a missing or
   non-finite number, number text that is not plain, other required text that is missing or
   starts with a space, a date that is missing or of a type other than DATE or TIMESTAMP. The
   flag may be set too often, never too rarely: flagged lines cost time, never correctness.
2. The distinct raw dates and ``by`` texts of the groups (thousands, not millions) are judged in
   Python by ``validate.parse_dates`` and ``validate.clean_text``.
3. The lines of every group that is flagged or has an unusable date or text (usually few) are
   fetched with their row numbers and judged by ``validate.clean_sales``: each is set aside with
   its reason or adds to the totals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from . import schema
from .config import SALES_COLUMNS, SourceConfig
from .errors import ConfigError, DataError
from .quarters import FiscalCalendar
from .series import totals as line_totals
from .sources import RawTable, connect_url
from .validate import LoadReport, clean_sales, clean_text, match_sales_columns, parse_dates

#: Lines set aside that are kept (with their source values) to show the user.
REJECTED_SAMPLE = 1000
#: What ``str.isspace`` calls whitespace: required text starting with one is looked at in Python.
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_PLAIN_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
_NUMERIC_TYPES = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT"
    r"|DOUBLE|DECIMAL\(\d+,\d+\))$"
)
_DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
_SUMS = ["cents", "quantity", "lines"]


@dataclass
class Pushed:
    """Totals per quarter and group, the first and last date of the lines used, the row
    accounting and the first lines set aside (``row``, ``reason``, source columns)."""

    totals: pd.DataFrame
    first: pd.Timestamp
    last: pd.Timestamp
    report: LoadReport
    rejected: pd.DataFrame


def supports(source: SourceConfig) -> bool:
    """Parquet files, and SQL run by DuckDB (no url, or a ``duckdb:`` url)."""
    if source.kind == "parquet":
        return True
    return source.kind == "sql" and (source.url is None or source.url.startswith("duckdb:"))


def totals(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: Sequence[str] = (),
    max_rejected_share: float = 0.01,
) -> Pushed:
    """Lines of ``source`` summed per quarter and ``by`` inside DuckDB (see the module doc)."""
    if not supports(source):
        raise ConfigError(f"{source.label}: summing in the engine needs Parquet or DuckDB SQL")
    by = list(by)
    with _connect(source) as con:
        relation = _relation(con, source)
        try:
            probe = con.execute(f"SELECT * FROM {relation} LIMIT 1").df()
            found, notes = match_sales_columns(
                RawTable(probe, np.arange(1, 2), source.label), source.columns
            )
            types = {
                r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
            }
            plan = _Plan.of(found, types, by, calendar)
            groups = con.execute(plan.sum_query(relation)).df()
            clean = plan.judge(groups)
            looked_at = pd.DataFrame()
            if not clean.all():
                numbered = _relation(con, source, numbered=True)
                looked_at = con.execute(plan.look_query(numbered, groups.loc[~clean])).df()
        except duckdb.Error as err:
            raise DataError(f"the engine failed: {_first_line(err)}", source=source.label) from None

    read = int(groups["lines"].sum())
    good = groups.loc[clean]
    used = int(good["lines"].sum())
    parts = [good[[*by, "period", *_SUMS]]]
    firsts, lasts = [good["first"].min()], [good["last"].max()]
    rejected: dict[str, int] = {}
    sample = pd.DataFrame(columns=["row", "reason"])
    if len(looked_at):
        if len(looked_at) != read - used:  # the fetch must be exactly the groups set apart
            raise RuntimeError(f"{source.label}: {len(looked_at)} lines fetched, not {read - used}")
        raw = RawTable(looked_at.drop(columns="__row"), looked_at["__row"].to_numpy(), source.label)
        judged = clean_sales(raw, source.columns, max_rejected_share=1.0)
        used += judged.report.rows_used
        rejected = judged.report.rejected
        sample = judged.rejected.head(REJECTED_SAMPLE)
        if not judged.data.empty:
            parts.append(line_totals(judged.data, calendar, by))
            firsts.append(judged.data["date"].min())
            lasts.append(judged.data["date"].max())
    report = LoadReport(source.label, read, used, rejected, notes)
    if read - used > max_rejected_share * read:
        raise _too_many(report, sample, max_rejected_share)
    if used == 0:
        raise DataError("no usable lines", source=source.label, expected="at least one sales line")
    summed = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        .groupby([*by, "period"], sort=True, observed=True, dropna=False)[_SUMS]
        .sum()
        .reset_index()
        .astype({"cents": "int64", "quantity": "float64", "lines": "int64"})
    )
    first = min(pd.Timestamp(t) for t in firsts if pd.notna(t))
    last = max(pd.Timestamp(t) for t in lasts if pd.notna(t))
    return Pushed(summed, first, last, report, sample.reset_index(drop=True))


@dataclass(frozen=True)
class _Plan:
    """How one source is summed: the grouped date and ``by`` expressions and the line flag."""

    date: str  # the quarter's first day (typed dates) or the raw date text
    date_is_text: bool
    day: str  # the line's day (typed dates) or NULL
    dims: dict[str, str]  # by name -> raw text expression
    flag: str  # True where the engine cannot be sure the line is usable
    quantity: str
    cents: str
    calendar: FiscalCalendar

    @classmethod
    def of(
        cls, found: dict[str, str], types: dict[str, str], by: list[str], calendar: FiscalCalendar
    ) -> _Plan:
        flags, values = [], {}
        for name in [n for n in SALES_COLUMNS if n in found and n != "date"]:
            col, kind = _ident(found[name]), types[found[name]]
            if name in ("quantity", "revenue", "unit_price"):
                values[name], flag = _number(col, kind, name in schema.SALES_REQUIRED)
                flags.append(flag)
            elif name in by:
                values[name] = f"CAST({col} AS VARCHAR)"  # judged per distinct value
            elif name in schema.SALES_REQUIRED:
                flags.append(_maybe_blank(f"CAST({col} AS VARCHAR)"))
        col, kind = _ident(found["date"]), types[found["date"]]
        if kind in _DATE_TYPES:
            day = f"CAST({col} AS DATE)"
            shift = (calendar.start_month - 1) % 3  # fiscal quarters: calendar ones shifted
            date = (
                f"CAST(date_trunc('quarter', {day} - INTERVAL {shift} MONTH) "
                f"+ INTERVAL {shift} MONTH AS DATE)"
            )
            flags.append(f"{col} IS NULL")
        else:
            day, date = "NULL::DATE", f"CAST({col} AS VARCHAR)"
            if kind != "VARCHAR":  # numbers as dates, zoned timestamps: Python decides
                flags.append("true")
        # numpy's round(x, 2), then round(x * 100): the pandas path's integer cents exactly
        cents = f"round_even(round_even({values['revenue']} * 100, 0) / 100 * 100, 0)"
        return cls(
            date=date,
            date_is_text=kind not in _DATE_TYPES,
            day=day,
            dims={name: values[name] for name in by},
            flag="coalesce(" + " OR ".join(flags) + ", true)",
            quantity=values["quantity"],
            cents=f"TRY_CAST({cents} AS BIGINT)",  # NULL on flagged lines (NaN, inf)
            calendar=calendar,
        )

    def sum_query(self, relation: str) -> str:
        """Lines per flag, date key and raw texts; sums, first and last day of unflagged ones."""
        dims = "".join(f", {expr} AS {_ident(name)}" for name, expr in self.dims.items())
        keys = "".join(f", {_ident(name)}" for name in self.dims)
        return (
            f"SELECT f, d{keys}, sum(cents) FILTER (WHERE NOT f) AS cents, "
            "sum(q) FILTER (WHERE NOT f) AS quantity, count(*) AS lines, "
            "min(day) FILTER (WHERE NOT f) AS first, max(day) FILTER (WHERE NOT f) AS last "
            f"FROM (SELECT {self.flag} AS f, {self.date} AS d{dims}, {self.cents} AS cents, "
            f"{self.quantity} AS q, {self.day} AS day FROM {relation}) GROUP BY ALL"
        )

    def judge(self, groups: pd.DataFrame) -> np.ndarray:
        """Clean groups (unflagged, a usable date, no empty text); adds ``period`` and replaces
        raw texts and text dates by what the pandas path makes of them."""
        ok = ~groups["f"].to_numpy(dtype=bool)
        if self.date_is_text:
            days = parse_dates(groups["d"])
            groups["first"] = groups["last"] = days
        else:
            days = pd.to_datetime(groups["d"])
        ok &= days.notna().to_numpy()
        groups["period"] = self.calendar.periods(days.astype("datetime64[us]"))
        for name in self.dims:
            text = clean_text(groups[name])
            ok &= (text.notna() & (text != "")).to_numpy()
            groups[f"raw {name}"], groups[name] = groups[name], text
        return ok

    def look_query(self, numbered: str, bad: pd.DataFrame) -> str:
        """Every line of the groups that are not clean, with ``__row``, in row order."""
        unflagged = bad.loc[~bad["f"].to_numpy(dtype=bool)]
        checks = [("d", self.date, unflagged["d"])] if self.date_is_text else []
        checks += [(n, e, unflagged[f"raw {n}"]) for n, e in self.dims.items()]
        where = [self.flag]
        for name, expr, raw in checks:
            judged = unflagged[name]
            if name == "d":
                wrong = raw.loc[unflagged["period"].isna()]
            else:
                wrong = raw.loc[judged.isna() | (judged == "")]
            if wrong.isna().any():
                where.append(f"{expr} IS NULL")
            listed = [_literal(str(v)) for v in wrong.dropna().unique()]
            if listed:
                where.append(f"{expr} IN ({', '.join(listed)})")
        return f"SELECT * FROM {numbered} WHERE {' OR '.join(where)} ORDER BY __row"


def _number(col: str, kind: str, required: bool) -> tuple[str, str]:
    """(value, flag) of a numeric column; a blank optional one is no problem."""
    if _NUMERIC_TYPES.match(kind):
        value = f"CAST({col} AS DOUBLE)"
        if required:
            return value, f"NOT isfinite({value})"
        return value, f"({col} IS NOT NULL AND NOT isfinite({value}))"
    if kind == "VARCHAR":
        value = f"TRY_CAST({col} AS DOUBLE)"
        plain = f"regexp_full_match({col}, '{_PLAIN_NUMBER}')"
        if required:
            return value, f"NOT ({plain} AND isfinite({value}))"
        return value, f"({col} IS NOT NULL AND NOT ({plain} AND isfinite({value})))"
    return "NULL::DOUBLE", "true"  # booleans and the like: Python decides


def _maybe_blank(text: str) -> str:
    """True unless the text is certainly not blank: present and not starting with a space."""
    spaces = ", ".join(_literal(c) for c in _SPACES)
    return f"({text} IS NULL OR {text} = '' OR substring({text}, 1, 1) IN ({spaces}))"


def _connect(source: SourceConfig) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for the source, without DuckDB's own progress bar on stdout."""
    database = ":memory:"
    if source.kind == "sql" and source.url is not None:
        database = connect_url(source)[0].database or ":memory:"
    con = duckdb.connect(database, read_only=database != ":memory:")
    con.execute("SET enable_progress_bar = false")
    return con


def _relation(con: duckdb.DuckDBPyConnection, source: SourceConfig, numbered: bool = False) -> str:
    """The source as a DuckDB relation; ``numbered`` adds ``__row``, the row number the pandas
    path shows (records 1.. in query order, or across Parquet files in name order)."""
    if source.kind == "sql":
        inner = f"({source.query})" if source.query is not None else _table(source.table or "")
        return f"(SELECT *, row_number() OVER () AS __row FROM {inner})" if numbered else inner
    assert source.path is not None
    path = source.path
    pattern = _literal(str(path / "**" / "*.parquet") if path.is_dir() else str(path))
    if not numbered:
        try:
            con.execute(f"SELECT * FROM read_parquet({pattern}) LIMIT 0")
        except duckdb.Error as err:
            raise DataError(
                f"not a readable Parquet file or folder: {_first_line(err)}", source=source.label
            ) from None
        return f"read_parquet({pattern})"
    counts = con.execute(
        f"SELECT filename, count(*) FROM read_parquet({pattern}, filename = true) GROUP BY 1"
    ).fetchall()
    offsets, total = [], 0
    for name, n in sorted(counts):
        offsets.append((name, total))
        total += n
    con.execute("CREATE OR REPLACE TEMP TABLE offsets (filename VARCHAR, offset_ BIGINT)")
    con.executemany("INSERT INTO offsets VALUES (?, ?)", offsets)
    return (
        "(SELECT p.* EXCLUDE (filename, file_row_number), o.offset_ + p.file_row_number + 1 "
        f"AS __row FROM read_parquet({pattern}, filename = true, file_row_number = true)"
        " p JOIN offsets o USING (filename))"
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table(name: str) -> str:
    return ".".join(_ident(part) for part in name.split("."))


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _too_many(report: LoadReport, sample: pd.DataFrame, limit: float) -> DataError:
    counts = ", ".join(f"{reason} {n:,}" for reason, n in report.rejected.items())
    first = sample.head(5)
    shown = "; ".join(
        f"row {r}: {why}" for r, why in zip(first["row"], first["reason"], strict=True)
    )
    share = report.rows_rejected / report.rows_read
    return DataError(
        f"{report.rows_rejected:,} of {report.rows_read:,} rows ({share:.1%}) cannot be used, "
        f"more than max_rejected_share {limit:.1%} allows ({counts}); first: {shown}",
        source=report.source,
        rows=[int(r) for r in first["row"]],
        expected="usable sales lines",
    )

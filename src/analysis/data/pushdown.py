"""Quarterly totals summed where the data live: millions of lines never enter pandas one by one.

``totals(source, calendar, by)`` returns what ``series.totals(load(...).sales, calendar, by)``
returns (``<by...>, period, cents, quantity, lines``) with the same row accounting, for Parquet
files and DuckDB SQL (summed by DuckDB) and for any other SQL database SQLAlchemy reaches (summed
by that database, with portable SQL). Memory is bounded by the number of groups, not of lines.

Lines are judged by :mod:`analysis.data.validate` itself, never by a second copy of its rules:

1. One pass in the engine sums the lines per month (or raw date text) and raw ``by`` texts, with
   a flag on every line the engine cannot be sure is usable as it stands: a missing or non-finite
   number, number text (plain numbers are read by DuckDB only), a revenue at an exact half cent,
   other required text that is missing or starts with a space, a date that is missing or neither
   a plain date nor text. The flag may be set too often, never too rarely: flagged lines cost
   time, never correctness.
2. The distinct raw dates and ``by`` texts of the groups (thousands, not millions) are judged in
   Python by ``validate.parse_dates`` and ``validate.clean_text``.
3. The lines of every group that is flagged or has an unusable date or text (usually few) are
   fetched with their row numbers and judged by ``validate.clean_sales``: each is set aside with
   its reason or adds to the totals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis.core import schema
from analysis.core.errors import ConfigError, DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.config import SALES_COLUMNS, SourceConfig
from analysis.data.series import to_cents as line_cents
from analysis.data.sources import (
    RawTable,
    connect_args,
    connect_url,
    driver_message,
    scrub,
    table_clause,
)
from analysis.data.validate import (
    LoadReport,
    clean_sales,
    clean_text,
    match_sales_columns,
    parse_dates,
)

#: Lines set aside that are kept (with their source values) to show the user.
REJECTED_SAMPLE = 1000
#: Rows read to tell the kind of each column of a SQL database.
PROBE_ROWS = 100
#: What ``str.isspace`` calls whitespace: required text starting with one is looked at in Python.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_PLAIN_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
_DUCKDB_NUMBERS = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT"
    r"|DOUBLE|DECIMAL\(\d+,\d+\))$"
)
_DUCKDB_DATES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
_SUMS = ["cents", "quantity", "lines"]
#: A line's kind, as the bridge tells returns: 1 fewer units, 2 less money (units not negative),
#: 0 a sale. Lines of one kind summed keep their kind, so summed lines bridge as the lines do.
_RETURN_KIND = "CASE WHEN q < 0 THEN 1 WHEN cents < 0 THEN 2 ELSE 0 END"


@dataclass
class Pushed:
    """Totals per quarter and group, the first and last date of the lines used, the row
    accounting and the first lines set aside (``row``, ``reason``, source columns)."""

    totals: pd.DataFrame
    first: pd.Timestamp
    last: pd.Timestamp
    report: LoadReport
    rejected: pd.DataFrame


@dataclass(frozen=True)
class Columns:
    """The source columns a sum needs and their kinds: ``number``, ``date`` (a plain date or
    timestamp), ``text`` or ``other`` (anything else: always judged in Python)."""

    found: dict[str, str]  # canonical name -> source header
    kinds: dict[str, str]  # source header -> kind
    by: list[str]
    daily: bool = False  # groups by day instead of month

    def kind(self, name: str) -> str:
        return self.kinds[self.found[name]]

    @property
    def checked_text(self) -> list[str]:
        """Required text columns not summed by: only their blanks matter."""
        return [
            n
            for n in SALES_COLUMNS
            if n in self.found and n in schema.SALES_REQUIRED and n not in self.by
            and n not in ("date", "quantity", "revenue")
        ]  # fmt: skip

    @property
    def numbers(self) -> list[str]:
        return [n for n in ("quantity", "revenue", "unit_price") if n in self.found]


class _Engine(Protocol):
    def count(self) -> int: ...

    def sum(self, columns: Columns) -> pd.DataFrame: ...

    def look(self, columns: Columns, bad: dict[str, list[object]]) -> pd.DataFrame: ...


def supports(source: SourceConfig) -> bool:
    """Parquet files and SQL sources are summed in their engine; CSV and Excel are not."""
    return source.kind in ("parquet", "sql")


def count(source: SourceConfig) -> int:
    """Lines in a Parquet or SQL source, counted by its engine (Parquet: from file metadata)."""
    with _engine(source) as (engine, _, _):
        return engine.count()


def totals(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: Sequence[str] = (),
    max_rejected_share: float = 0.01,
) -> Pushed:
    """Lines of ``source`` summed per quarter and ``by`` in its engine (see the module doc)."""
    pushed = _summed(source, calendar, list(by), False, max_rejected_share)
    pushed.totals = (
        pushed.totals.groupby([*by, "period"], sort=True, observed=True, dropna=False)[_SUMS]
        .sum()
        .reset_index()
    )
    return pushed


def daily(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: Sequence[str],
    max_rejected_share: float = 0.01,
) -> Pushed:
    """Lines of ``source`` summed per day, ``by`` and kind (sale, or return of units or of money):
    ``date, <by...>, quantity, revenue, lines``, which every report reads as it reads the lines
    themselves (sums per group, returns told apart), in a fraction of their number and memory."""
    pushed = _summed(source, calendar, list(by), True, max_rejected_share)
    summed = (
        pushed.totals.groupby(["day", *by, "kind"], sort=True, observed=True, dropna=False)[_SUMS]
        .sum()
        .reset_index()
    )
    pushed.totals = pd.DataFrame(
        {
            "date": summed["day"].astype("datetime64[us]"),
            **{name: summed[name] for name in by},
            "quantity": summed["quantity"].astype("float64"),
            "revenue": summed["cents"].to_numpy(dtype="int64") / 100,
            "lines": summed["lines"].astype("int64"),
        }
    )
    return pushed


def _summed(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: list[str],
    by_day: bool,
    max_rejected_share: float,
) -> Pushed:
    """Sums per day or month, ``by`` and kind: ``day, <by...>, kind, period, cents, quantity,
    lines`` (``day`` is the month's first day when summed by month), with the row accounting."""
    if not supports(source):
        raise DataError(
            "summing in the engine needs Parquet files or a SQL source", source=source.label
        )
    with _engine(source) as (engine, probe, kinds):
        found, notes = match_sales_columns(
            RawTable(probe, np.arange(1, len(probe) + 1), source.label), source.columns
        )
        columns = Columns(found, kinds, by, by_day)
        groups = engine.sum(columns)
        clean = _judge(groups, columns, calendar)
        looked_at = pd.DataFrame(columns=["__row"])
        if not clean.all():
            looked_at = engine.look(columns, _bad_values(groups.loc[~clean], columns))

    read = int(groups["lines"].sum())
    good = groups.loc[clean].rename(columns={"k": "kind"})
    used = int(good["lines"].sum())
    parts = [good[["day", *by, "kind", "period", *_SUMS]]]
    firsts, lasts = [good["first"].min()], [good["last"].max()]
    rejected: dict[str, int] = {}
    sample = pd.DataFrame(columns=["row", "reason"])
    if len(looked_at):
        if len(looked_at) != read - used:  # the fetch must be exactly the groups set apart
            raise RuntimeError(f"{source.label}: {len(looked_at)} lines fetched, not {read - used}")
        raw = RawTable(
            looked_at.drop(columns="__row").reset_index(drop=True),
            looked_at["__row"].to_numpy(dtype="int64"),
            source.label,
        )
        judged = clean_sales(raw, source.columns, max_rejected_share=1.0)
        used += judged.report.rows_used
        rejected = judged.report.rejected
        sample = judged.rejected.head(REJECTED_SAMPLE)
        if not judged.data.empty:
            parts.append(_as_groups(judged.data, by, by_day, calendar))
            firsts.append(judged.data["date"].min())
            lasts.append(judged.data["date"].max())
    report = LoadReport(source.label, read, used, rejected, notes)
    if read - used > max_rejected_share * read:
        raise _too_many(report, sample, max_rejected_share)
    if used == 0:
        raise DataError("no usable lines", source=source.label, expected="at least one sales line")
    summed = pd.concat([p for p in parts if len(p)], ignore_index=True).astype(
        {"cents": "int64", "quantity": "float64", "lines": "int64"}
    )
    first = min(pd.Timestamp(t).normalize() for t in firsts if pd.notna(t))
    last = max(pd.Timestamp(t).normalize() for t in lasts if pd.notna(t))
    return Pushed(summed, first, last, report, sample.reset_index(drop=True))


def _as_groups(
    lines: pd.DataFrame, by: list[str], by_day: bool, calendar: FiscalCalendar
) -> pd.DataFrame:
    """Lines judged in Python in the shape of the engine's groups (one line each)."""
    cents = line_cents(lines["revenue"])
    quantity = lines["quantity"].to_numpy(dtype="float64")
    day = lines["date"] if by_day else lines["date"].dt.to_period("M").dt.start_time
    return pd.DataFrame(
        {
            "day": day.astype("datetime64[us]").to_numpy(),
            **{name: lines[name].to_numpy() for name in by},
            "kind": np.select([quantity < 0, cents < 0], [1, 2], 0),
            "period": calendar.periods(lines["date"]).to_numpy(),
            "cents": cents,
            "quantity": quantity,
            "lines": 1,
        }
    )


def _judge(groups: pd.DataFrame, columns: Columns, calendar: FiscalCalendar) -> np.ndarray:
    """Clean groups (unflagged, a usable date, no empty text); adds ``period`` and replaces
    raw texts (and text dates) by what the pandas path makes of them, keeping ``raw <name>``."""
    ok = ~groups["f"].to_numpy(dtype=bool)
    if columns.kind("date") == "date" and columns.daily:  # the key is the day
        days = pd.to_datetime(groups["d"])
    elif columns.kind("date") == "date":  # the key is the month, 202512
        months = pd.to_numeric(groups["d"], errors="coerce")
        days = pd.to_datetime(months.astype("Int64").astype("string") + "01", format="%Y%m%d")
    else:
        days = parse_dates(groups["d"])
        groups["first"] = groups["last"] = days
    ok &= days.notna().to_numpy()
    groups["day"] = days.astype("datetime64[us]")
    groups["period"] = calendar.periods(groups["day"])
    for name in columns.by:
        text = clean_text(groups[name])
        ok &= (text.notna() & (text != "")).to_numpy()
        groups[f"raw {name}"], groups[name] = groups[name], text
    return ok


def _bad_values(bad: pd.DataFrame, columns: Columns) -> dict[str, list[object]]:
    """Raw date texts and ``by`` texts that make unflagged groups unusable (None: missing)."""
    unflagged = bad.loc[~bad["f"].to_numpy(dtype=bool)]
    wrong: dict[str, list[object]] = {}
    if columns.kind("date") != "date":
        wrong["date"] = _values(unflagged.loc[unflagged["period"].isna(), "d"])
    for name in columns.by:
        judged = unflagged[name]
        wrong[name] = _values(unflagged.loc[judged.isna() | (judged == ""), f"raw {name}"])
    return wrong


def _values(values: pd.Series) -> list[object]:
    out: list[object] = list(values.dropna().unique())
    return [*out, None] if values.isna().any() else out


@contextmanager
def _engine(source: SourceConfig) -> Iterator[tuple[_Engine, pd.DataFrame, dict[str, str]]]:
    """The engine for the source, a few of its rows and the kind of each column."""
    if source.kind == "parquet" or (source.url or "duckdb:").startswith("duckdb:"):
        with _DuckDB.open(source) as duck:
            yield duck, *duck.probe()
        return
    with _Warehouse.open(source) as warehouse:
        yield warehouse, *warehouse.probe()


# --- DuckDB: Parquet files and DuckDB databases ---------------------------------------------------


class _DuckDB:
    """DuckDB's own SQL: plain number text is read in the engine too."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: SourceConfig) -> None:
        self.con, self.source = con, source
        self.relation = self._relation()

    @classmethod
    @contextmanager
    def open(cls, source: SourceConfig) -> Iterator[_DuckDB]:
        database = ":memory:"
        if source.kind == "sql" and source.url is not None:
            database = connect_url(source)[0].database or ":memory:"
        con = duckdb.connect(database, read_only=database != ":memory:")
        try:
            # no bar on stdout; in Jupyter DuckDB keeps its own (changing it needs ipywidgets)
            with contextlib.suppress(duckdb.Error):
                con.execute("SET enable_progress_bar = false")
            if source.base_dir is not None:
                con.execute(f"SET file_search_path = {_literal(str(source.base_dir))}")
            yield cls(con, source)
        except duckdb.Error as err:
            raise DataError(
                f"the engine failed: {driver_message(err)}", source=source.label
            ) from None
        finally:
            con.close()

    def probe(self) -> tuple[pd.DataFrame, dict[str, str]]:
        described = self.con.execute(f"DESCRIBE SELECT * FROM {self.relation}").fetchall()
        kinds = {}
        for name, kind, *_ in described:
            if _DUCKDB_NUMBERS.match(kind):
                kinds[name] = "number"
            elif kind in _DUCKDB_DATES:
                kinds[name] = "date"
            else:
                kinds[name] = "text" if kind == "VARCHAR" else "other"
        return self.con.execute(f"SELECT * FROM {self.relation} LIMIT 1").df(), kinds

    def count(self) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {self.relation}").fetchone()[0])

    def _expressions(self, columns: Columns) -> tuple[str, str, str, str, str]:
        """(flag, date key, day, quantity, cents) as SQL over one source row."""
        flags, values = [], {}
        for name in columns.numbers:
            col, kind = _ident(columns.found[name]), columns.kind(name)
            required = name in schema.SALES_REQUIRED
            if kind == "number":
                value, unusable = f"CAST({col} AS DOUBLE)", f"NOT isfinite(CAST({col} AS DOUBLE))"
            elif kind == "text":
                value = f"TRY_CAST({col} AS DOUBLE)"
                plain = f"regexp_full_match({col}, '{_PLAIN_NUMBER}')"
                unusable = f"NOT ({plain} AND isfinite({value}))"
            else:
                value, unusable = "NULL::DOUBLE", "true"
            flags.append(unusable if required else f"({col} IS NOT NULL AND {unusable})")
            values[name] = value
        flags += [_maybe_blank(f"CAST({_ident(columns.found[n])} AS VARCHAR)")
                  for n in columns.checked_text]  # fmt: skip
        col, kind = _ident(columns.found["date"]), columns.kind("date")
        if kind == "date":
            day = f"CAST({col} AS DATE)"
            key = day if columns.daily else f"year({day}) * 100 + month({day})"
            flags.append(f"{col} IS NULL")
        else:
            day, key = "NULL::DATE", f"CAST({col} AS VARCHAR)"
            if kind != "text":
                flags.append("true")  # numbers as dates, zoned timestamps: Python decides
        # numpy's round(x, 2), then round(x * 100): the pandas path's integer cents exactly
        cents = f"round_even(round_even({values['revenue']} * 100, 0) / 100 * 100, 0)"
        flag = "coalesce(" + " OR ".join(flags) + ", true)"
        return flag, key, day, values["quantity"], f"TRY_CAST({cents} AS BIGINT)"

    def sum(self, columns: Columns) -> pd.DataFrame:
        flag, key, day, quantity, cents = self._expressions(columns)
        dims = "".join(
            f", CAST({_ident(columns.found[n])} AS VARCHAR) AS {_ident(n)}" for n in columns.by
        )
        keys = "".join(f", {_ident(n)}" for n in columns.by)
        return self.con.execute(
            f"SELECT f, d{keys}, k, sum(cents) FILTER (WHERE NOT f) AS cents, "
            "sum(q) FILTER (WHERE NOT f) AS quantity, count(*) AS lines, "
            "min(day) FILTER (WHERE NOT f) AS first, max(day) FILTER (WHERE NOT f) AS last "
            f"FROM (SELECT *, {_RETURN_KIND} AS k FROM (SELECT {flag} AS f, {key} AS d{dims}, "
            f"{cents} AS cents, {quantity} AS q, {day} AS day FROM {self.relation})) GROUP BY ALL"
        ).df()

    def look(self, columns: Columns, bad: dict[str, list[object]]) -> pd.DataFrame:
        flag, key, *_ = self._expressions(columns)
        where = [flag]
        for name, values in bad.items():
            expr = key if name == "date" else f"CAST({_ident(columns.found[name])} AS VARCHAR)"
            if None in values:
                where.append(f"{expr} IS NULL")
            listed = [_literal(str(v)) for v in values if v is not None]
            if listed:
                where.append(f"{expr} IN ({', '.join(listed)})")
        numbered = self._relation(numbered=True)
        return self.con.execute(
            f"SELECT * FROM {numbered} WHERE {' OR '.join(where)} ORDER BY __row"
        ).df()

    def _relation(self, numbered: bool = False) -> str:
        """The source as a relation; ``numbered`` adds ``__row``, the row number the pandas path
        shows (records 1.. in query order, or across Parquet files in name order)."""
        source = self.source
        if source.kind == "sql":
            inner = (
                f"({source.query})" if source.query is not None else _qualified(source.table or "")
            )
            return f"(SELECT *, row_number() OVER () AS __row FROM {inner})" if numbered else inner
        assert source.path is not None
        path = source.path
        pattern = _literal(str(path / "**" / "*.parquet") if path.is_dir() else str(path))
        if not numbered:
            return f"read_parquet({pattern})"
        counts = self.con.execute(
            f"SELECT filename, count(*) FROM read_parquet({pattern}, filename = true) GROUP BY 1"
        ).fetchall()
        offsets, total = [], 0
        for name, n in sorted(counts):
            offsets.append((name, total))
            total += n
        self.con.execute("CREATE OR REPLACE TEMP TABLE offsets (filename VARCHAR, offset_ BIGINT)")
        self.con.executemany("INSERT INTO offsets VALUES (?, ?)", offsets)
        return (
            "(SELECT p.* EXCLUDE (filename, file_row_number), o.offset_ + p.file_row_number + 1 "
            f"AS __row FROM read_parquet({pattern}, filename = true, file_row_number = true)"
            " p JOIN offsets o USING (filename))"
        )


def _maybe_blank(text: str) -> str:
    """True unless the text is certainly not blank: present and not starting with a space."""
    spaces = ", ".join(_literal(c) for c in SPACES)
    return f"({text} IS NULL OR {text} = '' OR substring({text}, 1, 1) IN ({spaces}))"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _qualified(name: str) -> str:
    return ".".join(_ident(part) for part in name.split("."))


# --- any other SQL database, through SQLAlchemy -------------------------------------------------


class _Warehouse:
    """Portable SQL (SQLAlchemy Core): CASE, ABS, ROUND, SUBSTR, EXTRACT, ROW_NUMBER, SUM."""

    def __init__(self, connection: sa.Connection, source: SourceConfig) -> None:
        self.connection, self.source = connection, source
        query = source.query
        if query is None:
            table = sa.select(sa.text("*")).select_from(table_clause(source.table or ""))
            query = str(table.compile(connection.engine))
        self.query = query
        self.src: sa.Subquery | None = None

    @classmethod
    @contextmanager
    def open(cls, source: SourceConfig) -> Iterator[_Warehouse]:
        url, secrets = connect_url(source)
        try:
            engine = sa.create_engine(url, connect_args=connect_args(url, source.base_dir))
            with engine.connect() as connection:
                yield cls(connection, source)
        except (ImportError, sa.exc.NoSuchModuleError) as err:
            message = f"no database driver for this url ({scrub(str(err), secrets)})"
            raise ConfigError(f"{source.label}: {message}") from None
        except sa.exc.SQLAlchemyError as err:
            message = scrub(driver_message(err), secrets)
            raise DataError(f"the database query failed: {message}", source=source.label) from None

    def probe(self) -> tuple[pd.DataFrame, dict[str, str]]:
        """The first rows; a column's kind from the Python values the driver gives for it."""
        result = self.connection.execute(
            sa.text(f"SELECT * FROM ({self.query}) src LIMIT {PROBE_ROWS}")
        )
        probe = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        self.src = (
            sa.text(self.query).columns(*(sa.column(c) for c in probe.columns)).subquery("src")
        )
        return probe, {name: _python_kind(probe[name]) for name in probe.columns}

    def count(self) -> int:
        return int(
            self.connection.execute(
                sa.text(f"SELECT count(*) FROM ({self.query}) src")
            ).scalar_one()
        )

    def _expressions(self, columns: Columns) -> tuple[sa.ColumnElement, ...]:
        """(flag, date key, day, quantity, cents) over one source row."""
        assert self.src is not None
        c = self.src.c
        flags: list[sa.ColumnElement] = []
        values = {}
        for name in columns.numbers:
            col = c[columns.found[name]]
            if columns.kind(name) != "number":
                flags.append(sa.true())  # number text, booleans: Python decides
                values[name] = sa.null()
                continue
            # NaN and infinity: x * 0 is not 0 (NULL stays NULL and is flagged below)
            unusable = sa.not_(col * 0 == 0)
            if name in schema.SALES_REQUIRED:
                flags += [col.is_(None), unusable]
            else:
                flags.append(sa.and_(col.is_not(None), unusable))
            values[name] = col
        revenue = values["revenue"]
        if columns.kind("revenue") == "number":  # a half cent: numpy rounds to even, SQL may not
            flags.append(
                sa.func.abs(sa.func.abs(revenue * 100 - sa.func.round(revenue * 100)) - 0.5) < 1e-6
            )
        for name in columns.checked_text:
            text = sa.cast(c[columns.found[name]], sa.String)
            first = sa.func.substr(text, 1, 1)
            flags.append(sa.or_(text.is_(None), text == "", first.in_(list(SPACES))))
        col = c[columns.found["date"]]
        if columns.kind("date") == "date":
            day = sa.cast(col, sa.Date)
            key = day if columns.daily else sa.extract("year", col) * 100 + sa.extract("month", col)
            flags.append(col.is_(None))
        else:
            key, day = sa.cast(col, sa.String), sa.null()
            if columns.kind("date") != "text":
                flags.append(sa.true())
        flag = sa.case((sa.or_(*flags), 1), else_=0)
        # NULL on flagged lines: a NaN must not reach the cast
        cents = sa.case((flag == 0, sa.cast(sa.func.round(revenue * 100), sa.BigInteger)))
        return flag, key, day, values["quantity"], cents

    def sum(self, columns: Columns) -> pd.DataFrame:
        flag, key, day, quantity, cents = self._expressions(columns)
        assert self.src is not None
        dims = [sa.cast(self.src.c[columns.found[n]], sa.String).label(n) for n in columns.by]
        rows = sa.select(
            flag.label("f"), key.label("d"), *dims, cents.label("cents"),
            quantity.label("q"), day.label("day"),
        ).subquery("rows")  # fmt: skip
        usable = rows.c.f == 0
        kind = sa.case((rows.c.q < 0, 1), (rows.c.cents < 0, 2), else_=0).label("k")
        query = sa.select(
            rows.c.f, rows.c.d, *(rows.c[n] for n in columns.by), kind,
            sa.func.sum(sa.case((usable, rows.c.cents))).label("cents"),
            sa.func.sum(sa.case((usable, rows.c.q))).label("quantity"),
            sa.func.count().label("lines"),
            sa.func.min(sa.case((usable, rows.c.day))).label("first"),
            sa.func.max(sa.case((usable, rows.c.day))).label("last"),
        ).group_by(rows.c.f, rows.c.d, *(rows.c[n] for n in columns.by), kind)  # fmt: skip
        result = self.connection.execute(query)
        groups = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        groups["f"] = groups["f"].astype(bool)
        for name in ("cents", "quantity", "lines"):
            groups[name] = pd.to_numeric(groups[name]).fillna(0)
        return groups

    def look(self, columns: Columns, bad: dict[str, list[object]]) -> pd.DataFrame:
        flag, key, *_ = self._expressions(columns)
        assert self.src is not None
        conditions = [flag == 1]
        for name, values in bad.items():
            expr = key if name == "date" else sa.cast(self.src.c[columns.found[name]], sa.String)
            if None in values:
                conditions.append(expr.is_(None))
            listed = [str(v) for v in values if v is not None]
            if listed:
                conditions.append(expr.in_(listed))
        numbered = sa.select(
            self.src,
            sa.func.row_number().over().label("__row"),
            sa.or_(*conditions).label("__look"),
        ).subquery("numbered")
        query = (
            sa.select(*(col for col in numbered.c if col.name != "__look"))
            .where(numbered.c["__look"])
            .order_by(numbered.c["__row"])
        )
        result = self.connection.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _python_kind(values: pd.Series) -> str:
    """``number``, ``date`` (naive date or timestamp), ``text`` or ``other`` (mixed, zoned,
    booleans, or nothing to tell by)."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if not present:
        return "other"
    if all(
        isinstance(v, int | float | decimal.Decimal) and not isinstance(v, bool) for v in present
    ):
        return "number"
    if all(isinstance(v, dt.date) for v in present):
        naive = all(not isinstance(v, dt.datetime) or v.tzinfo is None for v in present)
        return "date" if naive else "other"
    return "text" if all(isinstance(v, str) for v in present) else "other"


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

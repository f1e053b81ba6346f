"""Summing in DuckDB, in its own SQL: Parquet files and DuckDB databases.

One of the two engines of :mod:`analysis.data.pushdown` (the other is
:mod:`analysis.data.pushdown_sqlalchemy`); DuckDB reads plain number text in the engine too, and
numbers the lines as the pandas path does (across Parquet files in name order).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from analysis.core import schema
from analysis.core.cents import MOST_DECIMALS
from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig
from analysis.data.database import DUCKDB_SETTINGS, connect_url, driver_message
from analysis.data.duplicates import SHOWN_ROWS
from analysis.data.pushdown_columns import SPACES, SUMMED_BELOW, Columns, Copies
from analysis.data.statements import check_query

_PLAIN_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
_DUCKDB_NUMBERS = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT"
    r"|DOUBLE|DECIMAL\(\d+,\d+\))$"
)
_DUCKDB_DATES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
#: Timestamps with a time zone: judged in Python, which converts them to the run's time zone.
_DUCKDB_ZONED = ("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
#: A line's kind, as the bridge tells returns: 1 fewer units, 2 less money (units not negative),
#: 0 a sale. Lines of one kind summed keep their kind, so summed lines bridge as the lines do.
_RETURN_KIND = "CASE WHEN q < 0 THEN 1 WHEN x < 0 THEN 2 ELSE 0 END"


class DuckDB:
    """DuckDB's own SQL: plain number text is read in the engine too."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, source: SourceConfig, timezone: str = "UTC"
    ) -> None:
        self.con, self.source, self.timezone = con, source, timezone
        self.relation = self._relation()
        self.zoned: list[str] = []  # timestamp columns with a time zone, found by probe()
        self._clocks: dict[str, str] = {}

    @classmethod
    @contextmanager
    def open(cls, source: SourceConfig, timezone: str = "UTC") -> Iterator[DuckDB]:
        database = ":memory:"
        if source.kind == "sql" and source.url is not None:
            database = connect_url(source)[0].database or ":memory:"
        config = dict(DUCKDB_SETTINGS)
        if source.base_dir is not None:
            config["file_search_path"] = str(source.base_dir)
        con = duckdb.connect(database, read_only=database != ":memory:", config=config)
        try:
            # no bar on stdout; in Jupyter DuckDB keeps its own (changing it needs ipywidgets)
            with contextlib.suppress(duckdb.Error):
                con.execute("SET enable_progress_bar = false")
            con.execute("SET lock_configuration = true")
            yield cls(con, source, timezone)
        except duckdb.Error as err:
            message = driver_message(err)
            if source.base_dir is not None:  # files by their names next to the configuration
                for base in {str(source.base_dir), str(Path(source.base_dir).resolve())}:
                    message = message.replace(base.rstrip("/") + "/", "")
            raise DataError(f"the engine failed: {message}", source=source.label) from None
        finally:
            con.close()

    def probe(self) -> tuple[pd.DataFrame, dict[str, str]]:
        described = self.con.execute(f"DESCRIBE SELECT * FROM {self.relation}").fetchall()
        kinds = {}
        for name, kind, *_ in described:
            if kind.startswith(_DUCKDB_ZONED):
                self.zoned.append(name)
                kinds[name] = "date"  # dated on the run's clock (:meth:`_clock`)
            elif _DUCKDB_NUMBERS.match(kind):
                kinds[name] = "number"
            elif kind in _DUCKDB_DATES:
                kinds[name] = "date"
            else:
                kinds[name] = "text" if kind == "VARCHAR" else "other"
        return self.con.execute(f"SELECT * FROM {self.relation} LIMIT 1").df(), kinds

    def count(self) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {self.relation}").fetchone()[0])

    def copies(self, columns: Columns) -> Copies:
        keys = ", ".join(_ident(header) for header in columns.headers)
        sizes: list[tuple[int, int]] = []
        rows: list[tuple[int]] = []
        # equal lines hash alike: without two equal hashes there is no duplicate, and grouping
        # by one hash is faster than by every column; else the columns themselves decide
        for key in (f"hash({keys})", keys):
            sizes = self.con.execute(
                f"SELECT n, count(*) FROM (SELECT count(*) AS n FROM {self.relation} "
                f"GROUP BY {key}) GROUP BY n"
            ).fetchall()
            if all(size == 1 for size, _ in sizes):
                break
        if any(size > 1 for size, _ in sizes):
            rows = self.con.execute(
                f"SELECT __row FROM (SELECT __row, row_number() OVER (PARTITION BY {keys} "
                f"ORDER BY __row) AS copy FROM {self._relation(numbered=True)}) WHERE copy > 1 "
                f"ORDER BY __row LIMIT {SHOWN_ROWS}"
            ).fetchall()
        return Copies.of([(int(n), int(k)) for n, k in sizes], [int(r) for (r,) in rows])

    def _expressions(self, columns: Columns) -> tuple[str, str, str, str, str, str]:
        """(flag, date key, day, quantity, revenue, revenue in 10^-6) as SQL over one source
        row."""
        flags, values = [], {}
        bound = float(columns.max_amount)  # beyond it: implausible, judged in Python
        for name in columns.numbers:
            col, kind = _ident(columns.found[name]), columns.kind(name)
            required = name in schema.SALES_REQUIRED
            if kind == "number":
                value = f"CAST({col} AS DOUBLE)"
                unusable = f"NOT (isfinite({value}) AND abs({value}) <= {bound})"
            elif kind == "text":
                value = f"TRY_CAST({col} AS DOUBLE)"
                plain = f"regexp_full_match({col}, '{_PLAIN_NUMBER}')"
                unusable = f"NOT ({plain} AND isfinite({value}) AND abs({value}) <= {bound})"
            else:
                value, unusable = "NULL::DOUBLE", "true"
            flags.append(unusable if required else f"({col} IS NOT NULL AND {unusable})")
            values[name] = value
        flags += [_maybe_blank(f"CAST({_ident(columns.found[n])} AS VARCHAR)")
                  for n in columns.checked_text]  # fmt: skip
        col, kind = _ident(columns.found["date"]), columns.kind("date")
        if kind == "date":
            day = f"CAST({self._clock(columns.found['date'])} AS DATE)"
            key = day if columns.daily else f"year({day}) * 100 + month({day})"
            flags.append(f"{col} IS NULL")
        else:
            day, key = "NULL::DATE", f"CAST({col} AS VARCHAR)"
            if kind != "text":
                flags.append("true")  # numbers as dates: Python decides
        revenue = values["revenue"]
        micro = _micro(revenue)
        flags.append(f"NOT (abs({revenue}) < {SUMMED_BELOW} AND {micro} IS NOT NULL)")
        flag = "coalesce(" + " OR ".join(flags) + ", true)"
        return flag, key, day, values["quantity"], revenue, micro

    def sum(self, columns: Columns) -> pd.DataFrame:
        flag, key, day, quantity, revenue, micro = self._expressions(columns)
        dims = "".join(
            f", CAST({_ident(columns.found[n])} AS VARCHAR) AS {_ident(n)}" for n in columns.by
        )
        keys = "".join(f", {_ident(n)}" for n in columns.by)
        return self.con.execute(
            f"SELECT f, d{keys}, k, "
            # int64 sums, 0 on flagged groups (a NULL would make the column float)
            "CAST(coalesce(sum((u - r) // 10000) FILTER (WHERE NOT f), 0) AS BIGINT) AS cents, "
            "CAST(coalesce(sum(r) FILTER (WHERE NOT f), 0) AS BIGINT) AS micro, "
            "sum(q) FILTER (WHERE NOT f) AS quantity, count(*) AS lines, "
            "min(day) FILTER (WHERE NOT f) AS first, max(day) FILTER (WHERE NOT f) AS last "
            f"FROM (SELECT *, {_RETURN_KIND} AS k, ((u % 10000) + 10000) % 10000 AS r "
            f"FROM (SELECT {flag} AS f, {key} AS d{dims}, {micro} AS u, {revenue} AS x, "
            f"{quantity} AS q, {day} AS day FROM {self.relation})) GROUP BY ALL"
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
        lines = self.con.execute(
            f"SELECT * FROM {numbered} WHERE {' OR '.join(where)} ORDER BY __row"
        ).df()
        for name in self.zoned:  # without ICU DuckDB hands them over as UTC clock times
            if lines[name].dt.tz is None:
                lines[name] = lines[name].dt.tz_localize("UTC")
        return lines

    def _clock(self, header: str) -> str:
        """A date column as SQL: a zoned one as the clock time of the run's time zone.

        DuckDB without its ICU extension (not loaded: extensions come from the network) knows
        zoned timestamps only as UTC, so the zone's offsets over the column's span are given as
        a CASE over the instants they change at (from Python's zoneinfo).
        """
        if header not in self.zoned:
            return _ident(header)
        if header not in self._clocks:
            utc = f"CAST({_ident(header)} AS TIMESTAMP)"  # the UTC clock time
            first, last = self.con.execute(
                f"SELECT min({utc}), max({utc}) FROM {self.relation}"
            ).fetchone()
            if first is None:  # no dates at all: every line is set aside as it is
                return utc
            spans = offsets(self.timezone, first, last)
            when = "".join(
                f"WHEN {utc} < TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}' THEN {before} "
                for (_, before), (start, _) in itertools.pairwise(spans)
            )
            seconds = f"CASE {when}ELSE {spans[-1][1]} END" if when else str(spans[-1][1])
            self._clocks[header] = f"({utc} + to_seconds({seconds}))"
        return self._clocks[header]

    def _relation(self, numbered: bool = False) -> str:
        """The source as a relation; ``numbered`` adds ``__row``, the row number the pandas path
        shows (records 1.. in query order, or across Parquet files in name order)."""
        source = self.source
        if source.kind == "sql":
            inner = _qualified(source.table or "")
            if source.query is not None:  # checked again: it is run inside this engine's SQL
                try:
                    inner = f"(\n{check_query(source.query, 'duckdb')}\n)"
                except ConfigError as err:
                    raise ConfigError(f"{source.label}: {err}") from None
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


def _micro(value: str) -> str:
    """The revenue in millionths as :func:`analysis.core.cents.exact` reads it: with the fewest
    decimals ``k`` (2..6) for which ``v = x * 10^k`` is within ``|v| * 2^-51`` of an integer, in
    the same float64 arithmetic; NULL (flagged) when none is."""
    cases = []
    for k in range(2, MOST_DECIMALS + 1):
        v = f"({value} * 1e{k})"
        cases.append(
            f"WHEN abs({v} - round({v})) <= abs({v}) * {2.0**-51!r} "
            f"THEN TRY_CAST(round({v}) AS BIGINT) * {10 ** (MOST_DECIMALS - k)}"
        )
    return "(CASE " + " ".join(cases) + " END)"


def offsets(zone: str, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """``zone``'s UTC offsets (seconds) over ``first``..``last`` (UTC clock times), each with the
    UTC time it starts at: found day by day, each change to the second by bisection."""
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        shift = at.replace(tzinfo=UTC).astimezone(tz).utcoffset()
        return int(shift.total_seconds()) if shift is not None else 0

    first = first.replace(microsecond=0)
    spans = [(first, offset(first))]
    day, at = timedelta(days=1), first
    while at < last:
        step = min(at + day, last + timedelta(seconds=1))
        if offset(step) != spans[-1][1]:
            low, high = at, step  # the offset changes after low, at or before high
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                low, high = (middle, high) if offset(middle) == spans[-1][1] else (low, middle)
            spans.append((high, offset(high)))
        at = step
    return spans


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

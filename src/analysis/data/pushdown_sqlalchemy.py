"""Summing in any other SQL database (PostgreSQL, SQLite, ...), in portable SQL through SQLAlchemy.

One of the two engines of :mod:`analysis.data.pushdown` (the other, for DuckDB and Parquet, is
:mod:`analysis.data.pushdown_duckdb`); what a database's SQL cannot be trusted to do alike (number
text, half cents, zoned timestamps) is flagged and left to Python.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis.core import schema
from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig
from analysis.data.database import connect_url, create_engine, driver_message, scrub, table_clause
from analysis.data.duplicates import SHOWN_ROWS
from analysis.data.pushdown_columns import SPACES, Columns, Copies
from analysis.data.statements import check_query

#: Rows read to tell the kind of each column of a SQL database.
PROBE_ROWS = 100


class Warehouse:
    """Portable SQL (SQLAlchemy Core): CASE, ABS, ROUND, SUBSTR, EXTRACT, ROW_NUMBER, SUM."""

    def __init__(self, connection: sa.Connection, source: SourceConfig) -> None:
        self.connection, self.source = connection, source
        if source.query is None:
            table = sa.select(sa.text("*")).select_from(table_clause(source.table or ""))
            query = str(table.compile(connection.engine))
        else:  # checked again, for the database it runs on: it is run inside this engine's SQL
            try:
                query = check_query(source.query, connection.engine.url.get_backend_name())
            except ConfigError as err:
                raise ConfigError(f"{source.label}: {err}") from None
        self.query = query
        self.src: sa.Subquery | None = None

    @classmethod
    @contextmanager
    def open(cls, source: SourceConfig) -> Iterator[Warehouse]:
        url, secrets = connect_url(source)
        try:
            engine = create_engine(url, source.base_dir)
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

    def copies(self, columns: Columns) -> Copies:
        assert self.src is not None
        keys = [self.src.c[header] for header in columns.headers]
        groups = (
            sa.select(sa.func.count().label("n")).select_from(self.src).group_by(*keys)
        ).subquery("groups")
        sizes = self.connection.execute(
            sa.select(groups.c.n, sa.func.count()).group_by(groups.c.n)
        ).fetchall()
        rows: list[int] = []
        if any(size > 1 for size, _ in sizes):
            numbered = sa.select(self.src, sa.func.row_number().over().label("__row")).subquery(
                "numbered"
            )
            copy = sa.func.row_number().over(
                partition_by=[numbered.c[header] for header in columns.headers],
                order_by=numbered.c["__row"],
            )
            ranked = sa.select(numbered.c["__row"], copy.label("copy")).subquery("ranked")
            query = (
                sa.select(ranked.c["__row"])
                .where(ranked.c.copy > 1)
                .order_by(ranked.c["__row"])
                .limit(SHOWN_ROWS)
            )
            rows = [int(row) for (row,) in self.connection.execute(query).fetchall()]
        return Copies.of([(int(n), int(k)) for n, k in sizes], rows)

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
            # NaN and infinity: x * 0 is not 0 (NULL stays NULL and is flagged below); beyond
            # max_amount: implausible
            unusable = sa.or_(sa.not_(col * 0 == 0), sa.func.abs(col) > columns.max_amount)
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

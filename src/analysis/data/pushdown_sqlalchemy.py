"""Summing in any other SQL database (PostgreSQL, SQLite, ...), in portable SQL through SQLAlchemy.

One of the two engines of :mod:`analysis.data.pushdown` (the other, for DuckDB and Parquet, is
:mod:`analysis.data.pushdown_duckdb`); what a database's SQL cannot be trusted to do alike (number
text, amounts of 2^30 or more or with more than 6 decimals, zoned timestamps) is flagged and left
to Python. Revenue is read in float64, as Python reads it, even from a NUMERIC column.
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
from analysis.core.cents import MICRO, MOST_DECIMALS
from analysis.core.errors import ConfigError, DataError
from analysis.data.config import SourceConfig
from analysis.data.database import connect_url, create_engine, driver_message, scrub, table_clause
from analysis.data.duplicates import SHOWN_ROWS
from analysis.data.pushdown_columns import SPACES, SUMMED_BELOW, Columns, Copies
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
        """(flag, date key, day, quantity, revenue, revenue in 10^-6) over one source row."""
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
        if columns.kind("revenue") == "number":  # summed in float64, as Python sums it
            revenue = sa.cast(revenue, sa.Double())
            flags.append(sa.not_(sa.func.abs(revenue) < SUMMED_BELOW))
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
        micro = _micro(revenue)
        flags.append(micro.is_(None))
        flag = sa.case((sa.or_(*flags), 1), else_=0)
        # NULL on flagged lines: a NaN or a huge number must not reach the cast
        micro = sa.case((flag == 0, sa.cast(micro, sa.BigInteger)))
        return flag, key, day, values["quantity"], revenue, micro

    def sum(self, columns: Columns) -> pd.DataFrame:
        flag, key, day, quantity, revenue, micro = self._expressions(columns)
        assert self.src is not None
        dims = [sa.cast(self.src.c[columns.found[n]], sa.String).label(n) for n in columns.by]
        rows = sa.select(
            flag.label("f"), key.label("d"), *dims, micro.label("u"), revenue.label("x"),
            quantity.label("q"), day.label("day"),
        ).subquery("rows")  # fmt: skip
        usable = rows.c.f == 0
        kind = sa.case((rows.c.q < 0, 1), (rows.c.x < 0, 2), else_=0).label("k")
        beyond = ((rows.c.u % MICRO) + MICRO) % MICRO  # SQL's % keeps the dividend's sign
        cents = sa.cast((rows.c.u - beyond) / MICRO, sa.BigInteger)
        query = sa.select(
            rows.c.f, rows.c.d, *(rows.c[n] for n in columns.by), kind,
            sa.func.sum(sa.case((usable, cents))).label("cents"),
            sa.func.sum(sa.case((usable, beyond))).label("micro"),
            sa.func.sum(sa.case((usable, rows.c.q))).label("quantity"),
            sa.func.count().label("lines"),
            sa.func.min(sa.case((usable, rows.c.day))).label("first"),
            sa.func.max(sa.case((usable, rows.c.day))).label("last"),
        ).group_by(rows.c.f, rows.c.d, *(rows.c[n] for n in columns.by), kind)  # fmt: skip
        result = self.connection.execute(query)
        keys, fetched = list(result.keys()), result.fetchall()
        groups = pd.DataFrame(fetched, columns=keys)
        groups["f"] = groups["f"].astype(bool)
        for name in ("cents", "micro"):  # NUMERIC sums as Python ints, taken before pandas
            at = keys.index(name)  # would make a column with a NULL float
            sums = [0 if row[at] is None else int(row[at]) for row in fetched]
            groups[name] = np.array(sums, dtype="int64")
        for name in ("quantity", "lines"):
            groups[name] = pd.to_numeric(groups[name]).fillna(0)
        return groups

    def look(self, columns: Columns, bad: dict[str, list[object]]) -> pd.DataFrame:
        flag, key, *_ = self._expressions(columns)
        assert self.src is not None
        conditions = [flag == 1]
        for name, values in bad.items():
            # dates as ISO text: a typed date column compared with the days' text keys
            column = key if name == "date" else self.src.c[columns.found[name]]
            expr = sa.cast(column, sa.String)
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


def _micro(value: sa.ColumnElement) -> sa.ColumnElement:
    """The revenue in millionths as :func:`analysis.core.cents.exact` reads it (the fewest
    decimals ``k`` for which ``v = x * 10^k`` is within ``|v| * 2^-51`` of an integer); NULL when
    none is."""
    cases = []
    near = sa.literal(2.0**-51, sa.Double())
    for k in range(2, MOST_DECIMALS + 1):
        v = value * sa.literal(10.0**k, sa.Double())
        close = sa.func.abs(v - sa.func.round(v)) <= sa.func.abs(v) * near
        cases.append((close, sa.func.round(v) * 10 ** (MOST_DECIMALS - k)))
    return sa.case(*cases)


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

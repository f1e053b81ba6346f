"""Quarterly totals summed where the data live: millions of lines never enter pandas one by one.

``totals(source, calendar, by)`` returns what ``series.totals(load(...).sales, calendar, by)``
returns (``<by...>, period, cents, quantity, lines``) with the same row accounting, for Parquet
files and DuckDB SQL (summed by DuckDB) and for any other SQL database SQLAlchemy reaches (summed
by that database, with portable SQL). Memory is bounded by the number of groups, not of lines.

Lines are judged by the loader's own code (:mod:`analysis.data.parse`,
:mod:`analysis.data.validate`), never by a second copy of its rules:

1. One pass in the engine sums the lines per month (or raw date text) and raw ``by`` texts, with
   a flag on every line the engine cannot be sure is usable as it stands: a missing or non-finite
   number, number text (plain numbers are read by DuckDB only), a revenue at an exact half cent,
   other required text that is missing or starts with a space, a date that is missing or neither
   a plain date nor text. The flag may be set too often, never too rarely: flagged lines cost
   time, never correctness.
2. The distinct raw dates and ``by`` texts of the groups (thousands, not millions) are judged in
   Python by ``parse.parse_dates`` and ``parse.clean_text``.
3. The lines of every group that is flagged or has an unusable date or text (usually few) are
   fetched with their row numbers and judged by ``validate.clean_sales``: each is set aside with
   its reason or adds to the totals.

The engines are :mod:`analysis.data.pushdown_duckdb` (Parquet, DuckDB) and
:mod:`analysis.data.pushdown_sqlalchemy` (any other database); this module drives and judges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.columns import match_sales_columns
from analysis.data.config import SourceConfig
from analysis.data.parse import DEFAULT_DATES, DateRule, clean_text, parse_dates
from analysis.data.pushdown_columns import Columns, Engine
from analysis.data.pushdown_duckdb import DuckDB
from analysis.data.pushdown_sqlalchemy import Warehouse
from analysis.data.series import to_cents as line_cents
from analysis.data.sources import RawTable
from analysis.data.validate import LoadReport, clean_sales

#: Lines set aside that are kept (with their source values) to show the user.
REJECTED_SAMPLE = 1000


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
    dates: DateRule = DEFAULT_DATES,
) -> Pushed:
    """Lines of ``source`` summed per quarter and ``by`` in its engine (see the module doc)."""
    pushed = _summed(source, calendar, list(by), False, max_rejected_share, dates)
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
    dates: DateRule = DEFAULT_DATES,
) -> Pushed:
    """Lines of ``source`` summed per day, ``by`` and kind (sale, or return of units or of money):
    ``date, <by...>, quantity, revenue, lines``, which every report reads as it reads the lines
    themselves (sums per group, returns told apart), in a fraction of their number and memory."""
    pushed = _summed(source, calendar, list(by), True, max_rejected_share, dates)
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
    dates: DateRule,
) -> Pushed:
    """Sums per day or month, ``by`` and kind: ``day, <by...>, kind, period, cents, quantity,
    lines`` (``day`` is the month's first day when summed by month), with the row accounting."""
    if not supports(source):
        raise DataError(
            "summing in the engine needs Parquet files or a SQL source", source=source.label
        )
    with _engine(source, dates.timezone) as (engine, probe, kinds):
        found, notes = match_sales_columns(
            RawTable(probe, np.arange(1, len(probe) + 1), source.label), source.columns
        )
        columns = Columns(found, kinds, by, by_day)
        groups = engine.sum(columns)
        clean = _judge(groups, columns, calendar, dates)
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
        judged = clean_sales(raw, source.columns, max_rejected_share=1.0, dates=dates)
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


def _judge(
    groups: pd.DataFrame, columns: Columns, calendar: FiscalCalendar, dates: DateRule
) -> np.ndarray:
    """Clean groups (unflagged, a usable date, no empty text); adds ``period`` and replaces
    raw texts (and text dates) by what the pandas path makes of them, keeping ``raw <name>``."""
    ok = ~groups["f"].to_numpy(dtype=bool)
    if columns.kind("date") == "date" and columns.daily:  # the key is the day
        days = pd.to_datetime(groups["d"])
    elif columns.kind("date") == "date":  # the key is the month, 202512
        months = pd.to_numeric(groups["d"], errors="coerce")
        days = pd.to_datetime(months.astype("Int64").astype("string") + "01", format="%Y%m%d")
    else:
        days = parse_dates(groups["d"], dates)
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
def _engine(
    source: SourceConfig, timezone: str = "UTC"
) -> Iterator[tuple[Engine, pd.DataFrame, dict[str, str]]]:
    """The engine for the source, a few of its rows and the kind of each column."""
    if source.kind == "parquet" or (source.url or "duckdb:").startswith("duckdb:"):
        with DuckDB.open(source, timezone) as duck:
            yield duck, *duck.probe()
        return
    with Warehouse.open(source) as warehouse:
        yield warehouse, *warehouse.probe()


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

"""Quarterly totals summed where the data live: millions of lines never enter pandas one by one.

``totals(source, calendar, by)`` returns what ``series.totals(load(...).sales, calendar, by)``
returns (``<by...>, period, cents, quantity, lines``) with the same row accounting, for Parquet
files and DuckDB SQL (summed by DuckDB) and for any other SQL database SQLAlchemy reaches (summed
by that database, with portable SQL). Memory is bounded by the number of groups, not of lines.

Lines are judged by the loader's own code (:mod:`analysis.data.parse`,
:mod:`analysis.data.validate`), never by a second copy of its rules:

1. One pass in the engine sums the lines per month (or raw date text) and raw ``by`` texts, with
   a flag on every line the engine cannot be sure is usable as it stands: a missing or non-finite
   number, number text (plain numbers are read by DuckDB only), a revenue of 2^30 or more or with
   more than 6 decimals, other required text that is missing or starts with a space, a date that
   is missing or neither a plain date nor text. Revenue is summed exactly, as
   :func:`analysis.core.cents.exact` sums it (the same float64 arithmetic on every line), in whole
   ``cents`` and the ``micro`` beyond them. The flag may be set too often, never too rarely:
   flagged lines cost time, never correctness.
2. The distinct raw dates and ``by`` texts of the groups (thousands, not millions) are judged in
   Python by ``parse.parse_dates`` and ``parse.clean_text``.
3. The lines of every group that is flagged or has an unusable date or text (usually few) are
   fetched with their row numbers and judged by ``validate.clean_sales``: each is set aside with
   its reason or adds to the totals.
4. Summed per day (:func:`daily`), :mod:`analysis.data.strays` judges the days of every usable
   line; the lines of a stray day are fetched with their row numbers and set aside.

The engines are :mod:`analysis.data.pushdown_duckdb` (Parquet, DuckDB) and
:mod:`analysis.data.pushdown_sqlalchemy` (any other database); this module drives and judges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.core.cents import MOST_CENTS, as_float, exact, normalised
from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.columns import match_sales_columns
from analysis.data.config import SourceConfig
from analysis.data.duplicates import warning as duplicate_warning
from analysis.data.labels import unify
from analysis.data.parse import DEFAULT_DATES, DateRule, clean_text, parse_dates
from analysis.data.pushdown_columns import Columns, Engine
from analysis.data.pushdown_duckdb import DuckDB
from analysis.data.pushdown_sqlalchemy import Warehouse
from analysis.data.rules import MAX_AMOUNT
from analysis.data.series import EXACT, exact_sums
from analysis.data.set_aside import advice
from analysis.data.sources import RawTable
from analysis.data.strays import is_stray, stray_reasons
from analysis.data.validate import LABEL_COLUMNS, Loaded, LoadReport, clean_sales, set_aside

#: Lines set aside that are kept (with their source values) to show the user.
REJECTED_SAMPLE = 1000


_SUMS = [*EXACT, "quantity", "lines"]


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
    """Parquet files and SQL sources are summed in their engine; CSV and Excel are not, nor
    sources whose lines are shaped by ``compute:``, ``fill:`` or ``duplicates: reject``
    (:func:`in_memory`)."""
    return source.kind in ("parquet", "sql") and in_memory(source) is None


def in_memory(source: SourceConfig) -> str | None:
    """Why the lines of a Parquet or SQL source are loaded in memory rather than summed in its
    engine: derived columns, filled blanks and duplicates set aside are judged line by line, by
    the loader's one copy of those rules (the engines render none of them)."""
    if source.kind not in ("parquet", "sql"):
        return None
    keys = [key for key in ("compute", "fill") if getattr(source, key)]
    keys += ["duplicates: reject"] if source.duplicates == "reject" else []
    if not keys:
        return None
    return f"loaded line by line in memory, not summed in the engine, because of {', '.join(keys)}"


def count(source: SourceConfig) -> int:
    """Lines in a Parquet or SQL source, counted by its engine (Parquet: from file metadata)."""
    with _engine(source) as (engine, _, _):
        return engine.count()


def totals(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: Sequence[str] = (),
    max_rejected_share: float = 0.01,
    max_amount: float = MAX_AMOUNT,
    dates: DateRule = DEFAULT_DATES,
) -> Pushed:
    """Lines of ``source`` summed per quarter and ``by`` in its engine (see the module doc).
    Summed per month, the lines' days are not known here: stray dates are judged by
    :func:`daily`, which :func:`analysis.data.load.load` uses."""
    pushed = _summed(source, calendar, list(by), False, max_rejected_share, max_amount, dates)
    pushed.totals = exact_sums(pushed.totals[[*by, "period", *_SUMS]], [*by, "period"])
    return pushed


def daily(
    source: SourceConfig,
    calendar: FiscalCalendar,
    by: Sequence[str],
    max_rejected_share: float = 0.01,
    max_amount: float = MAX_AMOUNT,
    dates: DateRule = DEFAULT_DATES,
    *,
    data_through: date | None = None,
    today: date | None = None,
) -> Pushed:
    """Lines of ``source`` summed per day, ``by`` and kind (sale, or return of units or of money):
    ``date, <by...>, quantity, revenue, lines``, which every report reads as it reads the lines
    themselves (sums per group, returns told apart), in a fraction of their number and memory.
    Lines with a stray date (after ``data_through``, after ``today``, far from the others) are
    set aside as :func:`analysis.data.load.load` sets them aside."""
    pushed = _summed(
        source, calendar, list(by), True, max_rejected_share, max_amount, dates, data_through, today
    )  # fmt: skip
    summed = exact_sums(pushed.totals[["day", *by, "kind", *_SUMS]], ["day", *by, "kind"])
    pushed.totals = pd.DataFrame(
        {
            "date": summed["day"].astype("datetime64[us]"),
            **{name: summed[name] for name in by},
            "quantity": summed["quantity"].astype("float64"),
            "revenue": as_float(summed["cents"], summed["micro"]),
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
    max_amount: float = MAX_AMOUNT,
    dates: DateRule = DEFAULT_DATES,
    data_through: date | None = None,
    today: date | None = None,
) -> Pushed:
    """Sums per day or month, ``by`` and kind: ``day, <by...>, kind, period, cents, quantity,
    lines`` (``day`` is the month's first day when summed by month), with the row accounting.
    Summed by day, lines with a stray date (:mod:`analysis.data.strays`) are fetched and set
    aside as the pandas path sets them aside."""
    if not supports(source):
        why = in_memory(source) or "summing in the engine needs Parquet files or a SQL source"
        raise DataError(why, source=source.label)
    with _engine(source, dates.timezone) as (engine, probe, kinds):
        found, notes = match_sales_columns(
            RawTable(probe, np.arange(1, len(probe) + 1), source.label), source.columns
        )
        columns = Columns(found, kinds, by, by_day, max_amount)
        groups = engine.sum(columns)
        copies = engine.copies(columns)
        clean = _judge(groups, columns, calendar, dates)
        judged = []
        if not clean.all():
            looked_at = engine.look(columns, _bad_values(groups.loc[~clean], columns))
            expected = int(groups.loc[~clean, "lines"].sum())
            judged.append(_judged(looked_at, expected, source, max_amount, dates))
        if by_day:
            judged, stray, reasons = _strays(groups, clean, judged, data_through, today)
            if stray.any():
                keys = {"date": _date_keys(groups.loc[stray], columns)}
                fetched = engine.look(columns, keys)
                seen = np.concatenate([part[0].rows for part in judged] + [np.array([], int)])
                fetched = fetched.loc[~fetched["__row"].isin(seen)]
                expected = int(groups.loc[stray, "lines"].sum())
                part = _judged(fetched, expected, source, max_amount, dates)
                why = part[1].data["date"].dt.normalize().map(reasons).fillna("").to_numpy()
                judged.append((part[0], set_aside(part[0], part[1], why)))
                clean &= ~stray

    read = int(groups["lines"].sum())
    good = groups.loc[clean].rename(columns={"k": "kind"})
    used = int(good["lines"].sum())
    parts = [good[["day", *by, "kind", "period", *_SUMS]]]
    firsts, lasts = [good["first"].min()], [good["last"].max()]
    rejected: dict[str, int] = {}
    samples = [pd.DataFrame(columns=["row", "reason"])]
    extra: list[str] = []
    for _, lines in judged:
        used += lines.report.rows_used
        for reason, n in lines.report.rejected.items():
            rejected[reason] = rejected.get(reason, 0) + n
        extra += [note for note in lines.report.notes if note not in notes + extra]
        samples.append(lines.rejected)
        if not lines.data.empty:
            parts.append(_as_groups(lines.data, by, by_day, calendar))
            firsts.append(lines.data["date"].min())
            lasts.append(lines.data["date"].max())
    sample = pd.concat([s for s in samples if len(s)] or samples[:1], ignore_index=True)
    sample = sample.sort_values("row", kind="stable").head(REJECTED_SAMPLE)
    report = LoadReport(source.label, read, used, rejected, notes + extra)
    if copies.later:
        report.warnings.append(duplicate_warning(copies.later, copies.rows, copies.all_twice))
    if read - used - _stray_count(rejected) > max_rejected_share * read:
        raise _too_many(report, sample, max_rejected_share)
    if used == 0 and not _stray_count(rejected):  # every line a stray: load() says why
        raise DataError("no usable lines", source=source.label, expected="at least one sales line")
    summed = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    if np.abs(summed["cents"].to_numpy(dtype="float64")).sum() >= MOST_CENTS:
        raise DataError(
            "the amounts are too large to sum exactly in cents",
            source=source.label,
            column="revenue",
            expected=f"amounts whose absolute values sum to less than {MOST_CENTS / 100:.1e}",
        )
    summed = summed.astype(
        {"cents": "int64", "micro": "int64", "quantity": "float64", "lines": "int64"}
    )
    summed["cents"], summed["micro"] = normalised(summed["cents"], summed["micro"])
    for name in [name for name in LABEL_COLUMNS if name in by]:  # as the lines would be
        summed[name], warning = unify(summed[name], name, summed["lines"])
        report.warnings += [warning] if warning is not None else []
    first = min((pd.Timestamp(t).normalize() for t in firsts if pd.notna(t)), default=pd.NaT)
    last = max((pd.Timestamp(t).normalize() for t in lasts if pd.notna(t)), default=pd.NaT)
    return Pushed(summed, first, last, report, sample.reset_index(drop=True))


def _judged(
    looked_at: pd.DataFrame,
    expected: int,
    source: SourceConfig,
    max_amount: float,
    dates: DateRule,
) -> tuple[RawTable, Loaded]:
    """Fetched lines judged by the pandas path's own code (``__row``: their row numbers)."""
    if len(looked_at) != expected:  # the fetch must be exactly the groups set apart
        raise RuntimeError(f"{source.label}: {len(looked_at)} lines fetched, not {expected}")
    raw = RawTable(
        looked_at.drop(columns="__row").reset_index(drop=True),
        looked_at["__row"].to_numpy(dtype="int64"),
        source.label,
    )
    return raw, clean_sales(
        raw, source.columns, 1.0, max_amount=max_amount, unify_labels=False, dates=dates
    )


def _strays(
    groups: pd.DataFrame,
    clean: np.ndarray,
    judged: list[tuple[RawTable, Loaded]],
    data_through: date | None,
    today: date | None,
) -> tuple[list[tuple[RawTable, Loaded]], np.ndarray, dict[pd.Timestamp, str]]:
    """The stray rule over every usable line (clean groups and fetched lines alike): fetched
    lines with a stray date set aside, which clean groups have one (to fetch them) and the
    reason of each of their days."""
    lines = [part[1].data["date"] for part in judged]
    dates = pd.concat([groups.loc[clean, "day"], *lines], ignore_index=True)
    weights = np.concatenate(
        [groups.loc[clean, "lines"].to_numpy(), *(np.ones(len(d)) for d in lines)]
    )
    why = stray_reasons(dates, weights, data_through, today)
    stray = np.zeros(len(groups), dtype=bool)
    stray[np.flatnonzero(clean)] = why[: int(clean.sum())] != ""
    days = pd.to_datetime(dates).dt.normalize()
    by_day = dict(zip(days[why != ""], why[why != ""], strict=True))
    offset, kept = int(clean.sum()), []
    for raw, part in judged:
        kept.append((raw, set_aside(raw, part, why[offset : offset + len(part.data)])))
        offset += len(part.data)
    return kept, stray, by_day


def _date_keys(groups: pd.DataFrame, columns: Columns) -> list[object]:
    """The engine's date keys of some day groups, as ``look`` compares them."""
    if columns.kind("date") == "date":
        return sorted({f"{day:%Y-%m-%d}" for day in groups["day"]})
    return _values(groups["d"])


def _stray_count(rejected: dict[str, int]) -> int:
    """Lines set aside for a stray date: no fault of the source's, so not held against it."""
    return sum(n for reason, n in rejected.items() if is_stray(reason))


def _as_groups(
    lines: pd.DataFrame, by: list[str], by_day: bool, calendar: FiscalCalendar
) -> pd.DataFrame:
    """Lines judged in Python in the shape of the engine's groups (one line each)."""
    cents, micro = exact(lines["revenue"])
    revenue = lines["revenue"].to_numpy(dtype="float64")
    quantity = lines["quantity"].to_numpy(dtype="float64")
    day = lines["date"] if by_day else lines["date"].dt.to_period("M").dt.start_time
    return pd.DataFrame(
        {
            "day": day.astype("datetime64[us]").to_numpy(),
            **{name: lines[name].to_numpy() for name in by},
            "kind": np.select([quantity < 0, revenue < 0], [1, 2], 0),
            "period": calendar.periods(lines["date"]).to_numpy(),
            "cents": cents,
            "micro": micro,
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
        f"more than max_rejected_share {limit:.1%} allows ({counts}); first: {shown}. "
        + advice(report.rejected),
        source=report.source,
        rows=[int(r) for r in first["row"]],
        expected="usable sales lines",
    )

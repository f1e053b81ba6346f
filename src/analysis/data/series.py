"""Quarterly series from sales lines, as the long frames (``unique_id, ds, y``) forecasters expect.

Revenue is summed exactly at the source's precision (:mod:`analysis.core.cents`) and each quarter's
total rounded to cents once; every grouping of the same lines is split from that total so that it
adds up to it. Quarters that the data cover only in part are flagged, never silently compared as
complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import exact, nested_cents, normalised
from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar

TOTAL = "Total"

#: The default hierarchy: the company, its channels, and inside each channel its regions and lines.
DEFAULT_LEVELS: tuple[tuple[str, ...], ...] = (
    (),
    ("channel",),
    ("channel", "region"),
    ("channel", "product_line"),
)


#: Days of silence at the edge of a quarter still read as "no sales", not "no data": a holiday
#: on 31 December should not make Q4 partial. Set ``data_through`` to state the coverage exactly.
GRACE_DAYS = 7


@dataclass(frozen=True)
class Coverage:
    """First and last day for which the sales data are complete."""

    first: pd.Timestamp
    last: pd.Timestamp

    @classmethod
    def of(
        cls,
        sales: pd.DataFrame,
        calendar: FiscalCalendar,
        data_through: object = None,
        grace_days: int = GRACE_DAYS,
    ) -> Coverage:
        """Coverage of the sales lines: from the first to the last date, or to ``data_through``.

        A first (last) date within ``grace_days`` of its quarter's start (end) is widened to it.
        """
        if sales.empty:
            raise ValueError("no sales lines: the data cover no quarter")
        grace = pd.Timedelta(days=grace_days)
        first = sales["date"].min().normalize()
        start = calendar.start(calendar.period(first))
        if first - start <= grace:
            first = start
        if data_through is not None:
            last = pd.Timestamp(data_through).normalize()
        else:
            last = sales["date"].max().normalize()
            end = calendar.end(calendar.period(last))
            if end - last <= grace:
                last = end
        return cls(first=first, last=last)

    def is_partial(self, period: pd.Period, through: pd.Period | None = None) -> bool:
        """Whether the data miss a day of ``period`` (or of the quarters ``period`` to
        ``through``)."""
        start, end = _bounds(period, through)
        return bool(start < self.first or end > self.last)

    def held(
        self, period: pd.Period, through: pd.Period | None = None
    ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first and last day of ``period`` (to ``through``) the data cover, or None."""
        start, end = _bounds(period, through)
        first, last = max(start, self.first), min(end, self.last)
        return (first, last) if first <= last else None

    def marker(self, period: pd.Period, through: pd.Period | None = None) -> str:
        """How a table or chart marks ``period`` (to ``through``): '' when complete, else
        ``partial:`` and :meth:`extent` (``partial: data from 2019-12-01``) or ``no data``."""
        if not self.is_partial(period, through):
            return ""
        held = self.held(period, through)
        if held is None:
            return _("no data")
        return _("partial: {extent}").format(extent=self.extent(period, through))

    def extent(self, period: pd.Period, through: pd.Period | None = None) -> str:
        """What the data hold of ``period`` (to ``through``): ``data from 2019-12-01``, ``data
        to 2025-11-15``, ``data 2025-11-15 to 11-20``, ``all data`` or ``no data``."""
        held = self.held(period, through)
        if held is None:
            return _("no data")
        (start, end), (first, last) = _bounds(period, through), held
        if first > start and last < end:
            return _("data {span}").format(span=_span(first, last))
        if first > start:
            return _("data from {first}").format(first=f"{first:%Y-%m-%d}")
        if last < end:
            return _("data to {last}").format(last=f"{last:%Y-%m-%d}")
        return _("all data")

    def holds_only(self, label: str, period: pd.Period, through: pd.Period | None = None) -> str:
        """Why a partial ``period`` (to ``through``, named ``label``) is no base for a
        comparison: ``2024Q4 holds only 2024-12-01 to 12-31``, or ``there are no sales data for
        2024Q4``."""
        held = self.held(period, through)
        if held is None:
            return _("there are no sales data for {label}").format(label=label)
        one = through is None or through == period
        text = _("{label} holds only {span}") if one else _("{label} hold only {span}")
        return text.format(label=label, span=_span(*held))

    def complete_quarters(self, calendar: FiscalCalendar) -> list[pd.Period]:
        """Every quarter the data cover from its first to its last day, oldest first."""
        first, last = calendar.period(self.first), calendar.period(self.last)
        quarters = pd.period_range(first, last, freq=calendar.freq)
        return [q for q in quarters if not self.is_partial(q)]


def _bounds(period: pd.Period, through: pd.Period | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of ``period``, or of the quarters ``period`` to ``through``."""
    last = period if through is None else through
    return period.start_time.normalize(), last.end_time.normalize()


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``2024-12-01 to 12-31`` (the year once when both days share it), or one day."""
    if start == end:
        return f"{start:%Y-%m-%d}"
    last = f"{end:%m-%d}" if start.year == end.year else f"{end:%F}"
    return _("{first} to {last}").format(first=f"{start:%F}", last=last)


def latest_complete_quarter(coverage: Coverage, calendar: FiscalCalendar) -> pd.Period:
    """The newest quarter the data cover entirely: the default quarter of a report."""
    complete = coverage.complete_quarters(calendar)
    if not complete:
        raise ValueError(
            f"the sales data ({coverage.first:%Y-%m-%d} to {coverage.last:%Y-%m-%d}) "
            "do not cover any quarter completely"
        )
    return complete[-1]


def to_cents(amounts: pd.Series) -> pd.Series:
    """Amounts already in whole cents (targets are loaded rounded to cents) as integer cents."""
    return np.round(amounts.to_numpy(dtype="float64") * 100).astype("int64")


#: A group's exact sum: whole ``cents`` and the ``micro`` beyond them (``analysis.core.cents``).
EXACT = ["cents", "micro"]
_SUMS = [*EXACT, "quantity", "lines"]


def exact_sums(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``frame``'s exact ``cents``, ``micro`` (and any other numeric columns) summed per ``keys``,
    sorted by them, ``micro`` carried into ``cents``."""
    summed = frame.groupby(list(keys), sort=True, observed=True, dropna=False).sum().reset_index()
    summed["cents"], summed["micro"] = normalised(summed["cents"], summed["micro"])
    return summed


def totals(sales: pd.DataFrame, calendar: FiscalCalendar, by: Sequence[str] = ()) -> pd.DataFrame:
    """Sales lines summed exactly per quarter and ``by`` combination: ``<by...>, period, cents,
    micro`` (the exact sum, :data:`EXACT`), ``quantity, lines``, only where there were lines.
    :mod:`analysis.data.pushdown` makes the same table inside a database engine; :func:`quarterly`
    and :func:`hierarchy` round it to cents. Lines already summed by day (``pushdown.daily``)
    carry their count in a ``lines`` column."""
    by = list(by)
    cents, micro = exact(sales["revenue"])
    frame = pd.DataFrame(
        {
            "period": calendar.periods(sales["date"]),
            "cents": cents,
            "micro": micro,
            "quantity": sales["quantity"].to_numpy(dtype="float64"),
            "lines": sales["lines"].to_numpy() if "lines" in sales else 1,
            **{col: sales[col] for col in by},
        }
    )
    return exact_sums(frame, [*by, "period"])[[*by, "period", *_SUMS]]


def quarterly(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    by: Sequence[str] = (),
    coverage: Coverage | None = None,
) -> pd.DataFrame:
    """Revenue and quantity per quarter and per combination of the ``by`` columns.

    Each series runs without gaps from its first quarter with sales to the last quarter of the data
    (quarters without sales are 0: a channel that stopped selling shows zeros, not missing rows).
    Columns: ``unique_id, ds, quarter, <by...>, y, quantity, lines, partial``; ``ds`` is the
    quarter's first day, ``quarter`` its label, ``y`` the net revenue.
    """
    coverage = coverage or Coverage.of(sales, calendar)
    return series_from_totals(totals(sales, calendar, by), calendar, by, coverage)


def series_from_totals(
    summed: pd.DataFrame, calendar: FiscalCalendar, by: Sequence[str], coverage: Coverage
) -> pd.DataFrame:
    """:func:`quarterly`'s series from a :func:`totals` table of ``by`` or of finer dimensions:
    summed up to ``by`` exactly, each quarter's total rounded to cents once and ``by[0]``,
    ``by[:2]``, ... split from it so that they add up to it (``core.cents.nested_cents``); the
    same dimensions in the same order give the same cents in every series and report."""
    by = list(by)
    grouped = exact_sums(summed[[*by, "period", *_SUMS]], [*by, "period"])
    grouped["cents"] = nested_cents(grouped, by, apart=["period"])
    grouped = grouped.drop(columns="micro")
    grouped = _fill_gaps(grouped, by, calendar.period(coverage.last))
    grouped["unique_id"] = unique_ids(grouped, by)
    grouped["ds"] = grouped["period"].dt.start_time
    grouped["quarter"] = calendar.labels(grouped["period"])
    grouped["y"] = grouped["cents"] / 100
    grouped["partial"] = [coverage.is_partial(p) for p in grouped["period"]]
    columns = ["unique_id", "ds", "quarter", *by, "y", "quantity", "lines", "partial"]
    return grouped[columns].sort_values(["unique_id", "ds"], ignore_index=True)


def hierarchy(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    levels: Sequence[Sequence[str]] = DEFAULT_LEVELS,
    coverage: Coverage | None = None,
) -> pd.DataFrame:
    """Series at every level of a hierarchy (total, channel, channel x region, ...) in one frame.

    A ``level`` column names each row's grouping (``total``, ``channel``, ``channel/region``);
    ``unique_id`` is ``Total`` for the company and the ``/``-joined dimension values otherwise.
    """
    coverage = coverage or Coverage.of(sales, calendar)
    finest = list(dict.fromkeys(col for level in levels for col in level))
    return hierarchy_from_totals(totals(sales, calendar, finest), calendar, levels, coverage)


def hierarchy_from_totals(
    summed: pd.DataFrame,
    calendar: FiscalCalendar,
    levels: Sequence[Sequence[str]],
    coverage: Coverage,
) -> pd.DataFrame:
    """:func:`hierarchy` from one :func:`totals` table holding every dimension of ``levels``."""
    parts = []
    for level in levels:
        part = series_from_totals(summed, calendar, level, coverage)
        part.insert(1, "level", "/".join(level) if level else "total")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _fill_gaps(grouped: pd.DataFrame, by: list[str], last: pd.Period) -> pd.DataFrame:
    """Add zero rows for quarters without sales inside each series' span."""
    if grouped.empty:
        return grouped
    firsts = (
        grouped.groupby(by, sort=False)["period"].min().rename("first").reset_index()
        if by
        else pd.DataFrame({"first": [grouped["period"].min()]})
    )
    span = pd.DataFrame({"period": pd.period_range(firsts["first"].min(), last, freq=last.freq)})
    full = firsts.merge(span, how="cross")
    full = full.loc[full["period"] >= full["first"]].drop(columns="first")
    merged = full.merge(grouped, on=[*by, "period"], how="left")
    merged["cents"] = merged["cents"].fillna(0).astype("int64")
    merged["quantity"] = merged["quantity"].fillna(0.0)
    merged["lines"] = merged["lines"].fillna(0).astype("int64")
    return merged


def unique_ids(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """``Total`` without dimensions, else the ``/``-joined values of ``by`` (``OEM/East China``)."""
    if not by:
        return pd.Series(TOTAL, index=frame.index)
    ids = frame[by[0]].astype(str)
    for col in by[1:]:
        ids = ids + "/" + frame[col].astype(str)
    return ids

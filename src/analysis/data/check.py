"""What a run will find in its data, and the checks a report would fail on later, made at once.

``sales-report check`` prints :func:`inspect`'s facts; the runner calls :func:`check_hierarchy`
right after its load, so that a run never fails minutes into the forecast for a reason the data
showed from the start. Figures are the loaded data's own: rows as counted by the loader, revenue
the used lines' net amounts summed and rounded to cents once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analysis.core import schema
from analysis.core.errors import DataError, shown
from analysis.core.quarters import FiscalCalendar
from analysis.data.load import Dataset
from analysis.data.series import DEFAULT_LEVELS, Coverage, latest_complete_quarter, unique_ids
from analysis.data.validate import LoadReport

#: Row numbers shown per reason a row was set aside.
FIRST_ROWS = 5


def inspect(dataset: Dataset) -> dict[str, object]:
    """Every fact ``check`` reports, as JSON-ready values; a ``DataError`` for data every run
    would fail on (a hierarchy with one series twice). Without a complete quarter
    ``latest_quarter`` is ``None`` and ``warnings`` says what that means for a run."""
    check_hierarchy(dataset)
    calendar = dataset.config.calendar
    coverage = Coverage.of(dataset.sales, calendar, dataset.config.data_through)
    warnings = []
    try:
        latest: pd.Period | None = latest_complete_quarter(coverage, calendar)
    except ValueError as exc:
        latest, last = None, calendar.label(calendar.period(coverage.last))
        warnings.append(
            f"{exc}: `run --quarter latest` is refused; name the quarter to see it in part "
            f"(run --quarter {last})"
        )
    sources: dict[str, object] = {"sales": _sales(dataset, coverage, calendar)}
    if dataset.targets is not None:
        sources["targets"] = _targets(dataset, coverage, calendar, latest)
    label = None if latest is None else calendar.label(latest)
    return {"sources": sources, "latest_quarter": label, "warnings": warnings}


def check_hierarchy(dataset: Dataset, levels: Sequence[Sequence[str]] = DEFAULT_LEVELS) -> None:
    """Refuse sales whose forecast hierarchy would hold one series id at two levels (a region
    named as a product line of the same channel, a channel called ``Total``): the forecast
    builds the same ids (``forecasting/reconcile.py``) and cannot tell such series apart."""
    bottom = list(dict.fromkeys(name for level in levels for name in level))
    every = [list(level) for level in levels]
    if bottom not in every:
        every.append(bottom)
    combos = dataset.sales[bottom].drop_duplicates().reset_index(drop=True)
    seen: dict[str, tuple[list[str], pd.Series]] = {}
    for level in every:
        ids = unique_ids(combos, level)
        for uid, at in ids.groupby(ids, sort=False).groups.items():
            row = combos.loc[at[0]]
            if uid in seen:
                first, values = seen[uid]
                raise DataError(
                    f"the series {shown(uid)} would appear at two levels of the forecast's "
                    f"hierarchy: as {_named(first, values)} and as {_named(level, row)}",
                    source=dataset.reports[0].source,
                    expected="distinct names: rename one of the values (or map another "
                    "column to it in the configuration)",
                )
            seen.setdefault(str(uid), (level, row))


def _named(level: list[str], row: pd.Series) -> str:
    if not level:
        return "the company's total"
    return ", ".join(f"{name} {shown(str(row[name]))}" for name in level)


def _sales(dataset: Dataset, coverage: Coverage, calendar: FiscalCalendar) -> dict[str, object]:
    sales, report = dataset.sales, dataset.reports[0]
    span = pd.period_range(
        calendar.period(coverage.first), calendar.period(coverage.last), freq=calendar.freq
    )
    complete = set(coverage.complete_quarters(calendar))
    return {
        **_rows(report, next(iter(dataset.rejected.values()))),
        "revenue": _money(sales["revenue"]),
        "first_date": f"{sales['date'].min():%Y-%m-%d}",
        "last_date": f"{sales['date'].max():%Y-%m-%d}",
        "complete_quarters": [calendar.label(q) for q in span if q in complete],
        "partial_quarters": [calendar.label(q) for q in span if q not in complete],
        "channels": sorted(map(str, sales["channel"].unique())),
    }


def _targets(
    dataset: Dataset, coverage: Coverage, calendar: FiscalCalendar, latest: pd.Period | None
) -> dict[str, object]:
    targets, report = dataset.targets, dataset.reports[1]
    assert targets is not None
    quarters = sorted(set(targets["quarter"]), key=calendar.parse)
    facts = _rows(report, list(dataset.rejected.values())[1])
    before = [q for q in quarters if calendar.parse(q).end_time < coverage.first]
    if before:
        facts["warnings"].append(
            f"targets for {_listed(before)} come before the first sale "
            f"({coverage.first:%Y-%m-%d}): no report compares them"
        )
    if latest is not None and calendar.label(latest) not in quarters:
        facts["warnings"].append(
            f"no target for {calendar.label(latest)}, the latest complete quarter: its target "
            "report has nothing to compare"
        )
    return {
        **facts,
        "quarters": quarters,
        "channels": sorted(map(str, targets["channel"].unique())),
        "grain": ["channel", *(n for n in schema.TARGET_DIMENSIONS if n in targets.columns)],
        "target_revenue": _money(targets["target_revenue"]),
    }


def _rows(report: LoadReport, rejected: pd.DataFrame) -> dict[str, object]:
    first = {
        str(reason): [int(row) for row in rows.head(FIRST_ROWS)]
        for reason, rows in rejected.groupby("reason", sort=False)["row"]
    }
    return {
        "rows_read": report.rows_read,
        "rows_used": report.rows_used,
        "rows_rejected": report.rows_rejected,
        "rejected_by_reason": dict(report.rejected),
        "first_rejected_rows": first,
        "filled": dict(report.filled),
        "warnings": list(report.warnings),
        "notes": list(report.notes),
    }


def _money(amounts: pd.Series) -> float:
    """The amounts' exact sum, rounded to cents once."""
    return round(math.fsum(amounts.to_numpy(dtype="float64")), 2)


def _listed(labels: list[str], limit: int = 4) -> str:
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more

"""Which quarter a target's label means.

Under a calendar year a label is plain: ``2019Q1`` is January-March 2019. Under a fiscal year
(``fiscal_year_start_month`` other than 1) the same text could mean the fiscal quarter
``FY2019Q1`` or the calendar quarter January-March 2019, a quarter or more apart. Read the wrong
way, every target shifts without a word, so a label without ``FY`` is refused unless the
configuration says how such labels are meant (``target_quarters: fiscal | calendar``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.core.errors import DataError, shown
from analysis.core.quarters import FiscalCalendar, names_fiscal_year
from analysis.data.sources import RawTable


def quarter_labels(
    raw: RawTable,
    found: Mapping[str, str],
    text: pd.Series,
    calendar: FiscalCalendar,
    quarters_as: str | None,
) -> pd.Series:
    """Each row's quarter as ``calendar`` labels it; missing where the text is no quarter (the
    caller names those rows). An ambiguous label is a ``DataError`` naming rows and column."""
    if quarters_as is None and not calendar.is_calendar:
        _refuse_ambiguous(raw, found, text, calendar)
    labels = {}
    for value in text.dropna().unique():
        as_calendar = quarters_as == "calendar" and not names_fiscal_year(value)
        try:
            period = calendar.parse_calendar(value) if as_calendar else calendar.parse(value)
        except ValueError:
            continue  # left unmapped: reported with its rows by the caller
        labels[value] = calendar.label(period)
    return text.map(labels)


def _refuse_ambiguous(
    raw: RawTable, found: Mapping[str, str], text: pd.Series, calendar: FiscalCalendar
) -> None:
    readings: dict[str, tuple[pd.Period, pd.Period | None]] = {}
    for value in text.dropna().unique():
        if names_fiscal_year(value):
            continue
        try:
            fiscal = calendar.parse(value)
        except ValueError:
            continue  # no quarter at all: reported as such by the caller
        try:
            readings[value] = (fiscal, calendar.parse_calendar(value))
        except ValueError:  # calendar quarters do not line up with this fiscal year's
            readings[value] = (fiscal, None)
    if not readings:
        return
    value, (fiscal, as_calendar) = next(iter(readings.items()))
    both = (
        f"as a fiscal quarter it is {calendar.label(fiscal)} "
        f"({calendar.start(fiscal):%Y-%m-%d} to {calendar.end(fiscal):%Y-%m-%d})"
    )
    write = calendar.label(fiscal)
    if as_calendar is not None:
        plain = FiscalCalendar()
        both += (
            f", as a calendar quarter {plain.label(plain.parse(value))} "
            f"({calendar.start(as_calendar):%Y-%m-%d} to {calendar.end(as_calendar):%Y-%m-%d}), "
            f"which is {calendar.label(as_calendar)}"
        )
        write += f" or {calendar.label(as_calendar)}"
    header = found["quarter"]
    column = "quarter" if header == "quarter" else f"quarter (column {shown(header)})"
    raise DataError(
        f"{column} {shown(value)} is ambiguous in a fiscal year that starts in month "
        f"{calendar.start_month}: {both}",
        source=raw.label,
        rows=raw.rows[text.isin(list(readings)).to_numpy()].tolist(),
        expected=f"a fiscal label such as {write}, or target_quarters: fiscal (or calendar) "
        "in the configuration to say how labels without FY are meant",
    )

"""A source's own date format (``date_format:``): checked when the configuration is read, and
suggested when a column's dates are not year first.

Kept apart from :mod:`analysis.data.parse`, which reads dates by a format, because these are about
formats themselves: whether a strftime pattern can name a day, and which patterns fit the values a
user sees refused (``2/24/2003 0:00`` fits ``%m/%d/%Y %H:%M`` and nothing day-first).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

_CHECK = datetime(2025, 12, 31, 23, 59, 58, tzinfo=UTC)
_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
#: Formats a suggestion may name, month-first before day-first (the order of a hint only).
_FORMATS = tuple(
    f"{day}{time}"
    for day in (
        *(f"%m{sep}%d{sep}%Y" for sep in "/-."),
        *(f"%d{sep}%m{sep}%Y" for sep in "/-."),
        "%m/%d/%y",
        "%d/%m/%y",
        "%d.%m.%y",
        "%d-%b-%Y",
        "%d %b %Y",
        "%b %d, %Y",
    )
    for time in _TIMES
)
_SAMPLE = 200


#: What ``date_format:`` must be, as a configuration error says it.
DATE_FORMAT_RULE = (
    'a strftime pattern with a year (%Y), a month (%m or %b) and a day (%d), such as "%m/%d/%Y"'
)


def check_date_format(value: str) -> str | None:
    """None when ``value`` can be a ``date_format:`` (a strftime pattern naming a year, a month
    and a day, or a year and a day of the year); else why not ("" when it names no full date)."""
    try:
        back = datetime.strptime(_CHECK.strftime(value), value)
    except ValueError as err:
        return str(err)
    return None if back.date() == _CHECK.date() else ""


def suggest_date_format(values: pd.Series) -> str | None:
    """A hint naming the ``date_format:`` that reads every one of ``values`` (refused dates), or
    both readings when month-first and day-first both fit; None when no known format does."""
    text = pd.Series(values.astype("str").str.strip().unique()[:_SAMPLE], dtype="str")
    text = text[text != ""]
    if text.empty:
        return None
    fits = [
        fmt for fmt in _FORMATS if pd.to_datetime(text, format=fmt, errors="coerce").notna().all()
    ]
    if not fits:
        return None
    if len(fits) == 1:
        return f'set date_format: "{fits[0]}" on the source to read them'
    shown = " or ".join(f'"{fmt}"' for fmt in fits[:2])
    return f"set date_format: {shown} on the source (these dates could be either)"

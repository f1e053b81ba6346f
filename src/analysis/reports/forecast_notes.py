"""The forecast page's notes on its history: partial quarters left out of the fit, and why a
history too short for a forecast has none (what it needs and when one can be made).

Split from :mod:`analysis.reports.forecast` so that the words stand apart from the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar
from analysis.reports import present
from analysis.reports.review import Review


def left_out(review: Review, held: Sequence[pd.Period]) -> tuple[str, ...]:
    """Notes on the partial quarters at either end of the history that the fit leaves out."""
    calendar, coverage = review.calendar, review.coverage
    span = _span(calendar, held)
    notes = []
    first = calendar.period(coverage.first)
    if first < held[0] and coverage.is_partial(first):
        notes.append(
            _(
                "{quarter} is left out of the forecast's history ({marker}): the forecast is "
                "fitted on {span}."
            ).format(quarter=calendar.label(first), marker=coverage.marker(first), span=span)
        )
    if review.partial:
        notes.append(
            _(
                "{quarter} is partial ({extent}): it is neither fitted nor forecast; the forecast "
                "is fitted on {span} and starts in {next}."
            ).format(
                quarter=present.quarter(review.label),
                extent=coverage.extent(review.quarter),
                span=span,
                next=present.quarter(calendar.label(review.quarter + 1)),
            )
        )
    return tuple(notes)


def _span(calendar: FiscalCalendar, held: Sequence[pd.Period]) -> str:
    """``2022Q1 to 2025Q4``, or the one quarter."""
    first = calendar.label(held[0])
    if len(held) == 1:
        return first
    return _("{first} to {last}").format(first=first, last=calendar.label(held[-1]))


def too_short(review: Review, held: Sequence[pd.Period], minimum: int) -> str:
    """Why there is no forecast, what it needs and when it can be made."""
    calendar, coverage = review.calendar, review.coverage
    if held:
        hold = f"{len(held)} ({_span(calendar, held)})"
        ready = held[-1] + (minimum - len(held))
    else:
        first = calendar.period(coverage.first)
        if coverage.first > calendar.start(first):
            first += 1  # the quarter the data begin in is partial
        ready = first + (minimum - 1)
        hold = _("none (the sales data cover {first} to {last})").format(
            first=f"{coverage.first:%Y-%m-%d}", last=f"{coverage.last:%Y-%m-%d}"
        )
    return _(
        "No forecast after {quarter}: the forecast needs at least {n} complete quarters of "
        "sales; the data up to {quarter} hold {hold}. It can be made from {ready} on, once the "
        "data cover that quarter completely."
    ).format(
        quarter=present.quarter(review.label),
        n=minimum,
        hold=hold,
        ready=present.quarter(calendar.label(ready)),
    )

"""A run part-way through a quarter: which quarter and day it stands on, decided before any load,
and what it files once its tracking report is built.

A run as of a day before the quarter's end tracks the quarter under way (the runner executes the
tracking report only); a tracking run of a quarter whose closed review is already published
files its nowcast in the nowcast ledger and keeps the review.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analysis.core import csv_out
from analysis.core.errors import ParameterError
from analysis.data.config import RunConfig
from analysis.forecasting import nowcast_ledger
from analysis.reports.review import CURRENT, Review, as_of_for, in_quarter
from analysis.run.pages import SUMMARY

log = logging.getLogger(__name__)


def plan(quarter: str, as_of: date | None, config: RunConfig) -> tuple[str, date | None, bool]:
    """The quarter to run (``current`` resolved), the day it stands on, and whether that day is
    before the quarter's end (a quarter under way): known before any data are loaded."""
    if as_of is not None and as_of > date.today():
        raise ParameterError(
            f"--as-of {as_of.isoformat()} is after today ({date.today().isoformat()}); "
            "expected a day whose sales are in the data"
        )
    calendar = config.calendar
    if quarter.strip().lower() == CURRENT:
        as_of = as_of or as_of_for(config)
        period = calendar.period(as_of)
        return calendar.label(period), as_of, in_quarter(period, calendar, as_of)
    if as_of is None or quarter.strip().lower() == "latest":
        return quarter, as_of, False
    try:
        period = calendar.parse(quarter)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    if pd.Timestamp(as_of) < calendar.start(period):
        raise ParameterError(
            f"--as-of {as_of.isoformat()} is before {calendar.label(period)} begins "
            f"({calendar.start(period):%Y-%m-%d}); expected a day in the quarter or after it"
        )
    return quarter, as_of, in_quarter(period, calendar, as_of)


def closed_review(folder: Path) -> bool:
    """Whether ``folder`` holds the review of a closed quarter (not one seen in part)."""
    try:
        return not json.loads((folder / SUMMARY).read_text(encoding="utf-8"))["partial"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def file_nowcast(out: Path, review: Review, nowcast: Path, started: datetime) -> None:
    """The published nowcast into the nowcast ledger, under its quarter and as-of date."""
    rows = csv_out.read_csv(nowcast, dtype={"channel": str})
    if rows.empty:
        return
    book = out / nowcast_ledger.NOWCASTS
    nowcast_ledger.record(book, review.label, review.as_of.isoformat(), rows, started.isoformat())
    log.info("nowcast of %s as of %s recorded in %s", review.label, review.as_of, book.name)

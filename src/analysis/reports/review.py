"""The one context every report of a quarter shares: the data, its calendar, the quarter.

A notebook's first call is :func:`prepare` with its run-owned parameters; the runner builds the
same :class:`Review` from the data it loaded once (:meth:`Review.of`) and hands the notebooks a
snapshot of those data, so every page of a run describes the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.core import i18n
from analysis.core.errors import DataError, ParameterError
from analysis.core.parameters import Parameter
from analysis.core.quarters import FiscalCalendar
from analysis.data import snapshot as snapshots
from analysis.data.config import RunConfig, load_config, sample_config_path
from analysis.data.load import Dataset, load
from analysis.data.series import Coverage, latest_complete_quarter

#: Parameters of every report notebook, all set by the runner in a scheduled run.
COMMON = (
    Parameter(
        "quarter", str, "quarter to review, e.g. 2025Q4, latest, or current", run_owned=True
    ),
    Parameter(
        "config", str, "run configuration (YAML file), or sample for the bundled sample data",
        run_owned=True,
    ),
    Parameter(
        "snapshot", str, "the data the runner loaded and checked; empty: load from config",
        run_owned=True,
    ),
    Parameter(
        "language", str, "language of the report: en, or zh for Simplified Chinese",
        choices=i18n.LANGUAGES, run_owned=True,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Review:
    """Everything a review of one quarter needs: the data, its calendar and the quarter."""

    dataset: Dataset
    calendar: FiscalCalendar
    coverage: Coverage
    quarter: pd.Period

    @classmethod
    def of(cls, dataset: Dataset, quarter: str = "latest") -> Review:
        """The review of ``quarter`` (a label or ``latest``) in ``dataset``."""
        calendar = dataset.config.calendar
        try:
            coverage = Coverage.of(dataset.sales, calendar, dataset.stated_through)
        except ValueError as exc:  # no sales lines at all
            raise DataError(str(exc)) from None
        if quarter.strip().lower() == CURRENT:
            quarter = calendar.label(calendar.period(dataset.as_of or as_of_for(dataset.config)))
        return cls(dataset, calendar, coverage, resolve_quarter(quarter, calendar, coverage))

    @property
    def as_of(self) -> date | None:
        """The day a run part-way through a quarter stands on (None: the data as they are)."""
        return self.dataset.as_of

    @property
    def in_quarter(self) -> bool:
        """Whether the review stands on a day before the quarter's end: a quarter under way."""
        return in_quarter(self.quarter, self.calendar, self.as_of)

    @property
    def label(self) -> str:
        return self.calendar.label(self.quarter)

    @property
    def prior_label(self) -> str:
        return self.calendar.label(self.quarter - 4)

    @property
    def currency(self) -> str:
        return self.dataset.config.currency

    @property
    def partial(self) -> bool:
        return self.coverage.is_partial(self.quarter)

    @property
    def comparable(self) -> bool:
        """Whether the year-earlier quarter is a base for growth: the data cover all of it."""
        return not self.coverage.is_partial(self.quarter - 4)

    def no_comparison(self) -> str:
        """Why there is no change on a year earlier: ``no comparison: 2024Q4 holds only
        2024-12-01 to 12-31`` ('' when the year-earlier quarter is complete)."""
        if self.comparable:
            return ""
        return f"no comparison: {self.coverage.holds_only(self.prior_label, self.quarter - 4)}"

    def shown(self, period: pd.Period) -> str:
        """A quarter's label as tables and charts show it: ``2019Q4 (partial: data from
        2019-12-01)`` when the data cover it in part."""
        marker = self.coverage.marker(period)
        label = self.calendar.label(period)
        return f"{label} ({marker})" if marker else label

    def lines_in(self, period: pd.Period) -> int:
        """How many sales lines are dated in ``period`` (0: the quarter has no sales at all)."""
        return lines_in(self.dataset.sales, self.calendar, period)


def lines_in(sales: pd.DataFrame, calendar: FiscalCalendar, period: pd.Period) -> int:
    """How many of the ``sales`` lines are dated in ``period``."""
    inside = calendar.periods(sales["date"]) == period
    weight = sales.get("lines", 1)  # lines already summed per day carry their count
    return int((inside * weight).sum())


#: ``--quarter current``: the quarter that holds the as-of date.
CURRENT = "current"


def as_of_for(config: RunConfig, today: date | None = None) -> date:
    """The day ``current`` stands on without an as-of date: ``data_through`` when the
    configuration states it, else today."""
    return config.data_through or today or date.today()


def in_quarter(quarter: pd.Period, calendar: FiscalCalendar, as_of: date | None) -> bool:
    """Whether ``as_of`` falls before ``quarter``'s last day: the quarter is under way then."""
    return as_of is not None and pd.Timestamp(as_of) < calendar.end(quarter)


def parse_as_of(text: str) -> date | None:
    """An as-of date as given (``2025-11-15``; empty: none); a :class:`ParameterError` otherwise."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterError(
            f"--as-of: {text.strip()[:40]!r} is not a date; expected YYYY-MM-DD, e.g. 2025-11-15"
        ) from None


def prepare(
    quarter: str = "latest",
    config: str = "sample",
    snapshot: str = "",
    language: str = "en",
    as_of: str = "",
) -> Review:
    """Check the notebook's common parameters, set the language, load the data and fix the
    quarter to review.

    ``quarter`` is a label such as ``2025Q4``, ``latest`` (the latest complete quarter) or
    ``current`` (the one holding the as-of date); ``config`` a YAML run configuration, or
    ``sample`` for the bundled sample data; ``snapshot`` the folder of data the runner already
    loaded (empty in JupyterLab: load from ``config``, cut at ``as_of`` when one is given);
    ``language`` the language every text of the kernel is written in from now on.
    """
    for parameter, value in zip(COMMON, (quarter, config, snapshot, language), strict=True):
        parameter.check(value)
    i18n.use(language)
    path = sample_config_path() if config.strip() in ("", "sample") else Path(config)
    if snapshot:
        dataset = snapshots.read(Path(snapshot), load_config(path))
    else:
        dataset = load(path, as_of=parse_as_of(as_of))
    return Review.of(dataset, quarter)


def resolve_quarter(quarter: str, calendar: FiscalCalendar, coverage: Coverage) -> pd.Period:
    """``latest`` or a label, checked against what the data cover."""
    if quarter.strip().lower() == "latest":
        try:
            return latest_complete_quarter(coverage, calendar)
        except ValueError as exc:
            last = calendar.label(calendar.period(coverage.last))
            raise DataError(
                f"{exc}; name the quarter to review (e.g. {last}) to see it in part"
            ) from None
    try:
        period = calendar.parse(quarter)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    if period.end_time < coverage.first or period.start_time > coverage.last:
        raise ParameterError(
            f"quarter {calendar.label(period)} is outside the sales data "
            f"({coverage.first:%Y-%m-%d} to {coverage.last:%Y-%m-%d})"
        )
    return period

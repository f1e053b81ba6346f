"""Calendar and fiscal quarters: labels, parsing and boundaries.

A fiscal year is named by the calendar year in which it ends (the pandas ``Q-<end month>``
convention): with ``fiscal_year_start_month=4`` the quarter April-June 2025 is ``FY2026Q1``.
Calendar quarters (start month 1) are labelled ``2025Q4``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_LABEL = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[-_ ]?\s*Q([1-4])\s*$", re.IGNORECASE)
_LABEL_QFIRST = re.compile(r"^\s*Q([1-4])\s*[-_ /]?\s*(?:FY\s*)?(\d{4})\s*$", re.IGNORECASE)
_FISCAL_MARK = re.compile(r"FY", re.IGNORECASE)


def names_fiscal_year(label: object) -> bool:
    """Whether a quarter label says it is fiscal (``FY2026Q1``), not open to a calendar reading."""
    return bool(_FISCAL_MARK.search(str(label)))


@dataclass(frozen=True)
class FiscalCalendar:
    """Quarters of a fiscal year that starts in ``start_month`` (1 = calendar year)."""

    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= int(self.start_month) <= 12:
            raise ValueError(f"fiscal_year_start_month must be 1..12, got {self.start_month!r}")

    @property
    def freq(self) -> str:
        """pandas Period frequency, e.g. ``Q-DEC`` for calendar quarters."""
        return f"Q-{_MONTHS[(self.start_month - 2) % 12]}"

    @property
    def ds_freq(self) -> str:
        """Timestamp frequency of quarter starts (``ds`` in long frames), e.g. ``QS-JAN``."""
        return f"QS-{_MONTHS[self.start_month - 1]}"

    @property
    def is_calendar(self) -> bool:
        return self.start_month == 1

    def period(self, when: object) -> pd.Period:
        """The quarter containing a date."""
        return pd.Period(pd.Timestamp(when), freq=self.freq)

    def periods(self, dates: pd.Series) -> pd.Series:
        """Quarter of each date in a datetime Series."""
        return dates.dt.to_period(self.freq)

    def label(self, period: pd.Period) -> str:
        """``2025Q4`` for calendar quarters, ``FY2026Q1`` for fiscal ones."""
        text = f"{period.qyear}Q{period.quarter}"
        return text if self.is_calendar else f"FY{text}"

    def labels(self, periods: pd.Series) -> pd.Series:
        """Vectorised :meth:`label` over a Series of periods."""
        text = periods.dt.qyear.astype(str) + "Q" + periods.dt.quarter.astype(str)
        return text if self.is_calendar else "FY" + text

    def parse(self, label: object) -> pd.Period:
        """Parse ``2025Q4``, ``2025-Q4``, ``FY2026Q1``, ``Q4 2025`` (case and spaces ignored).

        A plain year in a fiscal calendar is read as the fiscal year. Raises ``ValueError``.
        """
        text = str(label)
        match = _LABEL.match(text)
        if match:
            year, quarter = match.groups()
        else:
            match = _LABEL_QFIRST.match(text)
            if not match:
                raise ValueError(
                    f"{label!r} is not a quarter; expected a label such as "
                    f"{'2025Q4' if self.is_calendar else 'FY2026Q1'}"
                )
            quarter, year = match.groups()
        return pd.Period(f"{year}Q{quarter}", freq=self.freq)

    def parse_calendar(self, label: object) -> pd.Period:
        """The quarter of this calendar that is the calendar quarter ``label`` (``2019Q1``:
        January-March 2019; with a year from April that is ``FY2019Q4``). Raises ``ValueError``
        when the label is no quarter, or when calendar quarters do not line up with this
        calendar's (a fiscal year from February)."""
        calendar_quarter = FiscalCalendar().parse(label)
        period = self.period(calendar_quarter.start_time)
        if self.start(period) != calendar_quarter.start_time:
            raise ValueError(
                f"calendar quarter {FiscalCalendar().label(calendar_quarter)} is not one of the "
                f"quarters of a fiscal year that starts in month {self.start_month}"
            )
        return period

    def start(self, period: pd.Period) -> pd.Timestamp:
        return period.start_time.normalize()

    def end(self, period: pd.Period) -> pd.Timestamp:
        """Last calendar day of the quarter (midnight)."""
        return period.end_time.normalize()

"""Sales lines whose date puts them outside what a run describes, set aside with their reason.

Such a line is fine in itself, so it is not rejected by :mod:`analysis.data.validate`; but left
in, it decides what the data cover: one line typed as 2031 makes ``latest`` 2031Q1, one line of
1899 stretches the forecast's history by a century. Three rules, in this order:

1. a line dated after ``data_through`` (the configured last complete day);
2. a line dated after today (the run's date): sales not made yet;
3. a line far from the others. The distinct days are cut into runs wherever two consecutive
   days are more than ``GAP_DAYS`` (400) apart; the run with the most lines is the data. Another
   run is set aside when it holds at most ``STRAY_LINES`` (5) lines or ``STRAY_SHARE`` (0.5 %) of
   the lines, whichever is more, and at most a tenth of the main run's lines.

A run part-way through a quarter (``--as-of``) ignores the lines dated after its as-of date with
the same comparison (:func:`after`), but they are not set aside: they are sales the run does not
know of yet, counted as such, so that replaying a past date gives the numbers of that day.

More than a year and a month between two days with sales is no seasonal pause, so a business
that sells only in summer keeps every line; a restart after a long stop is many lines, so it is
kept; a company with one year of data has one run. Only a handful of lines at a distance goes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

#: Days between two consecutive days with sales beyond which the lines form separate runs.
GAP_DAYS = 400
#: A run apart from the main one is set aside with at most this many lines ...
STRAY_LINES = 5
#: ... or at most this share of all the lines, whichever is more ...
STRAY_SHARE = 0.005
#: ... and when the main run has at least this many times its lines.
MAIN_RATIO = 10


#: How the reasons of this module begin (``date: not a date`` is validation's, not a stray).
_PREFIXES = ("date: after data_through", "date: after today", "date: far from the other lines")


def is_stray(reason: str) -> bool:
    """Whether a reason a line was set aside for is one of this module's."""
    return reason.startswith(_PREFIXES)


def after(dates: pd.Series, day: date) -> np.ndarray:
    """Whether each date lies after ``day`` (dates with a time of day count by their day)."""
    days = pd.to_datetime(dates).dt.normalize().to_numpy(dtype="datetime64[D]")
    return days > np.datetime64(day, "D")


def stray_reasons(
    dates: pd.Series,
    lines: np.ndarray | pd.Series | None = None,
    data_through: date | None = None,
    today: date | None = None,
) -> np.ndarray:
    """For each row of ``dates`` the reason it is set aside (``date: ...``), ``""`` to keep it.

    ``lines`` counts the lines a row stands for (rows summed per day), 1 each by default.
    """
    days = pd.to_datetime(dates).dt.normalize().to_numpy(dtype="datetime64[D]")
    weight = np.ones(len(days), dtype="int64") if lines is None else np.asarray(lines, "int64")
    reasons = np.full(len(days), "", dtype=object)
    for limit, why in ((data_through, "after data_through"), (today, "after today")):
        if limit is not None:
            later = (reasons == "") & after(dates, limit)
            reasons[later] = f"date: {why} {limit.isoformat()}"
    rest = reasons == ""
    far = _far_days(days[rest], weight[rest])
    if far:
        kept = np.setdiff1d(days[rest], np.array(sorted(far), dtype="datetime64[D]"))
        span = f"the rest run {kept.min()} to {kept.max()}"
        for day in far:
            reasons[rest & (days == day)] = f"date: far from the other lines ({day}; {span})"
    return reasons


def _far_days(days: np.ndarray, weight: np.ndarray) -> list[np.datetime64]:
    """The days of the runs that are far from the main one (see the module's rule 3)."""
    if len(days) == 0:
        return []
    distinct, where = np.unique(days, return_inverse=True)
    counts = np.bincount(where, weights=weight)
    run = np.concatenate([[0], np.cumsum(np.diff(distinct) > np.timedelta64(GAP_DAYS, "D"))])
    sizes = np.bincount(run, weights=counts)
    main = len(sizes) - 1 - int(np.argmax(sizes[::-1]))  # ties: the latest run is the data
    small = sizes <= max(STRAY_LINES, STRAY_SHARE * sizes.sum())
    stray = small & (sizes * MAIN_RATIO <= sizes[main])
    stray[main] = False
    return list(distinct[stray[run]])

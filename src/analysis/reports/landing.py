"""How a quarter's landing estimate moved week by week, from the nowcast ledger, and, once the
quarter has closed, how early its miss (or beat) was visible.

Each weekly run files its nowcast (:mod:`analysis.forecasting.nowcast_ledger`); the tracking
page lists the estimates of the total filed for its quarter up to its as-of date, and the closed
quarter's review the same estimates against what was sold. A miss is *visible* from the first
as-of date after which every estimate put the total below its target (a beat: at or above it).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.core.i18n import N_, _
from analysis.forecasting.nowcast_ledger import of_quarter
from analysis.reports import present

#: Column headers of the week-by-week table.
LABELS = {
    "as_of": N_("As of"),
    "actual_to_date": N_("Sold to date"),
    "forecast_total": N_("Expected landing"),
    "lo_80": N_("80 % range from"),
    "hi_80": N_("80 % range to"),
    "target": N_("Target"),
    "probability": N_("Chance of reaching the target"),
}
MONEY = ("actual_to_date", "forecast_total", "lo_80", "hi_80", "target")


def moved(book: pd.DataFrame, quarter: str, upto: date | None = None) -> pd.DataFrame:
    """The total's estimates of ``quarter`` filed up to ``upto`` (every one without), oldest first;
    the table's columns (:data:`LABELS`)."""
    rows = of_quarter(book, quarter)
    if upto is not None:
        rows = rows.loc[rows["as_of"] <= upto.isoformat()]
    return rows[list(LABELS)].reset_index(drop=True)


def with_current(history: pd.DataFrame, nowcast: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``history`` with this run's own estimate of the total (not filed until it is published)
    in place of any filed for the same day."""
    total = nowcast.loc[nowcast["channel"] == "Total"]
    if total.empty:
        return history
    mine = total.assign(as_of=as_of.isoformat())[list(LABELS)]
    kept = history.loc[history["as_of"] != as_of.isoformat()]
    return pd.concat([kept, mine], ignore_index=True).sort_values("as_of", ignore_index=True)


def first_estimate(history: pd.DataFrame) -> str:
    """What the page says while fewer than two estimates of the quarter are filed."""
    if history.empty:
        return _("No landing estimate is made yet, so there is nothing to follow week by week.")
    return _(
        "This is the first landing estimate of the quarter; each weekly run adds its own, and "
        "this section then shows how the estimate moved."
    )


def visible(history: pd.DataFrame, actual: float, target: float, end: date) -> str:
    """How early the closed quarter's outcome (``actual`` against ``target``) was visible, in
    words; '' when no estimate was filed for the quarter."""
    rows = history.dropna(subset=["forecast_total"])
    if rows.empty or not np.isfinite(target):
        return ""
    missed = actual < target
    right = (rows["forecast_total"] < target) == missed
    wrong = np.flatnonzero(~right.to_numpy())
    first = int(wrong[-1]) + 1 if len(wrong) else 0
    n = len(rows)
    if first >= n:
        text = (
            _("The quarter missed its target, which the last weekly estimate did not show.")
            if missed
            else _("The quarter reached its target, which the last weekly estimate did not show.")
        )
        return text
    day = date.fromisoformat(rows["as_of"].iloc[first])
    text = (
        _(
            "The quarter missed its target; every weekly estimate from {day} on, {days} days "
            "before the quarter closed, put it below ({right} of {n} estimates in all)."
        )
        if missed
        else _(
            "The quarter reached its target; every weekly estimate from {day} on, {days} days "
            "before the quarter closed, put it there ({right} of {n} estimates in all)."
        )
    )
    return text.format(day=day.isoformat(), days=(end - day).days, right=int(right.sum()), n=n)


def table(history: pd.DataFrame, currency: str):
    """The week-by-week estimates as an escaped report table."""
    return present.table(
        history,
        currency,
        money_columns=list(MONEY),
        percent_columns=["probability"],
        labels={k: _(v) for k, v in LABELS.items()},
    )

"""How a quarter's landing estimate moved week by week, from the nowcast ledger, and, once the
quarter has closed, how early its miss (or beat) was visible.

Each weekly run files its nowcast (:mod:`analysis.forecasting.nowcast_ledger`); one row per run
sums it up: the total's sales to date, landing estimate and 80 % range, and the landing of the
targeted channels (their estimates added up: the channels add up to the total) against their
target, so that sales without a target never count against one. A miss is *visible* from the
first run after which every estimate of the targeted channels stayed below the target (a beat:
at or above it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.i18n import N_, _
from analysis.forecasting import nowcast_ledger
from analysis.forecasting.nowcast_ledger import ESTIMATE
from analysis.reports import present
from analysis.reports.review import Review
from analysis.targets.to_date import to_date

TOTAL = "Total"
#: Column headers of the week-by-week table.
LABELS = {
    "as_of": N_("As of"),
    "actual_to_date": N_("Sold to date"),
    "forecast_total": N_("Expected landing, all channels"),
    "lo_80": N_("80 % range from"),
    "hi_80": N_("80 % range to"),
    "targeted": N_("Expected landing, targeted channels"),
    "target": N_("Their target"),
}
#: The title of the closed quarter's chart of its weekly estimates.
TITLE = N_("{quarter}: the weekly landing estimates")
MONEY = ("actual_to_date", "forecast_total", "lo_80", "hi_80", "targeted", "target")


def moved(book: pd.DataFrame, quarter: str, upto: date | None = None) -> pd.DataFrame:
    """One row per run filed for ``quarter`` (up to ``upto``; every one without), oldest first,
    with the columns of :data:`LABELS`."""
    rows = book.loc[book["quarter"] == quarter]
    if upto is not None:
        rows = rows.loc[rows["as_of"] <= upto.isoformat()]
    summed = [_summed(run, day) for day, run in rows.groupby("as_of", sort=True)]
    return pd.DataFrame(summed, columns=list(LABELS))


def with_current(history: pd.DataFrame, nowcast: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``history`` with this run's own estimate (not filed until it is published) in place of
    any filed for the same day."""
    mine = pd.DataFrame([_summed(nowcast, as_of.isoformat())], columns=list(LABELS))
    kept = history.loc[history["as_of"] != as_of.isoformat()]
    if kept.empty:
        return mine
    return pd.concat([kept, mine], ignore_index=True).sort_values("as_of", ignore_index=True)


def _summed(run: pd.DataFrame, day: str) -> dict[str, object]:
    """One run's nowcast (``nowcast.csv``'s rows) as one row of the week-by-week table."""
    run = run.reindex(columns=list(ESTIMATE))
    total = run.loc[run["channel"] == TOTAL]
    targeted = run.loc[(run["channel"] != TOTAL) & run["target"].notna()]
    row = total.iloc[0] if len(total) else pd.Series(np.nan, index=run.columns)
    return {
        "as_of": day,
        **{c: row[c] for c in ("actual_to_date", "forecast_total", "lo_80", "hi_80")},
        "targeted": round(float(targeted["forecast_total"].sum()), 2) if len(targeted) else np.nan,
        "target": round(float(targeted["target"].sum()), 2) if len(targeted) else np.nan,
    }


def first_estimate(history: pd.DataFrame) -> str:
    """What the page says while fewer than two estimates of the quarter are filed."""
    if history.empty:
        return _("No landing estimate is made yet, so there is nothing to follow week by week.")
    return _(
        "This is the first landing estimate of the quarter; each weekly run adds its own, and "
        "this section then shows how the estimate moved."
    )


def visible(history: pd.DataFrame, actual: float, target: float, end: date) -> str:
    """How early the closed quarter's outcome (the targeted channels' ``actual`` against their
    ``target``) was visible in the weekly estimates, in words; '' without any."""
    rows = history.dropna(subset=["targeted"])
    if rows.empty or not np.isfinite(target):
        return ""
    missed = actual < target
    right = ((rows["targeted"] < target) == missed).to_numpy()
    wrong = np.flatnonzero(~right)
    first = int(wrong[-1]) + 1 if len(wrong) else 0
    if first >= len(rows):
        if missed:
            return _("The quarter missed its target, which the last weekly estimate did not show.")
        return _("The quarter reached its target, which the last weekly estimate did not show.")
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
    return text.format(
        day=day.isoformat(), days=(end - day).days, right=int(right.sum()), n=len(rows)
    )


def closed(review: Review, book: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The closed quarter's weekly landing estimates and how early its outcome was visible in
    them (``visible``); the sentence says why there is nothing to show otherwise."""
    history = moved(book, review.label)
    if review.in_quarter or review.partial:
        return history.iloc[:0], ""
    if history.empty:
        return history, _(
            "No landing estimates were filed while {quarter} was under way; weekly runs as of a "
            "day in the quarter (--as-of, or --quarter current) file them."
        ).format(quarter=review.label)
    end = review.calendar.end(review.quarter).date()
    closing = to_date(
        review.dataset.sales, review.dataset.targets, review.calendar, review.coverage,
        review.quarter, end,
    ).channels  # fmt: skip
    aimed = closing.loc[closing["has_target"]]
    if aimed.empty:
        return history, ""
    actual, target = aimed["actual"].sum() / 100, aimed["target"].sum() / 100
    return history, visible(history, float(actual), float(target), end)


def read(path: str) -> pd.DataFrame:
    """The nowcast ledger a notebook is given (its path, empty for none)."""
    return nowcast_ledger.read(Path(path) if path else None)


def table(history: pd.DataFrame, currency: str):
    """The week-by-week estimates as an escaped report table."""
    return present.table(
        history,
        currency,
        money_columns=list(MONEY),
        labels={k: _(v) for k, v in LABELS.items()},
    )

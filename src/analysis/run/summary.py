"""``summary.json``: a published quarter's figures in numbers, read by the index of all quarters.

The quarter's own figures come from :func:`analysis.reports.overview.summary`; ``next_quarter``
from the forecast report's ``forecast.csv`` (the total, one quarter ahead) and the targets set for
that quarter: ``{quarter, forecast, lo_80, hi_80, target, probability}``, with ``target`` and
``probability`` (of reaching it) None when no target is set, and the whole None when the run made
no forecast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.core.csv_out import read_csv
from analysis.forecasting.odds import probability_at_least
from analysis.reports.review import Review
from analysis.targets.selection import targets_for

_BOUNDS = ("lo_", "hi_")  # forecast.csv spells the interval columns lo_80, odds reads lo-80


def next_quarter(review: Review, forecast_csv: Path) -> dict[str, object] | None:
    """The total forecast one quarter after the review, its 80 % interval and target odds."""
    if not forecast_csv.is_file():
        return None
    rows = read_csv(forecast_csv)
    rows = rows.loc[(rows["level"] == "total") & (rows["horizon"] == 1)]
    if rows.empty or "lo_80" not in rows.columns:
        return None
    row = rows.iloc[:1].rename(columns=lambda c: c.replace("_", "-", 1) if c[:3] in _BOUNDS else c)
    period = review.quarter + 1
    goal = targets_for(review.dataset.targets, review.calendar, [period])
    target = float(goal["cents"].sum()) / 100 if len(goal) else None
    chance = None
    if target is not None:
        chance = float(probability_at_least(row, [target])[0])
        chance = None if np.isnan(chance) else chance
    first = row.iloc[0]
    return {
        "quarter": review.calendar.label(period),
        "forecast": float(first["mean"]),
        "lo_80": float(first["lo-80"]),
        "hi_80": float(first["hi-80"]),
        "target": target,
        "probability": chance,
    }

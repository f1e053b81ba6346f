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
from analysis.data.series import quarterly
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


#: The effects that can be a miss's main cause (sales without a target are never one).
CAUSES = ("volume", "product_mix", "price", "returns", "growth_asked")


def biggest_miss(target_miss_csv: Path) -> dict[str, object] | None:
    """The targeted channel furthest below its target, from ``target_miss.csv``: ``{channel,
    target, actual, gap, attainment, cause, cause_amount, segment, segment_gap}`` (``cause`` the
    effect pulling hardest the gap's way, ``segment`` the drill-down segment (of any dimension)
    with the largest part of the gap), or None when no channel missed."""
    if not target_miss_csv.is_file():
        return None
    rows = read_csv(target_miss_csv, dtype={"channel": str, "segment": str, "dimension": str})
    channels = rows.loc[rows["level"] == "channel"].pivot_table(
        index="channel", columns="measure", values="value", aggfunc="sum"
    )
    if "target" not in channels or "gap" not in channels:
        return None
    missed = channels.loc[(channels["target"] > 0) & (channels["gap"] < 0)]
    if missed.empty:
        return None
    channel = missed["gap"].idxmin()
    row = missed.loc[channel]
    causes = {c: float(row[c]) for c in CAUSES if c in row and row[c] < 0}
    cause = min(causes, key=causes.get) if causes else None
    segments = rows.loc[
        (rows["level"] == "segment") & (rows["channel"] == channel) & (rows["measure"] == "gap")
    ]
    # a segment holding the whole gap (the channel's only region) says nothing
    segments = segments.loc[(segments["value"] < 0) & (segments["value"] > row["gap"])]
    worst = segments.loc[segments["value"].idxmin()] if len(segments) else None
    return {
        "channel": channel,
        "target": float(row["target"]),
        "actual": float(row["actual"]),
        "gap": float(row["gap"]),
        "attainment": float(row["actual"]) / float(row["target"]),
        "cause": cause,
        "cause_amount": causes.get(cause) if cause else None,
        "segment": None if worst is None else str(worst["segment"]),
        "segment_gap": None if worst is None else float(worst["value"]),
    }


def trend(review: Review, quarters: int = 8) -> list[dict[str, object]]:
    """Revenue of the ``quarters`` quarters up to the reviewed one, for the landing page's chart:
    ``{quarter, revenue, partial}`` each, oldest first."""
    series = quarterly(review.dataset.sales, review.calendar, coverage=review.coverage)
    periods = series["ds"].dt.to_period(review.calendar.freq)
    window = series.loc[(periods > review.quarter - quarters) & (periods <= review.quarter)]
    return [
        {
            "quarter": review.calendar.label(period),
            "revenue": float(revenue),
            "partial": review.coverage.is_partial(period),
        }
        for period, revenue in zip(periods.loc[window.index], window["y"], strict=True)
    ]

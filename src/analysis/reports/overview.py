"""The quarterly overview: a quarter's revenue by channel and product line against a year earlier.

Pure functions of a :class:`~analysis.reports.review.Review`, so that the notebook only displays.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.series import quarterly
from analysis.reports import present
from analysis.reports.review import COMMON, Review
from analysis.targets.attainment import attainment

#: The overview notebook's parameters.
PARAMETERS = COMMON


def revenue_by(review: Review, by: str) -> pd.DataFrame:
    """This quarter against the same quarter a year earlier, per value of ``by``, with a total row.

    Columns: ``<by>, revenue, prior, change, change_pct, share``; ``prior`` is NaN for values
    that did not sell a year earlier, and the total row is labelled ``Total``.
    """
    series = quarterly(review.dataset.sales, review.calendar, by=[by], coverage=review.coverage)
    now = series.loc[series["quarter"] == review.label].set_index(by)["y"]
    before = series.loc[series["quarter"] == review.prior_label].set_index(by)["y"]
    frame = pd.DataFrame({"revenue": now, "prior": before}).fillna({"revenue": 0.0})
    frame = frame.sort_values("revenue", ascending=False)
    total = pd.DataFrame(
        {
            # sums of cent amounts, rounded back to cents: every table of a quarter agrees exactly
            "revenue": [round(frame["revenue"].sum(), 2)],
            "prior": [round(before.sum(), 2) if len(before) else float("nan")],
        },
        index=pd.Index(["Total"], name=by),
    )
    frame = pd.concat([frame, total])
    frame["change"] = frame["revenue"] - frame["prior"]
    frame["change_pct"] = frame["change"] / frame["prior"].where(frame["prior"] > 0)
    frame["share"] = (
        frame["revenue"] / total["revenue"].iloc[0] if total["revenue"].iloc[0] else float("nan")
    )
    return frame.rename_axis(by).reset_index()


def comparison_labels(review: Review, by: str) -> dict[str, str]:
    """Column headings of :func:`revenue_by` for the reader."""
    return {
        by: by.replace("_", " ").capitalize(),
        "revenue": review.label,
        "prior": review.prior_label,
        "change": "Change",
        "change_pct": "Change %",
        "share": f"Share of {review.label}",
    }


#: Segments a trend chart shows by name; the smaller ones are summed as "Other".
TOP_SEGMENTS = 8


def trend(review: Review, by: str, quarters: int = 12, top: int = TOP_SEGMENTS) -> pd.DataFrame:
    """Revenue of the ``quarters`` quarters up to the reviewed one: quarters x values of ``by``,
    largest first; beyond ``top`` values the rest are one column, ``Other (n)``."""
    series = quarterly(review.dataset.sales, review.calendar, by=[by], coverage=review.coverage)
    first = review.quarter - (quarters - 1)
    periods = series["ds"].dt.to_period(review.calendar.freq)
    window = series.loc[(periods >= first) & (periods <= review.quarter)]
    wide = window.pivot_table(
        index="quarter", columns=by, values="y", aggfunc="sum", fill_value=0.0
    )
    order = wide.sum().sort_values(ascending=False).index
    wide = wide[order]
    if len(order) > top:
        rest = order[top - 1 :]
        wide = wide[order[: top - 1]].assign(**{f"Other ({len(rest)})": wide[rest].sum(axis=1)})
    return wide


def headline(review: Review, table: pd.DataFrame | None = None) -> str:
    """Plain sentences: the quarter's revenue, its change on a year earlier, the biggest mover.

    ``table`` is :func:`revenue_by` of channels when the caller has it already.
    """
    table = revenue_by(review, "channel") if table is None else table
    total = table.iloc[-1]
    cur = review.currency
    text = f"Revenue in {review.label} was {present.money(total['revenue'], cur, short=True)}"
    if pd.notna(total["prior"]):
        direction = "up" if total["change"] >= 0 else "down"
        text += (
            f", {direction} {present.percent(abs(total['change_pct']))} on {review.prior_label} "
            f"({present.money(total['prior'], cur, short=True)})."
        )
    else:
        text += f"; there are no sales in {review.prior_label} to compare with."
    movers = table.iloc[:-1].dropna(subset=["change"])
    if not movers.empty:
        top = movers.loc[movers["change"].abs().idxmax()]
        verb = "added" if top["change"] >= 0 else "lost"
        text += (
            f" The largest change came from {top['channel']}, which {verb} "
            f"{present.money(abs(top['change']), cur, short=True)}."
        )
    if review.partial:
        text += (
            f" Note: {review.label} is partial — the data end on {review.coverage.last:%Y-%m-%d},"
            " before the quarter does, so the comparison understates it."
        )
    return text


def summary(review: Review) -> dict[str, str]:
    """Headline figures of the quarter for the index of all reports (already formatted)."""
    table = revenue_by(review, "channel")
    total = table.iloc[-1]
    figures = {
        "quarter": review.label,
        "revenue": present.money(total["revenue"], review.currency, short=True),
        "change": present.percent(total["change_pct"], signed=True),
        "attainment": "–",
        "headline": headline(review, table),
    }
    if review.dataset.targets is not None:
        # the target report's own figure: attainment of the total row
        total_row = attainment(
            review.dataset.sales,
            review.dataset.targets,
            review.quarter,
            calendar=review.calendar,
            coverage=review.coverage,
        ).table.iloc[-1]
        if pd.notna(total_row["attainment"]):
            figures["attainment"] = present.percent(total_row["attainment"])
    if review.partial:
        figures["revenue"] += " (partial)"
    return figures

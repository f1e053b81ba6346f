"""The quarterly overview: a quarter's revenue by channel and product line against a year earlier.

Pure functions of a loaded :class:`~analysis.data.load.Dataset`, so that the notebook only displays.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.reports import present
from analysis.core.errors import DataError, ParameterError
from analysis.data.load import Dataset, load
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage, latest_complete_quarter, quarterly


@dataclass(frozen=True)
class Review:
    """Everything a review of one quarter needs: the data, its calendar and the quarter."""

    dataset: Dataset
    calendar: FiscalCalendar
    coverage: Coverage
    quarter: pd.Period

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


def prepare(quarter: str = "latest", config: str = "sample") -> Review:
    """Check the notebook parameters, load the data and fix the quarter to review.

    ``quarter`` is a label such as ``2025Q4`` or ``latest`` (the latest complete quarter);
    ``config`` a YAML run configuration, or ``sample`` for the bundled sample data.
    """
    if not isinstance(quarter, str):
        raise ParameterError(f"quarter must be a string such as '2025Q4', got {quarter!r}")
    if not isinstance(config, str):
        raise ParameterError(f"config must be a path string, got {config!r}")
    dataset = load(None if config.strip() in ("", "sample") else config)
    calendar = dataset.config.calendar
    coverage = Coverage.of(dataset.sales, dataset.config.calendar, dataset.config.data_through)
    period = resolve_quarter(quarter, calendar, coverage)
    return Review(dataset=dataset, calendar=calendar, coverage=coverage, quarter=period)


def resolve_quarter(quarter: str, calendar: FiscalCalendar, coverage: Coverage) -> pd.Period:
    """``latest`` or a label, checked against what the data cover."""
    if quarter.strip().lower() == "latest":
        try:
            return latest_complete_quarter(coverage, calendar)
        except ValueError as exc:
            raise DataError(str(exc)) from None
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
    targets = review.dataset.targets
    if targets is not None:
        target = targets.loc[targets["quarter"] == review.label, "target_revenue"].sum()
        if target > 0:
            figures["attainment"] = present.percent(total["revenue"] / target)
    if review.partial:
        figures["revenue"] += " (partial)"
    return figures

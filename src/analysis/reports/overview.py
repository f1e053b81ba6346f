"""The quarterly overview: a quarter's revenue by channel and product line against a year earlier.

Pure functions of a :class:`~analysis.reports.review.Review`, so that the notebook only displays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.i18n import _
from analysis.data.series import quarterly
from analysis.reports import present
from analysis.reports.charts import TOP
from analysis.reports.review import COMMON, Review
from analysis.reports.tables import DIMENSIONS
from analysis.targets.attainment import attainment

#: The overview notebook's parameters.
PARAMETERS = COMMON


def revenue_by(review: Review, by: str) -> pd.DataFrame:
    """This quarter against the same quarter a year earlier, per value of ``by``, with a total row.

    Columns: ``<by>, revenue, prior, change, change_pct, share``; ``prior`` is NaN for values
    that did not sell a year earlier, and the total row is labelled ``Total``. A year-earlier
    quarter the data cover only in part is no base: its revenue is shown, the changes are NaN.
    """
    series = quarterly(review.dataset.sales, review.calendar, by=[by], coverage=review.coverage)
    now = series.loc[series["quarter"] == review.label].set_index(by)["y"]
    before = series.loc[series["quarter"] == review.prior_label].set_index(by)["y"]
    frame = pd.DataFrame({"revenue": now, "prior": before}).fillna({"revenue": 0.0})
    frame = frame.sort_values("revenue", ascending=False)
    total = pd.DataFrame(
        {
            # the quarter's total rounded once, which the rows add up to: every table agrees
            "revenue": [round(frame["revenue"].sum(), 2)],
            "prior": [round(before.sum(), 2) if len(before) else float("nan")],
        },
        index=pd.Index(["Total"], name=by),
    )
    frame = pd.concat([frame, total])
    frame["change"] = frame["revenue"] - frame["prior"]
    frame["change_pct"] = frame["change"] / frame["prior"].where(frame["prior"] > 0)
    if not review.comparable:
        frame[["change", "change_pct"]] = float("nan")
    frame["share"] = (
        frame["revenue"] / total["revenue"].iloc[0] if total["revenue"].iloc[0] else float("nan")
    )
    return frame.rename_axis(by).reset_index()


def shown_rows(table: pd.DataFrame, by: str, top: int = TOP) -> pd.DataFrame:
    """:func:`revenue_by` as a page shows it: the ``top - 1`` largest by name and the rest as one
    ``Other (n)`` row when there are more than ``top``, then the total (the CSV-like full table
    stays the notebook's check)."""
    rows, total = table.iloc[:-1], table.iloc[-1:]
    if len(rows) <= top:
        return table
    rest = rows.iloc[top - 1 :]
    other = {
        by: _("Other ({n})").format(n=len(rest)),
        "revenue": rest["revenue"].sum(),
        "prior": rest["prior"].sum(min_count=1),
        "change": rest["change"].sum(min_count=1),
        "share": rest["share"].sum(),
    }
    prior = other["prior"]
    other["change_pct"] = other["change"] / prior if pd.notna(prior) and prior > 0 else np.nan
    return pd.concat([rows.iloc[: top - 1], pd.DataFrame([other]), total], ignore_index=True)


def comparison_labels(review: Review, by: str) -> dict[str, str]:
    """Column headings of :func:`revenue_by` for the reader."""
    return {
        by: _(DIMENSIONS.get(by, by)),
        "revenue": review.shown(review.quarter),
        "prior": review.shown(review.quarter - 4),
        "change": _("Change"),
        "change_pct": _("Change %"),
        "share": _("Share of {quarter}").format(quarter=review.label),
    }


def missing_labels(review: Review) -> dict[str, str]:
    """What an empty change cell of :func:`revenue_by` means: ``no comparison`` when the
    year-earlier quarter is missing or partial (else the table's dash: a value new since)."""
    if review.comparable:
        return {}
    return {"change": _("no comparison"), "change_pct": _("no comparison")}


#: Segments a trend chart shows by name; the smaller ones are summed as "Other".
TOP_SEGMENTS = 8


def trend(review: Review, by: str, quarters: int = 12, top: int = TOP_SEGMENTS) -> pd.DataFrame:
    """Revenue of the ``quarters`` quarters up to the reviewed one: quarters x values of ``by``,
    largest first; beyond ``top`` values the rest are one column, ``Other (n)``. Quarters the data
    cover in part are listed in ``attrs["partial"]`` (``{"2019Q4": "data from 2019-12-29"}``),
    which the chart marks."""
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
        other = _("Other ({n})").format(n=len(rest))
        wide = wide[order[: top - 1]].assign(**{other: wide[rest].sum(axis=1)})
    partial = {
        review.calendar.label(p): review.coverage.extent(p)
        for p in periods.loc[window.index].unique()
        if review.coverage.is_partial(p)
    }
    wide.attrs["partial"] = partial
    return wide


def headline(review: Review, table: pd.DataFrame | None = None) -> str:
    """Plain sentences: the quarter's revenue, its change on a year earlier, the biggest mover.

    ``table`` is :func:`revenue_by` of channels when the caller has it already. A quarter without
    a single sales line says so first; a missing or partial year-earlier quarter is named.
    """
    table = revenue_by(review, "channel") if table is None else table
    total = table.iloc[-1]
    cur = review.currency
    if not review.lines_in(review.quarter):
        return _no_sales(review, total)
    text = _("Revenue in {quarter} was {revenue}").format(
        quarter=present.quarter(review.label),
        revenue=present.money(total["revenue"], cur, short=True),
    )
    text += _comparison(review, total)
    movers = table.iloc[:-1].dropna(subset=["change"])
    movers = movers.loc[movers["change"] != 0]
    if not movers.empty:
        top = movers.loc[movers["change"].abs().idxmax()]
        sentence = (
            _(" The largest change came from {channel}, which added {amount}.")
            if top["change"] >= 0
            else _(" The largest change came from {channel}, which lost {amount}.")
        )
        text += sentence.format(
            channel=top["channel"], amount=present.money(abs(top["change"]), cur, short=True)
        )
    return text + _partial_notes(review)


def _comparison(review: Review, total: pd.Series) -> str:
    """The rest of the first sentence: the change on a year earlier, or why there is none."""
    cur, prior = review.currency, present.quarter(review.prior_label)
    if review.coverage.held(review.quarter - 4) is None:
        return _(
            "; there is no year-earlier quarter ({prior}) to compare with: the sales data begin "
            "on {first}."
        ).format(prior=prior, first=f"{review.coverage.first:%Y-%m-%d}")
    if not review.comparable:
        return _(" ({reason}).").format(reason=review.no_comparison())
    amount = present.money(total["prior"], cur, short=True)
    if total["prior"] > 0:
        change = present.percent(abs(total["change_pct"]))
        sentence = (
            _(", up {change} on {prior} ({amount}).")
            if total["change"] >= 0
            else _(", down {change} on {prior} ({amount}).")
        )
        return sentence.format(change=change, prior=prior, amount=amount)
    if not review.lines_in(review.quarter - 4):
        return _("; there were no sales in {prior} to compare with.").format(prior=prior)
    return _(", against {amount} in {prior}.").format(amount=amount, prior=prior)


def _no_sales(review: Review, total: pd.Series) -> str:
    """The headline of a quarter without a single sales line: a warning before any figure."""
    first, last = review.coverage.first, review.coverage.last
    sold = review.dataset.sales["date"].max()
    if review.dataset.config.data_through is not None and sold < review.quarter.start_time:
        cover = _(
            "although data_through in the configuration states the sales data complete to "
            "{last} (the last sale is dated {sold})"
        ).format(last=f"{last:%Y-%m-%d}", sold=f"{sold:%Y-%m-%d}")
    else:
        cover = _("although the sales data cover {first} to {last}").format(
            first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}"
        )
    text = _(
        "No sales are recorded in {quarter}: not one sales line is dated in the quarter, "
        "{cover}; check that the source holds the whole quarter before reading its revenue as "
        "{zero}."
    ).format(
        quarter=present.quarter(review.label), cover=cover, zero=present.money(0, review.currency)
    )
    if review.coverage.held(review.quarter - 4) is None:
        text += _(" There is no year-earlier quarter ({prior}) to compare with.").format(
            prior=present.quarter(review.prior_label)
        )
    elif pd.notna(total["prior"]) and total["prior"] != 0:
        prior = present.money(total["prior"], review.currency, short=True)
        text += _(" A year earlier, in {quarter}, revenue was {amount}.").format(
            quarter=review.shown(review.quarter - 4), amount=prior
        )
    return text + _partial_notes(review)


def _partial_notes(review: Review) -> str:
    """Notes on a reviewed quarter the data cover only in part."""
    first, last = review.coverage.first, review.coverage.last
    if not review.partial:
        return ""
    quarter = present.quarter(review.label)
    starts_late = review.quarter.start_time < first
    ends_early = review.quarter.end_time.normalize() > last
    if starts_late and ends_early:
        span = f"{first:%Y-%m-%d}"
        if last > first:
            span = _("{first} to {last}").format(first=span, last=f"{last:%Y-%m-%d}")
        return _(
            " Note: {quarter} is partial — the data cover only {span} of it, so the figures "
            "understate it."
        ).format(quarter=quarter, span=span)
    if starts_late:
        return _(
            " Note: {quarter} is partial — the data begin on {first}, after the quarter does, so "
            "the figures understate it."
        ).format(quarter=quarter, first=f"{first:%Y-%m-%d}")
    return _(
        " Note: {quarter} is partial — the data end on {last}, before the quarter does, so the "
        "comparison understates it."
    ).format(quarter=quarter, last=f"{last:%Y-%m-%d}")


def check_totals(by_channel: pd.DataFrame, by_line: pd.DataFrame) -> None:
    """The Total rows of :func:`revenue_by` of channels and of product lines describe the same
    revenue, this quarter and a year earlier (both missing counts as the same); an
    ``AssertionError`` names the figure that differs."""
    for column in ("revenue", "prior"):
        a, b = by_channel.iloc[-1][column], by_line.iloc[-1][column]
        # NaN == NaN is False: missing in both tables is the same figure
        if (pd.isna(a) and pd.isna(b)) or a == b:
            continue
        raise AssertionError(
            f"the total {column} differs between the channel table ({a}) and the product-line "
            f"table ({b})"
        )


def summary(review: Review) -> dict[str, object]:
    """Headline figures of the quarter for the index of all reports, in numbers.

    ``revenue``, ``revenue_prior`` (None without a year-earlier quarter) and ``change`` (revenue /
    revenue_prior - 1, a fraction; None without a positive prior); ``target`` (None without one),
    ``targeted_revenue`` (the sales the targets cover), ``untargeted_revenue`` and ``attainment``
    (targeted_revenue / target, the target report's own figure); ``partial``; the same formatted
    for a reader under ``text``. ``next_quarter`` is left to the run (the forecast's).
    """
    table = revenue_by(review, "channel")
    total = table.iloc[-1]
    cur = review.currency
    figures: dict[str, object] = {
        "quarter": review.label,
        "currency": cur,
        "revenue": _number(total["revenue"]),
        "revenue_prior": _number(total["prior"]),
        "change": _number(total["change_pct"]),
        "target": None,
        "targeted_revenue": None,
        "untargeted_revenue": _number(total["revenue"]),
        "attainment": None,
        "partial": bool(review.partial),
        "next_quarter": None,
    }
    if review.dataset.targets is not None:
        total_row = attainment(
            review.dataset.sales,
            review.dataset.targets,
            review.quarter,
            calendar=review.calendar,
            coverage=review.coverage,
        ).row()
        if total_row["has_target"]:
            figures["target"] = _number(total_row["target"])
            figures["targeted_revenue"] = _number(total_row["targeted"])
            figures["untargeted_revenue"] = _number(total_row["untargeted"])
            figures["attainment"] = _number(total_row["attainment"])
    revenue = present.money(total["revenue"], cur, short=True)
    if not review.lines_in(review.quarter):
        revenue += _(" (no sales)")
    elif review.partial:
        revenue += _(" (partial)")
    attained = figures["attainment"]
    figures["text"] = {
        "revenue": revenue,
        "change": present.percent(total["change_pct"], signed=True),
        "attainment": "–" if attained is None else present.percent(attained),
        "headline": headline(review, table),
    }
    return figures


def _number(value: object) -> float | None:
    """A figure for JSON: a float, or None where there is none (NaN, NA)."""
    return None if pd.isna(value) else float(value)

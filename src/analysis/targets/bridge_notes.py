"""The bridge's words: notes on what its numbers rest on, and the rule it states for the report.

Split from ``analysis.targets.bridge`` so that the sentences a reader sees are apart from the
arithmetic they describe.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage
from analysis.targets.bridge_baseline import RETURN_QUARTERS


def notes_for(
    ch: pd.DataFrame,
    split: pd.Series,
    mode: str,
    calendar: FiscalCalendar,
    coverage: Coverage,
    period: pd.Period,
    window: list[pd.Period],
) -> list[str]:
    """The caveats of one quarter's bridge: partial quarters, a short return window, fallbacks."""
    label, prior = calendar.label(period), period - 4
    prior_label = calendar.label(prior)
    notes = []
    if coverage.is_partial(period):
        notes.append(
            f"{label} is partial ({coverage.extent(period)}): the actual is not a full quarter, "
            "so the effects overstate the miss."
        )
    no_baseline = coverage.held(prior) is None
    if no_baseline:
        notes.append(
            f"There are no sales data for {prior_label}: "
            + (
                "the bridge starts from zero."
                if mode == "prior_year"
                else "product lines are split by this quarter's shares."
            )
        )
    elif coverage.is_partial(prior):
        held = coverage.holds_only(prior_label, prior)
        compared = ch.index[ch["reference"] == "prior_year"]
        if mode == "prior_year":
            notes.append(f"The baseline is partial: {held}, so the bridge compares with that part.")
        elif len(compared):
            names = ", ".join(map(str, compared))
            notes.append(f"The baseline is partial: {held}; {names} are compared with that part.")
        targeted = split.reindex(ch.index[ch["reference"] == "target"])
        if (targeted == "prior_year").any():
            notes.append(
                f"The baseline is partial: {held}, so the target's split over product lines "
                "rests on that part only."
            )
    notes += _return_window_note(calendar, coverage, label, window)
    fallback = ch.index[(ch["reference"] == "prior_year") & ch["has_target"]]
    if mode == "target" and len(fallback):
        notes.append(
            f"Target without units, compared with {prior_label} instead: "
            + ", ".join(map(str, fallback))
        )
    current = split.index[split == "current"]
    if len(current) and not no_baseline:
        notes.append(
            f"No sales in {prior_label}, target split by this quarter's shares: "
            + ", ".join(map(str, current))
        )
    unsplit = split.index[split == "unsplit"]
    if len(unsplit):
        notes.append("No sales to split the target over: " + ", ".join(map(str, unsplit)))
    return notes


def _return_window_note(
    calendar: FiscalCalendar, coverage: Coverage, label: str, window: list[pd.Period]
) -> list[str]:
    """Why expected returns rest on fewer than the four quarters before the reviewed one."""
    if not window:
        return [
            f"There are no sales data in the {RETURN_QUARTERS} quarters before {label}: expected "
            "returns are 0."
        ]
    if len(window) == RETURN_QUARTERS and not coverage.is_partial(window[0], window[-1]):
        return []
    text = f"Expected returns are at the return rate of {_span(calendar, window)}"
    if len(window) < RETURN_QUARTERS:
        text += f" only, not of the {RETURN_QUARTERS} quarters before {label}"
    return [f"{text}: the data begin on {coverage.first:%Y-%m-%d}."]


def _span(calendar: FiscalCalendar, window: list[pd.Period]) -> str:
    first, last = calendar.label(window[0]), calendar.label(window[-1])
    return first if first == last else f"{first} to {last}"


def rule_for(
    mode: str, calendar: FiscalCalendar, period: pd.Period, window: list[pd.Period], noun: str
) -> str:
    """The bridge's convention in words, for the report."""
    prior_label = calendar.label(period - 4)
    if not window:
        rate = "a rate of 0 (there are no sales data before the quarter)"
    else:
        rate = f"each channel's return rate over {_span(calendar, window)}"
        if len(window) == RETURN_QUARTERS:
            rate += f", the {RETURN_QUARTERS} quarters before {calendar.label(period)}"
        else:
            rate += f", the quarters before {calendar.label(period)} that the data reach"
        rate += " (returns ÷ gross sales, summed over them)"
    common = (
        f"Volume = (units − reference units) × reference average price; product mix = Σ over "
        f"{noun}s (units of the {noun} − units × its reference share) × its reference price; "
        "price = Σ (revenue − units × reference price). Units, revenue and prices are gross "
        "(returns are their own effect: actual returns − expected returns). "
        f"A {noun} without reference units is valued at its actual price (it shows as mix). "
        "At company level volume is priced at the company's reference average price and channel "
        "mix is the difference between the channels' volumes and the company's. Amounts are "
        "rounded to cents; in each channel price absorbs the rounding residual, in the total "
        "channel mix does."
    )
    if mode == "prior_year":
        return (
            f"Reference: {prior_label}, the same quarter a year earlier (its gross sales and "
            f"units, and returns expected at {rate}). Gap = (actual − baseline) − (target − "
            f"baseline): the growth the target asked for over {prior_label} is its own step. "
            + common
        )
    return (
        f"Reference: the target, grossed up by the returns expected at {rate}. Where targets "
        f"are not set by {noun}, a "
        f"channel's target is split over its {noun}s by {prior_label}: units by each {noun}'s "
        f"share of the channel's units, revenue by its share of revenue (its {prior_label} price "
        f"scaled to the target price). Channels whose target has no units are compared with "
        f"{prior_label} instead. " + common
    )

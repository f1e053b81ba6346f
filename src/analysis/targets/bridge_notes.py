"""The bridge's words: notes on what its numbers rest on, and the rule it states for the report.

Split from ``analysis.targets.bridge`` so that the sentences a reader sees are apart from the
arithmetic they describe.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import DIMENSION_WORDS
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
            _(
                "{quarter} is partial ({extent}): the actual is not a full quarter, so the "
                "effects overstate the miss."
            ).format(quarter=label, extent=coverage.extent(period))
        )
    no_baseline = coverage.held(prior) is None
    if no_baseline:
        notes.append(
            (
                _("There are no sales data for {prior}: the bridge starts from zero.")
                if mode == "prior_year"
                else _(
                    "There are no sales data for {prior}: product lines are split by this "
                    "quarter's shares."
                )
            ).format(prior=prior_label)
        )
    elif coverage.is_partial(prior):
        held = coverage.holds_only(prior_label, prior)
        compared = ch.index[ch["reference"] == "prior_year"]
        if mode == "prior_year":
            notes.append(
                _("The baseline is partial: {held}, so the bridge compares with that part.").format(
                    held=held
                )
            )
        elif len(compared):
            notes.append(
                _("The baseline is partial: {held}; {names} are compared with that part.").format(
                    held=held, names=_names(compared)
                )
            )
        targeted = split.reindex(ch.index[ch["reference"] == "target"])
        if (targeted == "prior_year").any():
            notes.append(
                _(
                    "The baseline is partial: {held}, so the target's split over product lines "
                    "rests on that part only."
                ).format(held=held)
            )
    notes += _return_window_note(calendar, coverage, label, window)
    fallback = ch.index[(ch["reference"] == "prior_year") & ch["has_target"]]
    if mode == "target" and len(fallback):
        notes.append(
            _("Target without units, compared with {prior} instead: {names}").format(
                prior=prior_label, names=_names(fallback)
            )
        )
    current = split.index[split == "current"]
    if len(current) and not no_baseline:
        notes.append(
            _("No sales in {prior}, target split by this quarter's shares: {names}").format(
                prior=prior_label, names=_names(current)
            )
        )
    unsplit = split.index[split == "unsplit"]
    if len(unsplit):
        notes.append(_("No sales to split the target over: {names}").format(names=_names(unsplit)))
    return notes


def _names(index: pd.Index) -> str:
    return _(", ").join(map(str, index))


def _return_window_note(
    calendar: FiscalCalendar, coverage: Coverage, label: str, window: list[pd.Period]
) -> list[str]:
    """Why expected returns rest on fewer than the four quarters before the reviewed one."""
    if not window:
        return [
            _(
                "There are no sales data in the {n} quarters before {quarter}: expected returns "
                "are 0."
            ).format(n=RETURN_QUARTERS, quarter=label)
        ]
    if len(window) == RETURN_QUARTERS and not coverage.is_partial(window[0], window[-1]):
        return []
    first = f"{coverage.first:%Y-%m-%d}"
    if len(window) < RETURN_QUARTERS:
        text = _(
            "Expected returns are at the return rate of {span} only, not of the {n} quarters "
            "before {quarter}: the data begin on {first}."
        )
    else:
        text = _("Expected returns are at the return rate of {span}: the data begin on {first}.")
    return [
        text.format(span=_span(calendar, window), n=RETURN_QUARTERS, quarter=label, first=first)
    ]


def _span(calendar: FiscalCalendar, window: list[pd.Period]) -> str:
    first, last = calendar.label(window[0]), calendar.label(window[-1])
    return first if first == last else _("{first} to {last}").format(first=first, last=last)


def rule_for(
    mode: str, calendar: FiscalCalendar, period: pd.Period, window: list[pd.Period], segment: str
) -> str:
    """The bridge's convention in words, for the report (``segment``: the mix's dimension)."""
    prior_label, label = calendar.label(period - 4), calendar.label(period)
    noun = _(DIMENSION_WORDS.get(segment, segment.replace("_", " ")))
    nouns = f"{noun}s"  # the English plural; a translation names the noun once
    if not window:
        rate = _("a rate of 0 (there are no sales data before the quarter)")
    else:
        span = _span(calendar, window)
        rate = (
            _(
                "each channel's return rate over {span}, the {n} quarters before {quarter} "
                "(returns ÷ gross sales, summed over them)"
            )
            if len(window) == RETURN_QUARTERS
            else _(
                "each channel's return rate over {span}, the quarters before {quarter} that the "
                "data reach (returns ÷ gross sales, summed over them)"
            )
        ).format(span=span, n=RETURN_QUARTERS, quarter=label)
    common = _(
        "Volume = (units − reference units) × reference average price; product mix = Σ over "
        "{nouns} (units of the {noun} − units × its reference share) × its reference price; "
        "price = Σ (revenue − units × reference price). Units, revenue and prices are gross "
        "(returns are their own effect: actual returns − expected returns). "
        "A {noun} without reference units is valued at its actual price (it shows as mix). "
        "At company level volume is priced at the company's reference average price and channel "
        "mix is the difference between the channels' volumes and the company's. Amounts are "
        "rounded to cents; in each channel price absorbs the rounding residual, in the total "
        "channel mix does."
    ).format(noun=noun, nouns=nouns)
    if mode == "prior_year":
        return (
            _(
                "Reference: {prior}, the same quarter a year earlier (its gross sales and units, "
                "and returns expected at {rate}). Gap = (actual − baseline) − (target − "
                "baseline): the growth the target asked for over {prior} is its own step. "
            ).format(prior=prior_label, rate=rate)
            + common
        )
    return (
        _(
            "Reference: the target, grossed up by the returns expected at {rate}. Where targets "
            "are not set by {noun}, a channel's target is split over its {nouns} by {prior}: "
            "units by each {noun}'s share of the channel's units, revenue by its share of revenue "
            "(its {prior} price scaled to the target price). Channels whose target has no units "
            "are compared with {prior} instead. "
        ).format(rate=rate, noun=noun, nouns=nouns, prior=prior_label)
        + common
    )

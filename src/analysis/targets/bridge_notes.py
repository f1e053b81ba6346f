"""The bridge's words: notes on what its numbers rest on, and the rule it states for the report.

Split from ``analysis.targets.bridge`` so that the sentences a reader sees are apart from the
arithmetic they describe.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.series import Coverage


def notes_for(
    ch: pd.DataFrame,
    split: pd.Series,
    mode: str,
    label: str,
    prior_label: str,
    coverage: Coverage,
    period: pd.Period,
    prior: pd.Period,
) -> list[str]:
    notes = []
    if coverage.is_partial(period):
        notes.append(
            f"{label} is partial (data end on {coverage.last:%Y-%m-%d}): the actual is not a full"
            " quarter, so the effects overstate the miss."
        )
    no_baseline = prior.end_time < coverage.first
    if no_baseline:
        notes.append(
            f"There are no sales data for {prior_label}: "
            + (
                "the bridge starts from zero."
                if mode == "prior_year"
                else "expected returns are 0 and product lines are split by this quarter's shares."
            )
        )
    elif coverage.is_partial(prior):
        notes.append(f"{prior_label}, the baseline, is only partly covered by the data.")
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
    untargeted = ch.index[~ch["has_target"] & (ch["a_net"] != 0)]
    if len(untargeted):
        notes.append("Sales without a target: " + ", ".join(map(str, untargeted)))
    return notes


def rule_for(mode: str, prior_label: str, noun: str) -> str:
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
            f"Reference: {prior_label}, the same quarter a year earlier (its gross sales, units "
            "and returns). Gap = (actual − baseline) − (target − baseline): the growth the target "
            f"asked for over {prior_label} is its own step. " + common
        )
    return (
        "Reference: the target, grossed up by the returns expected at each channel's return rate "
        f"in {prior_label} (returns ÷ gross sales). Where targets are not set by {noun}, a "
        f"channel's target is split over its {noun}s by {prior_label}: units by each {noun}'s "
        f"share of the channel's units, revenue by its share of revenue (its {prior_label} price "
        f"scaled to the target price). Channels whose target has no units are compared with "
        f"{prior_label} instead. " + common
    )

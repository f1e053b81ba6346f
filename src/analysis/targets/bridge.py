"""Why a target was missed: a price / volume / mix bridge from each channel's target to its actual.

Convention (exact to the cent; ``Bridge.rule`` states it for the report)
-------------------------------------------------------------------------
Per channel ``c`` with segments ``i`` (product lines), a *reference* (revenue ``TR``, units ``TQ``)
is compared with the actual (revenue ``AR``, units ``AQ``):

- ``TP_i = TR_i / TQ_i``, ``TP = S / TQ`` with ``S = Σ_{TQ_i>0} TR_i`` (= ``TR`` normally);
- **volume** ``= (AQ - TQ) * TP``;
- **product mix** ``= Σ_i (AQ_i - AQ * TQ_i / TQ) * TP_i``;
- **price** ``= Σ_i (AR_i - AQ_i * TP_i)``;
- volume + product mix + price ``= AR - TR`` identically.

Segments without reference units (a line new since the baseline) are valued at their actual price,
so they count in full as mix; reference revenue on zero reference units counts as price; a channel
with no reference units at all counts its whole (unit-bearing) sales as volume.

**Returns.** The PVM runs on *gross* sales (lines with quantity and revenue >= 0). The target, which
is net of returns, is grossed up by the channel's return rate over the four quarters before the
reviewed one (returns / gross sales summed over them, separately for revenue and units; fewer
quarters where the data begin later, 0 when they hold no gross sales or the rate is not in [0, 1)):
``gross target = TR / (1 - rate)``. **returns** ``= actual returns - expected returns`` with
``expected returns = TR - gross target`` (both negative numbers). One quarter's recall so weighs a
quarter of the rate rather than becoming next year's whole returns effect.

**Segments inside a channel.** Targets set at channel x product_line are used directly (grossed up
at the channel's rate). Otherwise the gross target is split over product lines by the baseline
(the same quarter a year earlier): units by each line's share of the channel's gross units, revenue
by its share of gross revenue, i.e. ``TP_i`` is the line's baseline price scaled so that
``Σ TQ_i TP_i = TR``. Without baseline sales in the channel the current quarter's shares are used
(then product mix is 0), without any sales the target stays one unsplit segment.

**Baseline.** ``baseline="target"`` (default) compares with the target wherever it carries units;
a channel whose target has no units (NaN, or 0 units for a non-zero revenue) falls back to the
prior year. ``baseline="prior_year"`` uses the same quarter a year earlier for every channel: its
gross sales and units are the reference, with returns expected at the same four-quarter rate
(``expected returns = -rate * baseline gross``, ``baseline = gross + expected returns``), and
**growth_asked** ``= baseline - target``
(minus the growth the target asked for) closes the bridge: ``gap = (actual - baseline) -
(target - baseline)``. A quarter without a baseline year has an empty reference.

**Total.** Segments are channels. volume (total) ``= (AQ - TQ) * S / TQ`` over all targeted
channels; **channel mix** ``= Σ_c volume_c - volume (total)``; product mix, price, returns and
growth_asked are the sums over channels; **untargeted** is the actual of channels without a target
and, in a channel whose targets are set by segment (region quotas), of the sales outside them
(those sales are not in the channel's PVM).
So ``total gap = volume + channel mix + product mix + price + returns + growth_asked +
untargeted`` and ``Σ_c volume_c = volume (total) + channel mix``.

**Rounding.** Actual revenue is the quarter's exact total rounded to cents once and split into
channels (as the attainment table has them), each channel into gross sales and returns and those
into segments, so that every level adds up (``bridge_baseline.gross_and_returns``). Effects are
computed in float cents and rounded to whole cents (half away from zero). In every channel row
**price absorbs the rounding residual** (price = gap - the other rounded effects); in the total
row **channel mix** does (it is defined as the difference of rounded volumes). Every row's
effects add up to its gap exactly and the channel rows add up to the total.

This module holds the entry point, :class:`Bridge` and its table's labels; the reference is built in
``bridge_baseline``, the effects in ``bridge_effects`` and the notes and rule in ``bridge_notes``,
so that each stays small enough to read against the convention above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.i18n import N_
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage
from analysis.targets.bridge_baseline import (
    channel_totals,
    gross_and_returns,
    reference_segments,
    reference_totals,
    return_window,
)
from analysis.targets.bridge_effects import EFFECTS, channel_rows, pvm, segment_cents, total_row
from analysis.targets.bridge_notes import notes_for, rule_for
from analysis.targets.covered import covered
from analysis.targets.selection import (
    as_period,
    lines_in,
    money_table,
    net_by,
    sum_targets,
    target_grain,
    targets_for,
)

MODES = ("target", "prior_year")

MONEY = (
    "target",
    "actual",
    "gap",
    *EFFECTS,
    "reference_revenue",
    "actual_revenue",
    "expected_returns",
    "actual_returns",
    "reference_price",
    "actual_price",
)
LABELS = {
    "channel": N_("Channel"),
    "product_line": N_("Product line"),
    "reference": N_("Compared with"),
    "has_target": N_("Has target"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "gap": N_("Gap"),
    "growth_asked": N_("Growth the target asked for (−)"),
    "volume": N_("Volume"),
    "channel_mix": N_("Channel mix"),
    "product_mix": N_("Product mix"),
    "price": N_("Price"),
    "returns": N_("Returns"),
    "untargeted": N_("Sales without target"),
    "reference_units": N_("Reference units (gross)"),
    "actual_units": N_("Units (gross)"),
    "reference_revenue": N_("Reference revenue (gross)"),
    "actual_revenue": N_("Revenue (gross)"),
    "reference_price": N_("Reference price"),
    "actual_price": N_("Price per unit"),
    "expected_returns": N_("Expected returns"),
    "actual_returns": N_("Returns"),
}
#: Reader-facing names of the effects (waterfall steps, narrative).
EFFECT_LABELS = {e: LABELS[e] for e in EFFECTS}


@dataclass(frozen=True)
class Bridge:
    """The bridge of one quarter: one row per channel and a ``Total`` row.

    ``cents`` (exact, ``Int64`` cents) and ``table`` (currency units) have the columns ``channel,
    reference, has_target, target, actual, gap, <EFFECTS...>, reference_units, actual_units,
    reference_revenue, actual_revenue, reference_price, actual_price, expected_returns,
    actual_returns``. ``reference`` says what each channel is compared with: ``target``,
    ``prior_year`` (the quarter ``baseline``) or ``none`` (no target: the actual is
    ``untargeted``). Units, revenues and prices are gross (returns excluded); prices per unit; in
    the total row they cover the compared (targeted) channels only.
    ``segment_cents`` / ``segments``: per channel and product line, the reference and actual units,
    revenue and price, and ``volume, product_mix, price`` (adding up to the channel's).
    """

    quarter: str
    baseline: str
    mode: str
    partial: bool
    notes: tuple[str, ...]
    rule: str
    cents: pd.DataFrame
    segment_cents: pd.DataFrame
    marker: str = ""  # how the data cover the quarter: '' or "partial: data to 2025-11-15"

    @property
    def table(self) -> pd.DataFrame:
        return money_table(self.cents, MONEY)

    @property
    def segments(self) -> pd.DataFrame:
        return money_table(self.segment_cents, MONEY)

    def total(self) -> pd.Series:
        """The ``Total`` row of ``table``."""
        return self.table.iloc[-1]

    def reconciliation(self) -> pd.DataFrame:
        """Channel rows against the total row, effect by effect (``difference`` is always 0).

        ``volume`` compares ``Σ_c volume_c`` with ``volume + channel_mix`` of the total.
        """
        channels, total = self.cents.iloc[:-1], self.cents.iloc[-1]
        rows = []
        for name in ("gap", "growth_asked", "volume", "product_mix", "price", "returns"):
            whole = total[name] + (total["channel_mix"] if name == "volume" else 0)
            rows.append((name, int(channels[name].sum()), int(whole)))
        rows.append(("untargeted", int(channels["untargeted"].sum()), int(total["untargeted"])))
        frame = pd.DataFrame(rows, columns=["effect", "channels", "total"])
        frame["difference"] = frame["total"] - frame["channels"]
        return frame


def bridge(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    baseline: str = "target",
    segment: str = "product_line",
) -> Bridge:
    """Decompose each channel's gap (actual - target) into the effects of :data:`EFFECTS`.

    ``baseline`` is ``"target"`` (compare with targets that carry units; channels whose target has
    none fall back to the prior year) or ``"prior_year"`` (compare every channel with the same
    quarter a year earlier and show the growth the target asked for). ``segment`` is the sales
    column whose values are the segments of product mix (``product`` makes shifts between products
    of one line mix rather than price). See the module docstring.
    """
    if baseline not in MODES:
        raise ValueError(f"baseline must be one of {MODES}, got {baseline!r}")
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    prior = period - 4
    label, prior_label = calendar.label(period), calendar.label(prior)
    grain = list(target_grain(targets))
    needed = ["date", *dict.fromkeys(["channel", segment, *grain]), "quantity", "revenue"]
    rows = targets_for(targets, calendar, [period])
    goal = sum_targets(rows, ["channel"])
    lines = lines_in(sales, calendar, [period], needed)
    # a targeted channel's sales outside its targets' segments are untargeted, not in the PVM
    outside = ~covered(lines, rows, calendar, grain) & lines["channel"].isin(goal.index)
    now = gross_and_returns(lines.loc[~outside], segment)
    then = gross_and_returns(lines_in(sales, calendar, [prior], needed), segment)

    window = return_window(period, coverage)
    returned = (
        gross_and_returns(lines_in(sales, calendar, window, needed), segment)
        if window
        else then.iloc[:0]
    )
    ch = channel_totals(now, then, goal, returned)
    apart = net_by(lines.loc[outside], ["channel"])["cents"]
    ch["outside"] = apart.reindex(ch.index, fill_value=0).to_numpy(dtype="int64")
    ch["reference"] = np.where(
        ~ch["has_target"],
        "none",
        np.where((baseline == "target") & ch["usable"], "target", "prior_year"),
    )
    reference_totals(ch)
    refs, split = reference_segments(ch, now, then, rows, segment, segment in target_grain(targets))
    seg = pvm(refs, now, ch)
    table = channel_rows(ch, seg)
    table = pd.concat([table, total_row(table, ch, seg)], ignore_index=True)
    segments = segment_cents(seg, table).rename(columns={"segment": segment})

    notes = notes_for(ch, split, baseline, calendar, coverage, period, window)
    return Bridge(
        quarter=label,
        baseline=prior_label,
        mode=baseline,
        partial=coverage.is_partial(period),
        notes=tuple(notes),
        rule=rule_for(baseline, calendar, period, window, segment),
        cents=table,
        segment_cents=segments,
        marker=coverage.marker(period),
    )

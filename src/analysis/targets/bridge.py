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
is net of returns, is grossed up by the channel's return rate in the baseline quarter (returns /
gross sales, separately for revenue and units; 0 when the baseline has no gross sales or the rate is
not in [0, 1)): ``gross target = TR / (1 - rate)``. **returns** ``= actual returns - expected
returns`` with ``expected returns = TR - gross target`` (both negative numbers).

**Segments inside a channel.** Targets set at channel x product_line are used directly (grossed up
at the channel's rate). Otherwise the gross target is split over product lines by the baseline
(the same quarter a year earlier): units by each line's share of the channel's gross units, revenue
by its share of gross revenue, i.e. ``TP_i`` is the line's baseline price scaled so that
``Σ TQ_i TP_i = TR``. Without baseline sales in the channel the current quarter's shares are used
(then product mix is 0), without any sales the target stays one unsplit segment.

**Baseline.** ``baseline="target"`` (default) compares with the target wherever it carries units;
a channel whose target has no units (NaN, or 0 units for a non-zero revenue) falls back to the
prior year. ``baseline="prior_year"`` uses the same quarter a year earlier for every channel: its
gross sales, units and returns are the reference, and **growth_asked** ``= baseline - target``
(minus the growth the target asked for) closes the bridge: ``gap = (actual - baseline) -
(target - baseline)``. A quarter without a baseline year has an empty reference.

**Total.** Segments are channels. volume (total) ``= (AQ - TQ) * S / TQ`` over all targeted
channels; **channel mix** ``= Σ_c volume_c - volume (total)``; product mix, price, returns and
growth_asked are the sums over channels; **untargeted** is the actual of channels without a target.
So ``total gap = volume + channel mix + product mix + price + returns + growth_asked +
untargeted`` and ``Σ_c volume_c = volume (total) + channel mix``.

**Rounding.** Effects are computed in float cents and rounded to whole cents (half away from
zero). In every channel row **price absorbs the rounding residual** (price = gap - the other
rounded effects); in the total row **channel mix** does (it is defined as the difference of rounded
volumes). Every row's effects add up to its gap exactly and the channel rows add up to the total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import round_cents
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import TOTAL, Coverage, to_cents
from analysis.targets.attainment import (
    as_period,
    lines_in,
    money_table,
    sum_targets,
    target_grain,
    targets_for,
)

#: The effects, in the order a waterfall from target to actual shows them; they add up to ``gap``.
EFFECTS = (
    "growth_asked",
    "volume",
    "channel_mix",
    "product_mix",
    "price",
    "returns",
    "untargeted",
)
MODES = ("target", "prior_year")
#: Placeholder product line of a target that could not be split (no sales in either quarter).
UNSPLIT = "(unsplit)"

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
    "channel": "Channel",
    "product_line": "Product line",
    "reference": "Compared with",
    "has_target": "Has target",
    "target": "Target",
    "actual": "Actual",
    "gap": "Gap",
    "growth_asked": "Growth the target asked for (−)",
    "volume": "Volume",
    "channel_mix": "Channel mix",
    "product_mix": "Product mix",
    "price": "Price",
    "returns": "Returns",
    "untargeted": "Sales without target",
    "reference_units": "Reference units (gross)",
    "actual_units": "Units (gross)",
    "reference_revenue": "Reference revenue (gross)",
    "actual_revenue": "Revenue (gross)",
    "reference_price": "Reference price",
    "actual_price": "Price per unit",
    "expected_returns": "Expected returns",
    "actual_returns": "Returns",
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
    needed = ["channel", segment, "quantity", "revenue"]
    now = _gross_and_returns(lines_in(sales, calendar, [period], needed), segment)
    then = _gross_and_returns(lines_in(sales, calendar, [prior], needed), segment)
    rows = targets_for(targets, calendar, [period])
    goal = sum_targets(rows, ["channel"])

    ch = _channels(now, then, goal)
    ch["reference"] = np.where(
        ~ch["has_target"],
        "none",
        np.where((baseline == "target") & ch["usable"], "target", "prior_year"),
    )
    _reference_totals(ch)
    refs, split = _reference_segments(
        ch, now, then, rows, segment, segment in target_grain(targets)
    )
    seg = _pvm(refs, now, ch)
    table = _channel_rows(ch, seg)
    table = pd.concat([table, _total_row(table, ch, seg)], ignore_index=True)
    segment_cents = _segment_cents(seg, table).rename(columns={"segment": segment})

    notes = _notes(ch, split, baseline, label, prior_label, coverage, period, prior)
    return Bridge(
        quarter=label,
        baseline=prior_label,
        mode=baseline,
        partial=coverage.is_partial(period),
        notes=tuple(notes),
        rule=_rule(baseline, prior_label, segment.replace("_", " ")),
        cents=table,
        segment_cents=segment_cents,
    )


# --- inputs --------------------------------------------------------------------------------------


def _gross_and_returns(lines: pd.DataFrame, segment: str) -> pd.DataFrame:
    """Per channel x segment: gross and return revenue (cents) and units.

    A line is a return when its quantity or its revenue is negative; every other line is gross.
    """
    cents = to_cents(lines["revenue"])
    units = lines["quantity"].to_numpy(dtype="float64")
    is_return = (units < 0) | (cents < 0)
    frame = lines[["channel", segment]].set_axis(["channel", "segment"], axis=1)
    frame = frame.assign(
        g_cents=np.where(is_return, 0, cents),
        g_units=np.where(is_return, 0.0, units),
        r_cents=np.where(is_return, cents, 0),
        r_units=np.where(is_return, units, 0.0),
    )
    return frame.groupby(["channel", "segment"], sort=True, observed=True).sum()


def _channels(now: pd.DataFrame, then: pd.DataFrame, goal: pd.DataFrame) -> pd.DataFrame:
    a = now.groupby(level="channel").sum()
    b = then.groupby(level="channel").sum()
    index = a.index.union(b.index).union(goal.index)
    ch = pd.DataFrame(index=index.rename("channel"))
    ch["has_target"] = index.isin(goal.index)
    ch["tr"] = goal["cents"].reindex(index).to_numpy(dtype="float64")
    ch["tq"] = goal["units"].reindex(index).to_numpy(dtype="float64")
    for prefix, part in (("a", a), ("b", b)):
        for col in ("g_cents", "g_units", "r_cents", "r_units"):
            ch[f"{prefix}_{col}"] = part[col].reindex(index, fill_value=0).to_numpy()
    ch["a_net"] = ch["a_g_cents"] + ch["a_r_cents"]
    ch["b_net"] = ch["b_g_cents"] + ch["b_r_cents"]
    ch["usable"] = ch["has_target"] & ch["tq"].notna() & ((ch["tq"] > 0) | (ch["tr"] == 0))
    return ch


def _rate(returned: pd.Series, gross: pd.Series) -> np.ndarray:
    """Baseline return rate (returns / gross, as a positive share); 0 unless in [0, 1)."""
    gross_ = gross.to_numpy(dtype="float64")
    rate = np.divide(
        -returned.to_numpy(dtype="float64"), gross_, out=np.zeros(len(gross_)), where=gross_ > 0
    )
    return np.where((rate >= 0) & (rate < 1), rate, 0.0)


def _reference_totals(ch: pd.DataFrame) -> None:
    """Gross reference revenue and units, expected returns and net reference, per channel."""
    target = (ch["reference"] == "target").to_numpy()
    prior = (ch["reference"] == "prior_year").to_numpy()
    ch["rate"] = _rate(ch["b_r_cents"], ch["b_g_cents"])
    ch["rate_units"] = _rate(ch["b_r_units"], ch["b_g_units"])
    gross = ch["tr"] / (1 - ch["rate"])
    ch["ref_gross"] = np.select([target, prior], [gross, ch["b_g_cents"]], 0.0)
    ch["ref_units"] = np.select(
        [target, prior], [ch["tq"] / (1 - ch["rate_units"]), ch["b_g_units"]], 0.0
    )
    ch["expected_returns"] = np.select([target, prior], [ch["tr"] - gross, ch["b_r_cents"]], 0.0)
    ch["ref_net"] = np.select([target, prior], [ch["tr"], ch["b_net"]], 0.0)


def _reference_segments(
    ch: pd.DataFrame,
    now: pd.DataFrame,
    then: pd.DataFrame,
    rows: pd.DataFrame,
    segment: str,
    by_segment: bool,
) -> tuple[pd.DataFrame, pd.Series]:
    """Gross reference revenue and units per channel x segment; and how each was split."""
    parts = []
    split = pd.Series("", index=ch.index, dtype="object")
    prior = ch.index[ch["reference"] == "prior_year"]
    if len(prior):
        part = then.loc[then.index.get_level_values("channel").isin(prior)]
        parts.append(_seg(part["g_cents"], part["g_units"]))
        split[prior] = "prior_year"
    target = ch.loc[ch["reference"] == "target"]
    if by_segment and len(target):
        chosen = rows.loc[rows["channel"].isin(target.index)]
        goal = sum_targets(chosen.rename(columns={segment: "segment"}), ["channel", "segment"])
        channel = goal.index.get_level_values("channel")
        rate = target["rate"].reindex(channel).to_numpy()
        rate_units = target["rate_units"].reindex(channel).to_numpy()
        parts.append(_seg(goal["cents"] / (1 - rate), goal["units"] / (1 - rate_units)))
        split[target.index] = "target"
    elif len(target):
        has_base = (target["b_g_cents"] > 0) & (target["b_g_units"] > 0)
        has_now = (target["a_g_cents"] > 0) & (target["a_g_units"] > 0) & ~has_base
        for mask, source, name in ((has_base, then, "prior_year"), (has_now, now, "current")):
            chosen = target.loc[mask]
            if chosen.empty:
                continue
            part = source.loc[source.index.get_level_values("channel").isin(chosen.index)]
            channel = part.index.get_level_values("channel")
            rev_share = part["g_cents"] / part.groupby(level="channel")["g_cents"].transform("sum")
            unit_share = part["g_units"] / part.groupby(level="channel")["g_units"].transform("sum")
            parts.append(
                _seg(
                    rev_share * chosen["ref_gross"].reindex(channel).to_numpy(),
                    unit_share * chosen["ref_units"].reindex(channel).to_numpy(),
                )
            )
            split[chosen.index] = name
        rest = target.loc[~has_base & ~has_now]
        if len(rest):
            index = pd.MultiIndex.from_arrays(
                [rest.index, [UNSPLIT] * len(rest)], names=["channel", "segment"]
            )
            parts.append(
                pd.DataFrame(
                    {
                        "ref_rev": rest["ref_gross"].to_numpy(),
                        "ref_units": rest["ref_units"].to_numpy(),
                    },
                    index=index,
                )
            )
            split[rest.index] = "unsplit"
    if not parts:
        empty = pd.MultiIndex.from_arrays([[], []], names=["channel", "segment"])
        return pd.DataFrame({"ref_rev": [], "ref_units": []}, index=empty), split
    return pd.concat(parts).astype("float64"), split


def _seg(revenue: pd.Series, units: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"ref_rev": np.asarray(revenue, "float64"), "ref_units": np.asarray(units, "float64")},
        index=revenue.index,
    )


# --- the decomposition ---------------------------------------------------------------------------


def _pvm(refs: pd.DataFrame, now: pd.DataFrame, ch: pd.DataFrame) -> pd.DataFrame:
    """Per channel x product line: reference and actual, and each segment's share of the effects."""
    compared = ch.index[ch["reference"] != "none"]
    actual = now.loc[now.index.get_level_values("channel").isin(compared), ["g_cents", "g_units"]]
    seg = refs.join(actual, how="outer").fillna(0.0).sort_index()
    seg = seg.rename(columns={"g_cents": "act_rev", "g_units": "act_units"})
    tq, tr = seg["ref_units"].to_numpy(), seg["ref_rev"].to_numpy()
    aq, ar = seg["act_units"].to_numpy(), seg["act_rev"].to_numpy()
    code = pd.factorize(seg.index.get_level_values("channel"))[0]
    ref_price = np.divide(tr, tq, out=np.zeros(len(tq)), where=tq > 0)
    act_price = np.divide(ar, aq, out=np.zeros(len(aq)), where=aq > 0)
    price_used = np.where(tq > 0, ref_price, act_price)
    tq_total = np.bincount(code, weights=tq)[code] if len(code) else tq
    aq_total = np.bincount(code, weights=aq)[code] if len(code) else aq
    has_units = tq_total > 0
    share = np.divide(tq, tq_total, out=np.zeros(len(tq)), where=has_units)
    seg["ref_price"] = np.where(tq > 0, ref_price, np.nan)
    seg["act_price"] = np.where(aq > 0, act_price, np.nan)
    seg["volume"] = np.where(has_units, (aq_total * share - tq) * price_used, aq * price_used)
    seg["product_mix"] = np.where(has_units, (aq - aq_total * share) * price_used, 0.0)
    seg["price"] = ar - aq * price_used - np.where(tq > 0, 0.0, tr)
    seg["priced_ref"] = np.where(tq > 0, tr, 0.0)
    return seg


def _channel_rows(ch: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    sums = seg.groupby(level="channel")[["volume", "product_mix", "price"]].sum()
    sums = sums.reindex(ch.index, fill_value=0.0)
    targeted = ch["has_target"].to_numpy()
    target = ch["tr"].to_numpy()
    actual = ch["a_net"].to_numpy().astype("int64")
    gap = actual - np.where(targeted, target, 0).astype("int64")
    volume = round_cents(sums["volume"])
    mix = round_cents(sums["product_mix"])
    returns = np.where(targeted, round_cents(ch["a_r_cents"] - ch["expected_returns"]), 0)
    growth = np.where(targeted, (ch["ref_net"] - np.nan_to_num(target)).round(), 0)
    growth = growth.astype("int64")
    untargeted = np.where(targeted, 0, actual)
    price = gap - volume - mix - returns - growth - untargeted
    ref_units = ch["ref_units"].to_numpy()
    act_units = ch["a_g_units"].to_numpy(dtype="float64")
    priced = seg.groupby(level="channel")["priced_ref"].sum().reindex(ch.index, fill_value=0.0)
    frame = pd.DataFrame(
        {
            "channel": ch.index.to_numpy(),
            "reference": ch["reference"].to_numpy(),
            "has_target": targeted,
            "target": pd.array(np.where(targeted, target, np.nan), "Float64")
            .round()
            .astype("Int64"),
            "actual": actual,
            "gap": gap,
            "growth_asked": growth,
            "volume": volume,
            "channel_mix": np.zeros(len(ch), "int64"),
            "product_mix": mix,
            "price": price,
            "returns": returns,
            "untargeted": untargeted,
            "reference_units": np.where(targeted, ref_units, np.nan),
            "actual_units": act_units,
            "reference_revenue": np.where(targeted, round_cents(ch["ref_gross"]), 0),
            "actual_revenue": ch["a_g_cents"].to_numpy().astype("int64"),
            "reference_price": np.divide(
                priced.to_numpy(), ref_units, out=np.full(len(ch), np.nan), where=ref_units > 0
            ),
            "actual_price": np.divide(
                ch["a_g_cents"].to_numpy(dtype="float64"),
                act_units,
                out=np.full(len(ch), np.nan),
                where=act_units > 0,
            ),
            "expected_returns": np.where(targeted, round_cents(ch["expected_returns"]), 0),
            "actual_returns": ch["a_r_cents"].to_numpy().astype("int64"),
        }
    )
    money = ("actual", "gap", *EFFECTS, "reference_revenue", "actual_revenue")
    for col in (*money, "expected_returns", "actual_returns"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _total_row(table: pd.DataFrame, ch: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    compared = (ch["reference"] != "none").to_numpy()
    ref_units = float(ch.loc[compared, "ref_units"].sum())
    act_units = float(ch.loc[compared, "a_g_units"].sum())
    priced = float(seg["priced_ref"].sum())
    channel_volume = int(table["volume"].sum())
    if ref_units > 0:
        volume = int(round_cents((act_units - ref_units) * priced / ref_units))
    else:
        volume = channel_volume
    row = {
        "channel": TOTAL,
        "reference": _mixed(table.loc[table["reference"] != "none", "reference"]),
        "has_target": bool(table["has_target"].any()),
        "target": table["target"].sum() if table["has_target"].any() else pd.NA,
    }
    for col in ("actual", "gap", "growth_asked", "product_mix", "price", "returns", "untargeted"):
        row[col] = table[col].sum()
    row["volume"] = volume
    row["channel_mix"] = channel_volume - volume
    act_revenue = int(ch.loc[compared, "a_g_cents"].sum())
    row |= {
        "reference_units": ref_units,
        "actual_units": act_units,
        "reference_revenue": table.loc[compared, "reference_revenue"].sum(),
        "actual_revenue": act_revenue,
        "reference_price": priced / ref_units if ref_units > 0 else np.nan,
        "actual_price": act_revenue / act_units if act_units > 0 else np.nan,
        "expected_returns": table["expected_returns"].sum(),
        "actual_returns": table.loc[compared, "actual_returns"].sum(),
    }
    frame = pd.DataFrame([row])
    return frame.astype({c: str(table[c].dtype) for c in table.columns})


def _mixed(references: pd.Series) -> str:
    kinds = sorted(set(references))
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _segment_cents(seg: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Segment effects in cents, the rounding residual on each channel's largest segment effect."""
    frame = seg.reset_index()
    code, channels = pd.factorize(frame["channel"])
    totals = table.set_index("channel").reindex(channels)
    position = np.arange(len(frame))
    for effect in ("volume", "product_mix", "price"):
        cents = round_cents(frame[effect])
        residual = totals[effect].to_numpy(dtype="int64") - np.bincount(
            code, weights=cents, minlength=len(channels)
        ).astype("int64")
        # the first segment with the largest absolute effect of its channel takes the residual
        order = np.lexsort((position, -np.abs(frame[effect].to_numpy()), code))
        first = order[np.searchsorted(code[order], np.arange(len(channels)))]
        cents[first] += residual
        frame[effect] = pd.array(cents, "Int64")
    return pd.DataFrame(
        {
            "channel": frame["channel"],
            "segment": frame["segment"],
            "reference_units": frame["ref_units"],
            "actual_units": frame["act_units"],
            "reference_revenue": pd.array(round_cents(frame["ref_rev"]), "Int64"),
            "actual_revenue": pd.array(round_cents(frame["act_rev"]), "Int64"),
            "reference_price": frame["ref_price"],
            "actual_price": frame["act_price"],
            "volume": frame["volume"],
            "product_mix": frame["product_mix"],
            "price": frame["price"],
        }
    )


# --- words ---------------------------------------------------------------------------------------


def _notes(
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


def _rule(mode: str, prior_label: str, noun: str) -> str:
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

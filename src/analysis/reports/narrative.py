"""A few plain sentences on a quarter's target: how far off, which channels, why, and where.

Every number is taken from the attainment, bridge and drill-down tables and formatted with
:mod:`~analysis.reports.present` (short money, one-decimal percentages), so a reader can find
each in the tables. The text is plain (not HTML): the notebook escapes it (``present.paragraph``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.core.i18n import N_, _, n_
from analysis.reports import present
from analysis.targets.attainment import Attainment
from analysis.targets.bridge import Bridge
from analysis.targets.bridge_effects import EFFECTS
from analysis.targets.drilldown import Drilldown

#: How an effect reads, by its sign (negative, positive).
PHRASES = {
    "volume": (N_("lower volume"), N_("higher volume")),
    "product_mix": (N_("a weaker product mix"), N_("a richer product mix")),
    "price": (N_("lower prices"), N_("higher prices")),
    "returns": (N_("more returns than expected"), N_("fewer returns than expected")),
    "growth_asked": (N_("the growth the target asked for"), N_("a target below the year before")),
}
#: Effects as named in the company-wide sentence.
EFFECT_WORDS = {
    "growth_asked": N_("growth asked by the target"),
    "volume": N_("volume"),
    "channel_mix": N_("channel mix"),
    "product_mix": N_("product mix"),
    "price": N_("price"),
    "returns": N_("returns"),
    "untargeted": N_("sales without target"),
}
_ALWAYS = ("volume", "channel_mix", "product_mix", "price", "returns")
#: Channels named one by one in a sentence; beyond that they are counted and the largest named.
LISTED = 6


def narrative(
    attainment: Attainment,
    bridge: Bridge,
    drilldown: Drilldown | None,
    currency: str,
    *,
    channels: int = 2,
) -> str:
    """Sentences for the quarter: the total against target, the ``channels`` channels that explain
    most of the gap (with their main effect and segment), the others, the company-wide effects,
    and what was compared with what."""

    def money(value: float) -> str:
        return present.money(value, currency, short=True)

    def signed(value: float) -> str:
        return ("+" if value > 0 else "") + money(value)

    table = attainment.table
    total = attainment.row()
    label = present.quarter(attainment.period_label)
    sentences = []
    if attainment.partial:
        sentences.append(
            _("Note: {quarter} is only partly covered by the data, so it looks short.").format(
                quarter=label
            )
        )
    if not total["has_target"]:
        sentences.append(
            _("Revenue in {quarter} was {revenue}; no target was set.").format(
                quarter=label, revenue=money(total["actual"])
            )
        )
        return present.sentences(sentences)
    gap = float(total["gap"])
    apart = float(total["untargeted"])
    head = (
        _("Revenue in {quarter} was {actual} against a target of {target} ({attainment})")
        if apart == 0
        else _(
            "Sales with a target in {quarter} were {actual} against a target of {target} "
            "({attainment})"
        )
    )
    if gap < 0:
        tail = _(", a shortfall of {gap}.")
    elif gap > 0:
        tail = (
            _(": they beat the target by {gap}.") if apart else _(": it beat its target by {gap}.")
        )
    else:
        tail = _(": exactly on target.")
    sentences.append(
        head.format(
            quarter=label,
            actual=money(total["targeted"]),
            target=money(total["target"]),
            attainment=present.percent(total["attainment"]),
        )
        + tail.format(gap=money(abs(gap)))
    )
    if apart:
        sentences.append(
            _("With {apart} sold without a target, shown apart, revenue was {actual}.").format(
                apart=money(apart), actual=money(total["actual"])
            )
        )
    if pd.notna(total["quantity_attainment"]):
        sentences.append(
            # {units} and {target} are there for translations that name the counts
            _("Units reached {attainment} of the unit target.").format(
                attainment=present.percent(total["quantity_attainment"]),
                units=present.units(total["targeted_quantity"]),
                target=present.units(total["target_quantity"]),
            )
        )

    rows = table.loc[table["level"] == "channel"]
    sentences += _count(rows, money)
    if gap != 0:
        sentences += _drivers(rows, bridge, drilldown, gap, channels, money)
    sentences += untargeted_sentences(rows, money)
    effects = bridge.total()
    parts = [
        _("{effect} {amount}").format(effect=_(EFFECT_WORDS[key]), amount=signed(effects[key]))
        for key in EFFECTS
        if key in _ALWAYS or (key != "untargeted" and effects[key] != 0)
    ]
    sentences.append(_("Across the company: {effects}.").format(effects=_(", ").join(parts)))
    sentences += _baseline(bridge, money)
    return present.sentences(sentences)


def _drivers(
    rows: pd.DataFrame,
    bridge: Bridge,
    drilldown: Drilldown | None,
    gap: float,
    channels: int,
    money: Callable[[float], str],
) -> list[str]:
    """The channels behind the gap, and those that went the other way."""
    effects = bridge.table.set_index("channel")
    movers = rows.loc[rows["has_target"] & ((rows["gap"] < 0) if gap < 0 else (rows["gap"] > 0))]
    movers = movers.reindex(movers["gap"].abs().sort_values(ascending=False).index)
    out = []
    for _row, row in movers.head(channels).iterrows():
        name = row["channel"]
        text = (
            _("{channel}, at {attainment} of its target, explains {part} of the {gap} shortfall")
            if gap < 0
            else _(
                "{channel}, at {attainment} of its target, explains {part} of the {gap} by "
                "which the target was beaten"
            )
        ).format(
            channel=name,
            attainment=present.percent(row["attainment"]),
            part=money(abs(row["gap"])),
            gap=money(abs(gap)),
        )
        effect = _main_effect(effects.loc[name], row["gap"])
        if effect:
            key, value = effect
            text += _(", mostly {effect} ({amount})").format(
                effect=_(PHRASES[key][value > 0]), amount=money(abs(value))
            )
        where = _main_segment(drilldown, name, row["gap"])
        if where is not None:
            text += _(", above all in {segment} ({amount})").format(
                segment=where["segment"], amount=money(abs(where["gap"]))
            )
        out.append(text + _("."))
    others = rows.loc[rows["has_target"] & ((rows["gap"] > 0) if gap < 0 else (rows["gap"] < 0))]
    if len(others) > LISTED:
        largest = others.loc[others["gap"].abs().idxmax()]
        text = (
            _(
                "Against that, {n} channels beat their targets, by {total} in all; the largest, "
                "{channel}, by {amount}."
            )
            if gap < 0
            else _(
                "Meanwhile, {n} channels missed their targets, by {total} in all; the largest, "
                "{channel}, by {amount}."
            )
        )
        out.append(
            text.format(
                n=len(others),
                total=money(abs(others["gap"].sum())),
                channel=largest["channel"],
                amount=money(abs(largest["gap"])),
            )
        )
    elif len(others):
        if gap < 0:
            text = n_(
                "Against that, {names} beat its target by {amounts}.",
                "Against that, {names} beat their targets by {amounts}.",
                len(others),
            )
        else:
            text = n_(
                "Meanwhile, {names} missed its target by {amounts}.",
                "Meanwhile, {names} missed their targets by {amounts}.",
                len(others),
            )
        names = _join([str(c) for c in others["channel"]])
        amounts = _join([money(abs(v)) for v in others["gap"]])
        out.append(text.format(names=names, amounts=amounts))
    return out


def _count(rows: pd.DataFrame, money: Callable[[float], str]) -> list[str]:
    """With many channels, how many missed and the largest shortfall (the table lists them all)."""
    targeted = rows.loc[rows["has_target"]]
    if len(targeted) <= LISTED:
        return []
    short = targeted.loc[targeted["gap"] < 0]
    text = _("{missed} of {channels} channels with a target missed it").format(
        missed=len(short), channels=len(targeted)
    )
    if len(short):
        worst = short.loc[short["gap"].idxmin()]
        text += _("; the largest shortfall, {channel}, was {amount}").format(
            channel=worst["channel"], amount=money(-worst["gap"])
        )
    return [text + _(" (every channel is in the table below).")]


def untargeted_sentences(rows: pd.DataFrame, money: Callable[[float], str]) -> list[str]:
    """One sentence on the channels that sold without a target, and one on channels whose
    targets cover only part of their sales (the largest named, the rest counted)."""
    out = []
    whole = rows.loc[~rows["has_target"] & (rows["untargeted"] != 0)]
    part = rows.loc[rows["has_target"] & (rows["untargeted"] != 0)]
    for frame, single, several in (
        (whole, _("{channel} sold {amount} without a target."),
         _("{n} channels sold {amount} without a target: {names}.")),
        (part, _("{channel} sold {amount} outside the segments its targets are set for."),
         _("{n} channels sold {amount} outside the segments their targets are set for: {names}.")),
    ):  # fmt: skip
        if frame.empty:
            continue
        if len(frame) == 1:
            row = frame.iloc[0]
            out.append(single.format(channel=row["channel"], amount=money(row["untargeted"])))
            continue
        frame = frame.reindex(frame["untargeted"].abs().sort_values(ascending=False).index)
        shown = frame.head(2) if len(frame) > 3 else frame
        named = [
            _("{channel} {amount}").format(channel=r["channel"], amount=money(r["untargeted"]))
            for _row, r in shown.iterrows()
        ]
        if len(frame) > 3:
            named.append(_("{n} others").format(n=len(frame) - 2))
        total = money(frame["untargeted"].sum())
        out.append(several.format(n=len(frame), amount=total, names=_join(named)))
    return out


def _main_effect(row: pd.Series, gap: float) -> tuple[str, float] | None:
    """The largest effect of a channel pulling the same way as its gap."""
    values = {k: float(row[k]) for k in PHRASES if (row[k] < 0 if gap < 0 else row[k] > 0)}
    if not values:
        return None
    key = max(values, key=lambda k: abs(values[k]))
    return key, values[key]


def _main_segment(drilldown: Drilldown | None, channel: str, gap: float) -> pd.Series | None:
    """The segment (first dimension of the drill-down) with the largest gap the channel's way."""
    if drilldown is None or drilldown.cents.empty:
        return None
    table = drilldown.table
    table = table.loc[(table["channel"] == channel) & (table["segment"] != "(unallocated)")]
    if table.empty:
        return None
    table = table.loc[table["dimension"] == table["dimension"].iloc[0]]
    table = table.loc[(table["gap"] < 0) if gap < 0 else (table["gap"] > 0)]
    if table.empty:
        return None
    return table.loc[table["gap"].abs().idxmax()]


def _baseline(bridge: Bridge, money: Callable[[float], str]) -> list[str]:
    table = bridge.table
    rows = table.iloc[:-1]
    baseline = present.quarter(bridge.baseline)
    if bridge.mode == "prior_year":
        asked = -float(table.iloc[-1]["growth_asked"])
        text = (
            _(
                "The bridge compares with {baseline}, the same quarter a year earlier: the target "
                "asked for {amount} more than {baseline} (net of returns)."
            )
            if asked >= 0
            else _(
                "The bridge compares with {baseline}, the same quarter a year earlier: the target "
                "asked for {amount} less than {baseline} (net of returns)."
            )
        )
        return [text.format(baseline=baseline, amount=money(abs(asked)))]
    fallback = rows.loc[rows["reference"] == "prior_year", "channel"]
    if len(fallback):
        names = [str(c) for c in fallback]
        text = n_(
            "{names} had no unit target, so its bridge compares with {baseline}, the same quarter "
            "a year earlier.",
            "{names} had no unit target, so their bridge compares with {baseline}, the same "
            "quarter a year earlier.",
            len(names),
        )
        shown = _("{n} channels").format(n=len(names)) if len(names) > LISTED else _join(names)
        return [text.format(names=shown, baseline=baseline)]
    return []


def _join(items: list[str]) -> str:
    """``a, b and c`` (in Chinese ``a、b和c``)."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])

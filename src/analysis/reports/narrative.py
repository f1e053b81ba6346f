"""A few plain sentences on a quarter's target: how far off, which channels, why, and where.

Every number is taken from the attainment, bridge and drill-down tables and formatted with
:mod:`~analysis.reports.present` (short money, one-decimal percentages), so a reader can find
each in the tables. The text is plain (not HTML): the notebook escapes it (``present.paragraph``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.reports import present
from analysis.targets.attainment import Attainment
from analysis.targets.bridge import Bridge
from analysis.targets.bridge_effects import EFFECTS
from analysis.targets.drilldown import Drilldown

#: How an effect reads, by its sign (negative, positive).
PHRASES = {
    "volume": ("lower volume", "higher volume"),
    "product_mix": ("a weaker product mix", "a richer product mix"),
    "price": ("lower prices", "higher prices"),
    "returns": ("more returns than expected", "fewer returns than expected"),
    "growth_asked": ("the growth the target asked for", "a target below the year before"),
}
#: Effects as named in the company-wide sentence.
EFFECT_WORDS = {
    "growth_asked": "growth asked by the target",
    "volume": "volume",
    "channel_mix": "channel mix",
    "product_mix": "product mix",
    "price": "price",
    "returns": "returns",
    "untargeted": "sales without target",
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
    label = attainment.period_label
    sentences = []
    if attainment.partial:
        sentences.append(f"Note: {label} is only partly covered by the data, so it looks short.")
    if not total["has_target"]:
        sentences.append(f"Revenue in {label} was {money(total['actual'])}; no target was set.")
        return " ".join(sentences)
    gap = float(total["gap"])
    apart = float(total["untargeted"])
    whole = "Revenue" if apart == 0 else "Sales with a target"
    head = (
        f"{whole} in {label} {'was' if apart == 0 else 'were'} {money(total['targeted'])} against "
        f"a target of {money(total['target'])} ({present.percent(total['attainment'])})"
    )
    if gap < 0:
        head += f", a shortfall of {money(-gap)}."
    elif gap > 0:
        head += (
            f": they beat the target by {money(gap)}."
            if apart
            else (f": it beat its target by {money(gap)}.")
        )
    else:
        head += ": exactly on target."
    sentences.append(head)
    if apart:
        sentences.append(
            f"With {money(apart)} sold without a target, shown apart, revenue was "
            f"{money(total['actual'])}."
        )
    if pd.notna(total["quantity_attainment"]):
        sentences.append(
            f"Units reached {present.percent(total['quantity_attainment'])} of the unit target."
        )

    rows = table.loc[table["level"] == "channel"]
    sentences += _count(rows, money)
    if gap != 0:
        sentences += _drivers(rows, bridge, drilldown, gap, channels, money)
    sentences += untargeted_sentences(rows, money)
    effects = bridge.total()
    parts = [
        f"{EFFECT_WORDS[key]} {signed(effects[key])}"
        for key in EFFECTS
        if key in _ALWAYS or (key != "untargeted" and effects[key] != 0)
    ]
    sentences.append("Across the company: " + ", ".join(parts) + ".")
    sentences += _baseline(bridge, money)
    return " ".join(sentences)


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
    for _, row in movers.head(channels).iterrows():
        name = row["channel"]
        whole = (
            f"the {money(abs(gap))} shortfall"
            if gap < 0
            else f"the {money(abs(gap))} by which the target was beaten"
        )
        text = (
            f"{name}, at {present.percent(row['attainment'])} of its target, explains "
            f"{money(abs(row['gap']))} of {whole}"
        )
        effect = _main_effect(effects.loc[name], row["gap"])
        if effect:
            key, value = effect
            text += f", mostly {PHRASES[key][value > 0]} ({money(abs(value))})"
        where = _main_segment(drilldown, name, row["gap"])
        if where is not None:
            text += f", above all in {where['segment']} ({money(abs(where['gap']))})"
        out.append(text + ".")
    others = rows.loc[rows["has_target"] & ((rows["gap"] > 0) if gap < 0 else (rows["gap"] < 0))]
    lead = "Against that" if gap < 0 else "Meanwhile"
    if len(others) > LISTED:
        largest = others.loc[others["gap"].abs().idxmax()]
        verb = "beat their targets" if gap < 0 else "missed their targets"
        out.append(
            f"{lead}, {len(others)} channels {verb}, by {money(abs(others['gap'].sum()))} in all; "
            f"the largest, {largest['channel']}, by {money(abs(largest['gap']))}."
        )
    elif len(others):
        verb = "beat their targets by" if gap < 0 else "missed their targets by"
        if len(others) == 1:
            verb = verb.replace("their targets", "its target")
        names = _join([str(c) for c in others["channel"]])
        amounts = _join([money(abs(v)) for v in others["gap"]])
        out.append(f"{lead}, {names} {verb} {amounts}.")
    return out


def _count(rows: pd.DataFrame, money: Callable[[float], str]) -> list[str]:
    """With many channels, how many missed and the largest shortfall (the table lists them all)."""
    targeted = rows.loc[rows["has_target"]]
    if len(targeted) <= LISTED:
        return []
    short = targeted.loc[targeted["gap"] < 0]
    text = f"{len(short)} of {len(targeted)} channels with a target missed it"
    if len(short):
        worst = short.loc[short["gap"].idxmin()]
        text += f"; the largest shortfall, {worst['channel']}, was {money(-worst['gap'])}"
    return [text + " (every channel is in the table below)."]


def untargeted_sentences(rows: pd.DataFrame, money: Callable[[float], str]) -> list[str]:
    """One sentence on the channels that sold without a target, and one on channels whose
    targets cover only part of their sales (the largest named, the rest counted)."""
    out = []
    whole = rows.loc[~rows["has_target"] & (rows["untargeted"] != 0)]
    part = rows.loc[rows["has_target"] & (rows["untargeted"] != 0)]
    for frame, single, several in (
        (whole, "{} sold {} without a target", "{} channels sold {} without a target: {}"),
        (part, "{} sold {} outside the segments its targets are set for",
         "{} channels sold {} outside the segments their targets are set for: {}"),
    ):  # fmt: skip
        if frame.empty:
            continue
        if len(frame) == 1:
            row = frame.iloc[0]
            out.append(single.format(row["channel"], money(row["untargeted"])) + ".")
            continue
        frame = frame.reindex(frame["untargeted"].abs().sort_values(ascending=False).index)
        named = [f"{r['channel']} {money(r['untargeted'])}" for _, r in frame.head(2).iterrows()]
        if len(frame) > 3:
            named.append(f"{len(frame) - 2} others")
        else:
            named = [f"{r['channel']} {money(r['untargeted'])}" for _, r in frame.iterrows()]
        total = money(frame["untargeted"].sum())
        out.append(several.format(len(frame), total, _join(named)) + ".")
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
    if bridge.mode == "prior_year":
        asked = -float(table.iloc[-1]["growth_asked"])
        return [
            f"The bridge compares with {bridge.baseline}, the same quarter a year earlier: the "
            f"target asked for {money(abs(asked))} "
            + ("more than" if asked >= 0 else "less than")
            + f" {bridge.baseline} (net of returns)."
        ]
    fallback = rows.loc[rows["reference"] == "prior_year", "channel"]
    if len(fallback):
        names = [str(c) for c in fallback]
        return [
            (f"{len(names)} channels" if len(names) > LISTED else _join(names))
            + " had no unit target, so "
            + ("its" if len(fallback) == 1 else "their")
            + f" bridge compares with {bridge.baseline}, the same quarter a year earlier."
        ]
    return []


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

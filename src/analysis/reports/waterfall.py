"""Charts of a target miss: waterfalls from target to actual, and attainment by channel.

Readable in black and white: increases and decreases differ in hatch as well as colour, every bar
has its value written on it, and the 100 % line is dashed. Fonts, TeX settings and money axes
come from :mod:`analysis.reports.style`. Every function returns a Figure and never calls
``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis.core.i18n import _
from analysis.reports import present, style
from analysis.reports.charts import TOP
from analysis.targets.attainment import Attainment
from analysis.targets.bridge import EFFECT_LABELS, Bridge
from analysis.targets.bridge_effects import EFFECTS

_UP = {"color": "#9ecae1", "hatch": "///", "edgecolor": "black"}
_DOWN = {"color": "#fc9272", "hatch": "\\\\\\", "edgecolor": "black"}
_ENDS = {"color": "white", "hatch": "", "edgecolor": "black"}


def waterfall(
    start: tuple[str, float],
    steps: Sequence[tuple[str, float]],
    end: tuple[str, float],
    *,
    title: str,
    currency: str,
) -> Figure:
    """Bars from ``start`` through the signed ``steps`` to ``end`` (``(label, value)`` pairs)."""
    style.use()
    labels = [start[0], *(s[0] for s in steps), end[0]]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(labels) + 1.5), 4.4), layout="constrained")
    level = start[1]
    _bar(ax, 0, 0.0, start[1], _ENDS, present.money(start[1], currency, short=True))
    for x, (_label, value) in enumerate(steps, start=1):
        look = _UP if value >= 0 else _DOWN
        text = ("+" if value > 0 else "") + present.money(value, currency, short=True)
        _bar(ax, x, level, value, look, text)
        ax.plot([x - 1.4, x + 0.4], [level, level], color="black", linewidth=0.6, linestyle=":")
        level += value
    x = len(labels) - 1
    ax.plot([x - 1.4, x - 0.4], [level, level], color="black", linewidth=0.6, linestyle=":")
    _bar(ax, x, 0.0, end[1], _ENDS | {"hatch": "..."}, present.money(end[1], currency, short=True))
    ax.set_xticks(range(len(labels)), [str(v) for v in labels], rotation=30, ha="right")
    style.money_axis(ax, currency)
    low = min(0.0, *np.cumsum([start[1], *(s[1] for s in steps)]), end[1])
    high = max(0.0, *np.cumsum([start[1], *(s[1] for s in steps)]), end[1])
    zoom = _zoom(start[1], end[1], steps)
    if zoom is not None:
        ax.set_ylim(*zoom)
        start_at = present.money(zoom[0], currency, short=True)
        ax.set_ylabel(_("axis starts at {amount}").format(amount=start_at), fontsize=8)
    else:
        ax.set_ylim(low - 0.08 * (high - low or 1), high + 0.08 * (high - low or 1))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(title, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _zoom(
    start: float, end: float, steps: Sequence[tuple[str, float]]
) -> tuple[float, float] | None:
    """Y range that shows the steps when they are small against the totals (both ends > 0)."""
    levels = np.cumsum([start, *(s[1] for s in steps)])
    if start <= 0 or end <= 0 or levels.min() <= 0:
        return None
    low, high = float(min(levels.min(), end)), float(max(levels.max(), end))
    span = high - low
    if span <= 0 or low < 2 * span:
        return None
    return (low - 1.5 * span, high + 0.4 * span)


def _bar(ax, x: float, bottom: float, value: float, look: dict, text: str) -> None:
    ax.bar(x, value, bottom=bottom, width=0.8, linewidth=0.8, **look)
    top = bottom + value
    ax.annotate(
        text,
        (x, max(top, bottom) if value >= 0 else min(top, bottom)),
        xytext=(0, 3 if value >= 0 else -3),
        textcoords="offset points",
        ha="center",
        va="bottom" if value >= 0 else "top",
        fontsize=8,
    )


def channel_waterfall(bridge: Bridge, currency: str, *, title: str | None = None) -> Figure:
    """Total target -> each targeted channel's gap (the ``TOP`` largest, the rest as one) ->
    the targeted sales; channels without a target are named under the chart, not bars."""
    table = bridge.table
    channels, total = table.iloc[:-1], table.iloc[-1]
    targeted = channels.loc[channels["has_target"]]
    order = targeted["gap"].abs().sort_values(ascending=False, kind="stable").index
    shown = targeted.loc[order[: TOP - 1] if len(order) > TOP else order]
    steps = [(str(row["channel"]), float(row["gap"])) for _row, row in shown.iterrows()]
    if len(order) > TOP:
        rest = targeted.loc[order[TOP - 1 :], "gap"]
        steps.append((_("Other ({n})").format(n=len(rest)), float(rest.sum())))
    fig = waterfall(
        (_("Target"), _value(total["target"])),
        steps,
        (_("Targeted sales"), float(total["actual"]) - float(total["untargeted"])),
        title=title
        or _("{quarter}: from target to targeted sales by channel").format(
            quarter=f"{bridge.quarter}{_marked(bridge.marker)}"
        ),
        currency=currency,
    )
    _apart(fig, channels.loc[~channels["has_target"]], currency)
    return fig


def effect_waterfall(
    bridge: Bridge, currency: str, *, title: str | None = None, keep_zero: bool = False
) -> Figure:
    """Total target -> the effects (volume, mixes, price, returns, ...) -> the targeted sales.

    Effects that are exactly 0 (growth asked against the target) are left out unless
    ``keep_zero``; sales without a target are named under the chart, not a step.
    """
    table = bridge.table
    total = table.iloc[-1]
    steps = [
        (_(EFFECT_LABELS[e]), float(total[e]))
        for e in EFFECTS
        if e != "untargeted" and (keep_zero or total[e] != 0)
    ]
    fig = waterfall(
        (_("Target"), _value(total["target"])),
        steps,
        (_("Targeted sales"), float(total["actual"]) - float(total["untargeted"])),
        title=title
        or _("{quarter}: from target to targeted sales by effect").format(
            quarter=f"{bridge.quarter}{_marked(bridge.marker)}"
        ),
        currency=currency,
    )
    _apart(fig, table.iloc[:-1].loc[~table.iloc[:-1]["has_target"]], currency)
    return fig


def _apart(fig: Figure, untargeted, currency: str) -> None:
    """Name the sales without a target under a chart (at most three names, then a count)."""
    sold = untargeted.loc[untargeted["actual"] != 0]
    if sold.empty:
        return
    names = [f"{r['channel']} {present.money(r['actual'], currency, short=True)}"
             for _row, r in sold.head(3).iterrows()]  # fmt: skip
    if len(sold) > 3:
        names.append(_("{n} more").format(n=len(sold) - 3))
    fig.axes[0].set_xlabel(
        _("Sold without a target, not in the bridge: {names}").format(names=_(", ").join(names)),
        fontsize=8,
        loc="left",
    )


def _marked(marker: str) -> str:
    """`` (partial: data to 2025-11-15)`` after a quarter the data cover in part, else ''."""
    return f" ({marker})" if marker else ""


def _value(amount: object) -> float:
    return 0.0 if amount is None or amount != amount else float(amount)


def attainment_bars(attainment: Attainment, *, title: str | None = None) -> Figure:
    """Attainment % per channel and in total, with the 100 % line; untargeted channels listed."""
    style.use()
    table = attainment.table
    table = table.loc[table["level"].isin(["channel", "total"])]
    shown = table.loc[table["has_target"] & table["attainment"].notna()]
    channels, total = shown.loc[shown["level"] == "channel"], shown.loc[shown["level"] == "total"]
    if len(channels) > TOP:  # the worst TOP - 1 by name, the rest as one bar
        channels = channels.sort_values("attainment", kind="stable")
        rest = channels.iloc[TOP - 1 :]
        other = rest.iloc[:1].assign(
            channel=_("Other ({n})").format(n=len(rest)),
            attainment=float(rest["targeted"].sum()) / float(rest["target"].sum()),
        )
        channels = pd.concat([channels.iloc[: TOP - 1], other])
    shown = pd.concat([channels, total]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(shown) + 1.6), layout="constrained")
    values = shown["attainment"].to_numpy(dtype="float64")
    for y, (value, is_total) in enumerate(zip(values, shown["level"] == "total", strict=True)):
        look = dict(_UP if value >= 1 else _DOWN)
        if is_total:
            look |= {"linewidth": 1.8}
        ax.barh(y, value, height=0.6, **({"linewidth": 0.8} | look))
        ax.annotate(
            present.percent(value),
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(shown)), [str(c) for c in shown["channel"]])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    right = max([1.0, *values]) if len(values) else 1.0
    ax.set_xlim(0, right * 1.15)
    missing = [str(c) for c in table.loc[~table["has_target"], "channel"]]
    if missing:
        more = [_("{n} more").format(n=len(missing) - 3)] if len(missing) > 3 else []
        named = _(", ").join(missing[:3] + more)
        ax.set_xlabel(_("No target: {names}").format(names=named), fontsize=8, loc="left")
    period = f"{attainment.period_label}{_marked(attainment.marker)}"
    ax.set_title(title or _("{period}: attainment of target").format(period=period), loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig

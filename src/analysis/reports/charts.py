"""Charts for the reports: matplotlib, readable in black and white (hatches as well as colours).

Every chart takes its look from :mod:`analysis.reports.style` (fonts with the CJK fallback, money
axes, quarter labels with partial quarters marked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.core.i18n import _
from analysis.reports import present, style

#: Segments a bar chart shows by name; the smaller ones are one bar, "Other (n)".
TOP = 12


def stacked_trend(wide: pd.DataFrame, title: str, currency: str) -> Figure:
    """Stacked bars of revenue per quarter (rows, labelled ``2025Q1``) by segment (columns), with
    the total on top; quarters in ``wide.attrs["partial"]`` (label → extent) are marked."""
    style.use()
    partial = wide.attrs.get("partial", {})
    wide = wide.set_axis(style.quarter_labels(list(wide.index), partial))
    fig, ax = plt.subplots(figsize=(10, 4.2), layout="constrained")
    bottom_pos = pd.Series(0.0, index=wide.index)
    bottom_neg = pd.Series(0.0, index=wide.index)
    colours = plt.get_cmap("tab10").colors
    for i, col in enumerate(wide.columns):
        values = wide[col]
        base = bottom_pos.where(values >= 0, bottom_neg)
        ax.bar(
            wide.index,
            values,
            bottom=base,
            label=str(col),
            color=colours[i % len(colours)],
            hatch=style.HATCHES[i % len(style.HATCHES)],
            edgecolor="black",
            linewidth=0.4,
        )
        bottom_pos = bottom_pos + values.clip(lower=0)
        bottom_neg = bottom_neg + values.clip(upper=0)
    totals = wide.sum(axis=1)
    for x, total in zip(wide.index, totals, strict=True):
        ax.annotate(
            present.money(total, currency, short=True),
            (x, bottom_pos[x]),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_title(title, loc="left")
    style.money_axis(ax, currency)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    style.partial_note(fig, partial)
    return fig


def year_on_year(
    table: pd.DataFrame, by: str, title: str, currency: str, now_label: str, prior_label: str
) -> Figure:
    """Paired horizontal bars: each segment this quarter against the same quarter a year earlier;
    beyond ``TOP`` segments (largest first in ``table``) the rest are one bar, ``Other (n)``."""
    rows = table.loc[table[by] != "Total"]
    if len(rows) > TOP:
        rest = rows.iloc[TOP - 1 :]
        other = {by: _("Other ({n})").format(n=len(rest)), "revenue": rest["revenue"].sum(),
                 "prior": rest["prior"].sum(min_count=1)}  # fmt: skip
        rows = pd.concat([rows.iloc[: TOP - 1], pd.DataFrame([other])], ignore_index=True)
    rows = rows.iloc[::-1]
    style.use()
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.4), layout="constrained")
    pos = range(len(rows))
    ax.barh(
        [p + 0.2 for p in pos],
        rows["prior"].fillna(0),
        height=0.4,
        label=prior_label,
        color="white",
        edgecolor="black",
        hatch="///",
    )
    ax.barh(
        [p - 0.2 for p in pos],
        rows["revenue"],
        height=0.4,
        label=now_label,
        color="#1f77b4",
        edgecolor="black",
    )
    ax.set_yticks(list(pos), [str(v) for v in rows[by]])
    style.money_axis(ax, currency, axis="x")
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def revenue_bars(
    quarters: Sequence[str], revenue: Sequence[float], partial: Mapping[str, str], currency: str
) -> Figure:
    """A small chart of revenue per quarter (the landing page's), the last quarter dark; partial
    quarters hatched and marked."""
    style.use()
    fig, ax = plt.subplots(figsize=(6, 2.2), layout="constrained")
    last = len(quarters) - 1
    for i, (label, value) in enumerate(zip(quarters, revenue, strict=True)):
        colour = "#1f5f99" if i == last else "#a9c4de"
        hatch = "///" if label in partial else ""
        ax.bar(i, value, width=0.7, color=colour, edgecolor="black", linewidth=0.4, hatch=hatch)
    ax.set_xticks(range(len(quarters)), style.quarter_labels(quarters, partial), fontsize=8)
    style.money_axis(ax, currency)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(_("Revenue per quarter"), loc="left", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    style.partial_note(fig, partial)
    return fig


def show(fig: Figure, alt: str | None = None) -> None:
    """Display a chart in the notebook as PNG with a text alternative (default: its title)."""
    from IPython.display import display

    if alt is None:
        titles = [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes]
        alt = next((t for t in titles if t), _("Chart"))
    png = style.png(fig)
    display({"image/png": png}, raw=True, metadata={"image/png": {"alt": alt}})

"""Charts for the reports: matplotlib, readable in black and white (hatches as well as colours)."""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.i18n import _
from analysis.reports import present
from analysis.reports.fonts import use_style

_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
#: Segments a bar chart shows by name; the smaller ones are one bar, "Other (n)".
TOP = 12


def _money_axis(ax: Axes, currency: str, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda v, _: present.tick(v, currency))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def stacked_trend(wide: pd.DataFrame, title: str, currency: str) -> Figure:
    """Stacked bars of revenue per quarter (rows) by segment (columns), with the total on top."""
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
            hatch=_HATCHES[i % len(_HATCHES)],
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
    _money_axis(ax, currency)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
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
    _money_axis(ax, currency, axis="x")
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def use_report_style() -> str | None:
    """Matplotlib settings for report charts: names from the data are never read as TeX (``$``),
    and Chinese names are drawn with the CJK font when one is installed (its family, or None)."""
    family = use_style()
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titlesize": 11})
    return family


def show(fig: Figure, alt: str | None = None) -> None:
    """Display a chart in the notebook as PNG with a text alternative (default: its title)."""
    from IPython.display import display

    if alt is None:
        titles = [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes]
        alt = next((t for t in titles if t), _("Chart"))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    display({"image/png": png}, raw=True, metadata={"image/png": {"alt": alt}})

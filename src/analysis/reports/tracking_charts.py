"""Charts of the tracking report: the quarter so far against its phased target, where each
channel is expected to land, and how that estimate moved week by week."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.i18n import _
from analysis.reports import present, style


def _money(ax: Axes, currency: str, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda v, _pos: present.money(v, currency, short=True))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _finish(ax: Axes, title: str, currency: str, axis: str = "y") -> None:
    ax.set_title(title, loc="left")
    _money(ax, currency, axis)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)


def progress_chart(
    weeks: pd.DataFrame, start: pd.Timestamp, as_of: pd.Timestamp, currency: str, title: str
) -> Figure:
    """Cumulative sales of the targeted channels at the end of each week (the week under way at
    the as-of date) against the cumulative phased target, from 0 on the quarter's first day
    (:func:`analysis.reports.tracking.week_rows`)."""
    style.use()
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    ends = pd.to_datetime(weeks["week_end"])
    origin = pd.Series([pd.Timestamp(start) - pd.Timedelta(days=1)])
    ax.plot(pd.concat([origin, ends]), [0.0, *weeks["sum_target"]], color="black",
            linestyle="--", marker=".", label=_("Target, cumulative"))  # fmt: skip
    sold = weeks["week_actual"].notna().to_numpy()
    when = ends.where(ends <= as_of, as_of)[sold]
    ax.plot(pd.concat([origin, when]), [0.0, *weeks.loc[sold, "sum_actual"]], linewidth=2,
            marker="o", label=_("Sold, cumulative"))  # fmt: skip
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    _finish(ax, title, currency)
    return fig


def landing_chart(nowcast: pd.DataFrame, currency: str, title: str) -> Figure:
    """Each channel's sales to date, the expected rest with its 80 % and 95 % ranges, and the
    target as a mark (``nowcast.csv``'s rows, the total left out: it would dwarf the rest)."""
    rows = nowcast.loc[nowcast["channel"] != "Total"].iloc[::-1]
    style.use()
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rows) + 1.4), layout="constrained")
    y = np.arange(len(rows))
    ax.barh(y, rows["actual_to_date"], color="#4c72b0", label=_("Sold to date"))
    ax.barh(y, rows["forecast_rest"], left=rows["actual_to_date"], color="#a6bddb",
            hatch="///", edgecolor="white", label=_("Expected in the rest"))  # fmt: skip
    for lo, hi, width, label in (("lo_95", "hi_95", 1, _("95 % range")),
                                 ("lo_80", "hi_80", 3, _("80 % range"))):  # fmt: skip
        ax.hlines(y, rows[lo], rows[hi], color="black", linewidth=width, label=label)
    ax.scatter(rows["target"], y, marker="|", s=400, color="#c44e52", zorder=3, label=_("Target"))
    ax.set_yticks(y, [str(c) for c in rows["channel"]])
    _finish(ax, title, currency, axis="x")
    return fig


def movement_chart(history: pd.DataFrame, currency: str, title: str) -> Figure:
    """The expected landing of each weekly run (all channels, with the 80 % range; the targeted
    channels) against the target (:func:`analysis.reports.nowcast_history.moved`)."""
    style.use()
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    x = pd.to_datetime(history["as_of"])
    ax.fill_between(x, history["lo_80"], history["hi_80"], alpha=0.25, label=_("80 % range"))
    ax.plot(x, history["forecast_total"], marker="o", label=_("Expected landing, all channels"))
    if history["targeted"].notna().any():
        ax.plot(x, history["targeted"], marker="s",
                label=_("Expected landing, targeted channels"))  # fmt: skip
        ax.plot(x, history["target"], color="black", linewidth=1, linestyle="--",
                label=_("Their target"))  # fmt: skip
    ax.plot(x, history["actual_to_date"], marker=".", linestyle=":", label=_("Sold to date"))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    _finish(ax, title, currency)
    return fig

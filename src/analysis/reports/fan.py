"""Fan charts: history, forecast mean and shaded prediction intervals, one panel per series.

Readable in black and white: the history is a solid black line, the forecast a dashed black line
with open circles, and the intervals grey bands (the widest lightest) with their edges drawn, so
the bands stay apart on a grey-scale printout. Names from the data are never read as TeX (``$``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar
from analysis.forecasting import short
from analysis.reports import present, style

#: Grey of each band, from the widest interval inwards.
_GREYS = ("0.86", "0.68", "0.54", "0.42")
_EDGES = (":", "--", "-.", "-")
MAX_PANELS = 24


def fan_chart(
    history: pd.DataFrame,
    forecasts: pd.DataFrame,
    *,
    ids: Sequence[str] | None = None,
    level: Sequence[int] | None = None,
    currency: str | None = None,
    title: str | None = None,
    last_quarters: int | None = 16,
    ncols: int = 2,
    calendar: FiscalCalendar | None = None,
) -> Figure:
    """A fan chart per series: ``history`` (``unique_id, ds, y``) then ``forecasts``.

    ``forecasts`` has ``unique_id, ds, mean`` and ``lo-<l>, hi-<l>`` for each level in ``level``
    (default: every level present). ``ids`` chooses and orders the series (default: all in
    ``forecasts``, at most ``MAX_PANELS``); ``last_quarters`` limits the history shown (``None``:
    all); ``currency`` formats the axis as money. Returns the Figure without showing it. With
    the forecaster's ``history`` column, the panel of a series with a short history says so
    above its fan (:mod:`analysis.forecasting.short`). The time axis reads in quarters of
    ``calendar`` (default: calendar quarters), ``2025Q1``.
    """
    calendar = calendar or FiscalCalendar()
    if ids is None:
        ids = list(dict.fromkeys(forecasts["unique_id"]))
    ids = [str(i) for i in ids]
    if not ids:
        raise ValueError("no series to draw")
    if len(ids) > MAX_PANELS:
        raise ValueError(f"{len(ids)} series are too many for one chart (at most {MAX_PANELS})")
    available = sorted(
        {c[3:] for c in forecasts.columns if c.startswith("lo-") and f"hi-{c[3:]}" in forecasts},
        key=float,
    )
    if level is None:
        levels = available
    else:
        levels = [str(v) for v in level]
        missing = [v for v in levels if v not in available]
        if missing:
            raise ValueError(f"the forecasts have no interval at level(s) {', '.join(missing)}")
    widest_first = sorted(levels, key=float, reverse=True)

    ncols = max(1, min(ncols, len(ids)))
    nrows = math.ceil(len(ids) / ncols)
    style.use()
    with plt.rc_context({"text.parse_math": False}):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(5.2 * ncols, 2.9 * nrows + 0.6),
            layout="constrained",
            squeeze=False,
        )
        hist = history.assign(unique_id=history["unique_id"].astype(str))
        fc_all = forecasts.assign(unique_id=forecasts["unique_id"].astype(str))
        for ax, uid in zip(axes.flat, ids, strict=False):
            past = hist.loc[hist["unique_id"] == uid].sort_values("ds")
            if last_quarters is not None:
                past = past.tail(last_quarters)
            fc = fc_all.loc[fc_all["unique_id"] == uid].sort_values("ds")
            if fc.empty:
                raise ValueError(f"no forecast for series {uid!r}")
            # Bands start at the last observation so the fan opens from the history.
            anchor = past.tail(1)
            for i, name in enumerate(widest_first):
                grey = _GREYS[i % len(_GREYS)]
                x = pd.concat([anchor["ds"], fc["ds"]])
                lo = pd.concat([anchor["y"], fc[f"lo-{name}"]])
                hi = pd.concat([anchor["y"], fc[f"hi-{name}"]])
                ax.fill_between(
                    x,
                    lo,
                    hi,
                    color=grey,
                    linewidth=0,
                    label=_("{level} % interval").format(level=name),
                    zorder=1,
                )
                edge = _EDGES[i % len(_EDGES)]
                ax.plot(x, lo, color="0.3", linewidth=0.6, linestyle=edge, zorder=2)
                ax.plot(x, hi, color="0.3", linewidth=0.6, linestyle=edge, zorder=2)
            ax.plot(
                past["ds"],
                past["y"],
                color="black",
                linewidth=1.4,
                marker=".",
                label=_("history"),
                zorder=3,
            )
            ax.plot(
                pd.concat([anchor["ds"], fc["ds"]]),
                pd.concat([anchor["y"], fc["mean"]]),
                color="black",
                linewidth=1.4,
                linestyle="--",
                marker="o",
                markerfacecolor="white",
                markersize=4,
                label=_("forecast (mean)"),
                zorder=4,
            )
            ax.set_title(present.own(uid), loc="left", fontsize=10)
            if "history" in fc and short.is_short(int(fc["history"].min())):
                quarters = int(fc["history"].min())  # the forecaster's flag: say so on the fan
                ax.set_title(
                    _("only {n} quarters of history:\nuncertainty larger than shown").format(
                        n=quarters
                    ),
                    loc="right",
                    fontsize=7,
                    style="italic",
                )
            if currency:
                style.money_axis(ax, currency)
            days = list(pd.concat([past["ds"], fc["ds"]]))
            labels = [calendar.label(calendar.period(day)) for day in days]
            style.thin_ticks(ax, days, labels, most=6)
            ax.tick_params(axis="x", labelrotation=30, labelsize=8)
            ax.tick_params(axis="y", labelsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        for ax in list(axes.flat)[len(ids) :]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=len(labels),
            frameon=False,
            fontsize=8,
        )
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig

"""The customers page's charts: the bridge from a year earlier through the customers won, lost
and kept to this quarter, and the concentration of revenue over the last quarters.

Drawn in the report style (``style.use()``: CJK font, no TeX), readable in black and
white (line styles and markers as well as colours); each function returns a Figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis.core.i18n import _
from analysis.customers.bridge import EFFECTS, TOTAL
from analysis.reports import style
from analysis.reports.customer_tables import EFFECT_WORDS
from analysis.reports.customers import Customers
from analysis.reports.waterfall import waterfall


def bridge_waterfall(report: Customers) -> Figure:
    """The company's revenue a year earlier → won, lost, bought in both → this quarter."""
    review, effects = report.review, report.bridge.effects
    total = effects.loc[effects["channel"] == TOTAL].set_index("effect")["cents"]
    pairs = report.bridge.customers
    return waterfall(
        (review.shown(review.quarter - 4), pairs["prior"].sum() / 100),
        [(_(EFFECT_WORDS[e]), total[e] / 100) for e in EFFECTS],
        (review.shown(review.quarter), pairs["now"].sum() / 100),
        title=_("Revenue by customer group, {prior} to {quarter}").format(
            prior=review.prior_label, quarter=review.label
        ),
        currency=review.currency,
    )


def concentration_trend(report: Customers) -> Figure:
    """The company's share of revenue of its 10 largest customers and of its largest 20 %."""
    style.use()
    trend = report.concentration
    company = trend.loc[trend["channel"] == TOTAL]
    labels = [report.review.shown(p) for p in company["period"]]
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    styles = (("top10", _("10 largest customers"), "-", "o"),
              ("top20pct", _("Largest 20 % of customers"), "--", "s"))  # fmt: skip
    for column, label, line, marker in styles:
        ax.plot(labels, company[column], linestyle=line, marker=marker, color="black", label=label)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, 1)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.set_title(_("Share of revenue of the largest customers"), loc="left")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig

"""The customers page's tables, in currency units with plain headers: the bridge by channel, the
largest movers by name (the rest as ``Other (n)``), concentration, products inside their lines,
the price spread and the size tiers; and the sentences on products.

Every table that adds up keeps a ``Total`` row that is the bridge's or the overview's total.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.i18n import N_, _
from analysis.customers.bridge import EFFECTS, TOTAL
from analysis.customers.prices import size_tiers, spread
from analysis.customers.products import PARTS
from analysis.reports import present
from analysis.reports.customers import Customers, channel_order

#: Customers the movers table names; the others are one row, ``Other (n)``.
TOP_MOVERS = 10
#: The heading of the movers table.
MOVERS = N_("The customers whose revenue changed most")
#: The bridge's groups as a reader reads them.
EFFECT_WORDS = {"new": N_("Won"), "lost": N_("Lost"), "retained": N_("Bought in both")}


def bridge_rows(report: Customers) -> pd.DataFrame:
    """Per channel (largest first) and ``Total``: a year earlier, each group's customers and
    value, this quarter and the change; money in currency units."""
    effects = report.bridge.effects.set_index(["channel", "effect"])
    pairs = report.bridge.customers
    rows = []
    for channel in [*channel_order(report), TOTAL]:
        mine = pairs if channel == TOTAL else pairs.loc[pairs["channel"] == channel]
        row = {"channel": _(TOTAL) if channel == TOTAL else channel,
               "prior": mine["prior"].sum() / 100}  # fmt: skip
        for effect in EFFECTS:
            row[f"{effect}_n"] = int(effects.loc[(channel, effect), "customers"])
            row[effect] = effects.loc[(channel, effect), "cents"] / 100
        row["now"] = mine["now"].sum() / 100
        row["change"] = mine["change"].sum() / 100
        rows.append(row)
    return pd.DataFrame(rows)


def bridge_labels(report: Customers) -> dict[str, str]:
    review = report.review
    labels = {"channel": _("Channel"), "prior": review.shown(review.quarter - 4)}
    for effect in EFFECTS:
        labels[f"{effect}_n"] = _("{group}: customers").format(group=_(EFFECT_WORDS[effect]))
        labels[effect] = _("{group}: revenue").format(group=_(EFFECT_WORDS[effect]))
    labels |= {"now": review.shown(review.quarter), "change": _("Change")}
    return labels


def mover_rows(report: Customers, top: int = TOP_MOVERS) -> pd.DataFrame:
    """The ``top`` customers whose revenue changed most (either way), then ``Other (n)`` and
    ``Total``: customer, channel, group, this quarter, a year earlier, change."""
    pairs = report.bridge.customers
    order = pairs["change"].abs().sort_values(ascending=False, kind="stable").index
    ranked = pairs.loc[order]
    shown, rest = ranked.iloc[:top], ranked.iloc[top:]
    rows = [
        {
            "customer": r["customer"],
            "channel": r["channel"],
            "effect": _(EFFECT_WORDS[r["effect"]]),
            "now": r["now"] / 100,
            "prior": r["prior"] / 100,
            "change": r["change"] / 100,
        }
        for _i, r in shown.iterrows()
    ]
    for name, part in ((_("Other ({n})").format(n=len(rest)), rest), (_(TOTAL), pairs)):
        if name != _(TOTAL) and part.empty:
            continue
        rows.append({"customer": name, "channel": "", "effect": "",
                     **{c: part[c].sum() / 100 for c in ("now", "prior", "change")}})  # fmt: skip
    return pd.DataFrame(rows)


def mover_labels(report: Customers) -> dict[str, str]:
    review = report.review
    return {
        "customer": _("Customer"),
        "channel": _("Channel"),
        "effect": _("Customer group"),
        "now": review.shown(review.quarter),
        "prior": review.shown(review.quarter - 4),
        "change": _("Change"),
    }


def concentration_rows(report: Customers) -> pd.DataFrame:
    """Per channel and for the company: customers, the top 10's and the top 20 %'s share, this
    quarter and a year earlier (NaN when the data do not reach it)."""
    trend, period = report.concentration, report.review.quarter
    now = trend.loc[trend["period"] == period].set_index("channel")
    before = trend.loc[trend["period"] == period - 4].set_index("channel")
    order = [c for c in now.index if c != TOTAL] + [TOTAL]
    table = now.loc[order, ["customers", "top10", "top20pct"]]
    table["top10_prior"] = before["top10"].reindex(order)
    table["top20pct_prior"] = before["top20pct"].reindex(order)
    table = table.rename(index={TOTAL: _(TOTAL)})
    return table.rename_axis("channel").reset_index()


def concentration_labels(report: Customers) -> dict[str, str]:
    prior = report.review.prior_label
    return {
        "channel": _("Channel"),
        "customers": _("Customers"),
        "top10": _("Share of the 10 largest"),
        "top20pct": _("Share of the largest 20 %"),
        "top10_prior": _("10 largest, {prior}").format(prior=prior),
        "top20pct_prior": _("Largest 20 %, {prior}").format(prior=prior),
    }


def product_rows(report: Customers) -> pd.DataFrame:
    """Each product inside its line: this quarter, a year earlier, change, share of its line's
    revenue then and now, and its part of the line's mix effect (currency units)."""
    table = report.products.products.copy()
    for column in ("now", "prior", "change", "mix"):
        table[column] = table[column] / 100
    table["change_pct"] = table["change"] / table["prior"].where(table["prior"] > 0)
    columns = ["product_line", "product", "now", "prior", "change", "change_pct", "share_now",
               "share_prior", "mix"]  # fmt: skip
    return table[columns]


def product_labels(report: Customers) -> dict[str, str]:
    review = report.review
    return {
        "product_line": _("Product line"),
        "product": _("Product"),
        "now": review.shown(review.quarter),
        "prior": review.shown(review.quarter - 4),
        "change": _("Change"),
        "change_pct": _("Change %"),
        "share_now": _("Share of its line, {quarter}").format(quarter=review.label),
        "share_prior": _("Share of its line, {quarter}").format(quarter=review.prior_label),
        "mix": _("Its part of the product mix"),
    }


def line_rows(report: Customers) -> pd.DataFrame:
    """Each product line's change split into volume, product mix, price and returns, and the
    ``Total`` (the quarter's revenue of every report)."""
    lines = report.products.lines.copy()
    total = lines.drop(columns="product_line").sum()
    lines = pd.concat([lines, pd.DataFrame([{"product_line": _(TOTAL), **total}])])
    money = ["prior", *PARTS, "now", "change"]
    for column in money:
        lines[column] = lines[column] / 100
    return lines[["product_line", *money]].reset_index(drop=True)


def line_labels(report: Customers) -> dict[str, str]:
    review = report.review
    return {
        "product_line": _("Product line"),
        "prior": review.shown(review.quarter - 4),
        "volume": _("Volume"),
        "mix": _("Product mix"),
        "price": _("Price"),
        "returns": _("Returns"),
        "now": review.shown(review.quarter),
        "change": _("Change"),
    }


def product_sentences(report: Customers) -> list[str]:
    """Per product line: its change, the product that grew most and the one that fell most."""
    if report.products.one_product:
        return [_("Each product line sells a single product in these data: no product moves "
                  "inside a line.")]  # fmt: skip
    cur = report.review.currency
    products, text = product_rows(report), []
    for line, row in report.products.lines.set_index("product_line").iterrows():
        mine = products.loc[products["product_line"] == line].sort_values("change")
        parts = [_("{line}: {change}").format(line=line, change=_signed(row["change"] / 100, cur))]
        up, down = mine.iloc[-1], mine.iloc[0]
        if up["change"] > 0:
            parts.append(_("{product} grew most ({value})").format(
                product=up["product"], value=_signed(up["change"], cur)))  # fmt: skip
        if down["change"] < 0:
            parts.append(_("{product} fell most ({value})").format(
                product=down["product"], value=_signed(down["change"], cur)))  # fmt: skip
        if len(mine) > 1:
            parts.append(_("the shift between its products {value}").format(
                value=_signed(row["mix"] / 100, cur)))  # fmt: skip
        text.append(_("{parts}.").format(parts=_("; ").join(parts)))
    return text


def _signed(value: float, currency: str) -> str:
    """Short money with its sign: ``+¥0.98 M``, ``-¥0.20 M``."""
    text = present.money(value, currency, short=True)
    return "+" + text if value > 0 else text


def spread_rows(report: Customers) -> pd.DataFrame:
    return spread(report.prices)


def spread_labels(report: Customers) -> dict[str, str]:
    return {
        "product_line": _("Product line"),
        "product": _("Product"),
        "customers": _("Customers"),
        "p10": _("10th percentile"),
        "median": _("Median"),
        "p90": _("90th percentile"),
        "ratio": _("90th over 10th"),
        "low": _("Within a channel: 10th percentile"),
        "high": _("Within a channel: 90th percentile"),
    }


def tier_rows(report: Customers) -> pd.DataFrame:
    table = size_tiers(report.prices)
    return table.replace({"channel": {TOTAL: _(TOTAL)}})


def tier_labels(report: Customers) -> dict[str, str]:
    return {
        "channel": _("Channel"),
        "largest": _("Largest customers"),
        "others": _("Other customers"),
        "index_largest": _("Price index, largest"),
        "index_others": _("Price index, others"),
        "difference": _("Difference (points)"),
    }

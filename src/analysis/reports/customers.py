"""The customers report: who was won and lost, products inside their lines, and the prices customers
pay, from one :class:`~analysis.reports.review.Review`; ``customers.csv`` beside it.

Without a ``customer`` column (a large source summed per day in its database keeps only the
report dimensions) the customer sections say so in words and ``customers.csv`` has its columns
and no rows; the products inside their lines need no customer and are shown all the same. Without
a complete year-earlier quarter there is no bridge and no product comparison ("no comparison", as
in every report); concentration and prices need only the quarter itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.csv_out import write_csv
from analysis.core.i18n import N_, _
from analysis.core.parameters import Parameter
from analysis.customers.bridge import (
    TOP_CUSTOMERS,
    TOTAL,
    CustomerBridge,
    concentration,
    customer_bridge,
    top_count,
)
from analysis.customers.prices import customer_prices, size_tiers, spread
from analysis.customers.products import ProductChanges, product_changes
from analysis.reports import present
from analysis.reports.overview import revenue_by
from analysis.reports.review import COMMON, Review

PARAMETERS = (
    *COMMON,
    Parameter(
        "output_dir", str, "folder for customers.csv, empty to write nothing", run_owned=True
    ),
)
#: Columns of ``customers.csv``: one row per channel (and ``Total``) and group of the bridge.
CSV_COLUMNS = ("channel", "effect", "customers", "value")
#: Quarters of the concentration trend, the reviewed one last.
TREND_QUARTERS = 8
#: Said under the charts when no CJK font is installed.
NO_FONT = N_("No Chinese font is installed: Chinese names in charts may show as boxes.")


@dataclass(frozen=True)
class Customers:
    """Everything the customers report shows for one quarter, from the same lines.

    ``bridge`` and ``products`` are None without a comparable year-earlier quarter (and the
    bridge without customers); ``concentration`` and ``prices`` are None without customers.
    ``missing`` says in words why the customer sections are empty ('' when they are not).
    """

    review: Review
    bridge: CustomerBridge | None
    products: ProductChanges | None
    concentration: pd.DataFrame | None
    prices: pd.DataFrame | None
    missing: str

    @property
    def csv_rows(self) -> pd.DataFrame:
        """``customers.csv``: each channel's groups (largest channel first) and the total's,
        money in currency units; no rows without a bridge."""
        if self.bridge is None:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in CSV_COLUMNS})
        effects = self.bridge.effects
        order = [*channel_order(self), TOTAL]
        rank = effects["channel"].map({c: i for i, c in enumerate(order)})
        rows = effects.assign(_rank=rank).sort_values("_rank", kind="stable")
        rows = rows.assign(value=rows["cents"] / 100)
        return rows[list(CSV_COLUMNS)].reset_index(drop=True)

    def write(self, folder: Path) -> Path:
        """Write ``customers.csv`` into ``folder`` once the bridge adds up and reconciles with
        the channel revenue of the overview (an ``AssertionError`` names what does not)."""
        if self.bridge is not None:
            self.bridge.check()
            reconcile(self)
        path = Path(folder) / "customers.csv"
        write_csv(self.csv_rows, path)
        return path


def analyse(review: Review) -> Customers:
    """The customers report of ``review``'s quarter."""
    sales, calendar, period = review.dataset.sales, review.calendar, review.quarter
    has_customers = "customer" in sales.columns
    comparable = review.comparable and review.coverage.held(period - 4) is not None
    bridge = customer_bridge(sales, calendar, period) if has_customers and comparable else None
    products = product_changes(sales, calendar, period) if comparable else None
    trend = None
    prices = None
    if has_customers:
        first = max(period - (TREND_QUARTERS - 1), calendar.period(review.coverage.first))
        trend = concentration(sales, calendar, list(pd.period_range(first, period)))
        prices = customer_prices(sales, calendar, period)
    missing = "" if has_customers else no_customers()
    return Customers(review, bridge, products, trend, prices, missing)


def no_customers() -> str:
    """What the customer sections say when the sales carry no customer column."""
    return _(
        "The sales data carry no customer column (a large source is summed per day in its "
        "database without customers), so the customers won and lost, the concentration and the "
        "prices by customer cannot be shown; customers.csv is written without rows."
    )


def no_comparison(review: Review) -> str:
    """Why a section has no change on a year earlier, in the words of the other reports."""
    if review.coverage.held(review.quarter - 4) is None:
        return _(
            "There is no year-earlier quarter ({prior}) to compare with: the sales data begin "
            "on {first}."
        ).format(prior=review.prior_label, first=f"{review.coverage.first:%Y-%m-%d}")
    why = review.coverage.holds_only(review.prior_label, review.quarter - 4)
    return _("No comparison: {why}.").format(why=why)


def channel_order(report: Customers) -> list[str]:
    """Channels largest first by the quarter's revenue (as the overview lists them)."""
    if report.bridge is None:
        return []
    now = report.bridge.customers.groupby("channel")["now"].sum()
    return list(now.sort_values(ascending=False, kind="stable").index)


def reconcile(report: Customers) -> None:
    """Each channel's revenue in the bridge, this quarter and a year earlier, is the overview's to
    the cent, and so is the total; an ``AssertionError`` names the figure that differs."""
    table = revenue_by(report.review, "channel").set_index("channel")
    pairs = report.bridge.customers
    mine = pairs.groupby("channel")[["now", "prior"]].sum()
    mine.loc[TOTAL] = pairs[["now", "prior"]].sum()
    for column, theirs in (("now", "revenue"), ("prior", "prior")):
        for channel, cents in mine[column].items():
            shown = table[theirs].get(channel)
            expected = 0 if shown is None or pd.isna(shown) else round(float(shown) * 100)
            if int(cents) != expected:
                raise AssertionError(
                    f"{channel} {column}: {int(cents)} cents in the customer bridge, "
                    f"{expected} in the overview"
                )


def heading(review: Review) -> str:
    """The page's first heading (Markdown)."""
    return "## " + _("{quarter}: customers won and lost").format(quarter=review.label)


def headline(report: Customers) -> list[str]:
    """The page's opening sentences: won, lost, retained; the largest movers; concentration."""
    review, cur = report.review, report.review.currency
    sentences = []
    if review.partial:
        sentences.append(
            _("Note: {quarter} is {extent}, so its figures understate the quarter.").format(
                quarter=review.label, extent=review.coverage.marker(review.quarter)
            )
        )
    if report.missing:
        return [*sentences, report.missing]
    if report.bridge is None:
        sentences.append(no_comparison(review))
    else:
        sentences += _bridge_sentences(report.bridge, review, cur)
    sentences += _concentration_sentences(report.concentration, review)
    return sentences


def _bridge_sentences(bridge: CustomerBridge, review: Review, cur: str) -> list[str]:
    total = bridge.effects.loc[bridge.effects["channel"] == TOTAL].set_index("effect")
    change = int(total["cents"].sum())
    money = _money(cur)
    signed = _money(cur, signed=True)
    text = [
        _(
            "Against {prior}, {new} customers were won ({new_value}), {lost} were lost "
            "({lost_value}) and {kept} bought in both quarters ({kept_value}): together the "
            "change of {change} in revenue."
        ).format(
            prior=review.prior_label,
            new=int(total.loc["new", "customers"]),
            new_value=signed(int(total.loc["new", "cents"])),
            lost=int(total.loc["lost", "customers"]),
            lost_value=signed(int(total.loc["lost", "cents"])),
            kept=int(total.loc["retained", "customers"]),
            kept_value=signed(int(total.loc["retained", "cents"])),
            change=signed(change),
        )
    ]
    pairs = bridge.customers
    won = pairs.loc[pairs["effect"] == "new"].nlargest(1, "now")
    gone = pairs.loc[pairs["effect"] == "lost"].nlargest(1, "prior")
    if not won.empty:
        row = won.iloc[0]
        text.append(
            _("The largest customer won is {name} ({channel}, {value} this quarter).").format(
                name=row["customer"], channel=row["channel"], value=money(int(row["now"]))
            )
        )
    if not gone.empty:
        row = gone.iloc[0]
        text.append(
            _("The largest customer lost is {name} ({channel}, {value} in {prior}).").format(
                name=row["customer"],
                channel=row["channel"],
                value=money(int(row["prior"])),
                prior=review.prior_label,
            )
        )
    kept = pairs.loc[pairs["effect"] == "retained"]
    fell = kept.nsmallest(1, "change")
    if not fell.empty and fell.iloc[0]["change"] < 0:
        row = fell.iloc[0]
        text.append(
            _(
                "Among the customers who bought in both quarters, {name} ({channel}) fell the "
                "most: {value}."
            ).format(name=row["customer"], channel=row["channel"], value=signed(int(row["change"])))
        )
    return text


def _money(currency: str, *, signed: bool = False) -> Callable[[int], str]:
    """Cents as short money for sentences (``+¥1.63 M`` when ``signed``)."""

    def shown(cents: int) -> str:
        text = present.money(cents / 100, currency, short=True)
        return ("+" + text) if signed and cents > 0 else text

    return shown


def _concentration_sentences(trend: pd.DataFrame, review: Review) -> list[str]:
    company = trend.loc[trend["channel"] == TOTAL].set_index("period")
    if review.quarter not in company.index or pd.isna(company.loc[review.quarter, "top10"]):
        return []
    now = company.loc[review.quarter]
    first = _(
        "The {top} largest customers took {share} of the quarter's revenue, and the largest "
        "{count} of {customers} customers (the top 20 %) took {share20}."
    ).format(
        top=TOP_CUSTOMERS,
        share=present.percent(now["top10"]),
        count=top_count(int(now["customers"])),
        customers=int(now["customers"]),
        share20=present.percent(now["top20pct"]),
    )
    text = [first]
    before = review.quarter - 4
    if before in company.index and pd.notna(company.loc[before, "top10"]):
        text.append(
            _("A year earlier the {top} largest took {share}.").format(
                top=TOP_CUSTOMERS, share=present.percent(company.loc[before, "top10"])
            )
        )
    return text


def price_sentences(report: Customers) -> list[str]:
    """What the prices say: how far apart customers pay, and whether size earns a discount."""
    if report.prices is None or report.prices.empty:
        return [report.missing] if report.missing else []
    spread_table = spread(report.prices).dropna(subset=["ratio"])
    tiers = size_tiers(report.prices).set_index("channel")
    text = []
    if not spread_table.empty:
        text.append(
            _(
                "For the same product in {quarter}, the customer at the 90th percentile paid "
                "{low:.2f} to {high:.2f} times what the customer at the 10th paid; within a "
                "channel, 8 in 10 customers paid between {below} and {above} of its median price."
            ).format(
                quarter=report.review.label,
                low=spread_table["ratio"].min(),
                high=spread_table["ratio"].max(),
                below=present.percent(spread_table["low"].min(), signed=True),
                above=present.percent(spread_table["high"].max(), signed=True),
            )
        )
    if TOTAL in tiers.index and pd.notna(tiers.loc[TOTAL, "difference"]):
        row = tiers.loc[TOTAL]
        words = (
            _("size earns no better price")
            if abs(row["difference"]) < 1
            else _("the largest customers pay less")
            if row["difference"] < 0
            else _("the largest customers pay more")
        )
        text.append(
            _(
                "The largest customers (the top 20 % of each channel) paid a price index of "
                "{large:.1f} against {rest:.1f} for the others (100: each channel's median "
                "customer price): {words}."
            ).format(large=row["index_largest"], rest=row["index_others"], words=words)
        )
    return text

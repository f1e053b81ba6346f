"""Price realisation: what customers pay for the same product in the same quarter.

A customer's price for a product is its gross revenue over its gross units of that product in the
quarter (sales lines only: returns go back at the price they were sold at). The spread across
customers is read from the 10th, 50th and 90th percentiles of those prices, each customer counted
once. Whether size earns a discount is read within each channel, since a channel's price level is
policy (OEM and distributors buy below the own brand's prices): each customer's purchases are
valued at its channel's median customer price of each product, and a group's price index is what
it paid over that value (100: the median customer's prices; 97: 3 % below them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.customers.bridge import TOTAL, top_count

#: Percentiles of the spread, as fractions.
PERCENTILES = (0.1, 0.5, 0.9)
#: A product's spread needs this many customers buying it in the quarter.
MIN_CUSTOMERS = 3


def customer_prices(
    sales: pd.DataFrame, calendar: FiscalCalendar, period: pd.Period
) -> pd.DataFrame:
    """``channel, customer, product_line, product, revenue, units, price`` of ``period``'s gross
    sales (revenue in currency units; prices are read, never summed into money)."""
    quarter = calendar.periods(sales["date"])
    lines = sales.loc[
        (quarter == period) & (sales["quantity"] > 0) & (sales["revenue"] > 0),
        ["channel", "customer", "product_line", "product", "revenue", "quantity"],
    ]
    keys = ["channel", "customer", "product_line", "product"]
    bought = lines.groupby(keys, sort=True, observed=True)[["revenue", "quantity"]].sum()
    bought = bought.rename(columns={"quantity": "units"}).reset_index()
    bought["price"] = bought["revenue"] / bought["units"]
    return bought


def spread(prices: pd.DataFrame) -> pd.DataFrame:
    """Per product: ``product_line, product, customers, p10, median, p90, ratio`` (p90 over p10)
    across every customer, and ``low, high``: the 10th and 90th percentiles of each customer's
    price against its channel's median for the product (-0.03: 3 % below it), the spread that
    channel price levels do not explain. Fewer than ``MIN_CUSTOMERS`` customers: no percentiles.
    """
    median = prices.groupby(["channel", "product"])["price"].transform("median")
    prices = prices.assign(relative=prices["price"] / median - 1)
    rows = []
    for (line, product), part in prices.groupby(["product_line", "product"], sort=True):
        enough = len(part) >= MIN_CUSTOMERS
        p10, middle, p90 = _quantiles(part["price"], enough)
        low, _, high = _quantiles(part["relative"], enough)
        rows.append(
            {
                "product_line": line,
                "product": product,
                "customers": len(part),
                "p10": p10,
                "median": middle,
                "p90": p90,
                "ratio": p90 / p10 if enough and p10 > 0 else np.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows, columns=list(SPREAD_COLUMNS))


SPREAD_COLUMNS = ("product_line", "product", "customers", "p10", "median", "p90", "ratio", "low",
                  "high")  # fmt: skip


def _quantiles(values: pd.Series, enough: bool) -> tuple[float, float, float]:
    if not enough:
        return (np.nan, np.nan, np.nan)
    p10, middle, p90 = np.quantile(values.to_numpy(dtype="float64"), PERCENTILES)
    return float(p10), float(middle), float(p90)


def size_tiers(prices: pd.DataFrame) -> pd.DataFrame:
    """Per channel and for the company: the price index of the largest customers (the largest
    ``TOP_FRACTION`` by gross revenue in the channel) and of the others, and the difference in
    points: ``channel, largest, others, index_largest, index_others, difference``. A channel
    with a single customer has nothing to compare."""
    median = prices.groupby(["channel", "product"])["price"].transform("median")
    valued = prices.assign(at_median=prices["units"] * median)
    size = valued.groupby(["channel", "customer"])["revenue"].sum()
    rank = size.groupby(level=0).rank(method="first", ascending=False)
    n = size.groupby(level=0).transform("size")
    largest = rank <= n.map(top_count)
    valued["largest"] = largest.reindex(
        pd.MultiIndex.from_frame(valued[["channel", "customer"]])
    ).to_numpy()
    rows = [_tier(channel, part) for channel, part in valued.groupby("channel", sort=True)]
    several = valued["channel"].map(size.groupby(level=0).size()) > 1
    rows.append(_tier(TOTAL, valued.loc[several]))
    columns = ["channel", "largest", "others", "index_largest", "index_others", "difference"]
    return pd.DataFrame(rows, columns=columns)


def _tier(channel: str, part: pd.DataFrame) -> dict[str, object]:
    groups = {}
    for flag in (True, False):
        mine = part.loc[part["largest"] == flag]
        value = mine["at_median"].sum()
        groups[flag] = (
            mine["customer"].nunique(),
            100 * mine["revenue"].sum() / value if value > 0 else np.nan,
        )
    (n_large, big), (n_rest, rest) = groups[True], groups[False]
    return {
        "channel": channel,
        "largest": n_large,
        "others": n_rest,
        "index_largest": big,
        "index_others": rest,
        "difference": big - rest,
    }

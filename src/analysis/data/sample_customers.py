"""What the customer review needs of the sample company: customers who stop buying, and two
customers whose quality claims on one product line pile up in 2025.

Both are drawn after the company's own lines and returns, from a random generator of their own, so
every other line keeps its date, amounts and document number. A customer who leaves hands its
later orders to other customers of its channel and region: the channel's and the region's revenue
are exactly what they would be without the loss; only who bought changes. The claims are new return
lines (``QC`` documents) of the sales lines of those two customers that had not come back already.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.sample_company import (
    BIG_CUSTOMERS,
    LEAVING_AFTER_DAYS,
    LEAVING_RATE,
    LOST_CUSTOMERS,
    QUALITY_CLAIMS,
)
from analysis.data.sample_draw import returned_lines


def story_generator(seed: int) -> np.random.Generator:
    """The generator of the customer story, apart from the company's (and the online shop's)."""
    return np.random.default_rng([seed, 2025])


def leaving_dates(customers: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """The day after which each customer buys no more (``NaT``: it stays), per customer row.

    The biggest customers of each channel stay; the named losses leave on their own dates.
    """
    start = customers["entry"].clip(lower=pd.Timestamp("2019-01-01"))
    wait = rng.exponential(365.25 / LEAVING_RATE, len(customers))
    exit_day = start + pd.to_timedelta(LEAVING_AFTER_DAYS + np.round(wait), unit="D")
    rank = customers.groupby("channel", sort=False).cumcount()  # pools are biggest first
    exit_day = exit_day.where(rank >= BIG_CUSTOMERS)
    for channel, at, day, _why in LOST_CUSTOMERS:
        row = customers.index[(customers["channel"] == channel) & (rank == at)]
        exit_day.loc[row] = pd.Timestamp(day)
    return exit_day


def hand_over(
    sales: pd.DataFrame,
    returns: pd.DataFrame,
    customers: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``sales`` and ``returns`` with each leaving customer's later orders given to another
    customer of its channel and region who buys that day, picked by size.

    ``returns`` are copies of sales lines with their index, so a sale's return follows it. An
    order whose region has no other buying customer stays with its customer.
    """
    exit_day = leaving_dates(customers, rng)
    key = customers.set_index(["channel", "customer"]).index
    row = key.get_indexer(pd.MultiIndex.from_frame(sales[["channel", "customer"]]))
    late = (sales["order_date"] > exit_day.to_numpy()[row]).to_numpy()
    orders = sales.loc[late, ["order_id", "order_date", "channel", "region"]]
    orders = orders.drop_duplicates("order_id").sort_values(["order_date", "order_id"])
    u = rng.random(len(orders))
    entry = customers["entry"].to_numpy()
    leaves = exit_day.fillna(pd.Timestamp.max).to_numpy()
    weight = customers["weight"].to_numpy()
    channels, regions = customers["channel"].to_numpy(), customers["region"].to_numpy()
    chosen = {}
    for i, (order_id, day, channel, region) in enumerate(orders.itertuples(index=False)):
        day = np.datetime64(day)
        pool = np.flatnonzero(
            (channels == channel) & (regions == region) & (entry <= day) & (leaves >= day)
        )
        if len(pool):
            cumulative = np.cumsum(weight[pool])
            pick = np.searchsorted(cumulative, u[i] * cumulative[-1], side="right")
            chosen[order_id] = customers.index[pool[min(pick, len(pool) - 1)]]
    sales = sales.copy()
    moved = sales["order_id"].map(chosen).dropna().astype("int64")
    taker = customers.loc[moved.to_numpy()]
    for column in ("customer", "salesperson"):
        sales.loc[moved.index, column] = taker[column].to_numpy()
    returns = returns.copy()
    back = returns.index.intersection(moved.index)
    returns.loc[back, ["customer", "salesperson"]] = sales.loc[back, ["customer", "salesperson"]]
    return sales, returns


def quality_claims(
    sales: pd.DataFrame,
    returns: pd.DataFrame,
    customers: pd.DataFrame,
    last_day: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Return lines of the claims in ``QUALITY_CLAIMS``: sales lines of the named customer and
    product line, sold in the window and not returned already, come back in part or whole."""
    rank = customers.groupby("channel", sort=False).cumcount()
    parts = []
    for channel, at, product_line, first, last, chance, share in QUALITY_CLAIMS:
        name = customers.loc[(customers["channel"] == channel) & (rank == at), "customer"]
        mine = sales.loc[
            (sales["channel"] == channel)
            & sales["customer"].isin(name)
            & (sales["product_line"] == product_line)
            & sales["order_date"].between(first, last)
            & ~sales.index.isin(returns.index)
        ]
        returned = rng.random(len(mine)) < chance
        portion = rng.uniform(*share, len(mine))
        parts.append(returned_lines(mine, returned, portion, last_day, rng))
    claims = pd.concat(parts).sort_values(["order_date", "order_id", "line"], kind="stable")
    year = claims["order_date"].dt.year.to_numpy()
    number = np.arange(len(year)) - np.searchsorted(year, year) + 1
    claims["order_id"] = [f"QC-{y}-{n:06d}" for y, n in zip(year, number, strict=True)]
    claims["line"] = 1
    return claims

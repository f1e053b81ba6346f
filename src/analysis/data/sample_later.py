"""What the sample company added lately: an online shop opened in 2024 that sells without a target,
and the distributors' targets set as regional quotas from 2025.

Both are drawn after everything else, the shop from a random generator of its own, so the rest of
the company (its lines, returns and targets) is exactly what it was before they were added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.cents import allocate
from analysis.data.sample_company import (
    CALENDAR,
    DOMESTIC_REGIONS,
    ONLINE,
    ONLINE_MIX,
    ONLINE_OPENED,
    ONLINE_ORDERS,
    ONLINE_REGIONS,
    ONLINE_SALESPERSON,
    ONLINE_UNITS,
    PRODUCTS,
    REGIONAL_QUOTAS,
    TARGET_COLUMNS,
    WEEKDAY_FACTOR,
)


def draw_online(
    days: pd.DatetimeIndex,
    price_index: np.ndarray,
    last_day: pd.Timestamp,
    seed: int,
    scale: float = 1.0,
) -> pd.DataFrame:
    """The online shop's order lines (one product per order) from its opening to ``last_day``.

    ``price_index`` is the own brand's price index per day of ``days`` (list price changes);
    ``scale`` multiplies the number of orders.
    """
    rng = np.random.default_rng([seed, 2024])
    keep = (days >= pd.Timestamp(ONLINE_OPENED)) & (days <= last_day)
    open_days, index = days[keep], price_index[keep]
    ramp = np.linspace(ONLINE_ORDERS[0], ONLINE_ORDERS[1], len(open_days))
    weekday = np.array(WEEKDAY_FACTOR)[open_days.day_of_week]
    orders = rng.poisson(ramp * scale * np.maximum(weekday, 0.6))  # the shop is open at weekends
    day = np.repeat(np.arange(len(open_days)), orders)
    product = rng.choice(len(PRODUCTS), size=len(day), p=np.array(ONLINE_MIX) / sum(ONLINE_MIX))
    region = rng.choice(len(DOMESTIC_REGIONS), size=len(day), p=ONLINE_REGIONS)
    units = 1 + rng.poisson(ONLINE_UNITS - 1, len(day))
    list_price = np.array([p[2] for p in PRODUCTS])[product] * index[day]
    cents = np.round(list_price * rng.lognormal(0.0, 0.02, len(day)) * 100).astype(np.int64)
    dates = open_days[day]
    year = dates.year.to_numpy()
    number = np.arange(len(year)) - np.searchsorted(year, year) + 1
    regions = np.array(DOMESTIC_REGIONS)[region]
    return pd.DataFrame(
        {
            "order_date": dates,
            "order_id": [f"WEB-{y}-{n:06d}" for y, n in zip(year, number, strict=True)],
            "line": 1,
            "customer": [f"Online buyers, {r}" for r in regions],
            "channel": ONLINE,
            "region": regions,
            "product_line": np.array([p[0] for p in PRODUCTS])[product],
            "product": np.array([p[1] for p in PRODUCTS])[product],
            "quantity": units.astype(np.int64),
            "unit_price": cents / 100,
            "net_amount": units * cents / 100,
            "salesperson": ONLINE_SALESPERSON,
        }
    )


def regional_quotas(targets: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """The targets with the quota channel's rows from its first quota quarter split by region.

    Each region gets the channel target (and units) in proportion to its net revenue in the
    same quarter a year earlier, to the cent (largest remainder), so the channel's target is
    unchanged; the other rows keep a blank region.
    """
    channel, first = REGIONAL_QUOTAS
    quarter = CALENDAR.periods(sales["order_date"]).astype(str)
    mine = sales.loc[sales["channel"] == channel]
    shares = mine.groupby([quarter[mine.index], mine["region"]])["net_amount"].sum()
    split = targets["quarter"].map(CALENDAR.parse) >= CALENDAR.parse(first)
    split &= targets["channel"] == channel
    rows = []
    for _, row in targets.iterrows():
        if not split[row.name]:
            rows.append({**row, "region": None})
            continue
        before = str(CALENDAR.parse(row["quarter"]) - 4)
        weight = shares.loc[before].clip(lower=0)
        code = np.zeros(len(weight), dtype=np.int64)
        cents = allocate(np.array([round(row["target_revenue"] * 100)]), weight.to_numpy(), code)
        units = allocate(np.array([int(row["target_quantity"])]), weight.to_numpy(), code)
        for region, c, u in zip(weight.index, cents, units, strict=True):
            rows.append({**row, "region": region, "target_revenue": c / 100, "target_quantity": u})
    return pd.DataFrame(rows)[list(TARGET_COLUMNS)].astype({"target_quantity": "int64"})

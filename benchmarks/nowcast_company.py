"""A second generated company for the nowcast's backtest, with another seasonality than the sample.

A maker of cooling components: its year peaks in the second and third quarters and is slow in
the fourth (the sample valve maker's year ends strongly); inside each quarter the third month
carries most of the sales (dealers order to close their quarter), the first month least; it works
six days a week. Four channels of different size and growth, orders in lumps (a day's revenue is
a compound Poisson sum of gamma-distributed orders), each channel's level drifting from quarter
to quarter. Targets are last year's same quarter grown by the plan, with noise. Seeded, so every
run of ``benchmarks/nowcast_backtest.py`` replays the same company.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261201
START, END = "2019-01-01", "2025-12-31"
#: Channel, orders per working day, mean order, yearly growth, quarterly level drift (log sd).
CHANNELS = (
    ("Dealers", 6.0, 4_000.0, 0.06, 0.05),
    ("Projects", 0.6, 30_000.0, 0.03, 0.08),
    ("Retail", 25.0, 300.0, 0.10, 0.04),
    ("Export", 1.5, 9_000.0, 0.00, 0.07),
)
#: Activity by quarter of the year and by month of the quarter.
QUARTER_FACTOR = (0.85, 1.15, 1.25, 0.75)
MONTH_OF_QUARTER = (0.65, 0.9, 1.45)
#: Monday .. Sunday.
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.1, 0.7, 0.05)
#: Order size: gamma shape (lower is lumpier).
ORDER_SHAPE = 1.2
TARGET_NOISE = 0.05


def generate(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's daily sales (``channel, date, revenue``, to the cent) and channel targets
    (``quarter, channel, target_revenue``)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, END, freq="D")
    quarters = days.to_period("Q")
    first = quarters[0]
    index = np.array([(q - first).n for q in quarters])
    month = (days.month.to_numpy() - 1) % 3
    calendar = (
        np.array(QUARTER_FACTOR)[days.quarter.to_numpy() - 1]
        * np.array(MONTH_OF_QUARTER)[month]
        * np.array(WEEKDAY_FACTOR)[days.dayofweek.to_numpy()]
    )
    frames = []
    for name, orders, mean_order, growth, drift in CHANNELS:
        level = np.exp(np.cumsum(rng.normal(0.0, drift, index.max() + 1)))
        trend = (1 + growth) ** (index / 4)
        expected = orders * calendar * level[index] * trend
        count = rng.poisson(expected)
        scale = mean_order / ORDER_SHAPE
        revenue = np.where(count > 0, rng.gamma(np.maximum(count, 1) * ORDER_SHAPE, scale), 0.0)
        frames.append(pd.DataFrame({"channel": name, "date": days, "revenue": revenue.round(2)}))
    daily = pd.concat(frames, ignore_index=True)
    daily = daily.loc[daily["revenue"] > 0].reset_index(drop=True)
    return daily, _targets(daily, rng)


def _targets(daily: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Last year's same quarter times the channel's planned growth and some noise."""
    growth = {name: g for name, _, _, g, _ in CHANNELS}
    actual = daily.groupby([daily["date"].dt.to_period("Q"), "channel"])["revenue"].sum()
    rows = []
    for (quarter, channel), _ in actual.items():
        previous = (quarter - 4, channel)
        if previous not in actual.index:
            continue
        target = actual[previous] * (1 + growth[channel]) * rng.lognormal(0.0, TARGET_NOISE)
        rows.append((f"{quarter.qyear}Q{quarter.quarter}", channel, round(float(target), 2)))
    return pd.DataFrame(rows, columns=["quarter", "channel", "target_revenue"])

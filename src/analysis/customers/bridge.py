"""The customer bridge: a quarter's change on the same quarter a year earlier, split into customers
won, customers lost and customers who bought in both, exact to the cent; and the concentration
of revenue in the largest customers.

A customer counts in a quarter when it has a line in it (a return alone counts: its revenue is
negative). The unit is a customer in a channel: a customer buying through two channels is a
customer of each, so that the channels add up to the total, group by group. Money comes from the
same rounding as every other report (``nested_cents`` of quarter, channel, then customer), so
each channel's revenue is the overview's to the cent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import exact, nested_cents
from analysis.core.i18n import N_
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import exact_sums

#: The groups of the bridge, in the order tables and ``customers.csv`` show them.
EFFECTS = ("new", "lost", "retained")
#: The company row of the bridge and of the concentration tables (``customers.csv`` keeps it in
#: English; a page shows it translated).
TOTAL = N_("Total")
#: Concentration: the share of revenue of this many largest customers ...
TOP_CUSTOMERS = 10
#: ... and of this fraction of the customers (at least one), the largest first.
TOP_FRACTION = 0.2


@dataclass(frozen=True)
class CustomerBridge:
    """One quarter against the same quarter a year earlier, customer by customer.

    ``customers``: ``channel, customer, now, prior, change, effect`` (cents) per customer with a
    line in either quarter; ``effects``: ``channel, effect, customers, cents`` for each channel
    and ``Total``, every effect of ``EFFECTS`` present (0 customers, 0 cents when none).
    """

    period: pd.Period
    customers: pd.DataFrame
    effects: pd.DataFrame

    def check(self) -> None:
        """Each row's groups add up to its change, and the channels to the total, to the cent;
        an ``AssertionError`` names the row that does not."""
        per = self.effects.pivot(index="channel", columns="effect", values="cents")
        change = self.customers.groupby("channel")["change"].sum()
        change[TOTAL] = int(self.customers["change"].sum())
        for channel, row in per.iterrows():
            if int(row.sum()) != int(change.get(channel, 0)):
                raise AssertionError(f"{channel}: groups {int(row.sum())} != change (cents)")
        channels = per.drop(index=TOTAL)
        if not channels.sum().equals(per.loc[TOTAL]):
            raise AssertionError("the channels' groups do not add up to the total's")


def quarter_cents(
    sales: pd.DataFrame, calendar: FiscalCalendar, periods: list[pd.Period], by: list[str]
) -> pd.DataFrame:
    """Net revenue in cents per quarter and ``by`` (e.g. channel, customer): each quarter's total
    rounded once and split level by level, as every report splits it; ``period, <by>, cents``."""
    quarter = calendar.periods(sales["date"])
    inside = quarter.isin(periods)
    lines = sales.loc[inside]
    cents, micro = exact(lines["revenue"])
    frame = lines[by].assign(period=quarter[inside], cents=cents, micro=micro)
    summed = exact_sums(frame, ["period", *by])
    summed["cents"] = nested_cents(summed, by, apart=["period"])
    return summed.drop(columns="micro")


def customer_bridge(
    sales: pd.DataFrame, calendar: FiscalCalendar, period: pd.Period
) -> CustomerBridge:
    """The bridge of ``period`` on ``period - 4`` (the same quarter a year earlier)."""
    prior = period - 4
    summed = quarter_cents(sales, calendar, [period, prior], ["channel", "customer"])
    keys = ["channel", "customer"]
    now = summed.loc[summed["period"] == period].set_index(keys)["cents"]
    before = summed.loc[summed["period"] == prior].set_index(keys)["cents"]
    pairs = pd.DataFrame({"now": now, "prior": before})
    effect = np.select(
        [pairs["prior"].isna(), pairs["now"].isna()], ["new", "lost"], default="retained"
    )
    pairs = pairs.fillna(0).astype("int64").assign(effect=effect)
    pairs["change"] = pairs["now"] - pairs["prior"]
    pairs = pairs.reset_index()[["channel", "customer", "now", "prior", "change", "effect"]]
    grid = pd.MultiIndex.from_product([sorted(pairs["channel"].unique()), EFFECTS])
    grouped = pairs.groupby(["channel", "effect"]).agg(
        customers=("customer", "size"), cents=("change", "sum")
    )
    grouped = grouped.reindex(grid, fill_value=0)
    total = grouped.groupby(level=1).sum().reindex(list(EFFECTS), fill_value=0)
    total.index = pd.MultiIndex.from_product([[TOTAL], EFFECTS])
    effects = pd.concat([grouped, total]).rename_axis(["channel", "effect"]).reset_index()
    effects = effects.astype({"customers": "int64", "cents": "int64"})
    return CustomerBridge(period, pairs, effects)


def top_count(n_customers: int) -> int:
    """How many customers make the largest ``TOP_FRACTION`` of ``n_customers`` (at least one)."""
    return max(1, math.ceil(TOP_FRACTION * n_customers)) if n_customers else 0


def concentration(
    sales: pd.DataFrame, calendar: FiscalCalendar, periods: list[pd.Period]
) -> pd.DataFrame:
    """Share of net revenue of the ``TOP_CUSTOMERS`` largest customers and of the largest
    ``TOP_FRACTION`` of customers, per quarter, for the company (customers by name) and each
    channel: ``period, channel, customers, top10, top20pct`` (NaN where revenue is not positive).
    """
    rows = []
    summed = quarter_cents(sales, calendar, periods, ["channel", "customer"])
    for period in periods:
        mine = summed.loc[summed["period"] == period]
        scopes = {TOTAL: mine.groupby("customer")["cents"].sum()}
        for channel, part in mine.groupby("channel"):
            scopes[channel] = part.set_index("customer")["cents"]
        for scope, cents in scopes.items():
            ranked = cents.sort_values(ascending=False).to_numpy(dtype="float64")
            rows.append(
                {
                    "period": period,
                    "channel": scope,
                    "customers": len(ranked),
                    "top10": _share(ranked, TOP_CUSTOMERS),
                    "top20pct": _share(ranked, top_count(len(ranked))),
                }
            )
    columns = ["period", "channel", "customers", "top10", "top20pct"]
    return pd.DataFrame(rows, columns=columns)


def _share(ranked: np.ndarray, k: int) -> float:
    """The ``k`` largest of ``ranked`` (largest first) as a share of their sum (NaN if not > 0)."""
    whole = ranked.sum()
    return float(ranked[:k].sum() / whole) if whole > 0 else math.nan

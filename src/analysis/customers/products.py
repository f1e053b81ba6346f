"""Products inside their product lines: which grew and which fell on a year earlier, and each
line's change split into volume, product mix, price and returns.

Each line's gross sales (lines with positive units and revenue) are compared with the same
quarter a year earlier at product level: volume is the line's change in units at its year-earlier
average price, product mix the shift between its products at their year-earlier prices, price what
the products' prices changed; returns are the change in returned revenue. The four add up to the
line's change in net revenue to the cent (price takes the rounding). The cents are those of every
report: each quarter's total rounded once and split by line, then by product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.cents import exact, nested_cents, round_cents
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import exact_sums

#: The parts of a line's change, in order.
PARTS = ("volume", "mix", "price", "returns")


@dataclass(frozen=True)
class ProductChanges:
    """``products``: ``product_line, product, now, prior, change, units_now, units_prior,
    share_now, share_prior, mix`` (money in cents, shares of the line's net revenue, ``mix`` the
    product's part of its line's mix effect); ``lines``: ``product_line, now, prior, change`` and
    ``PARTS`` in cents. ``one_product``: every line sells a single product (no mix to show)."""

    period: pd.Period
    products: pd.DataFrame
    lines: pd.DataFrame

    @property
    def one_product(self) -> bool:
        return bool((self.products.groupby("product_line")["product"].nunique() <= 1).all())

    def check(self) -> None:
        """Each line's parts add up to its change, its products' changes too; cents."""
        parts = self.lines[list(PARTS)].sum(axis=1)
        if not parts.equals(self.lines["change"]):
            raise AssertionError("a product line's parts do not add up to its change")
        by_line = self.products.groupby("product_line")["change"].sum()
        if not by_line.reindex(self.lines["product_line"]).to_numpy().tolist() == (
            self.lines["change"].tolist()
        ):
            raise AssertionError("a product line's products do not add up to its change")


def _sums(sales: pd.DataFrame, calendar: FiscalCalendar, periods: list[pd.Period]) -> pd.DataFrame:
    """Per quarter, line and product: net cents (the reports' split), returned cents, gross
    units; returns split from net the same way (quarter, line, product, returned or not)."""
    quarter = calendar.periods(sales["date"])
    inside = quarter.isin(periods)
    lines = sales.loc[inside]
    revenue = lines["revenue"].to_numpy(dtype="float64")
    units = lines["quantity"].to_numpy(dtype="float64")
    returned = (units < 0) | (revenue < 0)
    cents, micro = exact(revenue)
    frame = lines[["product_line", "product"]].assign(
        period=quarter[inside], returned=returned, cents=cents, micro=micro, units=units
    )
    keys = ["product_line", "product", "returned"]
    summed = exact_sums(frame, ["period", *keys])
    summed["cents"] = nested_cents(summed, keys, apart=["period"])
    net = summed.groupby(["period", "product_line", "product"])[["cents"]].sum()
    back = summed.loc[summed["returned"]].set_index(["period", "product_line", "product"])
    gross = summed.loc[~summed["returned"]].set_index(["period", "product_line", "product"])
    net["returned"] = back["cents"].reindex(net.index).fillna(0).astype("int64")
    net["units"] = gross["units"].reindex(net.index).fillna(0.0)
    net["gross"] = net["cents"] - net["returned"]
    return net


def product_changes(
    sales: pd.DataFrame, calendar: FiscalCalendar, period: pd.Period
) -> ProductChanges:
    """Products and lines of ``period`` against ``period - 4``."""
    sums = _sums(sales, calendar, [period, period - 4])
    now = sums.xs(period, level="period") if period in sums.index.levels[0] else None
    before = sums.xs(period - 4, level="period") if period - 4 in sums.index.levels[0] else None
    empty = sums.iloc[:0].droplevel("period")
    now = empty if now is None else now
    before = empty if before is None else before
    index = now.index.union(before.index)
    a, b = now.reindex(index, fill_value=0), before.reindex(index, fill_value=0)
    products = pd.DataFrame(index=index)
    products["now"], products["prior"] = a["cents"].astype("int64"), b["cents"].astype("int64")
    products["change"] = products["now"] - products["prior"]
    products["units_now"], products["units_prior"] = a["units"], b["units"]
    line_now = products.groupby(level=0)["now"].transform("sum")
    line_prior = products.groupby(level=0)["prior"].transform("sum")
    products["share_now"] = products["now"] / line_now.where(line_now > 0)
    products["share_prior"] = products["prior"] / line_prior.where(line_prior > 0)
    parts, mix = _parts(a, b)
    products["mix"] = mix
    lines = products.groupby(level=0)[["now", "prior", "change"]].sum().join(parts)
    lines["price"] = lines["change"] - lines[["volume", "mix", "returns"]].sum(axis=1)
    lines = lines.reset_index()[["product_line", "now", "prior", "change", *PARTS]]
    order = ["product_line", "product", "now", "prior", "change", "units_now", "units_prior"]
    products = products.reset_index()[[*order, "share_now", "share_prior", "mix"]]
    return ProductChanges(period, products, lines)


def _parts(now: pd.DataFrame, before: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Volume, mix and returns per line (cents), and each product's part of its line's mix.

    A product without year-earlier units is valued at its own price (it shows as mix); a line
    without year-earlier units has its whole gross change as volume.
    """
    line = now.index.get_level_values(0)
    u1, u0 = now["units"].to_numpy(), before["units"].to_numpy()
    g1, g0 = now["gross"].to_numpy(dtype="float64"), before["gross"].to_numpy(dtype="float64")
    own = np.divide(g1, u1, out=np.zeros_like(g1), where=u1 > 0)
    p0 = np.divide(g0, u0, out=own.copy(), where=u0 > 0)
    frame = pd.DataFrame({"u1": u1, "u0": u0, "g1": g1, "g0": g0, "p0": p0}, index=line)
    per_line = frame.groupby(level=0).sum()
    U1, U0, G0 = (per_line[c].reindex(line).to_numpy() for c in ("u1", "u0", "g0"))
    has_base = U0 > 0
    average = np.divide(G0, U0, out=np.zeros_like(G0), where=has_base)
    share0 = np.divide(u0, U0, out=np.zeros_like(u0), where=has_base)
    mix = np.where(has_base, (u1 - U1 * share0) * p0, 0.0)
    volume = pd.Series(np.where(has_base, (U1 - U0) * average, 0.0), index=line)
    volume = volume.groupby(level=0).first()
    no_base = per_line["u0"] <= 0
    volume[no_base] = (per_line["g1"] - per_line["g0"])[no_base]
    returns = (now["returned"] - before["returned"]).groupby(level=0).sum()
    mix_cents = round_cents(mix)
    parts = pd.DataFrame(
        {
            "volume": round_cents(volume.to_numpy()),
            "mix": pd.Series(mix_cents, index=line).groupby(level=0).sum(),
            "returns": returns.astype("int64"),
        },
        index=per_line.index,
    )
    return parts, mix_cents

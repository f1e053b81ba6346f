"""Return rates of a quarter by channel, product, customer and customer x product line, their past
and trend, and outliers.

A **return** is a sales line with negative units or revenue (as the bridge counts them); every
other line is **gross** sales. The **return rate** is returned value ÷ gross sales of the same
quarter (returns are dated when they come back, so a quarter's returns may stem from earlier
sales), the **unit rate** returned units ÷ gross units. A peer's **past** rate is the same ratio
over the four quarters before the reviewed one (fewer where the data begin later).

Money is split as the bridge and the attainment split it (``gross_and_returns``: the quarter's
total rounded to cents once, then channel, gross or return, then customer x product line, or
product), customers are the sums of their product lines, so every customer's lines add up to the
customer, the customers of a channel to the channel, the channels and the products to the company,
and a channel's gross sales minus its returns is its actual revenue in the attainment table, to
the cent.

Abnormally high rates are found by :mod:`analysis.quality.outliers`, each peer against the unit
rate of the others: a product against the rest of the company, a customer against the rest of its
channel, a customer's product line against the same line at all other customers; lumps are
measured on the return lines of the channel (the company, for products). Leaving the peer out
keeps one big returner from raising the rate it is judged by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage
from analysis.quality.outliers import LEVEL, dispersion, screen
from analysis.targets.bridge_baseline import gross_and_returns, return_window
from analysis.targets.selection import as_period, lines_in

#: Quarters of the company's and the product lines' trend, the reviewed one last.
TREND_QUARTERS = 8
_COLUMNS = ["date", "channel", "product_line", "product", "customer", "quantity", "revenue"]
#: Money columns (int64 cents) of every table.
MONEY = ("gross", "returned", "net")


@dataclass(frozen=True)
class Returns:
    """One quarter's returns. Every table has ``gross, returned, net`` (cents; ``returned`` >= 0 is
    the value that came back), ``rate``, ``gross_units, returned_units, unit_rate, returns`` (how
    many return lines) and ``past_rate, past_unit_rate``.

    ``channels``: one row per channel and a ``Total`` row. ``products``: ``product_line, product``,
    ``customers``: ``channel, customer`` and ``cells``: ``channel, customer, product_line``, each
    with ``reference_rate`` (the others' unit rate they are tested against), ``p_value``,
    ``q_value``, ``flagged``; customers also ``main_line``, the product line with most of their
    returned value. ``trend``: ``quarter,
    product_line`` (``Total`` for the company) and the rates of each of the last quarters.
    """

    quarter: str
    past: tuple[str, ...]
    level: float
    channels: pd.DataFrame
    products: pd.DataFrame
    customers: pd.DataFrame
    cells: pd.DataFrame
    trend: pd.DataFrame
    lumps: dict[str, float]

    @property
    def company(self) -> pd.Series:
        return self.channels.iloc[-1]

    def flagged(self, kind: str) -> pd.DataFrame:
        """The flagged ``products``, ``customers`` or ``cells``, highest unit rate first."""
        table = getattr(self, kind)
        return table.loc[table["flagged"]].sort_values("unit_rate", ascending=False)

    def reconciliation(self) -> pd.DataFrame:
        """Every whole against the sum of its parts, for gross, returned and net: each customer
        against its product lines, each channel against its customers, the company against the
        channels and against the products (``difference`` is always 0)."""
        pairs = (
            (self.customers, ["channel", "customer"], self.cells),
            (self.channels.iloc[:-1], ["channel"], self.customers),
        )
        frames = []
        for whole, keys, parts in pairs:
            summed = parts.groupby(keys, sort=True)[list(MONEY)].sum()
            value = whole.set_index(keys)[list(MONEY)].reindex(summed.index.union(
                whole.set_index(keys).index), fill_value=0)  # fmt: skip
            frames.append(_compared(value, summed.reindex(value.index, fill_value=0)))
        company = self.channels.iloc[-1:].set_index("channel")[list(MONEY)]
        for parts in (self.channels.iloc[:-1], self.products):
            frames.append(_compared(company, parts[list(MONEY)].sum().to_frame("Total").T))
        return pd.concat(frames, ignore_index=True)


def _compared(value: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    whole = [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in value.index]
    out = []
    for col in MONEY:
        out.append(pd.DataFrame({"whole": whole, "measure": col,
                                 "value": value[col].to_numpy(dtype="int64"),
                                 "sum_of_parts": parts[col].to_numpy(dtype="int64")}))  # fmt: skip
    frame = pd.concat(out, ignore_index=True)
    frame["difference"] = frame["value"] - frame["sum_of_parts"]
    return frame


def returns(
    sales: pd.DataFrame,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    level: float = LEVEL,
) -> Returns:
    """Return rates of ``quarter`` by channel, product and customer, with outliers flagged at the
    false discovery rate ``level``, and the trend of the last :data:`TREND_QUARTERS` quarters."""
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    window = return_window(period, coverage)
    columns = [*_COLUMNS, *(["lines"] if "lines" in sales.columns else [])]
    lines = lines_in(sales, calendar, [period], columns)
    before = lines_in(sales, calendar, window, columns) if window else lines.iloc[:0]

    cells = _rates(_celled(lines), _celled(before), _CELL_KEYS, _CELL)
    customers = cells.groupby(level=["channel", "customer"], sort=True).sum()
    channels = customers.groupby(level="channel", sort=True).sum()
    channels.loc["Total"] = channels.sum()
    channels = _with_rates(channels).rename_axis("channel").reset_index()
    products = _rates(lines, before, ["product_line", "product"], "product")
    products = _with_rates(products).reset_index()
    customers = _with_rates(customers).reset_index()
    cells = _with_rates(cells).reset_index()

    returned_lines = lines.loc[_is_return(lines)]
    lumps = {"Total": dispersion(returned_lines["quantity"])}
    for name, group in returned_lines.groupby("channel", sort=True):
        lumps[str(name)] = dispersion(group["quantity"])
    phi = customers["channel"].map(lambda c: lumps.get(str(c), 1.0)).to_numpy(dtype="float64")
    products = _screened(products, products.assign(_all=0), ["_all"], lumps["Total"], level)
    customers = _screened(customers, customers, ["channel"], phi, level)
    phi = cells["channel"].map(lambda c: lumps.get(str(c), 1.0)).to_numpy(dtype="float64")
    cells = _screened(cells, cells, ["product_line"], phi, level)
    customers["main_line"] = (
        _main_line(lines, ["channel", "customer"])
        .reindex(pd.MultiIndex.from_frame(customers[["channel", "customer"]]))
        .to_numpy()
    )
    return Returns(
        quarter=calendar.label(period),
        past=tuple(calendar.label(q) for q in window),
        level=level,
        channels=channels,
        products=products,
        customers=customers,
        cells=cells,
        trend=_trend(sales, calendar, coverage, period),
        lumps=lumps,
    )


# --- pieces --------------------------------------------------------------------------------------

_CELL, _SEP = "_cell", "\x1f"
_CELL_KEYS = ["channel", "customer", "product_line"]
_SUMMED = ["gross", "returned", "gross_units", "returned_units", "returns"]
_PAST = ["past_gross", "past_returned", "past_gross_units", "past_returned_units"]


def _is_return(lines: pd.DataFrame) -> np.ndarray:
    units = lines["quantity"].to_numpy(dtype="float64")
    return (units < 0) | (lines["revenue"].to_numpy(dtype="float64") < 0)


def _sums(lines: pd.DataFrame, keys: list[str], segment: str) -> pd.DataFrame:
    """Gross and returned cents and units, and return lines, per ``keys`` (split as the bridge
    splits a quarter: channel, gross or return, then ``segment``)."""
    if lines.empty:
        return pd.DataFrame(columns=[*keys, *_SUMMED]).set_index(keys)
    split = gross_and_returns(lines, segment).reset_index()
    split = split.rename(columns={"segment": segment})
    missing = [k for k in keys if k not in split.columns]
    if missing:  # products: each product's line, then summed over channels
        names = lines[[segment, *missing]].drop_duplicates(segment).set_index(segment)
        split = split.join(names, on=segment)
    frame = split.groupby(keys, sort=True)[["g_cents", "r_cents", "g_units", "r_units"]].sum()
    frame = pd.DataFrame(
        {
            "gross": frame["g_cents"].astype("int64"),
            "returned": (0 - frame["r_cents"]).astype("int64"),
            "gross_units": frame["g_units"].astype("float64"),
            "returned_units": 0.0 - frame["r_units"].astype("float64"),
        }
    )
    back = lines.loc[_is_return(lines)]
    # a large source's lines come summed per day: each row counts the lines it holds
    weight = back["lines"] if "lines" in back.columns else pd.Series(1, index=back.index)
    counted = weight.groupby([back[k] for k in keys], sort=True).sum()
    frame["returns"] = counted.reindex(frame.index, fill_value=0).astype("int64")
    return frame


def _past(before: pd.DataFrame, keys: list[str], segment: str) -> pd.DataFrame:
    past = _sums(before, keys, segment)[_SUMMED[:4]]
    return past.set_axis(_PAST, axis=1)


def _rates(
    lines: pd.DataFrame, before: pd.DataFrame, keys: list[str], segment: str
) -> pd.DataFrame:
    return _sums(lines, keys, segment).join(_past(before, keys, segment), how="left")


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in _PAST:
        frame[col] = frame[col].astype("float64") if col in frame else np.nan
    frame["net"] = (frame["gross"] - frame["returned"]).astype("int64")
    frame["gross"] = frame["gross"].astype("int64")
    frame["returned"] = frame["returned"].astype("int64")
    frame["returns"] = frame["returns"].astype("int64")
    frame["rate"] = _ratio(frame["returned"], frame["gross"])
    frame["unit_rate"] = _ratio(frame["returned_units"], frame["gross_units"])
    frame["past_rate"] = _ratio(frame["past_returned"], frame["past_gross"])
    frame["past_unit_rate"] = _ratio(frame["past_returned_units"], frame["past_gross_units"])
    return frame.drop(columns=_PAST)


def _ratio(part: pd.Series, whole: pd.Series) -> np.ndarray:
    """``part / whole`` where ``whole`` > 0, else NaN (no sales, no rate)."""
    p, w = part.to_numpy(dtype="float64"), whole.to_numpy(dtype="float64")
    return np.divide(p, w, out=np.full(len(p), np.nan), where=np.nan_to_num(w) > 0)


def _celled(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines with a key of their customer and product line (one segment of the split)."""
    key = lines["customer"].astype(str) + _SEP + lines["product_line"].astype(str)
    return lines.assign(**{_CELL: key.to_numpy()})


def _screened(
    frame: pd.DataFrame, keyed: pd.DataFrame, by: list[str], phi: object, level: float
) -> pd.DataFrame:
    """``frame`` with each peer tested against the other peers of its ``by`` group."""
    group = keyed.groupby(by, sort=False)[["returned_units", "gross_units"]].transform("sum")
    found = screen(
        frame["returned_units"],
        frame["gross_units"],
        group["returned_units"] - frame["returned_units"],
        group["gross_units"] - frame["gross_units"],
        phi,
        frame["returns"],
        level,
    )
    frame = pd.concat([frame, found.set_axis(frame.index)], axis=1)
    return frame.drop(columns="_all", errors="ignore")


def _main_line(lines: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per ``keys``: the product line with the largest returned value (None without returns)."""
    back = lines.loc[_is_return(lines), [*keys, "product_line", "revenue"]]
    if back.empty:
        return pd.Series(dtype="object", index=pd.MultiIndex.from_tuples([], names=keys))
    value = back.groupby([*keys, "product_line"], sort=True)["revenue"].sum()
    return value.groupby(level=keys).idxmin().map(lambda key: key[-1])


def _trend(
    sales: pd.DataFrame, calendar: FiscalCalendar, coverage: Coverage, period: pd.Period
) -> pd.DataFrame:
    """Per quarter the data hold (up to :data:`TREND_QUARTERS`) and product line, and ``Total``:
    gross, returned, rate and unit rate."""
    frames = []
    for q in (period - k for k in range(TREND_QUARTERS - 1, -1, -1)):
        if coverage.held(q) is None:
            continue
        lines = lines_in(sales, calendar, [q], _COLUMNS)
        if lines.empty:
            continue
        by_line = _sums(lines, ["product_line"], "product_line")
        total = by_line.sum().to_frame("Total").T.rename_axis("product_line")
        both = pd.concat([by_line, total]).reset_index()
        both.insert(0, "quarter", calendar.label(q))
        frames.append(both)
    if not frames:
        return pd.DataFrame(columns=["quarter", "product_line", *_SUMMED, "rate", "unit_rate"])
    trend = pd.concat(frames, ignore_index=True)
    trend = trend.astype({"gross": "int64", "returned": "int64", "returns": "int64"})
    trend["rate"] = _ratio(trend["returned"], trend["gross"])
    trend["unit_rate"] = _ratio(trend["returned_units"], trend["gross_units"])
    return trend

"""Seeded sample data modelled on a Wenzhou valve maker: sales lines, quarterly targets, a config.

The sample gives every report and test a realistic company to run on: four channels, seven domestic
regions plus export, three product lines, Spring Festival and year-end seasonality, the 2020 COVID
slump, price changes, product-mix shifts, returns and targets that are missed for different reasons.
Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order, so a seed always
gives the same frames and byte-identical files. The model is documented in ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar

DEFAULT_SEED = 25

#: Columns of ``sales_lines.csv``, in file order (the company's own header names).
SALES_COLUMNS: tuple[str, ...] = (
    "order_date",
    "order_id",
    "customer",
    "channel",
    "region",
    "product_line",
    "product",
    "quantity",
    "unit_price",
    "net_amount",
    "salesperson",
)
TARGET_COLUMNS: tuple[str, ...] = ("quarter", "channel", "target_revenue", "target_quantity")

CONFIG_YAML = """\
# Run configuration for the bundled sample company (a valve maker). Paths are relative to this file.
company: Sample Valve Co.
sales:
  path: sales_lines.csv
  columns: {date: order_date, revenue: net_amount}
targets:
  path: targets.csv
fiscal_year_start_month: 1
currency: CNY
"""

_CALENDAR = FiscalCalendar(1)
#: Year whose levels the channel table states; growth and mix trends count from its first day.
BASE_YEAR = 2019


@dataclass(frozen=True)
class Channel:
    """How one sales channel behaves; revenue is gross, at list prices of the base year."""

    name: str
    revenue_base_year: float  # CNY
    growth: float  # yearly volume growth
    price_level: float  # unit price relative to the list price
    units_per_line: float  # mean units on a line of a product with quantity factor 1
    extra_lines: float  # mean number of order lines beyond the first
    customers: int  # size of the customer pool (incumbents and later entrants)
    pareto: float  # customer weight ~ rank ** -pareto: higher means more concentrated
    target_growth: float  # growth the sales department plans into next year's targets


CHANNELS: tuple[Channel, ...] = (
    Channel("Own brand direct", 18.5e6, 0.012, 1.00, 12.0, 1.0, 120, 0.8, 0.10),
    Channel("OEM", 8.6e6, 0.185, 0.70, 30.0, 1.0, 24, 1.3, 0.15),
    Channel("Distributor", 15.0e6, 0.08, 0.80, 25.0, 1.5, 60, 1.0, 0.08),
    Channel("Export", 8.9e6, 0.02, 0.88, 25.0, 1.2, 36, 0.9, 0.06),
)
CHANNEL_NAMES: tuple[str, ...] = tuple(c.name for c in CHANNELS)
_PRICE_LEVEL = np.array([c.price_level for c in CHANNELS])
EXPORT = "Export"

DOMESTIC_REGIONS: tuple[str, ...] = (
    "East China",
    "South China",
    "North China",
    "Central China",
    "Southwest",
    "Northwest",
    "Northeast",
)
OVERSEAS = "Overseas"
#: Share of each channel's customer weight (about its revenue) per domestic region; East China is
#: the biggest everywhere: Wenzhou is there.
REGION_WEIGHTS: dict[str, tuple[float, ...]] = {
    "Own brand direct": (0.40, 0.12, 0.12, 0.12, 0.10, 0.07, 0.07),
    "OEM": (0.52, 0.20, 0.10, 0.08, 0.06, 0.02, 0.02),
    "Distributor": (0.24, 0.15, 0.15, 0.15, 0.14, 0.09, 0.08),
}

#: (product line, product, list price in CNY per unit in the base year, relative units per line)
PRODUCTS: tuple[tuple[str, str, float, float], ...] = (
    ("Ball valves", "Floating ball valve", 380.0, 1.0),
    ("Ball valves", "Eccentric half-ball valve", 1250.0, 0.5),
    ("Ball valves", "Forged-steel ball valve", 520.0, 1.0),
    ("Butterfly valves", "Large-diameter butterfly valve", 7800.0, 0.06),
    ("Butterfly valves", "Soft-seal butterfly valve", 680.0, 0.8),
    ("Other valves", "Gate valve", 900.0, 0.6),
    ("Other valves", "Check valve", 420.0, 1.0),
    ("Other valves", "Globe valve", 760.0, 0.6),
)
PRODUCT_NAMES: tuple[str, ...] = tuple(p[1] for p in PRODUCTS)
_LIST_PRICE = np.array([p[2] for p in PRODUCTS])
#: Share of each channel's base-year revenue per product (same order as PRODUCTS).
PRODUCT_MIX: dict[str, tuple[float, ...]] = {
    "Own brand direct": (0.12, 0.04, 0.06, 0.22, 0.18, 0.14, 0.09, 0.15),
    "OEM": (0.27, 0.05, 0.11, 0.03, 0.17, 0.07, 0.18, 0.12),
    "Distributor": (0.19, 0.04, 0.08, 0.07, 0.24, 0.14, 0.12, 0.12),
    "Export": (0.20, 0.03, 0.12, 0.09, 0.14, 0.20, 0.10, 0.12),
}
#: Yearly factor on each product's mix weight: conventional ball valves and large-diameter butterfly
#: valves decline, eccentric half-ball valves rise fast, forged-steel and soft-seal rise a little.
MIX_TREND: tuple[float, ...] = (0.90, 1.25, 1.05, 0.93, 1.04, 1.00, 1.01, 1.00)

#: Line-level chance that a sale is (partly) returned, per product: quality problems and exchanges.
RETURN_CHANCE: tuple[float, ...] = (0.045, 0.065, 0.030, 0.055, 0.050, 0.045, 0.040, 0.045)
RETURNED_SHARE = (0.1, 1.0)  # uniform range of the share of a line's units that comes back
RETURN_LAG_DAYS = (3.0, 2.0, 10.0)  # minimum, gamma shape, gamma scale: mostly 1-7 weeks
#: The 2024 soft-seal seat problem: (product, sales from, sales to, return chance, returned share)
QUALITY_SPIKE = ("Soft-seal butterfly valve", "2024-05-20", "2024-08-15", 0.30, (0.5, 1.0))

SPRING_FESTIVAL: tuple[str, ...] = (
    "2016-02-08",
    "2017-01-28",
    "2018-02-16",
    "2019-02-05",
    "2020-01-25",
    "2021-02-12",
    "2022-02-01",
    "2023-01-22",
    "2024-02-10",
    "2025-01-29",
    "2026-02-17",
    "2027-02-06",
)
#: Activity by days from the Spring Festival (New Year's Day): about three weeks of low activity.
SPRING_FESTIVAL_CURVE = ((-14, -7, -3, 0, 6, 10, 17), (1.0, 0.75, 0.15, 0.05, 0.15, 0.5, 1.0))
#: Monthly seasonality: summer lull, year-end projects in November and December.
MONTH_FACTOR = (0.95, 0.92, 1.00, 0.98, 0.96, 1.03, 0.92, 0.90, 1.02, 1.00, 1.18, 1.40)
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.45, 0.10)  # Monday .. Sunday
#: Public holidays besides the Spring Festival as (month, first day, last day): New Year's Day,
#: Labour Day and the National Day Golden Week, when activity drops to HOLIDAY_ACTIVITY.
PUBLIC_HOLIDAYS = ((1, 1, 1), (5, 1, 5), (10, 1, 7))
HOLIDAY_ACTIVITY = 0.15

#: COVID-19 activity as (date, factor) points, linear in between: domestic lockdown Jan-Mar 2020;
#: export hit harder and longer by lockdowns abroad.
COVID_DOMESTIC = (
    ("2020-01-20", 1.0),
    ("2020-01-24", 0.40),
    ("2020-02-15", 0.35),
    ("2020-03-10", 0.70),
    ("2020-04-15", 0.90),
    ("2020-05-31", 1.0),
    ("2022-03-25", 1.0),  # Shanghai lockdown, East China supply chains disrupted
    ("2022-04-05", 0.85),
    ("2022-05-31", 0.85),
    ("2022-06-15", 1.0),
)
COVID_EXPORT = (
    ("2020-01-20", 1.0),
    ("2020-02-01", 0.60),
    ("2020-03-15", 0.50),
    ("2020-04-15", 0.40),
    ("2020-06-30", 0.65),
    ("2020-09-30", 0.90),
    ("2020-12-31", 1.0),
)
EXPORT_VOLATILITY = 0.10  # lognormal sigma of a random factor per quarter on export volume

#: (channel, first quarter, last quarter, factor on volume, why)
CHANNEL_EVENTS: tuple[tuple[str, str, str, float, str], ...] = (
    ("Distributor", "2024Q1", "2024Q4", 0.90, "distributors destock under price competition"),
    ("Distributor", "2025Q1", "2025Q4", 0.96, "partial recovery"),
    ("OEM", "2025Q3", "2025Q3", 1.10, "a large pump maker's project order"),
    ("Export", "2025Q3", "2025Q3", 1.12, "customers pull orders forward ahead of tariffs"),
    ("Export", "2025Q4", "2025Q4", 0.90, "orders pulled into Q3 are missing, tariffs bite"),
)
#: (channel, product, first quarter, last quarter, factor on volume, why): a mix effect.
PRODUCT_EVENTS: tuple[tuple[str, str, str, str, float, str], ...] = (
    (
        "Own brand direct",
        "Large-diameter butterfly valve",
        "2025Q4",
        "2025Q4",
        0.60,
        "municipal water projects postponed",
    ),
)
#: (effective date, channel or None for all, factor on unit prices, why)
PRICE_CHANGES: tuple[tuple[str, str | None, float, str], ...] = (
    ("2021-04-01", None, 1.07, "steel cost increase"),
    ("2022-07-01", EXPORT, 1.05, "weaker CNY raises export prices in CNY"),
    ("2023-01-01", None, 1.03, "yearly list price update"),
    ("2024-03-01", "Distributor", 0.92, "price cut for distributors under competition"),
)
PRICE_NOISE = 0.03  # lognormal sigma of line-level price deviations (sizes, negotiation)
UNITS_DISPERSION = 3.0  # negative binomial shape of units per line: small means heavy tails
TARGET_NOISE = 0.02  # lognormal sigma of the planners' own adjustments

#: Salespeople per region; a customer keeps one salesperson. Export has its own order handling.
SALESPEOPLE: dict[str, tuple[str, ...]] = {
    "East China": ("Chen Jie", "Lin Hui"),
    "South China": ("Huang Wei",),
    "North China": ("Zhao Lei",),
    "Central China": ("Wang Fang",),
    "Southwest": ("Li Qiang",),
    "Northwest": ("Li Qiang",),
    "Northeast": ("Zhao Lei",),
    OVERSEAS: ("Zhou Ying",),
}
CITIES: dict[str, tuple[str, ...]] = {
    "East China": (
        "Wenzhou", "Ningbo", "Hangzhou", "Shanghai", "Suzhou", "Nanjing", "Wuxi",
        "Taizhou", "Shaoxing", "Jinan", "Qingdao", "Hefei", "Fuzhou", "Xiamen",
    ),
    "South China": ("Guangzhou", "Shenzhen", "Foshan", "Dongguan", "Zhuhai", "Nanning", "Haikou"),
    "North China": ("Beijing", "Tianjin", "Shijiazhuang", "Taiyuan", "Baotou", "Tangshan"),
    "Central China": ("Wuhan", "Changsha", "Zhengzhou", "Nanchang", "Luoyang", "Yichang"),
    "Southwest": ("Chengdu", "Chongqing", "Kunming", "Guiyang", "Mianyang"),
    "Northwest": ("Xi'an", "Lanzhou", "Yinchuan", "Urumqi", "Xining"),
    "Northeast": ("Shenyang", "Dalian", "Harbin", "Changchun", "Anshan"),
    OVERSEAS: (
        "Dubai", "Jakarta", "Istanbul", "Lagos", "Ho Chi Minh City", "Riyadh", "Almaty",
        "Mumbai", "Bangkok", "Santos", "Johannesburg", "Karachi", "Tashkent", "Manila",
        "Kuala Lumpur", "Cairo", "Lima", "Warsaw",
    ),
}  # fmt: skip
#: Name endings per channel: end users and contractors buy direct, equipment makers buy OEM.
NAME_STEMS: dict[str, tuple[str, ...]] = {
    "Own brand direct": (
        "Water Supply Group", "Petrochemical Co.", "Municipal Engineering Co.", "Thermal Power Co.",
        "Construction Group", "Heating Co.", "Chemical Works", "Pharmaceutical Co.", "Paper Mill",
        "Steel Works",
    ),
    "OEM": (
        "Pump Works", "Boiler Co.", "Fire Equipment Co.", "Water Treatment Equipment Co.",
        "Fluid Systems Co.", "HVAC Equipment Co.", "Compressor Co.", "Heat Exchanger Co.",
    ),
    "Distributor": (
        "Valve Trading Co.", "Industrial Supply Co.", "Pipe & Fittings Co.", "Hardware Trading Co.",
        "Fluid Control Trading Co.", "Valve Sales Co.",
    ),
    EXPORT: (
        "Flow Control LLC", "Valves Trading Ltd.", "Industrial Supplies Ltd.",
        "Pipeline Equipment Co.", "Engineering S.A.", "Technical Trading Co.",
    ),
}  # fmt: skip
#: Share of customers (beyond the biggest three) who already buy in the base year.
INCUMBENT_SHARE = 0.55
#: Days after the base year's start between which later customers place their first order.
ENTRY_DAYS = (60, 7 * 365 - 90)
BIG_CUSTOMERS = 3  # the biggest customers of each channel are incumbents (buying since before 2019)


@dataclass(frozen=True)
class SampleData:
    """The generated company: sales lines (CSV columns) and targets per quarter and channel."""

    sales: pd.DataFrame
    targets: pd.DataFrame


@dataclass(frozen=True)
class _Model:
    """Expected daily levels per channel, shared by the line draw and the first-year targets."""

    days: pd.DatetimeIndex
    revenue: np.ndarray  # (channel, day): expected gross revenue at base-year prices
    surprise: np.ndarray  # (channel, day): the random part of ``revenue`` (export swings)
    shares: np.ndarray  # (channel, day, product): revenue shares after product events
    price_index: np.ndarray  # (channel, day)
    line_revenue: np.ndarray  # (channel, product): expected revenue of one line at base prices
    units: np.ndarray  # (channel, product): expected units per line


def generate(
    seed: int = DEFAULT_SEED, first: str = "2019Q1", last: str = "2025Q4", scale: float = 1.0
) -> SampleData:
    """Sales lines for quarters ``first``..``last``; targets up to the quarter after ``last``.

    ``scale`` multiplies the company's size: revenue, targets and the number of lines (scale 1,
    the bundled sample, has 46,649 lines; about 21.5 gives a million), for trying the workbench
    on more data. Prices, mix and seasonality stay the same.
    """
    first_q, last_q = _CALENDAR.parse(first), _CALENDAR.parse(last)
    if last_q < first_q:
        raise ValueError(f"last quarter {last} is before first quarter {first}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    # The model runs one quarter past the data: targets for it exist before its sales do.
    days = pd.date_range(_CALENDAR.start(first_q), _CALENDAR.end(last_q + 1), freq="D")
    last_day = _CALENDAR.end(last_q)
    rng = np.random.default_rng(seed)
    model = _model(days, rng)
    if scale != 1:
        model = replace(model, revenue=model.revenue * scale)
    customers = _customers(rng)
    sales = _sales_lines(model, customers, last_day, rng)
    sales = pd.concat([sales, _returns(sales, last_day, rng)], ignore_index=True)
    sales = sales.sort_values(["order_date", "order_id", "line"], kind="stable")
    sales = sales.drop(columns="line").reset_index(drop=True)
    targets = _targets(sales, model, rng)
    return SampleData(sales=sales[list(SALES_COLUMNS)], targets=targets)


def write_sample(
    out_dir: str | Path, seed: int = DEFAULT_SEED, scale: float = 1.0, parquet: bool = False
) -> list[Path]:
    """Write ``sales_lines.csv`` (or ``.parquet``), ``targets.csv`` and ``config.yaml``;
    byte-identical for a seed and scale."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = generate(seed, scale=scale)
    lines = "sales_lines.parquet" if parquet else "sales_lines.csv"
    paths = [out / lines, out / "targets.csv", out / "config.yaml"]
    csv_options = {"index": False, "float_format": "%.2f", "lineterminator": "\n"}
    if parquet:
        data.sales.to_parquet(paths[0], index=False)
    else:
        data.sales.to_csv(paths[0], date_format="%Y-%m-%d", encoding="utf-8", **csv_options)
    data.targets.to_csv(paths[1], encoding="utf-8", **csv_options)
    paths[2].write_bytes(CONFIG_YAML.replace("sales_lines.csv", lines).encode("utf-8"))
    return paths


def _model(days: pd.DatetimeIndex, rng: np.random.Generator) -> _Model:
    """Expected revenue per channel and day, product shares and prices, before any line is drawn."""
    quarters = days.to_period(_CALENDAR.freq)
    years = _years_since_base(days)
    calendar = _calendar_factor(days)
    base_days = pd.date_range(f"{BASE_YEAR}-01-01", f"{BASE_YEAR}-12-31", freq="D")
    base_calendar = _calendar_factor(base_days)
    base_years = _years_since_base(base_days)
    export_noise = rng.lognormal(0.0, EXPORT_VOLATILITY, len(quarters.unique()))
    quarter_index = quarters.asi8 - quarters.asi8.min()

    revenue = np.empty((len(CHANNELS), len(days)))
    surprise = np.ones_like(revenue)
    for i, channel in enumerate(CHANNELS):
        trend = (1 + channel.growth) ** years
        base_level = np.sum((1 + channel.growth) ** base_years * base_calendar)
        level = channel.revenue_base_year / base_level * trend * calendar
        covid = COVID_EXPORT if channel.name == EXPORT else COVID_DOMESTIC
        level = level * _interpolate(days, covid)
        if channel.name == EXPORT:
            surprise[i] = export_noise[quarter_index]
        for name, start, end, factor, _why in CHANNEL_EVENTS:
            if name == channel.name:
                level = level * np.where(_in_quarters(quarters, start, end), factor, 1.0)
        revenue[i] = level * surprise[i]

    mix = np.array([PRODUCT_MIX[c.name] for c in CHANNELS])
    shares = mix[:, None, :] * np.array(MIX_TREND)[None, None, :] ** years[None, :, None]
    shares /= shares.sum(axis=2, keepdims=True)
    for name, product, start, end, factor, _why in PRODUCT_EVENTS:
        in_event = _in_quarters(quarters, start, end)
        shares[CHANNEL_NAMES.index(name), in_event, PRODUCT_NAMES.index(product)] *= factor

    price_index = np.ones((len(CHANNELS), len(days)))
    for date, name, factor, _why in PRICE_CHANGES:
        rows = [i for i, c in enumerate(CHANNELS) if name in (None, c.name)]
        price_index[rows] *= np.where(days >= pd.Timestamp(date), factor, 1.0)

    units = np.maximum(
        1.0, np.outer([c.units_per_line for c in CHANNELS], [p[3] for p in PRODUCTS])
    )
    line_revenue = units * _LIST_PRICE[None, :] * _PRICE_LEVEL[:, None]
    return _Model(days, revenue, surprise, shares, price_index, line_revenue, units)


def _sales_lines(
    model: _Model, customers: pd.DataFrame, last_day: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Orders per channel and day up to ``last_day``, one or more lines each."""
    n_channels = len(CHANNELS)
    n_days = model.days.searchsorted(last_day, side="right")
    line_rate = model.shares[:, :n_days] / model.line_revenue[:, None, :]  # lines per CNY
    lines_per_day = model.revenue[:, :n_days] * line_rate.sum(axis=2)
    extra = np.array([c.extra_lines for c in CHANNELS])
    # Orders come out date-major (day, then channel), so that order numbers follow the dates.
    orders = rng.poisson((lines_per_day / (1 + extra)[:, None]).T)
    order_day, order_channel = np.divmod(
        np.repeat(np.arange(orders.size), orders.ravel()), n_channels
    )
    order_customer = _pick_customers(customers, order_channel, model.days[order_day], rng)

    line_order = np.repeat(np.arange(len(order_day)), 1 + rng.poisson(extra[order_channel]))
    channel, day = order_channel[line_order], order_day[line_order]
    product = _draw_category(line_rate[channel, day], rng)
    mean_units = model.units[channel, product]
    units = 1 + rng.negative_binomial(
        UNITS_DISPERSION, UNITS_DISPERSION / (UNITS_DISPERSION + mean_units - 1)
    )
    noise = rng.lognormal(0.0, PRICE_NOISE, len(line_order))
    price = _LIST_PRICE[product] * _PRICE_LEVEL[channel] * model.price_index[channel, day]
    cents = np.round(price * noise * 100).astype(np.int64)

    # The same product twice in one order becomes one line: units add up, the first price holds.
    key = line_order * len(PRODUCTS) + product
    by_key = np.argsort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(key[by_key]) != 0])
    first = by_key[starts]
    units = np.add.reduceat(units[by_key], starts)
    line_order, product, cents = line_order[first], product[first], cents[first]
    line_no = np.arange(len(first)) - np.searchsorted(line_order, line_order) + 1

    dates = model.days[order_day]
    order_ids = _numbered_ids("SO", dates)
    customer = customers.iloc[order_customer[line_order]]
    return pd.DataFrame(
        {
            "order_date": dates[line_order],
            "order_id": order_ids[line_order],
            "line": line_no,
            "customer": customer["customer"].to_numpy(),
            "channel": np.array(CHANNEL_NAMES)[order_channel[line_order]],
            "region": customer["region"].to_numpy(),
            "product_line": np.array([p[0] for p in PRODUCTS])[product],
            "product": np.array(PRODUCT_NAMES)[product],
            "quantity": units.astype(np.int64),
            "unit_price": cents / 100,
            "net_amount": units * cents / 100,
            "salesperson": customer["salesperson"].to_numpy(),
        }
    )


def _returns(sales: pd.DataFrame, last_day: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """Negative lines after a sale of the same customer and product; a quality spike in 2024."""
    product = pd.Index(PRODUCT_NAMES).get_indexer(sales["product"])
    chance = np.array(RETURN_CHANCE)[product]
    share = rng.uniform(*RETURNED_SHARE, len(sales))
    spike_product, spike_from, spike_to, spike_chance, spike_share = QUALITY_SPIKE
    in_spike = (sales["product"].to_numpy() == spike_product) & sales["order_date"].between(
        spike_from, spike_to
    ).to_numpy()
    chance = np.where(in_spike, spike_chance, chance)
    share = np.where(in_spike, rng.uniform(*spike_share, len(sales)), share)
    returned = rng.random(len(sales)) < chance
    minimum, shape, scale = RETURN_LAG_DAYS
    lag = np.round(minimum + rng.gamma(shape, scale, len(sales))).astype("int64")
    dates = sales["order_date"] + pd.to_timedelta(lag, unit="D")
    keep = returned & (dates <= last_day).to_numpy()

    out = sales.loc[keep].copy()
    units = out["quantity"].to_numpy()
    back = np.clip(np.round(units * share[keep]), 1, units).astype(np.int64)
    out["quantity"] = -back
    out["net_amount"] = -back * np.round(out["unit_price"].to_numpy() * 100) / 100
    out["order_date"] = dates[keep]
    out = out.sort_values(["order_date", "order_id", "line"], kind="stable")
    out["order_id"] = _numbered_ids("RT", pd.DatetimeIndex(out["order_date"]))
    out["line"] = 1
    return out


def _targets(sales: pd.DataFrame, model: _Model, rng: np.random.Generator) -> pd.DataFrame:
    """Last year's same-quarter actual times the planned growth; without one, the model's level."""
    actual = (
        sales.assign(quarter=_CALENDAR.periods(sales["order_date"]))
        .groupby(["quarter", "channel"], observed=True)[["net_amount", "quantity"]]
        .sum()
    )
    expected = _expected(model)
    rows = []
    for quarter in expected.index.unique(level="quarter"):
        for channel in CHANNELS:
            previous = (quarter - 4, channel.name)
            if previous in actual.index:
                revenue, units = actual.loc[previous]
                factor = 1 + channel.target_growth
            else:
                revenue, units = expected.loc[(quarter, channel.name)]
                factor = 1.0
            factor *= rng.lognormal(0.0, TARGET_NOISE)
            label = _CALENDAR.label(quarter)
            rows.append((label, channel.name, round(revenue * factor, 2), round(units * factor)))
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS)).astype({"target_quantity": "int64"})


def _expected(model: _Model) -> pd.DataFrame:
    """Expected net revenue and units per (quarter, channel) as a planner could know them.

    The random export swings are left out: they are the surprise, not the plan.
    """
    keep = 1 - np.array(RETURN_CHANCE) * np.mean(RETURNED_SHARE)
    planned = model.revenue / model.surprise
    by_product = planned[:, :, None] * model.shares * keep  # CNY at base-year prices
    revenue = by_product.sum(axis=2) * model.price_index
    units = (by_product * (model.units / model.line_revenue)[:, None, :]).sum(axis=2)
    quarters = model.days.to_period(_CALENDAR.freq)
    frame = pd.DataFrame(
        {
            "quarter": np.tile(quarters, len(CHANNELS)),
            "channel": np.repeat(CHANNEL_NAMES, len(quarters)),
            "net_amount": revenue.ravel(),
            "quantity": units.ravel(),
        }
    )
    return frame.groupby(["quarter", "channel"]).sum()


def _customers(rng: np.random.Generator) -> pd.DataFrame:
    """Customer pools per channel: Pareto-like weights, home region, salesperson, entry date."""
    frames = []
    for channel in CHANNELS:
        n = channel.customers
        weight = np.sort(np.arange(1, n + 1) ** -channel.pareto * rng.lognormal(0, 0.3, n))[::-1]
        if channel.name == EXPORT:
            region = np.full(n, OVERSEAS)
        else:
            region = _home_regions(weight, REGION_WEIGHTS[channel.name])
        incumbent = rng.random(n) < INCUMBENT_SHARE
        incumbent[:BIG_CUSTOMERS] = True
        entry_day = rng.integers(ENTRY_DAYS[0], ENTRY_DAYS[1], n)
        entry = pd.Timestamp(f"{BASE_YEAR}-01-01") + pd.to_timedelta(
            np.where(incumbent, -10 * 365, entry_day), unit="D"
        )
        names = np.empty(n, dtype=object)
        salespeople = np.empty(n, dtype=object)
        for place in sorted(set(region)):
            at = np.flatnonzero(region == place)
            pool = [f"{city} {stem}" for city in CITIES[place] for stem in NAME_STEMS[channel.name]]
            names[at] = rng.choice(pool, size=len(at), replace=False)
            salespeople[at] = rng.choice(SALESPEOPLE[place], size=len(at))
        frames.append(
            pd.DataFrame(
                {
                    "channel": channel.name,
                    "customer": names,
                    "region": region,
                    "salesperson": salespeople,
                    "weight": weight,
                    "entry": entry,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _home_regions(weight: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Regions for customers (biggest first) so that each region's weight follows ``shares``.

    Drawing regions at random would let one big customer decide a channel's regional split.
    """
    target = np.array(shares)
    assigned = np.zeros(len(target))
    region = np.empty(len(weight), dtype=object)
    for i, w in enumerate(weight):
        pick = int(np.argmax(target * (assigned.sum() + w) - assigned))
        assigned[pick] += w
        region[i] = DOMESTIC_REGIONS[pick]
    return region


def _pick_customers(
    customers: pd.DataFrame,
    channel: np.ndarray,
    dates: pd.DatetimeIndex,
    rng: np.random.Generator,
) -> np.ndarray:
    """Row in ``customers`` per order, weighted among the channel's customers active that day."""
    picked = np.empty(len(channel), dtype=np.int64)
    u = rng.random(len(channel))
    for i, name in enumerate(CHANNEL_NAMES):
        pool = customers[customers["channel"] == name].sort_values("entry", kind="stable")
        cumulative = np.cumsum(pool["weight"].to_numpy())
        at = np.flatnonzero(channel == i)
        entry = _day_numbers(pd.DatetimeIndex(pool["entry"]))
        active = np.searchsorted(entry, _day_numbers(dates[at]), side="right")
        chosen = np.searchsorted(cumulative, u[at] * cumulative[active - 1], side="right")
        picked[at] = pool.index.to_numpy()[np.minimum(chosen, active - 1)]
    return picked


def _draw_category(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Column index per row of ``weights``, drawn with probability proportional to the weights."""
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    drawn = (cumulative < rng.random(len(weights))[:, None]).sum(axis=1)
    return np.minimum(drawn, weights.shape[1] - 1)  # rounding can leave the last sum below 1


def _numbered_ids(prefix: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """``SO-2019-000001`` style ids, numbered from 1 in each year in the given (date) order."""
    year = dates.year.to_numpy()
    number = np.arange(len(year)) - np.searchsorted(year, year) + 1
    text = pd.Series(year).astype(str) + "-" + pd.Series(number).astype(str).str.zfill(6)
    return (prefix + "-" + text).to_numpy()


def _calendar_factor(days: pd.DatetimeIndex) -> np.ndarray:
    """Activity common to all channels: month, weekday, Spring Festival and public holidays."""
    factor = np.array(MONTH_FACTOR)[days.month - 1] * np.array(WEEKDAY_FACTOR)[days.day_of_week]
    festivals = pd.DatetimeIndex(SPRING_FESTIVAL)
    known = (festivals[0].year, festivals[-1].year - 1)
    if days[0].year < known[0] or days[-1].year > known[1]:
        raise ValueError(f"sample data can be generated for {known[0]}-{known[1]} only")
    # The first festival less than half a year before a day is the one nearest to it.
    nearest = festivals[festivals.searchsorted(days - pd.Timedelta(days=183))]
    offset = (days - nearest).days.to_numpy()
    factor = factor * np.interp(offset, *SPRING_FESTIVAL_CURVE, left=1.0, right=1.0)
    for month, first, last in PUBLIC_HOLIDAYS:
        in_holiday = (days.month == month) & (days.day >= first) & (days.day <= last)
        factor = factor * np.where(in_holiday, HOLIDAY_ACTIVITY, 1.0)
    return factor


def _interpolate(days: pd.DatetimeIndex, points: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Piecewise-linear factor over dates, 1 outside the points."""
    x = _day_numbers(pd.DatetimeIndex([p[0] for p in points]))
    return np.interp(_day_numbers(days), x, [p[1] for p in points], left=1.0, right=1.0)


def _in_quarters(quarters: pd.PeriodIndex, first: str, last: str) -> np.ndarray:
    """Mask of the days whose quarter lies in ``first``..``last`` (labels as in event tables)."""
    return np.asarray((quarters >= _CALENDAR.parse(first)) & (quarters <= _CALENDAR.parse(last)))


def _years_since_base(days: pd.DatetimeIndex) -> np.ndarray:
    """Fractional years since the base year's first day: the exponent of trends and mix drift."""
    return ((days - pd.Timestamp(f"{BASE_YEAR}-01-01")).days / 365.25).to_numpy()


def _day_numbers(dates: pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970-01-01, whatever the index's time unit (pandas 3 mixes s, us and ns)."""
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)

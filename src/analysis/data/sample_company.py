"""The sample valve maker's description: channels, regions, products, customers and events.

Only constants: what the company sells, to whom, where, and what happened to it over the years.
Kept apart from ``analysis.data.sample_draw`` (the draw) and ``analysis.data.sample`` (the files) so
the company can be read, and changed, as one table without the arithmetic in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.core.quarters import FiscalCalendar

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
TARGET_COLUMNS: tuple[str, ...] = (
    "quarter",
    "channel",
    "region",
    "target_revenue",
    "target_quantity",
)

#: The company's fiscal year starts in January.
CALENDAR = FiscalCalendar(1)
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

#: Yearly chance that a customer stops buying (the biggest three of each channel never do), from a
#: year after its first possible order: its later orders go to other customers of its channel and
#: region, so channel and regional revenue stay what they would be without it.
LEAVING_RATE = 0.07
LEAVING_AFTER_DAYS = 365
#: Losses the review names: (channel, size rank in the channel from 0, last day it buys, why).
LOST_CUSTOMERS: tuple[tuple[str, int, str, str], ...] = (
    ("Distributor", 3, "2025-02-28", "went over to a competitor's cheaper ball valves"),
)
#: Quality claims of two customers: (channel, size rank from 0, product line, sales from, sales to,
#: chance that a line of that product line comes back, uniform range of its returned share).
QUALITY_CLAIMS: tuple[tuple[str, int, str, str, str, float, tuple[float, float]], ...] = (
    ("OEM", 1, "Ball valves", "2025-05-01", "2025-12-10", 0.30, (0.3, 1.0)),
    ("Distributor", 0, "Ball valves", "2025-05-01", "2025-12-10", 0.35, (0.3, 1.0)),
)

#: The online shop (a store on a marketplace), opened on ONLINE_OPENED: small orders of one product
#: at the own brand's prices, from buyers all over the country. It has no target yet.
ONLINE = "Online"
ONLINE_OPENED = "2024-03-01"
#: Orders per (weekday) day: ONLINE_ORDERS[0] at the opening, rising linearly to ONLINE_ORDERS[1]
#: at the end of 2025.
ONLINE_ORDERS = (1.0, 4.0)
#: Share of online orders per product (same order as PRODUCTS): no large-diameter butterfly valves.
ONLINE_MIX = (0.30, 0.10, 0.12, 0.0, 0.18, 0.12, 0.10, 0.08)
ONLINE_UNITS = 3.0  # mean units on an online order line
ONLINE_SALESPERSON = "Xu Min"  # runs the shop
#: Regions of online buyers and their shares (a buyer's name is the shop's buyers of a region).
ONLINE_REGIONS = (0.35, 0.15, 0.12, 0.12, 0.12, 0.07, 0.07)  # DOMESTIC_REGIONS order
#: From this quarter on the distributors' targets are regional quotas: the channel target split
#: over its regions by their shares of the channel's net revenue a year earlier.
REGIONAL_QUOTAS = ("Distributor", "2025Q1")

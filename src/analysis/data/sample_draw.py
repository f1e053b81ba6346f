"""The draw of the sample company: daily levels, customers, sales lines, returns and targets.

Everything comes from the one ``numpy.random.default_rng(seed)`` that ``analysis.data.sample``
passes in, called in a fixed order; the company itself is described in
``analysis.data.sample_company``. Kept apart so the model's arithmetic reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.sample_company import (
    BASE_YEAR,
    BIG_CUSTOMERS,
    CALENDAR,
    CHANNEL_EVENTS,
    CHANNEL_NAMES,
    CHANNELS,
    CITIES,
    COVID_DOMESTIC,
    COVID_EXPORT,
    DOMESTIC_REGIONS,
    ENTRY_DAYS,
    EXPORT,
    EXPORT_VOLATILITY,
    HOLIDAY_ACTIVITY,
    INCUMBENT_SHARE,
    MIX_TREND,
    MONTH_FACTOR,
    NAME_STEMS,
    OVERSEAS,
    PRICE_CHANGES,
    PRICE_NOISE,
    PRODUCT_EVENTS,
    PRODUCT_MIX,
    PRODUCT_NAMES,
    PRODUCTS,
    PUBLIC_HOLIDAYS,
    QUALITY_SPIKE,
    REGION_WEIGHTS,
    RETURN_CHANCE,
    RETURN_LAG_DAYS,
    RETURNED_SHARE,
    SALESPEOPLE,
    SPRING_FESTIVAL,
    SPRING_FESTIVAL_CURVE,
    TARGET_COLUMNS,
    TARGET_NOISE,
    UNITS_DISPERSION,
    WEEKDAY_FACTOR,
)

_PRICE_LEVEL = np.array([c.price_level for c in CHANNELS])
_LIST_PRICE = np.array([p[2] for p in PRODUCTS])


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


def draw_model(days: pd.DatetimeIndex, rng: np.random.Generator) -> _Model:
    """Expected revenue per channel and day, product shares and prices, before any line is drawn."""
    quarters = days.to_period(CALENDAR.freq)
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


def draw_sales_lines(
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


def draw_returns(
    sales: pd.DataFrame, last_day: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
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
    out = returned_lines(sales, returned, share, last_day, rng)
    out = out.sort_values(["order_date", "order_id", "line"], kind="stable")
    out["order_id"] = _numbered_ids("RT", pd.DatetimeIndex(out["order_date"]))
    out["line"] = 1
    return out


def returned_lines(
    sales: pd.DataFrame,
    returned: np.ndarray,
    share: np.ndarray,
    last_day: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The returns of the ``returned`` lines: each after its sale by a drawn lag (none after
    ``last_day``), ``share`` of its units (at least one) back at the line's unit price."""
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
    return out


def draw_targets(sales: pd.DataFrame, model: _Model, rng: np.random.Generator) -> pd.DataFrame:
    """Last year's same-quarter actual times the planned growth; without one, the model's level."""
    actual = (
        sales.assign(quarter=CALENDAR.periods(sales["order_date"]))
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
            label = CALENDAR.label(quarter)
            rows.append((label, channel.name, round(revenue * factor, 2), round(units * factor)))
    columns = [c for c in TARGET_COLUMNS if c != "region"]  # regions: sample_later
    return pd.DataFrame(rows, columns=columns).astype({"target_quantity": "int64"})


def _expected(model: _Model) -> pd.DataFrame:
    """Expected net revenue and units per (quarter, channel) as a planner could know them.

    The random export swings are left out: they are the surprise, not the plan.
    """
    keep = 1 - np.array(RETURN_CHANCE) * np.mean(RETURNED_SHARE)
    planned = model.revenue / model.surprise
    by_product = planned[:, :, None] * model.shares * keep  # CNY at base-year prices
    revenue = by_product.sum(axis=2) * model.price_index
    units = (by_product * (model.units / model.line_revenue)[:, None, :]).sum(axis=2)
    quarters = model.days.to_period(CALENDAR.freq)
    frame = pd.DataFrame(
        {
            "quarter": np.tile(quarters, len(CHANNELS)),
            "channel": np.repeat(CHANNEL_NAMES, len(quarters)),
            "net_amount": revenue.ravel(),
            "quantity": units.ravel(),
        }
    )
    return frame.groupby(["quarter", "channel"]).sum()


def draw_customers(rng: np.random.Generator) -> pd.DataFrame:
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
    return np.asarray((quarters >= CALENDAR.parse(first)) & (quarters <= CALENDAR.parse(last)))


def _years_since_base(days: pd.DatetimeIndex) -> np.ndarray:
    """Fractional years since the base year's first day: the exponent of trends and mix drift."""
    return ((days - pd.Timestamp(f"{BASE_YEAR}-01-01")).days / 365.25).to_numpy()


def _day_numbers(dates: pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970-01-01, whatever the index's time unit (pandas 3 mixes s, us and ns)."""
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)

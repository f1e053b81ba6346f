"""The bundled sample company: reproducible to the byte, and shaped the way reports rely on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.data.sample import DEFAULT_SEED, SampleData, generate, write_sample
from analysis.data.sample_company import (
    CHANNEL_NAMES,
    LOST_CUSTOMERS,
    ONLINE,
    SALES_COLUMNS,
    SPRING_FESTIVAL,
    TARGET_COLUMNS,
)

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
FILES = ("sales_lines.csv", "targets.csv", "config.yaml")
CATALOGUE = {
    "Floating ball valve": "Ball valves",
    "Eccentric half-ball valve": "Ball valves",
    "Forged-steel ball valve": "Ball valves",
    "Large-diameter butterfly valve": "Butterfly valves",
    "Soft-seal butterfly valve": "Butterfly valves",
    "Gate valve": "Other valves",
    "Check valve": "Other valves",
    "Globe valve": "Other valves",
}
DOMESTIC = {
    "East China",
    "South China",
    "North China",
    "Central China",
    "Southwest",
    "Northwest",
    "Northeast",
}


@pytest.fixture(scope="module")
def generated() -> SampleData:
    return generate()


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_DIR / "sales_lines.csv", parse_dates=["order_date"])
    return frame.assign(quarter=frame["order_date"].dt.to_period("Q").astype(str))


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "targets.csv")


@pytest.fixture(scope="module")
def attainment(sales: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Actual net revenue over target per quarter (rows) and channel (columns), 2019Q1..2025Q4."""
    actual = sales.groupby(["quarter", "channel"])["net_amount"].sum()
    target = targets.groupby(["quarter", "channel"])["target_revenue"].sum()
    return (actual / target.reindex(actual.index)).unstack().drop(columns=ONLINE)


def _net_by_year(sales: pd.DataFrame, by: str | None = None) -> pd.Series:
    keys = [sales["order_date"].dt.year] + ([by] if by else [])
    return sales.groupby(keys)["net_amount"].sum()


def _cents(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy() * 100).astype(np.int64)


def test_generate_is_deterministic(generated: SampleData) -> None:
    again = generate()
    pd.testing.assert_frame_equal(again.sales, generated.sales)
    pd.testing.assert_frame_equal(again.targets, generated.targets)


def test_write_sample_reproduces_the_committed_files(tmp_path: Path) -> None:
    paths = write_sample(tmp_path / "out")
    assert [p.name for p in paths] == list(FILES)
    for path in paths:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_another_seed_gives_other_data(generated: SampleData) -> None:
    other = generate(seed=DEFAULT_SEED + 1)
    assert len(other.sales) != len(generated.sales)
    assert other.sales["net_amount"].sum() != pytest.approx(generated.sales["net_amount"].sum())
    assert not np.allclose(other.targets["target_revenue"], generated.targets["target_revenue"])


def test_generate_covers_the_requested_quarters_and_one_more_for_targets() -> None:
    data = generate(first="2024Q1", last="2024Q4")
    assert data.sales["order_date"].min() >= pd.Timestamp("2024-01-01")
    assert data.sales["order_date"].max() <= pd.Timestamp("2024-12-31")
    quarters = sorted(data.targets["quarter"].unique())
    assert quarters == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    with pytest.raises(ValueError):
        generate(first="2025Q1", last="2024Q4")


def test_files_are_utf8_with_lf_and_the_documented_headers() -> None:
    for name in FILES:
        raw = (SAMPLE_DIR / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw
        raw.decode("utf-8")
    header = (SAMPLE_DIR / "sales_lines.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == list(SALES_COLUMNS)
    header = (SAMPLE_DIR / "targets.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == list(TARGET_COLUMNS)


def test_config_maps_the_company_headers() -> None:
    config = yaml.safe_load((SAMPLE_DIR / "config.yaml").read_text(encoding="utf-8"))
    assert config["sales"]["columns"] == {"date": "order_date", "revenue": "net_amount"}
    assert config["fiscal_year_start_month"] == 1
    assert config["currency"] == "CNY"
    for section in ("sales", "targets"):
        assert (SAMPLE_DIR / config[section]["path"]).is_file()


def test_lines_are_sorted_and_span_2019_to_the_last_days_of_2025(sales: pd.DataFrame) -> None:
    assert sales["order_date"].min() < pd.Timestamp("2019-01-08")
    assert sales["order_date"].max() >= pd.Timestamp("2025-12-30")
    order = sales.sort_values(["order_date", "order_id"], kind="stable")
    assert order.index.equals(sales.index)
    assert 30_000 <= len(sales) <= 60_000
    assert sales["order_id"].str.fullmatch(r"(SO|RT|QC|WEB)-20(19|2[0-5])-\d{6}").all()
    year = sales["order_id"].str.split("-").str[1]
    assert (year == sales["order_date"].dt.year.astype(str)).all()


def test_catalogue_channels_and_salespeople(sales: pd.DataFrame) -> None:
    assert set(sales["channel"]) == {*CHANNEL_NAMES, ONLINE}
    pairs = sales[["product", "product_line"]].drop_duplicates()
    assert dict(zip(pairs["product"], pairs["product_line"], strict=True)) == CATALOGUE
    assert 5 <= sales["salesperson"].nunique() <= 8
    assert sales.groupby("customer")["salesperson"].nunique().max() == 1
    assert sales.groupby("customer")["channel"].nunique().max() == 1


def test_revenue_is_quantity_times_unit_price_on_every_line(sales: pd.DataFrame) -> None:
    assert (sales["unit_price"] > 0).all()
    quantity = sales["quantity"].to_numpy()
    assert np.array_equal(quantity * _cents(sales["unit_price"]), _cents(sales["net_amount"]))


def test_returns_are_negative_lines_after_a_sale(sales: pd.DataFrame) -> None:
    is_return = sales["order_id"].str.match(r"(RT|QC)-")  # returns and quality claims
    returns = sales[is_return]
    assert ((sales["quantity"] < 0) == is_return).all()
    assert (returns["net_amount"] < 0).all()
    keys = ["customer", "product", "unit_price"]
    origin = returns.reset_index().merge(
        sales[sales["quantity"] > 0], on=keys, suffixes=("", "_sale")
    )
    origin = origin[
        (origin["order_date_sale"] < origin["order_date"])
        & (origin["quantity_sale"] >= -origin["quantity"])
    ]
    assert origin["index"].nunique() == len(returns)

    share = -returns["net_amount"].sum() / sales.loc[sales["quantity"] > 0, "net_amount"].sum()
    assert 0.02 <= share <= 0.035
    by_quarter = (
        returns.groupby("quarter")["net_amount"].sum()
        / sales.loc[sales["quantity"] > 0].groupby("quarter")["net_amount"].sum()
    )
    assert -by_quarter["2024Q3"] > 2 * -by_quarter.median()  # the soft-seal quality problem


def test_customers_leave_every_year_and_the_named_loss_buys_no_more(sales: pd.DataFrame) -> None:
    bought = sales[sales["quantity"] > 0]
    last = bought.groupby("customer")["order_date"].max()
    gone = last[last < pd.Timestamp("2025-07-01")].dt.year.value_counts()
    assert all(gone.get(year, 0) >= 3 for year in range(2020, 2025)), gone
    first = bought.groupby("customer")["order_date"].min().dt.year.value_counts()
    assert all(first.get(year, 0) >= 3 for year in range(2020, 2026)), first
    assert last["Yichang Pipe & Fittings Co."] <= pd.Timestamp(LOST_CUSTOMERS[0][2])


def test_two_customers_claim_ball_valves_back_in_2025(sales: pd.DataFrame) -> None:
    claims = sales[sales["order_id"].str.startswith("QC-")]
    assert set(claims["customer"]) == {
        "Shenzhen Water Treatment Equipment Co.",
        "Hefei Fluid Control Trading Co.",
    }
    assert set(claims["product_line"]) == {"Ball valves"}
    late = sales[(sales["quarter"] >= "2025Q3") & (sales["product_line"] == "Ball valves")]
    claimant = late["customer"].isin(claims["customer"])
    rates = [
        -part.loc[part["quantity"] < 0, "net_amount"].sum()
        / part.loc[part["quantity"] > 0, "net_amount"].sum()
        for part in (
            late[claimant & (late["customer"] == name)] for name in set(claims["customer"])
        )
    ]
    rest = late[~claimant]
    rate_of_the_rest = (
        -rest.loc[rest["quantity"] < 0, "net_amount"].sum()
        / rest.loc[rest["quantity"] > 0, "net_amount"].sum()
    )
    assert min(rates) > 3 * rate_of_the_rest, (rates, rate_of_the_rest)


def test_yearly_revenue_grows_from_about_50_to_about_80_million(sales: pd.DataFrame) -> None:
    revenue = _net_by_year(sales) / 1e6
    assert 45 <= revenue[2019] <= 55
    assert 75 <= revenue[2025] <= 85
    lines = sales[sales["order_date"].dt.year == 2025].groupby("product_line")["net_amount"].sum()
    assert lines["Ball valves"] > lines["Other valves"] > lines["Butterfly valves"]


def test_q1_is_below_and_q4_above_the_quarterly_average_every_year(sales: pd.DataFrame) -> None:
    by_quarter = sales.groupby([sales["order_date"].dt.year, sales["order_date"].dt.quarter])[
        "net_amount"
    ].sum()
    for year, quarters in by_quarter.groupby(level=0):
        values = quarters.droplevel(0)
        assert values[1] < values.mean() < values[4], year


def test_spring_festival_week_is_quiet(sales: pd.DataFrame) -> None:
    daily = sales.groupby("order_date")["net_amount"].sum()
    for day in pd.to_datetime([d for d in SPRING_FESTIVAL if "2019" <= d[:4] <= "2025"]):
        year_mean = daily[daily.index.year == day.year].sum() / 365
        week = daily[day - pd.Timedelta(days=2) : day + pd.Timedelta(days=5)]
        assert week.sum() / 8 < 0.3 * year_mean, day.date()


def test_channels_grow_differently(sales: pd.DataFrame) -> None:
    revenue = _net_by_year(sales, "channel").unstack()
    growth = revenue.loc[2025] / revenue.loc[2019]
    assert growth["OEM"] > 2.5
    assert growth["Own brand direct"] < 1.3
    assert growth["OEM"] > 2 * growth["Own brand direct"]
    distributor = revenue["Distributor"]
    assert distributor[2024] < distributor[2023]  # the weak distributor year


def test_prices_follow_the_price_changes(sales: pd.DataFrame) -> None:
    lines = sales[(sales["quantity"] > 0) & (sales["product"] == "Floating ball valve")]
    median = lines.groupby(["channel", "quarter"])["unit_price"].median()
    steel = median["Own brand direct", "2021Q3"] / median["Own brand direct", "2020Q4"]
    assert 1.04 < steel < 1.10
    cut = median["Distributor", "2024Q2"] / median["Distributor", "2023Q4"]
    assert 0.88 < cut < 0.96
    assert median["OEM", "2019Q1"] < median["Distributor", "2019Q1"]
    assert median["Distributor", "2019Q1"] < median["Own brand direct", "2019Q1"]


def test_regions_and_customers(sales: pd.DataFrame) -> None:
    regions = sales.groupby("channel")["region"].unique()
    assert set(regions["Export"]) == {"Overseas"}
    for channel in ("Own brand direct", "OEM", "Distributor"):
        assert set(regions[channel]) == DOMESTIC
        share = sales[sales["channel"] == channel].groupby("region")["net_amount"].sum()
        assert share.idxmax() == "East China", channel
    oem = sales[sales["channel"] == "OEM"].groupby("customer")["net_amount"].sum()
    assert oem.nlargest(3).sum() > 0.5 * oem.sum()
    first_year = sales.groupby("customer")["order_date"].min().dt.year
    assert (first_year > 2020).sum() >= 20


def test_targets_cover_every_quarter_and_channel_once(targets: pd.DataFrame) -> None:
    assert list(targets.columns) == list(TARGET_COLUMNS)
    assert not targets.duplicated(["quarter", "channel", "region"]).any()
    quarters = pd.period_range("2019Q1", "2026Q1", freq="Q").astype(str)
    expected = pd.MultiIndex.from_product([quarters, CHANNEL_NAMES])
    assert set(targets.set_index(["quarter", "channel"]).index) == set(expected)
    assert set(targets.loc[targets["quarter"] == "2026Q1", "channel"]) == set(CHANNEL_NAMES)
    assert (targets["target_revenue"] > 0).all() and (targets["target_quantity"] > 0).all()


def test_the_online_shop_sells_from_2024_without_a_target(
    sales: pd.DataFrame, targets: pd.DataFrame
) -> None:
    online = sales.loc[sales["channel"] == ONLINE]
    assert online["order_date"].min() >= pd.Timestamp("2024-03-01")
    assert ONLINE not in set(targets["channel"])
    since = sales.loc[sales["order_date"].dt.year >= 2024, "net_amount"].sum()
    assert 0.01 < online["net_amount"].sum() / since < 0.08  # a small channel


def test_distributor_targets_are_regional_quotas_from_2025(targets: pd.DataFrame) -> None:
    by_region = targets.loc[targets["region"].notna()]
    assert set(by_region["channel"]) == {"Distributor"}
    assert sorted(set(by_region["quarter"])) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    assert (by_region.groupby("quarter")["region"].nunique() == len(DOMESTIC)).all()
    earlier = targets.loc[targets["quarter"] < "2025Q1"]
    assert earlier["region"].isna().all()


def test_every_channel_misses_and_beats_some_targets(attainment: pd.DataFrame) -> None:
    assert len(attainment) == 28
    assert ((attainment < 1).sum() >= 3).all()
    assert ((attainment > 1).sum() >= 3).all()


def test_2025q4_is_missed_by_a_few_percent_and_2025q3_beaten(
    sales: pd.DataFrame, targets: pd.DataFrame
) -> None:
    targeted = sales.loc[sales["channel"] != ONLINE]
    actual = targeted.groupby("quarter")["net_amount"].sum()
    target = targets.groupby("quarter")["target_revenue"].sum()
    assert 0.90 < actual["2025Q4"] / target["2025Q4"] < 0.99
    assert actual["2025Q3"] > target["2025Q3"]


def test_scale_makes_a_larger_company_of_the_same_shape(tmp_path) -> None:
    small, large = (
        generate(first="2024Q1", last="2024Q4"),
        generate(first="2024Q1", last="2024Q4", scale=3),
    )
    ratio = len(large.sales) / len(small.sales)
    assert 2.8 < ratio < 3.2
    shares = [d.sales.groupby("channel")["net_amount"].sum() / d.sales["net_amount"].sum()
              for d in (small, large)]  # fmt: skip
    assert (shares[0] - shares[1]).abs().max() < 0.03
    with pytest.raises(ValueError, match="scale must be positive"):
        generate(scale=0)
    paths = write_sample(tmp_path, scale=0.1, parquet=True)
    assert paths[0].name == "sales_lines.parquet"
    assert "path: sales_lines.parquet" in paths[2].read_text(encoding="utf-8")

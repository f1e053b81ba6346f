"""The customers report: the bridge adds up to the cent (by hand and for any lines), products inside
their lines, price spread and size tiers, no customers, no year earlier, and the sample's story."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.cents import exact, rounded
from analysis.core.csv_out import read_csv
from analysis.core.quarters import FiscalCalendar
from analysis.customers.bridge import concentration, customer_bridge
from analysis.customers.prices import customer_prices, size_tiers, spread
from analysis.customers.products import product_changes
from analysis.data.load import Dataset, load
from analysis.reports import customer_tables, customers
from analysis.reports.overview import revenue_by
from analysis.reports.review import Review

CAL = FiscalCalendar()
Q4 = pd.Period("2025Q4", "Q-DEC")


def lines(rows: list[tuple]) -> pd.DataFrame:
    """Sales lines from ``(date, channel, customer, product, quantity, revenue)``."""
    frame = pd.DataFrame(rows, columns=["date", "channel", "customer", "product", "quantity",
                                        "revenue"])  # fmt: skip
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        region="East China",
        product_line=frame["product"].str[0],
        quantity=frame["quantity"].astype("float64"),
        revenue=frame["revenue"].astype("float64"),
    )


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return load()


@pytest.fixture(scope="module")
def sample_report(sample: Dataset) -> customers.Customers:
    return customers.analyse(Review.of(sample, "2025Q4"))


def _effects(bridge) -> dict[tuple[str, str], tuple[int, int]]:
    frame = bridge.effects.set_index(["channel", "effect"])
    return {k: (int(r["customers"]), int(r["cents"])) for k, r in frame.iterrows()}


def test_a_bridge_checked_by_hand():
    sales = lines(
        [
            ("2024-10-02", "Shop", "A", "P1", 1, 100.10),
            ("2024-11-02", "Shop", "B", "P1", 1, 50.00),
            ("2024-12-02", "Trade", "C", "P1", 3, 30.00),
            ("2025-10-02", "Shop", "A", "P1", 1, 120.00),
            ("2025-10-03", "Trade", "C", "P1", 2, 15.00),
            ("2025-11-03", "Trade", "C", "P1", -1, -5.00),  # a return: C still bought
            ("2025-11-04", "Trade", "D", "P1", 1, 10.005),
            ("2025-12-04", "Trade", "D", "P1", 1, 10.005),  # 20.01 once summed
            ("2025-07-01", "Trade", "E", "P1", 1, 99.00),  # another quarter: not in the bridge
        ]
    )
    bridge = customer_bridge(sales, CAL, Q4)
    bridge.check()
    assert _effects(bridge) == {
        ("Shop", "new"): (0, 0),
        ("Shop", "lost"): (1, -5000),
        ("Shop", "retained"): (1, 1990),
        ("Trade", "new"): (1, 2001),
        ("Trade", "lost"): (0, 0),
        ("Trade", "retained"): (1, -2000),
        ("Total", "new"): (1, 2001),
        ("Total", "lost"): (1, -5000),
        ("Total", "retained"): (2, -10),
    }
    assert int(bridge.customers["change"].sum()) == 15001 - 18010


amounts = st.decimals(min_value=-500, max_value=5000, places=4, allow_nan=False).map(float)
line = st.tuples(
    st.sampled_from(["2024-11-15", "2025-11-15", "2025-08-15"]),
    st.sampled_from(["Shop", "Trade", "Web"]),
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.sampled_from(["P1", "P2", "Q1"]),
    st.integers(min_value=-3, max_value=20),
    amounts,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(line, min_size=1, max_size=40))
def test_the_groups_add_up_to_each_change_and_the_channels_to_the_total(rows):
    sales = lines(rows)
    bridge = customer_bridge(sales, CAL, Q4)
    bridge.check()
    effects = bridge.effects
    for period, column in ((Q4, "now"), (Q4 - 4, "prior")):
        inside = sales.loc[CAL.periods(sales["date"]) == period, "revenue"]
        cents, micro = exact(inside)
        whole = int(rounded([cents.sum()], [micro.sum()])[0]) if len(inside) else 0
        assert int(bridge.customers[column].sum()) == whole
    total = effects.loc[effects["channel"] == "Total", "cents"].sum()
    assert total == bridge.customers["now"].sum() - bridge.customers["prior"].sum()
    channels = effects.loc[effects["channel"] != "Total"].groupby("effect")["cents"].sum()
    company = effects.loc[effects["channel"] == "Total"].set_index("effect")["cents"]
    assert channels.reindex(company.index, fill_value=0).to_dict() == company.to_dict()
    pairs = bridge.customers.set_index("effect")
    bought = sales.assign(period=CAL.periods(sales["date"])).groupby(["channel", "customer"])
    seen = bought["period"].agg(lambda p: (Q4 in set(p), Q4 - 4 in set(p)))
    for row in bridge.customers.itertuples(index=False):
        now, then = seen[(row.channel, row.customer)]
        assert row.effect == {(True, False): "new", (False, True): "lost"}.get(
            (now, then), "retained"
        )
    assert (pairs.loc[pairs.index == "new", "prior"] == 0).all()


def test_products_inside_a_line_by_hand():
    sales = lines(
        [
            ("2024-11-01", "Shop", "A", "L-cheap", 10, 100.00),
            ("2024-11-01", "Shop", "A", "L-dear", 10, 200.00),
            ("2025-11-01", "Shop", "A", "L-cheap", 5, 50.00),
            ("2025-11-01", "Shop", "A", "L-dear", 20, 420.00),
            ("2025-12-01", "Shop", "A", "L-dear", -1, -21.00),
        ]
    )
    changes = product_changes(sales, CAL, Q4)
    changes.check()
    line = changes.lines.set_index("product_line").loc["L"]
    # volume: 5 more units at last year's 15.00; mix: 7.5 units moved from 10.00 to 20.00
    assert (line["volume"], line["mix"], line["price"], line["returns"]) == (
        7500,
        7500,
        2000,
        -2100,
    )
    assert line["change"] == 44900 - 30000
    mix = changes.products.set_index("product")["mix"]
    assert mix.to_dict() == {"L-cheap": -7500, "L-dear": 15000}


def test_lines_of_one_product_each_say_so(sample):
    one = sample.sales.assign(product=sample.sales["product_line"])
    report = customers.analyse(Review.of(Dataset(sample.config, one, None, [], {}), "2025Q4"))
    report.products.check()
    assert customer_tables.product_sentences(report) == [
        "Each product line sells a single product in these data: no product moves inside a line."
    ]
    assert (report.products.lines["mix"] == 0).all()


def test_price_spread_and_size_tiers_on_a_fixture():
    rows = [
        ("2025-11-01", "Shop", c, "P1", 10, 10 * p)
        for c, p in zip("ABC", (10, 11, 13), strict=True)
    ]
    rows += [
        ("2025-11-02", "Shop", "D", "P1", 100, 1000.0),
        ("2025-11-03", "Shop", "E", "P1", 1, 12),
    ]
    rows.append(("2025-11-04", "Shop", "D", "P1", -5, -50.0))  # a return: not a price
    prices = customer_prices(lines(rows), CAL, Q4)
    table = spread(prices).iloc[0]
    assert table["customers"] == 5
    assert (table["p10"], table["median"], table["p90"]) == pytest.approx((10.0, 11.0, 12.6))
    tiers = size_tiers(prices).set_index("channel")
    # the largest fifth of five customers is D, who paid the median price of 11 less 1
    assert tiers.loc["Shop", "largest"] == 1 and tiers.loc["Shop", "others"] == 4
    assert tiers.loc["Shop", "index_largest"] == pytest.approx(100 * 10 / 11)
    assert tiers.loc["Shop", "index_others"] == pytest.approx(100 * (100 + 110 + 130 + 12) / 341)


def test_concentration_counts_the_largest_customers():
    rows = [("2025-11-01", "Shop", f"C{i:02d}", "P1", 1, float(i)) for i in range(1, 21)]
    share = concentration(lines(rows), CAL, [Q4]).set_index("channel").loc["Total"]
    assert share["customers"] == 20
    assert share["top10"] == pytest.approx(sum(range(11, 21)) / 210)
    assert share["top20pct"] == pytest.approx(sum(range(17, 21)) / 210)


def test_without_a_customer_column_the_page_says_so_and_the_csv_has_no_rows(sample, tmp_path):
    bare = Dataset(sample.config, sample.sales.drop(columns="customer"), None, sample.reports, {})
    report = customers.analyse(Review.of(bare, "2025Q4"))
    assert report.bridge is None and report.concentration is None and report.prices is None
    assert "no customer column" in customers.headline(report)[0]
    assert customers.price_sentences(report) == [report.missing]
    assert report.products is not None  # products need no customer
    written = read_csv(report.write(tmp_path))
    assert list(written.columns) == list(customers.CSV_COLUMNS) and written.empty


def test_the_first_year_has_no_comparison(sample, tmp_path):
    report = customers.analyse(Review.of(sample, "2019Q4"))
    assert report.bridge is None and report.products is None
    assert customers.headline(report)[0] == (
        "There is no year-earlier quarter (2018Q4) to compare with: the sales data begin on "
        "2019-01-01."
    )
    assert report.concentration is not None and not report.prices.empty
    assert read_csv(report.write(tmp_path)).empty


def test_a_partial_year_earlier_quarter_is_no_comparison(sample):
    late = sample.sales.loc[sample.sales["date"] >= "2024-12-01"]
    review = Review.of(Dataset(sample.config, late, None, sample.reports, {}), "2025Q4")
    report = customers.analyse(review)
    assert report.bridge is None
    assert customers.headline(report)[0].startswith("No comparison: 2024Q4 holds only")


def test_the_sample_names_the_customers_won_and_lost(sample_report):
    text = " ".join(customers.headline(sample_report))
    assert "29 customers were won (+¥1.63 M), 18 were lost (-¥1.29 M)" in text
    assert "Zhengzhou Boiler Co. (OEM, ¥459.54 k this quarter)" in text
    assert "Yichang Pipe & Fittings Co. (Distributor, ¥380.48 k in 2024Q4)" in text
    movers = customer_tables.mover_rows(sample_report)
    assert {"Yichang Pipe & Fittings Co.", "Zhengzhou Boiler Co."} <= set(movers["customer"])
    assert movers["customer"].iloc[-2] == "Other (180)"
    assert movers.iloc[:-1]["change"].sum() == pytest.approx(movers.iloc[-1]["change"])


def test_the_sample_reconciles_with_the_overview_and_writes_its_csv(sample_report, tmp_path):
    customers.reconcile(sample_report)
    table = customer_tables.bridge_rows(sample_report).set_index("channel")
    overview = revenue_by(sample_report.review, "channel").set_index("channel")
    assert table["now"].to_dict() == pytest.approx(overview["revenue"].to_dict())
    written = read_csv(sample_report.write(tmp_path))
    assert len(written) == 18 and written["channel"].iloc[-1] == "Total"
    total = written.loc[written["channel"] == "Total", "value"].sum()
    assert round(total * 100) == round(overview.loc["Total", "change"] * 100) == 162386630


def test_the_sample_shows_products_moving_inside_their_lines(sample_report):
    sample_report.products.check()
    text = customer_tables.product_sentences(sample_report)
    assert text[0].startswith("Ball valves: +¥1.16 M; Eccentric half-ball valve grew most")
    assert "Large-diameter butterfly valve fell most (-¥267.31 k)" in text[1]
    lines_table = customer_tables.line_rows(sample_report).set_index("product_line")
    by_line = revenue_by(sample_report.review, "product_line").set_index("product_line")
    assert lines_table["now"].to_dict() == pytest.approx(by_line["revenue"].to_dict())


def test_the_sample_prices_spread_without_a_reward_for_size(sample_report):
    table = customer_tables.spread_rows(sample_report)
    assert len(table) == 8 and (table["ratio"] > 1.3).all()  # channel price levels
    assert (table["low"] > -0.06).all() and (table["high"] < 0.06).all()  # inside a channel
    tiers = customer_tables.tier_rows(sample_report).set_index("channel")
    assert abs(tiers.loc["Total", "difference"]) < 1
    assert "size earns no better price" in customers.price_sentences(sample_report)[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(line, min_size=1, max_size=40))
def test_a_lines_parts_add_up_to_its_change_for_any_lines(rows):
    changes = product_changes(lines(rows), CAL, Q4)
    changes.check()
    assert (
        changes.lines["change"].sum() == changes.lines["now"].sum() - changes.lines["prior"].sum()
    )

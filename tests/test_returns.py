"""Return rates and abnormal returners: size-aware flags, reconciliation to the cent, the CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from target_miss_examples import CAL, COVER, sales_and_targets

from analysis.core.csv_out import read_csv
from analysis.quality.outliers import MIN_RETURNS, dispersion, screen
from analysis.quality.returns import returns
from analysis.reports import returns as page
from analysis.targets.attainment import attainment

QUARTER = "2025Q4"


def _line(day: str, customer: str, units: float, price: float = 100.0, **more) -> dict:
    row = {"date": day, "channel": "Direct", "region": "East", "product_line": "Ball valves",
           "product": "Ball valve", "customer": customer, "quantity": units,
           "revenue": units * price}  # fmt: skip
    return {**row, **more}


def company() -> pd.DataFrame:
    """40 ordinary customers returning about 3 % of units, a big one returning 12 % in thirty
    returns, and a tiny one returning all 5 units it bought in one return."""
    rows = []
    for i in range(40):
        name = f"Customer {i:02d}"
        rows += [_line("2025-10-15", name, 10) for _ in range(30)]
        rows.append(_line("2025-11-20", name, -9))
        rows.append(_line("2024-11-20", name, 300))  # a year earlier, for the past rate
    rows += [_line("2025-10-20", "Big Buyer", 10) for _ in range(200)]
    rows += [_line("2025-11-25", "Big Buyer", -8) for _ in range(30)]
    rows += [_line("2025-10-21", "Tiny Shop", 5), _line("2025-11-26", "Tiny Shop", -5)]
    rows += [_line("2025-10-22", "Other Line Co.", 50, product_line="Gate valves",
                   product="Gate valve", channel="Distributor")]  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_a_big_customer_with_a_high_rate_is_flagged_a_tiny_one_with_one_return_is_not():
    found = returns(company(), QUARTER, calendar=CAL, coverage=COVER)
    customers = found.customers.set_index("customer")
    assert list(found.flagged("customers")["customer"]) == ["Big Buyer"]
    tiny = customers.loc["Tiny Shop"]
    assert tiny["unit_rate"] == 1.0 and not tiny["flagged"]  # the highest rate, one return
    assert page.finding(found.customers.loc[found.customers["customer"] == "Tiny Shop"]) == ["few"]
    assert customers.loc["Big Buyer", "q_value"] < 0.001
    assert customers.loc["Customer 00", "past_rate"] == 0.0  # bought a year earlier, no return


def test_one_large_return_is_weak_evidence_and_many_returns_are_strong():
    phi = dispersion([-8] * 30 + [-9] * 40)
    # the same 12 % of units: in one lump from 50 units, or in thirty returns from 2,000 units
    others = {"others_returned": [300, 300], "others_gross": [10000, 10000]}
    found = screen([6, 240], [50, 2000], **others, phi=phi, returns=[1, 30])
    assert found["p_value"].iloc[0] > 0.01 > 1e-6 > found["p_value"].iloc[1]
    assert list(found["flagged"]) == [False, True]


def test_few_returns_are_never_flagged_and_no_sales_are_not_tested():
    others = {"others_returned": [100] * 3, "others_gross": [10000] * 3}
    found = screen([500, 0, 0], [1000, 0, 10], **others, phi=1.0, returns=[MIN_RETURNS - 1, 0, 0])
    assert not found["flagged"].any()
    assert found["p_value"].iloc[0] < 1e-9  # significant, but too few returns to judge
    assert np.isnan(found["p_value"].iloc[1]) and found["p_value"].iloc[2] == 1.0


def test_a_rate_measured_on_few_units_is_no_yardstick():
    # 4 % of 2,000 units against nothing returned of 50 units: the others' rate is unknown
    found = screen([80], [2000], [0], [50], phi=1.0, returns=[10])
    assert found["reference_rate"].iloc[0] == 0.0 and not found["flagged"].iloc[0]
    assert found["p_value"].iloc[0] > 0.1


def test_rates_and_the_company_row():
    found = returns(company(), QUARTER, calendar=CAL, coverage=COVER)
    total = found.company
    assert total["channel"] == "Total"
    assert total["gross"] == (40 * 300 + 2000 + 5 + 50) * 100 * 100
    assert total["returned"] == (40 * 9 + 240 + 5) * 100 * 100
    assert total["rate"] == pytest.approx(605 / 14055)
    assert total["returns"] == 40 + 30 + 1
    products = found.products.set_index("product")
    assert products.loc["Gate valve", "returned"] == 0 and products.loc["Gate valve", "rate"] == 0
    assert set(found.trend["product_line"]) == {"Ball valves", "Gate valves", "Total"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=sales_and_targets(), customers=st.lists(st.sampled_from("PQR"), min_size=40,
                                                     max_size=40))  # fmt: skip
def test_returns_reconcile_with_the_channel_totals_to_the_cent(data, customers):
    sales, targets = data
    sales = sales.assign(customer=[customers[i % 40] for i in range(len(sales))])
    found = returns(sales, QUARTER, calendar=CAL, coverage=COVER)
    assert not found.reconciliation()["difference"].any()
    actual = attainment(sales, targets, QUARTER, calendar=CAL, coverage=COVER).cents
    actual = actual.loc[actual["level"] == "channel"].set_index("channel")["actual"]
    net = found.channels.iloc[:-1].set_index("channel")["net"]
    assert net.reindex(actual.index, fill_value=0).astype("int64").equals(actual.astype("int64"))
    assert int(found.company["net"]) == int(actual.sum())


def test_returns_csv_has_documented_columns_and_words_not_booleans(tmp_path):
    found = returns(company(), QUARTER, calendar=CAL, coverage=COVER)
    path = page.write(found, tmp_path)
    table = read_csv(path)
    assert tuple(table.columns) == page.CSV_COLUMNS
    customers = table.loc[table["level"] == "customer"].set_index("customer")
    assert customers.loc["Big Buyer", "finding"] == "abnormally high"
    assert customers.loc["Tiny Shop", "finding"] == "too few returns to judge"
    assert set(table["level"]) == {"channel", "product", "customer", "customer_product_line"}
    channels = table.loc[table["level"] == "channel"]
    assert channels["returned"].iloc[:-1].sum() == pytest.approx(channels["returned"].iloc[-1])


def test_the_page_words_the_test_and_the_flags():
    found = returns(company(), QUARTER, calendar=CAL, coverage=COVER)
    method = page.method(found)
    assert "Poisson" in method and "Benjamini-Hochberg" in method and "5.0%" in method
    assert f"Fewer than {MIN_RETURNS} returns are never flagged" in method
    said = " ".join(page.findings(found))
    assert "No products had an abnormally high return rate." in said
    assert "1 of the customers had an abnormally high return rate: Big Buyer" in said
    shown = page.customer_rows(found)
    assert shown["customer"].iloc[0] == "Big Buyer"
    assert shown["finding"].iloc[0] == "abnormally high"
    assert not any(pd.api.types.is_bool_dtype(shown[c]) for c in shown.columns)


def test_lines_summed_per_day_count_each_return_they_hold():
    frame = company()
    big = frame["customer"] == "Big Buyer"
    summed = frame.loc[~big].assign(lines=1)
    day = frame.loc[big].groupby(["date", "channel", "region", "product_line", "product",
                                  "customer", frame.loc[big, "quantity"] < 0])  # fmt: skip
    rows = day[["quantity", "revenue"]].sum().reset_index(level=-1, drop=True).reset_index()
    rows["lines"] = day.size().to_numpy()
    found = returns(pd.concat([summed, rows]), QUARTER, calendar=CAL, coverage=COVER)
    assert found.customers.set_index("customer").loc["Big Buyer", "returns"] == 30

"""Salespeople: the target split rule, attainment and bridge that add up to the channels', next
quarter by salesperson, month and week, and data without a salesperson."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from target_miss_examples import CAL, sales_and_targets

from analysis.core.csv_out import read_csv
from analysis.data.config import sample_config_path
from analysis.data.load import load
from analysis.data.series import Coverage
from analysis.reports import salespeople as page
from analysis.reports.review import Review
from analysis.targets.attainment import attainment
from analysis.targets.salespeople import (
    UNASSIGNED,
    has_salespeople,
    next_quarter,
    salespeople,
    split_targets,
)

COVER = Coverage(first=pd.Timestamp("2024-01-01"), last=pd.Timestamp("2025-12-31"))


def _sales(rows: list[tuple]) -> pd.DataFrame:
    """Lines from ``(date, channel, region, salesperson, quantity, revenue)``."""
    frame = pd.DataFrame(
        rows, columns=["date", "channel", "region", "salesperson", "quantity", "revenue"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.assign(product_line="Valves", product="Valve", customer="C")


def _targets(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quarter", "channel", "target_revenue", "target_quantity"])


SALES = _sales(
    [
        ("2024-11-01", "X", "East", "Ann", 30, 300.0),  # a year earlier: Ann 3/4, Bo 1/4
        ("2024-11-02", "X", "East", "Bo", 10, 100.0),
        ("2025-11-01", "X", "East", "Ann", 20, 200.0),
        ("2025-11-02", "X", "East", "Bo", 20, 200.0),
        ("2025-07-01", "Y", "West", "Cy", 5, 50.0),  # Y: nothing a year earlier
        ("2025-11-03", "Y", "West", "Cy", 5, 55.0),
        ("2025-11-04", "Z", "West", "Di", 1, 10.0),  # Z has no target
    ]
)
TARGETS = _targets(
    [("2025Q4", "X", 1000.01, 41), ("2025Q4", "Y", 99.99, 9), ("2025Q4", "W", 20.0, 2)]
)


def test_a_channel_target_is_split_by_last_years_shares_or_the_quarters_before():
    split = split_targets(SALES, TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    got = split.set_index(["channel", "salesperson"])
    assert got.loc[("X", "Ann"), "cents"] == 75001 and got.loc[("X", "Bo"), "cents"] == 25000
    assert got.loc[("X", "Ann"), "basis"] == "a year earlier"
    assert got.loc[("Y", "Cy"), "cents"] == 9999
    assert got.loc[("Y", "Cy"), "basis"] == "the four quarters before"
    assert got.loc[("W", UNASSIGNED), "cents"] == 2000  # nobody ever sold in W
    assert split.groupby("channel")["cents"].sum().to_dict() == {"W": 2000, "X": 100001, "Y": 9999}
    assert got.loc[("X", "Ann"), "units"] + got.loc[("X", "Bo"), "units"] == 41


def test_targets_set_per_salesperson_are_used_as_they_are():
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["X", "X"],
            "salesperson": ["Ann", "Bo"],
            "target_revenue": [10.0, 990.0],
        }
    )
    split = split_targets(SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert split.set_index("salesperson")["cents"].to_dict() == {"Ann": 1000, "Bo": 99000}
    assert set(split["basis"]) == {"set per salesperson"}
    people = salespeople(SALES, targets, "2025Q4", calendar=CAL, coverage=COVER).cents
    assert people.set_index("salesperson").loc["Ann", "attainment"] == pytest.approx(20.0)


def test_attainment_per_salesperson_and_sales_without_target():
    people = salespeople(SALES, TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    table = people.cents.set_index("salesperson")
    assert table.loc["Ann", "actual"] == 20000 and table.loc["Ann", "target"] == 75001
    assert table.loc["Di", "untargeted"] == 1000 and pd.isna(table.loc["Di", "target"])
    assert table.loc["Total", "target"] == 100001 + 9999 + 2000
    bridge = people.bridge.cents.set_index("channel")
    assert bridge.loc["Ann", "gap"] == 20000 - 75001


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=sales_and_targets(), names=st.lists(st.sampled_from(["Ann", "Bo", "Cy", None]),
                                                min_size=40, max_size=40))  # fmt: skip
def test_salespeople_add_up_to_the_channels_to_the_cent(data, names):
    sales, targets = data
    sales = sales.assign(salesperson=[names[i % 40] for i in range(len(sales))])
    cover = Coverage(first=pd.Timestamp("2024-07-01"), last=pd.Timestamp("2025-12-31"))
    split = split_targets(sales, targets, "2025Q4", calendar=CAL, coverage=cover)
    rows = targets.loc[targets["quarter"] == "2025Q4"]
    if not rows.empty:  # every target row's parts add up to it
        whole = (rows["target_revenue"] * 100).round().astype("int64").groupby(rows["channel"])
        assert split.groupby("channel")["cents"].sum().to_dict() == whole.sum().to_dict()
        assert (split["cents"] >= 0).all() or (rows["target_revenue"] < 0).any()
    people = salespeople(sales, targets, "2025Q4", calendar=CAL, coverage=cover)
    total = attainment(sales, targets, "2025Q4", calendar=CAL, coverage=cover).cents.iloc[-1]
    mine = people.cents.iloc[-1]
    assert int(mine["actual"]) == int(total["targeted"])
    assert int(mine["untargeted"]) == int(total["untargeted"])
    if pd.notna(total["target"]):
        assert int(mine["target"]) == int(total["target"])
    effects = ["growth_asked", "volume", "channel_mix", "product_mix", "price", "returns",
               "untargeted"]  # fmt: skip
    bridge = people.bridge.cents
    assert (bridge[effects].sum(axis=1) == bridge["gap"]).all()
    assert int(bridge["gap"].iloc[:-1].sum()) == int(bridge["gap"].iloc[-1])


@pytest.fixture(scope="module")
def review() -> Review:
    return Review.of(load(sample_config_path()), "2025Q4")


def test_the_sample_reconciles_and_next_quarter_adds_up_by_person_month_and_week(review):
    found = page.analyse_review(review)
    assert not page.reconciliation(review, found.people)["difference"].any()
    data = review.dataset
    split = next_quarter(data.sales, data.targets, "2026Q1", calendar=CAL, coverage=review.coverage)
    people = split_targets(data.sales, data.targets, "2026Q1", calendar=CAL,
                           coverage=review.coverage)  # fmt: skip
    weeks = split.cents
    by_person = weeks.groupby("channel")["target"].sum().astype("int64")
    assert by_person.to_dict() == people.groupby("salesperson")["cents"].sum().to_dict()
    goal = data.targets.loc[data.targets["quarter"] == "2026Q1", "target_revenue"]
    assert int(by_person.sum()) == int(np.round(goal * 100).sum())
    months = weeks.groupby(["channel", "month"])["target"].sum()
    assert months.groupby(level="channel").sum().equals(weeks.groupby("channel")["target"].sum())
    assert set(weeks["month"]) == {"2026-01", "2026-02", "2026-03"}
    assert (weeks["days"].groupby(weeks["channel"]).sum() == 90).all()
    shown = page.week_rows(split)
    assert shown.iloc[:, 1:-1].sum(axis=1).round(2).equals(shown.iloc[:, -1].round(2))


def test_salesperson_targets_csv_holds_every_week(review, tmp_path):
    found = page.analyse_review(review)
    table = read_csv(page.write(found.next, tmp_path))
    assert tuple(table.columns) == page.CSV_COLUMNS
    assert round(table["target"].sum(), 2) == round(float(found.next.table["target"].sum()), 2)
    assert len(table) == len(found.next.cents) and table["week_start"].iloc[0] == "2026-01-01"
    empty = read_csv(page.write(None, tmp_path))
    assert tuple(empty.columns) == page.CSV_COLUMNS and empty.empty


def test_without_a_salesperson_column_the_page_says_so(review):
    sales = review.dataset.sales.drop(columns="salesperson")
    bare = dataclasses.replace(review, dataset=dataclasses.replace(review.dataset, sales=sales))
    assert not has_salespeople(sales)
    found = page.analyse_review(bare)
    assert found.people is None and found.next is None
    assert "carry no salesperson" in page.missing_sentence()


def test_the_rule_and_the_summary_are_stated_in_words(review):
    found = page.analyse_review(review)
    rule = page.rule()
    assert "same quarter a year earlier" in rule and "never the basis" in rule
    assert page.summary(found.people).startswith("3 of 7 salespeople reached their targets")
    rows = page.attainment_rows(found.people)
    assert rows["salesperson"].iloc[-1] == "Total"
    assert set(rows["basis"].iloc[:-1]) <= {"share a year earlier", "–"}

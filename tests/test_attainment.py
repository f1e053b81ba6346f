"""Attainment: hand-checked rows, channels without target, finer targets, year to date, sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from target_miss_examples import (
    CAL,
    COVER,
    HAND_SALES,
    HAND_TARGETS,
    lines,
    quarter_cents,
    sales_and_targets,
)

from analysis.core.quarters import FiscalCalendar
from analysis.data.load import load
from analysis.data.series import Coverage
from analysis.targets.attainment import attainment, fiscal_year_to_date

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def by_channel(result) -> pd.DataFrame:
    return result.cents.set_index("channel")


# Hand-checked (cents): A target 4290.00, actual 1350 + 1920 - 160 = 3110.00, a year earlier
# 1000 + 3000 - 100 = 3900.00; B 2200.00 against 2770.00 (2000.00 a year earlier); C sells 100.00
# without a target: shown apart, not in the attainment. Total target 6490.00, targeted sales
# 5880.00 (gap -610.00), all sales 5980.00.
def test_hand_checked_quarter():
    result = attainment(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    table = by_channel(result)
    assert table.index.tolist() == ["A", "B", "C", "Total"]
    assert table["target"].tolist()[:2] == [429000, 220000] and pd.isna(table.loc["C", "target"])
    assert table["actual"].tolist() == [311000, 277000, 10000, 598000]
    assert table["targeted"].tolist() == [311000, 277000, 0, 588000]
    assert table["untargeted"].tolist() == [0, 0, 10000, 10000]
    assert table["gap"].tolist()[:2] == [-118000, 57000] and pd.isna(table.loc["C", "gap"])
    assert table.loc["Total", "gap"] == -61000
    assert table["prior"].tolist()[:2] == [390000, 200000] and pd.isna(table.loc["C", "prior"])
    assert table.loc["Total", "prior"] == 590000
    assert table["has_target"].tolist() == [True, True, False, True]
    assert table.loc["A", "attainment"] == 3110 / 4290
    assert np.isnan(table.loc["C", "attainment"])
    assert table.loc["Total", "attainment"] == 5880 / 6490
    assert table.loc["A", "yoy"] == pytest.approx(3110 / 3900 - 1)
    # A's shortfall and B's excess go both ways: each is all of its side
    assert table["gap_share"].tolist()[:2] == [1.0, 1.0] and result.mixed
    assert table["gap_share"].iloc[2:].isna().all()
    # units: A 150 + 60 - 5 = 205 of 209; B 120 of 100; C's 5 units are not in the attainment
    assert table["quantity"].tolist() == [205, 120, 5, 330]
    assert table.loc["Total", "target_quantity"] == 309
    assert table.loc["A", "quantity_attainment"] == 205 / 209
    assert table.loc["Total", "quantity_attainment"] == 325 / 309
    assert not result.partial and result.quarters == ("2025Q4",)
    # C is apart by its rows (has_target False), named in the narrative, not in the notes
    assert not table.loc["C", "has_target"] and table.loc["C", "untargeted"] > 0
    shown = result.table.set_index("channel")
    assert shown.loc["A", "target"] == 4290.0 and shown.loc["Total", "gap"] == -610.0
    assert result.row("B")["actual"] == 2770.0


def test_revenue_only_targets_and_no_targets():
    result = attainment(
        HAND_SALES, HAND_TARGETS.drop(columns="target_quantity"), "2025Q4", coverage=COVER
    )
    table = by_channel(result)
    assert table["target_quantity"].isna().all() and table["quantity_attainment"].isna().all()
    assert table.loc["Total", "gap"] == -61000
    none = by_channel(attainment(HAND_SALES, None, "2025Q4", coverage=COVER))
    assert not none["has_target"].any() and none["gap"].isna().all()
    assert none["untargeted"].tolist() == none["actual"].tolist() == [311000, 277000, 10000, 598000]


def test_targets_by_region_give_detail_rows_and_roll_up():
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["A", "A", "B"],
            "region": ["East", "West", "North"],
            "target_revenue": [1000.0, 3290.0, 2200.0],
            "target_quantity": [100, 109, np.nan],
        }
    )
    result = attainment(HAND_SALES, targets, "2025Q4", coverage=COVER, detail=True)
    table = result.cents
    assert table["level"].tolist() == [
        "channel/region", "channel/region", "channel",
        "channel/region", "channel/region", "channel",
        "channel", "total",
    ]  # fmt: skip
    rows = table.set_index(["level", "channel", "region"])
    assert rows.loc[("channel/region", "A", "East"), "gap"] == 135000 - 100000
    south = rows.loc[("channel/region", "B", "South")]
    assert south["has_target"] == False  # noqa: E712
    assert pd.isna(south["gap"]) and south["untargeted"] == 147000
    assert rows.loc[("channel", "B", np.nan), "gap"] == 130000 - 220000
    channel = table.loc[table["level"] == "channel"].set_index("channel")
    assert channel.loc["A", "target"] == 429000 and channel.loc["A", "target_quantity"] == 209
    assert np.isnan(channel.loc["B", "target_quantity"])  # one of B's rows has no units
    for name, group in table.loc[table["level"] == "channel/region"].groupby("channel"):
        assert group["gap"].sum() == channel.loc[name, "gap"]
    finer = result.finer()
    assert finer["region"].tolist() == ["West", "North", "East"]  # worst attainment first


def test_fiscal_year_to_date():
    extra = lines(
        [("2025-08-01", "A", "East", "X", 50, 500.0), ("2024-08-01", "A", "East", "X", 20, 200.0)]
    )
    sales = pd.concat([HAND_SALES, extra])
    cover = Coverage(first=pd.Timestamp("2024-01-01"), last=pd.Timestamp("2025-12-31"))
    result = attainment(sales, HAND_TARGETS, "2025Q4", coverage=cover, ytd=True)
    assert result.quarters == ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    assert result.period_label == "2025Q1-2025Q4"
    a = by_channel(result).loc["A"]
    assert (a["target"], a["actual"], a["prior"]) == (429000 + 99999, 311000 + 50000, 410000)
    fiscal = FiscalCalendar(4)  # FY2026Q3 is October-December 2025: Q1..Q3 from April 2025
    labels = [fiscal.label(p) for p in fiscal_year_to_date(fiscal.parse("FY2026Q3"))]
    assert labels == ["FY2026Q1", "FY2026Q2", "FY2026Q3"]


def test_partial_quarter_is_flagged():
    cover = Coverage(first=pd.Timestamp("2024-10-01"), last=pd.Timestamp("2025-11-30"))
    result = attainment(HAND_SALES, HAND_TARGETS, "2025Q4", coverage=cover)
    assert result.partial and not result.prior_partial
    assert any("partial" in n for n in result.notes)
    assert not attainment(HAND_SALES, HAND_TARGETS, "2025Q4", coverage=COVER).partial


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales_and_targets())
def test_channel_gaps_add_up_to_the_total(case):
    sales, targets = case
    table = by_channel(attainment(sales, targets, "2025Q4", calendar=CAL))
    channels, total = table.drop(index="Total"), table.loc["Total"]
    assert not total["has_target"] or channels["gap"].sum() == total["gap"]
    assert channels["actual"].sum() == total["actual"] == quarter_cents(sales).sum()
    targeted = channels.loc[channels["has_target"]]
    untargeted = channels.loc[~channels["has_target"]]
    assert untargeted["target"].isna().all() and untargeted["attainment"].isna().all()
    assert (targeted["gap"] == targeted["targeted"] - targeted["target"]).all()
    assert untargeted["gap"].isna().all() and (untargeted["targeted"] == 0).all()
    # targeted and untargeted sales are all the sales, to the cent, in every row
    assert (table["targeted"] + table["untargeted"] == table["actual"]).all()
    assert total["targeted"] == channels["targeted"].sum()
    assert not total["has_target"] or total["gap"] == total["targeted"] - total["target"]
    if total["has_target"] and total["target"] > 0:  # attainment: the targeted parts, summed
        assert total["attainment"] == targeted["targeted"].sum() / targeted["target"].sum()


# --- the bundled sample, against its CSV files read independently ---------------------------------


@pytest.fixture(scope="module")
def sample():
    return load()


def raw_quarter(start: str, end: str, quarter: str) -> pd.DataFrame:
    sales = pd.read_csv(SAMPLE / "sales_lines.csv", dtype={"net_amount": str})
    sales = sales.loc[(sales["order_date"] >= start) & (sales["order_date"] <= end)]
    cents = sales["net_amount"].str.replace(".", "", regex=False).astype("int64")  # 2 decimals
    actual = cents.groupby(sales["channel"]).sum()
    targets = pd.read_csv(SAMPLE / "targets.csv", dtype={"target_revenue": str})
    targets = targets.loc[targets["quarter"] == quarter]  # distributors: one row per region
    cents = targets["target_revenue"].str.replace(".", "", regex=False).astype("int64")
    return pd.DataFrame({"actual": actual, "target": cents.groupby(targets["channel"]).sum()})


@pytest.mark.parametrize(
    ("quarter", "start", "end", "missed"),
    [("2025Q4", "2025-10-01", "2025-12-31", True), ("2025Q3", "2025-07-01", "2025-09-30", False)],
)
def test_sample_quarters_match_the_csv_files(sample, quarter, start, end, missed):
    raw = raw_quarter(start, end, quarter)
    result = attainment(sample.sales, sample.targets, quarter, calendar=sample.config.calendar)
    table = by_channel(result)
    channels = table.drop(index="Total")
    assert channels["actual"].astype("int64").to_dict() == raw["actual"].to_dict()
    # the online shop sells without a target: shown apart, not in the attainment
    targeted = raw.dropna(subset=["target"])
    assert channels["target"].dropna().astype("int64").to_dict() == targeted["target"].to_dict()
    assert channels.loc["Online", "untargeted"] == raw.loc["Online", "actual"] > 0
    total = table.loc["Total"]
    assert total["gap"] == targeted["actual"].sum() - targeted["target"].sum()
    assert total["attainment"] == pytest.approx(targeted["actual"].sum() / targeted["target"].sum())
    assert (total["gap"] < 0) == missed
    assert total["attainment"] == pytest.approx(0.954 if missed else 1.122, abs=0.001)
    assert not result.partial


def test_sample_year_to_date_matches_the_csv_files(sample):
    raw = raw_quarter("2025-01-01", "2025-12-31", "none")
    targets = pd.read_csv(SAMPLE / "targets.csv")
    targets = targets.loc[targets["quarter"].str.startswith("2025")]
    target = np.round(targets["target_revenue"] * 100).astype("int64").groupby(targets["channel"])
    table = by_channel(attainment(sample.sales, sample.targets, "2025Q4", ytd=True))
    channels = table.drop(index="Total")
    assert channels["actual"].astype("int64").to_dict() == raw["actual"].to_dict()
    assert channels["target"].dropna().astype("int64").to_dict() == target.sum().to_dict()
    assert table.loc["Total", "untargeted"] == raw.loc["Online", "actual"]


def test_sample_regional_quotas_give_attainment_by_region(sample):
    result = attainment(sample.sales, sample.targets, "2025Q4", detail=True)
    finer = result.finer()
    assert set(finer["channel"]) == {"Distributor"} and len(finer) == 7
    assert finer["attainment"].is_monotonic_increasing  # worst first
    channel = result.row("Distributor")
    assert finer["target"].sum() == pytest.approx(channel["target"], abs=0.001)
    assert channel["untargeted"] == 0

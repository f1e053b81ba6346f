"""Drill-down: segment targets (given, allocated, rounded), rankings, the tree, exact sums."""

from __future__ import annotations

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

from analysis.core.cents import allocate
from analysis.targets.drilldown import drilldown
from analysis.targets.drilldown_levels import UNALLOCATED


def segments(result, channel: str, dimension: str) -> pd.DataFrame:
    table = result.cents
    rows = table.loc[(table["channel"] == channel) & (table["dimension"] == dimension)]
    return rows.set_index("segment")


def test_allocate_is_exact_with_largest_remainders():
    # 100.00 in thirds: 33.34 (first of the tied remainders), 33.33, 33.33; 10.00 by 1:3 -> 2.50,
    # 7.50; a negative total is split like its absolute value; all-zero weights split equally.
    parts = allocate(
        [10000, 1000, -1000, 5], [1, 1, 1, 1, 3, 1, 1, 0, 0], [0, 0, 0, 1, 1, 2, 2, 3, 3]
    )
    assert parts.tolist() == [3334, 3333, 3333, 250, 750, -500, -500, 3, 2]
    # the remainder goes to the largest fractional part, not the first item
    assert allocate([100], [1, 2], [0, 0]).tolist() == [33, 67]
    assert allocate([0], [], []).tolist() == []


# Hand-worked (2025Q4 against shares of 2024Q4 net revenue):
# A's target 4290 by region: East 2024Q4 net 1000 - 100 = 900, West 3000 -> East 4290 x 9/39 = 990,
#   West 3300; actual East 1350, West 1920 - 160 = 1760: gaps +360 and -1540 (sum -1180).
# B's target 2200: North had all of 2024Q4 -> 2200; South is new -> 0. Actual North 1000 + 300,
#   South 1470: gaps -900 and +1470 (sum 570). By product line: X 1100, Y 1100, Z (new) 0 against
#   1000, 1470 and 300: -100, +370, +300.
# C has no target: it is not ranked; its 100 are listed apart, untargeted.
def test_hand_worked_segments():
    result = drilldown(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    a = segments(result, "A", "region")
    assert a["target"].to_dict() == {"West": 330000, "East": 99000}  # ranked by absolute gap
    assert a["gap"].to_dict() == {"West": -154000, "East": 36000}
    assert a["rank"].tolist() == [1, 2]
    # the gaps go both ways: West is all of A's shortfall, East all of its excess
    assert a["share_of_gap"].tolist() == [1.0, 1.0]
    b = segments(result, "B", "region")
    assert b["target"].to_dict() == {"South": 0, "North": 220000}
    assert b["gap"].to_dict() == {"South": 147000, "North": -90000}
    lines_b = segments(result, "B", "product_line")
    assert lines_b["target"].to_dict() == {"Y": 110000, "Z": 0, "X": 110000}
    assert lines_b["gap"].to_dict() == {"Y": 37000, "Z": 30000, "X": -10000}
    assert "C" not in set(result.cents["channel"])
    apart = result.untargeted_cents.set_index(["channel", "dimension", "segment"])["actual"]
    assert apart.to_dict() == {("C", "product_line", "X"): 10000, ("C", "region", "East"): 10000}
    assert set(a["basis"]) == {"share of 2024Q4"}
    assert "2024Q4" in result.rule


def test_tree_and_top_contributors():
    result = drilldown(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    tree = result.tree_cents
    leaves = tree.loc[tree["level"] == "product_line"].set_index(["channel", "region"])
    # B/North's 2200 splits by 2024Q4 lines X 1000 : Y 1000 -> 1100 each; Z new -> 0.
    north = leaves.loc[("B", "North")].set_index("product_line")
    assert north["target"].to_dict() == {"X": 110000, "Y": 110000, "Z": 0}
    # The targeted gap is -610 (C's 100 sold without a target are not in it); the leaves go both
    # ways, so shortfalls are shares of the shortfalls' sum (-1540 - 1100 - 100 = -2740) and
    # come first, the excesses (1470 + 360 + 300 = 2130) after.
    top = result.top(4)
    assert top["node"].tolist() == [
        "A / West / Y",
        "B / North / Y",
        "B / North / X",
        "B / South / Y",
    ]
    assert top["gap"].tolist() == [-1540.0, -1100.0, -100.0, 1470.0]
    assert top["share_of_total_gap"].iloc[0] == -1540 / -2740
    assert top["cumulative_share"].tolist()[2] == pytest.approx(1.0)
    assert top["cumulative_share"].tolist()[3] == pytest.approx(1470 / 2130)
    assert "sum of shortfalls" in result.rule
    pruned = result.pruned(1)
    assert pruned["node"].tolist() == [
        "Total",
        "A",
        "  West",
        "    Y",
        "B",
        "  South",
        "    Y",
    ]


def test_targets_at_region_grain_are_used_directly():
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["A", "A", "B"],
            "region": ["East", "Central", "North"],
            "target_revenue": [1000.0, 3290.0, 2200.0],
        }
    )
    result = drilldown(HAND_SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    a = segments(result, "A", "region")
    # West has no quota: its sales are not ranked against a zero target but listed apart
    assert a["target"].to_dict() == {"Central": 329000, "East": 100000}
    assert a.loc["East", "basis"] == "target"
    apart = result.untargeted_cents.set_index(["channel", "dimension", "segment"])["actual"]
    assert apart[("A", "region", "West")] == 176000
    # below the region the product lines share their region's target by 2024Q4
    tree = result.tree_cents
    east = tree.loc[(tree["level"] == "product_line") & (tree["region"] == "East")]
    assert east.loc[east["channel"] == "A", "target"].tolist() == [100000]


def test_no_baseline_current_shares_and_unallocated_target():
    sales = pd.concat([HAND_SALES, lines([("2025-11-05", "D", "East", "X", 1, 30.0),
                                          ("2025-11-05", "D", "West", "X", 1, 10.0)])])  # fmt: skip
    targets = pd.concat(
        [HAND_TARGETS, pd.DataFrame({"quarter": "2025Q4", "channel": ["D", "E"],
                                     "target_revenue": [100.0, 50.0]})]
    )  # fmt: skip
    result = drilldown(sales, targets, "2025Q4", calendar=CAL, coverage=COVER)
    d = segments(result, "D", "region")
    assert d["target"].to_dict() == {"East": 7500, "West": 2500}  # by this quarter's 3:1
    assert set(d["basis"]) == {"share of 2025Q4"}
    e = segments(result, "E", "region")
    assert e.index.tolist() == [UNALLOCATED] and e["gap"].tolist() == [-5000]
    assert any("this quarter's shares" in n and "D" in n for n in result.notes)
    assert any("No sales to split" in n and "E" in n for n in result.notes)


def test_negative_baseline_segment_gets_nothing():
    sales = pd.concat([HAND_SALES, lines([("2024-12-01", "B", "South", "Y", -10, -300.0)])])
    result = drilldown(sales, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    b = segments(result, "B", "region")
    assert b["target"].to_dict() == {"South": 0, "North": 220000}


def covered_cents(sales: pd.DataFrame, targets: pd.DataFrame) -> pd.Series:
    """2025Q4 net cents per channel of the lines a 2025Q4 target row covers, computed directly."""
    goal = targets.loc[targets["quarter"] == "2025Q4"]
    grain = [c for c in ("region", "product_line") if c in goal.columns]
    keys = ["channel", *grain]
    wanted = set(map(tuple, goal[keys].astype(str).to_numpy()))
    now = sales.loc[(sales["date"] >= "2025-10-01") & (sales["date"] <= "2025-12-31")]
    hit = [tuple(k) in wanted for k in now[keys].astype(str).to_numpy()]
    cents = np.round(now["revenue"].to_numpy() * 100).astype("int64")
    return pd.Series(np.where(hit, cents, 0), index=now.index).groupby(now["channel"]).sum()


def assert_sums(result, sales: pd.DataFrame, targets: pd.DataFrame) -> None:
    tree = result.tree_cents
    channels = tree.loc[tree["level"] == "channel"].set_index("channel")
    goal = targets.loc[targets["quarter"] == "2025Q4"]
    goal = (np.round(goal["target_revenue"] * 100)).astype("int64").groupby(goal["channel"]).sum()
    assert channels["has_target"].all()
    assert channels["target"].astype("int64").to_dict() == goal.to_dict()
    actual = covered_cents(sales, targets).reindex(channels.index, fill_value=0)
    assert channels["actual"].astype("int64").tolist() == actual.astype("int64").tolist()
    assert (channels["gap"] == channels["actual"] - channels["target"]).all()
    # targeted sales in the tree and the sales listed apart are all the quarter's sales
    apart = result.untargeted_cents
    for dim in result.path:
        outside = apart.loc[apart["dimension"] == dim, "actual"].sum()
        assert channels["actual"].sum() + outside == quarter_cents(sales).sum()
    table = result.cents
    for (channel, _), rows in table.groupby(["channel", "dimension"]):
        assert rows["gap"].sum() == channels.loc[channel, "gap"]
        assert rows["actual"].sum() == channels.loc[channel, "actual"]
        assert rows["target"].sum() == channels.loc[channel, "target"]
        for _, side in rows.groupby(rows["gap"] * np.sign(channels.loc[channel, "gap"]) < 0):
            assert side["cumulative_share"].dropna().le(1 + 1e-9).all()
    keys = ["channel", *result.path]
    for depth in range(1, len(keys)):
        children = tree.loc[tree["level"] == keys[depth]]
        parents = tree.loc[tree["level"] == keys[depth - 1]].set_index(keys[:depth])
        sums = children.groupby(keys[:depth])[["target", "actual", "gap"]].sum(min_count=1)
        for col in ("actual", "gap"):
            assert (sums[col] == parents[col].reindex(sums.index)).all(), col
        both = parents["target"].reindex(sums.index)
        assert ((sums["target"] == both) | (sums["target"].isna() & both.isna())).all()


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales_and_targets())
def test_segments_add_up_to_their_channel(case):
    sales, targets = case
    assert_sums(drilldown(sales, targets, "2025Q4", calendar=CAL), sales, targets)


def test_sales_without_any_target_rank_nothing():
    """A company that sets no targets: no segment is ranked, and the sales are listed apart."""
    result = drilldown(HAND_SALES, None, "2025Q4", calendar=CAL, coverage=COVER)
    top = result.top(10)
    assert top.empty and "cumulative_share" in top.columns
    assert result.untargeted_cents["actual"].sum() > 0

"""The one-call analysis and its long table (target_miss.csv): columns, and sums that are exact."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from hypothesis import HealthCheck, given, settings
from target_miss_examples import CAL, COVER, EFFECTS, HAND_SALES, HAND_TARGETS, sales_and_targets

from analysis.reports.target_miss import LONG_COLUMNS, MEASURES, analyse, analyse_review, long_table
from analysis.targets.bridge import bridge
from analysis.targets.drilldown import drilldown


def test_analyse_and_its_long_table():
    result = analyse(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    assert result.quarter == "2025Q4"
    assert result.narrative.startswith("Sales with a target in 2025Q4")
    assert result.year_to_date.quarters[0] == "2025Q1"
    # the channel without a target is named once, by the narrative with its sales, not again
    # in the notes
    assert "C sold" in result.narrative and "without a target" in result.narrative
    assert not [n for n in result.notes if "without a target" in n.lower()]
    long = result.long
    assert tuple(long.columns) == LONG_COLUMNS
    total = long.loc[long["level"] == "total"].set_index("measure")["cents"]
    assert total.to_dict() == {
        "target": 649000, "actual": 588000, "gap": -61000, "growth_asked": 0, "volume": 20625,
        "channel_mix": 3375, "product_mix": -82000, "price": 2000, "returns": -5000,
        "untargeted": 10000,
    }  # fmt: skip
    c = long.loc[(long["level"] == "channel") & (long["channel"] == "C")]
    assert not {"target", "gap"} & set(c["measure"])  # no target, no row
    assert c.set_index("measure").loc["untargeted", "cents"] == 10000
    west = long.loc[(long["segment"] == "West") & (long["measure"] == "target")]
    assert west[["channel", "dimension", "value", "cents"]].values.tolist() == [
        ["A", "region", 3300.0, 330000]
    ]
    assert (long["value"] * 100).round().astype("int64").equals(long["cents"])


def test_analyse_review_uses_the_review():
    review = SimpleNamespace(
        dataset=SimpleNamespace(
            sales=HAND_SALES, targets=HAND_TARGETS, config=SimpleNamespace(currency="USD")
        ),
        quarter=pd.Period("2025Q4", freq="Q-DEC"),
        calendar=CAL,
        coverage=COVER,
    )
    result = analyse_review(review, baseline="prior_year")
    assert result.currency == "USD" and "$5.98 k" in result.narrative
    assert result.bridge.mode == "prior_year"


def assert_long_sums(long: pd.DataFrame) -> None:
    cents = long.set_index(["level", "channel", "dimension", "segment", "measure"])["cents"]
    total = cents.xs("total", level="level").droplevel(["channel", "dimension", "segment"])
    channels = long.loc[long["level"] == "channel"]
    per = channels.pivot_table(index="channel", columns="measure", values="cents", aggfunc="sum")
    per = per.reindex(columns=list(MEASURES))
    targeted_effects = [e for e in EFFECTS if e != "untargeted"]
    gap = total.get("gap", 0)  # without any target there is no gap
    assert channels.loc[channels["measure"] == "gap", "cents"].sum() == gap
    assert channels.loc[channels["measure"].isin(targeted_effects), "cents"].sum() == gap
    for effect in ("product_mix", "price", "returns", "untargeted", "growth_asked"):
        assert per[effect].sum() == total[effect]
    assert per["volume"].sum() == total["volume"] + total["channel_mix"]
    segments = long.loc[long["level"] == "segment"]
    sums = segments.groupby(["channel", "dimension", "measure"])["cents"].sum()
    for (channel, _, measure), value in sums.items():
        assert value == per.loc[channel, measure]  # targeted segments, and the sales apart


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales_and_targets())
def test_long_table_sums_exactly(case):
    sales, targets = case
    common = {"calendar": CAL}
    long = long_table(
        bridge(sales, targets, "2025Q4", **common), drilldown(sales, targets, "2025Q4", **common)
    )
    assert_long_sums(long)

"""Price / volume / mix bridge: hand-worked effects, edge cases, and exactness to the cent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from target_miss_examples import (
    CAL,
    COVER,
    EFFECTS,
    HAND_SALES,
    HAND_TARGETS,
    lines,
    quarter_cents,
    sales_and_targets,
)

from analysis.data.series import Coverage
from analysis.targets.bridge import bridge


def cents(result, channel: str) -> dict[str, int]:
    row = result.cents.set_index("channel").loc[channel]
    return {k: int(row[k]) for k in ("target", "actual", "gap", *EFFECTS) if pd.notna(row[k])}


def effects(result, channel: str) -> dict[str, int]:
    values = cents(result, channel)
    return {k: values[k] for k in EFFECTS}


# Hand-worked, against the target (amounts in cents below, worked in currency units here).
#
# A: baseline 2024Q4 gross 4000 (X 100 u x 10, Y 100 u x 30), returns -100 and -10 units:
#    return rate 100/4000 = 2.5 % of revenue, 10/200 = 5 % of units.
#    Target 4290 net, 209 units -> gross 4290/0.975 = 4400, 209/0.95 = 220 units, TP = 20;
#    expected returns 4290 - 4400 = -110. Split by baseline: units X 110, Y 110;
#    revenue X 1100, Y 3300 -> TP_X = 10, TP_Y = 30.
#    Actual: X 150 u for 1350, Y 60 u for 1920, returns -160: gross 210 u, 3270; net 3110.
#    gap = 3110 - 4290 = -1180
#    volume = (210 - 220) x 20 = -200
#    mix = (150 - 210 x 1/2) x 10 + (60 - 105) x 30 = 450 - 1350 = -900
#    price = (1350 - 150 x 10) + (1920 - 60 x 30) = -150 + 120 = -30
#    returns = -160 - (-110) = -50                        sum: -200 - 900 - 30 - 50 = -1180
# B: baseline gross 2000 (X 50 u, Y 50 u, both at 20), no returns: rate 0.
#    Target 2200, 100 units: TP = 22; X and Y 50 u and 1100 each, TP_X = TP_Y = 22.
#    Actual: X 40 u for 1000, Y 70 u for 1470, Z (new) 10 u for 300 -> 120 u, 2770.
#    gap = 570; volume = (120 - 100) x 22 = 440
#    mix = (40 - 60) x 22 + (70 - 60) x 22 + (10 - 0) x 30 [Z at its own price] = -440+220+300 = 80
#    price = (1000 - 880) + (1470 - 1540) + 0 = 50;  returns 0     sum: 440 + 80 + 50 = 570
# C: no target, actual 100 -> untargeted 100.
# Total: target 6490, actual 5980, gap -510.
#    TQ = 220 + 100 = 320 u, TR = 4400 + 2200 = 6600, TP = 20.625; AQ = 210 + 120 = 330
#    volume = (330 - 320) x 20.625 = 206.25; channel mix = (-200 + 440) - 206.25 = 33.75
#    (= (210 - 330 x 220/320) x 20 + (120 - 330 x 100/320) x 22 = -337.50 + 371.25)
#    product mix -820, price 20, returns -50, untargeted 100: 206.25 + 33.75 - 820 + 20 - 50 + 100
#    = -510.
HAND_TARGET = {
    "A": {"volume": -20000, "product_mix": -90000, "price": -3000, "returns": -5000},
    "B": {"volume": 44000, "product_mix": 8000, "price": 5000, "returns": 0},
    "C": {"untargeted": 10000},
    "Total": {
        "volume": 20625,
        "channel_mix": 3375,
        "product_mix": -82000,
        "price": 2000,
        "returns": -5000,
        "untargeted": 10000,
    },
}


def expected(values: dict[str, int]) -> dict[str, int]:
    return {e: values.get(e, 0) for e in EFFECTS}


def test_hand_worked_against_the_target():
    result = bridge(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    for channel, values in HAND_TARGET.items():
        assert effects(result, channel) == expected(values), channel
    assert cents(result, "A")["gap"] == -118000
    assert cents(result, "B")["gap"] == 57000
    assert cents(result, "Total") == {
        "target": 649000,
        "actual": 598000,
        "gap": -51000,
        **expected(HAND_TARGET["Total"]),
    }
    table = result.table.set_index("channel")
    assert list(table["reference"]) == ["target", "target", "none", "target"]
    assert table.loc["A", "expected_returns"] == -110.0
    assert table.loc["A", "actual_returns"] == -160.0
    assert table.loc["A", "reference_units"] == pytest.approx(220.0)
    assert table.loc["A", "reference_price"] == pytest.approx(20.0)
    assert table.loc["B", "actual_price"] == pytest.approx(2770 / 120)
    assert np.isnan(table.loc["C", "target"])
    assert result.baseline == "2024Q4"
    assert table.loc["C", "untargeted"] > 0  # its sales are the bridge's own column, not a note


def test_segments_split_the_channel_effects():
    # B's product lines: X volume (120 x 1/2 - 50) x 22 = 220, mix -440, price 120;
    # Y volume 220, mix 220, price -70; Z (new, no reference units) volume 0, mix 300, price 0.
    seg = bridge(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER).segment_cents
    b = seg.loc[seg["channel"] == "B"].set_index("product_line")
    assert b["volume"].to_dict() == {"X": 22000, "Y": 22000, "Z": 0}
    assert b["product_mix"].to_dict() == {"X": -44000, "Y": 22000, "Z": 30000}
    assert b["price"].to_dict() == {"X": 12000, "Y": -7000, "Z": 0}
    assert b["reference_units"].to_dict() == {"X": 50.0, "Y": 50.0, "Z": 0.0}
    assert np.isnan(b.loc["Z", "reference_price"])


# Hand-worked, against the prior year (2024Q4 is the reference; the target's growth is a step).
# A: reference gross 4000, 200 u, TP 20 (X 10, Y 30); expected returns = actual 2024Q4 returns -100;
#    growth_asked = 2024Q4 net 3900 - target 4290 = -390
#    volume (210 - 200) x 20 = 200; mix (150 - 105) x 10 + (60 - 105) x 30 = -900; price -30;
#    returns -160 + 100 = -60.              sum: -390 + 200 - 900 - 30 - 60 = -1180
# B: reference 2000, 100 u, TP 20; growth_asked 2000 - 2200 = -200
#    volume (120 - 100) x 20 = 400; mix (40-60) x 20 + (70-60) x 20 + 10 x 30 = 100;
#    price (1000 - 800) + (1470 - 1400) + 0 = 270.    sum: -200 + 400 + 100 + 270 = 570
# Total: TQ 300, TR 6000, TP 20, AQ 330: volume 600, channel mix 600 - 600 = 0; product mix -800,
#    price 240, returns -60, growth asked -590, untargeted 100: sum -510.
HAND_PRIOR = {
    "A": {"growth_asked": -39000, "volume": 20000, "product_mix": -90000, "price": -3000,
          "returns": -6000},
    "B": {"growth_asked": -20000, "volume": 40000, "product_mix": 10000, "price": 27000},
    "C": {"untargeted": 10000},
    "Total": {"growth_asked": -59000, "volume": 60000, "channel_mix": 0, "product_mix": -80000,
              "price": 24000, "returns": -6000, "untargeted": 10000},
}  # fmt: skip


def test_hand_worked_against_the_prior_year():
    result = bridge(
        HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER, baseline="prior_year"
    )
    for channel, values in HAND_PRIOR.items():
        assert effects(result, channel) == expected(values), channel
    assert result.mode == "prior_year"
    assert set(result.table["reference"].iloc[:2]) == {"prior_year"}
    assert "2024Q4" in result.rule and "growth the target asked for" in result.rule


def test_revenue_only_target_falls_back_to_the_prior_year_for_that_channel():
    targets = HAND_TARGETS.assign(target_quantity=[np.nan, 100.0, 9.0])
    result = bridge(HAND_SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert effects(result, "A") == expected(HAND_PRIOR["A"])  # as against 2024Q4
    assert effects(result, "B") == expected(HAND_TARGET["B"])  # still against its target
    assert any("Target without units" in n and "A" in n for n in result.notes)
    assert result.table["reference"].iloc[-1] == "mixed"
    no_column = bridge(
        HAND_SALES, HAND_TARGETS.drop(columns="target_quantity"), "2025Q4", coverage=COVER
    )
    assert effects(no_column, "B") == expected(HAND_PRIOR["B"])


def test_zero_target_units():
    # A zero target (0 revenue, 0 units): all of B's unit-bearing sales are volume at their prices.
    targets = HAND_TARGETS.assign(target_revenue=[4290.0, 0.0, 1.0], target_quantity=[209, 0, 1])
    result = bridge(HAND_SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert effects(result, "B") == expected({"volume": 277000})
    # 0 units for a non-zero revenue cannot be priced: compared with 2024Q4 instead.
    targets = HAND_TARGETS.assign(target_quantity=[209, 0, 1])
    result = bridge(HAND_SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert effects(result, "B") == expected(HAND_PRIOR["B"])


def test_targets_by_product_line_are_used_directly():
    # B's target set by line: X 1000 for 50 u (TP 20), Y 1200 for 50 u (TP 24); total 2200, 100 u.
    # Z (300, 10 u) has no target: untargeted, out of the PVM, which compares X and Y (110 u):
    # volume (110 - 100) x 22 = 220; mix (40-55) x 20 + (70-55) x 24 = -300 + 360 = 60;
    # price (1000 - 800) + (1470 - 1680) = -10: 220 + 60 - 10 = 270 = 2470 - 2200
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["B", "B"],
            "product_line": ["X", "Y"],
            "target_revenue": [1000.0, 1200.0],
            "target_quantity": [50.0, 50.0],
        }
    )
    result = bridge(HAND_SALES, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert effects(result, "B") == expected(
        {"volume": 22000, "product_mix": 6000, "price": -1000, "untargeted": 30000}
    )
    assert effects(result, "A") == expected({"untargeted": 311000})


def test_no_baseline_year_and_channel_without_sales():
    now = HAND_SALES.loc[HAND_SALES["date"] >= "2025-01-01"]
    targets = pd.concat(
        [HAND_TARGETS, pd.DataFrame({"quarter": ["2025Q4"], "channel": ["D"],
                                     "target_revenue": [500.0], "target_quantity": [10.0]})]
    )  # fmt: skip
    result = bridge(now, targets, "2025Q4", calendar=CAL)
    # A: no baseline -> no expected returns, split by this quarter's shares (so no product mix):
    # gross target 4290, 209 u, TP 20.5263; volume (210 - 209) x 20.5263 = 20.53
    # returns -160; price = gap - volume - returns = -1180 - 20.53 + 160 = -1040.53
    assert effects(result, "A") == expected({"volume": 2053, "price": -104053, "returns": -16000})
    # D: a target and no sales at all: everything is volume.
    assert effects(result, "D") == expected({"volume": -50000})
    assert any("no sales data for 2024Q4" in n for n in result.notes)
    prior = bridge(now, targets, "2025Q4", calendar=CAL, baseline="prior_year")
    # Against an empty year: growth asked is the whole target, the sales are all volume.
    assert effects(prior, "D") == expected({"growth_asked": -50000})
    assert effects(prior, "A") == expected(
        {"growth_asked": -429000, "volume": 327000, "returns": -16000}
    )


def test_negative_net_units_and_a_channel_that_only_returns():
    sales = pd.concat(
        [HAND_SALES, lines([("2025-12-01", "B", "North", "X", -200, -4000.0),
                            ("2025-12-01", "E", "East", "Y", -3, -90.0)])]
    )  # fmt: skip
    result = bridge(sales, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    # B's returns are the whole -4000 (expected 0): the gross effects are unchanged.
    assert effects(result, "B") == expected(HAND_TARGET["B"] | {"returns": -400000})
    assert effects(result, "E") == expected({"untargeted": -9000})


def test_segment_by_product_and_bad_baseline():
    result = bridge(HAND_SALES, HAND_TARGETS, "2025Q4", coverage=COVER, segment="product")
    assert "product" in result.segment_cents.columns
    assert effects(result, "A") == expected(HAND_TARGET["A"])  # products = lines here
    with pytest.raises(ValueError, match="baseline"):
        bridge(HAND_SALES, HAND_TARGETS, "2025Q4", baseline="budget")


def test_rounding_residual_goes_to_price():
    # Targets by line, in cents: X and Y 5 cents for 2 units each (TP 2.5); X sells 3 units for 7.
    # volume (3 - 4) x 2.5 = -2.5 -> -3; mix (3 - 1.5) x 2.5 + (0 - 1.5) x 2.5 = 0;
    # price 7 - 3 x 2.5 = -0.5 (-1 if rounded alone) takes the residual: -3 - (-3) - 0 = 0.
    sales = lines([("2025-11-05", "A", "East", "X", 3, 0.07)])
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["A", "A"],
            "product_line": ["X", "Y"],
            "target_revenue": [0.05, 0.05],
            "target_quantity": [2.0, 2.0],
        }
    )
    result = bridge(sales, targets, "2025Q4", calendar=CAL, coverage=COVER)
    assert cents(result, "A")["gap"] == -3
    assert effects(result, "A") == expected({"volume": -3, "price": 0})
    seg = result.segment_cents.set_index("product_line")
    assert seg["price"].sum() == 0 and seg["volume"].sum() == -3


def test_partial_quarter_is_flagged():
    result = bridge(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL)  # data end 2025-11-20
    assert result.partial
    assert any("partial" in n for n in result.notes)


def assert_exact(result, sales: pd.DataFrame) -> None:
    table = result.cents
    for col in ("target", "actual", "gap", *EFFECTS):
        assert str(table[col].dtype) == "Int64", col
    summed = table[list(EFFECTS)].sum(axis=1).astype("int64")
    assert (summed == table["gap"].astype("int64")).all()
    channels, total = table.iloc[:-1], table.iloc[-1]
    assert channels["gap"].sum() == total["gap"]
    assert total["gap"] == total["actual"] - (0 if pd.isna(total["target"]) else total["target"])
    assert (result.reconciliation()["difference"] == 0).all()
    actual = quarter_cents(sales).reindex(channels["channel"], fill_value=0)
    assert channels["actual"].astype("int64").tolist() == actual.astype("int64").tolist()
    seg = result.segment_cents.groupby("channel")[["volume", "product_mix", "price"]].sum()
    compared = channels.set_index("channel").loc[seg.index]
    for effect in ("volume", "product_mix", "price"):
        assert (seg[effect].astype("int64") == compared[effect].astype("int64")).all(), effect


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales_and_targets())
def test_effects_add_up_exactly(case):
    sales, targets = case
    for baseline in ("target", "prior_year"):
        result = bridge(sales, targets, "2025Q4", calendar=CAL, baseline=baseline)
        assert_exact(result, sales)


def _recall_company(recall_quarter: str = "2024Q4") -> pd.DataFrame:
    """Channel A sells 100 units of X at 100 every quarter from 2024Q4; 2 come back each quarter,
    but 30 in the recall quarter; 2025Q4 is the quarter reviewed."""
    rows = []
    for q in pd.period_range("2024Q4", "2025Q4", freq="Q"):
        back = 30 if str(q) == recall_quarter else 2
        day = q.start_time + pd.Timedelta(days=20)
        rows += [
            (day, "A", "East", "X", 100, 10_000.0),
            (day, "A", "East", "X", -back, -100.0 * back),
        ]
    return lines(rows)


RECALL_TARGET = pd.DataFrame(
    {"quarter": ["2025Q4"], "channel": ["A"], "target_revenue": [9100.0], "target_quantity": [91.0]}
)


def test_a_recall_a_year_earlier_weighs_a_quarter_of_the_return_rate():
    # Return window 2024Q4-2025Q3: gross 40,000 and 400 units, returns 3,000 + 3 x 200 = 3,600
    # and 36 units: rate 9 % (not the recall quarter's 30 %).
    # Target 9,100 net, 91 units -> gross 10,000 and 100 units, TP 100; expected returns -900.
    # Actual: 100 units for 10,000 gross, returns -200: gap 700 = returns (-200 + 900) alone.
    # (At the recall quarter's rate: gross 13,000 and 130 units, volume -3,000, returns +3,700.)
    sales = _recall_company()
    result = bridge(sales, RECALL_TARGET, "2025Q4", calendar=CAL, coverage=COVER)
    assert effects(result, "A") == expected({"returns": 70000})
    assert result.table.set_index("channel").loc["A", "expected_returns"] == -900.0
    assert "over 2024Q4 to 2025Q3, the 4 quarters before 2025Q4" in result.rule
    assert not any("Expected returns" in n for n in result.notes)
    # against the prior year: 2024Q4's gross at the same rate, 10,000 - 900 = 9,100 = target
    prior = bridge(
        sales, RECALL_TARGET, "2025Q4", calendar=CAL, coverage=COVER, baseline="prior_year"
    )
    assert effects(prior, "A") == expected({"returns": 70000})
    assert "returns expected at each channel's return rate over 2024Q4 to 2025Q3" in prior.rule
    for found in (result, prior):
        assert_exact(found, sales)


def test_a_short_history_sets_the_return_rate_from_the_quarters_it_has():
    sales = _recall_company(recall_quarter="2025Q2")
    later = sales.loc[sales["date"] >= "2025-04-01"]  # the data begin with 2025Q2
    cover = Coverage(first=pd.Timestamp("2025-04-01"), last=COVER.last)
    result = bridge(later, RECALL_TARGET, "2025Q4", calendar=CAL, coverage=cover)
    # 2025Q2-2025Q3: returns 3,000 + 200 of 20,000 gross, 32 of 200 units: rate 16 %
    assert result.table.set_index("channel").loc["A", "expected_returns"] == pytest.approx(
        9100 - 9100 / 0.84, abs=0.005
    )
    assert (
        "Expected returns are at the return rate of 2025Q2 to 2025Q3 only, not of the 4 quarters "
        "before 2025Q4: the data begin on 2025-04-01." in result.notes
    )
    assert "the quarters before 2025Q4 that the data reach" in result.rule
    assert_exact(result, later)
    first = bridge(later.loc[later["date"] >= "2025-10-01"], RECALL_TARGET, "2025Q4", calendar=CAL)
    assert "There are no sales data in the 4 quarters before 2025Q4: expected returns are 0." in (
        first.notes
    )

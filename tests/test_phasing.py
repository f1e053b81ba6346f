"""Target phasing: seasonal month shares, equal fallback, weeks, annual targets, exact parts."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from target_miss_examples import CAL, lines

from analysis.data.series import Coverage
from analysis.targets.phasing import phase_quarter, phase_year

COVER = Coverage(first=pd.Timestamp("2023-01-01"), last=pd.Timestamp("2025-12-31"))
# A's Q4 history: 2024Q4 Oct 100, Nov 100, Dec 200 -> 1/4, 1/4, 1/2; 2023Q4 Oct 0, Nov 300,
# Dec 100 -> 0, 3/4, 1/4 (a negative October counts as 0). Average: 1/8, 1/2, 3/8.
HISTORY = lines(
    [
        ("2024-10-10", "A", "N", "X", 1, 100.0),
        ("2024-11-10", "A", "N", "X", 1, 100.0),
        ("2024-12-10", "A", "N", "X", 1, 200.0),
        ("2023-10-10", "A", "N", "X", -1, -50.0),
        ("2023-11-10", "A", "N", "X", 1, 300.0),
        ("2023-12-10", "A", "N", "X", 1, 100.0),
        ("2024-11-10", "B", "N", "X", 1, -10.0),  # B: only returns, no usable history
    ]
)
TARGETS = pd.DataFrame(
    {
        "quarter": ["2025Q4", "2025Q4", "2025Q3"],
        "channel": ["A", "B", "A"],
        "target_revenue": [1000.01, 100.00, 5.0],
        "target_quantity": [10.0, float("nan"), 1.0],
    }
)


def test_months_follow_the_seasonal_profile():
    # A: 100001 cents x 1/8 = 12500.125, x 1/2 = 50000.5, x 3/8 = 37500.375: floors 12500, 50000,
    # 37500 and the cent left over goes to the largest remainder (November). Units 10: 1.25, 5,
    # 3.75 -> 1, 5, 3 and the unit left to December (.75). B has no usable history: thirds.
    result = phase_quarter(TARGETS, HISTORY, "2025Q4", calendar=CAL, coverage=COVER)
    table = result.cents.set_index(["channel", "month"])
    assert table.loc["A", "target"].tolist() == [12500, 50001, 37500]
    assert table.loc["A", "target_quantity"].tolist() == [1.0, 5.0, 4.0]
    assert table.loc["A", "share"].tolist() == [0.125, 0.5, 0.375]
    assert table.loc["B", "target"].tolist() == [3334, 3333, 3333]
    assert table.loc["B", "target_quantity"].isna().all()
    assert table.index.get_level_values("month").unique().tolist() == [
        "2025-10",
        "2025-11",
        "2025-12",
    ]
    assert set(table.loc["B", "basis"]) == {"equal split (no history)"}
    assert any("B" in n and "equal" in n for n in result.notes)
    profile = result.profile.set_index(["channel", "part"])
    assert profile.loc[("A", 2), "share"] == 0.5 and profile.loc[("A", 2), "years"] == 2


def test_partial_history_quarters_are_skipped():
    # with the data starting mid-2023Q4, only 2024Q4 counts: 1/4, 1/4, 1/2 of 100001 cents
    # = 25000.25, 25000.25, 50000.5 -> the left-over cent goes to December
    cover = Coverage(first=pd.Timestamp("2023-11-01"), last=pd.Timestamp("2025-12-31"))
    result = phase_quarter(TARGETS, HISTORY, "2025Q4", calendar=CAL, coverage=cover)
    a = result.cents.loc[result.cents["channel"] == "A"]
    assert a["target"].tolist() == [25000, 25000, 50001]


def test_weeks_nest_in_months():
    # No weekday history for B: every day weighs the same, so October 2025 (Wed 1st .. Fri 31st)
    # splits 5/31, 7/31, 7/31, 7/31, 5/31 of its 3334 cents.
    result = phase_quarter(TARGETS, HISTORY, "2025Q4", calendar=CAL, coverage=COVER, weeks=True)
    table = result.cents
    october = table.loc[(table["channel"] == "B") & (table["month"] == "2025-10")]
    assert october["days"].tolist() == [5, 7, 7, 7, 5]
    assert october["week_start"].dt.day_of_week.tolist()[1:] == [0, 0, 0, 0]
    assert october["target"].tolist() == [538, 753, 753, 753, 537]
    assert october["target"].sum() == 3334
    months = table.groupby(["channel", "month"])["target"].sum()
    assert months.loc["A"].tolist() == [12500, 50001, 37500]
    assert "weeks" in result.rule


def test_annual_target_into_quarters_and_months():
    sales = pd.concat([HISTORY, lines([("2024-02-01", "A", "N", "X", 1, 100.0),
                                       ("2024-05-01", "A", "N", "X", 1, 100.0),
                                       ("2024-08-01", "A", "N", "X", 1, 100.0)])])  # fmt: skip
    cover = Coverage(first=pd.Timestamp("2024-01-01"), last=pd.Timestamp("2025-12-31"))
    annual = pd.DataFrame({"channel": ["A"], "target_revenue": [1000.0]})
    # 2024 is the only complete year: A sold 100, 100, 100, 400 -> 1/7, 1/7, 1/7, 4/7 of 100000
    # cents = 14285.71 (x3), 57142.86: three cents left, to Q4 (.86) and then Q1, Q2 (ties, .71)
    result = phase_year(annual, sales, 2025, calendar=CAL, coverage=cover)
    quarters = result.quarter_cents
    assert quarters["quarter"].tolist() == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert quarters["target"].tolist() == [14286, 14286, 14285, 57143]
    months = result.cents.groupby("quarter")["target"].sum()
    assert months.tolist() == quarters["target"].tolist()
    q4 = result.cents.loc[result.cents["quarter"] == "2025Q4", "target"]
    assert q4.tolist() == [14286, 14286, 28571]  # 2024Q4 alone: 1/4, 1/4, 1/2 of 57143
    assert "Quarters take the annual target" in result.rule


_history = st.lists(
    st.tuples(
        st.integers(0, 3 * 365),
        st.sampled_from(["A", "B", "C"]),
        st.integers(-5, 20),
        st.integers(-20_000, 200_000),
    ),
    min_size=1,
    max_size=30,
)
_targets = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D"]),
    st.tuples(st.integers(0, 10**9), st.one_of(st.none(), st.integers(0, 10**5))),
    min_size=1,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_history, _targets, st.booleans())
def test_parts_add_up_to_the_target(history, goals, weeks):
    sales = lines(
        [
            (pd.Timestamp("2022-10-01") + pd.Timedelta(days=d), c, "N", "X", q, cents / 100)
            for d, c, q, cents in history
        ]
    )
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": list(goals),
            "target_revenue": [v[0] / 100 for v in goals.values()],
            "target_quantity": [float("nan") if v[1] is None else v[1] for v in goals.values()],
        }
    )
    cover = Coverage(first=pd.Timestamp("2022-10-01"), last=pd.Timestamp("2025-12-31"))
    result = phase_quarter(targets, sales, "2025Q4", calendar=CAL, coverage=cover, weeks=weeks)
    sums = result.cents.groupby("channel")[["target", "target_quantity"]].sum(min_count=1)
    for channel, (cents, units) in goals.items():
        assert sums.loc[channel, "target"] == cents
        if units is None:
            assert pd.isna(sums.loc[channel, "target_quantity"])
        else:
            assert sums.loc[channel, "target_quantity"] == units
    assert (result.cents["target"] >= 0).all()

"""Quarterly series: hand-checked sums, gap filling, partial quarters, and totals preserved."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage, hierarchy, latest_complete_quarter, quarterly

CAL = FiscalCalendar()


def lines(rows: list[tuple[str, str, str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["date", "channel", "region", "product_line", "quantity", "revenue"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


SALES = lines(
    [
        ("2024-01-05", "OEM", "East", "Ball", 10, 1000.10),
        ("2024-02-20", "OEM", "East", "Gate", 5, 500.05),
        ("2024-03-31", "Export", "Overseas", "Ball", 2, 300.00),
        ("2024-08-01", "OEM", "North", "Ball", -1, -100.10),  # a return
        ("2024-12-31", "Export", "Overseas", "Gate", 3, 450.00),
    ]
)


def test_channel_series_hand_checked():
    s = quarterly(SALES, CAL, by=["channel"])
    oem = s.loc[s["channel"] == "OEM"].set_index("quarter")
    assert oem["y"].to_dict() == {
        "2024Q1": 1500.15,
        "2024Q2": 0.0,
        "2024Q3": -100.10,
        "2024Q4": 0.0,
    }
    assert oem["quantity"].to_dict() == {"2024Q1": 15, "2024Q2": 0, "2024Q3": -1, "2024Q4": 0}
    assert oem["lines"].to_dict() == {"2024Q1": 2, "2024Q2": 0, "2024Q3": 1, "2024Q4": 0}
    export = s.loc[s["channel"] == "Export"].set_index("quarter")["y"]
    assert export.to_dict() == {"2024Q1": 300.0, "2024Q2": 0.0, "2024Q3": 0.0, "2024Q4": 450.0}
    assert list(s.columns) == [
        "unique_id",
        "ds",
        "quarter",
        "channel",
        "y",
        "quantity",
        "lines",
        "partial",
    ]
    assert s.loc[s["quarter"] == "2024Q3", "ds"].iloc[0] == pd.Timestamp("2024-07-01")


def test_series_starts_at_first_sale_and_runs_to_end_of_data():
    s = quarterly(SALES, CAL, by=["channel", "region"])
    north = s.loc[s["unique_id"] == "OEM/North", "quarter"].tolist()
    assert north == ["2024Q3", "2024Q4"]


def test_partial_quarters_flagged():
    sales = SALES.loc[SALES["date"] < "2024-12-01"]  # data end 1 August
    s = quarterly(sales, CAL)
    assert s.set_index("quarter")["partial"].to_dict() == {
        "2024Q1": False,
        "2024Q2": False,
        "2024Q3": True,
    }
    assert str(latest_complete_quarter(Coverage.of(sales, CAL), CAL)) == "2024Q2"
    # Declaring the data complete through the quarter's end makes it complete.
    cov = Coverage.of(sales, CAL, data_through="2024-09-30")
    assert str(latest_complete_quarter(cov, CAL)) == "2024Q3"


def test_quiet_days_at_quarter_edges_are_not_missing_data():
    # First sale on 5 January, last on 31 December: both within the grace period.
    cov = Coverage.of(SALES, CAL)
    assert (cov.first, cov.last) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    late = SALES.iloc[:-1]  # last sale on 1 August: Q3 is not complete
    assert Coverage.of(late, CAL).last == pd.Timestamp("2024-08-01")
    # A first sale more than a week into the quarter means the data start mid-quarter.
    s = quarterly(SALES.loc[SALES["date"] > "2024-02-01"], CAL)
    assert bool(s.set_index("quarter").loc["2024Q1", "partial"]) is True
    assert bool(s.set_index("quarter").loc["2024Q2", "partial"]) is False


def test_no_complete_quarter_is_an_error():
    with pytest.raises(ValueError, match="do not cover any quarter"):
        latest_complete_quarter(Coverage.of(SALES.iloc[:2], CAL), CAL)


def test_fiscal_quarters():
    cal = FiscalCalendar(start_month=4)
    s = quarterly(SALES, cal)
    assert s["quarter"].tolist() == ["FY2024Q4", "FY2025Q1", "FY2025Q2", "FY2025Q3"]
    assert s["y"].tolist() == [1800.15, 0.0, -100.10, 450.0]
    assert s["ds"].iloc[1] == pd.Timestamp("2024-04-01")


def test_hierarchy_levels_and_ids():
    h = hierarchy(SALES, CAL)
    assert set(h["level"]) == {"total", "channel", "channel/region", "channel/product_line"}
    assert {"Total", "OEM", "OEM/East", "OEM/Gate"} <= set(h["unique_id"])
    totals = h.groupby(["level", "quarter"])["y"].sum().unstack("level")
    assert (totals.nunique(axis=1) == 1).all()


names = st.sampled_from(["OEM", "Export", "Distributor", "渠道A", "<b>x</b>"])
line = st.tuples(
    st.dates(
        min_value=pd.Timestamp("2022-01-01").date(), max_value=pd.Timestamp("2024-12-31").date()
    ),
    names,
    st.sampled_from(["East", "West", "Overseas"]),
    st.sampled_from(["Ball", "Gate"]),
    st.integers(-50, 500),
    st.integers(-10_000_000, 100_000_000),  # cents
)


@settings(max_examples=60, deadline=None)
@given(st.lists(line, min_size=1, max_size=60), st.sampled_from([1, 4, 7]))
def test_totals_preserved_across_every_grouping(rows, start_month):
    sales = pd.DataFrame(
        rows, columns=["date", "channel", "region", "product_line", "quantity", "cents"]
    )
    sales["date"] = pd.to_datetime(sales["date"])
    sales["revenue"] = sales.pop("cents") / 100
    cal = FiscalCalendar(start_month)
    h = hierarchy(sales, cal)
    expected_cents = sum(r[5] for r in rows)
    for level, part in h.groupby("level"):
        assert round(part["y"].sum() * 100) == expected_cents, level
        assert part["quantity"].sum() == sum(r[4] for r in rows), level
        assert part["lines"].sum() == len(rows), level
        # every quarter's total is the same at every level, exactly
        per_quarter = part.groupby("quarter")["y"].sum()
        total = h.loc[h["level"] == "total"].set_index("quarter")["y"]
        assert (per_quarter.reindex(total.index).fillna(0).round(2) == total.round(2)).all(), level
    # no gaps: each series is consecutive quarters
    for _, part in h.groupby("unique_id"):
        periods = part["ds"].dt.to_period(cal.freq)
        assert (periods.diff().iloc[1:].map(lambda d: d.n) == 1).all()

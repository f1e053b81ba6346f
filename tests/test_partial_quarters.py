"""Partial quarters at either end of the history, as a growth base and as the reviewed quarter.

Small companies written into ``tmp_path`` (the sales lines and files of
``test_degenerate_data``): a first quarter of three days or one month, a year-earlier quarter
that holds only December, and a run of a quarter the data cover up to its middle. Each is read
through the reports' own functions; the whole workbench runs in ``test_first_years.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_degenerate_data import company, sales_lines, targets, weekly

from analysis.data.load import load
from analysis.data.series import Coverage
from analysis.reports import charts, forecast, overview, target_odds
from analysis.reports.review import Review
from analysis.reports.target_miss import analyse_review


def review_of(folder, sales, goals=None, quarter="latest", extra=""):
    config = company(folder, sales, goals, extra=extra, bad_line=False)
    return Review.of(load(config), quarter)


def test_coverage_says_what_a_partial_quarter_holds():
    cover = Coverage(first=pd.Timestamp("2024-12-01"), last=pd.Timestamp("2025-11-15"))
    q = pd.Period("2024Q4", "Q-DEC")
    assert cover.marker(q) == "partial: data from 2024-12-01"
    assert cover.holds_only("2024Q4", q) == "2024Q4 holds only 2024-12-01 to 12-31"
    assert cover.marker(q + 4) == "partial: data to 2025-11-15"
    assert cover.marker(q + 1) == "" and cover.extent(q + 1) == "all data"
    assert cover.marker(q - 1) == "no data"
    assert cover.holds_only("2024Q3", q - 1) == "there are no sales data for 2024Q3"
    # a run of quarters: the fiscal year to date a year earlier
    assert (
        cover.holds_only("2024Q1-2024Q4", q - 3, q) == "2024Q1-2024Q4 hold only 2024-12-01 to 12-31"
    )
    one_day = Coverage(first=pd.Timestamp("2025-11-15"), last=pd.Timestamp("2025-11-15"))
    assert one_day.marker(q + 4) == "partial: data 2025-11-15"


@pytest.fixture
def december_baseline(tmp_path) -> Review:
    """Sales from 2024-12-01 to 2025-12-31: 2024Q4, the year-earlier quarter, holds December."""
    sales = sales_lines(weekly("2024-12-01", "2025-12-31"))
    return review_of(tmp_path / "co", sales, targets(["2025Q4"]))


def test_a_december_only_year_earlier_quarter_is_no_growth_base(december_baseline):
    review = december_baseline
    assert str(review.quarter) == "2025Q4" and not review.comparable
    table = overview.revenue_by(review, "channel")
    total = table.iloc[-1]
    assert total["prior"] == 3040.0  # December's revenue, shown as it is
    assert table["change"].isna().all() and table["change_pct"].isna().all()
    labels = overview.comparison_labels(review, "channel")
    assert labels["prior"] == "2024Q4 (partial: data from 2024-12-01)"
    assert overview.missing_labels(review) == {
        "change": "no comparison",
        "change_pct": "no comparison",
    }
    text = overview.headline(review, table)
    assert text.startswith(
        "Revenue in 2025Q4 was ¥7.68 k (no comparison: 2024Q4 holds only 2024-12-01 to 12-31)."
    )
    assert "%" not in text and "largest change" not in text
    summary = overview.summary(review)
    assert summary["change"] is None and summary["text"]["change"] == "–"


def test_a_december_only_baseline_gives_no_growth_for_the_quarter_or_year_to_date(
    december_baseline,
):
    miss = analyse_review(december_baseline)
    quarter, ytd = miss.attainment, miss.year_to_date
    assert quarter.table["yoy"].isna().all() and ytd.table["yoy"].isna().all()
    assert quarter.table["prior"].iloc[-1] == 3040.0 and ytd.table["prior"].iloc[-1] == 3040.0
    assert quarter.labels["prior"] == "Year earlier (partial: data from 2024-12-01)"
    assert quarter.missing == {"yoy": "no comparison"}
    assert "Growth on a year earlier: no comparison, 2024Q4 holds only 2024-12-01 to 12-31." in (
        miss.notes
    )
    assert (
        "Growth on a year earlier: no comparison, 2024Q1-2024Q4 hold only 2024-12-01 to 12-31."
        in ytd.notes
    )
    # the channels without unit targets are compared with that December, and the bridge says so
    assert (
        "The baseline is partial: 2024Q4 holds only 2024-12-01 to 12-31; Direct, OEM are "
        "compared with that part." in miss.bridge.notes
    )


@pytest.mark.parametrize(
    ("first_day", "marker"),
    [
        ("2019-12-29", "partial: data from 2019-12-29"),
        ("2019-12-01", "partial: data from 2019-12-01"),
    ],
)
def test_a_partial_first_quarter_is_marked_and_left_out_of_the_fit(tmp_path, first_day, marker):
    # the first quarter holds three days, or December: a day of sales each
    days = [*pd.date_range(first_day, "2019-12-31", freq="D"), *weekly("2020-01-06", "2021-12-31")]
    review = review_of(tmp_path / "co", sales_lines(days), quarter="2020Q4")
    trend = overview.trend(review, "channel")
    assert list(trend.index[:2]) == ["2019Q4", "2020Q1"]
    assert trend.attrs["partial"] == {"2019Q4": marker.removeprefix("partial: ")}
    fig = charts.stacked_trend(trend, "t", "CNY")  # the chart marks it and says what it holds
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[:2] == ["2019Q4*", "2020Q1"]
    assert any(marker.removeprefix("partial: ") in t.get_text() for t in fig.texts)
    ahead = forecast.prepare(review, horizon=1, levels=(80,))
    assert ahead.made and ahead.hierarchy.frame["ds"].min() == pd.Timestamp("2020-01-01")
    note = (
        f"2019Q4 is left out of the forecast's history ({marker}): the forecast is fitted on "
        "2020Q1 to 2020Q4."
    )
    assert forecast.paragraphs(ahead)[1] == note


@pytest.fixture
def mid_quarter(tmp_path) -> Review:
    """Sales to 2025-11-15 (data_through), with a large October order in each channel; the
    2025Q4 targets (¥5,000 a channel) are already beaten by what was booked."""
    days = weekly("2023-01-01", "2025-11-15")
    sales = sales_lines(days)
    big = sales_lines(["2025-10-20"]).assign(revenue=3000.0)
    goals = targets(["2025Q4", "2026Q1"]).assign(target_revenue=5000.0)
    extra = "data_through: 2025-11-15\n"
    return review_of(tmp_path / "co", pd.concat([sales, big]), goals, "2025Q4", extra)


def test_a_run_of_a_partial_quarter_forecasts_from_the_next_one(mid_quarter):
    review = mid_quarter
    assert review.partial
    ahead = forecast.prepare(review, horizon=2, levels=(80,))
    assert sorted(ahead.forecasts["quarter"].unique()) == ["2026Q1", "2026Q2"]
    assert set(ahead.forecasts["horizon"]) == {1, 2}
    assert ahead.hierarchy.frame["ds"].max() == pd.Timestamp("2025-07-01")  # 2025Q3
    assert (
        "2025Q4 is partial (data to 2025-11-15): it is neither fitted nor forecast; the forecast "
        "is fitted on 2023Q1 to 2025Q3 and starts in 2026Q1." in forecast.paragraphs(ahead)
    )
    assert forecast.fan_title(ahead).startswith(
        "Forecast after 2025Q4 (partial: data to 2025-11-15, not fitted)"
    )
    chances = target_odds.odds(ahead, 0.7)
    assert set(chances["quarter"]) == {"2026Q1"}  # no odds for the quarter under review
    (booked,) = target_odds.notes(ahead)
    assert booked.startswith(
        "2025Q4 is not closed (data to 2025-11-15) and is not forecast, so it has no odds; "
        "booked so far against its targets: Direct ¥"
    )


def test_a_target_already_reached_in_a_quarter_under_way_is_certain(mid_quarter):
    review = Review.of(mid_quarter.dataset, "2025Q3")
    ahead = forecast.prepare(review, horizon=2, levels=(80,))
    chances = target_odds.odds(ahead, 0.7).set_index(["quarter", "channel"])
    under_way = chances.loc["2025Q4"]
    assert (under_way["actual"] > under_way["target"]).all()  # the October orders
    assert (under_way["probability"] == 1.0).all()
    assert chances.loc["2026Q1", "actual"].isna().all()
    assert target_odds.notes(ahead) == [
        "2025Q4 is under way (data to 2025-11-15): Actual is what it booked so far, and a "
        "target already reached has a chance of 100%."
    ]

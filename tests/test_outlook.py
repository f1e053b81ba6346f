"""The forecast report's numbers on the sample data: origin, coherence, odds, parameter checks."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.core.errors import ParameterError
from analysis.reports import forecast as outlook
from analysis.reports import overview, target_odds
from analysis.reports.review import prepare
from analysis.targets.attainment import attainment


@pytest.fixture(scope="module")
def from_q2():
    """Forecasts made after 2025Q2, although the data run to 2025Q4."""
    return outlook.prepare(prepare("2025Q2"), horizon=3, levels=(80, 95))


def test_forecasts_start_after_the_reviewed_quarter(from_q2):
    fc = from_q2.forecasts
    assert sorted(fc["quarter"].unique()) == ["2025Q3", "2025Q4", "2026Q1"]
    assert set(fc["horizon"]) == {1, 2, 3}
    # the history used stops at 2025Q2: later sales are not fitted
    assert from_q2.hierarchy.frame["ds"].max() == pd.Timestamp("2025-04-01")


def test_channels_add_up_to_the_total(from_q2):
    fc = from_q2.forecasts
    sums = fc.groupby(["quarter", "level"])["mean"].sum().unstack("level")
    assert (sums["channel"] - sums["total"]).abs().max() < 0.01
    assert (sums["channel/product_line"] - sums["total"]).abs().max() < 0.01


def test_headline_and_csv(from_q2):
    text = outlook.headline(from_q2)
    assert re.fullmatch(
        r"For 2025Q3 the forecast is ¥[\d.]+ M \(80% interval ¥[\d.]+ M to ¥[\d.]+ M\), "
        r"[+-][\d.]+% on a year earlier\.",
        text,
    )
    out = from_q2.csv()
    assert set(out["level"]) == set(outlook.REPORTED_LEVELS)
    assert (out["origin"] == "2025Q2").all() and (out["method"] == "mint_shrink").all()


def test_odds_only_for_quarters_not_yet_closed(from_q2):
    table = target_odds.odds(from_q2, 0.7)
    assert set(table["quarter"]) == {"2025Q3", "2025Q4", "2026Q1"}
    assert sorted(table["channel"].unique()) == ["Distributor", "Export", "OEM", "Own brand direct"]
    # 2025Q3 and 2025Q4 are closed (the data cover them): their actual attainment, no chance
    closed = table.loc[table["quarter"] != "2026Q1"].set_index(["quarter", "channel"])
    assert closed[["probability", "supported", "gap"]].isna().all().all()
    q4 = attainment(
        from_q2.review.dataset.sales, from_q2.review.dataset.targets, "2025Q4"
    ).table.set_index("channel")
    assert closed.loc[("2025Q4", "Export"), "attainment"] == q4.loc["Export", "attainment"]
    assert closed.loc[("2025Q4", "OEM"), "actual"] == q4.loc["OEM", "actual"]
    open_ = table.loc[table["quarter"] == "2026Q1"]
    assert open_["probability"].between(0, 1).all() and open_["actual"].isna().all()
    # the supported target is reached with 70 %: below the mean, as the forecast is symmetric
    assert (open_["supported"] < open_["mean"]).all()
    notes = target_odds.notes(from_q2)
    assert notes[0].startswith("2025Q3 is closed: the data cover all of it")
    assert notes[1].startswith("2025Q4 is closed") and len(notes) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"method": "magic"},
            "parameter method: 'magic' is not allowed; one of bottom_up, mint_shrink",
        ),
        ({"horizon": 0}, "parameter horizon: 0 is not allowed; a whole number from 1 to 12"),
        (
            {"levels": (80, 120)},
            "parameter levels: 120 is not allowed; a comma-separated list: whole numbers between 0",
        ),
    ],
)
def test_parameters_are_checked(kwargs, message):
    review = prepare("2025Q2")
    with pytest.raises(ParameterError, match=message):
        outlook.prepare(review, **kwargs)


def test_tables_and_charts_show_the_largest_channels(from_q2):
    frame = from_q2.hierarchy.frame
    recent = frame.loc[(frame["level"] == "channel") & (frame["ds"] >= "2024-07-01")]
    by_size = recent.groupby("unique_id")["y"].sum().sort_values(ascending=False)
    assert from_q2.top_channels(2) == list(by_size.index[:2])
    table = from_q2.channel_table(top=2)
    assert set(table["series"]) == {"Total", *by_size.index[:2]}
    assert len(table) == 3 * 3  # three series, three quarters
    assert outlook.shown_note(from_q2) == ""  # five channels: all shown
    note = outlook.shown_note(from_q2, top=2)
    assert note.startswith("The table and charts show the 2 largest of 5 channels")


def test_trend_sums_the_smaller_segments_as_other(from_q2):
    review = from_q2.review
    full = overview.trend(review, "channel")
    assert list(full.columns) == list(full.sum().sort_values(ascending=False).index)
    short = overview.trend(review, "channel", top=2)
    assert list(short.columns) == [full.columns[0], "Other (4)"]
    pd.testing.assert_series_equal(short.sum(axis=1), full.sum(axis=1))

"""Tables for people: no dead columns, a forecast grid, a gap tree, methods in words, escaped."""

from __future__ import annotations

import pandas as pd
from target_miss_examples import CAL, COVER, HAND_SALES, HAND_TARGETS

from analysis.reports import tables
from analysis.reports.target_miss import analyse


def test_a_column_zero_in_every_row_is_left_out_with_a_note():
    frame = pd.DataFrame({"channel": ["A", "B"], "asked": [0.0, None], "volume": [1.0, 0.0]})
    shown, note = tables.drop_zero(frame, ["asked", "volume"], {"asked": "Growth asked"})
    assert list(shown.columns) == ["channel", "volume"]
    assert note == "Not shown, zero in every row: Growth asked."
    assert tables.drop_zero(shown, ["volume"], {}) == (shown, "")


def test_the_forecast_is_a_grid_of_channels_by_quarters_with_the_interval_under_it():
    rows = [
        {"series": s, "quarter": q, "mean": m, "lo-80": m - 10, "hi-80": m + 10}
        for s in ("<b>Direct", "Total")
        for q, m in (("2026Q1", 100.0), ("2026Q2", 200.0))
    ]
    grid = tables.forecast_grid(pd.DataFrame(rows), "CNY", 80)
    assert grid.count("<tr>") == 3  # a header and one row per series, not one per quarter
    assert grid.index(">Total<") < grid.index("&lt;b&gt;Direct")  # the total first; escaped
    assert "¥100<small>¥90 – ¥110</small>" in grid
    assert "under it the 80 % interval" in grid


def test_the_drill_down_is_a_tree_with_no_target_in_words():
    miss = analyse(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    tree = tables.gap_tree(miss.drilldown, "CNY")
    assert "Channel → " in tree and "class='depth-1'" in tree
    assert "Has target" not in tree and "True" not in tree
    assert ">C</td><td class='num'>no target<" in tree  # the channel without a target
    assert tree.rindex("Total") > tree.rindex(">C<")  # the total last


def test_methods_and_levels_read_in_words():
    scores = pd.DataFrame(
        {"level": ["total", "channel/region"], "method": ["mint_shrink", "bottom_up"],
         "unique_id": ["Total", "Direct/North"]}
    )  # fmt: skip
    shown = tables.in_words(scores)
    assert shown["method"].tolist() == ["reconciled", "sum of the parts"]
    assert shown["level"].tolist() == ["Company total", "Regions within channels"]
    assert shown["unique_id"].tolist() == ["Total", "Direct / North"]
    record = pd.DataFrame({"level": ["channel", "channel/region", "total"], "x": [1, 2, 3]})
    assert tables.track_rows(record)["level"].tolist() == ["total", "channel"]


def test_how_this_is_computed_is_collapsed_and_escaped():
    section = tables.how_computed(["Volume = units × <price>", ""])
    assert section.startswith("<details><summary>How this is computed</summary>")
    assert "<p>Volume = units × &lt;price&gt;</p>" in section and "<p></p>" not in section

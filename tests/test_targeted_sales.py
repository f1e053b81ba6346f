"""Attainment of what was targeted: sales without a target beside a missed target, zero targets,
regional quotas, and a company of 49 channels whose target page stays a few screens long."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from target_miss_examples import CAL, COVER, lines

from analysis.core.csv_out import write_csv
from analysis.reports import charts, target_tables, waterfall
from analysis.reports.target_miss import analyse
from analysis.run import landing, pages, summary
from analysis.targets import phasing

# Direct has a quota of 10,000 and sells 8,150 (81.5 %); Online sells 4,000 without a target, so
# all sales (12,150) are above the target although the only target was missed.
MISSED = lines(
    [
        ("2024-11-05", "Direct", "North", "X", 100, 9000.00),
        ("2025-11-05", "Direct", "North", "X", 80, 6150.00),
        ("2025-11-06", "Direct", "South", "X", 20, 2000.00),
        ("2025-11-05", "Online", "North", "X", 40, 4000.00),
    ]
)
QUOTA = pd.DataFrame({"quarter": ["2025Q4"], "channel": ["Direct"], "target_revenue": [10000.0]})


def test_a_missed_target_is_missed_whatever_sold_without_one():
    miss = analyse(MISSED, QUOTA, "2025Q4", calendar=CAL, coverage=COVER)
    total = miss.attainment.row()
    assert total["attainment"] == pytest.approx(0.815)  # targeted sales only
    assert (total["targeted"], total["untargeted"], total["actual"]) == (8150.0, 4000.0, 12150.0)
    assert total["gap"] == -1850.0
    text = miss.narrative
    assert text.startswith(
        "Sales with a target in 2025Q4 were ¥8.15 k against a target of ¥10.00 k (81.5%), a "
        "shortfall of ¥1.85 k. With ¥4.00 k sold without a target, shown apart, revenue was "
        "¥12.15 k."
    )
    assert "beat" not in text and "Online sold ¥4.00 k without a target." in text
    assert miss.year_to_date.row()["attainment"] == pytest.approx(0.815)
    shown = target_tables.channel_rows(miss.attainment).set_index("channel")
    assert pd.isna(shown.loc["Online", "attainment"]) and shown.loc["Online", "untargeted"] == 4000
    effects = target_tables.bridge_rows(miss.bridge).set_index("channel")
    assert effects.loc["Total", "gap"] == -1850.0 and pd.isna(effects.loc["Online", "gap"])
    assert (effects.loc["Total", "actual"], effects.loc["Total", "untargeted"]) == (8150.0, 4000.0)
    apart = miss.drilldown.untargeted
    assert set(apart["channel"]) == {"Online"} and "Online" not in set(
        miss.drilldown.cents["channel"]
    )


def test_a_zero_target_is_a_target():
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["Direct", "Direct"],
            "region": ["North", "South"],
            "target_revenue": [10000.0, 0.0],
        }
    )
    miss = analyse(MISSED, targets, "2025Q4", calendar=CAL, coverage=COVER)
    ranked = miss.drilldown.table.query("dimension == 'region'").set_index("segment")
    # South's quota of 0 is a target: its 2,000 are an excess, ranked with the shortfall
    assert ranked.loc["South", "has_target"] and ranked.loc["South", "gap"] == 2000.0
    assert ranked.loc["North", "gap"] == 6150.0 - 10000.0
    assert miss.attainment.row()["targeted"] == 8150.0
    finer = target_tables.finer_rows(miss.attainment)
    assert finer["segment"].tolist() == ["North", "South"]  # worst first; 0 target last


def test_territory_targets_are_the_first_table_after_the_channels():
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["Direct", "Direct"],
            "region": ["North", "South"],
            "target_revenue": [6000.0, 4000.0],
        }
    )
    miss = analyse(MISSED, targets, "2025Q4", calendar=CAL, coverage=COVER)
    finer = target_tables.finer_rows(miss.attainment)
    assert finer["segment"].tolist() == ["South", "North"]  # 50 % before 102.5 %
    assert finer["attainment"].tolist() == pytest.approx([0.5, 6150 / 6000])
    assert target_tables.grain_words(finer) == "region"


# --- 49 channels ---------------------------------------------------------------------------------

N_CHANNELS, N_REGIONS, UNTARGETED = 49, 22, 7


@pytest.fixture(scope="module")
def many():
    """49 channels over 22 regions; 42 have a target (half of them missed), 7 sell without one."""
    rng = np.random.default_rng(7)
    rows = []
    for c in range(N_CHANNELS):
        for r in range(N_REGIONS):
            for day, scale in (("2024-11-05", 1.0), ("2025-11-05", 1.0 + rng.normal(0, 0.2))):
                units = int(rng.integers(5, 40))
                rows.append((day, f"Channel {c:02d}", f"Region {r:02d}", "X", units,
                             round(units * 100.0 * scale, 2)))  # fmt: skip
    sales = lines(rows)
    prior = sales.loc[sales["date"] < "2025-01-01"].groupby("channel")["revenue"].sum()
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": prior.index[UNTARGETED:],
            "target_revenue": (prior.iloc[UNTARGETED:] * 1.05).round(2).to_numpy(),
        }
    )
    miss = analyse(sales, targets, "2025Q4", calendar=CAL, coverage=COVER)
    return SimpleNamespace(**vars(miss), sales=sales, targets=targets)


ROW_PX = 28  # a table row in the published page


def test_many_channels_are_summarised_in_words(many):
    text = many.narrative
    assert text.count("without a target") == 2  # the amount, then who sold it: not 7 sentences
    assert f"{UNTARGETED} channels sold" in text and "and 5 others" in text
    assert f"of {N_CHANNELS - UNTARGETED} channels with a target missed it" in text
    assert f"{N_CHANNELS - UNTARGETED} channels had no unit target" in text
    assert len(text) < 1200


def test_many_channels_keep_the_target_page_to_a_few_screens(many):
    tables = [
        target_tables.channel_rows(many.attainment),
        target_tables.channel_rows(many.year_to_date),
        target_tables.finer_rows(many.attainment),
        target_tables.bridge_rows(many.bridge),
        many.drilldown.top(10),
        target_tables.untargeted_rows(many.drilldown, "region"),
    ]
    months = phasing.phase_quarter(many.targets, many.sales, "2025Q4", calendar=CAL, coverage=COVER)
    tables.append(target_tables.phasing_rows(months))
    assert all(len(t) <= charts.TOP + 4 for t in tables)
    assert tables[-1]["quarter"].iloc[-1] == pytest.approx(months.table["target"].sum())
    figures = [
        waterfall.attainment_bars(many.attainment),
        waterfall.effect_waterfall(many.bridge, "CNY"),
        waterfall.channel_waterfall(many.bridge, "CNY"),
    ]
    heights = [f.get_size_inches()[1] * f.dpi for f in figures]
    widths = [f.get_size_inches()[0] * f.dpi for f in figures]
    page = sum(len(t) + 1 for t in tables) * ROW_PX + sum(heights)
    assert page < 4500, page  # four or five screens; the old page was about 12,400 px
    assert max(widths) < 2000
    steps = [t.get_text() for t in figures[2].axes[0].get_xticklabels()]
    assert len(steps) == charts.TOP + 2 and steps[-2].startswith("Other (")


def test_the_year_on_year_chart_keeps_the_top_channels():
    table = pd.DataFrame(
        {
            "channel": [f"Channel {c:02d}" for c in range(N_CHANNELS)] + ["Total"],
            "revenue": [*np.linspace(100, 1, N_CHANNELS), 0.0],
            "prior": [*np.linspace(90, 2, N_CHANNELS), 0.0],
        }
    )
    fig = charts.year_on_year(table, "channel", "By channel", "CNY", "2025Q4", "2024Q4")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == charts.TOP and labels[0] == f"Other ({N_CHANNELS - charts.TOP + 1})"
    assert fig.get_size_inches()[1] * fig.dpi < 900


# --- summary.json --------------------------------------------------------------------------------


def test_next_quarter_from_the_forecast_and_the_index_in_numbers(tmp_path):
    forecast = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q2", "2026Q1"],
            "horizon": [1, 2, 1],
            "level": ["total", "total", "channel"],
            "unique_id": ["Total", "Total", "Direct"],
            "mean": [100.0, 110.0, 60.0],
            "lo_80": [80.0, 85.0, 50.0],
            "hi_80": [120.0, 135.0, 70.0],
        }
    )
    write_csv(forecast, tmp_path / "forecast.csv")
    targets = pd.DataFrame(
        {"quarter": ["2026Q1"], "channel": ["Direct"], "target_revenue": [100.0]}
    )
    review = SimpleNamespace(
        quarter=pd.Period("2025Q4", freq="Q-DEC"),
        calendar=CAL,
        dataset=SimpleNamespace(targets=targets),
    )
    ahead = summary.next_quarter(review, tmp_path / "forecast.csv")
    assert ahead == {
        "quarter": "2026Q1", "forecast": 100.0, "lo_80": 80.0, "hi_80": 120.0, "target": 100.0,
        "probability": pytest.approx(0.5),
    }  # fmt: skip
    assert summary.next_quarter(review, tmp_path / "missing.csv") is None

    folder = tmp_path / "reports" / "2025Q4"
    folder.mkdir(parents=True)
    figures = {
        "quarter": "2025Q4", "currency": "CNY", "revenue": 12150.0, "revenue_prior": 9000.0,
        "change": 0.35, "target": 10000.0, "targeted_revenue": 8150.0,
        "untargeted_revenue": 4000.0, "attainment": 0.815, "partial": False,
        "next_quarter": {**ahead, "probability": 0.5}, "text": {"revenue": "¥12.15 k"},
    }  # fmt: skip
    (folder / pages.SUMMARY).write_text(json.dumps(figures), encoding="utf-8")
    landing.write_root_index(tmp_path / "reports")
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    for shown in ("¥12.15 k", "+35.0%", "81.5%", "no forecast was recorded for it"):
        assert f">{shown}</td>" in index

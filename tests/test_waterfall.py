"""Target-miss charts: waterfalls that add up, attainment bars, text as text."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from target_miss_examples import CAL, COVER, HAND_SALES, HAND_TARGETS

from analysis.reports import fonts, waterfall
from analysis.targets.attainment import attainment
from analysis.targets.bridge import bridge


@pytest.fixture(autouse=True)
def _no_show_and_close(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() called"))
    yield
    plt.close("all")


def bars(fig: Figure) -> list[Rectangle]:
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_effect_waterfall_steps_from_target_to_actual():
    result = bridge(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    fig = waterfall.effect_waterfall(result, "CNY")
    assert isinstance(fig, Figure)
    # target, volume, channel mix, product mix, price, returns, targeted sales (growth 0: out);
    # C's 100 sold without a target are named under the chart, not a step
    patches = bars(fig)
    assert len(patches) == 7
    assert patches[0].get_height() == pytest.approx(6490)
    assert patches[-1].get_height() == pytest.approx(5880)
    heights = [p.get_height() for p in patches[1:-1]]
    assert heights == pytest.approx([206.25, 33.75, -820, 20, -50])
    # each step starts where the previous one ended
    assert patches[1].get_y() == pytest.approx(6490)
    assert patches[-2].get_y() + patches[-2].get_height() == pytest.approx(5880)
    assert texts(fig) == ["¥6.49 k", "+¥206", "+¥34", "-¥820", "+¥20", "-¥50", "¥5.88 k"]
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[1:3] == ["Volume", "Channel mix"] and labels[-1] == "Targeted sales"
    assert fig.axes[0].get_xlabel() == "Sold without a target, not in the bridge: C ¥100"
    assert {p.get_hatch() for p in patches[1:-1]} == {"///", "\\\\\\"}


def test_channel_waterfall_names_channels_and_keeps_dollars():
    sales = HAND_SALES.replace({"channel": {"B": "B$2$ 渠道"}})
    targets = HAND_TARGETS.replace({"channel": {"B": "B$2$ 渠道"}})
    result = bridge(sales, targets, "2025Q4", calendar=CAL, coverage=COVER)
    fig = waterfall.channel_waterfall(result, "CNY")
    with warnings.catch_warnings():
        if fonts.cjk_font():  # with a CJK font installed no glyph may be missing
            warnings.simplefilter("error")
        fig.canvas.draw()
    labels = fig.axes[0].get_xticklabels()
    assert [t.get_text() for t in labels] == ["Target", "A", "B$2$ 渠道", "Targeted sales"]
    assert not any(t.get_parse_math() for t in labels)
    assert [p.get_height() for p in bars(fig)][1:-1] == pytest.approx([-1180, 570])


def test_attainment_bars_with_the_100_percent_line():
    result = attainment(HAND_SALES, HAND_TARGETS, "2025Q4", calendar=CAL, coverage=COVER)
    fig = waterfall.attainment_bars(result)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Total", "B", "A"]
    # the total is the targeted sales (5880: C's 100 without a target are not in it)
    assert [p.get_width() for p in bars(fig)] == pytest.approx(
        [5880 / 6490, 2770 / 2200, 3110 / 4290]
    )
    assert texts(fig) == ["90.6%", "125.9%", "72.5%"]
    assert any(line.get_xdata()[0] == 1.0 and line.get_linestyle() == "--" for line in ax.lines)
    assert "No target: C" in ax.get_xlabel()

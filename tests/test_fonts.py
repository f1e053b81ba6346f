"""Chart fonts: the CJK fallback found by family or by file, and set as the sans-serif's backup."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.reports import charts, fonts, style, waterfall
from analysis.reports.fan import fan_chart

_DAYS = pd.date_range("2024-01-01", periods=4, freq="QS")
CHARTS = {
    "stacked": lambda: charts.stacked_trend(
        pd.DataFrame({"东区": [1.0, 2.0]}, index=["2025Q1", "2025Q2"]), "t", "CNY"
    ),
    "bars": lambda: charts.revenue_bars(["2025Q1", "2025Q2"], [1.0, 2.0], {}, "CNY"),
    "year_on_year": lambda: charts.year_on_year(
        pd.DataFrame({"channel": ["线上"], "revenue": [2.0], "prior": [1.0]}),
        "channel", "t", "CNY", "2025Q4", "2024Q4",
    ),
    "fan": lambda: fan_chart(
        pd.DataFrame({"unique_id": "线上", "ds": _DAYS, "y": [1.0, 2.0, 3.0, 4.0]}),
        pd.DataFrame({"unique_id": "线上", "ds": [pd.Timestamp("2025-01-01")], "mean": [5.0],
                      "lo-80": [4.0], "hi-80": [6.0]}),
    ),
    "waterfall": lambda: waterfall.waterfall(
        ("Target", 10.0), [("线上", -1.0)], ("Sales", 9.0), title="t", currency="CNY"
    ),
}  # fmt: skip


def test_pick_cjk_family_prefers_simplified_chinese_sans():
    names = ["DejaVu Sans", "Noto Serif CJK SC", "Noto Sans CJK JP", "Noto Sans CJK SC"]
    assert fonts.pick_cjk_family(names) == "Noto Sans CJK SC"
    assert fonts.pick_cjk_family(["DejaVu Sans", "WenQuanYi Zen Hei"]) == "WenQuanYi Zen Hei"
    assert fonts.pick_cjk_family(["DejaVu Sans", "Some CJK Font"]) == "Some CJK Font"
    assert fonts.pick_cjk_family(["DejaVu Sans", "Liberation Sans"]) is None


def test_cjk_font_files_by_name():
    paths = [
        "/fonts/DejaVuSans.ttf",
        "/fonts/NotoSerifCJK-Regular.ttc",
        "/fonts/NotoSansCJK-Bold.ttc",
        "/fonts/NotoSansCJK-Regular.ttc",
        "/fonts/wqy-zenhei.ttc",
    ]
    assert fonts.cjk_font_files(paths) == [
        "/fonts/NotoSansCJK-Regular.ttc",
        "/fonts/wqy-zenhei.ttc",
        "/fonts/NotoSansCJK-Bold.ttc",
        "/fonts/NotoSerifCJK-Regular.ttc",
    ]


def test_find_cjk_font_falls_back_to_files_and_reports_none():
    def refuse(path):
        raise AssertionError("a known family must not register files")

    found = fonts.find_cjk_font(["Noto Sans CJK SC"], ["/f/NotoSansCJK.ttc"], refuse)
    assert found == "Noto Sans CJK SC"
    registered = []

    def register(path):
        registered.append(path)
        return None if "Serif" in path else "Noto Sans CJK JP"

    files = ["/f/NotoSerifCJK.ttc", "/f/NotoSansCJK.ttc", "/f/DejaVuSans.ttf"]
    assert fonts.find_cjk_font(["DejaVu Sans"], files, register) == "Noto Sans CJK JP"
    assert registered == ["/f/NotoSansCJK.ttc", "/f/NotoSerifCJK.ttc"]
    assert fonts.find_cjk_font(["DejaVu Sans"], ["/f/NotoSerifCJK.ttc"], register) is None
    assert fonts.find_cjk_font(["DejaVu Sans"], [], register) is None


def test_the_report_style_keeps_dollars_as_text_and_adds_the_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Fake CJK")
    with matplotlib.rc_context():
        assert style.use() == "Fake CJK"
        assert matplotlib.rcParams["text.parse_math"] is False
        assert matplotlib.rcParams["font.family"] == ["sans-serif", "Fake CJK"]
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with matplotlib.rc_context():
        assert style.use() is None
        assert matplotlib.rcParams["font.family"] == ["sans-serif"]


@pytest.mark.parametrize("draw", sorted(CHARTS))
def test_every_report_chart_takes_the_report_style(monkeypatch, draw):
    """Each chart function applies the style itself: Chinese names never depend on a notebook
    having called it first."""
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Fake CJK")
    with matplotlib.rc_context({"font.family": ["serif"], "text.parse_math": True}):
        CHARTS[draw]()
        assert matplotlib.rcParams["font.family"] == ["sans-serif", "Fake CJK"]
        assert matplotlib.rcParams["text.parse_math"] is False
    plt.close("all")

"""Chart fonts: the CJK fallback found by family or by file, and set as the sans-serif's backup."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from analysis.reports import charts, fonts


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


def test_use_style_keeps_dollars_as_text_and_adds_the_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Fake CJK")
    with matplotlib.rc_context():
        assert fonts.use_style() == "Fake CJK"
        assert matplotlib.rcParams["text.parse_math"] is False
        assert matplotlib.rcParams["font.family"] == ["sans-serif", "Fake CJK"]
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with matplotlib.rc_context():
        assert fonts.use_style() is None
        assert matplotlib.rcParams["font.family"] == ["sans-serif"]


def test_every_report_chart_style_has_the_cjk_fallback(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Fake CJK")
    with matplotlib.rc_context():
        assert charts.use_report_style() == "Fake CJK"
        assert matplotlib.rcParams["font.family"] == ["sans-serif", "Fake CJK"]
        assert matplotlib.rcParams["text.parse_math"] is False

"""Money and percentage formatting; text from the data stays text."""

from __future__ import annotations

import math
import re

import pandas as pd

from analysis.reports import present


def test_money():
    assert present.money(1234567.4, "CNY") == "¥1,234,567"
    assert present.money(-2_345_678, "CNY", short=True) == "-¥2.35 M"
    assert present.money(950, "USD", short=True) == "$950"
    assert present.money(12_500, "CHF", short=True) == "CHF 12.50 k"
    assert present.money(math.nan, "CNY") == "–"


def test_percent():
    assert present.percent(0.0456) == "4.6%"
    assert present.percent(-0.0456, signed=True) == "-4.6%"
    assert present.percent(0.1, signed=True) == "+10.0%"


def test_table_escapes_names_from_the_data():
    frame = pd.DataFrame({"channel": ["<script>alert(1)</script>", "A & B"], "revenue": [1.0, 2.0]})
    out = present.table(frame, "CNY", money_columns=["revenue"]).to_html()
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "A &amp; B" in out
    assert "¥2" in out


def test_paragraph_escapes():
    assert (
        present.paragraph("Sales of <b> & co")
        == "<p class='summary'>Sales of &lt;b&gt; &amp; co</p>"
    )


def test_counts_get_thousands_separators_and_numbers_do_not_wrap():
    frame = pd.DataFrame({"channel": ["A"], "units": [12344.0], "weight": [2.5], "target": [-1e6]})
    out = present.table(frame, "CNY", money_columns=["target"]).to_html()
    assert "12,344<" in out and "2.50<" in out and "-¥1,000,000" in out
    # numbers carry the class the stylesheet keeps on one line and right-aligned; no per-cell CSS
    assert re.search(r'<td class="[^"]*col1 num[^"]*" >12,344<', out)
    assert "row0_col1" not in out
    assert present.count(float("nan")) == "–"

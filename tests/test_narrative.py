"""Narrative: sentences for missed and beaten quarters, and every number found in the tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from target_miss_examples import CAL, COVER, HAND_SALES, HAND_TARGETS

from analysis.data.load import load
from analysis.data.series import Coverage
from analysis.reports import present
from analysis.reports.narrative import narrative
from analysis.targets.attainment import attainment
from analysis.targets.bridge import bridge
from analysis.targets.drilldown import drilldown

MONEY = re.compile(r"[+-]?¥\d{1,3}(?:,\d{3})*(?:\.\d+)?(?: [kMB])?")
PERCENT = re.compile(r"-?\d+(?:\.\d+)?%")


def explain(sales, targets, *, baseline="target", coverage=COVER):
    common = {"calendar": CAL, "coverage": coverage}
    parts = (
        attainment(sales, targets, "2025Q4", **common),
        bridge(sales, targets, "2025Q4", baseline=baseline, **common),
        drilldown(sales, targets, "2025Q4", **common),
    )
    return parts, narrative(*parts, "CNY")


def table_numbers(parts) -> set[str]:
    """Every money and percentage string the tables' cells can be formatted as."""
    shown = set()
    for frame in (parts[0].table, parts[1].table, parts[2].table):
        for col in frame.select_dtypes("number").columns:
            for value in frame[col].dropna().astype("float64"):
                for v in (value, -value):
                    text = present.money(v, "CNY", short=True)
                    shown |= {text, "+" + text}
                shown.add(present.percent(value))
    return shown


def assert_numbers_from_tables(text: str, parts) -> int:
    found = MONEY.findall(text) + PERCENT.findall(text)
    shown = table_numbers(parts)
    assert [t for t in found if t not in shown] == []
    return len(found)


def test_missed_quarter_in_words():
    parts, text = explain(HAND_SALES, HAND_TARGETS)
    # C's 100 have no target: the targeted 5880 against 6490 miss by 610; C is shown apart
    assert text.startswith(
        "Sales with a target in 2025Q4 were ¥5.88 k against a target of ¥6.49 k (90.6%), a "
        "shortfall of ¥610. With ¥100 sold without a target, shown apart, revenue was ¥5.98 k."
    )
    assert "Units reached 105.2% of the unit target." in text  # 325 of 309 (C's 5 not counted)
    # A explains -1180 of the -610; its largest effect the same way is product mix (-900);
    # its worst region is West (-1540)
    assert (
        "A, at 72.5% of its target, explains ¥1.18 k of the ¥610 shortfall, mostly a weaker "
        "product mix (¥900), above all in West (¥1.54 k)." in text
    )
    assert "Against that, B beat its target by ¥570." in text
    assert "C sold ¥100 without a target." in text
    assert "sales without target" not in text  # not one of the company's effects
    assert "volume +¥206, channel mix +¥34, product mix -¥820" in text
    assert assert_numbers_from_tables(text, parts) >= 12


def test_beaten_quarter_and_fallback_baseline():
    targets = HAND_TARGETS.assign(target_revenue=[3000.0, 2000.0, 1.0])
    parts, text = explain(HAND_SALES, targets.assign(target_quantity=np.nan))
    assert "they beat the target by ¥880." in text  # 5880 - 5000; C's 100 apart
    assert "by which the target was beaten" in text
    assert "Meanwhile" not in text  # both targeted channels beat theirs
    assert "A and B had no unit target, so their bridge compares with 2024Q4" in text
    assert "growth asked by the target" in text
    assert_numbers_from_tables(text, parts)


def test_prior_year_baseline_and_partial_quarter():
    partial = Coverage(first=pd.Timestamp("2024-10-01"), last=pd.Timestamp("2025-11-30"))
    parts, text = explain(HAND_SALES, HAND_TARGETS, baseline="prior_year", coverage=partial)
    assert text.startswith("Note: 2025Q4 is only partly covered by the data")
    # the target asked for 6490 - 5900 = 590 more than 2024Q4
    assert "the target asked for ¥590 more than 2024Q4" in text
    assert_numbers_from_tables(text, parts)


def test_no_target_at_all():
    _, text = explain(HAND_SALES, None)
    assert text == "Revenue in 2025Q4 was ¥5.98 k; no target was set."


@pytest.fixture(scope="module")
def sample():
    return load()


@pytest.mark.parametrize(("quarter", "word"), [("2025Q4", "shortfall"), ("2025Q3", "beat")])
def test_sample_narrative(sample, quarter, word):
    common = {"calendar": sample.config.calendar}
    parts = (
        attainment(sample.sales, sample.targets, quarter, **common),
        bridge(sample.sales, sample.targets, quarter, **common),
        drilldown(sample.sales, sample.targets, quarter, **common),
    )
    text = narrative(*parts, sample.config.currency)
    assert word in text.split(". ")[0]
    if quarter == "2025Q4":
        assert "(95.4%)" in text
        assert "Export, at 71.0% of its target, explains ¥1.01 M" in text
        assert "mostly lower volume" in text and "above all in Overseas" in text
    assert assert_numbers_from_tables(text, parts) >= 15

"""The nowcast replayed on every past quarter, beside the run rate and the plain quarterly forecast.

    PYTHONPATH=src python benchmarks/nowcast_backtest.py

Two companies: the bundled sample (targets from its targets.csv, channel rows) and a second
generated one with another seasonality (``benchmarks/nowcast_company.py``: its year peaks in the
middle, each quarter in its third month). Every complete quarter with three years of quarters
before it is replayed at days 15, 30, 45, 60 and 75, the nowcaster fitted on the days up to each
as-of date only. Per day: MAPE of the landing estimates (channels; the company total), the ratio
of the nowcast's MAPE to the run rate's (goal at day 45: at most 0.5), the coverage of the 80 %
and 95 % intervals (goal: 75-85 % at 80 %) and the Brier score of the probabilities of the
channel targets (BENCHMARKS.md, "Nowcast").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nowcast_company import generate

from analysis.core.quarters import FiscalCalendar
from analysis.forecasting.nowcast import TOTAL, daily
from analysis.forecasting.nowcast_backtest import DAYS, accuracy_at, backtest


def table(frame: pd.DataFrame) -> list[str]:
    """The Markdown rows of one company's backtest."""
    lines = [
        "| day | MAPE nowcast / run rate / quarterly (channels) | ratio to run rate "
        "| MAPE nowcast / run rate / quarterly (total) | ratio | coverage 80 / 95 % (channels) "
        "| coverage 80 / 95 % (total) | Brier (targets) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for day in DAYS:
        ch, tot = accuracy_at(frame, day), accuracy_at(frame, day, TOTAL)
        m, t = ch["mape"], tot["mape"]
        brier = f"{ch['brier']:.3f} ({ch['targets']})" if ch["targets"] else "-"
        lines.append(
            f"| {day} | {m['nowcast']:.1f} / {m['run_rate']:.1f} / {m['quarterly']:.1f} "
            f"| {m['nowcast'] / m['run_rate']:.2f} "
            f"| {t['nowcast']:.1f} / {t['run_rate']:.1f} / {t['quarterly']:.1f} "
            f"| {t['nowcast'] / t['run_rate']:.2f} "
            f"| {ch['coverage_80']:.0%} / {ch['coverage_95']:.0%} "
            f"| {tot['coverage_80']:.0%} / {tot['coverage_95']:.0%} | {brier} |"
        )
    return lines


def main() -> None:
    """Both companies' backtests as Markdown tables, with their run times."""
    from analysis.data.load import load

    dataset = load()
    other, other_targets = generate()
    companies = (
        ("sample", daily(dataset.sales), dataset.config.calendar, dataset.targets),
        ("second company", other, FiscalCalendar(), other_targets),
    )
    for name, frame, calendar, targets in companies:
        start = time.perf_counter()
        scores = backtest(frame, calendar, targets=targets)
        seconds = time.perf_counter() - start
        quarters = scores["quarter"].nunique()
        channels = scores.loc[scores["channel"] != TOTAL, "channel"].nunique()
        print(f"\n{name}: {quarters} quarters replayed, {channels} channels, {seconds:.0f} s\n")
        print("\n".join(table(scores)))


if __name__ == "__main__":
    main()

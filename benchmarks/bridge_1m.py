"""Time the target-miss decomposition on one quarter of 1 million synthetic order lines.

    python benchmarks/bridge_1m.py [--lines 1000000] [--repeats 5]

The lines are synthesised here (nothing is written to disk): 1 million lines in the reviewed
quarter (2025Q4) and as many in the baseline quarter a year earlier (2024Q4), with the sample
company's shape scaled up: 12 channels, 8 regions, 4 product lines of 4 products each, about 4 %
return lines (negative quantity and revenue), revenue in cents. Targets are per channel with units,
one channel has none. Prints the median (and min/max) of several repeats of each step; the
``bridge`` lines are the decomposition itself, ``analyse`` adds attainment (quarter and year to
date), drill-down, tree and narrative.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage
from analysis.reports.target_miss import analyse
from analysis.targets.attainment import attainment
from analysis.targets.bridge import bridge
from analysis.targets.drilldown import drilldown

CALENDAR = FiscalCalendar()


def synthesise(lines: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``lines`` order lines in 2025Q4 and as many in 2024Q4, and per-channel 2025Q4 targets."""
    rng = np.random.default_rng(seed)
    channels = np.array([f"Channel {i:02d}" for i in range(12)], dtype=object)
    regions = np.array([f"Region {i}" for i in range(8)], dtype=object)
    lines_ = np.array([f"Line {i}" for i in range(4)], dtype=object)
    parts = []
    for start, growth in (("2024-10-01", 1.0), ("2025-10-01", 1.04)):
        days = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, 92, lines), unit="D")
        channel = rng.integers(0, len(channels), lines)
        product = rng.integers(0, 16, lines)
        quantity = rng.negative_binomial(2, 0.1, lines) + 1.0
        price = (100 + 40 * product) * (0.7 + 0.05 * channel) * growth
        price = np.round(price * rng.normal(1, 0.03, lines), 2)
        returned = rng.random(lines) < 0.04
        quantity = np.where(returned, -np.ceil(quantity / 3), quantity)
        parts.append(
            pd.DataFrame(
                {
                    "date": days,
                    "channel": channels[channel],
                    "region": regions[rng.integers(0, len(regions), lines)],
                    "product_line": lines_[product // 4],
                    "product": np.char.add("Product ", (product).astype(str)).astype(object),
                    "customer": "Customer",
                    "quantity": quantity,
                    "revenue": np.round(quantity * price, 2),
                }
            )
        )
    sales = pd.concat(parts, ignore_index=True)
    base = sales.loc[sales["date"] < "2025-01-01"]
    prior = base.groupby("channel").agg(revenue=("revenue", "sum"), quantity=("quantity", "sum"))
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": prior.index,
            "target_revenue": np.round(prior["revenue"].to_numpy() * 1.08, 2),
            "target_quantity": np.round(prior["quantity"].to_numpy() * 1.05),
        }
    ).iloc[:-1]  # the last channel sells without a target
    return sales, targets


def timed(step, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines per quarter")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sales, targets = synthesise(args.lines)
    coverage = Coverage.of(sales, CALENDAR)
    common = {"calendar": CALENDAR, "coverage": coverage}
    steps = {
        "bridge (target)": lambda: bridge(sales, targets, "2025Q4", **common),
        "bridge (prior_year)": lambda: bridge(
            sales, targets, "2025Q4", baseline="prior_year", **common
        ),
        "attainment": lambda: attainment(sales, targets, "2025Q4", **common),
        "drilldown + tree": lambda: drilldown(sales, targets, "2025Q4", **common),
        "analyse (everything)": lambda: analyse(sales, targets, "2025Q4", **common),
    }
    print(
        f"{args.lines:,} lines in 2025Q4 + {args.lines:,} in 2024Q4; "
        f"{args.repeats} repeats; nproc {os.cpu_count()}; Python {platform.python_version()}; "
        f"pandas {pd.__version__}; numpy {np.__version__}"
    )
    for name, step in steps.items():
        times = timed(step, args.repeats)
        print(
            f"{name:<22} median {statistics.median(times):6.2f} s  "
            f"(min {min(times):.2f}, max {max(times):.2f})"
        )
    check = bridge(sales, targets, "2025Q4", **common).reconciliation()
    if (check["difference"] != 0).any():
        sys.exit("channel rows do not add up to the total")


if __name__ == "__main__":
    main()

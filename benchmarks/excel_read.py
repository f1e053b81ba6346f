"""A large .xlsx of sales lines read by calamine and by openpyxl (both through
``pandas.read_excel``) and by the loader (``read_table``: calamine's rows straight into a frame),
side by side in one run, then ``sales-report check`` on it end to end.

    python benchmarks/excel_read.py --lines 500000 [--repeats 3]

The workbook has the sample company's sales lines in 8 columns (date, channel, region, product
line, product, customer, quantity, net amount), made by the sample generator and written once to
``benchmarks/.data/excel-<lines>/`` (not committed) with a configuration beside it. Each reader runs
in a fresh Python process, which reports its own wall time (imports excluded) and peak memory
(VmHWM); the check is timed as a user runs it, start-up included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "order_date", "channel", "region", "product_line", "product", "customer", "quantity",
    "net_amount",
]  # fmt: skip
CONFIG = """sales:
  path: lines.xlsx
  columns: {date: order_date, revenue: net_amount}
"""

MEASURE = """
import sys, time, json
from pathlib import Path
import pandas as pd
from analysis.data.config import SourceConfig
from analysis.data.sources import read_table
start = time.perf_counter()
if sys.argv[2] == "loader":
    rows = len(read_table(SourceConfig(path=Path(sys.argv[1]))).frame)
else:
    rows = len(pd.read_excel(sys.argv[1], engine=sys.argv[2], header=None, dtype=object,
                             keep_default_na=False, na_values=[])) - 1  # less the header
seconds = time.perf_counter() - start
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))
"""


def make_data(folder: Path, lines: int) -> Path:
    """The workbook of ``lines`` sales lines and its configuration (made once)."""
    import openpyxl

    from analysis.data.sample import generate

    config = folder / "config.yaml"
    if config.exists():
        return config
    folder.mkdir(parents=True, exist_ok=True)
    sales = generate(seed=1, scale=lines / 45_000).sales.head(lines)
    if len(sales) < lines:
        raise SystemExit(f"the generator made {len(sales):,} lines, fewer than {lines:,}")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sales")
    sheet.append(COLUMNS)
    table = sales[COLUMNS].astype(object)  # Timestamps are datetimes: date cells
    for row in table.itertuples(index=False):
        sheet.append(list(row))
    book.save(folder / "lines.xlsx")
    config.write_text(CONFIG, encoding="utf-8")
    return config


def measure(path: Path, engine: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def check(config: Path) -> tuple[float, str]:
    """``sales-report check --config`` as a user runs it: wall seconds and its first line."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "check", "--config", str(config)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, out.stdout.splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    args = parser.parse_args(argv)

    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    )
    config = make_data(args.data / f"excel-{args.lines}", args.lines)
    workbook = config.parent / "lines.xlsx"
    print(f"workbook: {workbook.stat().st_size / 2**20:.1f} MiB")
    results: dict[str, list[dict[str, float]]] = {"loader": [], "calamine": [], "openpyxl": []}
    for _ in range(args.repeats):
        for engine in results:
            results[engine].append(measure(workbook, engine))
            print(f"  {engine}:", results[engine][-1], flush=True)
    medians = {}
    for engine, runs in results.items():
        seconds = sorted(r["seconds"] for r in runs)
        medians[engine] = seconds[len(seconds) // 2]
        print(
            f"{engine}: {runs[0]['rows']:,} lines, median {medians[engine]:.2f} s "
            f"(min {seconds[0]:.2f}, max {seconds[-1]:.2f}), "
            f"peak {max(r['peak_mb'] for r in runs):,.0f} MB"
        )
    print(
        f"openpyxl / calamine: {medians['openpyxl'] / medians['calamine']:.1f}; "
        f"openpyxl / loader: {medians['openpyxl'] / medians['loader']:.1f}"
    )
    for _ in range(args.repeats):
        seconds, first = check(config)
        print(f"sales-report check: {seconds:.1f} s wall ({first})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

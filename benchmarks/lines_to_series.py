"""Order lines in Parquet -> quarterly totals by channel x region x product line: summed inside
DuckDB (``analysis.data.pushdown``) against the plain pandas path (read every line, ``clean_sales``,
``series.totals``), side by side on the same files in one run.

    python benchmarks/lines_to_series.py --lines 10000000 [--repeats 3] [--skip-pandas]
    python benchmarks/lines_to_series.py --lines 1000000 --run   # also the whole sales-report run

The data are made by the sample generator (``analysis.data.sample``), one seed per file of about a
million lines (``--scale 21.5`` of the bundled company; targets summed over the seeds), and kept
in ``benchmarks/.data/`` (not committed) for the next run. Each measurement runs in a fresh Python
process, which reports its own wall time (imports excluded) and peak memory (VmHWM).
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
SCALE = 21.5  # about 1.02 million lines per seed
BY = ["channel", "region", "product_line"]

MEASURE = """
import json, sys, time
from analysis.data import pushdown, series
from analysis.data.config import load_config
from analysis.data.sources import read_table
from analysis.data.validate import clean_sales

config, by = load_config(sys.argv[1]), sys.argv[3].split(",")
start = time.perf_counter()
if sys.argv[2] == "engine":
    pushed = pushdown.totals(config.sales, config.calendar, by)
    rows, groups = pushed.report.rows_read, len(pushed.totals)
else:
    loaded = clean_sales(read_table(config.sales), config.sales.columns)
    summed = series.totals(loaded.data, config.calendar, by)
    rows, groups = loaded.report.rows_read, len(summed)
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would carry over the parent's across exec)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"rows": rows, "groups": groups, "seconds": seconds, "peak_mb": peak}))
"""


def make_data(folder: Path, lines: int) -> Path:
    """A folder of Parquet files with at least ``lines`` lines (whole seeds), and a config."""
    import pandas as pd

    from analysis.data.sample import CONFIG_YAML, generate

    done = folder / "config.yaml"
    if done.exists():
        return done
    (folder / "lines").mkdir(parents=True, exist_ok=True)
    written, seed, targets = 0, 1, []
    while written < lines:
        data = generate(seed=seed, scale=SCALE)
        data.sales.to_parquet(folder / "lines" / f"part-{seed:03d}.parquet", index=False)
        written += len(data.sales)
        targets.append(data.targets)
        print(f"  {folder.name}: {written:,} lines", flush=True)
        seed += 1
    summed = pd.concat(targets).groupby(["quarter", "channel"], sort=False).sum().reset_index()
    summed.to_csv(folder / "targets.csv", index=False, float_format="%.2f")
    done.write_text(CONFIG_YAML.replace("sales_lines.csv", "lines/*.parquet"), encoding="utf-8")
    return done


def measure(config: Path, path: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(config), path, ",".join(BY)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(next(x for x in reversed(out.stdout.splitlines()) if x.startswith("{")))


def run_report(config: Path, folder: Path) -> dict[str, float]:
    """The whole ``sales-report run --quarter latest`` on these lines, as a user runs it."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "analysis.cli", "run", "--quarter", "latest", "--config",
         str(config), "--out", str(folder / "reports")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return {"seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--run", action="store_true", help="also time sales-report run")
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    args = parser.parse_args(argv)

    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    )
    folder = args.data / f"lines-{args.lines}"
    config = make_data(folder, args.lines)
    results: dict[str, list[dict[str, float]]] = {"engine": [], "pandas": []}
    for _ in range(args.repeats):
        results["engine"].append(measure(config, "engine"))
        print("  engine:", results["engine"][-1], flush=True)
        if not args.skip_pandas and len(results["pandas"]) < 1:
            results["pandas"].append(measure(config, "pandas"))  # once: it is the slow one
            print("  pandas:", results["pandas"][-1], flush=True)
    engine = sorted(r["seconds"] for r in results["engine"])
    median = engine[len(engine) // 2]
    line = (
        f"\n{results['engine'][0]['rows']:,} lines -> {results['engine'][0]['groups']:,} "
        f"quarterly totals: engine median {median:.2f} s (min {engine[0]:.2f}, "
        f"max {engine[-1]:.2f}), "
        f"peak {max(r['peak_mb'] for r in results['engine']):,.0f} MB"
    )
    if results["pandas"]:
        pandas = results["pandas"][0]
        line += (
            f"; pandas {pandas['seconds']:.2f} s, peak {pandas['peak_mb']:,.0f} MB "
            f"({pandas['seconds'] / median:.1f} times the engine's time)"
        )
    print(line)
    if args.run:
        print(
            f"sales-report run --quarter latest: {run_report(config, folder)['seconds']:.1f} s wall"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

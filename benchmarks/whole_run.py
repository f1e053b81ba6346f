"""Benchmark: ``sales-report run`` of this tree against an earlier one, side by side.

The machine is shared and noisy, so the two trees run alternately in the same session (before,
after, before, after, ...) on the same data, each in a fresh process with its own output folder,
and the comparison is the ratio of their median wall times. ``--before`` is a checkout of the
earlier version (e.g. ``git worktree add ../before <commit>``); both run with this environment's
packages.

    python benchmarks/whole_run.py --before ../before --repeats 3
    python benchmarks/whole_run.py --before ../before \
        --config benchmarks/.data/lines-1000000/config.yaml
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent


def run_once(tree: Path, quarter: str, config: Path | None, out: Path) -> float:
    """Wall seconds of one ``sales-report run`` with the package of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "analysis.cli", "run", "--quarter", quarter, "--out", str(out)]
    if config is not None:
        command += ["--config", str(config)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{tree.name}: run failed: {done.stderr.strip().splitlines()[-1]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the earlier tree")
    parser.add_argument("--config", type=Path, default=None, help="default: the bundled sample")
    parser.add_argument("--quarter", default="2025Q4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    trees = {"before": args.before.resolve(), "after": PROJECT}
    config = args.config.resolve() if args.config else None
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.machine()}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in trees}
    work = Path(tempfile.mkdtemp(prefix="whole-run-"))
    try:
        for i in range(args.repeats):
            for name, tree in trees.items():
                out = work / f"{name}-{i}"
                times[name].append(run_once(tree, args.quarter, config, out))
                print(f"  {name} {i + 1}: {times[name][-1]:.1f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in times.items()}
    spread = {name: f"{min(v):.1f}-{max(v):.1f}" for name, v in times.items()}
    print(
        f"\nbefore {median['before']:.1f} s ({spread['before']}), "
        f"after {median['after']:.1f} s ({spread['after']}): "
        f"after / before = {median['after'] / median['before']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

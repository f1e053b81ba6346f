"""Do the calibrated intervals hold off the data they were calibrated on? M3 quarterly by category.

    python benchmarks/m3_coverage.py [--data DIR] [--jobs 2] [--json OUT]

The forecaster calibrates its intervals on its own input: refits from rolling origins inside the
training part (``analysis.forecasting.calibration``). Its forecasts of the test part (the last 8
quarters of each series, which neither the fit nor the calibration sees) are scored here:

- **each category as its own input**: MICRO, INDUSTRY, MACRO, FINANCE and DEMOGRAPHIC (57 to 336
  series each) forecast and calibrated apart, as a company's own series are: the calibration
  never sees another category, nor the quarters it is scored on;
- **all 756 series as one input**: one calibration for all, its coverage broken down by category.

Per row: series, sMAPE, MASE, OWA against Naive2 (of the same series) and the share of test
quarters inside the 80 % and 95 % intervals. The data are read where they lie (``--data``,
default ``../shared/benchmarks`` beside the project, or ``$M3_QUARTERLY_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import pandas as pd

from analysis.forecasting import accuracy
from analysis.forecasting.backends import for_jobs
from analysis.forecasting.forecaster import Forecaster, naive2

H = 8
SEASON = 4
LEVELS = (80, 95)
CATEGORIES = ("MICRO", "INDUSTRY", "MACRO", "FINANCE", "DEMOGRAPHIC")


def scores(fc: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Per series: sMAPE, MASE, coverage of the forecaster; sMAPE and MASE of Naive2."""
    per = accuracy.score(fc, test, train, season_length=SEASON, level=LEVELS)
    bench = accuracy.score(
        naive2(train, H, season_length=SEASON), test, train, season_length=SEASON, level=()
    )
    bench = bench[["unique_id", "smape", "mase"]].rename(
        columns={"smape": "smape_naive2", "mase": "mase_naive2"}
    )
    return per.merge(bench, on="unique_id")


def summary(per: pd.DataFrame) -> dict[str, float]:
    out = accuracy.overall(per)
    naive = accuracy.overall(
        per[["unique_id", "n", "smape_naive2", "mase_naive2"]].rename(
            columns={"smape_naive2": "smape", "mase_naive2": "mase"}
        )
    )
    return {
        "series": len(per),
        "smape": out["smape"],
        "mase": out["mase"],
        "owa": accuracy.owa(out["smape"], out["mase"], naive["smape"], naive["mase"]),
        **{f"coverage-{lev}": out[f"coverage-{lev}"] for lev in LEVELS},
    }


def run(train: pd.DataFrame, test: pd.DataFrame, jobs: int) -> tuple[pd.DataFrame, str, float]:
    start = time.perf_counter()
    model = Forecaster(H, LEVELS, SEASON, backend=for_jobs(jobs), progress=False).fit(train)
    per = scores(model.forecast(), train, test)
    return per, model.calibration.describe(), time.perf_counter() - start


def row(label: str, s: dict[str, float]) -> str:
    return (
        f"| {label} | {s['series']} | {s['smape']:.3f} | {s['mase']:.3f} | {s['owa']:.3f} "
        f"| {s['coverage-80']:.1%} | {s['coverage-95']:.1%} |"
    )


def main() -> None:
    default = Path(
        os.environ.get(
            "M3_QUARTERLY_DIR", Path(__file__).resolve().parents[2] / "shared/benchmarks"
        )
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    data = pd.read_csv(args.data / "m3_quarterly.csv")
    data["ds"] = pd.to_datetime(data["ds"])
    meta = pd.read_csv(args.data / "m3_quarterly_meta.csv").set_index("unique_id")["category"]
    train = data.loc[data["split"] == "train", ["unique_id", "ds", "y"]]
    test = data.loc[data["split"] == "test", ["unique_id", "ds", "y"]]
    header = [
        "| input | series | sMAPE | MASE | OWA | coverage 80 % | coverage 95 % |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    result: dict[str, dict] = {"own_input": {}, "one_input": {}}
    lines = ["Each category as its own input (calibrated on itself):", *header]
    pooled = []
    for category in CATEGORIES:
        ids = meta.index[meta == category]
        per, how, seconds = run(train[train["unique_id"].isin(ids)], test, args.jobs)
        pooled.append(per)
        s = summary(per) | {"intervals": how, "seconds": seconds}
        result["own_input"][category] = s
        lines.append(row(f"{category} ({how}; {seconds:.1f} s)", s))
    together = summary(pd.concat(pooled, ignore_index=True))
    result["own_input"]["all five"] = together
    lines.append(row("the five together", together))

    per, how, seconds = run(train, test, args.jobs)
    per["category"] = per["unique_id"].map(meta)
    lines += ["", f"All 756 series as one input ({how}; {seconds:.1f} s):", *header]
    for category in CATEGORIES:
        s = summary(per.loc[per["category"] == category])
        result["one_input"][category] = s
        lines.append(row(category, s))
    s = summary(per)
    result["one_input"]["all"] = s | {"intervals": how, "seconds": seconds}
    lines.append(row("all", s))
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

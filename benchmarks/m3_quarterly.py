"""M3 quarterly benchmark: the default forecaster against Naive2, its members and the median of
AutoETS, AutoARIMA, AutoTheta and AutoCES, side by side in one run.

    python benchmarks/m3_quarterly.py [--data DIR] [--jobs 2] [--skip-arima] [--json OUT]

The data are read where they lie (``--data``, default ``../shared/benchmarks`` beside the project,
or ``$M3_QUARTERLY_DIR``): ``m3_quarterly.csv`` (756 series, ``split`` train/test, horizon 8) and
``m3_quarterly_meta.csv`` (category per series). Protocol of the data's README: fit on the
training part, forecast 8 quarters, sMAPE and MASE (lag 4) per series averaged over series,
OWA against Naive2.

First the whole ``evaluate`` command is timed as a user runs it (a fresh process: start-up,
reading, forecasting with calibrated intervals, Naive2, scoring). Then every method runs in this
process with the same number of worker processes, so their seconds compare as ratios. AutoARIMA
takes several minutes; ``--skip-arima`` leaves it and the four-model median out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.forecasting import accuracy, members, pooled
from analysis.forecasting.backends import Backend, for_jobs
from analysis.forecasting.forecaster import COMBINATION, forecast, naive2

H = 8
SEASON = 4


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"nproc": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version()}
    for package in ("statsforecast", "statsmodels", "hierarchicalforecast", "pandas", "numpy"):
        try:
            info[package] = version(package)
        except Exception:
            info[package] = "not installed"
    return info


def time_command(data: Path, jobs: int) -> tuple[float, dict]:
    """Wall seconds of the evaluate command in a fresh process, and its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "evaluate.json"
        args = [
            "--series",
            str(data / "m3_quarterly.csv"),
            "--horizon",
            str(H),
            "--season-length",
            str(SEASON),
            "--jobs",
            str(jobs),
            "--json",
            str(out),
        ]
        cli = shutil.which("sales-report")
        command = [sys.executable, "-m", "analysis.forecasting.evaluate", *args]
        if cli:
            probe = subprocess.run([cli, "evaluate", "--help"], capture_output=True)
            if probe.returncode == 0:
                command = [cli, "evaluate", *args]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - start
        return wall, json.loads(out.read_text())


def statsforecast_models(arima: bool) -> dict[str, object]:
    from statsforecast.models import AutoARIMA, AutoCES, AutoETS, AutoTheta

    models = {
        "AutoETS": AutoETS(season_length=SEASON),
        "AutoTheta": AutoTheta(season_length=SEASON),
        "AutoCES": AutoCES(season_length=SEASON),
    }
    if arima:
        models["AutoARIMA"] = AutoARIMA(season_length=SEASON)
    return models


def run_statsforecast(model: object, train: pd.DataFrame, jobs: int) -> pd.DataFrame:
    from statsforecast import StatsForecast

    sf = StatsForecast(models=[model], freq="QS", n_jobs=jobs)
    out = sf.forecast(df=train, h=H)
    out = out.reset_index() if "unique_id" not in out.columns else out
    name = next(c for c in out.columns if c not in ("unique_id", "ds"))
    return out.rename(columns={name: "mean"})[["unique_id", "ds", "mean"]]


def run_member(member: members.Member, train: pd.DataFrame, backend: Backend) -> pd.DataFrame:
    """One member of the default combination, fitted exactly as inside it (points only; the
    pooled member switched off by asking for more windows than there are). The forked worker
    processes inherit the replaced members."""
    saved = members.MEMBERS, pooled.MIN_GLOBAL_WINDOWS
    members.MEMBERS, pooled.MIN_GLOBAL_WINDOWS = (member,), 10**12
    try:
        return forecast(train, H, level=None, calibrate=False, backend=backend)
    finally:
        members.MEMBERS, pooled.MIN_GLOBAL_WINDOWS = saved


def run_global(train: pd.DataFrame) -> pd.DataFrame:
    """The pooled member alone; Naive2 where it is not used (a series not positive throughout)."""
    out = naive2(train, H, SEASON)  # sorted by unique_id and ds
    ordered = train.sort_values(["unique_id", "ds"], kind="stable")
    values = [g.to_numpy(dtype="float64") for _, g in ordered.groupby("unique_id", sort=False)["y"]]
    forecasts = pooled.global_ar(values, H)
    fallback = out["mean"].to_numpy().reshape(len(values), H)
    out["mean"] = np.concatenate(
        [p if p is not None else f for p, f in zip(forecasts, fallback, strict=True)]
    )
    return out


def scores(fc: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame) -> pd.DataFrame:
    levels = [lev for lev in (80, 95) if f"lo-{lev}" in fc.columns]
    return accuracy.score(fc, test, train, season_length=SEASON, level=levels).set_index(
        "unique_id"
    )


def summary(per: pd.DataFrame, naive: pd.DataFrame) -> dict[str, float]:
    s, m = per["smape"].mean(), per["mase"].mean()
    sn, mn = naive.loc[per.index, "smape"].mean(), naive.loc[per.index, "mase"].mean()
    return {"smape": s, "mase": m, "owa": accuracy.owa(s, m, sn, mn)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    beside = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
    default_data = os.environ.get("M3_QUARTERLY_DIR", str(beside))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-arima", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    wall, command = time_command(args.data, args.jobs)
    print(
        f"evaluate command: {wall:.1f} s wall (start-up included); "
        f"sMAPE {command['smape']:.3f}, MASE {command['mase']:.3f}, OWA {command['owa']:.3f}"
    )

    data = pd.read_csv(args.data / "m3_quarterly.csv", parse_dates=["ds"])
    meta = pd.read_csv(args.data / "m3_quarterly_meta.csv").set_index("unique_id")
    train = data.loc[data["split"] == "train", ["unique_id", "ds", "y"]].reset_index(drop=True)
    test = data.loc[data["split"] == "test", ["unique_id", "ds", "y"]].reset_index(drop=True)

    forecasts: dict[str, pd.DataFrame] = {}
    seconds: dict[str, float] = {}

    def timed(name: str, make) -> None:
        start = time.perf_counter()
        forecasts[name] = make()
        seconds[name] = time.perf_counter() - start
        print(f"  {name}: {seconds[name]:.1f} s", flush=True)

    print("running (each with the same worker processes):")
    timed("Naive2", lambda: naive2(train, H, SEASON))
    # import statsforecast before timing, as the command's start-up does
    import statsforecast.models  # noqa: F401

    default = COMBINATION
    backend = for_jobs(args.jobs)
    timed(default, lambda: forecast(train, H, level=(80, 95), backend=backend))
    for member in members.MEMBERS:
        timed(f"member {member.name}", lambda m=member: run_member(m, train, backend))
    timed(f"member {pooled.GLOBAL_NAME}", lambda: run_global(train))
    for name, model in statsforecast_models(not args.skip_arima).items():
        timed(f"statsforecast {name}", lambda m=model: run_statsforecast(m, train, args.jobs))
    four = [f"statsforecast {n}" for n in ("AutoETS", "AutoARIMA", "AutoTheta", "AutoCES")]
    median_name = "median of AutoETS, AutoARIMA, AutoTheta, AutoCES"
    if all(n in forecasts for n in four):
        key = forecasts[four[0]][["unique_id", "ds"]]
        stacked = [key.merge(forecasts[n], on=["unique_id", "ds"])["mean"] for n in four]
        forecasts[median_name] = key.assign(mean=np.median(np.vstack(stacked), axis=0))
        seconds[median_name] = sum(seconds[n] for n in four)

    per = {name: scores(fc, test, train) for name, fc in forecasts.items()}
    naive = per["Naive2"]
    rows = []
    for name in forecasts:
        row = {"method": name, **summary(per[name], naive), "seconds": seconds[name]}
        if "coverage-80" in per[name]:
            row["coverage-80"] = float(per[name]["coverage-80"].mean())
            row["coverage-95"] = float(per[name]["coverage-95"].mean())
        rows.append(row)
    table = pd.DataFrame(rows)

    print(f"\nM3 quarterly, {len(naive)} series, horizon {H}, {args.jobs} worker processes\n")
    print("| method | sMAPE | MASE | OWA | seconds |")
    print("|---|---|---|---|---|")
    for r in table.itertuples():
        print(f"| {r.method} | {r.smape:.3f} | {r.mase:.3f} | {r.owa:.3f} | {r.seconds:.1f} |")
    print(
        f"| `evaluate` command, whole process | {command['smape']:.3f} | {command['mase']:.3f} "
        f"| {command['owa']:.3f} | {wall:.1f} |"
    )

    ours = per[default]
    cov = {lev: float(ours[f"coverage-{lev}"].mean()) for lev in (80, 95)}
    print(f"\ninterval coverage of {default}: 80 % -> {cov[80]:.1%}, 95 % -> {cov[95]:.1%}")
    steps = test.merge(forecasts[default], on=["unique_id", "ds"])
    steps["step"] = steps.groupby("unique_id").cumcount() + 1
    for lev in (80, 95):
        inside = (steps["y"] >= steps[f"lo-{lev}"]) & (steps["y"] <= steps[f"hi-{lev}"])
        by_step = inside.groupby(steps["step"]).mean()
        print(f"  {lev} % by step: " + " ".join(f"{v:.0%}" for v in by_step))

    compared = [default, "Naive2"] + ([median_name] if median_name in per else [])
    print("\nper M3 category (OWA against Naive2 in the same category)\n")
    print("| category | series | " + " | ".join(f"{n} sMAPE / MASE / OWA" for n in compared) + " |")
    print("|---|---|" + "---|" * len(compared))
    categories = {}
    for category, ids in meta.groupby("category").groups.items():
        cells, cat = [], {}
        for name in compared:
            s = summary(per[name].loc[ids], naive.loc[ids])
            cat[name] = s
            cells.append(f"{s['smape']:.2f} / {s['mase']:.3f} / {s['owa']:.3f}")
        categories[category] = cat
        print(f"| {category} | {len(ids)} | " + " | ".join(cells) + " |")

    if median_name in seconds:
        ratio = seconds[median_name] / seconds[default]
        better = table.set_index("method")
        print(
            f"\n{default} against the four-model median: {ratio:.1f} times faster; "
            f"OWA {better.loc[default, 'owa']:.3f} vs {better.loc[median_name, 'owa']:.3f}, "
            f"sMAPE {better.loc[default, 'smape']:.3f} vs {better.loc[median_name, 'smape']:.3f}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "command_seconds": wall,
                    "command": {k: v for k, v in command.items() if k != "per_series"},
                    "table": table.to_dict(orient="records"),
                    "coverage": cov,
                    "categories": categories,
                },
                indent=2,
                default=float,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

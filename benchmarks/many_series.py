"""Ten thousand quarterly series forecast 4 quarters ahead with 80/95 % intervals: the default
forecaster (all cores) against a one-series-at-a-time statsmodels loop, on the same data in one run.

    python benchmarks/many_series.py [--series 10000] [--jobs 2] [--loop-series 1000]

The series are synthesised (seeded; nothing is written): lengths 20 to 40 quarters, multiplicative
seasonality of random strength, trends, noise, and level shifts in a fifth of them, like the SKU x
region x channel sales of a distributor. The loop fits statsmodels' ``ETSModel`` (additive errors,
trend and season, as in the forecaster's Holt-Winters member) to one series after another and asks
each for its forecast and intervals. By default it runs on the first ``--loop-series`` series and
its time is scaled to all of them (stated in the output); ``--loop-series 0`` loops over all.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

H = 4
LEVELS = (80, 95)


def synthesise(n: int, seed: int = 7) -> pd.DataFrame:
    """``unique_id, ds, y`` of ``n`` positive quarterly series ending in 2025Q4."""
    rng = np.random.default_rng(seed)
    frames = []
    end = pd.Period("2025Q4", freq="Q")
    for i in range(n):
        length = int(rng.integers(20, 41))
        t = np.arange(length)
        season = 1 + rng.uniform(0, 0.4) * np.sin(np.pi / 2 * (t + rng.integers(0, 4)))
        trend = (1 + rng.normal(0.01, 0.02)) ** t
        level = np.exp(rng.normal(10, 1.5))
        shift = np.where(t >= rng.integers(5, length), rng.uniform(0.6, 1.5), 1.0)
        shift = shift if rng.random() < 0.2 else 1.0
        noise = rng.lognormal(0, rng.uniform(0.03, 0.2), length)
        y = level * trend * season * shift * noise
        periods = pd.period_range(end=end, periods=length, freq="Q")
        frames.append(pd.DataFrame({"unique_id": f"s{i:05d}", "ds": periods.start_time, "y": y}))
    return pd.concat(frames, ignore_index=True)


def statsmodels_loop(df: pd.DataFrame) -> pd.DataFrame:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rows = []
    for uid, group in df.groupby("unique_id", sort=False):
        y = pd.Series(group["y"].to_numpy())  # a pandas endog: get_prediction needs an index
        fit = ETSModel(y, error="add", trend="add", seasonal="add", seasonal_periods=4).fit(
            disp=False
        )
        prediction = fit.get_prediction(start=len(y), end=len(y) + H - 1)
        frame = {"unique_id": uid, "mean": prediction.predicted_mean.to_numpy()}
        for level in LEVELS:
            bounds = prediction.summary_frame(alpha=1 - level / 100)
            frame[f"lo-{level}"] = bounds["pi_lower"].to_numpy()
            frame[f"hi-{level}"] = bounds["pi_upper"].to_numpy()
        rows.append(pd.DataFrame(frame))
    return pd.concat(rows, ignore_index=True)


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--loop-series", type=int, default=1000)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")

    df = synthesise(args.series)
    lengths = df.groupby("unique_id").size()
    print(f"{args.series:,} series, {len(df):,} quarters (lengths {lengths.min()}-{lengths.max()})")

    from analysis.forecasting.backends import for_jobs
    from analysis.forecasting.forecaster import Forecaster

    start = time.perf_counter()
    forecaster = Forecaster(H, LEVELS, backend=for_jobs(args.jobs)).fit(df)
    ours = time.perf_counter() - start
    models = forecaster.forecast().drop_duplicates("unique_id")["model"].value_counts()
    print(
        f"default forecaster, {args.jobs} worker processes: {ours:.1f} s wall "
        f"({forecaster.calibration.describe()}); peak memory {peak_mb():,.0f} MB"
    )
    print("  models: " + ", ".join(f"{name} {n:,}" for name, n in models.items()))

    loop_n = args.series if args.loop_series <= 0 else min(args.loop_series, args.series)
    ids = lengths.index[:loop_n]
    start = time.perf_counter()
    statsmodels_loop(df.loc[df["unique_id"].isin(ids)])
    loop = time.perf_counter() - start
    scaled = loop * args.series / loop_n
    how = "measured" if loop_n == args.series else f"{loop:.1f} s for {loop_n:,}, scaled"
    print(
        f"statsmodels ETSModel loop, one process: {scaled:.1f} s for {args.series:,} series "
        f"({how}); the default forecaster takes {ours / scaled:.3f} of its time "
        f"({scaled / ours:.1f} times faster)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

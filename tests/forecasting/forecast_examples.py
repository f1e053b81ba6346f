"""Small series for the forecaster's tests: long frames and seasonal series with known shape."""

from __future__ import annotations

import numpy as np
import pandas as pd

SEASON = np.array([0.8, 1.2, 0.9, 1.1])


def frame(series: dict[str, list[float] | np.ndarray], start: str = "2019-01-01") -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq="QS"), "y": y}
        )
        for uid, y in series.items()
    ]
    return pd.concat(parts, ignore_index=True)


def seasonal_series(n: int, level: float = 1000.0, trend: float = 10.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (level + trend * t) * SEASON[t % 4] + rng.normal(0, 20, n)


def rows(fc: pd.DataFrame, uid: str) -> pd.DataFrame:
    return fc.loc[fc["unique_id"] == uid]

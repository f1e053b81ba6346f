"""From a long frame to arrays and back: input checks, frequencies, dates and column names.

The models see one array per series; everything about pandas (columns, dates, frequencies,
the ``lo-<level>`` names) stays here, so the forecaster, Naive2 and the ``evaluate`` command
check input and make dates the same way, and input problems are
:class:`~analysis.core.errors.DataError` with the column and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.errors import DataError


def infer_freq(df: pd.DataFrame) -> str:
    """The pandas frequency of ``ds``: inferred from the longest regular series, else quarter
    starts when every date is the first day of a quarter's month (as ``series.quarterly`` makes)."""
    by_length = df.groupby("unique_id", sort=False)["ds"].size().sort_values(ascending=False)
    for uid in by_length.index[by_length >= 3][:10]:
        freq = pd.infer_freq(pd.DatetimeIndex(df.loc[df["unique_id"] == uid, "ds"].sort_values()))
        if freq:
            return freq
    ds = pd.DatetimeIndex(df["ds"])
    if (ds.day == 1).all() and len(set(ds.month % 3)) == 1:
        months = ("JAN", "FEB", "MAR")
        return f"QS-{months[(ds[0].month - 1) % 3]}"
    raise DataError(
        "cannot tell the frequency of the dates",
        column="ds",
        expected="regular quarters (or pass freq=, e.g. 'QS')",
    )


def prepare(df: pd.DataFrame, freq: str | None) -> tuple[pd.DataFrame, str]:
    """``unique_id, ds, y`` checked (columns, dates, numbers, duplicates) and sorted by series
    and date, with the frequency (``freq``, or inferred)."""
    missing = [c for c in ("unique_id", "ds", "y") if c not in df.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            column=missing[0],
            expected="unique_id, ds, y",
        )
    frame = df[["unique_id", "ds", "y"]].copy()
    if frame.empty:
        raise DataError("no rows to forecast", expected="at least one observation per series")
    try:
        frame["ds"] = pd.to_datetime(frame["ds"], format="mixed")
    except (ValueError, TypeError) as exc:
        raise DataError(f"dates cannot be read ({exc})", column="ds", expected="dates") from exc
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    bad = ~np.isfinite(frame["y"].to_numpy(dtype="float64"))
    if bad.any():
        ids = frame.loc[bad, "unique_id"].astype(str).unique()[:5]
        raise DataError(
            f"{int(bad.sum())} value(s) missing or not numbers in series {', '.join(ids)}",
            column="y",
            expected="a number for every quarter (0 for no sales)",
        )
    frame = frame.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    dup = frame.duplicated(["unique_id", "ds"])
    if dup.any():
        ids = frame.loc[dup, "unique_id"].astype(str).unique()[:5]
        raise DataError(
            f"the same quarter twice in series {', '.join(ids)}",
            column="ds",
            expected="one row per series and quarter",
        )
    freq = freq or infer_freq(frame)
    return frame, freq


def date_ranges(starts: pd.Series, lengths: pd.Series, freq: str) -> np.ndarray:
    """Concatenated ``date_range(start, periods=n)`` per series; one call per distinct pair."""
    cache: dict[tuple[pd.Timestamp, int], np.ndarray] = {}
    out = []
    for start, n in zip(starts, lengths, strict=True):
        key = (start, int(n))
        if key not in cache:
            cache[key] = pd.date_range(start, periods=int(n), freq=freq).to_numpy()
        out.append(cache[key])
    return np.concatenate(out) if out else np.array([], dtype="datetime64[ns]")


def check_regular(frame: pd.DataFrame, freq: str) -> None:
    """Every series of a :func:`prepare`-d frame in consecutive ``freq`` periods, or a
    :class:`DataError` naming the series with gaps."""
    grouped = frame.groupby("unique_id", sort=False)["ds"]
    expected = date_ranges(grouped.first(), grouped.size(), freq)
    wrong = expected != frame["ds"].to_numpy()
    if wrong.any():
        gaps = [str(u) for u in frame.loc[wrong, "unique_id"].unique()]
        raise DataError(
            f"dates are not consecutive {freq} periods in series {', '.join(gaps[:5])}"
            + (f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""),
            column="ds",
            expected="one row per quarter without gaps (0 for a quarter without sales)",
        )


def future_dates(last: pd.Series, h: int, freq: str) -> np.ndarray:
    """``h`` dates after each series' last one."""
    offset = pd.tseries.frequencies.to_offset(freq)
    return date_ranges(last + offset, pd.Series(h, index=last.index), freq)


def level_name(level: float) -> str:
    """The level as it appears in ``lo-<level>``: ``80``, ``99.5``."""
    return str(int(level)) if float(level).is_integer() else str(level)


def normalise_levels(level: Sequence[float] | None) -> list[float]:
    """Interval levels sorted and without repeats; ``ValueError`` outside (0, 100)."""
    levels = sorted({float(v) for v in (level or ())})
    for v in levels:
        if not 0 < v < 100:
            raise ValueError(f"interval levels are percentages between 0 and 100, got {v}")
    return levels

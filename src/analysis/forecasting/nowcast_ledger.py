"""The nowcast ledger: every landing estimate a run part-way through a quarter published.

A weekly run as of day D files where each channel was expected to land (``nowcast.csv``'s rows)
under its quarter and D, in one CSV under ``reports/`` shared by all quarters; a rerun as of the
same day replaces that day's rows. The tracking page reads it to show how the estimate moved week
by week, and the closed quarter's review to show how early the miss (or the beat) was visible.
Written and read through :mod:`analysis.core.csv_out`, like the forecast ledger.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import csv_out
from analysis.core.files import write_atomic
from analysis.forecasting.ledger import locked

NOWCASTS = "nowcast_ledger.csv"
#: The estimate's columns, as ``nowcast.csv`` has them.
ESTIMATE = ("channel", "target", "actual_to_date", "forecast_rest", "forecast_total",
            "lo_80", "hi_80", "lo_95", "hi_95", "probability")  # fmt: skip
COLUMNS = ("quarter", "as_of", *ESTIMATE, "recorded")
_TEXT = ("quarter", "as_of", "channel", "recorded")


def read(path: Path | None) -> pd.DataFrame:
    """The ledger, or an empty one with its columns (no file, or none named); names as they were
    recorded."""
    if path is None or not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    return csv_out.read_csv(path, dtype={c: str for c in _TEXT})


def record(path: Path, quarter: str, as_of: str, nowcast: pd.DataFrame, recorded: str) -> None:
    """Replace the rows of ``quarter`` as of ``as_of`` by ``nowcast`` (``nowcast.csv``'s columns),
    writing the ledger atomically under its lock."""
    missing = [c for c in ESTIMATE if c not in nowcast]
    if missing:
        raise ValueError(f"nowcast lacks column(s) {', '.join(missing)}")
    rows = nowcast.assign(quarter=quarter, as_of=as_of, recorded=recorded)[list(COLUMNS)]
    with locked(path):
        kept = read(path)
        kept = kept.loc[~((kept["quarter"] == quarter) & (kept["as_of"] == as_of))]
        book = pd.concat([kept, rows], ignore_index=True) if len(kept) else rows
        book = book.sort_values(["quarter", "as_of"], kind="stable", ignore_index=True)
        write_atomic(path, lambda handle: csv_out.write_csv(book, handle))


def of_quarter(book: pd.DataFrame, quarter: str, channel: str = "Total") -> pd.DataFrame:
    """One channel's estimates of ``quarter``, oldest first (as-of dates sort as ISO text)."""
    rows = book.loc[(book["quarter"] == quarter) & (book["channel"] == channel)]
    return rows.sort_values("as_of", ignore_index=True)

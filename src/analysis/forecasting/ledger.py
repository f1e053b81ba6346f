"""The forecast ledger: every published forecast, kept so later reports can say how good it was.

A run for quarter Q records the forecasts it made from Q (the origin) for the quarters after it, in
one CSV under ``reports/`` shared by all quarters. Rerunning Q replaces Q's rows. Once a forecast
quarter has closed, :func:`accuracy` compares the recorded forecasts with what was sold: per series
(channel, product line, ...), per horizon, and origin by origin, so a trend is visible.

The ledger is written and read through :mod:`analysis.core.csv_out`: a series named
``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)`` (safe to open in a spreadsheet) and read back
as ``=HYPERLINK(...)``, so it still matches its series when the forecast is scored; a series
named ``NA`` stays ``NA``, and every number reads back as it was recorded.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core import csv_out
from analysis.core.files import write_atomic
from analysis.core.i18n import _

LEDGER = "forecast_ledger.csv"
COLUMNS = ("origin", "unique_id", "level", "quarter", "horizon", "mean", "lo_80", "hi_80",
           "lo_95", "hi_95", "model", "recorded")  # fmt: skip


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One writer at a time: runs of different quarters share the ledger."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read(path: Path) -> pd.DataFrame:
    """The ledger, or an empty one with the right columns; names as they were recorded (the
    apostrophe the writer put before a formula-like name removed)."""
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    text = {c: str for c in ("origin", "unique_id", "level", "quarter", "model", "recorded")}
    return csv_out.read_csv(path, dtype=text)


def record(path: Path, origin: str, forecasts: pd.DataFrame, recorded: str) -> pd.DataFrame:
    """Replace the rows of ``origin`` by ``forecasts`` and write the ledger atomically.

    ``forecasts`` has ``unique_id, level, quarter, horizon, mean, model`` and, where the run made
    them, ``lo_80, hi_80, lo_95, hi_95`` (kept empty otherwise). Returns the new ledger.
    """
    required = ("unique_id", "level", "quarter", "horizon", "mean", "model")
    missing = [c for c in required if c not in forecasts]
    if missing:
        raise ValueError(f"forecasts lack column(s) {', '.join(missing)}")
    rows = forecasts.assign(origin=origin, recorded=recorded)
    rows = rows.reindex(columns=list(COLUMNS))
    return _replace(path, rows)


def merge(path: Path, filed: Path) -> pd.DataFrame:
    """Replace the rows of every origin in the ledger file ``filed`` (a run's own, see
    :func:`record`) by its rows, in the ledger at ``path``; returns the new ledger."""
    return _replace(path, read(filed))


def _replace(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    with locked(path):
        kept = read(path)
        kept = kept.loc[~kept["origin"].isin(rows["origin"].unique())]
        ledger = pd.concat([kept, rows], ignore_index=True) if len(kept) else rows
        ledger = ledger.sort_values(["origin", "level", "unique_id", "quarter"], ignore_index=True)
        write_atomic(path, lambda handle: csv_out.write_csv(ledger, handle))
    return ledger


def accuracy(ledger: pd.DataFrame, actuals: pd.DataFrame, through: str) -> pd.DataFrame:
    """Recorded forecasts of closed quarters (up to ``through``) against actuals.

    ``actuals`` has ``unique_id, quarter, y`` (quarter labels sort in time order, as ``2025Q4`` or
    ``FY2026Q1`` do). Returns one row per forecast with ``actual, error, abs_pct_error,
    in_80, in_95``; forecasts made at or after ``through`` are left out, as are quarters without
    actuals.
    """
    past = ledger.loc[(ledger["quarter"] <= through) & (ledger["origin"] < through)]
    joined = past.merge(actuals[["unique_id", "quarter", "y"]], on=["unique_id", "quarter"])
    joined = joined.rename(columns={"y": "actual"})
    joined["error"] = joined["actual"] - joined["mean"]
    scale = joined["actual"].abs().where(joined["actual"] != 0)
    joined["abs_pct_error"] = joined["error"].abs() / scale
    joined["in_80"] = joined["actual"].between(joined["lo_80"], joined["hi_80"])
    joined["in_95"] = joined["actual"].between(joined["lo_95"], joined["hi_95"])
    return joined


def summary(scored: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """MAPE, bias (mean of actual − forecast, relative to actuals) and coverage per group."""
    if scored.empty:
        return pd.DataFrame(
            columns=[*by, "forecasts", "mape", "bias", "coverage_80", "coverage_95"]
        )
    grouped = scored.groupby(by, sort=True)
    out = grouped.agg(
        forecasts=("error", "size"),
        mape=("abs_pct_error", "mean"),
        error=("error", "sum"),
        actual=("actual", "sum"),
        coverage_80=("in_80", "mean"),
        coverage_95=("in_95", "mean"),
    )
    out["bias"] = out["error"] / out["actual"].where(out["actual"] != 0)
    out = out.drop(columns=["error", "actual"]).reset_index()
    return out[[*by, "forecasts", "mape", "bias", "coverage_80", "coverage_95"]]


def trend(scored: pd.DataFrame, horizon: int = 1) -> str:
    """One sentence: is the one-quarter-ahead error getting smaller origin by origin?"""
    rows = scored.loc[scored["horizon"] == horizon]
    by_origin = rows.groupby("origin")["abs_pct_error"].mean().dropna()
    if len(by_origin) < 3:
        return _("Too few closed quarters ({n}) to tell whether forecasts are improving.").format(
            n=len(by_origin)
        )
    slope = np.polyfit(np.arange(len(by_origin)), by_origin.to_numpy(), 1)[0]
    first, last = by_origin.iloc[0], by_origin.iloc[-1]
    text = (
        _(
            "{horizon}-quarter-ahead forecast error is improving: {first} for forecasts made in "
            "{first_origin}, {last} for those made in {last_origin} ({n} origins)."
        )
        if slope < 0
        else _(
            "{horizon}-quarter-ahead forecast error is not improving: {first} for forecasts made "
            "in {first_origin}, {last} for those made in {last_origin} ({n} origins)."
        )
    )
    return text.format(
        horizon=horizon,
        first=f"{first:.1%}",
        first_origin=by_origin.index[0],
        last=f"{last:.1%}",
        last_origin=by_origin.index[-1],
        n=len(by_origin),
    )

"""The pieces every target-miss module shares: a quarter's sales lines, the targets of some quarters
with their grain, and sums of both per key in integer cents (sales summed exactly, each total
rounded to cents once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.core.cents import exact, from_cents, nested_cents
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import TARGET_DIMENSIONS
from analysis.data.series import exact_sums, to_cents


def as_period(quarter: object, calendar: FiscalCalendar) -> pd.Period:
    """A quarter given as a Period or a label (``2025Q4``, ``FY2026Q1``)."""
    if isinstance(quarter, pd.Period):
        return quarter.asfreq(calendar.freq)
    return calendar.parse(quarter)


def fiscal_year_to_date(period: pd.Period) -> list[pd.Period]:
    """The quarters of ``period``'s fiscal year up to and including it, oldest first."""
    return [period - k for k in range(period.quarter - 1, -1, -1)]


def lines_in(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    periods: Sequence[pd.Period],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The sales lines dated in a run of consecutive quarters (selected by date range).

    ``columns`` limits the copy to the columns a caller needs (much faster on a million lines).
    """
    start = calendar.start(min(periods))
    stop = calendar.end(max(periods)) + pd.Timedelta(days=1)
    dates = sales["date"]
    keep = ((dates >= start) & (dates < stop)).to_numpy()
    return sales.loc[keep, list(columns) if columns is not None else sales.columns]


def target_grain(targets: pd.DataFrame | None) -> tuple[str, ...]:
    """Dimensions below channel at which targets are set (``()`` for per-channel targets)."""
    if targets is None:
        return ()
    return tuple(d for d in TARGET_DIMENSIONS if d in targets.columns and targets[d].notna().any())


def targets_for(
    targets: pd.DataFrame | None, calendar: FiscalCalendar, periods: Iterable[pd.Period]
) -> pd.DataFrame:
    """Target rows of some quarters: ``period, channel, <grain...>, cents, units``.

    ``cents`` is the revenue target in integer cents, ``units`` the unit target (NaN if none).
    """
    grain = list(target_grain(targets))
    columns = ["period", "channel", *grain, "cents", "units"]
    if targets is None or targets.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns}).astype(
            {"cents": "int64", "units": "float64"}
        )
    wanted = set(periods)
    labels = targets["quarter"].astype(str)
    parsed = {label: calendar.parse(label) for label in labels.unique()}
    period = labels.map(parsed)
    keep = period.isin(wanted).to_numpy()
    units = (
        targets["target_quantity"].to_numpy(dtype="float64")
        if "target_quantity" in targets.columns
        else np.full(len(targets), np.nan)
    )
    frame = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "channel": targets["channel"].to_numpy(),
            **{d: targets[d].to_numpy() for d in grain},
            "cents": to_cents(targets["target_revenue"]),
            "units": units,
        }
    )
    return frame.loc[keep].reset_index(drop=True)


def sum_targets(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Target cents and units per ``keys``; units are NaN when any row lacks them."""
    frame = rows[[*keys, "cents"]].assign(units=rows["units"].fillna(np.inf))  # inf marks NaN
    out = frame.groupby(keys, sort=True, observed=True).sum()
    out["units"] = out["units"].replace(np.inf, np.nan)
    return out


def net_by(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Net revenue (cents) and net units of sales lines per ``keys``: the lines' total rounded to
    cents once, ``keys[0]``, ``keys[:2]``, ... split from it so that they add up to it."""
    cents, micro = exact(lines["revenue"])
    frame = lines[keys].assign(
        cents=cents, micro=micro, units=lines["quantity"].to_numpy(dtype="float64")
    )
    summed = exact_sums(frame, keys)
    summed["cents"] = nested_cents(summed, keys)
    return summed.drop(columns="micro").set_index(keys)


def money_table(cents: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of a cents frame with the given money columns in currency units."""
    table = cents.copy()
    for col in columns:
        if col in table.columns:
            table[col] = from_cents(table[col])
    return table

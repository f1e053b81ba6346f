"""Sales that are never negative get forecasts that are never negative: censoring at zero.

A series whose history is never below zero (sales, units) has a forecast distribution censored at
zero: whatever the models put below zero is the probability of selling nothing. Censoring is a
monotone map (``max(x, 0)``), so every quantile of the censored distribution is the model's
quantile cut at zero: an interval bound below zero becomes 0 and keeps its probability, the
intervals stay nested and ``lo-95 <= lo-80 <= mean <= hi-80 <= hi-95`` still holds.

The point forecast (``mean``) of the default forecaster is the centre of symmetric intervals,
the median of the forecast distribution; censored, it is ``max(mean, 0)``, again the median.
The expected value of the censored distribution would be above zero even when the median is 0,
and could exceed the upper bound of a narrow interval; the median is kept, so the point forecast
and its intervals describe one distribution (and :mod:`~analysis.forecasting.odds` reads them as
such). Series that do go below zero (returns, margins) keep their sign.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: The note of a series whose point forecast was below zero in some quarter.
CLIPPED_NOTE = "forecast below zero set to 0 (the history is never negative)"


def never_negative(y: np.ndarray) -> bool:
    """Whether a history is one that forecasts must not go below: every value >= 0."""
    return bool(np.all(np.asarray(y, dtype="float64") >= 0))


def at_zero(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values`` with the rows marked in ``rows`` censored at zero (NaN stays NaN)."""
    values = np.asarray(values, dtype="float64")
    return np.where(rows & (values < 0), 0.0, values)


def positive_series(history: pd.DataFrame) -> set[Any]:
    """The ``unique_id`` values of a long frame (``unique_id, y``) never below zero."""
    lowest = history.groupby("unique_id", sort=False)["y"].min()
    return set(lowest.index[lowest >= 0])


def frame_at_zero(forecasts: pd.DataFrame, positive: set[Any]) -> pd.DataFrame:
    """``mean`` and every ``lo-*``/``hi-*`` column censored at zero for the ``positive``
    series (a copy); a ``note`` column says so for the series whose mean was cut."""
    out = forecasts.copy()
    rows = out["unique_id"].isin(positive).to_numpy()
    if "note" in out:
        cut = out.loc[rows & (out["mean"] < 0).to_numpy(), "unique_id"].unique()
        marked = out["unique_id"].isin(cut)
        out.loc[marked, "note"] = [
            f"{note}; {CLIPPED_NOTE}" if note else CLIPPED_NOTE for note in out.loc[marked, "note"]
        ]
    for column in ["mean", *_interval_columns(out)]:
        out[column] = at_zero(out[column].to_numpy(), rows)
    return out


def coherent_at_zero(
    forecasts: pd.DataFrame, S: pd.DataFrame, positive: set[Any]
) -> tuple[pd.DataFrame, set[Any]]:
    """Reconciled forecasts (``unique_id, ds, mean, lo-*, hi-*``) made non-negative and kept
    coherent; returns them and the bottom series that were cut.

    Reconciliation (MinT above all) can push a small bottom series below zero while its total
    stays positive. Each bottom series never below zero has its negative means set to 0; every
    series is then the sum of its bottom series again (``S``: ``unique_id`` column, one column
    per bottom series), its intervals moved with its mean (their widths kept), and the
    ``positive`` series censored at zero (:func:`frame_at_zero`). Bottom series that do go below
    zero (returns booked apart) keep their sign, unless a series never below zero above them
    would then add up below zero: then they are cut at zero too, so that every series stays the
    sum of its bottom series.
    """
    ids = S["unique_id"].to_numpy()
    bottom = [c for c in S.columns if c != "unique_id"]
    members = S.set_index("unique_id")[bottom].to_numpy(dtype=bool)
    wide = forecasts.pivot(index="ds", columns="unique_id", values="mean")
    clipped = wide[bottom].copy()
    cutting = np.array([b in positive for b in bottom])
    above = np.array([i in positive for i in ids])
    while True:
        clipped = clipped.mask(clipped.lt(0) & cutting, 0.0)
        summed = clipped.to_numpy() @ S[bottom].to_numpy().T
        below = above & (summed < 0).any(axis=0)  # positive series that still add up below 0
        newly = members[below].any(axis=0) & ~cutting & clipped.lt(0).any(axis=0).to_numpy()
        if not newly.any():
            break
        cutting |= newly
    changed = clipped.ne(wide[bottom]).any(axis=0)
    cut = set(changed.index[changed.to_numpy()])
    if cut:
        delta = pd.DataFrame(summed, index=wide.index, columns=ids) - wide[ids]
        delta.columns.name = "unique_id"
        delta = delta.stack().rename("delta").reset_index()
        out = forecasts.merge(delta, on=["ds", "unique_id"], how="left", validate="one_to_one")
        shift = out.pop("delta").fillna(0.0).to_numpy()
        for column in ["mean", *_interval_columns(out)]:
            out[column] = out[column].to_numpy() + shift
        forecasts = out
    return frame_at_zero(forecasts, positive), cut


def _interval_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(("lo-", "hi-"))]

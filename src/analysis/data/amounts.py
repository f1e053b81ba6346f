"""Plausible amounts: a number beyond ``max_amount`` or not finite is no sale anyone made.

An export's 1e308 (a sentinel, an overflow, a column of codes mapped as revenue) would overflow
integer cents and publish a nonsense total; ``inf``, ``nan`` and ``1e400`` are no amounts either.
The loader sets such sales lines aside and refuses such targets, with the reason from here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.data.parse import nonblank


def implausible(values: pd.Series, numbers: pd.Series, bound: float) -> np.ndarray:
    """Where a value (``numbers``: as parsed from ``values``) lies beyond ±``bound`` or is not
    a finite number (parsed as missing, yet written as ``inf``, ``nan`` or an overflowing 1e400)."""
    wild = (numbers.abs() > bound).to_numpy(dtype=bool)
    unread = nonblank(numbers.isna().to_numpy(), values)
    if unread.any():
        wild[unread] = _non_finite(values[unread])
    return wild


def beyond(name: str, bound: float) -> str:
    """The reason a line is set aside: ``revenue: implausible (beyond ±1,000,000,000,000)``."""
    return f"{name}: implausible (beyond ±{bound:,.0f})"


def _non_finite(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return ~np.isfinite(values.to_numpy(dtype="float64"))
    text = values.astype("str").str.strip().str.replace(",", "")
    distinct = pd.unique(text.to_numpy())  # few: only values that are no finite number
    return text.map({value: _overflows(value) for value in distinct}).to_numpy(dtype=bool)


def _overflows(text: str) -> bool:
    """``inf``, ``nan`` or a number too large for a float (``1e400``); Python's own reading."""
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False

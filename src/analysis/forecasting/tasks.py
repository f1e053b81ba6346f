"""The records that travel between the forecaster and its execution backends.

A backend (:mod:`~analysis.forecasting.backends`, :mod:`~analysis.forecasting.cluster`) only
moves :class:`SeriesTask` records to where they run and :class:`SeriesResult` records back,
keyed by :class:`TaskKey`: named fields instead of positions in a tuple, and one kind of key for
the forecasts and the calibration refits alike. The records hold plain numbers and arrays, so
they pickle to worker processes and convert to Arrow rows for a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class TaskKey(NamedTuple):
    """Which series, cut where: ``held_out`` quarters are left off its end before fitting.

    ``TaskKey(i, 0)`` is the forecast of series ``i`` (position in the input, in ``unique_id``
    order); ``TaskKey(i, h + j)`` a calibration refit that forecasts the ``h`` quarters before the
    last ``j``, so its errors can be scored against what happened.
    """

    series: int
    held_out: int = 0


@dataclass(frozen=True, eq=False)
class SeriesTask:
    """One series to forecast: its values (without NaN, already cut), the horizon, the season
    length, whether in-sample fitted values are wanted, and its pooled (``GAR``) forecast or
    ``None`` when that member is not used for it."""

    key: TaskKey
    values: np.ndarray
    horizon: int
    season_length: int
    want_fitted: bool = False
    pooled: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class SeriesResult:
    """One series' forecast: mean and standard deviation per step (before calibration), the
    ``model`` label, the plain-language notes and the in-sample fitted values (when wanted)."""

    mean: np.ndarray
    sd: np.ndarray
    model: str
    notes: tuple[str, ...] = ()
    fitted: np.ndarray | None = None

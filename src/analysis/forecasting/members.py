"""The local member models of the default combination, one record each.

Kept apart from the rules that combine them (:mod:`~analysis.forecasting.one_series`) so that a
member can be added, dropped or benchmarked alone (``benchmarks/m3_quarterly.py``) without
touching the rules. The members, in the order of the ``model`` label:

- ``CES``: complex exponential smoothing, full seasonality (statsforecast ``AutoCES(model="F")``),
- ``ETS(AAA)``: additive Holt-Winters, undamped (``AutoETS(model="AAA", damped=False)``),
- ``SES``: simple exponential smoothing of the seasonally adjusted series,
- ``ETS``: exponential smoothing chosen by AICc (``AutoETS``) on the seasonally adjusted series,
- ``ARIMA``: ARIMA(1,1,0) with drift on the seasonally adjusted series, by conditional least
  squares (closed form: a lag-1 regression of the quarter-to-quarter changes, :class:`DriftAR1`).

The sixth member, ``GAR``, is pooled over all series (:mod:`~analysis.forecasting.pooled`).
statsforecast is imported when a member is first built, not when this module is imported.
The rules read :data:`MEMBERS` from this module when they run, so a test may replace it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

#: Why a member was left out of a short series.
TOO_FEW = "too few quarters"
#: The member that forecasts a history too short for a trend (:mod:`~analysis.forecasting.short`).
LEVEL_ONLY = "SES"


def models() -> ModuleType:
    """``statsforecast.models``, imported on first use. Its import pulls in ``tqdm.auto``, which
    in a Jupyter kernel without ipywidgets warns about widget progress bars that the workbench
    never shows (its own bar is plain text on stderr): that warning is left out."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import statsforecast.models
    return statsforecast.models


def _ces(m: int) -> Any:
    return models().AutoCES(season_length=m, model="F" if m > 1 else "N")


def _holt_winters(m: int) -> Any:
    return models().AutoETS(season_length=m, model="AAA" if m > 1 else "AAN", damped=False)


def _ses(m: int) -> Any:
    return models().SimpleExponentialSmoothingOptimized()


def _auto_ets(m: int) -> Any:
    return models().AutoETS(season_length=1)


class DriftAR1:
    """ARIMA(1,1,0) with drift by conditional least squares: ``d_t = c + phi * d_(t-1)`` on the
    differences ``d``. Closed form, so it costs nothing, where statsforecast's ``ARIMA`` with the
    same order takes about 25 ms a series (and scores the same on M3)."""

    def forecast(
        self, y: np.ndarray, h: int, level: Any = None, fitted: bool = False
    ) -> dict[str, np.ndarray]:
        d = np.diff(y)
        if len(d) < 4:
            raise ValueError(TOO_FEW)
        lagged = np.c_[d[:-1], np.ones(len(d) - 1)]
        phi, c = np.linalg.lstsq(lagged, d[1:], rcond=None)[0]
        if not -0.99 <= phi <= 0.99:  # stationary changes: no explosive forecasts, and the
            phi = float(np.clip(phi, -0.99, 0.99))  # drift refitted for the phi kept (with the
            c = float(np.mean(d[1:] - phi * d[:-1]))  # unclipped one's, a fall turns into a rise)
        steps = np.empty(h)
        step = d[-1]
        for k in range(h):
            step = c + phi * step
            steps[k] = step
        out = {"mean": y[-1] + np.cumsum(steps)}
        if fitted:
            out["fitted"] = np.r_[np.nan, np.nan, y[1:-1] + c + phi * d[:-1]]
        return out


def _drift_ar1(m: int) -> Any:
    return DriftAR1()


@dataclass(frozen=True)
class Member:
    """One member: its label, how to build it for a season length, and how it is used.

    ``build(m)`` returns an object with statsforecast's ``forecast(y, h, level, fitted)``;
    ``adjusted`` members are fitted to the seasonally adjusted series without seasonality;
    the intervals of ``spread`` members set the combination's standard deviation.
    """

    name: str
    build: Callable[[int], Any]
    adjusted: bool
    spread: bool


MEMBERS: tuple[Member, ...] = (
    Member("CES", _ces, adjusted=False, spread=False),
    Member("ETS(AAA)", _holt_winters, adjusted=False, spread=True),
    Member("SES", _ses, adjusted=True, spread=False),
    Member("ETS", _auto_ets, adjusted=True, spread=True),
    Member("ARIMA", _drift_ar1, adjusted=True, spread=False),
)

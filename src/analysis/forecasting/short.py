"""Short histories: how many quarters a forecast stands on, and what it says when that is little.

A channel that opened five quarters ago has not shown a full year twice: its seasonality, its
trend and its normal ups and downs are guesses. With fewer than two seasonal cycles of history
(``2 * season_length``: 8 quarters) the forecaster fits no seasonal model (see
:mod:`~analysis.forecasting.one_series`: simple exponential smoothing alone below its
``SES_ONLY_BELOW`` quarters, the non-seasonal combination from there), and every forecast row
carries the number of quarters (``history``) and a note that its interval understates the
uncertainty, which reports show next to the forecast.

On 4 to 7 quarters of the M3 quarterly series (BENCHMARKS.md, "Short histories") the calibrated
intervals covered 74 % (4 quarters) to 86 % (6 and 7) at 80 % nominal, and 92-97 % at 95 %: too
narrow for the shortest, too wide for the longer ones, so no one widening fits; they are flagged
instead, and sales can break in ways a year of history has not shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.i18n import _, n_

#: Short series a note names; beyond them it counts them and gives their range.
NAMED = 3


def history_length(y: np.ndarray) -> int:
    """Quarters the forecast stands on: from the first non-zero one (a channel that had not
    opened yet has no history), all of them for a series that is all zeros."""
    nonzero = np.flatnonzero(np.asarray(y))
    return int(len(y) - nonzero[0]) if len(nonzero) else len(y)


def is_short(quarters: int, season_length: int = 4) -> bool:
    """Fewer than two seasonal cycles of history."""
    return quarters < 2 * max(season_length, 2)


def note(quarters: int) -> str:
    """The note of a short history, as a report shows it."""
    which = "quarter" if quarters == 1 else "quarters"
    return f"only {quarters} {which} of history: the uncertainty is larger than the interval shows"


def notes(forecasts: pd.DataFrame, season_length: int = 4) -> list[str]:
    """A report's sentence on the series of ``forecasts`` (``unique_id, history``) with a short
    history; none when every series has two seasonal cycles or more (or no ``history``)."""
    if "history" not in forecasts or forecasts.empty:
        return []
    quarters = forecasts.groupby("unique_id")["history"].min()
    few = quarters[[is_short(int(n), season_length) for n in quarters]]
    if few.empty:
        return []
    if len(few) == len(quarters) and few.nunique() == 1:
        n = int(few.iloc[0])
        return [
            n_(
                "Note: only {n} quarter of history: the uncertainty is larger than the interval "
                "shows.",
                "Note: only {n} quarters of history: the uncertainty is larger than the interval "
                "shows.",
                n,
            ).format(n=n)
        ]
    few = few.sort_values(kind="stable")
    named = _(", ").join(f"{uid} ({int(n)})" for uid, n in few.head(NAMED).items())
    if len(few) <= NAMED:
        return [
            _(
                "Note: only a few quarters of history for {named}: their uncertainty is larger "
                "than their intervals show."
            ).format(named=named)
        ]
    return [
        _(
            "Note: {n} series have only {low} to {high} quarters of history (the shortest: "
            "{named}): their uncertainty is larger than their intervals show."
        ).format(n=len(few), low=int(few.iloc[0]), high=int(few.iloc[-1]), named=named)
    ]

"""Which sales a target covers, and how shares of gaps that go both ways are stated.

A target row covers the sales lines of its quarter and channel that match it on every finer
dimension it names: a row with a blank ``region`` is for the whole channel, a row for
``Distributor / East China`` covers that region only. Sales no target row covers are *untargeted*:
they are shown beside the targets and never counted in an attainment, so a company with quotas for
one channel is judged on that channel's sales alone.

Shares of a gap: when every gap goes the way of the total (all short, or all over), each is a share
of the total gap and they add up to 100 %. When gaps go both ways, a share of the net gap would run
past 100 %; then each shortfall is a share of the sum of shortfalls and each excess a share of the
sum of excesses (:func:`side_shares`), and the report says so (:func:`share_rule`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.i18n import _
from analysis.core.quarters import FiscalCalendar


def grains(rows: pd.DataFrame, dims: list[str]) -> pd.Series:
    """Per target row, the finer dimensions it names (a tuple, ``()`` for a whole channel)."""
    if not dims or rows.empty:
        return pd.Series([()] * len(rows), index=rows.index, dtype="object")
    named = rows[dims].notna().to_numpy()
    return pd.Series(
        [tuple(d for d, on in zip(dims, flags, strict=True) if on) for flags in named],
        index=rows.index,
        dtype="object",
    )


def covered(
    lines: pd.DataFrame, rows: pd.DataFrame, calendar: FiscalCalendar, dims: list[str]
) -> np.ndarray:
    """Mask of the sales ``lines`` (with ``date``, ``channel`` and ``dims``) a target row covers.

    ``rows`` are :func:`~analysis.targets.attainment.targets_for` rows (``period, channel,
    <dims...>``) of the quarters the lines are in.
    """
    mask = np.zeros(len(lines), dtype=bool)
    if rows.empty or lines.empty:
        return mask
    period = calendar.periods(lines["date"]).astype(str).to_numpy()
    rows = rows.assign(_p=rows["period"].astype(str))
    for grain, group in rows.groupby(grains(rows, dims), sort=False):
        keys = ["channel", *grain]
        wanted = pd.MultiIndex.from_frame(group[["_p", *keys]].astype(str))
        have = pd.MultiIndex.from_arrays([period, *(lines[k].astype(str).to_numpy() for k in keys)])
        mask |= have.isin(wanted)
    return mask


def side_shares(gap: pd.Series, total: float) -> pd.Series:
    """Each gap's share: of the total when all go its way, else of the sum of its own side.

    ``gap`` holds the gaps of targeted rows (NaN rows get NaN); ``total`` is their sum. A gap of 0
    counts on the side of the total, with a share of 0.
    """
    values = gap.astype("float64")
    if values.notna().sum() == 0:
        return values * np.nan
    up = values >= 0 if total > 0 else values > 0
    short = values.notna() & ~up
    over = values.notna() & up
    sums = pd.Series(np.where(short, values[short].sum(), values[over].sum()), index=values.index)
    return (values / sums.where(sums != 0)).where(values.notna())


def mixed(gap: pd.Series) -> bool:
    """Whether the targeted gaps go both ways (some short of target, some over)."""
    values = gap.dropna()
    return bool((values < 0).any() and (values > 0).any())


def share_rule(gap: pd.Series) -> str:
    """The sentence that says what the shares of the gaps in ``gap`` are of."""
    if mixed(gap):
        return _(
            "The gaps go both ways, so each shortfall is shown as a share of the sum of "
            "shortfalls and each excess as a share of the sum of excesses; the shares of one side "
            "add up to 100 %."
        )
    return _("Each share is of the total gap; the gaps add up to it (100 %).")

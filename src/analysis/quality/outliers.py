"""Which return rates are abnormally high once size is accounted for: a scaled Poisson test.

Returned units come in lumps: one complaint sends back much of a line. So a customer who bought 10
units and returned 6 of them in one return is no evidence of a quality problem, while a customer
who bought 5,000 units and returned 600 in thirty returns is. The test, per peer (a customer, or a
product):

1. **Expected returns** at the reference rate (the company's, or the channel's for a customer):
   ``expected = rate * gross units``.
2. **Lumps.** Returned units are a compound Poisson sum: returns arrive as a Poisson count and
   each brings back ``s`` units, so their variance is ``phi`` times their mean with ``phi = Σ s² /
   Σ s`` over the return lines (:func:`dispersion`). Dividing units by ``phi`` gives a Poisson
   count with the same mean and variance (the scaled, or quasi-, Poisson).
3. **p-value**: the chance of returning at least the units it did, ``P(Poisson(expected / phi)
   >= returned / phi)`` (``scipy.stats.gamma``: the Poisson tail, continuous in the count).
4. **False discovery rate**: the p-values of all peers together are adjusted by Benjamini-Hochberg
   (``statsmodels.stats.multitest.multipletests``); a peer is flagged when its q-value is at most
   the level (5 % by default), its unit rate is above the reference and it had at least
   :data:`MIN_RETURNS` returns: one or two returns are an anecdote, whatever their size.

A peer that returned more units than it bought in the quarter (returns of earlier sales) is
counted as having bought what it returned; a peer without gross units is not tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

#: The default false discovery rate.
LEVEL = 0.05
#: Fewer return lines than this are never flagged.
MIN_RETURNS = 3


def dispersion(line_units: object) -> float:
    """``phi = Σ s² / Σ s`` over return lines' units ``s`` (1 without any return line)."""
    s = np.abs(np.asarray(line_units, dtype="float64"))
    total = s.sum()
    return float(max((s**2).sum() / total, 1.0)) if total > 0 else 1.0


def screen(
    returned: object,
    gross: object,
    rate: object,
    phi: object,
    returns: object,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Per peer: ``expected_units``, ``p_value``, ``q_value`` and ``flagged``.

    ``returned`` and ``gross`` are the peers' returned (the sign is ignored) and gross units,
    ``rate`` the reference unit rate and ``phi`` the lump size (:func:`dispersion`), each one
    number or one per peer; ``returns`` the peers' numbers of return lines. Untested peers (no
    gross units) have NaN p- and q-values.
    """
    r = np.abs(np.asarray(returned, dtype="float64"))
    n = np.maximum(np.clip(np.asarray(gross, dtype="float64"), 0, None), r)
    rate = np.broadcast_to(np.asarray(rate, dtype="float64"), r.shape)
    phi = np.broadcast_to(np.maximum(np.asarray(phi, dtype="float64"), 1.0), r.shape)
    expected = rate * n
    tested = n > 0
    p = np.full(len(r), np.nan)
    some = tested & (r > 0)
    p[tested] = 1.0
    p[some] = stats.gamma.cdf(expected[some] / phi[some], a=r[some] / phi[some])
    q = np.full(len(r), np.nan)
    if tested.any():
        q[tested] = multipletests(p[tested], alpha=level, method="fdr_bh")[1]
    own = np.divide(r, n, out=np.zeros(len(r)), where=tested)
    enough = np.asarray(returns, dtype="int64") >= MIN_RETURNS
    flagged = tested & enough & (np.nan_to_num(q, nan=1.0) <= level) & (own > rate)
    return pd.DataFrame(
        {"expected_units": expected, "p_value": p, "q_value": q, "flagged": flagged}
    )

"""Which return rates are abnormally high once size is accounted for: a scaled Poisson test.

Returned units come in lumps: one complaint sends back much of a line. So a customer who bought 10
units and returned 6 of them in one return is no evidence of a quality problem, while a customer
who bought 5,000 units and returned 600 in thirty returns is. The test, per peer (a customer, or a
product), against the other peers together:

1. **Lumps.** Returned units are a compound Poisson sum: returns arrive as a Poisson count and
   each brings back ``s`` units, so their variance is ``phi`` times their mean with ``phi = Σ s² /
   Σ s`` over the return lines (:func:`dispersion`). Dividing units by ``phi`` gives Poisson
   counts with the same mean and variance (the scaled, or quasi-, Poisson).
2. **Two rates compared.** If the peer returned at the others' rate, its share of all returned
   (scaled) units would follow a binomial with its share of all gross units: the conditional test
   of two Poisson rates. The p-value is the chance of a share at least as large as the peer's
   (``scipy.stats.beta``: the binomial tail, continuous in the counts). The others' own sampling
   error is so accounted for: a peer is not flagged against a rate measured on a handful of units.
3. **False discovery rate**: the p-values of all peers together are adjusted by Benjamini-Hochberg
   (``statsmodels.stats.multitest.multipletests``); a peer is flagged when its q-value is at most
   the level (5 % by default), its unit rate is above the others' and it had at least
   :data:`MIN_RETURNS` returns: one or two returns are an anecdote, whatever their size.

A peer that returned more units than it bought in the quarter (returns of earlier sales) is
counted as having bought what it returned; a peer without gross units, or without others to
compare with, is not tested.
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
    others_returned: object,
    others_gross: object,
    phi: object,
    returns: object,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Per peer: ``reference_rate`` (the others' unit rate), ``p_value``, ``q_value``, ``flagged``.

    ``returned`` and ``gross`` are the peers' returned (the sign is ignored) and gross units,
    ``others_*`` the same of the other peers they are compared with, ``phi`` the lump size
    (:func:`dispersion`, one number or one per peer) and ``returns`` the peers' numbers of return
    lines. Untested peers have NaN p- and q-values.
    """
    r1, n1 = _units(returned, gross)
    r2, n2 = _units(others_returned, others_gross)
    phi = np.broadcast_to(np.maximum(np.asarray(phi, dtype="float64"), 1.0), r1.shape)
    tested = (n1 > 0) & (n2 > 0)
    p = np.full(len(r1), np.nan)
    p[tested] = 1.0
    some = tested & (r1 > 0)
    share = n1[some] / (n1[some] + n2[some])
    p[some] = stats.beta.cdf(share, r1[some] / phi[some], r2[some] / phi[some] + 1.0)
    q = np.full(len(r1), np.nan)
    if tested.any():
        q[tested] = multipletests(p[tested], alpha=level, method="fdr_bh")[1]
    own = np.divide(r1, n1, out=np.zeros(len(r1)), where=n1 > 0)
    reference = np.divide(r2, n2, out=np.full(len(r2), np.nan), where=n2 > 0)
    enough = np.asarray(returns, dtype="int64") >= MIN_RETURNS
    flagged = tested & enough & (np.nan_to_num(q, nan=1.0) <= level) & (own > reference)
    return pd.DataFrame(
        {"reference_rate": reference, "p_value": p, "q_value": q, "flagged": flagged}
    )


def _units(returned: object, gross: object) -> tuple[np.ndarray, np.ndarray]:
    """Returned units (>= 0) and gross units, at least the returned ones."""
    r = np.abs(np.asarray(returned, dtype="float64"))
    return r, np.maximum(np.clip(np.asarray(gross, dtype="float64"), 0, None), r)

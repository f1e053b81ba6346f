"""Exact duplicate sales lines: every column read equal to an earlier line's.

An order line exported twice, or a file concatenated with itself, doubles revenue silently. The
loader counts such lines and warns (``duplicates: keep``, the default: two identical lines can be
two real sales), or sets the second and later copies aside (``duplicates: reject``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Rows a warning names at most.
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Copies:
    """Which rows repeat an earlier one (``first``: the position of the first copy of each row)."""

    first: np.ndarray
    sizes: np.ndarray  # copies of each distinct line

    @property
    def later(self) -> np.ndarray:
        """Second and later copies."""
        return self.first != np.arange(len(self.first))

    @property
    def all_twice(self) -> bool:
        """Every line appears exactly twice: a file read or concatenated twice."""
        return len(self.sizes) > 0 and bool((self.sizes == 2).all())


def copies(frame: pd.DataFrame, headers: list[str]) -> Copies:
    """The copies among ``frame``'s rows, compared on ``headers`` (missing equals missing)."""
    n = len(frame)
    if not headers or n == 0:
        return Copies(np.arange(n), np.ones(n, dtype=np.int64))
    groups = frame[headers].groupby(headers, sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(n)).groupby(groups).transform("min").to_numpy()
    return Copies(first, np.bincount(groups))


def warning(count: int, rows: Sequence[int], all_twice: bool) -> str:
    """What a reader must know about ``count`` duplicates kept, ``rows`` the first of them."""
    shown = ", ".join(map(str, rows[:SHOWN_ROWS])) + (", ..." if count > SHOWN_ROWS else "")
    lines = f"{count:,} line{'s are' if count != 1 else ' is an'} exact duplicate"
    lines += f"{'s' if count != 1 else ''} of an earlier line (row {shown})"
    if all_twice:
        return (
            f"{lines}: every line appears exactly twice, so the file was most likely read or "
            "concatenated twice and its revenue counts double; set duplicates: reject to keep "
            "one copy of each"
        )
    return f"{lines}; a file read twice? set duplicates: reject to set them aside"

"""What :mod:`analysis.data.pushdown` hands an engine and expects back: the source columns a sum
needs with their kinds (``Columns``), the three calls every engine answers (``Engine``), and the
whitespace both engines look for.

Kept apart so that the two engines (:mod:`analysis.data.pushdown_duckdb`,
:mod:`analysis.data.pushdown_sqlalchemy`) and the module that drives them share these without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from analysis.core import schema
from analysis.data.config import SALES_COLUMNS
from analysis.data.rules import MAX_AMOUNT

#: What ``str.isspace`` calls whitespace: required text starting with one is looked at in Python.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


#: Revenue at or beyond this size is summed in Python: below it the float64 reading of an amount
#: with up to 6 decimals is exact and never a half-way case, whatever the database's ``round``.
SUMMED_BELOW = 2**30


@dataclass(frozen=True)
class Columns:
    """The source columns a sum needs and their kinds: ``number``, ``date`` (a plain date or
    timestamp), ``text`` or ``other`` (anything else: always judged in Python)."""

    found: dict[str, str]  # canonical name -> source header
    kinds: dict[str, str]  # source header -> kind
    by: list[str]
    daily: bool = False  # groups by day instead of month
    max_amount: float = MAX_AMOUNT  # beyond it a line is implausible: judged in Python

    def kind(self, name: str) -> str:
        return self.kinds[self.found[name]]

    @property
    def checked_text(self) -> list[str]:
        """Required text columns not summed by: only their blanks matter."""
        return [
            n
            for n in SALES_COLUMNS
            if n in self.found and n in schema.SALES_REQUIRED and n not in self.by
            and n not in ("date", "quantity", "revenue")
        ]  # fmt: skip

    @property
    def headers(self) -> list[str]:
        """The source columns read: lines equal in all of them are duplicates."""
        return list(dict.fromkeys(self.found.values()))

    @property
    def numbers(self) -> list[str]:
        return [n for n in ("quantity", "revenue", "unit_price") if n in self.found]


@dataclass(frozen=True)
class Copies:
    """Exact duplicate lines as an engine counts them: second and later copies, whether every
    line appears exactly twice, and the row numbers of the first few later copies."""

    later: int
    all_twice: bool
    rows: list[int]

    @classmethod
    def of(cls, sizes: list[tuple[int, int]], rows: list[int]) -> Copies:
        """From (copies of a line, how many lines have that many) pairs."""
        later = sum((size - 1) * lines for size, lines in sizes)
        return cls(later, later > 0 and all(size == 2 for size, _ in sizes), rows)


class Engine(Protocol):
    """An engine: counts the lines, sums them per group, fetches the lines of some groups,
    finds exact duplicate lines."""

    def count(self) -> int: ...

    def copies(self, columns: Columns) -> Copies: ...

    def sum(self, columns: Columns) -> pd.DataFrame: ...

    def look(self, columns: Columns, bad: dict[str, list[object]]) -> pd.DataFrame: ...

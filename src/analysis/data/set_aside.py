"""Sales lines set aside: each row's reason, duplicates, and the error when too many are.

Kept apart from :mod:`analysis.data.validate`, which reads each column, so that the bookkeeping
of what is set aside and why (and the message that says what to do about it) reads on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.core.errors import DataError
from analysis.core.errors import shown as quoted
from analysis.data.duplicates import copies
from analysis.data.duplicates import warning as duplicate_warning
from analysis.data.rules import FILLABLE, NUMBER_COLUMNS
from analysis.data.sources import RawTable

EXPECTED = {
    "date": "a date such as 2025-12-31 (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD), or one in the "
    "format the source names with date_format:",
    "number": "a number such as 1234.50",
    "text": "a value",
}
#: How the report counts the lines ``duplicates: reject`` sets aside (each names its first copy).
DUPLICATE = "duplicate of an earlier line"


@dataclass
class SetAside:
    """What the sales loader builds: columns, each row's reason (the first problem found) and
    cause (the reason as counted), the problems met, blank cells filled and warnings."""

    n: int
    data: dict[str, pd.Series] = field(default_factory=dict)
    problems: list[tuple[str, str, np.ndarray, str | None]] = field(default_factory=list)
    filled: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reasons = np.full(self.n, "", dtype=object)
        self.causes = np.full(self.n, "", dtype=object)

    @property
    def kept(self) -> np.ndarray:
        return self.reasons == ""

    def flag(
        self,
        bad: np.ndarray,
        reason: str | np.ndarray,
        name: str,
        header: str | None,
        cause: str | None = None,
    ) -> None:
        """Set rows aside with ``reason`` (one, or one per row) unless set aside already;
        ``header`` is the source column whose values the error quotes (None: nothing to quote)."""
        new = bad & self.kept
        if not new.any():
            return
        cause = str(reason) if cause is None else cause
        self.reasons[new] = reason[new] if isinstance(reason, np.ndarray) else reason
        self.causes[new] = cause
        self.problems.append((name, cause, new, header))


def flag_duplicates(rows: SetAside, raw: RawTable, headers: list[str], duplicates: str) -> None:
    """Exact duplicate lines: set aside (``reject``, unless set aside already) or kept with a
    warning (``keep``)."""
    found = copies(raw.frame, list(dict.fromkeys(headers)))
    later = found.later
    if duplicates == "reject":
        later &= rows.kept
        of = np.full(len(later), "", dtype=object)
        of[later] = [f"duplicate of row {row}" for row in raw.rows[found.first[later]]]
        rows.flag(later, of, "duplicates", None, DUPLICATE)
    elif later.any():
        copied = raw.rows[later]
        rows.warnings.append(duplicate_warning(len(copied), copied.tolist(), found.all_twice))


def too_many(
    raw: RawTable,
    rows: SetAside,
    rejected: Mapping[str, int],
    limit: float,
    hints: Sequence[str] = (),
) -> DataError:
    """More lines set aside than ``max_rejected_share`` allows: the reasons, the first rows of
    each, what would read them (``hints``, e.g. a date format), and the column that sets most
    aside with what to do about it."""
    details = []
    for name, cause, bad, header in rows.problems:
        numbers = raw.rows[bad]
        shown = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
        if header is None:  # computed, or a duplicate: the reason says it all
            details.append(f"row {shown}: {cause}")
            continue
        problem = cause.removeprefix(f"{name}: ")
        kind = "date" if name == "date" else "number" if name in NUMBER_COLUMNS else "text"
        plain = not problem.startswith("implausible") and "(expected" not in problem
        expected = f" (expected {EXPECTED[kind]})" if plain else ""
        column = name if header == name else f"{name} (column {quoted(header)})"
        values = raw.frame.loc[bad, header]
        details.append(f"row {shown}: {column} {values_shown(values)} is {problem}{expected}")
    total, n = sum(rejected.values()), len(raw.frame)
    counts = ", ".join(f"{reason} {count:,}" for reason, count in rejected.items())
    error = DataError(
        f"{total:,} of {n:,} rows ({total / n:.1%}) cannot be used, more than "
        f"max_rejected_share {limit:.1%} allows ({counts}). "
        + "; ".join([*details, *hints])
        + f". {advice(rejected)}",
        source=raw.label,
    )
    return located(error, raw.rows[~rows.kept])


def advice(rejected: Mapping[str, int]) -> str:
    """What to do about the cause that sets most lines aside."""
    worst, most = max(rejected.items(), key=lambda item: item[1])
    if worst == DUPLICATE:
        return f"Most ({most:,}) are duplicates of earlier lines: is a file read twice?"
    name, _, problem = worst.partition(": ")
    text = f"The column that sets most aside is {name} ({most:,} rows: {problem})"
    if problem == "empty" and name in FILLABLE:
        return (
            f"{text}; if a blank {name} is normal in this export, give it a value under the "
            f'source, e.g. fill: {{{name}: "(no {name})"}}, or raise max_rejected_share'
        )
    return f"{text}; check which source column is mapped to {name}, or raise max_rejected_share"


def values_shown(values: pd.Series, limit: int = 3) -> str:
    """The first distinct values of some cells, for a message."""
    distinct = list(dict.fromkeys(values.astype("str").fillna("").tolist()))
    shown = ", ".join(repr(value) for value in distinct[:limit])
    return shown + (f" and {len(distinct) - limit} other values" if len(distinct) > limit else "")


def located(error: DataError, rows: np.ndarray, column: str | None = None) -> DataError:
    """Attach the first rows and the column to an error whose message already names them."""
    error.rows, error.column = rows[:100].tolist(), column
    return error

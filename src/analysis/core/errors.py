"""One exception hierarchy, so that the command line can print a single clear line for any of them.

Every error carries what a user needs to act: which file, rows and column, and what was expected.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence

_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxdict = _SHOWN.maxset = 5
_SHOWN.maxlevel = 2


def shown(value: object) -> str:
    """A value as a message quotes it (``repr``), cut short: at most 60 characters of a text and
    five items of a list or mapping, two levels deep, so that a hostile value never floods a
    message (or takes long to print)."""
    return _SHOWN.repr(value)


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class ConfigError(WorkbenchError):
    """The run configuration (YAML) is missing, malformed or asks for something impossible."""


class DataError(WorkbenchError):
    """Input data cannot be used as it is.

    ``source`` names the file or query, ``column`` the column (canonical or as in the file),
    ``rows`` the first offending row numbers as a user sees them (a spreadsheet's line numbers,
    header = row 1), and ``expected`` says what would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: str | None = None,
        rows: Sequence[int] = (),
        expected: str | None = None,
    ) -> None:
        self.source = source
        self.column = column
        self.rows = list(rows)
        self.expected = expected
        parts = [message]
        if column is not None:
            parts.append(f"column {column!r}")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            more = f" and {len(self.rows) - 5} more" if len(self.rows) > 5 else ""
            parts.append(f"row {shown}{more}")
        if expected:
            parts.append(f"expected {expected}")
        text = "; ".join(parts)
        super().__init__(f"{source}: {text}" if source else text)


class ParameterError(WorkbenchError):
    """A report parameter is unknown, set by the run itself, or not an allowed value."""


class RunError(WorkbenchError):
    """A run failed: a notebook (``notebook``, ``cell``, the exception's ``ename`` and
    ``evalue``), or the run could not start or publish."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.ename = ename
        self.evalue = evalue


class PublishError(WorkbenchError):
    """The report cannot be written where it should go: the output folder is not a folder or not
    writable, or the disk filled up. The last good report is left as it was."""

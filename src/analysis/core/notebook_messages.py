"""The texts a notebook shows readers, for the message catalogs: Babel's extractor for ``.ipynb``.

A markdown cell is one message, its whole text (the exporter looks each cell up by that text,
:func:`markdown`); a code cell is read by Babel's own Python extractor, so ``_()`` in a notebook
is found like ``_()`` in the package. ``babel.cfg`` names :func:`extract` for ``notebooks/``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

from analysis.core.i18n import _


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str | tuple[str, ...], list[str]]]:
    """Babel's extraction method for a notebook: (cell number, function, message, comments)."""
    notebook = json.loads(fileobj.read().decode("utf-8"))
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown" and source.strip():
            yield number, None, source.strip(), []
        elif cell.get("cell_type") == "code":
            code = io.BytesIO(source.encode("utf-8"))
            for _line, funcname, message, comments in extract_python(
                code, keywords, comment_tags, options
            ):
                yield number, funcname, message, comments


def markdown(source: str) -> str:
    """A markdown cell's text in the current language (as it is when it has no translation)."""
    text = source.strip()
    return _(text) if text else source

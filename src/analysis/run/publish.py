"""Putting a quarter's report in place so that readers never see a half-written or broken one.

Everything is built in ``<out>/.staging/`` and swapped into ``<out>/<quarter>/`` at the end; one
run per quarter at a time (a lock file), any number of quarters side by side.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analysis.core.errors import RunError

SUMMARY = "summary.json"


@contextmanager
def quarter_lock(out: Path, label: str) -> Iterator[None]:
    """Refuse a second simultaneous run of the same quarter into the same folder."""
    locks = out / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{label}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another run for {label} into {out} is in progress") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap_in(staging: Path, final: Path) -> Path:
    """Replace ``final`` by ``staging``; the old report goes only once the new one is in place."""
    old = staging.with_name(staging.name + "-previous")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
    return final


def write_atomic(path: Path, text: str) -> None:
    """Write via a unique temporary file and rename, so readers see the old or the new file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def page(title: str, body: str) -> str:
    """A small self-contained HTML page (index pages)."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}"
        "td,th{padding:0.2rem 0.8rem;text-align:left}td.num{text-align:right}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def quarter_index(title: str, reports: Sequence[tuple[str, str]], headline: str) -> str:
    """The quarter's landing page: its headline and a link to each report (file, title)."""
    items = "".join(
        f"<li><a href='{html.escape(name)}.html'>{html.escape(report_title)}</a></li>"
        for name, report_title in reports
    )
    body = (
        f"<p><a href='../index.html'>All quarters</a></p><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(headline)}</p><ul>{items}</ul>"
    )
    return page(title, body)


def write_root_index(out: Path) -> None:
    """``<out>/index.html``: every published quarter, newest first, with its headline figures."""
    rows = []
    for folder in sorted(out.iterdir(), key=lambda p: p.name, reverse=True):
        summary = folder / SUMMARY
        if folder.name.startswith(".") or not summary.is_file():
            continue
        info = json.loads(summary.read_text(encoding="utf-8"))
        cells = "".join(
            f"<td class='num'>{html.escape(str(info.get(key, '–')))}</td>"
            for key in ("revenue", "change", "attainment")
        )
        rows.append(
            f"<tr><td><a href='{html.escape(folder.name)}/index.html'>"
            f"{html.escape(folder.name)}</a></td>{cells}</tr>"
        )
    table = (
        "<table><tr><th>Quarter</th><th>Revenue</th><th>Change on a year earlier</th>"
        f"<th>Attainment</th></tr>{''.join(rows)}</table>"
    )
    write_atomic(
        out / "index.html", page("Quarterly reports", f"<h1>Quarterly reports</h1>{table}")
    )

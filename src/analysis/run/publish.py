"""Putting a quarter's report in place so that readers never see a half-written or broken one.

Everything is built in ``<out>/.staging/`` and swapped into ``<out>/<quarter>/`` at the end; one
run per quarter at a time (a lock file), any number of quarters side by side.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.core.errors import RunError


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

"""Putting a quarter's report in place so that readers never see a half-written or broken one.

Everything is built in ``<out>/.staging/`` and swapped into ``<out>/<quarter>/`` at the end; one
run per quarter at a time (a lock file), any number of quarters side by side.
"""

from __future__ import annotations

import fcntl
import os
import shutil
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
    """Replace ``final`` by ``staging``; the old report goes only once the new one is in place,
    and comes back if the new one cannot be put there."""
    old = staging.with_name(staging.name + "-previous")
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except OSError:
        if old.exists():
            os.replace(old, final)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return final


def clean_stale(out: Path) -> list[str]:
    """Remove what killed runs left in ``<out>/.staging/``: the folders of every quarter whose lock
    is free (no run of it is going on). Returns the names removed."""
    work = out / ".staging"
    if not work.is_dir():
        return []
    removed = []
    for label in sorted({entry.name.split("-")[0] for entry in work.iterdir()}):
        try:
            with quarter_lock(out, label):
                for entry in work.glob(f"{label}-*"):
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                    removed.append(entry.name)
        except RunError:  # that quarter is being run now: its folders are in use
            continue
    return removed

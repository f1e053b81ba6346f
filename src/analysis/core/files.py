"""Writing a file so that readers see the old version or the new one, never half of it.

Used for every file that is shared between runs (the index of all quarters, the forecast ledger).
The temporary file is created private (``mkstemp``); the file put in place gets the permissions a
plainly created file would (``0644`` under the usual umask), so a web server can serve it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_atomic(path: Path, content: str | Callable[[TextIO], None]) -> None:
    """Write ``content`` (text, or a function writing to the open file) to ``path`` atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

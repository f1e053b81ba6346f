"""Executing one report notebook with papermill, and what a failure tells the user.

The kernel talks to the runner over Unix sockets in a private folder (IPC transport), not over
TCP ports that any user of a shared machine could reach. A failed cell becomes a
:class:`~analysis.core.errors.RunError` carrying the notebook, the cell, the exception's name and
message; the traceback goes to the run log, and the executed notebook is kept for debugging.
"""

from __future__ import annotations

import errno
import logging
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

import papermill as pm
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from analysis.core.errors import RunError

log = logging.getLogger(__name__)
logging.getLogger("papermill").setLevel(logging.WARNING)  # our own progress lines are enough

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Errors of a full or read-only disk, or of permissions: not the notebook's fault.
_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
#: Log records for the run's log file only (a terminal gets the one-line error).
FILE_ONLY = {"file_only": True}


def execute(
    notebook: Path,
    target: Path,
    values: dict[str, Any],
    timeout: int,
    failed: Path,
    stream: TextIO | None = None,
) -> None:
    """Run ``notebook`` with ``values`` into ``target`` (its folder is the kernel's working
    folder); on failure copy the executed notebook into ``failed`` and raise :class:`RunError`.

    ``stream`` receives what the notebook writes to stderr as it writes it (a terminal sees the
    forecast's progress bar move); the executed notebook keeps it too."""
    log.info("running %s ...", notebook.name)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sales-kernel-") as sockets:
        kernel = Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}})
        try:
            pm.execute_notebook(
                str(notebook),
                str(target),
                parameters=values,
                kernel_name="python3",
                execution_timeout=timeout,
                progress_bar=False,
                # the kernel's working folder, without changing this process's (threads share it)
                resources={"metadata": {"path": str(target.parent)}},
                config=kernel,
                # the kernel's own log: jupyter_client interrupts every kernel it shuts down, and
                # a kernel interrupted while answering logs an error that means nothing here
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                stderr_file=stream,
            )
        except PapermillExecutionError as exc:
            kept = _keep(target, failed)
            trace = _ANSI.sub("", "\n".join(exc.traceback))
            log.error("%s traceback:\n%s", notebook.name, trace, extra=FILE_ONLY)
            raise RunError(
                f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
                f"(executed notebook kept in {kept})",
                notebook=notebook.name,
                cell=exc.exec_count,
                ename=exc.ename,
                evalue=exc.evalue,
            ) from exc
        except Exception as exc:  # kernel died, timeout, ...: the same one-line report
            if isinstance(exc, OSError) and exc.errno in _DISK:
                raise  # the disk, not the notebook: the runner reports it as such
            _fail_other(notebook, target, failed, exc)
    log.info("%s done in %.1f s", notebook.name, time.perf_counter() - t0)


def _fail_other(notebook: Path, target: Path, failed: Path, exc: Exception) -> None:
    kept = _keep(target, failed)
    log.error("%s did not finish", notebook.name, exc_info=exc, extra=FILE_ONLY)
    cause = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    raise RunError(
        f"{notebook.name} did not finish: {type(exc).__name__}: {cause} "
        f"(executed notebook kept in {kept})",
        notebook=notebook.name,
        ename=type(exc).__name__,
        evalue=cause,
    ) from exc


def _keep(target: Path, failed: Path) -> Path:
    failed.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, failed / target.name)
    return failed

"""``manifest.json``: what a published report was made from, so that it can be reproduced.

Parameters, input checksums, row counts, package versions and the project's git revision; never a
password or an absolute path.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from collections.abc import Iterable, Mapping
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.core.bundled import PACKAGE_DIR
from analysis.data.config import SourceConfig
from analysis.data.load import Dataset

PACKAGES = (
    "pandas", "numpy", "matplotlib", "statsmodels", "statsforecast", "hierarchicalforecast",
    "papermill", "nbconvert", "duckdb", "sqlalchemy", "pyarrow",
)  # fmt: skip


def inputs(dataset: Dataset) -> list[dict[str, Any]]:
    """Each source with the checksums of its files, taken when the run has just loaded them."""
    cfg = dataset.config
    sources = [("sales", cfg.sales)] + ([("targets", cfg.targets)] if cfg.targets else [])
    return [
        {"role": role, "label": source.label, "files": checksums(source)}
        for role, source in sources
    ]


def build(
    dataset: Dataset,
    sources: list[dict[str, Any]],
    parameters: Mapping[str, Any],
    reports: Iterable[str],
    started: datetime,
    finished: datetime,
) -> dict[str, Any]:
    """The manifest of one run (JSON-serialisable); ``sources`` from :func:`inputs`."""
    cfg = dataset.config
    return {
        "workbench_version": __version__,
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "parameters": dict(parameters),
        "reports": list(reports),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "currency": cfg.currency,
        "fiscal_year_start_month": cfg.fiscal_year_start_month,
        "sources": sources,
        "rows": [report.to_dict() for report in dataset.reports],
    }


def checksums(source: SourceConfig) -> list[dict[str, str]]:
    """SHA-256 of each input file (file names as labelled); empty for a SQL source."""
    if source.path is None:
        return []
    path = Path(source.path)
    if source.is_glob:
        files, base = sorted(path.parent.glob(path.name)), path.parent
    elif path.is_dir():
        files, base = sorted(p for p in path.rglob("*") if p.is_file()), path
    else:
        files, base = [path], path.parent
    return [{"file": f.relative_to(base).as_posix(), "sha256": _sha256(f)} for f in files]


def package_versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def git_revision() -> str | None:
    """The project's commit, with ``+dirty`` when the work tree has changes; None outside git."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(PACKAGE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PACKAGE_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{rev}+dirty" if dirty else rev


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

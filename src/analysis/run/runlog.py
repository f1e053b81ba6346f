"""The log file of one run, written as the run goes, so a killed run leaves its log.

It starts as ``logs/run-<time>-<pid>.log`` and is renamed ``logs/<quarter>-<time>.log`` once the
quarter is known (the open file keeps being written after the rename).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(message)s")


class RunLog:
    """A handler on the root logger for the duration of one run."""

    def __init__(self, folder: Path, stamp: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.stamp = stamp
        self.path = folder / f"run-{stamp}-{os.getpid()}.log"
        self.handler = logging.FileHandler(self.path, encoding="utf-8")
        self.handler.setFormatter(_FORMAT)
        root = logging.getLogger()
        root.addHandler(self.handler)
        if root.getEffectiveLevel() > logging.INFO:
            root.setLevel(logging.INFO)

    def name_for(self, label: str) -> None:
        """From now on the log is ``<label>-<time>.log``."""
        named = self.path.with_name(f"{label}-{self.stamp}.log")
        os.replace(self.path, named)
        self.path = named

    def close(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()

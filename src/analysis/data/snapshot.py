"""A loaded, validated dataset written to a folder and read back: one load per run.

The runner loads and validates the sources once and hands every notebook of the run this
snapshot (Parquet frames and the row accounting as JSON), so a large workbook or a database is
read once, and every report describes exactly the same rows. The configuration itself is not
stored (it may hold credentials): the reader takes the parsed configuration of the run.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.core.errors import ConfigError
from analysis.data.config import RunConfig
from analysis.data.load import Dataset
from analysis.data.validate import LoadReport

_INDEX = "snapshot.json"


def write(dataset: Dataset, folder: Path) -> Path:
    """Write ``dataset`` into ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset.sales.to_parquet(folder / "sales.parquet", index=False)
    if dataset.targets is not None:
        dataset.targets.to_parquet(folder / "targets.parquet", index=False)
    rejected = []
    for i, (key, frame) in enumerate(dataset.rejected.items()):
        name = f"rejected-{i}.parquet"
        _parquet(frame, folder / name)
        rejected.append({"key": key, "file": name})
    index = {
        "targets": dataset.targets is not None,
        "reports": [r.to_dict() for r in dataset.reports],
        "rejected": rejected,
        "as_of": dataset.as_of.isoformat() if dataset.as_of else None,
    }
    (folder / _INDEX).write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return folder


def read(folder: Path, config: RunConfig) -> Dataset:
    """The dataset :func:`write` stored in ``folder``, with the run's ``config``."""
    try:
        index = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"snapshot: no loaded data in {folder.name} ({exc})") from None
    return Dataset(
        config=config,
        sales=pd.read_parquet(folder / "sales.parquet"),
        targets=_blanks_as_loaded(pd.read_parquet(folder / "targets.parquet"))
        if index["targets"]
        else None,
        reports=[LoadReport(**r) for r in index["reports"]],
        rejected={r["key"]: pd.read_parquet(folder / r["file"]) for r in index["rejected"]},
        as_of=date.fromisoformat(index["as_of"]) if index.get("as_of") else None,
    )


def _blanks_as_loaded(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets with a blank finer dimension as the loader has them (NaN): Parquet gives them
    back as None, which pandas will not count as equal to NaN."""
    text = targets.select_dtypes(include="object").columns
    return targets.assign(**{c: targets[c].where(targets[c].notna(), np.nan) for c in text})


def _parquet(frame: pd.DataFrame, path: Path) -> None:
    """Rows set aside keep their values as read; a column mixing kinds (a number here, text
    there, as spreadsheets have them) is stored as the text a reader sees."""
    try:
        frame.to_parquet(path, index=False)
    except (pa.ArrowException, TypeError, ValueError):
        mixed = frame.select_dtypes(include="object").columns
        shown = {c: frame[c].map(lambda v: None if v is None or v != v else str(v)) for c in mixed}
        frame.assign(**shown).to_parquet(path, index=False)

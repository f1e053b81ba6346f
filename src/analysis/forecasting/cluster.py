"""Forecasting on a Dask cluster: the per-series work of the forecaster, through Fugue.

When one machine is not enough, the run configuration names a cluster (``cluster:
tcp://scheduler:8786``). Everything that needs all series at once stays on the machine that runs
the notebook: the pooled member's fit and the calibration plan, a few arrays per series. The local
models, the expensive part, run series by series on the cluster's workers through Fugue (the
integration statsforecast's own distributed backend uses), and one row per series comes back.
The workers need the workbench installed, as the machine that runs the notebook has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.core.errors import ConfigError

if TYPE_CHECKING:
    from analysis.forecasting.forecaster import _Result, _Task

#: One task as the cluster receives it (Arrow types, so lists stay lists of numbers).
INPUT = pa.schema(
    [
        ("key", pa.int64()),
        ("y", pa.list_(pa.float64())),
        ("h", pa.int64()),
        ("m", pa.int64()),
        ("want_fitted", pa.bool_()),
        ("pooled", pa.list_(pa.float64())),
    ]
)
#: Rows of one task's result as Fugue carries them.
SCHEMA = "key:long,mean:[double],sd:[double],model:str,notes:[str],fitted:[double]"
#: Series per partition of the work.
SERIES_PER_PARTITION = 100


def connect(address: str, timeout: str = "20s") -> Any:
    """A Dask client for the scheduler at ``address`` (``tcp://host:8786``)."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            "cluster: forecasting on a cluster needs Dask: pip install -e '.[cluster]'"
        ) from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise ConfigError(f"cluster: no Dask scheduler answers at {address} ({err})") from None


def run(tasks: list[_Task], client: Any) -> dict[int, _Result]:
    """Every task on the cluster behind ``client``; results keyed as the tasks are."""
    import dask
    import fugue.api as fa

    from analysis.forecasting.forecaster import _Result

    frame = pa.table(
        {
            "key": [t[0] for t in tasks],
            "y": [t[1].tolist() for t in tasks],
            "h": [t[2] for t in tasks],
            "m": [t[3] for t in tasks],
            "want_fitted": [t[4] for t in tasks],
            "pooled": [None if t[5] is None else t[5].tolist() for t in tasks],
        },
        schema=INPUT,
    )
    partitions = max(1, -(-len(tasks) // SERIES_PER_PARTITION))
    # Dask would turn the list columns into text on the way (its string conversion)
    with dask.config.set({"dataframe.convert-string": False}):
        out = fa.as_pandas(
            fa.transform(
                frame,
                _forecast_rows,
                schema=SCHEMA,
                engine=client,
                partition={"num": partitions, "algo": "even"},
                as_local=True,
            )
        )
    results = {}
    for row in out.itertuples(index=False):
        fitted = np.asarray(row.fitted, dtype="float64") if len(row.fitted) else None
        results[int(row.key)] = _Result(
            np.asarray(row.mean, dtype="float64"),
            np.asarray(row.sd, dtype="float64"),
            row.model,
            list(row.notes),
            fitted,
        )
    return results


def _forecast_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Runs on a worker: one partition of tasks through the forecaster's own chunk runner."""
    from analysis.forecasting.forecaster import _run_chunk

    tasks = [
        (
            int(t.key),
            np.asarray(t.y, dtype="float64"),
            int(t.h),
            int(t.m),
            bool(t.want_fitted),
            None if t.pooled is None else np.asarray(t.pooled, dtype="float64"),
        )
        for t in frame.itertuples(index=False)
    ]
    rows = [
        {
            "key": key,
            "mean": result.mean.tolist(),
            "sd": result.sd.tolist(),
            "model": result.model,
            "notes": list(result.notes),
            "fitted": [] if result.fitted is None else result.fitted.tolist(),
        }
        for key, result in _run_chunk(tasks)
    ]
    return pd.DataFrame(rows, columns=["key", "mean", "sd", "model", "notes", "fitted"])

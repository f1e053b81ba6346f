"""Forecasting on a Dask cluster: a backend that runs the per-series work through Fugue.

When one machine is not enough, the run configuration names a cluster (``cluster:
tcp://scheduler:8786``) and ``reports.forecast.prepare`` uses ``connect(address)`` as its
backend. Everything that needs all series at once stays on the machine that runs the notebook:
the pooled member's fit and the calibration plan, a few arrays per series. The local models, the
expensive part, run series by series on the cluster's workers through Fugue (the integration
statsforecast's own distributed backend uses), and one row per series comes back. The workers
need the workbench installed, as the machine that runs the notebook has it. Dask and Fugue are
imported only when a cluster is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.core.errors import ConfigError
from analysis.forecasting.backends import Progress
from analysis.forecasting.one_series import run_chunk
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey

#: One task as the cluster receives it (Arrow types, so lists stay lists of numbers).
INPUT = pa.schema(
    [
        ("series", pa.int64()),
        ("held_out", pa.int64()),
        ("y", pa.list_(pa.float64())),
        ("h", pa.int64()),
        ("m", pa.int64()),
        ("want_fitted", pa.bool_()),
        ("pooled", pa.list_(pa.float64())),
    ]
)
#: Rows of one task's result as Fugue carries them.
SCHEMA = "series:long,held_out:long,mean:[double],sd:[double],model:str,notes:[str],fitted:[double]"
_COLUMNS = ["series", "held_out", "mean", "sd", "model", "notes", "fitted"]
#: Series per partition of the work.
SERIES_PER_PARTITION = 100


@dataclass(frozen=True)
class DaskCluster:
    """The workers of the Dask cluster behind ``client`` (a ``distributed.Client``).

    Progress is reported once, when the cluster's results are back.
    """

    client: Any

    def run(
        self, tasks: Sequence[SeriesTask], progress: Progress | None = None
    ) -> dict[TaskKey, SeriesResult]:
        import dask
        import fugue.api as fa

        frame = pa.table(
            {
                "series": [t.key.series for t in tasks],
                "held_out": [t.key.held_out for t in tasks],
                "y": [t.values.tolist() for t in tasks],
                "h": [t.horizon for t in tasks],
                "m": [t.season_length for t in tasks],
                "want_fitted": [t.want_fitted for t in tasks],
                "pooled": [None if t.pooled is None else t.pooled.tolist() for t in tasks],
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
                    engine=self.client,
                    partition={"num": partitions, "algo": "even"},
                    as_local=True,
                )
            )
        results = {}
        for row in out.itertuples(index=False):
            fitted = np.asarray(row.fitted, dtype="float64") if len(row.fitted) else None
            results[TaskKey(int(row.series), int(row.held_out))] = SeriesResult(
                np.asarray(row.mean, dtype="float64"),
                np.asarray(row.sd, dtype="float64"),
                row.model,
                tuple(row.notes),
                fitted,
            )
        if progress is not None:
            progress(len(results))
        return results


def connect(address: str, timeout: str = "20s") -> DaskCluster:
    """The cluster whose scheduler answers at ``address`` (``tcp://host:8786``)."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            "cluster: forecasting on a cluster needs Dask: pip install -e '.[cluster]'"
        ) from None
    try:
        return DaskCluster(Client(address, timeout=timeout))
    except (OSError, TimeoutError) as err:
        raise ConfigError(f"cluster: no Dask scheduler answers at {address} ({err})") from None


def _forecast_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Runs on a worker: one partition of tasks through the forecaster's own chunk runner."""
    tasks = [
        SeriesTask(
            TaskKey(int(t.series), int(t.held_out)),
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
            "series": key.series,
            "held_out": key.held_out,
            "mean": result.mean.tolist(),
            "sd": result.sd.tolist(),
            "model": result.model,
            "notes": list(result.notes),
            "fitted": [] if result.fitted is None else result.fitted.tolist(),
        }
        for key, result in run_chunk(tasks)
    ]
    return pd.DataFrame(rows, columns=_COLUMNS)

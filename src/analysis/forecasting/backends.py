"""Where the per-series work runs: execution backends as objects, as statsforecast and Fugue do.

A backend takes :class:`~analysis.forecasting.tasks.SeriesTask` records and returns a
:class:`~analysis.forecasting.tasks.SeriesResult` per task key; it does no modelling itself
(every backend runs :func:`~analysis.forecasting.one_series.run_chunk`), so all of them give the
same numbers. The caller chooses one once and hands it down (the forecast report:
``reports.forecast.prepare``), instead of passing job counts and cluster clients through every
layer.

- :class:`InProcess`: this process, in chunks of ``CHUNK_SERIES`` series.
- :class:`WorkerPool`: forked worker processes; below ``min_tasks`` tasks it works in this process
  (a pool costs more than it saves).
- :class:`~analysis.forecasting.cluster.DaskCluster`: a Dask cluster's workers, through Fugue.

:func:`default_backend` is what the forecaster uses when given none; :func:`for_jobs` maps a
``--jobs`` option to a backend. ``progress`` is called with the number of series finished as
each chunk completes (a tqdm bar's ``update``: :func:`progress_bar`).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from analysis.forecasting.members import models
from analysis.forecasting.one_series import run_chunk
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey

#: Below this many tasks the work is done in this process (a worker pool costs more than it saves).
MIN_SERIES_FOR_POOL = 40
#: Series per chunk of work handed to a worker (and per step of the progress bar).
CHUNK_SERIES = 100

#: Told how many more series are done.
Progress = Callable[[int], None]


def _nothing(done: int) -> None:
    pass


@runtime_checkable
class Backend(Protocol):
    """Runs tasks somewhere and returns their results by key."""

    def run(
        self, tasks: Sequence[SeriesTask], progress: Progress | None = None
    ) -> dict[TaskKey, SeriesResult]: ...


@dataclass(frozen=True)
class InProcess:
    """Every task in this process, chunk after chunk."""

    def run(
        self, tasks: Sequence[SeriesTask], progress: Progress | None = None
    ) -> dict[TaskKey, SeriesResult]:
        progress = progress or _nothing
        results: dict[TaskKey, SeriesResult] = {}
        for start in range(0, len(tasks), CHUNK_SERIES):
            part = run_chunk(tasks[start : start + CHUNK_SERIES])
            results.update(part)
            progress(len(part))
        return results


@dataclass(frozen=True)
class WorkerPool:
    """Tasks in ``n_jobs`` forked worker processes (``-1`` or ``None``: one per core).

    The longest series go first, dealt round-robin into chunks (at least four per worker) so the
    load is balanced; progress is reported as each chunk finishes, in whatever order. With one
    worker, or fewer than ``min_tasks`` tasks, the work is done in this process.
    """

    n_jobs: int | None = -1
    min_tasks: int = MIN_SERIES_FOR_POOL

    @property
    def workers(self) -> int:
        if self.n_jobs is None or self.n_jobs < 1:
            return os.cpu_count() or 1
        return int(self.n_jobs)

    def uses_pool(self, n_tasks: int) -> bool:
        """Whether ``n_tasks`` tasks go to worker processes (else: this process)."""
        return self.workers > 1 and n_tasks >= self.min_tasks

    def run(
        self, tasks: Sequence[SeriesTask], progress: Progress | None = None
    ) -> dict[TaskKey, SeriesResult]:
        if not self.uses_pool(len(tasks)):
            return InProcess().run(tasks, progress)
        progress = progress or _nothing
        models()  # imported once, inherited by forked workers

        workers = self.workers
        ordered = sorted(tasks, key=lambda t: -len(t.values))
        n_chunks = min(len(ordered), max(4 * workers, math.ceil(len(ordered) / CHUNK_SERIES)))
        chunks = [ordered[i::n_chunks] for i in range(n_chunks)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        results: dict[TaskKey, SeriesResult] = {}
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(run_chunk, chunk) for chunk in chunks]
            try:
                for future in as_completed(futures):
                    part = future.result()
                    results.update(part)
                    progress(len(part))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return results


def default_backend(n_tasks: int | None = None) -> Backend:
    """A worker pool with one process per core, or this process when there is one core or
    (``n_tasks`` given) fewer than ``MIN_SERIES_FOR_POOL`` tasks."""
    if (os.cpu_count() or 1) <= 1 or (n_tasks is not None and n_tasks < MIN_SERIES_FOR_POOL):
        return InProcess()
    return WorkerPool()


def for_jobs(n_jobs: int | None) -> Backend:
    """The backend a ``--jobs`` option names: ``1`` this process, ``N > 1`` a pool of ``N``
    workers, ``-1`` (or ``None``, ``0``) the default."""
    if n_jobs is None or n_jobs < 1:
        return default_backend()
    return InProcess() if n_jobs == 1 else WorkerPool(n_jobs)


@contextmanager
def progress_bar(total: int, show: bool) -> Iterator[Progress]:
    """A tqdm bar on stderr over ``total`` series (the terminal, or under the cell in JupyterLab;
    published reports leave stderr out); yields its ``update``. Hidden unless ``show``."""
    from tqdm import tqdm

    with tqdm(total=total, desc="forecasting", unit="series", disable=not show) as bar:
        yield bar.update

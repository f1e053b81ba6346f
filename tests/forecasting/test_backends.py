"""Execution backends: the same results wherever the work runs, progress as chunks finish."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest
from forecast_examples import frame, seasonal_series

from analysis.forecasting import backends
from analysis.forecasting.backends import (
    MIN_SERIES_FOR_POOL,
    Backend,
    InProcess,
    WorkerPool,
    default_backend,
    for_jobs,
)
from analysis.forecasting.forecaster import Forecaster
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey


def tasks(n: int, h: int = 2) -> list[SeriesTask]:
    out = []
    for i in range(n):
        y = seasonal_series(8 + i % 12, seed=i)
        out.append(SeriesTask(TaskKey(i), y, h, 4, want_fitted=True))
        out.append(SeriesTask(TaskKey(i, h), y[:-h], h, 4))
    return out


def assert_same(one: dict[TaskKey, SeriesResult], two: dict[TaskKey, SeriesResult]) -> None:
    assert set(one) == set(two)
    for key, a in one.items():
        b = two[key]
        np.testing.assert_array_equal(a.mean, b.mean)
        np.testing.assert_array_equal(a.sd, b.sd)
        assert (a.model, a.notes) == (b.model, b.notes)
        if a.fitted is None:
            assert b.fitted is None
        else:
            np.testing.assert_array_equal(a.fitted, b.fitted)


def test_in_process_and_worker_pool_give_identical_results():
    work = tasks(30)
    done: list[int] = []
    pool = WorkerPool(2)
    assert pool.uses_pool(len(work))
    assert_same(InProcess().run(work), pool.run(work, done.append))
    assert sum(done) == len(work) and len(done) >= 8  # at least four chunks per worker


def test_worker_processes_give_the_same_forecasts():
    series = {f"s{i}": seasonal_series(16, seed=i) for i in range(25)}
    one = Forecaster(2, backend=InProcess()).fit(frame(series), fitted=True)
    two = Forecaster(2, backend=WorkerPool(2)).fit(frame(series), fitted=True)
    pd.testing.assert_frame_equal(one.forecast(), two.forecast())
    pd.testing.assert_frame_equal(one.fitted_values(), two.fitted_values())
    np.testing.assert_array_equal(one.calibration.scores, two.calibration.scores)


def slow_first(chunk: list[SeriesTask]) -> list[tuple[TaskKey, SeriesResult]]:
    """A stand-in for the chunk runner: the chunk with series 0 (dealt first) takes 3 s."""
    if any(task.key.series == 0 for task in chunk):
        time.sleep(3.0)
    return [(t.key, SeriesResult(np.zeros(t.horizon), np.ones(t.horizon), "x")) for t in chunk]


def test_pool_reports_chunks_as_they_finish(monkeypatch):
    import statsforecast.models  # noqa: F401  (the pool imports it first: not timed here)

    monkeypatch.setattr(backends, "run_chunk", slow_first)  # forked workers inherit it
    work = [SeriesTask(TaskKey(i), np.full(20 - i % 10, 1.0), 2, 4) for i in range(60)]
    start = time.monotonic()
    times: list[float] = []
    results = WorkerPool(2).run(work, lambda n: times.append(time.monotonic() - start))
    assert set(results) == {t.key for t in work}
    # the other chunks are counted while the slow first one still runs (not in order at the end)
    assert len(times) == 8  # four chunks per worker
    assert times[0] < 2.0 and times[-1] >= 3.0


def test_small_inputs_stay_in_this_process(monkeypatch):
    pool = WorkerPool(2)
    assert not pool.uses_pool(MIN_SERIES_FOR_POOL - 1)
    assert pool.uses_pool(MIN_SERIES_FOR_POOL)
    assert not WorkerPool(1).uses_pool(10_000)
    assert WorkerPool(-1).workers == (os.cpu_count() or 1)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(backends, "ProcessPoolExecutor", no_pool)
    assert_same(pool.run(tasks(5)), InProcess().run(tasks(5)))


@pytest.mark.parametrize(
    ("jobs", "expected"),
    [(1, InProcess()), (3, WorkerPool(3)), (-1, "default"), (0, "default"), (None, "default")],
)
def test_jobs_option_names_a_backend(jobs, expected):
    assert for_jobs(jobs) == (default_backend() if expected == "default" else expected)


def test_default_backend(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert default_backend() == WorkerPool()
    assert default_backend(MIN_SERIES_FOR_POOL) == WorkerPool()
    assert default_backend(MIN_SERIES_FOR_POOL - 1) == InProcess()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert default_backend(10_000) == InProcess()
    for backend in (InProcess(), WorkerPool(2)):
        assert isinstance(backend, Backend)

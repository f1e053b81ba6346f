"""Forecasting on a local Dask cluster gives exactly the forecasts of one machine."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.core.errors import ConfigError
from analysis.data.config import sample_config_path
from analysis.forecasting.backends import InProcess
from analysis.forecasting.cluster import DaskCluster, connect
from analysis.forecasting.forecaster import Forecaster
from analysis.reports import forecast as outlook
from analysis.reports.review import prepare

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def series(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frames = []
    for i in range(n):
        length = int(rng.integers(6, 30))
        t = np.arange(length)
        y = 100 + 2 * t + 10 * np.sin(np.pi / 2 * t) + rng.normal(0, 3, length)
        ds = pd.date_range(end="2025-10-01", periods=length, freq="QS")
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": ds, "y": y}))
    return pd.concat(frames, ignore_index=True)


def test_cluster_forecasts_equal_local_ones(client) -> None:
    df = series(24)  # with short series (no seasonality) and calibration refits
    remote = Forecaster(4, backend=DaskCluster(client)).fit(df, fitted=True)
    local = Forecaster(4, backend=InProcess()).fit(df, fitted=True)
    pd.testing.assert_frame_equal(remote.forecast(), local.forecast())
    pd.testing.assert_frame_equal(remote.fitted_values(), local.fitted_values())
    np.testing.assert_array_equal(remote.calibration.scores, local.calibration.scores)


def test_cluster_backend_reports_progress_and_keys(client) -> None:
    from analysis.forecasting.tasks import SeriesTask, TaskKey

    y = 100 + np.arange(12.0)
    tasks = [SeriesTask(TaskKey(0), y, 2, 4), SeriesTask(TaskKey(0, 2), y[:-2], 2, 4)]
    done: list[int] = []
    results = DaskCluster(client).run(tasks, done.append)
    assert set(results) == {TaskKey(0, 0), TaskKey(0, 2)}
    assert sum(done) == 2
    local = InProcess().run(tasks)
    for key, result in results.items():
        np.testing.assert_array_equal(result.mean, local[key].mean)
        assert result.notes == local[key].notes


def test_config_naming_a_cluster_sends_the_report_forecasts_there(client, tmp_path: Path) -> None:
    sample = sample_config_path()
    config = yaml.safe_load(sample.read_text(encoding="utf-8"))
    for key in ("sales", "targets"):
        config[key]["path"] = str(sample.parent / config[key]["path"])
    config["cluster"] = client.scheduler.address
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")

    review = prepare(quarter="2025Q4", config=str(path))
    remote = outlook.prepare(review, horizon=1)
    assert isinstance(remote.backend, DaskCluster)
    local = outlook.prepare(prepare(quarter="2025Q4", config="sample"), horizon=1)
    pd.testing.assert_frame_equal(remote.forecasts, local.forecasts)


def test_a_cluster_that_does_not_answer_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dask logs every refused connection with its traceback; the error we raise says it all
    monkeypatch.setattr(logging.getLogger("distributed"), "level", logging.CRITICAL)
    with pytest.raises(ConfigError, match=r"no Dask scheduler answers at tcp://127\.0\.0\.1:9"):
        connect("tcp://127.0.0.1:9", timeout="2s")

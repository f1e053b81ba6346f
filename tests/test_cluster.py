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
from analysis.forecasting.forecaster import fit_forecast
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
    remote = fit_forecast(df, 4, cluster=client, fitted=True)
    local = fit_forecast(df, 4, n_jobs=1, fitted=True)
    pd.testing.assert_frame_equal(remote.forecasts, local.forecasts)
    pd.testing.assert_frame_equal(remote.fitted, local.fitted)
    np.testing.assert_array_equal(remote.calibration.scores, local.calibration.scores)


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
    assert remote.cluster is not None
    local = outlook.prepare(prepare(quarter="2025Q4", config="sample"), horizon=1)
    pd.testing.assert_frame_equal(remote.forecasts, local.forecasts)


def test_a_cluster_that_does_not_answer_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from analysis.forecasting.cluster import connect

    # Dask logs every refused connection with its traceback; the error we raise says it all
    monkeypatch.setattr(logging.getLogger("distributed"), "level", logging.CRITICAL)
    with pytest.raises(ConfigError, match=r"no Dask scheduler answers at tcp://127\.0\.0\.1:9"):
        connect("tcp://127.0.0.1:9", timeout="2s")

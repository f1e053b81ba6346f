"""The task and result records, and the keys that tie calibration refits to their series."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from analysis.forecasting.calibration import calibration_plan, calibration_tasks
from analysis.forecasting.tasks import SeriesResult, SeriesTask, TaskKey


def test_task_keys_are_small_named_records():
    key = TaskKey(series=3, held_out=4)
    assert key == (3, 4) and key.series == 3 and key.held_out == 4
    assert TaskKey(3) == TaskKey(3, 0)  # the forecast itself holds nothing out
    assert len({TaskKey(3), TaskKey(3, 0), TaskKey(3, 4), TaskKey(4, 3)}) == 3
    assert pickle.loads(pickle.dumps(key)) == key


def test_tasks_and_results_are_frozen():
    task = SeriesTask(TaskKey(0), np.arange(5.0), 2, 4)
    assert (task.want_fitted, task.pooled) == (False, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.horizon = 3  # type: ignore[misc]
    result = SeriesResult(np.zeros(2), np.ones(2), "Zero")
    assert result.notes == () and result.fitted is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.model = "x"  # type: ignore[misc]


def test_calibration_keys_say_what_each_refit_holds_out():
    values = [np.arange(1.0, 31.0), np.arange(1.0, 9.0)]  # the second is too short to score
    plan = calibration_plan(values, 4, 4)
    # one long series: 200 errors wanted, 4 per origin -> at most 8 origins, h + j held out
    assert plan == [TaskKey(0, 4 + j) for j in range(8)]
    tasks = calibration_tasks(values, plan, 4, 4)
    assert [t.key for t in tasks] == plan
    for task in tasks:
        assert len(task.values) == 30 - task.key.held_out
        np.testing.assert_array_equal(task.values, values[0][: 30 - task.key.held_out])
        assert task.horizon == 4 and not task.want_fitted

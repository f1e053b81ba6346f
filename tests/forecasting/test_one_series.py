"""Forecasting one series: the rules for awkward series and for members that fail."""

from __future__ import annotations

import numpy as np
from forecast_examples import frame, rows, seasonal_series

from analysis.forecasting import members
from analysis.forecasting.backends import InProcess
from analysis.forecasting.forecaster import forecast
from analysis.forecasting.one_series import COMBINATION, forecast_one, forecast_series, run_chunk
from analysis.forecasting.tasks import SeriesTask, TaskKey


def test_short_history_has_no_seasonality(awkward):
    short = rows(awkward, "short")
    assert "fewer than two seasonal cycles" in short["note"].iloc[0]
    assert np.isfinite(short[["mean", "lo-95", "hi-95"]].to_numpy()).all()
    assert (short["mean"].between(100, 200)).all()


def test_all_zero_series(awkward):
    zeros = rows(awkward, "zeros")
    assert (zeros["model"] == "Zero").all()
    assert (zeros[["mean", "lo-80", "hi-95"]].to_numpy() == 0).all()


def test_ended_series_forecasts_zero(awkward):
    ended = rows(awkward, "ended")
    assert (ended["model"] == "Ended").all()
    assert (ended["mean"] == 0).all()
    assert "no sales in the last 5 quarters" in ended["note"].iloc[0]


def test_negative_quarters(awkward):
    neg = rows(awkward, "negative")
    assert "quarters <= 0" in neg["note"].iloc[0]
    assert np.isfinite(neg[["mean", "lo-95", "hi-95"]].to_numpy()).all()
    assert (neg["mean"] < 20).all()  # the series sits around -10


def test_level_shift_follows_the_new_level(awkward):
    shift = rows(awkward, "shift")["mean"].to_numpy()
    assert np.all((shift > 250) & (shift < 350))


def test_single_observation(awkward):
    single = rows(awkward, "single")
    assert (single["model"] == "Naive").all()
    assert (single["mean"] == 50).all()
    assert single[["lo-80", "hi-95"]].isna().all().all()
    assert "one observation" in single["note"].iloc[0]


def test_constant_series(awkward):
    const = rows(awkward, "constant")
    assert (const["model"] == "Constant").all()
    assert (const[["mean", "lo-95", "hi-95"]].to_numpy() == 7).all()


def test_leading_zeros_are_ignored(awkward):
    lead = rows(awkward, "leading")
    assert "3 leading zero quarter(s) ignored" in lead["note"].iloc[0]
    assert (lead["mean"] > 500).all()


def test_leading_zeros_keep_zero_fitted_values():
    y = np.r_[np.zeros(3), seasonal_series(12, seed=5)]
    result = forecast_one(y, 2, 4, fitted=True)
    assert result.notes[0] == "3 leading zero quarter(s) ignored"
    assert len(result.fitted) == len(y)
    assert (result.fitted[:3] == 0).all()


def test_failing_member_is_left_out_and_named(monkeypatch):
    def broken(m):
        raise RuntimeError("boom")

    replaced = (*members.MEMBERS[:3], members.Member("Broken", broken, False, True))
    monkeypatch.setattr(members, "MEMBERS", replaced)
    out = forecast(frame({"a": seasonal_series(20)}), 2, backend=InProcess())
    assert (out["model"] == "CES+ETS(AAA)+SES").all()
    assert "left out: Broken (RuntimeError: boom)" in out["note"].iloc[0]


def test_every_member_failing_falls_back_to_naive(monkeypatch):
    def broken(m):
        raise RuntimeError("boom")

    monkeypatch.setattr(members, "MEMBERS", (members.Member("Broken", broken, False, True),))
    y = seasonal_series(20)
    out = forecast(frame({"a": y}), 2, backend=InProcess())
    assert (out["model"] == "Naive").all()
    assert (out["mean"] == y[-1]).all()
    assert "every model failed" in out["note"].iloc[0]


def test_pooled_forecast_joins_the_combination():
    y = seasonal_series(20)
    pooled = np.full(2, 1234.0)
    alone = forecast_one(y, 2, 4)
    both = forecast_one(y, 2, 4, pooled=pooled)
    assert both.model == COMBINATION
    n = len(members.MEMBERS)
    np.testing.assert_allclose(both.mean, (alone.mean * n + pooled) / (n + 1))
    np.testing.assert_array_equal(both.sd, alone.sd)  # GAR has no interval of its own


def test_run_chunk_keeps_keys_and_order():
    y = seasonal_series(16)
    tasks = [SeriesTask(TaskKey(1), y, 2, 4), SeriesTask(TaskKey(0, 3), y[:-3], 2, 4)]
    out = run_chunk(tasks)
    assert [key for key, _ in out] == [TaskKey(1, 0), TaskKey(0, 3)]
    np.testing.assert_array_equal(out[1][1].mean, forecast_series(tasks[1]).mean)

"""The nowcast: the as-of cut, exact and coherent figures, bounds, probabilities, edge quarters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core.cents import exact, rounded
from analysis.core.quarters import FiscalCalendar
from analysis.forecasting.nowcast import COLUMNS, TOTAL, Nowcaster, daily, run_rate
from analysis.forecasting.nowcast_backtest import accuracy_at, backtest, channel_targets

CALENDAR = FiscalCalendar()
Q4 = pd.Period("2023Q4", freq=CALENDAR.freq)
AS_OF = pd.Timestamp("2023-11-15")


def company(seed: int = 3, start: str = "2020-01-01", end: str = "2023-12-31") -> pd.DataFrame:
    """Sales lines of three channels: weekdays busier, the third month of a quarter busiest."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    rows = []
    for channel, level in (("Direct", 900.0), ("OEM", 400.0), ("Export", 150.0)):
        month = (days.month - 1) % 3
        expected = level * np.where(days.dayofweek < 5, 1.0, 0.2) * (1 + 0.4 * (month == 2))
        amounts = np.round(rng.gamma(2.0, expected / 2.0), 2)
        keep = rng.random(len(days)) < 0.9
        rows.append(
            pd.DataFrame({"date": days[keep], "channel": channel, "revenue": amounts[keep]})
        )
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return company()


@pytest.fixture(scope="module")
def fitted(lines: pd.DataFrame) -> Nowcaster:
    return Nowcaster().fit(daily(lines), CALENDAR, AS_OF.date())


def cents(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy(dtype="float64") * 100).astype("int64")


def test_daily_sums_lines_exactly() -> None:
    lines = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-01-03"]),
            "channel": ["A", "A", "A"],
            "revenue": [0.1, 0.2, -5.005],
        }
    )
    out = daily(lines)
    assert list(out.columns) == ["channel", "date", "revenue"]
    assert out["revenue"].tolist() == [0.3, -5.005]


def test_columns_and_rows(fitted: Nowcaster) -> None:
    out = fitted.nowcast(Q4)
    assert list(out.columns) == list(COLUMNS)
    assert out["channel"].tolist() == ["Direct", "Export", "OEM", TOTAL]
    assert fitted.replays >= 4


def test_lines_after_the_as_of_date_change_nothing(lines: pd.DataFrame, fitted: Nowcaster) -> None:
    later = lines["date"] > AS_OF
    changed = lines.assign(revenue=np.where(later, lines["revenue"] * 7 + 1, lines["revenue"]))
    extra = pd.DataFrame(
        {"date": [AS_OF + pd.Timedelta(days=1)], "channel": ["New"], "revenue": [1e6]}
    )
    refit = Nowcaster().fit(daily(pd.concat([changed, extra])), CALENDAR, AS_OF.date())
    pd.testing.assert_frame_equal(refit.nowcast(Q4), fitted.nowcast(Q4))


def test_actual_to_date_is_the_lines_sum_to_the_cent(
    lines: pd.DataFrame, fitted: Nowcaster
) -> None:
    out = fitted.nowcast(Q4).set_index("channel")
    inside = lines.loc[(lines["date"] >= "2023-10-01") & (lines["date"] <= AS_OF)]
    whole = int(rounded(*[x.sum() for x in exact(inside["revenue"])]))
    assert cents(out.loc[[TOTAL], "actual_to_date"])[0] == whole
    for channel, part in inside.groupby("channel"):
        own = int(rounded(*[x.sum() for x in exact(part["revenue"])]))
        assert abs(cents(out.loc[[channel], "actual_to_date"])[0] - own) <= 1


@pytest.mark.parametrize("column", ["actual_to_date", "forecast_rest", "forecast_total"])
def test_channels_add_up_to_the_total(fitted: Nowcaster, column: str) -> None:
    out = fitted.nowcast(Q4)
    parts = cents(out.loc[out["channel"] != TOTAL, column]).sum()
    assert parts == cents(out.loc[out["channel"] == TOTAL, column])[0]


def test_bounds_are_ordered_and_never_below_the_actual(fitted: Nowcaster) -> None:
    out = fitted.nowcast(Q4)
    assert (out["forecast_rest"] >= 0).all()
    order = ["actual_to_date", "lo_95", "lo_80", "forecast_total", "hi_80", "hi_95"]
    values = out[order].to_numpy()
    assert np.all(np.diff(values, axis=1) >= 0)
    assert (out["hi_80"] > out["lo_80"]).all()  # half the quarter to go: real uncertainty


def test_probability_of_targets(fitted: Nowcaster) -> None:
    out = fitted.nowcast(Q4).set_index("channel")
    easy = float(out.loc["Direct", "actual_to_date"])  # reached already
    central = float(out.loc["OEM", "forecast_total"])
    targets = {"Direct": easy, "OEM": central, "Export": 10 * float(out.loc["Export", "hi_95"])}
    odds = fitted.nowcast(Q4, targets).set_index("channel")["probability"]
    assert odds["Direct"] == 1.0
    assert odds["OEM"] == pytest.approx(0.5, abs=0.01)  # the point forecast is the median
    assert 0 <= odds["Export"] < 0.01
    assert 0 <= odds[TOTAL] < odds["OEM"]  # every channel has a target, so has the total
    hard = fitted.nowcast(Q4, {**targets, "OEM": central * 1.1}).set_index("channel")
    assert hard.loc["OEM", "probability"] < odds["OEM"]


def test_total_target_only_when_every_selling_channel_has_one(fitted: Nowcaster) -> None:
    some = fitted.nowcast(Q4, {"Direct": 1.0, "OEM": 2.0}).set_index("channel")
    assert np.isnan(some.loc[TOTAL, "target"]) and np.isnan(some.loc[TOTAL, "probability"])
    assert np.isnan(some.loc["Export", "target"]) and np.isnan(some.loc["Export", "probability"])
    every = fitted.nowcast(Q4, {"Direct": 1.0, "OEM": 2.0, "Export": 3.0}).set_index("channel")
    assert every.loc[TOTAL, "target"] == 6.0
    named = fitted.nowcast(Q4, {"Direct": 1.0, TOTAL: 9.0}).set_index("channel")
    assert named.loc[TOTAL, "target"] == 9.0


@pytest.mark.parametrize("as_of", ["2023-09-30", "2023-10-01"])
def test_quarter_without_sales_yet(lines: pd.DataFrame, as_of: str) -> None:
    quiet = lines.loc[~lines["date"].between("2023-10-01", "2023-10-01")]
    model = Nowcaster().fit(daily(quiet), CALENDAR, pd.Timestamp(as_of).date())
    out = model.nowcast(Q4, {"Direct": 1.0}).set_index("channel")
    assert (out["actual_to_date"] == 0).all()
    assert out["forecast_rest"].equals(out["forecast_total"])
    plain, rest = model.quarterly(Q4)["OEM"], out.loc["OEM", "forecast_rest"]
    if as_of == "2023-09-30":  # before the quarter: the quarterly forecast itself
        assert rest == pytest.approx(plain, abs=0.01)
        assert model.elapsed(Q4) == (0, 92)
    else:  # one day of 92 without a sale barely moves the landing
        assert model.elapsed(Q4) == (1, 92)
        sold = Nowcaster().fit(daily(lines), CALENDAR, pd.Timestamp(as_of).date())
        landing = sold.nowcast(Q4).set_index("channel").loc["OEM", "forecast_total"]
        assert rest == pytest.approx(landing, rel=0.02)
    assert (out["lo_80"] > 0).all() and (out["lo_80"] < out["forecast_total"]).all()
    assert out.loc["Direct", "probability"] > 0.99  # a target of one yuan


def test_first_quarter_ever_is_the_pace_alone() -> None:
    """No past quarter: no quarterly forecast, every day alike; 1,000 in 10 of 92 days lands at
    9,200 (the rest 8,200), and without past quarters to learn from there are no intervals."""
    lines = pd.DataFrame(
        {"date": pd.date_range("2023-10-01", "2023-10-10"), "channel": "A", "revenue": 100.0}
    )
    model = Nowcaster().fit(daily(lines), CALENDAR, pd.Timestamp("2023-10-10").date())
    out = model.nowcast(Q4, {"A": 5000.0}).set_index("channel")
    assert out.loc["A", "actual_to_date"] == 1000.0
    assert out.loc["A", "forecast_rest"] == 8200.0
    assert out.loc[TOTAL, "forecast_total"] == 9200.0
    assert out[["lo_80", "hi_95"]].isna().all().all()
    assert np.isnan(out.loc["A", "probability"])
    reached = model.nowcast(Q4, {"A": 800.0}).set_index("channel")
    assert reached.loc["A", "probability"] == 1.0


def test_closed_quarter_is_its_actual(lines: pd.DataFrame) -> None:
    model = Nowcaster().fit(daily(lines), CALENDAR, pd.Timestamp("2024-01-05").date())
    out = model.nowcast(Q4, {"Direct": 1.0, "OEM": 1e9})
    assert (out["forecast_rest"] == 0).all()
    assert out["lo_95"].equals(out["actual_to_date"]) and out["hi_95"].equals(out["forecast_total"])
    assert out.set_index("channel")["probability"].loc[["Direct", "OEM"]].tolist() == [1.0, 0.0]


def test_run_rate_by_hand() -> None:
    lines = pd.DataFrame(
        {
            "date": pd.to_datetime(["2023-10-01", "2023-10-05", "2023-10-05", "2023-09-30"]),
            "channel": ["A", "A", "B", "A"],
            "revenue": [10.0, 20.0, 5.0, 999.0],
        }
    )
    out = run_rate(daily(lines), CALENDAR, Q4, pd.Timestamp("2023-10-10").date())
    assert out["channel"].tolist() == ["A", "B", TOTAL]
    assert out["actual_to_date"].tolist() == [30.0, 5.0, 35.0]
    assert out["forecast_total"].tolist() == [276.0, 46.0, 322.0]  # x 92 / 10
    before = run_rate(daily(lines), CALENDAR, Q4, pd.Timestamp("2023-09-30").date())
    assert before["forecast_total"].isna().all()


def test_fit_first() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        Nowcaster().nowcast(Q4)
    with pytest.raises(ValueError, match="levels"):
        Nowcaster(levels=(80, 100))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    day=st.integers(0, 95),
    returns=st.floats(0, 0.3),
)
def test_coherent_and_never_negative(seed: int, day: int, returns: float) -> None:
    rng = np.random.default_rng(seed)
    lines = company(seed, start="2022-07-01", end="2023-12-31")
    lines = lines.sample(frac=0.5, random_state=seed)
    sign = np.where(rng.random(len(lines)) < returns, -0.3, 1.0)
    lines = lines.assign(revenue=np.round(lines["revenue"] * sign, 2))
    as_of = pd.Timestamp("2023-09-30") + pd.Timedelta(days=day)
    targets = {"Direct": float(rng.uniform(0, 1e5)), "OEM": float(rng.uniform(0, 5e4))}
    out = Nowcaster().fit(daily(lines), CALENDAR, as_of.date()).nowcast(Q4, targets)
    channels, total = out.loc[out["channel"] != TOTAL], out.loc[out["channel"] == TOTAL]
    for column in ("actual_to_date", "forecast_rest", "forecast_total"):
        assert cents(channels[column]).sum() == cents(total[column])[0]
    assert (out["forecast_rest"] >= 0).all()
    bounds = out[["lo_95", "lo_80", "hi_80", "hi_95"]].dropna()
    assert (bounds.to_numpy() >= out.loc[bounds.index, ["actual_to_date"]].to_numpy() - 1e-9).all()
    odds = out["probability"].dropna()
    assert ((odds >= 0) & (odds <= 1)).all()


def test_backtest_replays_closed_quarters_only(lines: pd.DataFrame) -> None:
    frame = backtest(daily(lines), CALENDAR, days=(45,))
    assert sorted(frame["quarter"].unique()) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert set(frame["method"]) == {"nowcast", "run_rate", "quarterly"}
    assert (pd.to_datetime(frame["as_of"]) < pd.Timestamp("2024-01-01")).all()
    score = accuracy_at(frame, 40)
    assert score["day"] == 45 and score["quarters"] == 4
    assert set(score["mape"]) == {"nowcast", "run_rate", "quarterly"}
    assert 0 <= score["coverage_80"] <= score["coverage_95"] <= 1
    assert np.isnan(score["brier"]) and score["targets"] == 0
    total = accuracy_at(frame, 45, TOTAL)
    assert total["mape"]["nowcast"] < total["mape"]["run_rate"]


def test_backtest_scores_targets(lines: pd.DataFrame) -> None:
    targets = pd.DataFrame(
        {
            "quarter": ["2023Q4", "2023Q4"],
            "channel": ["Direct", "OEM"],
            "target_revenue": [7e4, 1e3],
        }
    )
    frame = backtest(daily(lines), CALENDAR, days=(30,), targets=targets, min_history=14)
    score = accuracy_at(frame, 30)
    assert score["targets"] == 2 and 0 <= score["brier"] <= 1
    assert channel_targets(targets, CALENDAR, Q4) == {"Direct": 7e4, "OEM": 1e3}


def test_no_sales_at_all() -> None:
    empty = daily(pd.DataFrame({"date": pd.to_datetime([]), "channel": [], "revenue": []}))
    out = Nowcaster().fit(empty, CALENDAR, AS_OF.date()).nowcast(Q4, {"A": 10.0})
    assert out["channel"].tolist() == ["A", TOTAL]
    assert (out[["actual_to_date", "forecast_rest", "forecast_total"]] == 0).all().all()
    assert out["probability"].tolist()[0] == 0.0

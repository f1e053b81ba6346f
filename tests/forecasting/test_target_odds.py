"""Target odds from forecast distributions, on cases with a known answer."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from analysis.data.config import RunConfig, SourceConfig
from analysis.data.load import Dataset
from analysis.forecasting import odds as target_odds
from analysis.forecasting.backends import InProcess

Z = NormalDist()


def gaussian(mean: float, sd: float, levels=target_odds.DISTRIBUTION_LEVELS) -> pd.DataFrame:
    """One forecast row whose intervals are those of N(mean, sd)."""
    row = {"unique_id": "c", "ds": pd.Timestamp("2026-01-01"), "mean": mean}
    for level in levels:
        half = Z.inv_cdf(0.5 + level / 200) * sd
        row[f"lo-{level}"] = mean - half
        row[f"hi-{level}"] = mean + half
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, 0.5),  # the mean of a symmetric forecast
        (110.0, 1 - Z.cdf(1.0)),  # one sd above: 15.9 %
        (90.0, Z.cdf(1.0)),
        (80.0, Z.cdf(2.0)),
        (140.0, 1 - Z.cdf(4.0)),  # beyond the widest interval: Gaussian tail continued
        (60.0, Z.cdf(4.0)),
    ],
)
def test_probability_of_a_gaussian_forecast(value, expected):
    fc = gaussian(100.0, 10.0)
    assert target_odds.probability_at_least(fc, [value])[0] == pytest.approx(expected, abs=1e-9)


def test_two_levels_are_enough_for_a_gaussian():
    fc = gaussian(100.0, 10.0, levels=(80, 95))
    assert target_odds.probability_at_least(fc, [100.0])[0] == pytest.approx(0.5)
    # between the 80 % and 95 % quantiles the interpolation is linear in the normal score: exact
    assert target_odds.probability_at_least(fc, [115.0])[0] == pytest.approx(1 - Z.cdf(1.5))


def test_supported_target_at_a_probability():
    fc = gaussian(100.0, 10.0)
    # P(y >= v) = 0.7  <=>  v = mean - 0.5244 sd
    assert target_odds.quantile(fc, 0.7)[0] == pytest.approx(100 - 10 * Z.inv_cdf(0.7))
    assert target_odds.quantile(fc, 0.5)[0] == pytest.approx(100.0)
    with pytest.raises(ValueError):
        target_odds.quantile(fc, 1.2)


def test_zero_width_and_missing_intervals():
    certain = gaussian(50.0, 0.0, levels=(80, 95))
    assert target_odds.probability_at_least(certain, [50.0])[0] == 1.0
    assert target_odds.probability_at_least(certain, [50.01])[0] == 0.0
    unknown = gaussian(50.0, 10.0, levels=(80,)).assign(**{"lo-80": np.nan, "hi-80": np.nan})
    assert np.isnan(target_odds.probability_at_least(unknown, [40.0])[0])


def test_a_forecast_censored_at_zero():
    # a small channel: N(5, 10) censored at zero, as the forecaster gives it (bounds cut at 0)
    raw = gaussian(5.0, 10.0)
    fc = raw.copy()
    for column in [c for c in fc.columns if c.startswith(("lo-", "hi-"))]:
        fc[column] = fc[column].clip(lower=0)
    assert target_odds.probability_at_least(fc, [0.0])[0] == 1.0  # it used to be below 1
    # above zero the censored distribution is the model's: the same odds
    for value in (3.0, 12.0):
        np.testing.assert_allclose(
            target_odds.probability_at_least(fc, [value]),
            target_odds.probability_at_least(raw, [value]),
        )


def test_odds_table():
    fc = pd.concat([gaussian(100.0, 10.0), gaussian(200.0, 20.0).assign(unique_id="d")])
    targets = pd.DataFrame(
        {
            "unique_id": ["c", "d", "e"],
            "ds": pd.Timestamp("2026-01-01"),
            "target": [110.0, 200.0, 5.0],  # no forecast for "e": left out
        }
    )
    out = target_odds.odds(fc, targets, probability=0.7)
    assert list(out["unique_id"]) == ["c", "d"]
    assert out["probability"].tolist() == pytest.approx([1 - Z.cdf(1.0), 0.5])
    supported_c = 100 - 10 * Z.inv_cdf(0.7)
    assert out.loc[0, "supported"] == pytest.approx(supported_c)
    assert out.loc[0, "gap"] == pytest.approx(110 - supported_c)


def test_channel_odds_from_a_dataset():
    """Two channels, twelve quarters of steady sales; next quarter's targets at the run rate and
    far above it."""
    rng = np.random.default_rng(5)
    rows = []
    for q in pd.period_range("2023Q1", "2025Q4", freq="Q"):
        for channel, region, level in (("Online", "East", 1000.0), ("Retail", "West", 2000.0)):
            for line in ("Tea", "Coffee"):
                rows.append(
                    {
                        "date": q.start_time + pd.Timedelta(days=20),
                        "channel": channel,
                        "region": region,
                        "product_line": line,
                        "quantity": 1.0,
                        "revenue": round(level / 2 + rng.normal(0, 20), 2),
                    }
                )
    sales = pd.DataFrame(rows)
    targets = pd.DataFrame(
        {
            "quarter": ["2025Q4", "2026Q1", "2026Q1"],
            "channel": ["Online", "Online", "Retail"],
            "target_revenue": [1.0, 1000.0, 5000.0],
        }
    )
    dataset = Dataset(
        config=RunConfig(sales=SourceConfig(path="sales.csv"), data_through=None),
        sales=sales,
        targets=targets,
        reports=[],
        rejected={},
    )
    out = target_odds.channel_odds(dataset, probability=0.7, backend=InProcess())
    assert list(out["quarter"]) == ["2026Q1", "2026Q1"]  # 2025Q4 is in the past
    online = out.set_index("channel").loc["Online"]
    retail = out.set_index("channel").loc["Retail"]
    assert 0.2 < online["probability"] < 0.8  # a target at the run rate: a coin toss
    assert retail["probability"] < 0.01  # 2.5 times the run rate
    assert retail["gap"] > 2500

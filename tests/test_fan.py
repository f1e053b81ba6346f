"""Fan charts: one panel per series, grey bands that survive black-and-white printing."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.core.quarters import FiscalCalendar
from analysis.reports.fan import fan_chart


@pytest.fixture
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = ["Online $x$", "Retail"]  # a dollar sign in a name must stay literal
    history = pd.concat(
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": pd.date_range("2022-01-01", periods=12, freq="QS"),
                "y": np.linspace(100, 160, 12) * (i + 1),
            }
        )
        for i, uid in enumerate(ids)
    )
    ds = pd.date_range("2025-01-01", periods=4, freq="QS")
    forecasts = pd.concat(
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": ds,
                "mean": 165.0 * (i + 1),
                "lo-80": 150.0 * (i + 1),
                "hi-80": 180.0 * (i + 1),
                "lo-95": 140.0 * (i + 1),
                "hi-95": 190.0 * (i + 1),
            }
        )
        for i, uid in enumerate(ids)
    )
    return history, forecasts


def test_returns_a_figure_with_a_panel_per_series(data):
    history, forecasts = data
    fig = fan_chart(history, forecasts, currency="CNY", title="Revenue $ plan")
    try:
        assert isinstance(fig, Figure)
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title(loc="left") for ax in visible] == ["Online $x$", "Retail"]
        legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend_texts == ["95 % interval", "80 % interval", "history", "forecast (mean)"]
        fig.savefig(io.BytesIO(), format="png")  # draws without TeX errors
    finally:
        plt.close(fig)


def test_names_are_never_read_as_tex(data):
    history, forecasts = data
    fig = fan_chart(history, forecasts)
    try:
        texts = [t for t in fig.findobj(Text) if t.get_text()]
        assert texts and not any(t.get_parse_math() for t in texts)
    finally:
        plt.close(fig)


def test_bands_are_distinct_greys_widest_lightest(data):
    history, forecasts = data
    fig = fan_chart(history, forecasts)
    try:
        ax = fig.axes[0]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        colours = [to_rgb(c.get_facecolor()[0]) for c in bands]
        assert len(colours) == 2
        assert all(r == g == b for r, g, b in colours)  # grey: no information lost in print
        assert colours[0][0] > colours[1][0] + 0.1  # 95 % band lighter than the 80 % band
    finally:
        plt.close(fig)


def test_chosen_series_and_levels(data):
    history, forecasts = data
    fig = fan_chart(history, forecasts, ids=["Retail"], level=[80])
    try:
        assert len([ax for ax in fig.axes if ax.get_visible()]) == 1
        assert len([c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]) == 1
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="no interval at level"):
        fan_chart(history, forecasts, level=[99])
    with pytest.raises(ValueError, match="no forecast for series"):
        fan_chart(history, forecasts, ids=["Export"])


def test_the_time_axis_reads_in_quarters(data):
    history, forecasts = data
    fig = fan_chart(history, forecasts, ids=["Retail"])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks and all(len(t) == 6 and t[4] == "Q" for t in ticks)
    assert ticks[-1] == "2025Q4"  # the last forecast quarter is always labelled
    fiscal = fan_chart(history, forecasts, ids=["Retail"], calendar=FiscalCalendar(4))
    assert [t.get_text() for t in fiscal.axes[0].get_xticklabels()][-1] == "FY2026Q3"
    plt.close("all")

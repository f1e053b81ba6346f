"""Quarterly sales analytics workbench.

The layers, each a subpackage whose imports only point down: ``core`` (errors, quarters, cents,
column names) → ``data`` (configuration, sources, validation, loading, quarterly series) →
``targets`` and ``forecasting`` → ``reports`` (each notebook's numbers, words and charts) →
``run`` (executing and publishing a quarter) → ``cli``.

The names below are the public API; they are imported on first use, so that ``import analysis``
(and the ``sales-report`` command) start without loading pandas or the models.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("quarterly-sales-workbench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

_API = {
    "WorkbenchError": "analysis.core.errors",
    "ConfigError": "analysis.core.errors",
    "DataError": "analysis.core.errors",
    "ParameterError": "analysis.core.errors",
    "RunError": "analysis.core.errors",
    "FiscalCalendar": "analysis.core.quarters",
    "RunConfig": "analysis.data.config",
    "load_config": "analysis.data.config",
    "Dataset": "analysis.data.load",
    "load": "analysis.data.load",
    "quarterly": "analysis.data.series",
    "totals": "analysis.data.series",
    "attainment": "analysis.targets.attainment",
    "bridge": "analysis.targets.bridge",
    "drilldown": "analysis.targets.drilldown",
    "forecast": "analysis.forecasting.forecaster",
    "Forecaster": "analysis.forecasting.forecaster",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

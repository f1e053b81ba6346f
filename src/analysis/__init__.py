"""Quarterly sales analytics workbench: data layer, quarterly series, reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quarterly-sales-workbench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

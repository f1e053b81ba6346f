"""One call from a configuration to checked, typed data: ``load()`` for reports and notebooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.config import RunConfig, load_config, sample_config_path
from analysis.sources import read_table
from analysis.validate import LoadReport, clean_sales, clean_targets


@dataclass
class Dataset:
    """The sales lines and targets of a run, with an account of every row read."""

    config: RunConfig
    sales: pd.DataFrame
    targets: pd.DataFrame | None
    reports: list[LoadReport]
    rejected: dict[str, pd.DataFrame]

    @property
    def data_through(self) -> date:
        """The last day the sales are complete: the configured one, else the last sale."""
        if self.config.data_through is not None:
            return self.config.data_through
        return self.sales["date"].max().date()


def load(config: RunConfig | str | Path | None = None) -> Dataset:
    """Read, check and type the sales (and targets) of a run; ``None`` loads the bundled sample."""
    if config is None:
        config = sample_config_path()
    if not isinstance(config, RunConfig):
        config = load_config(config)
    sales = clean_sales(read_table(config.sales), config.sales.columns, config.max_rejected_share)
    through = config.data_through
    if through is not None:
        later = int((sales.data["date"] > pd.Timestamp(through)).sum())
        if later:
            sales.report.notes.append(
                f"{later:,} row(s) dated after data_through {through.isoformat()} (kept)"
            )
    loaded = [sales]
    if config.targets is not None:
        raw = read_table(config.targets)
        loaded.append(clean_targets(raw, config.targets.columns, config.calendar, sales.data))
    rejected: dict[str, pd.DataFrame] = {}
    for part, role in zip(loaded, ("sales", "targets"), strict=False):
        key = part.report.source
        rejected[f"{key} ({role})" if key in rejected else key] = part.rejected
    return Dataset(
        config=config,
        sales=sales.data,
        targets=loaded[1].data if len(loaded) > 1 else None,
        reports=[part.report for part in loaded],
        rejected=rejected,
    )

"""One call from a configuration to checked, typed data: ``load()`` for reports and notebooks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.core.errors import ConfigError, DataError, ParameterError
from analysis.data import pushdown
from analysis.data.columns import target_dimensions
from analysis.data.config import RunConfig, load_config, sample_config_path
from analysis.data.parse import DateRule
from analysis.data.sources import read_table
from analysis.data.strays import after, stray_reasons
from analysis.data.validate import Loaded, LoadReport, clean_sales, set_aside
from analysis.data.validate_targets import clean_targets

#: Above this many lines, a Parquet or SQL source is summed per day in its engine
#: (:func:`analysis.data.pushdown.daily`) instead of loaded line by line.
LINES_IN_MEMORY = 2_000_000
#: Dimensions every report reads; a targets table may add its own (customer, salesperson).
REPORT_DIMENSIONS = ("channel", "region", "product_line", "product")


@dataclass
class Dataset:
    """The sales lines and targets of a run, with an account of every row read.

    For a large source ``sales`` holds the lines summed per day, dimension and kind (sale or
    return), with their count in ``lines``: every report reads it as it reads the lines.
    """

    config: RunConfig
    sales: pd.DataFrame
    targets: pd.DataFrame | None
    reports: list[LoadReport]
    rejected: dict[str, pd.DataFrame]
    #: The day a run part-way through a quarter stands on: lines after it are left out.
    as_of: date | None = None

    @property
    def stated_through(self) -> date | None:
        """The last day the sales are stated complete: ``data_through``, or the as-of date (the
        earlier of both); None when neither is set (then the last sale decides)."""
        stated = [d for d in (self.config.data_through, self.as_of) if d is not None]
        return min(stated) if stated else None

    @property
    def data_through(self) -> date:
        """The last day the sales are complete: the stated one, else the last sale."""
        stated = self.stated_through
        return stated if stated is not None else self.sales["date"].max().date()


def load(
    config: RunConfig | str | Path | None = None,
    *,
    in_engine: bool | None = None,
    today: date | None = None,
    as_of: date | None = None,
    settle: bool = False,
) -> Dataset:
    """Read, check and type the sales (and targets) of a run; ``None`` loads the bundled sample.

    ``in_engine`` sums the sales lines per day in their engine (Parquet or SQL sources only);
    ``None`` does so from ``LINES_IN_MEMORY`` lines on. Lines dated after ``data_through``,
    after ``today`` (the run's date) or far from the others are set aside
    (:mod:`analysis.data.strays`). With ``as_of`` the lines dated after it are left out and
    counted (``LoadReport.later``), as if the data were read on that day; with ``settle`` (an
    as-of date nobody chose: today) an export that ends earlier moves it back to its last day,
    with a note, so that the days after the export are not counted as days without sales.
    """
    today = today or date.today()
    if config is None:
        config = sample_config_path()
    if not isinstance(config, RunConfig):
        config = load_config(config)
    targets_raw = read_table(config.targets) if config.targets is not None else None
    held = None  # why a large source is loaded line by line all the same
    dates = DateRule(config.sales.date_format, config.timezone)
    if in_engine is None:
        large = config.sales.kind in ("parquet", "sql") and (
            pushdown.count(config.sales) > LINES_IN_MEMORY
        )
        held = pushdown.in_memory(config.sales) if large else None
        in_engine = large and held is None
    if in_engine:
        dims = list(REPORT_DIMENSIONS)
        if targets_raw is not None:
            dims += [
                d for d in target_dimensions(targets_raw, config.targets.columns) if d not in dims
            ]
        pushed = pushdown.daily(
            config.sales, config.calendar, dims, config.max_rejected_share, config.max_amount,
            dates, data_through=config.data_through, today=today,
        )  # fmt: skip
        pushed.report.notes.append("summed per day in the database engine")
        sales = Loaded(pushed.totals, pushed.rejected, pushed.report)
        _check_usable(sales, config)
    else:
        raw = read_table(config.sales)
        source = config.sales
        sales = clean_sales(
            raw,
            source.columns,
            config.max_rejected_share,
            compute=source.compute,
            fill=source.fill,
            duplicates=source.duplicates,
            max_amount=config.max_amount,
            dates=dates,
        )
        if held is not None:  # a large Parquet or SQL source shaped by compute/fill/duplicates
            sales.report.notes.append(held)
        _check_usable(sales, config)
        why = stray_reasons(sales.data["date"], None, config.data_through, today)
        sales = set_aside(raw, sales, why)
    if sales.data.empty and any(r.startswith("date: after today") for r in sales.report.rejected):
        raise DataError(
            f"every usable sales line is dated after today ({today.isoformat()})",
            source=sales.report.source,
            column="date",
            expected="sales lines up to today; check the date column and the computer's clock",
        )
    loaded = [sales]
    if config.targets is not None and targets_raw is not None:
        columns, reading = config.targets.columns, config.target_quarters
        loaded.append(
            clean_targets(
                targets_raw, columns, config.calendar, sales.data, reading, config.max_amount
            )
        )
    if as_of is not None:
        if settle:
            loaded[0], as_of = _settled(loaded[0], as_of)
        loaded[0] = _cut(loaded[0], as_of)
    rejected: dict[str, pd.DataFrame] = {}
    for part, role in zip(loaded, ("sales", "targets"), strict=False):
        key = part.report.source
        rejected[f"{key} ({role})" if key in rejected else key] = part.rejected
    return Dataset(
        config=config,
        sales=loaded[0].data,
        targets=loaded[1].data if len(loaded) > 1 else None,
        reports=[part.report for part in loaded],
        rejected=rejected,
        as_of=as_of,
    )


def _settled(sales: Loaded, as_of: date) -> tuple[Loaded, date]:
    """The day a run stands on when none was chosen: ``as_of``, or the export's last day if
    the export ends before it (noted)."""
    if sales.data.empty:
        return sales, as_of
    last = sales.data["date"].max().date()
    if last >= as_of:
        return sales, as_of
    note = (
        f"the sales data end on {last.isoformat()}, {(as_of - last).days} days before "
        f"{as_of.isoformat()}: the run stands on {last.isoformat()} (set data_through: or "
        "--as-of to choose the day)"
    )
    report = replace(sales.report, notes=[*sales.report.notes, note])
    return Loaded(sales.data, sales.rejected, report), last


def _cut(sales: Loaded, as_of: date) -> Loaded:
    """The sales as known on ``as_of``: later lines left out and counted, with a note."""
    data = sales.data
    later = after(data["date"], as_of)
    if not data.empty and later.all():
        raise ParameterError(
            f"--as-of {as_of.isoformat()} is before the first sale "
            f"({data['date'].min():%Y-%m-%d}); expected a day the sales data cover"
        )
    lines = data["lines"].to_numpy()[later] if "lines" in data else later
    count = int(lines.sum())
    note = f"{count:,} lines dated after the as-of date {as_of.isoformat()} left out"
    report = replace(
        sales.report,
        rows_used=sales.report.rows_used - count,
        later=sales.report.later + count,
        notes=[*sales.report.notes, note] if count else sales.report.notes,
    )
    return Loaded(data.loc[~later].reset_index(drop=True), sales.rejected, report)


def _check_usable(sales: Loaded, config: RunConfig) -> None:
    """Refuse sales that no report can describe: revenue 0 on every line (a column mapped
    wrongly, or an export without amounts), or a ``data_through`` before the first sale."""
    data = sales.data
    if not data.empty and (data["revenue"] == 0).all():
        lines = int(data["lines"].sum()) if "lines" in data else len(data)
        mapped = config.sales.columns.get("revenue")
        header = f" (the source's {mapped!r})" if mapped else ""
        raise DataError(
            f"every one of the {lines:,} sales lines has revenue 0{header}, so there are no sales "
            "to report",
            source=sales.report.source,
            column="revenue",
            expected="the lines' net amounts; check which column is mapped to revenue",
        )
    through = config.data_through
    if through is not None and not data.empty:
        first = data["date"].min()
        if pd.Timestamp(through) < first.normalize():
            where = f"{config.source_file.name}: " if config.source_file else ""
            raise ConfigError(
                f"{where}data_through: {through.isoformat()} is before the first sale "
                f"({first:%Y-%m-%d}); expected the last day the sales data are complete, "
                f"on or after {first:%Y-%m-%d}"
            )

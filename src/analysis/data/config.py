"""Run configuration: where the sales lines and targets come from and how to read them.

One YAML file describes a run. Everything in it is checked when it is loaded, so that a typo fails
at once with the file and the key named, not halfway through a report. Secrets never live in it:
a database password comes from an environment variable (``${NAME}`` in the URL).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from analysis.core import schema
from analysis.core.bundled import sample_dir
from analysis.core.errors import ConfigError, shown
from analysis.core.quarters import FiscalCalendar
from analysis.data.config_values import (
    as_date,
    check_currency,
    check_language,
    check_timezone,
    reject_unknown,
    suggest,
    typed,
)
from analysis.data.date_formats import DATE_FORMAT_RULE, check_date_format
from analysis.data.expression import Expression
from analysis.data.rules import AMOUNT_CAP, MAX_AMOUNT, check_compute, check_fill
from analysis.data.series import DEFAULT_LEVELS
from analysis.data.statements import check_query
from analysis.data.urls import MEMORY_DUCKDB, check_url, display_url, query_backend, relative
from analysis.data.yaml_limits import read_yaml

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")

SALES_COLUMNS: tuple[str, ...] = schema.SALES_REQUIRED + schema.SALES_OPTIONAL
TARGETS_COLUMNS: tuple[str, ...] = (
    schema.TARGETS_REQUIRED + schema.TARGETS_OPTIONAL + schema.TARGET_DIMENSIONS
)

#: The dimensions of the forecast's hierarchy: no two of them may be read from one column.
_HIERARCHY = tuple(dict.fromkeys(name for level in DEFAULT_LEVELS for name in level))
_GLOB_CHARS = re.compile(r"[*?\[]")
_SOURCE_KEYS = (
    "path", "url", "query", "table", "sheet", "encoding", "date_format", "columns", "compute",
    "fill", "duplicates",
)  # fmt: skip
#: Keys that shape sales lines: refused on targets, which are hand-made and checked strictly.
_SALES_ONLY = ("compute", "fill", "duplicates")
_TOP_KEYS = (
    "sales",
    "targets",
    "fiscal_year_start_month",
    "currency",
    "company",
    "data_through",
    "max_rejected_share",
    "max_amount",
    "cluster",
    "target_quarters",
    "timezone",
    "language",
)
#: How ``target_quarters:`` reads a target's label without ``FY`` under a fiscal calendar.
TARGET_QUARTERS = ("fiscal", "calendar")


@dataclass(frozen=True)
class SourceConfig:
    """One input: a file (CSV, Excel, Parquet) or a SQL query/table, plus its column mapping.

    ``base_dir`` is the folder of the config file: relative file paths and relative DuckDB/SQLite
    database paths are resolved against it, and labels are shown relative to it.
    """

    path: Path | None = None
    url: str | None = None
    query: str | None = None
    table: str | None = None
    sheet: str | int | None = None
    encoding: str | None = None
    date_format: str | None = None  # strftime pattern of the date column's text
    columns: Mapping[str, str] = field(default_factory=dict, hash=False)
    base_dir: Path | None = None
    #: Sales columns derived from the source's columns (``revenue: "Quantity * UnitPrice"``).
    compute: Mapping[str, Expression] = field(default_factory=dict, hash=False)
    #: The value a blank cell of a text column is given (``customer: "(no customer id)"``).
    fill: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: Exact duplicate lines: ``keep`` (counted, with a warning) or ``reject`` (set aside).
    duplicates: str = "keep"

    def __post_init__(self) -> None:
        if self.path is not None:
            path = Path(self.path)
            if self.base_dir is not None and not path.is_absolute():
                path = Path(self.base_dir) / path
            object.__setattr__(self, "path", path)
        object.__setattr__(self, "columns", dict(self.columns))
        object.__setattr__(self, "fill", dict(self.fill))
        object.__setattr__(self, "compute", check_compute(self.compute, self.columns))
        self._check()

    def _check(self) -> None:
        sql = [key for key in ("url", "query", "table") if getattr(self, key) is not None]
        if self.path is not None and sql:
            raise ConfigError(f"give either path or {'/'.join(sql)}, not both")
        if self.path is None and self.query is None and self.table is None:
            hint = " (a url needs a query or a table)" if self.url is not None else ""
            raise ConfigError(f"no path, query or table{hint}")
        if self.query is not None and self.table is not None:
            raise ConfigError("give either query or table, not both")
        kind = self.kind
        if self.is_glob and kind != "parquet":
            raise ConfigError("path: a pattern (*) is supported for parquet files only")
        if self.sheet is not None and kind != "excel":
            raise ConfigError("sheet applies to Excel files only")
        if isinstance(self.sheet, int) and self.sheet < 0:
            raise ConfigError(
                f"sheet: expected a sheet name or its position (0 is the first), got {self.sheet}"
            )
        if self.encoding is not None:
            if kind != "csv":
                raise ConfigError("encoding applies to CSV files only")
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ConfigError(f"encoding: unknown encoding {shown(self.encoding)}") from None
        if self.date_format is not None:
            why = check_date_format(self.date_format)
            if why is not None:
                detail = f" ({why})" if why else ""
                raise ConfigError(
                    f"date_format: expected {DATE_FORMAT_RULE}, "
                    f"got {shown(self.date_format)}{detail}"
                )
        if self.url is not None:
            check_url(self.url)
        check_fill(self.fill)
        if self.duplicates not in ("keep", "reject"):
            raise ConfigError(f"duplicates: expected keep or reject, got {shown(self.duplicates)}")
        backend = query_backend(self.url)
        if self.query is not None and backend is not None:
            check_query(self.query, backend)  # else once the url is expanded, before it runs

    @property
    def kind(self) -> str:
        """``csv``, ``excel``, ``parquet`` (a file, a folder or a glob of them) or ``sql``."""
        if self.path is None:
            return "sql"
        suffix = self.path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            return "csv"
        if suffix in EXCEL_SUFFIXES:
            return "excel"
        if suffix in PARQUET_SUFFIXES or not suffix:
            return "parquet"
        raise ConfigError(
            f"path: cannot read {shown(self.path.name)}; supported files are "
            f"{', '.join(CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES)} "
            "or a folder of parquet files"
        )

    @property
    def is_glob(self) -> bool:
        """A file-name pattern such as ``sales/*.parquet``."""
        return self.path is not None and bool(_GLOB_CHARS.search(self.path.name))

    @property
    def label(self) -> str:
        """How messages and reports name this source: never a password, never an absolute path."""
        if self.path is not None:
            return relative(self.path, self.base_dir)
        what = "query" if self.query is not None else f"table {self.table}"
        return f"{what} on {display_url(self.url or MEMORY_DUCKDB, self.base_dir)}"


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs to know besides the report parameters."""

    sales: SourceConfig
    targets: SourceConfig | None = None
    fiscal_year_start_month: int = 1
    currency: str = "CNY"
    company: str = ""
    data_through: date | None = None
    max_rejected_share: float = 0.01
    max_amount: float = MAX_AMOUNT
    cluster: str | None = None  # a Dask scheduler's address: forecasts are fitted there
    target_quarters: str | None = None  # fiscal | calendar: how to read 2019Q1 in a fiscal year
    #: The zone timestamps with a time zone are converted to before their date is taken.
    timezone: str = "UTC"
    #: The language the reports are written in: en (default) or zh (Simplified Chinese).
    language: str = "en"
    source_file: Path | None = None

    def __post_init__(self) -> None:
        check_currency(self.currency)
        check_timezone(self.timezone)
        check_language(self.language)
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ConfigError(
                "fiscal_year_start_month: expected 1..12, "
                f"got {shown(self.fiscal_year_start_month)}"
            )
        if self.target_quarters is not None and self.target_quarters not in TARGET_QUARTERS:
            raise ConfigError(
                f"target_quarters: expected fiscal or calendar, got {shown(self.target_quarters)}"
            )
        if self.target_quarters == "calendar" and (self.fiscal_year_start_month - 1) % 3:
            raise ConfigError(
                "target_quarters: calendar quarters do not line up with the quarters of a "
                f"fiscal year that starts in month {self.fiscal_year_start_month}; expected "
                "fiscal, with the targets labelled FY2026Q1 and so on"
            )
        if not 0 <= self.max_rejected_share <= 1:
            raise ConfigError(
                "max_rejected_share: expected a share between 0 and 1 (0.01 = 1%), "
                f"got {shown(self.max_rejected_share)}"
            )
        if not 0 < self.max_amount <= AMOUNT_CAP:
            raise ConfigError(
                f"max_amount: expected a positive amount of at most {AMOUNT_CAP:,.0f}, "
                f"got {shown(self.max_amount)}"
            )

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fiscal_year_start_month)


def load_config(path: str | Path) -> RunConfig:
    """Read and check a YAML run configuration; every error names the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no configuration file at {path}")
    data = read_yaml(path)
    try:
        config = config_from_dict(data, path.parent.resolve())
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None
    return replace(config, source_file=path.resolve())


def config_from_dict(data: Mapping[str, Any], base_dir: Path) -> RunConfig:
    """A checked :class:`RunConfig` from parsed YAML; relative paths are under ``base_dir``."""
    if not isinstance(data, Mapping):
        raise ConfigError("expected a mapping of keys such as 'sales:' and 'targets:'")
    reject_unknown(data, _TOP_KEYS, "")
    if data.get("sales") is None:
        raise ConfigError("sales: missing; give the sales lines as `sales: {path: sales.csv}`")
    base_dir = Path(base_dir)
    options: dict[str, Any] = {
        "sales": _source(data["sales"], "sales", base_dir, SALES_COLUMNS),
        "targets": None
        if data.get("targets") is None
        else _source(data["targets"], "targets", base_dir, TARGETS_COLUMNS),
    }
    if "fiscal_year_start_month" in data:
        options["fiscal_year_start_month"] = typed(
            data["fiscal_year_start_month"], int, "fiscal_year_start_month", "a month number 1..12"
        )
    for key in ("currency", "company", "cluster", "target_quarters", "timezone", "language"):
        if key in data:
            options[key] = typed(data[key], str, key, "text")
    if data.get("data_through") is not None:
        options["data_through"] = as_date(data["data_through"], "data_through")
    for key in ("max_rejected_share", "max_amount"):
        if key in data:
            options[key] = float(typed(data[key], (int, float), key, "a number"))
    return RunConfig(**options)


def sample_config_path() -> Path:
    """The bundled sample configuration (``data/sample/config.yaml`` of the project)."""
    path = sample_dir() / "config.yaml"
    if not path.is_file():
        raise ConfigError(
            f"no sample configuration at {path}; "
            "create it with `sales-report sample --out data/sample`"
        )
    return path


def check_columns(columns: Mapping[str, str], allowed: tuple[str, ...], key: str) -> None:
    """Column mappings go from canonical names to the source's headers; anything else is a typo."""
    if not isinstance(columns, Mapping):
        raise ConfigError(f"{key}: expected a mapping such as `date: 日期`")
    taken: dict[str, str] = {}
    for name, header in columns.items():
        if name not in allowed:
            raise ConfigError(
                f"{key}: {shown(name)} is not a column the workbench uses"
                f"{suggest(name, allowed)}; "
                f"map one of {', '.join(allowed)} to the source's own header"
            )
        if not isinstance(header, str) or not header.strip():
            raise ConfigError(
                f"{key}.{name}: expected the source's header as text, got {shown(header)}"
                " (quote headers that look like numbers)"
            )
        if name not in _HIERARCHY:
            continue
        same = re.sub(r"[\s\-]+", "_", header.strip().lower())  # as headers are matched
        if same in taken:
            raise ConfigError(
                f"{key}: {taken[same]} and {name} are both mapped to the source column "
                f"{shown(header.strip())}; expected a column of its own for each of "
                f"{', '.join(_HIERARCHY)} (read from one column, two of them make the same "
                "series twice in the forecast's hierarchy)"
            )
        taken[same] = str(name)


def _source(value: Any, key: str, base_dir: Path, allowed: tuple[str, ...]) -> SourceConfig:
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{key}: expected a mapping with path (or url/query/table), got {type(value).__name__}"
        )
    reject_unknown(value, _SOURCE_KEYS, f"{key}.")
    for name in _SALES_ONLY:
        if key != "sales" and value.get(name) is not None:
            raise ConfigError(f"{key}.{name}: applies to the sales lines only")
    options: dict[str, Any] = {}
    if key == "targets" and value.get("date_format") is not None:
        raise ConfigError(f"{key}.date_format: targets have quarter labels, not dates")
    for name in ("path", "url", "query", "table", "encoding", "date_format"):
        if value.get(name) is not None:
            text = typed(value[name], str, f"{key}.{name}", "text")
            if not text.strip():
                raise ConfigError(f"{key}.{name}: is empty")
            options[name] = text
    if value.get("sheet") is not None:
        options["sheet"] = typed(
            value["sheet"], (str, int), f"{key}.sheet", "a sheet name or its position"
        )
    if value.get("columns") is not None:
        check_columns(value["columns"], allowed, f"{key}.columns")
        options["columns"] = {name: header.strip() for name, header in value["columns"].items()}
    for name in ("compute", "fill"):
        if value.get(name) is not None:
            if not isinstance(value[name], Mapping):
                raise ConfigError(f"{key}.{name}: expected a mapping such as `customer: ...`")
            options[name] = value[name]
    if value.get("duplicates") is not None:
        duplicates = typed(value["duplicates"], str, f"{key}.duplicates", "keep or reject")
        options["duplicates"] = duplicates
    try:
        return SourceConfig(**options, base_dir=base_dir)
    except ConfigError as err:
        raise ConfigError(f"{key}: {err}") from None

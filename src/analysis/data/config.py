"""Run configuration: where the sales lines and targets come from and how to read them.

One YAML file describes a run. Everything in it is checked when it is loaded, so that a typo fails
at once with the file and the key named, not halfway through a report. Secrets never live in it:
a database password comes from an environment variable (``${NAME}`` in the URL).
"""

from __future__ import annotations

import codecs
import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.core import schema
from analysis.core.bundled import sample_dir
from analysis.core.errors import ConfigError, shown
from analysis.core.quarters import FiscalCalendar
from analysis.data.date_formats import DATE_FORMAT_RULE, check_date_format
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

_GLOB_CHARS = re.compile(r"[*?\[]")
_SOURCE_KEYS = (
    "path", "url", "query", "table", "sheet", "encoding", "date_format", "columns",
)  # fmt: skip
_TOP_KEYS = (
    "sales",
    "targets",
    "fiscal_year_start_month",
    "currency",
    "company",
    "data_through",
    "max_rejected_share",
    "cluster",
    "timezone",
)
#: ``currency:`` is shown next to every amount; refused in it: markup and Unicode control, format
#: (bidi overrides), unassigned, private-use and surrogate characters, line and paragraph breaks.
_NOT_IN_CURRENCY = ("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp")
CURRENCY_RULE = (
    "an ISO 4217 code of three capital letters (CNY, USD) or a currency sign of at most 3 "
    "characters (¥, US$) without <, >, &, quotes or control characters"
)


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

    def __post_init__(self) -> None:
        if self.path is not None:
            path = Path(self.path)
            if self.base_dir is not None and not path.is_absolute():
                path = Path(self.base_dir) / path
            object.__setattr__(self, "path", path)
        object.__setattr__(self, "columns", dict(self.columns))
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
    cluster: str | None = None  # a Dask scheduler's address: forecasts are fitted there
    #: The zone timestamps with a time zone are converted to before their date is taken.
    timezone: str = "UTC"
    source_file: Path | None = None

    def __post_init__(self) -> None:
        check_currency(self.currency)
        check_timezone(self.timezone)
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ConfigError(
                "fiscal_year_start_month: expected 1..12, "
                f"got {shown(self.fiscal_year_start_month)}"
            )
        if not 0 <= self.max_rejected_share <= 1:
            raise ConfigError(
                "max_rejected_share: expected a share between 0 and 1 (0.01 = 1%), "
                f"got {shown(self.max_rejected_share)}"
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
    _reject_unknown(data, _TOP_KEYS, "")
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
        options["fiscal_year_start_month"] = _typed(
            data["fiscal_year_start_month"], int, "fiscal_year_start_month", "a month number 1..12"
        )
    for key in ("currency", "company", "cluster", "timezone"):
        if key in data:
            options[key] = _typed(data[key], str, key, "text")
    if data.get("data_through") is not None:
        options["data_through"] = _date(data["data_through"], "data_through")
    if "max_rejected_share" in data:
        options["max_rejected_share"] = float(
            _typed(data["max_rejected_share"], (int, float), "max_rejected_share", "a number")
        )
    return RunConfig(**options)


def check_currency(value: object) -> None:
    """Unless ``value`` follows :data:`CURRENCY_RULE`, a ConfigError naming key, value and rule."""
    text = value if isinstance(value, str) else ""
    bad = any(c in "<>&\"'" or unicodedata.category(c) in _NOT_IN_CURRENCY for c in text)
    if bad or not text.strip() or len(text) > 3:
        shown = repr(value)
        shown = shown if len(shown) <= 26 else f"{shown[:25]}… ({len(text)} characters)"
        raise ConfigError(f"currency: {shown} is not allowed; expected {CURRENCY_RULE}")


def check_timezone(value: object) -> None:
    """Unless ``value`` is an IANA time zone name (``Asia/Shanghai``, ``UTC``), a ConfigError."""
    try:
        ZoneInfo(value if isinstance(value, str) else "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone: {shown(value)} is not a time zone; expected an IANA name such as "
            "Asia/Shanghai, Europe/Berlin, America/New_York or UTC"
        ) from None


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
    for name, header in columns.items():
        if name not in allowed:
            raise ConfigError(
                f"{key}: {shown(name)} is not a column the workbench uses"
                f"{_suggest(name, allowed)}; "
                f"map one of {', '.join(allowed)} to the source's own header"
            )
        if not isinstance(header, str) or not header.strip():
            raise ConfigError(
                f"{key}.{name}: expected the source's header as text, got {shown(header)}"
                " (quote headers that look like numbers)"
            )


def _source(value: Any, key: str, base_dir: Path, allowed: tuple[str, ...]) -> SourceConfig:
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{key}: expected a mapping with path (or url/query/table), got {type(value).__name__}"
        )
    _reject_unknown(value, _SOURCE_KEYS, f"{key}.")
    options: dict[str, Any] = {}
    if key == "targets" and value.get("date_format") is not None:
        raise ConfigError(f"{key}.date_format: targets have quarter labels, not dates")
    for name in ("path", "url", "query", "table", "encoding", "date_format"):
        if value.get(name) is not None:
            text = _typed(value[name], str, f"{key}.{name}", "text")
            if not text.strip():
                raise ConfigError(f"{key}.{name}: is empty")
            options[name] = text
    if value.get("sheet") is not None:
        options["sheet"] = _typed(
            value["sheet"], (str, int), f"{key}.sheet", "a sheet name or its position"
        )
    if value.get("columns") is not None:
        check_columns(value["columns"], allowed, f"{key}.columns")
        options["columns"] = {name: header.strip() for name, header in value["columns"].items()}
    try:
        return SourceConfig(**options, base_dir=base_dir)
    except ConfigError as err:
        raise ConfigError(f"{key}: {err}") from None


def _typed(value: Any, types: type | tuple[type, ...], key: str, expected: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, types):
        raise ConfigError(f"{key}: expected {expected}, got {shown(value)}")
    return value


def _date(value: Any, key: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        # 2025-02-30 has the shape of a date but is no day of the calendar
        shaped = re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text)
        why = ", which is not a day of the calendar" if shaped else ""
        raise ConfigError(
            f"{key}: expected a date such as 2025-12-31, got {shown(text)}{why}"
        ) from None


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    unknown = [str(key)[:40] for key in data if key not in allowed]
    if unknown:
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        names = ", ".join(f"{prefix}{name}" for name in unknown[:5]) + more
        hint = _suggest(unknown[0], allowed)
        raise ConfigError(f"unknown key {names}{hint}; allowed keys: {', '.join(allowed)}")


def _suggest(name: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(name)[:40], choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

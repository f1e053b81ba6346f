"""Run configuration: where the sales lines and targets come from and how to read them.

One YAML file describes a run. Everything in it is checked when it is loaded, so that a typo fails
at once with the file and the key named, not halfway through a report. Secrets never live in it:
a database password comes from an environment variable (``${NAME}`` in the URL).
"""

from __future__ import annotations

import codecs
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from analysis.core import schema
from analysis.core.bundled import sample_dir
from analysis.core.errors import ConfigError
from analysis.core.quarters import FiscalCalendar

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Database backends whose URL names a local file, resolved against the config folder.
FILE_DATABASES = ("duckdb", "sqlite")
MEMORY_DUCKDB = "duckdb:///:memory:"

SALES_COLUMNS: tuple[str, ...] = schema.SALES_REQUIRED + schema.SALES_OPTIONAL
TARGETS_COLUMNS: tuple[str, ...] = (
    schema.TARGETS_REQUIRED + schema.TARGETS_OPTIONAL + schema.TARGET_DIMENSIONS
)

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_GLOB_CHARS = re.compile(r"[*?\[]")
_SOURCE_KEYS = ("path", "url", "query", "table", "sheet", "encoding", "columns")
_TOP_KEYS = (
    "sales",
    "targets",
    "fiscal_year_start_month",
    "currency",
    "company",
    "data_through",
    "max_rejected_share",
    "cluster",
)
_PASSWORD_PARAMS = ("password", "passwd", "pwd")


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
        if self.encoding is not None:
            if kind != "csv":
                raise ConfigError("encoding applies to CSV files only")
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ConfigError(f"encoding: unknown encoding {self.encoding!r}") from None
        if self.url is not None:
            check_url(self.url)

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
            f"path: cannot read {self.path.name!r}; supported files are "
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
            return _relative(self.path, self.base_dir)
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
    source_file: Path | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ConfigError(
                f"fiscal_year_start_month: expected 1..12, got {self.fiscal_year_start_month!r}"
            )
        if not 0 <= self.max_rejected_share <= 1:
            raise ConfigError(
                "max_rejected_share: expected a share between 0 and 1 (0.01 = 1%), "
                f"got {self.max_rejected_share!r}"
            )

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fiscal_year_start_month)


def load_config(path: str | Path) -> RunConfig:
    """Read and check a YAML run configuration; every error names the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no configuration file at {path}")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not a valid YAML file: {err}") from None
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
    for key in ("currency", "company", "cluster"):
        if key in data:
            options[key] = _typed(data[key], str, key, "text")
    if data.get("data_through") is not None:
        options["data_through"] = _date(data["data_through"], "data_through")
    if "max_rejected_share" in data:
        options["max_rejected_share"] = float(
            _typed(data["max_rejected_share"], (int, float), "max_rejected_share", "a number")
        )
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
    for name, header in columns.items():
        if name not in allowed:
            raise ConfigError(
                f"{key}: {name!r} is not a column the workbench uses{_suggest(name, allowed)}; "
                f"map one of {', '.join(allowed)} to the source's own header"
            )
        if not isinstance(header, str) or not header.strip():
            raise ConfigError(
                f"{key}.{name}: expected the source's header as text, got {header!r}"
                " (quote headers that look like numbers)"
            )


def check_url(url: str) -> None:
    """A SQLAlchemy URL may carry ``${NAME}`` placeholders but never a literal password."""
    parsed, _ = _parse_template(url)
    if parsed is None:
        if not PLACEHOLDER.fullmatch(url.strip()):
            raise ConfigError(
                f"url: {url!r} is not a SQLAlchemy URL such as duckdb:///sales.duckdb"
            )
        return  # the whole URL comes from the environment (url: ${DATABASE_URL})
    secrets = [parsed.password, *(parsed.query.get(key) for key in _PASSWORD_PARAMS)]
    for secret in secrets:
        if secret is not None and _TOKEN.sub("", str(secret)):
            raise ConfigError(
                f"url: {display_url(url)} contains a password; put it in an environment "
                "variable and write it as ${NAME}, e.g. postgresql://user:${DB_PASSWORD}@host/db"
            )


def display_url(url: str, base_dir: Path | None = None) -> str:
    """The URL with its password hidden and a database file shown relative to the config folder.

    Placeholders are shown as written (``${NAME}``), never expanded.
    """
    parsed, placeholders = _parse_template(url)
    if parsed is None:
        return url.strip() if PLACEHOLDER.fullmatch(url.strip()) else "<not a valid url>"
    database = parsed.database
    if parsed.get_backend_name() in FILE_DATABASES and is_file_database(database):
        path = Path(database)
        if path.is_absolute():
            parsed = parsed.set(database=_relative(path, base_dir))
    text = unquote(parsed.render_as_string(hide_password=True))
    return _TOKEN.sub(lambda match: placeholders[match.group(0)], text)


def is_file_database(database: str | None) -> bool:
    """Whether a DuckDB/SQLite URL's database part names a local file."""
    return bool(database) and database != ":memory:" and ":" not in database.split("/")[0]


#: Placeholders are swapped for plain tokens while parsing, so that SQLAlchemy neither rejects
#: nor percent-encodes them.
_TOKEN = re.compile(r"zzenv\d+zz")


def _parse_template(url: str) -> tuple[URL | None, dict[str, str]]:
    placeholders: dict[str, str] = {}

    def token(match: re.Match[str]) -> str:
        key = f"zzenv{len(placeholders)}zz"
        placeholders[key] = match.group(0)
        return key

    try:
        return make_url(PLACEHOLDER.sub(token, url.strip())), placeholders
    except ArgumentError:
        return None, placeholders


def _relative(path: Path, base_dir: Path | None) -> str:
    if not path.is_absolute():
        return path.as_posix()
    if base_dir is not None:
        try:
            return path.relative_to(base_dir).as_posix()
        except ValueError:
            pass
    return path.name


def _source(value: Any, key: str, base_dir: Path, allowed: tuple[str, ...]) -> SourceConfig:
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{key}: expected a mapping with path (or url/query/table), got {type(value).__name__}"
        )
    _reject_unknown(value, _SOURCE_KEYS, f"{key}.")
    options: dict[str, Any] = {}
    for name in ("path", "url", "query", "table", "encoding"):
        if value.get(name) is not None:
            text = _typed(value[name], str, f"{key}.{name}", "text")
            if not text.strip():
                raise ConfigError(f"{key}.{name}: is empty")
            options[name] = text
    if value.get("sheet") is not None:
        options["sheet"] = _typed(value["sheet"], (str, int), f"{key}.sheet", "a sheet name")
    if value.get("columns") is not None:
        check_columns(value["columns"], allowed, f"{key}.columns")
        options["columns"] = {name: header.strip() for name, header in value["columns"].items()}
    try:
        return SourceConfig(**options, base_dir=base_dir)
    except ConfigError as err:
        raise ConfigError(f"{key}: {err}") from None


def _typed(value: Any, types: type | tuple[type, ...], key: str, expected: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, types):
        raise ConfigError(f"{key}: expected {expected}, got {value!r}")
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
        raise ConfigError(f"{key}: expected a date such as 2025-12-31, got {text!r}{why}") from None


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    unknown = [str(key) for key in data if key not in allowed]
    if unknown:
        names = ", ".join(f"{prefix}{name}" for name in unknown)
        hint = _suggest(unknown[0], allowed)
        raise ConfigError(f"unknown key {names}{hint}; allowed keys: {', '.join(allowed)}")


def _suggest(name: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (plain YAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date-shaped value that is no date (``2025-02-30``) stays text, so that its key's own
        check names the key and the value instead of YAML failing with a bare ValueError."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)

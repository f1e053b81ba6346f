"""Connecting to a SQL source: the URL with its ``${ENV}`` placeholders expanded and a relative
database file resolved, read-only DuckDB, and driver errors scrubbed of the secrets.

Kept apart from :mod:`analysis.data.sources` because both reading a SQL table and summing in the
database (:mod:`analysis.data.pushdown_sqlalchemy`, :mod:`analysis.data.pushdown_duckdb`) connect
the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from analysis.core.errors import ConfigError
from analysis.data.config import (
    FILE_DATABASES,
    MEMORY_DUCKDB,
    PLACEHOLDER,
    SourceConfig,
    is_file_database,
)


def connect_url(
    source: SourceConfig, environ: Callable[[str], str | None] = os.environ.get
) -> tuple[URL, list[str]]:
    """The URL to connect with: placeholders expanded, a relative database file resolved.

    Also returns the expanded values, so that error messages can be scrubbed of them.
    """
    secrets: list[str] = []

    def expand(match: re.Match[str]) -> str:
        value = environ(match.group(1))
        if value is None:
            raise ConfigError(
                f"{source.label}: environment variable {match.group(1)} is not set "
                "(the url refers to it as ${" + match.group(1) + "})"
            )
        secrets.append(value)
        return value

    text = PLACEHOLDER.sub(expand, source.url or MEMORY_DUCKDB)
    try:
        url = make_url(text)
    except sa.exc.ArgumentError:
        raise ConfigError(f"{source.label}: the expanded url is not a SQLAlchemy URL") from None
    if url.password is not None:
        secrets.append(str(url.password))
    database = url.database
    if url.get_backend_name() in FILE_DATABASES and is_file_database(database):
        path = Path(database)
        if not path.is_absolute() and source.base_dir is not None:
            path = Path(source.base_dir) / path
        if not path.is_file():
            raise ConfigError(f"{source.label}: no database file {path.name!r}")
        url = url.set(database=str(path))
    return url, secrets


def connect_args(url: URL, base_dir: Path | None) -> dict[str, object]:
    """Read-only where the driver allows it; DuckDB looks for files in the config folder."""
    if url.get_backend_name() != "duckdb":
        return {}
    args: dict[str, object] = {"read_only": is_file_database(url.database)}
    if base_dir is not None:
        args["config"] = {"file_search_path": str(base_dir)}
    return args


def table_clause(name: str) -> sa.TableClause:
    schema, _, table = name.rpartition(".")
    return sa.table(table, schema=schema or None)


def driver_message(err: Exception) -> str:
    """The driver's own message (pandas wraps SQLAlchemy's error, which wraps the driver's)."""
    cause = err.__cause__ if isinstance(err, pd.errors.DatabaseError) and err.__cause__ else err
    text = str(getattr(cause, "orig", None) or cause).strip()
    return text.splitlines()[0] if text else type(err).__name__


def scrub(message: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = message.replace(secret, "***")
    return message

"""Connecting to a SQL source: the URL with its ``${ENV}`` placeholders expanded and a relative
database file resolved, connections that only read where the database allows it (DuckDB files,
PostgreSQL, MySQL, SQLite), DuckDB without extensions from the network and with its settings
locked, and driver errors scrubbed of the secrets.

Kept apart from :mod:`analysis.data.sources` because both reading a SQL table and summing in the
database (:mod:`analysis.data.pushdown_sqlalchemy`, :mod:`analysis.data.pushdown_duckdb`) connect
the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from analysis.core.errors import ConfigError
from analysis.data.config import SourceConfig
from analysis.data.urls import (
    FILE_DATABASES,
    MEMORY_DUCKDB,
    PLACEHOLDER,
    SECRET_PARAMS,
    is_file_database,
    mask_secrets,
)

#: DuckDB's settings wherever it runs a configured query: no extension installed on the fly (from
#: the network) and none from the community; ``lock_configuration`` once the engine has set its
#: own, so that nothing a query does changes them.
DUCKDB_SETTINGS: dict[str, object] = {
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
}
#: What makes a fresh connection read-only, per backend (the account itself should be, too).
READ_ONLY = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
    "sqlite": "PRAGMA query_only = ON",
}
#: Characters of a driver's message shown in an error.
MESSAGE_CHARS = 300


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
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(f"{source.label}: the expanded url is not a SQLAlchemy URL") from None
    if url.password is not None:
        secrets.append(str(url.password))
    for key, value in url.query.items():
        if key.lower() in SECRET_PARAMS:
            secrets += [value] if isinstance(value, str) else list(value)
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
    config = {**DUCKDB_SETTINGS, "lock_configuration": True}
    if base_dir is not None:
        config["file_search_path"] = str(base_dir)
    return {"read_only": is_file_database(url.database), "config": config}


def create_engine(url: URL, base_dir: Path | None) -> sa.Engine:
    """An engine whose every connection only reads, where the backend has a way to say so
    (``READ_ONLY``; DuckDB files are opened read-only)."""
    engine = sa.create_engine(url, connect_args=connect_args(url, base_dir))
    statement = READ_ONLY.get(url.get_backend_name())
    if statement is not None:

        def read_only(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(statement)
            finally:
                cursor.close()
            dbapi_connection.commit()  # a session setting outlives the transaction that set it

        sa.event.listen(engine, "connect", read_only)
    return engine


def table_clause(name: str) -> sa.TableClause:
    schema, _, table = name.rpartition(".")
    return sa.table(table, schema=schema or None)


def driver_message(err: Exception) -> str:
    """The driver's own message (pandas wraps SQLAlchemy's error, which wraps the driver's)."""
    cause = err.__cause__ if isinstance(err, pd.errors.DatabaseError) and err.__cause__ else err
    text = str(getattr(cause, "orig", None) or cause).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    return first if len(first) <= MESSAGE_CHARS else first[: MESSAGE_CHARS - 3] + "..."


def scrub(message: str, secrets: list[str]) -> str:
    """The message without the expanded secrets, nor a password of any URL it quotes."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = message.replace(secret, "***")
    return mask_secrets(message)

"""A source's database URL: ``${NAME}`` placeholders, secrets refused in the file and hidden
whenever a URL is shown, and the database a query runs on.

Kept apart from :mod:`analysis.data.config` (which checks a source's URL with these) so that
the configuration's keys and the URL's rules can each be read on their own;
:mod:`analysis.data.database` expands the placeholders and connects.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from analysis.core.errors import ConfigError, shown

#: Database backends whose URL names a local file, resolved against the config folder.
FILE_DATABASES = ("duckdb", "sqlite")
MEMORY_DUCKDB = "duckdb:///:memory:"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: URL query parameters that hold a secret: refused when literal, hidden when shown.
SECRET_PARAMS = (
    "password", "passwd", "pwd", "sslpassword", "secret", "token", "access_token", "api_key",
    "apikey",
)  # fmt: skip
_USERINFO = re.compile(r"(//[^/?#:@]*):[^/?#]*@")
_SECRET_PARAM = re.compile(rf"([?&;](?:{'|'.join(SECRET_PARAMS)})=)[^&;#]*", re.IGNORECASE)


def check_url(url: str) -> None:
    """A SQLAlchemy URL may carry ``${NAME}`` placeholders but never a literal password."""
    parsed, _ = _parse_template(url)
    if parsed is None:
        if not PLACEHOLDER.fullmatch(url.strip()):
            raise ConfigError(
                f"url: {shown(mask_secrets(url))} is not a SQLAlchemy URL "
                "such as duckdb:///sales.duckdb"
            )
        return  # the whole URL comes from the environment (url: ${DATABASE_URL})
    secrets = [parsed.password, *_secret_params(parsed).values()]
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
            parsed = parsed.set(database=relative(path, base_dir))
    literal = {k: "***" for k, v in _secret_params(parsed).items() if _TOKEN.sub("", str(v))}
    if literal:
        parsed = parsed.update_query_dict(literal)
    text = unquote(parsed.render_as_string(hide_password=True))
    return _TOKEN.sub(lambda match: placeholders[match.group(0)], text)


def mask_secrets(text: str) -> str:
    """Text that may hold a URL, with a password in it (userinfo or query string) as ``***``:
    for text that is no valid URL, and for driver messages that quote one."""
    return _SECRET_PARAM.sub(r"\1***", _USERINFO.sub(r"\1:***@", text))


def query_backend(url: str | None) -> str | None:
    """The database a query runs on (``duckdb`` without a url); None while the url's backend
    comes from the environment."""
    if url is None:
        return "duckdb"
    parsed, _ = _parse_template(url)
    if parsed is None or _TOKEN.search(parsed.get_backend_name()):
        return None
    return parsed.get_backend_name()


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
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None, placeholders


def _secret_params(parsed: URL) -> dict[str, object]:
    return {key: value for key, value in parsed.query.items() if key.lower() in SECRET_PARAMS}


def relative(path: Path, base_dir: Path | None) -> str:
    """A path as labels show it: relative to the config folder, else its name alone."""
    if not path.is_absolute():
        return path.as_posix()
    if base_dir is not None:
        try:
            return path.relative_to(base_dir).as_posix()
        except ValueError:
            pass
    return path.name

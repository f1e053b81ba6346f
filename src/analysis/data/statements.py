"""A SQL source's query checked to be one SELECT statement before anything runs it.

``check_query(query, backend)`` returns the statement as it is to be run (without a trailing
``;`` or comment, so that the engines can wrap it in a subquery) or raises a
:class:`ConfigError` that names what it found: ``query: must be one SELECT statement; found 3
statements (SELECT, COPY, SELECT)``.

- **DuckDB** (a query without ``url``, or a ``duckdb:`` url) is judged by DuckDB's own parser:
  ``duckdb.tokenize`` splits the text at its semicolons, ``duckdb.extract_statements`` names
  each statement's type, and only one statement of type SELECT passes (``WITH`` and DuckDB's
  ``FROM``-first and ``VALUES`` queries are SELECTs too).
- **Any other database** (a SQLAlchemy url) by a conservative scan of the text, since SQL
  dialects quote and comment differently: it is read as PostgreSQL, as MySQL (backslash escapes,
  ``#`` and ``-- `` comments, ``/*! ... */`` code) and as SQLite/SQL Server (backticks,
  ``[names]``) would read it, and each reading must find exactly one statement (a ``;`` only at
  the end), balanced parentheses, ``SELECT`` or ``WITH`` first and none of ``WRITING`` as a word
  outside quotes and comments, all ending at the same place. A query that passes may still be
  refused by a database that reads it otherwise; one that is refused can usually be rewritten
  (quote a column called ``update``).

The database account a source connects with should itself be allowed to read only: see
README.md, *Security*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.core.errors import ConfigError

#: Words no query for a database other than DuckDB may contain outside quotes and comments:
#: statements that write or change settings (data-modifying CTEs, ``SELECT ... INTO``,
#: ``FOR UPDATE``), and PostgreSQL functions that change settings or write server files.
WRITING = frozenset(
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "CREATE", "DROP", "ALTER", "TRUNCATE",
        "RENAME", "GRANT", "REVOKE", "COPY", "INTO", "CALL", "EXEC", "EXECUTE", "ATTACH",
        "DETACH", "PRAGMA", "VACUUM", "LOCK", "HANDLER", "OUTFILE", "DUMPFILE", "SET_CONFIG",
        "LO_EXPORT", "LO_IMPORT", "DBLINK_EXEC",
    }
)  # fmt: skip
_FIRST = ("SELECT", "WITH")
_WORD = re.compile(r"(?<![\w$.])[A-Za-z_][A-Za-z0-9_$]*")
_FIRST_WORD = re.compile(r"[\s(]*([A-Za-z_][A-Za-z0-9_]*)")
_SPLIT = re.compile(r"[^;]+")


def check_query(query: str, backend: str) -> str:
    """The one SELECT statement of ``query``, trimmed of a trailing ``;`` and comment, as it runs
    on ``backend`` (a SQLAlchemy backend name: ``duckdb``, ``postgresql``, ``sqlite``, ...)."""
    return _duckdb(query) if backend == "duckdb" else _portable(query)


def _refused(found: str) -> ConfigError:
    return ConfigError(f"query: must be one SELECT statement; {found}")


def _found(kinds: list[str]) -> str:
    if len(kinds) == 1:
        article = "an" if kinds[0][:1] in "AEIOU" else "a"
        return f"found {article} {kinds[0]} statement"
    shown = ", ".join(kinds[:5]) + (f" and {len(kinds) - 5} more" if len(kinds) > 5 else "")
    return f"found {len(kinds)} statements ({shown})"


def _kind(text: str) -> str:
    match = _FIRST_WORD.match(text)
    return match.group(1).upper()[:20] if match else "unnamed"


# DuckDB ------------------------------------------------------------------------------------


def _duckdb(query: str) -> str:
    import duckdb

    tokens = [(offset, str(kind).rpartition(".")[2]) for offset, kind in duckdb.tokenize(query)]
    # statements between the semicolons: (first offset, end of the last token that is no comment)
    spans: list[tuple[int, int]] = []
    start = end = None
    for i, (offset, kind) in enumerate(tokens):
        following = tokens[i + 1][0] if i + 1 < len(tokens) else len(query)
        if kind == "operator" and query[offset] == ";":
            if start is not None:
                spans.append((start, end))
            start = end = None
        elif kind != "comment":
            start = offset if start is None else start
            end = following
    if start is not None:
        spans.append((start, end))
    kinds = [_kind(query[a:b]) for a, b in spans]
    if not spans:
        raise ConfigError("query: is empty (comments only)")
    try:
        types = [statement.type.name for statement in duckdb.extract_statements(query)]
    except duckdb.ParserException as err:
        if len(spans) > 1:
            raise _refused(_found(kinds)) from None
        message = " ".join(str(err).splitlines()[0].split())[:200]
        raise ConfigError(f"query: not valid DuckDB SQL: {message}") from None
    except ValueError:  # a statement type this DuckDB has no name for (UPDATE EXTENSIONS)
        types = ["unnamed"] * len(spans)
    if len(spans) > 1 or len(types) != 1:
        raise _refused(_found(kinds))
    if types[0] != "SELECT":
        kind = kinds[0] if kinds[0] not in _FIRST else types[0].replace("_", " ")
        raise _refused(_found([kind]))
    start, end = spans[0]
    return query[start:end].rstrip()


# Other databases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexer:
    """How one family of SQL dialects quotes and comments."""

    quotes: str  # characters that open a quoted text or name ('[' closes with ']')
    backslash: bool = False  # a backslash escapes the next character in '...' and "..."
    e_strings: bool = False  # E'...' takes backslash escapes
    dollar: bool = False  # $tag$ ... $tag$ quotes
    nested: bool = False  # /* */ comments nest
    hash: bool = False  # '#' starts a comment
    dash_space: bool = False  # '--' starts a comment only before a space
    bang: bool = False  # /*! ... */ is code, not a comment

    @property
    def special(self) -> re.Pattern[str]:
        parts = [re.escape(q) for q in self.quotes] + ["--", r"/\*"]
        parts += ["#"] * self.hash + [r"\$"] * self.dollar
        parts += [r"(?<![\w$])[eE]'"] * self.e_strings
        return re.compile("|".join(parts))


_LEXERS = (
    _Lexer("'\"", e_strings=True, dollar=True, nested=True),  # PostgreSQL, Oracle, standard SQL
    _Lexer("'\"`", backslash=True, hash=True, dash_space=True, bang=True),  # MySQL, MariaDB
    _Lexer("'\"`["),  # SQLite, SQL Server
)
_DOLLAR = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


class _Unclosed(Exception):
    pass


def _portable(query: str) -> str:
    cuts = set()
    for lexer in _LEXERS:
        try:
            masked = _mask(query, lexer, lexer.special)
        except _Unclosed:
            raise _refused("a quote or comment in it is not closed") from None
        cuts.add(_judge(masked))
    if len(cuts) > 1:
        raise _refused(
            "its quotes or comments read differently in different SQL dialects "
            "(backslashes, '#', backticks, nested comments)"
        )
    start, end = cuts.pop()
    return query[start:end]


def _judge(masked: str) -> tuple[int, int]:
    """Where the one statement of a query starts and ends; its code is ``masked``."""
    spans = [m.span() for m in _SPLIT.finditer(masked) if m.group().strip()]
    if not spans:
        raise ConfigError("query: is empty (comments only)")
    kinds = [_kind(masked[a:b]) for a, b in spans]
    if len(spans) > 1 or kinds[0] not in _FIRST:
        raise _refused(_found(kinds))
    start, end = spans[0]
    code = masked[start:end]
    depth = 0
    for char in re.findall(r"[()]", code):
        depth += 1 if char == "(" else -1
        if depth < 0:
            break
    if depth:
        raise _refused("its parentheses do not balance")
    writing = sorted({w.upper() for w in _WORD.findall(code)} & WRITING)
    if writing:
        raise _refused(f"found {', '.join(writing)} in it (a query may only read)")
    start += len(code) - len(code.lstrip())
    return start, start + len(code.strip())


def _mask(query: str, lexer: _Lexer, special: re.Pattern[str]) -> str:
    """The query with comments as spaces and quoted text as ``\\x01``: what is left is code."""
    out: list[str] = []
    i, n = 0, len(query)
    while (match := special.search(query, i)) is not None:
        j = match.start()
        out.append(query[i:j])
        token = match.group()
        if token == "--" and lexer.dash_space and not query[j + 2 : j + 3].isspace():
            out.append("-")  # MySQL: '--1' is minus minus one
            i = j + 1
            continue
        if token in ("--", "#"):
            end = query.find("\n", j)
            end = n if end < 0 else end
        elif token == "/*":
            if lexer.bang and query.startswith("/*!", j):
                out.append("/*!")
                i = j + 3
                continue
            end = _comment_end(query, j, lexer.nested)
        elif token == "$":
            tag = _DOLLAR.match(query, j)
            if tag is None or (j and (query[j - 1].isalnum() or query[j - 1] in "_$")):
                out.append("$")
                i = j + 1
                continue
            close = query.find(tag.group(), tag.end())
            if close < 0:
                raise _Unclosed
            end = close + len(tag.group())
        else:
            quote = token[-1]
            escapes = (lexer.backslash and quote in "'\"") or len(token) == 2  # E'...'
            end = _quote_end(query, j + len(token), "]" if quote == "[" else quote, escapes)
        out.append(("\x01" if token not in ("--", "#", "/*") else " ") * (end - j))
        i = end
    out.append(query[i:])
    return "".join(out)


def _comment_end(query: str, start: int, nested: bool) -> int:
    depth, i = 1, start + 2
    while depth:
        close = query.find("*/", i)
        if close < 0:
            raise _Unclosed
        opening = query.find("/*", i, close) if nested else -1
        depth, i = (depth + 1, opening + 2) if opening >= 0 else (depth - 1, close + 2)
    return i


def _quote_end(query: str, start: int, close: str, escapes: bool) -> int:
    q = re.escape(close)
    body = rf"(?:[^{q}\\]|\\.|{q}{q})*{q}" if escapes else rf"(?:[^{q}]|{q}{q})*{q}"
    match = re.compile(body, re.DOTALL).match(query, start)
    if match is None:
        raise _Unclosed
    return match.end()

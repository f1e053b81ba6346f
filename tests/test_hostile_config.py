"""Hostile run configurations: each ends in one clear line (exit 1), never a traceback, a file
written by a query, a secret or the contents of a file read by mistake.

Every input is built here, in the test's own folder; the PostgreSQL cases use the throwaway
server of conftest.py (``postgres``).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
import yaml

import analysis.data.load  # noqa: F401  (imported before any timing: the command imports it)
from analysis.cli import main
from analysis.core.errors import ConfigError
from analysis.data import pushdown
from analysis.data.config import SourceConfig
from analysis.data.database import connect_url, create_engine
from analysis.data.sources import read_table
from analysis.data.statements import check_query
from analysis.data.yaml_limits import MAX_BYTES

#: One good sales line, as DuckDB SQL.
LINE = (
    "(values ('2025-01-02', 'Online', 'East', 'Tea', 'Green', 'Acme', 1, 2.5))"
    " t(date, channel, region, product_line, product, customer, quantity, revenue)"
)
SECRETS = ("s3cret", "s3cret2")


def write(folder: Path, data: dict | str, name: str = "config.yaml") -> Path:
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(capsys: pytest.CaptureFixture[str], path: Path, command: str = "check") -> str:
    """The one line ``sales-report check`` prints for a configuration it cannot use."""
    code = main([command, "--config", str(path)])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    assert err.startswith("sales-report: error: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    return err


def accepted(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    code = main(["check", "--config", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err
    return out


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A DuckDB file with one sales line in ``lines``."""
    path = tmp_path / "sales.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"create table lines as select * from {LINE}")
    return path


def rows(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute("select count(*) from information_schema.tables").fetchone()[0]
        return int(con.execute("select count(*) from lines").fetchone()[0]) if tables else -1


# SQL: one SELECT statement ------------------------------------------------------------------


def test_copy_smuggled_between_semicolons_writes_nothing(tmp_path, capsys) -> None:
    target = tmp_path / "WRITTEN.csv"
    query = f"select 1 as x) ; COPY (select 42 as x) TO '{target}'; select * from (select 1 as x"
    err = refused(capsys, write(tmp_path, {"sales": {"query": query}}))
    assert (
        "sales: query: must be one SELECT statement; found 3 statements (SELECT, COPY, SELECT)"
        in err
    )
    assert not target.exists()
    plain = refused(capsys, write(tmp_path, {"sales": {"query": f"copy lines to '{target}'"}}))
    assert "must be one SELECT statement; found a COPY statement" in plain
    assert not target.exists()


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("insert into lines select * from lines", "an INSERT"),
        ("update lines set revenue = 0", "an UPDATE"),
        ("delete from lines", "a DELETE"),
        ("drop table lines", "a DROP"),
        ("create table copied as select * from lines", "a CREATE"),
        ("pragma database_size", "a PRAGMA"),
        ("set threads = 1", "a SET"),
        ("select * from lines; delete from lines", "2 statements (SELECT, DELETE)"),
    ],
)
def test_statements_that_write_are_refused_before_they_run(
    tmp_path, capsys, database, query, kind
) -> None:
    config = write(tmp_path, {"sales": {"url": "duckdb:///sales.duckdb", "query": query}})
    err = refused(capsys, config)
    assert f"config.yaml: sales: query: must be one SELECT statement; found {kind}" in err
    assert rows(database) == 1


def test_attach_install_and_load_are_refused(tmp_path, capsys) -> None:
    other = tmp_path / "other.duckdb"
    for query, kind in [
        (f"attach '{other}' as other", "an ATTACH"),
        ("install httpfs", "an INSTALL"),
        ("load httpfs", "a LOAD"),
    ]:
        err = refused(capsys, write(tmp_path, {"sales": {"query": query}}))
        assert f"must be one SELECT statement; found {kind} statement" in err
    assert not other.exists()


@pytest.mark.parametrize(
    "query",
    [
        f"select date, channel, region, product_line, 'a;b' as product, customer, quantity,"
        f" revenue from {LINE}",  # a semicolon inside a string
        f"select * from {LINE};",  # a trailing semicolon
        f"select * from {LINE}; -- the last line",
        f"-- sales; all of them\nselect * /* ; */ from {LINE} -- ; done",  # comments with ;
        f"with picked as (select * from {LINE}) select * from picked",  # a CTE
    ],
)
def test_one_select_passes_and_loads(tmp_path, capsys, query) -> None:
    out = accepted(capsys, write(tmp_path, {"sales": {"query": query}}))
    assert "1 rows read, 1 used" in out
    assert pushdown.count(SourceConfig(query=query)) == 1  # the engine's SQL around it holds


def test_the_engine_checks_the_query_it_wraps_again(tmp_path, database) -> None:
    """Summing in the engine puts the query inside its own SQL: a query that got past the
    configuration (here set behind its back) is checked again before anything runs it."""
    target = tmp_path / "WRITTEN.csv"
    source = SourceConfig(url="duckdb:///sales.duckdb", query="select 1", base_dir=tmp_path)
    object.__setattr__(source, "query", f"select 1) ; copy lines to '{target}'; select (1")
    for call in (pushdown.count, read_table):
        with pytest.raises(ConfigError, match=r"found 3 statements \(SELECT, COPY, SELECT\)"):
            call(source)
    sqlite = tmp_path / "sales.sqlite"
    with sa.create_engine(f"sqlite:///{sqlite}").begin() as connection:
        connection.execute(sa.text("create table lines (x integer)"))
        connection.execute(sa.text("insert into lines values (1)"))
    warehouse = SourceConfig(url="sqlite:///sales.sqlite", query="select 1", base_dir=tmp_path)
    object.__setattr__(warehouse, "query", "select * from lines) src; delete from lines; select (1")
    with pytest.raises(ConfigError, match=r"found 3 statements \(SELECT, DELETE, SELECT\)"):
        pushdown.count(warehouse)
    assert not target.exists()
    with sa.create_engine(f"sqlite:///{sqlite}").connect() as connection:
        assert connection.execute(sa.text("select count(*) from lines")).scalar_one() == 1


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("select * from lines", None),
        ("select 'a;b' as x from lines;", None),
        ("select note from lines where note = 'please update' -- or delete", None),
        ("select t.update from lines t", None),  # a column called update, qualified
        ("select 1; drop table lines", "found 2 statements (SELECT, DROP)"),
        ("with gone as (delete from lines returning *) select * from gone", "found DELETE in it"),
        ("select * into copied from lines", "found INTO in it"),
        ("select * from lines for update", "found UPDATE in it"),
        ("select set_config('default_transaction_read_only', 'off', false)", "SET_CONFIG"),
        ("select '\\'' ; drop table lines; -- '", "(SELECT, DROP)"),  # MySQL's backslash
        ("select 1 # '\n ; drop table lines; -- '", "(SELECT, DROP)"),  # MySQL's # comment
        ("select `'` ; drop table lines; -- '", "(SELECT, DROP)"),  # a backtick name
        ("select /* /* */ ; drop table lines; /* */ 1", "not closed"),  # nested or not
        ("select 1 /*! ; drop table lines */", "(SELECT, DROP)"),  # MySQL runs /*! */
        ("select 1) union (select 2", "parentheses do not balance"),
        ("explain select 1", "found an EXPLAIN statement"),
    ],
)
def test_other_databases_get_a_conservative_check(query, found) -> None:
    """Read as PostgreSQL, MySQL and SQLite/SQL Server read quotes and comments: any reading
    that sees more than one statement, or one that writes, refuses the query."""
    for backend in ("postgresql", "mysql", "sqlite", "mssql"):
        if found is None:
            assert check_query(query, backend) == query.rstrip(";").split(" --")[0]
        else:
            with pytest.raises(ConfigError, match="must be one SELECT statement") as caught:
                check_query(query, backend)
            assert found in str(caught.value)


def test_postgres_and_sqlite_connections_only_read(postgres, tmp_path, monkeypatch) -> None:
    """Even a statement that got past the check could not write: the session is read-only."""
    with postgres.connect() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS hostile_lines (x integer)")
    monkeypatch.setenv("PG_ADMIN", postgres.admin_password)
    url = f"postgresql+psycopg://admin:${{PG_ADMIN}}@127.0.0.1:{postgres.port}/postgres"
    sqlite = tmp_path / "s.sqlite"
    with sa.create_engine(f"sqlite:///{sqlite}").begin() as connection:
        connection.execute(sa.text("create table hostile_lines (x integer)"))
    for source, refusal in [
        (SourceConfig(url=url, table="hostile_lines"), "read-only transaction"),
        (SourceConfig(url=f"sqlite:///{sqlite}", table="hostile_lines"), "readonly"),
    ]:
        engine = create_engine(connect_url(source)[0], tmp_path)
        try:
            with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match=refusal):
                connection.execute(sa.text("insert into hostile_lines values (1)"))
            with engine.connect() as connection:  # and reading works
                assert (
                    connection.execute(sa.text("select count(*) from hostile_lines")).scalar_one()
                    == 0
                )
        finally:
            engine.dispose()


# Messages: never a file's contents, never a secret ------------------------------------------


def test_a_file_read_by_mistake_is_not_quoted(tmp_path, capsys) -> None:
    (tmp_path / "secret.txt").write_text(
        "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/srv/alice:/bin/sh\n"
    )
    query = "select * from read_csv('secret.txt', header = true, sep = ',')"
    err = refused(capsys, write(tmp_path, {"sales": {"query": query}}))
    assert "columns found: 1 column whose headers do not look like column names" in err
    assert "root:" not in err and "alice" not in err
    passwd = "select * from read_csv('/etc/passwd', header = true)"
    err = refused(capsys, write(tmp_path, {"sales": {"query": passwd}}))
    assert "root:" not in err and "/bin/" not in err


def test_long_headers_are_named_five_at_most_and_cut(tmp_path, capsys) -> None:
    headers = [f"{'header number ' * 5}{i}" for i in range(12)]
    (tmp_path / "sales.csv").write_text(",".join(headers) + "\n" + ",".join("1" * 12) + "\n")
    err = refused(capsys, write(tmp_path, {"sales": {"path": "sales.csv"}}))
    found = err.split("columns found: ")[1]
    assert found.startswith("'header number header number header nu...', ")
    assert found.count("'header number") == 5 and " and 7 more" in found
    assert "header number 11" not in err


def test_url_secrets_never_reach_the_terminal_or_the_log(tmp_path, capsys, monkeypatch) -> None:
    literal = "postgresql+psycopg://u:s3cret@127.0.0.1:1/db?password=s3cret2"
    err = refused(capsys, write(tmp_path, {"sales": {"url": literal, "query": "select 1"}}))
    assert "contains a password" in err and "u:***@127.0.0.1:1/db?password=***" in err
    monkeypatch.setenv("PG_PW", SECRETS[0])
    monkeypatch.setenv("PG_PW2", SECRETS[1])
    monkeypatch.setenv("DB_URL", literal)
    for url in ("postgresql+psycopg://u:${PG_PW}@127.0.0.1:1/db?password=${PG_PW2}", "${DB_URL}"):
        config = write(tmp_path, {"sales": {"url": url, "query": "select 1"}})
        err = refused(capsys, config)  # nothing listens on port 1
        assert "the database query failed" in err or "no database driver" in err
        assert not [s for s in SECRETS if s in err]
        out = tmp_path / "reports"
        assert main(["run", "--config", str(config), "--out", str(out)]) == 1
        printed = "".join(capsys.readouterr())
        assert "sales-report: error: " in printed and "Traceback" not in printed
        assert not [s for s in SECRETS if s in printed]
        logs = list((out / "logs").glob("*.log"))
        assert logs and not [s for s in SECRETS for log in logs if s in log.read_text()]


def test_a_url_that_does_not_parse_is_shown_masked(tmp_path, capsys) -> None:
    url = "postgresql://u:s3cret@127.0.0.1:notaport/db"
    err = refused(capsys, write(tmp_path, {"sales": {"url": url, "query": "select 1"}}))
    assert "is not a SQLAlchemy URL" in err and "s3cret" not in err


# YAML within bounds ---------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_once(tmp_path, capsys) -> None:
    lines = ["sales: sales.csv", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    config = write(tmp_path, "\n".join([*lines, "company: *a8"]) + "\n")
    started = time.perf_counter()
    err = refused(capsys, config)
    assert time.perf_counter() - started < 1.0
    assert "more than 10,000 values once its aliases are expanded (line 6" in err


def test_oversized_deep_and_recursive_documents(tmp_path, capsys) -> None:
    big = write(tmp_path, "sales: sales.csv\ncompany: " + "x" * MAX_BYTES + "\n")
    assert f"a run configuration is at most {MAX_BYTES // 1024} KB" in refused(capsys, big)
    deep = write(tmp_path, "sales: sales.csv\ncompany: " + "[" * 20_000 + "]" * 20_000 + "\n")
    started = time.perf_counter()
    assert "values nested more than 20 levels deep (line 2" in refused(capsys, deep)
    assert time.perf_counter() - started < 1.0
    chain = ["k0: &k0 [1]", *(f"k{i}: &k{i} [*k{i - 1}]" for i in range(1, 500))]
    chained = write(tmp_path, "sales: sales.csv\n" + "\n".join(chain) + "\n")
    assert "nested more than 20 levels deep (aliases)" in refused(capsys, chained)
    recursive = write(tmp_path, "sales: &a [*a]\n")
    assert "an alias to the collection it is in" in refused(capsys, recursive)


def test_python_tags_are_refused(tmp_path, capsys) -> None:
    marker = tmp_path / "PWNED"
    config = write(tmp_path, f"sales: !!python/object/apply:os.system ['touch {marker}']\n")
    err = refused(capsys, config)
    assert "could not determine a constructor for the tag" in err and "(line 1, column 8)" in err
    assert not marker.exists()


def test_long_values_and_many_keys_are_cut_short_in_messages(tmp_path, capsys) -> None:
    long = write(tmp_path, "sales: sales.csv\nfiscal_year_start_month: '" + "9" * 100_000 + "'\n")
    err = refused(capsys, long)
    assert "fiscal_year_start_month: expected a month number 1..12" in err and len(err) < 300
    keys = "".join(f"key{i}{'z' * 200}: 1\n" for i in range(50))
    err = refused(capsys, write(tmp_path, "sales: sales.csv\n" + keys))
    assert "unknown key key0zzz" in err and " and 45 more; allowed keys: sales" in err
    assert len(err) < 600


def test_aliases_within_bounds_are_fine(tmp_path, capsys, database) -> None:
    config = write(
        tmp_path,
        "sales:\n  url: &db duckdb:///sales.duckdb\n  query: select * from lines\n"
        "targets:\n  url: *db\n"
        "  query: select '2025Q1' as quarter, 'Online' as channel, 10 as target_revenue\n",
    )
    out = accepted(capsys, config)
    assert "query on duckdb:///sales.duckdb: 1 rows read, 1 used" in out

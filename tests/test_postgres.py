"""A run against a real password-protected PostgreSQL database: the password stays out of it all.

A throwaway server (``initdb`` + ``pg_ctl``, TCP on 127.0.0.1, scram-sha-256 passwords) holds the
sample's sales lines in a table; the run reads it through the configured URL with the password in
an environment variable. Locally the test is skipped when no PostgreSQL server is installed; CI
(``CI`` set) installs one and fails instead of skipping.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.runner import REPORTS, run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

COLUMNS = """order_date date, order_id text, customer text, channel text, region text,
product_line text, product text, quantity integer, unit_price numeric(12, 2),
net_amount numeric(14, 2), salesperson text"""


def _server_binaries() -> Path | None:
    found = shutil.which("initdb") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
    )
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A PostgreSQL cluster in a temporary folder, run as the ``postgres`` user when we are root
    (the server refuses to run as root)."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir, self.folder, self.port = bindir, folder, _free_port()
        self.admin_password = secrets.token_urlsafe(16)
        self.as_postgres = os.geteuid() == 0

    def _cmd(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")

    def start(self) -> None:
        pwfile = self.folder / "pw"
        pwfile.write_text(self.admin_password)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(pwfile, "postgres")
        data = self.folder / "data"
        self._cmd(
            str(self.bindir / "initdb"), "-D", str(data), "-U", "admin", "-A", "scram-sha-256",
            f"--pwfile={pwfile}", "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")  # the server's output, not our pipes: start returns
        self._cmd(
            str(self.bindir / "pg_ctl"), "-D", str(data), "-l", log, "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self._cmd(
                str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop"
            )

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="admin", password=self.admin_password,
            dbname=dbname, autocommit=True,
        )  # fmt: skip


@pytest.fixture(scope="module")
def database() -> Iterator[tuple[int, str]]:
    """(port, password of the read-only role ``analyst``) of a server holding ``sales_lines``."""
    bindir = _server_binaries()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL server installed; .ci/run installs Debian's postgresql")
        pytest.skip("no PostgreSQL server installed (Debian: apt-get install postgresql)")
    # not in pytest's temporary folder: that is private to us, and the server runs as postgres
    server = Server(bindir, Path(tempfile.mkdtemp(prefix="workbench-pg-")))
    password = "pw-" + secrets.token_hex(12)
    try:
        server.start()
        with server.connect() as conn:
            conn.execute("CREATE DATABASE sales")
            conn.execute(f"CREATE ROLE analyst LOGIN PASSWORD '{password}'")
        with server.connect("sales") as conn:
            conn.execute(f"CREATE TABLE sales_lines ({COLUMNS})")
            with conn.cursor().copy(
                "COPY sales_lines FROM STDIN WITH (FORMAT csv, HEADER)"
            ) as copy:
                copy.write((SAMPLE / "sales_lines.csv").read_bytes())
            conn.execute("GRANT SELECT ON sales_lines TO analyst")
        yield server.port, password
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


def _config(folder: Path, port: int) -> Path:
    shutil.copy(SAMPLE / "targets.csv", folder / "targets.csv")
    path = folder / "config.yaml"
    path.write_text(
        "company: Sample Valve Co.\n"
        "sales:\n"
        f"  url: postgresql+psycopg://analyst:${{SALES_DB_PASSWORD}}@127.0.0.1:{port}/sales\n"
        "  table: sales_lines\n"
        "  columns: {date: order_date, revenue: net_amount}\n"
        "targets:\n"
        "  path: targets.csv\n"
        "currency: CNY\n",
        encoding="utf-8",
    )
    return path


def _leaks(folder: Path, secrets_: list[str]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [f"{path.name}: {s!r}" for s in secrets_ if s in text]
    return found


def test_run_from_postgres_keeps_the_password_out_of_every_file(database, tmp_path, monkeypatch):
    port, password = database
    monkeypatch.setenv("SALES_DB_PASSWORD", password)
    config = _config(tmp_path, port)
    out = tmp_path / "reports"
    result = run("2025Q4", config=config, out=out, reports=[REPORTS[0]])
    page = (result.folder / "overview.html").read_text(encoding="utf-8")
    assert "Revenue in 2025Q4 was ¥23.67 M" in page  # the same figures as from the CSV
    assert "46,649 rows read" in page and "analyst:***@127.0.0.1" in page
    published = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert "manifest.json" in published and any(n.endswith(".log") for n in published)
    assert _leaks(out, [password]) == []  # reports, notebooks, CSV, manifest, index and log
    assert _leaks(result.folder, [str(tmp_path)]) == []  # the log may name folders; reports not


def test_wrong_password_fails_with_one_line_and_no_secret(database, tmp_path, monkeypatch, capsys):
    port, password = database
    wrong = "wrong-" + secrets.token_hex(8)
    monkeypatch.setenv("SALES_DB_PASSWORD", wrong)
    out = tmp_path / "reports"
    assert main(["run", "--config", str(_config(tmp_path, port)), "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "analyst:***@127.0.0.1" in err and "password authentication failed" in err
    assert wrong not in err and password not in err
    assert _leaks(out, [wrong, password]) == []

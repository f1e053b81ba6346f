"""A throwaway PostgreSQL server for tests: ``initdb`` + ``pg_ctl`` in a temporary folder, TCP on
127.0.0.1, scram-sha-256 passwords; run as the ``postgres`` user when the tests run as root."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
from pathlib import Path


def server_binaries() -> Path | None:
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

"""A run against a real password-protected PostgreSQL database: the password stays out of it all.

A throwaway server (the ``postgres`` fixture in conftest.py) holds the sample's sales lines in a
table; the run reads it through the configured URL with the password in an environment variable.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.run.runner import REPORTS, run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

COLUMNS = """order_date date, order_id text, customer text, channel text, region text,
product_line text, product text, quantity integer, unit_price numeric(12, 2),
net_amount numeric(14, 2), salesperson text"""


@pytest.fixture(scope="module")
def database(postgres) -> tuple[int, str]:
    """(port, password of the read-only role ``analyst``) of a database holding ``sales_lines``."""
    password = "pw-" + secrets.token_hex(12)
    with postgres.connect() as conn:
        conn.execute("CREATE DATABASE sales")
        conn.execute(f"CREATE ROLE analyst LOGIN PASSWORD '{password}'")
    with postgres.connect("sales") as conn:
        conn.execute(f"CREATE TABLE sales_lines ({COLUMNS})")
        with conn.cursor().copy("COPY sales_lines FROM STDIN WITH (FORMAT csv, HEADER)") as copy:
            copy.write((SAMPLE / "sales_lines.csv").read_bytes())
        conn.execute("GRANT SELECT ON sales_lines TO analyst")
    return postgres.port, password


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
    assert "Revenue in 2025Q4 was ¥24.18 M" in page  # the same figures as from the CSV
    assert "48,290 rows read" in page and "analyst:***@127.0.0.1" in page
    assert "config = config.yaml" in page and "ledger =" not in page  # the footer, plainly
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

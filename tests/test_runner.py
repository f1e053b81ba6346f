"""``sales-report run`` end to end in a temporary folder: publish, fail safely, refuse bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.cli import main
from analysis.errors import RunError
from analysis.runner import REPORTS, Report, run


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    assert main(["run", "--quarter", "2025Q4", "--out", str(out)]) == 0
    return out


def test_run_publishes_quarter_with_index_pages(published, capsys):
    folder = published / "2025Q4"
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "overview.html",
        "overview.ipynb",
    ]
    assert "overview.html" in (folder / "index.html").read_text(encoding="utf-8")
    assert "2025Q4/index.html" in (published / "index.html").read_text(encoding="utf-8")
    assert not list((published / ".staging").iterdir())


def test_report_shows_results_without_code(published):
    page = (published / "2025Q4" / "overview.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Revenue in 2025Q4 was ¥" in text
    assert "Own brand direct" in text and "Ball valves" in text
    assert "46,649 rows read" in text  # row accounting of the sample in the footer
    assert "import " not in text and "overview.prepare" not in text
    assert "<img" in page and "data:image/png;base64" in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "/work/" not in page and "/tmp/" not in page


def test_failed_notebook_keeps_last_good_report(published, tmp_path):
    before = {p.name: p.read_bytes() for p in (published / "2025Q4").iterdir()}
    broken = tmp_path / "broken.ipynb"
    nb = nbformat.read(REPORTS[0].notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('bad data in row 7')"))
    nbformat.write(nb, broken)
    with pytest.raises(
        RunError, match=r"broken.ipynb failed in cell \d+: ValueError: bad data in row 7"
    ):
        run("2025Q4", out=published, reports=[Report("broken", "Broken", folder=tmp_path)])
    after = {p.name: p.read_bytes() for p in (published / "2025Q4").iterdir()}
    assert after == before
    failed = list((published / ".failed").glob("2025Q4-*/broken.ipynb"))
    assert len(failed) == 1
    shutil.rmtree(published / ".failed")


def test_cli_exit_codes_and_one_line_errors(published, tmp_path, capsys):
    assert main(["run", "--quarter", "2031Q1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "2031Q1 is outside the sales data" in err
    assert main(["run", "--quarter", "Q5-2025", "--out", str(tmp_path)]) == 2
    assert "is not a quarter" in capsys.readouterr().err
    assert not (tmp_path / "2031Q1").exists()

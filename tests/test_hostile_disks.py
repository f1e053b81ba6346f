"""Output folders and disks that fail: one clear line, exit 4, the last good report untouched,
staging cleaned, the run log written as the run goes, published files readable by others."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core.errors import PublishError
from analysis.run import execute as execute_module
from analysis.run import publish
from analysis.run import runner as runner_module
from analysis.run.runner import REPORTS, run

OVERVIEW = [r for r in REPORTS if r.name == "overview"]


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("sales-report: error: "), err
    assert "Traceback" not in err


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A folder with a good report of 2025Q4 (the overview only: fast)."""
    out = tmp_path_factory.mktemp("out")
    run("2025Q4", out=out, reports=OVERVIEW)
    return out


def test_output_path_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "reports"
    target.write_text("not a folder")
    assert main(["run", "--quarter", "2025Q4", "--out", str(target)]) == 4
    err = capsys.readouterr().err
    _one_line(err)
    assert "cannot use" in err and "reports" in err
    assert target.read_text() == "not a folder"


def test_output_path_below_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["run", "--out", str(tmp_path / "file" / "reports")]) == 4
    _one_line(capsys.readouterr().err)


def test_output_folder_not_writable(tmp_path, capsys, monkeypatch):
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real(p, mode)
    )
    assert main(["run", "--out", str(tmp_path)]) == 4
    err = capsys.readouterr().err
    _one_line(err)
    assert "not writable" in err
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_building_keeps_the_last_good_report(published, monkeypatch):
    before = _tree(published / "2025Q4")
    monkeypatch.setattr(runner_module, "_write_manifest", _full_disk)
    with pytest.raises(PublishError, match=r"No space left on device.*last published report"):
        run("2025Q4", out=published, reports=OVERVIEW)
    assert _tree(published / "2025Q4") == before
    assert list((published / ".staging").iterdir()) == []


def test_disk_full_during_the_swap_puts_the_old_report_back(published, monkeypatch):
    before = _tree(published / "2025Q4")

    class FullWhenSwapping:
        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def replace(src, dst):
            new = Path(src).parent.name == ".staging" and not src.name.endswith("-previous")
            if new and Path(dst).name == "2025Q4":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return os.replace(src, dst)

    monkeypatch.setattr(publish, "os", FullWhenSwapping())
    with pytest.raises(PublishError, match="No space left on device"):
        run("2025Q4", out=published, reports=OVERVIEW)
    assert _tree(published / "2025Q4") == before
    assert list((published / ".staging").iterdir()) == []


def test_disk_full_while_a_notebook_is_written_is_exit_4(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(execute_module.pm, "execute_notebook", _full_disk)
    assert main(["run", "--quarter", "2025Q4", "--out", str(tmp_path)]) == 4
    err = capsys.readouterr().err
    _one_line(err)
    assert "No space left on device" in err
    assert not (tmp_path / "2025Q4").exists() and list((tmp_path / ".staging").iterdir()) == []


def test_a_killed_runs_staging_is_cleaned_at_the_next_start(tmp_path):
    stale = tmp_path / ".staging" / "2025Q4-20200101T000000-1"
    (stale / "overview.ipynb").parent.mkdir(parents=True)
    (stale / "overview.ipynb").write_text("{}")
    (tmp_path / ".staging" / "2025Q4-20200101T000000-1.data").mkdir()
    busy = tmp_path / ".staging" / "2025Q3-20200101T000000-2"
    busy.mkdir()
    with publish.quarter_lock(tmp_path, "2025Q3"):  # a run of 2025Q3 is going on
        run("2025Q4", out=tmp_path, reports=OVERVIEW)
    assert sorted(p.name for p in (tmp_path / ".staging").iterdir()) == [busy.name]
    (log,) = (tmp_path / "logs").glob("2025Q4-*.log")
    assert "removed 2025Q4-20200101T000000-1" in log.read_text(encoding="utf-8")


def test_the_log_is_written_as_the_run_goes(tmp_path, monkeypatch):
    seen = []
    write = runner_module.snapshot.write

    def look_at_the_log(dataset, folder):
        seen.extend(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
        return write(dataset, folder)

    monkeypatch.setattr(runner_module.snapshot, "write", look_at_the_log)
    run("2025Q4", out=tmp_path, reports=OVERVIEW)
    assert len(seen) == 1 and "48,290 rows read" in seen[0]


def test_published_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        forecast = [r for r in REPORTS if r.name == "forecast"]
        run("2025Q4", out=tmp_path, reports=forecast, extra={"backtest_windows": "1"})
    finally:
        os.umask(old)
    for path in [tmp_path / "index.html", tmp_path / "forecast_ledger.csv"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
    folder = tmp_path / "2025Q4"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


def test_a_run_stopped_by_sigterm_cleans_up_and_says_so(tmp_path):
    """A scheduler's timeout (SIGTERM) while notebooks run: exit 130, one line, no staging left."""
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "analysis.cli", "run", "--quarter", "2025Q4"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path)], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list((tmp_path / ".staging").glob("2025Q4-*.data")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == (
        "sales-report: stopped; the last published report is unchanged"
    )
    assert "Traceback" not in err
    assert list((tmp_path / ".staging").iterdir()) == []
    assert not (tmp_path / "2025Q4").exists()

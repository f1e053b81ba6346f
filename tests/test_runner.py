"""``sales-report run`` end to end in a temporary folder: publish, fail safely, refuse bad input."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.errors import RunError
from analysis.data.load import load
from analysis.run import runner as runner_module
from analysis.run.publish import quarter_lock
from analysis.run.runner import REPORTS, Report, run

ROOT = Path(__file__).resolve().parents[1]
#: Stored outputs of the notebooks' cells tagged ``golden`` (deterministic figures on the sample).
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    assert main(["run", "--quarter", "2025Q4", "--out", str(out)]) == 0
    return out


def test_run_publishes_quarter_with_index_pages(published, capsys):
    folder = published / "2025Q4"
    assert sorted(p.name for p in folder.iterdir()) == [
        "customers.csv",
        "customers.html",
        "customers.ipynb",
        "forecast.csv",
        "forecast.html",
        "forecast.ipynb",
        "index.html",
        "manifest.json",
        "overview.html",
        "overview.ipynb",
        "returns.csv",
        "returns.html",
        "returns.ipynb",
        "salespeople.html",
        "salespeople.ipynb",
        "salesperson_targets.csv",
        "summary.json",
        "target_miss.csv",
        "target_miss.html",
        "target_miss.ipynb",
    ]
    assert "overview.html" in (folder / "index.html").read_text(encoding="utf-8")
    root = (published / "index.html").read_text(encoding="utf-8")
    assert "2025Q4/index.html" in root and "¥24.18 M" in root and "+7.2%" in root
    figures = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert figures["attainment"] == pytest.approx(0.9539, abs=1e-4)  # targeted sales only
    assert figures["untargeted_revenue"] > 0 and figures["next_quarter"]["quarter"] == "2026Q1"
    assert (
        round(figures["targeted_revenue"] + figures["untargeted_revenue"], 2) == figures["revenue"]
    )
    assert not list((published / ".staging").iterdir())


def test_every_page_is_light(published):
    """Each page is at most 80 KB without its images: our own stylesheet, no per-cell CSS."""
    pages = [published / "index.html", *sorted((published / "2025Q4").glob("*.html"))]
    assert len(pages) == 2 + len(REPORTS)  # the index, the landing page, each report
    for page in pages:
        text = page.read_text(encoding="utf-8")
        lean = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", text)
        assert len(lean.encode("utf-8")) <= 80_000, page.name
        assert "--jp-" not in text  # none of JupyterLab's stylesheet


def test_report_shows_results_without_code(published):
    page = (published / "2025Q4" / "overview.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Revenue in 2025Q4 was ¥" in text
    assert "Own brand direct" in text and "Ball valves" in text
    assert "48,290 rows read" in text  # row accounting of the sample in the footer
    assert "import " not in text and "prepare(" not in text
    assert "<img" in page and "data:image/png;base64" in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "/work/" not in page and "/tmp/" not in page


def shown_text(cell: nbformat.NotebookNode) -> str:
    """What a reader sees of a cell's outputs, as text: tags, styles and spacing removed, so the
    comparison is of the words and figures and not of pandas' HTML markup."""
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/html" in data:
            parts.append(re.sub(r"<style.*?</style>|<[^>]+>", " ", data["text/html"], flags=re.S))
        elif "text/markdown" in data:
            parts.append(data["text/markdown"])
        elif output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append(output["text"])
    return " ".join(html.unescape(" ".join(parts)).split())


@pytest.mark.parametrize("report", [r.name for r in REPORTS])
def test_key_cells_match_stored_outputs(published, report):
    """Cells tagged ``golden`` show exactly what ``tests/golden/<report>.json`` stores.

    The notebooks are committed without outputs, so the stored outputs live here; after a
    deliberate change, rewrite them with ``UPDATE_GOLDEN=1 pytest tests/test_runner.py -k golden``
    and review the diff.
    """
    nb = nbformat.read(published / "2025Q4" / f"{report}.ipynb", as_version=4)
    shown = {c.id: shown_text(c) for c in nb.cells if "golden" in c.metadata.get("tags", [])}
    assert shown and all(shown.values()), f"{report}: no golden cell, or one without output"
    stored = GOLDEN / f"{report}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        stored.write_text(json.dumps(shown, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert shown == json.loads(stored.read_text(encoding="utf-8"))


def test_failed_notebook_keeps_last_good_report(published, tmp_path):
    before = {p.name: p.read_bytes() for p in (published / "2025Q4").iterdir()}
    broken = tmp_path / "broken.ipynb"
    nb = nbformat.read(REPORTS[0].notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('bad data in row 7')"))
    nbformat.write(nb, broken)
    with pytest.raises(
        RunError, match=r"broken.ipynb failed in cell \d+: ValueError: bad data in row 7"
    ) as caught:
        run("2025Q4", out=published, reports=[Report("broken", "Broken", folder=tmp_path)])
    error = caught.value
    assert (error.notebook, error.ename, error.evalue) == (
        "broken.ipynb", "ValueError", "bad data in row 7"
    )  # fmt: skip
    # the failing cell is the last one executed; papermill's injected-parameters cell counts too
    assert error.cell == len([c for c in nb.cells if c.cell_type == "code"]) + 1
    logs = [p.read_text(encoding="utf-8") for p in (published / "logs").glob("2025Q4-*.log")]
    failed_log = next(text for text in logs if "bad data in row 7" in text)
    assert "broken.ipynb traceback:" in failed_log and "raise ValueError" in failed_log
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


def test_published_files_hold_no_machine_paths(published):
    for path in (published / "2025Q4").iterdir():
        text = path.read_text(encoding="utf-8")
        assert str(Path.cwd()) not in text, path.name
        assert str(published) not in text, path.name
        assert "site-packages" not in text, path.name
        # nothing is fetched from the network: no http(s) resource in src=, href= or url()
        assert not re.search(r"""(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:""", text), (
            path.name
        )


def test_manifest_records_inputs_rows_and_versions(published):
    info = json.loads((published / "2025Q4" / "manifest.json").read_text(encoding="utf-8"))
    assert info["parameters"]["overview"] == {
        "quarter": "2025Q4",
        "config": "sample",
        "language": "en",
    }
    assert info["parameters"]["target_miss"] == {
        "quarter": "2025Q4",
        "config": "sample",
        "language": "en",
    }
    forecast = info["parameters"]["forecast"]
    assert forecast["config"] == "sample" and not {"ledger", "snapshot", "record_to"} & set(
        forecast
    )
    files = {f["file"]: f["sha256"] for s in info["sources"] for f in s["files"]}
    sample = ROOT / "data" / "sample" / "sales_lines.csv"
    assert files["sales_lines.csv"] == hashlib.sha256(sample.read_bytes()).hexdigest()
    assert info["rows"][0]["rows_read"] == 48_290
    assert {"pandas", "papermill", "nbconvert"} <= set(info["packages"])
    assert info["workbench_version"]


def test_log_file_records_progress(published):
    logs = [p.read_text(encoding="utf-8") for p in (published / "logs").glob("2025Q4-*.log")]
    done = [text for text in logs if "published" in text]
    assert len(done) == 1
    assert "running overview.ipynb" in done[0] and "overview.ipynb done in" in done[0]
    assert "48,290 rows read" in done[0]
    # nothing a notebook wrote to stderr: no TqdmWarning about widgets, no other warning
    assert " WARNING " not in done[0] and "TqdmWarning" not in done[0]


def test_a_run_is_quiet_on_the_terminal(tmp_path, capfd):
    """Progress lines only: the kernel runs on Unix sockets, so it prints no warning about
    unencrypted TCP."""
    run("2025Q4", out=tmp_path, reports=REPORTS[:1])
    err = capfd.readouterr().err
    assert "without encryption" not in err and "Traceback" not in err


def test_unknown_and_ill_typed_parameters_stop_before_any_work(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "-p", "horizn=8"]) == 2
    assert "unknown parameter horizn" in capsys.readouterr().err
    assert main(["run", "--out", str(tmp_path), "-p", "horizon=eight"]) == 2
    assert "parameter horizon: 'eight' is not allowed; a whole number" in capsys.readouterr().err
    assert main(["run", "--out", str(tmp_path), "-p", "oops"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert not (tmp_path / ".staging").exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("quarter=2020Q1", "parameter quarter is set by the run itself"),
        ("config=/etc/passwd", "parameter config is set by the run itself"),
        ("output_dir=/tmp", "parameter output_dir is set by the run itself"),
        ("snapshot=x", "parameter snapshot is set by the run itself"),
        ("ledger=x.csv", "parameter ledger is set by the run itself"),
        ("method=evil", "parameter method: 'evil' is not allowed; one of bottom_up, mint_shrink"),
        ("horizon=-1", "parameter horizon: -1 is not allowed; a whole number from 1 to 12"),
        ("levels=abc", "parameter levels: 'abc' is not allowed; a comma-separated list"),
        ("baseline=budget", "parameter baseline: 'budget' is not allowed; one of target"),
        (
            "drill_down=region,colour",
            "parameter drill_down: 'colour' is not allowed; a comma-separated list: one or more of",
        ),
    ],
)
def test_parameters_outside_the_contract_exit_2_before_any_notebook(
    tmp_path, capsys, monkeypatch, given, message
):
    loads = []
    monkeypatch.setattr(runner_module, "load", lambda *a, **k: loads.append(a))
    assert main(["run", "--out", str(tmp_path), "-p", given]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not loads and not (tmp_path / ".staging").exists()


def test_timeout_fails_the_run(tmp_path):
    slow = tmp_path / "slow.ipynb"
    nb = nbformat.read(REPORTS[0].notebook, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(30)"))
    nbformat.write(nb, slow)
    with pytest.raises(RunError, match=r"slow.ipynb did not finish: .*(Timeout|timed out)"):
        run(
            "2025Q4",
            out=tmp_path / "out",
            timeout=2,
            reports=[Report("slow", "Slow", folder=tmp_path)],
        )
    assert not (tmp_path / "out" / "2025Q4").exists()


def test_same_quarter_cannot_run_twice_at_once(tmp_path):
    with quarter_lock(tmp_path, "2025Q4"), pytest.raises(RunError, match="in progress"):
        run("2025Q4", out=tmp_path)


def _target_miss_page(folder: Path) -> str:
    return re.sub(r"<[^>]+>", " ", (folder / "target_miss.html").read_text(encoding="utf-8"))


def test_target_miss_report_of_a_missed_quarter(published):
    folder = published / "2025Q4"
    text = _target_miss_page(folder)
    for heading in ("Attainment by channel", "Why: volume, price, mix and returns",
                    "Inside each channel", "Tracking the next target"):  # fmt: skip
        assert heading in text
    assert "against a target of ¥24.60 M (95.4%)" in text
    long = pd.read_csv(folder / "target_miss.csv")
    channels = long.query("level == 'channel'")
    total = long.query("level == 'total'").set_index("measure")["cents"]
    assert channels.query("measure == 'gap'")["cents"].sum() == total["gap"] == -113_308_120
    # the online shop's 704,804.84 sold without a target are beside the gap, not in it
    assert total["untargeted"] == 70_480_484
    effects = [m for m in total.index if m not in ("target", "actual", "gap", "untargeted")]
    assert channels.loc[channels["measure"].isin(effects), "cents"].sum() == total["gap"]
    assert total[effects].sum() == total["gap"]


def test_target_miss_report_of_a_beaten_quarter(tmp_path):
    target_miss = next(r for r in REPORTS if r.name == "target_miss")
    result = run("2025Q3", out=tmp_path, reports=[target_miss])
    text = _target_miss_page(result.folder)
    assert "(112.2%)" in text and "Attainment by channel" in text
    long = pd.read_csv(result.folder / "target_miss.csv")
    total_gap = long.query("level == 'total' and measure == 'gap'")["cents"].item()
    assert total_gap > 0
    assert long.query("level == 'channel' and measure == 'gap'")["cents"].sum() == total_gap


def test_forecast_report_and_csv(published):
    folder = published / "2025Q4"
    text = re.sub(r"<[^>]+>", " ", (folder / "forecast.html").read_text(encoding="utf-8"))
    assert "For 2026Q1 the forecast is ¥" in text and "80% interval" in text
    assert "Chance of reaching it" in text and "sMAPE" in text
    assert "No earlier forecasts are recorded yet" in text
    out = pd.read_csv(folder / "forecast.csv")
    assert set(out["quarter"]) == {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}
    sums = out.groupby(["quarter", "level"])["mean"].sum().unstack("level")
    assert (sums["channel"] - sums["total"]).abs().max() < 0.01
    assert ((out["lo_95"] <= out["lo_80"]) & (out["lo_80"] <= out["mean"])).all()
    assert (out["mean"] <= out["hi_80"]).all() and (out["hi_80"] <= out["hi_95"]).all()
    book = pd.read_csv(published / "forecast_ledger.csv", dtype=str)
    assert set(book["origin"]) == {"2025Q4"} and len(book) == len(out)


def test_later_reports_score_earlier_forecasts(tmp_path):
    forecast = [r for r in REPORTS if r.name == "forecast"]
    run("2025Q2", out=tmp_path, reports=forecast, extra={"horizon": "2", "backtest_windows": "1"})
    result = run("2025Q4", out=tmp_path, reports=forecast, extra={"backtest_windows": "1"})
    text = re.sub(r"<[^>]+>", " ", (result.folder / "forecast.html").read_text(encoding="utf-8"))
    assert "No earlier forecasts are recorded yet" not in text
    assert "Too few closed quarters (1)" in text  # one origin (2025Q2) has closed quarters
    book = pd.read_csv(tmp_path / "forecast_ledger.csv", dtype=str)
    assert sorted(book["origin"].unique()) == ["2025Q2", "2025Q4"]


def test_a_run_loads_the_data_once(tmp_path, monkeypatch):
    """The runner loads and validates once; every notebook reads its snapshot. The proof: the
    sales file is gone once the snapshot is written, and the run still publishes."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    loads, write = [], runner_module.snapshot.write

    def counted(config, **options):
        loads.append(config)
        return load(config, **options)

    def write_then_remove(dataset, folder):
        (data / "sales_lines.csv").unlink()
        return write(dataset, folder)

    monkeypatch.setattr(runner_module, "load", counted)
    monkeypatch.setattr(runner_module.snapshot, "write", write_then_remove)
    result = run("2025Q4", config=data / "config.yaml", out=tmp_path / "out", reports=REPORTS[:2])
    assert len(loads) == 1 and not (data / "sales_lines.csv").exists()
    text = re.sub(r"<[^>]+>", " ", (result.folder / "overview.html").read_text(encoding="utf-8"))
    assert "Revenue in 2025Q4 was ¥24.18 M" in text and "48,290 rows read" in text
    assert list((tmp_path / "out" / ".staging").iterdir()) == []


def test_an_unexpected_fault_is_one_line_and_the_traceback_is_logged(tmp_path, capsys, monkeypatch):
    def broken(dataset):
        raise ValueError("checksum went wrong\nsecond line")

    monkeypatch.setattr(runner_module.manifest, "inputs", broken)
    assert main(["run", "--quarter", "2025Q4", "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err == (
        "sales-report: error: the run failed: ValueError: checksum went wrong "
        "(traceback in the log)\n"
    )
    (log,) = (tmp_path / "logs").glob("*.log")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text

"""``sales-report run --as-of``: a quarter under way published as its tracking report, replaced
week by week and then by the closed quarter's review; every nowcast filed in the ledger."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core import csv_out
from analysis.core.errors import RunError
from analysis.data.config import load_config
from analysis.forecasting import nowcast_ledger
from analysis.run import in_quarter
from analysis.run.runner import IN_QUARTER, REPORTS, Report, run

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tracked")
    assert main(["run", "--quarter", "2025Q4", "--as-of", "2025-11-15", "--out", str(out)]) == 0
    return out


def quarter_to_date(through: str) -> pd.Series:
    """Each channel's net revenue of 2025Q4 up to ``through``, from the lines themselves."""
    lines = pd.read_csv(SAMPLE / "sales_lines.csv")
    lines = lines.loc[lines["order_date"].between("2025-10-01", through)]
    return lines.groupby("channel")["net_amount"].sum().round(2)


def test_an_in_quarter_run_publishes_the_tracking_report(tracked, capsys):
    folder = tracked / "2025Q4"
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html", "manifest.json", "nowcast.csv", "tracking.html", "tracking.ipynb",
        "tracking.json",
    ]  # fmt: skip
    state = json.loads((folder / "tracking.json").read_text(encoding="utf-8"))
    assert state["as_of"] == "2025-11-15" and state["quarter"] == "2025Q4"
    root = (tracked / "index.html").read_text(encoding="utf-8")
    assert "Quarter under way" in root and "2025Q4/index.html" in root
    page = re.sub(r"<[^>]+>", " ", (folder / "tracking.html").read_text(encoding="utf-8"))
    assert "2025Q4 as of 2025-11-15 (day 46 of 92)" in page and "Per week needed from now" in page
    assert "1,611 lines dated after the as-of date 2025-11-15 left out" in page
    assert "Chen Jie" in page and "/tmp/" not in page and "import " not in page


def test_nowcast_csv_holds_the_quarter_to_date_to_the_cent(tracked):
    nowcast = csv_out.read_csv(tracked / "2025Q4" / "nowcast.csv", dtype={"channel": str})
    assert list(nowcast.columns) == list(nowcast_ledger.ESTIMATE)
    by_channel = nowcast.set_index("channel")
    expected = quarter_to_date("2025-11-15")
    assert by_channel.loc[expected.index, "actual_to_date"].round(2).to_dict() == expected.to_dict()
    assert by_channel.loc["Total", "actual_to_date"] == pytest.approx(expected.sum(), abs=0.001)
    chances = nowcast["probability"].dropna()
    assert len(chances) >= 4 and chances.between(0, 1).all()
    assert (nowcast["forecast_total"] >= nowcast["actual_to_date"] - 0.005).all()
    book = nowcast_ledger.read(tracked / nowcast_ledger.NOWCASTS)
    assert set(book["as_of"]) == {"2025-11-15"} and len(book) == len(nowcast)


def test_week_by_week_then_the_closed_review_replaces_the_tracking(tracked, tmp_path, capsys):
    out = tmp_path / "reports"
    shutil.copytree(tracked, out)
    week = run("2025Q4", out=out, as_of=date(2025, 11, 22))
    folder = out / "2025Q4"
    assert week.as_of == date(2025, 11, 22) and week.folder == folder
    state = json.loads((folder / "tracking.json").read_text(encoding="utf-8"))
    assert state["as_of"] == "2025-11-22" and not list((out / ".staging").iterdir())
    page = (folder / "tracking.html").read_text(encoding="utf-8")
    assert "2025-11-15" in page and "2025-11-22" in page  # the estimate, run by run
    book = nowcast_ledger.read(out / nowcast_ledger.NOWCASTS)
    assert sorted(set(book["as_of"])) == ["2025-11-15", "2025-11-22"]

    closed = run("2025Q4", out=out, reports=[r for r in REPORTS if r.name == "forecast"])
    assert closed.as_of is None and (folder / "summary.json").is_file()
    assert not (folder / "tracking.json").exists() and not (folder / "nowcast.csv").exists()
    review = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (folder / "forecast.html").read_text()))
    assert "How early the quarter's outcome was visible" in review
    assert "The quarter missed its target" in review  # 96 % of it: the sample's 2025Q4
    assert "2025-11-15" in review and "2025-11-22" in review  # the weekly estimates
    root = (out / "index.html").read_text(encoding="utf-8")
    assert "Quarter under way" not in root and "2025Q4/index.html" in root

    replay = run("2025Q4", out=out, as_of=date(2025, 11, 29))  # the review stays
    assert replay.kept_review and (folder / "summary.json").is_file()
    assert not (folder / "tracking.json").exists()
    book = nowcast_ledger.read(out / nowcast_ledger.NOWCASTS)
    assert sorted(set(book["as_of"])) == ["2025-11-15", "2025-11-22", "2025-11-29"]


def test_a_failed_tracking_run_keeps_the_last_tracking_report(tracked, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(tracked, out)
    before = {p.name: p.read_bytes() for p in (out / "2025Q4").iterdir()}
    book = (out / nowcast_ledger.NOWCASTS).read_bytes()
    nb = nbformat.read(IN_QUARTER[0].notebook, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise ValueError('no such channel')"))
    nbformat.write(nb, tmp_path / "tracking.ipynb")
    broken = Report("tracking", "Broken", IN_QUARTER[0].parameters, folder=tmp_path)
    with pytest.raises(RunError, match="ValueError: no such channel"):
        run("2025Q4", out=out, as_of=date(2025, 11, 22), tracked=[broken])
    assert {p.name: p.read_bytes() for p in (out / "2025Q4").iterdir()} == before
    assert (out / nowcast_ledger.NOWCASTS).read_bytes() == book


def test_current_is_resolved_before_anything_is_loaded():
    config = load_config(SAMPLE / "config.yaml")
    stated = replace(config, data_through=date(2025, 11, 15))
    assert in_quarter.plan("current", None, stated) == ("2025Q4", date(2025, 11, 15), True)
    assert in_quarter.plan("current", date(2025, 8, 1), config) == (
        "2025Q3",
        date(2025, 8, 1),
        True,
    )
    closed = replace(config, data_through=date(2025, 12, 31))  # its last day: the review
    assert in_quarter.plan("current", None, closed) == ("2025Q4", date(2025, 12, 31), False)
    assert in_quarter.plan("2025Q4", date(2026, 1, 10), config) == (
        "2025Q4",
        date(2026, 1, 10),
        False,
    )
    assert in_quarter.plan("2025Q4", None, stated) == (
        "2025Q4",
        None,
        False,
    )  # the review, unchanged


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "2025-11-31"], "--as-of: '2025-11-31' is not a date; expected YYYY-MM-DD"),
        (["--as-of", "15/11/2025"], "--as-of: '15/11/2025' is not a date"),
        (
            ["--quarter", "current", "--as-of", "2018-06-30"],
            "is before the first sale (2019-01-01)",
        ),
        (["--as-of", "2025-09-01"], "--as-of 2025-09-01 is before 2025Q4 begins (2025-10-01)"),
        (["--as-of", "2999-01-01"], "--as-of 2999-01-01 is after today"),
    ],
)
def test_a_wrong_as_of_date_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    quarter = [] if "--quarter" in argv else ["--quarter", "2025Q4"]
    assert main(["run", *quarter, *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err

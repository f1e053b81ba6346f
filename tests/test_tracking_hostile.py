"""The tracking report on hostile names: every name shown as text, every CSV safe to open."""

from __future__ import annotations

from pathlib import Path

from test_hostile_outputs import HOSTILE, assert_no_live_markup, assert_safe, hostile_sample

from analysis.cli import main
from analysis.core import csv_out
from analysis.forecasting import nowcast_ledger

__all__ = ["hostile_sample"]  # the fixture, shared with the review's hostile run


def test_a_tracking_run_on_hostile_names_shows_them_as_text(hostile_sample: Path, tmp_path):
    out = tmp_path / "reports"
    config = str(hostile_sample / "config.yaml")
    argv = ["run", "--quarter", "current", "--as-of", "2025-11-15", "--config", config]
    assert main([*argv, "--out", str(out)]) == 0
    shown = ""
    for path in sorted(out.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        assert_no_live_markup(page)
        shown += page
    assert "@SUM(1+1)&lt;script&gt;alert(2)&lt;/script&gt;" in shown  # a channel
    files = sorted(out.rglob("*.csv"))
    assert {p.name for p in files} == {"nowcast.csv", nowcast_ledger.NOWCASTS}
    for path in files:
        assert_safe(path)
    nowcast = csv_out.read_csv(out / "2025Q4" / "nowcast.csv", dtype={"channel": str})
    assert {HOSTILE["="], "@SUM(1+1)<script>alert(2)</script>"} <= set(nowcast["channel"])

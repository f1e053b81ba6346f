"""Runs as of a day: lines after it left out (counted, not set aside), replays equal to data cut by
hand, ``--quarter current``, and a quarter under way tracked against its phased target."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import ParameterError
from analysis.data import snapshot
from analysis.data.config import load_config
from analysis.data.load import load
from analysis.reports import tracking
from analysis.reports.review import Review, as_of_for, parse_as_of

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = date(2025, 11, 15)


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "sales_lines.csv", parse_dates=["order_date"])


@pytest.fixture(scope="module")
def as_of_sample():
    return load(SAMPLE / "config.yaml", as_of=AS_OF)


def cut_by_hand(tmp_path: Path, lines: pd.DataFrame, through: date, stated: bool = True) -> Path:
    """The sample with the lines after ``through`` deleted (and ``data_through`` stating it)."""
    folder = tmp_path / "cut"
    shutil.copytree(SAMPLE, folder)
    kept = lines.loc[lines["order_date"] <= pd.Timestamp(through)]
    kept.assign(order_date=kept["order_date"].dt.strftime("%Y-%m-%d")).to_csv(
        folder / "sales_lines.csv", index=False
    )
    config = folder / "config.yaml"
    if stated:
        text = config.read_text(encoding="utf-8") + f"data_through: {through.isoformat()}\n"
        config.write_text(text, encoding="utf-8")
    return config


def test_lines_after_the_as_of_date_are_left_out_and_counted_not_set_aside(as_of_sample, lines):
    later = int((lines["order_date"] > pd.Timestamp(AS_OF)).sum())
    report = as_of_sample.reports[0]
    assert later > 1000 and report.later == later
    assert report.rows_read == len(lines) == report.rows_used + report.rows_rejected + later
    assert report.rejected == {} and as_of_sample.rejected["sales_lines.csv"].empty
    assert f"{later:,} lines dated after the as-of date 2025-11-15 left out" in report.notes
    assert as_of_sample.sales["date"].max() <= pd.Timestamp(AS_OF)
    assert as_of_sample.stated_through == AS_OF == as_of_sample.data_through


def test_a_replay_gives_the_numbers_of_data_cut_by_hand(tmp_path, as_of_sample, lines):
    by_hand = load(cut_by_hand(tmp_path, lines, AS_OF))
    pd.testing.assert_frame_equal(by_hand.sales, as_of_sample.sales)
    replayed, cut = Review.of(as_of_sample, "2025Q4"), Review.of(by_hand, "2025Q4")
    assert replayed.coverage == cut.coverage and replayed.partial
    for frame in ("channels", "people", "weeks"):
        pd.testing.assert_frame_equal(
            getattr(tracking.standing(replayed), frame),
            getattr(tracking.standing(cut), frame),
        )


def test_current_is_the_quarter_holding_the_as_of_date(as_of_sample):
    review = Review.of(as_of_sample, "current")
    assert review.label == "2025Q4" and review.in_quarter and review.as_of == AS_OF
    config = load_config(SAMPLE / "config.yaml")
    assert as_of_for(config, today=date(2026, 3, 2)) == date(2026, 3, 2)  # no data_through: today
    stated = replace(config, data_through=date(2025, 8, 31))
    assert as_of_for(stated, today=date(2026, 3, 2)) == date(2025, 8, 31)
    closed = Review.of(load(SAMPLE / "config.yaml", as_of=date(2026, 1, 10)), "2025Q4")
    assert not closed.in_quarter and not closed.partial  # as of after the quarter: its review


def test_the_snapshot_keeps_the_as_of_date(tmp_path, as_of_sample):
    back = snapshot.read(snapshot.write(as_of_sample, tmp_path / "s"), as_of_sample.config)
    assert back.as_of == AS_OF and back.reports == as_of_sample.reports
    assert Review.of(back, "current").coverage == Review.of(as_of_sample, "current").coverage


def test_bad_and_too_early_as_of_dates_are_refused_in_one_line():
    with pytest.raises(ParameterError, match=r"--as-of: '2025-13-01' is not a date; expected"):
        parse_as_of("2025-13-01")
    with pytest.raises(ParameterError, match=r"before the first sale \(2019-01-01\)"):
        load(SAMPLE / "config.yaml", as_of=date(2018, 6, 30))


def test_quarter_to_date_adds_up_to_the_lines_to_the_cent(as_of_sample, lines):
    review = Review.of(as_of_sample, "2025Q4")
    track = tracking.Tracking(review, tracking.standing(review), pd.DataFrame())
    quarter = lines.loc[lines["order_date"].between("2025-10-01", AS_OF.isoformat())]
    channels = track.progress.channels.set_index("channel")
    sold = channels["actual"] + channels["untargeted"]
    expected = (quarter.groupby("channel")["net_amount"].sum() * 100).round().astype("int64")
    assert sold.astype("int64").sort_index().to_dict() == expected.sort_index().to_dict()
    people = track.progress.people
    for col in ("target", "phased", "actual", "untargeted"):
        assert int(people[col].sum()) == int(channels[col].sum())
    targeted = channels.loc[channels["has_target"]]
    assert int(track.progress.weeks["target"].sum()) == int(targeted["target"].sum())
    assert int(track.progress.weeks["actual"].sum()) == int(targeted["actual"].sum())
    assert 0 < int(targeted["phased"].sum()) < int(targeted["target"].sum())
    rows = tracking.channel_rows(track)
    assert rows["channel"].iloc[-1] == "Targeted channels"
    assert rows["so_far"].iloc[-1] == pytest.approx(targeted["actual"].sum() / 100 / 46 * 7)


def test_a_quarter_without_sales_yet(tmp_path, lines):
    config = cut_by_hand(tmp_path, lines, date(2025, 9, 30), stated=False)
    review = Review.of(load(config, as_of=date(2025, 10, 1)), "current")
    track = tracking.analyse(review)
    assert review.label == "2025Q4" and track.progress.elapsed == 1
    channels = track.progress.channels
    assert (channels["actual"] == 0).all() and (channels["untargeted"] == 0).all()
    assert (channels.loc[channels["has_target"], "phased"] > 0).all()  # the first day's share
    assert tracking.headline(track) == "2025Q4 as of 2025-10-01 (day 1 of 92): no sales yet."
    assert "a week for the 91 days left, against ¥0 a week so far" in tracking.pace(track)
    people = track.progress.people
    assert int(people["target"].sum()) == int(channels["target"].sum())
    assert people.set_index("salesperson").loc["Zhou Ying", "channels"] == "Export"
    nowcast = track.nowcast.set_index("channel")
    assert (nowcast["actual_to_date"] == 0).all() and (nowcast["forecast_rest"] > 0).all()
    assert nowcast["probability"].dropna().between(0, 1).all()
    assert nowcast.loc["Total", "forecast_total"] == pytest.approx(
        nowcast.drop(index="Total")["forecast_total"].sum(), abs=0.005
    )


def test_the_engine_path_cuts_at_the_same_day(tmp_path, as_of_sample):
    folder = tmp_path / "parquet"
    shutil.copytree(SAMPLE, folder)
    pd.read_csv(folder / "sales_lines.csv", dtype=str).to_parquet(folder / "sales_lines.parquet")
    config = folder / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("sales_lines.csv", "sales_lines.parquet")
    config.write_text(text, encoding="utf-8")
    engine = load(config, in_engine=True, as_of=AS_OF)
    assert engine.reports[0].later == as_of_sample.reports[0].later
    assert engine.reports[0].rows_used == as_of_sample.reports[0].rows_used
    assert engine.sales["date"].max() <= pd.Timestamp(AS_OF)
    by_channel = [
        d.sales.groupby("channel")["revenue"].sum().round(2) for d in (engine, as_of_sample)
    ]
    pd.testing.assert_series_equal(*by_channel)


def test_a_day_nobody_chose_settles_on_the_export_s_last_day(tmp_path, lines):
    """An export taken on 2025-11-15 and run on a later day: the days after the export are not
    counted as days without sales; the run stands on the export's last day, and says so."""
    config = cut_by_hand(tmp_path, lines, AS_OF, stated=False)
    settled = load(config, as_of=date(2025, 11, 26), settle=True)
    assert settled.as_of == AS_OF == settled.data_through
    assert any("the sales data end on 2025-11-15, 11 days before 2025-11-26" in note
               for note in settled.reports[0].notes)  # fmt: skip
    assert settled.reports[0].later == 0
    chosen = load(config, as_of=date(2025, 11, 26))  # a day chosen with --as-of stays
    assert chosen.as_of == date(2025, 11, 26)
    assert not any("lines dated after" in note for note in chosen.reports[0].notes)

"""Stray dates: lines after data_through, after today or far from the rest are set aside with
their reason and row, on the pandas path and in the engine alike, and never decide coverage."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.config import RunConfig, SourceConfig
from analysis.data.load import load
from analysis.data.series import Coverage, latest_complete_quarter
from analysis.data.strays import stray_reasons

TODAY = date(2026, 12, 1)
CALENDAR = FiscalCalendar()


def days(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), format="ISO8601"))


def every(start: str, end: str, freq: str = "D") -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.date_range(start, end, freq=freq)]


# --- the rule -------------------------------------------------------------------------------


def test_a_line_years_after_the_rest_is_far() -> None:
    dates = days(*every("2019-01-02", "2025-12-31", "7D"), "2031-03-04")
    reasons = stray_reasons(dates, today=date(2040, 1, 1))
    last = dates.iloc[-2]
    assert reasons[-1] == (
        f"date: far from the other lines (2031-03-04; the rest run 2019-01-02 to {last:%Y-%m-%d})"
    )
    assert (reasons[:-1] == "").all()


def test_a_line_a_century_before_the_rest_is_far() -> None:
    dates = days("1899-12-30", *every("2019-01-02", "2025-12-31", "7D"))
    assert stray_reasons(dates)[0].startswith("date: far from the other lines (1899-12-30; ")


def test_after_data_through_and_after_today() -> None:
    dates = days("2025-12-31", "2026-01-02", "2027-01-01", "2025-12-31 18:30")
    reasons = stray_reasons(dates, data_through=date(2025, 12, 31), today=TODAY)
    assert reasons.tolist() == [
        "",
        "date: after data_through 2025-12-31",
        "date: after data_through 2025-12-31",  # the first rule that applies
        "",  # a time on the last day is still that day
    ]
    later = stray_reasons(days("2026-11-30", "2026-12-02"), today=TODAY)
    assert later.tolist() == ["", "date: after today 2026-12-01"]


@pytest.mark.parametrize(
    "dates",
    [
        # a seasonal business: sales in summer only, nine months of silence every year
        [d for year in range(2019, 2026) for d in every(f"{year}-06-01", f"{year}-08-31", "3D")],
        # a restart: four years of sales, three years without, then four years again
        every("2012-01-01", "2015-12-31", "5D") + every("2019-01-01", "2022-12-31", "5D"),
        # one year of data
        every("2025-01-01", "2025-12-31", "2D"),
        # a tiny company: 3 lines, a long stop, 4 lines (neither run is a tenth of the other)
        ["2019-01-05", "2019-02-05", "2019-03-05", *every("2022-01-05", "2022-01-08")],
    ],
    ids=["seasonal", "restart", "one-year", "tiny"],
)
def test_nothing_is_far_in_genuine_data(dates: list[str]) -> None:
    assert (stray_reasons(days(*dates)) == "").all()


def test_a_few_old_lines_before_a_long_gap_are_far_but_many_are_not() -> None:
    recent = every("2019-01-01", "2025-12-31")  # 2,557 lines
    few = every("2012-03-01", "2012-03-05")  # 5 lines
    assert (stray_reasons(days(*few, *recent))[:5] != "").all()
    many = every("2012-03-01", "2012-03-31")  # 31 lines: more than 5 and than 0.5 %
    assert (stray_reasons(days(*many, *recent)) == "").all()


def test_one_year_of_data_and_a_typo() -> None:
    dates = days(*every("2025-01-01", "2025-12-31", "3D"), "2052-07-01")
    assert stray_reasons(dates)[-1].startswith("date: far from the other lines (2052-07-01; ")


def test_day_sums_are_judged_as_their_lines() -> None:
    lines = days(*every("2019-01-01", "2025-12-31"), *["2031-03-04"] * 3)
    summed = lines.value_counts(sort=False).sort_index()
    by_day = stray_reasons(pd.Series(summed.index), summed.to_numpy())
    by_line = stray_reasons(lines)
    assert dict(zip(summed.index, by_day, strict=True)) == dict(zip(lines, by_line, strict=True))
    assert by_day[-1].startswith("date: far from")


@settings(max_examples=60, deadline=None)
@given(
    base=st.lists(st.integers(0, 2556), min_size=60, max_size=300),
    strays=st.lists(
        st.one_of(st.integers(-40_000, -401), st.integers(2557 + 401, 20_000)),
        min_size=1,
        max_size=5,
    ),
)
def test_a_few_stray_lines_never_change_the_coverage_of_the_rest(
    base: list[int], strays: list[int]
) -> None:
    start = pd.Timestamp("2019-01-01")
    # the base has a line every 300 days at least, so it is one run from 2019 to 2025
    offsets = sorted([*base, *range(0, 2557, 300), 2556])  # several lines a day at times
    rest = pd.DataFrame({"date": start + pd.to_timedelta(offsets, unit="D")})
    stray = pd.DataFrame({"date": start + pd.to_timedelta(strays, unit="D")})
    both = pd.concat([rest, stray], ignore_index=True)
    reasons = stray_reasons(both["date"])
    assert (reasons[: len(rest)] == "").all() and (reasons[len(rest) :] != "").all()
    kept = both.loc[reasons == ""]
    assert Coverage.of(kept, CALENDAR) == Coverage.of(rest, CALENDAR)


# --- through load(), in memory and in the engine ----------------------------------------------


def lines(dates: list[str]) -> pd.DataFrame:
    n = len(dates)
    return pd.DataFrame(
        {
            "date": dates,
            "channel": ["Online", "Retail"] * (n // 2) + ["Online"] * (n % 2),
            "region": "East",
            "product_line": "Tea",
            "product": "Green",
            "customer": "Acme",
            "quantity": "1",
            "revenue": [f"{10 + i % 7}.25" for i in range(n)],
        }
    )


@pytest.fixture
def stray_sources(tmp_path: Path) -> tuple[RunConfig, RunConfig]:
    """The same lines as a CSV and as Parquet: 2019-2025 weekly, one line in 2031 (row 101 of
    the CSV: line 100), one in 1899, one after data_through, one after today."""
    dates = every("2019-01-02", "2025-12-31", "7D")
    dates.insert(99, "2031-03-04")
    dates.insert(5, "1899-12-30")
    dates += ["2026-01-15", "2027-05-01"]
    frame = lines(dates)
    frame.to_csv(tmp_path / "sales.csv", index=False)
    frame.to_parquet(tmp_path / "sales.parquet", index=False)
    through = date(2025, 12, 31)
    csv = RunConfig(SourceConfig(path=Path("sales.csv"), base_dir=tmp_path), data_through=through)
    parquet = replace(csv, sales=SourceConfig(path=Path("sales.parquet"), base_dir=tmp_path))
    return csv, parquet


@pytest.mark.parametrize("in_engine", [False, True], ids=["in memory", "in engine"])
def test_load_sets_stray_lines_aside_with_reason_and_row(stray_sources, in_engine) -> None:
    csv, parquet = stray_sources
    config = parquet if in_engine else csv
    dataset = load(config, in_engine=in_engine, today=date(2026, 6, 1))
    report = dataset.reports[0]
    kept = dataset.sales
    first, last = kept["date"].min(), kept["date"].max()
    assert (f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}") == ("2019-01-02", "2025-12-31")
    far = "date: far from the other lines (1899-12-30; the rest run 2019-01-02 to 2025-12-31)"
    assert report.rejected == {far: 1, "date: after data_through 2025-12-31": 3}
    assert report.rows_read == report.rows_used + report.rows_rejected == 370
    rejected = next(iter(dataset.rejected.values()))
    offset = 0 if in_engine else 1  # a CSV's header is row 1; Parquet records count from 1
    assert rejected["row"].tolist() == [r + offset for r in (6, 101, 369, 370)]
    assert rejected["reason"].tolist()[:2] == [far, "date: after data_through 2025-12-31"]
    coverage = Coverage.of(kept, CALENDAR, dataset.config.data_through)
    assert str(latest_complete_quarter(coverage, CALENDAR)) == "2025Q4"


@pytest.mark.parametrize("in_engine", [False, True], ids=["in memory", "in engine"])
def test_without_data_through_far_lines_never_decide_latest(stray_sources, in_engine) -> None:
    csv, parquet = stray_sources
    config = replace(parquet if in_engine else csv, data_through=None)
    dataset = load(config, in_engine=in_engine, today=date(2040, 1, 1))
    span = "the rest run 2019-01-02 to 2026-01-15"
    assert dataset.reports[0].rejected == {
        f"date: far from the other lines ({day}; {span})": 1
        for day in ("1899-12-30", "2027-05-01", "2031-03-04")
    }
    assert dataset.sales["date"].max() == pd.Timestamp("2026-01-15")
    coverage = Coverage.of(dataset.sales, CALENDAR)
    assert str(latest_complete_quarter(coverage, CALENDAR)) == "2025Q4"  # not 2031Q1


def test_both_paths_keep_the_same_lines(stray_sources) -> None:
    csv, parquet = stray_sources
    memory = load(csv, today=TODAY)
    engine = load(parquet, in_engine=True, today=TODAY)
    assert memory.reports[0].rejected == engine.reports[0].rejected
    assert round(memory.sales["revenue"].sum(), 2) == round(engine.sales["revenue"].sum(), 2)
    assert len(memory.sales) == engine.sales["lines"].sum()


@pytest.mark.parametrize("name", ["sales.csv", "sales.parquet"])
def test_lines_after_today_are_set_aside_and_all_of_them_is_an_error(
    tmp_path: Path, name: str
) -> None:
    frame = lines(["2026-10-01", "2026-11-30", "2026-12-02"])
    frame.to_csv(tmp_path / "sales.csv", index=False)
    frame.to_parquet(tmp_path / "sales.parquet", index=False)
    config = RunConfig(SourceConfig(path=tmp_path / name))
    in_engine = name.endswith(".parquet")
    dataset = load(config, today=TODAY, in_engine=in_engine)
    assert dataset.reports[0].rejected == {"date: after today 2026-12-01": 1}
    assert dataset.rejected[name]["row"].tolist() == [3 if in_engine else 4]
    with pytest.raises(DataError, match=r"every usable sales line is dated after today"):
        load(config, today=date(2026, 1, 1), in_engine=in_engine)


def test_stray_lines_do_not_count_against_max_rejected_share(tmp_path: Path) -> None:
    frame = lines(every("2025-01-01", "2025-12-31", "7D") + ["2026-01-05"] * 3)
    frame.to_parquet(tmp_path / "sales.parquet", index=False)
    source = SourceConfig(path=tmp_path / "sales.parquet")
    config = RunConfig(source, data_through=date(2025, 12, 31), max_rejected_share=0.0)
    for in_engine in (False, True):
        report = load(config, in_engine=in_engine, today=TODAY).reports[0]
        assert report.rejected == {"date: after data_through 2025-12-31": 3}


def test_typed_dates_in_the_engine_are_judged_alike(stray_sources, tmp_path: Path) -> None:
    csv, _ = stray_sources
    frame = pd.read_csv(tmp_path / "sales.csv", dtype="str")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ms]")
    frame.to_parquet(tmp_path / "typed.parquet", index=False)
    typed = replace(csv, sales=SourceConfig(path=tmp_path / "typed.parquet"), data_through=None)
    engine = load(typed, in_engine=True, today=TODAY)
    memory = load(replace(csv, data_through=None), today=TODAY)
    assert engine.reports[0].rejected == memory.reports[0].rejected
    assert engine.reports[0].rejected == {
        "date: far from the other lines (1899-12-30; the rest run 2019-01-02 to 2026-01-15)": 1,
        "date: after today 2026-12-01": 2,  # 2031-03-04 and 2027-05-01
    }
    assert engine.rejected["typed.parquet"]["row"].tolist() == [6, 101, 370]


def _typed_rows(tmp_path: Path) -> list[tuple[object, ...]]:
    frame = pd.read_csv(tmp_path / "sales.csv", dtype="str")
    return [
        (d, c, r, pl, p, cu, int(q), float(v))
        for d, c, r, pl, p, cu, q, v in frame.itertuples(index=False)
    ]


def test_a_sqlite_table_is_judged_alike(stray_sources, tmp_path: Path) -> None:
    """SQLite through SQLAlchemy, dates as text: the stray days are fetched by their text."""
    import sqlite3

    csv, _ = stray_sources
    with sqlite3.connect(tmp_path / "sales.sqlite") as con:
        pd.read_csv(tmp_path / "sales.csv", dtype="str").to_sql("lines", con, index=False)
    source = SourceConfig(url=f"sqlite:///{tmp_path / 'sales.sqlite'}", table="lines")
    engine = load(replace(csv, sales=source), in_engine=True, today=TODAY)
    memory = load(csv, today=TODAY)
    assert engine.reports[0].rejected == memory.reports[0].rejected
    assert engine.rejected[source.label]["row"].tolist() == [6, 101, 369, 370]


def test_a_postgres_date_column_is_judged_alike(stray_sources, tmp_path: Path, postgres) -> None:
    import os

    csv, _ = stray_sources
    with postgres.connect() as conn:
        conn.execute("DROP TABLE IF EXISTS stray_lines")
        conn.execute(
            "CREATE TABLE stray_lines (date date, channel text, region text, product_line text, "
            "product text, customer text, quantity integer, revenue numeric(14, 2))"
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO stray_lines VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                _typed_rows(tmp_path),
            )
    url = f"postgresql+psycopg://admin:${{PG_ADMIN}}@127.0.0.1:{postgres.port}/postgres"
    os.environ["PG_ADMIN"] = postgres.admin_password
    try:
        source = SourceConfig(url=url, query="select * from stray_lines")
        engine = load(replace(csv, sales=source), in_engine=True, today=TODAY)
    finally:
        del os.environ["PG_ADMIN"]
    memory = load(csv, today=TODAY)
    assert engine.reports[0].rejected == memory.reports[0].rejected
    assert next(iter(engine.rejected.values()))["row"].tolist() == [6, 101, 369, 370]

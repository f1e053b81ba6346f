"""Totals summed inside DuckDB agree with the pandas path line for line: the same lines used, the
same reasons for the ones set aside, the same cents per quarter and group."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import SALES_REQUIRED
from analysis.data import pushdown, series
from analysis.data.config import SourceConfig
from analysis.data.sources import read_table
from analysis.data.validate import clean_sales

BY = ["channel", "region"]
CALENDAR = FiscalCalendar()

GOOD = {
    "date": [
        "2025-01-02",
        "2025-03-31",
        " 2025-04-01 ",
        "2025/01/02",
        "20250102",
        "2025-01-02 10:00",
    ],
    "quantity": ["1", " 2 ", "-1", "1e1", "1,000", "+3"],
    "revenue": ["1.50", "0.125", "-3", "(1,234.50)", "¥12", "99.995", "0.3333", "-1234.567891"],
    "channel": ["Online", " Retail ", "Retail\u3000", "零售"],
    "region": ["East", "West "],
    "customer": ["Acme", " Acme", "Beta\u3000"],
}
BAD = {
    "date": ["", "yesterday", "02/01/2025", "2025-13-01", "2025-02-30", "1492-10-12"],
    "quantity": ["", "two", "1.2.3", "inf"],
    "revenue": ["", "n/a", "12,34", "(5", "nan"],
    "channel": ["", "   "],
    "region": ["\t"],
    "customer": ["", "\u3000", " \t "],
}
COLUMNS = list(SALES_REQUIRED)


def lines(draw: st.DrawFn, n: int) -> pd.DataFrame:
    rows = []
    for _ in range(n):
        row = {"product_line": "Valves", "product": "Ball"}
        for name in GOOD:
            bad = draw(st.integers(0, 9)) == 0
            row[name] = draw(st.sampled_from(BAD[name] if bad else GOOD[name]))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    return lines(draw, draw(st.integers(1, 40)))


def assert_same(source: SourceConfig, calendar: FiscalCalendar = CALENDAR) -> None:
    """The engine's totals, row accounting and rejected rows are the pandas path's."""
    loaded = clean_sales(read_table(source), source.columns, max_rejected_share=1.0)
    if loaded.report.rows_used == 0:
        with pytest.raises(DataError, match="no usable lines"):
            pushdown.totals(source, calendar, BY, max_rejected_share=1.0)
        return
    expected = series.totals(loaded.data, calendar, BY)
    pushed = pushdown.totals(source, calendar, BY, max_rejected_share=1.0)
    assert pushed.report.rows_read == loaded.report.rows_read
    assert pushed.report.rows_used == loaded.report.rows_used
    assert pushed.report.rejected == loaded.report.rejected
    got = pushed.rejected[["row", "reason"]].reset_index(drop=True)
    want = loaded.rejected[["row", "reason"]].sort_values("row").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    keys = [*BY, "period"]
    pd.testing.assert_frame_equal(
        pushed.totals.sort_values(keys).reset_index(drop=True),
        expected.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )
    assert pushed.first == loaded.data["date"].min() and pushed.last == loaded.data["date"].max()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames(), start_month=st.sampled_from([1, 4, 11]))
def test_text_parquet_agrees_with_pandas(
    frame: pd.DataFrame, start_month: int, tmp_path: Path
) -> None:
    path = tmp_path / "lines.parquet"
    frame.to_parquet(path, index=False)
    assert_same(SourceConfig(path=path), FiscalCalendar(start_month))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames())
def test_duckdb_table_agrees_with_pandas(frame: pd.DataFrame, tmp_path: Path) -> None:
    database = tmp_path / "sales.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE lines AS SELECT * FROM frame")
    assert_same(SourceConfig(url=f"duckdb:///{database}", table="lines"))


def test_typed_parquet_files_agree_and_number_rows_across_files(tmp_path: Path) -> None:
    typed = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-02", "2025-04-02", None, "2025-12-31"]),
            "channel": ["OEM", None, "OEM", "Export"],
            "region": ["East", "East", "West", "West"],
            "product_line": "Valves",
            "product": "Ball",
            "customer": "Acme",
            "quantity": [1, 2, 3, 4],
            "revenue": [10.005, 20.0, np.nan, 40.0],
        }
    )
    folder = tmp_path / "lines"
    folder.mkdir()
    typed.iloc[:2].to_parquet(folder / "a.parquet", index=False)
    typed.iloc[2:].to_parquet(folder / "b.parquet", index=False)
    source = SourceConfig(path=folder / "*.parquet")
    assert_same(source)
    pushed = pushdown.totals(source, CALENDAR, BY, max_rejected_share=1.0)
    assert pushed.rejected["row"].tolist() == [2, 3]  # channel empty; date missing (and revenue)
    assert pushed.report.rejected == {"channel: empty": 1, "date: not a date": 1}


def test_sample_company_agrees_by_fiscal_quarter(tmp_path: Path) -> None:
    from analysis.data.sample import write_sample

    write_sample(tmp_path, parquet=True)
    source = SourceConfig(
        path=tmp_path / "sales_lines.parquet",
        columns={"date": "order_date", "revenue": "net_amount"},
    )
    april = FiscalCalendar(4)
    pushed = pushdown.totals(source, april, ["channel", "product_line"])
    loaded = clean_sales(read_table(source), source.columns)
    expected = series.totals(loaded.data, april, ["channel", "product_line"])
    keys = ["channel", "product_line", "period"]
    pd.testing.assert_frame_equal(
        pushed.totals.sort_values(keys).reset_index(drop=True),
        expected.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )
    assert pushed.report.rows_read == 48_290 == pushed.report.rows_used


def test_too_many_rejected_lines_name_rows_and_reasons(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "date": ["2025-01-02", "bad", "2025-01-03"],
            "channel": ["OEM", "OEM", ""],
            "region": "East",
            "product_line": "Valves",
            "product": "Ball",
            "customer": "Acme",
            "quantity": "1",
            "revenue": "5",
        }
    )
    path = tmp_path / "lines.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(DataError) as caught:
        pushdown.totals(SourceConfig(path=path), CALENDAR, BY)
    message = str(caught.value)
    assert "2 of 3 rows" in message and "row 2: date: not a date" in message
    assert "row 3: channel: empty" in message and caught.value.rows == [2, 3]


def test_csv_and_excel_are_not_summed_in_an_engine(tmp_path: Path) -> None:
    assert pushdown.supports(SourceConfig(path=tmp_path / "x.parquet"))
    assert pushdown.supports(SourceConfig(query="select 1"))
    assert pushdown.supports(SourceConfig(url="postgresql://a@h/db", table="t"))
    assert not pushdown.supports(SourceConfig(path=tmp_path / "x.csv"))
    with pytest.raises(DataError, match="needs Parquet files or a SQL source"):
        pushdown.totals(SourceConfig(path=tmp_path / "x.csv"), CALENDAR)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames())
def test_sqlite_table_agrees_with_pandas(frame: pd.DataFrame, tmp_path: Path) -> None:
    """SQLite through SQLAlchemy: the portable SQL, on text columns (SQLite has no date type)."""
    database = tmp_path / "sales.sqlite"
    database.unlink(missing_ok=True)
    with sqlite3.connect(database) as con:
        frame.to_sql("lines", con, index=False)
    assert_same(SourceConfig(url=f"sqlite:///{database}", table="lines"))


TYPED = """(date date, channel text, region text, product_line text, product text,
customer text, quantity integer, revenue {money})"""


@pytest.mark.parametrize("money", ["numeric(14, 3)", "numeric(18, 6)", "double precision"])
def test_postgres_typed_table_agrees_with_pandas(postgres, money: str) -> None:
    """Typed PostgreSQL columns with the awkward values: NULLs, NaN, sub-cent amounts, a blank
    text."""
    rows = [
        ("2025-01-02", "OEM", "East", "Valves", "Ball", "Acme", 1, "10.005"),
        ("2025-03-31", " OEM", "East", "Valves", "Ball", "Acme", 2, "20.10"),
        ("2025-04-01", "OEM", "West", "Valves", "Ball", "Beta", 3, "30.125"),
        ("2025-04-02", "OEM", "West", "Valves", "Ball", " Beta", 3, "0.375"),
        ("2025-04-03", "OEM", "West", "Valves", "Ball", "Beta", 3, "0.3333"),
        (None, "OEM", "West", "Valves", "Ball", "Acme", 4, "1"),
        ("2025-05-05", None, "West", "Valves", "Ball", "Acme", 5, "1"),
        ("2025-06-06", "Export", "\u3000", "Valves", "Ball", "Acme", 6, "1"),
        ("2025-07-07", "Export", "North", "Valves", "Ball", "\u3000", 7, "1"),
        ("2025-08-08", "Export", "North", "Valves", "Ball", "Acme", None, "1"),
        ("2025-09-09", "Export", "North", "Valves", "Ball", "Acme", 9, "NaN"),
        ("2025-12-31", "Export", "North", "Valves", "Ball", "Acme", 10, None),
        ("2025-12-31", "Export", "North", "Valves", "Ball", "Acme", 11, "-2.5"),
    ]
    table = "typed_" + money.split("(")[0].replace(" ", "_")
    with postgres.connect() as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} {TYPED.format(money=money)}")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
    url = f"postgresql+psycopg://admin:${{PG_ADMIN}}@127.0.0.1:{postgres.port}/postgres"
    os.environ["PG_ADMIN"] = postgres.admin_password
    try:
        source = SourceConfig(url=url, table=table)
        assert_same(source)
        pushed = pushdown.totals(source, CALENDAR, BY, max_rejected_share=1.0)
        assert pushed.report.rows_used == 6
    finally:
        del os.environ["PG_ADMIN"]


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory) -> tuple[object, object]:
    """The sample company from Parquet: loaded line by line, and summed per day in DuckDB."""
    from analysis.data.config import load_config
    from analysis.data.load import load
    from analysis.data.sample import write_sample

    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder, parquet=True)
    config = load_config(folder / "config.yaml")
    return load(config, in_engine=False), load(config, in_engine=True)


def test_reports_read_day_sums_as_they_read_lines(both_ways) -> None:
    """Every figure of the overview, target-miss and forecast reports is the same, to the cent."""
    from analysis.data.series import Coverage
    from analysis.forecasting import reconcile
    from analysis.reports import overview, target_miss
    from analysis.reports.review import Review
    from analysis.targets import phasing

    lines, summed = both_ways
    assert len(summed.sales) < len(lines.sales)  # fewer rows than lines...
    assert summed.sales["lines"].sum() == len(lines.sales) == 48_290  # ...standing for all
    assert [r.to_dict() | {"notes": []} for r in summed.reports] == [
        r.to_dict() | {"notes": []} for r in lines.reports
    ]
    reviews = []
    for dataset in (lines, summed):
        calendar = dataset.config.calendar
        coverage = Coverage.of(dataset.sales, calendar, dataset.config.data_through)
        reviews.append(Review(dataset, calendar, coverage, calendar.parse("2025Q4")))
    a, b = reviews
    assert a.coverage == b.coverage
    for by in ("channel", "product_line", "region"):
        pd.testing.assert_frame_equal(overview.revenue_by(a, by), overview.revenue_by(b, by))
        pd.testing.assert_frame_equal(overview.trend(a, by), overview.trend(b, by))
    assert overview.headline(a) == overview.headline(b)
    for segment in ("product_line", "product"):
        miss_a = target_miss.analyse_review(a, segment=segment)
        miss_b = target_miss.analyse_review(b, segment=segment)
        pd.testing.assert_frame_equal(miss_a.long, miss_b.long)
        assert miss_a.narrative == miss_b.narrative
    split_a, split_b = (
        phasing.phase_quarter(r.dataset.targets, r.dataset.sales, "2026Q1",
                              calendar=r.calendar, coverage=r.coverage, weeks=True)
        for r in reviews
    )  # fmt: skip
    pd.testing.assert_frame_equal(split_a.cents, split_b.cents)
    pd.testing.assert_frame_equal(split_a.profile, split_b.profile)
    build = [reconcile.build(r.dataset.sales, r.calendar, coverage=r.coverage) for r in reviews]
    pd.testing.assert_frame_equal(build[0].frame, build[1].frame)


def test_load_sums_large_sources_in_the_engine(
    both_ways, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.data import load as load_module

    lines, _ = both_ways
    monkeypatch.setattr(load_module, "LINES_IN_MEMORY", 40_000)
    auto = load_module.load(lines.config)
    assert "lines" in auto.sales and auto.sales["lines"].sum() == 48_290
    assert "summed per day in the database engine" in auto.reports[0].notes
    monkeypatch.setattr(load_module, "LINES_IN_MEMORY", 50_000)
    assert "lines" not in load_module.load(lines.config).sales


def test_a_database_without_its_driver_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.core.errors import ConfigError

    monkeypatch.setenv("NO_DRIVER_PW", "s3cr3t-Pa55")
    source = SourceConfig(url="nosuchdb://ana:${NO_DRIVER_PW}@h/db", table="t")
    with pytest.raises(ConfigError, match="no database driver") as caught:
        pushdown.count(source)
    assert "s3cr3t-Pa55" not in str(caught.value)


def test_day_sums_carry_no_customer_and_the_same_products_to_the_cent(both_ways) -> None:
    """Summed in the engine the lines lose their customer: the customers page says so and its
    products inside their lines are the lines' own, to the cent."""
    from analysis.reports import customers
    from analysis.reports.review import Review

    lines, summed = both_ways
    assert "customer" not in summed.sales.columns
    by_lines, by_days = (customers.analyse(Review.of(d, "2025Q4")) for d in (lines, summed))
    assert by_days.bridge is None and by_days.missing == customers.no_customers()
    pd.testing.assert_frame_equal(by_days.products.lines, by_lines.products.lines)
    pd.testing.assert_frame_equal(by_days.products.products, by_lines.products.products)

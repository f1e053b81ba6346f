"""Money at the source's precision: four- and six-decimal and sub-cent amounts are summed exactly
and rounded to cents once per total, and every identity the reports rely on holds to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from target_miss_examples import CAL, COVER, EFFECTS, lines

from analysis.core.cents import exact, nested_cents, round_parts, rounded
from analysis.core.errors import DataError
from analysis.data import pushdown, series
from analysis.data.config import SourceConfig
from analysis.data.sources import RawTable, read_table
from analysis.data.validate import clean_sales
from analysis.targets import phasing
from analysis.targets.attainment import attainment
from analysis.targets.bridge import bridge
from analysis.targets.drilldown import drilldown

CENT = Decimal("0.01")
TARGETS = pd.DataFrame(
    {
        "quarter": ["2025Q1", "2025Q2"],
        "channel": "A",
        "target_revenue": [5000.0, 123.45],
        "target_quantity": [10.0, 3.0],
    }
)


def cents_of(total: Decimal) -> int:
    """The reference: an exact decimal total rounded half away from zero to cents."""
    return int(total.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def as_cents(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy(dtype="float64") * 100).astype("int64")


# --- amounts a source may hold -------------------------------------------------------------------

#: 2, 4 or 6 decimals, or 3 (half cents and other sub-cent amounts).
amounts = st.builds(
    lambda units, decimals: Decimal(units).scaleb(-decimals),
    st.integers(-5_000_000, 90_000_000),
    st.sampled_from([2, 3, 4, 6]),
)
_line = st.tuples(
    st.sampled_from(["2024-11-05", "2025-10-03", "2025-11-20", "2025-12-31"]),
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["N", "S"]),
    st.sampled_from(["X", "Y", "Z"]),
    st.integers(-5, 60),
    amounts,
)


def sales_of(rows: list[tuple]) -> pd.DataFrame:
    """Lines as a loader types them: each amount the float64 a parser makes of its text."""
    return lines([(d, c, r, p, q, float(str(a))) for d, c, r, p, q, a in rows])


def reference(rows: list[tuple], quarter: str, at: int = 5) -> int:
    """The exact decimal total of the lines of ``quarter`` (amounts at ``at`` in each row), in
    cents rounded once."""
    periods = CAL.periods(pd.to_datetime(pd.Series([r[0] for r in rows])))
    chosen = [r[at] for r, p in zip(rows, periods, strict=True) if CAL.label(p) == quarter]
    return cents_of(sum(chosen, Decimal(0)))


# --- hand-checked examples where rounding each line would be wrong -------------------------------


def test_three_thirds_make_one_and_half_cents_add_up() -> None:
    assert rounded(*(a.sum() for a in exact(np.full(3, 0.3333)))) == 100  # not 3 x 33 = 99
    assert rounded(*(a.sum() for a in exact(np.full(10_000, 0.005)))) == 5_000  # 50.00
    sales = lines([("2025-11-05", c, "N", "X", 1, 0.3333) for c in "ABC"])
    h = series.hierarchy(sales, CAL, levels=[(), ("channel",)])
    assert as_cents(h.loc[h["level"] == "total", "y"]).tolist() == [100]
    # the channels add up to the total: the cent left over goes to the first of equal remainders
    assert as_cents(h.loc[h["level"] == "channel", "y"]).tolist() == [34, 33, 33]
    table = attainment(sales, None, "2025Q4", calendar=CAL, coverage=COVER).cents
    assert table["actual"].tolist() == [34, 33, 33, 100]


def test_amounts_keep_the_decimals_they_have() -> None:
    cents, micro = exact(np.array([0.1 + 0.2, -0.005, 1234.5678, -1.23456789, 1e12 + 0.25]))
    assert cents.tolist() == [30, -1, 123456, -124, 100_000_000_000_025]
    assert micro.tolist() == [0, 5_000, 7_800, 5_432, 0]  # -1.23456789 is summed as -1.234568


def test_rounding_half_away_from_zero_once() -> None:
    assert rounded([0, -1, 12], [5_000, 5_000, 4_999]).tolist() == [1, -1, 12]
    assert rounded([-1], [4_999]).tolist() == [-1]  # -0.00500 - 0.00001 -> -0.01


def test_amounts_up_to_a_trillion_do_not_overflow() -> None:
    big = np.full(40_000, 999_999_999_999.99)
    cents, micro = exact(big)
    assert rounded(cents.sum(), micro.sum()) == 40_000 * 99_999_999_999_999
    with pytest.raises(DataError, match="too large to sum exactly"):
        exact(np.full(50_000, 1e12))


def test_parts_round_to_add_up_to_their_whole() -> None:
    # 0.333 x 3 = 0.999 -> 1.00; parts 0.3330 each: one of them is rounded up
    parts = round_parts([33, 33, 33], [3_000, 3_000, 3_000], [0, 0, 0], [100])
    assert parts.tolist() == [34, 33, 33]
    with pytest.raises(ValueError, match="not a rounding"):
        round_parts([33, 33], [0, 0], [0, 0], [67])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from("xy"), amounts), max_size=30))
def test_every_level_is_its_exact_sum_rounded_down_or_up(rows) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "amount"])
    cents, micro = exact([float(str(v)) for v in frame["amount"]])
    sums = series.exact_sums(frame[["a", "b"]].assign(cents=cents, micro=micro), ["a", "b"])
    leaves = nested_cents(sums, ["a", "b"])
    total = sum(frame["amount"], Decimal(0))
    assert leaves.sum() == (cents_of(total) if rows else 0)
    for key, part in frame.groupby(["a", "b"]):
        exact_cents = sum(part["amount"], Decimal(0)) * 100
        got = int(leaves[((sums["a"] == key[0]) & (sums["b"] == key[1])).to_numpy()][0])
        assert exact_cents - 1 < got < exact_cents + 1


# --- the identities of the reports ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, min_size=1, max_size=40))
def test_quarters_channels_and_segments_add_up_to_the_exact_total(rows) -> None:
    sales = sales_of(rows)
    h = series.hierarchy(sales, CAL)
    h["cents"] = as_cents(h["y"])
    by = {
        level: part.set_index(["quarter", "unique_id"])["cents"]
        for level, part in h.groupby("level")
    }
    for quarter, total in by["total"].droplevel("unique_id").items():
        assert total == reference(rows, quarter)
        channels = by["channel"].xs(quarter, level="quarter")
        assert channels.sum() == total
        for finer in ("channel/region", "channel/product_line"):
            parts = by[finer].xs(quarter, level="quarter")
            for channel, cents in channels.items():
                inside = parts[parts.index.str.startswith(f"{channel}/")]
                assert inside.sum() == cents, (quarter, finer, channel)


@settings(max_examples=40, deadline=None)
@given(st.lists(_line, min_size=1, max_size=40), st.integers(0, 3_000_000))
def test_attainment_bridge_and_drilldown_agree_to_the_cent(rows, target_cents) -> None:
    sales = sales_of(rows)
    targets = pd.DataFrame(
        {
            "quarter": "2025Q4",
            "channel": ["A", "B"],
            "target_revenue": [target_cents / 100, 1234.56],
            "target_quantity": [100.0, 40.0],
        }
    )
    kw = {"calendar": CAL, "coverage": COVER}
    table = attainment(sales, targets, "2025Q4", detail=True, **kw).cents
    rolled = table.loc[table["level"].isin(["channel", "total"])].set_index("channel")
    assert rolled.loc["Total", "actual"] == reference(rows, "2025Q4")
    actual = rolled["actual"].drop("Total")
    assert actual.sum() == rolled.loc["Total", "actual"]
    for mode in ("target", "prior_year"):
        b = bridge(sales, targets, "2025Q4", baseline=mode, **kw).cents.set_index("channel")
        assert (b[list(EFFECTS)].sum(axis=1) == b["gap"]).all()
        # the bridge's gap counts sales without a target as an effect; attainment leaves them out
        assert b.loc["Total", "gap"] - b.loc["Total", "untargeted"] == rolled.loc["Total", "gap"]
        assert (b["actual"].drop("Total").reindex(actual.index) == actual).all()
    d = drilldown(sales, targets, "2025Q4", **kw)
    for _, part in d.cents.groupby("dimension"):
        assert (part.groupby("channel")["actual"].sum().reindex(actual.index) == actual).all()


def test_months_and_weeks_add_up_to_the_quarter_with_sub_cent_history() -> None:
    history = lines(
        [(f"2024-{m:02d}-{d:02d}", c, "N", "X", 1, 0.3333 * m + 0.0005 * d)
         for m in (4, 5, 6) for d in (3, 17) for c in "AB"]
    )  # fmt: skip
    targets = pd.DataFrame(
        {"quarter": "2025Q2", "channel": ["A", "B"], "target_revenue": [1000.01, 0.05]}
    )
    split = phasing.phase_quarter(targets, history, "2025Q2", calendar=CAL, weeks=True).cents
    assert split.groupby("channel")["target"].sum().tolist() == [100_001, 5]
    months = split.groupby(["channel", "month"])["target"].sum()
    assert months.groupby(level="channel").sum().tolist() == [100_001, 5]


# --- the database engine sums the same cents -----------------------------------------------------


@st.composite
def wide_amounts(draw: st.DrawFn) -> Decimal:
    """Amounts of every size a source may hold, up to a trillion (summed in Python past 2^30)."""
    if draw(st.integers(0, 9)) == 0:
        return Decimal(draw(st.integers(-(10**14), 10**14))).scaleb(-2)
    return draw(amounts)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["2025-01-02", "2025-02-15", "2025-04-01", "2025-04-02"]),
            st.sampled_from(["A", "B"]),
            st.sampled_from(["N", "S"]),
            wide_amounts(),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_engine_sums_the_same_cents(rows, tmp_path: Path) -> None:
    numbers = [float(str(a)) for *_, a, _ in rows]
    texts = [str(a) for *_, a, _ in rows]
    for values in (numbers, texts):  # typed numbers and number text
        frame = pd.DataFrame(
            {
                "date": [r[0] for r in rows],
                "channel": [r[1] for r in rows],
                "region": [r[2] for r in rows],
                "product_line": "X",
                "product": "X1",
                "customer": "Acme",
                "quantity": [-1 if r[4] else 2 for r in rows],
                "revenue": values,
            }
        )
        path = tmp_path / "lines.parquet"
        frame.to_parquet(path, index=False)
        source = SourceConfig(path=path)
        loaded = clean_sales(read_table(source), source.columns)
        by = ["channel", "region"]
        pushed = pushdown.totals(source, CAL, by)
        keys = [*by, "period"]
        pd.testing.assert_frame_equal(
            pushed.totals.sort_values(keys).reset_index(drop=True),
            series.totals(loaded.data, CAL, by).sort_values(keys).reset_index(drop=True),
            check_dtype=False,
        )
        daily = pushdown.daily(source, CAL, [*by, "product_line", "product"]).totals
        for level in (["channel"], by):
            a = series.quarterly(loaded.data, CAL, level)
            pd.testing.assert_frame_equal(a, series.quarterly(daily, CAL, level))
        for quarter, total in a.groupby("quarter")["y"].sum().items():
            assert round(total * 100) == reference(rows, quarter, at=3)
        kw = {"calendar": CAL, "coverage": series.Coverage.of(loaded.data, CAL)}
        for quarter in ("2025Q1", "2025Q2"):
            tables = [
                (
                    attainment(s, TARGETS, quarter, **kw).cents,
                    bridge(s, TARGETS, quarter, **kw).cents,
                )
                for s in (loaded.data, daily)
            ]
            for one, other in zip(*tables, strict=True):
                pd.testing.assert_frame_equal(one, other)


# --- loading ------------------------------------------------------------------------------------


def test_loading_keeps_the_amounts_and_notes_more_than_six_decimals() -> None:
    frame = pd.DataFrame(
        {
            "date": "2025-11-05",
            "channel": "A",
            "region": "N",
            "product_line": "X",
            "product": "X1",
            "customer": "Acme",
            "quantity": "1",
            "revenue": ["0.3333", "0.3333", "0.3333", "1.23456789"],
        }
    )
    loaded = clean_sales(RawTable(frame, np.arange(2, 6), "sales.csv"), {})
    assert loaded.data["revenue"].tolist() == [0.3333, 0.3333, 0.3333, 1.23456789]
    assert "1 revenue amount(s) with more than 6 decimals summed rounded to 6" in (
        loaded.report.notes
    )
    totals = series.totals(loaded.data, CAL)
    assert rounded(totals["cents"], totals["micro"]).tolist() == [223]  # 2.234568
    huge = pd.concat([frame.head(1)] * 5000, ignore_index=True).assign(revenue="1e13")
    with pytest.raises(DataError, match="too large to sum exactly") as caught:
        clean_sales(RawTable(huge, np.arange(2, 5002), "sales.csv"), {}, max_amount=1e13)
    assert caught.value.source == "sales.csv"


def test_snapshot_keeps_the_source_precision(tmp_path: Path) -> None:
    from analysis.data import snapshot
    from analysis.data.load import Dataset, load

    dataset = load()
    sales = lines([("2025-11-05", "A", "N", "X", 1, 0.3333)] * 3)
    small = Dataset(dataset.config, sales, None, dataset.reports[:1], {})
    back = snapshot.read(snapshot.write(small, tmp_path / "snap"), small.config)
    assert as_cents(series.quarterly(back.sales, CAL)["y"]).tolist() == [100]


def test_a_warehouse_decimal_column_sums_to_its_own_total(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    amounts = [Decimal("0.3333")] * 3 + [Decimal("1234.5678"), Decimal("-0.0050")]
    table = pa.table(
        {
            "date": pa.array(pd.to_datetime(["2025-01-02"] * 5)),
            **{name: ["A"] * 5 for name in ("channel", "region", "product_line", "product")},
            "customer": ["Acme"] * 5,
            "quantity": [1] * 5,
            "revenue": pa.array(amounts, pa.decimal128(18, 4)),
        }
    )
    pq.write_table(table, tmp_path / "lines.parquet")
    source = SourceConfig(path=tmp_path / "lines.parquet")
    loaded = clean_sales(read_table(source), source.columns)
    for summed in (series.totals(loaded.data, CAL), pushdown.totals(source, CAL).totals):
        # 0.9999 + 1234.5678 - 0.0050 = 1235.5627 -> 1235.56 (line by line: 0.99 + 1234.57 - 0.01)
        assert rounded(summed["cents"], summed["micro"]).tolist() == [123_556]

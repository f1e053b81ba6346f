"""Inputs shared by the target-miss tests: a hand-worked company and random order lines and targets.

The hand-worked company (2 targeted channels x 2 product lines, plus a new line and a channel
without target) is small enough that every effect is computed by hand in the tests' comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import Coverage

CAL = FiscalCalendar()
#: The hand-worked data cover 2024Q4 (the baseline) to 2025Q4 (the quarter) completely.
COVER = Coverage(first=pd.Timestamp("2024-10-01"), last=pd.Timestamp("2025-12-31"))
EFFECTS = (
    "growth_asked",
    "volume",
    "channel_mix",
    "product_mix",
    "price",
    "returns",
    "untargeted",
)


def lines(rows: list[tuple]) -> pd.DataFrame:
    """Sales lines from ``(date, channel, region, product_line, quantity, revenue)`` tuples."""
    frame = pd.DataFrame(
        rows, columns=["date", "channel", "region", "product_line", "quantity", "revenue"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["product"] = frame["product_line"]
    frame["customer"] = "Customer"
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["revenue"] = frame["revenue"].astype("float64")
    return frame


HAND_SALES = lines(
    [
        # 2024Q4, the baseline: A sells X at 10 and Y at 30, 10 units of X come back; B sells at 20
        ("2024-11-05", "A", "East", "X", 100, 1000.00),
        ("2024-11-05", "A", "West", "Y", 100, 3000.00),
        ("2024-11-20", "A", "East", "X", -10, -100.00),
        ("2024-11-05", "B", "North", "X", 50, 1000.00),
        ("2024-11-05", "B", "North", "Y", 50, 1000.00),
        # 2025Q4, the quarter: A sells X at 9 and Y at 32, 5 units of Y come back;
        # B sells X at 25, Y at 21 (in a new region) and Z (a new product line) at 30
        ("2025-11-05", "A", "East", "X", 150, 1350.00),
        ("2025-11-05", "A", "West", "Y", 60, 1920.00),
        ("2025-11-20", "A", "West", "Y", -5, -160.00),
        ("2025-11-05", "B", "North", "X", 40, 1000.00),
        ("2025-11-05", "B", "South", "Y", 70, 1470.00),
        ("2025-11-05", "B", "North", "Z", 10, 300.00),
        # C has no target
        ("2025-11-05", "C", "East", "X", 5, 100.00),
    ]
)
HAND_TARGETS = pd.DataFrame(
    {
        "quarter": ["2025Q4", "2025Q4", "2025Q3"],
        "channel": ["A", "B", "A"],
        "target_revenue": [4290.00, 2200.00, 999.99],
        "target_quantity": [209.0, 100.0, 9.0],
    }
)


# --- random order lines and targets --------------------------------------------------------------

CHANNELS = ("A", "B", "C", "D")
PRODUCT_LINES = ("X", "Y", "Z")
REGIONS = ("N", "S")
STARTS = {
    0: pd.Timestamp("2024-10-01"),
    1: pd.Timestamp("2025-10-01"),
    2: pd.Timestamp("2025-07-01"),
}

_line = st.tuples(
    st.sampled_from([0, 1, 1, 2]),  # 2024Q4 (baseline), 2025Q4 (the quarter), 2025Q3 (returns)
    st.integers(0, 91),
    st.sampled_from(CHANNELS),
    st.sampled_from(REGIONS),
    st.sampled_from(PRODUCT_LINES),
    st.integers(-20, 60),  # units, negative on returns
    st.integers(-50_000, 900_000),  # revenue in cents
)
_target = st.tuples(st.integers(0, 3_000_000), st.one_of(st.none(), st.integers(0, 300)))


@st.composite
def sales_and_targets(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arbitrary order lines of 2024Q3-2025Q4 and 2025Q4 targets at a random grain.

    Lines may be returns, have zero units or revenue, or even mixed signs; channels may have no
    target, revenue-only targets (NaN units, or no unit column at all) or zero target units;
    targets may be per channel, per channel x product line or per channel x region.
    """
    rows = draw(st.lists(_line, min_size=1, max_size=40))
    days = [STARTS[q] + pd.Timedelta(days=d) for q, d, *_ in rows]
    sales = lines(
        [
            (day, c, r, p, q, cents / 100)
            for day, (_, _, c, r, p, q, cents) in zip(days, rows, strict=True)
        ]
    )
    grain = draw(st.sampled_from([None, "product_line", "region"]))
    records = []
    for channel in CHANNELS:
        if grain is None:
            values = draw(st.one_of(st.none(), _target))
            if values is not None:
                records.append({"channel": channel, "cents": values[0], "units": values[1]})
            continue
        keys = PRODUCT_LINES if grain == "product_line" else REGIONS
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
        for key in chosen:
            cents, units = draw(_target)
            records.append({"channel": channel, grain: key, "cents": cents, "units": units})
    targets = pd.DataFrame(
        records, columns=["channel", *([grain] if grain else []), "cents", "units"]
    )
    targets.insert(0, "quarter", "2025Q4")
    targets["target_revenue"] = targets.pop("cents").astype("float64") / 100
    targets["target_quantity"] = pd.to_numeric(targets.pop("units"), errors="coerce").astype(
        "float64"
    )
    if draw(st.booleans()) and len(targets):
        extra = targets.iloc[:1].assign(quarter="2025Q3", target_revenue=12345.67)
        targets = pd.concat([targets, extra], ignore_index=True)
    if draw(st.booleans()):
        targets = targets.drop(columns="target_quantity")
    return sales, targets


def quarter_cents(sales: pd.DataFrame, by: str | list[str] = "channel") -> pd.Series:
    """Net revenue of 2025Q4 in integer cents, computed directly from the lines."""
    now = sales.loc[(sales["date"] >= "2025-10-01") & (sales["date"] <= "2025-12-31")]
    cents = np.round(now["revenue"].to_numpy() * 100).astype("int64")
    return pd.Series(cents, index=now.index).groupby([now[c] for c in np.atleast_1d(by)]).sum()

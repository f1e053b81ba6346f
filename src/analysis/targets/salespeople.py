"""Salespeople: each one's target, attainment and bridge, and next quarter's target by person.

**Targets.** A target row that names a salesperson is that person's. Any other row (a channel's,
or a channel x region quota) is split onto the salespeople who sold inside it, by each one's share
of its net sales in the same quarter a year earlier; without sales there, by the shares of the
four quarters before the target's quarter; without those, equally among the salespeople who ever
sold inside it; a row nobody sold in stays on :data:`UNASSIGNED`. The reviewed quarter's own sales
are never the basis: with them every salesperson would attain exactly the channel's rate. The
split is largest-remainder in whole cents (whole units), so a row's parts add up to it exactly.

**Attainment.** A salesperson's actual is the sales the targets cover (as the channels'
attainment counts them): the quarter's total rounded once, split into channels, covered or not,
then salespeople, so the salespeople's targeted sales add up to the channels' to the cent; the
rest is their sales without a target.

**Bridge.** The channel bridge (:func:`analysis.targets.bridge.bridge`) run with salespeople in
place of channels, on the sales inside the quarter's targets: volume, product mix, price and
returns per person, and salesperson mix in the total. Its actuals are then set to the attainment's
(they can differ by a cent of rounding), the difference going to price, which absorbs rounding in
the channel bridge too.

**Next quarter.** Its targets split by the same rule, then each person's into months and weeks by
:func:`analysis.targets.phasing.phase_quarter` on that person's own sales history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.core.cents import allocate
from analysis.core.quarters import FiscalCalendar
from analysis.data.series import TOTAL, Coverage
from analysis.targets.bridge import Bridge, bridge
from analysis.targets.bridge_baseline import return_window
from analysis.targets.covered import covered, grains
from analysis.targets.phasing import Phasing, phase_quarter
from analysis.targets.selection import as_period, lines_in, net_by, target_grain, targets_for

#: The salesperson of lines that name none, and of a target row nobody sold in.
UNASSIGNED = "(no salesperson)"
#: How each part of a split target was found, in the order the rule tries them.
BASES = ("set per salesperson", "a year earlier", "the four quarters before", "equal", "nobody")
_COLUMNS = ["date", "channel", "salesperson", "quantity", "revenue"]


def has_salespeople(sales: pd.DataFrame) -> bool:
    """Whether the sales lines name a salesperson at all."""
    return "salesperson" in sales.columns and bool(sales["salesperson"].notna().any())


def people(lines: pd.DataFrame) -> pd.Series:
    """Each line's salesperson, :data:`UNASSIGNED` where blank."""
    if "salesperson" not in lines.columns:
        return pd.Series(UNASSIGNED, index=lines.index, dtype="object")
    names = lines["salesperson"].astype("object")
    return names.where(names.notna() & (names.astype(str).str.strip() != ""), UNASSIGNED)


def split_targets(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar,
    coverage: Coverage,
) -> pd.DataFrame:
    """The target rows of ``quarter`` split onto salespeople (see the module's rule).

    Columns: ``channel, <grain...>, salesperson, cents, units, basis``; every row's parts add up
    to it (cents exactly, whole units exactly where it has units).
    """
    period = as_period(quarter, calendar)
    grain = [d for d in target_grain(targets) if d != "salesperson"]
    rows = targets_for(targets, calendar, [period]).reset_index(drop=True)
    columns = ["channel", *grain, "salesperson", "cents", "units", "basis"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    named = rows["salesperson"] if "salesperson" in rows.columns else pd.Series(np.nan, rows.index)
    own = named.notna() & (named.astype(str).str.strip() != "")
    keys = [c for c in ["channel", *grain, "salesperson", "date", "quantity", "revenue"]
            if c in sales.columns]  # fmt: skip
    window = return_window(period, coverage) or [period - 4]
    history = [
        lines_in(sales, calendar, [period - 4], keys),
        lines_in(sales, calendar, window, keys),
        sales[keys],
    ]
    found = [_inside(lines, rows.loc[~own], grain) for lines in history]
    parts = []
    for i, row in rows.iterrows():
        if own.iloc[i]:
            weights = pd.DataFrame({"revenue": [1.0], "units": [1.0]}, index=[named.iloc[i]])
            basis = BASES[0]
        else:
            weights, basis = _weights(found, i)
        part = pd.DataFrame({"salesperson": weights.index.to_numpy()})
        for col in ["channel", *grain]:
            part[col] = row[col]
        code = np.zeros(len(part), dtype="int64")
        part["cents"] = allocate([int(row["cents"])], weights["revenue"].to_numpy(), code)
        units = float(row["units"])
        part["units"] = (
            allocate([round(units)], weights["units"].to_numpy(), code).astype("float64")
            if np.isfinite(units)
            else np.nan
        )
        part["basis"] = basis
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[columns]


def _inside(lines: pd.DataFrame, rows: pd.DataFrame, grain: list[str]) -> pd.DataFrame:
    """Net revenue and units per target row (``row``) and salesperson of the lines inside it."""
    matched = np.full(len(lines), -1, dtype="int64")
    for dims, group in rows.groupby(grains(rows, grain), sort=False):
        keys = ["channel", *dims]
        wanted = pd.MultiIndex.from_frame(group[keys].astype(str))
        have = pd.MultiIndex.from_arrays([lines[k].astype(str).to_numpy() for k in keys])
        at = wanted.get_indexer(have)
        hit = (at >= 0) & (matched < 0)
        matched[hit] = group.index.to_numpy()[at[hit]]
    inside = lines.loc[matched >= 0]
    frame = pd.DataFrame(
        {
            "row": matched[matched >= 0],
            "salesperson": people(inside).to_numpy(),
            "revenue": inside["revenue"].to_numpy(dtype="float64"),
            "units": inside["quantity"].to_numpy(dtype="float64"),
        }
    )
    return frame.groupby(["row", "salesperson"], sort=True).sum()


def _weights(found: list[pd.DataFrame], row: int) -> tuple[pd.DataFrame, str]:
    """The salespeople's weights for one target row, and the basis they come from."""
    for basis, sums in zip(BASES[1:3], found[:2], strict=True):
        if row in sums.index.get_level_values("row"):
            mine = sums.xs(row, level="row").clip(lower=0)
            if mine["revenue"].sum() > 0:
                return mine, basis
    ever = found[2]
    if row in ever.index.get_level_values("row"):
        names = ever.xs(row, level="row").index
        return pd.DataFrame({"revenue": 1.0, "units": 1.0}, index=names), BASES[3]
    return pd.DataFrame({"revenue": [1.0], "units": [1.0]}, index=[UNASSIGNED]), BASES[4]


@dataclass(frozen=True)
class Salespeople:
    """One quarter's salespeople: ``cents`` has ``salesperson, target, actual, gap, attainment,
    untargeted, target_quantity, quantity, basis`` (int64 cents; ``actual`` is the targeted
    sales) and a ``Total`` row; ``split`` the target rows split onto them; ``bridge`` their
    bridge (rows per salesperson and a total row, actuals as in ``cents``)."""

    quarter: str
    cents: pd.DataFrame
    split: pd.DataFrame
    bridge: Bridge


def salespeople(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
) -> Salespeople:
    """Targets, attainment and bridge per salesperson for ``quarter`` (the module's rules)."""
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    split = split_targets(sales, targets, period, calendar=calendar, coverage=coverage)
    grain = list(target_grain(targets))
    rows = targets_for(targets, calendar, [period])
    lines = lines_in(sales, calendar, [period], list(dict.fromkeys([*_COLUMNS, *grain])))
    lines = lines.assign(salesperson=people(lines), _covered=covered(lines, rows, calendar, grain))
    sums = net_by(lines, ["channel", "_covered", "salesperson"]).reset_index()
    hit = sums["_covered"].astype(bool)
    table = pd.DataFrame(
        index=pd.Index(sorted(set(sums["salesperson"]) | set(split["salesperson"])))
    )
    table["target"] = split.groupby("salesperson")["cents"].sum()
    table["target_quantity"] = split.groupby("salesperson")["units"].sum(min_count=1)
    table["actual"] = sums.loc[hit].groupby("salesperson")["cents"].sum()
    table["quantity"] = sums.loc[hit].groupby("salesperson")["units"].sum()
    table["untargeted"] = sums.loc[~hit].groupby("salesperson")["cents"].sum()
    table = table.fillna({"actual": 0, "untargeted": 0, "quantity": 0.0})
    table["basis"] = split.groupby("salesperson")["basis"].agg(lambda b: ", ".join(sorted(set(b))))
    table = table.rename_axis("salesperson").reset_index()
    total = pd.concat(
        [table[["actual", "untargeted", "quantity"]].sum(),
         table[["target", "target_quantity"]].sum(min_count=1)]
    )  # fmt: skip
    table = pd.concat([table, total.to_frame().T.assign(salesperson=TOTAL)], ignore_index=True)
    for col in ("target", "actual", "untargeted"):
        table[col] = table[col].astype("Float64").round().astype("Int64")
    table["gap"] = table["actual"] - table["target"]
    target = table["target"].astype("Float64")
    table["attainment"] = (table["actual"].astype("Float64") / target.where(target > 0)).astype(
        "float64"
    )
    explained = _bridge(sales, targets, split, period, calendar, coverage, grain, table)
    return Salespeople(calendar.label(period), table, split, explained)


def in_scope(sales: pd.DataFrame, rows: pd.DataFrame, grain: list[str]) -> np.ndarray:
    """Mask of the lines (of any date) inside the channels and segments of target ``rows``."""
    mask = np.zeros(len(sales), dtype=bool)
    for dims, group in rows.groupby(grains(rows, grain), sort=False):
        keys = ["channel", *dims]
        wanted = pd.MultiIndex.from_frame(group[keys].astype(str))
        have = pd.MultiIndex.from_arrays([sales[k].astype(str).to_numpy() for k in keys])
        mask |= have.isin(wanted)
    return mask


def as_channels(
    sales: pd.DataFrame, split: pd.DataFrame, rows: pd.DataFrame, grain: list[str], label: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sales inside the targets with salespeople as channels, and one target per person."""
    inside = sales.loc[in_scope(sales, rows, grain)]
    inside = inside.assign(channel=people(inside).to_numpy())
    goal = split.groupby("salesperson", sort=True).agg(
        cents=("cents", "sum"), units=("units", lambda u: u.sum(min_count=len(u)))
    )
    targets = pd.DataFrame(
        {
            "quarter": label,
            "channel": goal.index.to_numpy(),
            "target_revenue": goal["cents"].to_numpy(dtype="int64") / 100,
            "target_quantity": goal["units"].to_numpy(dtype="float64"),
        }
    )
    return inside, targets


def _bridge(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    split: pd.DataFrame,
    period: pd.Period,
    calendar: FiscalCalendar,
    coverage: Coverage,
    grain: list[str],
    table: pd.DataFrame,
) -> Bridge:
    rows = targets_for(targets, calendar, [period])
    inside, goal = as_channels(sales, split, rows, grain, calendar.label(period))
    explained = bridge(inside, goal, period, calendar=calendar, coverage=coverage)
    cents = explained.cents.copy()
    actual = table.set_index("salesperson")["actual"].rename({TOTAL: cents["channel"].iloc[-1]})
    wanted = actual.reindex(cents["channel"]).fillna(0).to_numpy(dtype="int64")
    shift = wanted - cents["actual"].to_numpy(dtype="int64")
    for col in ("actual", "gap", "price"):
        cents[col] = cents[col].to_numpy(dtype="int64") + shift
    return replace(explained, cents=cents)


def next_quarter(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
) -> Phasing | None:
    """``quarter``'s targets split onto salespeople, then months and weeks (``None`` without
    targets for it); the phasing's ``channel`` column holds the salesperson."""
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    period = as_period(quarter, calendar)
    split = split_targets(sales, targets, period, calendar=calendar, coverage=coverage)
    if split.empty:
        return None
    grain = list(target_grain(targets))
    rows = targets_for(targets, calendar, [period])
    inside, goal = as_channels(sales, split, rows, grain, calendar.label(period))
    return phase_quarter(goal, inside, period, calendar=calendar, coverage=coverage, weeks=True)

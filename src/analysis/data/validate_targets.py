"""Targets as typed rows: any bad row is an error naming it, because targets are few and
hand-made and a wrong target silently distorts every gap (sales lines are set aside instead:
:mod:`analysis.data.validate`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from analysis.core import schema
from analysis.core.errors import DataError
from analysis.core.errors import shown as quoted
from analysis.core.quarters import FiscalCalendar
from analysis.data.amounts import implausible
from analysis.data.columns import match_columns
from analysis.data.config import TARGETS_COLUMNS
from analysis.data.labels import check_known, known_labels, match_known
from analysis.data.parse import clean_text, nonblank, parse_numbers
from analysis.data.quarter_labels import quarter_labels
from analysis.data.rules import MAX_AMOUNT
from analysis.data.set_aside import EXPECTED as _EXPECTED
from analysis.data.set_aside import located as _located
from analysis.data.set_aside import values_shown as _values
from analysis.data.sources import RawTable, blank
from analysis.data.validate import Loaded, LoadReport, rejected_rows


def clean_targets(
    raw: RawTable,
    columns: Mapping[str, str],
    calendar: FiscalCalendar,
    sales: pd.DataFrame | None = None,
    quarters_as: str | None = None,
    max_amount: float = MAX_AMOUNT,
) -> Loaded:
    """Typed quarterly targets; any bad row is an error naming the row (targets are hand-made).

    Sales dimensions present in the targets (region, product, ...) set the targets' grain. With
    ``sales`` given, every channel/dimension value must occur in the sales: otherwise it is
    usually a typo, and the error suggests the closest existing names; a look-alike of a sales
    label (``oem`` for ``OEM``, :mod:`analysis.data.labels`) is read as the sales spell it.
    Under a fiscal calendar a label without ``FY`` (``2019Q1``) is read as ``quarters_as`` says
    (``fiscal`` or ``calendar``) and refused as ambiguous without it: the two readings are a
    quarter apart.
    """
    found, notes = match_columns(raw, columns, TARGETS_COLUMNS, schema.TARGETS_REQUIRED)
    frame, rows, label = raw.frame, raw.rows, raw.label
    out: dict[str, pd.Series] = {}

    quarter_text = clean_text(frame[found["quarter"]])
    quarters = quarter_labels(raw, found, quarter_text, calendar, quarters_as)
    example = calendar.label(calendar.period(date(2025, 12, 31)))
    _strict(
        raw,
        found,
        "quarter",
        quarters.isna().to_numpy(),
        "is not a quarter",
        f"a quarter label such as {example}",
    )
    out["quarter"] = quarters.astype("str")

    dimensions = ["channel"]
    for name in schema.TARGET_DIMENSIONS:
        if name in found and blank(clean_text(frame[found[name]])).all():
            notes.append(f"column {quoted(found.pop(name))} ignored: it is empty")
        elif name in found:
            dimensions.append(name)
    out["channel"] = clean_text(frame[found["channel"]])
    _strict(raw, found, "channel", blank(out["channel"]), "is empty", "a channel on every row")
    for name in dimensions[1:]:  # blank: the row is for the whole channel at this dimension
        text = clean_text(frame[found[name]])
        out[name] = text.where(~blank(text))

    for name in ("target_revenue", "target_quantity"):
        if name in found:
            values = frame[found[name]]
            wild = implausible(values, parse_numbers(values), max_amount)
            expected = f"an amount within ±{max_amount:,.0f}"
            _strict(raw, found, name, wild, f"is implausible (beyond ±{max_amount:,.0f})", expected)
    revenue = parse_numbers(frame[found["target_revenue"]])
    _strict(
        raw,
        found,
        "target_revenue",
        revenue.isna().to_numpy(),
        "is not a number",
        _EXPECTED["number"],
    )
    _strict(raw, found, "target_revenue", (revenue < 0).to_numpy(), "is negative", "0 or more")
    out["target_revenue"] = revenue.round(2)
    if "target_quantity" in found:
        values = frame[found["target_quantity"]]
        quantity = parse_numbers(values)
        bad = nonblank(quantity.isna().to_numpy(), values)
        _strict(raw, found, "target_quantity", bad, "is not a number", _EXPECTED["number"])
        _strict(
            raw, found, "target_quantity", (quantity < 0).to_numpy(), "is negative", "0 or more"
        )
        out["target_quantity"] = quantity
    else:
        out["target_quantity"] = pd.Series(np.nan, index=frame.index, dtype="float64")

    table = pd.DataFrame(out)
    if sales is not None:
        for name in [name for name in dimensions if name in sales.columns]:
            table[name], changed = match_known(table[name], known_labels(sales, name))
            notes += [
                f"{name} {quoted(value)} read as {quoted(spelling)}, as the sales spell it"
                for value, spelling in changed.items()
            ]
    keys = ["quarter", *dimensions]
    duplicated = table.duplicated(keys, keep=False).to_numpy()
    if duplicated.any():
        groups = pd.Series(rows[duplicated]).groupby(
            [table.loc[duplicated, key].to_numpy() for key in keys], sort=False
        )
        shown = "; ".join(
            f"{' / '.join(map(str, key))} in rows {', '.join(map(str, group))}"
            for key, group in list(groups)[:5]
        )
        error = DataError(
            f"more than one target for the same {' and '.join(keys)}: {shown}",
            source=label,
            expected="one row per " + ", ".join(keys),
        )
        raise _located(error, rows[duplicated])
    _one_grain(table, dimensions[1:], rows, label)
    if sales is not None:
        for name in dimensions:
            named = table[name].notna().to_numpy()
            check_known(table[name].dropna(), rows[named], sales, name, label)
    rejected = rejected_rows(raw, np.zeros(len(frame), dtype=bool), np.full(len(frame), ""))
    report = LoadReport(label, len(frame), len(frame), {}, notes)
    return Loaded(table, rejected, report)


def _one_grain(table: pd.DataFrame, dims: list[str], rows: np.ndarray, label: str) -> None:
    """Each channel's targets of a quarter are set at one grain: a row for the whole channel
    beside rows by region would count the same sales twice."""
    if not dims:
        return
    named = table[dims].notna().to_numpy()
    grain = pd.Series(["/".join(d for d, on in zip(dims, f, strict=True) if on) for f in named])
    kinds = grain.groupby([table["quarter"].to_numpy(), table["channel"].to_numpy()]).nunique()
    mixed = kinds[kinds > 1]
    if mixed.empty:
        return
    quarter, channel = mixed.index[0]
    at = ((table["quarter"] == quarter) & (table["channel"] == channel)).to_numpy()
    ways = "; ".join(
        f"{'by ' + g.replace('/', ' and ') if g else 'for the whole channel'} in rows "
        + ", ".join(map(str, rows[at & (grain == g).to_numpy()][:5]))
        for g in dict.fromkeys(grain[at])
    )
    error = DataError(
        f"the targets of {quoted(channel)} in {quarter} are set both ways: {ways}",
        source=label,
        expected="one grain per channel and quarter: one row for the whole channel (finer "
        "columns blank), or rows that each name their " + " and ".join(dims),
    )
    raise _located(error, rows[at])


def _column(found: Mapping[str, str], name: str) -> str:
    header = found[name]
    return name if header == name else f"{name} (column {quoted(header)})"


def _strict(
    raw: RawTable,
    found: Mapping[str, str],
    name: str,
    bad: np.ndarray,
    problem: str,
    expected: str,
) -> None:
    """Fail on any bad target row, naming the rows and their values."""
    if not bad.any():
        return
    values = raw.frame.loc[bad, found[name]]
    raise DataError(
        f"{_column(found, name)} {_values(values)} {problem}",
        source=raw.label,
        rows=raw.rows[bad].tolist(),
        expected=expected,
    )

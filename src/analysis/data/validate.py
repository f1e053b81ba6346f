"""Turn a raw table into typed canonical columns, accounting for every row.

Sales lines are many and machine-made: a row that cannot be used is set aside with its reason and
counted, and the load fails only when too many are (``max_rejected_share``). Targets are few and
hand-made: any bad row is an error, because a wrong target silently distorts every gap.

Header matching lives in :mod:`analysis.data.columns`, the reading of dates, numbers and text in
:mod:`analysis.data.parse`; this module decides what becomes of each row.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analysis.core import schema
from analysis.core.errors import DataError
from analysis.core.errors import shown as quoted
from analysis.core.quarters import FiscalCalendar
from analysis.data.columns import match_columns, match_sales_columns
from analysis.data.config import SALES_COLUMNS, TARGETS_COLUMNS
from analysis.data.parse import clean_text, nonblank, parse_dates, parse_numbers
from analysis.data.sources import RawTable, blank

_NUMERIC = ("quantity", "revenue", "unit_price", "target_revenue", "target_quantity")
_EXPECTED = {
    "date": "a date such as 2025-12-31 (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)",
    "number": "a number such as 1234.50",
    "text": "a value",
}


@dataclass
class LoadReport:
    """What happened to the rows of one source; ``rows_read == rows_used + rejected`` always."""

    source: str
    rows_read: int
    rows_used: int
    rejected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Blank cells given a value by the source's ``fill:``, per canonical column.
    filled: dict[str, int] = field(default_factory=dict)
    #: What a reader must know about rows that were kept (duplicates, merged look-alike labels).
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_used + sum(self.rejected.values()):
            raise ValueError(f"row accounting does not add up for {self.source}: {self}")

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    def summary(self) -> str:
        """One or two plain lines for the report's data section."""
        text = f"{self.source}: {self.rows_read:,} rows read, {self.rows_used:,} used"
        if self.rejected:
            reasons = ", ".join(f"{reason} {count:,}" for reason, count in self.rejected.items())
            text += f", {self.rows_rejected:,} set aside ({reasons})"
        text += "."
        if self.filled:
            cells = ", ".join(f"{column} {count:,}" for column, count in self.filled.items())
            text += f" Blank cells filled: {cells}."
        if self.warnings:
            text += "\nWarnings: " + "; ".join(self.warnings) + "."
        if self.notes:
            text += "\nNotes: " + "; ".join(self.notes) + "."
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rejected": dict(self.rejected),
            "notes": list(self.notes),
            "filled": dict(self.filled),
            "warnings": list(self.warnings),
        }


@dataclass
class Loaded:
    """Typed canonical rows, the rows set aside (original values, ``row``, ``reason``), counts."""

    data: pd.DataFrame
    rejected: pd.DataFrame
    report: LoadReport


def clean_sales(
    raw: RawTable, columns: Mapping[str, str], max_rejected_share: float = 0.01
) -> Loaded:
    """Typed sales lines; unusable rows are set aside unless there are too many of them."""
    found, notes = match_sales_columns(raw, columns)
    frame = raw.frame
    n = len(frame)
    data: dict[str, pd.Series] = {}
    reasons = np.full(n, "", dtype=object)
    problems: list[tuple[str, str, np.ndarray]] = []  # (column, kind of problem, bad rows)
    for name in [name for name in SALES_COLUMNS if name in found]:
        values = frame[found[name]]
        required = name in schema.SALES_REQUIRED
        if name == "date":
            parsed, problem = parse_dates(values), "not a date"
            bad = parsed.isna().to_numpy()
        elif name in _NUMERIC:
            parsed, problem = parse_numbers(values), "not a number"
            bad = parsed.isna().to_numpy()
            if not required:  # a blank unit_price is missing, not an error
                bad = nonblank(bad, values)
        else:
            parsed, problem = clean_text(values), "empty"
            bad = blank(parsed)
            if not required:  # a blank order_id or salesperson is missing, not an error
                parsed, bad = parsed.where(~bad), np.zeros(n, dtype=bool)
        reasons[bad & (reasons == "")] = f"{name}: {problem}"
        problems.append((name, problem, bad))
        data[name] = parsed
    data["revenue"] = data["revenue"].round(2)
    keep = reasons == ""
    rejected = _rejected(raw, ~keep, reasons)
    counts = {
        str(key): int(count) for key, count in pd.Series(reasons[~keep]).value_counts().items()
    }
    report = LoadReport(raw.label, n, int(keep.sum()), counts, notes)
    if n - keep.sum() > max_rejected_share * n:
        raise _too_many_rejected(raw, found, problems, reasons, report, max_rejected_share)
    table = pd.DataFrame(data).loc[keep].reset_index(drop=True)
    return Loaded(table, rejected, report)


def clean_targets(
    raw: RawTable,
    columns: Mapping[str, str],
    calendar: FiscalCalendar,
    sales: pd.DataFrame | None = None,
) -> Loaded:
    """Typed quarterly targets; any bad row is an error naming the row (targets are hand-made).

    Sales dimensions present in the targets (region, product, ...) set the targets' grain. With
    ``sales`` given, every channel/dimension value must occur in the sales: otherwise it is
    usually a typo, and the error suggests the closest existing names.
    """
    found, notes = match_columns(raw, columns, TARGETS_COLUMNS, schema.TARGETS_REQUIRED)
    frame, rows, label = raw.frame, raw.rows, raw.label
    out: dict[str, pd.Series] = {}

    quarter_text = clean_text(frame[found["quarter"]])
    quarters = quarter_text.map(_quarter_labels(quarter_text, calendar))
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
            _check_known(table[name].dropna(), rows[table[name].notna().to_numpy()], sales, name,
                         label)  # fmt: skip
    rejected = _rejected(raw, np.zeros(len(frame), dtype=bool), np.full(len(frame), ""))
    report = LoadReport(label, len(frame), len(frame), {}, notes)
    return Loaded(table, rejected, report)


def _quarter_labels(text: pd.Series, calendar: FiscalCalendar) -> dict[str, str]:
    labels = {}
    for value in text.dropna().unique():
        try:
            labels[value] = calendar.label(calendar.parse(value))
        except ValueError:
            continue  # left unmapped: reported with its rows by the caller
    return labels


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


def _values(values: pd.Series, limit: int = 3) -> str:
    distinct = list(dict.fromkeys(values.astype("str").fillna("").tolist()))
    shown = ", ".join(repr(value) for value in distinct[:limit])
    return shown + (f" and {len(distinct) - limit} other values" if len(distinct) > limit else "")


def _too_many_rejected(
    raw: RawTable,
    found: Mapping[str, str],
    problems: list[tuple[str, str, np.ndarray]],
    reasons: np.ndarray,
    report: LoadReport,
    limit: float,
) -> DataError:
    details = []
    for name, problem, bad in problems:
        first = bad & (reasons == f"{name}: {problem}")
        if first.any():
            numbers = raw.rows[first]
            shown = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
            kind = "date" if name == "date" else "number" if name in _NUMERIC else "text"
            values = raw.frame.loc[first, found[name]]
            details.append(
                f"row {shown}: {_column(found, name)} {_values(values)} is {problem} "
                f"(expected {_EXPECTED[kind]})"
            )
    counts = ", ".join(f"{reason} {count:,}" for reason, count in report.rejected.items())
    error = DataError(
        f"{report.rows_rejected:,} of {report.rows_read:,} rows "
        f"({report.rows_rejected / report.rows_read:.1%}) cannot be used, more than "
        f"max_rejected_share {limit:.1%} allows ({counts}). " + "; ".join(details),
        source=raw.label,
    )
    return _located(error, raw.rows[reasons != ""])


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


def _check_known(
    values: pd.Series, rows: np.ndarray, sales: pd.DataFrame, name: str, label: str
) -> None:
    """Every target value must occur in the sales; an unknown one is almost always a typo."""
    if name not in sales.columns:
        raise DataError(
            f"the targets are set by {name}, but the sales lines have no {name} column",
            source=label,
            column=name,
            expected=f"a {name} column in the sales, or targets without it",
        )
    known = [str(value) for value in pd.unique(sales[name].dropna())]
    unknown = ~values.isin(known).to_numpy()
    if not unknown.any():
        return
    lines = []
    for value in pd.unique(values[unknown]):
        where = ", ".join(map(str, rows[(values == value).to_numpy()][:5]))
        close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
        if close:
            hint = f"did you mean {' or '.join(map(repr, close))}?"
        else:
            hint = f"the sales have {', '.join(map(repr, sorted(known)[:10]))}"
        lines.append(f"{name} {quoted(value)} (row {where}) never occurs in the sales; {hint}")
    error = DataError("; ".join(lines), source=label)
    raise _located(error, rows[unknown], column=name)


def _located(error: DataError, rows: np.ndarray, column: str | None = None) -> DataError:
    """Attach the first rows and the column to an error whose message already names them."""
    error.rows, error.column = rows[:100].tolist(), column
    return error


def _rejected(raw: RawTable, bad: np.ndarray, reasons: np.ndarray) -> pd.DataFrame:
    original = raw.frame.loc[bad].rename(
        columns=lambda header: f"{header} (source)" if header in ("row", "reason") else header
    )
    original.insert(0, "row", raw.rows[bad])
    original.insert(1, "reason", pd.Series(reasons[bad], index=original.index, dtype="str"))
    return original.reset_index(drop=True)

"""Turn a raw table into typed canonical columns, accounting for every row.

Sales lines are many and machine-made: a row that cannot be used is set aside with its reason and
counted, and the load fails only when too many are (``max_rejected_share``). Targets are checked
by :mod:`analysis.data.validate_targets`.

Header matching lives in :mod:`analysis.data.columns`, the reading of dates, numbers and text in
:mod:`analysis.data.parse`; this module decides what becomes of each row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.core import schema
from analysis.core.cents import MOST_DECIMALS, amount_notes
from analysis.core.errors import shown as quoted
from analysis.data.amounts import beyond, implausible
from analysis.data.columns import match_sales_columns
from analysis.data.compute import PROBLEMS, evaluate, resolve
from analysis.data.config import SALES_COLUMNS
from analysis.data.date_formats import suggest_date_format
from analysis.data.expression import Expression
from analysis.data.labels import unify
from analysis.data.parse import (
    DEFAULT_DATES,
    DateRule,
    clean_text,
    nonblank,
    parse_dates,
    parse_numbers,
)
from analysis.data.rules import MAX_AMOUNT, NUMBER_COLUMNS
from analysis.data.set_aside import SetAside, flag_duplicates, too_many
from analysis.data.sources import RawTable, blank

#: Text columns whose look-alike spellings are unified (the axes of tables, and who sold).
LABEL_COLUMNS: tuple[str, ...] = (*schema.SALES_DIMENSIONS, "salesperson")


@dataclass
class LoadReport:
    """What happened to the rows of one source: ``rows_read == rows_used + rejected + later``
    always (``later``: sales lines dated after the run's as-of date, left out but not set aside)."""

    source: str
    rows_read: int
    rows_used: int
    rejected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Blank cells given a value by the source's ``fill:``, per canonical column.
    filled: dict[str, int] = field(default_factory=dict)
    #: What a reader must know about rows that were kept (duplicates, merged look-alike labels).
    warnings: list[str] = field(default_factory=list)
    #: Sales lines dated after the as-of date of a run part-way through a quarter: fine lines that
    #: the run leaves out, as if it were run on that day (:func:`analysis.data.strays.after`).
    later: int = 0

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_used + sum(self.rejected.values()) + self.later:
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
            "later": self.later,
        }


@dataclass
class Loaded:
    """Typed canonical rows, the rows set aside (original values, ``row``, ``reason``), counts."""

    data: pd.DataFrame
    rejected: pd.DataFrame
    report: LoadReport


def clean_sales(
    raw: RawTable,
    columns: Mapping[str, str],
    max_rejected_share: float = 0.01,
    *,
    compute: Mapping[str, Expression] | None = None,
    fill: Mapping[str, str] | None = None,
    duplicates: str = "keep",
    max_amount: float = MAX_AMOUNT,
    unify_labels: bool = True,
    dates: DateRule = DEFAULT_DATES,
) -> Loaded:
    """Typed sales lines; unusable rows are set aside unless there are too many of them.

    ``compute`` derives columns (:mod:`analysis.data.compute`), ``fill`` gives blank text cells
    a value, ``duplicates`` keeps (with a warning) or sets aside exact duplicate lines, and
    amounts beyond ±``max_amount`` are set aside; look-alike labels are unified
    (:mod:`analysis.data.labels`) unless the caller unifies them over more lines than these;
    ``dates`` is the source's ``date_format:`` and the run's ``timezone:``.
    """
    compute, fill = dict(compute or {}), {k: v.strip() for k, v in (fill or {}).items()}
    reads = resolve(compute, raw)
    read = list(dict.fromkeys(header for used in reads.values() for header in used.values()))
    copied = {  # a text column computed as one column is that column
        name: reads[name][expression.columns[0]]
        for name, expression in compute.items()
        if expression.kind == "column" and name not in NUMBER_COLUMNS
    }
    found, notes = match_sales_columns(raw, columns, list(compute), read)
    found.update(copied)
    frame = raw.frame
    n = len(frame)
    sales = SetAside(n)
    hints: list[str] = []  # what would read the rows set aside
    for name in [name for name in SALES_COLUMNS if name in found or name in compute]:
        if name in compute and name not in copied:
            parsed = _computed(sales, name, compute[name], frame, reads[name], max_amount)
        elif name == "date":
            values = frame[found[name]]
            parsed = parse_dates(values, dates)
            bad = parsed.isna().to_numpy()
            expected = f" (expected {dates.format})" if dates.format is not None else ""
            sales.flag(bad, f"date: not a date{expected}", name, found[name])
            if dates.format is None and bad.any() and (hint := suggest_date_format(values[bad])):
                first = quoted(values[bad].iloc[0])
                hints.append(f"dates such as {first} are not year first: {hint}")
        elif name in NUMBER_COLUMNS:
            parsed = _number(sales, name, frame[found[name]], found[name], max_amount)
        else:
            parsed = _text(sales, name, frame[found[name]], found[name], fill.get(name))
        sales.data[name] = parsed
    notes += [f"fill: {name} ignored: the source has no {name} column"
              for name in fill if name not in sales.data]  # fmt: skip
    flag_duplicates(sales, raw, [*found.values(), *read], duplicates)
    data = sales.data
    keep = sales.kept
    notes += amount_notes(data["revenue"].to_numpy()[keep], raw.label)  # kept as the source has it
    rejected = rejected_rows(raw, ~keep, sales.reasons)
    causes = pd.Series(sales.causes[~keep]).value_counts()
    counts = {str(key): int(count) for key, count in causes.items()}
    report = LoadReport(
        raw.label, n, int(keep.sum()), counts, notes + hints, sales.filled, sales.warnings
    )
    if n - keep.sum() > max_rejected_share * n:
        raise too_many(raw, sales, report.rejected, max_rejected_share, hints)
    table = pd.DataFrame(data).loc[keep].reset_index(drop=True)
    for name in LABEL_COLUMNS if unify_labels else ():
        if name in table:
            table[name], warning = unify(table[name], name)
            if warning is not None:
                report.warnings.append(warning)
    return Loaded(table, rejected, report)


def set_aside(raw: RawTable, loaded: Loaded, reasons: np.ndarray) -> Loaded:
    """``loaded`` without the used lines that have a reason (one per row of ``loaded.data``,
    ``""`` keeps it): lines fine in themselves but outside what a run describes (a stray date,
    :mod:`analysis.data.strays`) join the rows set aside, with their row and reason."""
    out = np.asarray(reasons, dtype=object) != ""
    if not out.any():
        return loaded
    used = np.flatnonzero(~np.isin(raw.rows, loaded.rejected["row"].to_numpy()))
    if len(used) != len(loaded.data):
        raise RuntimeError(f"{raw.label}: {len(used)} rows used, not {len(loaded.data)}")
    bad = np.zeros(len(raw.frame), dtype=bool)
    why = np.full(len(raw.frame), "", dtype=object)
    bad[used[out]], why[used[out]] = True, reasons[out]
    parts = [part for part in (loaded.rejected, rejected_rows(raw, bad, why)) if len(part)]
    rejected = pd.concat(parts).sort_values("row", kind="stable", ignore_index=True)
    counts = dict(loaded.report.rejected)
    for reason, count in pd.Series(why[bad]).value_counts(sort=False).items():
        counts[str(reason)] = counts.get(str(reason), 0) + int(count)
    used_now = loaded.report.rows_used - int(out.sum())
    report = replace(loaded.report, rows_used=used_now, rejected=counts)
    return Loaded(loaded.data.loc[~out].reset_index(drop=True), rejected, report)


def _number(
    sales: SetAside,
    name: str,
    values: pd.Series,
    header: str | None,
    bound: float,
    parsed: pd.Series | None = None,
) -> pd.Series:
    """A number column: not a number, or implausible, sets a line aside (``parsed``: computed)."""
    parsed = parse_numbers(values) if parsed is None else parsed
    wild = implausible(values, parsed, bound)
    if header is not None:
        bad = parsed.isna().to_numpy() & ~wild
        if name not in schema.SALES_REQUIRED:  # a blank unit_price is missing, not an error
            bad = nonblank(bad, values)
        sales.flag(bad, f"{name}: not a number", name, header)
    sales.flag(wild, beyond(name, bound), name, header)
    return parsed.where(~wild)


def _computed(
    sales: SetAside,
    name: str,
    expression: Expression,
    frame: pd.DataFrame,
    headers: Mapping[str, str],
    bound: float,
) -> pd.Series:
    """A column computed by ``compute:``: a row it cannot be computed for is set aside with the
    expression, unless the column is optional (then it is missing there). A computed amount is
    rounded to the finest precision money keeps (``MOST_DECIMALS``): 3 × 5.10 is 15.30, not
    float arithmetic's 15.299999999999999."""
    values, codes = evaluate(expression, frame, headers)
    if expression.kind == "text":
        return values
    values = values.round(MOST_DECIMALS)
    if name in schema.SALES_REQUIRED:
        for code, problem in PROBLEMS.items():
            reason = f"{name}: {problem} (computed from {expression.text})"
            sales.flag(codes == code, reason, name, None)
    return _number(sales, name, values, None, bound, values)


def _text(
    sales: SetAside, name: str, values: pd.Series, header: str, fill: str | None
) -> pd.Series:
    """A text column: a blank is filled (``fill:``), missing (optional) or sets a line aside."""
    parsed = clean_text(values)
    bad = blank(parsed)
    if fill is not None and bad.any():
        parsed, sales.filled[name] = parsed.where(~bad, fill), int(bad.sum())
    elif name not in schema.SALES_REQUIRED:  # a blank order_id or salesperson is missing
        parsed = parsed.where(~bad)
    else:
        sales.flag(bad, f"{name}: empty", name, header)
    return parsed


def rejected_rows(raw: RawTable, bad: np.ndarray, reasons: np.ndarray) -> pd.DataFrame:
    """The rows set aside as the source has them, with their ``row`` and ``reason`` first."""
    original = raw.frame.loc[bad].rename(
        columns=lambda header: f"{header} (source)" if header in ("row", "reason") else header
    )
    original.insert(0, "row", raw.rows[bad])
    original.insert(1, "reason", pd.Series(reasons[bad], index=original.index, dtype="str"))
    return original.reset_index(drop=True)

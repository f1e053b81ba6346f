"""Turn a raw table into typed canonical columns, accounting for every row.

Sales lines are many and machine-made: a row that cannot be used is set aside with its reason and
counted, and the load fails only when too many are (``max_rejected_share``). Targets are few and
hand-made: any bad row is an error, because a wrong target silently distorts every gap.

Accepted dates (explicit formats, never guessed per row): year first, as ``2025-12-31``,
``2025/12/31``, ``2025.12.31``, ``2025年12月31日`` (month and day may have one digit) or
``20251231``, each optionally followed by a time of day (``2025-12-31 14:03:00``, dropped), and
real dates/timestamps from Excel, Parquet and SQL. Day-first and month-first dates
(``31/12/2025``, ``12/31/2025``) are rejected: they are ambiguous. Excel serial numbers (45657)
are rejected too: a date cell formatted as a number is a mistake to fix in the file.

Accepted numbers: plain (``1234.5``, `` 1234 ``, ``-3``, ``1e3``), with thousands separators
(``1,234.50``), a currency sign or code (``¥1,234.00``, ``-$5``, ``CNY 12``, ``12元``),
accounting negatives (``(1,234.00)`` = -1234), and real numbers from Excel, Parquet and SQL.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core import schema
from analysis.core.errors import DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.config import SALES_COLUMNS, TARGETS_COLUMNS, check_columns
from analysis.data.sources import RawTable, blank

#: Common Chinese headers, matched after the canonical names; an explicit mapping always wins.
HEADER_ALIASES: dict[str, str] = {
    "日期": "date",
    "订单日期": "date",
    "渠道": "channel",
    "销售渠道": "channel",
    "区域": "region",
    "地区": "region",
    "大区": "region",
    "产品线": "product_line",
    "产品类别": "product_line",
    "产品": "product",
    "产品名称": "product",
    "客户": "customer",
    "客户名称": "customer",
    "数量": "quantity",
    "金额": "revenue",
    "销售额": "revenue",
    "销售金额": "revenue",
    "订单号": "order_id",
    "单价": "unit_price",
    "业务员": "salesperson",
    "销售员": "salesperson",
    "季度": "quarter",
    "目标金额": "target_revenue",
    "目标销售额": "target_revenue",
    "目标数量": "target_quantity",
}

_NUMERIC = ("quantity", "revenue", "unit_price", "target_revenue", "target_quantity")
_ISO = "%Y-%m-%d"
_EXPECTED = {
    "date": "a date such as 2025-12-31 (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)",
    "number": "a number such as 1234.50",
    "text": "a value",
}
# Patterns run in Arrow's RE2 (fast, but slower with every alternative: so two patterns).
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DATES = (
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?" + _TIME,
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TIME,
)
_AMOUNT = (
    r"^(?P<open>\()?\s*(?P<sign>[-+])?\s*(?:[¥￥$€£]|RMB|CNY|USD|EUR)?\s*(?P<sign2>[-+])?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)"
    r"\s*(?:元|RMB|CNY|USD|EUR)?\s*(?P<close>\))?$"
)


@dataclass
class LoadReport:
    """What happened to the rows of one source; ``rows_read == rows_used + rejected`` always."""

    source: str
    rows_read: int
    rows_used: int
    rejected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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
                bad = _nonblank(bad, values)
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


def match_sales_columns(
    raw: RawTable, columns: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Canonical sales column -> source header (mapping, canonical names, aliases) and notes."""
    return _match_columns(raw, columns, SALES_COLUMNS, schema.SALES_REQUIRED)


def target_dimensions(raw: RawTable, columns: Mapping[str, str]) -> list[str]:
    """The sales dimensions besides channel that a targets table is set by (its grain)."""
    found, _ = _match_columns(raw, columns, TARGETS_COLUMNS, schema.TARGETS_REQUIRED)
    return [name for name in schema.TARGET_DIMENSIONS if name in found]


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
    found, notes = _match_columns(raw, columns, TARGETS_COLUMNS, schema.TARGETS_REQUIRED)
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
            notes.append(f"column {found.pop(name)!r} ignored: it is empty")
        elif name in found:
            dimensions.append(name)
    for name in dimensions:
        out[name] = clean_text(frame[found[name]])
        _strict(
            raw,
            found,
            name,
            blank(out[name]),
            "is empty",
            f"a {name} on every row (targets are set by {name})",
        )

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
        bad = _nonblank(quantity.isna().to_numpy(), values)
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
    if sales is not None:
        for name in dimensions:
            _check_known(table[name], rows, sales, name, label)
    rejected = _rejected(raw, np.zeros(len(frame), dtype=bool), np.full(len(frame), ""))
    report = LoadReport(label, len(frame), len(frame), {}, notes)
    return Loaded(table, rejected, report)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates at midnight (``datetime64[us]``), NaT where a value is not a date.

    See the module docstring for the accepted formats.
    """
    values = _uncategorised(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)  # the date on the clock of the stored zone
        return values.dt.normalize().astype("datetime64[us]")
    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _text_dates(_integers_as_text(values))
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return _text_dates(values)
    # object: a mix of text, real dates and numbers (Excel cells, SQL date columns)
    kinds = values.map(_value_kind)
    result = _text_dates(values.where(kinds == "text").astype("str"))
    real = (kinds == "date").to_numpy()
    if real.any():
        dates = pd.to_datetime(values[real].tolist()).normalize()
        result[real] = dates.astype("datetime64[us]").to_numpy()
    number = (kinds == "number").to_numpy()
    if number.any():
        result[number] = _text_dates(_integers_as_text(values[number].astype("float64")))
    return result


def parse_numbers(values: pd.Series) -> pd.Series:
    """Float64 numbers, NaN where a value is not a finite number (formats: module docstring)."""
    values = _uncategorised(values)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
    elif not pd.api.types.is_string_dtype(values.dtype):  # booleans, timestamps: not amounts
        return pd.Series(np.nan, index=values.index, dtype="float64")
    else:
        numbers = _plain_numbers(values)
        todo = _nonblank(numbers.isna().to_numpy(), values)
        if todo.any():
            numbers[todo] = _formatted_numbers(values[todo].astype("str"))
    return numbers.where(np.isfinite(numbers))


def clean_text(values: pd.Series) -> pd.Series:
    """Text stripped of surrounding whitespace; missing values (a Parquet or SQL NULL) stay
    missing instead of becoming the text ``None`` or ``nan``."""
    missing = values.isna().to_numpy()
    text = values.astype("str").str.strip()
    return text.where(~missing) if missing.any() else text


def _uncategorised(values: pd.Series) -> pd.Series:
    """Parquet dictionary columns and DuckDB enums arrive as categoricals."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype(values.cat.categories.dtype)
    return values


def _value_kind(value: object) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, date | np.datetime64):
        return "date"
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return "number"
    return "other"


def _integers_as_text(values: pd.Series) -> pd.Series:
    """Whole numbers as digits (a Parquet/Excel 20251231), anything else missing."""
    numbers = values.astype("float64")
    whole = (numbers.abs() < 1e9) & (numbers == np.round(numbers))
    digits = numbers.where(whole, 0).astype("int64").astype("str")
    return digits.where(whole)


def _text_dates(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if pd.to_datetime(text.iloc[:100], format=_ISO, errors="coerce").notna().mean() > 0.9:
        dates = pd.to_datetime(text, format=_ISO, errors="coerce")  # ISO: pandas is fastest...
    todo = _nonblank(dates.isna().to_numpy(), text)  # ...but slow to fail, so only when it fits
    for pattern in _DATES:
        if not todo.any():
            break
        matched, groups = _groups(text[todo], pattern)
        parts = {"year": groups["y"], "month": groups["m"], "day": groups["d"]}
        numbers = pd.DataFrame({key: _numbers(matched, part) for key, part in parts.items()})
        dates[todo] = pd.to_datetime(numbers, errors="coerce").to_numpy()
        todo &= dates.isna().to_numpy()
    return dates.astype("datetime64[us]")


def _plain_numbers(values: pd.Series) -> pd.Series:
    """Values that are numbers already or plain number text; NaN for the rest (parsed later)."""
    if values.dtype == object:  # Excel cells or SQL decimals: numbers mixed with text
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        numbers[values.map(lambda value: isinstance(value, bool)).to_numpy(dtype=bool)] = np.nan
        return numbers  # an Excel TRUE is not an amount of 1
    try:  # all plain numbers: Arrow converts a million in a few milliseconds
        numbers = pc.cast(pa.array(values), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = np.full(len(values), np.nan)
    return pd.Series(numbers, index=values.index)


def _formatted_numbers(text: pd.Series) -> pd.Series:
    matched, groups = _groups(text.str.strip(), _AMOUNT)
    brackets, close = _given(groups["open"]), _given(groups["close"])
    sign, sign2 = _given(groups["sign"]), _given(groups["sign2"])
    valid = matched.to_numpy(zero_copy_only=False) & (brackets == close) & ~(sign & sign2)
    valid &= ~(brackets & (sign | sign2))  # (-5) is not an amount
    minus = brackets | _given(groups["sign"], "-") | _given(groups["sign2"], "-")
    numbers = _numbers(matched, pc.replace_substring(groups["number"], ",", ""))
    return pd.Series(np.where(valid, np.where(minus, -numbers, numbers), np.nan), index=text.index)


def _groups(text: pd.Series, pattern: str) -> tuple[pa.Array, dict[str, pa.Array]]:
    """Where a regex matched and its named groups, by Arrow (a million values in a fraction
    of a second). A group is "" where it took no part in a match; unmatched rows are junk."""
    found = pc.extract_regex(pa.array(text.astype("str")), pattern)
    return found.is_valid(), {name: pc.struct_field(found, name) for name in found.type.names}


def _given(group: pa.Array, value: str | None = None) -> np.ndarray:
    """Where a regex group matched (something, or exactly ``value``)."""
    test = pc.not_equal(group, "") if value is None else pc.equal(group, value)
    return pc.fill_null(test, False).to_numpy(zero_copy_only=False)


def _numbers(matched: pa.Array, digits: pa.Array) -> np.ndarray:
    """Digits matched by a regex as floats, NaN where the regex did not match."""
    return pc.cast(pc.if_else(matched, digits, None), pa.float64()).to_numpy(zero_copy_only=False)


def _nonblank(mask: np.ndarray, values: pd.Series) -> np.ndarray:
    """``mask`` narrowed to rows with something in them; only the masked rows are looked at."""
    mask = mask.copy()
    if mask.any():
        mask[mask] = ~blank(values[mask])
    return mask


def _quarter_labels(text: pd.Series, calendar: FiscalCalendar) -> dict[str, str]:
    labels = {}
    for value in text.dropna().unique():
        try:
            labels[value] = calendar.label(calendar.parse(value))
        except ValueError:
            continue  # left unmapped: reported with its rows by the caller
    return labels


def _match_columns(
    raw: RawTable,
    columns: Mapping[str, str],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
) -> tuple[dict[str, str], list[str]]:
    """Canonical name -> source header: explicit mapping, then canonical names, then aliases."""
    check_columns(columns, allowed, "columns")
    label = raw.label
    headers = [str(header) for header in raw.frame.columns]
    listing = ", ".join(map(repr, headers))
    duplicated = sorted({header for header in headers if headers.count(header) > 1})
    if duplicated:
        raise DataError(
            f"the header {', '.join(map(repr, duplicated))} appears more than once; "
            f"columns found: {listing}",
            source=label,
            column=duplicated[0],
            expected="every column with its own header",
        )
    found: dict[str, str] = {}
    unknown = []
    for name, header in columns.items():
        match = _find_header(header, headers)
        if match is None:
            unknown.append(f"{name}: {header!r}")
        else:
            found[name] = match
    if unknown:
        raise DataError(
            f"the config maps {'; '.join(unknown)}, but {label} has no such column; "
            f"its columns are: {listing}",
            source=label,
            expected="the source's header exactly as written",
        )
    candidates: dict[str, list[str]] = {}
    for header in headers:
        name = _canonical(header, allowed)
        if name is not None and name not in found and header not in found.values():
            candidates.setdefault(name, []).append(header)
    for name, matches in candidates.items():
        if len(matches) > 1:
            raise DataError(
                f"columns {', '.join(map(repr, matches))} are all taken as {name}",
                source=label,
                expected=f"one of them mapped in the config (columns: {name}: <header>)",
            )
        found[name] = matches[0]
    missing = [name for name in required if name not in found]
    if missing:
        looked = "; ".join(f"{name} (looked for {_looked_for(name)})" for name in missing)
        raise DataError(
            f"missing column{'s' * (len(missing) > 1)} {looked}; columns found: {listing}",
            source=label,
            column=missing[0] if len(missing) == 1 else None,
            expected="those columns, or their headers mapped in the config under columns:",
        )
    if raw.frame.empty:
        raise DataError("no rows", source=label, expected="at least one row below the header")
    used = set(found.values())
    ignored = [header for header in headers if header not in used]
    notes = list(raw.notes)
    if ignored:
        what = "column" if len(ignored) == 1 else "columns"
        notes.append(f"{what} {', '.join(map(repr, ignored))} ignored")
    return found, notes


def _find_header(header: str, headers: list[str]) -> str | None:
    if header in headers:
        return header
    loose = [candidate for candidate in headers if _normal(candidate) == _normal(header)]
    return loose[0] if len(loose) == 1 else None


def _canonical(header: str, allowed: tuple[str, ...]) -> str | None:
    name = _normal(header)
    if name in allowed:
        return name
    alias = HEADER_ALIASES.get(header.strip())
    return alias if alias in allowed else None


def _normal(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _looked_for(name: str) -> str:
    aliases = [alias for alias, canonical in HEADER_ALIASES.items() if canonical == name]
    return " or ".join([repr(name), *aliases])


def _column(found: Mapping[str, str], name: str) -> str:
    header = found[name]
    return name if header == name else f"{name} (column {header!r})"


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
        lines.append(f"{name} {value!r} (row {where}) never occurs in the sales; {hint}")
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

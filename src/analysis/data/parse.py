"""Values as the loader reads them: dates, numbers and text, one column at a time (vectorised).

Kept apart from :mod:`analysis.data.validate` because the same rules serve the loader, the engine
pushdown and ``sales-report evaluate``; one copy, so that every path reads a value alike.

Accepted dates (explicit formats, never guessed per row): year first, as ``2025-12-31``,
``2025/12/31``, ``2025.12.31``, ``2025年12月31日`` (month and day may have one digit) or
``20251231``, each optionally followed by a time of day (``2025-12-31 14:03:00``: the date is
the one on the clock), and real dates/timestamps from Excel, Parquet and SQL. Day-first and
month-first dates (``31/12/2025``, ``12/31/2025``) are rejected unless the source names its
format (``date_format: "%d/%m/%Y"``, :class:`DateRule`): they are ambiguous. Excel serial
numbers (45657) are rejected too: a date cell formatted as a number is a mistake to fix in the
file.

Time zones: a timestamp without one keeps the date on its clock; a timestamp with one (a Parquet
or SQL column with a zone, text with an offset such as ``2025-03-31T23:30:00-05:00`` or ``...Z``)
is converted to the run's ``timezone`` (UTC unless configured) before its date is taken.

Accepted numbers: plain (``1234.5``, `` 1234 ``, ``-3``, ``1e3``), with thousands separators
(``1,234.50``), a currency sign or code (``¥1,234.00``, ``-$5``, ``CNY 12``, ``12元``),
accounting negatives (``(1,234.00)`` = -1234), and real numbers from Excel, Parquet and SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.data.sources import blank

_ISO = "%Y-%m-%d"
# Patterns run in Arrow's RE2 (fast, but slower with every alternative: so two patterns).
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?$"
_DATES = (
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?" + _TIME,
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TIME,
)
_AMOUNT = (
    r"^(?P<open>\()?\s*(?P<sign>[-+])?\s*(?:[¥￥$€£]|RMB|CNY|USD|EUR)?\s*(?P<sign2>[-+])?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)"
    r"\s*(?:元|RMB|CNY|USD|EUR)?\s*(?P<close>\))?$"
)


@dataclass(frozen=True)
class DateRule:
    """How a source's dates are read: its own strftime ``format`` (text must match it), and the
    ``timezone`` (IANA name) that timestamps with a zone are converted to before the date is
    taken."""

    format: str | None = None
    timezone: str = "UTC"


#: Year-first dates, zoned timestamps taken in UTC.
DEFAULT_DATES = DateRule()


def parse_dates(values: pd.Series, rule: DateRule = DEFAULT_DATES) -> pd.Series:
    """Dates at midnight (``datetime64[us]``), NaT where a value is not a date.

    See the module docstring for the accepted formats and time zones.
    """
    values = _uncategorised(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return _on_the_clock(values, rule).dt.normalize().astype("datetime64[us]")
    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _text_dates(_integers_as_text(values), rule)
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return _text_dates(values, rule)
    # object: a mix of text, real dates and numbers (Excel cells, SQL date columns)
    kinds = values.map(_value_kind)
    result = _text_dates(values.where(kinds == "text").astype("str"), rule)
    for kind in ("date", "zoned"):
        real = (kinds == kind).to_numpy()
        if real.any():
            dates = pd.Series(pd.to_datetime(values[real].tolist(), utc=kind == "zoned"))
            dates = _on_the_clock(dates, rule).dt.normalize()
            result[real] = dates.astype("datetime64[us]").to_numpy()
    number = (kinds == "number").to_numpy()
    if number.any():
        result[number] = _text_dates(_integers_as_text(values[number].astype("float64")), rule)
    return result


def _on_the_clock(values: pd.Series, rule: DateRule) -> pd.Series:
    """Timestamps as the clock shows them: zoned ones converted to ``rule.timezone`` first."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(rule.timezone).dt.tz_localize(None)
    return values


def parse_numbers(values: pd.Series) -> pd.Series:
    """Float64 numbers, NaN where a value is not a finite number (formats: module docstring)."""
    values = _uncategorised(values)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
    elif not pd.api.types.is_string_dtype(values.dtype):  # booleans, timestamps: not amounts
        return pd.Series(np.nan, index=values.index, dtype="float64")
    else:
        numbers = _plain_numbers(values)
        todo = nonblank(numbers.isna().to_numpy(), values)
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
    if isinstance(value, datetime) and value.tzinfo is not None:
        return "zoned"  # a SQL driver's timestamp with a time zone
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


def _text_dates(values: pd.Series, rule: DateRule) -> pd.Series:
    text = values.astype("str").str.strip()
    if rule.format is not None:
        return _formatted_dates(text, rule)
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if pd.to_datetime(text.iloc[:100], format=_ISO, errors="coerce").notna().mean() > 0.9:
        dates = pd.to_datetime(text, format=_ISO, errors="coerce")  # ISO: pandas is fastest...
    todo = nonblank(dates.isna().to_numpy(), text)  # ...but slow to fail, so only when it fits
    for pattern in _DATES:
        if not todo.any():
            break
        matched, groups = _groups(text[todo], pattern)
        parts = {"year": groups["y"], "month": groups["m"], "day": groups["d"]}
        numbers = pd.DataFrame({key: _numbers(matched, part) for key, part in parts.items()})
        found = pd.to_datetime(numbers, errors="coerce").to_numpy()
        zoned = _given(groups["zone"]) & matched.to_numpy(zero_copy_only=False)
        if zoned.any():  # an offset: the instant, on the clock of the run's time zone
            instants = pd.to_datetime(
                text[todo][zoned], format="ISO8601", utc=True, errors="coerce"
            )
            found[zoned] = _on_the_clock(instants, rule).dt.normalize().to_numpy()
        dates[todo] = found
        todo &= dates.isna().to_numpy()
    return dates.astype("datetime64[us]")


def _formatted_dates(text: pd.Series, rule: DateRule) -> pd.Series:
    """Text read by the source's own format; with ``%z`` each offset is honoured."""
    assert rule.format is not None
    zoned = "%z" in rule.format or "%Z" in rule.format
    dates = pd.to_datetime(text, format=rule.format, errors="coerce", utc=zoned)
    return _on_the_clock(dates, rule).dt.normalize().astype("datetime64[us]")


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


def nonblank(mask: np.ndarray, values: pd.Series) -> np.ndarray:
    """``mask`` narrowed to rows with something in them; only the masked rows are looked at."""
    mask = mask.copy()
    if mask.any():
        mask[mask] = ~blank(values[mask])
    return mask

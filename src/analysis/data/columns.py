"""Which source column is which canonical column: the config's mapping, then canonical names
(case, spaces and dashes ignored), then common Chinese headers (``HEADER_ALIASES``).

Kept apart from :mod:`analysis.data.validate` so that header matching, with its error messages
for missing, duplicated and ambiguous columns, can be read (and used by the engine pushdown) on
its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from analysis.core import schema
from analysis.core.errors import DataError
from analysis.data.config import SALES_COLUMNS, TARGETS_COLUMNS, check_columns
from analysis.data.sources import RawTable

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


#: Headers a message names at most, and characters of each.
SHOWN_HEADERS, HEADER_CHARS = 5, 40
#: What no header has: control characters, a colon, markup (a line of some other file read as
#: a header, such as /etc/passwd's).
_NOT_HEADER = re.compile(r"[\x00-\x1f\x7f:\\<>{}=@\"]")


def match_sales_columns(
    raw: RawTable,
    columns: Mapping[str, str],
    computed: Collection[str] = (),
    read: Collection[str] = (),
) -> tuple[dict[str, str], list[str]]:
    """Canonical sales column -> source header (mapping, canonical names, aliases) and notes;
    ``computed`` columns (``compute:``) are not looked for, the headers they ``read`` are used."""
    return match_columns(raw, columns, SALES_COLUMNS, schema.SALES_REQUIRED, computed, read)


def target_dimensions(raw: RawTable, columns: Mapping[str, str]) -> list[str]:
    """The sales dimensions besides channel that a targets table is set by (its grain)."""
    found, _ = match_columns(raw, columns, TARGETS_COLUMNS, schema.TARGETS_REQUIRED)
    return [name for name in schema.TARGET_DIMENSIONS if name in found]


def match_columns(
    raw: RawTable,
    columns: Mapping[str, str],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    computed: Collection[str] = (),
    read: Collection[str] = (),
) -> tuple[dict[str, str], list[str]]:
    """Canonical name -> source header: explicit mapping, then canonical names, then aliases."""
    check_columns(columns, allowed, "columns")
    label = raw.label
    headers = [str(header) for header in raw.frame.columns]
    listing = shown_headers(headers)
    duplicated = sorted({header for header in headers if headers.count(header) > 1})
    if duplicated:
        raise DataError(
            f"the header {shown_headers(duplicated)} appears more than once; "
            f"columns found: {listing}",
            source=label,
            column=duplicated[0] if _looks_like_header(duplicated[0]) else None,
            expected="every column with its own header",
        )
    found: dict[str, str] = {}
    unknown = []
    for name, header in columns.items():
        match = find_header(header, headers)
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
        taken = name in found or name in computed
        if name is not None and not taken and header not in found.values():
            candidates.setdefault(name, []).append(header)
    for name, matches in candidates.items():
        if len(matches) > 1:
            raise DataError(
                f"columns {', '.join(map(repr, matches))} are all taken as {name}",
                source=label,
                expected=f"one of them mapped in the config (columns: {name}: <header>)",
            )
        found[name] = matches[0]
    missing = [name for name in required if name not in found and name not in computed]
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
    used = set(found.values()) | set(read)
    ignored = [header for header in headers if header not in used]
    notes = list(raw.notes)
    if ignored:
        what = "column" if len(ignored) == 1 else "columns"
        notes.append(f"{what} {shown_headers(ignored)} ignored")
    return found, notes


def shown_headers(headers: list[str]) -> str:
    """Headers as a message names them: the first ``SHOWN_HEADERS``, each cut to
    ``HEADER_CHARS`` characters, and only if every one looks like a header; else how many there
    are, so that a file read by mistake (``read_csv('/etc/passwd')``) is never quoted."""
    if not all(_looks_like_header(header) for header in headers):
        n = len(headers)
        return f"{n} column{'s' * (n != 1)} whose headers do not look like column names"
    cut = [h if len(h) <= HEADER_CHARS else h[: HEADER_CHARS - 3] + "..." for h in headers]
    more = f" and {len(cut) - SHOWN_HEADERS} more" if len(cut) > SHOWN_HEADERS else ""
    return ", ".join(map(repr, cut[:SHOWN_HEADERS])) + more


def _looks_like_header(header: str) -> bool:
    return len(header) <= 2 * HEADER_CHARS and not _NOT_HEADER.search(header)


def find_header(header: str, headers: list[str]) -> str | None:
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

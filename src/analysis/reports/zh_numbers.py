"""Numbers as a Chinese sales department writes them: 万 and 亿, money as 万元, quarters as 季度.

A Chinese report counts in 万 (10⁴) and 亿 (10⁸): ``2,367.27 万元``, ``1.23 亿元``, ``3.5 万套``.
The unit of a magnitude is CLDR's, read from Babel's compact decimal patterns for ``zh_Hans_CN``
(``0000万`` for 10⁷ means "divide by 10⁴, write 万"), and the digits are Babel's
``format_decimal`` with thousands separators, which its compact format leaves out. Money in
yuan (``CNY``, ``RMB``) is written 元; another currency by its Chinese name (``万欧元``,
``万美元``, Babel's names), or by its code after the number when Babel has no name for it
(``2,367.27 万 XYZ``).
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale
from babel.numbers import format_decimal, get_currency_name

LOCALE = "zh_Hans_CN"
_YUAN = {"CNY", "RMB", "¥", "￥", "元"}
_QUARTER = re.compile(r"^(FY)?(\d{4})Q([1-4])$")
_ORDINALS = "一二三四"


@cache
def _units() -> tuple[tuple[float, float, str], ...]:
    """(from, divisor, unit) per magnitude, largest first: (1e8, 1e8, '亿'), (1e4, 1e4, '万')."""
    patterns = Locale.parse(LOCALE).compact_decimal_formats["short"]["other"]
    out = []
    for magnitude, pattern in patterns.items():
        text = pattern.pattern
        zeros = text.count("0")
        unit = text.replace("0", "").strip()
        if unit:
            out.append((float(magnitude), float(magnitude) / 10 ** (zeros - 1), unit))
    return tuple(sorted(out, reverse=True))


def scaled(value: float, digits: int = 2, *, fixed: str = "") -> tuple[str, str]:
    """``value`` in its 万 or 亿 and that unit: ``("2,367.27", "万")``; below 10⁴ ``("3,456", "")``.

    ``fixed`` (``"万"``) writes every value in that unit, so that a table's column compares.
    """
    amount = abs(value)
    for start, divisor, unit in _units():
        if (amount >= start and not fixed) or unit == fixed:
            number = format_decimal(value / divisor, f"#,##0.{'0' * digits}", locale=LOCALE)
            return number, unit
    return format_decimal(value, "#,##0", locale=LOCALE), ""


def currency_unit(currency: str) -> str:
    """How an amount of ``currency`` ends: 元, 欧元, 美元; a code Babel does not name stays one."""
    code = currency.strip()
    if code.upper() in _YUAN or code in _YUAN:
        return "元"
    if re.fullmatch(r"[A-Za-z]{3}", code):
        name = get_currency_name(code.upper(), locale=LOCALE)
        if name != code.upper():
            return name
    return f" {code}"


def money(value: float, currency: str, *, fixed: str = "") -> str:
    """``2,367.27 万元``, ``1.23 亿元``, ``3,456 元``; ``-120.50 万欧元``."""
    number, unit = scaled(value, fixed=fixed)
    return f"{number} {unit}{currency_unit(currency)}".replace("  ", " ")


def tick(value: float, currency: str) -> str:
    """An axis tick: ``800万元``, ``1.5亿元``, ``0元`` (at most one decimal, no spaces)."""
    amount = abs(value)
    for start, divisor, unit in _units():
        if amount >= start:
            number = format_decimal(value / divisor, "#,##0.#", locale=LOCALE)
            return f"{number}{unit}{currency_unit(currency).strip()}"
    return f"{format_decimal(value, '#,##0', locale=LOCALE)}{currency_unit(currency).strip()}"


def count(value: float, measure: str = "") -> str:
    """A count of things: ``3.5 万套``, ``12,344 套`` (``measure`` the measure word)."""
    number, unit = scaled(value, digits=1)
    if unit:
        number = number.removesuffix(".0")
    return f"{number} {unit}{measure}".strip()


def quarter(label: str) -> str:
    """``2025Q4`` → ``2025年第四季度``, ``FY2026Q1`` → ``2026财年第一季度``; else unchanged."""
    found = _QUARTER.match(label)
    if not found:
        return label
    fiscal, year, number = found.groups()
    return f"{year}{'财年' if fiscal else '年'}第{_ORDINALS[int(number) - 1]}季度"

"""The checks of single values in a run configuration: each refusal a ``ConfigError`` naming the
key, the value (cut short) and what is expected, so that :mod:`analysis.data.config` reads as
the shape of a configuration."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.core import i18n
from analysis.core.errors import ConfigError, shown

#: ``currency:`` is shown next to every amount; refused in it: markup and Unicode control, format
#: (bidi overrides), unassigned, private-use and surrogate characters, line and paragraph breaks.
_NOT_IN_CURRENCY = ("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp")
CURRENCY_RULE = (
    "an ISO 4217 code of three capital letters (CNY, USD) or a currency sign of at most 3 "
    "characters (¥, US$) without <, >, &, quotes or control characters"
)


def check_currency(value: object) -> None:
    """Unless ``value`` follows :data:`CURRENCY_RULE`, a ConfigError naming key, value and rule."""
    text = value if isinstance(value, str) else ""
    bad = any(c in "<>&\"'" or unicodedata.category(c) in _NOT_IN_CURRENCY for c in text)
    if bad or not text.strip() or len(text) > 3:
        shown = repr(value)
        shown = shown if len(shown) <= 26 else f"{shown[:25]}… ({len(text)} characters)"
        raise ConfigError(f"currency: {shown} is not allowed; expected {CURRENCY_RULE}")


def check_timezone(value: object) -> None:
    """Unless ``value`` is an IANA time zone name (``Asia/Shanghai``, ``UTC``), a ConfigError."""
    try:
        ZoneInfo(value if isinstance(value, str) else "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone: {shown(value)} is not a time zone; expected an IANA name such as "
            "Asia/Shanghai, Europe/Berlin, America/New_York or UTC"
        ) from None


def check_language(value: object) -> None:
    """Unless ``value`` is a language the reports are written in (``en``, ``zh``), a ConfigError."""
    if value not in i18n.LANGUAGES:
        raise ConfigError(
            f"language: {shown(value)} is not a language of the reports; expected one of "
            + ", ".join(i18n.LANGUAGES)
            + " (en: English, zh: Simplified Chinese)"
        )


def typed(value: Any, types: type | tuple[type, ...], key: str, expected: str) -> Any:
    """``value`` if it is one of ``types`` (a bool is no number), else a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, types):
        raise ConfigError(f"{key}: expected {expected}, got {shown(value)}")
    return value


def as_date(value: Any, key: str) -> date:
    """A date from YAML (a date, or ISO text); a date-shaped value that is no day is named so."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        # 2025-02-30 has the shape of a date but is no day of the calendar
        shaped = re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text)
        why = ", which is not a day of the calendar" if shaped else ""
        raise ConfigError(
            f"{key}: expected a date such as 2025-12-31, got {shown(text)}{why}"
        ) from None


def reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    """A ConfigError naming up to five unknown keys, the closest allowed one and all allowed."""
    unknown = [str(key)[:40] for key in data if key not in allowed]
    if unknown:
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        names = ", ".join(f"{prefix}{name}" for name in unknown[:5]) + more
        hint = suggest(unknown[0], allowed)
        raise ConfigError(f"unknown key {names}{hint}; allowed keys: {', '.join(allowed)}")


def suggest(name: str, choices: tuple[str, ...]) -> str:
    """`` (did you mean ...?)`` for the closest choice, or nothing."""
    close = difflib.get_close_matches(str(name)[:40], choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

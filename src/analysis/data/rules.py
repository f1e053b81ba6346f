"""What a sales source's ``compute:`` and ``fill:`` may say, and the bound of a plausible amount.

Kept apart from :mod:`analysis.data.config`, which reads the YAML, so that the rules for derived
columns and filled blanks read in one place; checked when the configuration is read.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from analysis.core import schema
from analysis.core.errors import ConfigError, shown
from analysis.data.expression import Expression, parse_expression

#: Amounts beyond this are set aside as implausible (``max_amount:``); at most ``AMOUNT_CAP``,
#: so that integer cents of thousands of such lines still fit in 64 bits.
MAX_AMOUNT, AMOUNT_CAP = 1e12, 1e13
_SALES = schema.SALES_REQUIRED + schema.SALES_OPTIONAL
#: Sales columns that are numbers; the others but ``date`` are text, which ``fill:`` may give.
NUMBER_COLUMNS: tuple[str, ...] = ("quantity", "revenue", "unit_price")
FILLABLE: tuple[str, ...] = tuple(n for n in _SALES if n not in ("date", *NUMBER_COLUMNS))


def check_compute(
    compute: Mapping[str, Expression | str], columns: Mapping[str, str]
) -> dict[str, Expression]:
    """Each computed column parsed and checked: a sales column, not also mapped, a number
    computed by arithmetic and text by a constant or one column; never the date."""
    expressions = {}
    for name, text in compute.items():
        if name not in _SALES:
            close = difflib.get_close_matches(str(name)[:40], _SALES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"compute: {shown(name)} is not a column the workbench uses{hint}; "
                f"compute one of {', '.join(_SALES)}"
            )
        if name in columns:
            raise ConfigError(
                f"compute.{name}: {name} is also mapped under columns ({shown(columns[name])}); "
                "give a column either there or here"
            )
        try:
            expression = text if isinstance(text, Expression) else parse_expression(text)
        except ConfigError as err:
            raise ConfigError(f"compute.{name}: {err}") from None
        if name == "date":
            raise ConfigError(
                f"compute.date: {shown(expression.text)}: a date is read, not computed; "
                "map the date column under columns"
            )
        number = name in NUMBER_COLUMNS
        if number and expression.kind == "text":
            raise ConfigError(
                f"compute.{name}: {shown(expression.text)}: {name} is a number; expected "
                "arithmetic over columns (Quantity * UnitPrice), not text"
            )
        if not number and expression.kind == "number":
            raise ConfigError(
                f"compute.{name}: {shown(expression.text)}: {name} is text; expected a text "
                "constant in single quotes ('Online') or one column"
            )
        expressions[name] = expression
    return expressions


def check_fill(fill: Mapping[str, str]) -> None:
    """``fill:`` names text columns only: blank dates and amounts are set aside, never guessed."""
    for name, value in fill.items():
        if name not in FILLABLE:
            raise ConfigError(
                f"fill: {shown(name)} cannot be filled; blank dates and amounts are set aside, "
                f"never guessed (fill gives a value to {', '.join(FILLABLE)})"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"fill.{name}: expected a text such as '(no {name})', got {shown(value)}"
            )

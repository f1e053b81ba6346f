"""The contract of a report parameter: its type, what values it allows, and who sets it.

Each report declares its parameters once (``reports/*.py``: ``PARAMETERS``); the notebook's
``parameters`` cell carries the same names and types, the runner checks every ``-p`` against the
contract before any notebook starts, and the report's own code checks the values it is given with
the same objects, so a notebook run by hand in JupyterLab is held to the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analysis.core.errors import ParameterError

_KINDS: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
}
_PLURALS: dict[type, str] = {str: "texts", int: "whole numbers", float: "numbers"}


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter.

    ``kind`` is ``str``, ``int``, ``float``, ``bool`` or ``list`` (then ``item`` is the kind of
    its items, each given once when ``unique``); ``choices`` lists the allowed values (of the
    items, for a list); ``low``/``high`` bound numbers (of the items), inclusive unless
    ``open_bounds``. ``run_owned`` parameters are
    set by the runner for every notebook (the quarter, the data, where files go) and cannot be
    given with ``-p``.
    """

    name: str
    kind: type
    help: str
    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    open_bounds: bool = False
    item: type | None = None
    unique: bool = False
    run_owned: bool = False

    def allowed(self) -> str:
        """What the parameter accepts, in words (for error messages and ``--help``)."""
        many = self.kind is list
        kind = (self.item or str) if many else self.kind
        if self.choices:
            text = "one or more of " if many else "one of "
            text += ", ".join(str(c) for c in self.choices)
        else:
            text = (_PLURALS if many else _KINDS).get(kind, kind.__name__)
            if self.low is not None and self.high is not None:
                if self.open_bounds:
                    text += f" between {_num(self.low)} and {_num(self.high)} (exclusive)"
                else:
                    text += f" from {_num(self.low)} to {_num(self.high)}"
        if many:
            return f"a comma-separated list: {text}" + (", each once" if self.unique else "")
        return text

    def check(self, value: Any) -> Any:
        """``value`` if the contract allows it, else a :class:`ParameterError` naming it."""
        if self.kind is list:
            if not isinstance(value, (list, tuple)) or not value:
                self._refuse(value)
            for item in value:
                self._check_one(item, self.item or str, item)
            if self.unique and len(set(value)) < len(value):
                self._refuse(next(v for i, v in enumerate(value) if v in value[:i]))
            return list(value)
        return self._check_one(value, self.kind, value)

    def parse(self, text: str) -> Any:
        """Text from the command line (``-p horizon=8``) as the declared kind, then checked."""
        if self.kind is list:
            items = [part.strip() for part in text.split(",") if part.strip()]
            value: Any = [self._convert(item, self.item or str, item) for item in items]
        else:
            value = self._convert(text.strip(), self.kind, text)
        return self.check(value)

    def _convert(self, text: str, kind: type, shown: str) -> Any:
        try:
            if kind is bool:
                lowered = text.lower()
                if lowered not in ("true", "yes", "1", "false", "no", "0"):
                    raise ValueError(text)
                return lowered in ("true", "yes", "1")
            return kind(text)
        except ValueError:
            self._refuse(shown)

    def _check_one(self, value: Any, kind: type, shown: Any) -> Any:
        numeric = kind in (int, float)
        ok_type = isinstance(value, int if kind is int else (int, float) if numeric else kind)
        if not ok_type or (numeric and isinstance(value, bool)):
            self._refuse(shown)
        if self.choices and value not in self.choices:
            self._refuse(shown)
        if numeric and value != value:  # NaN
            self._refuse(shown)
        if self.low is not None and (value <= self.low if self.open_bounds else value < self.low):
            self._refuse(shown)
        if self.high is not None and (
            value >= self.high if self.open_bounds else value > self.high
        ):
            self._refuse(shown)
        return value

    def _refuse(self, value: Any) -> None:
        raise ParameterError(f"parameter {self.name}: {value!r} is not allowed; {self.allowed()}")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_all(contract: Sequence[Parameter], values: dict[str, Any]) -> dict[str, Any]:
    """Every value checked against its parameter; unknown names are an error."""
    by_name = {p.name: p for p in contract}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; the reports take "
            f"{', '.join(sorted(by_name))}"
        )
    return {name: by_name[name].check(value) for name, value in values.items()}

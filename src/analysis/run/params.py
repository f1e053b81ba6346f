"""Notebook parameters checked before any work starts.

papermill only warns about an unknown parameter and casts ``-p 2024`` to an int; the runner instead
reads each notebook's annotated ``parameters`` cell and refuses names or types that do not fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import papermill as pm

from analysis.core.errors import ParameterError

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}


def declared(notebook: Path) -> dict[str, str]:
    """Parameter name -> declared type name, from the notebook's ``parameters`` cell."""
    found = pm.inspect_notebook(str(notebook))
    if not found:
        raise ParameterError(
            f"{notebook.name} has no cell tagged 'parameters' with typed parameters"
        )
    return {name: info["inferred_type_name"] for name, info in found.items()}


def check(notebook: Path, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``values`` if every name is a declared parameter of the declared type; else raise."""
    types = declared(notebook)
    unknown = sorted(set(values) - set(types))
    if unknown:
        raise ParameterError(
            f"{notebook.name}: unknown parameter(s) {', '.join(unknown)}; "
            f"it takes {', '.join(sorted(types))}"
        )
    for name, value in values.items():
        expected = _TYPES.get(types[name])
        wrong_bool = isinstance(value, bool) and types[name] in ("int", "float")
        if expected is not None and (not isinstance(value, expected) or wrong_bool):
            raise ParameterError(
                f"{notebook.name}: parameter {name} must be {types[name]}, "
                f"got {type(value).__name__} {value!r}"
            )
    return dict(values)


def coerce(types: Mapping[str, str], raw: Mapping[str, str]) -> dict[str, Any]:
    """Text from the command line (``-p horizon=8``) as the declared types; quarters stay text."""
    values: dict[str, Any] = {}
    for name, text in raw.items():
        kind = types.get(name)
        if kind is None:
            raise ParameterError(
                f"unknown parameter {name}; the reports take {', '.join(sorted(types))}"
            )
        try:
            values[name] = _CONVERT.get(kind, str)(text)
        except ValueError:
            raise ParameterError(f"parameter {name} must be {kind}, got {text!r}") from None
    return values


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError(text)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


_CONVERT = {"str": str, "int": int, "float": float, "bool": _bool, "list": _list}

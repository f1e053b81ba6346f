"""Every notebook parameter of a run, checked before any work starts.

Each report declares its parameters once (:class:`~analysis.core.parameters.Parameter`); the
notebook's ``parameters`` cell must carry the same names and types (papermill reads the cell),
``-p NAME=VALUE`` from the command line is typed and checked against the contract, and the
parameters the run owns (the quarter, the data, where files go) are refused: the runner sets them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import papermill as pm

from analysis.core.errors import ParameterError
from analysis.core.parameters import Parameter

#: papermill's name of each declared type.
_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool", list: "list", dict: "dict"}


def declared(notebook: Path) -> dict[str, str]:
    """Parameter name -> declared type name, from the notebook's ``parameters`` cell."""
    found = pm.inspect_notebook(str(notebook))
    if not found:
        raise ParameterError(
            f"{notebook.name} has no cell tagged 'parameters' with typed parameters"
        )
    return {name: info["inferred_type_name"] for name, info in found.items()}


def check_notebook(notebook: Path, contract: Sequence[Parameter]) -> None:
    """The notebook's ``parameters`` cell declares exactly the contract's names and types."""
    cell = declared(notebook)
    wanted = {p.name: _TYPE_NAMES[p.kind] for p in contract}
    if cell != wanted:
        missing = sorted(set(wanted) - set(cell))
        extra = sorted(set(cell) - set(wanted))
        typed = sorted(n for n in set(cell) & set(wanted) if cell[n] != wanted[n])
        raise ParameterError(
            f"{notebook.name}: its parameters cell does not match the report's contract "
            f"(missing: {', '.join(missing) or '-'}; "
            f"not in the contract: {', '.join(extra) or '-'}; "
            f"of another type: {', '.join(typed) or '-'})"
        )


def from_command_line(
    contracts: Mapping[str, Sequence[Parameter]], raw: Mapping[str, str]
) -> dict[str, Any]:
    """``-p`` values (text) typed and checked against the reports' contracts.

    A name no report declares, a parameter the run owns, or a value the contract does not allow
    is a :class:`ParameterError` naming the parameter, the value and what is allowed.
    """
    every = {p.name: p for contract in contracts.values() for p in contract}
    given = sorted(n for n, p in every.items() if not p.run_owned)
    values = {}
    for name, text in raw.items():
        parameter = every.get(name)
        if parameter is None:
            raise ParameterError(
                f"unknown parameter {name}; the reports take {', '.join(given) or 'none'}"
            )
        if parameter.run_owned:
            raise ParameterError(
                f"parameter {name} is set by the run itself and cannot be given with -p"
                + (f" (use --{name})" if name in ("quarter", "config", "language") else "")
            )
        values[name] = parameter.parse(text)
    return values


def for_notebook(
    contract: Sequence[Parameter], owned: Mapping[str, Any], chosen: Mapping[str, Any]
) -> dict[str, Any]:
    """The values one notebook gets: the run's own (``owned``) and the chosen ones it declares."""
    names = {p.name for p in contract}
    values = {k: v for k, v in owned.items() if k in names}
    values.update({k: v for k, v in chosen.items() if k in names})
    return values

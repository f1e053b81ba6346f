"""Parameter contracts: typed, bounded, run-owned; checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import ParameterError
from analysis.core.parameters import Parameter, check_all
from analysis.run import params
from analysis.run.runner import IN_QUARTER, REPORTS

HORIZON = Parameter("horizon", int, "quarters ahead", low=1, high=12)
LEVELS = Parameter(
    "levels", list, "levels", item=int, low=0, high=100, open_bounds=True, unique=True
)
METHOD = Parameter("method", str, "reconciliation", choices=("bottom_up", "mint_shrink"))
SHARE = Parameter("probability", float, "confidence", low=0, high=1, open_bounds=True)
FLAG = Parameter("fast", bool, "a switch")
QUARTER = Parameter("quarter", str, "quarter", run_owned=True)
CONTRACTS = {"a": (QUARTER, HORIZON, LEVELS), "b": (QUARTER, METHOD, SHARE, FLAG)}


@pytest.mark.parametrize(
    ("parameter", "text", "value"),
    [
        (HORIZON, "8", 8),
        (HORIZON, " 12 ", 12),
        (LEVELS, "80,95", [80, 95]),
        (LEVELS, "50", [50]),
        (METHOD, "bottom_up", "bottom_up"),
        (SHARE, "0.7", 0.7),
        (FLAG, "yes", True),
        (FLAG, "0", False),
    ],
)
def test_allowed_text_is_typed(parameter, text, value):
    assert parameter.parse(text) == value
    assert type(parameter.parse(text)) is type(value)


@pytest.mark.parametrize(
    ("parameter", "text", "message"),
    [
        (HORIZON, "-1", "parameter horizon: -1 is not allowed; a whole number from 1 to 12"),
        (HORIZON, "13", "from 1 to 12"),
        (HORIZON, "eight", "parameter horizon: 'eight' is not allowed"),
        (HORIZON, "4.5", "a whole number"),
        (
            LEVELS,
            "abc",
            "parameter levels: 'abc' is not allowed; a comma-separated list: whole numbers between",
        ),
        (LEVELS, "80,100", r"levels: 100 is not allowed; .* between 0 and 100 \(exclusive\)"),
        (LEVELS, "", "parameter levels"),
        (LEVELS, "80,95,80", "parameter levels: 80 is not allowed; .*, each once"),
        (METHOD, "evil", "parameter method: 'evil' is not allowed; one of bottom_up, mint_shrink"),
        (SHARE, "1", "between 0 and 1"),
        (SHARE, "nan", "parameter probability"),
        (FLAG, "maybe", "true or false"),
    ],
)
def test_disallowed_text_is_refused_with_what_is_allowed(parameter, text, message):
    with pytest.raises(ParameterError, match=message):
        parameter.parse(text)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [(HORIZON, True), (HORIZON, 4.0), (HORIZON, "4"), (METHOD, 1), (LEVELS, "80"), (SHARE, None)],
)
def test_values_of_another_type_are_refused(parameter, value):
    with pytest.raises(ParameterError, match=f"parameter {parameter.name}"):
        parameter.check(value)


@given(st.integers(min_value=-100, max_value=100))
def test_bounds_are_inclusive_unless_open(number):
    assert (number in range(1, 13)) == _allowed(HORIZON, number)
    assert (0 < number < 100) == _allowed(LEVELS, [number])


def _allowed(parameter, value) -> bool:
    try:
        parameter.check(value)
    except ParameterError:
        return False
    return True


def test_command_line_values_are_checked_against_every_report():
    assert params.from_command_line(CONTRACTS, {"horizon": "8", "method": "bottom_up"}) == {
        "horizon": 8,
        "method": "bottom_up",
    }
    with pytest.raises(ParameterError, match="unknown parameter horizn; the reports take fast, "):
        params.from_command_line(CONTRACTS, {"horizn": "8"})
    with pytest.raises(ParameterError, match=r"quarter is set by the run .* \(use --quarter\)"):
        params.from_command_line(CONTRACTS, {"quarter": "2020Q1"})


def test_values_reach_only_the_notebooks_that_declare_them():
    owned = {"quarter": "2025Q4", "snapshot": "../data"}
    chosen = {"horizon": 8, "method": "bottom_up"}
    assert params.for_notebook(CONTRACTS["a"], owned, chosen) == {"quarter": "2025Q4", "horizon": 8}
    assert check_all(CONTRACTS["a"], {"horizon": 3}) == {"horizon": 3}
    with pytest.raises(ParameterError, match="unknown parameter"):
        check_all(CONTRACTS["a"], {"method": "bottom_up"})


@pytest.mark.parametrize("report", [*REPORTS, *IN_QUARTER], ids=lambda r: r.name)
def test_each_notebook_declares_its_contract_and_its_defaults_are_allowed(report):
    params.check_notebook(report.notebook, report.parameters)
    import papermill as pm

    found = pm.inspect_notebook(str(report.notebook))
    for parameter in report.parameters:
        default = eval(found[parameter.name]["default"])  # literals of our own notebooks
        if not parameter.run_owned:
            parameter.check(default)


def test_a_notebook_out_of_step_with_its_contract_is_refused(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            'quarter: str = "latest"  # quarter\nhorizon: str = "4"  # quarters ahead\n',
            metadata={"tags": ["parameters"]},
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(
        ParameterError, match=r"missing: levels; not in the contract: -; of another type: horizon"
    ):
        params.check_notebook(path, CONTRACTS["a"])


def test_notebook_without_parameters_cell(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        params.check_notebook(path, CONTRACTS["a"])

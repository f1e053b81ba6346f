"""Notebook parameters are checked against the parameters cell before anything runs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from analysis.core.errors import ParameterError
from analysis.run import params


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            'quarter: str = "latest"  # quarter to review\n'
            "horizon: int = 4  # quarters ahead\n"
            "level: float = 0.8  # interval level\n",
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
    return path


def test_declared_types(notebook):
    assert params.declared(notebook) == {"quarter": "str", "horizon": "int", "level": "float"}


def test_valid_values_pass(notebook):
    values = {"quarter": "2025Q4", "horizon": 8, "level": 95}
    assert params.check(notebook, values) == values


def test_unknown_parameter_is_an_error(notebook):
    with pytest.raises(
        ParameterError, match=r"unknown parameter\(s\) quater; it takes horizon, level, quarter"
    ):
        params.check(notebook, {"quater": "2025Q4"})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"quarter": 2024}, "quarter must be str, got int 2024"),
        ({"horizon": "4"}, "horizon must be int, got str '4'"),
        ({"horizon": True}, "horizon must be int, got bool True"),
        ({"level": "high"}, "level must be float"),
    ],
)
def test_ill_typed_parameter_is_an_error(notebook, values, message):
    with pytest.raises(ParameterError, match=message):
        params.check(notebook, values)


def test_notebook_without_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        params.check(path, {})

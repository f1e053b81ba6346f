"""Derived columns (``compute:``) evaluated over a source's table, a whole column at a time.

Operands are read by :func:`analysis.data.parse.parse_numbers`, the loader's one reading of
numbers; a row whose operand is no number, or that divides by zero, gets a problem instead of a
value, and the loader sets it aside with the computed column's name and the expression.
The grammar is in :mod:`analysis.data.expression`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.core.errors import DataError, shown
from analysis.data.columns import find_header, shown_headers
from analysis.data.expression import Binary, Column, Expression, Negate, Node, Number, Text
from analysis.data.parse import parse_numbers
from analysis.data.sources import RawTable

#: What went wrong on a row, by code (0: nothing).
PROBLEMS = {1: "not a number", 2: "division by zero"}


def resolve(compute: Mapping[str, Expression], raw: RawTable) -> dict[str, dict[str, str]]:
    """Each computed column's column names -> the source's headers, matched as ``columns:``
    matches them; an unknown name is a DataError naming the expression and the headers."""
    headers = [str(header) for header in raw.frame.columns]
    resolved: dict[str, dict[str, str]] = {}
    for name, expression in compute.items():
        resolved[name] = {}
        for column in expression.columns:
            header = find_header(column, headers)
            if header is None:
                raise DataError(
                    f"compute: {name}: {shown(expression.text)} reads a column {shown(column)}, "
                    f"but there is no such column; its columns are: {shown_headers(headers)}",
                    source=raw.label,
                    expected="the source's header exactly as written (in double quotes if it "
                    "has spaces or non-ASCII characters)",
                )
            resolved[name][column] = header
    return resolved


def evaluate(
    expression: Expression, frame: pd.DataFrame, headers: Mapping[str, str]
) -> tuple[pd.Series, np.ndarray]:
    """The expression's value on every row and a problem code per row (see :data:`PROBLEMS`);
    a text constant gives a text column. Where there is a problem the value is missing."""
    if isinstance(expression.tree, Text):
        text = pd.Series(expression.tree.value, index=frame.index, dtype="str")
        return text, np.zeros(len(frame), dtype=np.int8)
    values, problems = _numbers(expression.tree, frame, headers)
    values = np.where(problems == 0, values, np.nan)
    return pd.Series(values, index=frame.index, dtype="float64"), problems


def _numbers(
    node: Node, frame: pd.DataFrame, headers: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    n = len(frame)
    if isinstance(node, Number):
        return np.full(n, node.value), np.zeros(n, dtype=np.int8)
    if isinstance(node, Column):
        values = parse_numbers(frame[headers[node.name]]).to_numpy(dtype="float64")
        return values, np.isnan(values).astype(np.int8)
    if isinstance(node, Negate):
        values, problems = _numbers(node.operand, frame, headers)
        return -values, problems
    assert isinstance(node, Binary)  # text never reaches arithmetic: refused by the parser
    left, left_problems = _numbers(node.left, frame, headers)
    right, right_problems = _numbers(node.right, frame, headers)
    problems = np.where(left_problems != 0, left_problems, right_problems)
    with np.errstate(all="ignore"):  # overflow gives inf: found implausible by the loader
        if node.op == "+":
            values = left + right
        elif node.op == "-":
            values = left - right
        elif node.op == "*":
            values = left * right
        else:
            problems[(problems == 0) & (right == 0)] = 2
            values = left / np.where(right == 0, 1.0, right)
    return values, problems

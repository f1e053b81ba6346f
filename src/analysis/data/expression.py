"""The little language of ``compute:``: a derived column as arithmetic over a source's columns.

Grammar (a recursive-descent parser; nothing is ever evaluated by Python itself)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := number | column | text | "(" expression ")"
    column     := a bare name (letters of any script, digits and _, not starting with a digit:
                  Quantity, 数量) or a name in double quotes ("Unit Price"; "" inside is one quote)
    text       := a constant in single quotes ('Online'; '' inside is one quote), standing alone

Kept apart from :mod:`analysis.data.compute`, which evaluates an expression over a table, so that
the configuration can check an expression's syntax without reaching for the data layer's readers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from analysis.core.errors import ConfigError, shown

#: Longest expression and deepest nesting accepted (a configuration is written by hand).
MAX_LENGTH, MAX_DEPTH = 500, 32

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    |(?P<name>[^\W\d]\w*)
    |(?P<quoted>"(?:[^"]|"")*")
    |(?P<text>'(?:[^']|'')*')
    |(?P<op>[-+*/()])""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Column | Text | Negate | Binary


@dataclass(frozen=True)
class Expression:
    """A parsed ``compute:`` expression: its text as written and its tree."""

    text: str
    tree: Node

    @property
    def kind(self) -> str:
        """``text`` (a constant), ``column`` (one column as it is) or ``number`` (arithmetic)."""
        if isinstance(self.tree, Text):
            return "text"
        return "column" if isinstance(self.tree, Column) else "number"

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names the expression reads, in order of first use."""
        names: dict[str, None] = {}
        stack: list[Node] = [self.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Column):
                names[node.name] = None
            elif isinstance(node, Negate):
                stack.append(node.operand)
            elif isinstance(node, Binary):
                stack.extend((node.right, node.left))
        return tuple(names)


def parse_expression(text: str) -> Expression:
    """The expression's tree; anything beyond the grammar is a ConfigError naming the position."""
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"expected an expression such as Quantity * UnitPrice, got {shown(text)}")
    if len(text) > MAX_LENGTH:
        raise ConfigError(f"an expression of {len(text):,} characters; at most {MAX_LENGTH}")
    parser = _Parser(text)
    tree = parser.expression(0)
    if parser.at < len(parser.tokens):
        parser.fail("expected an operator (+ - * /) or the end")
    return Expression(text, tree)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []  # (kind, token, 1-based position)
        at = 0
        while at < len(text):
            match = _TOKEN.match(text, at)
            if match is None:
                self._unreadable(at)
            kind = match.lastgroup or ""
            if kind != "space":
                self.tokens.append((kind, match.group(), at + 1))
            at = match.end()
        self.at = 0

    def _unreadable(self, at: int) -> NoReturn:
        char = self.text[at]
        if char in "\"'":
            problem = f"the quote {char} is never closed"
        elif not char.isascii() and char.isprintable():
            problem = (
                f"{char!r} outside quotes; put a column name with spaces or signs "
                'in double quotes ("Unit Price (€)")'
            )
        else:
            problem = f"{char!r} is not part of an expression (numbers, columns, + - * / ( ))"
        raise ConfigError(f"{shown(self.text)} at position {at + 1}: {problem}")

    def fail(self, problem: str) -> NoReturn:
        if self.at < len(self.tokens):
            _, token, position = self.tokens[self.at]
            where = f"at position {position} ({shown(token)})"
        else:
            where = f"at position {len(self.text) + 1} (the end)"
        raise ConfigError(f"{shown(self.text)} {where}: {problem}")

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def expression(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail(f"nested more than {MAX_DEPTH} levels deep")
        node = self.term(depth)
        while self.peek() in ("+", "-"):
            node = self.binary(node, self.term, depth)
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.peek() in ("*", "/"):
            node = self.binary(node, self.unary, depth)
        return node

    def binary(self, left: Node, operand: Callable[[int], Node], depth: int) -> Node:
        op = self.tokens[self.at][1]
        self.numeric(left, self.at)
        self.at += 1
        start = self.at
        right = operand(depth)
        self.numeric(right, start)
        return Binary(op, left, right)

    def unary(self, depth: int) -> Node:
        if self.peek() == "-":
            self.at += 1
            start = self.at
            operand = self.unary(depth + 1)
            self.numeric(operand, start)
            return Negate(operand)
        return self.atom(depth)

    def numeric(self, node: Node, index: int) -> None:
        """Text in arithmetic is a mistake: a constant stands alone."""
        if isinstance(node, Text):
            self.at = index
            self.fail("text cannot be used in arithmetic (a text constant stands alone)")

    def atom(self, depth: int) -> Node:
        if self.at >= len(self.tokens):
            self.fail("expected a number, a column or (")
        kind, token, _ = self.tokens[self.at]
        if token == "(":
            self.at += 1
            node = self.expression(depth + 1)
            if self.peek() != ")":
                self.fail("expected )")
            self.at += 1
            return node
        if kind == "op":
            self.fail("expected a number, a column or (")
        self.at += 1
        if kind == "number":
            if not math.isfinite(float(token)):
                self.at -= 1
                self.fail("a number too large to compute with")
            return Number(float(token))
        if kind == "name":
            return Column(token)
        inner = token[1:-1]
        if kind == "quoted":
            name = inner.replace('""', '"')
            if not name.strip():
                self.at -= 1
                self.fail("an empty column name")
            return Column(name)
        return Text(inner.replace("''", "'"))

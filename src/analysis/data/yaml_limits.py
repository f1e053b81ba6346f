"""The run configuration's YAML, read within bounds: a hostile file is refused in a moment.

PyYAML's ``safe_load`` already refuses Python tags (``!!python/object``), but it expands aliases
without limit: nine nested anchors ("billion laughs") make a value that takes minutes and
gigabytes to print. A run configuration is a few dozen values, so this reader refuses

- a file over ``MAX_BYTES`` (before parsing it),
- values nested more than ``MAX_DEPTH`` levels, aliases counted in,
- a document of more than ``MAX_NODES`` values once every alias is expanded, and an alias to
  the collection it is in (counted as the document is composed, before any value is built),
- a key given twice (plain YAML silently keeps the last one).

Aliases within those bounds are allowed (``url: &db ...`` then ``url: *db``). Errors name the
line and column, never quote the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.core.errors import ConfigError, shown

#: A run configuration is a few kilobytes; PyYAML reads about a megabyte a second.
MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_NODES = 10_000


def read_yaml(path: Path) -> Any:
    """The parsed document of a YAML file, or a one-line :class:`ConfigError` naming the file."""
    with open(path, "rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        size = path.stat().st_size // 1024
        raise ConfigError(
            f"{path}: the file is {size:,} KB; a run configuration is at most "
            f"{MAX_BYTES // 1024} KB of YAML"
        )
    try:
        return yaml.load(data.decode("utf-8"), Loader=BoundedLoader)
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not a valid YAML file: not UTF-8 text ({err.reason})") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not a valid YAML file: {_one_line(err)}") from None


class BoundedLoader(yaml.SafeLoader):
    """Safe YAML with the bounds of the module doc; refuses a key given twice."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nesting = 0
        # per composed node (by id, all alive until the document is done): values and depth
        # once its aliases are expanded
        self._sizes: dict[int, tuple[int, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise _error("an alias to the collection it is in", mark)
            return node
        if self._nesting >= MAX_DEPTH:
            raise _error(f"values nested more than {MAX_DEPTH} levels deep", mark)
        self._nesting += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._nesting -= 1
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        measured = [self._sizes[id(child)] for child in children]
        size = 1 + sum(n for n, _ in measured)
        depth = 1 + max((d for _, d in measured), default=0)
        if size > MAX_NODES:
            raise _error(f"more than {MAX_NODES:,} values once its aliases are expanded", mark)
        if depth > MAX_DEPTH:
            raise _error(f"values nested more than {MAX_DEPTH} levels deep (aliases)", mark)
        self._sizes[id(node)] = (size, depth)
        return node

    def compose_document(self) -> yaml.Node:
        try:
            return super().compose_document()
        finally:
            self._sizes = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                twice = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: let PyYAML say so
                continue
            if twice:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {shown(key)} given twice", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date-shaped value that is no date (``2025-02-30``) stays text, so that its key's own
        check names the key and the value instead of YAML failing with a bare ValueError."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", BoundedLoader.construct_yaml_timestamp)


def _error(problem: str, mark: yaml.Mark) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(None, None, f"the document has {problem}", mark)


def _one_line(err: yaml.YAMLError) -> str:
    """PyYAML's message without the quoted snippet of the file: what, and where."""
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        what = ": ".join(str(part) for part in (err.context, err.problem) if part)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        text = f"{what}{where}"
    else:
        text = str(err)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."

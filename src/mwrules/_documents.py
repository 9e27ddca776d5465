"""Read JSON and YAML documents, remembering the line of every value.

Errors about a document point at ``file:line`` as well as a ``$.json.path``,
so this loader builds plain Python data and, beside it, a map from each JSON
path to the line it came from. Duplicate keys, which both formats would keep
silently (the last one wins), are reported as problems.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from . import codes
from .errors import Problem


@attrs.frozen
class Document:
    """Parsed data, its source name and the line of each JSON path."""

    data: Any
    source: str | None = None
    lines: Mapping[str, int] = attrs.field(factory=dict)
    problems: tuple[Problem, ...] = ()

    def line_of(self, where: str) -> int | None:
        """The line of *where*, or of its nearest ancestor that has one."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = _parent(where)
        return None

    def locate(self, problem: Problem) -> Problem:
        """*problem*, with this document's file and line filled in."""
        line = problem.line if problem.line is not None else self.line_of(problem.where)
        return attrs.evolve(problem, file=self.source, line=line)

    def part(self, key: str) -> Document:
        """The value at ``$.<key>`` as a document of its own, keeping the lines it has in this one."""
        prefix = child("$", key)
        lines = {"$" + where[len(prefix) :]: line for where, line in self.lines.items() if _within(where, prefix)}
        data = self.data.get(key) if isinstance(self.data, Mapping) else None
        return Document(data, self.source, lines)


def _within(where: str, prefix: str) -> bool:
    return where == prefix or (where.startswith(prefix) and where[len(prefix)] in ".[")


def _parent(where: str) -> str:
    cut = max(where.rfind("."), where.rfind("["))
    return where[:cut] if cut > 0 else ""


def child(where: str, key: object) -> str:
    """The JSON path of *key* below *where*: ``$.a.b``, ``$.a[0]`` or ``$.a['x y']``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    text = str(key)
    if text.isidentifier():
        return f"{where}.{text}"
    return f"{where}[{text!r}]"


def parse(text: str, *, source: str | None = None, fmt: str | None = None) -> Document:
    """Parse *text* as JSON or YAML (by *fmt*, else by *source*'s suffix, else YAML).

    Syntax errors come back as the document's problems, never as exceptions.
    """
    if fmt is None:
        fmt = "json" if source is not None and source.lower().endswith(".json") else "yaml"
    if fmt == "json":
        return _parse_json(text, source)
    return _parse_yaml(text, source)


def read_file(path: str | Path, what: str, *, fmt: str | None = None) -> Document:
    """Read and parse the file at *path*; a file that cannot be read is a document with that one problem.

    *what* names the file in the message: "the ruleset", "the case", ...
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        problem = Problem("$", f"cannot read {what}: {reason}", file=source, code=codes.UNREADABLE)
        return Document(None, source, problems=(problem,))
    return parse(text, source=source, fmt=fmt)


def _parse_json(text: str, source: str | None) -> Document:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        problem = Problem(
            "$",
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            file=source,
            line=error.lineno,
            code=codes.SYNTAX,
        )
        return Document(None, source, problems=(problem,))
    problems = tuple(
        Problem(
            "$",
            f"key {key!r} appears twice in one object; only the last would count",
            file=source,
            code=codes.DUPLICATE_KEY,
        )
        for key in duplicates
    )
    return Document(data, source, problems=problems)


def _parse_yaml(text: str, source: str | None) -> Document:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return Document(
            None,
            source,
            problems=(Problem("$", f"not valid YAML: {reason}", file=source, line=line, code=codes.SYNTAX),),
        )
    finally:
        loader.dispose()
    if node is None:
        return Document(None, source)
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    data = _build(node, "$", loader, lines, problems, source)
    return Document(data, source, lines, tuple(problems))


def _build(
    node: yaml.Node,
    where: str,
    loader: yaml.SafeLoader,
    lines: dict[str, int],
    problems: list[Problem],
    source: str | None,
) -> Any:
    # A key's line, not its value's: a block value starts on the line below.
    lines.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                problems.append(
                    Problem(
                        where,
                        "keys must be text",
                        file=source,
                        line=key_node.start_mark.line + 1,
                        code=codes.INVALID_VALUE,
                    )
                )
                continue
            key_where = child(where, key)
            if key in result:
                problems.append(
                    Problem(
                        key_where,
                        f"key {key!r} appears twice; only the last would count",
                        file=source,
                        line=key_node.start_mark.line + 1,
                        code=codes.DUPLICATE_KEY,
                    )
                )
            lines[key_where] = key_node.start_mark.line + 1
            result[key] = _build(value_node, key_where, loader, lines, problems, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, f"{where}[{index}]", loader, lines, problems, source) for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)

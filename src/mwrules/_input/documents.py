"""Read JSON and YAML documents, remembering the line of every value.

Errors about a document point at ``file:line`` as well as a ``$.json.path``,
so this loader builds plain Python data and, beside it, a map from each JSON
path to the line it came from. Duplicate keys, which both formats would keep
silently (the last one wins), are reported as problems.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import attrs
import yaml

from .. import codes
from ..errors import Problem
from ..limits import DEFAULT_LIMITS, MAX_DEPTH, Limits


@attrs.frozen
class Document:
    """Parsed data, its source name and the line of each JSON path."""

    data: Any
    source: str | None = None
    lines: Mapping[str, int] = attrs.field(factory=dict)
    problems: tuple[Problem, ...] = ()
    #: Whether the data came from a JSON or YAML parser, which gives text keys
    #: and bounded nesting; data built in Python is checked for both.
    parsed: bool = attrs.field(default=False, eq=False)

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
        return Document(data, self.source, lines, parsed=self.parsed)


def _within(where: str, prefix: str) -> bool:
    return where == prefix or (where.startswith(prefix) and where[len(prefix)] in ".[")


def _parent(where: str) -> str:
    cut = max(where.rfind("."), where.rfind("["))
    return where[:cut] if cut > 0 else ""


def child(where: str, key: object) -> str:
    """The JSON path of *key* below *where*: ``$.a.b``, ``$.a[0]`` or ``$.a['x y']``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    text = _shorten(str(key), 60)
    if text.isidentifier():
        return f"{where}.{text}"
    return f"{where}[{text!r}]"


def parse(text: str, *, source: str | None = None, fmt: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse *text* as JSON or YAML (by *fmt*, else by *source*'s suffix, else YAML).

    Syntax errors, and documents past *limits*, come back as the document's
    problems, never as exceptions.
    """
    if fmt is None:
        fmt = "json" if source is not None and source.lower().endswith(".json") else "yaml"
    if len(text) > limits.max_file_bytes:
        return _refused(source, f"the text is longer than {limits.max_file_bytes:,} characters", "file-bytes")
    text = text.removeprefix("\ufeff")  # a byte order mark, as Windows editors write
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        problem = Problem("$", "not valid Unicode text (a lone surrogate)", file=source, line=line, code=codes.SYNTAX)
        return Document(None, source, problems=(problem,))
    document = _parse_json(text, source, limits) if fmt == "json" else _Yaml(text, source, limits).document()
    return attrs.evolve(document, parsed=True)


# The cyclic garbage collector, paused while mwrules builds big data: see paused_gc
_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (nested and threaded uses count).

    Reading, checking and evaluating a big partner builds millions of small
    containers (a JSON object per usage row, a tuple per row, a fact per
    tenant), none in a cycle. The collector cannot free any of them, yet it
    walks them all again and again as they pile up: with 1.4 million rows
    it took half of the time. Reference counting still frees everything as
    usual; the collector resumes when the last block ends, as it was.
    """
    global _gc_pauses, _gc_was_enabled  # noqa: PLW0603 - the collector is process-wide
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _resume_gc_in_child() -> None:
    # a fork while another thread had paused the collector: the child has no such thread
    global _gc_lock, _gc_pauses  # noqa: PLW0603
    _gc_lock = threading.Lock()
    if _gc_pauses and _gc_was_enabled:
        gc.enable()
    _gc_pauses = 0


os.register_at_fork(after_in_child=_resume_gc_in_child)


def read_file(
    path: str | os.PathLike[str], what: str, *, fmt: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read and parse the file at *path*; a file that cannot be read is a document with that one problem.

    *what* names the file in the message: "the ruleset", "the case", ...
    """
    source = str(path)
    if not source:
        problem = Problem("$", f"cannot read {what}: an empty path names no file", code=codes.UNREADABLE)
        return Document(None, source, problems=(problem,))
    try:
        with Path(path).open("rb") as file:
            data = read_at_most(file, limits.max_file_bytes + 1)
    except (OSError, ValueError) as error:  # ValueError: a path with a NUL or a lone surrogate
        reason = error.strerror if isinstance(error, OSError) else "no file can have this name"
        problem = Problem("$", f"cannot read {what}: {reason}", file=_shorten(source), code=codes.UNREADABLE)
        return Document(None, source, problems=(problem,))
    if len(data) > limits.max_file_bytes:
        return _refused(source, f"{what} is larger than {limits.max_file_bytes:,} bytes", "file-bytes")
    # The bytes are dropped once decoded: a big file is not held three times (bytes, text, data)
    held = [data]
    del data
    return _parse_held(held, source=source, fmt=fmt, what=what, limits=limits)


def read_at_most(stream: BinaryIO, size: int) -> bytes:
    """Up to *size* bytes of *stream*, read in pieces (a huge limit must not allocate a huge buffer)."""
    pieces = []
    while size > 0:
        piece = stream.read(min(size, 1 << 20))
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def parse_bytes(
    data: bytes, *, source: str | None, fmt: str | None = None, what: str = "the file", limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Decode *data* as UTF-8 (a byte order mark allowed) and parse it (see :func:`parse`)."""
    return _parse_held([data], source=source, fmt=fmt, what=what, limits=limits)


def _parse_held(held: list[bytes], *, source: str | None, fmt: str | None, what: str, limits: Limits) -> Document:
    """:func:`parse_bytes` of the bytes in *held*, which it takes out of the list and drops once decoded."""
    data = held.pop()
    start = data[:64]
    if b"\x00" in start:  # UTF-16 or UTF-32 without a byte order mark decodes as UTF-8 full of NULs
        # Text in those has a NUL in every other (or three of four) bytes; binary data has a few
        looks = "it looks like UTF-16 or UTF-32" if start.count(0) * 4 >= len(start) else "it holds NUL bytes"
        problem = Problem(
            "$",
            f"cannot read {what}: it is not UTF-8 text ({looks})",
            "save the file as UTF-8",
            file=source,
            code=codes.UNREADABLE,
        )
        return Document(None, source, problems=(problem,))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = Problem(
            "$",
            f"cannot read {what}: it is not UTF-8 text (byte {error.start + 1}, line {line})",
            "save the file as UTF-8",
            file=source,
            line=line,
            code=codes.UNREADABLE,
        )
        return Document(None, source, problems=(problem,))
    del data
    return parse(text, source=source, fmt=fmt, limits=limits)


def _raise_hint(limit: str) -> str:
    upto = f", at most {MAX_DEPTH}" if limit == "depth" else ""
    return f"raise the limit with --limit {limit}=N{upto}"


def _refused(source: str | None, message: str, limit: str) -> Document:
    problem = Problem("$", message, _raise_hint(limit), file=source, code=codes.LIMIT)
    return Document(None, source, problems=(problem,))


def _parse_json(text: str, source: str | None, limits: Limits) -> Document:
    # Each object with a repeated key, and the key: the path is found afterwards.
    duplicates: list[tuple[dict[str, Any], str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)  # in C: this hook runs once per object, millions of times in a big file
        if len(result) != len(items):  # a repeated key: the last value is the one kept
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.append((result, key))
                seen.add(key)
        return result

    try:
        with paused_gc():
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
    except RecursionError:
        return _refused(source, f"objects and lists are nested more than {limits.max_depth} deep", "depth")
    except ValueError as error:  # an integer of more digits than Python converts
        problem = Problem("$", f"not valid JSON: {_shorten(str(error))}", file=source, code=codes.SYNTAX)
        return Document(None, source, problems=(problem,))
    paths = _paths_of_objects(data, {id(owner) for owner, _ in duplicates}, limits.max_depth)
    problems = [
        Problem(
            child(paths.get(id(owner), "$"), key),
            f"key {_shorten(repr(key))} appears twice in one object; only the last would count",
            file=source,
            code=codes.DUPLICATE_KEY,
        )
        for owner, key in duplicates
    ]
    depth = _depth(data, limits.max_depth) if _too_deep(data, limits.max_depth) else None
    if depth is not None:
        problems.append(Problem(depth, f"nested more than {limits.max_depth} deep", file=source, code=codes.LIMIT))
        data = None
    return Document(data, source, problems=tuple(problems))


def shape_problems(data: Any, max_depth: int) -> list[Problem]:
    """Keys that are not text, and nesting past *max_depth*, in data built in Python (parsers rule both out)."""
    problems = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, where, depth = stack.pop()
        if not isinstance(value, dict | list | tuple):
            continue
        if depth >= max_depth:
            problems.append(Problem(where, f"nested more than {max_depth} deep", code=codes.LIMIT))
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    stack.append((item, child(where, key), depth + 1))
                else:
                    problems.append(
                        Problem(where, f"keys must be text, not {_shorten(repr(key))}", code=codes.INVALID_VALUE)
                    )
        else:
            stack.extend((item, child(where, index), depth + 1) for index, item in enumerate(value))
    return problems


_PLAIN = frozenset({int, float, str, bool, type(None)})


def plain_values(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """*value* with plain ``int``, ``float``, ``str``, ``dict`` and ``list`` for their subclasses.

    Data built in Python may hold subclasses that keep their own comparisons
    (an ``int`` subclass whose ``1`` compares above every target): mwrules
    reads what a value is, never what its methods say. Call it on data whose
    nesting :func:`shape_problems` has bounded.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, int):  # not bool: bool cannot be subclassed
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, dict):
        return {plain_values(key): plain_values(item) for key, item in dict.items(value)}
    if isinstance(value, list) or kind is tuple:
        return [plain_values(item) for item in value]
    return value


def _paths_of_objects(data: Any, wanted: set[int], max_depth: int) -> dict[int, str]:
    """The JSON path of each object in *wanted* (by id) within *data*."""
    found: dict[int, str] = {}
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack and len(found) < len(wanted):
        value, where, depth = stack.pop()
        if depth > max_depth:
            continue
        if isinstance(value, dict):
            if id(value) in wanted:
                found[id(value)] = where
            stack.extend((item, child(where, key), depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, child(where, index), depth + 1) for index, item in enumerate(value))
    return found


def _too_deep(data: Any, max_depth: int) -> bool:
    """Whether parsed JSON has an object or list nested *max_depth* deep or more.

    Level by level, with no paths, and in C where it can be: the types of a
    level's values are looked at through ``chain`` and ``map``, and only when
    they include an object or a list are those picked out in Python (a level
    of a million usage rows holds only text and numbers).
    """
    level = [data] if type(data) in _CONTAINERS else []
    for _ in range(max_depth):
        inner: list[Any] = []
        for start in range(0, len(level), _LEVEL_CHUNK):  # a bounded list of values at a time
            chunk = level[start : start + _LEVEL_CHUNK]
            parts = [value.values() if type(value) is dict else value for value in chunk]
            if not _CONTAINERS.isdisjoint(map(type, itertools.chain.from_iterable(parts))):
                inner += [value for value in itertools.chain.from_iterable(parts) if type(value) in _CONTAINERS]
        if not inner:
            return False
        level = inner
    return True


_CONTAINERS = frozenset({dict, list})
_LEVEL_CHUNK = 50_000


def _depth(data: Any, max_depth: int) -> str | None:
    """The path of the first value nested deeper than *max_depth*, if there is one."""
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= max_depth:
                return where
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((item, child(where, key), depth + 1) for key, item in items if isinstance(item, dict | list))
    return None


def _shorten(text: str, width: int = 80) -> str:
    """*text*, cut to *width* characters with an ellipsis: a problem never echoes megabytes."""
    return text if len(text) <= width else text[: width - 1] + "…"


# YAML is read by the rules of YAML 1.2's core schema, as people read it:
# 010 is ten (not eight), 1:30 is text (not ninety), yes/no/on/off are text,
# and 2024-06-30 is text that the date fields parse (so an impossible date is
# a problem at its path, not a crash). Merge keys (<<) are not YAML 1.2.
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_NULL, _BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))
_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    (_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    (
        _FLOAT,
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+.0123456789",
    ),
]


def _core_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE_RESOLVERS:
        for character in first:
            table.setdefault(character, []).append((tag, pattern))
    table.setdefault(None, []).append((_NULL, _CORE_RESOLVERS[0][1]))  # the empty scalar
    return table


class _CoreResolver(yaml.resolver.Resolver):
    yaml_implicit_resolvers = _core_resolvers()


class _NestedTooDeep(Exception):
    """The pure-Python composer went past the depth limit, on line *line*; it stops there."""

    def __init__(self, line: int) -> None:
        self.line = line


class _PythonLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _CoreResolver
):
    def __init__(self, stream: str, max_depth: int = MAX_DEPTH) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # Stop a level past where _build stops (which names the path): the
        # pure-Python scanner costs more at each level (seconds for a few
        # thousand), so a deep file is refused before the rest is read.
        self.depth += 1
        try:
            if self.depth > self.max_depth + 2:
                raise _NestedTooDeep(self.peek_event().start_mark.line + 1)  # type: ignore[no-untyped-call]
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        return node


_FastLoader: Any = None
if yaml.__with_libyaml__:  # PyYAML built with libyaml: composing is several times faster
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    class _CLoader(_CParser, _CoreResolver):
        # max_depth: unused, the C composer's recursion ends in a RecursionError
        def __init__(self, stream: str, max_depth: int = MAX_DEPTH) -> None:
            _CParser.__init__(self, stream)
            _CoreResolver.__init__(self)

    _FastLoader = _CLoader


class _TooMuch(Exception):
    """The document goes past a limit: building it stops at once."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


# Characters of YAML the pure-Python parser re-reads to word a syntax error
_REWORD_AT_MOST = 1_000_000


class _Yaml:
    """One YAML text, composed with the C parser where there is one, built into plain data."""

    def __init__(self, text: str, source: str | None, limits: Limits) -> None:
        self.text = text
        self.source = source
        self.limits = limits
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.repeated = 0  # values built again through an alias

    def document(self) -> Document:
        with paused_gc():  # a node and its marks per value, then the data: see there
            return self._document()

    def _document(self) -> Document:
        node = self._compose(_FastLoader or _PythonLoader)
        if isinstance(node, Problem):
            if node.code == codes.SYNTAX and _FastLoader is not None and len(self.text) <= _REWORD_AT_MOST:
                # The pure-Python parser words its errors better, and its
                # wording is what mwrules shows wherever it runs (but it is
                # slow: a big file keeps the C parser's wording).
                reworded = self._compose(_PythonLoader)
                if isinstance(reworded, Problem):
                    node = reworded
            return Document(None, self.source, problems=(node,))
        if node is None:
            return Document(None, self.source)
        try:
            data = self._build(node, "$", 0, set())
        except _TooMuch as stop:
            return Document(None, self.source, self.lines, (*self.problems, stop.problem))
        except RecursionError:  # a caller already deep in its own stack
            return _refused(self.source, "objects and lists are nested too deep to read here", "depth")
        return Document(data, self.source, self.lines, tuple(self.problems))

    def _compose(self, loader_class: Any) -> yaml.Node | Problem | None:
        try:
            loader = loader_class(self.text, self.limits.max_depth)
        except yaml.YAMLError as error:  # the pure-Python reader checks the characters at once
            return self._syntax(error)
        try:
            node: yaml.Node | None = loader.get_single_node()
        except yaml.YAMLError as error:
            return self._syntax(error)
        except (RecursionError, _NestedTooDeep) as error:
            return Problem(
                "$",
                f"objects and lists are nested too deep (at most {self.limits.max_depth} levels)",
                file=self.source,
                line=error.line if isinstance(error, _NestedTooDeep) else None,
                code=codes.LIMIT,
            )
        finally:
            loader.dispose()
        return node

    def _syntax(self, error: yaml.YAMLError) -> Problem:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        if isinstance(error, yaml.reader.ReaderError):
            line = self.text.count("\n", 0, error.position) + 1
            code = error.character if isinstance(error.character, int) else ord(error.character)
            reason = f"character {code:#06x} is not allowed in YAML (a control character)"
        else:
            reason = _shorten(getattr(error, "problem", None) or str(error), 200)
        return Problem("$", f"not valid YAML: {reason}", file=self.source, line=line, code=codes.SYNTAX)

    def _problem(self, where: str, node: yaml.Node, message: str, code: str, suggestion: str | None = None) -> None:
        line = node.start_mark.line + 1
        self.problems.append(Problem(where, message, suggestion, file=self.source, line=line, code=code))

    def _build(self, node: yaml.Node, where: str, depth: int, building: set[int]) -> Any:
        # A key's line, not its value's: a block value starts on the line below.
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, where)
        if id(node) in building:
            raise _TooMuch(self._located(where, node, "an alias refers to the object or list that contains it"))
        if depth >= self.limits.max_depth:
            raise _TooMuch(self._located(where, node, f"nested more than {self.limits.max_depth} deep", "depth"))
        if getattr(node, "_mwrules_built", False):
            self.repeated += len(node.value)
            if self.repeated > self.limits.max_alias_values:
                message = f"aliases repeat more than {self.limits.max_alias_values:,} values"
                raise _TooMuch(self._located(where, node, message, "alias-values"))
        node._mwrules_built = True  # type: ignore[attr-defined]  # noqa: SLF001 - a mark on our own node
        if node.tag not in (_SEQ, _MAP):
            self._problem(where, node, f"tag {_shorten(node.tag)} is not supported", codes.INVALID_VALUE)
        building.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [
                    self._build(item, f"{where}[{index}]", depth + 1, building) for index, item in enumerate(node.value)
                ]
            assert isinstance(node, yaml.MappingNode)  # noqa: S101 - the composer makes only three kinds
            return self._mapping(node, where, depth, building)
        finally:
            building.discard(id(node))

    def _located(self, where: str, node: yaml.Node, message: str, limit: str | None = None) -> Problem:
        suggestion = _raise_hint(limit) if limit else None
        code = codes.LIMIT if limit else codes.INVALID_VALUE
        return Problem(where, message, suggestion, file=self.source, line=node.start_mark.line + 1, code=code)

    def _mapping(self, node: yaml.MappingNode, where: str, depth: int, building: set[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, where) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _STR:
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                hint = f"quote it: '{_shorten(written)}'" if isinstance(written, str) else None
                self._problem(where, key_node, "keys must be text", codes.INVALID_VALUE, hint)
                continue
            key_where = child(where, key)
            if key == "<<":
                self._problem(
                    key_where,
                    key_node,
                    "merge keys (<<) are not read (they are not YAML 1.2)",
                    codes.INVALID_VALUE,
                    "write the keys out",
                )
                continue
            if key in result:
                self._problem(
                    key_where,
                    key_node,
                    f"key {_shorten(repr(key))} appears twice; only the last would count",
                    codes.DUPLICATE_KEY,
                )
            self.lines[key_where] = key_node.start_mark.line + 1
            result[key] = self._build(value_node, key_where, depth + 1, building)
        return result

    def _scalar(self, node: yaml.ScalarNode, where: str) -> Any:
        construct = _SCALARS.get(node.tag)
        if construct is None:
            self._problem(where, node, f"tag {_shorten(node.tag)} is not supported", codes.INVALID_VALUE, "remove it")
            return None
        try:
            return construct(node.value)
        except ValueError:  # "x" tagged !!int, or more digits than Python converts
            kind = _TAG_WORDS.get(node.tag, node.tag.rpartition(":")[2])
            self._problem(where, node, f"{_shorten(node.value)!r} is not {kind} mwrules can read", codes.INVALID_VALUE)
            return None


# What an explicitly tagged scalar was meant to be, in words
_TAG_WORDS = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "null",
}


def _int(text: str) -> int:
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # 010 is ten


def _float(text: str) -> float:
    special = text.lower().lstrip("+")
    if special in (".inf", "-.inf", ".nan"):
        return float(special.replace(".", ""))
    return float(text)


_SCALARS: dict[str, Callable[[str], Any]] = {
    _STR: str,
    _NULL: lambda _: None,
    _BOOL: lambda text: text.lower() == "true",
    _INT: _int,
    _FLOAT: _float,
}

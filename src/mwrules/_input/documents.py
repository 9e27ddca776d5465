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
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from .. import codes
from ..errors import Problem
from ..limits import DEFAULT_LIMITS, MAX_DEPTH, Limits, checked_limits
from . import yaml_reading  # it builds this module's Document: each reads the other's names when called


def _plain_mappings(data: Any) -> Any:
    """*data*, or a copy with each mapping a dict when it is a mapping of another type (see :func:`_as_dicts`)."""
    return _as_dicts(data) if isinstance(data, Mapping) and type(data) is not dict else data


def _as_dicts(data: object, depth: int = 0) -> object:
    """*data* with each mapping a dict (a MappingProxyType, a ChainMap: what the checks read as an object); deeper
    than any document may be, left as it is (the checks refuse it)."""
    if depth > MAX_DEPTH:
        return data
    if isinstance(data, Mapping):
        return {key: _as_dicts(value, depth + 1) for key, value in data.items()}
    if type(data) is list:
        return [_as_dicts(value, depth + 1) for value in data]
    return data


@attrs.frozen
class Document:
    """Parsed data, its source name and the line of each JSON path."""

    data: Any = attrs.field(converter=_plain_mappings)
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
    text = shorten(str(key), 60)
    if text.isidentifier():
        return f"{where}.{text}"
    return f"{where}[{text!r}]"


#: JSON Lines portfolios: one partner document per line
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def is_json_lines(name: str | os.PathLike[str]) -> bool:
    """Whether *name* is a JSON Lines file's (``.jsonl`` or ``.ndjson``, in any case, as ``.JSON`` is JSON)."""
    return os.fspath(name).lower().endswith(JSON_LINES_SUFFIXES)


def parse(text: str, *, source: str | None = None, fmt: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse *text* as JSON or YAML (by *fmt*, else by *source*'s suffix, else YAML).

    Syntax errors, and documents past *limits*, come back as the document's
    problems, never as exceptions.
    """
    guessed = fmt is None
    if fmt is None:
        fmt = "json" if source is not None and source.lower().endswith(".json") else "yaml"
    if len(text) > limits.max_file_bytes:
        return refused(source, f"the text is longer than {limits.max_file_bytes:,} characters", "file-bytes")
    text = text.removeprefix("\ufeff")  # a byte order mark, as Windows editors write
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        problem = Problem("$", "not valid Unicode text (a lone surrogate)", file=source, line=line, code=codes.SYNTAX)
        return Document(None, source, problems=(problem,))
    document = _parse_json(text, source, limits) if fmt == "json" else yaml_reading.read_yaml(text, source, limits)
    if guessed and fmt == "yaml" and document.data is None and text.lstrip().startswith("{"):
        # JSON on standard input, read as YAML: YAML's \u escapes have no surrogate pairs, and json.dumps writes
        # a character past U+FFFF as one ("\ud83d\ude80"). What YAML refuses and JSON reads is JSON.
        as_json = _parse_json(text, source, limits)
        if as_json.data is not None:
            document = as_json
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
    checked_limits(limits)  # a file is read before the partner in it is checked, limits and all
    source = str(path)
    if not source:
        problem = Problem("$", f"cannot read {what}: an empty path names no file", code=codes.UNREADABLE)
        return Document(None, source, problems=(problem,))
    try:
        with Path(path).open("rb") as file:
            data = read_at_most(file, limits.max_file_bytes + 1)
    except (OSError, ValueError) as error:  # ValueError: a path with a NUL or a lone surrogate
        reason = error.strerror if isinstance(error, OSError) else "no file can have this name"
        hint = None
        if isinstance(error, IsADirectoryError):  # a folder given for one partner (timeline, plan, explain)
            reason = "it is a folder"
            hint = "name one partner's file; mwrules evaluate FOLDER evaluates each" if "partner" in what else None
        problem = Problem("$", f"cannot read {what}: {reason}", hint, file=shorten(source), code=codes.UNREADABLE)
        return Document(None, source, problems=(problem,))
    if len(data) > limits.max_file_bytes:
        return refused(source, f"{what} is larger than {limits.max_file_bytes:,} bytes", "file-bytes")
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


def raise_hint(limit: str) -> str:
    upto = f", at most {MAX_DEPTH}" if limit == "depth" else ""
    return f"raise the limit with --limit {limit}=N{upto}"


def refused(source: str | None, message: str, limit: str) -> Document:
    problem = Problem("$", message, raise_hint(limit), file=source, code=codes.LIMIT)
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
        said = (
            "the document is empty" if not text.strip() else f"{error.msg} (line {error.lineno}, column {error.colno})"
        )
        # Two documents after a carriage return alone: JSON Lines whose lines end as classic Mac files' do
        crs = error.msg == "Extra data" and text[: error.pos].rstrip(" \t").endswith("\r")
        hint = "its lines end with a carriage return alone (classic Mac line ends): save it with LF or CRLF line ends"
        problem = Problem(
            "$",
            f"not valid JSON: {said}",
            hint if crs else None,
            file=source,
            line=error.lineno,
            code=codes.SYNTAX,
        )
        return Document(None, source, problems=(problem,))
    except RecursionError:
        return refused(source, f"objects and lists are nested more than {limits.max_depth} deep", "depth")
    except ValueError as error:  # an integer of more digits than Python converts
        problem = Problem("$", f"not valid JSON: {shorten(str(error))}", file=source, code=codes.SYNTAX)
        return Document(None, source, problems=(problem,))
    paths = _paths_of_objects(data, {id(owner) for owner, _ in duplicates}, limits.max_depth)
    problems = [
        Problem(
            child(paths.get(id(owner), "$"), key),
            f"key {shorten(repr(key))} appears twice in one object; only the last would count",
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
        if not isinstance(value, Mapping | list | tuple):
            continue
        if depth >= max_depth:
            problems.append(Problem(where, f"nested more than {max_depth} deep", code=codes.LIMIT))
            continue
        if isinstance(value, Mapping):
            for key, item in dict.items(value) if isinstance(value, dict) else value.items():
                if isinstance(key, str):
                    stack.append((item, child(where, key), depth + 1))
                else:
                    problems.append(
                        Problem(where, f"keys must be text, not {shorten(repr(key))}", code=codes.INVALID_VALUE)
                    )
        else:
            stack.extend((item, child(where, index), depth + 1) for index, item in enumerate(value))
    return problems


_PLAIN = frozenset({int, float, str, bool, type(None)})


def plain_values(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """*value* with plain ``int``, ``float``, ``str``, ``dict`` and ``list`` for their subclasses (and ``dict`` for
    any mapping, ``list`` for a tuple).

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
    if isinstance(value, Mapping):  # a MappingProxyType, a ChainMap, a UserDict: read through its items
        return {plain_values(key): plain_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
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


def shorten(text: str, width: int = 80) -> str:
    """*text*, cut to *width* characters with an ellipsis: a problem never echoes megabytes."""
    return text if len(text) <= width else text[: width - 1] + "…"

"""Read YAML as people read it: YAML 1.2's core schema, the line of every value, duplicate keys and aliases bounded.

PyYAML composes the text (with libyaml where it is built in); the nodes are
then built into plain data here, with a ``$.json.path`` and a line for every
value (see :class:`.documents.Document`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from .. import codes
from ..errors import Problem
from ..limits import MAX_DEPTH, Limits
from . import documents as _documents  # whose Document this builds; it reads YAML through this module


def read_yaml(text: str, source: str | None, limits: Limits) -> _documents.Document:
    """The document of a YAML *text*: its data and lines, or its problems (see :func:`.documents.parse`)."""
    return _Yaml(text, source, limits).document()


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


# Characters of YAML the pure-Python parser re-reads to word a syntax error:
# it reads about 200,000 a second (a 0.99 MB file took 5 s), the C parser
# fifty times as many
_REWORD_AT_MOST = 100_000


class _Yaml:
    """One YAML text, composed with the C parser where there is one, built into plain data."""

    def __init__(self, text: str, source: str | None, limits: Limits) -> None:
        self.text = text
        self.source = source
        self.limits = limits
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.repeated = 0  # values built again through an alias

    def document(self) -> _documents.Document:
        with _documents.paused_gc():  # a node and its marks per value, then the data: see there
            return self._document()

    def _document(self) -> _documents.Document:
        node = self._compose(_FastLoader or _PythonLoader)
        if isinstance(node, Problem):
            if node.code == codes.SYNTAX and _FastLoader is not None and len(self.text) <= _REWORD_AT_MOST:
                # The pure-Python parser words its errors better, and its
                # wording is what mwrules shows wherever it runs (but it is
                # slow: a big file keeps the C parser's wording).
                reworded = self._compose(_PythonLoader)
                if isinstance(reworded, Problem):
                    node = reworded
            return _documents.Document(None, self.source, problems=(node,))
        if node is None:
            return _documents.Document(None, self.source)
        try:
            data = self._build(node, "$", 0, set())
        except _TooMuch as stop:
            return _documents.Document(None, self.source, self.lines, (*self.problems, stop.problem))
        except RecursionError:  # a caller already deep in its own stack
            return _documents.refused(self.source, "objects and lists are nested too deep to read here", "depth")
        return _documents.Document(data, self.source, self.lines, tuple(self.problems))

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
        elif getattr(error, "problem", None) == "second occurrence":  # PyYAML splits this one in two
            first = getattr(error, "context_mark", None)
            reason = str(getattr(error, "context", "")).partition(";")[0] or "found duplicate anchor"
            reason = f"{_documents.shorten(reason, 200)} (first on line {first.line + 1})" if first else reason
        else:
            reason = _documents.shorten(getattr(error, "problem", None) or str(error), 200)
        hint = _pasted(self.text, line) if line is not None else None
        return Problem("$", f"not valid YAML: {reason}", hint, file=self.source, line=line, code=codes.SYNTAX)

    def _problem(self, where: str, node: yaml.Node, message: str, code: str, suggestion: str | None = None) -> None:
        line = node.start_mark.line + 1
        self.problems.append(Problem(where, message, suggestion, file=self.source, line=line, code=code))

    def _build(self, node: yaml.Node, where: str, depth: int, building: set[int]) -> Any:
        # A key's line, not its value's: a block value starts on the line below.
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            # A text or number again is built and checked again: it counts
            # too, a long text once per text-length characters (else 10,000
            # aliases of a 900,000-character text are 9 GB to check)
            self._built_again(node, where, 1 + len(node.value) // self.limits.max_text_length)
            return self._scalar(node, where)
        if id(node) in building:
            raise _TooMuch(self._located(where, node, "an alias refers to the object or list that contains it"))
        if depth >= self.limits.max_depth:
            raise _TooMuch(self._located(where, node, f"nested more than {self.limits.max_depth} deep", "depth"))
        self._built_again(node, where, 1)
        if node.tag not in (_SEQ, _MAP):
            self._problem(where, node, f"tag {_documents.shorten(node.tag)} is not supported", codes.INVALID_VALUE)
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

    def _built_again(self, node: yaml.Node, where: str, values: int) -> None:
        """Count *values* toward the alias limit if *node* was built before (it is reached through an alias)."""
        if getattr(node, "_mwrules_built", False):
            self.repeated += values
            if self.repeated > self.limits.max_alias_values:
                message = f"aliases repeat more than {self.limits.max_alias_values:,} values"
                raise _TooMuch(self._located(where, node, message, "alias-values"))
        node._mwrules_built = True  # type: ignore[attr-defined]  # noqa: SLF001 - a mark on our own node

    def _located(self, where: str, node: yaml.Node, message: str, limit: str | None = None) -> Problem:
        suggestion = _documents.raise_hint(limit) if limit else None
        code = codes.LIMIT if limit else codes.INVALID_VALUE
        return Problem(where, message, suggestion, file=self.source, line=node.start_mark.line + 1, code=code)

    def _mapping(self, node: yaml.MappingNode, where: str, depth: int, building: set[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, where) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _STR:
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                hint = f"quote it: '{_documents.shorten(written)}'" if isinstance(written, str) else None
                if node.flow_style and key_node.tag == _INT and value_node.tag == _NULL:  # {paid_seats: 1,200}
                    hint = "in { } a comma ends an entry: write numbers without a thousands separator (1200, not 1,200)"
                self._problem(where, key_node, "keys must be text", codes.INVALID_VALUE, hint)
                continue
            key_where = _documents.child(where, key)
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
                    f"key {_documents.shorten(repr(key))} appears twice; only the last would count",
                    codes.DUPLICATE_KEY,
                )
            self.lines[key_where] = key_node.start_mark.line + 1
            result[key] = self._build(value_node, key_where, depth + 1, building)
        return result

    def _scalar(self, node: yaml.ScalarNode, where: str) -> Any:
        construct = _SCALARS.get(node.tag)
        if construct is None:
            self._problem(
                where, node, f"tag {_documents.shorten(node.tag)} is not supported", codes.INVALID_VALUE, "remove it"
            )
            return None
        try:
            return construct(node.value)
        except ValueError:  # "x" tagged !!int, or more digits than Python converts
            kind = _TAG_WORDS.get(node.tag, node.tag.rpartition(":")[2])
            self._problem(
                where, node, f"{_documents.shorten(node.value)!r} is not {kind} mwrules can read", codes.INVALID_VALUE
            )
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


#: What a word processor pastes that looks like YAML and is not: each with what to say of the line holding it
_PASTED = (
    (re.compile(r"^ *\t"), "indents with a tab: YAML indents with spaces only"),
    (
        re.compile("\u00a0|\u202f"),
        "has a non-breaking space (U+00A0, as a word processor pastes it): write a plain space",
    ),
    (
        re.compile("[\u2018\u2019\u201c\u201d]"),
        "has curly quotes, which YAML reads as letters: write straight quotes (\" or ')",
    ),
)


_COMMENT = re.compile(r"(^|\s)#.*")


def _pasted(text: str, line: int) -> str | None:
    """What on the line of a YAML error, or the two before it, looks like a space or a quote and is not one.

    YAML's own words ("mapping values are not allowed here") do not say that
    what an editor sees as a space or a quote is another character; the error
    is often found a line after the one that holds it.
    """
    lines = text.split("\n", line)[max(0, line - 3) : line]
    for number in range(len(lines) - 1, -1, -1):
        for pattern, words in _PASTED:
            if pattern.search(_COMMENT.sub("", lines[number])):
                return f"line {line - len(lines) + number + 1} {words}"
    return None

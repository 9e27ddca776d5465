"""Documents written as YAML that every YAML reader reads back the same (``mwrules import``).

A YAML 1.1 writer (PyYAML's) leaves ``1e3``, ``0o17`` or ``2e5`` unquoted,
since they are not numbers in YAML 1.1; mwrules reads YAML 1.2, where they
are. So every piece of text is written double-quoted, with the escapes JSON
and YAML share, and each line of the output is made in one step: a document
of a million usage rows is written in seconds, a line at a time.

>>> print("".join(yaml_lines({"partner_id": "1e3", "people": [], "metrics": {}})), end="")
partner_id: "1e3"
people: []
metrics: {}
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any


# Escaped in a double-quoted scalar: the quote and the backslash; control characters
# and what a YAML reader takes for a line break (NEL, LS, PS) or refuses (a BOM
# inside text, U+FFFE, U+FFFF, lone surrogates)
_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Keys written as they are: lower-case names, none of the words YAML 1.1 reads as a boolean or null
_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*", re.ASCII)
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _escape(match: re.Match[str]) -> str:
    character = match[0]
    return _SHORT.get(character) or f"\\u{ord(character):04x}"


def quoted(text: str) -> str:
    """*text* as a double-quoted YAML scalar (the same text to a YAML 1.1 or 1.2 reader).

    >>> quoted('0o17'), quoted('a "b"\\n')
    ('"0o17"', '"a \\\\"b\\\\"\\\\n"')
    """
    return f'"{_ESCAPED.sub(_escape, text)}"'


@functools.lru_cache(maxsize=1024)
def _key(key: object) -> str:
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) and text not in _WORDS else quoted(text)


def _scalar(value: object) -> str | None:
    """*value* written as a YAML scalar; None for a list or a mapping."""
    if isinstance(value, str):
        return quoted(value if type(value) is str else str(value))
    if value is None or isinstance(value, bool):
        return _CONSTANTS[value]
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, int) else repr(float(value))
    return None


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _flow(value: object) -> str | None:
    """*value* on one line: a scalar, or a list or mapping of scalars; None when it nests deeper."""
    written = _scalar(value)
    if written is not None:
        return written
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            item_written = _scalar(item)
            if item_written is None:
                return None
            parts.append(f"{_key(key)}: {item_written}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        values = [_scalar(item) for item in value]
        if all(item is not None for item in values):
            return "[" + ", ".join(values) + "]"  # type: ignore[arg-type]
    return None


def yaml_lines(document: Mapping[str, Any]) -> Iterator[str]:
    """The lines of *document* (JSON-like data) as block YAML, each ending with a line break."""
    yield from _mapping(document, "")


def _mapping(value: Mapping[str, Any], indent: str, first: str | None = None) -> Iterator[str]:
    """The lines of a mapping at *indent*; its first line starts with *first* instead (a list item's ``- ``)."""
    for key, item in value.items():
        lead = indent if first is None else first
        first = None
        flow = _flow(item)
        if flow is not None:
            yield f"{lead}{_key(key)}: {flow}\n"
        else:
            yield f"{lead}{_key(key)}:\n"
            yield from _block(item, indent + "  ")


def _block(value: object, indent: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        yield from _mapping(value, indent)
        return
    for item in value:  # type: ignore[attr-defined]
        flow = _flow(item)
        if flow is not None:
            yield f"{indent}- {flow}\n"
        elif isinstance(item, Mapping) and item:
            yield from _mapping(item, indent + "  ", first=f"{indent}- ")
        else:
            yield f"{indent}-\n"
            yield from _block(item, indent + "  ")

"""Indented JSON text, the same as ``json.dumps(data, indent=…)`` writes, made quickly and written in chunks.

Python's JSON encoder is written in C only for compact text: with an indent
it runs in Python, a function call or more per value, and a verdict of
thousands of tenants is millions of values. Here the C encoder writes each
small container whose values are all plain (a trace step's ``concluded``,
its ``matched``), with its separators set to the indent of that level; what
is left in Python is the containers that hold containers, and each dict's
keys are written once per shape, not once per dict. A value that knows its
own text (a :class:`Deferred`, such as a verdict's trace) writes itself. The
text goes to *write* in chunks as it is made: the output is never held whole.

>>> pieces = []
>>> write_json({"step": 1, "matched": ["$.people[0]"], "concluded": {}}, pieces.append)
>>> print("".join(pieces))
{
  "step": 1,
  "matched": [
    "$.people[0]"
  ],
  "concluded": {}
}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from json import encoder as _stdlib
from typing import Any, Protocol


#: The types the C encoder writes exactly as Python's indenting encoder does (exact types: a subclass
#: may iterate or print itself differently, and goes the way json.dumps takes it)
PLAIN = frozenset({str, int, float, bool, type(None)})

#: A plain container longer than this is written a piece at a time, as json.dumps would, not as one text
MOST_AT_ONCE = 256
#: Pieces joined per write: few writes, little held
PIECES_WRITTEN = 8192
#: Shapes of dicts (their keys) remembered per output, and the most keys a remembered shape has
_SHAPES_KEPT = 1024
_KEYS_KEPT = 32


class Deferred(Protocol):
    """A value that writes its own JSON text: the same text as json.dumps writes for the value it stands for."""

    def write_json(self, writer: JSONWriter, level: int) -> None:
        """Add the text to *writer*'s pieces; its first line is indented to *level* already."""


def write_json(data: object, write: Callable[[str], object], *, indent: int = 2, ensure_ascii: bool = False) -> None:
    """Write *data* as ``json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)`` does, in chunks, to *write*.

    The text is the same for any value ``json.dumps`` takes (a value it
    refuses raises the same :class:`TypeError`); no newline follows it.
    """
    writer = JSONWriter(write, indent=indent, ensure_ascii=ensure_ascii)
    writer.value(data, 0)
    writer.flush()


class JSONWriter:
    """One output: the pieces not yet written, and what is worked out once per indent level and per shape.

    *pieces* is open to a :class:`Deferred`, which adds its text there and
    calls :meth:`flush` when it holds :data:`PIECES_WRITTEN` or more.
    """

    def __init__(self, write: Callable[[str], object], *, indent: int, ensure_ascii: bool) -> None:
        self._write = write
        self.pieces: list[str] = []
        self._indent = " " * indent
        #: A string's JSON text (with its quotes), from the C encoder
        self.string: Callable[[str], str] = (
            _stdlib.encode_basestring_ascii if ensure_ascii else _stdlib.encode_basestring
        )
        # Per level: the text that starts a line there, and the C encoder of a plain container's items at it
        self._newlines: list[str] = []
        self._plain_encoders: list[Callable[[object, int], Any] | None] = []
        self._shapes: dict[tuple[tuple[str, ...], int], tuple[list[str], str]] = {}

    def flush(self) -> None:
        """Write the pieces held, as one text."""
        self._write("".join(self.pieces))
        self.pieces.clear()

    def newline(self, level: int) -> str:
        """A line break and the indent of *level*."""
        while len(self._newlines) <= level:
            self._newlines.append("\n" + self._indent * len(self._newlines))
        return self._newlines[level]

    def value(self, value: Any, level: int) -> None:
        """Add *value*, whose first line is indented to *level* already."""
        kind = type(value)
        if kind is str:
            self.pieces.append(self.string(value))
        elif kind is dict:
            if not value:
                self.pieces.append("{}")
            elif not self.plain(value, level):
                self._dict(tuple(value), value.values(), level)
        elif kind is list or kind is tuple:
            if not value:
                self.pieces.append("[]")
            elif not self.plain(value, level):
                self._list(value, level)
        else:
            self._other(value, level)

    def plain(self, value: dict[Any, Any] | list[Any] | tuple[Any, ...], level: int) -> bool:
        """Add the non-empty dict, list or tuple *value* with the C encoder if its values are all plain; whether it did.

        A dict's keys are written by the same rules either way (json.dumps and
        the C encoder turn a number, a boolean or null into text alike).
        """
        values = value.values() if isinstance(value, dict) else value
        if len(value) > MOST_AT_ONCE or not PLAIN.issuperset(map(type, values)):
            return False
        encoder = self.plain_encoder(level + 1)
        if encoder is None:  # pragma: no cover - CPython has the C encoder
            return False
        (text,) = encoder(value, 0)
        self.pieces += (text[0], self._newlines[level + 1], text[1:-1], self._newlines[level], text[-1])
        return True

    def plain_encoder(self, level: int) -> Callable[[object, int], Any] | None:
        """The C encoder of a plain container whose items are at *level* (None without the C encoder)."""
        while len(self._plain_encoders) <= level:
            separator = "," + self.newline(len(self._plain_encoders))
            make = getattr(_stdlib, "c_make_encoder", None)  # None where the C encoder is missing
            encoder = None if make is None else make(None, None, self.string, None, ": ", separator, False, False, True)
            self._plain_encoders.append(encoder)
        return self._plain_encoders[level]

    def _dict(self, keys: tuple[Any, ...], values: Iterable[Any], level: int) -> None:
        shape = self._shapes.get((keys, level))
        if shape is None:
            shape = self._shape(keys, level)
        starts, end = shape
        pieces = self.pieces
        for start, item in zip(starts, values, strict=True):
            pieces.append(start)
            kind = type(item)
            if kind is str:
                pieces.append(self.string(item))
            elif kind is int:
                pieces.append(int.__repr__(item))
            else:
                self.value(item, level + 1)
        pieces.append(end)
        if len(pieces) >= PIECES_WRITTEN:
            self.flush()

    def _shape(self, keys: tuple[Any, ...], level: int) -> tuple[list[str], str]:
        """What goes before each value of a dict with these *keys* at *level*, and after the last."""
        inner = self.newline(level + 1)
        starts = [("," if index else "{") + inner + self.string(_key(key)) + ": " for index, key in enumerate(keys)]
        shape = starts, ("" if keys else "{" + inner) + self.newline(level) + "}"  # no keys: as json.dumps writes it
        # Keys all text, of a dict of few: a shape that comes again (1 and True are equal keys, but not one text)
        if len(keys) <= _KEYS_KEPT and all(type(key) is str for key in keys):
            if len(self._shapes) >= _SHAPES_KEPT:
                self._shapes.clear()
            self._shapes[keys, level] = shape
        return shape

    def _list(self, value: Iterable[Any], level: int) -> None:
        pieces = self.pieces
        inner = self.newline(level + 1)
        separator = "," + inner
        pieces.append("[" + inner)
        for index, item in enumerate(value):
            if index:
                pieces.append(separator)
            self.value(item, level + 1)
            if len(pieces) >= PIECES_WRITTEN:
                self.flush()
        pieces.append(self.newline(level) + "]")

    def _other(self, value: Any, level: int) -> None:
        """Any value but an exact str, dict, list or tuple: as json.dumps's indenting encoder writes it."""
        pieces = self.pieces
        if value is None:
            pieces.append("null")
        elif value is True:
            pieces.append("true")
        elif value is False:
            pieces.append("false")
        elif isinstance(value, str):
            pieces.append(self.string(value))
        elif isinstance(value, int):
            pieces.append(int.__repr__(value))
        elif isinstance(value, float):
            pieces.append(_float(value))
        elif isinstance(value, list | tuple):
            if value:
                self._list(value, level)
            else:
                pieces.append("[]")
        elif isinstance(value, dict):
            if value:
                items = list(value.items())  # as json.dumps reads a dict subclass
                self._dict(tuple(key for key, _ in items), [item for _, item in items], level)
            else:
                pieces.append("{}")
        elif hasattr(value, "write_json"):
            deferred: Deferred = value
            deferred.write_json(self, level)
        else:
            json.JSONEncoder().default(value)  # raises json.dumps's TypeError


def _key(key: object) -> str:
    """A dict key as the text json.dumps writes for it (before quoting)."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, int):
        return int.__repr__(key)
    message = f"keys must be str, int, float, bool or None, not {key.__class__.__name__}"
    raise TypeError(message)


def _float(value: float) -> str:
    if value != value:  # noqa: PLR0124 - NaN is the one float not equal to itself
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)

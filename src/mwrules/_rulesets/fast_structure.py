"""Structuring valid data into the ruleset model without cattrs.

Importing cattrs and generating its structure functions cost the first
evaluation in a process about 28 ms, to read data that is valid nearly
always. :class:`FastStructurer` walks the attrs classes by their resolved type
hints instead, and reads only the forms the model uses:

* attrs classes, from a dict with a key per field (internal fields and
  fields that are not ``__init__`` arguments are not keys); a class in
  *shorthands* may also be written as its plain value, which is its first
  field;
* ``tuple[X, ...]`` from a list; ``Mapping[str, X]`` and ``dict[str, X]`` from
  a dict;
* ``X | None``; ``X | Mapping[str, Y]`` (a value, or one per option: a dict is
  the mapping); ``Literal[...]``;
* plain types through the *scalars* hooks, the same functions the cattrs
  converter uses, so that a value reads the same either way.

At the first thing it does not expect (a wrong type, an unknown or missing
key, a form it does not know) it gives up and returns None: the caller then
structures with cattrs, which reports every problem with its place. So the
walker never reports, and a new form in the model costs speed, not
correctness (tests/test_fast_structure.py checks both agree).
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs


T = TypeVar("T")
#: Reads one value into its type, or raises (_Deviation, ValueProblem...) when it cannot.
_Read = Callable[[Any], Any]


class _Deviation(Exception):
    """The data is not of a form the walker reads: cattrs is to structure it, and report what is wrong."""


class FastStructurer:
    """Structures valid data into attrs classes without cattrs, or returns None for cattrs to do it.

    *scalars* maps each plain type (str, int, Fraction, date...) to the hook
    that reads it, as a cattrs structure hook: ``hook(value, type)``.
    *shorthands* maps a class to the plain type it may also be written as.
    """

    def __init__(self, scalars: Mapping[type, Callable[[Any, Any], Any]], shorthands: Mapping[type, type]) -> None:
        self._scalars = dict(scalars)
        self._shorthands = dict(shorthands)
        self._readers: dict[Any, _Read] = {}

    def structure(self, data: object, hint: type[T] | Any) -> T | None:
        """*data* as *hint* (a class, or a type like ``dict[str, Cost]``), or None if not of a form the walker reads."""
        # ValueError is also the hooks' ValueProblem; it and TypeError are what a class's own validators raise
        try:
            return typing.cast("T", self._reader(hint)(data))
        except (_Deviation, ValueError, TypeError):
            return None

    def _reader(self, hint: Any) -> _Read:
        reader = self._readers.get(hint)
        if reader is None:
            reader = self._readers[hint] = self._make_reader(hint)
        return reader

    def _make_reader(self, hint: Any) -> _Read:  # noqa: PLR0911 - one return per form of type
        origin, arguments = typing.get_origin(hint), typing.get_args(hint)
        if attrs.has(hint):
            return self._class_reader(hint)
        if hint in self._scalars:
            scalar = self._scalars[hint]
            return lambda value: scalar(value, hint)
        if origin in (types.UnionType, typing.Union):
            return self._union_reader(arguments)
        if origin is typing.Literal:
            return _literal_reader(arguments)
        if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:  # tuple[X, ...]
            return self._tuple_reader(arguments[0])
        if origin in (Mapping, dict) and len(arguments) == 2 and arguments[0] in self._scalars:
            return self._mapping_reader(arguments[0], arguments[1])
        return _deviate

    def _class_reader(self, cl: type) -> _Read:
        shorthand = self._shorthands.get(cl)
        first = attrs.fields(cl)[0].alias
        # Prepared at the first read, when this reader is in self._readers: a class may refer to itself
        prepared: list[tuple[dict[str, tuple[str, _Read]], frozenset[str]]] = []

        def prepare() -> tuple[dict[str, tuple[str, _Read]], frozenset[str]]:
            hints = _field_types(cl)
            keys = {
                field.name: (field.alias, self._reader(hints[field.name]))
                for field in attrs.fields(cl)
                if field.init and not field.metadata.get("internal")
            }
            required = frozenset(name for name in keys if attrs.fields_dict(cl)[name].default is attrs.NOTHING)
            return keys, required

        def read(value: Any) -> Any:
            if not isinstance(value, dict):
                if shorthand is None:
                    raise _Deviation
                return cl(**{first: self._reader(shorthand)(value)})
            if not prepared:
                prepared.append(prepare())
            keys, required = prepared[0]
            if not required <= value.keys():
                raise _Deviation
            arguments = {}
            for key, item in value.items():
                known = keys.get(key) if isinstance(key, str) else None
                if known is None:
                    raise _Deviation
                arguments[known[0]] = known[1](item)
            return cl(**arguments)

        return read

    def _union_reader(self, members: tuple[Any, ...]) -> _Read:
        if len(members) != 2:  # X | None, or X | Mapping[str, Y]
            return _deviate
        if type(None) in members:
            other = self._reader(next(member for member in members if member is not type(None)))
            return lambda value: None if value is None else other(value)
        mappings = [member for member in members if typing.get_origin(member) in (Mapping, dict)]
        if len(mappings) != 1:
            return _deviate
        # A value, or one per option: a dict is the mapping (as reading.py's hooks read Target and Cost)
        mapping = self._reader(mappings[0])
        single = self._reader(next(member for member in members if member is not mappings[0]))
        return lambda value: mapping(value) if isinstance(value, dict) else single(value)

    def _tuple_reader(self, item_hint: Any) -> _Read:
        item = self._reader(item_hint)

        def read(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise _Deviation
            return tuple(item(element) for element in value)

        return read

    def _mapping_reader(self, key_hint: Any, value_hint: Any) -> _Read:
        key, item = self._reader(key_hint), self._reader(value_hint)

        def read(value: Any) -> dict[Any, Any]:
            if not isinstance(value, dict):
                raise _Deviation
            return {key(name): item(element) for name, element in value.items()}

        return read


def _field_types(cl: type) -> dict[str, Any]:
    """The type of each field of attrs class *cl*: its annotation, evaluated in the module of *cl*.

    What typing.get_type_hints gives for these annotations, at a third of its
    cost (1.7 ms less for the ruleset model, at the first evaluation in a process).
    """
    namespace = vars(sys.modules[cl.__module__])
    return {
        # the model's own annotations, written in mwrules: nothing else is evaluated
        field.name: eval(field.type, namespace) if isinstance(field.type, str) else field.type  # noqa: S307
        for field in attrs.fields(cl)
    }


def _literal_reader(allowed: tuple[Any, ...]) -> _Read:
    kinds = {type(choice) for choice in allowed}

    def read(value: Any) -> Any:
        # The type too: True == 1, but a Literal[1] field is not true
        if type(value) not in kinds or value not in allowed:
            raise _Deviation
        return value

    return read


def _deviate(_: Any) -> Any:
    raise _Deviation

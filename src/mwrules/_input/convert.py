"""The cattrs converter mwrules uses, and the translation of its errors.

One explicit converter (never cattrs' global one), strict about types (cattrs
would turn ``5`` into ``"5"`` for a ``str`` field) and about keys
(``forbid_extra_keys``), with detailed validation so that every problem is
collected. :func:`problems_from` turns cattrs' exception groups into
:class:`~mwrules.errors.Problem` records that carry a JSON path and, for an
unknown key, a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from .. import codes
from ..errors import Problem, did_you_mean
from .documents import child


if TYPE_CHECKING:
    import cattrs
    import cattrs.errors


class ValueProblem(ValueError):
    """A value of the right kind, but wrong: carries the message shown to the user."""


class NotAllowed(ValueProblem):
    """A value that is not one of the few a key allows (a ``Literal``): carries the value and the allowed ones."""

    def __init__(self, value: object, allowed: tuple[object, ...]) -> None:
        self.value, self.allowed = value, allowed
        super().__init__(f"expected one of {', '.join(map(str, allowed))}, got {shown(value)}")


#: How a document's problems of shape are worded where the generic words are not enough: for rulesets,
#: where an unknown key belongs in the format (see _rulesets.keys)
class Wording(Protocol):
    def unknown_key(self, where: str, cl: type, key: object) -> Problem:
        """The problem of *key*, which class *cl* (at *where*) does not have."""

    def not_allowed(self, where: str, error: NotAllowed, cl: type | None, name: str | None) -> Problem:
        """The problem of a value that field *name* of class *cl* does not allow."""


def _type_name(value: object) -> str:
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def shown(value: object, width: int = 60) -> str:
    """*value* as a message shows it: its repr, cut short (a message never echoes megabytes)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**width:
        return f"a number of more than {width} digits"  # repr() of a 5,000-digit number raises
    text = repr(value) if not isinstance(value, dict | list | tuple) or len(value) < 20 else f"<{len(value)} items>"
    return text if len(text) <= width else text[: width - 1] + "…"


def expected(what: str, value: object) -> ValueProblem:
    """The problem of a *value* that is not *what* was expected."""
    if value is None or isinstance(value, bool):
        return ValueProblem(f"expected {what}, got {'null' if value is None else str(value).lower()}")
    return ValueProblem(f"expected {what}, got {_type_name(value)} {shown(value)}")


def _structure_str(value: object, _: type) -> str:
    # YAML 1.1 reads an unquoted 2026-01-01 as a date; where text is expected,
    # it is the text that was written (as editors and YAML 1.2 read it).
    if isinstance(value, datetime.datetime):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise expected("text", value)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            msg = f"not valid Unicode text (a lone surrogate): {shown(value)}"
            raise ValueProblem(msg) from None
    return value


def _structure_int(value: object, _: type) -> int:
    # Counts may arrive as 3.0 from a spreadsheet export; 3.5 is a mistake.
    # A subclass is read as the plain number it holds: its own methods may say otherwise
    if isinstance(value, float) and float.is_integer(value):
        return int(float.__float__(value))
    if isinstance(value, bool) or not isinstance(value, int):
        raise expected("a whole number", value)
    return int.__int__(value)


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise expected("true or false", value)
    return value


def _structure_fraction(value: object, _: type) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise expected("a number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise expected("a finite number", value)
    # A subclass is read as the plain value it holds: its own methods may say otherwise
    plain = int.__int__(value) if isinstance(value, int) else value
    plain = (
        float.__repr__(plain) if isinstance(plain, float) else plain
    )  # the decimal the user wrote, not the binary float
    try:
        return Fraction(str.__str__(plain)) if isinstance(plain, str) else Fraction(plain)
    except (ValueError, ZeroDivisionError):
        raise expected("a number", value) from None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: object) -> datetime.date:
    """A date from an ISO ``YYYY-MM-DD`` string (or a YAML date)."""
    if isinstance(value, datetime.datetime):
        raise expected("a date (YYYY-MM-DD) without a time", value)
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise expected("a date (YYYY-MM-DD)", value)
    try:
        # fromisoformat alone would also take '20240630' and '2024-W26-7'
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        msg = f"{shown(value)} is not a valid date; expected YYYY-MM-DD, e.g. '2024-06-30'"
        raise ValueProblem(msg) from None


def _structure_date(value: object, _: type) -> datetime.date:
    return parse_date(value)


def _is_literal(cl: Any) -> bool:
    return typing.get_origin(cl) is typing.Literal


def _literal_hook(cl: Any) -> Hook:
    allowed = typing.get_args(cl)
    kinds = {type(choice) for choice in allowed}

    def hook(value: object, _: type) -> object:
        # The type too, as the JSON Schema's enum: True == 1, but a Literal[1] key is not true
        if type(value) not in kinds or value not in allowed:
            raise NotAllowed(value, allowed)
        return value

    return hook


#: How mwrules reads each plain type: the converter's hooks, also used without cattrs (see _rulesets.fast_structure).
SCALARS: Mapping[type, Callable[[Any, Any], Any]] = {
    str: _structure_str,
    int: _structure_int,
    bool: _structure_bool,
    Fraction: _structure_fraction,
    datetime.date: _structure_date,
}


def lazy_hook(build: Callable[[], Callable[[Any, Any], Any]]) -> Callable[[Any, Any], Any]:
    """A hook that builds the real one (cattrs generates its code) on first use, not when mwrules is imported."""
    built = functools.cache(build)

    def hook(value: Any, cl: Any) -> Any:
        return built()(value, cl)

    return hook


#: A cattrs structure hook: (value, class) -> the structured value
Hook = Callable[[Any, Any], Any]


def make_converter(hooks: Mapping[Any, Hook] | None = None) -> cattrs.Converter:
    """A converter that rejects unknown keys and wrong types, and reports them all; with *hooks* of its own.

    cattrs is imported here, when a converter is first needed (wording the
    problems of a ruleset or a document, reading verdict JSON), not when
    mwrules is imported: it costs 30 ms, as much as the rest of mwrules'
    own modules, and a valid ruleset and partner never need it (see
    _rulesets.fast_structure).
    """
    import cattrs  # noqa: PLC0415 - cattrs is imported when first needed (see convert)
    from cattrs.cols import (  # noqa: PLC0415 - cattrs is imported when first needed (see convert)
        homogenous_tuple_structure_factory,
        is_mapping,
        is_sequence,
        mapping_structure_factory,
    )

    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for scalar, read in SCALARS.items():
        converter.register_structure_hook(scalar, read)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_unstructure_hook(Fraction, str)

    # cattrs would happily build a tuple from a string ("abc" -> ('a','b','c'))
    # or a mapping from anything with .items(): only lists make tuples and
    # only objects make mappings.
    def sequences(cl: Any) -> Any:
        structure = homogenous_tuple_structure_factory(cl, converter)

        def hook(value: object, _: type) -> Any:
            if not isinstance(value, list | tuple):
                raise expected("a list", value)
            return structure(value, cl)

        return hook

    def mappings(cl: Any) -> Any:
        structure = mapping_structure_factory(cl, converter)

        def hook(value: object, _: type) -> Any:
            if not isinstance(value, dict):
                raise expected("an object", value)
            return structure(value, cl)

        return hook

    converter.register_structure_hook_factory(is_sequence, sequences)
    converter.register_structure_hook_factory(is_mapping, mappings)
    # cattrs' own words name the Python type: "average not in literal typing.Literal['sum', 'best']"
    converter.register_structure_hook_factory(_is_literal, _literal_hook)
    for cl, hook in (hooks or {}).items():
        converter.register_structure_hook(cl, hook)
    return converter


def dict_structure_fn(cl: type, converter: cattrs.Converter, *, omit: tuple[str, ...] = ()) -> Hook:
    """cattrs' generated structure function for attrs class *cl* on *converter*, without the fields *omit*."""
    from cattrs.gen import make_dict_structure_fn, override  # noqa: PLC0415 - cattrs is imported when first needed (see make_converter)

    overrides: dict[str, Any] = {name: override(omit=True) for name in omit}
    return make_dict_structure_fn(cl, converter, **overrides)


def problems_from(
    error: BaseException, where: str = "$", *, wording: Wording | None = None, cl: type | None = None
) -> list[Problem]:
    """Every problem inside a cattrs structuring error, each at its JSON path.

    *wording* words unknown keys and values not allowed, if given; *cl* is
    the class being structured at *where*, if known (for *wording*).
    """
    return list(_walk(error, where, wording, (cl, None)))


def _walk(
    error: BaseException, where: str, wording: Wording | None, field: tuple[type | None, str | None]
) -> Iterator[Problem]:
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    if isinstance(error, ExceptionGroup):  # cattrs' ClassValidationError and IterableValidationError too
        for inner in error.exceptions:
            # What the problem is in: the class being structured, and its attribute
            inner_field = (error.cl, _name_of(inner) or field[1]) if isinstance(error, ClassValidationError) else field
            yield from _walk(inner, _where_of(inner, where), wording, inner_field)
        return
    if wording is not None and isinstance(error, ForbiddenExtraKeysError | NotAllowed):
        yield from _worded(error, where, wording, field)
        return
    if isinstance(error, ForbiddenExtraKeysError):
        known = (
            [a.name for a in attrs.fields(error.cl) if not a.metadata.get("internal")] if attrs.has(error.cl) else []
        )
        for key in sorted(error.extra_fields):
            yield Problem(child(where, key), "unknown key", did_you_mean(key, known), code=codes.UNKNOWN_KEY)
        return
    if isinstance(error, KeyError) and _missing_field(error):
        yield Problem(where, "required key is missing", code=codes.MISSING_KEY)
        return
    if isinstance(error, ValueProblem):
        yield Problem(where, str(error), code=codes.INVALID_VALUE)
        return
    if isinstance(error, TypeError | AttributeError) and "argument" not in str(error):
        yield Problem(where, f"wrong type of value ({error})", code=codes.INVALID_VALUE)
        return
    yield Problem(where, str(error) or type(error).__name__, code=codes.INVALID_VALUE)


def _worded(
    error: cattrs.errors.ForbiddenExtraKeysError | NotAllowed,
    where: str,
    wording: Wording,
    field: tuple[type | None, str | None],
) -> Iterator[Problem]:
    """The problems of an unknown key or a value not allowed, in the words of *wording*."""
    if isinstance(error, NotAllowed):
        yield wording.not_allowed(where, error, *field)
        return
    for key in sorted(error.extra_fields, key=str):
        yield wording.unknown_key(where, error.cl, key)


def _missing_field(error: KeyError) -> bool:
    return any("Structuring class" in str(note) for note in getattr(error, "__notes__", ()))


def _name_of(error: BaseException) -> str | None:
    """The attribute of a class whose structuring raised *error*, if a note says."""
    return next((note.name for note in getattr(error, "__notes__", ()) if getattr(note, "name", None)), None)


def _where_of(error: BaseException, where: str) -> str:
    for note in getattr(error, "__notes__", ()):
        name = getattr(note, "name", None)
        if name is not None:
            return child(where, name)
        index = getattr(note, "index", None)
        if index is not None:
            return child(where, index)
    return where

"""Every key of the ruleset format, where it is written and documented: the words of lint's problems of shape.

:data:`VOCABULARY` is built from the model's attrs classes (their fields,
documentation and ``__anchor__``), never listed by hand: a key added to the
model is known here too. It words the two problems of shape that generic
words answer badly:

* an unknown key: where it belongs, if the format has it elsewhere ("the
  format has no ``metrics[].min_points``; there is
  ``paths[].metrics.<metric>.min_points``: ..."); else "did you mean" a key
  of the same class, only when one is close; else that the format has no
  such key, with the docs section on what the format cannot say;
* a value a key does not allow (a ``Literal``): the values it allows, and
  the docs section of the key.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from collections.abc import Mapping

import attrs

from .. import codes
from .._input.convert import NotAllowed, shown
from .._input.documents import child
from ..errors import Problem
from .fast_structure import _field_types
from .model import Ruleset


DOCS = "docs/ruleset-format.md"
#: The docs section an unknown key that the format has nowhere points to
CANNOT_SAY = "what-the-format-cannot-say"
#: How close an unknown key must be to a key of its class for "did you mean" (difflib's ratio)
CLOSE = 0.8


@attrs.frozen
class Key:
    """One key of one class of the format: where it is written, what it is, and its docs section."""

    cl: type
    name: str
    #: Where the key is written, e.g. 'paths[].metrics.<metric>.min_points'
    place: str
    #: Its documentation's first sentence, e.g. 'the points the pass rule needs in this metric on this path'
    gloss: str
    anchor: str | None

    @property
    def see(self) -> str:
        return f"see {DOCS}#{self.anchor}" if self.anchor else f"see {DOCS}"


def _places() -> dict[type, list[str]]:
    """Each class of the format, and where it is written (a class may be written in several places)."""
    places: dict[type, list[str]] = {}

    def visit(cl: type, place: str) -> None:
        if place in places.setdefault(cl, []):
            return
        places[cl].append(place)
        hints = _field_types(cl)
        for field in attrs.fields(cl):
            if not field.metadata.get("internal"):
                for inner, below in _inner(hints[field.name], _join(place, field.name), field.name):
                    visit(inner, below)

    visit(Ruleset, "")
    return places


def _inner(tp: object, place: str, name: str) -> list[tuple[type, str]]:
    """The attrs classes within type *tp* of the key at *place*, each with where it is written."""
    origin, arguments = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return [found for argument in arguments for found in _inner(argument, place, name)]
    if origin is tuple:
        return _inner(arguments[0], f"{place}[]", name)
    if origin in (Mapping, dict):
        return _inner(arguments[1], f"{place}.<{name.removesuffix('s')}>", name)
    return [(tp, place)] if isinstance(tp, type) and attrs.has(tp) else []


def _join(place: str, name: str) -> str:
    return f"{place}.{name}" if place else name


def _gloss(doc: str) -> str:
    """The first sentence of a key's documentation, without its parenthesis, as part of a sentence.

    An abbreviation's full stop ("e.g. '2026-01'") ends no sentence: cut there, the gloss read "e.g".
    """
    first = re.split(r"(?<=[a-z)])(?<![a-z]\.[a-z])\. ", doc, maxsplit=1)[0].removesuffix(".")
    first = re.sub(r"\s*\([^)]*\)", "", first).strip()
    return first[:1].lower() + first[1:]


@functools.cache
def vocabulary() -> Mapping[str, tuple[Key, ...]]:
    """Every key of the format, with each place it is written (made when first needed)."""
    index: dict[str, list[Key]] = {}
    for cl, places in _places().items():
        default = getattr(cl, "__anchor__", None)
        for field in attrs.fields(cl):
            if field.metadata.get("internal") or not field.init:
                continue
            for place in places:
                key = Key(
                    cl,
                    field.name,
                    _join(place, field.name),
                    _gloss(field.metadata.get("doc", "")),
                    field.metadata.get("anchor", default),
                )
                index.setdefault(field.name, []).append(key)
    return {name: tuple(keys) for name, keys in index.items()}


#: The JSON path of a place: '[]' any index, '<x>' any key
def _pattern(place: str) -> re.Pattern[str]:
    pattern = re.escape(f"$.{place}" if place else "$")
    pattern = pattern.replace(r"\[\]", r"\[\d+\]")
    pattern = re.sub(r"<[a-z_]+>", r"(?:[^.\\[]+|\\[[^]]+\\])", pattern)
    return re.compile(pattern + "$")


def _place_of(cl: type, where: str) -> str:
    """Where class *cl*, found at JSON path *where*, is written in the format's words."""
    places = _places().get(cl, [""])
    return next((place for place in places if _pattern(place).match(where)), places[0])


class RulesetWording:
    """The words of a ruleset's problems of shape (see :class:`mwrules._input.convert.Wording`)."""

    def unknown_key(self, where: str, cl: type, key: object) -> Problem:
        return Problem(child(where, key), "unknown key", unknown_key_hint(cl, key, where), code=codes.UNKNOWN_KEY)

    def not_allowed(self, where: str, error: NotAllowed, cl: type | None, name: str | None) -> Problem:
        key = next((key for key in vocabulary().get(name or "", ()) if key.cl is cl), None)
        allowed = [str(choice) for choice in error.allowed]
        choices = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        said = name if name is None or where.endswith(f".{name}") else f"each value of {name}"
        message = f"{said or 'the value'} is {choices}, not {shown(error.value)}"
        close = difflib.get_close_matches(str(error.value)[:200], allowed, n=1, cutoff=CLOSE)
        hint = key.see if key is not None else f"see {DOCS}"
        if close:
            hint = f"did you mean {close[0]!r}? {hint}"
        return Problem(where, message, hint, code=codes.INVALID_VALUE)


def unknown_key_hint(cl: type, key: object, where: str) -> str:
    """What to say of *key*, which class *cl* at JSON path *where* does not have."""
    name = str(key)
    written = _join(_place_of(cl, where), name if len(name) <= 60 else name[:59] + "…")
    elsewhere = [other for other in vocabulary().get(name, ()) if other.cl is not cl]
    if elsewhere:
        places = dict.fromkeys(other.place for other in elsewhere)
        shown_places = " or ".join(f"`{place}`" for place in list(places)[:3]) + (", ..." if len(places) > 3 else "")
        gloss = f": {elsewhere[0].gloss}" if len(places) == 1 and elsewhere[0].gloss else ""
        return f"the format has no `{written}`; there is {shown_places}{gloss}; {elsewhere[0].see}"
    own = [field.name for field in attrs.fields(cl) if field.init and not field.metadata.get("internal")]
    close = difflib.get_close_matches(name, own, n=1, cutoff=CLOSE) if len(name) <= 200 else []
    if close:
        return f"did you mean {close[0]!r}?"
    return f"the format has no `{written}`; see {DOCS}#{CANNOT_SAY}"

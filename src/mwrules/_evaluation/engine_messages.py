"""The text that passes between mwrules and the engine: facts and rules sent as JSON, action messages read back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from .engine import Fact


# Facts go to the engine and firings come back as JSON, a few per firing: the
# C encoder and scanner are called directly, without the Python layers of
# json.dumps and json.loads around them (their checks are for any object; a
# fact is a flat dict of text and numbers). Where the C accelerator is
# missing, json's Python code does the same.
def _c_codec() -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    from json import decoder, encoder, scanner  # noqa: PLC0415 - only here: the C halves of json

    # undeclared in typeshed: the C halves, or None without the accelerator
    make_encoder = getattr(encoder, "c_make_encoder", None)
    make_scanner = getattr(scanner, "c_make_scanner", None)
    if make_encoder is None or make_scanner is None:  # pragma: no cover - CPython always has them
        return json.dumps, json.JSONDecoder().decode
    # No circular-reference markers, ASCII escapes (see the module docstring), no indent
    encode_chunks = make_encoder(None, None, encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    scan = make_scanner(decoder.JSONDecoder())

    def encode(value: Any) -> str:
        return "".join(encode_chunks(value, 0))

    def decode(message: str) -> Any:
        return scan(message, 0)[0]

    return encode, decode


encode, decode = _c_codec()


def read_message(message: str, alone: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The rule an action message is about, and the ids of the facts it matched by alias.

    A message is ``{"rule":{"alias":{fact},...}}``. One about a rule that
    matches one fact (*alone*: rule -> its alias) is read without decoding
    it: the firings of tenants are most of an evaluation's.
    """
    end = message.find('":{"', 2)
    rule = message[2:end]
    alias = alone.get(rule)
    if alias is not None and message.startswith(f'{alias}":{{', end + 4):
        return rule, {alias: fact_id(message)}
    ((rule, matched),) = decode(message).items()
    return rule, {alias: fact["id"] for alias, fact in matched.items()}


def fact_id(message: str) -> str:
    """The id of the one fact in an action message, ``{"rule":{"alias":{...,"id":"f12","sid":"s0"}}}``.

    The message holds the fact as it was sent: a flat object of numbers,
    text and lists (see :data:`Fact`), encoded with ASCII escapes, so the
    only ``"id":"`` in it is its id (a quote inside a text is escaped).
    """
    start = message.rindex('"id":"') + 6
    return message[start : message.index('"', start)]


def for_engine(fact: Fact) -> Fact:
    """What the engine is sent of *fact*: every field but those named ``_...`` (see :class:`FieldsRead`)."""
    return {key: value for key, value in fact.items() if key[0] != "_"}


#: What a rule's definition holds beside its antecedent: no pattern
_RULE_SETTINGS = frozenset({"pri", "count", "cap", "dist"})
#: What every fact is sent with: its type, and the ids the engine keys it by
_ALWAYS = ("t", "id", "sid")


class FieldsRead:
    """Per type of fact (its ``t``), the fields some pattern of the rules reads: all the engine is sent of it.

    The engine matches facts and names the facts it matched by id; actions
    read the facts themselves, in Python. So a field no pattern reads need
    not cross: a tenant fact keeps what its eligible facts repeat and the
    trace reads (a dozen fields) but the rules on it read four, and the
    JSON the engine parses, keeps and sends back with each firing is half
    as long. A pattern that names no type (``{"t": ...}`` among the tests
    it must all pass) may match any fact: what it reads is sent of every
    type. Where the rules hold a form this reading does not know, every
    field is sent (:func:`for_engine`), as it always may be.
    """

    def __init__(self, whens: Iterable[Mapping[str, Any]]) -> None:
        self.known = True
        self._anywhere: set[str] = set()
        self._of_type: dict[str, set[str]] = {}
        for when in whens:
            self._antecedent(when)
        every = {*_ALWAYS, *self._anywhere}
        self.fields = {kind: tuple(sorted(every | read)) for kind, read in self._of_type.items()}
        self.other = tuple(sorted(every))

    def select(self, fact: Fact) -> Fact:
        """What the engine is sent of *fact*."""
        if not self.known:
            return for_engine(fact)
        fields = self.fields.get(fact.get("t"), self.other)  # type: ignore[arg-type]
        return {key: fact[key] for key in fields if key in fact}

    def _antecedent(self, when: Mapping[str, Any]) -> None:
        """Read an antecedent: ``{"all"|"any": [{alias: pattern}, ...]}``, aliases nesting ``$all``/``$any`` lists."""
        for key, patterns in when.items():
            if key in _RULE_SETTINGS:
                continue
            if key not in ("all", "any") or not isinstance(patterns, list):
                self.known = False
                continue
            for named in patterns:
                if not isinstance(named, Mapping):
                    self.known = False
                    continue
                for alias, pattern in named.items():
                    if str(alias).endswith(("$all", "$any")):
                        self._antecedent({alias[-3:]: pattern})
                    else:
                        self._pattern(pattern)

    def _pattern(self, pattern: Any) -> None:
        tests = pattern.get("$and") if isinstance(pattern, Mapping) and len(pattern) == 1 else None
        conjuncts = tests if isinstance(tests, list) else [pattern]
        kinds = [
            test["t"]
            for test in conjuncts
            if isinstance(test, Mapping) and len(test) == 1 and isinstance(test.get("t"), str)
        ]
        read: set[str] = set()
        self._read(pattern, read)
        if kinds:
            self._of_type.setdefault(kinds[0], set()).update(read)
        else:
            self._anywhere.update(read)

    def _read(self, node: Any, read: set[str]) -> None:
        """Add the fields *node* (a pattern, or part of one) reads to *read*."""
        if isinstance(node, list):
            for item in node:
                self._read(item, read)
            return
        if not isinstance(node, Mapping):
            return
        for key, value in node.items():
            if not isinstance(key, str):
                self.known = False
            elif key == "$m":  # a field's value in an expression
                if isinstance(value, str):
                    read.add(value.split(".")[0])
                else:
                    self.known = False
            elif key.startswith("$"):  # an operator: its operands name the fields
                self._read(value, read)
            else:  # a field, compared with a value, an expression, or a field of another alias's fact
                read.add(key.split(".")[0])
                if isinstance(value, Mapping) and not all(str(name).startswith("$") for name in value):
                    self._anywhere.update(str(field).split(".")[0] for field in value.values())
                else:
                    self._read(value, read)

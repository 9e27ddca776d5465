"""The text that passes between mwrules and the engine: facts and rules sent as JSON, action messages read back."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
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
    return {key: value for key, value in fact.items() if key[0] != "_"}

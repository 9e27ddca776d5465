"""Ids and names as text: what a person id or a certification name may hold, and how ids are compared."""

from __future__ import annotations

import functools
import re
import typing
import unicodedata
from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar

from .. import codes
from ..limits import Limits


# C0 and C1 control characters, line and paragraph separators, and the
# text-direction overrides and isolates: an id or a name printed to a terminal
# must neither move its cursor nor show itself reversed
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


#: The longest text the caches of reading keep (a cell, a title, an id): downloads repeat short ones, and a
#: distinct long one per request (130,000 characters) would fill a cache of 4,096 with a gigabyte
SHORT_TEXT = 256

_Text = TypeVar("_Text", bound=Callable[..., Any])


def short_cached(maxsize: int) -> Callable[[_Text], _Text]:
    """:func:`functools.lru_cache` of *maxsize* results, for calls whose first argument is a text of at most
    :data:`SHORT_TEXT` characters; a longer one is worked out each time: the cache is bounded in bytes too."""

    def cache(function: _Text) -> _Text:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(text: str, *rest: Any) -> Any:
            return cached(text, *rest) if len(text) <= SHORT_TEXT else function(text, *rest)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return typing.cast("_Text", call)

    return cache


def printable(text: str) -> str:
    """*text* with its control characters escaped (``\\x1b``, ``\\u202e``): a file name printed moves no cursor."""
    return CONTROL.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def plain_text(value: object, limits: Limits) -> TypeGuard[str]:
    if type(value) is not str or len(value) > limits.max_text_length:
        return False
    if value.isascii():
        return value.isprintable()  # in ASCII, exactly: no C0 control character and no DEL
    return CONTROL.search(value) is None and _encodes(value)


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def text_problem(text: str, limits: Limits) -> tuple[str, str] | None:
    """What is wrong with *text* as an id or a name, and its code; None if nothing."""
    if plain_text(text, limits):
        return None
    if CONTROL.search(text):
        return (
            "control characters (a line break, a tab, an escape, a text-direction override) "
            "are not allowed in ids and names",
            codes.INVALID_VALUE,
        )
    if len(text) > limits.max_text_length:
        return f"{len(text):,} characters, more than the limit of {limits.max_text_length:,}", codes.LIMIT
    if not _encodes(text):
        return "not valid Unicode text (a lone surrogate)", codes.INVALID_VALUE
    return None


def identity(person_id: str) -> str:
    """How person ids are compared: as people read them.

    Unicode's compatibility normalisation (``José`` typed or decomposed is one
    name), invisible format characters (a zero-width space) dropped, then
    surrounding spaces and case ignored.
    """
    if person_id.isascii():
        return person_id.strip().casefold()
    return _identity_of_text(person_id)


@short_cached(maxsize=4096)
def _identity_of_text(person_id: str) -> str:
    """:func:`identity` of an id that is not ASCII: kept, since a partner is read more than once (--designations,
    plan --by) and an id of 1,000 combining marks takes a millisecond to normalise."""
    normal = person_id.translate(_DROPPED)
    # NFKC again after case folding: folding can leave a string that is not normalised (U+0390)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", normal).strip().casefold())


class _Dropped(dict[int, int | None]):
    """:meth:`str.translate`'s table dropping what :func:`_invisible` is, filled as characters come.

    Each character's category was looked up in Python for every character
    of every id: 954,000 calls for a megabyte of ids. Now once a distinct
    character, and a lookup in C after that. Kept for the process (a service
    reads many partners), so bounded: emptied past :data:`_DROPPED_MOST`.
    """

    def __missing__(self, code: int) -> int | None:
        if len(self) >= _DROPPED_MOST:  # ids of every character Unicode has would hold ~100 MB
            self.clear()
        kept = None if _invisible(chr(code)) else code
        self[code] = kept
        return kept


#: The most characters :class:`_Dropped` keeps (about 5 MB): far more than the ids of any partner use
_DROPPED_MOST = 65_536
_DROPPED = _Dropped()


# Characters Unicode marks as ignorable in display besides the format
# characters (Cf): the combining grapheme joiner, Hangul fillers, Mongolian
# and generic variation selectors, and the unassigned tags block
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]")


def _invisible(character: str) -> bool:
    return unicodedata.category(character) == "Cf" or _IGNORABLE.match(character) is not None


# A GUID as tenant ids are written, after identity's case folding: with or without its hyphens, in braces or
# parentheses (either one alone, a slip, too), or as RFC 4122's URN
_GUID = re.compile(
    r"(?:urn:uuid:)?[{(]?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})[})]?"
)


#: Dashes a word processor or a keyboard layout writes for a hyphen-minus (NFKC leaves them as they are)
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))


def same_guid(key: str) -> str:
    """An id's :func:`identity` *key*, and a GUID's in one form, however it is written.

    Tenant ids are GUIDs: ``{8F1C...}``, ``(8f1c...)``, ``urn:uuid:8f1c...``,
    ``8f1c...`` without hyphens and the usual form are one tenant (two
    downloads writing them apart counted it twice), and so is one with a
    single brace: no two tenants differ by a brace, or by how a dash is
    written. An id that is no GUID is left as it is.
    """
    match = _GUID.fullmatch(key if key.isascii() else key.translate(DASHES))
    if match is None:
        return key
    return "-".join(match.groups())

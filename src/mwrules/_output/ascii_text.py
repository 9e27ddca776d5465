"""Text for a standard output that is not UTF-8: JSON and YAML written in ASCII, their other characters escaped.

A Windows console redirected to a file (cp1252), a C locale without UTF-8
mode, ``PYTHONIOENCODING=ascii``: Python's escapes for what such an output
cannot encode (``\\xe9``, ``\\U0001f680``) are no JSON, and a document
written in cp1252 is one mwrules, reading UTF-8, cannot read back.
"""

from __future__ import annotations

import codecs
import json
import re
import sys


def ascii_out() -> bool:
    """Whether standard output's encoding is not a UTF (a cp1252 console, a C locale, PYTHONIOENCODING=ascii).

    JSON and documents written there are then ASCII, their other characters
    escaped as each format writes them: Python's escapes (``\\xe9``,
    ``\\U0001f680``) are no JSON, and a document in cp1252 is one mwrules,
    reading UTF-8, cannot read back.
    """
    try:
        return not codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return True


#: What JSON and YAML hold of characters beyond ASCII: in their strings (keys and values), never in their syntax
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def json_ascii(text: str) -> str:
    """JSON *text* with each character beyond ASCII escaped as JSON writes it (``\\u00e9``, a pair beyond U+FFFF)."""
    return _NOT_ASCII.sub(lambda found: json.dumps(found[0])[1:-1], text) if not text.isascii() else text


def yaml_ascii(text: str) -> str:
    """Lines of YAML whose text is double-quoted, each character beyond ASCII escaped (``\\u00e9``, ``\\U0001f680``)."""
    if text.isascii():
        return text
    return _NOT_ASCII.sub(
        lambda found: f"\\u{ord(found[0]):04x}" if ord(found[0]) < 0x10000 else f"\\U{ord(found[0]):08x}", text
    )

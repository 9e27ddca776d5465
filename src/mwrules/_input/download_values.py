"""The values of Partner Center downloads: dates in either day-month order, months, and counts.

Digits are ASCII digits: a year in full-width digits (U+FF10 to U+FF19) is
not one a download writes, and a partner document refuses it too. A file's
day-month order is what its dates show (:class:`DateOrderSeen`): a first
field above 12 is a day.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from .text import short_cached


DateOrder = Literal["day-first", "month-first"]


# A time of day may follow a date (23:07, 7:05:09 PM, T23:07:00.123Z, +01:00) and is ignored; nothing else
# may (a second date, a word): that would be a value dropped without a word
_CLOCK = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
# (before the time and its AM/PM, a space may be a no-break one: ICU 72 and later write "1:07:00\u202fPM")
_SPACE = "[ \u00a0\u202f]"
_TIME = rf"(?:(?:T|{_SPACE}){_CLOCK}(?:{_SPACE}?[AaPp][Mm])?(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?\s*"
_DMY = re.compile(r"\s*([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})" + _TIME, re.ASCII)
_YMD = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME, re.ASCII)
_YM = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})\s*", re.ASCII)
_MONTH_NAMES = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_MON_YY = re.compile(r"\s*([A-Za-z]{3})[- ]([0-9]{2}|[0-9]{4})\s*", re.ASCII)
_COUNT_DIGITS = 4_000  # below the digits int() converts; beyond any count, which the document checks bound
# An id a spreadsheet saved as it showed it, in scientific notation (15001295 as 1.50013E+07, 1,50013E+07 in a
# comma-decimal locale): its last digits are gone, and several ids may now read alike
_SCIENTIFIC = re.compile(r"\s*[0-9]+(?:[.,][0-9]+)?[Ee][+-]?[0-9]+\s*", re.ASCII)
# An id a spreadsheet (or pandas) saved as a decimal number: 15001295 as 15001295.0 (or 15001295.) is another id
_DECIMAL = re.compile(r"\s*[0-9]+[.,][0-9]*\s*", re.ASCII)
# An id a spreadsheet showed with its digits grouped: 15,001,295, 15.001.295, 15 001 295 (any space), 15'001'295
_GROUPED = re.compile(r"\s*[0-9]{1,3}(?:([,.'_\s\u066c])[0-9]{3})(?:\1[0-9]{3})*\s*")
# An id a spreadsheet kept as text with its own marks: ="15001295" (a formula), '15001295 (a text prefix)
_MARKED = re.compile(r"\s*(?:=\"[^\"]*\"\s*|'.*)", re.DOTALL)


class DateOrderSeen:
    """What the dates of one file show so far: day first (a first field above 12), month first, or both."""

    def __init__(self) -> None:
        self.day_first = self.month_first = False

    def see(self, texts: Iterable[str]) -> bool:
        """Take in the dates *texts*; whether one of them could be read either way (both fields at most 12)."""
        undecided = False
        for text in texts:
            shown = _shows(text)
            if shown is None:  # most: a date written year first, a month, or no date
                continue
            self.day_first |= shown == "day-first"
            self.month_first |= shown == "month-first"
            undecided |= shown == "either"
        return undecided

    @property
    def both(self) -> bool:
        return self.day_first and self.month_first

    @property
    def order(self) -> DateOrder | None:
        """The order shown (None: none yet, or both)."""
        if self.day_first == self.month_first:
            return None
        return "day-first" if self.day_first else "month-first"


# A download repeats the same few dates and months in every row: each is read once (the last few thousand)
_CACHED = 4096


@short_cached(maxsize=_CACHED)
def _shows(text: str) -> str | None:
    """The order a day-month date shows: "day-first" or "month-first" (a field above 12 that can be a day),
    "either" (both fields 1 to 12), "neither" (13/13/2025: no date in any order); None for another text."""
    match = _DMY.fullmatch(text)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    if 1 <= first <= 12 and 1 <= second <= 12:
        return "either"
    if 12 < first <= 31 and 1 <= second <= 12:
        return "day-first"
    if 1 <= first <= 12 and 12 < second <= 31:
        return "month-first"
    return "neither"  # refused as no date when the row is read: it is no sign of an order


@short_cached(maxsize=_CACHED)
def not_ascii(text: str) -> str:
    """The first character of *text* that is not ASCII, named (`` (U+2010 HYPHEN at character 5)``); else "".

    Dates, counts, flags and column names are ASCII, and a look-alike (a
    U+2010 hyphen, a Cyrillic Es) prints as the character it stands for: a
    message quoting the value would show nothing wrong with it.
    """
    if text.isascii():
        return ""
    index, character = next((index, character) for index, character in enumerate(text) if not character.isascii())
    name = unicodedata.name(character, "")
    return f" (U+{ord(character):04X}{' ' + name if name else ''} at character {index + 1})"


def parse_date(text: str, order: DateOrder | None) -> datetime.date | None:
    """The day *text* writes, or None; a time of day is ignored. Raises ValueError for text that is not a date."""
    if not text.strip():
        return None
    match = _YMD.fullmatch(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _DMY.fullmatch(text)
        if match is None or order is None:
            raise ValueError(text)
        a, b, year = int(match[1]), int(match[2]), int(match[3])
        day, month = (a, b) if order == "day-first" else (b, a)
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31/02/2025: said with the text, not as "day is out of range for month"
        raise ValueError(text) from None


@short_cached(maxsize=_CACHED)
def parse_month(text: str, order: DateOrder | None) -> str:
    """The month *text* writes (a date, ``YYYY-MM`` or ``Oct-25``), as ``YYYY-MM``. Raises ValueError."""
    match = _YM.fullmatch(text)
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:  # year 0 is no year, as in a date
        return f"{int(match[1]):04d}-{int(match[2]):02d}"
    match = _MON_YY.fullmatch(text)
    if match and match[1].lower() in _MONTH_NAMES:
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        if year >= 1:
            return f"{year:04d}-{_MONTH_NAMES[match[1].lower()]:02d}"
    day = parse_date(text, order)
    if day is None:
        raise ValueError(text)
    return f"{day.year:04d}-{day.month:02d}"


def parse_count(text: str) -> int:
    """A count of seats or users written in ASCII digits (blank: 0). Raises ValueError."""
    if not text:
        return 0
    # int() would take "١٢" and "1_000"; in ASCII, only 0 to 9 are digits
    if len(text) > _COUNT_DIGITS or not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


def spreadsheet_number(text: str) -> str | None:
    """How a spreadsheet rewrote the whole number *text* was, if it did: an id so written is not the id; else None.

    In scientific notation (``1.50013E+07``) its last digits are gone; as a
    decimal (``15001295.0``) or with its digits grouped (``15,001,295``) it
    reads as another id than ``15001295``.
    """
    if _SCIENTIFIC.fullmatch(text) is not None:
        return "in scientific notation: its digits are lost"
    if _DECIMAL.fullmatch(text) is not None:
        return "as a decimal: an id is a whole number, and read as written it would be another id"
    if _GROUPED.fullmatch(text) is not None:
        return "with its digits grouped: read as written it would be another id than its digits"
    if text_marked(text):
        return 'with its text marks (="..." or \'...): read as written it would be another id'
    return None


def text_marked(text: str) -> bool:
    """Whether a spreadsheet kept the id *text* as text with its own marks (``="..."``, ``'...``): as written, it is
    another id (an MCPID, a tenant) than the one it shows."""
    return _MARKED.fullmatch(text) is not None

"""Partner Center downloads as rows: each file read once, one bounded line at a time.

A download may be a pipe (``<(unzip -p export.zip)``) or a named pipe, so it
is opened once: its encoding, its header and its rows all come from that one
reading. A line longer than :data:`MAX_LINE_BYTES` is refused: no real row is
near it, and a file that is one endless line (``/dev/zero``) must not fill
the memory before anything is said.

:class:`DownloadReader` is what an import (:class:`.download_import.Import`)
builds on: the files in order, each row with the date order of its file
(the values themselves are read by :mod:`.download_values`),
and every problem with its file and line; :mod:`.download_rows` says whose
the certification rows of the trainings are, whatever their order.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import io
import itertools
import operator
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .. import codes
from ..errors import Problem
from .convert import shown
from .download_values import DateOrder, DateOrderSeen, not_ascii
from .text import CONTROL


DATE_ORDERS: tuple[str, ...] = ("day-first", "month-first")
#: The longest line of a download, in bytes (in characters for UTF-16 text): a real row is a few hundred.
MAX_LINE_BYTES = 2**20
#: Rows after which a progress bar is shown (when standard error is a terminal).
PROGRESS_ROWS = 100_000
_ROW_BYTES = 100  # about, in a trainings or usage download


class NotText(ValueError):
    """A line of a file is not text in the file's encoding (or not lines as a download has them)."""

    def __init__(self, line: int, error: UnicodeDecodeError | str, hint: str = "save it as UTF-8") -> None:
        why = f"is not {error.encoding} text ({error.reason})" if isinstance(error, UnicodeDecodeError) else error
        super().__init__(f"line {line} {why}")
        self.line = line
        self.hint = hint


class LineTooLong(ValueError):
    """A line of a file is longer than any row of a download."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is longer than {MAX_LINE_BYTES:,} bytes: no download has such rows")
        self.line = line


class QuotedLineBreak(ValueError):
    """A quoted field runs over a line break: a stray quote, since no download writes a line break in a field."""

    def __init__(self, line: int, end: int | None) -> None:
        to = "the end of the file" if end is None else f"line {end}"
        super().__init__(
            f"a quoted field opens on line {line} and runs on to {to}: a stray quote? (no download "
            "has a line break in a field)"
        )
        self.line = line


class _Replayed(io.RawIOBase):
    """The bytes already read from the start of a file, then the rest of it: a file read once, looked at first."""

    def __init__(self, start: bytes, rest: BinaryIO) -> None:
        self._start = start
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._start:
            size = min(len(buffer), len(self._start))
            buffer[:size] = self._start[:size]
            self._start = self._start[size:]
            return size
        return self._rest.readinto(buffer)  # type: ignore[attr-defined, no-any-return]


def _read_start(raw: BinaryIO, size: int) -> bytes:
    """The first *size* bytes of *raw* (fewer at its end), however a pipe delivers them."""
    start = b""
    while len(start) < size:
        more = raw.read(size - len(start))
        if not more:
            break
        start += more
    return start


#: Line ends other than a line feed and a carriage return (which csv reads as none: the file is one line)
_LINE_SEPARATOR_NAMES = {"\u2028": "a Unicode line separator", "\u2029": "a Unicode paragraph separator",
                         "\x85": "a next-line character"}  # fmt: skip
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")
#: Half of a UTF-16 pair without the other half: no character
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What may separate a download's values, the first winning a tie (see Download)
_DELIMITERS = (",", "\t", ";")
#: The line a spreadsheet may write before the header to name the separator (sep=, or "sep=;" or sep=<tab>),
#: with the empty cells a spreadsheet may add after it
_SEPARATOR_LINE = re.compile(r' *"?sep=[,\t;]"?[,;\t ]*[\r\n]*', re.IGNORECASE)
#: What a problem calls each
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}


class Download:
    """One open download: its delimiter and column names (from the header line), then its rows."""

    def __init__(self, raw: BinaryIO, path: Path) -> None:
        start = _read_start(raw, 4)
        self.path = path
        self._stream = io.BufferedReader(_Replayed(start, raw), buffer_size=2**16)
        self._size = _regular_size(raw)
        self._number = 0
        #: rows without a value, skipped (see rows)
        self.empty = 0
        if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's, which begins UTF-32 LE's
            raise NotText(1, "is UTF-32 text, which mwrules does not read", "save it as UTF-8 or UTF-16")
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self._lines: Iterator[str] = self._utf16_lines()
        else:
            self._lines = self._utf8_lines("utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8")
        header = next(self._lines, "")
        if "\x00" in header:  # UTF-16 or UTF-32 without a byte order mark: a NUL beside every letter
            raise NotText(1, "has NUL characters: is the file UTF-16 or UTF-32 without a byte order mark?")
        # the whole file read as one line (UTF-8), or lines that end in it alone (UTF-16, split on it)
        if "\r" in (header[:-2] if header.endswith("\r\n") else header.removesuffix("\n")):
            raise NotText(
                1,
                "ends with a carriage return alone (classic Mac line ends), which no download has",
                "save it with Windows or Unix line ends",
            )
        separator = _LINE_SEPARATORS.search(header)
        if separator:  # the whole file read as one line: its rows would be columns, and no row read
            raise NotText(
                1,
                f"ends with U+{ord(separator[0]):04X} ({_LINE_SEPARATOR_NAMES[separator[0]]}), which no download has",
                "save it with Windows or Unix line ends",
            )
        if _SEPARATOR_LINE.fullmatch(header):  # Excel's, on a line of its own before the header
            line = header.rstrip("\r\n").strip(" ")
            raise NotText(
                1,
                f"is a spreadsheet's {line!r} line, not the header",
                "delete that line: the header tells the separator",
            )
        # Whichever the header uses most: a tab, a comma, or the semicolon of a spreadsheet saved in a
        # locale whose decimal mark is a comma (no column name holds any of them); a comma on a tie
        self.delimiter = max(_DELIMITERS, key=header.count)
        columns = next(csv.reader([header], delimiter=self.delimiter), [])
        if columns and columns[-1].endswith(("\n", "\r")):  # a quote the header opens and never closes
            raise NotText(1, "opens a quote it never closes: a stray quote?", "close or remove the quote")
        self.columns = [name.strip() for name in columns]

    def header_later(self, keys: Iterable[frozenset[str]], lines: int = 10) -> int | None:
        """The number of a line among the next *lines* that holds a column of each of *keys* (its names' spellings,
        as :func:`_column_key` gives them): the header, after a title or blank lines. None if there is none."""
        wanted = list(keys)
        try:
            for line in itertools.islice(self._lines, lines):
                names = next(csv.reader([line], delimiter=max(_DELIMITERS, key=line.count)), [])
                present = {_column_key(name) for name in names}
                if all(present & spellings for spellings in wanted):
                    return self._number
        except (NotText, LineTooLong, UnicodeError, csv.Error):
            return None
        return None

    def _utf8_lines(self, encoding: str) -> Iterator[str]:
        """The lines decoded one by one, so that a line that is not text is named."""
        readline = self._stream.readline
        while True:
            line = readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            self._number += 1
            if len(line) > MAX_LINE_BYTES:
                raise LineTooLong(self._number)
            try:
                yield line.decode(encoding if self._number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise NotText(self._number, error) from None

    def _utf16_lines(self) -> Iterator[str]:
        """The lines of UTF-16 text, decoded as they are read (they cannot be split before).

        The text is decoded a block ahead of the lines: a lone surrogate is
        let through the decoding and named at its own line (decoding stopped
        at it named the block, lines before it, and a place in the block).
        """
        text = io.TextIOWrapper(self._stream, encoding="utf-16", errors="surrogatepass", newline="")
        while True:
            try:
                line = text.readline(MAX_LINE_BYTES + 1)
            except UnicodeDecodeError:  # with surrogates passed, only a last byte without its pair
                raise NotText(self._number + 1, "is not UTF-16 text (an odd number of bytes)") from None
            if not line:
                return
            self._number += 1
            if len(line) > MAX_LINE_BYTES:
                raise LineTooLong(self._number)
            if _SURROGATE.search(line):
                raise NotText(self._number, "is not UTF-16 text (a lone surrogate)")
            yield line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, values) of each row that is not blank (Excel writes lines of bare commas).

        Raises:
            QuotedLineBreak: a row runs over more than one line. Partner
                Center writes none such; a quote that never closes would
                otherwise swallow every row after it without a word.
        """
        reader = csv.reader(_ended(self._lines), delimiter=self.delimiter)
        last = 0
        for values in _progress(reader, self.path, self._size):
            if reader.line_num > last + 1:
                raise QuotedLineBreak(last + 2, reader.line_num + 1)  # the header is line 1
            if values and values[-1].endswith(("\n", "\r")):  # a quote still open when the file ended
                raise QuotedLineBreak(last + 2, None)
            last = reader.line_num
            if "".join(values).strip():  # some value is not blank
                yield last + 1, values
            else:
                self.empty += 1


def _ended(lines: Iterator[str]) -> Iterator[str]:
    """*lines*, the last one ended with a line break too: a quote left open there then keeps it, and shows."""
    for line in lines:
        yield line if line.endswith(("\n", "\r")) else line + "\n"


#: The download named ``-``: standard input (read once, and left open)
STANDARD_INPUT = Path("-")


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Download]:
    """*path* opened once, its header read; ``-`` is standard input.

    Raises:
        OSError, NotText, LineTooLong, csv.Error: the file or its header cannot be read.
    """
    if path == STANDARD_INPUT:
        if sys.stdin is None:  # closed (``<&-``)
            closed = "standard input is closed"
            raise OSError(closed)
        yield Download(sys.stdin.buffer, path)
        return
    with path.open("rb", buffering=0) as raw:
        yield Download(raw, path)


def _regular_size(raw: BinaryIO) -> int:
    """The size of a regular file; 0 for a pipe, whose size is not known (or a stream that is no file)."""
    try:
        status = os.fstat(raw.fileno())
    except io.UnsupportedOperation:  # a standard input replaced in Python (io.BytesIO)
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _progress(rows: Iterator[list[str]], path: Path, size: int) -> Iterator[list[str]]:
    """*rows* with a progress bar on standard error, for a big file (about 100,000 rows) read at a terminal."""
    if size < PROGRESS_ROWS * _ROW_BYTES or sys.stderr is None or not sys.stderr.isatty():  # None: stderr closed
        return rows
    from tqdm import tqdm  # noqa: PLC0415 - only a terminal shows it

    return iter(tqdm(rows, unit=" rows", desc=path.name, file=sys.stderr, leave=False))


# Reading downloads, for an import -------------------------------------------------------

#: The most rows kept waiting for their file's dates to show their order (a first or second field above 12)
#: before the file is refused: real downloads show it within a few rows, or never.
MAX_WAITING_ROWS = 100_000
#: A place in an import is (file << LINE_BITS) | line: one small int per kept row, sorting in reading order.
LINE_BITS = 40


#: Why a file's dates show no order
_NONE_ABOVE_12 = "(none of the dates read has a field above 12)"


class DownloadReader:
    """Reads the downloads of one import, in order, collecting every problem with its file and line."""

    def __init__(self, order: DateOrder | None) -> None:
        if order is not None and order not in DATE_ORDERS:
            msg = f"date_order must be one of {DATE_ORDERS}, not {order!r}"
            raise ValueError(msg)
        self.order = order
        self.files: list[str] = []
        self.problems: list[Problem] = []
        #: What is worth a word and no problem: a column left unread that may be one read under another name
        self.warnings: list[str] = []
        self.rows_read = 0
        #: rows without a value (blank lines, a spreadsheet's lines of bare separators), skipped
        self.empty_rows = 0

    def problem(self, file: Path, line: int | None, where: str, message: str, hint: str | None, code: str) -> None:
        self.problems.append(Problem(where, message, hint, file=str(file), line=line, code=code))

    def controlled(self, path: Path, line: int, column: str, text: str) -> bool:
        """Whether *text*, an id of *column* (an MCPID, an e-mail, a tenant), holds control characters: a problem
        at its line. Compared as ids are, they would be dropped, or make another person or tenant, unsaid."""
        if CONTROL.search(text) is None:
            return False
        why = f"{column} {shown(text)}: control characters (a NUL, a tab, a text-direction override) in an id"
        self.problem(path, line, "$", why, "download the file again", codes.INVALID_VALUE)
        return True

    def place(self, line: int) -> int:
        """Where *line* of the file being read is in the import, as one number that sorts in reading order."""
        return ((len(self.files) - 1) << LINE_BITS) | line

    def where(self, place: int) -> tuple[str, int]:
        """The file and line of a place (see :meth:`place`)."""
        return self.files[place >> LINE_BITS], place & ((1 << LINE_BITS) - 1)

    def read(
        self, path: Path, wanted: Mapping[str, Sequence[str]], required: Sequence[str]
    ) -> Generator[Any, None, None]:
        """The rows of *path* as (line, value per wanted column), in the order of the file; problems reported."""
        try:
            with opened(path) as download:
                columns = self._find_columns(path, download, wanted, required)
                if columns is None:
                    return
                self.files.append(str(path))
                yield columns
                yield from self._values(path, download, columns)
        except LineTooLong as error:
            self.problem(path, error.line, "$", f"cannot read the file: {error}", None, codes.LIMIT)
        except NotText as error:
            self.problem(path, error.line, "$", f"cannot read the file: {error}", error.hint, codes.UNREADABLE)
        except (OSError, UnicodeError, csv.Error) as error:
            self.problem(path, None, "$", f"cannot read the file: {error}", None, codes.UNREADABLE)

    def _find_columns(
        self, path: Path, download: Download, wanted: Mapping[str, Sequence[str]], required: Sequence[str]
    ) -> dict[str, int] | None:
        """The file's column for each wanted name (any of its spellings; case, spaces and punctuation ignored: "MCP
        ID", "E-mail"); None if a required one lacks. A column left unread that is close to a wanted one the file
        lacks ("Email Address") is said in :attr:`warnings`: the rows would otherwise be read without it, unsaid.
        When the header is a few lines down (a title, blank lines before it), one problem says so."""
        present = download.columns
        folded: dict[str, list[int]] = {}
        for index, name in enumerate(present):
            folded.setdefault(_column_key(name), []).append(index)
        found = {}
        twice = False
        for key, spellings in wanted.items():
            for spelling in spellings:
                if _column_key(spelling) in folded:
                    first, *more = folded[_column_key(spelling)]
                    found[key] = first
                    if more:  # which of them holds the values cannot be told: never the first by chance
                        twice = True
                        said = f"the header names one column {_columns_named(present, [first, *more])}"
                        self.problem(path, 1, "$", said, "keep one", codes.DUPLICATE_KEY)
                    break
        missing = [wanted[key][0] for key in required if key not in found]
        later = download.header_later(frozenset(map(_column_key, wanted[key])) for key in required) if missing else None
        if later is not None:
            said = f"line 1 is not the header: the header is line {later} (a title or blank lines before it?)"
            hint = f"delete the {later - 1} line(s) before the header"
            self.problem(path, 1, "$", said, hint, codes.MISSING_KEY)
            return None
        for name in missing:
            self.problem(path, 1, "$", f"no column {name!r}", _missing_hint(name, present), codes.MISSING_KEY)
        if not missing and not twice:
            self.warnings += _unread_near_misses(path, present, wanted, found)
        return None if missing or twice else found

    def _values(
        self, path: Path, download: Download, columns: Mapping[str, int]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, value per wanted column, stripped) of each row; a file that stops being readable is a problem."""
        line = 1
        wanted = list(columns.items())
        keys = [key for key, _ in wanted]
        values_of = operator.itemgetter(*(index for _, index in wanted))  # of a row with every column
        width = len(download.columns)
        # A row of mostly the header's names (in any order, a byte order mark before them: `cat a.csv b.csv`) is
        # a second download's header: files joined into one. No data row holds several column names.
        names = {_as_name(name) for name in download.columns}
        header_at_least = max(2, (width + 1) // 2)
        try:
            for line, row in download.rows():
                self.rows_read += 1
                if len(row) != width:
                    message, hint = _width_problem(row, download.delimiter, width, names, header_at_least)
                    self.problem(path, line, "$", message, hint, codes.UNREADABLE)
                    continue
                if (
                    any(_as_name(value) in names for value in row[:3])
                    and sum(_as_name(value) in names for value in row) >= header_at_least
                ):
                    # its columns may be in another order: the rows after it would be read under the wrong names
                    message = "a header again, as on line 1: two downloads joined into one file?"
                    self.problem(path, line, "$", message, "give each download as a file of its own", codes.UNREADABLE)
                    continue
                if len(keys) > 1:
                    yield line, dict(zip(keys, map(str.strip, values_of(row)), strict=True))
                else:  # itemgetter of one index gives the value, not a tuple
                    yield line, {keys[0]: row[wanted[0][1]].strip()}
            self.empty_rows += download.empty
        except LineTooLong as error:
            self.problem(path, error.line, "$", f"cannot read the file: {error}", None, codes.LIMIT)
        except NotText as error:
            self.problem(path, error.line, "$", f"cannot read the file: {error}", error.hint, codes.UNREADABLE)
        except QuotedLineBreak as error:
            self.problem(
                path, error.line, "$", f"cannot read the file: {error}", "close or remove the quote", codes.UNREADABLE
            )
        except (UnicodeError, csv.Error) as error:
            if "new-line character" in str(error):  # csv's words for a carriage return alone inside a line
                message = (
                    f"cannot read the file: line {line + 1} has a carriage return alone in it (classic Mac line ends?)"
                )
                hint = "save it with Windows or Unix line ends"
            else:
                message, hint = f"cannot read the file after line {line}: {error}", None
            self.problem(path, line + 1, "$", message, hint, codes.UNREADABLE)

    def in_date_order(
        self, path: Path, rows: Iterable[tuple[int, dict[str, str], bool]], keys: Sequence[str]
    ) -> Iterator[tuple[int, dict[str, str], DateOrder | None]]:
        """The rows to keep, with the order their dates are written in, in the order of the file.

        The order comes from *date_order*, or from the file's dates as they
        come (a first field above 12: day first). Rows are held back only
        while the order is not known yet and they need it (at most
        :data:`MAX_WAITING_ROWS`): a file whose dates show their order early
        is read straight through. A file that ends with its order unknown is
        a problem, and the rows held back are still read, for their other
        problems. So is a file whose dates show both orders: the rest of it
        is read in the order shown first (each date written the other way is
        then named at its line), for its other problems.
        """
        if self.order is not None:
            for line, values, kept in rows:
                if kept:
                    yield line, values, self.order
            return

        def unordered(line: int | None, message: str) -> None:
            hint = "give the order with --date-order day-first|month-first"
            self.problem(path, line, "$", message, hint, codes.INVALID_VALUE)

        seen = DateOrderSeen()
        waiting: list[tuple[int, dict[str, str]]] = []
        shown_first: DateOrder | None = None
        for line, values, kept in rows:
            undecided = seen.see(values[key] for key in keys if values.get(key))
            if seen.both:
                unordered(line, "the dates are written both day first and month first")
                # The file is refused, what its rows count is never used: they are read on for their other problems
                read_as: DateOrder = shown_first or "day-first"  # both shown by one row: either, as rows undecided
                rest = itertools.chain([(line, values, kept)], rows)
                yield from ((early, early_values, read_as) for early, early_values in waiting)
                yield from ((later, later_values, read_as) for later, later_values, keep in rest if keep)
                return
            shown_first = shown_first or seen.order
            if not kept:
                continue
            order = seen.order
            if order is None and (undecided or waiting):
                if len(waiting) == MAX_WAITING_ROWS:
                    unordered(
                        line,
                        f"the dates of {MAX_WAITING_ROWS:,} rows could be day first or month first {_NONE_ABOVE_12}",
                    )
                    return
                waiting.append((line, values))
                continue
            for early, early_values in waiting:
                yield early, early_values, order
            waiting.clear()
            yield line, values, order
        if waiting:
            unordered(None, f"the dates could be day first or month first {_NONE_ABOVE_12}")
            # Still read, to say at once each value that is no date in any order: a date whose
            # fields are both 1 to 12 is one either way, so any order finds the same values wrong
            # (the file is refused: what the rows would count is never used)
            for early, early_values in waiting:
                yield early, early_values, "day-first"


def _width_problem(
    row: Sequence[str], delimiter: str, width: int, names: set[str], header_at_least: int
) -> tuple[str, str]:
    """What to say of a row of another number of values than the header has columns, and the hint.

    A value written with an unquoted comma shifts the ones after it into the
    wrong columns (a certification read as a course, the last value pushed
    out); a row cut short (a download that stopped mid-line) would read its
    missing values as blank, and a blank means something (an ExpirationDate:
    never expires). No download writes either, so the row is not guessed at.
    A row whose values another separator splits into the header's columns
    (semicolons under a header of commas: two downloads joined, one saved in
    another locale) is neither, and is said to be what it is.
    """
    size, separator = len(row), _DELIMITER_NAMES[delimiter]
    start = f"{size} values, but the header has {width} columns"
    for other in _DELIMITERS:
        if other == delimiter or not any(other in value for value in row):
            continue
        values = next(csv.reader([delimiter.join(row)], delimiter=other), [])
        if sum(_as_name(value) in names for value in values) >= header_at_least:
            message = f"a header again, as on line 1, with its names separated by {_DELIMITER_NAMES[other]}s"
            return f"{message}: two downloads joined into one file?", "give each download as a file of its own"
        if len(values) == width:
            message = f"{start}: its values separated by {_DELIMITER_NAMES[other]}s, but the header's by {separator}s"
            return message, "save the file with one separator, or give each download as a file of its own"
    if size > width:
        return f"{start}: a value with an unquoted {separator}?", "quote the value"
    return f"{start}: a row cut short?", "download the file again"


#: The columns of one name a message shows (a header may name one thousands of times)
_COLUMNS_SHOWN = 3


def _columns_named(present: Sequence[str], indexes: list[int]) -> str:
    """How often the header names one column, and where: "twice: 'MCPID' (column 7) and 'mcpid' (column 10)".

    At most :data:`_COLUMNS_SHOWN` are named: a header of 60,000 'Date'
    made a message of 1.5 MB.
    """
    shown = [f"{present[index]!r} (column {index + 1})" for index in indexes[:_COLUMNS_SHOWN]]
    times = "twice" if len(indexes) == 2 else f"{len(indexes):,} times"
    rest = len(indexes) - len(shown)
    if rest:
        return f"{times}: {', '.join(shown)} and {rest:,} more"
    return f"{times}: {', '.join(shown[:-1])} and {shown[-1]}"


def _missing_hint(name: str, present: Sequence[str]) -> str:
    """What to say of a column *name* the header lacks: a close name it has, or why it may lack it."""
    if len(present) == 1 and name.casefold() in present[0].casefold():  # 'TrainingTitle|TrainingType|...'
        return (
            "the header line reads as one column: are its names separated by something else than commas, tabs "
            "or semicolons?"
        )
    close = difflib.get_close_matches(name, sorted(present), n=1, cutoff=0.6)  # as close_to finds it
    if not close:
        return "is this the right download?"
    return f"did you mean {close[0]!r}{not_ascii(close[0])}?"  # a Cyrillic Es prints as the C it stands for


def _column_key(name: str) -> str:
    """A column name as names are matched: its letters and digits alone, case and width ignored ("MCP ID" is
    "MCPID", "E-mail" "Email", a zero-width space pasted before it dropped)."""
    if name.isascii():
        return "".join(filter(str.isalnum, name)).casefold()
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", name))).casefold()


def _unread_near_misses(
    path: Path, present: Sequence[str], wanted: Mapping[str, Sequence[str]], found: Mapping[str, int]
) -> list[str]:
    """A warning for each column not read that is close to a wanted one the file lacks ("Email Address": "Email")."""
    used = set(found.values())
    lacking = {_column_key(spelling): spelling for key, spellings in wanted.items() if key not in found
               for spelling in spellings}  # fmt: skip
    said = []
    for index, name in enumerate(present[:_COLUMNS_COMPARED]):
        key = _column_key(name)
        if index in used or not key or key in _OTHER_COLUMNS:
            continue
        close = [known for known in lacking if known in key or key in known]
        close = close or difflib.get_close_matches(key, lacking, n=1, cutoff=0.75)
        if close:
            said.append(f"{path}: column {name!r} is not read: is it {lacking[close[0]]!r}? (rename it so if it is)")
    return said


#: Partner Center's columns that no import reads (docs/partner-center.md): never taken for one it lacks
_OTHER_COLUMNS = frozenset(
    {"pgampnid", "trainingactivityid", "icmcp", "mpnid", "partnername", "partnercitylocation",
     "partnercountrylocation", "claimid", "month"}
)  # fmt: skip
#: The columns of a header compared with those a download lacks (a header may have thousands)
_COLUMNS_COMPARED = 200


def _as_name(value: str) -> str:
    """A header cell or a value as column names are compared: case, spaces and a byte order mark ignored."""
    return value.replace("\ufeff", "").strip().casefold()

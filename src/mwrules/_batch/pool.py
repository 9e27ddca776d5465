"""Evaluate many partners: one result per input, in input order, on several processes, in bounded memory.

The inputs are read lazily and sent to worker processes in chunks; at most a
few chunks per worker are in flight, so a portfolio of any size streams
through in the memory of a few chunks. A document with problems is a result
with those problems: one bad document never stops the batch. The engine holds
the GIL while it runs, so the work is spread over processes, not threads.

The worker processes are :mod:`.workers`'s: never more than there are chunks,
and never outliving the process that started them, however it ends. Ctrl-C
stops the batch in the process that started it; the workers ignore it and
are stopped with the batch.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from .. import codes
from .._evaluation.designations import designation_family, evaluate_designations, once_each
from .._evaluation.evaluate import checked, evaluate_with, prepare
from .._input import documents as _documents
from .._input.partner import choose_ruleset, on_date, read_document
from .._rulesets.versions import shipped_ids
from ..errors import InputError, Problem, RulesetError
from ..limits import DEFAULT_LIMITS, Limits, checked_limits
from ..model import Partner
from ..ruleset import Ruleset
from ..verdict import Designations, Verdict
from .workers import in_workers


#: Inputs sent to a worker at a time: enough to make the cost of sending them
#: small beside evaluating them, few enough to keep every worker busy.
CHUNK_SIZE = 32
#: Chunks in flight per worker: what bounds the memory of a batch.
CHUNKS_AHEAD = 4


@attrs.frozen
class Result:
    """What became of one input of a batch: its verdict, or the problems that kept it from one.

    *index* is the input's position (from 0); *source* names it: a file, or
    ``file:line`` for a record of a JSON Lines file (None for a document given
    as an object).
    """

    index: int
    source: str | None
    verdict: Verdict | None = None
    problems: tuple[Problem, ...] = ()
    #: With ``designations``: every designation's result, instead of *verdict*
    designations: Designations | None = None

    @property
    def ok(self) -> bool:
        """Whether the input was evaluated."""
        return self.verdict is not None or self.designations is not None


@attrs.frozen
class _Settings:
    ruleset: Ruleset | str | None
    limits: Limits
    as_of: datetime.date | None
    # The designations each input is evaluated for (evaluate_designations), or None: *ruleset* alone
    designations: tuple[str, ...] | None = None
    # What the worker sends back for each result (a module-level function):
    # by default the result itself
    finish: Callable[[Result], Any] | None = None

    def outcome(self, item: _Item) -> Any:
        result = _evaluate_item(item, self)
        return result if self.finish is None else self.finish(result)


# One input: its source, and either a document (a Partner, a mapping, a
# path, the bytes of a JSON or YAML file) or the text of a JSON Lines record
# (then the flag is true)
Input = tuple[str | None, Any, bool]
_Item = tuple[int, str | None, Any, bool]


def evaluate_many(
    documents: Iterable[Partner | Mapping[str, Any] | str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    designations: Iterable[str] | bool = False,
) -> Iterator[Result]:
    """Evaluate each of *documents* (what :func:`mwrules.evaluate` takes), yielding a :class:`Result` each, in order.

    *jobs* is the number of worker processes (default: the cores this
    process may use; 1 evaluates in this process, as does a daemonic
    process, which may not start any). *documents* is read as the
    results are consumed, a few chunks ahead, so a generator of millions of
    partners runs in bounded memory. *ruleset* and *limits* are as for
    :func:`mwrules.evaluate`. With *designations* (True: every shipped one,
    or their ids), each result holds every designation's result
    (:func:`mwrules.evaluate_designations`) instead of one verdict.

    >>> [result.verdict.qualified for result in evaluate_many([{"partner_id": "a"}], jobs=1)]
    [False]

    Raises:
        RulesetError: the named ruleset does not exist (before any input is read).
        TypeError: *documents* is one text, bytes or mapping, not an iterable of documents.
        ValueError: *designations* is a text, or names none.
    """
    _many("documents", documents, "evaluate_many([path]) or evaluate_many([document])")
    # bytes are no document here, as for evaluate (the command line's standard input is, a text to parse)
    inputs = ((_source(document), _not_text(document), False) for document in documents)
    return evaluate_inputs(inputs, jobs=jobs, ruleset=ruleset, limits=limits, designations=designations)


def evaluate_lines(
    lines: Iterable[str | bytes],
    *,
    source: str = "<stdin>",
    jobs: int | None = None,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    as_of: datetime.date | None = None,
    designations: Iterable[str] | bool = False,
) -> Iterator[Result]:
    """Evaluate a JSON Lines portfolio: one partner document per line, a :class:`Result` per document, in order.

    *lines* is an open file or any iterable of lines; blank lines are
    skipped. Each result's source is ``source:line``, and so is the file of
    its problems. *as_of*, when given, replaces each document's ``as_of``.
    The other arguments are as for :func:`evaluate_many`.
    """
    _many("lines", lines, "evaluate_lines(text.splitlines()) or evaluate_lines(open(path, 'rb'))")
    return evaluate_inputs(
        json_lines(lines, source, limits),
        jobs=jobs,
        ruleset=ruleset,
        limits=limits,
        as_of=as_of,
        designations=designations,
    )


def json_lines(lines: Iterable[str | bytes], source: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Input]:
    """The records of a JSON Lines file as inputs, each named ``source:line``; blank lines are skipped.

    An open file is read a line of at most ``limits.max_file_bytes`` at a
    time: a longer line is an input with that problem, and the last read (a
    file that is one endless line, ``/dev/zero``, must not fill the memory).
    """
    size = limits.max_file_bytes
    for number, line in enumerate(_bounded_lines(lines, size), start=1):
        if line is None:
            yield (f"{source}:{number}", _LineTooLong(number, size), True)
            return
        if line.strip():
            yield (f"{source}:{number}", line, True)


def _bounded_lines(lines: Iterable[str | bytes], size: int) -> Iterator[str | bytes | None]:
    """The records of *lines*, without their line breaks; of an open file, up to one longer than *size*, then None.

    A record of *size* fits, whether its line ends in ``\n`` or ``\r\n``.
    """
    readline = getattr(lines, "readline", None)
    if readline is None:  # lines already in memory
        yield from map(_without_break, lines)
        return
    while line := readline(size + 2):
        record = _without_break(line)
        if len(record) > size:  # read in part, or whole but too long: where it ends is not known
            yield None
            return
        yield record


def _without_break(line: str | bytes) -> str | bytes:
    if isinstance(line, bytes):
        return line.rstrip(b"\r\n")
    if not isinstance(line, str):
        msg = f"a line must be str or bytes, not {type(line).__name__}"
        raise TypeError(msg)
    return line.rstrip("\r\n")


@attrs.frozen
class NoDocuments:
    """A folder or a JSON Lines file named as a portfolio holds no partner: a problem, not an empty portfolio."""

    message: str = "no partner documents (*.json, *.yaml, *.yml, *.jsonl, *.ndjson) here"

    def problem(self, source: str | None) -> Problem:
        return Problem("$", self.message, file=source, code=codes.UNREADABLE)


#: What a JSON Lines file or stream without a record is (an export that failed, piped in)
NO_RECORDS = NoDocuments("no partner records: the JSON Lines are empty, or blank lines only")


@attrs.frozen
class _LineTooLong:
    """A line of a JSON Lines file longer than a document may be: the reading of the file stopped there."""

    line: int
    size: int

    def problem(self, source: str | None) -> Problem:
        message = f"line {self.line} is longer than {self.size:,} bytes: it and the lines after it were not read"
        return Problem("$", message, "raise the limit with --limit file-bytes=N", file=source, code=codes.LIMIT)


def evaluate_inputs(
    inputs: Iterable[Input],
    *,
    jobs: int | None = None,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    as_of: datetime.date | None = None,
    finish: Callable[[Result], Any] | None = None,
    designations: Iterable[str] | bool = False,
) -> Iterator[Any]:
    """:func:`evaluate_many` and :func:`evaluate_lines` in one: documents and records mixed (the command line's).

    *finish*, a module-level function, turns each result into what is sent
    back from the worker (the command line's output line: formatting a
    verdict costs as much as reaching it, and belongs on the workers).
    """
    settings = attrs.evolve(_settings(ruleset, limits, as_of, designations), finish=finish)
    items = ((index, *item) for index, item in enumerate(inputs))
    return _run(items, _jobs(jobs), settings)


def evaluate_input(
    item: Input,
    *,
    ruleset: Ruleset | str | None,
    limits: Limits = DEFAULT_LIMITS,
    designations: Iterable[str] | bool = False,
) -> Result:
    """One input, evaluated as a batch evaluates each of its inputs (Spark evaluates row by row)."""
    return _evaluate_item((0, *item), _settings(ruleset, limits, None, designations))


def check_settings(
    ruleset: Ruleset | str | None, limits: Limits = DEFAULT_LIMITS, designations: Iterable[str] | bool = False
) -> None:
    """Refuse an unknown ruleset name or designation, or a mistyped setting, before any input is evaluated.

    Spark checks them on the driver this way: evaluating a stand-in document
    there failed for the rulesets whose designation needs a fact it lacks.
    """
    _settings(ruleset, limits, None, designations)


def _settings(
    ruleset: Ruleset | str | None,
    limits: Limits,
    as_of: datetime.date | None,
    designations: Iterable[str] | bool = False,
) -> _Settings:
    checked_limits(limits)
    if isinstance(as_of, datetime.date) and type(as_of) is not datetime.date:
        # a datetime (whose day depends on its time zone) or a subclass, as timeline and plan refuse it,
        # not put into every verdict as it is
        msg = f"as_of must be a datetime.date, not {type(as_of).__name__}: give datetime.date(y, m, d)"
        raise TypeError(msg)
    if not isinstance(designations, bool | Iterable):  # None too: evaluate_designations' every one, not False here
        msg = (
            f"designations must be True (every shipped designation), ids such as ['security'], or False (the "
            f"default: one verdict), not designations={designations!r}"
        )
        raise TypeError(msg)
    if designations is False:
        with contextlib.suppress(InputError):  # no version in force today: each input's as_of chooses
            choose_ruleset(ruleset, None)  # an unknown name fails now, not once per input
        return _Settings(ruleset, limits, as_of)
    if ruleset is not None:
        msg = "designations evaluates each designation under its own ruleset: give no ruleset"
        raise ValueError(msg)
    if isinstance(designations, str):  # each character would be an id
        msg = f"designations must be True or a list of ids such as ['security'], not {designations!r}"
        raise ValueError(msg)
    ids = tuple(shipped_ids()) if designations is True else tuple(once_each(designations))
    if not ids:
        msg = "designations names no designation: give ids such as ['security'], or leave it False"
        raise ValueError(msg)
    for designation in ids:
        designation_family(designation)  # an unknown name fails now, not once per input
    return _Settings(None, limits, as_of, ids)


def _many(name: str, given: object, instead: str) -> None:
    """Refuse one text, bytes or mapping given for an iterable of many: each character (or key) would be an input."""
    if isinstance(given, str | bytes | bytearray | Mapping):
        msg = f"{name} must be an iterable of {name}, not one {type(given).__name__}: {instead}"
        raise TypeError(msg)


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        msg = f"jobs must be a whole number of at least 1, not {jobs!r}"
        raise ValueError(msg)
    return jobs


def _source(document: object) -> str | None:
    return os.fspath(document) if isinstance(document, str | os.PathLike) else None


def _run(items: Iterator[_Item], jobs: int, settings: _Settings) -> Iterator[Any]:
    if jobs == 1:
        yield from (settings.outcome(item) for item in items)
        return
    # Each document as it is when taken, not when a worker is sent its chunk (a generator may fill one dict again)
    items = map(_taken, items)
    chunks = iter(lambda: list(itertools.islice(items, CHUNK_SIZE)), [])
    for results in in_workers(_evaluate_chunk, settings, chunks, workers=jobs, ahead=CHUNKS_AHEAD):
        yield from results


@attrs.frozen
class _Taken:
    """A document given as Python data, pickled as it was when the batch took it."""

    pickled: bytes


def _not_text(document: object) -> object:
    """*document*; bytes as data to check (refused, as evaluate refuses them), not a text to parse."""
    return _documents.Document(document) if isinstance(document, bytes | bytearray) else document


def _taken(item: _Item) -> _Item:
    """*item*, its document pickled now if it is data that could change before a worker gets it."""
    index, source, document, is_line = item
    if isinstance(document, str | os.PathLike | bytes | _LineTooLong | NoDocuments):
        return item
    try:
        return index, source, _Taken(pickle.dumps(document, pickle.HIGHEST_PROTOCOL)), is_line
    except Exception:  # what cannot be pickled is evaluated here, as the workers do with it
        return item


def _evaluate_chunk(settings: _Settings, chunk: list[_Item]) -> list[Any]:
    return [settings.outcome(item) for item in chunk]


def _parsed(document: Any, source: str | None, is_line: bool, limits: Limits) -> _documents.Document:
    """The document of an input given as text (a record, standard input) or, to be dated, as a file's path."""
    if not is_line and isinstance(document, str | os.PathLike):
        return read_document(document, limits=limits)
    data = document if isinstance(document, bytes) else document.encode("utf-8", "surrogatepass")
    return _documents.parse_bytes(data, source=source, fmt="json" if is_line else None, limits=limits)


def _evaluate_item(item: _Item, settings: _Settings) -> Result:
    index, source, document, is_line = item
    if isinstance(document, _Taken):
        document = pickle.loads(document.pickled)  # noqa: S301 - pickled by this batch, in this process's parent
    if isinstance(document, _LineTooLong | NoDocuments):
        return Result(index, source, problems=(document.problem(source),))
    try:
        # A file whose as_of a given date replaces is read here, to put the date in, as a record's text is
        dated_file = not is_line and settings.as_of is not None and isinstance(document, str | os.PathLike)
        if is_line or isinstance(document, bytes) or dated_file:  # or a whole document's text (standard input)
            parsed = _parsed(document, source, is_line, settings.limits)
            if settings.designations is not None:
                dated = on_date(parsed, settings.as_of)
                found = evaluate_designations(dated, designations=settings.designations, limits=settings.limits)
                return Result(index, source, designations=found)
            partner, choice = prepare(on_date(parsed, settings.as_of), settings.ruleset, settings.limits)
        elif settings.designations is not None:
            found = evaluate_designations(document, designations=settings.designations, limits=settings.limits)
            return Result(index, source, designations=found)
        else:
            partner, choice = checked(document, settings.ruleset, settings.limits)
        return Result(index, source, evaluate_with(partner, choice))
    except (InputError, RulesetError) as error:
        problems = error.problems
        if is_line:  # the record's line is its source's; a line within the record says nothing more
            problems = tuple(attrs.evolve(problem, line=None) for problem in problems)
        return Result(index, source, problems=problems)

"""``mwrules evaluate`` over a portfolio: many files, folders and JSON Lines, a line of output per partner.

The inputs stream through :func:`mwrules._batch.pool.evaluate_inputs` (worker
processes, input order); each result is printed as it arrives, with a
progress bar on a terminal, and a summary goes to standard error at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from .. import codes
from .._evaluation.designations import named_designations
from .._input.documents import JSON_LINES_SUFFIXES, is_json_lines, read_at_most
from .._input.folders import PARTNER_SUFFIXES, folder_problem, is_folder, left_out_notices, partner_files, read_twice
from .._input.text import printable
from .._output.ascii_text import ascii_out, json_ascii
from .._output.designations_report import designations_to_json
from .._output.json import problem_to_json, verdict_to_json
from .._tools.given_by import GivenBy
from ..limits import Limits
from ..ruleset import Ruleset
from ..verdict import Designations, format_points
from .pool import NO_RECORDS, Input, NoDocuments, Result, evaluate_inputs, json_lines
from .workers import WorkerLost


EXIT_OK, EXIT_UNQUALIFIED, EXIT_BAD_INPUT = 0, 1, 2


def is_portfolio(sources: Sequence[str], *, lines: bool, output: str) -> bool:
    """Whether the command line names a portfolio rather than one partner (whose output is a full verdict)."""
    if len(sources) > 1 or lines or output == "jsonl":
        return True
    source = sources[0]
    return source != "-" and (Path(source).is_dir() or is_json_lines(source))


def run(args: argparse.Namespace, ruleset: Ruleset | str | None, limits: Limits) -> int:
    """Evaluate every input named by *args*, print a result per input and a summary; the exit status."""
    if args.format == "json":
        message = "--format json prints one verdict; for several partners use --format jsonl"
        print(f"mwrules: {codes.USAGE} {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.partner.count("-") > 1:  # the second would read nothing, or an empty document
        print(f"mwrules: {codes.USAGE} standard input (-) is named twice: it can be read once", file=sys.stderr)
        return EXIT_BAD_INPUT
    twice = read_twice(args.partner)  # (a pipe named twice waited forever)
    if twice is not None:
        print(f"mwrules: {codes.USAGE} {twice}", file=sys.stderr)
        return EXIT_BAD_INPUT
    designations = _designations(args)
    inputs, total = _inputs(args.partner, lines=args.lines, limits=limits)
    finish = _jsonl if args.format == "jsonl" else _text
    outputs = evaluate_inputs(
        inputs,
        jobs=args.jobs,
        ruleset=ruleset,
        limits=limits,
        as_of=args.as_of,
        finish=finish,
        designations=designations,
    )
    tally = _Tally()
    escaped = json_ascii if args.format == "jsonl" and ascii_out() else str  # JSON Lines on a cp1252 console
    try:
        for line, outcome in _with_progress(outputs, total):
            tally.add(outcome)
            print(escaped(line))
    except WorkerLost as error:
        print(f"mwrules: {error} ({tally.inputs:,} result(s) printed)", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in tally.repeated():
        print(f"mwrules: {note}", file=sys.stderr)
    print(f"mwrules: {tally.text('for' if designations else 'on')}", file=sys.stderr)
    if tally.failed:
        return EXIT_BAD_INPUT
    return EXIT_UNQUALIFIED if args.fail_unqualified and tally.unqualified else EXIT_OK


def _inputs(sources: Sequence[str], *, lines: bool, limits: Limits) -> tuple[Iterator[Input], int | None]:
    """The inputs the sources name, read lazily, and how many there are when that is known without reading."""
    files: list[tuple[str, bool]] = []  # (source, JSON Lines?)
    for source in sources:
        path = Path(source)
        if source == "-":
            files.append((source, lines))
        elif is_folder(path):
            found = partner_files(path, (*PARTNER_SUFFIXES, *JSON_LINES_SUFFIXES))
            files += [(str(candidate), is_json_lines(candidate)) for candidate in found.files] or [(source, False)]
            for notice in left_out_notices(found):
                print(notice, file=sys.stderr)
        else:
            files.append((source, is_json_lines(source)))
    total = None if any(is_lines for _, is_lines in files) else len(files)
    return _read(files, limits), total


def _read(files: Sequence[tuple[str, bool]], limits: Limits) -> Iterator[Input]:
    for source, is_lines in files:
        if source == "-":
            if is_lines:
                yield from _records(json_lines(sys.stdin.buffer, "<stdin>", limits), "<stdin>")
            else:
                # as much as the limit and a byte: the parser says it is too long
                yield ("<stdin>", read_at_most(sys.stdin.buffer, limits.max_file_bytes + 1), False)
        elif is_folder(Path(source)):  # a folder with nothing to read in it, or one that cannot be listed
            yield (source, NoDocuments(folder_problem(Path(source))), False)
        elif not is_lines:
            yield (source, Path(source), False)
        else:
            try:
                with Path(source).open("rb") as file:
                    yield from _records(json_lines(file, source, limits), source)
            except OSError:
                yield (source, Path(source), False)  # reading it as one document says why it cannot be read


def _records(inputs: Iterator[Input], source: str) -> Iterator[Input]:
    """*inputs*, the records of one JSON Lines source; none is a problem of the source (it exits 0 else)."""
    empty = True
    for item in inputs:
        empty = False
        yield item
    if empty:
        yield (source, NO_RECORDS, False)


def _with_progress(outputs: Iterator[Any], total: int | None) -> Iterator[Any]:
    if sys.stderr is None or not sys.stderr.isatty():  # None: started with standard error closed
        return outputs
    from tqdm import tqdm  # noqa: PLC0415 - only a terminal shows it

    return iter(tqdm(outputs, total=total, unit=" partners", file=sys.stderr, leave=False))


def _designations(args: argparse.Namespace) -> list[str] | bool:
    """``--designations``: every shipped one (True), those named, or none (False)."""
    named = getattr(args, "designations", None)
    if named is None:
        return False
    return True if named == "all" else named_designations(named)


class _Scored(NamedTuple):
    """What the summary counts of an input evaluated: on which paths (or for which designations) it qualifies."""

    qualified: tuple[str, ...]
    partner_id: str
    source: str
    #: Some designations had problems (a fact they classify by, missing): the others were evaluated
    problems: bool = False


#: None: the input could not be evaluated (its problems are printed)
_Outcome = _Scored | None


def _outcome(result: Result) -> _Outcome:
    source = printable(result.source) if result.source else f"input {result.index + 1}"
    if result.designations is not None:
        found = result.designations
        return _Scored(found.qualified, found.partner_id, source, problems=bool(found.problems))
    if result.verdict is None:
        return None
    verdict = result.verdict
    return _Scored((verdict.path,) if verdict.qualified else (), verdict.partner_id, source)


def _text(result: Result) -> tuple[str, _Outcome]:
    """A result's line of text output, and its outcome (on the worker)."""
    source = printable(result.source) if result.source else f"input {result.index + 1}"
    if result.designations is not None:
        return _designations_text(source, result.designations), _outcome(result)
    verdict = result.verdict
    if verdict is None:
        problems = "".join(f"\n  {problem}" for problem in result.problems)
        return f"{source}: {len(result.problems)} problem(s){problems}", None
    status = "QUALIFIED" if verdict.qualified else "NOT QUALIFIED"
    line = f"{source}: {verdict.partner_id}: {status} on {verdict.path}, {format_points(verdict.score)} points"
    return line, _outcome(result)


def _designations_text(source: str, found: Designations) -> str:
    """``source: partner: qualified for a, b; badges: X, Y`` and each designation's problems on lines below."""
    qualified = found.qualified
    badges = "; badges: " + ", ".join(badge.name for badge in found.badges) if found.badges else ""
    line = f"{source}: {found.partner_id}: qualified for {', '.join(qualified) or 'none'}{badges}"
    problems = "".join(f"\n  {problem}" for problem in found.problems)
    return line + problems


def _jsonl(result: Result) -> tuple[str, _Outcome]:
    """A result's JSON Lines record, and its outcome (on the worker)."""
    record: dict[str, Any] = {"input": result.source or result.index + 1}
    if result.designations is not None:
        record.update(designations_to_json(result.designations))
    elif result.verdict is not None:
        record["verdict"] = verdict_to_json(result.verdict)
    else:
        record["problems"] = [problem_to_json(problem) for problem in result.problems]
    return json.dumps(record, ensure_ascii=False), _outcome(result)


@attrs.define
class _Tally:
    """What a batch came to: inputs, verdicts per path, failures."""

    inputs: int = 0
    failed: int = 0
    #: of the failed, those evaluated for the designations without problems (and counted for them)
    partly: int = 0
    unqualified: int = 0
    qualified: Counter[str] = attrs.field(factory=Counter)
    given_by: GivenBy = attrs.field(factory=GivenBy)

    def add(self, outcome: _Outcome) -> None:
        self.inputs += 1
        if outcome is None:
            self.failed += 1
            return
        if outcome.problems:
            self.failed += 1
            self.partly += 1
        if outcome.qualified:
            self.qualified.update(outcome.qualified)
        else:
            self.unqualified += 1
        self.given_by.add(outcome.partner_id, outcome.source)

    def repeated(self) -> list[str]:
        """A note per partner_id several inputs gave: the summary counts each of them (an old export and a new?)."""
        return self.given_by.notes("in the summary")

    def __str__(self) -> str:
        return self.text("on")

    def text(self, word: str) -> str:
        """The tally, counting qualified partners per path (*word* "on") or per designation ("for")."""
        evaluated = self.inputs - self.failed + self.partly
        per_path = ", ".join(f"{count:,} {word} {path}" for path, count in sorted(self.qualified.items()))
        qualified = f"qualified {per_path}; " if per_path else ""
        partly = ""
        if self.partly:  # "1 with problems (evaluated for ...)", "3 with problems (2 evaluated for ...)"
            some = "" if self.partly == self.failed else f"{self.partly:,} "
            partly = f" ({some}evaluated for the designations without them)"
        return (
            f"{self.inputs:,} input(s): {evaluated:,} evaluated ({qualified}{self.unqualified:,} not qualified), "
            f"{self.failed:,} with problems{partly}"
        )

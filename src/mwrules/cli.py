"""The ``mwrules`` command.

Exit status:

* ``evaluate``, ``explain``: 0 when a partner was evaluated (qualified or
  not); 1 with ``--fail-unqualified`` when it does not qualify.
* ``lint``: 0 when no problem is found, 1 when some are.
* ``test``: 0 when every case passes, 1 when one fails or none ran.
* ``plan``: 0 with a plan (or nothing to do), 1 when no path can qualify.
* ``timeline``: 0 when the timeline was computed.
* ``diff``: 0 when every partner was evaluated under both rulesets.
* Every command: 2 for a command line it does not understand (code MW301),
  a file that cannot be read or written, bad input or a bad ruleset.
  Problems go to standard error, never a traceback. 141 (as for a tool
  killed by SIGPIPE) when the reader of the output closed the pipe; 130 (as
  for a tool killed by SIGINT) when interrupted with Ctrl-C.

Each command imports what it needs when it runs: ``mwrules --help`` and
``mwrules --version`` import neither the engine nor YAML nor cattrs.
"""

from __future__ import annotations

import argparse
import datetime
import io
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence

from . import codes


# typing.TYPE_CHECKING without importing typing: the command line starts
# faster without it (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, NoReturn

    from ._input.documents import Document
    from ._tools.cases import CaseResult
    from .limits import Limits
    from .ruleset import Ruleset


EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_UNQUALIFIED = EXIT_PROBLEMS
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE
EXIT_INTERRUPTED = 128 + 2  # SIGINT


class _UsageError(Exception):
    """A command line mwrules does not understand; :func:`main` reports it (code MW301) and exits with 2."""


class _CannotWrite(Exception):
    """A file, or standard output, that could not be written; :func:`main` reports it and exits with 2."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors carry a code and return to :func:`main` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        line = f"{self.prog}: {codes.USAGE} {message}"
        raise _UsageError(line)


class _ClosedOutput(io.TextIOBase):
    """Standard output of a process started without one (``mwrules evaluate x >&-``): writing to it fails."""

    def write(self, text: str, /) -> int:
        message = "cannot write to standard output: it is closed"
        raise _CannotWrite(message)


def _usage_error(message: str) -> int:
    """Report a command line that cannot work as given (code MW301); the exit status."""
    print(f"mwrules: {codes.USAGE} {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _write_file(path: str, text: str | Iterable[str]) -> None:
    """Write *text* (or its lines, as they come) to the file *path* (UTF-8), or raise :class:`_CannotWrite`."""
    from pathlib import Path

    try:
        with Path(path).open("w", encoding="utf-8") as out:
            out.writelines((text,) if isinstance(text, str) else text)
    except OSError as error:
        from ._input.convert import shown

        message = f"cannot write {shown(path)}: {error.strerror or error}"
        raise _CannotWrite(message) from None


def _date(text: str) -> datetime.date:
    from ._input.convert import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _path(text: str) -> Path:
    from pathlib import Path

    if not text:
        msg = "an empty path names no file or folder"
        raise argparse.ArgumentTypeError(msg)
    return Path(text)


def _text(text: str) -> str:
    if not text:
        msg = "cannot be empty"
        raise argparse.ArgumentTypeError(msg)
    return text


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= _MAX_JOBS:
        msg = f"needs a whole number from 1 to {_MAX_JOBS}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


_MAX_JOBS = 512


def _limit(text: str) -> tuple[str, int]:
    from ._input.convert import shown
    from .errors import did_you_mean
    from .limits import MAX_DEPTH, Limits

    name, _, value = text.partition("=")
    fields = dict(Limits.NAMES)
    if name not in fields:
        hint = did_you_mean(name, fields)
        raise argparse.ArgumentTypeError(f"no limit is called {shown(name)}" + (f" ({hint})" if hint else ""))
    if not (value.isascii() and value.isdigit() and len(value) <= 18) or int(value) < 1:
        msg = f"{name} needs a whole number of at least 1, e.g. {name}=1000"
        raise argparse.ArgumentTypeError(msg)
    if fields[name] == "max_depth" and int(value) > MAX_DEPTH:
        msg = f"{name} can be at most {MAX_DEPTH}: deeper nesting would exhaust Python's stack"
        raise argparse.ArgumentTypeError(msg)
    return fields[name], int(value)


def _limits(args: argparse.Namespace) -> Limits:
    from .limits import Limits

    return Limits(**dict(args.limit))


class _LimitNames:
    """The names ``--limit`` takes, for its help: read from :mod:`mwrules.limits` (and attrs) only when shown."""

    def __str__(self) -> str:
        from .limits import Limits

        return ", ".join(name for name, _ in Limits.NAMES)


class _LimitOption(argparse.Action):
    """``--limit NAME=N``, repeatable; its help names the limits (``%(names)s``) only when it is shown."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.names = _LimitNames()

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *values: object) -> None:
        setattr(namespace, self.dest, [*getattr(namespace, self.dest), values[0]])


class _Version(argparse.Action):
    """``--version``."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from ._version import __version__

        print(f"mwrules {__version__}")
        parser.exit()


def _tool_commands(partner_command: Callable[..., argparse.ArgumentParser]) -> None:
    """The commands above evaluate that take one partner: plan and timeline."""
    plan_help = "the cheapest actions after which a partner qualifies"
    plan_command = partner_command("plan", plan_help)
    plan_command.add_argument(
        "--costs",
        type=_text,
        metavar="FILE",
        help="the cost of one unit of each action (JSON or YAML); default: placeholders",
    )
    plan_command.add_argument(
        "--path", type=_text, metavar="PATH", help="plan for this path (default: the cheaper one)"
    )
    plan_command.add_argument("--format", choices=("text", "json"), default="text")
    plan_command.add_argument(
        "--by",
        type=_date,
        metavar="YYYY-MM-DD",
        help="plan to qualify on this date: what expires or stops counting by then is taken into account",
    )

    timeline_help = "the verdict over a range of days: when the partner qualifies, can attain, and what changes"
    timeline_command = partner_command(
        "timeline",
        timeline_help,
        as_of=False,
        ruleset_help="a shipped ruleset (without @VERSION, each day under the version in force that day; "
        "modern-work@2026-01 pins one) or a ruleset file (default: Modern Work, the version in force each day)",
    )
    timeline_command.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the first day (default: the document's as_of, else today)",
    )
    timeline_command.add_argument(
        "--to", dest="end", type=_date, metavar="YYYY-MM-DD", help="the last day (default: a year after --from)"
    )
    timeline_command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a table of the segments and a chart per month; json: the segments as data",
    )
    timeline_command.add_argument(
        "--plot", type=_text, metavar="FILE", help="also draw the score over time into FILE (.png or .svg)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mwrules",
        description="Does a partner qualify for Solutions Partner for Modern Work? By how much, and why.",
    )
    parser.add_argument("--version", action=_Version, help="show mwrules' version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def partner_command(
        name: str, help_text: str, *, many: bool = False, as_of: bool = True, ruleset_help: str | None = None
    ) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        if many:
            command.add_argument(
                "partner",
                metavar="FILE",
                nargs="*",
                help="partner documents (JSON or YAML), folders of them, JSON Lines files (.jsonl: one document per "
                "line), or - for stdin",
            )
        else:
            command.add_argument("partner", metavar="FILE", help="a partner document (JSON or YAML), or - for stdin")
        command.add_argument(
            "--ruleset",
            type=_text,
            metavar="ID[@VERSION]|PATH",
            help=ruleset_help
            or "a shipped ruleset (modern-work@2023-06; without @VERSION, the version in force on the partner's "
            "as_of) or a ruleset file (default: the Modern Work version in force on as_of)",
        )
        if as_of:
            command.add_argument(
                "--as-of",
                type=_date,
                metavar="YYYY-MM-DD",
                help="evaluate on this date instead of the document's as_of",
            )
        command.add_argument(
            "--limit",
            type=_limit,
            action=_LimitOption,
            default=[],
            metavar="NAME=N",
            help="raise or lower a limit on what is read (see docs/limits.md): %(names)s",
        )
        return command

    evaluate_command = partner_command(
        "evaluate", "evaluate a partner, or a portfolio of partners, and print the verdicts", many=True
    )
    evaluate_command.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="jsonl: one JSON record per input and line, a verdict or the input's problems (for portfolios)",
    )
    evaluate_command.add_argument(
        "--fail-unqualified", action="store_true", help="exit with status 1 when a partner does not qualify"
    )
    evaluate_command.add_argument("--lines", action="store_true", help="read standard input as JSON Lines")
    _import_arguments(evaluate_command, one_step=True)
    evaluate_command.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes for a portfolio (default: the cores); 1 evaluates in this process",
    )
    partner_command("explain", "explain how every point of a verdict was reached")

    _tool_commands(partner_command)

    import_help = "turn Partner Center downloads (trainings, customer usage) into a partner document"
    import_command = commands.add_parser("import", help=import_help, description=import_help)
    _import_arguments(import_command, one_step=False)
    import_command.add_argument("--format", choices=("yaml", "json"), default="yaml")
    import_command.add_argument("-o", "--output", type=_text, metavar="OUT", help="write here (default: stdout)")
    import_command.add_argument(
        "--ruleset",
        type=_text,
        metavar="ID[@VERSION]|PATH",
        help="whose certification titles, association types and workloads to match (default: the Modern Work "
        "version in force on --as-of)",
    )
    import_command.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the evaluation date the document carries (default: none, so the document is evaluated as of the day "
        "it is evaluated; the titles are matched under the version in force today)",
    )

    paths_help = "ruleset files or folders (default: the shipped rulesets)"
    lint_command = commands.add_parser(
        "lint", help="check ruleset files, their versions and their cases", description="check ruleset files"
    )
    lint_command.add_argument("paths", nargs="*", type=_path, metavar="PATH", help=paths_help)
    test_command = commands.add_parser(
        "test", help="run the cases beside each ruleset", description="run the cases beside each ruleset"
    )
    test_command.add_argument("paths", nargs="*", type=_path, metavar="PATH", help=paths_help)

    diff_help = "how a ruleset change changes the verdicts of a portfolio of partners"
    diff_command = commands.add_parser("diff", help=diff_help, description=diff_help)
    diff_command.add_argument("old", metavar="OLD", help="the ruleset before: ID@VERSION or a file")
    diff_command.add_argument("new", metavar="NEW", help="the ruleset after: ID@VERSION or a file")
    diff_command.add_argument(
        "--partners", type=_path, required=True, metavar="DIR|FILE", help="a partner document, or a folder of them"
    )
    diff_command.add_argument("--format", choices=("text", "json"), default="text")

    schema_command = commands.add_parser(
        "schema",
        help="print the JSON Schema of ruleset files or of partner documents",
        description="print the JSON Schema of ruleset files (shipped as rulesets/ruleset.schema.json) or of "
        "partner documents (rulesets/partner.schema.json: the latest Modern Work version's)",
    )
    schema_command.add_argument("kind", nargs="?", choices=("ruleset", "partner"), default="ruleset")
    schema_command.add_argument(
        "--ruleset",
        type=_text,
        metavar="ID[@VERSION]|PATH",
        help="partner: the ruleset whose paths, metrics and names to use (default: the latest Modern Work version)",
    )
    return parser


def _import_arguments(command: argparse.ArgumentParser, *, one_step: bool) -> None:
    """The options that read Partner Center downloads (``import``, and ``evaluate`` in one step)."""
    command.add_argument(
        "--trainings", type=_text, action="append", default=[], metavar="FILE",
        help='a "Trainings, exams and certifications" download (CSV or TSV); repeat for several',
    )  # fmt: skip
    command.add_argument(
        "--usage", type=_text, action="append", default=[], metavar="FILE",
        help="a customer usage download (CPOR-M365 or Office 365 license usage); repeat for several",
    )  # fmt: skip
    command.add_argument(
        "--partner-id", type=_text, required=not one_step, metavar="ID", help="the partner's id in the document"
    )
    command.add_argument(
        "--date-order", choices=("day-first", "month-first"), help="how the files write dates (default: as they show)"
    )
    command.add_argument("--keep-names", action="store_true", help="people ids from their names (personal data)")
    command.add_argument("--report", type=_text, metavar="FILE", help="write the import report here, as JSON")
    if not one_step:  # evaluate has its own --limit
        command.add_argument(
            "--limit",
            type=_limit,
            action="append",
            default=[],
            metavar="NAME=N",
            help="raise or lower a limit of the partner document written (see docs/limits.md)",
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    if sys.stdout is None:  # started with standard output closed
        sys.stdout = _ClosedOutput()
    for stream in (sys.stdout, sys.stderr):
        # Text from a partner file may not be printable as it is (a lone
        # surrogate from a JSON escape): show it escaped rather than fail.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        return _run(argv)
    except KeyboardInterrupt:
        # Ctrl-C: stop quietly, with the status of a tool killed by SIGINT
        print("mwrules: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    return _command(args)


def _command(args: argparse.Namespace) -> int:
    command: Callable[[argparse.Namespace], int] = _COMMANDS[args.command]
    from ._input.convert import shown
    from .errors import InputError, MwrulesError, RulesetError

    try:
        status = command(args)
        sys.stdout.flush()
    except (InputError, RulesetError) as error:
        print(f"mwrules: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MwrulesError as error:  # pragma: no cover - an engine failure is a bug, but say it plainly
        print(f"mwrules: internal error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except _CannotWrite as error:
        print(f"mwrules: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            # The reader of the output went away (`mwrules explain x | head`):
            # stop quietly, with the status a Unix tool killed by SIGPIPE has.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        # A path the system refuses (a name too long, a folder where a file
        # belongs): the user's mistake, said plainly. Files are written
        # through _write_file, so this is a file that was to be read.
        name = shown(str(error.filename)) if error.filename else "a file"
        print(f"mwrules: cannot read {name}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status


def _partner_document(args: argparse.Namespace) -> Document:
    """The partner document named on the command line, with ``--as-of`` applied."""
    from ._input.partner import on_date

    return on_date(_read_document(args.partner, _limits(args)), args.as_of)


def _evaluate(args: argparse.Namespace) -> int:
    import attrs

    from ._batch import portfolio as _portfolio
    from ._evaluation.evaluate import evaluate_with, prepare
    from ._input.partner import choose_ruleset
    from ._output import explain as _explain
    from ._output.json import verdict_to_json

    imported: tuple[str, ...] = ()
    if args.command == "evaluate" and (args.trainings or args.usage):
        if args.partner or not args.partner_id:
            return _usage_error("evaluate --trainings/--usage takes --partner-id ID and no FILE")
        # The partner read() gives is the document import writes, checked as evaluate checks a document
        ruleset = ruleset_argument(args.ruleset)
        partner, report = _import(args, ruleset, _limits(args))
        choice = choose_ruleset(ruleset, partner.as_of)
        imported = report.warnings
    else:
        if args.command == "evaluate":
            if not args.partner:
                return _usage_error("evaluate needs a FILE, or --trainings/--usage and --partner-id")
            if _portfolio.is_portfolio(args.partner, lines=args.lines, output=args.format):
                return _portfolio.run(args, ruleset_argument(args.ruleset), _limits(args))
            args.partner = args.partner[0]
        partner, choice = prepare(_partner_document(args), ruleset_argument(args.ruleset), _limits(args))
    verdict = evaluate_with(partner, choice)
    if imported:  # what the import left out, summarised, with what the evaluation did not use
        verdict = attrs.evolve(verdict, warnings=(*imported, *verdict.warnings))
    if args.command == "explain":
        print(_explain.explain(verdict, choice.ruleset))
    elif args.format == "json":
        print(json.dumps(verdict_to_json(verdict), indent=2, ensure_ascii=False))
    else:
        print(_explain.summary(verdict, choice.ruleset))
    if args.command == "evaluate" and args.fail_unqualified and not verdict.qualified:
        return EXIT_UNQUALIFIED
    return EXIT_OK


def _import(args: argparse.Namespace, ruleset: Ruleset | str | None, limits: Limits) -> tuple[Any, Any]:
    """The partner and the report of ``--trainings``/``--usage``; the report goes to stderr (or ``--report``)."""
    from . import partner_center

    partner, report = partner_center.read(**_import_options(args, ruleset, limits))
    _write_report(args, report)
    return partner, report


def _import_options(args: argparse.Namespace, ruleset: Ruleset | str | None, limits: Limits) -> dict[str, Any]:
    return {
        "trainings": args.trainings,
        "usage": args.usage,
        "partner_id": args.partner_id,
        "as_of": args.as_of,
        "ruleset": ruleset,
        "date_order": args.date_order,
        "keep_names": args.keep_names,
        "limits": limits,
    }


def _write_report(args: argparse.Namespace, report: Any) -> None:
    if args.report:
        _write_file(args.report, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        print(report, file=sys.stderr)


def _import_command(args: argparse.Namespace) -> int:
    if not (args.trainings or args.usage):
        return _usage_error("import needs --trainings FILE or --usage FILE")
    from . import partner_center
    from ._output.yaml_text import yaml_lines

    document, report = partner_center.read_document(
        **_import_options(args, ruleset_argument(args.ruleset), _limits(args))
    )
    _write_report(args, report)
    # Written as it is made, a line at a time: a million usage rows are never one string
    if args.format == "json":
        encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
        lines: Iterable[str] = itertools.chain(encoder.iterencode(document), "\n")
    else:
        lines = yaml_lines(document)
    if args.output:
        _write_file(args.output, lines)
    else:
        sys.stdout.writelines(lines)
    return EXIT_OK


def _plan(args: argparse.Namespace) -> int:
    from ._evaluation.evaluate import prepare
    from ._input.convert import shown
    from ._input.partner import on_date, read_document
    from ._output.plan_report import plan_to_json, plan_to_text
    from ._tools.plan import plan_by, plan_for
    from .errors import did_you_mean

    document = _partner_document(args)
    ruleset = ruleset_argument(args.ruleset)
    partner, choice = prepare(on_date(document, args.by), ruleset, _limits(args))
    path_ids = [path.id for path in choice.ruleset.paths]
    if args.path is not None and args.path not in path_ids:
        hint = did_you_mean(args.path, path_ids)
        message = f"--path {shown(args.path)} is not a path of {choice.ruleset} ({hint})"
        print(f"mwrules: {codes.UNKNOWN_PATH} {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    costs = read_document(args.costs, what="the costs file") if args.costs else None
    if args.by is not None:
        result = plan_by(document, args.by, ruleset=ruleset, costs=costs, path=args.path, limits=_limits(args))
    else:
        result = plan_for(partner, choice, costs=costs, path=args.path)
    if args.format == "json":
        print(json.dumps(plan_to_json(result), indent=2, ensure_ascii=False))
    else:
        print(plan_to_text(result, choice.ruleset))
    return EXIT_OK if result.path is not None else EXIT_PROBLEMS


def _timeline(args: argparse.Namespace) -> int:
    from ._input.partner import declared_as_of
    from ._output.timeline_report import plot, timeline_to_text
    from ._tools.timeline import a_year_after, timeline_of

    document = _read_document(args.partner, _limits(args))
    start = args.start or declared_as_of(document.data) or datetime.date.today()
    end = args.end or a_year_after(start)
    result = timeline_of(document, start, end, ruleset=ruleset_argument(args.ruleset), limits=_limits(args))
    if args.plot:
        plot(result, args.plot)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(timeline_to_text(result, unicode=_encodes("█│░")))
    return EXIT_OK


def _encodes(text: str) -> bool:
    """Whether standard output can show *text* as it is."""
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _lint(args: argparse.Namespace) -> int:
    from ._tools.lint import lint
    from .ruleset import rulesets_dir

    report = lint(args.paths or [rulesets_dir()])
    for problem in report.problems:
        print(problem)
    files = f"{len(report.files)} ruleset file(s) and {report.cases} case(s) checked"
    if not report.problems:
        print(f"no problems: {files}")
        return EXIT_OK
    print(f"{len(report.problems)} problem(s): {files}; each code is explained in docs/errors/<code>.md")
    return EXIT_BAD_INPUT if report.unreadable else EXIT_PROBLEMS


def _test(args: argparse.Namespace) -> int:
    from ._rulesets.versions import yaml_files
    from ._tools.cases import cases_dir, run_case
    from ._tools.lint import ruleset_files
    from .ruleset import read_ruleset_file, rulesets_dir

    files, problems = ruleset_files(args.paths or [rulesets_dir()])
    results: list[CaseResult] = []
    for path in files:
        loaded = read_ruleset_file(path)
        problems += loaded.problems
        if loaded.ruleset is not None and not loaded.problems:
            for case_path in yaml_files(cases_dir(path)):
                result = run_case(case_path, loaded.ruleset)
                results.append(result)
                _print_result(result)
    for problem in problems:
        print(f"ERROR {problem}")
    passed = sum(result.passed for result in results)
    print(f"{passed} passed, {len(results) - passed} failed" + (f", {len(problems)} error(s)" if problems else ""))
    if not results and not problems:
        print("no case ran: cases live in <ruleset folder>/cases/<version>/*.yaml")
    if any(problem.code == codes.UNREADABLE for problem in problems):
        return EXIT_BAD_INPUT
    return EXIT_OK if results and passed == len(results) and not problems else EXIT_PROBLEMS


def _print_result(result: CaseResult) -> None:
    from ._tools.cases import shown

    status = "PASS" if result.passed else "FAIL"
    print(f"{status}  {result.ruleset}  {result.path.stem}")
    for mismatch in result.mismatches:
        print(f"      {mismatch.where}")
        print(f"      - want {shown(mismatch.want)}")
        print(f"      + got  {shown(mismatch.got)}")
    for problem in result.problems:
        print(f"        {problem}")


def _diff(args: argparse.Namespace) -> int:
    from ._tools.diff import impact, impact_to_json, impact_to_text, read_partners
    from .errors import InputError, Problem

    old, new = _versioned(args.old), _versioned(args.new)
    documents, unreadable = read_partners(args.partners)
    if not documents and not unreadable:
        message = "no partner documents (*.json, *.yaml, *.yml) here"
        raise InputError([Problem("$", message, file=str(args.partners), code=codes.UNREADABLE)])
    result = impact(old, new, documents, unreadable)
    if args.format == "json":
        print(json.dumps(impact_to_json(result), indent=2, ensure_ascii=False))
    else:
        print(impact_to_text(result))
    return EXIT_BAD_INPUT if result.problems else EXIT_OK


def _versioned(value: str) -> Ruleset:
    """A ruleset named with its version (ID@VERSION) or a file: a diff compares two definite versions."""
    from ._rulesets.versions import select_ruleset, shipped_family
    from .errors import Problem, RulesetError
    from .ruleset import Ruleset

    ruleset = ruleset_argument(value)
    if isinstance(ruleset, Ruleset):
        return ruleset
    assert ruleset is not None  # noqa: S101 - a value was given
    if "@" not in ruleset:
        names = ", ".join(f"{ruleset}@{version.version}" for version in shipped_family(ruleset).rulesets)
        message = f"{ruleset!r} names no version; a diff compares two versions"
        raise RulesetError([Problem("$", message, f"name one of {names}", code=codes.UNKNOWN_RULESET)])
    return select_ruleset(ruleset).ruleset


def _schema(args: argparse.Namespace) -> int:
    from ._rulesets.schema import partner_schema, ruleset_schema
    from ._rulesets.versions import DEFAULT_ID, select_ruleset, shipped_family
    from .ruleset import Ruleset

    if args.kind == "partner":
        ruleset = ruleset_argument(args.ruleset)
        if isinstance(ruleset, Ruleset):
            chosen = ruleset
        elif ruleset is None or "@" not in ruleset:
            chosen = shipped_family(ruleset or DEFAULT_ID).rulesets[-1]
        else:
            chosen = select_ruleset(ruleset).ruleset
        print(json.dumps(partner_schema(chosen), indent=2, ensure_ascii=False))
    else:
        print(json.dumps(ruleset_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def ruleset_argument(value: str | None) -> Ruleset | str | None:
    """``--ruleset``: a file if it looks like one, else a shipped ruleset's name."""
    if value is None:
        return None
    if value.endswith((".yaml", ".yml")) or os.sep in value or "/" in value:
        from ._rulesets.versions import load_ruleset

        return load_ruleset(value)
    return value


def _read_document(source: str, limits: Limits) -> Document:
    from ._input import documents as _documents
    from ._input.partner import read_document

    if source == "-":
        data = _documents.read_at_most(sys.stdin.buffer, limits.max_file_bytes + 1)
        return read_document("<stdin>", data, what="the partner document", limits=limits)
    return read_document(source, limits=limits)


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "evaluate": _evaluate,
    "explain": _evaluate,
    "plan": _plan,
    "timeline": _timeline,
    "lint": _lint,
    "test": _test,
    "diff": _diff,
    "import": _import_command,
    "schema": _schema,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

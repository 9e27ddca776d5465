"""The command line's parser: the commands, their options, and how each option's value is read and checked."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Sequence

from .. import codes


# typing.TYPE_CHECKING without importing typing: the command line starts
# faster without it (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, NoReturn


class _UsageError(Exception):
    """A command line mwrules does not understand; :func:`mwrules.cli.main` reports it (code MW301) and exits with 2."""


class _StoreOnce(argparse.Action):
    """An option of one value, given at most once: given twice, argparse kept the second and dropped the first
    without a word (`diff --partners a --partners b` diffed b alone). Twice alike drops nothing, and is read."""

    given: object = None  # the value first given (an option's value is never None); no container per option, so
    # building the parser does not wake the cyclic collector

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        if option is not None and self.given is not None and self.given != values:
            both = f"{str(self.given)!r}, then {str(values)!r}"
            raise argparse.ArgumentError(self, f"given twice ({both}): it takes one")
        self.given = values
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors carry a code and return to :func:`mwrules.cli.main` instead of exiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)  # every option of one value (its commands' parsers are _Parsers)
        self.register("action", "store", _StoreOnce)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        """As argparse's, but partner files may follow an option: ``evaluate a.yaml --jobs 1 b.yaml``.

        argparse takes one run of positional arguments: the files after an
        option were "unrecognized arguments" (hostile run 35).
        """
        parsed, extras = self.parse_known_args(args, namespace)
        files = not any(extra.startswith("-") and extra != "-" for extra in extras)
        if extras and files and getattr(parsed, "command", None) == "evaluate":
            parsed.partner = [*parsed.partner, *extras]
            extras = []
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        line = f"{self.prog}: {codes.USAGE} {message}"
        raise _UsageError(line)


def _date(text: str) -> datetime.date:
    from .._input.convert import parse_date

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
    from .._input.convert import shown
    from ..errors import did_you_mean
    from ..limits import MAX_DEPTH, Limits

    name, _, value = text.partition("=")
    fields = dict(Limits.NAMES)
    if name not in fields:
        hint = did_you_mean(name, fields)
        raise argparse.ArgumentTypeError(f"no limit is called {shown(name)}" + (f" ({hint})" if hint else ""))
    digits = value.lstrip("0") if value.isascii() and value.isdigit() else ""
    if not digits:
        msg = f"{name} needs a whole number of at least 1, e.g. {name}=1000"
        raise argparse.ArgumentTypeError(msg)
    if len(digits) > 18:  # (not read as a number: int() refuses one of thousands of digits)
        msg = f"{name} can be at most {10**18 - 1:,}"
        raise argparse.ArgumentTypeError(msg)
    if fields[name] == "max_depth" and int(digits) > MAX_DEPTH:
        msg = f"{name} can be at most {MAX_DEPTH}: deeper nesting would exhaust Python's stack"
        raise argparse.ArgumentTypeError(msg)
    return fields[name], int(digits)


class _LimitNames:
    """The names ``--limit`` takes, for its help: read from :mod:`mwrules.limits` (and attrs) only when shown."""

    def __str__(self) -> str:
        from ..limits import Limits

        return ", ".join(name for name, _ in Limits.NAMES)


class _LimitOption(argparse.Action):
    """``--limit NAME=N``, repeatable; its help names the limits (``%(names)s``) only when it is shown."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.names = _LimitNames()

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *values: Any) -> None:
        given: list[tuple[str, int]] = getattr(namespace, self.dest)
        field, value = values[0]
        for earlier_field, earlier in given:
            if earlier_field == field and earlier != value:
                # one limit with two values: the last was read and the first dropped without a word
                from ..limits import Limits

                name = next(name for name, named in Limits.NAMES if named == field)
                both = f"{f'{name}={earlier}'!r}, then {f'{name}={value}'!r}"
                raise argparse.ArgumentError(self, f"{name} given twice ({both}): it takes one")
        setattr(namespace, self.dest, [*given, values[0]])


class _Version(argparse.Action):
    """``--version``."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from .._version import __version__

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
        "--to",
        dest="end",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the last day (default: the day before the same date a year after --from)",
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
    evaluate_command.add_argument(
        "--lines",
        action="store_true",
        help="read standard input (-) as JSON Lines (a .jsonl or .ndjson file is read so by its name)",
    )
    evaluate_command.add_argument(
        "--designations",
        nargs="?",
        const="all",
        type=_text,
        metavar="ID,ID",
        help="evaluate every shipped designation (or those listed), each under its version in force, and list "
        "the badges earned",
    )
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
    import_command.add_argument("--format", choices=("yaml", "json"), help="default: json for -o FILE.json, else yaml")
    import_command.add_argument("-o", "--output", type=_text, metavar="OUT", help="write here (default, or -: stdout)")
    import_command.add_argument(
        "--ruleset",
        type=_text,
        metavar="ID[@VERSION]|PATH",
        help="whose association types, workloads and top-level metrics to use (default: the Modern Work version "
        "in force on --as-of); certification titles are matched against every shipped designation's names",
    )
    import_command.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the evaluation date the document carries (default: none, so the document is evaluated as of the day "
        "it is evaluated; the report counts people per designation under the version in force today)",
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
    test_command.add_argument(
        "--coverage",
        action="store_true",
        help="also report, per ruleset, which rules and branches of them (a gate met or not, a cap reached or not, "
        "an option winning) the cases exercised",
    )
    test_command.add_argument(
        "--format", choices=("text", "json"), default="text", help="json: the cases' results (and coverage) as data"
    )

    diff_help = "how a ruleset change changes the verdicts of a portfolio of partners"
    diff_command = commands.add_parser("diff", help=diff_help, description=diff_help)
    diff_command.add_argument("old", metavar="OLD", help="the ruleset before: ID@VERSION or a file")
    diff_command.add_argument("new", metavar="NEW", help="the ruleset after: ID@VERSION or a file")
    diff_command.add_argument(
        "--partners",
        type=_path,
        required=True,
        metavar="DIR|FILE",
        help="a partner document, a JSON Lines file of them (.jsonl), or a folder of either",
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
    command.add_argument(
        "--report", type=_text, metavar="FILE", help="write the import report here, as JSON (-: standard output)"
    )
    if not one_step:  # evaluate has its own --limit
        command.add_argument(
            "--limit",
            type=_limit,
            action=_LimitOption,
            default=[],
            metavar="NAME=N",
            help="raise or lower a limit of the partner document written (see docs/limits.md)",
        )

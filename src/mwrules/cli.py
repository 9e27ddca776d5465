"""The ``mwrules`` command.

Exit status: 0 when a partner was evaluated (qualified or not), 1 with
``--fail-unqualified`` when it does not qualify, 2 for bad input or a bad
ruleset (the problems go to standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import _documents, _explain
from ._evaluate import evaluate_with, prepare
from ._json import verdict_to_json
from ._partner_input import read_document
from .errors import InputError, MwrulesError, RulesetError
from .ruleset import Ruleset, load_ruleset


EXIT_OK, EXIT_UNQUALIFIED, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mwrules",
        description="Does a partner qualify for Solutions Partner for Modern Work? By how much, and why.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def partner_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("partner", metavar="FILE", help="a partner document (JSON or YAML), or - for stdin")
        command.add_argument(
            "--ruleset",
            metavar="ID[@VERSION]|PATH",
            help="a shipped ruleset (modern-work@2023-06; without @VERSION, the version in force on the partner's "
            "as_of) or a ruleset file (default: the Modern Work version in force on as_of)",
        )
        return command

    evaluate_command = partner_command("evaluate", "evaluate a partner and print the verdict")
    evaluate_command.add_argument("--format", choices=("text", "json"), default="text")
    evaluate_command.add_argument(
        "--fail-unqualified", action="store_true", help="exit with status 1 when the partner does not qualify"
    )
    partner_command("explain", "explain how every point of a verdict was reached")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        partner, choice = prepare(_read_document(args.partner), ruleset_argument(args.ruleset))
        verdict = evaluate_with(partner, choice)
        ruleset = choice.ruleset
    except (InputError, RulesetError) as error:
        print(f"mwrules: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MwrulesError as error:  # pragma: no cover - an engine failure is a bug, but say it plainly
        print(f"mwrules: internal error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.command == "explain":
        print(_explain.explain(verdict, ruleset))
    elif args.format == "json":
        print(json.dumps(verdict_to_json(verdict), indent=2))
    else:
        print(_explain.summary(verdict, ruleset))
    if args.command == "evaluate" and args.fail_unqualified and not verdict.qualified:
        return EXIT_UNQUALIFIED
    return EXIT_OK


def ruleset_argument(value: str | None) -> Ruleset | str | None:
    """``--ruleset``: a file if it looks like one, else a shipped ruleset's name."""
    if value is None:
        return None
    if value.endswith((".yaml", ".yml")) or os.sep in value or "/" in value:
        return load_ruleset(value)
    return value


def _read_document(source: str) -> _documents.Document:
    return read_document("<stdin>", sys.stdin.read()) if source == "-" else read_document(source)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

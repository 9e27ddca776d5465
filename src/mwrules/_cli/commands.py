"""What each command does; each imports what it needs when it runs."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Callable

from .. import codes
from .._output.ascii_text import ascii_out as _ascii_out
from .destinations import _on_standard_output, _written_over
from .import_command import _downloads_mistake, _import, _import_command
from .shared import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_UNQUALIFIED,
    _json_lines_mistake,
    _limits,
    _partner_document,
    _print_json,
    _read_document,
    _usage_error,
    ruleset_argument,
)


# typing.TYPE_CHECKING without importing typing: the command line starts
# faster without it (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .._tools.cases import CaseResult
    from .._tools.coverage import Coverage
    from ..errors import Problem
    from ..ruleset import Ruleset


def _evaluate(args: argparse.Namespace) -> int:
    from .._batch import portfolio as _portfolio
    from .._input.documents import paused_gc

    mistake = _evaluate_mistake(args) if args.command == "evaluate" else None
    if mistake is not None:
        return _usage_error(mistake)
    if args.command == "evaluate" and args.designations is not None:
        return _evaluate_designations(args)
    if (
        args.command == "evaluate"
        and not (args.trainings or args.usage)
        and _portfolio.is_portfolio(args.partner, lines=args.lines, output=args.format)
    ):
        return _portfolio.run(args, ruleset_argument(args.ruleset), _limits(args))
    # One partner, read, evaluated and written: what is made lives until the end, in no cycle, and the
    # collector would walk it again and again, freeing none of it (see paused_gc)
    with paused_gc():
        return _evaluate_one(args)


def _evaluate_one(args: argparse.Namespace) -> int:
    """``evaluate`` or ``explain`` of one partner: a document, or Partner Center downloads."""
    import attrs

    from .._evaluation.evaluate import evaluate_with, prepare
    from .._input.partner import choose_ruleset
    from .._output import explain as _explain
    from .._output.json import verdict_for_writing

    imported: tuple[str, ...] = ()
    if args.command == "evaluate" and (args.trainings or args.usage):
        # The partner read() gives is the document import writes, checked as evaluate checks a document
        ruleset = ruleset_argument(args.ruleset)
        partner, report = _import(args, ruleset, _limits(args))
        choice = choose_ruleset(ruleset, partner.as_of)
        imported = report.warnings
    else:
        if args.command == "evaluate":
            args.partner = args.partner[0]
        document = _partner_document(args)
        if (mistake := _json_lines_mistake(args, document)) is not None:
            return _usage_error(mistake)
        partner, choice = prepare(document, ruleset_argument(args.ruleset), _limits(args))
    verdict = evaluate_with(partner, choice)
    if imported:  # what the import left out, summarised, with what the evaluation did not use
        verdict = attrs.evolve(verdict, warnings=(*imported, *verdict.warnings))
    if args.command == "explain":
        print(_explain.explain(verdict, choice.ruleset))
    elif args.format == "json":
        _print_json(verdict_for_writing(verdict))
    else:
        print(_explain.summary(verdict, choice.ruleset))
    if args.command == "evaluate" and args.fail_unqualified and not verdict.qualified:
        return EXIT_UNQUALIFIED
    return EXIT_OK


def _evaluate_mistake(args: argparse.Namespace) -> str | None:
    """What is wrong with an ``evaluate`` command line's inputs, if anything (``--designations`` has its own)."""
    if args.trainings or args.usage:
        if args.designations is None and (args.partner or not args.partner_id):
            return "evaluate --trainings/--usage takes --partner-id ID and no FILE"
        # The downloads make one partner: what only a portfolio reads would be dropped without a word
        portfolio = {"--format jsonl": args.format == "jsonl", "--lines": args.lines, "--jobs": args.jobs is not None}
        dropped = next((option for option, value in portfolio.items() if value), None)
        if dropped is not None:
            return f"{dropped} is for a portfolio of partner documents; the downloads make one partner"
        return _on_standard_output("--report", args.report, "the verdict") or _downloads_mistake(
            args, {"--report": args.report}
        )
    # The options of an import, without a download, would be dropped without a word
    given = {"--partner-id": args.partner_id, "--date-order": args.date_order}
    given |= {"--keep-names": args.keep_names, "--report": args.report}
    dropped = next((option for option, value in given.items() if value), None)
    if dropped is not None:
        return f"{dropped} goes with --trainings or --usage (a partner document needs none)"
    if args.designations is None and not args.partner:
        return "evaluate needs a FILE, or --trainings/--usage and --partner-id"
    return _lines_without_stdin(args)


def _lines_without_stdin(args: argparse.Namespace) -> str | None:
    """``--lines`` when no input is standard input nor named as JSON Lines: it would be dropped without a word."""
    from .._input.documents import is_json_lines

    if args.lines and "-" not in args.partner and not all(is_json_lines(name) for name in args.partner):
        return "--lines reads standard input (-) as JSON Lines: add -, or name the file .jsonl (or .ndjson)"
    return None


def _evaluate_designations(args: argparse.Namespace) -> int:
    """``evaluate FILE --designations``: one partner, every designation (a portfolio: one line per partner)."""
    from .._batch import portfolio as _portfolio
    from .._evaluation.designations import evaluate_designations, named_designations
    from .._input.documents import paused_gc
    from .._output.designations_report import designations_table, designations_to_json
    from .._output.json import verdict_for_writing

    if _names_a_file(args.designations):
        return _usage_error(
            f"--designations took {args.designations!r} for the designations to evaluate (ids such as "
            "security,data-ai): put FILE before --designations (mwrules evaluate FILE --designations)"
        )
    try:
        ids = None if args.designations == "all" else named_designations(args.designations)
    except ValueError as error:
        return _usage_error(f"--{error}")
    mistake = _designations_mistake(args, ids)
    if mistake is not None:
        return _usage_error(mistake)
    if _portfolio.is_portfolio(args.partner, lines=args.lines, output=args.format):
        return _portfolio.run(args, None, _limits(args))
    args.partner = args.partner[0]
    with paused_gc():  # as for one partner: see _evaluate
        result = evaluate_designations(_partner_document(args), designations=ids, limits=_limits(args))
        if args.format == "json":
            _print_json(designations_to_json(result, verdicts=verdict_for_writing))
        else:
            print(designations_table(result))
    if result.problems:
        return EXIT_BAD_INPUT
    return EXIT_UNQUALIFIED if args.fail_unqualified and not result.qualified else EXIT_OK


def _names_a_file(text: str) -> bool:
    """Whether ``--designations``' value is a file the user meant as the input (``evaluate --designations p.yaml``).

    A designation id holds no slash and no dot, and is never ``-``: the value was then taken from FILE, and the
    command said it "needs a FILE", or that the file was no shipped ruleset.
    """
    return text == "-" or any(mark in text for mark in ("/", "\\", os.sep, "."))


def _designations_mistake(args: argparse.Namespace, ids: list[str] | None) -> str | None:
    """What is wrong with an ``evaluate --designations`` command line, if anything."""
    if args.ruleset is not None:
        return "--designations evaluates each designation under its own ruleset: drop --ruleset"
    if args.trainings or args.usage:
        return "--designations reads a partner document: import the downloads first (mwrules import)"
    if not args.partner:
        return "evaluate --designations needs a FILE (or several, or a folder)"
    if ids == []:
        return "--designations names no designation: give ids such as security,modern-work, or none"
    return _lines_without_stdin(args)


def _plan(args: argparse.Namespace) -> int:
    from .._evaluation.evaluate import prepare
    from .._input.convert import shown
    from .._output.plan_report import plan_to_json, plan_to_text
    from .._tools.plan import on_by, plan_ahead, plan_for
    from ..errors import did_you_mean

    if args.costs == "-" and args.partner == "-":
        return _usage_error("standard input (-) can be read once: give the partner or --costs as a file")
    document = _partner_document(args)
    if (mistake := _json_lines_mistake(args, document)) is not None:
        return _usage_error(mistake)
    ruleset = ruleset_argument(args.ruleset)
    limits = _limits(args)
    if args.by is not None:  # checked once: its plan is made of what this checks
        partner, choice, start = on_by(document, args.by, ruleset, limits)
    else:
        partner, choice = prepare(document, ruleset, limits)
    path_ids = [path.id for path in choice.ruleset.paths]
    if args.path is not None and args.path not in path_ids:
        hint = did_you_mean(args.path, path_ids)
        message = f"--path {shown(args.path)} is not a path of {choice.ruleset} ({hint})"
        print(f"mwrules: {codes.UNKNOWN_PATH} {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    costs = _read_document(args.costs, limits, what="the costs file") if args.costs else None
    if args.by is not None:
        result = plan_ahead(
            document, partner, choice, start, args.by, ruleset=ruleset, costs=costs, path=args.path, limits=limits
        )
    else:
        result = plan_for(partner, choice, costs=costs, path=args.path)
    if args.format == "json":
        _print_json(plan_to_json(result))
    else:
        print(plan_to_text(result, choice.ruleset))
    return EXIT_OK if result.path is not None else EXIT_PROBLEMS


def _timeline(args: argparse.Namespace) -> int:
    from .._input.partner import declared_as_of
    from .._output.timeline_report import plot, timeline_to_text
    from .._tools.timeline import a_year_after, timeline_of

    mistake = _written_over(
        args, {"--plot": args.plot}, [("the partner document", "the document", args.partner)]
    ) or _on_standard_output("--plot", args.plot, "the timeline")
    if mistake is not None:
        return _usage_error(mistake)
    document = _read_document(args.partner, _limits(args))
    if (mistake := _json_lines_mistake(args, document)) is not None:
        return _usage_error(mistake)
    start = args.start or declared_as_of(document.data) or datetime.date.today()
    end = args.end or a_year_after(start)
    result = timeline_of(document, start, end, ruleset=ruleset_argument(args.ruleset), limits=_limits(args))
    if args.plot:
        plot(result, args.plot)
    if args.format == "json":
        _print_json(result.to_json())
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
    from .._tools.lint import lint
    from ..ruleset import rulesets_dir

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
    from .._rulesets.versions import yaml_files
    from .._tools.cases import cases_dir, run_case
    from .._tools.coverage import coverage_to_text, of_results
    from .._tools.lint import ruleset_files, stray_cases
    from ..ruleset import read_ruleset_file, rulesets_dir

    text = args.format == "text"
    files, problems = ruleset_files(args.paths or [rulesets_dir()])
    problems += [problem for folder in dict.fromkeys(path.parent for path in files) for problem in stray_cases(folder)]
    results: list[CaseResult] = []
    reports: list[Coverage] = []
    for path in files:
        loaded = read_ruleset_file(path)
        problems += loaded.problems
        if loaded.ruleset is not None and not loaded.problems:
            ran = []
            for case_path in yaml_files(cases_dir(path)):
                ran.append(run_case(case_path, loaded.ruleset))
                if text:
                    _print_result(ran[-1])
            results += ran
            if args.coverage:
                reports.append(of_results(loaded.ruleset, ran))
    passed = sum(result.passed for result in results)
    if text:
        for report in reports:
            print(coverage_to_text(report))
        for problem in problems:
            print(f"ERROR {problem}")
        print(f"{passed} passed, {len(results) - passed} failed" + (f", {len(problems)} error(s)" if problems else ""))
        if not results and not problems:
            print("no case ran: cases live in <ruleset folder>/cases/<version>/*.yaml")
    else:
        print(json.dumps(_test_json(results, problems, reports if args.coverage else None), indent=2))
    if any(problem.code == codes.UNREADABLE for problem in problems):
        return EXIT_BAD_INPUT
    return EXIT_OK if results and passed == len(results) and not problems else EXIT_PROBLEMS


def _test_json(results: list[CaseResult], problems: list[Problem], reports: list[Coverage] | None) -> dict[str, Any]:
    """``test --format json``: each case's result, the problems, and the coverage when asked for."""
    from .._tools.cases import mismatch_problems

    cases = [
        {
            "ruleset": result.ruleset.id,
            "version": result.ruleset.version,
            "case": result.path.stem,
            "file": str(result.path),
            "passed": result.passed,
            "problems": [str(problem) for problem in (*mismatch_problems(result), *result.problems)],
        }
        for result in results
    ]
    passed = sum(result.passed for result in results)
    found: dict[str, Any] = {
        "cases": cases,
        "passed": passed,
        "failed": len(results) - passed,
        "errors": [str(problem) for problem in problems],
    }
    if reports is not None:
        found["coverage"] = [report.to_json() for report in reports]
    return found


def _print_result(result: CaseResult) -> None:
    from .._tools.cases import shown

    status = "PASS" if result.passed else "FAIL"
    print(f"{status}  {result.ruleset}  {result.path.stem}")
    for mismatch in result.mismatches:
        print(f"      {mismatch.where}")
        print(f"      - want {shown(mismatch.want)}")
        print(f"      + got  {shown(mismatch.got)}")
    for problem in result.problems:
        print(f"        {problem}")


def _diff(args: argparse.Namespace) -> int:
    from .._tools.diff import impact, impact_to_json, impact_to_text, read_partners
    from ..errors import InputError, Problem

    if str(args.partners) == "-":  # it would be "no such file '-'"
        return _usage_error("diff reads partners from a file or a folder, not standard input: name one with --partners")
    old, new = _versioned(args.old), _versioned(args.new)
    documents, unreadable, notices = read_partners(args.partners)
    for notice in notices:
        print(notice, file=sys.stderr)
    if not documents and not unreadable:
        message = "no partner documents (*.json, *.yaml, *.yml, *.jsonl, *.ndjson) here"
        raise InputError([Problem("$", message, file=str(args.partners), code=codes.UNREADABLE)])
    result = impact(old, new, documents, unreadable)
    if args.format == "json":
        print(json.dumps(impact_to_json(result), indent=2, ensure_ascii=_ascii_out()))
    else:
        print(impact_to_text(result))
    for note in result.repeated:  # each such input is counted as a partner
        print(f"mwrules: {note}", file=sys.stderr)
    return EXIT_BAD_INPUT if result.problems else EXIT_OK


def _versioned(value: str) -> Ruleset:
    """A ruleset named with its version (ID@VERSION) or a file: a diff compares two definite versions."""
    from .._rulesets.versions import select_ruleset, shipped_family
    from ..errors import Problem, RulesetError
    from ..ruleset import Ruleset

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
    from .._rulesets.schema import partner_schema, ruleset_schema
    from .._rulesets.versions import DEFAULT_ID, select_ruleset, shipped_family, shipped_ids
    from ..ruleset import Ruleset

    if args.kind == "partner":
        ruleset = ruleset_argument(args.ruleset)
        if isinstance(ruleset, Ruleset):
            chosen = ruleset
        elif ruleset is None or "@" not in ruleset:
            chosen = shipped_family(ruleset or DEFAULT_ID).rulesets[-1]
        else:
            chosen = select_ruleset(ruleset).ruleset
        # The latest version of every shipped designation: one document may carry them all
        designations = [shipped_family(family).rulesets[-1] for family in shipped_ids()]
        print(json.dumps(partner_schema(chosen, designations), indent=2, ensure_ascii=_ascii_out()))
    else:
        print(json.dumps(ruleset_schema(), indent=2, ensure_ascii=_ascii_out()))
    return EXIT_OK


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

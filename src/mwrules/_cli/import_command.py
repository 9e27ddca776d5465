"""``mwrules import``, and the one-step ``evaluate --trainings/--usage``: Partner Center downloads read, the
document and the report written."""

from __future__ import annotations

import argparse
import json
import sys

from .._input.folders import read_twice
from .._output.ascii_text import ascii_out as _ascii_out
from .._output.ascii_text import yaml_ascii
from .destinations import _on_standard_output, _one_destination, _written_over
from .shared import EXIT_OK, _json_out, _json_text, _limits, _usage_error, _write_file, ruleset_argument


# typing.TYPE_CHECKING without importing typing (see commands.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..limits import Limits
    from ..ruleset import Ruleset


def _import(args: argparse.Namespace, ruleset: Ruleset | str | None, limits: Limits) -> tuple[Any, Any]:
    """The partner and the report of ``--trainings``/``--usage``; the report goes to stderr (or ``--report``)."""
    from .. import partner_center

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
    if not args.report:
        print(report, file=sys.stderr)
        return
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if args.report == "-":  # as for -o
        _json_out()(text)
    else:
        _write_file(args.report, text)


def _import_command(args: argparse.Namespace) -> int:
    if not (args.trainings or args.usage):
        return _usage_error("import needs --trainings FILE or --usage FILE")
    mistake = _on_standard_output("--report", args.report, "the document") if args.output in (None, "-") else None
    if mistake is not None:
        return _usage_error(mistake)
    if args.report and args.output not in (None, "-") and _one_destination(args.report, args.output):
        return _usage_error("-o and --report name one file: give each its own")
    mistake = _downloads_mistake(args, {"-o": args.output, "--report": args.report}) or _unreadable_output(args)
    if mistake is not None:
        return _usage_error(mistake)
    from .. import partner_center
    from .._output.yaml_text import yaml_lines

    document, report = partner_center.read_document(
        **_import_options(args, ruleset_argument(args.ruleset), _limits(args))
    )
    _write_report(args, report)
    # Written as it is made: a million usage rows are never one string
    # -o FILE.json without --format: JSON, so that the file reads back as what its name says
    as_json = args.format == "json" or (args.format is None and str(args.output or "").lower().endswith(".json"))
    text = _json_text(document) if as_json else yaml_lines(document)
    if args.output and args.output != "-":
        _write_file(args.output, text)
    elif callable(text):
        text(_json_out())
    else:
        sys.stdout.writelines(map(yaml_ascii, text) if _ascii_out() else text)
    return EXIT_OK


def _unreadable_output(args: argparse.Namespace) -> str | None:
    """What is wrong with an -o FILE that mwrules would not read back as the document: its name says another format."""
    from .._input.documents import is_json_lines

    output = str(args.output or "")
    if output in ("", "-"):
        return None
    if is_json_lines(output):
        return (
            f"-o {output}: a JSON Lines file holds a partner a line, and import writes one partner's document: "
            "name it .json or .yaml"
        )
    if args.format == "yaml" and output.lower().endswith(".json"):
        return f"-o {output} with --format yaml: a .json file is read as JSON: name it .yaml, or leave --format out"
    return None


def _downloads_mistake(args: argparse.Namespace, written: dict[str, str | None]) -> str | None:
    """What is wrong with the downloads named: standard input (-) twice, or a download that would be written over."""
    if [*args.trainings, *args.usage].count("-") > 1:
        return "standard input (-) can be read once: give it to one --trainings or --usage, and files to the others"
    if args.keep_names and not args.trainings:  # it would do nothing, unsaid: only the trainings name people
        return "--keep-names names people as the trainings download does: it goes with --trainings"
    return read_twice([*args.trainings, *args.usage]) or _overwritten_download(args, written)


def _overwritten_download(args: argparse.Namespace, written: dict[str, str | None]) -> str | None:
    """What is wrong when a file mwrules would write is a download, or the ruleset, it reads: it would be lost."""
    read = [
        (f"the download {given}", "the download", name)
        for given in ("--trainings", "--usage")
        for name in getattr(args, given[2:])
    ]
    return _written_over(args, written, read)

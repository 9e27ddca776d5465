"""Partner Center downloads in: the trainings and usage reports partners already have, as a partner document.

Partner Center (Insights, download reports) gives a partner two kinds of file
mwrules can read (see ``docs/partner-center.md``):

* **Trainings, exams and certifications**: one row per person and training.
  People are told apart by ``MCPID``; a row without one is the person whose
  ``Email`` or ``CorpEmail`` it shares. Only certifications count: those
  some shipped designation lists are kept, whichever it is, so that one
  document serves them all; exams and courses are counted in the report, and
  certifications no designation lists are summarised, not warned about one by
  one.
* **Customer usage** (the CPOR-M365 usage and the Office 365 license usage
  layouts): one row per tenant, workload and month, with the partner's
  association with the tenant.

:func:`read` turns them into a :class:`~mwrules.Partner` and an
:class:`ImportReport`. Files are read by column name (the order varies
between exports), as CSV (commas or semicolons) or TSV, in UTF-8 (with or
without a byte order mark) or UTF-16 (Excel's "Unicode text"), one row at a
time (:mod:`mwrules._input.downloads`); usage rows become tenants in
:mod:`mwrules._input.usage_rows`.

>>> import mwrules.partner_center as pc
>>> partner, report = pc.read(trainings=["examples/partner-center/trainings.csv"], partner_id="contoso",
...                           as_of="2026-11-28")
>>> report.people_per_level["advanced"] > 0
True
>>> report.people_per_designation["security"] > 0
True
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from . import codes
from ._input.convert import parse_date as parse_iso_date
from ._input.download_import import Import
from ._input.download_values import DateOrder
from ._input.import_report import ImportReport, SkippedRow, ToAdd
from ._input.partner import choose_ruleset, load_partner
from .errors import InputError, Problem
from .limits import DEFAULT_LIMITS, Limits, checked_limits
from .model import Partner
from .ruleset import Ruleset


__all__ = ["ImportReport", "SkippedRow", "ToAdd", "read", "read_document"]


def read(
    *,
    trainings: _Paths = (),
    usage: _Paths = (),
    partner_id: str,
    as_of: datetime.date | str | None = None,
    ruleset: Ruleset | str | None = None,
    date_order: DateOrder | None = None,
    keep_names: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Partner, ImportReport]:
    """A partner from Partner Center downloads, and the report of the import.

    *trainings* are "Trainings, exams and certifications" files; *usage* are
    customer usage files (each a list of paths, or one path; ``-`` is
    standard input, which can be read once). *as_of* is a
    date or a ``YYYY-MM-DD`` string, as in a partner document (a datetime is
    refused: which day it means depends on its time zone). A certification is
    kept when *ruleset* or any version of any shipped ruleset lists it, so the
    partner serves every designation. *ruleset* (by default the Modern Work
    version in force on *as_of*) says which association types and workloads
    are known; the report counts its levels, and the people of each designation
    (the versions in force on *as_of*, by default today). Dates are read day
    first or month first as the file's dates show (a first field above 12), or
    as *date_order* says.
    Person ids are stable pseudonyms, unless *keep_names*.

    The partner is the document :func:`read_document` gives, checked as any
    partner document is (within *limits*): importing then evaluating the
    document, or evaluating what this returns, give the same verdict.

    Raises:
        InputError: a file cannot be read, lacks a column, has a date that
            is not a date, an ambiguous date order, or an association type
            the ruleset does not know, or the partner it gives fails a check
            of a partner document; every problem, with its file and line.
        TypeError: a download is not named by a path, *keep_names* is
            not True or False, or *limits* is not a :class:`mwrules.Limits`.
        ValueError: no download is given.
    """
    _, partner, report = _imported(trainings, usage, partner_id, as_of, ruleset, date_order, keep_names, limits)
    assert partner is not None  # noqa: S101 - a partner lacking facts is refused (facts_later is off)
    return partner, report


def read_document(
    *,
    trainings: _Paths = (),
    usage: _Paths = (),
    partner_id: str,
    as_of: datetime.date | str | None = None,
    ruleset: Ruleset | str | None = None,
    date_order: DateOrder | None = None,
    keep_names: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[dict[str, Any], ImportReport]:
    """:func:`read`, with the partner as a document in the input format (for ``mwrules import``).

    The document is the one :func:`read` checked: what it writes, mwrules reads back as this partner.
    Under a ruleset that requires a fact of the partner (data-ai's ``smb_customer_share``), which no
    download carries, the document is given without it, and the report says to add it: evaluated as
    it is, the document is refused for that alone.
    """
    arguments = (trainings, usage, partner_id, as_of, ruleset, date_order, keep_names, limits)
    document, _, report = _imported(*arguments, facts_later=True)
    return document, report


def _imported(
    trainings: _Paths = (),
    usage: _Paths = (),
    partner_id: str = "",
    as_of: object = None,
    ruleset: Ruleset | str | None = None,
    date_order: DateOrder | None = None,
    keep_names: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    *,
    facts_later: bool = False,
) -> tuple[dict[str, Any], Partner | None, ImportReport]:
    if type(keep_names) is not bool:  # "no" is true: names would be kept against the caller's word
        msg = f"keep_names must be True or False, not {keep_names!r}"
        raise TypeError(msg)
    checked_limits(limits)
    day = _as_date(as_of)
    choice = choose_ruleset(ruleset, day)
    training_files, usage_files = _paths(trainings, "trainings"), _paths(usage, "usage")
    unnamable = [
        Problem("$", "cannot read the file: no file can have this name", file=str(path), code=codes.UNREADABLE)
        for path in (*training_files, *usage_files)
        if "\0" in str(path)  # (open() raised a bare ValueError: "embedded null byte")
    ]
    if unnamable:
        raise InputError(unnamable, what="the arguments")
    if not training_files and not usage_files:  # (not an empty partner: a call that forgot them)
        msg = "give the downloads to read: trainings=[...] (Trainings, exams and certifications), usage=[...], or both"
        raise ValueError(msg)
    if usage_files and choice.ruleset.customer_data is None:  # else each row is refused on its own
        message = f"{choice.ruleset} measures nothing from customer data: a usage download is not read by it"
        suggestion = "import usage under a ruleset that measures customer data (modern-work), or leave it out"
        raise InputError([Problem("usage", message, suggestion, code=codes.INVALID_VALUE)], what="the arguments")
    reader = Import(choice.ruleset, partner_id, day, date_order, keep_names, limits)
    for path in training_files:
        reader.trainings(path)
    for path in usage_files:
        reader.usage.read(path)
    if reader.problems:
        raise InputError(reader.problems, what=_WHAT)
    document, report = reader.result()
    try:
        partner = load_partner(document, choice.ruleset, limits=limits)
    except InputError as error:
        later = [problem for problem in error.problems if _fact_to_add(problem, choice.ruleset)]
        if facts_later and len(later) == len(error.problems):
            return document, None, _facts_lacking(report, later, choice.ruleset)
        problems = [
            _written_later(problem) if problem in later else reader.locate(problem) for problem in error.problems
        ]
        raise InputError(problems, what=_WHAT) from None
    return document, partner, report


def _fact_to_add(problem: Problem, ruleset: Ruleset) -> bool:
    """Whether *problem* is a fact *ruleset* requires missing, as it is from every import: no download carries facts."""
    return problem.code == codes.MISSING_KEY and problem.where in {f"$.facts.{fact}" for fact in ruleset.needed_facts()}


def _written_later(problem: Problem) -> Problem:
    """*problem* of a fact missing, with where to write the fact: no download carries one."""
    then = problem.suggestion or "add the fact there"
    return attrs.evolve(
        problem, suggestion=f"no download carries it: write the document with 'mwrules import', then {then}"
    )


def _facts_lacking(report: ImportReport, missing: list[Problem], ruleset: Ruleset) -> ImportReport:
    """*report*, warning that the document lacks the facts of *missing*, which *ruleset* requires."""
    named = ", ".join(problem.where.removeprefix("$.") for problem in missing)
    them = "them" if len(missing) > 1 else "it"
    warning = (
        f"the document lacks {named}, which {ruleset} requires and no download carries: add {them} (see 'to add') "
        "before evaluating it, or evaluation refuses it"
    )
    return attrs.evolve(report, warnings=(*report.warnings, warning))


_WHAT = "the Partner Center downloads"


def _as_date(value: object) -> datetime.date | None:
    """*as_of* read as a partner document reads it: a date, or an ISO ``YYYY-MM-DD`` string."""
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise InputError([Problem("as_of", str(error), code=codes.INVALID_VALUE)], what="the arguments") from None


_Paths = Sequence[str | os.PathLike[str]] | str | os.PathLike[str]


def _paths(paths: _Paths, argument: str) -> list[Path]:
    """The files of one argument: a str or a path is one file (never its characters), else each item is one.

    An open file is not a list of paths, though it iterates as one: each of
    its rows was read as a file name, one "cannot read the file" a row.
    """
    if isinstance(paths, str | os.PathLike):
        return _named([paths])
    if hasattr(paths, "read"):
        wrong = "an open file: give its path, or '-' for standard input"
    elif isinstance(paths, bytes | bytearray) or not isinstance(paths, Iterable):
        wrong = type(paths).__name__
    else:
        items = list(paths)
        others = sorted({type(path).__name__ for path in items if not isinstance(path, str | os.PathLike)})
        if not others:
            return _named(items)
        wrong = "a list holding " + ", ".join(others)
    message = f"{argument} must be a path or a list of paths (str or os.PathLike), not {wrong}"
    raise TypeError(message)


def _named(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """*paths* as paths; an empty one is refused (``Path("")`` is the current folder: "Is a directory: '.'")."""
    if any(os.fspath(path) == "" for path in paths):
        problem = Problem("$", "cannot read the file: an empty path names no file", code=codes.UNREADABLE)
        raise InputError([problem], what="the arguments")

    return [Path(path) for path in paths]

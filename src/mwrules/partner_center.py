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
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from . import codes
from ._input import import_designations as _designations
from ._input.convert import parse_date as parse_iso_date
from ._input.convert import shown
from ._input.customers import day_month, month_text
from ._input.download_rows import Certified, people_of, unique_rows
from ._input.download_values import DateOrder, not_ascii, parse_date, spreadsheet_number
from ._input.downloads import DownloadReader
from ._input.import_notes import RowNotes, first
from ._input.import_report import ImportReport, SkippedRow, ToAdd
from ._input.partner import choose_ruleset, load_partner
from ._input.text import DASHES, identity
from ._input.usage_rows import UsageRows
from ._output.json import certification_to_json
from .errors import InputError, NearMisses, Problem
from .limits import DEFAULT_LIMITS, Limits
from .model import Certification, Partner
from .ruleset import Ruleset, normalise_name


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
        TypeError: a download is not named by a path, or *keep_names* is
            not True or False.
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
    day = _as_date(as_of)
    choice = choose_ruleset(ruleset, day)
    training_files, usage_files = _paths(trainings, "trainings"), _paths(usage, "usage")
    if not training_files and not usage_files:  # (not an empty partner: a call that forgot them)
        msg = "give the downloads to read: trainings=[...] (Trainings, exams and certifications), usage=[...], or both"
        raise ValueError(msg)
    if usage_files and choice.ruleset.customer_data is None:  # else each row is refused on its own
        message = f"{choice.ruleset} measures nothing from customer data: a usage download is not read by it"
        suggestion = "import usage under a ruleset that measures customer data (modern-work), or leave it out"
        raise InputError([Problem("usage", message, suggestion, code=codes.INVALID_VALUE)], what="the arguments")
    reader = _Import(choice.ruleset, partner_id, day, date_order, keep_names, limits)
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


# Where an imported document's problem comes from: a person, a tenant, or one of their rows
_PLACE = re.compile(r"\$\.(people|customers)\[(\d+)\](?:\.(certifications|usage|associations)\[(\d+)\])?")


class _Import(DownloadReader):
    """The state of one import: what was read, and every problem."""

    def __init__(
        self,
        ruleset: Ruleset,
        partner_id: str,
        as_of: datetime.date | None,
        order: DateOrder | None,
        keep_names: bool,
        limits: Limits,
    ) -> None:
        super().__init__(order)
        self.ruleset = ruleset
        # Every shipped ruleset's certifications, gathered once per process (an import per request must not grow)
        self.catalogue = _designations.catalogue_for(ruleset)
        self.partner_id = partner_id
        self.as_of = as_of
        self.keep_names = keep_names
        self.limits = limits
        self.report: dict[str, Any] = {"files": [], "skipped": [], "warnings": self.warnings}
        self.counts = {"exams": 0, "certifications": 0, "other": 0}
        self.other_titles: set[str] = set()
        self.close_titles: dict[str, tuple[str, list[str]]] = {}  # per near-miss title: the hint, its rows' places
        self.near_misses = NearMisses(self.catalogue.closest(), searches=_NEAR_MISS_SEARCHES)
        self.certified: list[Certified] = []
        self.mcpids: dict[str, str] = {}  # per MCPID as ids are compared, its first spelling
        self.merged: dict[
            str, set[str]
        ] = {}  # the MCPIDs written in several ways (a full-width and an ASCII 123), and how
        self.notes = RowNotes()  # the rows worth a word in the report, by kind
        self.usage = UsageRows(self, ruleset, limits, self.report, self.notes)
        # set by result(): where each person's and tenant's rows are, to locate the document's problems
        self.people_places: list[list[int]] = []
        self.tenant_places: list[tuple[int, list[int], list[int]]] = []

    def locate(self, problem: Problem) -> Problem:
        """A problem of the imported document, at the file and line of the row (or person, or tenant) it is about."""
        match = _PLACE.match(problem.where)
        if match is None or problem.file is not None:
            return problem
        index, part, position = int(match[2]), match[3], match[4]
        if match[1] == "people" and index < len(self.people_places):
            places = self.people_places[index]
            place = places[int(position)] if part == "certifications" and int(position) < len(places) else places[0]
        elif match[1] == "customers" and index < len(self.tenant_places):
            first, associations, rows = self.tenant_places[index]
            chosen = {"usage": rows, "associations": associations}.get(part or "", [])
            place = chosen[int(position)] if position is not None and int(position) < len(chosen) else first
        else:
            return problem
        file, line = self.where(place)
        return attrs.evolve(problem, file=file, line=line)

    # trainings ------------------------------------------------------------------------

    def trainings(self, path: Path) -> None:
        wanted = {
            "title": ("TrainingTitle",),
            "type": ("TrainingType",),
            "completed": ("TrainingCompletionDate",),
            "expires": ("ExpirationDate",),
            "mcpid": ("MCPID",),
            "email": ("Email",),
            "corp": ("CorpEmail",),
            "first": ("IndividualFirstName",),
            "last": ("IndividualLastName",),
            "status": ("ActivationStatus",),
        }
        source = self.read(path, wanted, ("title", "type", "completed"))
        columns = next(source, None)
        if columns is None:
            return
        if not {"mcpid", "email", "corp"} & set(columns):
            self.problem(
                path, 1, "$", "no column to tell people apart: MCPID, Email or CorpEmail", None, codes.MISSING_KEY
            )
            source.close()
            return
        self.report["files"].append(str(path))
        if "expires" not in columns:  # every certification would count for ever, without a word
            self.report["warnings"].append(
                f"{path}: no ExpirationDate column: each certification is read as never expiring"
            )
        read_before = self.rows_read
        rows = ((line, values, self._counted(values)) for line, values in self._certifications(path, source))
        for line, values, order in self.in_date_order(path, rows, ("completed", "expires")):
            self._certification(path, line, values, order)
        if self.rows_read == read_before:  # a failed export: no person counts, and that went unsaid
            self.report["warnings"].append(f"{path}: no row: the download holds its header alone")

    def _certifications(
        self, path: Path, rows: Iterator[tuple[int, dict[str, str]]]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in rows:
            kind = values["type"].casefold()
            if kind != "certification":
                self.counts["exams"] += 1
                if kind not in _OTHER_TYPES and self.catalogue.listed(values["title"]):
                    # a blank type, or one no download writes: the row may be a certification whose type was lost
                    where = f"{path}:{line}: {values['title']!r}"
                    (self.notes.mistyped if kind else self.notes.untyped).append(
                        f"{where} ({values['type']!r})" if kind else where
                    )
                continue
            yield line, values

    def _counted(self, values: dict[str, str]) -> bool:
        """Whether a certification row is kept: one a ruleset lists, or a near miss (warned about); else counted."""
        title = values["title"]
        if self.catalogue.listed(title) or self._close(title) is not None:
            return True
        self.counts["other"] += 1
        self.other_titles.add(normalise_name(title))
        return False

    def _certification(self, path: Path, line: int, values: dict[str, str], order: DateOrder | None) -> None:
        title = values["title"]
        listed = self.catalogue.listed(title)
        if not listed:
            close = self.close_titles.get(title)
            if close is None:
                close = self.close_titles[title] = f"did you mean {self._close(title)!r}?", []
            close[1].append(f"{path}:{line}")  # each row left out is said, as the other rows left out are
        dates = []
        for column, text in (
            ("TrainingCompletionDate", values["completed"]),
            ("ExpirationDate", values.get("expires", "")),
        ):
            try:
                dates.append(parse_date(text, order))
            except ValueError as error:  # each is said: a row with two bad dates named only the first
                why = f"{column} {str(error)!r}{not_ascii(str(error))} is not a date"
                self.problem(
                    path, line, "$", why, "dates look like 25/12/2018 23:07 or 2018-12-25", codes.INVALID_VALUE
                )
        if len(dates) < 2:
            return
        earned, expires = dates
        # Compared as a partner document compares person ids: what it would call one id is one person
        written = values.get("mcpid", "")
        rewritten = spreadsheet_number(written)
        if rewritten is not None:  # 1.50013E+07, 15001295.0: not the MCPID as Partner Center writes it
            why = f"MCPID {written!r} is a number a spreadsheet wrote {rewritten}"
            hint = "download the file again, or format the MCPID column as text before saving it"
            self.problem(path, line, "$", why, hint, codes.INVALID_VALUE)
            return
        if self._controlled(path, line, values):
            return
        emails = tuple(identity(email) for email in (values.get("email", ""), values.get("corp", "")) if email)
        mcpid = identity(written) if written else ""
        if mcpid and self.mcpids.setdefault(mcpid, written) != written:
            self.merged.setdefault(mcpid, {self.mcpids[mcpid]}).add(written)
        if not (mcpid or emails):
            self.report["skipped"].append(SkippedRow(str(path), line, "no MCPID, Email or CorpEmail: whose is it?"))
            return
        if not listed:
            return  # a close title: warned once, not counted
        if expires is not None and earned is not None and expires < earned:
            reason = f"{title!r} expires ({expires}) before it was earned ({earned}): not counted"
            self.report["skipped"].append(SkippedRow(str(path), line, reason))
            return
        self.counts["certifications"] += 1
        if earned is None:
            self.notes.undated.append(f"{path}:{line}")
        status = values.get("status", "")
        if status and status.casefold() != "active":
            self.notes.inactive.append(f"{path}:{line} {shown(status)}")
        name = " ".join(part for part in (values.get("first", ""), values.get("last", "")) if part)
        certification = Certification(self.catalogue.written(title), earned, expires)
        self.certified.append(Certified(self.place(line), mcpid, emails, name, certification, written))

    def _controlled(self, path: Path, line: int, values: dict[str, str]) -> bool:
        """Whether the MCPID or an e-mail of a row holds control characters (each is a problem at its line).

        They tell people apart: ``101`` and ``101`` with a NUL after it were
        two people, and only ``--keep-names``, which writes the MCPID into the
        person id, refused the row.
        """
        found = [
            self.controlled(path, line, column, values.get(key, ""))
            for key, column in (("mcpid", "MCPID"), ("email", "Email"), ("corp", "CorpEmail"))
        ]
        return any(found)  # each said, not the first alone

    def _close(self, title: str) -> str | None:
        """The listed spelling *title* is a near miss of (a typo), if any; titles no ruleset lists are not.

        Stricter than the "did you mean" of evaluate: a download holds
        titles no designation lists that share words with listed ones
        ("Azure Data Engineer Associate", "Azure AI Engineer Associate"),
        and they are not mistakes.
        """
        title = normalise_name(title)
        prefixed = self.catalogue.with_prefix(title)  # "Administrator Expert": too general to count as it is
        if prefixed is not None:
            return prefixed
        # A title in full-width letters has no near miss (every letter differs), nor 'MS\u2013700' (a code too short
        # for one): read in its compatible form, with a hyphen for any dash
        compatible = normalise_name(unicodedata.normalize("NFKC", title).translate(DASHES))
        if compatible != title and compatible in self.catalogue.spellings:
            return self.catalogue.spellings[compatible]
        close = self.near_misses(title)  # the first _NEAR_MISS_SEARCHES distinct titles
        return None if close is None or not _designations.a_typo(title, close) else self.catalogue.spellings[close]

    # usage ----------------------------------------------------------------------------

    # the result -----------------------------------------------------------------------

    def result(self) -> tuple[dict[str, Any], ImportReport]:
        """The imported partner as a document in the input format, and the report."""
        document: dict[str, Any] = {"partner_id": self.partner_id}
        if self.as_of is not None:
            document["as_of"] = self.as_of.isoformat()
        people, held = [], []
        used: set[str] = set()
        repeated = 0
        people_rows, several_mcpids = people_of(self.certified)
        self.report["warnings"] += several_mcpids
        for key, all_rows in sorted(people_rows.items()):
            rows = unique_rows(all_rows)
            repeated += len(all_rows) - len(rows)
            names = {row.name for row in rows if row.name}
            certifications = [certification_to_json(row.certification) for row in rows]
            written = next((row.written for row in rows if row.mcpid), key.partition(":")[2])
            people.append({"id": self._person_id(key, names, written, used), "certifications": certifications})
            held.append([row.certification for row in rows])
            self.people_places.append([row.place for row in rows])
        if repeated:
            self.report["warnings"].append(
                f"{repeated:,} certification row(s) repeat another of the same person exactly (title and dates): "
                "each is counted once"
            )
        self.report["warnings"] += _shared_emails(self.certified)
        document["people"] = people
        document["metrics"] = {}
        months: set[str] = set()
        if self.usage.tenants:
            document["customers"], months, self.tenant_places = self.usage.customers()
        return document, self._report(held, months)

    def _report(self, people: list[list[Certification]], months: set[str]) -> ImportReport:
        warnings = list(self.report["warnings"])
        warnings += self.notes.warnings()
        if self.usage.repeated:  # as the trainings' repeated rows are said
            warnings.append(
                f"{self.usage.repeated:,} usage row(s) repeat another (same tenant, month, workload and counts): "
                "each is counted once"
            )
        if self.counts["other"]:
            warnings.append(
                f"{self.counts['other']:,} certifications that no designation lists, {len(self.other_titles)} "
                "distinct titles: left out of the document"
            )
        for spellings in self.merged.values():
            written = first([repr(spelling) for spelling in sorted(spellings)], ", ")  # may be thousands
            warnings.append(
                f"MCPIDs {written} are one person: person ids are compared ignoring case and width, as a partner "
                "document compares them"
            )
        for title, (hint, places) in sorted(self.close_titles.items()):
            warnings.append(
                f"certification title {title!r} is one no designation lists ({hint}); not counted: "
                f"{len(places):,} row(s): {first(places, ', ')}"
            )
        covers = None
        if self.usage.files and self.ruleset.customer_data is not None:  # no rows: said too
            data = self.ruleset.customer_data
            as_of = self.as_of or datetime.date.today()
            reference = day_month(as_of) - data.reference_month_lag
            needed = [month_text(index) for index in (reference, reference - data.months_back)]
            covers = all(month in months for month in needed)
            if not covers:
                missing = ", ".join(dict.fromkeys(month for month in needed if month not in months))
                warnings.append(
                    f"the usage files do not cover {missing}, which the customer metrics compare for as_of {as_of}: "
                    "those metrics would be wrong"
                )
        day = self.as_of or datetime.date.today()
        designations, not_in_force = _designations.designations_on(self.ruleset, day)
        return ImportReport(
            files=tuple(self.report["files"]),
            rows=self.rows_read,
            ruleset=self.ruleset.id,
            people=len(people),
            people_per_level=_designations.people_per_level(self.catalogue, self.ruleset, people, day),
            people_per_designation=_designations.people_per_designation(self.catalogue, designations, people, day),
            not_in_force=tuple(not_in_force),
            counted_on=day,
            certifications=self.counts["certifications"],
            exams_and_courses=self.counts["exams"],
            other_areas=self.counts["other"],
            other_titles=len(self.other_titles),
            skipped=tuple(self.report["skipped"]),
            tenants=len(self.tenant_places),
            usage_rows=self.usage.written,
            duplicate_rows=self.usage.duplicates,
            months=tuple(sorted(months)),
            covers_measured_months=covers,
            to_add=_designations.to_add(self.ruleset, designations),
            warnings=tuple(warnings),
        )

    def _person_id(self, key: str, names: set[str], written: str, used: set[str]) -> str:
        """A person's id: a pseudonym, or the name and MCPID (or e-mail), unless another person's id reads alike."""
        # surrogatepass: a partner id with a lone surrogate (--partner-id of bytes that are not UTF-8) is the
        # document check's to refuse, with the other problems, not a UnicodeEncodeError here
        digest = hashlib.sha256(f"{self.partner_id}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:12]
        person_id = f"{min(names)} ({written})" if self.keep_names and names else f"person-{digest}"
        if identity(person_id) in used:  # an MCPID spelt as another person's e-mail, with the same name
            person_id = f"{person_id} [person-{digest}]"
        used.add(identity(person_id))
        return person_id


#: Distinct unknown titles of one import searched for a near miss (a download holds a few dozen
#: titles no designation lists at most; past this many, a title is taken as one of them)
_NEAR_MISS_SEARCHES = 1_000


def _shared_emails(certified: list[Certified]) -> list[str]:
    """Warnings of e-mails that rows of several MCPIDs give: several people, or one person's MCPID written two ways.

    A copy of a download that a spreadsheet saved rewrites MCPIDs in ways no
    rule can list (a formula, a prefix, a separator); each rewritten one is
    another person, and the counts double without a word. The same e-mail
    under two MCPIDs is what that leaves behind.
    """
    # e-mail -> the MCPIDs of the rows that give it, as compared (ABC and abc are one), each as first written
    mcpids: dict[str, dict[str, str]] = {}
    for row in certified:
        if row.mcpid:
            for email in row.emails:
                mcpids.setdefault(email, {}).setdefault(row.mcpid, row.written)
    shared = [
        f"{email}: {', '.join(map(repr, list(written.values())[:3]))}"
        for email, written in sorted(mcpids.items())
        if len(written) > 1
    ]
    if not shared:
        return []
    return [
        f"{len(shared):,} e-mail(s) given by rows of several MCPIDs, imported as that many people (is one person's "
        f"MCPID written two ways, in a copy of the download?): {first(shared, '; ')}"
    ]


#: The TrainingTypes of the downloads that are not certifications (casefolded); a listed title under any other
#: type that is not Certification, or none, is named in the report: its row may have lost its type
_OTHER_TYPES = frozenset({"exam", "course"})

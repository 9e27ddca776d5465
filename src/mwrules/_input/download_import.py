"""One import of Partner Center downloads: the rows read, the people and tenants they give, and every problem.

:class:`Import` reads the trainings downloads itself and the usage downloads
through :class:`.usage_rows.UsageRows`, row by row (the reading is
:class:`.downloads.DownloadReader`'s), and gives the partner document and the
report. :func:`mwrules.partner_center.read` drives it.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from .. import codes
from ..errors import NearMisses, Problem
from ..limits import Limits
from ..model import Certification
from ..ruleset import Ruleset, normalise_name
from . import import_designations as _designations
from .convert import shown
from .customers import day_month, month_text
from .download_rows import Certified, certification_to_json, people_of, unique_rows
from .download_values import DateOrder, not_ascii, parse_date, spreadsheet_number
from .downloads import DownloadReader
from .import_notes import RowNotes, first
from .import_report import ImportReport, SkippedRow
from .text import DASHES, identity
from .usage_rows import UsageRows


# Where an imported document's problem comes from: a person, a tenant, or one of their rows
_PLACE = re.compile(r"\$\.(people|customers)\[(\d+)\](?:\.(certifications|usage|associations)\[(\d+)\])?")


class Import(DownloadReader):
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
            if not any(values.get(key, "").strip() for key in ("mcpid", "email", "corp")):
                # whatever its title or type (a totals or notes row): it was counted among the exams, or titles
                self.report["skipped"].append(SkippedRow(str(path), line, "no MCPID, Email or CorpEmail: whose is it?"))
                continue
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
            why = f"MCPID {written!r} is an id a spreadsheet wrote {rewritten}"
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
            empty_rows=self.empty_rows,
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

"""Partner Center downloads in: the trainings and usage reports partners already have, as a partner document.

Partner Center (Insights, download reports) gives a partner two kinds of file
mwrules can read (see ``docs/partner-center.md``):

* **Trainings, exams and certifications**: one row per person and training.
  People are told apart by ``MCPID``; a row without one is the person whose
  ``Email`` or ``CorpEmail`` it shares. Only certifications count; exams and
  courses are counted in the report, and certifications of other solution
  areas are summarised, not warned about one by one.
* **Customer usage** (the CPOR-M365 usage and the Office 365 license usage
  layouts): one row per tenant, workload and month, with the partner's
  association with the tenant.

:func:`read` turns them into a :class:`~mwrules.Partner` and an
:class:`ImportReport`. Files are read by column name (the order varies
between exports), as CSV or TSV, in UTF-8 (with or without a byte order
mark) or UTF-16 (Excel's "Unicode text"), one row at a time.

>>> import mwrules.partner_center as pc
>>> partner, report = pc.read(trainings=["examples/partner-center/trainings.csv"], partner_id="contoso",
...                           as_of="2026-11-28")
>>> report.people_per_level["advanced"] > 0
True
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from . import codes
from ._evaluation.compile import compile_ruleset
from ._input.customers import association_types, month_text
from ._input.partner import choose_ruleset
from ._output.json import partner_to_json
from .errors import InputError, NearMisses, Problem, did_you_mean
from .model import Association, Certification, Customer, Partner, Person, Usage
from .ruleset import Ruleset, normalise_name


__all__ = ["ImportReport", "SkippedRow", "read", "read_document"]

DateOrder = Literal["day-first", "month-first"]
DATE_ORDERS: tuple[str, ...] = ("day-first", "month-first")
#: Rows after which a progress bar is shown (when standard error is a terminal).
PROGRESS_ROWS = 100_000


@attrs.frozen
class SkippedRow:
    """A row that was not used, where it is, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import read, used and left out."""

    files: tuple[str, ...] = ()
    rows: int = 0
    people: int = 0
    #: per level, the people holding a certification of the ruleset that counts there on as_of
    people_per_level: Mapping[str, int] = attrs.field(factory=dict)
    certifications: int = 0
    exams_and_courses: int = 0
    other_areas: int = 0
    other_titles: int = 0
    skipped: tuple[SkippedRow, ...] = ()
    tenants: int = 0
    usage_rows: int = 0
    duplicate_rows: int = 0
    months: tuple[str, ...] = ()
    #: whether the usage covers the month measured (M) and the month it is compared with, for as_of
    covers_measured_months: bool | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``--report FILE``)."""
        data = attrs.asdict(self, recurse=False)
        data["files"] = list(self.files)
        data["people_per_level"] = dict(self.people_per_level)
        data["skipped"] = [attrs.asdict(row) for row in self.skipped]
        data["months"] = list(self.months)
        data["warnings"] = list(self.warnings)
        return data

    def __str__(self) -> str:
        lines = [f"read {self.rows:,} row(s) of {len(self.files)} file(s)"]
        if self.people or self.certifications or self.exams_and_courses:
            levels = ", ".join(f"{count} at {level}" for level, count in self.people_per_level.items())
            lines.append(f"people: {self.people:,} ({levels or 'none certified'})")
            lines.append(
                f"certifications: {self.certifications:,} of the ruleset; {self.other_areas:,} of other areas "
                f"({self.other_titles} distinct titles); exams and courses: {self.exams_and_courses:,} (not counted)"
            )
        if self.tenants or self.usage_rows:
            months = f"{self.months[0]} to {self.months[-1]}" if self.months else "none"
            lines.append(f"tenants: {self.tenants:,}; usage rows: {self.usage_rows:,}; months: {months}")
            if self.duplicate_rows:
                lines.append(
                    f"rows marked as duplicates (IsDuplicateRowForPGA), not counted twice: {self.duplicate_rows:,}"
                )
        if self.skipped:
            lines.append(f"skipped: {len(self.skipped)} row(s)")
            lines += [f"  {row}" for row in self.skipped[:20]]
            if len(self.skipped) > 20:
                lines.append(f"  ... and {len(self.skipped) - 20} more (--report FILE lists them all)")
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def read(
    *,
    trainings: Sequence[str | os.PathLike[str]] = (),
    usage: Sequence[str | os.PathLike[str]] = (),
    partner_id: str,
    as_of: datetime.date | str | None = None,
    ruleset: Ruleset | str | None = None,
    date_order: DateOrder | None = None,
    keep_names: bool = False,
) -> tuple[Partner, ImportReport]:
    """A partner from Partner Center downloads, and the report of the import.

    *trainings* are "Trainings, exams and certifications" files; *usage* are
    customer usage files. *ruleset* (by default the Modern Work version in
    force on *as_of*) says which certification titles, association types and
    workloads are known. Dates are read day first or month first as the
    file's dates show (a first field above 12), or as *date_order* says.
    Person ids are stable pseudonyms, unless *keep_names*.

    Raises:
        InputError: a file cannot be read, lacks a column, has a date that
            is not a date, an ambiguous date order, or an association type
            the ruleset does not know; every problem, with its file and line.
    """
    day = _as_date(as_of)
    choice = choose_ruleset(ruleset, day)
    reader = _Import(choice.ruleset, partner_id, day, date_order, keep_names)
    for path in trainings:
        reader.trainings(Path(path))
    for path in usage:
        reader.usage(Path(path))
    if reader.problems:
        raise InputError(reader.problems)
    return reader.result()


def read_document(**arguments: Any) -> tuple[dict[str, Any], ImportReport]:
    """:func:`read`, with the partner as a document in the input format (for ``mwrules import``)."""
    partner, report = read(**arguments)
    return partner_to_json(partner), report


def _as_date(value: datetime.date | str | None) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        msg = f"as_of must be a date written YYYY-MM-DD, not {value!r}"
        raise InputError([Problem("as_of", msg, code=codes.INVALID_VALUE)]) from None


# Reading files ------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """UTF-16 or UTF-8 with a byte order mark, as the file starts; else UTF-8."""
    with path.open("rb") as raw:
        start = raw.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"


class _NotText(ValueError):
    """A line of a file is not text in the file's encoding."""

    def __init__(self, line: int, error: UnicodeDecodeError) -> None:
        super().__init__(f"line {line} is not {error.encoding} text ({error.reason})")
        self.line = line


def _lines(path: Path) -> Iterator[str]:
    """The lines of a file as text; in UTF-8 decoded one by one, so that a line that is not text is named."""
    encoding = _encoding(path)
    if encoding == "utf-16":  # its lines cannot be split before decoding
        with path.open(encoding=encoding, newline="") as text:
            yield from text
        return
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                yield line.decode(encoding if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise _NotText(number, error) from None


def _header(lines: Iterator[str]) -> tuple[str, list[str]]:
    """The delimiter (a tab or a comma, whichever the header line has more of) and the column names."""
    line = next(lines, "")
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    return delimiter, [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]


def _columns(path: Path) -> list[str]:
    """The column names of a CSV or TSV file, from its header line alone."""
    lines = _lines(path)
    try:
        return _header(lines)[1]
    finally:
        lines.close()  # type: ignore[attr-defined]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column name) of a CSV or TSV file, one at a time; the header keys as written."""
    lines = _lines(path)
    delimiter, columns = _header(lines)
    reader = csv.reader(lines, delimiter=delimiter)
    for values in _progress(reader, path):
        if any(value.strip() for value in values):
            yield reader.line_num + 1, dict(zip(columns, values, strict=False))


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YM = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_MONTH_NAMES = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_MON_YY = re.compile(r"^\s*([A-Za-z]{3})[- ](\d{2}|\d{4})\s*$")


def _order_from(dates: Iterable[str]) -> DateOrder | Literal["both"] | None:
    """What the dates of a file show: day first (a first field above 12), month first, neither, or both."""
    first = second = False
    for text in dates:
        match = _DMY.match(text)
        if match:
            first |= int(match[1]) > 12
            second |= int(match[2]) > 12
    if first and second:
        return "both"
    return "day-first" if first else "month-first" if second else None


def _parse_date(text: str, order: DateOrder | None) -> datetime.date | None:
    """The day *text* writes, or None; a time of day is ignored. Raises ValueError for text that is not a date."""
    if not text.strip():
        return None
    match = _YMD.match(text)
    if match:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    match = _DMY.match(text)
    if match:
        a, b, year = int(match[1]), int(match[2]), int(match[3])
        day, month = (a, b) if order == "day-first" else (b, a)
        return datetime.date(year, month, day)
    raise ValueError(text)


def _parse_month(text: str, order: DateOrder | None) -> str:
    """The month *text* writes (a date, ``YYYY-MM`` or ``Oct-25``), as ``YYYY-MM``. Raises ValueError."""
    match = _YM.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return f"{int(match[1]):04d}-{int(match[2]):02d}"
    match = _MON_YY.match(text)
    if match and match[1].lower() in _MONTH_NAMES:
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        return f"{year:04d}-{_MONTH_NAMES[match[1].lower()]:02d}"
    day = _parse_date(text, order)
    if day is None:
        raise ValueError(text)
    return f"{day.year:04d}-{day.month:02d}"


class _Import:
    """The state of one import: what was read, and every problem."""

    def __init__(
        self, ruleset: Ruleset, partner_id: str, as_of: datetime.date | None, order: DateOrder | None, keep_names: bool
    ) -> None:
        if order is not None and order not in DATE_ORDERS:
            msg = f"date_order must be one of {DATE_ORDERS}, not {order!r}"
            raise ValueError(msg)
        self.ruleset = ruleset
        self.compiled = compile_ruleset(ruleset)
        self.partner_id = partner_id
        self.as_of = as_of
        self.order = order
        self.keep_names = keep_names
        self.problems: list[Problem] = []
        self.report: dict[str, Any] = {"files": [], "rows": 0, "skipped": [], "warnings": []}
        self.counts = {"exams": 0, "certifications": 0, "other": 0, "duplicates": 0, "usage": 0}
        self.other_titles: set[str] = set()
        self.close_titles: dict[str, str] = {}
        # The ruleset's spellings, normalised (the first of those that read the same)
        self.spellings: dict[str, str] = {}
        for spelling in sorted({name for cert in ruleset.certifications for name in (cert.name, *cert.aliases)}):
            self.spellings.setdefault(normalise_name(spelling), spelling)
        self.near_misses = NearMisses(self.spellings, cutoff=_CLOSE, searches=_NEAR_MISS_SEARCHES)
        # people: identity key -> (names, certifications); emails -> identity key
        self.people: dict[str, tuple[set[str], list[Certification]]] = {}
        self.emails: dict[str, str] = {}
        # tenants: id -> (name, associations, usage by (month, workload))
        self.tenants: dict[str, tuple[str | None, set[tuple[str, datetime.date]], dict[tuple[str, str], Any]]] = {}

    # shared ------------------------------------------------------------------------

    def _problem(self, file: Path, line: int | None, where: str, message: str, hint: str | None, code: str) -> None:
        self.problems.append(Problem(where, message, hint, file=str(file), line=line, code=code))

    def _find_columns(
        self, path: Path, wanted: Mapping[str, Sequence[str]], required: Sequence[str]
    ) -> dict[str, str] | None:
        """The file's column for each wanted name (any of its spellings, case ignored); None if a required one lacks."""
        try:
            present = _columns(path)
        except (OSError, UnicodeError, csv.Error, _NotText) as error:
            self._problem(path, None, "$", f"cannot read the file: {error}", None, codes.UNREADABLE)
            return None
        folded = {name.casefold(): name for name in present}
        found = {}
        for key, spellings in wanted.items():
            for spelling in spellings:
                if spelling.casefold() in folded:
                    found[key] = folded[spelling.casefold()]
                    break
        missing = [wanted[key][0] for key in required if key not in found]
        for name in missing:
            self._problem(
                path,
                1,
                "$",
                f"no column {name!r}",
                did_you_mean(name, present) or "is this the right download?",
                codes.MISSING_KEY,
            )
        return None if missing else found

    def _values(self, path: Path, columns: Mapping[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, value per wanted column, stripped) of each row; a file that stops being readable is a problem."""
        line = 1
        try:
            for line, row in _rows(path):
                self.report["rows"] += 1
                yield line, {key: row.get(column, "").strip() for key, column in columns.items()}
        except _NotText as error:
            self._problem(path, error.line, "$", f"cannot read the file: {error}", "save it as UTF-8", codes.UNREADABLE)
        except (UnicodeError, csv.Error) as error:
            self._problem(
                path, line + 1, "$", f"cannot read the file after line {line}: {error}", None, codes.UNREADABLE
            )

    def _date_order(
        self, path: Path, rows: Sequence[tuple[int, dict[str, str]]], keys: Sequence[str]
    ) -> tuple[bool, DateOrder | None]:
        """Whether the dates under *keys* can be read, and in which order (None: no date has a day and a month)."""
        if self.order is not None:
            return True, self.order
        dates = [values[key] for _, values in rows for key in keys if values.get(key)]
        shown = _order_from(dates)
        if shown == "both":
            self._problem(
                path,
                None,
                "$",
                "the dates are written both day first and month first",
                "give the order with --date-order day-first|month-first",
                codes.INVALID_VALUE,
            )
            return False, None
        if shown is None and any(_DMY.match(text) for text in dates):
            self._problem(
                path,
                None,
                "$",
                "the dates could be day first or month first (no field is above 12)",
                "give the order with --date-order day-first|month-first",
                codes.INVALID_VALUE,
            )
            return False, None
        return True, shown

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
        }
        columns = self._find_columns(path, wanted, ("title", "type", "completed"))
        if columns is None:
            return
        if not {"mcpid", "email", "corp"} & set(columns):
            self._problem(
                path, 1, "$", "no column to tell people apart: MCPID, Email or CorpEmail", None, codes.MISSING_KEY
            )
            return
        self.report["files"].append(str(path))
        kept = []
        for line, values in self._values(path, columns):
            if values["type"].casefold() != "certification":
                self.counts["exams"] += 1
                continue
            kept.append((line, values))
        readable, order = self._date_order(path, kept, ("completed", "expires"))
        if not readable:
            return  # reported
        for line, values in kept:
            self._certification(path, line, values, order)

    def _certification(self, path: Path, line: int, values: dict[str, str], order: DateOrder | None) -> None:
        title = values["title"]
        cert_id = self.compiled.resolve(title)
        if cert_id is None:
            close = self._close(title)
            if close is not None:
                self.close_titles.setdefault(title, f"did you mean {close!r}?")
            else:
                self.counts["other"] += 1
                self.other_titles.add(normalise_name(title))
                return
        try:
            earned = _parse_date(values["completed"], order)
            expires = _parse_date(values.get("expires", ""), order)
        except ValueError as error:
            self._problem(
                path,
                line,
                "$",
                f"{str(error)!r} is not a date",
                "dates look like 25/12/2018 23:07 or 2018-12-25",
                codes.INVALID_VALUE,
            )
            return
        person = self._person(values)
        if person is None:
            self.report["skipped"].append(SkippedRow(str(path), line, "no MCPID, Email or CorpEmail: whose is it?"))
            return
        if cert_id is None:
            return  # a close title: warned once, not counted
        if expires is not None and earned is not None and expires < earned:
            reason = f"{title!r} expires ({expires}) before it was earned ({earned}): not counted"
            self.report["skipped"].append(SkippedRow(str(path), line, reason))
            return
        self.counts["certifications"] += 1
        names, certifications = self.people[person]
        name = " ".join(part for part in (values.get("first", ""), values.get("last", "")) if part)
        if name:
            names.add(name)
        certifications.append(Certification(title, earned, expires))

    def _close(self, title: str) -> str | None:
        """The ruleset's spelling *title* is a near miss of (a typo), if any; other areas' titles are not.

        Stricter than the "did you mean" of evaluate: a download holds many
        titles of other areas that share words with Modern Work ones ("Azure
        Administrator Associate"), and they are not mistakes.
        """
        close = self.near_misses(normalise_name(title))  # the first _NEAR_MISS_SEARCHES distinct titles
        return None if close is None else self.spellings[close]

    def _person(self, values: dict[str, str]) -> str | None:
        """The identity key of a row's person (an MCPID, or an e-mail), creating it; None without either."""
        emails = [email.casefold() for email in (values.get("email", ""), values.get("corp", "")) if email]
        mcpid = values.get("mcpid", "")
        if mcpid:
            key = f"mcpid:{mcpid}"
        else:
            known = next((self.emails[email] for email in emails if email in self.emails), None)
            if known is None and not emails:
                return None
            key = known or f"email:{emails[0]}"
        self.people.setdefault(key, (set(), []))
        for email in emails:
            self.emails.setdefault(email, key)
        return key

    # usage ----------------------------------------------------------------------------

    def usage(self, path: Path) -> None:
        wanted = {
            "tenant": ("CustomerTenantId",),
            "name": ("CustomerName",),
            "workload": ("WorkloadName",),
            "active": ("MonthlyActiveUsers",),
            "paid": ("PaidAvailableUnits",),
            "associated": ("DateAssociated",),
            "type": ("PartnerAttributionType",),
            "month": ("Date", "Month"),
            "duplicate": ("IsDuplicateRowForPGA",),
        }
        columns = self._find_columns(path, wanted, ("tenant", "workload", "active", "paid", "type", "month"))
        if columns is None:
            return
        self.report["files"].append(str(path))
        types = association_types(self.ruleset)
        type_names = sorted(
            {kind.name for kind in self.ruleset.customer_data.association_types} if self.ruleset.customer_data else ()
        )
        rows = []
        for line, values in self._values(path, columns):
            if values.get("duplicate", "").casefold() in ("true", "1", "yes"):
                self.counts["duplicates"] += 1
                continue
            rows.append((line, values))
        readable, order = self._date_order(path, rows, ("month", "associated"))
        if not readable:
            return  # reported
        if "associated" not in columns:
            self.report["warnings"].append(
                f"{path}: no DateAssociated column: each association is taken to start on the first day of the "
                "first month the tenant appears with it"
            )
        for line, values in rows:
            kind = types.get(normalise_name(values["type"]))
            if kind is None:
                self._problem(
                    path,
                    line,
                    "$",
                    f"attribution type {values['type']!r} is not an association type of {self.ruleset}",
                    did_you_mean(values["type"], type_names),
                    codes.UNKNOWN_ASSOCIATION_TYPE,
                )
                continue
            try:
                month = _parse_month(values["month"], order)
                since = _parse_date(values.get("associated", ""), order) or datetime.date.fromisoformat(month + "-01")
                paid, active = int(values["paid"] or 0), int(values["active"] or 0)
            except ValueError as error:
                self._problem(
                    path,
                    line,
                    "$",
                    f"{str(error)!r} is not a date, a month or a whole number",
                    None,
                    codes.INVALID_VALUE,
                )
                continue
            if paid < 0 or active < 0:
                self._problem(path, line, "$", "a negative count of seats or users", None, codes.INVALID_VALUE)
                continue
            tenant = values["tenant"]
            if not tenant:
                self.report["skipped"].append(SkippedRow(str(path), line, "no CustomerTenantId"))
                continue
            _, associations, usage = self.tenants.setdefault(tenant, (values.get("name") or None, set(), {}))
            associations.add((self.ruleset.association_type(kind).name, since))
            key = (month, normalise_name(values["workload"]))
            previous = usage.get(key)
            if previous is not None and previous[1:] != (paid, active):
                self._problem(
                    path,
                    line,
                    "$",
                    f"tenant {tenant}, {month}, {values['workload']}: {paid} paid and {active} active, but line "
                    f"{previous[3]} says {previous[1]} and {previous[2]}",
                    "keep one row per tenant, month and workload",
                    codes.DUPLICATE_USAGE,
                )
                continue
            if previous is None:
                self.counts["usage"] += 1
                usage[key] = (values["workload"], paid, active, line)

    # the result -----------------------------------------------------------------------

    def result(self) -> tuple[Partner, ImportReport]:
        people = []
        for key, (names, certifications) in sorted(self.people.items()):
            if not certifications:
                continue
            person_id = self._person_id(key, names)
            people.append(Person(person_id, tuple(certifications)))
        customers = None
        months: set[str] = set()
        if self.tenants:
            customers = []
            for tenant, (name, associations, usage) in sorted(self.tenants.items()):
                # an association per type: the earliest start
                first: dict[str, datetime.date] = {}
                for kind, since in associations:
                    first[kind] = min(since, first.get(kind, since))
                rows = tuple(
                    Usage(month, workload, paid, active)
                    for (month, _), (workload, paid, active, _) in sorted(usage.items())
                )
                months |= {row.month for row in rows}
                customers.append(
                    Customer(
                        tenant=tenant,
                        name=name,
                        associations=tuple(Association(kind, since) for kind, since in sorted(first.items())),
                        usage=rows,
                    )
                )
        partner = Partner(
            partner_id=self.partner_id,
            as_of=self.as_of,
            people=tuple(people),
            customers=None if customers is None else tuple(customers),
        )
        warnings = list(self.report["warnings"])
        if self.counts["other"]:
            warnings.append(
                f"{self.counts['other']:,} certifications of other areas, {len(self.other_titles)} distinct titles: "
                f"not counted for {self.ruleset.manifest.title}"
            )
        for title, hint in sorted(self.close_titles.items()):
            warnings.append(f"certification title {title!r} is not one of {self.ruleset} ({hint}); not counted")
        covers = None
        if customers is not None and self.ruleset.customer_data is not None:
            data = self.ruleset.customer_data
            as_of = self.as_of or datetime.date.today()
            reference = as_of.year * 12 + as_of.month - 1 - data.reference_month_lag
            needed = [month_text(reference), month_text(reference - data.months_back)]
            covers = all(month in months for month in needed)
            if not covers:
                missing = ", ".join(month for month in needed if month not in months)
                warnings.append(
                    f"the usage files do not cover {missing}, which the customer metrics compare for as_of {as_of}: "
                    "those metrics would be wrong"
                )
        levels = self._levels(people)
        report = ImportReport(
            files=tuple(self.report["files"]),
            rows=self.report["rows"],
            people=len(people),
            people_per_level=levels,
            certifications=self.counts["certifications"],
            exams_and_courses=self.counts["exams"],
            other_areas=self.counts["other"],
            other_titles=len(self.other_titles),
            skipped=tuple(self.report["skipped"]),
            tenants=len(self.tenants),
            usage_rows=self.counts["usage"],
            duplicate_rows=self.counts["duplicates"],
            months=tuple(sorted(months)),
            covers_measured_months=covers,
            warnings=tuple(warnings),
        )
        return partner, report

    def _person_id(self, key: str, names: set[str]) -> str:
        if self.keep_names and names:
            return f"{min(names)} ({key.partition(':')[2]})"
        digest = hashlib.sha256(f"{self.partner_id}\0{key}".encode()).hexdigest()[:12]
        return f"person-{digest}"

    def _levels(self, people: list[Person]) -> dict[str, int]:
        day = self.as_of or datetime.date.today()
        counts = dict.fromkeys(self.ruleset.levels(), 0)
        for person in people:
            held: set[str] = set()
            for cert in person.certifications:
                cert_id = self.compiled.resolve(cert.name)
                if (
                    cert_id is None
                    or not cert.valid_on(day)
                    or not self.ruleset.certification(cert_id).eligible_on(day)
                ):
                    continue
                held.update(self.ruleset.counted_at(cert_id))
            for level in held:
                counts[level] += 1
        return counts


def _progress(rows: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """*rows* with a progress bar on standard error, for a big file (about 100,000 rows) read at a terminal."""
    if path.stat().st_size < PROGRESS_ROWS * _ROW_BYTES or not sys.stderr.isatty():
        return rows
    from tqdm import tqdm  # noqa: PLC0415 - only a terminal shows it

    return iter(tqdm(rows, unit=" rows", desc=path.name, file=sys.stderr, leave=False))


_ROW_BYTES = 100  # about, in a trainings or usage download
#: How alike a title and a ruleset spelling must be (difflib's ratio) for the title to be a near miss.
_CLOSE = 0.9
#: Distinct unknown titles of one import searched for a near miss (a download holds a few hundred
#: titles of other areas at most; past this many, a title is taken as another area's)
_NEAR_MISS_SEARCHES = 1_000

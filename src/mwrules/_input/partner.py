"""Turn a partner document into a :class:`~mwrules.model.Partner`, checking everything.

Two passes, and every problem of both is reported together: the structure
(types, unknown keys, dates) with cattrs, then what only the ruleset knows
(which paths, metrics and options exist) and what only the whole document
shows (duplicate person ids).
"""

from __future__ import annotations

import datetime
import functools
import math
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from .. import codes
from .._input import documents as _documents
from .._rulesets.versions import DEFAULT_ID, RulesetChoice, select_ruleset, shipped_family
from .._rulesets.vocabulary import AMOUNT_PLACES
from ..errors import InputError, Problem
from ..limits import DEFAULT_LIMITS, Limits, checked_limits
from ..model import Certification, DesignationData, Measure, MetricValue, Partner, Person
from ..ruleset import Ruleset
from .convert import ValueProblem, dict_structure_fn, lazy_hook, make_converter, parse_date, problems_from, shown
from .convert import expected as _expected
from .customers import read_customers
from .one_pass import _plain_partner
from .partner_metrics import check_facts, check_metrics, exact_decimal, written_decimal
from .sections import check_sections, read_metrics
from .text import CONTROL, identity, text_problem


if TYPE_CHECKING:
    import cattrs


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter that checks a partner document, made when first needed (see convert.make_converter)."""
    return make_converter(
        {
            Certification: _structure_certification,
            DesignationData: _structure_section,
            MetricValue: _structure_metric_value,
            Measure: _structure_measure,
            Person: _structure_person,
        }
    )


_structure_certification_object = lazy_hook(lambda: dict_structure_fn(Certification, _converter()))


def _structure_certification(value: object, _: type) -> Certification:
    if isinstance(value, str):
        return Certification(value)
    if isinstance(value, dict):
        return _structure_certification_object(value, Certification)  # type: ignore[no-any-return]
    msg = f"expected a certification name or an object with 'name', got {shown(value)}"
    raise ValueProblem(msg)


def _structure_metric_value(value: object, _: type) -> MetricValue:
    if isinstance(value, dict):
        return _converter().structure(value, dict[str, Measure])
    return _structure_measure(value)


def _structure_measure(value: object, _: type = int) -> Measure:
    """A count, or an amount read exactly as written (``0.96`` is 24/25, not the nearest binary fraction).

    A Partner built in Python may hold an amount as the Fraction it stands for, or as a Decimal.
    """
    if isinstance(value, Decimal):
        value = exact_decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        # a count or an amount (which, the ruleset says later): not "a whole number" for an amount
        what = "a number"
        raise _expected(what, value)
    if isinstance(value, float) and not math.isfinite(value):
        what = "a finite number"
        raise _expected(what, value)
    amount = None
    if isinstance(value, float) and not float.is_integer(value):
        amount = written_decimal(value)
    elif type(value) is Fraction and value.denominator != 1:
        amount = value
    if amount is None:
        return _converter().structure(int(value) if type(value) is Fraction else value, int)
    if 10**AMOUNT_PLACES % amount.denominator:
        message = f"{shown(value)} has more than {AMOUNT_PLACES} decimal places"
        raise ValueProblem(message)
    return amount


def _structure_person(value: object, _: type) -> Person:
    if not isinstance(value, dict):
        what = "a person: an object with id and certifications"
        raise _expected(what, value)
    # Ids are compared as names are: surrounding spaces are not part of them.
    person: Person = _structure_person_object(value, Person)
    stripped = person.id.strip()
    return person if stripped == person.id else attrs.evolve(person, id=stripped)


_structure_person_object = lazy_hook(lambda: dict_structure_fn(Person, _converter()))


def _structure_section(value: object, _: type) -> DesignationData:
    # An empty section (``security:`` with nothing under it) is null, which cattrs words in Python's terms
    if not isinstance(value, dict):
        what = "a section: an object with metrics"
        raise _expected(what, value)
    return _structure_section_object(value, DesignationData)  # type: ignore[no-any-return]


_structure_section_object = lazy_hook(lambda: dict_structure_fn(DesignationData, _converter()))


def read_document(
    source: str | os.PathLike[str],
    text: str | bytes | None = None,
    *,
    what: str = "the partner file",
    limits: Limits = DEFAULT_LIMITS,
) -> _documents.Document:
    """Read a partner file, or the *what* named (``-`` is standard input when *text* is given).

    Raises:
        InputError: the file cannot be read.
    """
    if isinstance(text, bytes):
        document = _documents.parse_bytes(text, source=str(source), what=what, limits=limits)
    elif text is not None:
        document = _documents.parse(text, source=str(source), limits=limits)
    else:
        document = _documents.read_file(source, what, limits=limits)
    if any(problem.code == codes.UNREADABLE for problem in document.problems):
        raise InputError(document.problems, what=None if what == "the partner file" else what)
    if _documents.is_json_lines(source) and any(problem.code == codes.SYNTAX for problem in document.problems):
        # Several partners, a line each (a file of one line is that partner's: JSON is YAML): said as what
        # they are, not as "not valid YAML" at the second line
        message = "a JSON Lines file of several partners (a partner a line) is not one partner's document"
        hint = "evaluate its lines with mwrules evaluate FILE, or mwrules.evaluate_lines(open(FILE))"
        problem = Problem("$", message, hint, file=str(source), code=codes.SYNTAX)
        return attrs.evolve(document, problems=(problem,))
    return document


def on_date(document: _documents.Document, as_of: datetime.date | None) -> _documents.Document:
    """*document* with its ``as_of`` replaced by *as_of* (``--as-of``), when there is a date and an object.

    A document whose own ``as_of`` is no date keeps it, for its check to say
    so (MW006): replaced, the mistake in the file went unsaid, exit 0.
    """
    if as_of is None or not isinstance(document.data, dict):
        return document
    if document.data.get("as_of") is not None and declared_as_of(document.data) is None:
        return document
    # The date is no longer the file's: a problem with it (MW131) must not point at the line of the one it replaced
    lines = {where: line for where, line in document.lines.items() if where != "$.as_of"}
    return attrs.evolve(document, data={**document.data, "as_of": as_of}, lines=lines)


def load_partner(
    document: _documents.Document | Mapping[str, Any],
    ruleset: Ruleset | str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> Partner:
    """A checked :class:`Partner` from a mapping in the input format (or a parsed document).

    *ruleset* says which paths, metrics and association options exist: a
    loaded ruleset, or a shipped one's name as for :func:`mwrules.evaluate`
    (by default, the Modern Work version in force on the partner's ``as_of``).
    A document past *limits* is refused (see ``docs/limits.md``).

    Raises:
        InputError: with every problem found.
    """
    checked_limits(limits)
    if not isinstance(document, _documents.Document):
        document = _documents.Document(document)
    if not isinstance(ruleset, Ruleset):
        ruleset = choose_for(document, ruleset).ruleset
    with _documents.paused_gc():
        return _load_partner(document, ruleset, limits)


def _load_partner(document: _documents.Document, ruleset: Ruleset, limits: Limits) -> Partner:
    problems = list(document.problems)
    if not problems:
        partner = _plain_partner(document.data, ruleset, limits)
        if partner is not None:
            return partner
    if not document.parsed and not problems:
        problems += _documents.shape_problems(document.data, limits.max_depth)
    partner = None
    data = document.data
    if not document.parsed and not problems:
        data = _documents.plain_values(data)
    if not problems:
        if not isinstance(data, dict):
            # an empty file, or one of comments alone, is no partner: said so, not as a value of the wrong type
            empty = "the document is empty: " if data is None else ""
            problems.append(
                Problem(
                    "$",
                    f"{empty}a partner document must be an object with a partner_id (and, to score, people and "
                    "metrics)",
                    code=codes.INVALID_VALUE,
                )
            )
        else:
            problems.extend(_check_limits(data, limits))
            if not any(problem.code == codes.LIMIT and problem.where == "$.people" for problem in problems):
                from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

                structural: list[Problem] = []
                try:
                    partner = _converter().structure({k: v for k, v in data.items() if k != "customers"}, Partner)
                except BaseValidationError as error:
                    structural = problems_from(error)
                metrics, metrics_at = read_metrics(data, ruleset.id)
                of_metrics = check_metrics(metrics, ruleset, at=metrics_at) + check_sections(data, ruleset)
                # A metric's own problem of shape says what its place takes (one number per part: {azure,
                # m365}); the structural "expected a number, got a list" at the same place only repeats it, worse
                said = {problem.where for problem in of_metrics if problem.code == codes.INVALID_VALUE}
                problems.extend(problem for problem in structural if problem.where not in said)
                problems.extend(_check_partner_id(data.get("partner_id")))
                problems.extend(_check_people(data.get("people")))
                problems.extend(of_metrics)
                problems.extend(check_facts(data.get("facts"), ruleset))
            if "customers" in data:
                customers, more = read_customers(data["customers"], ruleset, limits, identity, text_problem)
                problems.extend(more)
                if partner is not None:
                    partner = attrs.evolve(partner, customers=customers)
    if problems:
        located = [document.locate(problem) for problem in problems]
        # In the order of the file (a JSON document has no lines: the order found)
        located.sort(key=lambda problem: problem.line or 0)
        raise InputError(located)
    assert partner is not None  # noqa: S101 - no problems means a partner was built
    return partner


def _check_limits(data: Mapping[str, Any], limits: Limits) -> list[Problem]:
    """Problems with a document's size (people, certifications, text) and control characters in its text."""
    problems = []

    def too_long(where: str, text: object) -> None:
        if isinstance(text, str) and CONTROL.search(text):
            problems.append(
                Problem(
                    where,
                    "control characters (a line break, a tab, an escape, a text-direction override) "
                    "are not allowed in ids and names",
                    code=codes.INVALID_VALUE,
                )
            )
        if isinstance(text, str) and len(text) > limits.max_text_length:
            problems.append(
                Problem(
                    where,
                    f"{len(text):,} characters, more than the limit of {limits.max_text_length:,}",
                    "raise the limit with --limit text-length=N",
                    code=codes.LIMIT,
                )
            )

    too_long("$.partner_id", data.get("partner_id"))
    people = data.get("people")
    if not isinstance(people, list):
        return problems
    if len(people) > limits.max_people:
        message = f"{len(people):,} people, more than the limit of {limits.max_people:,}"
        return [*problems, Problem("$.people", message, "raise the limit with --limit people=N", code=codes.LIMIT)]
    for index, person in enumerate(people):
        if not isinstance(person, Mapping):
            continue
        too_long(f"$.people[{index}].id", person.get("id"))
        certifications = person.get("certifications")
        if not isinstance(certifications, list):
            continue
        if len(certifications) > limits.max_certifications_per_person:
            problems.append(
                Problem(
                    f"$.people[{index}].certifications",
                    f"{len(certifications):,} certifications, more than the limit of "
                    f"{limits.max_certifications_per_person:,} for one person",
                    "raise the limit with --limit certifications-per-person=N",
                    code=codes.LIMIT,
                )
            )
            continue
        for position, cert in enumerate(certifications):
            name = cert.get("name") if isinstance(cert, Mapping) else cert
            spot = f"$.people[{index}].certifications[{position}]"
            too_long(spot if isinstance(cert, str) else f"{spot}.name", name)
    return problems


def choose_ruleset(ruleset: Ruleset | str | None, as_of: datetime.date | None) -> RulesetChoice:
    """The ruleset to evaluate with, and why (see :func:`mwrules.evaluate`).

    Raises:
        TypeError: *ruleset* is neither a Ruleset, a name nor None (a programming mistake).
    """
    if ruleset is not None and not isinstance(ruleset, Ruleset | str):
        msg = f"ruleset must be a mwrules.Ruleset, a shipped ruleset's name or None, not {type(ruleset).__name__}"
        raise TypeError(msg)
    if isinstance(ruleset, Ruleset):
        return RulesetChoice(ruleset, f"loaded from {ruleset.source}" if ruleset.source else "given by the caller")
    return select_ruleset(ruleset, as_of=as_of)


def choose_for(document: _documents.Document, ruleset: Ruleset | str | None) -> RulesetChoice:
    """The ruleset for *document*: *ruleset*, or the version in force on the ``as_of`` it declares.

    Raises:
        InputError: no version is in force on that day; the document's other
            problems, checked against the earliest version (the one the
            suggestion names), are reported with it.
    """
    try:
        return choose_ruleset(ruleset, declared_as_of(document.data))
    except InputError as error:
        problems = [document.locate(problem) for problem in error.problems]
        family_id = (ruleset if isinstance(ruleset, str) else DEFAULT_ID).partition("@")[0]
        try:
            load_partner(document, shipped_family(family_id).rulesets[0])
        except InputError as more:
            problems += more.problems
        raise InputError(problems) from None


def declared_as_of(data: object) -> datetime.date | None:
    """The ``as_of`` a raw partner document gives, if it is a valid date.

    Only to choose the ruleset version: a bad date is reported when the
    partner is loaded (against the version in force today).
    """
    try:
        return parse_date(data.get("as_of")) if isinstance(data, Mapping) else None
    except ValueError:
        return None


def _check_people(people: object) -> list[Problem]:
    if not isinstance(people, list):
        return []
    entries = [(index, person) for index, person in enumerate(people) if isinstance(person, dict)]
    problems = person_id_problems((index, person.get("id")) for index, person in entries)
    for index, person in entries:
        certifications = person.get("certifications")
        for position, cert in enumerate(certifications if isinstance(certifications, list) else []):
            if isinstance(cert, dict):
                problems.extend(_check_dates(cert, f"$.people[{index}].certifications[{position}]"))
    return problems


def _check_partner_id(partner_id: object) -> list[Problem]:
    """An empty partner id, or one of spaces or invisible characters alone: it names no partner.

    Compared as person and tenant ids are (:func:`identity`): a zero-width
    space alone is as empty as a space (``import --partner-id`` refuses it too).
    """
    if isinstance(partner_id, str) and not identity(partner_id):
        return [Problem("$.partner_id", "a partner id cannot be empty", code=codes.INVALID_VALUE)]
    return []


def person_id_problems(ids: Iterable[tuple[int, object]]) -> list[Problem]:
    """Empty and repeated person ids, given (index in ``people``, id) pairs; ids that are not text are skipped.

    Ids are compared as people read them (see :func:`identity`): ``p1``,
    ``P1`` and ``p1 `` are one person written three ways.
    """
    problems = []
    first_use: dict[str, tuple[int, str]] = {}
    for index, person_id in ids:
        if not isinstance(person_id, str):
            continue  # reported by the structural pass
        key = identity(person_id)
        if not key:
            problems.append(Problem(f"$.people[{index}].id", "a person id cannot be empty", code=codes.EMPTY_PERSON_ID))
        elif key in first_use:
            first_index, first_id = first_use[key]
            same = (
                ""
                if first_id == person_id
                else f" as {shown(first_id)} (ids ignore case, spaces around them and invisible characters)"
            )
            problems.append(
                Problem(
                    f"$.people[{index}].id",
                    f"person id {shown(person_id)} is already used by $.people[{first_index}]{same}",
                    "each person must appear once, with all their certifications",
                    code=codes.DUPLICATE_PERSON,
                )
            )
        else:
            first_use[key] = (index, person_id)
    return problems


def _check_dates(cert: dict[str, Any], where: str) -> list[Problem]:
    earned, expires = cert.get("earned"), cert.get("expires")
    try:
        earned_on, expires_on = parse_date(earned), parse_date(expires)
    except ValueError:
        return []  # a missing or invalid date is reported by the structural pass, or needs no check
    if expires_on < earned_on:
        return [
            Problem(
                f"{where}.expires",
                f"expires ({expires_on}) before it was earned ({earned_on})",
                code=codes.EXPIRES_BEFORE_EARNED,
            )
        ]
    return []

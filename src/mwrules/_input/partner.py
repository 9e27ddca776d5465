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
import re
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs

from .. import codes
from .._input import documents as _documents
from .._rulesets.versions import DEFAULT_ID, RulesetChoice, select_ruleset, shipped_family, shipped_ids
from .._rulesets.vocabulary import AMOUNT_PLACES
from ..errors import InputError, Problem
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Certification, DesignationData, Measure, MetricValue, Partner, Person
from ..ruleset import Ruleset
from .convert import ValueProblem, dict_structure_fn, lazy_hook, make_converter, parse_date, problems_from, shown
from .convert import expected as _expected
from .customers import read_customers
from .partner_metrics import check_facts, check_metrics, plain_facts, plain_measure, plain_metrics, written_decimal
from .sections import check_sections, read_metrics


if TYPE_CHECKING:
    import cattrs


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter that checks a partner document, made when first needed (see convert.make_converter)."""
    return make_converter(
        {
            Certification: _structure_certification,
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

    A Partner built in Python may hold an amount as the Fraction it stands for.
    """
    amount = None
    if isinstance(value, float) and math.isfinite(value) and not float.is_integer(value):
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
    return document


def on_date(document: _documents.Document, as_of: datetime.date | None) -> _documents.Document:
    """*document* with its ``as_of`` replaced by *as_of* (``--as-of``), when there is a date and an object."""
    if as_of is None or not isinstance(document.data, dict):
        return document
    return attrs.evolve(document, data={**document.data, "as_of": as_of})


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
    if not isinstance(limits, Limits):
        msg = f"limits must be a mwrules.Limits, not {type(limits).__name__}"
        raise TypeError(msg)
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
            problems.append(
                Problem(
                    "$",
                    "a partner document must be an object with a partner_id (and, to score, people and metrics)",
                    code=codes.INVALID_VALUE,
                )
            )
        else:
            problems.extend(_check_limits(data, limits))
            if not any(problem.code == codes.LIMIT and problem.where == "$.people" for problem in problems):
                from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

                try:
                    partner = _converter().structure({k: v for k, v in data.items() if k != "customers"}, Partner)
                except BaseValidationError as error:
                    problems.extend(problems_from(error))
                problems.extend(_check_people(data.get("people")))
                metrics, metrics_at = read_metrics(data, ruleset.id)
                problems.extend(check_metrics(metrics, ruleset, at=metrics_at))
                problems.extend(check_sections(data, ruleset, shipped_ids()))
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


def _plain_partner(data: object, ruleset: Ruleset, limits: Limits) -> Partner | None:  # noqa: PLR0911
    """The partner of a document with no problem at all, built in one pass; None at the first doubt.

    The common case, and the fast one: plain dicts, lists, text and whole
    numbers, every value of the type it should have. Anything else (a problem,
    or a value the checks below would convert: ``3.0``, a dict subclass, a
    date read from YAML 1.1) returns None, and the checks that word every
    problem run instead. What this returns is what they would build.
    """
    if type(data) is not dict or not data.keys() <= _PARTNER_KEYS:
        return None
    partner_id = data.get("partner_id")
    if not _plain_text(partner_id, limits):
        return None
    plain, as_of = _plain_date(data.get("as_of"))
    if not plain:
        return None
    people_data = data.get("people", [])
    if type(people_data) is not list or len(people_data) > limits.max_people:
        return None
    people = []
    seen: set[str] = set()
    # Each certification as written, checked and built once: most repeat
    made: dict[Any, Certification | None] = {}
    for person in people_data:
        if type(person) is not dict or not person.keys() <= _PERSON_KEYS:
            return None
        person_id = person.get("id")
        if not _new_person(person_id, seen, limits):
            return None
        certifications_data = person.get("certifications", [])
        if type(certifications_data) is not list or len(certifications_data) > limits.max_certifications_per_person:
            return None
        certifications = []
        for cert in certifications_data:
            if type(cert) is str:
                written: Any = cert
            elif type(cert) is dict and cert.keys() <= _CERTIFICATION_KEYS:
                written = (cert.get("name"), cert.get("earned"), cert.get("expires"))
            else:
                return None
            try:
                built = made.get(written)
            except TypeError:  # a list or an object where text belongs
                return None
            if built is None:
                built = made[written] = _plain_certification(written, limits)
                if built is None:
                    return None
            certifications.append(built)
        people.append(Person(person_id.strip(), tuple(certifications)))
    return plain_partner_again(Partner(partner_id=partner_id, as_of=as_of, people=tuple(people)), data, ruleset, limits)


def one_pass(data: object, ruleset: Ruleset, limits: Limits) -> Partner | None:
    """The partner of a document with no problem at all, built in one pass; None at the first doubt (see below)."""
    return _plain_partner(data, ruleset, limits)


def plain_partner_again(partner: Partner, data: dict[str, Any], ruleset: Ruleset, limits: Limits) -> Partner | None:
    """*partner*, built in one pass from the plain document *data*, with what *ruleset* reads of it built again.

    The people, the id and the date are the same whatever the ruleset: a
    partner evaluated for several designations builds them once. What
    depends on the ruleset (metrics, facts, sections, customer data) is built
    as :func:`_plain_partner` builds it; None at the first doubt.
    """
    sections = _plain_sections(data.get("designations", {}), ruleset)
    if sections is None:
        return None
    if ruleset.id in sections:  # the top-level metrics are another ruleset's: only their shape is checked here
        metrics = _plain_shape(data.get("metrics", {}))
    else:
        metrics = plain_metrics(data.get("metrics", {}), ruleset, written=True)
    facts = plain_facts(data.get("facts", {}), ruleset, written=True)
    if metrics is None or facts is None:
        return None
    customers = None
    if "customers" in data:
        customers, problems = read_customers(data["customers"], ruleset, limits, identity, text_problem)
        if problems:
            return None
    return attrs.evolve(partner, metrics=metrics, customers=customers, facts=facts, designations=sections)


def plain_partner_object(partner: Partner, ruleset: Ruleset, limits: Limits) -> Partner | None:  # noqa: PLR0911
    """*partner* as the checks build it, when every field holds what its annotation says (as :func:`_plain_partner`)."""
    if not _plain_text(partner.partner_id, limits):
        return None
    if partner.as_of is not None and type(partner.as_of) is not datetime.date:
        return None
    if partner.customers is not None:  # checked as a document is: see _customers
        return None
    people = partner.people
    if type(people) is not tuple or len(people) > limits.max_people:
        return None
    seen: set[str] = set()
    plain_names: set[str] = set()
    max_length = limits.max_text_length
    for person in people:
        if type(person) is not Person:
            return None
        person_id = person.id
        # Most ids are short printable ASCII: checked and compared inline (as
        # _plain_text and identity() would), the rest by _new_person
        if type(person_id) is str and person_id.isascii() and person_id.isprintable():
            key = person_id.casefold()
            if len(person_id) > max_length or not key or key in seen or person_id != person_id.strip():
                return None
            seen.add(key)
        elif not _new_person(person_id, seen, limits) or person_id != person_id.strip():
            return None
        certifications = person.certifications
        if type(certifications) is not tuple or len(certifications) > limits.max_certifications_per_person:
            return None
        for cert in certifications:
            if type(cert) is not Certification:
                return None
            if cert.name not in plain_names:
                if not _plain_text(cert.name, limits):
                    return None
                plain_names.add(cert.name)
            earned, expires = cert.earned, cert.expires
            if (earned is not None and type(earned) is not datetime.date) or (
                expires is not None
                and (type(expires) is not datetime.date or (earned is not None and expires < earned))
            ):
                return None
    if partner.designations:  # checked as a document is
        return None
    metrics = plain_metrics(partner.metrics, ruleset, written=False)
    facts = plain_facts(partner.facts, ruleset, written=False)
    if metrics is None or facts is None:
        return None
    # What the checks build: a whole amount held as a Fraction is an int there
    return attrs.evolve(partner, metrics=metrics, facts=facts)


def _new_person(person_id: object, seen: set[str], limits: Limits) -> TypeGuard[str]:
    """Whether *person_id* is plain text naming no one in *seen* (as :func:`identity` compares); it is added."""
    if not _plain_text(person_id, limits):
        return False
    key = identity(person_id)
    if not key or key in seen:
        return False
    seen.add(key)
    return True


def _plain_certification(written: Any, limits: Limits) -> Certification | None:
    """The certification written as a name, or as (name, earned, expires); None at the first doubt."""
    if type(written) is str:
        return Certification(written) if _plain_text(written, limits) else None
    name, earned_text, expires_text = written
    plain_earned, earned = _plain_date(earned_text)
    plain_expires, expires = _plain_date(expires_text)
    if not (_plain_text(name, limits) and plain_earned and plain_expires):
        return None
    if earned is not None and expires is not None and expires < earned:
        return None
    return Certification(name, earned, expires)


_PARTNER_KEYS = frozenset(attrs.fields_dict(Partner))
_PERSON_KEYS = frozenset(attrs.fields_dict(Person))
_CERTIFICATION_KEYS = frozenset(attrs.fields_dict(Certification))


def _plain_text(value: object, limits: Limits) -> TypeGuard[str]:
    if type(value) is not str or len(value) > limits.max_text_length:
        return False
    if value.isascii():
        return value.isprintable()  # in ASCII, exactly: no C0 control character and no DEL
    return _CONTROL.search(value) is None and _encodes(value)


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _plain_date(value: object) -> tuple[bool, datetime.date | None]:
    """Whether *value* is a date as the checks read it (``YYYY-MM-DD``, a date, or not given), and the date."""
    if value is None:
        return True, None
    try:
        return True, parse_date(value)
    except ValueError:
        return False, None


def _plain_sections(data: object, ruleset: Ruleset) -> dict[str, DesignationData] | None:
    """The sections of ``designations``: *ruleset*'s read against it, the others' shape only; None at a doubt."""
    if type(data) is not dict:
        return None
    if not data:
        return {}
    known = {*shipped_ids(), ruleset.id}
    sections = {}
    for designation, section in data.items():
        if designation not in known or type(section) is not dict or not section.keys() <= {"metrics"}:
            return None
        written = section.get("metrics", {})
        own = designation == ruleset.id
        metrics = plain_metrics(written, ruleset, written=True) if own else _plain_shape(written)
        if metrics is None:
            return None
        sections[designation] = DesignationData(metrics=metrics)
    return sections


def _plain_shape(data: object) -> dict[str, dict[str, MetricValue]] | None:
    """Another designation's metrics as the structural checks build them (per path and metric, a number or parts).

    Only their shape is checked here; their ruleset checks the rest when it
    is evaluated. None at a doubt.
    """
    if type(data) is not dict:
        return None
    metrics: dict[str, dict[str, MetricValue]] = {}
    for path, values in data.items():
        if type(path) is not str or type(values) is not dict:
            return None
        built: dict[str, MetricValue] = {}
        for metric, value in values.items():
            if type(metric) is not str:
                return None
            if type(value) is dict:
                parts = {part: plain_measure(amount, "amount", written=True) for part, amount in value.items()}
                if None in parts.values() or not all(type(part) is str for part in parts):
                    return None
                built[metric] = typing.cast("dict[str, Measure]", parts)
            else:
                measure = plain_measure(value, "amount", written=True)
                if measure is None:
                    return None
                built[metric] = measure
        metrics[path] = built
    return metrics


# C0 and C1 control characters, line and paragraph separators, and the
# text-direction overrides and isolates: an id or a name printed to a terminal
# must neither move its cursor nor show itself reversed
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def text_problem(text: str, limits: Limits) -> tuple[str, str] | None:
    """What is wrong with *text* as an id or a name, and its code; None if nothing."""
    if _plain_text(text, limits):
        return None
    if _CONTROL.search(text):
        return (
            "control characters (a line break, a tab, an escape, a text-direction override) "
            "are not allowed in ids and names",
            codes.INVALID_VALUE,
        )
    if len(text) > limits.max_text_length:
        return f"{len(text):,} characters, more than the limit of {limits.max_text_length:,}", codes.LIMIT
    if not _encodes(text):
        return "not valid Unicode text (a lone surrogate)", codes.INVALID_VALUE
    return None


def _check_limits(data: Mapping[str, Any], limits: Limits) -> list[Problem]:
    """Problems with a document's size (people, certifications, text) and control characters in its text."""
    problems = []

    def too_long(where: str, text: object) -> None:
        if isinstance(text, str) and _CONTROL.search(text):
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


def identity(person_id: str) -> str:
    """How person ids are compared: as people read them.

    Unicode's compatibility normalisation (``José`` typed or decomposed is one
    name), invisible format characters (a zero-width space) dropped, then
    surrounding spaces and case ignored.
    """
    if person_id.isascii():
        return person_id.strip().casefold()
    normal = "".join(character for character in person_id if not _invisible(character))
    # NFKC again after case folding: folding can leave a string that is not normalised (U+0390)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", normal).strip().casefold())


# Characters Unicode marks as ignorable in display besides the format
# characters (Cf): the combining grapheme joiner, Hangul fillers, Mongolian
# and generic variation selectors, and the unassigned tags block
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]")


def _invisible(character: str) -> bool:
    return unicodedata.category(character) == "Cf" or _IGNORABLE.match(character) is not None


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

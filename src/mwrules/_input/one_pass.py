"""The one-pass build of a partner: a document with no problem at all, built without the checks that word problems.

The common case, and the fast one: plain dicts, lists, text and numbers,
every value of the type it should have. Anything else returns None, and the
checks of :mod:`mwrules._input.partner` run instead; what these build is what
those would build (property tests hold them to it).
"""

from __future__ import annotations

import datetime
import typing
from typing import Any, TypeGuard

import attrs

from ..limits import Limits
from ..model import Certification, DesignationData, Measure, MetricValue, Partner, Person
from ..ruleset import Ruleset
from .convert import parse_date
from .customers import read_customers
from .partner_metrics import plain_facts, plain_measure, plain_metrics
from .sections import section_names
from .text import identity, plain_text, text_problem


#: Per section id (or ``$.metrics``), the shape of metrics a ruleset does not read; None at a doubt
Shapes = dict[str, dict[str, dict[str, MetricValue]] | None]


#: More than any document this path takes nests: $.designations.<id>.metrics.<path>.<metric>.<part> is 6 deep
_DEEPEST = 8


def _plain_partner(  # noqa: PLR0911
    data: object, ruleset: Ruleset, limits: Limits, shapes: Shapes | None = None
) -> Partner | None:
    """The partner of a document with no problem at all, built in one pass; None at the first doubt.

    The common case, and the fast one: plain dicts, lists, text and whole
    numbers, every value of the type it should have. Anything else (a problem,
    or a value the checks below would convert: ``3.0``, a dict subclass, a
    date read from YAML 1.1) returns None, and the checks that word every
    problem run instead. What this returns is what they would build.
    """
    if type(data) is not dict or not data.keys() <= _PARTNER_KEYS or limits.max_depth < _DEEPEST:
        return None  # (under a tighter nesting limit, the checks that count it run: a dict was let through)
    partner_id = data.get("partner_id")
    if not plain_text(partner_id, limits) or not identity(partner_id):  # empty, or spaces or invisibles alone
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
    partner = Partner(partner_id=partner_id, as_of=as_of, people=tuple(people))
    return plain_partner_again(partner, data, ruleset, limits, shapes)


def one_pass(data: object, ruleset: Ruleset, limits: Limits, shapes: Shapes | None = None) -> Partner | None:
    """The partner of a document with no problem at all, built in one pass; None at the first doubt (see below).

    *shapes*: as for :func:`plain_partner_again`.
    """
    return _plain_partner(data, ruleset, limits, shapes)


def plain_partner_again(
    partner: Partner, data: dict[str, Any], ruleset: Ruleset, limits: Limits, shapes: Shapes | None = None
) -> Partner | None:
    """*partner*, built in one pass from the plain document *data*, with what *ruleset* reads of it built again.

    The people, the id and the date are the same whatever the ruleset: a
    partner evaluated for several designations builds them once. What
    depends on the ruleset (metrics, facts, sections, customer data) is built
    as :func:`_plain_partner` builds it; None at the first doubt. *shapes*
    keeps the shape of the metrics a ruleset does not read (another's
    section, or the top-level metrics its own replaces) for the next ruleset
    built from the same *data*: a shape does not depend on the ruleset.
    """
    shapes = {} if shapes is None else shapes
    sections = _plain_sections(data.get("designations", {}), ruleset, shapes)
    if sections is None:
        return None
    if ruleset.id in sections:  # the top-level metrics are another ruleset's: only their shape is checked here
        metrics = _shape(shapes, "$.metrics", data.get("metrics", {}))
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
    if not plain_text(partner.partner_id, limits) or not identity(partner.partner_id):
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
                if not plain_text(cert.name, limits):
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
    if not plain_text(person_id, limits):
        return False
    key = identity(person_id)
    if not key or key in seen:
        return False
    seen.add(key)
    return True


def _plain_certification(written: Any, limits: Limits) -> Certification | None:
    """The certification written as a name, or as (name, earned, expires); None at the first doubt."""
    if type(written) is str:
        return Certification(written) if plain_text(written, limits) else None
    name, earned_text, expires_text = written
    plain_earned, earned = _plain_date(earned_text)
    plain_expires, expires = _plain_date(expires_text)
    if not (plain_text(name, limits) and plain_earned and plain_expires):
        return None
    if earned is not None and expires is not None and expires < earned:
        return None
    return Certification(name, earned, expires)


_PARTNER_KEYS = frozenset(attrs.fields_dict(Partner))


_PERSON_KEYS = frozenset(attrs.fields_dict(Person))


_CERTIFICATION_KEYS = frozenset(attrs.fields_dict(Certification))


def _plain_date(value: object) -> tuple[bool, datetime.date | None]:
    """Whether *value* is a date as the checks read it (``YYYY-MM-DD``, a date, or not given), and the date."""
    if value is None:
        return True, None
    try:
        return True, parse_date(value)
    except ValueError:
        return False, None


def _plain_sections(data: object, ruleset: Ruleset, shapes: Shapes) -> dict[str, DesignationData] | None:
    """The sections of ``designations``: *ruleset*'s read against it, the others' shape only; None at a doubt."""
    if type(data) is not dict:
        return None
    if not data:
        return {}
    known = set(section_names(ruleset))
    sections = {}
    for designation, section in data.items():
        if designation not in known or type(section) is not dict or not section.keys() <= {"metrics"}:
            return None
        written = section.get("metrics", {})
        if designation == ruleset.id:
            metrics = plain_metrics(written, ruleset, written=True)
            if metrics is None:
                return None
            sections[designation] = DesignationData(metrics=metrics)
            continue
        shape = _shape(shapes, designation, written)
        if shape is None:
            return None
        sections[designation] = DesignationData(metrics=shape)
    return sections


def _shape(shapes: Shapes, key: str, data: object) -> dict[str, dict[str, MetricValue]] | None:
    """:func:`_plain_shape` of *data*, kept in *shapes* under *key* (a section's id, or ``$.metrics``)."""
    if key not in shapes:
        shapes[key] = _plain_shape(data)
    return shapes[key]


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

"""Turn a partner document into a :class:`~mwrules.model.Partner`, checking everything.

Two passes, and every problem of both is reported together: the structure
(types, unknown keys, dates) with cattrs, then what only the ruleset knows
(which paths, metrics and options exist) and what only the whole document
shows (duplicate person ids).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cattrs.errors import BaseValidationError

from . import _documents, codes
from ._convert import ValueProblem, make_converter, parse_date, problems_from
from ._versions import DEFAULT_ID, RulesetChoice, select_ruleset, shipped_family
from .errors import InputError, Problem, did_you_mean
from .model import Certification, MetricValue, Partner
from .ruleset import Ruleset


_UNKNOWN = codes.UNKNOWN_PARTNER_METRIC
_converter = make_converter()
_structure_certification_object = _converter.get_structure_hook(Certification)


def _structure_certification(value: object, _: type) -> Certification:
    if isinstance(value, str):
        return Certification(value)
    if isinstance(value, dict):
        return _structure_certification_object(value, Certification)  # type: ignore[no-any-return]
    msg = f"expected a certification name or an object with 'name', got {value!r}"
    raise ValueProblem(msg)


def _structure_metric_value(value: object, _: type) -> MetricValue:
    if isinstance(value, dict):
        return _converter.structure(value, dict[str, int])
    return _converter.structure(value, int)


_converter.register_structure_hook(Certification, _structure_certification)
_converter.register_structure_hook(MetricValue, _structure_metric_value)


def read_document(source: str | Path, text: str | None = None) -> _documents.Document:
    """Read a partner file (``-`` is standard input when *text* is given)."""
    if text is not None:
        return _documents.parse(text, source=str(source))
    document = _documents.read_file(source, "the partner file")
    if any(problem.code == codes.UNREADABLE for problem in document.problems):
        raise InputError(document.problems)
    return document


def load_partner(document: _documents.Document | Mapping[str, Any], ruleset: Ruleset | str | None = None) -> Partner:
    """A checked :class:`Partner` from a mapping in the input format (or a parsed document).

    *ruleset* says which paths, metrics and association options exist: a
    loaded ruleset, or a shipped one's name as for :func:`mwrules.evaluate`
    (by default, the Modern Work version in force on the partner's ``as_of``).

    Raises:
        InputError: with every problem found.
    """
    if not isinstance(document, _documents.Document):
        document = _documents.Document(document)
    if not isinstance(ruleset, Ruleset):
        ruleset = choose_for(document, ruleset).ruleset
    problems = list(document.problems)
    partner = None
    data = document.data
    if not problems:
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    "$",
                    "a partner document must be an object with partner_id, people and metrics",
                    code=codes.INVALID_VALUE,
                )
            )
        else:
            try:
                partner = _converter.structure(data, Partner)
            except BaseValidationError as error:
                problems.extend(problems_from(error))
            problems.extend(_check_people(data.get("people")))
            problems.extend(check_metrics(data.get("metrics"), ruleset))
    if problems:
        raise InputError([document.locate(problem) for problem in problems])
    assert partner is not None  # noqa: S101 - no problems means a partner was built
    return partner


def choose_ruleset(ruleset: Ruleset | str | None, as_of: datetime.date | None) -> RulesetChoice:
    """The ruleset to evaluate with, and why (see :func:`mwrules.evaluate`)."""
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
        for position, cert in enumerate(person.get("certifications") or []):
            if isinstance(cert, dict):
                problems.extend(_check_dates(cert, f"$.people[{index}].certifications[{position}]"))
    return problems


def person_id_problems(ids: Iterable[tuple[int, object]]) -> list[Problem]:
    """Empty and repeated person ids, given (index in ``people``, id) pairs; ids that are not text are skipped."""
    problems = []
    first_use: dict[str, int] = {}
    for index, person_id in ids:
        if not isinstance(person_id, str):
            continue  # reported by the structural pass
        if not person_id.strip():
            problems.append(Problem(f"$.people[{index}].id", "a person id cannot be empty", code=codes.EMPTY_PERSON_ID))
        elif person_id in first_use:
            problems.append(
                Problem(
                    f"$.people[{index}].id",
                    f"person id {person_id!r} is already used by $.people[{first_use[person_id]}]",
                    "each person must appear once, with all their certifications",
                    code=codes.DUPLICATE_PERSON,
                )
            )
        else:
            first_use[person_id] = index
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


def check_metrics(metrics: object, ruleset: Ruleset) -> list[Problem]:
    """Problems with the paths, metrics and options of *metrics* under *ruleset*."""
    if not isinstance(metrics, Mapping):
        return []
    problems = []
    path_ids = [path.id for path in ruleset.paths]
    for path_id, values in metrics.items():
        where = _documents.child("$.metrics", path_id)
        if path_id not in path_ids:
            problems.append(
                Problem(where, f"unknown path in {ruleset}", did_you_mean(str(path_id), path_ids), code=_UNKNOWN)
            )
            continue
        if not isinstance(values, Mapping):
            continue
        inputs = {metric.id: metric for metric in ruleset.metrics if metric.measure != "certified_people"}
        for metric_id, value in values.items():
            spot = _documents.child(where, metric_id)
            metric = inputs.get(metric_id)
            if metric is None:
                if any(m.id == metric_id for m in ruleset.metrics):
                    problems.append(
                        Problem(
                            spot,
                            "this metric is counted from people's certifications, not given as a number",
                            code=_UNKNOWN,
                        )
                    )
                else:
                    problems.append(
                        Problem(
                            spot, f"unknown metric in {ruleset}", did_you_mean(str(metric_id), inputs), code=_UNKNOWN
                        )
                    )
                continue
            options = ruleset.options(path_id, metric_id)
            if metric.measure == "count" and isinstance(value, Mapping):
                problems.append(
                    Problem(spot, "expected one number for this metric, not options", code=codes.INVALID_VALUE)
                )
            elif metric.measure == "best_of_options":
                if not isinstance(value, Mapping):
                    problems.append(
                        Problem(
                            spot,
                            f"expected one number per association option: {{{', '.join(options)}}}",
                            code=codes.INVALID_VALUE,
                        )
                    )
                    continue
                for option in value:
                    if option not in options:
                        problems.append(
                            Problem(
                                _documents.child(spot, option),
                                f"unknown association option for {metric_id} on {path_id}",
                                did_you_mean(str(option), options),
                                code=_UNKNOWN,
                            )
                        )
    return problems

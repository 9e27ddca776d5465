"""Verdicts to and from plain JSON data, with cattrs; partners back to their input format.

Points are JSON numbers rounded to 2 decimals, so that people and
spreadsheets read them as they are; beside each, ``<name>_exact`` holds the
exact value as a fraction (``"25/3"``), so that a verdict read back from JSON
equals the one written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from .. import codes
from .._input.convert import make_converter, problems_from
from ..errors import InputError, Problem
from ..model import Certification, Customer, Measure, Partner
from ..verdict import MetricResult, PathResult, TermResult, Verdict, display_points, exact_text


if TYPE_CHECKING:
    import cattrs


def _fraction_fields(cl: type) -> list[str]:
    return [field.name for field in attrs.fields(cl) if field.type in (Fraction, "Fraction")]


def _configure(converter: cattrs.Converter) -> cattrs.Converter:
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    # A measure: a count is a JSON number; an amount its exact decimal text ("0.96")
    converter.register_unstructure_hook(Fraction, exact_text)
    converter.register_structure_hook(Measure, _structure_measure)
    for cl in (TermResult, MetricResult, PathResult, Verdict):
        names = _fraction_fields(cl)
        converter.register_unstructure_hook(cl, _unstructure_with_exact(make_dict_unstructure_fn(cl, converter), names))
        converter.register_structure_hook(cl, _structure_with_exact(make_dict_structure_fn(cl, converter), names))
    return converter


#: Fields left out of JSON when empty: verdicts of rulesets that do not use them read as before
_OMITTED_WHEN_EMPTY = ("terms", "classified_by")


def _structure_measure(value: object, _: type) -> Measure:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return Fraction(value)
    problem = f"expected a count or an amount's decimal text, got {value!r}"
    raise ValueError(problem)


def _unstructure_with_exact(base: Callable[[Any], dict[str, Any]], names: list[str]) -> Callable[[Any], dict[str, Any]]:
    def unstructure(value: Any) -> dict[str, Any]:
        data = base(value)
        for name in _OMITTED_WHEN_EMPTY:
            if name in data and not data[name]:
                del data[name]  # a metric scored by targets alone, as before terms existed
        for name in names:
            exact = getattr(value, name)
            data[name] = display_points(exact)
            data[f"{name}_exact"] = str(exact)
        return data

    return unstructure


def _structure_with_exact(base: Callable[[Any, type], Any], names: list[str]) -> Callable[[Any, type], Any]:
    def structure(data: Any, cl: type) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for name in names:
                if f"{name}_exact" in data:
                    data[name] = data.pop(f"{name}_exact")
        return base(data, cl)

    return structure


@functools.cache
def _converter() -> cattrs.Converter:
    # Built on first use: cattrs generates the code of each hook
    return _configure(make_converter())


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    """*verdict* as plain JSON data (dicts, lists, strings, numbers, booleans)."""
    return _converter().unstructure(verdict)  # type: ignore[no-any-return]


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """*problem* as plain JSON data: its where, message, code, suggestion, file and line, those it has."""
    return {key: value for key, value in attrs.asdict(problem).items() if value is not None}


def partner_to_json(partner: Partner) -> dict[str, Any]:
    """*partner* as a document in the input format (``docs/input-format.md``).

    An undated certification is written as its name alone, as partner data
    usually has it. :func:`mwrules.load_partner` reads the document back into
    an equal partner.

    >>> from mwrules import Person
    >>> partner_to_json(Partner(partner_id="contoso", people=(Person("p1", (Certification("MS-700"),)),)))
    {'partner_id': 'contoso', 'people': [{'id': 'p1', 'certifications': ['MS-700']}], 'metrics': {}}
    """
    document: dict[str, Any] = {"partner_id": partner.partner_id}
    if partner.as_of is not None:
        document["as_of"] = partner.as_of.isoformat()
    document["people"] = [
        {"id": person.id, "certifications": [certification_to_json(cert) for cert in person.certifications]}
        for person in partner.people
    ]
    document["metrics"] = _metrics_to_json(partner.metrics)
    if partner.facts:
        document["facts"] = {fact: _measure_to_json(value) for fact, value in partner.facts.items()}
    if partner.designations:
        document["designations"] = {
            designation: {"metrics": _metrics_to_json(data.metrics)}
            for designation, data in partner.designations.items()
        }
    if partner.customers is not None:
        document["customers"] = [_customer_to_json(customer) for customer in partner.customers]
    return document


def _metrics_to_json(metrics: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        path: {metric: _measures_to_json(value) for metric, value in values.items()} for path, values in metrics.items()
    }


def _measures_to_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {part: _measure_to_json(amount) for part, amount in value.items()}
    return _measure_to_json(value)


def _measure_to_json(value: Any) -> Any:
    """A count as is; an amount as the decimal number it was written as (exact: at most 6 decimal places)."""
    return float(exact_text(value)) if isinstance(value, Fraction) and value.denominator != 1 else value


def _customer_to_json(customer: Customer) -> dict[str, Any]:
    document: dict[str, Any] = {"tenant": customer.tenant}
    if customer.name is not None:
        document["name"] = customer.name
    document["associations"] = [
        {"type": item.type, "since": item.since.isoformat()} | ({"until": item.until.isoformat()} if item.until else {})
        for item in customer.associations
    ]
    document["usage"] = [row._asdict() for row in customer.usage]
    return document


def certification_to_json(cert: Certification) -> str | dict[str, str]:
    if cert.earned is None and cert.expires is None:
        return cert.name
    written = {"name": cert.name}
    if cert.earned is not None:
        written["earned"] = cert.earned.isoformat()
    if cert.expires is not None:
        written["expires"] = cert.expires.isoformat()
    return written


def verdict_from_json(data: Any) -> Verdict:
    """The :class:`Verdict` that :func:`verdict_to_json` wrote.

    Raises:
        InputError: *data* is not a verdict; every problem is listed.
    """
    if not isinstance(data, Mapping):
        message = f"a verdict is an object, as verdict_to_json writes it, not {type(data).__name__}"
        raise InputError([Problem("$", message, code=codes.INVALID_VALUE)], what="the verdict")
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        verdict: Verdict = _converter().structure(data, Verdict)
    except BaseValidationError as error:
        raise InputError(problems_from(error)) from None
    problems = _contradictions(verdict)
    if problems:
        raise InputError(problems, what="the verdict")
    return verdict


def _contradictions(verdict: Verdict) -> list[Problem]:
    """Where a verdict read from JSON contradicts its own points (an edited or corrupted file)."""
    problems = []

    def wrong(where: str, message: str) -> None:
        problems.append(Problem(where, message, code=codes.INVALID_VALUE))

    for path_id, path in verdict.paths.items():
        where = f"$.paths.{path_id}"
        total = sum((metric.points for metric in path.metrics.values()), Fraction(0))
        if path.score != total:
            wrong(f"{where}.score", f"{path.score} is not the sum of the metrics' points ({total})")
        for metric_id, metric in path.metrics.items():
            if not 0 <= metric.points <= metric.max:
                wrong(f"{where}.metrics.{metric_id}.points", f"{metric.points} is not between 0 and {metric.max}")
    chosen = verdict.paths.get(verdict.path)
    if chosen is None:
        wrong("$.path", f"{verdict.path!r} is not one of the verdict's paths")
    elif verdict.score != chosen.score:
        wrong("$.score", f"{verdict.score} is not the score of path {verdict.path} ({chosen.score})")
    if verdict.qualified != any(path.qualified for path in verdict.paths.values()):
        wrong("$.qualified", "a partner qualifies exactly when one of its paths does")
    elif verdict.qualified and chosen is not None and not chosen.qualified:
        wrong("$.path", "a qualified partner's path is one that qualifies")
    return problems

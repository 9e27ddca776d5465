"""Verdicts to and from plain JSON data, with cattrs; partners back to their input format.

Points are JSON numbers rounded to 2 decimals, so that people and
spreadsheets read them as they are; beside each, ``<name>_exact`` holds the
exact value as a fraction (``"25/3"``), so that a verdict read back from JSON
equals the one written.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs

from .. import codes
from .._input.convert import make_converter, problems_from
from .._input.download_rows import certification_to_json
from ..errors import InputError, Problem
from ..model import Customer, Measure, Partner
from ..verdict import (
    MetricResult,
    PathResult,
    RulesetRef,
    TermResult,
    TraceStep,
    Verdict,
    display_points,
    exact_text,
)
from .json_text import MOST_AT_ONCE, PIECES_WRITTEN, PLAIN, JSONWriter


if TYPE_CHECKING:
    import cattrs


def _fraction_fields(cl: type) -> list[str]:
    return [field.name for field in attrs.fields(cl) if field.type in (Fraction, "Fraction")]


def _configure(converter: cattrs.Converter) -> cattrs.Converter:
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    # A measure: a count is a JSON number; an amount its exact decimal text ("0.96")
    converter.register_unstructure_hook(Fraction, exact_text)
    converter.register_structure_hook(Measure, _structure_measure)
    # Before the verdict's hooks are made, which call it for each step of a trace
    converter.register_unstructure_hook(TraceStep, _step_data)
    for cl in (TermResult, MetricResult, PathResult, Verdict):
        names = _fraction_fields(cl)
        converter.register_unstructure_hook(cl, _unstructure_with_exact(make_dict_unstructure_fn(cl, converter), names))
        converter.register_structure_hook(cl, _structure_with_exact(make_dict_structure_fn(cl, converter), names))
    return converter


#: Fields left out of JSON when empty: verdicts of rulesets that do not use them read as before
_OMITTED_WHEN_EMPTY = ("terms", "classified_by")


def _step_data(step: TraceStep) -> dict[str, Any]:
    """The dict of a trace step, as cattrs makes it from the fields' types, made without a call per concluded value.

    A verdict of thousands of tenants has tens of thousands of steps. The
    converter is needed only for a step that concluded more than plain values.
    """
    concluded = step.concluded
    return {
        "step": step.step,
        "rule": step.rule,
        "description": step.description,
        "matched": list(step.matched),
        "concluded": _copy(concluded)
        if _as_json(concluded)
        else _converter().unstructure(concluded, Mapping[str, Any]),
    }


def _as_json(concluded: Mapping[str, Any]) -> TypeGuard[dict[str, Any]]:
    """Whether what a step *concluded* is JSON data as it is: a dict of plain values, and of lists of plain values.

    cattrs would make an equal dict (and equal lists), a value at a time.
    """
    if type(concluded) is not dict:
        return False
    for value in concluded.values():
        kind = type(value)
        if kind not in PLAIN and (kind is not list or not PLAIN.issuperset(map(type, value))):
            return False
    return True


def _copy(concluded: dict[str, Any]) -> dict[str, Any]:
    """A copy of a dict of plain values and lists of them, that shares no list with the verdict."""
    return {key: list(value) if type(value) is list else value for key, value in concluded.items()}


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
    return _verdict_data(verdict, lambda: [_step_data(step) for step in verdict.trace])


def verdict_for_writing(verdict: Verdict) -> dict[str, Any]:
    """:func:`verdict_to_json` for :func:`~mwrules._output.json_text.write_json`: the trace is written from its steps.

    The text is the same; no dict is made per step (a verdict of thousands of
    tenants has tens of thousands), and no step is held as text.
    """
    return _verdict_data(verdict, lambda: _TraceText(verdict.trace, _step_data))


# The dicts of a verdict and of its paths and metrics, as the converter's hooks
# make them (see _configure), made directly: cattrs would call a hook per
# field and per value, turn each point into its exact text only to replace it
# with the rounded number, and the hooks would read each dict again. A value
# of another type than the usual one (a subclass, an int for a Fraction) goes
# to the converter, which says what it makes of it; an ordinary verdict is
# written without cattrs, which is then not even imported.


def _verdict_data(verdict: Verdict, trace: Callable[[], Any]) -> dict[str, Any]:
    """:func:`verdict_to_json`'s dict of *verdict*, with *trace()* for its trace."""
    score, ruleset = verdict.score, verdict.ruleset
    if type(verdict) is not Verdict or type(score) is not Fraction or type(ruleset) is not RulesetRef:
        data = verdict_to_json_by_hooks(attrs.evolve(verdict, trace=()))
        data["trace"] = trace()
        return data
    return {
        "partner_id": verdict.partner_id,
        "as_of": datetime.date.isoformat(verdict.as_of),
        "qualified": verdict.qualified,
        "path": verdict.path,
        "score": display_points(score),
        "paths": {path_id: _path_data(path) for path_id, path in verdict.paths.items()},
        "trace": trace(),
        "warnings": list(verdict.warnings),
        "ruleset": {"id": ruleset.id, "version": ruleset.version, "reason": ruleset.reason},
        "score_exact": str(score),
    }


def _path_data(path: PathResult) -> dict[str, Any]:
    score = path.score
    if type(path) is not PathResult or type(score) is not Fraction:
        return _converter().get_unstructure_hook(PathResult)(path)  # type: ignore[no-any-return]
    data = {
        "path": path.path,
        "score": display_points(score),
        "qualified": path.qualified,
        "metrics": {metric_id: _metric_data(metric) for metric_id, metric in path.metrics.items()},
        "shortfalls": list(path.shortfalls),
        "rule": path.rule,
        "step": path.step,
    }
    if path.classified_by:  # left out when empty (see _OMITTED_WHEN_EMPTY)
        data["classified_by"] = path.classified_by
    data["score_exact"] = str(score)
    return data


def _metric_data(metric: MetricResult) -> dict[str, Any]:
    points, most, inputs = metric.points, metric.max, metric.inputs
    if (
        type(metric) is not MetricResult
        or type(points) is not Fraction
        or type(most) is not Fraction
        or not _MEASURES.issuperset(map(type, inputs.values()))
    ):
        return _converter().get_unstructure_hook(MetricResult)(metric)  # type: ignore[no-any-return]
    data = {
        "metric": metric.metric,
        "points": display_points(points),
        "max": display_points(most),
        "inputs": {name: exact_text(value) for name, value in inputs.items()},
        "option": metric.option,
        "capped": metric.capped,
        "people": list(metric.people),
        "derived": metric.derived,
        "rule": metric.rule,
        "step": metric.step,
    }
    if metric.terms:  # left out when empty (see _OMITTED_WHEN_EMPTY)
        term_to_json = _converter().get_unstructure_hook(TermResult)
        data["terms"] = {term_id: term_to_json(term) for term_id, term in metric.terms.items()}
    data["points_exact"], data["max_exact"] = str(points), str(most)
    return data


#: The types of a metric's measures that _metric_data writes itself
_MEASURES = frozenset({int, Fraction})


def verdict_to_json_by_hooks(verdict: Verdict) -> dict[str, Any]:
    """:func:`verdict_to_json`'s dict as the converter's hooks make it, a field at a time: what it must equal."""
    return _converter().unstructure(verdict)  # type: ignore[no-any-return]


class _TraceText:
    """A verdict's trace, as :func:`verdict_to_json` has it, written by :class:`~mwrules._output.json_text.JSONWriter`.

    A step is a template: the step number, the rule and description (their
    text made once per rule), then ``matched`` and ``concluded``. A step
    whose fields are not of the types the template is for is written from
    its dict, as verdict_to_json makes it.
    """

    def __init__(self, steps: Iterable[TraceStep], step_to_json: Callable[[TraceStep], dict[str, Any]]) -> None:
        self._steps = steps
        self._step_to_json = step_to_json

    def write_json(self, writer: JSONWriter, level: int) -> None:
        pieces, string = writer.pieces, writer.string
        step_line, field, inner = writer.newline(level + 1), writer.newline(level + 2), writer.newline(level + 3)
        opening, closing = "{" + field + '"step": ', step_line + "}"
        one_matched, concluded_opening = (
            (f"[{inner}", f'{field}],{field}"concluded": {{{inner}'),
            f',{field}"concluded": ',
        )
        encode_plain = writer.plain_encoder(level + 3)
        described: dict[str, tuple[str, str]] = {}  # rule: its description, and their text up to the matched facts
        separator = "[" + step_line
        for step in self._steps:
            number, rule, description, matched, concluded = (
                step.step,
                step.rule,
                step.description,
                step.matched,
                step.concluded,
            )
            if (
                type(number) is not int
                or type(rule) is not str
                or type(description) is not str
                or type(matched) is not tuple
            ):
                pieces.append(separator)
                writer.value(self._step_to_json(step), level + 1)
                separator = "," + step_line
                continue
            text = described.get(rule)
            if text is None or text[0] != description:
                rule_text = f',{field}"rule": {string(rule)},{field}"description": {string(description)},'
                text = described[rule] = description, f'{rule_text}{field}"matched": '
            if (  # the most common step: one fact matched, a few plain values concluded, all by the C encoder
                len(matched) == 1
                and type(matched[0]) is str
                and type(concluded) is dict
                and 0 < len(concluded) <= MOST_AT_ONCE
                and PLAIN.issuperset(map(type, concluded.values()))
                and encode_plain is not None
            ):
                (plain,) = encode_plain(concluded, 0)
                pieces += (separator, opening, int.__repr__(number), text[1], one_matched[0], string(matched[0]))
                pieces += (one_matched[1], plain[1:-1], field, "}", closing)
            else:
                pieces += (separator, opening, int.__repr__(number), text[1])
                if len(matched) == 1 and type(matched[0]) is str:
                    pieces += (one_matched[0], string(matched[0]), field, "]")
                else:
                    writer.value(matched, level + 2)
                pieces.append(concluded_opening)
                writer.value(concluded if _as_json(concluded) else self._step_to_json(step)["concluded"], level + 2)
                pieces.append(closing)
            separator = "," + step_line
            if len(pieces) >= PIECES_WRITTEN:
                writer.flush()
        pieces.append("[]" if separator[0] == "[" else writer.newline(level) + "]")


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """*problem* as plain JSON data: its where, message, code, suggestion, file and line, those it has."""
    return {key: value for key, value in attrs.asdict(problem).items() if value is not None}


def partner_to_json(partner: Partner) -> dict[str, Any]:
    """*partner* as a document in the input format (``docs/input-format.md``).

    An undated certification is written as its name alone, as partner data
    usually has it. :func:`mwrules.load_partner` reads the document back into
    an equal partner.

    >>> from mwrules import Certification, Person
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

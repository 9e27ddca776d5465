"""The rules of a metric scored with terms: its people counts, its gates and its points (see :mod:`.stages`).

A metric a path scores in proportion to targets alone keeps the points rule
of :mod:`.rules_points`, word for word. Any other (rates, gates, caps of a
term, sums of parts, a maximum or minimum of the path's own) is scored here:

- ``people:<set>`` counts the people of a set a gate needs (stage 4);
- ``gate:<path>:<metric>:<term>`` and ``gate-not-met:...`` decide each gate
  (stage 5), one firing per gate, and assert a ``term`` fact;
- ``points:<path>:<metric>`` joins the metric's measures and the ``term``
  facts of its gates, and adds up what each term earns
  (:func:`mwrules._rulesets.scoring.score_terms`, the formula made once per rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .._rulesets import scoring
from .._rulesets.vocabulary import Condition, PathMetric, Term, engine_units
from ..ruleset import MetricSpec
from ..verdict import TermResult, exact_text, format_points
from . import engine as _engine
from .patterns import COMPARISONS, _input_pattern
from .rules_people import _counted
from .rules_points import _record
from .stages import STAGE_COUNT, STAGE_DECIDE, STAGE_POINTS


if TYPE_CHECKING:
    from .compile import _Builder


def _people_fact(level: str) -> dict[str, Any]:
    return {"$and": [{"t": "level"}, {"level": level}]}


def people_count(builder: _Builder, level: str) -> _engine.Rule:
    """``people:<set>``: how many people the set counts, as a fact the gates compare."""

    def count(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        people = len(_counted(session, level))
        session.assert_fact({"t": "people", "set": level, "n": people})
        return {"set": level, "people": people}

    return builder.rule(
        f"people:{level}",
        f"the people counted in {level}, for the gates that need them",
        [{"level": _people_fact(level)}],
        STAGE_COUNT,
        count,
    )


def gated_sets(builder: _Builder) -> list[str]:
    """The people sets some gate compares with its need, in the order of the ruleset."""
    ruleset = builder.ruleset
    wanted = {
        _measured(ruleset.metric(metric_id), term)
        for path in ruleset.paths
        for metric_id, scored in path.metrics.items()
        for term in scored.terms
        if term.gate is not None and ruleset.metric(metric_id).source.people is not None
    }
    return [level for level in ruleset.levels() if level in wanted]


def _measured(metric: MetricSpec, term: Term) -> str | None:
    """What *term* measures: its part or set, the only set of the metric, or None for a number."""
    if term.of is not None:
        return term.of
    return next(iter(metric.source.measures), None)


def rules(builder: _Builder, path_id: str, metric: MetricSpec, scored: PathMetric) -> list[_engine.Rule]:
    """The gates and conditions of *metric* on *path_id*, and its points rule."""
    named = scored.named(metric.id)
    gates = [(key, term) for key, term in named if term.gate is not None]
    conditions = [(key, index, condition) for key, term in named for index, condition in enumerate(term.when)]
    return [
        *(rule for key, term in gates for rule in _gate(builder, path_id, metric, key, term)),
        *(
            rule
            for key, index, condition in conditions
            for rule in _condition(builder, path_id, metric, key, index, condition)
        ),
        _points(
            builder, path_id, metric, scored, [key for key, _ in gates], [(key, index) for key, index, _ in conditions]
        ),
    ]


def _condition(
    builder: _Builder, path_id: str, metric: MetricSpec, key: str, index: int, condition: Condition
) -> list[_engine.Rule]:
    ruleset = builder.ruleset
    kind: str
    if condition.fact is not None:
        kind = ruleset.fact_kind(condition.fact)
        field, fact = condition.fact, [{"t": "facts"}]
    else:
        kind = ruleset.kind(metric.id, condition.part)
        field, fact = "value", _input_pattern(path_id, metric.id, condition.part)["$and"]
    scale = engine_units(kind)
    threshold = condition.threshold * scale
    assert threshold.denominator == 1  # noqa: S101 - a whole count, or an amount of at most 6 decimals (checked on load)
    holds, fails = COMPARISONS[condition.operator]
    name = f"{path_id}:{metric.id}:{key}:{index}"

    def decide(held: bool) -> _engine.Action:
        def action(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            value = exact_text(Fraction(matched["value"][field], scale))
            session.assert_fact(
                {"t": "condition", "path": path_id, "metric": metric.id, "term": key, "k": index, "ok": int(held)}
            )
            return {
                "path": path_id,
                "metric": metric.id,
                "term": key,
                "condition": str(condition),
                "value": value,
                "holds": held,
            }

        return action

    description = f"{key} of {metric.id} on {path_id} earns only when {condition}"
    return [
        builder.rule(
            f"condition:{name}",
            description,
            [{"value": {"$and": [*fact, {holds: {field: int(threshold)}}]}}],
            STAGE_DECIDE,
            decide(True),
        ),
        builder.rule(
            f"condition-fails:{name}",
            description,
            [{"value": {"$and": [*fact, {fails: {field: int(threshold)}}]}}],
            STAGE_DECIDE,
            decide(False),
        ),
    ]


def _gate(builder: _Builder, path_id: str, metric: MetricSpec, key: str, term: Term) -> list[_engine.Rule]:
    assert term.gate is not None  # noqa: S101 - only gates are asked
    of = _measured(metric, term)
    scale = _scale(builder, metric, of)
    need = math.ceil(term.gate.need * scale)  # the engine's values are whole: x >= 1.5 is x >= 2
    if metric.source.people is not None:
        field, fact = "n", [{"t": "people"}, {"set": of}]
        what = f"people hold a certification of {of}"
    else:
        field, fact = (
            "value",
            _input_pattern(path_id, metric.id, of if metric.source.parts is not None else None)["$and"],
        )
        what = f"{metric.id}" + (f" {of}" if metric.source.parts is not None else "")
    name = f"{path_id}:{metric.id}:{key}"

    def decide(met: bool) -> _engine.Action:
        def action(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            have = exact_text(Fraction(matched["measure"][field], scale))
            session.assert_fact({"t": "term", "path": path_id, "metric": metric.id, "term": key, "ok": int(met)})
            shown = exact_text(term.gate.need)  # type: ignore[union-attr]  # a gate (asserted above)
            return {"path": path_id, "metric": metric.id, "term": key, "need": shown, "have": have, "met": met}

        return action

    points = f", earning {format_points(term.gate.points)} points" if term.gate.points else ""
    needed = exact_text(term.gate.need)
    description = f"{term.title or key} of {metric.id} on {path_id}: met when at least {needed} {what}{points}"
    return [
        builder.rule(
            f"gate:{name}",
            description,
            [{"measure": {"$and": [*fact, {"$gte": {field: need}}]}}],
            STAGE_DECIDE,
            decide(True),
        ),
        builder.rule(
            f"gate-not-met:{name}",
            description,
            [{"measure": {"$and": [*fact, {"$lt": {field: need}}]}}],
            STAGE_DECIDE,
            decide(False),
        ),
    ]


def _scale(builder: _Builder, metric: MetricSpec, of: str | None) -> int:
    """How many of the engine's units make one of the measure: a millionth for an amount."""
    if metric.source.people is not None:
        return 1
    return engine_units(builder.ruleset.kind(metric.id, of))


def _points(
    builder: _Builder,
    path_id: str,
    metric: MetricSpec,
    scored: PathMetric,
    gates: list[str],
    conditions: list[tuple[str, int]],
) -> _engine.Rule:
    source = metric.source
    most = scored.max_points if scored.max_points is not None else metric.max_points
    measured = list(dict.fromkeys(_measured(metric, term) for term in scored.terms))
    if source.people is not None:
        inputs = {f"level_{level}": _people_fact(str(level)) for level in measured}
    elif source.parts is not None:
        inputs = {f"option_{part}": _input_pattern(path_id, metric.id, part) for part in measured}
    else:
        inputs = {"value": _input_pattern(path_id, metric.id, None)}
    scales = {part: _scale(builder, metric, part) for part in measured}
    term_facts = {
        f"term_{key}": {"$and": [{"t": "term"}, {"path": path_id}, {"metric": metric.id}, {"term": key}]}
        for key in gates
    }
    condition_facts = {
        f"condition_{key}_{index}": {
            "$and": [{"t": "condition"}, {"path": path_id}, {"metric": metric.id}, {"term": key}, {"k": index}]
        }
        for key, index in conditions
    }
    named = dict(scored.named(metric.id))
    formula = scoring.formula(metric.id, scored, most)
    # what each firing reads and writes, named once
    parts = [(str(part), f"option_{part}", scales[part]) for part in measured]
    levels = [str(level) for level in measured]
    gate_aliases = [(key, f"term_{key}") for key in gates]
    condition_aliases = [(key, f"condition_{key}_{index}", str(named[key].when[index])) for key, index in conditions]
    gate_rules = {
        key: (f"gate:{path_id}:{metric.id}:{key}", f"gate-not-met:{path_id}:{metric.id}:{key}") for key in gates
    }

    def points(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        people: tuple[str, ...] = ()
        measures: dict[str, int | Fraction]
        if source.people is not None:
            counted = {level: _counted(session, level) for level in levels}
            measures = {level: len(ids) for level, ids in counted.items()}
            people = tuple(sorted({person for ids in counted.values() for person in ids}))
            shown: dict[str, int | Fraction] = {"people": measures[levels[0]]} if len(levels) == 1 else measures
            derived = False
        elif source.parts is not None:
            measures, shown, derived = {}, {}, False
            for part, alias, scale in parts:
                fact = matched[alias]
                measures[part] = measure = Fraction(fact["value"], scale)
                shown[part] = _whole(measure)
                derived = derived or "derived" in fact
        else:
            fact = matched["value"]
            measures = {metric.id: Fraction(fact["value"], scales[None])}
            shown = {"value": _whole(measures[metric.id])}
            derived = "derived" in fact
        met = {key: bool(matched[alias]["ok"]) for key, alias in gate_aliases}
        failing: dict[str, tuple[str, ...]] = {}
        for key, alias, words in condition_aliases:
            if not matched[alias]["ok"]:
                failing[key] = (*failing.get(key, ()), words)
        result = formula.score(measures, gates=met, failing=failing)
        terms = {
            score.term: TermResult(
                term=score.term,
                kind=score.kind,
                of=score.of,
                measure=_whole(score.measure),
                points=score.points,
                capped=score.capped,
                met=score.met,
                closed_by=score.closed_by,
                rule=None if score.met is None else gate_rules[score.term][0 if score.met else 1],
            )
            for score in result.terms
        }
        best = next((score.of for score in result.terms if score.term == result.best), None)
        return _record(
            builder,
            session,
            path_id,
            metric,
            result.points,
            inputs=shown,
            option=best,
            capped=result.capped,
            people=people,
            derived=derived,
            maximum=most,
            terms=terms,
        )

    return builder.rule(
        f"points:{path_id}:{metric.id}",
        describe(metric, scored, most, path_id),
        [{name: pattern} for name, pattern in {**inputs, **term_facts, **condition_facts}.items()],
        STAGE_POINTS,
        points,
    )


def describe(metric: MetricSpec, scored: PathMetric, most: Fraction, path_id: str) -> str:
    """The points rule of a metric scored with terms, in words."""
    parts = []
    for key, term in scored.named(metric.id):
        of = f" of {term.of}" if term.of is not None else ""
        if term.gate is not None:
            need = _number(term.gate.need)
            text = f"{term.title or key}: {format_points(term.gate.points)} points when{of} reaches {need}"
        elif term.rate is not None:
            text = f"{term.title or key}: {format_points(term.rate.points)} points per {_number(term.rate.per)}{of}"
        else:
            assert term.target is not None  # noqa: S101 - one of the three (checked on load)
            text = f"{term.title or key}: {format_points(most)} points at {_number(term.target)}{of}, in proportion"
        if term.cap is not None:
            text += f", up to {format_points(term.cap)}"
        if term.requires:
            text += f", once {' and '.join(term.requires)} {'is' if len(term.requires) == 1 else 'are'} met"
        if term.when:
            text += ", when " + " and ".join(map(str, term.when))
        parts.append(text)
    combined = "the best counts" if scored.combine == "best" else "added up"
    return f"{metric.id} on {path_id}: " + "; ".join(parts) + f" ({combined}, up to {format_points(most)})"


def _whole(value: int | Fraction) -> int | Fraction:
    """A measure as verdicts keep it: a count as an int, an amount as a Fraction."""
    return int(value) if value.denominator == 1 else value


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else format_points(value)

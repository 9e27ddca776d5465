"""The rules of stages 4 to 7: points, totals, the pass rule and the partner's verdict (see :mod:`.stages`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..ruleset import MetricSpec, Ruleset
from ..verdict import MetricResult, PathResult, TermResult, exact_text, format_points
from . import engine as _engine
from .patterns import _input_pattern
from .rules_people import _counted, trace_step
from .stages import STAGE_PASS, STAGE_POINTS, STAGE_TOTAL, STAGE_VERDICT


if TYPE_CHECKING:
    from .._rulesets.vocabulary import PathMetric
    from .compile import _Builder


def points_for(measure: int, max_points: Fraction, target: int) -> tuple[Fraction, bool]:
    """Points in proportion to *measure*, 0 if negative, capped at *max_points*.

    Returns the points and whether the cap applied.
    """
    # max_points and target are above 0 (checked when the ruleset loaded):
    # compare the measure with the target, not fractions
    if measure > target:
        return max_points, True
    if measure <= 0:
        return _ZERO, False
    return Fraction(measure * max_points.numerator, max_points.denominator * target), False


_ZERO = Fraction(0)


# stage 4: points ------------------------------------------------------------


def _points(builder: _Builder, path_id: str, metric: MetricSpec) -> _engine.Rule:
    target = builder.ruleset.path(path_id).targets[metric.id]
    name = f"points:{path_id}:{metric.id}"
    if metric.measure == "certified_people":
        assert isinstance(target, int)  # noqa: S101 - checked when the ruleset loaded
        level = metric.level
        assert level is not None  # noqa: S101 - a certified_people metric has a level (checked on load)
        when = [{"level": {"$and": [{"t": "level"}, {"level": level}]}}]
        description = (
            f"{metric.id} on {path_id}: {format_points(metric.max_points / target)} points per person "
            f"certified at {level}, up to {format_points(metric.max_points)} "
            f"({target} {'person' if target == 1 else 'people'})"
        )

        def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            people = _counted(session, level)
            points, capped = points_for(len(people), metric.max_points, target)
            return _record(
                builder,
                session,
                path_id,
                metric,
                points,
                inputs={"people": len(people)},
                option=None,
                capped=capped,
                people=people,
            )

    elif metric.measure == "count":
        assert isinstance(target, int)  # noqa: S101
        when = [{"value": _input_pattern(path_id, metric.id, None)}]
        description = (
            f"{metric.id} on {path_id}: {format_points(metric.max_points / target)} points per unit, "
            f"up to {format_points(metric.max_points)} ({target})"
        )

        def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            value = matched["value"]["value"]
            points, capped = points_for(value, metric.max_points, target)
            return _record(
                builder,
                session,
                path_id,
                metric,
                points,
                inputs={"value": value},
                option=None,
                capped=capped,
                derived="derived" in matched["value"],
            )

    else:
        assert isinstance(target, Mapping)  # noqa: S101
        options = dict(target)
        when = [{f"option_{option}": _input_pattern(path_id, metric.id, option)} for option in options]
        description = (
            f"{metric.id} on {path_id}: each association option scores in proportion to its target ("
            + ", ".join(f"{option} {amount}" for option, amount in options.items())
            + f" for {format_points(metric.max_points)} points); the best option counts"
        )

        def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            values = {option: matched[f"option_{option}"]["value"] for option in options}
            scored = {option: points_for(values[option], metric.max_points, options[option]) for option in options}
            # the best option; on a tie the first listed in the ruleset
            best = max(options, key=lambda option: scored[option][0])
            points, capped = scored[best]
            derived = "derived" in matched[f"option_{best}"]
            return _record(
                builder, session, path_id, metric, points, inputs=values, option=best, capped=capped, derived=derived
            )

    return builder.rule(name, description, when, STAGE_POINTS, measure)


def _record(
    builder: _Builder,
    session: _engine.Session,
    path_id: str,
    metric: MetricSpec,
    points: Fraction,
    *,
    inputs: Mapping[str, int | Fraction],
    option: str | None,
    capped: bool,
    people: tuple[str, ...] = (),
    derived: bool = False,
    maximum: Fraction | None = None,
    terms: Mapping[str, TermResult] | None = None,
) -> dict[str, Any]:
    units, rest = divmod(points.numerator * builder.denominator, points.denominator)
    assert rest == 0  # noqa: S101 - every score is whole units
    most = metric.max_points if maximum is None else maximum
    recorded = session.scratch["metrics"][path_id]
    recorded_units = session.scratch["units"][path_id]
    recorded_units[metric.id] = units
    recorded[metric.id] = MetricResult(
        metric=metric.id,
        points=points,
        max=most,
        inputs=inputs,
        option=option,
        capped=capped,
        people=people,
        derived=derived,
        rule=f"points:{path_id}:{metric.id}",
        step=trace_step(session),
        terms=terms or {},
    )
    # The path's scores, once every metric of it has its points: one fact for
    # the total rule, rather than a fact per metric for it to join (each
    # join costs the engine memory in every session, see docs/engine.md)
    scored = builder.ruleset.scored(path_id)
    if len(recorded) == len(scored):  # in the ruleset's order, as the trace names them
        given = {m: recorded_units[m] for m in scored}
        session.assert_fact({"t": "scores", "path": path_id}, {"_units": given})
    concluded: dict[str, Any] = {"path": path_id, "metric": metric.id, "points": str(points)}
    concluded.update((name, exact_text(value)) for name, value in inputs.items())
    if option is not None:
        concluded["option"] = option
    if capped:
        concluded["capped_at"] = str(most)
    if terms:
        concluded["terms"] = {
            key: str(term.points) if not term.closed_by else f"closed by {', '.join(term.closed_by)}"
            for key, term in terms.items()
        }
    return concluded


# stage 5: totals ------------------------------------------------------------


def _total(builder: _Builder, path_id: str) -> _engine.Rule:
    metric_ids = list(builder.ruleset.scored(path_id))
    when = [{"scores": {"$and": [{"t": "scores"}, {"path": path_id}]}}]
    # The pass rule compares the weakest metric with the least every metric
    # needs; a metric with a minimum of its own counts by its margin over it.
    least = _least_units(builder, path_id)
    usual = int(builder.ruleset.scoring.min_metric_points * builder.denominator)

    def total(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        given = matched["scores"]["_units"]
        units = [given[metric_id] for metric_id in metric_ids]
        lowest = min(unit - least[metric_id] for unit, metric_id in zip(units, metric_ids, strict=True)) + usual
        session.assert_fact({"t": "total", "path": path_id, "units": sum(units), "lowest": lowest})
        score = Fraction(sum(units), builder.denominator)
        return {"path": path_id, "score": str(score)}

    return builder.rule(
        f"total:{path_id}", f"the score on {path_id} is the sum of its metrics' points", when, STAGE_TOTAL, total
    )


def _least_units(builder: _Builder, path_id: str) -> dict[str, int]:
    """The units each metric of a path needs to pass, its own minimum or the ruleset's."""
    return {
        metric_id: int(builder.ruleset.least_points(path_id, metric_id) * builder.denominator)
        for metric_id in builder.ruleset.scored(path_id)
    }


# stage 6: pass rule -------------------------------------------------------


def _pass_rules(builder: _Builder, path_id: str) -> list[_engine.Rule]:
    scoring = builder.ruleset.scoring
    needed = builder.ruleset.pass_mark(path_id)
    at_least_total = int(needed * builder.denominator)
    at_least_each = int(scoring.min_metric_points * builder.denominator)
    path_fact = [{"t": "total"}, {"path": path_id}]
    passes = {"$and": [*path_fact, {"$gte": {"units": at_least_total}}, {"$gte": {"lowest": at_least_each}}]}
    # The two branches of the "or" exclude each other: durable_rules fires
    # once per matching branch, and a path short on both counts must fail once.
    short_in_total = {"$lt": {"units": at_least_total}}
    short_in_a_metric = {"$and": [{"$gte": {"units": at_least_total}}, {"$lt": {"lowest": at_least_each}}]}
    falls_short = {"$and": [*path_fact, {"$or": [short_in_total, short_in_a_metric]}]}

    short = _shortfalls(builder, path_id)

    def conclude(qualified: bool) -> _engine.Action:
        def action(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            score = Fraction(matched["total"]["units"], builder.denominator)  # the metrics' points, summed
            shortfalls = () if qualified else short(session.scratch["metrics"][path_id], score)
            metrics = session.scratch["metrics"][path_id]
            session.scratch["paths"][path_id] = PathResult(
                path=path_id,
                score=score,
                qualified=qualified,
                metrics={metric_id: metrics[metric_id] for metric_id in builder.ruleset.scored(path_id)},
                shortfalls=shortfalls,
                rule=f"{'passes' if qualified else 'falls-short'}:{path_id}",
                step=trace_step(session),
                classified_by=session.scratch.get("classified", (None, None))[1],
            )
            session.assert_fact({"t": "path_verdict", "path": path_id, "qualified": qualified})
            return {
                "path": path_id,
                "qualified": qualified,
                **({"shortfalls": list(shortfalls)} if shortfalls else {}),
            }

        return action

    rule_text = f"{path_id} qualifies with at least {format_points(needed)} points in total and " + each_metric_needs(
        builder.ruleset, path_id
    )
    return [
        builder.rule(f"passes:{path_id}", rule_text, [{"total": passes}], STAGE_PASS, conclude(True)),
        builder.rule(f"falls-short:{path_id}", rule_text, [{"total": falls_short}], STAGE_PASS, conclude(False)),
    ]


def each_metric_needs(ruleset: Ruleset, path_id: str) -> str:
    """What the pass rule asks of each metric of a path: "at least 1 in every metric", and the path's exceptions."""
    usual = ruleset.scoring.min_metric_points
    own = {
        metric_id: ruleset.least_points(path_id, metric_id)
        for metric_id, scored in ruleset.scored(path_id).items()
        if scored.min_points is not None and scored.min_points != usual
    }
    text = f"at least {format_points(usual)} in every metric"
    if own:
        text += " but " + ", ".join(
            f"{metric_id} ({'optional' if least == 0 else f'at least {format_points(least)}'})"
            for metric_id, least in own.items()
        )
    return text


def _shortfalls(builder: _Builder, path_id: str) -> Callable[[Mapping[str, MetricResult], Fraction], tuple[str, ...]]:
    """What says why a path falls short, from its metrics' results and its total.

    What the path needs (in every metric, in total) and its text are worked
    out here, once per ruleset, not at every firing.
    """
    ruleset = builder.ruleset
    needed = ruleset.pass_mark(path_id)
    total_needs = f"needs at least {format_points(needed)}"
    path_metrics = ruleset.path(path_id).metrics
    each_needs = [
        (metric_id, least, f"needs at least {format_points(least)}", ruleset.metric(metric_id), path_metrics[metric_id])
        for metric_id in ruleset.scored(path_id)
        for least in [ruleset.least_points(path_id, metric_id)]
    ]

    def shortfalls(metrics: Mapping[str, MetricResult], total: Fraction) -> tuple[str, ...]:
        reasons = []
        for metric_id, least, needs, metric, scored in each_needs:
            result = metrics[metric_id]
            if result.points < least:
                why = _why_low(metric, result, scored)
                reasons.append(f"{metric_id} on {path_id}: {format_points(result.points)} points, {needs}: {why}")
        if total < needed:
            short = format_points(needed - total)
            reasons.append(f"total on {path_id}: {format_points(total)} points, {total_needs} ({short} short)")
        return tuple(reasons)

    return shortfalls


def _why_low(metric: MetricSpec, result: MetricResult, scored: PathMetric | None = None) -> str:
    if result.terms:
        # The first gate not met is why a gated metric is low: it closes the terms that require it
        unmet = next((term for term in result.terms.values() if term.met is False), None)
        failing = next((term for term in result.terms.values() if term.closed_by), None)
        given = {term.of: exact_text(term.measure) for term in result.terms.values()}
        if unmet is not None:
            closed = [term.term for term in result.terms.values() if unmet.term in term.closed_by]
            shut = f", so {' and '.join(closed)} {'earns' if len(closed) == 1 else 'earn'} nothing" if closed else ""
            gate = dict(scored.named(metric.id))[unmet.term].gate if scored is not None else None
            need = f" of {exact_text(gate.need)} needed" if gate is not None else ""
            have = f"{unmet.of or 'measure'} {exact_text(unmet.measure)}{need}"
            reason = f"the gate {unmet.term} is not met ({have}){shut}"
        elif failing is not None:
            reason = f"{failing.term} earns nothing unless {' and '.join(failing.closed_by)}"
        elif None in given:
            reason = f"the measure is {given[None]}"
        else:
            reason = f"the terms earn too little ({', '.join(f'{of} {value}' for of, value in given.items())})"
        return reason
    if metric.measure == "certified_people":
        if not result.people:
            return f"no person holds an eligible {metric.level} certification valid on the evaluation date"
        return f"{len(result.people)} certified {metric.level} person(s) are not enough"
    if metric.measure == "count":
        return f"the measure is {result.inputs['value']}"
    measures = ", ".join(f"{option} {value}" for option, value in result.inputs.items())
    return f"the best association option is too low ({measures})"


# stage 7: the partner's verdict ----------------------------------------------


def _verdict(builder: _Builder) -> _engine.Rule:
    if builder.ruleset.scoring.choose == "classify":
        return _classified_verdict(builder)
    path_ids = list(builder.ruleset.path_order)
    when = [{path_id: {"$and": [{"t": "path_verdict"}, {"path": path_id}]}} for path_id in path_ids]

    def verdict(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        paths: dict[str, PathResult] = session.scratch["paths"]
        qualifying = [path_id for path_id in path_ids if paths[path_id].qualified]
        candidates = qualifying or path_ids
        # max() keeps the first of equal scores: ties go to the preferred path
        chosen = max(candidates, key=lambda path_id: paths[path_id].score)
        session.scratch["verdict"] = (bool(qualifying), chosen)
        return {"qualified": bool(qualifying), "path": chosen, "score": str(paths[chosen].score)}

    return builder.rule(
        "verdict",
        "the partner qualifies when any path does; the reported path is the best qualifying path, "
        "else the highest-scoring one (ties go to the earlier path in path_preference)",
        when,
        STAGE_VERDICT,
        verdict,
    )


def _classified_verdict(builder: _Builder) -> _engine.Rule:
    """The verdict of a ruleset that classifies: the one path scored, qualified or not."""

    def verdict(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        path_id = matched["path"]["path"]
        result: PathResult = session.scratch["paths"][path_id]
        session.scratch["verdict"] = (result.qualified, path_id)
        return {"qualified": result.qualified, "path": path_id, "score": str(result.score)}

    return builder.rule(
        "verdict",
        "the partner qualifies when the path the classification picked does",
        [{"path": {"$and": [{"t": "path_verdict"}]}}],
        STAGE_VERDICT,
        verdict,
    )

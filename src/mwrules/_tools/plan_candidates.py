"""The candidates of ``mwrules plan``: every way to raise one metric on one path, with its gain and cost.

An action is a whole number of units of one measure: more people certified
in a people set, or a given number (or one part of it) raised. Each unit
has a cost (the partner's own estimates, or the ruleset's placeholder
``default_costs``).

A metric's candidates are scored by the vocabulary's one formula,
:func:`mwrules._rulesets.scoring.score_terms`, never re-derived here:

1. For every subset of the *requirements* not met (a gate below its need, a
   condition on a part of the metric that raising the part makes hold), the
   measures are raised just enough to meet them: a fixed cost.
2. From there, the open rate and target terms are raised one unit at a time
   until each reaches its cap. With ``combine: best`` each term gives its own
   list (raising two is never needed: only the best counts); with
   ``combine: sum`` the terms are raised in turn, the cheapest per point
   first.
3. Each step is a candidate, with its gain over the metric's points now; a
   candidate below the metric's minimum on the path is dropped.

A condition on a partner fact cannot be planned: its term stays closed, and
a metric that cannot reach its minimum without it says so.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from .._input.sections import metrics_for
from .._rulesets.scoring import Scored, score_terms
from .._rulesets.vocabulary import Condition, PathMetric, Term
from ..model import Partner
from ..ruleset import Cost, MetricSpec, Ruleset
from ..verdict import Verdict
from .plan_model import Action
from .term_words import term_label


@attrs.frozen
class _Candidate:
    gain: Fraction  # points added to the metric on this path
    cost: Fraction
    actions: tuple[Action, ...]


#: A measure's value: a whole count, or an amount
Measure = int | Fraction


@attrs.frozen
class _Metric:
    """One metric on one path, as the candidates see it: its terms, measures, and what each unit costs."""

    ruleset: Ruleset
    path_id: str
    metric: MetricSpec
    scored: PathMetric
    most: Fraction
    least: Fraction
    now: Fraction
    measures: Mapping[str, Measure]
    #: per measure a plan can raise, the cost of one unit (people sets without a counting certification left out)
    costs: Mapping[str, Fraction]
    facts: Mapping[str, Measure]

    def score(self, measures: Mapping[str, Measure]) -> Scored:
        failing = None
        if self.conditional:
            failing = {key: self.failing(term, measures) for key, term in self.scored.named(self.metric.id)}
        return score_terms(self.metric.id, self.scored, self.most, measures, failing=failing)

    @property
    def conditional(self) -> bool:
        """Whether a term of the metric has conditions."""
        return any(term.when for term in self.scored.terms)

    def failing(self, term: Term, measures: Mapping[str, Measure]) -> tuple[str, ...]:
        return tuple(str(condition) for condition in term.when if not self.holds(condition, measures))

    def holds(self, condition: Condition, measures: Mapping[str, Measure]) -> bool:
        if condition.fact is not None:
            value = self.facts.get(condition.fact)
            return value is not None and condition.holds(value)
        return condition.holds(measures.get(str(condition.part), 0))

    def name_of(self, term: Term) -> str:
        """The measure *term* scores."""
        return term.of if term.of is not None else next(iter(self.measures))


def _candidates(
    ruleset: Ruleset,
    verdict: Verdict,
    partner: Partner,
    path_id: str,
    metric: MetricSpec,
    costs: Mapping[str, Cost],
    eligible: set[str],
) -> list[_Candidate]:
    """Every way to raise *metric* on *path_id* that keeps it at or above its minimum, cheapest per gain."""
    view = _view(ruleset, verdict, partner, path_id, metric, costs, eligible)
    found = [_Candidate(Fraction(0), Fraction(0), ())] if view.now >= view.least else []
    before = view.score(view.measures)
    for raised in _opened(view):
        measures = _raised(view.measures, raised)
        found += _steps(view, before, raised, measures)
    return found


def _view(
    ruleset: Ruleset,
    verdict: Verdict,
    partner: Partner,
    path_id: str,
    metric: MetricSpec,
    costs: Mapping[str, Cost] | None,
    eligible: set[str],
) -> _Metric:
    """*metric* on *path_id* as the verdict measured it; without *costs*, every unit costs 0 (for sizes only)."""
    result = verdict.paths[path_id].metrics[metric.id]
    scored = ruleset.path(path_id).metrics[metric.id]
    source = metric.source
    measures: dict[str, Measure] = {}
    if source.people is not None:
        for name in source.people:
            measures[name] = result.inputs.get(name, result.inputs.get("people", 0))
    elif source.parts is not None:
        given = metrics_for(partner, ruleset.id)[0].get(path_id, {}).get(metric.id)
        for part in ruleset.options(path_id, metric.id):
            value = result.inputs.get(part)
            if value is None:  # a part only a condition reads: as given
                value = given.get(part, 0) if isinstance(given, Mapping) else 0
            measures[part] = value
    else:
        measures[metric.id] = result.inputs.get("value", 0)
    unit_costs = {
        name: Fraction(0) if costs is None else _unit_cost(costs, metric, name)
        for name in measures
        if source.people is None or name in eligible
    }
    return _Metric(
        ruleset=ruleset,
        path_id=path_id,
        metric=metric,
        scored=scored,
        most=metric.max_points if scored.max_points is None else scored.max_points,
        least=ruleset.least_points(path_id, metric.id),
        now=result.points,
        measures=measures,
        costs=unit_costs,
        facts=partner.facts,
    )


def _unit_cost(costs: Mapping[str, Cost], metric: MetricSpec, name: str) -> Fraction:
    """The cost of one unit of measure *name* of *metric*: a person of its set, or one of its number or part."""
    people = metric.source.people
    cost = costs[f"{name}_person"] if people is not None and len(people) > 1 else costs[metric.cost_unit]
    if isinstance(cost, Mapping):
        return cost[name]
    return cost


def _requirements(view: _Metric) -> list[tuple[str, int]]:
    """The gates not met and the conditions on a part that do not hold but would once it is raised: (measure, units)."""
    found: dict[tuple[str, int], None] = {}
    measures = view.measures
    for _, term in view.scored.named(view.metric.id):
        if term.gate is not None:
            name = view.name_of(term)
            short = term.gate.need - measures[name]
            if short > 0:
                found[(name, math.ceil(short))] = None
        for condition in term.when:
            if condition.part is None or view.holds(condition, measures):
                continue
            have = measures.get(condition.part, 0)
            if condition.operator == "at_least":
                found[(condition.part, math.ceil(condition.threshold - have))] = None
            elif condition.operator == "more_than":
                found[(condition.part, math.floor(condition.threshold - have) + 1)] = None
    return list(found)


def _opened(view: _Metric) -> Iterator[dict[str, int]]:
    """For every subset of the requirements whose measures a plan can raise, the units that meet it."""
    wanted = [(name, units) for name, units in _requirements(view) if name in view.costs]
    for size in range(len(wanted) + 1):
        for chosen in itertools.combinations(wanted, size):
            raised: dict[str, int] = {}
            for name, units in chosen:
                raised[name] = max(raised.get(name, 0), units)
            yield raised


def _raised(measures: Mapping[str, Measure], raised: Mapping[str, int]) -> dict[str, Measure]:
    return {name: value + raised.get(name, 0) for name, value in measures.items()}


def _steps(view: _Metric, before: Scored, fixed: dict[str, int], measures: dict[str, Measure]) -> list[_Candidate]:
    """The candidates from *measures* (the requirements of *fixed* met): then each open rate raised, unit by unit."""
    found = []
    best = view.now
    start = view.score(measures)
    if fixed and view.least <= start.points > best:
        found.append(_candidate(view, before, start, fixed))
        best = start.points
    open_terms = [
        (key, term)
        for (key, term), score in zip(view.scored.named(view.metric.id), start.terms, strict=True)
        if term.gate is None and not score.closed_by and view.name_of(term) in view.costs
    ]
    if view.scored.combine == "sum":
        # the cheapest per point first; a stable sort keeps the terms' order among equals
        open_terms.sort(key=lambda entry: view.costs[view.name_of(entry[1])] / entry[1].per_unit(view.most))
        lists = [open_terms]
    else:
        lists = [[entry] for entry in open_terms]
    for terms in lists:
        raised, previous, current = dict(fixed), best, dict(measures)
        for key, term in terms:
            name, cap = view.name_of(term), _cap(view, term)
            index = next(
                position for position, (other, _) in enumerate(view.scored.named(view.metric.id)) if other == key
            )
            gained = 0  # the units that last added points: the next term starts from there, not past it
            for units in _units(view, term, current[name]):
                scored = view.score({**current, name: current[name] + units})
                points = scored.points
                if points > previous:
                    gained = units
                    if points >= view.least:
                        more = {**raised, name: raised.get(name, 0) + units}
                        found.append(_candidate(view, before, scored, more))
                previous = max(previous, points)
                reached = scored.terms[index]
                if points >= view.most or reached.capped or reached.points >= cap:
                    break
            raised[name] = raised.get(name, 0) + gained
            current = {**current, name: current[name] + gained}
            if previous >= view.most:
                break
    return found


def _units(view: _Metric, term: Term, have: Measure) -> range:
    """The units worth trying for *term*: from the first that earns (below 1 no unit can), to the one that caps it."""
    first = max(1, math.floor(-have) + 1)
    last = math.ceil(_cap(view, term) / term.per_unit(view.most) - have)
    return range(first, max(first, last) + 1)


def _cap(view: _Metric, term: Term) -> Fraction:
    return view.most if term.cap is None else min(term.cap, view.most)


def _candidate(view: _Metric, before: Scored, after: Scored, raised: Mapping[str, int]) -> _Candidate:
    """The actions that raise each measure of *raised*, each with the terms it opens."""
    opened = _opens(view, before, after) if any(score.closed_by for score in before.terms) else {}
    actions = []
    for name, units in raised.items():
        if units <= 0:
            continue
        cost = units * view.costs[name]
        kind: Literal["certify", "raise"] = "certify" if view.metric.source.people is not None else "raise"
        option = name if view.metric.source.parts is not None else None
        actions.append(
            Action(
                kind=kind,
                units=units,
                cost=cost,
                metric=view.metric.id,
                level=name if kind == "certify" else None,
                path=None if kind == "certify" else view.path_id,
                option=option,
                opens=opened.get(name, ()),
            )
        )
    total = sum((action.cost for action in actions), Fraction(0))
    return _Candidate(after.points - view.now, total, tuple(actions))


def _opens(view: _Metric, before: Scored, after: Scored) -> dict[str, tuple[str, ...]]:
    """Per measure, the terms closed before and open after because a gate or condition on that measure was met."""
    terms = dict(view.scored.named(view.metric.id))
    opened: dict[str, list[str]] = {}
    for old, new in zip(before.terms, after.terms, strict=True):
        if not old.closed_by or new.closed_by:
            continue
        for reason in old.closed_by:
            gate = terms.get(reason)
            parts = [condition.part for condition in terms[old.term].when if str(condition) == reason]
            name = view.name_of(gate) if gate is not None else next(iter(parts), None)
            if name is not None and old.term not in opened.setdefault(name, []):
                opened[name].append(old.term)
    return {name: tuple(ids) for name, ids in opened.items()}


def _why_blocked(ruleset: Ruleset, verdict: Verdict, partner: Partner, path_id: str, metric: MetricSpec) -> str:
    """Why no plan raises *metric* on *path_id* to its minimum: a set no certification counts in, a fact, a bound."""
    points = verdict.paths[path_id].metrics[metric.id].points
    least = ruleset.least_points(path_id, metric.id)
    scored = ruleset.path(path_id).metrics[metric.id]
    reasons: list[str] = []
    for name in metric.source.people or ():
        if name not in _eligible_sets(ruleset, verdict.as_of):
            reasons.append(f"no certification counts at {name} on {verdict.as_of} under {ruleset}")
    for key, term in scored.named(metric.id):
        for condition in term.when:
            label = term_label(scored, metric.id, key)
            if condition.fact is not None:
                given = partner.facts.get(condition.fact)
                if given is None or not condition.holds(given):
                    reasons.append(f"{label} earns only when {condition}, and a plan cannot change a fact")
            elif condition.operator in ("at_most", "less_than"):
                reasons.append(f"{label} earns only when {condition}, and a plan only raises measures")
    because = "; ".join(dict.fromkeys(reasons)) or "no action raises it that far"
    return f"{metric.id} on {path_id} has {points} points and needs at least {least}, but {because}"


def _eligible_sets(ruleset: Ruleset, day: datetime.date) -> dict[str, str]:
    """Per people set, a certification that counts in it on *day*, for the people a plan adds.

    Certifications that count in that set alone come first (a new person
    then moves no other measure), then open-ended ones.
    """
    sets = {}
    for name in ruleset.levels():
        specs = [ruleset.certification(cert_id) for cert_id in ruleset.level_certifications(name)]
        counting = [spec for spec in specs if spec.eligible_on(day)]
        counting.sort(key=lambda spec: (len(ruleset.counted_at(spec.id)) > 1, spec.eligible_through is not None))
        if counting:
            sets[name] = counting[0].name
    return sets

"""Partners under any ruleset of the vocabulary: measures and facts clustered where a term's points change.

A term's points change at 0, where it reaches its cap (its saturation point),
where it earns a path's minimum for the metric, at a gate's need and at a
condition's threshold. Measures are drawn at those points and one unit
either side (a person, a whole count, or a millionth of an amount), or
anywhere in a range around them.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from .._rulesets.vocabulary import MICRO, Condition, FactSpec, Term
from ..model import Partner
from ..ruleset import Ruleset
from .people import _PARTNER_IDS, _counts, _members


def aimable(ruleset: Ruleset) -> bool:
    """Whether ``qualifying`` can aim at *ruleset*: every path scores every metric in proportion to targets alone.

    Whole targets, the ruleset's own pass mark, the best path reported, and
    no facts: the rulesets written before the vocabulary, whose shorthand
    says ``targets``.
    """
    metric_ids = {metric.id for metric in ruleset.metrics}
    return (
        ruleset.scoring.choose == "best"
        and not ruleset.facts
        and all(
            set(path.metrics) == metric_ids
            and path.total_points is None
            and path.min_total_points is None
            and all(ruleset.proportional(path.id, metric_id) for metric_id in metric_ids)
            and all(
                term.target is not None and term.target.denominator == 1
                for scored in path.metrics.values()
                for term in scored.terms
            )
            for path in ruleset.paths
        )
    )


def _unit(kind: str) -> Fraction:
    """The least step of a measure: one (a count, a person), or a millionth (an amount)."""
    return Fraction(1) if kind == "count" else Fraction(1, MICRO)


def _around(value: Fraction, unit: Fraction) -> set[Fraction]:
    """*value* rounded up to a whole number of *unit*, and one *unit* either side."""
    at = math.ceil(value / unit) * unit
    return {at - unit, at, at + unit}


def _term_edges(term: Term, max_points: Fraction, least: Fraction, unit: Fraction) -> set[Fraction]:
    """Where *term*'s points change: its gate's need, or where it earns the metric's minimum and reaches its cap."""
    if term.gate is not None:
        return _around(term.gate.need, unit)
    per_unit = term.per_unit(max_points)
    cap = max_points if term.cap is None else min(term.cap, max_points)
    return {edge for points in (cap, least) if points > 0 for edge in _around(points / per_unit, unit)}


def _condition_edges(condition: Condition, unit: Fraction) -> set[Fraction]:
    return {condition.threshold - unit, condition.threshold, condition.threshold + unit}


def _measured(ruleset: Ruleset) -> Iterator[tuple[str, str, Term, Fraction, Fraction]]:
    """Each term of each path: (path id, metric id, term, the metric's maximum and its minimum on the path)."""
    maxima = {metric.id: metric.max_points for metric in ruleset.metrics}
    for path in ruleset.paths:
        for metric_id, scored in ruleset.scored(path.id).items():
            most = maxima[metric_id] if scored.max_points is None else scored.max_points
            for term in scored.terms:
                yield path.id, metric_id, term, most, ruleset.least_points(path.id, metric_id)


def _values(edges: set[Fraction], unit: Fraction, *, low: Fraction, high: Fraction) -> st.SearchStrategy[Fraction]:
    """Values at *edges* (those within low..high), or anywhere from *low* to *high* in steps of *unit*."""
    steps = st.integers(min_value=math.ceil(low / unit), max_value=math.floor(high / unit)).map(lambda n: n * unit)
    kept = sorted(edge for edge in edges if low <= edge <= high)
    return st.sampled_from(kept) | steps if kept else steps


def _exact(value: Fraction, kind: str) -> int | Fraction:
    """A count as an int; an amount as the exact fraction a partner document's decimal reads to."""
    return int(value) if kind == "count" else value


def _given(ruleset: Ruleset, path_id: str, metric_id: str, part: str | None) -> st.SearchStrategy[int | Fraction]:
    """The number a partner gives for *metric_id* (or its *part*) on *path_id*: around every edge of its terms."""
    kind = ruleset.kind(metric_id, part)
    unit = _unit(kind)
    scored = ruleset.path(path_id).metrics[metric_id]
    edges = {Fraction(0)}
    for on_path, on_metric, term, most, least in _measured(ruleset):
        if (on_path, on_metric) == (path_id, metric_id) and term.of == part:
            edges |= _term_edges(term, most, least, unit)
    for term in scored.terms:
        edges |= {
            edge for condition in term.when if condition.part == part for edge in _condition_edges(condition, unit)
        }
    high = max(*edges, Fraction(1))
    return _values(edges, unit, low=-high, high=2 * high).map(lambda value: _exact(value, kind))


def _path_values(ruleset: Ruleset) -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """The numbers a partner gives: per path, each metric with a number or parts that the path scores."""
    per_path = {}
    for path in ruleset.paths:
        fields: dict[str, st.SearchStrategy[Any]] = {}
        for metric_id in ruleset.scored(path.id):
            source = ruleset.metric(metric_id).source
            if source.number is not None:
                fields[metric_id] = _given(ruleset, path.id, metric_id, None)
            elif source.parts is not None:
                parts = ruleset.options(path.id, metric_id)
                fields[metric_id] = st.fixed_dictionaries(
                    {part: _given(ruleset, path.id, metric_id, part) for part in parts}
                )
        per_path[path.id] = st.fixed_dictionaries(fields)
    return st.fixed_dictionaries(per_path)


def _conditions(ruleset: Ruleset) -> Iterator[Condition]:
    yield from (condition for entry in ruleset.scoring.classify for condition in entry.when)
    for _, _, term, _, _ in _measured(ruleset):
        yield from term.when


def _fact_values(ruleset: Ruleset, fact: FactSpec) -> st.SearchStrategy[int | Fraction]:
    """A fact within its declared range, around the thresholds that conditions and the classification read."""
    unit = _unit(fact.type)
    edges = {Fraction(0)} | {Fraction(bound) for bound in (fact.min, fact.max) if bound is not None}
    for condition in _conditions(ruleset):
        if condition.fact == fact.id:
            edges |= _condition_edges(condition, unit)
    spread = max(abs(edge) for edge in edges) + 1
    low = -spread if fact.min is None else fact.min
    high = 2 * spread if fact.max is None else fact.max
    return _values(edges, unit, low=low, high=high).map(lambda value: _exact(value, fact.type))


def _people_counts(ruleset: Ruleset, as_of: datetime.date, max_people: int) -> st.SearchStrategy[dict[str, int]]:
    """How many people count in each set: around the needs of its gates and where its terms earn and saturate."""
    counts = {}
    for name in ruleset.levels():
        if not any(_counts(ruleset, spec, name, as_of) for spec in ruleset.certifications):
            counts[name] = st.just(0)  # no certification of the set counts on as_of
            continue
        edges = {Fraction(0)}
        for _, metric_id, term, most, least in _measured(ruleset):
            if term.of == name or (term.of is None and ruleset.metric(metric_id).level == name):
                edges |= _term_edges(term, most, least, Fraction(1))
        high = min(Fraction(max_people), 2 * max(edges))
        counts[name] = _values(edges, Fraction(1), low=Fraction(0), high=high).map(int)
    return st.fixed_dictionaries(counts)


@st.composite
def _any_partners(
    draw: st.DrawFn, ruleset: Ruleset, as_of: datetime.date, *, min_people: int, max_people: int
) -> Partner:
    counted = draw(_people_counts(ruleset, as_of, max_people))
    return Partner(
        partner_id=draw(st.sampled_from(_PARTNER_IDS)),
        as_of=as_of,
        people=_members(draw, ruleset, as_of, counted, min_people=min_people, max_people=max_people),
        metrics=draw(_path_values(ruleset)),
        facts={fact.id: draw(_fact_values(ruleset, fact)) for fact in ruleset.facts},
    )

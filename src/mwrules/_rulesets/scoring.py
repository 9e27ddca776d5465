"""What a metric's terms earn: the one formula of the vocabulary, shared by the rules, plans and strategies.

For a metric on a path, with the measures of its parts or people sets::

    open(t)  = every gate t requires is met, and every condition of t holds
    earn(t)  = target: min(cap, max(0, x) * max_points / target)
               rate:   min(cap, max(0, x) * points / per)
               gate:   points if x >= need else 0
               (0 when t is not open)
    points   = min(max_points, max(0, sum or best of earn(t)))

docs/ruleset-format.md#terms says the same in words.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction

import attrs

from .vocabulary import PathMetric, Term


_ZERO = Fraction(0)


@attrs.frozen
class TermScore:
    """What one term earned, and why."""

    term: str
    kind: str
    of: str | None
    measure: int | Fraction
    points: Fraction
    capped: bool
    #: For a gate: whether it is met (None for a target or rate)
    met: bool | None
    #: The gates not met (and conditions that fail) that kept the term from earning
    closed_by: tuple[str, ...]


@attrs.frozen
class Scored:
    """What a metric earned on a path from its terms."""

    points: Fraction
    capped: bool
    #: With combine: best, the term that counted
    best: str | None
    terms: tuple[TermScore, ...]


@functools.lru_cache(maxsize=1024)
def _per_unit(term: Term, max_points: Fraction) -> Fraction:
    return term.per_unit(max_points)


def most_earned(scored: PathMetric, max_points: Fraction) -> Fraction:
    """The most a metric's terms can earn together, whatever the measures: each term's cap (a gate's points), summed or
    the best of them, and at most *max_points*.

    A target or a rate earns up to its cap (by default the metric's maximum),
    a gate its points (capped too).
    """
    ceilings = []
    for term in scored.terms:
        cap = max_points if term.cap is None else min(term.cap, max_points)
        ceilings.append(min(term.gate.points, cap) if term.gate is not None else cap)
    together = max(ceilings, default=_ZERO) if scored.combine == "best" else sum(ceilings, _ZERO)
    return min(max(together, _ZERO), max_points)


def measure_of(term: Term, measures: Mapping[str, int | Fraction]) -> int | Fraction:
    """The measure *term* scores: its part's or set's, or the only one there is."""
    if term.of is not None:
        return measures[term.of]
    return next(iter(measures.values()))


def score_terms(
    metric_id: str,
    scored: PathMetric,
    max_points: Fraction,
    measures: Mapping[str, int | Fraction],
    *,
    gates: Mapping[str, bool] | None = None,
    failing: Mapping[str, tuple[str, ...]] | None = None,
) -> Scored:
    """The points of a metric on a path, from *measures* (per part or set; one entry for a number).

    *gates* says which gates are met, as the rules decided (by default,
    each gate's measure is compared with its need here); *failing* names,
    per term id, the conditions of the term that do not hold.
    """
    met: dict[str, bool] = {}
    scores = []
    for key, term in scored.named(metric_id):
        measure = measure_of(term, measures)
        closed = tuple(required for required in term.requires if not met.get(required, False))
        closed += (failing or {}).get(key, ())
        cap = max_points if term.cap is None else min(term.cap, max_points)
        gate_met: bool | None = None
        if term.gate is not None:
            gate_met = met[key] = gates[key] if gates is not None else measure >= term.gate.need
            raw = term.gate.points if gate_met else _ZERO
        elif measure > 0:
            rate = _per_unit(term, max_points)
            # one Fraction made, not three: plans score thousands of candidates
            raw = Fraction(measure * rate.numerator, rate.denominator) if isinstance(measure, int) else measure * rate
        else:
            raw = _ZERO
        earned = _ZERO if closed else min(raw, cap)
        scores.append(TermScore(key, term.kind, term.of, measure, earned, not closed and raw > cap, gate_met, closed))
    if scored.combine == "best":
        # max() keeps the first of equal points: ties go to the term listed first
        winner = max(scores, key=lambda score: score.points)
        return Scored(min(winner.points, max_points), winner.capped, winner.term, tuple(scores))
    total = sum((score.points for score in scores), _ZERO)
    capped = total > max_points or any(score.capped for score in scores)
    return Scored(min(max(total, _ZERO), max_points), capped, None, tuple(scores))

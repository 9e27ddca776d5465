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
from collections.abc import Iterable, Mapping
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
    return formula(metric_id, scored, max_points).score(measures, gates=gates, failing=failing)


@functools.lru_cache(maxsize=1024)
def formula(metric_id: str, scored: PathMetric, max_points: Fraction) -> Formula:
    """The :class:`Formula` of a metric on a path, made once."""
    return Formula(metric_id, scored, max_points)


@attrs.frozen
class _Step:
    """One term of a :class:`Formula`, with what scoring it needs worked out."""

    key: str
    term: Term
    kind: str
    #: The most the term earns: its cap, at most the metric's maximum
    cap: Fraction
    #: A target's or rate's points per unit of its measure, as (numerator, denominator); None for a gate
    rate: tuple[int, int] | None


class Formula:
    """A metric's terms on a path, ready to score measures again and again (the rules fire it per evaluation,
    plans per candidate).

    It computes what the module docstring says, in exact arithmetic: a
    target's or rate's points are compared with its cap and added up as
    whole numerators and denominators, and made a Fraction once.
    """

    def __init__(self, metric_id: str, scored: PathMetric, max_points: Fraction) -> None:
        self.max_points = max_points
        self.best = scored.combine == "best"
        steps = []
        for key, term in scored.named(metric_id):
            cap = max_points if term.cap is None else min(term.cap, max_points)
            rate = None
            if term.gate is None:
                per_unit = term.per_unit(max_points)
                rate = (per_unit.numerator, per_unit.denominator)
            steps.append(_Step(key, term, term.kind, cap, rate))
        self.steps = tuple(steps)

    def score(
        self,
        measures: Mapping[str, int | Fraction],
        *,
        gates: Mapping[str, bool] | None = None,
        failing: Mapping[str, tuple[str, ...]] | None = None,
    ) -> Scored:
        """What the terms earn from *measures*: see :func:`score_terms`."""
        met: dict[str, bool] = {}
        scores = []
        for step in self.steps:
            term, key, cap = step.term, step.key, step.cap
            measure = measure_of(term, measures)
            closed = tuple(required for required in term.requires if not met.get(required, False))
            if failing:
                closed += failing.get(key, ())
            gate_met: bool | None = None
            if step.rate is None:
                assert term.gate is not None  # noqa: S101 - a term without a rate is a gate
                gate_met = met[key] = gates[key] if gates is not None else measure >= term.gate.need
                raw = term.gate.points if gate_met else _ZERO
                over = raw > cap
                earned = _ZERO if closed else min(raw, cap)
            elif measure.numerator > 0:  # an int's numerator is itself; a Fraction's denominator is positive
                # measure * rate, compared with the cap as whole numbers: one Fraction made, not four
                numerator = measure.numerator * step.rate[0]
                denominator = measure.denominator * step.rate[1]
                over = numerator * cap.denominator > cap.numerator * denominator
                earned = _ZERO if closed else cap if over else Fraction(numerator, denominator)
            else:
                over, earned = False, _ZERO
            scores.append(TermScore(key, step.kind, term.of, measure, earned, over and not closed, gate_met, closed))
        if self.best:
            # max() keeps the first of equal points: ties go to the term listed first
            winner = max(scores, key=lambda score: score.points)
            return Scored(min(winner.points, self.max_points), winner.capped, winner.term, tuple(scores))
        total = scores[0].points if len(scores) == 1 else _sum(score.points for score in scores)
        capped = total > self.max_points or any(score.capped for score in scores)
        return Scored(min(max(total, _ZERO), self.max_points), capped, None, tuple(scores))


def _sum(values: Iterable[Fraction]) -> Fraction:
    """The sum of *values*, made a Fraction once."""
    numerator, denominator = 0, 1
    for value in values:
        numerator = numerator * value.denominator + value.numerator * denominator
        denominator *= value.denominator
    return Fraction(numerator, denominator)

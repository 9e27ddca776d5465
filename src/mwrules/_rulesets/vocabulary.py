"""The vocabulary a metric is scored in: its source, and per path the terms that turn measures into points.

A metric measures one *source*: a number the partner gives, given parts of
a number, or named sets of certified people. On each path that scores it, a
:class:`PathMetric` lists *terms*; each term scores one measure on its own
(in proportion to a target, at a rate, or as a gate met or not), the terms
are combined (summed, or the best kept) and the result is capped at the
metric's maximum on that path. docs/ruleset-format.md describes the keys;
this module only holds them and the arithmetic they mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

import attrs


def _doc(text: str, *, anchor: str | None = None, **kwargs: Any) -> Any:
    """An attrs field with its documentation, which the JSON Schema shows to ruleset editors.

    *anchor*: the section of docs/ruleset-format.md that describes the key, if not its class's ``__anchor__``.
    """
    return attrs.field(metadata={"doc": text, **({"anchor": anchor} if anchor else {})}, **kwargs)


#: What a given number is: a whole count, or an amount with decimals.
Kind = Literal["count", "amount"]
KINDS: tuple[str, ...] = ("count", "amount")
SOURCE_KEYS: tuple[str, ...] = ("number", "parts", "people")
#: An amount has at most 6 decimal places; the engine compares it in millionths, as a whole number
AMOUNT_PLACES = 6
MICRO = 10**AMOUNT_PLACES


def engine_units(kind: str) -> int:
    """How many of the engine's whole units make one of a measure of *kind*: a millionth of an amount, else 1."""
    return MICRO if kind == "amount" else 1


@attrs.frozen(kw_only=True)
class Source:
    """What a metric measures: exactly one of *number*, *parts* or *people*."""

    __anchor__ = "sources"
    #: Keys of which exactly one is given (the JSON Schema says so with oneOf): one group here
    __one_of__ = (SOURCE_KEYS,)

    number: Kind | None = _doc(
        "One number the partner gives per path (metrics.<path>.<metric>): count (whole) or amount.", default=None
    )
    parts: Mapping[str, Kind] | None = _doc(
        "Numbers the partner gives per path and part (metrics.<path>.<metric>.<part>), e.g. one per association "
        "type: {cpor: count, dpor: count}; each path's terms say which parts it scores and how.",
        default=None,
    )
    people: Mapping[str, tuple[str, ...]] | None = _doc(
        "Named sets of certifications, e.g. {intermediate: [teams-administrator-associate, ...]}: the measure of a "
        "set is the number of people holding one of its certifications, valid on the day, each counted once.",
        default=None,
    )

    @property
    def kind(self) -> str:
        """Which of number, parts and people the source is (the first given, if a faulty file gives more)."""
        return next((key for key in SOURCE_KEYS if getattr(self, key) is not None), "number")

    @property
    def measures(self) -> tuple[str, ...]:
        """The names a term's ``of`` may use: the parts, or the people sets (none for a number)."""
        named = self.parts if self.parts is not None else self.people
        return tuple(named or ())


@attrs.frozen(kw_only=True)
class Rate:
    """*points* points for every *per* units of the measure, in proportion (never below 0)."""

    __anchor__ = "terms"

    points: Fraction = _doc("The points earned for *per* units.")
    per: Fraction = _doc("The units that earn *points*, e.g. 1 (per person), 1000 (per thousand users).")


@attrs.frozen(kw_only=True)
class Gate:
    """*points* points when the measure reaches *need*, else none; other terms may require it."""

    __anchor__ = "gates"

    need: Fraction = _doc("The measure the gate needs, e.g. 2 (people).")
    points: Fraction = _doc("The points the gate earns when met (0: it only opens the terms that require it).")


OPERATORS: tuple[str, ...] = ("at_least", "more_than", "at_most", "less_than")


@attrs.frozen(kw_only=True)
class Condition:
    """A comparison of a partner fact, or of a part of the same metric, with a number."""

    __anchor__ = "conditions"
    #: Exactly one of what it compares, and exactly one of the operators
    __one_of__ = (("fact", "part"), OPERATORS)

    fact: str | None = _doc("A fact the ruleset declares (facts[].id).", default=None)
    part: str | None = _doc("A part of the same metric's source.", default=None)
    at_least: Fraction | None = _doc("Holds when the value is this or more.", default=None)
    more_than: Fraction | None = _doc("Holds when the value is more than this.", default=None)
    at_most: Fraction | None = _doc("Holds when the value is this or less.", default=None)
    less_than: Fraction | None = _doc("Holds when the value is less than this.", default=None)

    @property
    def on(self) -> str:
        """What the condition compares: 'facts.<id>' or '<part>'."""
        return f"facts.{self.fact}" if self.fact is not None else str(self.part)

    @property
    def operator(self) -> str:
        return next((key for key in OPERATORS if getattr(self, key) is not None), OPERATORS[0])

    @property
    def threshold(self) -> Fraction:
        value: Fraction = getattr(self, self.operator)
        return value

    def holds(self, value: Fraction | int) -> bool:
        threshold = self.threshold
        return {
            "at_least": value >= threshold,
            "more_than": value > threshold,
            "at_most": value <= threshold,
            "less_than": value < threshold,
        }[self.operator]

    def __str__(self) -> str:
        threshold = self.threshold
        shown = threshold.numerator if threshold.denominator == 1 else float(threshold)
        return f"{self.on} {self.operator.replace('_', ' ')} {shown:,}"


TERM_KINDS: tuple[str, ...] = ("target", "rate", "gate")


@attrs.frozen(kw_only=True, cache_hash=True)  # a key of scoring.formula, through PathMetric
class Term:
    """One measure scored on its own: in proportion to a *target*, at a *rate*, or as a *gate*."""

    __anchor__ = "terms"
    __one_of__ = (TERM_KINDS,)

    id: str | None = _doc(
        "A snake_case id, unique in the path's metric, which requires and traces name (default: its 'of', else the "
        "metric id).",
        default=None,
    )
    title: str | None = _doc("A name for people, e.g. 'Step 2'.", default=None)
    of: str | None = _doc("The part or people set the term measures (none for a number source).", default=None)
    target: Fraction | None = _doc(
        "The measure that earns the metric's maximum on the path; less earns in proportion.", default=None
    )
    rate: Rate | None = _doc("Points per units of the measure, e.g. {points: 4, per: 1}.", default=None)
    gate: Gate | None = _doc(
        "Points when the measure reaches a need, e.g. {need: 2, points: 0}.", default=None, anchor="gates"
    )
    cap: Fraction | None = _doc("The most this term alone earns (default: the metric's maximum).", default=None)
    requires: tuple[str, ...] = _doc(
        "Gates listed earlier in the same metric: the term earns only when every one is met.",
        default=(),
        anchor="gates",
    )
    when: tuple[Condition, ...] = _doc(
        "Conditions that must all hold for the term to earn.", default=(), anchor="conditions"
    )

    @property
    def kind(self) -> str:
        """Which of target, rate and gate the term is."""
        return next((key for key in TERM_KINDS if getattr(self, key) is not None), "target")

    def key(self, metric_id: str) -> str:
        """The term's id: its own, else what it measures, else the metric's."""
        return self.id or self.of or metric_id

    def per_unit(self, max_points: Fraction) -> Fraction:
        """Points per unit of the measure of a target or rate term."""
        if self.rate is not None:
            return self.rate.points / self.rate.per
        assert self.target is not None  # noqa: S101 - a gate has no rate; callers ask only of targets and rates
        return max_points / self.target


@attrs.frozen(kw_only=True, cache_hash=True)  # a key of scoring.formula: plans score thousands of candidates
class PathMetric:
    """How one path scores one metric: its terms, how they combine, its maximum and minimum there."""

    __anchor__ = "terms"

    terms: tuple[Term, ...] = _doc("The terms, each scored alone, then combined and capped.")
    combine: Literal["sum", "best"] = _doc(
        "sum: the terms' points are added; best: the best term counts (the first of equal ones).", default="sum"
    )
    max_points: Fraction | None = _doc("The metric's maximum on this path (default: the metric's).", default=None)
    min_points: Fraction | None = _doc(
        "The points the pass rule needs in this metric on this path (default: scoring.min_metric_points; 0 makes "
        "the metric optional).",
        default=None,
        anchor="the-pass-rule",
    )

    def named(self, metric_id: str) -> tuple[tuple[str, Term], ...]:
        """The terms with their ids."""
        return tuple((term.key(metric_id), term) for term in self.terms)


@attrs.frozen(kw_only=True)
class FactSpec:
    """A number about the partner as a whole that conditions and classification read (document key facts)."""

    __anchor__ = "facts"

    id: str = _doc("A snake_case id: the partner document gives it as facts.<id>.")
    title: str = _doc("What the number is, for people.")
    type: Kind = _doc("count: a whole number; amount: a number with up to 6 decimals.")
    min: Fraction | None = _doc("The least value a partner may give.", default=None)
    max: Fraction | None = _doc("The greatest value a partner may give.", default=None)


@attrs.frozen(kw_only=True)
class ClassifyEntry:
    """One entry of the classification that picks a partner's path: the first whose conditions hold."""

    __anchor__ = "choosing-the-path"

    path: str = _doc("The path chosen.")
    title: str | None = _doc("Why, in words, e.g. 'five or more workloads'.", default=None)
    when: tuple[Condition, ...] = _doc("Conditions on facts, all of which must hold (none: otherwise).", default=())

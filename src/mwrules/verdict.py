"""The result of an evaluation: a verdict, its per-path scores and its trace.

Points are exact :class:`~fractions.Fraction` values; they are rounded only
for display (:func:`display_points`) and in JSON, which also carries the exact
value so that a verdict survives a round trip through JSON unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, overload

import attrs


@attrs.frozen(kw_only=True)
class TraceStep:
    """One rule firing: which rule, on which facts, and what it concluded.

    *matched* names the facts: a JSON path into the partner document
    (``$.people[3]``) for input facts, ``kind:path:metric`` for derived ones.
    """

    step: int
    rule: str
    description: str
    matched: tuple[str, ...]
    concluded: Mapping[str, Any]


class Trace(Sequence[TraceStep]):
    """A verdict's trace: its steps in firing order, built when first read.

    Most callers read a verdict's points, not how each was reached, and the
    steps of a big partner cost more to build than to decide: an evaluation
    keeps what the rules did and makes the steps on first use. A trace equals
    any sequence of the same steps (a tuple, the trace of a verdict read from
    JSON).
    """

    __slots__ = ("_build", "_steps")

    def __init__(self, steps: Iterable[TraceStep] | Callable[[], tuple[TraceStep, ...]]) -> None:
        if callable(steps):
            self._build: Callable[[], tuple[TraceStep, ...]] | None = steps
            self._steps: tuple[TraceStep, ...] | None = None
        else:
            self._build, self._steps = None, tuple(steps)

    @property
    def steps(self) -> tuple[TraceStep, ...]:
        """The steps, as a tuple."""
        if self._steps is None:
            assert self._build is not None  # noqa: S101 - one of the two is always set
            self._steps, self._build = self._build(), None
        return self._steps

    @overload
    def __getitem__(self, index: int) -> TraceStep: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TraceStep, ...]: ...
    def __getitem__(self, index: int | slice) -> TraceStep | tuple[TraceStep, ...]:
        return self.steps[index]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Trace):
            return self.steps == other.steps
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self.steps == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to tuples, so not hashable like one

    def __repr__(self) -> str:
        return repr(self.steps)

    def __reduce__(self) -> tuple[type[Trace], tuple[tuple[TraceStep, ...]]]:
        return Trace, (self.steps,)


def _as_trace(steps: Iterable[TraceStep]) -> Trace:
    return steps if isinstance(steps, Trace) else Trace(steps)


@attrs.frozen(kw_only=True)
class TermResult:
    """What one term of a metric earned on a path (see docs/ruleset-format.md#terms).

    *met* says whether a gate is met (None for a target or rate);
    *closed_by* names the gates not met that kept the term from earning;
    *rule* is the rule that decided a gate.
    """

    term: str
    kind: str
    of: str | None = None
    measure: int | Fraction
    points: Fraction
    capped: bool = False
    met: bool | None = None
    closed_by: tuple[str, ...] = ()
    rule: str | None = None


@attrs.frozen(kw_only=True)
class MetricResult:
    """The points of one metric on one path, and what produced them.

    *inputs* are the measures the points came from (one per association
    option for a best-of-options metric, ``people`` for certified people);
    *option* is the option that won; *derived* says whether the measures were
    measured from the partner's customer data rather than given; *step* is
    the trace step of the firing that computed the points. *terms* holds what
    each term earned, for a metric scored with rates, gates or sums (empty
    for one scored in proportion to targets alone).
    """

    metric: str
    points: Fraction
    max: Fraction
    inputs: Mapping[str, int | Fraction]
    option: str | None = None
    capped: bool = False
    people: tuple[str, ...] = ()
    derived: bool = False
    rule: str
    step: int
    terms: Mapping[str, TermResult] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class PathResult:
    """One attainment path: its score, whether it qualifies, and why not."""

    path: str
    score: Fraction
    qualified: bool
    metrics: Mapping[str, MetricResult]
    shortfalls: tuple[str, ...] = ()
    rule: str
    step: int
    #: The rule that picked this path, when the ruleset classifies partners (else None: the best path)
    classified_by: str | None = None


@attrs.frozen
class RulesetRef:
    """Which ruleset produced a verdict, and why that one (*reason*)."""

    id: str
    version: str
    reason: str = ""


class ForAnother(str):
    """A warning (a ``str``) about data that another designation reads: its certifications, its section, its facts.

    A document for several designations has them by design; the designations
    table counts them apart from the rest, which are mistakes or assumptions.
    """

    __slots__ = ()


@attrs.frozen(kw_only=True)
class Verdict:
    """Whether a partner qualifies, on which path, with how many points, and why.

    *path* is the best qualifying path, else the highest-scoring one; *score*
    is that path's score. *warnings* lists what mwrules did not use or had to
    assume (an unknown certification name, a missing metric counted as 0);
    those about another designation's data are :class:`ForAnother`.
    """

    partner_id: str
    as_of: datetime.date
    qualified: bool
    path: str
    score: Fraction
    paths: Mapping[str, PathResult]
    trace: Sequence[TraceStep] = attrs.field(converter=_as_trace)
    warnings: tuple[str, ...]
    ruleset: RulesetRef


@attrs.frozen(kw_only=True)
class Shortfall:
    """How far a verdict's path is from qualifying where it is furthest: a metric below its minimum, or the total."""

    metric: str | None  # None: every metric has its minimum and the total is short
    points: Fraction
    needs: Fraction

    @property
    def short(self) -> Fraction:
        """The points missing."""
        return self.needs - self.points


@attrs.frozen(kw_only=True)
class DesignationResult:
    """One designation in :func:`mwrules.evaluate_designations`: its verdict, or why there is none.

    *status* is ``qualified`` or ``not qualified`` (with a *verdict*), ``no
    data`` (the partner gave no metrics this designation reads), ``not in
    force`` (no version on the evaluation date) or ``problems`` (its data has
    *problems*, e.g. a missing classification fact). *reason* says why there
    is no verdict. *badge* is the badge a qualified verdict earns.
    """

    designation: str
    title: str
    status: str
    verdict: Verdict | None = None
    furthest: Shortfall | None = None
    badge: str | None = None
    reason: str = ""
    problems: tuple[Any, ...] = ()  # mwrules.Problem


@attrs.frozen(kw_only=True)
class EarnedBadge:
    """A badge the partner earns, and the designations that earn it (any one is enough)."""

    name: str
    designations: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Designations:
    """Every designation's result for one partner, and the badges earned (see :func:`mwrules.evaluate_designations`)."""

    partner_id: str
    as_of: datetime.date
    results: tuple[DesignationResult, ...]
    badges: tuple[EarnedBadge, ...]

    def __getitem__(self, designation: str) -> DesignationResult:
        """The result of *designation* (a ruleset id)."""
        for result in self.results:
            if result.designation == designation:
                return result
        raise KeyError(designation)

    @property
    def qualified(self) -> tuple[str, ...]:
        """The designations the partner qualifies for, in order."""
        return tuple(result.designation for result in self.results if result.status == "qualified")

    @property
    def problems(self) -> tuple[Any, ...]:
        """Every designation's problems, in order."""
        return tuple(problem for result in self.results for problem in result.problems)


def certified_people(trace: Sequence[TraceStep]) -> dict[str, dict[str, tuple[str, ...]]]:
    """From a trace: per level, per person counted at it, the certification ids that made them count."""
    counted: dict[str, dict[str, tuple[str, ...]]] = {}
    for step in trace:
        if step.rule.startswith("certified:"):
            level = step.concluded["level"]
            counted.setdefault(level, {})[step.concluded["person"]] = tuple(step.concluded["through"])
    return counted


#: The rules whose firings name a tenant behind a measure (see mwrules._evaluation.rules_customers).
TENANT_RULES = ("counted", "usage-before-association", "deployed", "excluded")


def tenant_steps(trace: Sequence[TraceStep]) -> dict[tuple[str, str, str | None], list[TraceStep]]:
    """From a trace: per (path, metric, association option or None), the steps that counted or excluded a tenant."""
    steps: dict[tuple[str, str, str | None], list[TraceStep]] = {}
    for step in trace:
        kind, _, rest = step.rule.partition(":")
        if kind in TENANT_RULES:
            path_id, metric_id, *option = rest.split(":")
            steps.setdefault((path_id, metric_id, option[0] if option else None), []).append(step)
    return steps


def display_points(points: Fraction) -> float:
    """*points* rounded half up to 2 decimals, for people and for JSON.

    Points that are not whole are never shown as a whole number: rounded to as
    many decimals as tell them from it (at most 12). A score of 69.9999999992
    was shown as 70 beside "NOT QUALIFIED", and "0 short" of the pass line.
    """
    units, places = _rounded(points)
    scale: int = 10**places
    return units / scale


def _rounded(points: Fraction) -> tuple[int, int]:
    """*points* rounded half up, in units of 10**-places: 2 places, or the fewest that tell it from a whole number."""
    for places in range(2, _MOST_PLACES + 1):
        scale = 10**places
        # floor(points * scale + 1/2) in integers; int / int is correctly rounded, as float(Fraction) is
        units = (2 * scale * points.numerator + points.denominator) // (2 * points.denominator)
        if units % scale or points.denominator == 1:
            break
    return units, places


#: The most decimals a number of points is shown with (12: a float keeps them exactly, up to 100 points)
_MOST_PLACES = 12


def exact_text(value: int | Fraction) -> int | str:
    """A measure as JSON carries it: a count as a number; an amount as its exact decimal text, e.g. ``"0.96"``."""
    if type(value) is int:  # most measures, in every verdict: at once
        return value
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    if 10**6 % value.denominator == 0:  # an amount a partner gave: at most 6 decimal places
        whole, millionths = divmod(abs(value.numerator) * (10**6 // value.denominator), 10**6)
        return f"{'-' if value < 0 else ''}{whole}.{millionths:06d}".rstrip("0")
    return str(value)


def format_points(points: Fraction) -> str:
    """*points* as text: ``15``, ``8.33``, ``69.999999999`` (not ``70``: see :func:`display_points`)."""
    units, places = _rounded(points)
    if places == 2:  # the usual two decimals
        return f"{units / 100:g}"
    scale: int = 10**places
    return f"{units / scale:.{places}f}".rstrip("0")

"""The checks of a partner's metrics and facts against a ruleset: paths, metrics and parts it has, counts and amounts.

Called by :mod:`mwrules._input.partner` when a document is checked in full,
on the values as read (a decimal still a float) or as a Partner built in
Python holds them (an amount a Fraction). Its one-pass reading of a document
with no problem (``plain_metrics``, ``plain_facts``) builds what those
checks and the structuring before them build, or gives up at the first doubt.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import codes
from .._input import documents as _documents
from .._rulesets.vocabulary import AMOUNT_PLACES
from ..errors import Problem, did_you_mean
from ..verdict import exact_text
from .convert import ValueProblem, shown


if TYPE_CHECKING:
    from ..model import Measure, MetricValue
    from ..ruleset import MetricSpec, Ruleset


_UNKNOWN = codes.UNKNOWN_PARTNER_METRIC
#: How many unknown keys of one document get a "did you mean" (each costs a difflib search)
_SUGGESTIONS = 100
#: The largest measure a metric may give (either sign): far beyond any real
#: partner, and small enough for exact arithmetic everywhere.
MAX_MEASURE = 10**15


def written_decimal(value: float) -> Fraction:
    """A finite float as the decimal written in the document: ``0.96`` is 24/25, not the nearest binary fraction.

    repr() writes the shortest decimal that reads back as the float: the one
    written, for any number of at most 15 significant digits (an amount of
    10^9 with 6 decimal places).
    """
    return Fraction(repr(float.__float__(value)))


def _given_number(value: object) -> Fraction | None:
    """A number as the document wrote it (a float read back as its decimal), or as a Partner holds it; else None."""
    if isinstance(value, float) and math.isfinite(value):
        return written_decimal(value)
    if isinstance(value, Decimal):
        try:
            return Fraction(exact_decimal(value))
        except ValueProblem:
            return None  # reported where the value is read
    if isinstance(value, int | Fraction) and not isinstance(value, bool):
        return Fraction(value)
    return None


def exact_decimal(value: Decimal) -> int | Fraction:
    """*value* exactly, as a document's decimal is read: it was "expected a number, got Decimal('12500.5')".

    Its exponent is checked first: ``Decimal('1E-999999999')`` as a Fraction builds a number of a billion digits.
    """
    if not value.is_finite():
        message = f"expected a finite number, got {value!r}"
        raise ValueProblem(message)
    if value.is_zero():
        return 0
    if value.adjusted() > len(str(MAX_MEASURE)) - 1:  # 10**16 or more
        message = f"{value} is beyond any real measure (at most {MAX_MEASURE:,} either way)"
        raise ValueProblem(message)
    negative, digits, exponent = value.as_tuple()
    written = "".join(map(str, digits))
    significant = written.rstrip("0")  # 1.2500000 is 1.25 (not normalize(): it rounds to the context's precision)
    places = -(int(exponent) + len(written) - len(significant))
    if places > AMOUNT_PLACES:
        message = f"{value} has more than {AMOUNT_PLACES} decimal places"
        raise ValueProblem(message)
    exact = Fraction(int(significant), 10**places) if places > 0 else int(significant) * 10**-places
    return -exact if negative else exact


def check_facts(facts: object, ruleset: Ruleset) -> list[Problem]:
    """Problems with the facts a partner gives under *ruleset*: missing, unknown, of the wrong kind, out of range."""
    given = facts if isinstance(facts, Mapping) else {}
    problems: list[Problem] = []
    declared = {fact.id: fact for fact in ruleset.facts}
    known: frozenset[str] | None = None  # looked up once, when a fact is first not *ruleset*'s
    for fact_id, written in given.items():
        spot = _documents.child("$.facts", fact_id)
        spec = declared.get(fact_id)
        if spec is None:
            # One document may serve several rulesets: evaluate warns that a fact another reads is not read
            known = known if known is not None else shipped_facts() | declared.keys()
            if fact_id not in known:
                message = f"no shipped ruleset reads a fact named {shown(fact_id)}"  # the same words under each
                suggestion = did_you_mean(str(fact_id), sorted(known)) if len(problems) < _SUGGESTIONS else None
                problems.append(Problem(spot, message, suggestion, code=_UNKNOWN))
            continue
        value = _given_number(written)
        if value is None:
            continue  # reported as the wrong type
        most = MAX_AMOUNT if spec.type == "amount" else MAX_MEASURE
        if abs(value) > most:
            message = f"{exact_text(value)} is beyond any real {fact_id} (at most {most:,} either way)"
            problems.append(Problem(spot, message, code=codes.INVALID_VALUE))
            continue
        if spec.type == "count" and value.denominator != 1:
            message = f"expected a whole number, got a number {exact_text(value)}"
            problems.append(Problem(spot, message, code=codes.INVALID_VALUE))
        if spec.min is not None and value < spec.min:
            message = f"{exact_text(value)} is below what {fact_id} can be, at least {exact_text(spec.min)}"
            problems.append(Problem(spot, message, spec.title, code=codes.INVALID_VALUE))
        if spec.max is not None and value > spec.max:
            message = f"{exact_text(value)} is above what {fact_id} can be, at most {exact_text(spec.max)}"
            problems.append(Problem(spot, message, spec.title, code=codes.INVALID_VALUE))
    for fact_id in ruleset.needed_facts():
        if fact_id not in given and (facts is None or isinstance(facts, Mapping)):  # else: the wrong type, reported
            spec = declared[fact_id]
            message = f"missing: required by {ruleset} ({spec.title})"
            where = _documents.child("$.facts", fact_id)
            problems.append(Problem(where, message, f"add 'facts: {{{fact_id}: <number>}}'", code=codes.MISSING_KEY))
    return problems


def shipped_facts() -> frozenset[str]:
    """The facts some version of some shipped ruleset declares (read once, when a document first names another)."""
    from .._rulesets.versions import shipped_ids  # noqa: PLC0415 - every shipped ruleset, only when needed

    return _facts_of(tuple(shipped_ids()))


@functools.lru_cache(maxsize=8)
def _facts_of(families: tuple[str, ...]) -> frozenset[str]:
    from .._rulesets.versions import shipped_family  # noqa: PLC0415

    return frozenset(
        fact.id for family in families for ruleset in shipped_family(family).rulesets for fact in ruleset.facts
    )


def check_metrics(metrics: object, ruleset: Ruleset, *, at: str = "$.metrics") -> list[Problem]:
    """Problems with the paths, metrics and options of *metrics* (given *at*) under *ruleset*."""
    if not isinstance(metrics, Mapping):
        return []
    problems: list[Problem] = []

    def hint(word: object, choices: Iterable[str]) -> str | None:
        # A suggestion costs a difflib search: a million unknown keys get the first hundred
        return did_you_mean(str(word), choices) if len(problems) < _SUGGESTIONS else None

    path_ids = [path.id for path in ruleset.paths]
    for path_id, values in metrics.items():
        where = _documents.child(at, path_id)
        if path_id not in path_ids:
            problems.append(Problem(where, f"unknown path in {ruleset}", hint(path_id, path_ids), code=_UNKNOWN))
            continue
        if not isinstance(values, Mapping):
            continue
        inputs = {metric.id: metric for metric in ruleset.metrics if metric.source.people is None}
        for metric_id, value in values.items():
            spot = _documents.child(where, metric_id)
            metric = inputs.get(metric_id)
            if metric is None:
                if any(m.id == metric_id for m in ruleset.metrics):
                    problems.append(
                        Problem(
                            spot,
                            "this metric is counted from people's certifications, not given as a number",
                            code=_UNKNOWN,
                        )
                    )
                else:
                    problems.append(
                        Problem(spot, f"unknown metric in {ruleset}", hint(metric_id, inputs), code=_UNKNOWN)
                    )
                continue
            if metric_id not in ruleset.path(path_id).metrics:
                message = f"{ruleset} does not score {metric_id} on {path_id}"
                problems.append(Problem(spot, message, code=_UNKNOWN))
                continue
            options = ruleset.options(path_id, metric_id)
            problems += _beyond_any_measure(spot, value) or _wrong_kind(spot, metric, value)
            if metric.measure == "count" and isinstance(value, Mapping):
                problems.append(
                    Problem(spot, "expected one number for this metric, not options", code=codes.INVALID_VALUE)
                )
            elif metric.source.parts is not None:
                # Modern Work's parts are association options (cpor, dpor, csp); Security's are sources (azure, m365)
                association_types = (
                    {kind.id for kind in ruleset.customer_data.association_types} if ruleset.customer_data else set()
                )
                part = "association option" if set(metric.source.parts) <= association_types else "part"
                if not isinstance(value, Mapping):
                    problems.append(
                        Problem(
                            spot,
                            f"expected one number per {part}: {{{', '.join(options)}}}, got {shown(value)}",
                            code=codes.INVALID_VALUE,
                        )
                    )
                    continue
                for option in value:
                    if option in options:
                        continue
                    place = _documents.child(spot, option)  # not `where`: the path's, for the metrics after
                    if option in metric.source.parts:  # declared, but this path scores no term of it
                        message = f"{path_id} does not read this {part} of {metric_id}: it reads {', '.join(options)}"
                        problems.append(Problem(place, message, code=_UNKNOWN))
                    else:
                        message = f"unknown {part} for {metric_id} on {path_id}"
                        problems.append(Problem(place, message, hint(option, options), code=_UNKNOWN))
    return problems


#: The largest amount a partner may give (either sign): in millionths, below 2^53
MAX_AMOUNT = 10**9


def _wrong_kind(where: str, metric: MetricSpec, value: object) -> list[Problem]:
    """Amounts given for a count, and amounts too large to compare exactly."""
    kinds = metric.source.parts or {}
    amounts = value.items() if isinstance(value, Mapping) else [(None, value)]
    problems = []
    for option, given in amounts:
        amount = _given_number(given)
        if amount is None or 10**AMOUNT_PLACES % amount.denominator:
            continue  # reported as the wrong type, or as finer than an amount may be
        kind = metric.source.number if option is None else kinds.get(option)
        spot = where if option is None else _documents.child(where, option)
        if kind == "count" and amount.denominator != 1:
            message = f"expected a whole number, got a number {exact_text(amount)}"
            problems.append(Problem(spot, message, code=codes.INVALID_VALUE))
        elif kind == "amount" and abs(amount) > MAX_AMOUNT:
            message = f"{exact_text(amount)} is beyond any real amount (at most {MAX_AMOUNT:,} either way)"
            problems.append(Problem(spot, message, code=codes.INVALID_VALUE))
    return problems


def _beyond_any_measure(where: str, value: object) -> list[Problem]:
    amounts = value.items() if isinstance(value, Mapping) else [(None, value)]
    return [
        Problem(
            where if option is None else _documents.child(where, option),
            f"{shown(amount)} is beyond any real measure (at most {MAX_MEASURE:,} either way)",
            code=codes.INVALID_VALUE,
        )
        for option, amount in amounts
        if isinstance(amount, int | float) and not isinstance(amount, bool) and abs(amount) > MAX_MEASURE
    ]


def plain_metrics(data: object, ruleset: Ruleset, *, written: bool) -> dict[str, dict[str, MetricValue]] | None:
    """The metrics *data* gives, as the checks build them, when every path, metric and part is one *ruleset* reads.

    *written*: *data* is a document's (an amount may be a float, read as the
    decimal written); else a Partner's (an amount is a Fraction).
    """
    if type(data) is not dict:
        return None
    sources = {metric.id: metric.source for metric in ruleset.metrics if metric.source.people is None}
    path_ids = {path.id for path in ruleset.paths}
    metrics: dict[str, dict[str, MetricValue]] = {}
    for path_id, values in data.items():
        if path_id not in path_ids or type(values) is not dict:
            return None
        built: dict[str, MetricValue] = {}
        scored = ruleset.path(path_id).metrics
        for metric_id, value in values.items():
            source = sources.get(metric_id) if type(metric_id) is str and metric_id in scored else None
            given = None if source is None else _plain_metric(value, ruleset, path_id, metric_id, written=written)
            if given is None:
                return None
            built[metric_id] = given
        metrics[path_id] = built
    return metrics


def _plain_metric(
    value: object, ruleset: Ruleset, path_id: str, metric_id: str, *, written: bool
) -> MetricValue | None:
    """A given metric as the checks build it: one measure of its kind, or one per part the path reads; else None."""
    number = ruleset.metric(metric_id).source.number
    if number is not None:
        return plain_measure(value, number, written=written)
    if type(value) is not dict or not value.keys() <= set(ruleset.options(path_id, metric_id)):
        return None
    parts = {
        part: plain_measure(amount, ruleset.kind(metric_id, part), written=written) for part, amount in value.items()
    }
    return None if None in parts.values() else typing.cast("dict[str, Measure]", parts)


def plain_facts(data: object, ruleset: Ruleset, *, written: bool) -> dict[str, Measure] | None:
    """The facts *data* gives, as the checks build them, when each is in range and every fact *ruleset* needs is given.

    A fact *ruleset* does not declare but another shipped ruleset does is
    read as an amount would be, as the checks read it; one no shipped
    ruleset declares is left to the checks (an error). *written* as for :func:`plain_metrics`.
    """
    if type(data) is not dict:
        return None
    declared = {fact.id: fact for fact in ruleset.facts}
    facts: dict[str, Measure] = {}
    for fact_id, value in data.items():
        if type(fact_id) is not str:
            return None
        spec = declared.get(fact_id)
        if spec is None and fact_id not in shipped_facts():  # no ruleset reads it: MW204, from the checks
            return None
        measure = plain_measure(value, "amount" if spec is None else spec.type, written=written)
        if measure is None or (spec is not None and not _within(measure, spec.min, spec.max)):
            return None
        facts[fact_id] = measure
    return facts if all(fact_id in facts for fact_id in ruleset.needed_facts()) else None


def plain_measure(value: object, kind: str, *, written: bool) -> Measure | None:
    """*value* as the checks build a measure of *kind* (count or amount), when they find no problem; else None.

    A count is a whole number (``3.0`` or ``Fraction(3)`` is 3); an amount
    also a decimal of at most AMOUNT_PLACES places, a Fraction, or a float in
    a *written* document (read as the decimal written; a Partner's float is
    left to the checks). Both are bounded as the checks bound them.
    """
    most = MAX_AMOUNT if kind == "amount" else MAX_MEASURE
    if (written and type(value) is float and value.is_integer()) or (
        type(value) is Fraction and value.denominator == 1
    ):
        value = int(value)
    if type(value) is int:
        return value if abs(value) <= most else None
    if kind != "amount":
        return None
    if written and type(value) is float and math.isfinite(value):
        amount = written_decimal(value)
    elif type(value) is Fraction:
        amount = value
    else:
        return None
    return amount if 10**AMOUNT_PLACES % amount.denominator == 0 and abs(amount) <= most else None


def _within(value: Measure, least: Fraction | None, most: Fraction | None) -> bool:
    return (least is None or value >= least) and (most is None or value <= most)

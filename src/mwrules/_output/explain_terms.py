"""The explanation of a metric scored with terms, and of a path chosen by classification, in words.

One line per term: a gate met or not (have and need, and the certifications
of its people set), a term closed by a gate it requires or a condition that
fails (and what it would earn otherwise, from
:func:`mwrules._rulesets.scoring.score_terms`), what an open term earns and
whether its cap applied. docs/design/rules-as-data.md §3.4 shows the wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .._rulesets.scoring import score_terms
from .._rulesets.vocabulary import Condition, PathMetric, Term
from ..ruleset import Ruleset
from ..verdict import MetricResult, PathResult, TermResult, TraceStep, exact_text, format_points


_MAX_CERTIFICATIONS = 3  # named in a line; more read "one of N certifications of <set>"
_PREFIX = re.compile(r"^Microsoft(?: 365)? Certified: ")

#: How a condition reads when it holds, and when it fails
_HOLDS = {"at_least": "is at least", "more_than": "is more than", "at_most": "is at most", "less_than": "is below"}
_FAILS = {"at_least": "is below", "more_than": "is not more than", "at_most": "is above", "less_than": "is not below"}

#: The trace steps this module reads, by rule id
Steps = Mapping[str, TraceStep]
_READ = ("condition:", "condition-fails:", "classified:", "not-classified:")


def steps_read(trace: Sequence[TraceStep]) -> dict[str, TraceStep]:
    """The steps of *trace* that decided conditions and the classification, by rule id."""
    return {step.rule: step for step in trace if step.rule.startswith(_READ)}


def number(value: int | Fraction | str) -> str:
    """A measure or threshold as people read it: exact, with thousands separated (``49,999.99``)."""
    text = str(exact_text(Fraction(value)))
    if "/" in text:  # not an amount a partner gives (a rate's 15/7): rounded for display
        return format_points(Fraction(value))
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, decimals = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{decimals}"


def term_lines(result: MetricResult, ruleset: Ruleset, path_id: str, steps: Steps) -> list[str]:
    """One line per term of *result*'s metric on *path_id*: what it earned, or why nothing."""
    metric_id = result.metric
    scored = ruleset.path(path_id).metrics[metric_id]
    terms = dict(scored.named(metric_id))
    lines = []
    for key, term in terms.items():
        found = result.terms.get(key)
        if found is None:
            continue
        if found.closed_by:
            line = _closed(result, ruleset, path_id, scored, key, steps)
        elif found.met is not None:
            line = _gate(found, term, ruleset)
        else:
            line = _open(result, found, term, ruleset, terms, _conditions(path_id, result.metric, key, term, steps))
        lines.append(line)
    if scored.combine == "sum" and sum((found.points for found in result.terms.values()), Fraction(0)) > result.max:
        lines.append(
            f"the terms add up to more than {format_points(result.max)}: capped at {format_points(result.max)}"
        )
    return lines


def name(key: str, term: Term) -> str:
    """A term as a line names it: its title (``step 2``), else its id."""
    if term.title is None:
        return key
    first = term.title.split(" ", 1)[0]
    return term.title if first.isupper() and len(first) > 1 else term.title[0].lower() + term.title[1:]


def _held_by(ruleset: Ruleset, people_set: str) -> str:
    """The certifications of *people_set*, as people read them."""
    certifications = ruleset.level_certifications(people_set)
    if len(certifications) > _MAX_CERTIFICATIONS:
        return f"one of {len(certifications)} certifications of {people_set}"
    names = [_PREFIX.sub("", ruleset.certification(cert_id).name) for cert_id in certifications]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _people(ruleset: Ruleset, result: MetricResult, term: Term) -> bool:
    """Whether *term* counts people (its measure is a people set)."""
    return term.of is not None and term.of in (ruleset.metric(result.metric).source.people or {})


def _gate(found: TermResult, term: Term, ruleset: Ruleset) -> str:
    assert term.gate is not None  # noqa: S101 - a term with met is a gate
    need, have = term.gate.need, found.measure
    status = "met" if found.met else "not met"
    key = found.term
    if term.of is not None and term.of in ruleset.levels():
        held = _held_by(ruleset, term.of)
        if have <= need:
            line = f"{name(key, term)} {status}: {number(have)} of {_people_hold(need)} {held}"
        else:
            line = f"{name(key, term)} {status}: {_people_hold(have)} {held} ({number(need)} needed)"
    else:
        line = f"{name(key, term)} {status}: {term.of or 'the measure'} is {number(have)}, needs {number(need)}"
    if found.met and term.gate.points:
        line += f": {format_points(found.points)} points"
    return line


def _open(
    result: MetricResult,
    found: TermResult,
    term: Term,
    ruleset: Ruleset,
    terms: Mapping[str, Term],
    holding: Sequence[str],
) -> str:
    key, measure = found.term, found.measure
    people = _people(ruleset, result, term)
    if term.rate is not None:
        per = term.rate.per
        each = "each" if per == 1 else f"per {number(per)}" + (" people" if people else "")
        how = f"{_points(term.rate.points)} {each}"
    else:
        assert term.target is not None  # noqa: S101 - a term that is not a gate has a rate or a target
        how = f"{number(term.target)} for the max"
    if people:
        line = f"{name(key, term)}: {_people_hold(measure)} {_held_by(ruleset, str(term.of))}, {how}"
    else:
        label = term.of or result.metric
        prefix = "" if name(key, term) == label else f"{name(key, term)}: "
        line = f"{prefix}{label} {number(measure)} {'at' if term.rate is not None else 'of'} {how}"
    line += f": {format_points(found.points)} points"
    if found.capped:
        cap = result.max if term.cap is None else min(term.cap, result.max)
        line += f" (capped at {format_points(cap)})"
    if holding:
        line += f" ({' and '.join(holding)})"
    if term.requires:
        line += f" (opened by {' and '.join(name(gate, terms[gate]) for gate in term.requires)})"
    if result.option is not None and found.of == result.option and len(result.terms) > 1:
        line += "  <- best"
    return line


def _people_hold(count: int | Fraction) -> str:
    """``1 person holds``, ``3 people hold``."""
    return f"{number(count)} person holds" if count == 1 else f"{number(count)} people hold"


def _points(points: Fraction) -> str:
    return f"{format_points(points)} point{'' if points == 1 else 's'}"


def _closed(result: MetricResult, ruleset: Ruleset, path_id: str, scored: PathMetric, key: str, steps: Steps) -> str:
    """A term that earns nothing: the gates it needs, the conditions that fail, and what it would earn otherwise."""
    terms = dict(scored.named(result.metric))
    term, found = terms[key], result.terms[key]
    gates = [gate for gate in found.closed_by if gate in term.requires]
    failing = _conditions(path_id, result.metric, key, term, steps, holding=False)
    if _people(ruleset, result, term):
        subject, verb, pronoun = f"{name(key, term)}'s {number(found.measure)} people", "earn", "they"
        if found.measure == 1:
            subject, verb, pronoun = f"{name(key, term)}'s 1 person", "earns", "they"
    else:
        label = term.of or result.metric
        subject = f"{label} {number(found.measure)}"
        if name(key, term) != label:
            subject = f"{name(key, term)} ({subject})"
        verb, pronoun = "earns", "it"
    needs = f" (needs {' and '.join(name(gate, terms[gate]) for gate in gates)})" if gates else ""
    line = f"{', '.join(failing)}, so {subject} {verb} nothing" if failing else f"{subject} {verb} nothing"
    line += needs
    opened = "with it" if len(gates) == 1 and not failing else "with them" if gates else "if it held"
    if failing and len(failing) > 1 and not gates:
        opened = "if they held"
    return line + f"; {opened} {pronoun} would earn {format_points(_would_earn(result, scored, key))}"


def _would_earn(result: MetricResult, scored: PathMetric, key: str) -> Fraction:
    """What term *key* would earn were every gate it requires met and every condition of it holding."""
    named = dict(scored.named(result.metric))
    measures = {found.of or result.metric: found.measure for found in result.terms.values()}
    gates = {
        gate: bool(found.met) or gate in named[key].requires
        for gate, found in result.terms.items()
        if found.met is not None
    }
    failing = {other: found.closed_by for other, found in result.terms.items() if other != key}
    opened = score_terms(result.metric, scored, result.max, measures, gates=gates, failing=failing)
    return next(score.points for score in opened.terms if score.term == key)


def _conditions(path_id: str, metric_id: str, key: str, term: Term, steps: Steps, *, holding: bool = True) -> list[str]:
    """The conditions of *term* that hold (or, with *holding* False, fail), with the values the trace compared."""
    read = []
    for index, condition in enumerate(term.when):
        held = steps.get(f"condition:{path_id}:{metric_id}:{key}:{index}")
        failed = steps.get(f"condition-fails:{path_id}:{metric_id}:{key}:{index}")
        step = held if holding else failed
        if step is not None:
            read.append(_compared(condition, step.concluded["value"], holds=holding))
    return read


def _compared(condition: Condition, value: int | str, *, holds: bool) -> str:
    """``baseline_mcv 49,999.99 is below 50,000``."""
    words = (_HOLDS if holds else _FAILS)[condition.operator]
    on = condition.fact if condition.fact is not None else condition.part
    return f"{on} {number(value)} {words} {number(condition.threshold)}"


def classification_line(path: PathResult, ruleset: Ruleset, steps: Steps) -> str | None:
    """How the classification picked *path*: the entries passed over, and the one that applied."""
    if path.classified_by is None:
        return None
    entries = ruleset.scoring.classify
    said = []
    for index, entry in enumerate(entries):
        passed = steps.get(f"not-classified:{index}")
        if passed is None:
            break
        failing = next((c for c in entry.when if not c.holds(Fraction(passed.concluded[str(c.fact)]))), entry.when[0])
        value = passed.concluded[str(failing.fact)]
        said.append(f"{_compared(failing, value, holds=False)}, so not {entry.path} (rule not-classified:{index})")
    picked = steps.get(path.classified_by)
    chosen = entries[len(said)] if len(said) < len(entries) else None
    if chosen is not None and chosen.when and picked is not None:
        held = " and ".join(
            _compared(condition, picked.concluded[str(condition.fact)], holds=True) for condition in chosen.when
        )
        said.append(f"{held} (rule {path.classified_by})")
    else:
        said.append(f"{path.path} otherwise (rule {path.classified_by})")
    return f"path {path.path} chosen by classification: {'; '.join(said)}"

"""The checks of the vocabulary: sources, terms, gates, conditions, facts, the classification, and what a rule joins.

Called by :func:`mwrules._rulesets.checks.check`, which runs every check of a
ruleset; these are the ones the vocabulary of issue 22 brought, and the
bounds its numbers keep to.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from .. import codes
from .._input.convert import shown
from .._input.partner_metrics import MAX_AMOUNT, MAX_MEASURE
from ..errors import Problem
from .lenient import Unread
from .one_of import condition_problem, source_problem, term_problem
from .vocabulary import engine_units
from .wording import _SNAKE, _exact, _num, _suggest


if TYPE_CHECKING:
    from .model import MetricSpec, Ruleset
    from .vocabulary import Condition, PathMetric, Term


def _check_source(where: str, metric: MetricSpec, cert_ids: list[str], unread: Unread) -> list[Problem]:
    source, spot = metric.source, f"{where}.source"
    not_one = source_problem(spot, source)
    if not_one is not None:
        return [not_one]
    problems = []
    if source.parts is not None and not source.parts:
        problems.append(
            Problem(f"{spot}.parts", "list at least one part, e.g. {cpor: count}", code=codes.METRIC_DEFINITION)
        )
    for name in source.parts or ():
        if not _SNAKE.match(name):
            problems.append(
                Problem(f"{spot}.parts.{name}", "part names must be snake_case, e.g. 'cpor'", code=codes.ID_FORMAT)
            )
    if source.people is not None and not source.people:
        message = "name at least one set of certifications, e.g. {intermediate: [...]}"
        problems.append(Problem(f"{spot}.people", message, code=codes.METRIC_DEFINITION))
    for name, certifications in (source.people or {}).items():
        place = f"{spot}.people.{name}"
        if not certifications:
            problems.append(
                Problem(
                    place,
                    "a set of certified people needs the certifications that count",
                    "add e.g. 'certifications: [teams-administrator-associate]'",
                    code=codes.METRIC_DEFINITION,
                )
            )
        for position, cert_id in enumerate(certifications):
            if cert_id not in cert_ids:
                if unread.unusable("certifications", cert_id):
                    continue
                problems.append(
                    Problem(
                        f"{place}[{position}]",
                        f"no certification has id {shown(cert_id)}",
                        _suggest(cert_id, cert_ids),
                        code=codes.UNKNOWN_CERTIFICATION,
                    )
                )
            elif cert_id in certifications[:position]:
                problems.append(
                    Problem(f"{place}[{position}]", "a certification is listed twice", code=codes.DUPLICATE_ID)
                )
    return problems


def _idle_condition(spot: str, key: str) -> Problem:
    """A `when` on a gate of 0 points: it decides nothing, as a gate is met by its measure alone."""
    message = (
        f"a condition on a gate of 0 points changes nothing: {key} is met by its measure alone, "
        "and the terms that require it open whatever its conditions"
    )
    return Problem(
        f"{spot}.when", message, f"put the condition on the terms that require {key}", code=codes.METRIC_DEFINITION
    )


def _check_terms(where: str, ruleset: Ruleset, metric: MetricSpec, scored: PathMetric, unread: Unread) -> list[Problem]:
    """The terms of one metric on one path: what each measures, its numbers, and the gates it requires."""
    problems = []
    measures = metric.source.measures
    many = metric.source.parts is not None or len(measures) > 1
    if not scored.terms:
        problems.append(Problem(f"{where}.terms", "list at least one term", code=codes.MISSING_TARGET))
    seen: dict[str, Term] = {}
    for position, term in enumerate(scored.terms):
        spot = f"{where}.terms[{position}]"
        not_one = term_problem(spot, term)
        if not_one is not None:
            problems.append(not_one)
        if term.of is None and many:
            problems.append(
                Problem(
                    spot,
                    f"say which of {', '.join(measures)} the term measures: 'of: <name>'",
                    code=codes.METRIC_DEFINITION,
                )
            )
        elif term.of is not None and term.of not in measures:
            if metric.measure == "best_of_options" or metric.source.parts is not None:
                message = "option names must be snake_case, e.g. 'cpor'"
                if _SNAKE.match(term.of):
                    message = f"{shown(term.of)} is not a part of {metric.id}"
                problems.append(
                    Problem(
                        f"{spot}.of",
                        message,
                        _suggest(term.of, measures),
                        code=codes.ID_FORMAT if not _SNAKE.match(term.of) else codes.METRIC_DEFINITION,
                    )
                )
            else:
                what = f"one of {', '.join(measures)}" if measures else "nothing to choose from: it measures one number"
                problems.append(
                    Problem(
                        f"{spot}.of",
                        f"{shown(term.of)} is not what {metric.id} measures ({what})",
                        code=codes.METRIC_DEFINITION,
                    )
                )
        problems += _term_numbers(spot, metric, term)
        for index, condition in enumerate(term.when):
            problems += _check_condition(f"{spot}.when[{index}]", ruleset, condition, metric, unread)
        if term.when and term.gate is not None and term.gate.points == 0:
            problems.append(_idle_condition(spot, term.key(metric.id)))
        for index, required in enumerate(term.requires):
            gate = seen.get(required)
            if gate is None or gate.gate is None:
                problems.append(
                    Problem(
                        f"{spot}.requires[{index}]",
                        f"{shown(required)} is not a gate listed before this term",
                        _suggest(required, [key for key, earlier in seen.items() if earlier.gate is not None]),
                        code=codes.METRIC_DEFINITION,
                    )
                )
        key = term.key(metric.id)
        if term.id is not None and not _SNAKE.match(term.id):
            # a term's id is part of its rules' ids (gate:<path>:<metric>:<term>), which traces and coverage read
            message = f"{shown(term.id)} must be snake_case, e.g. 'step_2'"
            problems.append(Problem(f"{spot}.id", message, code=codes.ID_FORMAT))
        if key in seen:
            message = f"two terms are named {shown(key)}"
            problems.append(Problem(spot, message, "give each an id", code=codes.DUPLICATE_ID))
        seen[key] = term
    if len(scored.terms) > 1 and scored.combine == "best" and any(term.requires or term.gate for term in scored.terms):
        message = "gates and the terms that require them are summed (combine: sum), not the best of them"
        problems.append(Problem(f"{where}.combine", message, code=codes.METRIC_DEFINITION))
    for key in ("max_points", "min_points"):
        value = getattr(scored, key)
        if (value is not None and value < 0) or (key == "max_points" and value == 0):
            problems.append(
                Problem(
                    f"{where}.{key}",
                    "must be more than 0" if key == "max_points" else "cannot be negative",
                    code=codes.INVALID_VALUE,
                )
            )
    return problems


def _check_condition(
    where: str, ruleset: Ruleset, condition: Condition, metric: MetricSpec | None, unread: Unread
) -> list[Problem]:
    """One condition: on one declared fact or one part of the metric, with one comparison the engine makes exactly."""
    not_one = condition_problem(where, condition)
    if not_one is not None:
        return [not_one]
    kind = None
    if condition.fact is not None:
        declared = {fact.id: fact.type for fact in ruleset.facts}
        kind = declared.get(condition.fact)
        if kind is None:  # unless it names a fact not read
            message = f"no fact {shown(condition.fact)} is declared under facts"
            problem = Problem(
                f"{where}.fact", message, _suggest(condition.fact, declared), code=codes.METRIC_DEFINITION
            )
            return [] if unread.unusable("facts", condition.fact) else [problem]
    elif metric is None:
        message = "the classification reads facts, not parts of a metric"
        return [Problem(f"{where}.part", message, code=codes.METRIC_DEFINITION)]
    else:
        parts = metric.source.parts or {}
        kind = parts.get(str(condition.part))
        if kind is None:
            message = f"{shown(condition.part)} is not a part of {metric.id}"
            return [
                Problem(f"{where}.part", message, _suggest(str(condition.part), parts), code=codes.METRIC_DEFINITION)
            ]
    return _threshold_problems(f"{where}.{condition.operator}", condition.threshold, kind)


def _threshold_problems(spot: str, threshold: Fraction, kind: str) -> list[Problem]:
    """A threshold the engine compares exactly: whole in its units (millionths of an amount), and within bounds."""
    if (threshold * engine_units(kind)).denominator != 1:
        finest = "a whole number (it compares a count)" if kind == "count" else "at most 6 decimal places"
        return [Problem(spot, f"{_exact(threshold)}: {finest}", code=codes.INVALID_VALUE)]  # not rounded: 85.0000001
    # The engine compares whole numbers below 2^53 exactly: no partner's value goes past these (see partner_metrics)
    most = MAX_AMOUNT if kind == "amount" else MAX_MEASURE
    if abs(threshold) > most:
        message = f"a threshold of {_big(threshold)}: at most {most:,} either way"
        return [Problem(spot, message, "no partner's value reaches further; see docs/limits.md", code=codes.LIMIT)]
    return []


def _term_numbers(spot: str, metric: MetricSpec, term: Term) -> list[Problem]:
    problems = []
    if term.target is not None:
        if term.target <= 0:
            problems.append(Problem(f"{spot}.target", "a target must be more than 0", code=_TARGET))
        else:
            problems += _target_bounds(f"{spot}.target", metric.measure, term.target)
    if term.rate is not None:
        for key in ("points", "per"):
            if getattr(term.rate, key) <= 0:
                problems.append(Problem(f"{spot}.rate.{key}", "must be more than 0", code=_TARGET))
    if term.gate is not None:
        if term.gate.need <= 0:
            problems.append(Problem(f"{spot}.gate.need", "must be more than 0", code=_TARGET))
        else:  # a gate's need sizes plans and timelines as a target does
            problems += _target_bounds(f"{spot}.gate.need", metric.measure, term.gate.need, what="need")
        if term.gate.points < 0:
            problems.append(Problem(f"{spot}.gate.points", "cannot be negative", code=_TARGET))
    if term.cap is not None and term.cap <= 0:
        problems.append(Problem(f"{spot}.cap", "must be more than 0", code=_TARGET))
    return problems


_TARGET = codes.INVALID_TARGET

#: The largest target of a certified_people metric, in people (Microsoft's are
#: 1 to 4): a timeline gives each evaluation up to this many people per level.
MAX_PEOPLE_TARGET = 1_000
#: The largest target of a count or best_of_options metric (Microsoft's largest
#: is 4,000 monthly active users): a plan weighs one action per unit up to it.
MAX_TARGET = 100_000


def _target_bounds(where: str, measure: str, target: Fraction, *, what: str = "target") -> list[Problem]:
    """Targets (and gates' needs) past what mwrules plans and evaluates over within its limits (docs/limits.md)."""
    most, unit = (MAX_PEOPLE_TARGET, " people") if measure in ("certified_people", "people") else (MAX_TARGET, "")
    if target <= most:
        return []
    why = (
        "a target is the measure that earns the metric's max_points"
        if what == "target"
        else "a gate's need sizes plans and timelines as a target does"
    )
    return [
        Problem(
            where, f"a {what} of {_big(target)}{unit}: at most {most:,}", f"{why}; see docs/limits.md", code=codes.LIMIT
        )
    ]


def _big(value: Fraction) -> str:
    """*value* for a message: in full up to 16 digits, else roughly (a 300-digit number is not echoed)."""
    if abs(value) >= 10**16:
        return f"about {float(value):.3g}"
    return f"{int(value):,}" if value.denominator == 1 else _num(value)


#: The most facts one rule of the engine can join (durable_rules' MAX_MESSAGE_FRAMES):
#: a path's total joins its metrics, the verdict joins the paths, and a
#: best_of_options metric joins its options.
MAX_JOINED = 16


def _check_joins(ruleset: Ruleset) -> list[Problem]:
    """Rulesets whose rules would join more facts than the engine can: refused, never a failed evaluation."""
    problems = []
    suggestion = f"the rules engine joins at most {MAX_JOINED} facts in one rule"
    if len(ruleset.metrics) > MAX_JOINED:
        message = f"{len(ruleset.metrics)} metrics: at most {MAX_JOINED} (a path's total adds them up in one rule)"
        problems.append(Problem("$.metrics", message, suggestion, code=codes.TOO_MANY_TO_JOIN))
    if len(ruleset.paths) > MAX_JOINED:
        message = f"{len(ruleset.paths)} paths: at most {MAX_JOINED} (the verdict compares them in one rule)"
        problems.append(Problem("$.paths", message, suggestion, code=codes.TOO_MANY_TO_JOIN))
    known = {metric.id for metric in ruleset.metrics}
    for index, path in enumerate(ruleset.paths):
        for metric_id, scored in path.metrics.items():
            # The points rule joins each measure, each gate's decision and each condition's
            measures = {term.of for term in scored.terms}
            joined = len(measures) + sum(term.gate is not None for term in scored.terms)
            joined += sum(len(term.when) for term in scored.terms) + (ruleset.scoring.choose == "classify")
            if joined > MAX_JOINED:
                what = (
                    f"{len(scored.terms)} association options: at most {MAX_JOINED} (the best is chosen in one rule)"
                    if metric_id in known and ruleset.proportional(path.id, metric_id)
                    else f"{joined} measures, gates and conditions: at most {MAX_JOINED} (one rule decides the points)"
                )
                problems.append(
                    Problem(
                        f"$.paths[{index}].metrics.{metric_id}",
                        what,
                        suggestion,
                        code=codes.TOO_MANY_TO_JOIN,
                    )
                )
    return problems


#: The most facts a ruleset declares: they reach the engine as one fact, of at most 255 properties
MAX_FACTS = 200


def _check_facts(ruleset: Ruleset) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, fact in enumerate(ruleset.facts):
        where = f"$.facts[{index}]"
        if not _SNAKE.match(fact.id) or fact.id == "t":
            message = f"{shown(fact.id)} must be snake_case, e.g. 'smb_customer_share'"
            problems.append(Problem(f"{where}.id", message, code=codes.ID_FORMAT))
        if fact.id in seen:
            problems.append(Problem(f"{where}.id", f"fact {shown(fact.id)} is declared twice", code=codes.DUPLICATE_ID))
        seen.add(fact.id)
        for bound in ("min", "max"):  # as exact as what a partner gives: a partner's value is compared with it
            value = getattr(fact, bound)
            if value is not None:
                problems += _threshold_problems(f"{where}.{bound}", value, fact.type)
        if fact.min is not None and fact.max is not None and fact.min > fact.max:
            problems.append(Problem(f"{where}.max", f"is below min ({_num(fact.min)})", code=codes.INVALID_VALUE))
    if len(ruleset.facts) > MAX_FACTS:
        message = f"{len(ruleset.facts)} facts: at most {MAX_FACTS}"
        problems.append(Problem("$.facts", message, "the rules engine holds them in one fact", code=codes.LIMIT))
    return problems


#: The most entries of a classification, and conditions of one entry
MAX_CLASSIFY = 8


def _check_classify(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    scoring, where = ruleset.scoring, "$.scoring.classify"
    if scoring.choose == "best":
        if scoring.classify:
            message = "the classification is read only with 'choose: classify'"
            return [Problem(where, message, "add 'choose: classify', or remove classify", code=codes.METRIC_DEFINITION)]
        return []
    if not scoring.classify:
        message = "'choose: classify' needs the entries that pick a path, the last without conditions"
        return [Problem(where, message, "e.g. [{path: smb, when: [...]}, {path: enterprise}]", code=codes.MISSING_KEY)]
    problems = []
    path_ids = [path.id for path in ruleset.paths]
    for index, entry in enumerate(scoring.classify):
        spot = f"{where}[{index}]"
        if entry.path not in path_ids and not unread.unusable("paths", entry.path):
            problems.append(
                Problem(f"{spot}.path", "unknown path", _suggest(entry.path, path_ids), code=codes.UNKNOWN_PATH)
            )
        last = index == len(scoring.classify) - 1
        if last and entry.when:
            message = "the last entry has no conditions: it is the path of every partner the others do not pick"
            problems.append(Problem(f"{spot}.when", message, code=codes.METRIC_DEFINITION))
        if not last and not entry.when:
            message = "only the last entry is without conditions: the entries after this one would never apply"
            problems.append(Problem(spot, message, code=codes.METRIC_DEFINITION))
        for position, condition in enumerate(entry.when):
            problems += _check_condition(f"{spot}.when[{position}]", ruleset, condition, None, unread)
    if len(scoring.classify) > MAX_CLASSIFY or any(len(entry.when) > 4 for entry in scoring.classify):
        message = f"at most {MAX_CLASSIFY} entries of at most 4 conditions each"
        problems.append(Problem(where, message, code=codes.LIMIT))
    return problems

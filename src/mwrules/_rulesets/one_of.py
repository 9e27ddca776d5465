"""Keys of which exactly one is given: a metric's source, a term's kind, a condition's subject and comparison.

These are rules of shape (the JSON Schema says them with ``oneOf``, see
``__one_of__`` on the classes), checked on the structured ruleset: by
:func:`~mwrules.ruleset.structure`, which the schema agrees with, and by
``check()`` with the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import codes
from ..errors import Problem
from .vocabulary import OPERATORS, SOURCE_KEYS, TERM_KINDS


if TYPE_CHECKING:
    from .model import Ruleset
    from .vocabulary import Condition, Source, Term


def source_problem(spot: str, source: Source) -> Problem | None:
    """The problem of a source that is not exactly one of number, parts or people (None: it is)."""
    given = [key for key in SOURCE_KEYS if getattr(source, key) is not None]
    if len(given) == 1:
        return None
    message = "a source is one of number, parts or people" + (f", not {' and '.join(given)}" if given else "")
    return Problem(spot, message, "e.g. 'source: {number: count}'", code=codes.METRIC_DEFINITION)


def term_problem(spot: str, term: Term) -> Problem | None:
    """The problem of a term that is not exactly one of target, rate or gate (None: it is)."""
    kinds = [key for key in TERM_KINDS if getattr(term, key) is not None]
    if len(kinds) == 1:
        return None
    message = "a term has one of target, rate or gate" + (f", not {' and '.join(kinds)}" if kinds else "")
    return Problem(spot, message, "e.g. 'target: 5' or 'rate: {points: 4, per: 1}'", code=codes.INVALID_TARGET)


def condition_problem(where: str, condition: Condition) -> Problem | None:
    """The problem of a condition that does not compare one fact or part with one number (None: it does)."""
    on = [key for key in ("fact", "part") if getattr(condition, key) is not None]
    operators = [key for key in OPERATORS if getattr(condition, key) is not None]
    if len(on) == 1 and len(operators) == 1:
        return None
    message = "a condition compares one fact or part with one number, e.g. {fact: smb_customer_share, at_least: 80}"
    return Problem(where, message, code=codes.METRIC_DEFINITION)


def one_of_problems(ruleset: Ruleset) -> list[Problem]:
    """Every source, term and condition of *ruleset* that does not give exactly one of its keys."""
    found = [
        source_problem(f"$.metrics[{index}].source", metric.source) for index, metric in enumerate(ruleset.metrics)
    ]
    for index, path in enumerate(ruleset.paths):
        for metric_id, scored in path.metrics.items():
            for position, term in enumerate(scored.terms):
                spot = f"$.paths[{index}].metrics.{metric_id}.terms[{position}]"
                found.append(term_problem(spot, term))
                found += [condition_problem(f"{spot}.when[{at}]", condition) for at, condition in enumerate(term.when)]
    for index, entry in enumerate(ruleset.scoring.classify):
        spot = f"$.scoring.classify[{index}]"
        found += [condition_problem(f"{spot}.when[{at}]", condition) for at, condition in enumerate(entry.when)]
    return [problem for problem in found if problem is not None]

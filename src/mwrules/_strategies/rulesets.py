"""Rulesets in the vocabulary: generated certifications, metrics of every source, terms, gates, conditions, facts.

Every number is written as a ruleset file writes it (an int, or a float
with a short exact decimal), so a drawn document reads the same through
:func:`mwrules.ruleset.structure` and through a plain ``yaml.safe_load``.
"""

from __future__ import annotations

import datetime
import string
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..errors import RulesetError
from ..ruleset import MAX_JOINED, Ruleset, check, structure


#: Points of a rate: a fraction P is written as {points: P.numerator, per: P.denominator x per}
RATE_POINTS = (Fraction(1), Fraction(2), Fraction(3), Fraction(4), Fraction(5, 2), Fraction(20, 3), Fraction(15, 7))
#: Units of a rate and targets: with the points above and amounts in millionths, the finest
#: unit of a score stays far from 2^53 (MW114)
PER = (1, 2, 4, 5, 6, 125, 1250)
SOURCES = ("number", "parts", "people")
MAX_POINTS = (10, 5, 15, 20, 25, 30, 40)
GATE_POINTS = (0, 1, 2, 4, 2.5)
GATE_NEEDS = (1, 2, 3, 5, 125)
CAPS = (5, 2, 7.5, 10, 20)
#: A metric's minimum points (0: optional); every drawn metric can earn the most of them
MINIMA = (0, 1, 2)
MOST_MINIMUM = max(MINIMA)
#: Thresholds of conditions: whole for a count; an amount's may have up to 6 decimals
COUNT_THRESHOLDS = (0, 1, 2, 5, 50, 1000)
AMOUNT_THRESHOLDS = (0, 1, 2.5, 50, 1000.5, 0.000001)
OPERATORS = ("at_least", "more_than", "at_most", "less_than")
#: A partner's pass mark, as a share of its path's total
PASS_SHARES = (Fraction(7, 10), Fraction(1, 2), Fraction(9, 10), Fraction(1))

_METRIC_IDS = ("adds", "skills", "growth", "reach", "seats", "depth", "usage", "wins")
_PATH_IDS = ("enterprise", "smb", "midmarket", "public", "global")
_PART_IDS = ("cpor", "dpor", "csp")
_FACT_IDS = ("share", "workloads")
#: Letters for generated ids: 8 metrics of up to 2 people sets each name up to 16 sets
_LETTERS = string.ascii_lowercase
_EFFECTIVE_FROM = datetime.date(2026, 1, 1)


def _written(number: Fraction | int | float) -> int | float:
    """*number* as a ruleset file writes it: an int, or a float whose short decimal is exact."""
    exact = Fraction(number)
    if exact.denominator == 1:
        return int(exact)
    written = float(exact)
    if Fraction(str(written)) != exact:  # every number drawn here has a short decimal
        msg = f"{exact} has no short decimal"
        raise ValueError(msg)
    return written


def _certification_pool(draw: st.DrawFn) -> list[dict[str, Any]]:
    pool = []
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        letter = _LETTERS[index]
        cert: dict[str, Any] = {
            "id": f"cert-{letter}",
            "name": f"Generated Certification {letter.upper()}",
            "aliases": [f"GC-{100 + index}"],
        }
        if draw(st.booleans()) and draw(st.booleans()):  # retired, counting through a day in the period
            through = _EFFECTIVE_FROM + datetime.timedelta(days=draw(st.sampled_from([180, 400, 30])))
            cert |= {"retired": through - datetime.timedelta(days=90), "eligible_through": through}
        pool.append(cert)
    return pool


def _source(draw: st.DrawFn, kind: str, pool: list[dict[str, Any]], sets: list[str]) -> dict[str, Any]:
    kinds = st.sampled_from(["count", "amount"])
    if kind == "number":
        return {"number": draw(kinds)}
    if kind == "parts":
        parts = draw(st.lists(st.sampled_from(_PART_IDS), min_size=1, max_size=3, unique=True))
        return {"parts": {part: draw(kinds) for part in parts}}
    people = {}
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        name = f"set_{_LETTERS[len(sets)]}"
        sets.append(name)
        certs = st.sampled_from([cert["id"] for cert in pool])
        people[name] = draw(st.lists(certs, min_size=1, max_size=3, unique=True))
    return {"people": people}


def _condition(draw: st.DrawFn, on: str, name: str, kind: str, facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if on == "fact":
        fact = facts[name]
        low, high = fact.get("min", 0), fact.get("max", 1000)
        kind = fact["type"]
        thresholds = [t for t in (COUNT_THRESHOLDS if kind == "count" else AMOUNT_THRESHOLDS) if low <= t <= high]
        threshold = draw(st.sampled_from(thresholds or [low]))
    else:
        threshold = draw(st.sampled_from(COUNT_THRESHOLDS if kind == "count" else AMOUNT_THRESHOLDS))
    return {on: name, draw(st.sampled_from(OPERATORS)): threshold}


def _term_number(draw: st.DrawFn, kind: str, *, people: bool) -> dict[str, Any]:
    """The numbers of a term of *kind*; people are counted in ones (a target of people is at most 1,000)."""
    per = st.sampled_from(PER[:5] if people else PER)
    if kind == "target":
        return {"target": draw(per | st.just(2.5))}
    if kind == "rate":
        points = draw(st.sampled_from(RATE_POINTS))
        return {"rate": {"points": points.numerator, "per": draw(per) * points.denominator}}
    needs = GATE_NEEDS[:3] if people else GATE_NEEDS
    return {"gate": {"need": draw(st.sampled_from(needs)), "points": draw(st.sampled_from(GATE_POINTS))}}


def _terms(
    draw: st.DrawFn,
    metric: dict[str, Any],
    facts: dict[str, dict[str, Any]],
    *,
    gates: bool,
    conditions: bool,
) -> dict[str, Any]:
    """How one path scores *metric*: its terms, how they combine, and sometimes its own maximum and minimum."""
    source = metric["source"]
    measures = list(source.get("parts") or source.get("people") or ())
    kinds = ["target", "rate", *(["gate"] if gates else [])]
    terms: list[dict[str, Any]] = []
    keys: list[str] = []
    gate_keys: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        term: dict[str, Any] = {}
        if measures:
            term["of"] = draw(st.sampled_from(measures))
        kind = draw(st.sampled_from(kinds))
        term |= _term_number(draw, kind, people="people" in source)
        cap = draw(st.none() | st.sampled_from(CAPS))
        if cap is not None and kind != "gate":
            term["cap"] = cap
        required = [key for key in gate_keys if draw(st.booleans())]
        if required:
            term["requires"] = required
        if conditions:
            on = [("part", part, part_kind) for part, part_kind in (source.get("parts") or {}).items()]
            on += [("fact", fact_id, facts[fact_id]["type"]) for fact_id in facts]
            if on:
                chosen = draw(st.lists(st.sampled_from(on), max_size=2))
                if chosen:
                    term["when"] = [
                        _condition(draw, kind_on, name, kind_of, facts) for kind_on, name, kind_of in chosen
                    ]
        key = term.get("of", metric["id"])
        if key in keys:  # two terms of one measure: each needs an id of its own
            key = term["id"] = f"step_{len(terms) + 1}"
        keys.append(key)
        if kind == "gate":
            gate_keys.append(key)
        terms.append(term)
    if len(gate_keys) == len(terms) and sum(Fraction(str(term["gate"]["points"])) for term in terms) < MOST_MINIMUM:
        # gates alone that earn less than a minimum may be: no partner could pass (lint refuses it, MW107)
        terms[0]["gate"]["points"] = MOST_MINIMUM
    for term in terms:  # a condition on a gate of 0 points decides nothing (lint refuses it, MW111)
        if "gate" in term and Fraction(str(term["gate"]["points"])) == 0:
            term.pop("when", None)
    scored: dict[str, Any] = {"terms": terms}
    if len(terms) > 1 and not gate_keys and not any("requires" in term for term in terms):
        scored["combine"] = draw(st.sampled_from(["sum", "best"]))
    own_max = draw(st.none() | st.sampled_from(MAX_POINTS))
    if own_max is not None:
        scored["max_points"] = own_max
    own_min = draw(st.none() | st.sampled_from(MINIMA))  # 0: the metric is optional on this path
    if own_min is not None:
        scored["min_points"] = own_min
    return scored


def _facts(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    facts = {}
    for fact_id in _FACT_IDS[: draw(st.integers(min_value=0, max_value=len(_FACT_IDS)))]:
        fact: dict[str, Any] = {
            "id": fact_id,
            "title": f"The partner's {fact_id}",
            "type": draw(st.sampled_from(["amount", "count"])),
        }
        if draw(st.booleans()):
            fact |= {"min": 0, "max": draw(st.sampled_from([100, 5, 1000]))}
        facts[fact_id] = fact
    return facts


def _classification(draw: st.DrawFn, path_ids: list[str], facts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    entries = []
    for _ in range(draw(st.integers(min_value=0, max_value=min(len(path_ids), 3) - 1))):
        chosen = draw(st.lists(st.sampled_from(sorted(facts)), min_size=1, max_size=2))
        when = [_condition(draw, "fact", fact_id, facts[fact_id]["type"], facts) for fact_id in chosen]
        entries.append({"path": draw(st.sampled_from(path_ids)), "when": when})
    return [*entries, {"path": draw(st.sampled_from(path_ids))}]


@st.composite
def _documents(
    draw: st.DrawFn,
    *,
    max_paths: int,
    max_metrics: int,
    sources: tuple[str, ...],
    gates: bool,
    conditions: bool,
    classify: bool | None,
) -> dict[str, Any]:
    pool = _certification_pool(draw)
    sets: list[str] = []
    metrics: list[dict[str, Any]] = []
    for metric_id in _METRIC_IDS[: draw(st.integers(min_value=1, max_value=max_metrics))]:
        metric: dict[str, Any] = {
            "id": metric_id,
            "title": metric_id.capitalize(),
            "category": "performance",
            "max_points": draw(st.sampled_from(MAX_POINTS)),
            "source": _source(draw, draw(st.sampled_from(sources)), pool, sets),
        }
        metrics.append(metric)
    classified = draw(st.booleans()) if classify is None else classify
    facts = _facts(draw) if conditions or classified else {}
    if classified and not facts:
        facts = {"share": {"id": "share", "title": "The partner's share", "type": "amount", "min": 0, "max": 100}}
    path_ids = list(_PATH_IDS[: draw(st.integers(min_value=1, max_value=max_paths))])
    total = sum(Fraction(metric["max_points"]) for metric in metrics)
    min_metric_points = draw(st.sampled_from([1, 0, 2]))  # in MINIMA, 1 first (what examples shrink to)
    pass_share = draw(st.sampled_from(PASS_SHARES))
    paths = []
    for path_id in path_ids:
        # every metric, unless left out (the first path keeps at least one)
        kept = [metric for metric in metrics if not draw(st.booleans())] or metrics[:1]
        scored = {metric["id"]: _terms(draw, metric, facts, gates=gates, conditions=conditions) for metric in kept}
        path: dict[str, Any] = {"id": path_id, "title": path_id.capitalize(), "metrics": scored}
        maxima = sum(
            Fraction(on.get("max_points", metric["max_points"]))
            for metric, on in zip(kept, scored.values(), strict=True)
        )
        if maxima != total:
            path["total_points"] = _written(maxima)
            path["min_total_points"] = _written(maxima * pass_share)
        paths.append(path)
    scoring: dict[str, Any] = {
        "total_points": _written(total),
        "min_total_points": _written(total * pass_share),
        "min_metric_points": min_metric_points,
    }
    if draw(st.booleans()):  # else ties go to the earlier path as listed
        scoring["path_preference"] = list(draw(st.permutations(path_ids)))
    if classified:
        scoring |= {"choose": "classify", "classify": _classification(draw, path_ids, facts)}
    document: dict[str, Any] = {
        "manifest": {
            "id": "generated",
            "title": "A generated ruleset",
            "version": "2026-01",
            "effective_from": _EFFECTIVE_FROM,
            "source": "mwrules.strategies.rulesets()",
        },
        "certifications": pool,
        "metrics": metrics,
        "paths": paths,
        "scoring": scoring,
    }
    if facts:
        document["facts"] = list(facts.values())
    return document


def _check_arguments(
    max_paths: int, max_metrics: int, sources: tuple[str, ...], gates: bool, conditions: bool, classify: bool | None
) -> tuple[str, ...]:
    for name, value, most in (("max_paths", max_paths, len(_PATH_IDS)), ("max_metrics", max_metrics, len(_METRIC_IDS))):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= min(most, MAX_JOINED):
            raise InvalidArgument(f"{name}={value!r} must be a whole number from 1 to {min(most, MAX_JOINED)}")
    if isinstance(sources, str):
        raise InvalidArgument(f"sources={sources!r} must be a tuple of source names, e.g. ({sources!r},)")
    chosen = tuple(dict.fromkeys(sources))
    unknown = [source for source in chosen if source not in SOURCES]
    if unknown or not chosen:
        raise InvalidArgument(f"sources={sources!r} must name at least one of {', '.join(SOURCES)}")
    for name, flag in (("gates", gates), ("conditions", conditions)):
        if not isinstance(flag, bool):
            raise InvalidArgument(f"{name}={flag!r} must be True or False")
    if classify not in (None, True, False):
        raise InvalidArgument(f"classify={classify!r} must be True, False or None")
    return chosen


def ruleset_documents(
    *,
    max_paths: int = 3,
    max_metrics: int = 5,
    sources: tuple[str, ...] = SOURCES,
    gates: bool = True,
    conditions: bool = True,
    classify: bool | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Ruleset documents in the vocabulary: the mappings of :func:`rulesets` (same options), as YAML gives them.

    :func:`mwrules.ruleset.structure` reads each without a problem, and
    :func:`mwrules.ruleset.check` (what ``mwrules lint`` checks) finds none.

    Shrinks as :func:`rulesets` does.
    """
    chosen = _check_arguments(max_paths, max_metrics, sources, gates, conditions, classify)
    return _documents(
        max_paths=max_paths,
        max_metrics=max_metrics,
        sources=chosen,
        gates=gates,
        conditions=conditions,
        classify=classify,
    )


def _ruleset(document: dict[str, Any]) -> Ruleset:
    ruleset, problems = structure(document)
    if ruleset is not None:
        problems += check(ruleset)
    if ruleset is None or problems:  # a mistake of this strategy: say what it drew
        raise RulesetError(problems)
    return ruleset


def rulesets(
    *,
    max_paths: int = 3,
    max_metrics: int = 5,
    sources: tuple[str, ...] = SOURCES,
    gates: bool = True,
    conditions: bool = True,
    classify: bool | None = None,
) -> st.SearchStrategy[Ruleset]:
    """Valid rulesets in the vocabulary (docs/ruleset-format.md), for property tests of code that runs any ruleset.

    Each has a pool of one to four generated certifications (some retired,
    counting through a day of its period), up to *max_metrics* metrics whose
    sources are drawn from *sources* (``number`` and ``parts`` as counts or
    amounts, ``people`` as one or two sets of the pool's certifications), and
    up to *max_paths* paths, each scoring some of the metrics with one to
    three terms: targets, rates of points from {1, 2, 3, 4, 5/2, 20/3, 15/7}
    per {1, 2, 4, 5, 6, 125, 1250} units, and with *gates*, gates that later
    terms may require (ordered steps). Terms may have caps; a path may give a
    metric its own maximum and minimum (0: optional). With *conditions*,
    terms earn only when conditions on their metric's parts or on declared
    partner facts hold. *classify* ``True`` picks the path by a
    classification over facts, ``False`` reports the best path, ``None``
    draws either. The metrics' maxima add up to ``total_points`` (a path
    scoring fewer has its own), and the pass mark is a share of it.

    The manifest is ``generated`` ``2026-01``, in force from 2026-01-01.
    Pass the same object to :func:`partners` and :func:`mwrules.evaluate`.
    Every ruleset passes the checks of ``mwrules lint``.

    Shrinks towards one path with one ``number`` metric scored by one
    target, no facts.

    Raises:
        InvalidArgument: *max_paths* or *max_metrics* below 1 (or above
            what a ruleset may have), no or unknown *sources*, or flags that
            are not True, False (or None for *classify*).
    """
    return ruleset_documents(
        max_paths=max_paths,
        max_metrics=max_metrics,
        sources=sources,
        gates=gates,
        conditions=conditions,
        classify=classify,
    ).map(_ruleset)

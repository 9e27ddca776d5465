"""A plain reading of the ruleset vocabulary (issue 22): the oracle the engine's verdicts are checked against.

Written from the vocabulary's description (docs/design/rules-as-data.md §1.1 and its
``target``/``rate``/``gate`` terms), not from the engine: it imports nothing of mwrules
and reads plain dicts, as ``yaml.safe_load`` gives them. It assumes a valid ruleset and
partner (the loader's checks are not repeated) and reads every number exactly, an
amount from its decimal text.

    points(term)   = 0 unless its `when` conditions hold and the gates it `requires` are met;
                     target T: min(cap, max(0, x) * max / T); rate P per U: min(cap, max(0, x) * P / U);
                     gate need N, points P: P if x >= N else 0 (capped too)
    points(metric) = min(max_points, max(0, sum or best of its terms' points))
    a path passes  <=> total >= min_total_points and every metric of the path >= its min_points

>>> ruleset = {
...     "certifications": [{"id": "a", "name": "Cert A", "aliases": ["A-100"]}],
...     "metrics": [{"id": "skills", "max_points": 10, "source": {"people": {"holders": ["a"]}}}],
...     "paths": [{"id": "only", "metrics": {"skills": {"terms": [
...         {"of": "holders", "rate": {"points": 3, "per": 1}}
...     ]}}}],
...     "scoring": {"min_total_points": 6, "min_metric_points": 1, "path_preference": ["only"]},
... }
>>> partner = {"as_of": "2026-06-30", "people": [{"id": "p1", "certifications": ["a-100"]}, {"id": "p2"}]}
>>> reading = read(ruleset, partner)
>>> reading.path, reading.qualified, reading.score
('only', False, Fraction(3, 1))
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class PathReading:
    """One path scored: each of its metrics' points, the total, and whether the pass rule holds."""

    points: dict[str, Fraction]
    total: Fraction
    qualified: bool


@dataclass(frozen=True)
class Reading:
    """The paths scored (all of them under ``choose: best``, the classified one under ``classify``) and the verdict."""

    paths: dict[str, PathReading]
    path: str
    qualified: bool
    score: Fraction


def exact(value: Any) -> Fraction:
    """A number as written: ``2.5`` is 5/2 and ``79.999999`` is 79999999/1000000, never a binary float."""
    if isinstance(value, bool):
        msg = f"a number, not {value!r}"
        raise TypeError(msg)
    return Fraction(str(value)) if isinstance(value, float | str) else Fraction(value)


def day(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def spelling(name: str) -> str:
    """How certification names compare: case ignored, surrounding and repeated spaces collapsed."""
    return " ".join(name.split()).casefold()


def expand(ruleset: Mapping[str, Any]) -> dict[str, Any]:
    """*ruleset* with today's shorthand (``measure:``, ``targets:``) written in the vocabulary."""
    metrics = []
    for written in ruleset["metrics"]:
        metric = dict(written)
        measure = metric.pop("measure", None)
        if measure == "count":
            metric["source"] = {"number": "count"}
        elif measure == "certified_people":
            metric["source"] = {"people": {metric.pop("level"): list(metric.pop("certifications"))}}
        elif measure == "best_of_options":
            parts = {part: "count" for path in ruleset["paths"] for part in path["targets"][metric["id"]]}
            metric["source"] = {"parts": parts}
        metrics.append(metric)
    paths = []
    for written_path in ruleset["paths"]:
        path = dict(written_path)
        if "targets" in path:
            path["metrics"] = {m: _expand_target(m, metrics, target) for m, target in path.pop("targets").items()}
        paths.append(path)
    return {**ruleset, "metrics": metrics, "paths": paths}


def _expand_target(metric_id: str, metrics: list[dict[str, Any]], target: Any) -> dict[str, Any]:
    if isinstance(target, Mapping):
        return {"combine": "best", "terms": [{"of": part, "target": t} for part, t in target.items()]}
    source = next(metric["source"] for metric in metrics if metric["id"] == metric_id)
    of = {"of": next(iter(source["people"]))} if "people" in source else {}
    return {"terms": [{**of, "target": target}]}


def read(ruleset: Mapping[str, Any], partner: Mapping[str, Any]) -> Reading:
    """The verdict the vocabulary gives *partner* under *ruleset* (canonical, or with today's shorthand)."""
    ruleset = expand(ruleset)
    scoring = ruleset["scoring"]
    paths = {path["id"]: path for path in ruleset["paths"]}
    metrics = {metric["id"]: metric for metric in ruleset["metrics"]}
    people = certified_people(ruleset, partner)
    facts = {key: exact(value) for key, value in (partner.get("facts") or {}).items()}
    if scoring.get("choose", "best") == "classify":
        chosen = next(
            entry["path"] for entry in scoring["classify"] if all(holds(c, facts) for c in entry.get("when", ()))
        )
        scored = {chosen: score_path(paths[chosen], metrics, scoring, partner, people, facts)}
        return Reading(scored, chosen, scored[chosen].qualified, scored[chosen].total)
    scored = {p: score_path(path, metrics, scoring, partner, people, facts) for p, path in paths.items()}
    order = list(scoring.get("path_preference") or paths)  # by default, the paths as listed
    # the best qualifying path, else the highest; of equal scores the earlier in path_preference
    best = min(order, key=lambda p: (not scored[p].qualified, -scored[p].total, order.index(p)))
    return Reading(scored, best, scored[best].qualified, scored[best].total)


def certified_people(ruleset: Mapping[str, Any], partner: Mapping[str, Any]) -> dict[str, int]:
    """Per people set, how many people hold one of its certifications that counts on the partner's as_of."""
    as_of = day(partner["as_of"])
    by_spelling = {}
    for cert in ruleset["certifications"]:
        for name in (cert["name"], *cert.get("aliases", ())):
            by_spelling[spelling(name)] = cert
    sets = {s: set(certs) for m in ruleset["metrics"] for s, certs in m.get("source", {}).get("people", {}).items()}
    counted = dict.fromkeys(sets, 0)
    for person in partner.get("people") or ():
        valid = set()
        for written in person.get("certifications") or ():
            held = written if isinstance(written, Mapping) else {"name": written}
            cert = by_spelling.get(spelling(held["name"]))
            if cert is None or (held.get("earned") is not None and day(held["earned"]) > as_of):
                continue
            if held.get("expires") is not None and day(held["expires"]) < as_of:
                continue
            if cert.get("eligible_through") is not None and as_of > day(cert["eligible_through"]):
                continue
            valid.add(cert["id"])
        for name, certs in sets.items():
            counted[name] += bool(valid & certs)  # once per set, however many of its certifications
    return counted


def holds(condition: Mapping[str, Any], values: Mapping[str, Fraction]) -> bool:
    """Whether ``{fact|part: id, <op>: n}`` holds; a fact or part the partner does not give is 0."""
    (kind,) = {"fact", "part"} & set(condition)
    value = values.get(condition[kind], Fraction(0))
    (op,) = set(condition) - {kind}
    threshold = exact(condition[op])
    compare = {"at_least": value >= threshold, "more_than": value > threshold}
    compare |= {"at_most": value <= threshold, "less_than": value < threshold}
    return compare[op]


def score_path(
    path: Mapping[str, Any],
    metrics: Mapping[str, Mapping[str, Any]],
    scoring: Mapping[str, Any],
    partner: Mapping[str, Any],
    people: Mapping[str, int],
    facts: Mapping[str, Fraction],
) -> PathReading:
    given = (partner.get("metrics") or {}).get(path["id"]) or {}
    points, passes = {}, True
    for metric_id, on_path in path["metrics"].items():
        metric = metrics[metric_id]
        source = metric["source"]
        if "number" in source:
            measures = {metric_id: exact(given.get(metric_id, 0))}
        elif "parts" in source:
            parts = given.get(metric_id) or {}
            measures = {part: exact(parts.get(part, 0)) for part in source["parts"]}
        else:
            measures = {name: Fraction(people[name]) for name in source["people"]}
        maximum = exact(on_path.get("max_points", metric["max_points"]))
        earned = score_terms(on_path["terms"], metric_id, maximum, measures, facts)
        combined = max(earned) if on_path.get("combine", "sum") == "best" else sum(earned, Fraction(0))
        points[metric_id] = min(maximum, max(Fraction(0), combined))
        minimum = on_path.get("min_points", scoring["min_metric_points"])
        passes = passes and points[metric_id] >= exact(minimum)
    total = sum(points.values(), Fraction(0))
    passes = passes and total >= exact(path.get("min_total_points", scoring["min_total_points"]))
    return PathReading(points, total, passes)


def score_terms(
    terms: list[Mapping[str, Any]],
    metric_id: str,
    maximum: Fraction,
    measures: Mapping[str, Fraction],
    facts: Mapping[str, Fraction],
) -> list[Fraction]:
    """Each term's points, in order; a gate's result is kept for the later terms that require it."""
    met: dict[str, bool] = {}
    earned = []
    for term in terms:
        x = measures[term.get("of", metric_id)]
        cap = exact(term.get("cap", maximum))
        conditions = [holds(c, facts if "fact" in c else measures) for c in term.get("when", ())]
        is_open = all(conditions) and all(met[gate] for gate in term.get("requires", ()))
        if "gate" in term:
            reached = x >= exact(term["gate"]["need"])
            met[term.get("id", term.get("of", metric_id))] = reached
            raw = exact(term["gate"]["points"]) if reached else Fraction(0)
        elif "rate" in term:
            raw = max(Fraction(0), x) * exact(term["rate"]["points"]) / exact(term["rate"]["per"])
        else:
            raw = max(Fraction(0), x) * maximum / exact(term["target"])
        earned.append(min(cap, raw) if is_open else Fraction(0))
    return earned

"""An independent, plain-Python scorer: the oracle for property tests and the
benchmark's baseline.

It reads the same Ruleset data but shares no code with the engine path: no
durable_rules, no compiled rules, its own name matching and arithmetic.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from mwrules import Partner, Ruleset


def plain_scores(partner: Partner, ruleset: Ruleset, as_of: datetime.date) -> dict[str, dict[str, Fraction]]:
    """Per path, per metric, the exact points; plus "total" per path."""
    by_spelling = {}
    for cert in ruleset.certifications:
        for spelling in (cert.name, *cert.aliases):
            by_spelling[" ".join(spelling.split()).casefold()] = cert
    certified: dict[str, set[str]] = {}
    for person in partner.people:
        for held in person.certifications:
            spec = by_spelling.get(" ".join(held.name.split()).casefold())
            if spec is None:
                continue
            if held.earned is not None and held.earned > as_of:
                continue
            if held.expires is not None and held.expires < as_of:
                continue
            if spec.eligible_through is not None and as_of > spec.eligible_through:
                continue
            for metric in ruleset.metrics:
                if spec.id in metric.certifications:
                    certified.setdefault(metric.id, set()).add(person.id)
    scores: dict[str, dict[str, Fraction]] = {}
    for path in ruleset.paths:
        given = partner.metrics.get(path.id, {})
        points: dict[str, Fraction] = {}
        for metric in ruleset.metrics:
            target = path.targets[metric.id]
            if metric.measure == "certified_people":
                measures = [(len(certified.get(metric.id, ())), target)]
            elif metric.measure == "count":
                measures = [(given.get(metric.id, 0), target)]
            else:
                options = given.get(metric.id, {})
                measures = [(options.get(option, 0), amount) for option, amount in target.items()]
            points[metric.id] = max(
                min(max(Fraction(value) * metric.max_points / amount, Fraction(0)), metric.max_points)
                for value, amount in measures
            )
        points["total"] = sum(points.values(), Fraction(0))
        scores[path.id] = points
    return scores


def plain_verdict(partner: Partner, ruleset: Ruleset, as_of: datetime.date) -> tuple[bool, str, Fraction]:
    """(qualified, path, score), by the pass rule and the path choice."""
    scores = plain_scores(partner, ruleset, as_of)
    scoring = ruleset.scoring

    def passes(path_id: str) -> bool:
        points = scores[path_id]
        return points["total"] >= scoring.min_total_points and all(
            points[metric.id] >= scoring.min_metric_points for metric in ruleset.metrics
        )

    order = list(scoring.path_preference or [path.id for path in ruleset.paths])  # by default, as listed
    qualifying = [path_id for path_id in order if passes(path_id)]
    candidates = qualifying or order
    best = max(candidates, key=lambda path_id: scores[path_id]["total"])
    return bool(qualifying), best, scores[best]["total"]

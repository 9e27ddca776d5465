"""The candidates of ``mwrules plan``: every way to raise one metric on one path, with its gain and cost.

An action is a whole number of units that can change a score: more people
certified at a level, more net customers, more monthly active users or
deployments under one association option. Each unit has a cost (the
partner's own estimates, or the ruleset's placeholder ``default_costs``).

Every metric offers a list of candidates: no action, or one action of 1, 2,
... units, up to the unit that reaches the metric's cap. For a
``best_of_options`` metric, the candidates come from each option in turn,
since raising two options is never needed: only the best counts. Each
candidate keeps the metric at or above the ruleset's minimum points.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal

import attrs

from .._evaluation.compile import points_for
from ..ruleset import Cost, MetricSpec, Ruleset
from ..verdict import Verdict
from .plan_model import Action


def _unit_cost(costs: Mapping[str, Cost], metric: MetricSpec, option: str | None) -> Fraction:
    cost = costs[metric.cost_unit]
    if isinstance(cost, Mapping):
        return cost[option or ""]
    return cost


@attrs.frozen
class _Candidate:
    gain: Fraction  # points added to the metric on this path
    cost: Fraction
    action: Action | None


def _candidates(
    ruleset: Ruleset, verdict: Verdict, path_id: str, metric: MetricSpec, costs: Mapping[str, Cost], can_certify: bool
) -> list[_Candidate]:
    """Every way to raise *metric* on *path_id* that keeps it at or above the minimum, cheapest per gain."""
    result = verdict.paths[path_id].metrics[metric.id]
    current = result.points
    target = ruleset.path(path_id).targets[metric.id]
    minimum = ruleset.scoring.min_metric_points
    found = [_Candidate(Fraction(0), Fraction(0), None)] if current >= minimum else []

    def raise_by(option: str | None, start: int, amount: int, others: Fraction) -> None:
        """Candidates of 1, 2, ... more units, until the metric is capped; *others*: the other options' best."""
        unit_cost = _unit_cost(costs, metric, option)
        kind: Literal["certify", "raise"] = "certify" if metric.level is not None else "raise"
        previous = current
        # Below a measure of 1 a metric earns 0 points, so no unit there can gain: a measure of
        # -10^8 starts its candidates at the unit that reaches 1, not 10^8 units earlier
        for units in itertools.count(max(1, 1 - start)):
            points = max(points_for(start + units, metric.max_points, amount)[0], others)
            if points >= minimum and points > previous:
                action = Action(
                    kind=kind,
                    units=units,
                    cost=units * unit_cost,
                    metric=metric.id,
                    level=metric.level,
                    path=None if kind == "certify" else path_id,
                    option=option,
                )
                found.append(_Candidate(points - current, units * unit_cost, action))
            previous = max(previous, points)
            if points >= metric.max_points:
                return

    if isinstance(target, Mapping):
        scored = {
            option: points_for(int(result.inputs[option]), metric.max_points, amount)[0]
            for option, amount in target.items()
        }
        for option, amount in target.items():
            others = max((points for name, points in scored.items() if name != option), default=Fraction(0))
            raise_by(option, int(result.inputs[option]), amount, others)
    elif metric.measure == "count":
        raise_by(None, int(result.inputs["value"]), target, Fraction(0))
    elif can_certify:
        raise_by(None, int(result.inputs["people"]), target, Fraction(0))
    return found


def _why_blocked(ruleset: Ruleset, verdict: Verdict, path_id: str, metric: MetricSpec) -> str:
    points = verdict.paths[path_id].metrics[metric.id].points
    return (
        f"{metric.id} on {path_id} has {points} points and needs at least {ruleset.scoring.min_metric_points}, "
        f"but no certification counts at {metric.level} on {verdict.as_of} under {ruleset}"
    )


def _eligible_levels(ruleset: Ruleset, day: datetime.date) -> dict[str, str]:
    """Per level, a certification that counts on *day* (open-ended ones first), for the people a plan adds."""
    levels = {}
    for metric in ruleset.metrics:
        if metric.level is None:
            continue
        specs = [ruleset.certification(cert_id) for cert_id in metric.certifications]
        counting = [spec for spec in specs if spec.eligible_on(day)]
        counting.sort(key=lambda spec: spec.eligible_through is not None)
        if counting:
            levels[metric.level] = counting[0].name
    return levels

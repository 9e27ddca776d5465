"""The numbers a partner gives per path: measures clustered where the points change."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..ruleset import MetricSpec, Ruleset, Target
from .dates import _one_ruleset
from .terms import aimable


# Metrics ----------------------------------------------------------------------------


def _points(measure: int, metric: MetricSpec, target: int) -> Fraction:
    """A measure's points as the criteria say: in proportion to the target, capped, never negative.

    Written out here rather than borrowed from the rules: a strategy that aims
    with the engine's own arithmetic would share its bugs, and properties
    like "qualifying partners qualify" could not catch them.
    """
    return min(max(Fraction(measure) * metric.max_points / target, Fraction(0)), metric.max_points)


def _needed(points: Fraction, metric: MetricSpec, target: int) -> int:
    """The smallest whole measure that earns at least *points* (at most the target, which earns the max)."""
    return min(math.ceil(points * target / metric.max_points), target)


def _measures(metric: MetricSpec, target: int, minimum: Fraction, *, allow_negative: bool) -> st.SearchStrategy[int]:
    """Measures for one target, clustered where the points change: 0, the minimum, the target, and around."""
    needed = _needed(minimum, metric, target)
    edges = sorted({0, max(needed - 1, 0), needed, max(target - 1, 0), target, target + 1})
    low = -target if allow_negative else 0
    return st.sampled_from(edges) | st.integers(min_value=low, max_value=2 * target)


def _single(target: Target) -> int:
    """The one number of a count or certified_people target (the ruleset's checks guarantee it)."""
    if isinstance(target, Mapping):
        raise TypeError(f"expected one number, got options {dict(target)}")
    return target


def _customer_metrics(ruleset: Ruleset) -> list[MetricSpec]:
    return [metric for metric in ruleset.metrics if metric.source.people is None]


def _path_metrics(ruleset: Ruleset, *, allow_negative: bool = True) -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    minimum = ruleset.scoring.min_metric_points
    per_path = {}
    for path in ruleset.paths:
        fields: dict[str, st.SearchStrategy[Any]] = {}
        for metric in _customer_metrics(ruleset):
            target = path.targets[metric.id]
            if isinstance(target, Mapping):
                fields[metric.id] = st.fixed_dictionaries(
                    {
                        option: _measures(metric, amount, minimum, allow_negative=allow_negative)
                        for option, amount in target.items()
                    }
                )
            else:
                fields[metric.id] = _measures(metric, target, minimum, allow_negative=allow_negative)
        per_path[path.id] = st.fixed_dictionaries(fields)
    return st.fixed_dictionaries(per_path)


def path_metrics(
    *, ruleset: Ruleset | str | None = None, allow_negative: bool = True
) -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """A partner's ``metrics``: per path, a whole number per metric, or per association option.

    Measures cluster around 0, each target and the smallest measure that
    earns the minimum points, and range up to twice the target (over the
    cap) and, with *allow_negative*, down to minus the target (customers
    lost, usage fallen).

    Shrinks towards 0 everywhere. The measures aim at targets: a ruleset
    scored otherwise (rates, gates, conditions, classification) raises
    InvalidArgument, as partners(qualifying=...) does.
    """
    chosen = _one_ruleset(ruleset, None)
    if not aimable(chosen):
        message = f"path_metrics aims at targets alone, and {chosen} scores with rates, gates, conditions, facts or a "
        raise InvalidArgument(message + "metric set of a path's own; draw partners(ruleset=...) and read its metrics")
    return _path_metrics(chosen, allow_negative=allow_negative)

"""Points as the engine compares them: whole numbers of a ruleset's finest unit, never floats."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import codes
from ..errors import Problem
from .wording import _num


if TYPE_CHECKING:
    from .model import Ruleset


#: The largest whole number the engine compares exactly (a double's 53-bit
#: mantissa; its integers are 64-bit, but a score must never depend on which).
MAX_EXACT_UNITS = 2**53


def points_denominator(ruleset: Ruleset) -> int:
    """The least number of units per point that makes every reachable score a whole number of units.

    The engine compares points as integers in these units, never as floats.
    """
    return math.lcm(*(fraction.denominator for _, fraction in _point_fractions(ruleset)))


def _point_fractions(ruleset: Ruleset) -> Iterator[tuple[str, Fraction]]:
    """Where each number a score is built from comes from, and the number (points, and points per unit)."""
    yield "$.scoring.min_total_points", ruleset.scoring.min_total_points
    yield "$.scoring.min_metric_points", ruleset.scoring.min_metric_points
    for index, metric in enumerate(ruleset.metrics):
        yield f"$.metrics[{index}].max_points", metric.max_points
    max_points = {metric.id: metric.max_points for metric in ruleset.metrics}
    for index, path in enumerate(ruleset.paths):
        for metric_id, target in path.targets.items():
            if metric_id not in max_points:
                continue
            amounts = target.items() if isinstance(target, Mapping) else [(None, target)]
            for option, amount in amounts:
                if amount > 0:
                    where = f"$.paths[{index}].targets.{metric_id}" + (f".{option}" if option else "")
                    yield where, max_points[metric_id] / amount


def _check_exactness(ruleset: Ruleset) -> list[Problem]:
    """Scores too fine for the engine to compare exactly: refused, never compared wrongly."""
    denominator = points_denominator(ruleset)
    most = max(ruleset.scoring.total_points, *(metric.max_points for metric in ruleset.metrics))
    if most * denominator <= MAX_EXACT_UNITS:
        return []
    # Name the finest number: it is the likeliest to be a typo (1009 for 1000).
    where = max(_point_fractions(ruleset), key=lambda spot: spot[1].denominator)[0]
    return [
        Problem(
            where,
            f"the points of this ruleset are too fine to compare exactly: a score is a multiple of "
            f"1/{denominator:,} of a point, and {_num(most)} points would be more than 2^53 such units",
            "use rounder targets and points (1000 rather than 1009, 2.5 rather than 2.4999)",
            code=codes.POINTS_TOO_FINE,
        )
    ]

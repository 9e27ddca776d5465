"""Points as the engine compares them: whole numbers of a ruleset's finest unit, never floats."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import codes
from ..errors import Problem
from .model import path_maxima
from .vocabulary import engine_units
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
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        for key in ("total_points", "min_total_points"):
            if getattr(path, key) is not None:
                yield f"{where}.{key}", getattr(path, key)
        maxima = path_maxima(ruleset, path.id)
        for metric_id, scored in path.metrics.items():
            if metric_id not in maxima:
                continue
            spot = f"{where}.metrics.{metric_id}"
            yield f"{spot}.max_points", maxima[metric_id]
            if scored.min_points is not None:
                yield f"{spot}.min_points", scored.min_points
            for position, term in enumerate(scored.terms):
                place = f"{spot}.terms[{position}]"
                # An amount is a whole number of millionths: a point per unit is
                # a millionth of that per millionth
                scale = engine_units(ruleset.kind(metric_id, term.of))
                if term.target is not None and term.target > 0:
                    yield f"{place}.target", maxima[metric_id] / term.target / scale
                if term.rate is not None and term.rate.per > 0:
                    yield f"{place}.rate", term.rate.points / term.rate.per / scale
                if term.gate is not None:
                    yield f"{place}.gate.points", term.gate.points
                if term.cap is not None:
                    yield f"{place}.cap", term.cap


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

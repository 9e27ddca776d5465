"""The costs of one unit of each metric's measure, for plans: which units a ruleset has, and their checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import codes
from ..errors import Problem
from .wording import _suggest


if TYPE_CHECKING:
    from .model import Cost, Ruleset


#: The largest cost of one unit: far beyond any real one, and small enough that a plan's
#: costs, summed over its actions, are written as JSON numbers (floats) without overflow.
MAX_COST = 10**15


def cost_units(ruleset: Ruleset) -> dict[str, tuple[str, ...]]:
    """Each metric's cost unit, and for a metric measured in parts its parts (else ()).

    A metric that counts several people sets has one unit per set, ``<set>_person``: a plan
    certifies people into one set at a time, and their cost may differ.
    """
    units: dict[str, tuple[str, ...]] = {}
    for metric in ruleset.metrics:
        people = metric.source.people
        if people is not None and len(people) > 1:
            units.update({f"{name}_person": () for name in people})
        else:
            units[metric.cost_unit] = tuple(metric.source.parts or ())
    return units


def check_costs(ruleset: Ruleset, costs: Mapping[str, Cost], where: str) -> list[Problem]:
    """Problems with *costs*: units the ruleset does not have, wrong shapes, costs not above 0 or beyond MAX_COST."""
    units = cost_units(ruleset)
    problems = []
    for unit, cost in costs.items():
        spot = f"{where}.{unit}"
        if unit not in units:
            problems.append(Problem(spot, "no metric has this unit", _suggest(unit, units), code=codes.COST_UNIT))
            continue
        options = units[unit]
        if options and not isinstance(cost, Mapping):
            example = ", ".join(f"{option}: 1" for option in options)
            problems.append(Problem(spot, f"a cost per association option, e.g. {{{example}}}", code=codes.COST_UNIT))
            continue
        if not options and isinstance(cost, Mapping):
            problems.append(Problem(spot, "one cost (a number), not one per option", code=codes.COST_UNIT))
            continue
        amounts = cost.items() if isinstance(cost, Mapping) else [(None, cost)]
        for option, amount in amounts:
            place = spot if option is None else f"{spot}.{option}"
            if option is not None and option not in options:
                problems.append(
                    Problem(place, "unknown association option", _suggest(option, options), code=codes.COST_UNIT)
                )
            elif amount <= 0:
                problems.append(Problem(place, "a cost must be more than 0", code=codes.COST_UNIT))
            elif amount > MAX_COST:
                problems.append(Problem(place, f"a cost must be at most {MAX_COST:,}", code=codes.COST_UNIT))
    return problems

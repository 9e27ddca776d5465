"""The search of ``mwrules plan``: the cheapest choice of one candidate per metric that reaches the pass mark.

The metrics are combined in order of their number of candidates. For the
first ones, the search keeps, for each total gain (capped at the gain
needed), the cheapest combination; a combination that gains less and costs
more than another is dropped. For the last metric, which has the most
candidates (usage growth: thousands), the search looks up the cheapest
candidate that makes up what each combination still lacks: a binary search
over its candidates sorted by gain. For Modern Work, that is a few thousand
combinations per path.

The gains and costs are summed as whole numbers of their smallest common
units: the same comparisons as with fractions, so the same plan, ties
included, several times faster.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .. import codes
from ..errors import InputError, Problem
from ..model import Partner
from ..ruleset import Cost, MetricSpec, Ruleset, points_denominator
from ..verdict import Verdict
from .plan_candidates import _Candidate, _candidates, _cap, _requirements, _view, _why_blocked
from .plan_model import PathPlan


#: A candidate's gain and cost in whole numbers of the search's units, and the candidate
_Scaled = tuple[int, int, _Candidate]


def _cheapest(
    ruleset: Ruleset,
    verdict: Verdict,
    partner: Partner,
    path_id: str,
    costs: Mapping[str, Cost],
    eligible: set[str],
) -> PathPlan:
    path = verdict.paths[path_id]
    need = max(ruleset.pass_mark(path_id) - path.score, Fraction(0))
    _check_search(ruleset, verdict, partner, path_id, need)
    options: list[list[_Candidate]] = []
    for metric_id in ruleset.scored(path_id):
        metric = ruleset.metric(metric_id)
        candidates = _candidates(ruleset, verdict, partner, path_id, metric, costs, eligible)
        if not candidates:
            return PathPlan(path=path_id, blocked=_why_blocked(ruleset, verdict, partner, path_id, metric))
        options.append(candidates)
    best = _combine(options, need)
    if best is None:
        return PathPlan(
            path=path_id, blocked=f"even with every metric at its maximum, {path_id} cannot reach the total"
        )
    actions = tuple(action for candidate in best[1] for action in candidate.actions)
    order = {metric.id: index for index, metric in enumerate(ruleset.metrics)}
    return PathPlan(path=path_id, actions=tuple(sorted(actions, key=lambda a: order[a.metric])), cost=best[0])


def _combine(options: Sequence[Sequence[_Candidate]], need: Fraction) -> tuple[Fraction, tuple[_Candidate, ...]] | None:
    """The cheapest choice of one candidate per metric that gains at least *need*, or None.

    Ties go to the choice found first, metrics taken in order of their number of candidates.
    """
    options = sorted(options, key=len)
    # Gains and costs as whole numbers of their smallest common units: the same sums and
    # comparisons as the fractions, in the same order, at a fraction of the price
    per_point = math.lcm(need.denominator, *(c.gain.denominator for found in options for c in found))
    per_cost = math.lcm(*(c.cost.denominator for found in options for c in found))
    scaled = [[(int(c.gain * per_point), int(c.cost * per_cost), c) for c in candidates] for candidates in options]
    needed = int(need * per_point)
    # total gain (capped at the need) -> (cost, chosen candidates), cheapest first
    frontier: dict[int, tuple[int, tuple[_Candidate, ...]]] = {0: (0, ())}
    for candidates in scaled[:-1]:
        merged: dict[int, tuple[int, tuple[_Candidate, ...]]] = {}
        for gain, (cost, chosen) in frontier.items():
            for more, price, candidate in candidates:
                key = min(gain + more, needed)
                total = cost + price
                if key not in merged or total < merged[key][0]:
                    merged[key] = (total, (*chosen, candidate))
        frontier = _undominated(merged)
    last = sorted(scaled[-1], key=lambda entry: entry[0])
    gains = [more for more, _, _ in last]
    cheapest_from = _suffix_minima(last)
    best: tuple[int, tuple[_Candidate, ...]] | None = None
    for gain, (cost, chosen) in frontier.items():
        index = bisect.bisect_left(gains, needed - gain)
        if index == len(last):
            continue
        _, price, candidate = cheapest_from[index]
        total = cost + price
        if best is None or total < best[0]:
            best = (total, (*chosen, candidate))
    return None if best is None else (Fraction(best[0], per_cost), best[1])


#: The most steps the search for one path's cheapest plan may take (about a second): a
#: candidate made counts as ten (it is the dearer), and each combination kept times each
#: candidate of the next metric as one
PLAN_STEPS = 500_000


def _check_search(ruleset: Ruleset, verdict: Verdict, partner: Partner, path_id: str, need: Fraction) -> None:
    """Refuse, before it starts, a search past :data:`PLAN_STEPS` (many units to a cap on several metrics).

    A metric offers at most one candidate per unit up to each term's cap,
    for each subset of its requirements (gates, conditions on a part); the
    combinations kept are at most one per total gain, a whole number of the
    ruleset's point units up to *need*. Modern Work's plans take at most
    about a hundred thousand steps.
    """
    sizes = []
    for metric_id in ruleset.scored(path_id):
        metric = ruleset.metric(metric_id)
        sizes.append(_size(ruleset, verdict, partner, path_id, metric))
    sizes.sort()
    gains = int(need * points_denominator(ruleset)) + 1
    steps, kept = 10 * sum(sizes), 1
    for size in sizes[:-1]:
        steps += kept * size
        kept = min(kept * size, gains)
    if steps > PLAN_STEPS:
        path = ruleset.path(path_id)
        legacy = set(path.targets) == set(path.metrics)
        message = (
            f"the cheapest plan on {path_id} would take about {steps:,} steps to find, more than {PLAN_STEPS:,}: "
            f"the ruleset's {'targets' if legacy else 'terms'} are large on several metrics"
        )
        where = f"$.paths[{ruleset.paths.index(path)}].metrics"  # where a shorthand file wrote its targets
        where = ruleset.origins(where) if ruleset.origins is not None else where
        raise InputError([Problem(where, message, code=codes.LIMIT)], what="the plan")


def _size(ruleset: Ruleset, verdict: Verdict, partner: Partner, path_id: str, metric: MetricSpec) -> int:
    """At most how many candidates *metric* offers on *path_id*: a unit per term up to its cap, per subset."""
    view = _view(ruleset, verdict, partner, path_id, metric, None, set(ruleset.levels()))
    units = sum(
        max(0, math.ceil(_cap(view, term) / term.per_unit(view.most) - max(view.measures[view.name_of(term)], 0)))
        for _, term in view.scored.named(metric.id)
        if term.gate is None
    )
    subsets: int = 2 ** len(_requirements(view))
    return 1 + subsets * units


def _undominated(
    frontier: Mapping[int, tuple[int, tuple[_Candidate, ...]]],
) -> dict[int, tuple[int, tuple[_Candidate, ...]]]:
    """Drop every entry that gains less than another and costs at least as much."""
    kept: dict[int, tuple[int, tuple[_Candidate, ...]]] = {}
    cheapest = None
    for gain in sorted(frontier, reverse=True):
        cost = frontier[gain][0]
        if cheapest is None or cost < cheapest:
            kept[gain] = frontier[gain]
            cheapest = cost
    return kept


def _suffix_minima(candidates: Sequence[_Scaled]) -> list[_Scaled]:
    """For each index, the cheapest candidate at or after it (candidates sorted by gain)."""
    minima: list[_Scaled] = []
    best = None
    for candidate in reversed(candidates):
        if best is None or candidate[1] < best[1] or (candidate[1] == best[1] and candidate[0] < best[0]):
            best = candidate
        minima.append(best)
    return minima[::-1]

"""Partners: a plan of measures, adjusted to qualify or not, then people drawn to match it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._rulesets.versions import DEFAULT_ID, shipped_family
from ..model import Partner
from ..ruleset import Ruleset
from .customers import _check_customer_data, _customers_measuring
from .dates import _last_qualifying_day, _ruleset_argument, _rulesets_and_dates
from .metrics import _customer_metrics, _needed, _path_metrics, _points, _single
from .people import _PARTNER_IDS, _cached, _check_sizes, _counts, _members
from .terms import _any_partners, aimable


# Partners ---------------------------------------------------------------------------


def _can_qualify(ruleset: Ruleset, path_id: str, max_people: int) -> bool:
    """Whether *path_id* can pass with at most *max_people* people (every measure at its target)."""
    scoring = ruleset.scoring
    path = ruleset.path(path_id)
    total = Fraction(0)
    for metric in ruleset.metrics:
        if metric.level is None:
            total += metric.max_points
            continue
        points = _points(max_people, metric, _single(path.targets[metric.id]))
        if points < scoring.min_metric_points:
            return False
        total += points
    return total >= scoring.min_total_points


def _check_feasible(ruleset: Ruleset, max_people: int, qualifying: bool | None) -> None:
    """Refuse arguments under which no partner can be drawn as asked, before drawing any."""
    if qualifying is False and not _customer_metrics(ruleset):
        raise InvalidArgument(f"qualifying=False needs a metric measured from partner data; {ruleset} has none")
    if qualifying and not any(_can_qualify(ruleset, path.id, max_people) for path in ruleset.paths):
        raise InvalidArgument(f"with max_people={max_people}, no path of {ruleset} can qualify")


@attrs.frozen
class _Plan:
    """What a drawn partner will hold: people counted per level, and metrics per path."""

    counted: dict[str, int]
    metrics: dict[str, dict[str, Any]]


def _level_points(ruleset: Ruleset, path_id: str, counted: Mapping[str, int]) -> dict[str, Fraction]:
    path = ruleset.path(path_id)
    return {
        metric.id: _points(counted[metric.level], metric, _single(path.targets[metric.id]))
        for metric in ruleset.metrics
        if metric.level is not None
    }


def _customer_points(ruleset: Ruleset, path_id: str, values: Mapping[str, Any]) -> dict[str, Fraction]:
    path = ruleset.path(path_id)
    points = {}
    for metric in _customer_metrics(ruleset):
        target = path.targets[metric.id]
        value = values[metric.id]
        if isinstance(target, Mapping):
            points[metric.id] = max(_points(value[option], metric, amount) for option, amount in target.items())
        else:
            points[metric.id] = _points(value, metric, target)
    return points


def _raise_to_qualify(ruleset: Ruleset, path_id: str, plan: _Plan, max_people: int) -> None:
    """Raise the measures of *path_id*, least first, until the path passes (feasibility was checked)."""
    scoring = ruleset.scoring
    path = ruleset.path(path_id)
    values = plan.metrics[path_id]
    minimum = scoring.min_metric_points
    # every metric to its minimum first
    for metric in ruleset.metrics:
        target = path.targets[metric.id]
        if metric.level is not None:
            needed = _needed(minimum, metric, _single(target))
            plan.counted[metric.level] = min(max(plan.counted[metric.level], needed), max_people)
        elif isinstance(target, Mapping):
            option = next(iter(target))
            if max(_points(values[metric.id][o], metric, a) for o, a in target.items()) < minimum:
                values[metric.id][option] = _needed(minimum, metric, target[option])
        elif _points(values[metric.id], metric, target) < minimum:
            values[metric.id] = _needed(minimum, metric, target)

    def total() -> Fraction:
        return sum(_level_points(ruleset, path_id, plan.counted).values(), Fraction(0)) + sum(
            _customer_points(ruleset, path_id, values).values(), Fraction(0)
        )

    # then each customer metric to its target, then each level to its target, until the total passes
    for metric in _customer_metrics(ruleset):
        if total() >= scoring.min_total_points:
            return
        target = path.targets[metric.id]
        if isinstance(target, Mapping):
            option = next(iter(target))
            values[metric.id][option] = max(values[metric.id][option], target[option])
        else:
            values[metric.id] = max(values[metric.id], target)
    for metric in ruleset.metrics:
        if total() >= scoring.min_total_points:
            return
        if metric.level is not None:
            wanted = _single(path.targets[metric.id])
            plan.counted[metric.level] = min(max(plan.counted[metric.level], wanted), max_people)


def _total(ruleset: Ruleset, path_id: str, plan: _Plan) -> tuple[Fraction, Fraction]:
    """The planned total of *path_id*, and its weakest metric's points."""
    points = [
        *_level_points(ruleset, path_id, plan.counted).values(),
        *_customer_points(ruleset, path_id, plan.metrics[path_id]).values(),
    ]
    return sum(points, Fraction(0)), min(points)


def _passes(ruleset: Ruleset, path_id: str, plan: _Plan) -> bool:
    total, weakest = _total(ruleset, path_id, plan)
    scoring = ruleset.scoring
    return total >= scoring.min_total_points and weakest >= scoring.min_metric_points


def _spoil_metric(ruleset: Ruleset, path_id: str, plan: _Plan, metric_id: str) -> None:
    """Make *metric_id* on *path_id* earn less than the minimum."""
    path = ruleset.path(path_id)
    metric = ruleset.metric(metric_id)
    minimum = ruleset.scoring.min_metric_points
    target = path.targets[metric_id]
    values = plan.metrics[path_id]
    if isinstance(target, Mapping):
        for option, amount in target.items():
            values[metric_id][option] = min(values[metric_id][option], _needed(minimum, metric, amount) - 1)
    else:
        values[metric_id] = min(values[metric_id], _needed(minimum, metric, target) - 1)


def _spoil_total(ruleset: Ruleset, path_id: str, plan: _Plan, *, floor: bool = False) -> None:
    """Lower the measures of *path_id* until its total falls short.

    Customer measures go down to the least that earns the minimum points (to
    0 with *floor*); with *floor*, the people counted go down too.
    """
    path = ruleset.path(path_id)
    minimum = ruleset.scoring.min_metric_points
    values = plan.metrics[path_id]

    def short() -> bool:
        return _total(ruleset, path_id, plan)[0] < ruleset.scoring.min_total_points

    for metric in _customer_metrics(ruleset):
        if short():
            return
        target = path.targets[metric.id]
        if isinstance(target, Mapping):
            for option, amount in target.items():
                lowest = 0 if floor else _needed(minimum, metric, amount)
                values[metric.id][option] = min(values[metric.id][option], lowest)
        else:
            values[metric.id] = min(values[metric.id], 0 if floor else _needed(minimum, metric, target))
    for level in plan.counted if floor else ():
        while plan.counted[level] and not short():
            plan.counted[level] -= 1


@st.composite
def _plans(
    draw: st.DrawFn, ruleset: Ruleset, as_of: datetime.date, *, max_people: int, qualifying: bool | None
) -> _Plan:
    # no one counts at a level none of whose certifications counts on as_of
    counted = {
        level: draw(st.integers(min_value=0, max_value=min(max_people, 2 * _level_target(ruleset, level))))
        if any(_counts(ruleset, spec, level, as_of) for spec in ruleset.certifications)
        else 0
        for level in ruleset.levels()
    }
    plan = _Plan(counted, draw(_cached(ruleset, ("metrics",), lambda: _path_metrics(ruleset))))
    if qualifying:
        feasible = [path.id for path in ruleset.paths if _can_qualify(ruleset, path.id, max_people)]
        _raise_to_qualify(ruleset, draw(st.sampled_from(feasible)), plan, max_people)
    elif qualifying is False:
        customer = [metric.id for metric in _customer_metrics(ruleset)]
        for path in ruleset.paths:
            # short in the total (every metric may keep its minimum), or short in one metric
            if draw(st.booleans()):
                _spoil_total(ruleset, path.id, plan)
            if _passes(ruleset, path.id, plan):
                _spoil_metric(ruleset, path.id, plan, draw(st.sampled_from(customer)))
        for path in ruleset.paths:
            # only when a metric's minimum is 0 can a path still pass here: then only the total can fail
            if _passes(ruleset, path.id, plan):
                _spoil_total(ruleset, path.id, plan, floor=True)
    return plan


def _level_target(ruleset: Ruleset, level: str) -> int:
    metric = ruleset.level_metric(level)
    return max(_single(path.targets[metric.id]) for path in ruleset.paths)


@st.composite
def _partners(
    draw: st.DrawFn,
    ruleset: Ruleset,
    as_of: datetime.date,
    *,
    min_people: int,
    max_people: int,
    qualifying: bool | None,
    customer_data: bool = False,
) -> Partner:
    plan = draw(_plans(ruleset, as_of, max_people=max_people, qualifying=qualifying))
    members = _members(draw, ruleset, as_of, plan.counted, min_people=min_people, max_people=max_people)
    if customer_data:
        return Partner(
            partner_id=draw(st.sampled_from(_PARTNER_IDS)),
            as_of=as_of,
            people=members,
            customers=_customers_measuring(ruleset, as_of, plan.metrics),
        )
    return Partner(
        partner_id=draw(st.sampled_from(_PARTNER_IDS)),
        as_of=as_of,
        people=members,
        metrics=plan.metrics,
    )


def partners(
    *,
    ruleset: Ruleset | str | None = None,
    min_people: int = 0,
    max_people: int = 12,
    qualifying: bool | None = None,
    as_of: datetime.date | None = None,
    customer_data: bool = False,
) -> st.SearchStrategy[Partner]:
    """Partners: people with certifications, and metrics on every path.

    With ``qualifying=True`` every partner qualifies on at least one path;
    with ``False`` none does. Neither is done by drawing partners and
    rejecting the wrong ones. The strategy first draws a plan: how many
    people count at each level, and every measure. Then it adjusts the plan
    with the ruleset's own numbers:

    - for a qualifying partner, one drawn path is raised: every metric to the
      smallest measure that earns ``min_metric_points``, then measures to
      their targets, fewest first, until the total reaches
      ``min_total_points``;
    - for a failing partner, each path is made to fall short: sometimes its
      measures are lowered until the total falls short, and where the path
      would still pass, one drawn metric measured from partner data is
      lowered below ``min_metric_points`` (on that path only); a path that
      passes even so (a minimum of 0) has its total lowered to the floor.

    With ``customer_data=True`` the customer metrics are not given: the
    partner has customer data from which the ruleset measures exactly the
    plan's numbers (see ``docs/customer-data.md``), so ``qualifying`` holds
    for the measured metrics too. Each tenant moves one measure only: a
    tenant counted in the month measured alone (a net customer add), one
    counted in both months and deployed in both, whose active users grow by
    the usage growth wanted, one whose paid seats fall so that it becomes
    deployed with the same users.

    People are then drawn to match the plan exactly. Each counted person
    holds an eligible certification valid on ``as_of`` (sometimes two of the
    same level), plus certifications that do not count. Uncounted people
    hold only certifications that do not count.

    *as_of* defaults to a day in the ruleset's period (see the module's
    docstring); with ``qualifying=True``, a day on which every level still
    has an eligible certification.

    Aiming needs a ruleset whose every path scores every metric in
    proportion to whole targets, with the ruleset's own pass mark and no
    facts (Modern Work's). Under any other ruleset of the vocabulary (see
    :func:`rulesets`), partners are drawn without aiming: people counted,
    numbers given and facts clustered where a term's points change (where it
    reaches its cap or earns the path's minimum, a gate's need, a
    condition's threshold) and one step either side (a person, a whole
    count, a millionth of an amount), facts within their declared range.

    Shrinks towards a partner with as few people as the plan needs, the
    first date of the period, and measures of 0, or just enough to qualify.

    Raises:
        InvalidArgument: impossible sizes, or no partner can qualify under
            the ruleset with *max_people* (or on *as_of*), or *qualifying*
            or *customer_data* under a ruleset not scored by targets alone.
    """
    _check_sizes(min_people, max_people, "people")
    if qualifying not in (None, True, False):
        raise InvalidArgument(f"qualifying={qualifying!r} must be True, False or None")
    pairs = _rulesets_and_dates(ruleset, as_of, qualifying=qualifying)
    chosen = _ruleset_argument(ruleset, as_of)
    candidates = [chosen] if chosen is not None else list(shipped_family(DEFAULT_ID).rulesets)
    for candidate in candidates:
        if not aimable(candidate):
            _check_any(candidate, qualifying=qualifying, customer_data=customer_data)
            continue
        _check_feasible(candidate, max_people, qualifying)
        if customer_data:
            _check_customer_data(candidate)
        if qualifying and as_of is not None:
            end = _last_qualifying_day(candidate)
            if end is not None and as_of > end:
                raise InvalidArgument(
                    f"no partner can qualify under {candidate} on {as_of}: some level has no "
                    f"eligible certification after {end}"
                )
    return pairs.flatmap(
        lambda pair: (
            _partners(
                pair[0],
                pair[1],
                min_people=min_people,
                max_people=max_people,
                qualifying=qualifying,
                customer_data=customer_data,
            )
            if aimable(pair[0])
            else _any_partners(pair[0], pair[1], min_people=min_people, max_people=max_people)
        )
    )


def _check_any(ruleset: Ruleset, *, qualifying: bool | None, customer_data: bool) -> None:
    """Refuse what partners() cannot aim at under a ruleset that is not scored by targets alone."""
    if qualifying is not None:
        raise InvalidArgument(
            f"qualifying={qualifying!r} aims with targets alone, and {ruleset} scores with rates, gates, conditions, "
            "facts or a metric set of a path's own; draw partners(ruleset=...) without qualifying, and read the "
            "verdict"
        )
    if customer_data:
        raise InvalidArgument(f"customer_data=True measures targets alone from customer data, not {ruleset}'s terms")


def from_ruleset(ruleset: Ruleset | str, *, max_people: int = 12) -> st.SearchStrategy[Partner]:
    """Partners that exercise *ruleset*: qualifying, failing and either, on days it is in force.

    Every certification of the ruleset appears, counting or not, with the
    measures clustered at its targets and thresholds. Use it in a ruleset's
    CI to cover a new version without writing a strategy::

        @given(mst.from_ruleset(ruleset))
        def test_new_version(partner):
            check_verdict(partner, mwrules.evaluate(partner, ruleset=ruleset), ruleset=ruleset)

    Under a ruleset not scored by targets alone (see :func:`partners`),
    partners are drawn without aiming.

    Shrinks towards a qualifying partner with just enough of everything.
    """
    chosen = _ruleset_argument(ruleset, None)
    if chosen is None:
        raise InvalidArgument("from_ruleset needs a ruleset")
    if not aimable(chosen):  # qualifying cannot be aimed at: partners around every edge of its terms
        return partners(ruleset=chosen, max_people=max_people)
    return st.one_of(
        partners(ruleset=chosen, max_people=max_people, qualifying=True),
        partners(ruleset=chosen, max_people=max_people, qualifying=False),
        partners(ruleset=chosen, max_people=max_people),
    )

"""``mwrules plan``: the cheapest actions after which a partner qualifies.

An action is a whole number of units that can change a score (see
:mod:`.plan_candidates`); the search is exact, and works per path: a plan
picks one candidate per metric, and the total must reach
``min_total_points`` (see :mod:`.plan_search`).

The result is then checked the way a partner would check it: the actions are
applied to a copy of the partner and evaluated again. The score and verdict
after come from that evaluation, not from this module's arithmetic.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from .. import codes
from .._evaluation.evaluate import checked, evaluate_with, prepare
from .._input import documents as _documents
from .._input.partner import declared_as_of, on_date, read_document
from .._input.sections import metrics_for, with_metrics
from .._input.tenant_facts import customer_facts
from .._rulesets.versions import DEFAULT_ID, RulesetChoice, shipped_family
from ..errors import EvaluationError, InputError, Problem, did_you_mean
from ..limits import DEFAULT_LIMITS, Limits, checked_limits
from ..model import Certification, Partner, Person
from ..ruleset import Cost, PathCustomers, Ruleset, check_costs, cost_units, structure_costs
from ..verdict import Verdict, format_points, tenant_steps
from .plan_candidates import _Candidate, _eligible_sets
from .plan_model import Action, PathPlan, Plan
from .plan_search import PLAN_STEPS, _cheapest, _combine
from .term_words import term_label


__all__ = [
    "NEAREST_TENANTS",
    "PLAN_STEPS",
    "Action",
    "PathPlan",
    "Plan",
    "_Candidate",
    "_combine",
    "apply",
    "load_costs",
    "nearest_tenants",
    "plan",
    "plan_by",
    "plan_for",
]


# Costs --------------------------------------------------------------------------------


def load_costs(
    costs: Mapping[str, Any] | _documents.Document, ruleset: Ruleset
) -> tuple[dict[str, Cost], tuple[str, ...]]:
    """The unit costs to plan with: *costs* over the ruleset's ``default_costs``.

    Returns the costs and the units whose cost (or some option's) is a default.

    Raises:
        InputError: an unknown unit (with "did you mean"), a wrong shape, a
            cost not above 0, or a unit with no cost at all.
    """
    document = costs if isinstance(costs, _documents.Document) else _documents.Document(costs)
    problems: list[Problem] = list(document.problems)
    given: dict[str, Cost] = {}
    if not problems:
        if not isinstance(document.data, Mapping):
            problems.append(Problem("$", "costs are a mapping of unit to cost", code=codes.INVALID_VALUE))
        else:
            given, wrong = structure_costs(document.data)
            problems += wrong + check_costs(ruleset, given, "$")
    merged: dict[str, Cost] = {}
    defaulted = []
    for unit, options in cost_units(ruleset).items():
        default, mine = ruleset.default_costs.get(unit), given.get(unit)
        if options:
            per_option = {**(dict(default) if isinstance(default, Mapping) else {})}
            per_option.update(dict(mine) if isinstance(mine, Mapping) else {})
            missing = [option for option in options if option not in per_option]
            if missing:
                problems.append(
                    Problem(
                        f"$.{unit}", f"no cost for {', '.join(missing)}", _no_cost(ruleset, unit), code=codes.COST_UNIT
                    )
                )
            if not isinstance(mine, Mapping) or set(mine) != set(options):
                defaulted.append(unit)
            merged[unit] = per_option
        elif mine is not None or default is not None:
            merged[unit] = mine if mine is not None else default  # type: ignore[assignment]
            if mine is None:
                defaulted.append(unit)
        else:
            problems.append(
                Problem(f"$.{unit}", "no cost for this unit", _no_cost(ruleset, unit), code=codes.COST_UNIT)
            )
    if problems:
        raise InputError([document.locate(problem) for problem in problems], what="the costs")
    return merged, tuple(defaulted)


def _no_cost(ruleset: Ruleset, unit: str) -> str:
    """What to do about a unit without a cost: neither given nor one of the ruleset's defaults."""
    if ruleset.default_costs:
        return f"{ruleset} has no default cost for {unit}: give one with plan --costs FILE (costs= in Python)"
    return f"{ruleset} has no default_costs: give each unit's cost with plan --costs FILE (costs= in Python)"


# Applying a plan ----------------------------------------------------------------------


def apply(
    partner: Partner, actions: Sequence[Action], certification_names: Mapping[str, str], before: Verdict
) -> Partner:
    """*partner* after *actions*: new people certified at their level, measures raised.

    A measure raised that *before* measured from customer data is given,
    from then on, as the measure plus the raise.
    """
    ruleset_id = before.ruleset.id
    people = list(partner.people)
    taken = {person.id for person in people}
    metrics = {path: dict(values) for path, values in metrics_for(partner, ruleset_id)[0].items()}
    for action in actions:
        if action.level is not None:  # certify: new people, each holding a certification that counts
            for number in range(1, action.units + 1):
                person_id = _free_id(f"planned-{action.level}-{number}", taken)
                people.append(Person(person_id, (Certification(certification_names[action.level]),)))
            continue
        values = metrics.setdefault(action.path or "", {})
        measured = before.paths[action.path or ""].metrics[action.metric]
        if action.metric not in values and measured.derived:
            values[action.metric] = dict(measured.inputs) if action.option else measured.inputs["value"]
        current = values.get(action.metric, {} if action.option else 0)
        if isinstance(current, Mapping):
            option = action.option or ""
            values[action.metric] = {**current, option: current.get(option, 0) + action.units}
        else:
            values[action.metric] = current + action.units
    return with_metrics(attrs.evolve(partner, people=tuple(people)), ruleset_id, metrics)


def _free_id(wanted: str, taken: set[str]) -> str:
    person_id, suffix = wanted, 1
    while person_id in taken:
        suffix += 1
        person_id = f"{wanted}-{suffix}"
    taken.add(person_id)
    return person_id


def plan(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str],
    *,
    ruleset: Ruleset | str | None = None,
    costs: Mapping[str, Any] | None = None,
    path: str | None = None,
    by: datetime.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Plan:
    """The cheapest actions after which *partner* qualifies, with the verdicts before and after.

    *partner* is as for :func:`mwrules.evaluate` (a partner, a document, or
    a file's path). *ruleset* is chosen as for :func:`mwrules.evaluate`. *costs* maps each
    unit to the cost of one unit (a number, or one per association option),
    over the ruleset's placeholder ``default_costs``. *path* fixes the path;
    by default the plan is for the cheaper path (ties to the earlier in
    ``path_preference``). A partner that already qualifies (on *path*, when
    given) gets an empty plan.

    With *by*, the plan makes the partner qualify on that day rather than on
    its ``as_of``: certifications that will have expired or stopped counting
    by then are not counted, the ruleset is the version in force then, and
    :attr:`Plan.changes` lists what changes the score until then (see
    :func:`mwrules.timeline`). *limits* bound the document, as for
    :func:`mwrules.evaluate`, and the days until *by* (``max_timeline_days``).

    >>> import mwrules
    >>> p = mwrules.plan({"partner_id": "contoso", "as_of": "2024-06-30",
    ...     "people": [{"id": "p1", "certifications": ["MS-700", "MS-102"]}],
    ...     "metrics": {"smb": {"net_customer_adds": 6, "usage_growth": {"cpor": 300, "csp": 0},
    ...                         "deployments": {"cpor": 3, "csp": 0}}}})
    >>> [action.to_json() for action in p.actions], float(p.cost), p.after.qualified
    ([{'kind': 'raise', 'path': 'smb', 'metric': 'usage_growth', 'option': 'cpor', 'by': 84}], 0.42, True)

    Raises:
        InputError: the partner or the costs are not valid, or *path* is not
            a path of the ruleset.
    """
    if by is not None and type(by) is not datetime.date:
        msg = f"by must be a datetime.date, not {type(by).__name__}"
        raise TypeError(msg)
    checked_limits(limits)
    with _documents.paused_gc():  # as evaluate: see there
        if by is not None:
            return plan_by(_source(partner, limits), by, ruleset=ruleset, costs=costs, path=path, limits=limits)
        partner, choice = checked(partner, ruleset, limits)
        return plan_for(partner, choice, costs=costs, path=path)


def _source(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str], limits: Limits
) -> Partner | _documents.Document:
    """*partner* as :func:`plan_by` takes it: a file named is read, as :func:`checked` reads it, not taken for data."""
    if isinstance(partner, Partner):
        return partner
    if isinstance(partner, str | os.PathLike):
        return read_document(partner, limits=limits)
    return _documents.Document(partner)


def plan_by(
    source: Partner | _documents.Document,
    by: datetime.date,
    *,
    ruleset: Ruleset | str | None = None,
    costs: Mapping[str, Any] | _documents.Document | None = None,
    path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Plan:
    """:func:`plan` with *by*, for a partner or a parsed document."""
    partner, choice, start = on_by(source, by, ruleset, limits)
    return plan_ahead(source, partner, choice, start, by, ruleset=ruleset, costs=costs, path=path, limits=limits)


def on_by(
    source: Partner | _documents.Document, by: datetime.date, ruleset: Ruleset | str | None, limits: Limits
) -> tuple[Partner, RulesetChoice, datetime.date | None]:
    """*source* checked as on *by*, its ruleset then, and the day a plan by *by* starts from (see :func:`check_by`).

    The command line reads the ruleset chosen (its paths) before it plans:
    it calls this, then :func:`plan_ahead`, and the document is checked once.
    """
    # by is checked before the document is read on that day, whose problems would blame its as_of
    start = check_by(source, by, limits, ruleset)
    if isinstance(source, Partner):  # an as_of that is no date (start None) is kept, for its check to say so
        partner, choice = checked(source if start is None else attrs.evolve(source, as_of=by), ruleset, limits)
    else:
        partner, choice = prepare(on_date(source, by), ruleset, limits)
    return partner, choice, start


def plan_ahead(
    source: Partner | _documents.Document,
    partner: Partner,
    choice: RulesetChoice,
    start: datetime.date | None,
    by: datetime.date,
    *,
    ruleset: Ruleset | str | None,
    costs: Mapping[str, Any] | _documents.Document | None,
    path: str | None,
    limits: Limits,
) -> Plan:
    """The plan by *by* of *partner* (:func:`on_by`'s), with what changes its score from *start* until then."""
    from .timeline import timeline_of  # noqa: PLC0415 - a tool above another: imported when planning ahead

    # its changes alone, from the first day a version is in force: a designation may start after as_of
    since = max(start or by, _first_in_force(ruleset) or datetime.date.min)
    ahead = timeline_of(source, since, by, ruleset=ruleset, limits=limits, warned=False)
    changes = tuple(f"{segment.start}: {segment.cause}" for segment in ahead.segments[1:])
    result = plan_for(partner, choice, costs=costs, path=path)
    return attrs.evolve(result, by=by, changes=changes)


def _documents_as_of(document: _documents.Document) -> object:
    """The ``as_of`` a parsed document gives, whatever it is."""
    return document.data.get("as_of") if isinstance(document.data, Mapping) else None


def _first_in_force(ruleset: Ruleset | str | None) -> datetime.date | None:
    """The first day a version of shipped *ruleset* is in force; None for a ruleset file or a named version."""
    if isinstance(ruleset, Ruleset) or (isinstance(ruleset, str) and "@" in ruleset):
        return None
    return shipped_family(DEFAULT_ID if ruleset is None else ruleset).rulesets[0].manifest.effective_from


def check_by(
    source: Partner | _documents.Document,
    by: datetime.date,
    limits: Limits = DEFAULT_LIMITS,
    ruleset: Ruleset | str | None = None,
) -> datetime.date | None:
    """The day a plan by *by* starts from, its partner's as_of, once *by* is a day a plan can look to.

    None when the partner's as_of is no date, which reading the partner reports.

    Checked before the document is read on *by*: a day before every version
    would otherwise be refused as the document's as_of (MW131), not as *by*.
    """
    from .timeline import outside_days  # noqa: PLC0415 - a tool above another: imported when planning ahead

    given = source.as_of if isinstance(source, Partner) else _documents_as_of(source)
    declared = declared_as_of({"as_of": given})
    if given is not None and declared is None:
        return None  # no date: reading the partner says so (MW006), not by against today
    start = declared or datetime.date.today()
    outside = outside_days((("$.as_of", start), ("by", by)), "a plan looks over")
    if outside:
        raise InputError(outside, what="the plan's date")
    # (no as_of is today, as evaluate takes it: the message says which)
    on = f"the partner's as_of, {start}" if declared else f"today, {start} (the partner gives no as_of)"
    if by < start:
        message = f"{by} is before {on}"
        raise InputError(
            [Problem("by", message, "plan for a later day", code=codes.DATE_RANGE)], what="the plan's date"
        )
    days = (by - start).days + 1  # counted as a timeline's range is: both ends in
    if days > limits.max_timeline_days:
        limit = limits.max_timeline_days
        message = f"the range from {on}, to {by} is {days:,} days, more than the limit of {limit:,}"
        suggestion = (
            "plan for an earlier day, or raise the limit: --limit timeline-days=N (Limits(max_timeline_days=N))"
        )
        raise InputError([Problem("by", message, suggestion, code=codes.LIMIT)], what="the plan's date")
    first = _first_in_force(ruleset)
    if first is not None and by < first:
        family = shipped_family(DEFAULT_ID if ruleset is None else str(ruleset))
        message = f"no version of {family.id} is in force on {by}"
        suggestion = f"the earliest, {family.rulesets[0].version}, takes effect on {first}: plan for that day or later"
        raise InputError([Problem("by", message, suggestion, code=codes.NO_VERSION_IN_FORCE)], what="the plan's date")
    return start


def plan_for(
    partner: Partner,
    choice: RulesetChoice,
    *,
    costs: Mapping[str, Any] | _documents.Document | None = None,
    path: str | None = None,
) -> Plan:
    """:func:`plan` for a checked partner and a chosen ruleset (the command line's way in)."""
    with _documents.paused_gc():  # candidates, facts and verdicts, none in a cycle: see there
        return _plan_for(partner, choice, costs, path)


def _plan_for(
    partner: Partner, choice: RulesetChoice, costs: Mapping[str, Any] | _documents.Document | None, path: str | None
) -> Plan:
    ruleset = choice.ruleset
    path_ids = [spec.id for spec in ruleset.paths]
    if path is not None and not isinstance(path, str):
        msg = f"path is a path's id such as {path_ids[0]!r}, not {type(path).__name__}"
        raise TypeError(msg)
    if path is not None and path not in path_ids:
        message = f"{path!r} is not a path of {ruleset}"
        raise InputError([Problem("path", message, did_you_mean(path, path_ids), code=codes.UNKNOWN_PATH)])
    unit_costs, defaulted = load_costs(costs if costs is not None else {}, ruleset)
    before = evaluate_with(partner, choice)
    names = _eligible_sets(ruleset, before.as_of)
    # Under classification only the classified path is scored, and only it can be planned
    wanted = [path] if path is not None else list(ruleset.path_order)
    wanted = [path_id for path_id in wanted if path_id in before.paths] or wanted
    planned = functools.partial(
        Plan, partner_id=partner.partner_id, before=before, costs=unit_costs, default_costs=defaulted
    )
    if path is not None and path not in before.paths:
        blocked = f"{path} is not scored: the ruleset classifies {partner.partner_id} on {before.path}"
        return planned(
            path=None, cost=Fraction(0), actions=(), after=before, paths={path: PathPlan(path=path, blocked=blocked)}
        )
    if before.paths[path].qualified if path is not None else before.qualified:
        chosen = path or before.path
        nothing_to_do = {chosen: PathPlan(path=chosen, cost=Fraction(0))}
        return planned(path=chosen, cost=Fraction(0), actions=(), after=before, paths=nothing_to_do)
    plans = {path_id: _cheapest(ruleset, before, partner, path_id, unit_costs, set(names)) for path_id in wanted}
    possible = [plans[path_id] for path_id in wanted if plans[path_id].possible]
    best = min(possible, key=lambda candidate: candidate.cost or Fraction(0)) if possible else None
    if best is None:
        return planned(path=None, cost=Fraction(0), actions=(), after=before, paths=plans)
    after = evaluate_with(apply(partner, best.actions, names, before), choice)
    if not after.paths[best.path].qualified:  # pragma: no cover - the search and the rules disagree: a bug
        msg = f"the plan for {best.path} does not qualify when evaluated: {after.paths[best.path].shortfalls}"
        raise EvaluationError(msg)
    actions = tuple(_explained(action, before, after, ruleset, best.path, names) for action in best.actions)
    actions = tuple(
        attrs.evolve(action, tenants=nearest_tenants(partner, ruleset, before, action)) for action in actions
    )
    plans[best.path] = attrs.evolve(best, actions=actions)
    return planned(path=best.path, cost=best.cost or Fraction(0), actions=actions, after=after, paths=plans)


def _explained(
    action: Action, before: Verdict, after: Verdict, ruleset: Ruleset, path_id: str, names: Mapping[str, str]
) -> Action:
    """*action* with why it is there, from the verdicts before and after."""
    if action.level is not None:
        action = attrs.evolve(action, certification=names[action.level])
    was = before.paths[path_id].metrics[action.metric].points
    now = after.paths[path_id].metrics[action.metric].points
    if action.opens:
        scored = ruleset.path(path_id).metrics[action.metric]
        opened = ", ".join(term_label(scored, action.metric, term) for term in action.opens)
        return attrs.evolve(action, why=f"{_doing(action)}: opens {opened}, +{_num(now - was)} points")
    minimum = ruleset.least_points(path_id, action.metric)
    gain = f"{action.metric} on {path_id} {_num(was)} → {_num(now)}"
    if was < minimum:
        every = "every metric" if minimum == ruleset.scoring.min_metric_points else f"{action.metric} on {path_id}"
        return attrs.evolve(action, why=f"{gain}: {every} needs at least {_num(minimum)}")
    return attrs.evolve(
        action, why=f"{gain}: {_num(now - was)} more toward the total of {_num(ruleset.pass_mark(path_id))}"
    )


def _doing(action: Action) -> str:
    """The action in a few words: "certify 1 more person as Teams Administrator Associate"."""
    if action.kind == "certify":
        people = "person" if action.units == 1 else "people"
        return f"certify {action.units} more {people} as {(action.certification or '').rpartition(': ')[2]}"
    measure = f"{action.option} of {action.metric}" if action.option else action.metric
    return f"raise {measure} on {action.path} by {action.units}"


def _num(value: Fraction) -> str:
    return format_points(value)


#: Tenants named per action
NEAREST_TENANTS = 3


def nearest_tenants(partner: Partner, ruleset: Ruleset, before: Verdict, action: Action) -> tuple[str, ...]:
    """For raising a metric measured from customer data, the tenants nearest to counting, and what each lacks.

    Deployments: the eligible tenants of the option's association type that
    are not deployed, by the active users they lack. Net customer adds: the
    tenants not counted in month M, by the paid seats they lack on their
    largest workload, then those in the seat band without an association of
    the path's types.
    """
    if action.kind != "raise" or action.path is None or partner.customers is None:
        return ()
    metric = ruleset.metric(action.metric)
    data, spec = ruleset.customer_data, ruleset.path(action.path).customers
    if not before.paths[action.path].metrics[metric.id].derived or data is None or spec is None:
        return ()
    facts = [
        fact
        for fact in customer_facts(partner, ruleset, before.as_of, [])
        if fact["t"] == "tenant" and f"{action.path}:{metric.id}" in fact["measured"] and fact["month"] == 0
    ]
    steps = tenant_steps(before.trace).get((action.path, metric.id, action.option), [])
    done = (
        {step.concluded["tenant"] for step in steps if step.concluded["month"] == facts[0]["_month"]}
        if facts
        else set()
    )
    customers = partner.customers
    hints: list[tuple[int, str]] = []
    for fact in facts:
        customer = customers[fact["_customer"]]
        if customer.tenant in done:
            continue
        label = f"tenant {customer.name} ({customer.tenant})" if customer.name else f"tenant {customer.tenant}"
        largest = max(fact["seats"])
        eligible = _eligible(ruleset, spec, fact)
        types = [kind for kind in fact["types"] if kind in spec.association_types]
        if metric.from_customers == "deployed_tenants" and eligible and action.option in fact["types"]:
            share = data.deployment_share
            paid, active = fact["paid"], fact["active"]
            needed = -(-paid * share.numerator // share.denominator) - active
            # a new association's tenant already deployed when it started is excluded, however active now;
            # one that started in M (start 0) would be: the users that deploy it in M deploy it as it starts
            start, then = fact[f"start_{action.option}"], fact[f"start_paid_{action.option}"]
            excluded = start < data.new_association_months and (
                start == 0
                or (then > 0 and fact[f"start_active_{action.option}"] * share.denominator >= then * share.numerator)
            )
            if needed > 0 and not excluded:
                hints.append(
                    (
                        needed,
                        f"{label}: {100 * active // paid} % active ({active} of {paid} paid seats), needs {needed} "
                        f"more active user(s) to count as a deployment",
                    )
                )
        elif metric.from_customers == "tenants":
            names = " or ".join(ruleset.association_type(kind).name for kind in spec.association_types)
            if eligible and not types:
                hints.append((2**62, f"{label}: {largest} paid seats, but no active {names} association"))
            elif types and largest < spec.min_seats:
                needed = spec.min_seats - largest
                hints.append(
                    (needed, f"{label}: {largest} paid seats on its largest workload, needs {needed} more to count")
                )
    return tuple(text for _, text in sorted(hints)[:NEAREST_TENANTS])


def _eligible(ruleset: Ruleset, spec: PathCustomers, fact: Mapping[str, Any]) -> bool:
    """Whether a tenant's seats in month M make it eligible for the path: in its band, or by the carry-over."""
    if any(spec.in_band(seats) for seats in fact["seats"]):
        return True
    source = ruleset.path(spec.carry_over_from).customers if spec.carry_over_from is not None else None
    return (
        source is not None
        and any(source.in_band(seats) for seats in fact["seats"])
        and any(spec.in_band(seats) for seats in fact["before"])
    )

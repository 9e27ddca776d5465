"""Hypothesis strategies for partner data: valid, qualifying or not, and deliberately broken.

Install them with ``pip install 'mwrules[testing]'``; ``import mwrules`` alone
never imports Hypothesis. With mwrules installed, ``st.from_type(mwrules.Partner)``
(and ``Person``, ``Certification``) uses these strategies.

>>> from hypothesis import given, settings
>>> import mwrules
>>> from mwrules import strategies as mst
>>> @settings(max_examples=25)
... @given(mst.partners(qualifying=True))
... def test_qualifying_partners_qualify(partner):
...     assert mwrules.evaluate(partner).qualified
>>> test_qualifying_partners_qualify()

Every strategy takes an optional *ruleset*: a :class:`~mwrules.Ruleset`, or
the name of a shipped one (``"modern-work@2026-01"``). Without one, partners
are drawn under every shipped version of Modern Work, each with an ``as_of``
on which that version is in force, so ``mwrules.evaluate(partner)`` uses it.
With a ruleset object, pass the same object to ``evaluate``.

Certification names are spelt the way partner data spells them: full
credential names, exam codes and former names, in any case, with stray
spaces. Measures cluster around the numbers that matter: 0, the targets, and
the smallest measure that earns the minimum points.
"""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs


try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ModuleNotFoundError as missing:  # the testing extra is not installed: say how to install it
    if missing.name != "hypothesis":
        raise
    message = "mwrules.strategies needs Hypothesis: pip install 'mwrules[testing]'"
    raise ModuleNotFoundError(message, name=missing.name) from None

from . import codes
from ._output.json import partner_to_json
from ._rulesets.versions import DEFAULT_ID, select_ruleset, shipped_family
from .errors import MwrulesError
from .model import Association, Certification, Customer, Partner, Person, Usage
from .ruleset import CertificationSpec, MetricSpec, Ruleset, Target, normalise_name


__all__ = [
    "InvalidDocument",
    "certifications",
    "customers",
    "from_ruleset",
    "invalid_partner_documents",
    "partner_documents",
    "partners",
    "path_metrics",
    "people",
]

_ONE_DAY = datetime.timedelta(days=1)
_YEARS = datetime.timedelta(days=3 * 365)
#: Names of real certifications that no Modern Work version counts.
_OTHER_NAMES = ("AZ-104", "AZ-900", "PL-900", "SC-900", "Microsoft Certified: Azure Fundamentals", "DP-203")
_PARTNER_IDS = ("contoso", "fabrikam", "northwind", "litware", "adatum", "tailspin", "wingtip")


# Rulesets and dates ---------------------------------------------------------------


def _by_name(name: object, day: datetime.date | None) -> Ruleset:
    if not isinstance(name, str):
        raise InvalidArgument(f"ruleset={name!r} must be a mwrules.Ruleset or a shipped ruleset's name")
    try:
        return select_ruleset(name, as_of=day).ruleset
    except MwrulesError as error:  # no such ruleset, or no version in force on the day
        raise InvalidArgument(f"ruleset={name!r}: {error}") from None


def _ruleset_argument(ruleset: Ruleset | str | None, day: datetime.date | None) -> Ruleset | None:
    """The one ruleset the caller asked for, or None for "every shipped version"."""
    if ruleset is None or isinstance(ruleset, Ruleset):
        return ruleset
    return _by_name(ruleset, day)


def _one_ruleset(ruleset: Ruleset | str | None, day: datetime.date | None) -> Ruleset:
    """The caller's ruleset, or the default one in force on *day* (today without one)."""
    return _ruleset_argument(ruleset, day) or _by_name(DEFAULT_ID, day)


def _period(ruleset: Ruleset) -> tuple[datetime.date, datetime.date]:
    """The days *ruleset* is in force, with a horizon of three years for the latest version."""
    first = ruleset.manifest.effective_from
    last = ruleset.manifest.effective_until
    if last is None:
        try:
            family = shipped_family(ruleset.id)
        except MwrulesError:  # not a shipped ruleset: no later version to stop at
            family = None
        if family is not None and family.version(ruleset.version) == ruleset:
            last = family.last_day(ruleset)
    return first, last if last is not None else first + _YEARS


def _last_qualifying_day(ruleset: Ruleset) -> datetime.date | None:
    """After this day some level has no eligible certification left, so no path can qualify (None: never)."""
    last: datetime.date | None = None
    for metric in ruleset.metrics:
        if metric.level is None:
            continue
        ends = [ruleset.certification(cert_id).eligible_through for cert_id in metric.certifications]
        if any(end is None for end in ends):
            continue
        level_end = max(end for end in ends if end is not None)
        last = level_end if last is None else min(last, level_end)
    return last


def _as_of_dates(ruleset: Ruleset, *, qualifying: bool | None) -> st.SearchStrategy[datetime.date]:
    first, last = _period(ruleset)
    if qualifying:
        end = _last_qualifying_day(ruleset)
        if end is not None:
            last = min(last, end)
    edges = {first, last}
    for cert in ruleset.certifications:
        if cert.eligible_through is not None:
            edges |= {cert.eligible_through, cert.eligible_through + _ONE_DAY}
    edges = {day for day in edges if first <= day <= last}
    return st.sampled_from(sorted(edges)) | st.dates(min_value=first, max_value=last)


def _rulesets_and_dates(
    ruleset: Ruleset | str | None, as_of: datetime.date | None, *, qualifying: bool | None
) -> st.SearchStrategy[tuple[Ruleset, datetime.date]]:
    """(ruleset, as_of) pairs: the caller's, or every shipped version with a day it is in force."""
    chosen = _one_ruleset(ruleset, as_of) if ruleset is not None or as_of is not None else None
    if chosen is not None:
        if as_of is not None:
            return st.just((chosen, as_of))
        return _as_of_dates(chosen, qualifying=qualifying).map(lambda day: (chosen, day))
    versions = shipped_family(DEFAULT_ID).rulesets
    return st.sampled_from(versions).flatmap(
        lambda version: _as_of_dates(version, qualifying=qualifying).map(lambda day: (version, day))
    )


# Certifications ---------------------------------------------------------------------


def _counts(ruleset: Ruleset, spec: CertificationSpec, level: str | None, day: datetime.date | None) -> bool:
    """Whether *spec* makes its holder count (at *level*, or at any level) on *day* (None: every day)."""
    levels = ruleset.counted_at(spec.id)
    if not levels or (level is not None and level not in levels):
        return False
    return spec.eligible_on(day)


def _spellings(spec: CertificationSpec) -> list[str]:
    """The ways partner data writes *spec*: its name first, then aliases, in any case, with stray spaces."""
    return [
        variant
        for name in (spec.name, *spec.aliases)
        for variant in (name, name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  "))
    ]


# Dates are drawn as offsets in days from the evaluation day, so that the
# strategies below do not depend on the day and can be built once and reused
# (building a strategy per example made drawing ten times slower).
Offsets = tuple[int | None, int | None]
_DAYS = 3 * 365


def _valid_offsets() -> st.SearchStrategy[Offsets]:
    """(earned, expires) valid on the day: earned on or before it, expiring on or after it, or undated."""
    return st.tuples(st.none() | st.integers(-_DAYS, 0), st.none() | st.integers(0, _DAYS))


def _invalid_offsets() -> st.SearchStrategy[Offsets]:
    """(earned, expires) not valid on the day: expired before it, or earned after it."""
    gap = st.integers(1, _DAYS)
    expired = st.tuples(st.none(), gap.map(lambda days: -days))
    earned_then_expired = st.tuples(st.integers(0, _DAYS), gap).map(lambda pair: (-pair[0] - pair[1], -pair[1]))
    not_yet = st.tuples(gap, st.none())
    return st.one_of(expired, earned_then_expired, not_yet)


def _drafts(names: list[str], offsets: st.SearchStrategy[Offsets]) -> st.SearchStrategy[tuple[str, Offsets]]:
    return st.tuples(st.sampled_from(names), offsets)


_CACHE: dict[tuple[Any, ...], tuple[Ruleset, Any]] = {}


def _cached(ruleset: Ruleset, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """*build()*, once per ruleset and *key* (keeping the ruleset alive, so that its id is not reused)."""
    full = (id(ruleset), *key)
    hit = _CACHE.get(full)
    if hit is None:
        hit = _CACHE[full] = (ruleset, build())
    return hit[1]


def _certification_drafts(
    ruleset: Ruleset, *, eligible: bool | None, level: str | None, counting: tuple[str, ...], dated: bool
) -> st.SearchStrategy[tuple[str, Offsets]]:
    """(spelling, date offsets) of certifications that count (the ids in *counting*), or not, or either."""
    specs = {spec.id: spec for spec in ruleset.certifications}
    valid: st.SearchStrategy[Offsets] = _valid_offsets() if dated else st.just((None, None))
    yes = st.one_of([_drafts(_spellings(specs[cert_id]), valid) for cert_id in counting])
    if eligible:
        return yes
    known = {normalise_name(name) for spec in ruleset.certifications for name in (spec.name, *spec.aliases)}
    others = [name for name in _OTHER_NAMES if normalise_name(name) not in known]
    never = [spec for spec in ruleset.certifications if spec.id not in counting]
    no = [_drafts(others, valid)] if others else []
    no += [_drafts(_spellings(spec), valid) for spec in never]
    if dated:
        # a counting certification held on the wrong dates
        no += [_drafts(_spellings(specs[cert_id]), _invalid_offsets()) for cert_id in counting]
    if not no:
        raise InvalidArgument(f"every certification of {ruleset} counts, and there is no date to spoil")
    return st.one_of(no) if eligible is False else st.one_of(yes, st.one_of(no))


def _shift(day: datetime.date | None, offset: int | None) -> datetime.date | None:
    return None if day is None or offset is None else day + datetime.timedelta(days=offset)


def _certifications(
    ruleset: Ruleset, *, eligible: bool | None, level: str | None, valid_on: datetime.date | None
) -> st.SearchStrategy[Certification]:
    counting = tuple(spec.id for spec in ruleset.certifications if _counts(ruleset, spec, level, valid_on))
    if eligible is not False and not counting:
        where = f" at level {level!r}" if level else ""
        when = f" on {valid_on}" if valid_on else " without a date"
        raise InvalidArgument(f"no certification of {ruleset} counts{where}{when}; eligible=True is impossible")
    key = ("certifications", eligible, level, counting, valid_on is not None)
    drafts: st.SearchStrategy[tuple[str, Offsets]] = _cached(
        ruleset,
        key,
        lambda: _certification_drafts(
            ruleset, eligible=eligible, level=level, counting=counting, dated=valid_on is not None
        ),
    )
    return drafts.map(
        lambda draft: Certification(draft[0], _shift(valid_on, draft[1][0]), _shift(valid_on, draft[1][1]))
    )


def certifications(
    *,
    ruleset: Ruleset | str | None = None,
    eligible: bool | None = None,
    level: str | None = None,
    valid_on: datetime.date | None = None,
) -> st.SearchStrategy[Certification]:
    """Certifications as partner data names them.

    *eligible* ``True`` draws only certifications that make their holder
    count (at *level*, if given) on *valid_on*; ``False`` only ones that do
    not: names the ruleset does not know, certifications no metric lists,
    and, with a *valid_on* day, counting ones that expired, were not yet
    earned or are past their eligible-through date. ``None`` draws both.
    With *valid_on*, dates are drawn around that day; without it,
    certifications are undated. *ruleset* defaults to the Modern Work
    version in force on *valid_on* (today without one).

    Shrinks towards the ruleset's first counting certification, by its full
    name, undated.

    Raises:
        InvalidArgument: *level* is not one of the ruleset's levels, or no
            certification can be drawn as asked.
    """
    chosen = _one_ruleset(ruleset, valid_on)
    if level is not None and level not in chosen.levels():
        raise InvalidArgument(f"level={level!r} is not a level of {chosen}; its levels are {list(chosen.levels())}")
    if eligible not in (None, True, False):
        raise InvalidArgument(f"eligible={eligible!r} must be True, False or None")
    return _certifications(chosen, eligible=eligible, level=level, valid_on=valid_on)


# People -----------------------------------------------------------------------------

_ID_FORMATS: tuple[Callable[[int], str], ...] = (
    lambda n: f"p{n}",
    lambda n: f"emp-{n:04d}",
    lambda n: f"user{n}@contoso.com",
)


def _ids(count: int) -> st.SearchStrategy[list[str]]:
    """*count* distinct person ids in one of the forms partner exports use."""
    return st.sampled_from(_ID_FORMATS).map(lambda form: [form(index + 1) for index in range(count)])


def _check_sizes(min_size: int, max_size: int, what: str = "size") -> None:
    if not isinstance(min_size, int) or min_size < 0:
        raise InvalidArgument(f"min_{what}={min_size!r} must be a whole number, at least 0")
    if not isinstance(max_size, int) or max_size < min_size:
        raise InvalidArgument(f"max_{what}={max_size!r} must be a whole number, at least min_{what}={min_size}")


def people(
    *,
    ruleset: Ruleset | str | None = None,
    valid_on: datetime.date | None = None,
    min_size: int = 0,
    max_size: int = 10,
) -> st.SearchStrategy[tuple[Person, ...]]:
    """The people of a partner: distinct ids, each with up to four :func:`certifications`.

    Shrinks towards no people, then people without certifications, then
    people holding the ruleset's first counting certification.
    """
    _check_sizes(min_size, max_size)
    held = st.lists(certifications(ruleset=ruleset, valid_on=valid_on), max_size=4).map(tuple)
    return st.lists(held, min_size=min_size, max_size=max_size).flatmap(
        lambda certs: _ids(len(certs)).map(lambda ids: tuple(map(Person, ids, certs)))
    )


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
    return [metric for metric in ruleset.metrics if metric.measure != "certified_people"]


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

    Shrinks towards 0 everywhere.
    """
    return _path_metrics(_one_ruleset(ruleset, None), allow_negative=allow_negative)


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
    certified = max(plan.counted.values(), default=0)
    others = draw(st.integers(min_value=max(min_people - certified, 0), max_value=max_people - certified))
    not_counting = _certifications(ruleset, eligible=False, level=None, valid_on=as_of)
    held: list[tuple[Certification, ...]] = []
    for index in range(certified):
        certs = []
        for level, count in plan.counted.items():
            if index < count:
                eligible = _certifications(ruleset, eligible=True, level=level, valid_on=as_of)
                # sometimes a second certification of the level: it must change nothing
                certs += draw(st.lists(eligible, min_size=1, max_size=2))
        certs += draw(st.lists(not_counting, max_size=2))
        held.append(tuple(draw(st.permutations(certs))))
    held += [tuple(draw(st.lists(not_counting, max_size=3))) for _ in range(others)]
    ids = draw(_ids(len(held)))
    members = draw(st.permutations([Person(person_id, certs) for person_id, certs in zip(ids, held, strict=True)]))
    if customer_data:
        return Partner(
            partner_id=draw(st.sampled_from(_PARTNER_IDS)),
            as_of=as_of,
            people=tuple(members),
            customers=_customers_measuring(ruleset, as_of, plan.metrics),
        )
    return Partner(
        partner_id=draw(st.sampled_from(_PARTNER_IDS)),
        as_of=as_of,
        people=tuple(members),
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

    Shrinks towards a partner with as few people as the plan needs, the
    first date of the period, and measures of 0, or just enough to qualify.

    Raises:
        InvalidArgument: impossible sizes, or no partner can qualify under
            the ruleset with *max_people* (or on *as_of*).
    """
    _check_sizes(min_people, max_people, "people")
    if qualifying not in (None, True, False):
        raise InvalidArgument(f"qualifying={qualifying!r} must be True, False or None")
    pairs = _rulesets_and_dates(ruleset, as_of, qualifying=qualifying)
    chosen = _ruleset_argument(ruleset, as_of)
    candidates = [chosen] if chosen is not None else list(shipped_family(DEFAULT_ID).rulesets)
    for candidate in candidates:
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
        lambda pair: _partners(
            pair[0],
            pair[1],
            min_people=min_people,
            max_people=max_people,
            qualifying=qualifying,
            customer_data=customer_data,
        )
    )


def _check_customer_data(ruleset: Ruleset) -> None:
    measured = {metric.id for metric in ruleset.derived_metrics()}
    given = [metric.id for metric in _customer_metrics(ruleset) if metric.id not in measured]
    if ruleset.customer_data is None or given:
        raise InvalidArgument(
            f"customer_data=True: {ruleset} cannot measure every customer metric from customer data"
            + (f" ({', '.join(given)})" if given else "")
        )
    for path in ruleset.paths:
        spec = path.customers
        assert spec is not None  # noqa: S101 - checked when the ruleset loaded
        try:
            _deployment_seats(spec, ruleset.customer_data.deployment_share)
        except ValueError as error:
            raise InvalidArgument(f"customer_data=True: {error} on {path.id}") from None


def _deployment_seats(spec: Any, share: Fraction) -> tuple[int, int, int]:
    """Active users, and paid seats in the path's band with which they are deployed, and not: (users, deployed, not)."""
    low = spec.min_seats
    users = -(-low * share.numerator // share.denominator)  # the fewest deployed at the band's lowest seats
    more = users * share.denominator // share.numerator + 1  # the fewest seats at which they are not
    if spec.max_seats is not None and more > spec.max_seats:
        msg = f"no seat count in the band {low}..{spec.max_seats} makes {users} users not deployed"
        raise ValueError(msg)
    return users, low, more


def _customers_measuring(
    ruleset: Ruleset, as_of: datetime.date, metrics: Mapping[str, Mapping[str, Any]]
) -> tuple[Customer, ...]:
    """Customer data from which *ruleset* measures exactly *metrics* (see :func:`partners`)."""
    data = ruleset.customer_data
    assert data is not None  # noqa: S101 - checked by partners()
    lag, back = data.reference_month_lag, data.months_back
    now, then = _month_of(as_of, lag), _month_of(as_of, lag + back)
    # older than any window: the association's start changes nothing
    since = datetime.date.fromisoformat(_month_of(as_of, lag + back + data.new_association_months + 1) + "-01")
    # a workload every measured metric counts
    workload = sorted(set.intersection(*(set(ruleset.workloads_for(m.id)) for m in ruleset.derived_metrics())))[0]
    customers: list[Customer] = []

    def tenant(kind: str, rows: list[tuple[str, int, int]]) -> None:
        name = ruleset.association_type(kind).name
        usage = tuple(Usage(month, workload, paid, active) for month, paid, active in rows)
        customers.append(
            Customer(tenant=f"tenant-{len(customers) + 1}", associations=(Association(name, since),), usage=usage)
        )

    for path in ruleset.paths:
        spec = path.customers
        assert spec is not None  # noqa: S101
        users, deployed_at, not_at = _deployment_seats(spec, data.deployment_share)
        for metric in ruleset.derived_metrics():
            values = metrics.get(path.id, {}).get(metric.id, 0)
            if metric.from_customers == "tenants":
                count = values if isinstance(values, int) else 0
                for _ in range(abs(count)):  # counted in one month only, never deployed, no active user
                    tenant(spec.association_types[0], [(now if count > 0 else then, spec.min_seats, 0)])
                continue
            for option, value in values.items() if isinstance(values, Mapping) else ():
                if metric.from_customers == "active_users" and value:
                    # counted in both months, deployed in both: only its active users change
                    base = users + max(0, -value)
                    tenant(option, [(then, deployed_at, base), (now, deployed_at, base + value)])
                elif metric.from_customers == "deployed_tenants":
                    for _ in range(abs(value)):  # the same users, deployed in one month only
                        seats = (deployed_at, not_at) if value > 0 else (not_at, deployed_at)
                        tenant(option, [(now, seats[0], users), (then, seats[1], users)])
    return tuple(customers)


def from_ruleset(ruleset: Ruleset | str, *, max_people: int = 12) -> st.SearchStrategy[Partner]:
    """Partners that exercise *ruleset*: qualifying, failing and either, on days it is in force.

    Every certification of the ruleset appears, counting or not, with the
    measures clustered at its targets and thresholds. Use it in a ruleset's
    CI to cover a new version without writing a strategy::

        @given(mst.from_ruleset(ruleset))
        def test_new_version(partner):
            check_verdict(partner, mwrules.evaluate(partner, ruleset=ruleset), ruleset=ruleset)

    Shrinks towards a qualifying partner with just enough of everything.
    """
    chosen = _ruleset_argument(ruleset, None)
    if chosen is None:
        raise InvalidArgument("from_ruleset needs a ruleset")
    return st.one_of(
        partners(ruleset=chosen, max_people=max_people, qualifying=True),
        partners(ruleset=chosen, max_people=max_people, qualifying=False),
        partners(ruleset=chosen, max_people=max_people),
    )


# Customer data --------------------------------------------------------------------

#: Paid seats drawn for a usage row: clustered at the shipped seat bands' edges.
_SEATS = (0, 1, 10, 11, 12, 150, 299, 300, 301, 302, 1000, 5000)
#: A workload no Modern Work version lists: its rows are counted in the warnings, never used.
_OTHER_WORKLOAD = "Power BI"


def _month_of(day: datetime.date, back: int) -> str:
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@st.composite
def _customer(draw: st.DrawFn, ruleset: Ruleset, as_of: datetime.date, tenant: str) -> Customer:
    data = ruleset.customer_data
    assert data is not None  # noqa: S101 - checked by customers()
    lag, back = data.reference_month_lag, data.months_back
    # the months that matter, M back to M - 2 x months_back, and sometimes others
    offsets = sorted({lag, lag + back, lag + 2 * back, *range(lag, lag + data.new_association_months + 2)})
    kinds = [spelling for kind in data.association_types for spelling in (kind.name, *kind.aliases)]
    associations = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        start_back = draw(st.sampled_from(offsets))
        since = datetime.date.fromisoformat(_month_of(as_of, start_back) + "-01") + datetime.timedelta(
            days=draw(st.integers(min_value=0, max_value=27))
        )
        until = None
        if draw(st.booleans()) and draw(st.booleans()):
            until = since + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=800)))
        associations.append(Association(draw(st.sampled_from(kinds)), since, until))
    names: dict[str, list[str]] = {workload.name: [workload.name, *workload.aliases] for workload in ruleset.workloads}
    names[_OTHER_WORKLOAD] = [_OTHER_WORKLOAD]
    chosen = draw(st.lists(st.sampled_from(sorted(names)), min_size=1, max_size=3, unique=True))
    rows = []
    for month_back in draw(st.lists(st.sampled_from(offsets), min_size=1, max_size=5, unique=True)):
        for workload in chosen:
            if draw(st.booleans()):
                continue
            paid = draw(st.sampled_from(_SEATS))
            active = draw(st.integers(min_value=0, max_value=paid + 5))  # above paid: taken as it is
            rows.append(Usage(_month_of(as_of, month_back), draw(st.sampled_from(names[workload])), paid, active))
    return Customer(tenant=tenant, associations=tuple(associations), usage=tuple(draw(st.permutations(rows))))


def customers(
    *,
    ruleset: Ruleset | str | None = None,
    as_of: datetime.date | None = None,
    min_size: int = 0,
    max_size: int = 8,
) -> st.SearchStrategy[tuple[Customer, ...]]:
    """Customer data a partner may give (see ``docs/customer-data.md``), valid under *ruleset* on *as_of*.

    Each tenant has one or two associations (their types spelt as partner
    data does, starting in the months that matter to the measures, some
    ended) and usage rows for a few workloads in those months: the measured
    month M, M minus the comparison period, the months between, and the
    month twice as far back (for the carry-over). Seats cluster at the seat
    bands' edges; active users are sometimes above the paid seats. Workloads
    are spelt by their names or aliases, and some rows are of a workload no
    version lists. Every draw is valid: one row per month and workload.

    *ruleset* defaults to the Modern Work version in force on *as_of*, and
    *as_of* to a day in its period.

    Shrinks towards fewer tenants, with fewer rows.
    """
    _check_sizes(min_size, max_size)
    pairs = _rulesets_and_dates(ruleset, as_of, qualifying=None)
    chosen = _ruleset_argument(ruleset, as_of)
    for candidate in [chosen] if chosen is not None else list(shipped_family(DEFAULT_ID).rulesets):
        if candidate.customer_data is None:
            raise InvalidArgument(f"{candidate} measures nothing from customer data")

    def draw_customers(pair: tuple[Ruleset, datetime.date]) -> st.SearchStrategy[tuple[Customer, ...]]:
        ruleset, day = pair
        return st.integers(min_value=min_size, max_value=max_size).flatmap(
            lambda count: st.tuples(*(_customer(ruleset, day, f"tenant-{number}") for number in range(count)))
        )

    return pairs.flatmap(draw_customers)


# Documents --------------------------------------------------------------------------


def _as_documents(partner: Partner) -> st.SearchStrategy[dict[str, Any]]:
    document = partner_to_json(partner)
    # undated certifications are sometimes written as objects, as some exports do
    people = document["people"]
    return st.lists(st.booleans(), min_size=len(people), max_size=len(people)).map(
        lambda wrap: {
            **document,
            "people": [
                {
                    **person,
                    "certifications": [
                        {"name": cert} if flag and isinstance(cert, str) else cert for cert in person["certifications"]
                    ],
                }
                for person, flag in zip(people, wrap, strict=True)
            ],
        }
    )


def partner_documents(
    *,
    ruleset: Ruleset | str | None = None,
    min_people: int = 0,
    max_people: int = 12,
    qualifying: bool | None = None,
    as_of: datetime.date | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Partner documents: the JSON- and YAML-shaped mappings of :func:`partners` (same options).

    Dates are ``YYYY-MM-DD`` text. An undated certification is its name, or
    sometimes ``{"name": ...}``. :func:`mwrules.load_partner` reads every
    document without a problem.

    Shrinks as :func:`partners` does.
    """
    drawn = partners(ruleset=ruleset, min_people=min_people, max_people=max_people, qualifying=qualifying, as_of=as_of)
    return drawn.flatmap(_as_documents)


@attrs.frozen
class InvalidDocument:
    """A partner document with one mistake, where the mistake is, and its problem code."""

    document: Any
    where: str
    code: str
    kind: str


# Each kind of mistake: it changes a valid document (drawing what it needs)
# and returns the path of the mistake and its code.
_Mistake = Callable[[st.DrawFn, dict[str, Any], Ruleset], tuple[str, str]]


def _person(draw: st.DrawFn, document: dict[str, Any]) -> int:
    return draw(st.integers(min_value=0, max_value=len(document["people"]) - 1))


def _metric_values(draw: st.DrawFn, document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    path = draw(st.sampled_from(sorted(document["metrics"])))
    return path, document["metrics"][path]


def _missing_partner_id(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    del document["partner_id"]
    return "$.partner_id", codes.MISSING_KEY


def _unknown_key(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    key = draw(st.sampled_from(["partner_name", "asof", "employees", "metric"]))
    document[key] = "x"
    return f"$.{key}", codes.UNKNOWN_KEY


def _partner_id_not_text(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["partner_id"] = draw(st.sampled_from([42, None, ["contoso"]]))
    return "$.partner_id", codes.INVALID_VALUE


def _bad_date(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["as_of"] = draw(st.sampled_from(["2024-13-01", "30/06/2024", "20240630", "2024-6-30", 20240630]))
    return "$.as_of", codes.INVALID_VALUE


def _unknown_path(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["metrics"]["midmarket"] = {}
    return "$.metrics.midmarket", codes.UNKNOWN_PARTNER_METRIC


def _duplicate_person(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    people = document["people"]
    people.append(dict(people[_person(draw, document)]))
    return f"$.people[{len(people) - 1}].id", codes.DUPLICATE_PERSON


def _empty_person_id(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    document["people"][index]["id"] = draw(st.sampled_from(["", "  "]))
    return f"$.people[{index}].id", codes.EMPTY_PERSON_ID


def _expires_before_earned(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    certs = document["people"][index]["certifications"]
    certs.append({"name": ruleset.certifications[0].name, "earned": "2024-05-01", "expires": "2023-01-01"})
    return f"$.people[{index}].certifications[{len(certs) - 1}].expires", codes.EXPIRES_BEFORE_EARNED


def _certification_not_text(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    certs = document["people"][index]["certifications"]
    certs.append(draw(st.sampled_from([42, ["MS-700"], None])))
    return f"$.people[{index}].certifications[{len(certs) - 1}]", codes.INVALID_VALUE


def _unknown_metric(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    values["net_customer_add"] = 3
    return f"$.metrics.{path}.net_customer_add", codes.UNKNOWN_PARTNER_METRIC


def _people_metric_given(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from([metric.id for metric in ruleset.metrics if metric.level is not None]))
    values[metric_id] = 2
    return f"$.metrics.{path}.{metric_id}", codes.UNKNOWN_PARTNER_METRIC


def _count_not_whole(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from(sorted(values)))
    wrong = draw(st.sampled_from([2.5, "3", True]))
    if isinstance(values[metric_id], dict):
        option = draw(st.sampled_from(sorted(values[metric_id])))
        values[metric_id][option] = wrong
        return f"$.metrics.{path}.{metric_id}.{option}", codes.INVALID_VALUE
    values[metric_id] = wrong
    return f"$.metrics.{path}.{metric_id}", codes.INVALID_VALUE


def _unknown_option(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from(sorted(key for key, value in values.items() if isinstance(value, dict))))
    values[metric_id]["xpor"] = 5
    return f"$.metrics.{path}.{metric_id}.xpor", codes.UNKNOWN_PARTNER_METRIC


def _with_customer(document: dict[str, Any], ruleset: Ruleset) -> dict[str, Any]:
    """*document* given one valid customer tenant (its first row on the ruleset's first workload); the customer."""
    workload = ruleset.workloads[0].name if ruleset.workloads else "Teams"
    customer = {
        "tenant": "tenant-1",
        "associations": [{"type": "CPOR", "since": "2024-03-15"}],
        "usage": [{"month": "2025-10", "workload": workload, "paid_seats": 400, "active_users": 100}],
    }
    document["customers"] = [customer]
    return customer


def _unknown_association_type(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    _with_customer(document, ruleset)["associations"][0]["type"] = draw(st.sampled_from(["XPOR", "CPRO", "reseller"]))
    return "$.customers[0].associations[0].type", codes.UNKNOWN_ASSOCIATION_TYPE


def _bad_month(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    month = draw(st.sampled_from(["2025-13", "10/2025", "2025-1", "Oct-25", 202510]))
    _with_customer(document, ruleset)["usage"][0]["month"] = month
    return "$.customers[0].usage[0].month", codes.INVALID_VALUE


def _bad_seats(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    key = draw(st.sampled_from(["paid_seats", "active_users"]))
    _with_customer(document, ruleset)["usage"][0][key] = draw(st.sampled_from([-1, 2.5, "400", None]))
    return f"$.customers[0].usage[0].{key}", codes.INVALID_VALUE


def _duplicate_usage_row(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    usage = _with_customer(document, ruleset)["usage"]
    workload = draw(st.sampled_from([usage[0]["workload"].upper(), f" {usage[0]['workload']} "]))
    usage.append({**usage[0], "workload": workload, "active_users": 90})
    return "$.customers[0].usage[1]", codes.DUPLICATE_USAGE


def _duplicate_tenant(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    customer = _with_customer(document, ruleset)
    document["customers"].append({**customer, "tenant": draw(st.sampled_from(["TENANT-1", "tenant-1 "]))})
    return "$.customers[1].tenant", codes.DUPLICATE_TENANT


def _association_ends_before_it_starts(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    _with_customer(document, ruleset)["associations"][0]["until"] = draw(st.sampled_from(["2024-03-14", "2020-01-01"]))
    return "$.customers[0].associations[0].until", codes.ASSOCIATION_DATES


#: The kinds of mistake, and what a document needs to be given one (people, metrics, options).
_MISTAKES: dict[str, tuple[_Mistake, str]] = {
    "missing-partner-id": (_missing_partner_id, ""),
    "unknown-key": (_unknown_key, ""),
    "partner-id-not-text": (_partner_id_not_text, ""),
    "bad-date": (_bad_date, ""),
    "unknown-path": (_unknown_path, ""),
    "duplicate-person": (_duplicate_person, "people"),
    "empty-person-id": (_empty_person_id, "people"),
    "expires-before-earned": (_expires_before_earned, "people"),
    "certification-not-text": (_certification_not_text, "people"),
    "unknown-metric": (_unknown_metric, "metrics"),
    "people-metric-given": (_people_metric_given, "metrics"),
    "count-not-whole": (_count_not_whole, "metrics"),
    "unknown-option": (_unknown_option, "metrics"),
    "unknown-association-type": (_unknown_association_type, "customers"),
    "bad-month": (_bad_month, "customers"),
    "bad-seats": (_bad_seats, "customers"),
    "duplicate-usage-row": (_duplicate_usage_row, "customers"),
    "duplicate-tenant": (_duplicate_tenant, "customers"),
    "association-ends-before-it-starts": (_association_ends_before_it_starts, "customers"),
}


@st.composite
def _invalid(draw: st.DrawFn, ruleset: Ruleset | str | None) -> InvalidDocument:
    # the documents of partners() always have people (min_people=1) and every path's metrics
    document = copy.deepcopy(draw(partner_documents(ruleset=ruleset, min_people=1, max_people=4)))
    chosen = _ruleset_argument(ruleset, None) or shipped_family(DEFAULT_ID).rulesets[-1]
    kinds = [kind for kind, (_, needs) in _MISTAKES.items() if needs != "customers" or chosen.customer_data]
    kind = draw(st.sampled_from(["not-an-object", *kinds]))
    if kind == "not-an-object":
        return InvalidDocument(draw(st.sampled_from([[document], "contoso", 42])), "$", codes.INVALID_VALUE, kind)
    where, code = _MISTAKES[kind][0](draw, document, chosen)
    return InvalidDocument(document, where, code, kind)


def invalid_partner_documents(*, ruleset: Ruleset | str | None = None) -> st.SearchStrategy[InvalidDocument]:
    """Partner documents with exactly one mistake, with its place and its code.

    Each example is an :class:`InvalidDocument`: ``document``, ``where``
    (the JSON path of the mistake, as :class:`mwrules.Problem` reports it),
    ``code`` and ``kind``. The kinds of mistake are: not an object; a
    missing, unknown or mistyped key; a bad date; a duplicate or empty person
    id; a certification that expires before it was earned, or is not text;
    an unknown path, metric or association option; a certified-people metric
    given as a number; a count that is not a whole number; and in customer
    data, an unknown association type, a month written wrongly, a negative or
    non-whole count of seats or users, two rows for one month and workload
    (spelt two ways), a tenant given twice, an association ending before it
    starts.
    :func:`mwrules.load_partner` reports a problem at ``where``, and only
    there.

    Shrinks towards the first kind of mistake in a small valid document.
    """
    _ruleset_argument(ruleset, None)
    return _invalid(ruleset)

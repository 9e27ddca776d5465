"""Certifications as partner data spells them, and the people holding them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..model import Certification, Person
from ..ruleset import CertificationSpec, Ruleset, normalise_name
from .dates import _one_ruleset


#: Names of real certifications that no Modern Work version counts.
_OTHER_NAMES = ("AZ-104", "AZ-900", "PL-900", "SC-900", "Microsoft Certified: Azure Fundamentals", "DP-203")
_PARTNER_IDS = ("contoso", "fabrikam", "northwind", "litware", "adatum", "tailspin", "wingtip")


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


def _members(
    draw: st.DrawFn,
    ruleset: Ruleset,
    as_of: datetime.date,
    counted: Mapping[str, int],
    *,
    min_people: int,
    max_people: int,
) -> tuple[Person, ...]:
    """People: *counted* per set hold a certification of it valid on *as_of*; the rest hold none that counts.

    Person *i* counts in every set whose count is above *i*; with
    *min_people* and *max_people* people in all.
    """
    certified = max(counted.values(), default=0)
    others = draw(st.integers(min_value=max(min_people - certified, 0), max_value=max_people - certified))
    not_counting = _certifications(ruleset, eligible=False, level=None, valid_on=as_of)
    held: list[tuple[Certification, ...]] = []
    for index in range(certified):
        certs = []
        for level, count in counted.items():
            if index < count:
                eligible = _certifications(ruleset, eligible=True, level=level, valid_on=as_of)
                # sometimes a second certification of the level: it must change nothing
                certs += draw(st.lists(eligible, min_size=1, max_size=2))
        certs += draw(st.lists(not_counting, max_size=2))
        held.append(tuple(draw(st.permutations(certs))))
    held += [tuple(draw(st.lists(not_counting, max_size=3))) for _ in range(others)]
    ids = draw(_ids(len(held)))
    members = draw(st.permutations([Person(person_id, certs) for person_id, certs in zip(ids, held, strict=True)]))
    return tuple(members)

"""The days a timeline's inputs change: the ruleset versions in force, the months, and whom each level counts.

The timeline (:mod:`mwrules._tools.timeline`) evaluates only where these change.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Iterator

import attrs

from .. import codes
from .._evaluation.evaluate import checked, compiled_rules, prepare
from .._input import documents as _documents
from .._input.customers import day_month
from .._input.partner import choose_ruleset
from .._rulesets.versions import DEFAULT_ID, shipped_family
from ..errors import InputError, Problem
from ..limits import Limits
from ..model import Certification, Partner, Person
from ..ruleset import Ruleset


_ONE_DAY = datetime.timedelta(days=1)


@attrs.frozen
class _Period:
    """Days *first* through *last* under *ruleset*, with the partner checked under it."""

    ruleset: Ruleset
    first: datetime.date
    last: datetime.date
    partner: Partner
    #: Why this version: named, or in force on these days
    reason: str


def _periods(
    source: Partner | _documents.Document,
    ruleset: Ruleset | str | None,
    start: datetime.date,
    end: datetime.date,
    limits: Limits,
) -> list[_Period]:
    """The versions in force from the start of the attainment window before *start* through *end*."""
    checked_under: dict[int, Partner] = {}

    def partner_under(version: Ruleset) -> Partner:
        found = checked_under.get(id(version))
        if found is None:
            if isinstance(source, Partner):
                found = checked(source, version, limits)[0]
            else:
                found = prepare(source, version, limits)[0]
            checked_under[id(version)] = found
        return found

    if isinstance(ruleset, Ruleset) or (isinstance(ruleset, str) and "@" in ruleset):
        choice = choose_ruleset(ruleset, start)
        lookback = window_start(start, choice.ruleset.scoring.window_months)
        return [_Period(choice.ruleset, lookback, end, partner_under(choice.ruleset), choice.reason)]
    if ruleset is not None and not isinstance(ruleset, str):
        msg = f"ruleset must be a mwrules.Ruleset, a shipped ruleset's name or None, not {type(ruleset).__name__}"
        raise TypeError(msg)
    family = shipped_family(DEFAULT_ID if ruleset is None else ruleset)  # "" names no ruleset
    in_range = [
        (version, first, last)
        for version, first, last in family.periods()
        if first <= end and (last is None or last >= start)
    ]
    uncovered = _uncovered(start, end, [(first, last or end) for _, first, last in in_range])
    if uncovered:
        earliest = family.rulesets[0]
        raise InputError(
            [
                Problem(
                    "start",
                    f"no version of {family.id} is in force from {first} through {last}",
                    f"the earliest, {earliest.version}, takes effect on {earliest.manifest.effective_from}; "
                    f"start the range then, or name a version: --ruleset {family.id}@{earliest.version}",
                    code=codes.NO_VERSION_IN_FORCE,
                )
                for first, last in uncovered
            ],
            what="the timeline's range",
        )
    lookback = window_start(start, max(version.scoring.window_months for version, _, _ in in_range))
    periods = []
    for version, first, last in family.periods():
        if first <= end and (last is None or last >= lookback):
            periods.append(
                _Period(
                    version,
                    max(first, lookback),
                    min(last or end, end),
                    partner_under(version),
                    f"in force on each day: {family.period(version)}",
                )
            )
    return periods


def _uncovered(
    start: datetime.date, end: datetime.date, spans: list[tuple[datetime.date, datetime.date]]
) -> list[tuple[datetime.date, datetime.date]]:
    """The runs of days from *start* through *end* that no span covers."""
    gaps = []
    day = start
    for first, last in sorted(spans):
        if first > day:
            gaps.append((day, min(first - _ONE_DAY, end)))
        day = max(day, last + _ONE_DAY)
        if day > end:
            break
    if day <= end:
        gaps.append((day, end))
    return [(first, last) for first, last in gaps if first <= last]


def window_start(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month *months* - 1 months before *day*'s month."""
    year, month = divmod(day_month(day) - (months - 1), 12)
    return datetime.date(year, month + 1, 1)


def _month_starts(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The first days of months after *first* through *last*."""
    month = day_month(first) + 1
    while True:
        year, index = divmod(month, 12)
        day = datetime.date(year, index + 1, 1)
        if day > last:
            return
        yield day
        month += 1


def _month_pieces(first: datetime.date, last: datetime.date) -> Iterator[tuple[datetime.date, datetime.date]]:
    """*first* through *last*, cut at the months' ends."""
    for start in _month_starts(first, last):
        yield first, start - _ONE_DAY
        first = start
    yield first, last


@attrs.define
class _Levels:
    """Under one version: per level, each person's days counted at it (merged spans), and the certification events."""

    #: level -> person index -> sorted, disjoint (first, last) spans
    spans: dict[str, dict[int, list[tuple[datetime.date, datetime.date]]]]
    #: day -> level -> change in the number of people counted at it
    deltas: dict[datetime.date, dict[str, int]]
    #: day -> [(event kind, certification id, person index)]
    events: dict[datetime.date, list[tuple[str, str, int]]]
    #: level -> the count beyond which no path's points grow
    caps: dict[str, int]
    #: day -> [(level, person index, +1 or -1)]: a span of a person at a level starts, or ended the day before
    people: dict[datetime.date, list[tuple[str, int, int]]]
    #: person index -> the certifications that make them count at some level, with the days they do
    holding: dict[int, list[tuple[datetime.date, datetime.date, Certification]]]
    #: the version's first day, and per level the people it would count the day before (to name what changes then)
    first: datetime.date
    before: dict[str, set[int]]

    def holding_on(self, person: Person, index: int, day: datetime.date) -> Person:
        """*person* with only the certifications that make them count on *day* (the others make no engine fact)."""
        held = tuple(cert for begin, stop, cert in self.holding.get(index, ()) if begin <= day <= stop)
        return Person(person.id, held)

    def counted(self, level: str, person: int, day: datetime.date) -> bool:
        if day < self.first:
            return person in self.before[level]
        spans = self.spans[level].get(person, ())
        index = bisect.bisect_right(spans, (day, datetime.date.max)) - 1
        return index >= 0 and spans[index][0] <= day <= spans[index][1]


def people_caps(ruleset: Ruleset) -> dict[str, int]:
    """Per people set, the count beyond which no path's points change.

    A gate changes nothing past its need; a rate or target stops growing
    where it reaches its cap (its own, else the metric's maximum on the
    path). A set no path scores has a cap of 0.
    """
    caps = dict.fromkeys(ruleset.levels(), 0)
    for path in ruleset.paths:
        for metric_id, scored in ruleset.scored(path.id).items():
            metric = ruleset.metric(metric_id)
            people = metric.source.people
            if people is None:
                continue
            most = metric.max_points if scored.max_points is None else scored.max_points
            for _, term in scored.named(metric_id):
                name = term.of if term.of is not None else next(iter(people))
                if term.gate is not None:
                    saturated = math.ceil(term.gate.need)
                else:
                    cap = most if term.cap is None else min(term.cap, most)
                    saturated = math.ceil(cap / term.per_unit(most))
                caps[name] = max(caps[name], saturated)
    return caps


def _levels(period: _Period) -> _Levels:
    ruleset = period.ruleset
    resolve = compiled_rules(ruleset).resolve
    levels = ruleset.levels()
    caps = people_caps(ruleset)
    spans: dict[str, dict[int, list[tuple[datetime.date, datetime.date]]]] = {level: {} for level in levels}
    events: dict[datetime.date, list[tuple[str, str, int]]] = {}
    known: dict[str, tuple[str | None, tuple[str, ...], datetime.date | None]] = {}
    first, last = period.first, period.last
    holding: dict[int, list[tuple[datetime.date, datetime.date, Certification]]] = {}
    before: dict[str, set[int]] = {level: set() for level in levels}
    for index, person in enumerate(period.partner.people):
        held: dict[str, list[tuple[datetime.date, datetime.date]]] = {}
        for cert in person.certifications:
            entry = known.get(cert.name)
            if entry is None:
                cert_id = resolve(cert.name)
                counted_at = ruleset.counted_at(cert_id) if cert_id is not None else ()
                through = ruleset.certification(cert_id).eligible_through if counted_at and cert_id else None
                entry = known[cert.name] = (cert_id, counted_at, through)
            cert_id, counted_at, through = entry
            if not counted_at or cert_id is None:
                continue
            ends = [
                (day, kind) for day, kind in ((cert.expires, "expires"), (through, "ineligible")) if day is not None
            ]
            end, kind = min(ends) if ends else (None, "")
            if (cert.earned is None or cert.earned < first) and (end is None or end >= first - _ONE_DAY):
                for level in counted_at:  # counted the day before this version: what changes on its first day
                    before[level].add(index)
                if end == first - _ONE_DAY:
                    events.setdefault(first, []).append((kind, cert_id, index))
            begin = max(cert.earned or first, first)
            stop = min(end or last, last)
            if begin > stop:
                continue
            if cert.earned is not None and cert.earned == begin:
                events.setdefault(begin, []).append(("earned", cert_id, index))
            if end is not None and end == stop and stop < last:
                events.setdefault(stop + _ONE_DAY, []).append((kind, cert_id, index))
            for level in counted_at:
                held.setdefault(level, []).append((begin, stop))
            holding.setdefault(index, []).append((begin, stop, cert))
        for level, found in held.items():
            spans[level][index] = _merged(found)
    deltas: dict[datetime.date, dict[str, int]] = {}
    people: dict[datetime.date, list[tuple[str, int, int]]] = {}
    for level, counted in spans.items():
        for index, person_spans in counted.items():
            for begin, stop in person_spans:
                change = deltas.setdefault(begin, {})
                change[level] = change.get(level, 0) + 1
                people.setdefault(begin, []).append((level, index, 1))
                if stop < last:
                    change = deltas.setdefault(stop + _ONE_DAY, {})
                    change[level] = change.get(level, 0) - 1
                    people.setdefault(stop + _ONE_DAY, []).append((level, index, -1))
    return _Levels(spans, deltas, events, caps, people, holding, first, before)


def _merged(spans: list[tuple[datetime.date, datetime.date]]) -> list[tuple[datetime.date, datetime.date]]:
    """Overlapping or adjacent spans of days joined."""
    spans.sort()
    merged = [spans[0]]
    for begin, stop in spans[1:]:
        last_begin, last_stop = merged[-1]
        if begin <= last_stop + _ONE_DAY:
            merged[-1] = (last_begin, max(last_stop, stop))
        else:
            merged.append((begin, stop))
    return merged

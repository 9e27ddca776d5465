"""The words of a timeline's change dates: the certifications earned or no longer counting, and the gates they move.

A segment's cause (:meth:`.timeline._Builder.cause`) names what changed on
its first day; this module words the certification changes of that day, as
the version in force counts them, and the gates they open or close.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs

from ..ruleset import Ruleset
from ..verdict import Verdict, format_points
from .term_words import term_label
from .timeline_dates import _ONE_DAY, _Levels


#: Certification events named in one cause, the most people first
CAUSES_SHOWN = 3


def certification_events(levels: _Levels, ruleset: Ruleset, day: datetime.date) -> list[Event]:
    """The certification events of *day* under *ruleset* that change whom a people set counts, the most people first.

    On a version's first day these are the changes of the day before
    (an expiry) or of the day (an earning), as the version in force then
    counts: the version's own change is named apart.
    """
    grouped: dict[tuple[str, str], list[int]] = {}
    found: list[Event] = []
    for kind, cert_id, person in levels.events.get(day, ()):
        grouped.setdefault((kind, cert_id), []).append(person)
    for (kind, cert_id), people in grouped.items():
        spec = ruleset.certification(cert_id)
        effects, changed_sets = [], []
        for level in ruleset.counted_at(cert_id):
            changed = sum(
                levels.counted(level, person, day) != levels.counted(level, person, day - _ONE_DAY)
                for person in set(people)
            )
            if changed:
                verb = "gain" if kind == "earned" else "lose"
                effects.append(f"{changed} {verb}{'s' if changed == 1 else ''} {level}")
                changed_sets.append(level)
        if not effects:
            continue
        name = spec.name.rpartition(": ")[2]
        who = _people(len(set(people)))
        if kind == "earned":
            what = f"{name} earned by {who}"
        elif kind == "expires":  # it counts through its expiry day: the change is the day after
            what = f"{name} stops counting after it expires on {day - _ONE_DAY}, for {who}"
        else:
            what = f"{name} stops counting under {ruleset} after {spec.eligible_through}, for {who}"
        found.append(Event(len(set(people)), what, tuple(effects), tuple(changed_sets)))
    found.sort(key=lambda event: -event.people)
    return found


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


@attrs.frozen
class Event:
    """Certifications earned or no longer counting on a day, for *people* people, and the sets whose counts move."""

    people: int
    what: str
    effects: tuple[str, ...]
    sets: tuple[str, ...]


def certification_causes(events: list[Event]) -> list[str]:
    """The certification events in words, at most :data:`CAUSES_SHOWN` of them."""
    shown = [f"{event.what}: {', '.join(event.effects)}" for event in events[:CAUSES_SHOWN]]
    if len(events) > CAUSES_SHOWN:
        shown.append(f"{len(events) - CAUSES_SHOWN} more certification changes")
    return shown


def gate_causes(
    ruleset: Ruleset, before: Verdict | None, after: Verdict | None, events: list[Event]
) -> tuple[list[str], set[Event]]:
    """The gates met on one side of a change date and not on the other, each with the events behind it; those events.

    "step 1 of skilling on enterprise and smb opens (1 of 1 a_holders): Teams Administrator Associate earned by
    1 person (1 gains a_holders)"; the paths where the same gate changes alike are named together. An event
    named behind a gate is not named again among the day's other certification events.
    """
    named: set[Event] = set()
    if before is None or after is None:
        return [], named
    changes: dict[tuple[str, str, str], list[str]] = {}
    for path_id, result in after.paths.items():
        earlier = before.paths.get(path_id)
        for metric_id, metric in result.metrics.items():
            was = earlier.metrics.get(metric_id) if earlier is not None else None
            for term_id, term in metric.terms.items():
                old = was.terms.get(term_id) if was is not None else None
                if term.met is None or old is None or old.met == term.met:
                    continue
                scored = ruleset.path(path_id).metrics[metric_id]
                gate = next(spec.gate for key, spec in scored.named(metric_id) if key == term_id)
                assert gate is not None  # noqa: S101 - only a gate is met or not
                verb = "opens" if term.met else "closes"
                count = f"{_number(term.measure)} of {_number(gate.need)}{f' {term.of}' if term.of else ''}"
                behind = [event for event in events if term.of is not None and term.of in event.sets]
                named.update(behind)
                key = (
                    f"{term_label(scored, metric_id, term_id)} of {metric_id}",
                    f"{verb} ({count})",
                    ": " + ", ".join(f"{event.what} ({', '.join(event.effects)})" for event in behind)
                    if behind
                    else "",
                )
                changes.setdefault(key, []).append(path_id)
    texts = [f"{what} on {' and '.join(paths)} {change}{behind}" for (what, change, behind), paths in changes.items()]
    return texts, named


def _number(value: int | Fraction) -> str:
    return format_points(Fraction(value))

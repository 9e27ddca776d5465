"""The people of a partner as engine facts: one fact per level, listing its certifications held and their holders.

A certification as written (name, earned, expires) is worked out once, with
every place it is held (:func:`held`): the same few dozen names recur across
hundreds of people, and the six designations of one partner read the same
people again (``evaluate_designations`` finds them once). What it comes to on a day (its id,
or why it does not count) is kept per compiled ruleset (``statuses``).
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Sequence
from itertools import islice
from typing import Any

import attrs

from .._rulesets.shipped_names import elsewhere
from ..errors import NearMisses
from ..model import Certification, Person
from ..ruleset import Ruleset
from ..verdict import ForAnother
from .compile import CompiledRules


#: A certification as written: name, earned, expires
Written = tuple[str, datetime.date | None, datetime.date | None]
#: A place a certification is held: the person's place in ``partner.people``, and the certification's in theirs
Place = tuple[int, int]


@attrs.frozen
class Held:
    """A certification as written, and every place it is held, in the order of the people."""

    certification: Certification
    places: tuple[Place, ...]

    @property
    def holders(self) -> list[int]:
        """The place of each holder in ``partner.people``: twice for a person who holds it twice."""
        return [person for person, _ in self.places]


@attrs.frozen
class HeldPeople:
    """The certifications of a partner's people, each as written once (see :func:`held`)."""

    certifications: tuple[Held, ...]
    #: Per name, each way it is written (dates)
    ways: dict[str, list[Held]]
    _warned: dict[str, tuple[Place, str]] = attrs.field(init=False, factory=dict)

    def first_and_more(self, name: str) -> tuple[Place, str]:
        """Where *name* is first held, however written, and how many more hold it ("; and 2 more like it (...)").

        What the warning of a name that counts only elsewhere says, the same
        in every designation: worked out once.
        """
        known = self._warned.get(name)
        if known is None:
            known = self._warned[name] = _first_and_more(self.ways[name])
        return known


def held(people: Sequence[Person]) -> HeldPeople:
    """Each certification of *people* as written, once, with its places; in the order first held."""
    places: dict[Written, list[Place]] = {}
    first: dict[Written, Certification] = {}
    for index, person in enumerate(people):
        for position, cert in enumerate(person.certifications):
            key = (cert.name, cert.earned, cert.expires)
            found = places.get(key)
            if found is None:
                places[key] = [(index, position)]
                first[key] = cert
            else:
                found.append((index, position))
    certifications = tuple(Held(first[key], tuple(spots)) for key, spots in places.items())
    ways: dict[str, list[Held]] = {}
    for written in certifications:
        ways.setdefault(written.certification.name, []).append(written)
    return HeldPeople(certifications, ways)


def _first_and_more(ways: list[Held]) -> tuple[Place, str]:
    """Where one name is first held, however it is written, and how many more hold it, with the next few places."""
    spots = (
        ways[0].places
        if len(ways) == 1
        else tuple(islice(heapq.merge(*(way.places for way in ways)), 1 + PLACES_SHOWN))
    )
    more = sum(len(way.places) for way in ways) - 1
    if not more:
        return spots[0], ""
    shown = ", ".join(map(_at, spots[1 : 1 + PLACES_SHOWN]))
    return spots[0], f"; and {more} more like it ({shown}{', …' if more > PLACES_SHOWN else ''})"


def certification_facts(
    people: HeldPeople, compiled: CompiledRules, as_of: datetime.date, warnings: list[str]
) -> list[dict[str, Any]]:
    """The engine facts of the certifications *people* hold on *as_of*; what does not count, in *warnings*.

    One fact per level (people set) at which a counted certification is
    eligible, in the ruleset's order of levels, listing those certifications
    by id and the holders of each (``_holders``, sorted by id, for Python
    alone): a level's rule then fires once, however many certifications and
    people there are, and neither the engine nor the trace depends on the
    order of people in the input. The engine sees the level only, never the
    partner's text. Each certification that does not count is a warning at
    its place, in the order of the people; a name another designation counts
    is one warning, where it is first held, with how many more hold it.
    """
    near: list[NearMisses] = []  # made at the first unknown name
    counted: dict[str, list[Held]] = {}
    placed: list[tuple[Place, str, bool]] = []  # and whether it is another designation's certification
    others: dict[str, tuple[str, bool]] = {}  # a name another ruleset lists -> why not here, and if it is theirs
    for written in people.certifications:
        cert = written.certification
        cert_id, reason = known_status(cert, compiled, as_of, near)
        if reason is None:
            counted.setdefault(cert_id, []).append(written)
        elif cert_id in (ELSEWHERE, THEIRS):
            others[cert.name] = (reason, cert_id == THEIRS)
        else:
            text = f"{cert.name!r} {reason}"
            placed.extend((place, text, False) for place in written.places)
    for name, (reason, theirs) in others.items():
        place, more = people.first_and_more(name)
        placed.append((place, f"{name!r} {reason}{more}", theirs))
    placed.sort(key=lambda entry: entry[0])
    warnings.extend((ForAnother if theirs else str)(f"{_at(place)}: {text}") for place, text, theirs in placed)
    ruleset = compiled.ruleset
    by_id = sorted(counted.items())
    facts = []
    for level in ruleset.levels():
        eligible = ruleset.level_certifications(level)
        holders = {cert_id: _holders(ways) for cert_id, ways in by_id if cert_id in eligible}
        if holders:
            facts.append({"t": "certified", "level": level, "_holders": holders})
    return facts


def _holders(ways: list[Held]) -> list[int]:
    """The holders of one certification id, however it is written, in the order of the people."""
    return ways[0].holders if len(ways) == 1 else sorted(index for way in ways for index in way.holders)


def _at(place: Place) -> str:
    return f"$.people[{place[0]}].certifications[{place[1]}]"


#: How many more holders of a name another designation counts its warning names
PLACES_SHOWN = 3
#: The id _status gives a spelling another shipped ruleset writes of a certification this one lists by other names
ELSEWHERE = "\x00elsewhere"
#: The id _status gives a certification of another designation (another shipped ruleset lists it; this one does not)
THEIRS = "\x00theirs"
#: How many statuses a compiled ruleset keeps (each a few hundred bytes)
STATUSES_KEPT = 20_000


def known_status(
    cert: Certification, compiled: CompiledRules, as_of: datetime.date, near: list[NearMisses]
) -> tuple[str, str | None]:
    """:func:`_status`, worked out once per certification as written and day, except for names none lists.

    A name no shipped ruleset lists gets its "did you mean" from this
    evaluation's search, whose budget is its own: it is never kept.
    """
    key = (cert.name, cert.earned, cert.expires, as_of)
    known = compiled.statuses.get(key)
    if known is not None:
        return known
    status = _status(cert, compiled, as_of, near)
    if status[0] and len(compiled.statuses) < STATUSES_KEPT:
        compiled.statuses[key] = status
    return status


def _status(
    cert: Certification, compiled: CompiledRules, as_of: datetime.date, near: list[NearMisses]
) -> tuple[str, str | None]:
    """The id *cert* counts as on *as_of*, and None; or why it does not count.

    An unknown name that another shipped ruleset lists is said to be its
    (and its id is :data:`THEIRS`, or :data:`ELSEWHERE` for a spelling of
    one of this ruleset's: its warnings are gathered into one);
    any other gets a "did you mean" from *near*, the evaluation's search
    (made here at the first such name): the first
    :data:`~mwrules.errors.SUGGESTIONS` distinct names are searched.
    """
    ruleset = compiled.ruleset
    cert_id = compiled.resolve(cert.name)
    if cert_id is None:
        others = elsewhere(cert.name, ruleset)
        if others is not None:
            return THEIRS if others.theirs else ELSEWHERE, f"{others.reason}; not counted"
        if not near:
            near.append(compiled.near_misses())
        close = near[0](cert.name)
        hint = f" (did you mean {close!r}?)" if close is not None else ""
        return "", f"is not a certification of {ruleset}; not counted{hint}"
    if cert.earned is not None and cert.earned > as_of:
        return cert_id, f"was earned on {cert.earned}, after {as_of}; not counted"
    if cert.expires is not None and cert.expires < as_of:
        return cert_id, f"expired on {cert.expires}, before {as_of}; not counted"
    why_not = _not_eligible(ruleset, cert_id, as_of)
    return cert_id, None if why_not is None else f"{why_not}; not counted"


def _not_eligible(ruleset: Ruleset, cert_id: str, as_of: datetime.date) -> str | None:
    """Why a certification valid on *as_of* cannot make its holder count under *ruleset*, if it cannot."""
    spec = ruleset.certification(cert_id)
    if not ruleset.counted_at(cert_id):
        return f"({spec.name}) is not eligible under {ruleset}"
    if not spec.eligible_on(as_of):
        retired = f"retired on {spec.retired} and " if spec.retired else ""
        return f"({spec.name}) {retired}counts under {ruleset} only through {spec.eligible_through}"
    return None

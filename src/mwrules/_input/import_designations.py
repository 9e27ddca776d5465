"""What an import needs of every designation: which titles to keep, the name to write, whom each counts, what to add.

A trainings download holds the certifications of every solution area. An
import keeps each one that some shipped ruleset lists, every version of
every family under ``rulesets/`` (found there, never named here): the
document then serves every designation, whichever version a later
evaluation picks. :class:`Catalogue` holds their spellings; the one of the
shipped rulesets is built once per process and shared by every import.

The designations an import reports on are the shipped families, each as the
version in force on the import's day (the import's own ruleset standing in
for its family). :func:`to_add` lists what they read that no Partner
Center download carries: the facts they are classified by and the metrics
that are neither counted from people nor measured from customer usage.
"""

from __future__ import annotations

import datetime
import difflib
import threading
from collections.abc import Iterable, Sequence

from .._rulesets.versions import Family, shipped_family, shipped_ids
from ..errors import Closest
from ..model import Certification
from ..ruleset import Ruleset, normalise_name
from .import_report import ToAdd
from .text import short_cached


__all__ = [
    "Catalogue",
    "a_typo",
    "catalogue_for",
    "designations_on",
    "people_per_designation",
    "people_per_level",
    "to_add",
]

#: How alike a title and a listed spelling must be (difflib's ratio) for the title to be a near miss.
CLOSE = 0.9
#: How alike the words a near miss changes must be to the words they stand for (difflib's ratio)
_WORDS_ALIKE = 0.6


class Catalogue:
    """The certifications some rulesets list, by every spelling (case and spaces ignored).

    For a title, whether any of the rulesets lists it, the name an imported
    document writes for it (one that every ruleset listing the certification
    recognises), and the id it has in a given ruleset.
    """

    def __init__(self, rulesets: Sequence[Ruleset]) -> None:
        self.rulesets = tuple(rulesets)
        #: per spelling, normalised: the ruleset (its index) -> the id of the certification it spells there
        self._ids: dict[str, dict[int, str]] = {}
        #: per spelling, normalised: the first way it is written (for "did you mean")
        self.spellings: dict[str, str] = {}
        every: set[str] = set()
        for index, ruleset in enumerate(self.rulesets):
            for cert in ruleset.certifications:
                for spelling in (cert.name, *cert.aliases):
                    every.add(spelling)
                    self._ids.setdefault(normalise_name(spelling), {}).setdefault(index, cert.id)
        for spelling in sorted(every):
            self.spellings.setdefault(normalise_name(spelling), spelling)
        #: per spelling, normalised: the name to write instead of the title (None: the title will do)
        self._written = {key: self._better_name(key) for key in self._ids}
        #: per listed spelling's words after its prefix ("Microsoft 365 Certified: "), normalised: that spelling
        self._unprefixed = self._prefixed_spellings()
        self._closest: list[Closest] = []  # made at the first near-miss search
        self._lock = threading.Lock()

    def listed(self, title: str) -> bool:
        """Whether one of the rulesets lists the certification *title* names."""
        return _key(title) in self._ids

    def written(self, title: str) -> str:
        """The name a document writes for *title* (a listed one): *title*, unless a ruleset listing it would not
        know it by that spelling (an alias only one ruleset has): then the full name they all know."""
        return self._written.get(_key(title)) or title

    def cert_id(self, title: str, ruleset: int) -> str | None:
        """The id of the certification *title* names in the ruleset at index *ruleset*, if that ruleset lists it."""
        return self._ids.get(_key(title), {}).get(ruleset)

    def ids(self, title: str) -> dict[int, str]:
        """Per ruleset (its index) that lists the certification *title* names, its id there."""
        return self._ids.get(_key(title), {})

    def with_prefix(self, title: str) -> str | None:
        """The listed spelling *title* is, but for its prefix ("Administrator Expert": "Microsoft 365 Certified:
        Administrator Expert"), if it is one certification's; None for a listed title, or one no spelling ends in."""
        return self._unprefixed.get(_key(title))

    def _prefixed_spellings(self) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        for key in self.spellings:
            _, colon, rest = key.partition(": ")
            if colon and rest not in self._ids:
                found.setdefault(rest, []).append(key)
        # a rest that several certifications' spellings end in ("Fundamentals" of two areas) names none of them
        return {
            rest: self.spellings[keys[0]]
            for rest, keys in found.items()
            if all(self._ids[key] == self._ids[keys[0]] for key in keys)
        }

    def closest(self) -> Closest:
        """The near-miss search over the listed spellings (normalised), prepared once per catalogue."""
        with self._lock:
            if not self._closest:
                self._closest.append(Closest(self.spellings, cutoff=CLOSE))
            return self._closest[0]

    def _better_name(self, key: str) -> str | None:
        listing = self._ids[key]
        names = sorted({self.rulesets[index].certification(cert_id).name for index, cert_id in listing.items()})
        # Every ruleset that lists the certification under one of its full names lists it: it must know the name
        everyone = set(listing).union(*(self._ids.get(normalise_name(name), {}) for name in names))
        if everyone <= set(listing):
            return None
        return next((name for name in names if everyone <= set(self._ids[normalise_name(name)])), None)


def a_typo(title: str, spelling: str) -> bool:
    """Whether *title*, close to *spelling*, misspells it: every word it changes is alike, never another word.

    "Azure Data Engineer Associate" is as close to "Azure AI Engineer
    Associate" as a typo, but names another (retired) certification.
    """
    words, known = title.split(), spelling.split()
    for tag, start, end, known_start, known_end in difflib.SequenceMatcher(None, words, known).get_opcodes():
        if tag == "replace":
            changed, meant = " ".join(words[start:end]), " ".join(known[known_start:known_end])
            if difflib.SequenceMatcher(None, changed, meant).ratio() < _WORDS_ALIKE:
                return False
    return True


# A download repeats the same few titles in every row: each is normalised once (the last few thousand)
_key = short_cached(maxsize=4096)(normalise_name)


# The shipped rulesets' catalogue, and the families it was built from: built again only when they change
_shipped: list[tuple[tuple[Family, ...], Catalogue]] = []
_shipped_lock = threading.Lock()


def shipped_catalogue() -> Catalogue:
    """The catalogue of every version of every shipped ruleset, built once per process.

    Raises:
        RulesetError: a shipped ruleset has a problem.
    """
    families = tuple(shipped_family(family_id) for family_id in shipped_ids())
    with _shipped_lock:
        if _shipped and _same(_shipped[0][0], families):
            return _shipped[0][1]
        catalogue = Catalogue([ruleset for family in families for ruleset in family.rulesets])
        _shipped[:] = [(families, catalogue)]
        return catalogue


def _same(kept: Sequence[Family], found: Sequence[Family]) -> bool:
    return len(kept) == len(found) and all(old is new for old, new in zip(kept, found, strict=True))


def catalogue_for(ruleset: Ruleset) -> Catalogue:
    """The shipped rulesets' catalogue, with *ruleset* in it (a ruleset loaded from a file is added, per call)."""
    shipped = shipped_catalogue()
    if any(ruleset is known for known in shipped.rulesets):
        return shipped
    return Catalogue([ruleset, *shipped.rulesets])


def designations_on(ruleset: Ruleset, day: datetime.date) -> tuple[list[Ruleset], list[str]]:
    """The designations an import reports on: *ruleset* first, then each other shipped family's version in force
    on *day*; and the families with no version in force then."""
    found, not_in_force = [ruleset], []
    for family_id in shipped_ids():
        if family_id == ruleset.id:
            continue
        version = shipped_family(family_id).in_force(day)
        if version is None:
            not_in_force.append(family_id)
        else:
            found.append(version)
    return found, not_in_force


def people_per_level(
    catalogue: Catalogue, ruleset: Ruleset, people: Iterable[Sequence[Certification]], day: datetime.date
) -> dict[str, int]:
    """Per people set (level) of *ruleset*, the people holding on *day* a certification that counts there."""
    own = _index_of(catalogue, ruleset)
    counts = dict.fromkeys(ruleset.levels(), 0)
    for certifications in people:
        held: set[str] = set()
        for cert in certifications:
            cert_id = catalogue.cert_id(cert.name, own)
            if cert_id is not None and cert.valid_on(day) and ruleset.certification(cert_id).eligible_on(day):
                held.update(ruleset.counted_at(cert_id))
        for level in held:
            counts[level] += 1
    return counts


def people_per_designation(
    catalogue: Catalogue, designations: Sequence[Ruleset], people: Iterable[Sequence[Certification]], day: datetime.date
) -> dict[str, int]:
    """Per designation, the people holding on *day* a certification it counts (valid, eligible, in a people set)."""
    # per designation (its index in the catalogue), the certifications it counts on day
    counted = {
        _index_of(catalogue, designation): {
            cert.id for cert in designation.certifications if cert.eligible_on(day) and designation.counted_at(cert.id)
        }
        for designation in designations
    }
    counts = dict.fromkeys((catalogue.rulesets[index].id for index in counted), 0)
    for certifications in people:
        held = {
            index
            for cert in certifications
            if cert.valid_on(day)
            for index, cert_id in catalogue.ids(cert.name).items()
            if cert_id in counted.get(index, ())
        }
        for index in held:
            counts[catalogue.rulesets[index].id] += 1
    return counts


def _index_of(catalogue: Catalogue, ruleset: Ruleset) -> int:
    """Where *ruleset* (this very object) is among the catalogue's rulesets."""
    return next(index for index, known in enumerate(catalogue.rulesets) if known is ruleset)


def to_add(evaluated: Ruleset, designations: Sequence[Ruleset]) -> tuple[ToAdd, ...]:
    """What *designations* read that no download carries, and where it goes in the document.

    Each fact a designation needs (``facts.<id>``), once for all that read
    it; each metric neither counted from people nor measured from customer
    usage: ``metrics.<path>.<metric>`` for the *evaluated* ruleset,
    ``designations.<id>.metrics.<path>.<metric>`` for the others.
    """
    facts: dict[str, ToAdd] = {}
    metrics = []
    for designation in designations:
        for fact in designation.facts:
            if fact.id in designation.needed_facts():
                seen = facts.get(fact.id)
                readers = (*seen.designations, designation.id) if seen else (designation.id,)
                facts[fact.id] = ToAdd(where=f"facts.{fact.id}", title=fact.title, designations=readers)
        prefix = "metrics" if designation is evaluated else f"designations.{designation.id}.metrics"
        for metric in designation.metrics:
            if metric.source.people is not None or metric.from_customers is not None:
                continue
            paths = tuple(path.id for path in designation.paths if metric.id in path.metrics)
            parts = tuple(dict.fromkeys(part for path in paths for part in designation.options(path, metric.id)))
            where = f"{prefix}.{paths[0] if len(paths) == 1 else '<' + '|'.join(paths) + '>'}.{metric.id}"
            metrics.append(
                ToAdd(where=where, title=metric.title, designations=(designation.id,), paths=paths, parts=parts)
            )
    return (*facts.values(), *metrics)

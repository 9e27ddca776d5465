"""Which shipped rulesets list a certification name, for the warning on a name the evaluated ruleset does not know.

A partner's people hold certifications of every area; a name the evaluated
ruleset does not list is often another designation's (AZ-104 in a Modern Work
evaluation), and a "did you mean" pointing at one of this ruleset's
certifications would mislead.

The spellings of every shipped version are read at the first such name in a
process (never for an evaluation whose names are all known) and kept. They
come from :data:`INDEX`, written beside the rulesets, while it matches their
files; reading five rulesets' YAML instead would double the cost of a first
evaluation.
"""

from __future__ import annotations

import binascii
import json
import os
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import RulesetError
from ..ruleset import Ruleset, normalise_name, rulesets_dir
from .model import CertificationSpec
from .versions import shipped_family, shipped_ids


#: The index of the shipped rulesets' spellings, in their folder: written by ``python tests/docs_pages.py``
#: (tests/test_counted_elsewhere.py fails when it is not current), with a CRC-32 of each file it was read from
INDEX = "certification-names.json"


@attrs.frozen
class Listing:
    """One shipped version that lists a certification, and whether it counts it in a people set."""

    family: str
    version: str
    counts: bool
    #: Whether *version* is the family's newest
    newest: bool
    #: The certification's full name there (another ruleset may list the same one under other spellings)
    name: str


# Per rulesets folder: each spelling (normalised) -> the versions listing it, as INDEX writes them
_listings: dict[Path, Mapping[str, list[list[Any]]]] = {}
_lock = threading.Lock()


def _reset_lock_in_child() -> None:
    global _lock  # noqa: PLW0603 - a lock held by another thread at fork() stays held in the child
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_lock_in_child)


def listings(name: str) -> tuple[Listing, ...]:
    """Every shipped version that lists a certification spelled *name* (case and spaces ignored).

    Read from the index beside the rulesets while it matches them, else from
    the rulesets themselves; a shipped ruleset with a problem lists nothing
    (it cannot be evaluated).
    """
    folder = rulesets_dir()
    index = _listings.get(folder)
    if index is None:
        with _lock:
            index = _listings.get(folder)
            if index is None:
                index = _listings[folder] = _read(folder)
    return tuple(Listing(*listing) for listing in index.get(normalise_name(name), ()))


def _read(folder: Path) -> Mapping[str, list[list[Any]]]:
    try:
        written = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written = None
    current = isinstance(written, dict) and isinstance(written.get("spellings"), dict)
    if not current or written.get("files") != _fingerprints(folder):
        written = gathered()
    spellings: Mapping[str, list[list[Any]]] = written["spellings"]
    return spellings


def _fingerprints(folder: Path) -> dict[str, int]:
    """Each version file of the shipped rulesets (``<id>/<version>.yaml``) and the CRC-32 of its bytes."""
    # os.scandir, not Path.glob: the glob took as long as the rest of the first look-up
    found: dict[str, int] = {}
    with os.scandir(folder) as families:
        for family in families:
            if family.is_dir():
                with os.scandir(family.path) as files:
                    found.update(
                        (f"{family.name}/{file.name}", binascii.crc32(Path(file.path).read_bytes()))
                        for file in files
                        if file.name.endswith(".yaml") and file.is_file()
                    )
    return dict(sorted(found.items()))


def gathered() -> dict[str, Any]:
    """The index of the shipped rulesets, read from their files: what :data:`INDEX` holds."""
    spellings: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for family_id in shipped_ids():
        try:
            versions = shipped_family(family_id).rulesets
        except RulesetError:
            continue
        for ruleset in versions:
            for cert in ruleset.certifications:
                counts = bool(ruleset.counted_at(cert.id))
                listing = [family_id, ruleset.version, counts, ruleset is versions[-1], cert.name]
                for spelling in sorted({normalise_name(spelling) for spelling in (cert.name, *cert.aliases)}):
                    spellings[spelling].append(listing)
    return {"files": _fingerprints(rulesets_dir()), "spellings": dict(sorted(spellings.items()))}


def index_text() -> str:
    """The text of :data:`INDEX` for the shipped rulesets."""
    index = gathered()
    files = ",\n".join(f"  {json.dumps(name)}: {crc}" for name, crc in index["files"].items())
    spellings = ",\n".join(
        f"  {json.dumps(spelling, ensure_ascii=False)}: {json.dumps(found)}"
        for spelling, found in index["spellings"].items()
    )
    return f'{{\n "files": {{\n{files}\n }},\n "spellings": {{\n{spellings}\n }}\n}}\n'


#: Answers of elsewhere(), per (rulesets folder, spelling, ruleset): the same names recur in every partner
_answers: dict[tuple[Path, str, str, str, str], Elsewhere | None] = {}
_ANSWERS_KEPT = 10_000
_UNANSWERED: Any = object()


@attrs.frozen
class Elsewhere:
    """Why a name that *ruleset* does not list and another shipped ruleset lists does not count under it."""

    reason: str
    #: Another designation's certification; else a spelling of one of this ruleset's, as another ruleset writes it
    theirs: bool


def elsewhere(name: str, ruleset: Ruleset) -> Elsewhere | None:
    """Why *name*, which *ruleset* does not list, does not count, when another shipped ruleset lists it; else None.

    Answered once per spelling and ruleset (see :func:`_elsewhere`).
    """
    key = (rulesets_dir(), normalise_name(name), ruleset.id, ruleset.version, str(ruleset.source))
    answer = _answers.get(key, _UNANSWERED)
    if answer is _UNANSWERED:
        answer = _elsewhere(name, ruleset)
        if len(_answers) < _ANSWERS_KEPT:
            _answers[key] = answer
    return answer  # type: ignore[no-any-return]


def _elsewhere(name: str, ruleset: Ruleset) -> Elsewhere | None:
    """Why *name*, which *ruleset* does not list, does not count, when another shipped ruleset lists it; else None.

    >>> from mwrules import select_ruleset
    >>> elsewhere("AZ-104", select_ruleset("modern-work@2026-01").ruleset).reason
    'is a certification counted by data-ai, digital-app-innovation and infrastructure, not by modern-work 2026-01'
    """
    others = [
        listing for listing in listings(name) if (listing.family, listing.version) != (ruleset.id, ruleset.version)
    ]
    own = _listed_here(others, ruleset)
    if own is not None:
        spellings = " or ".join(repr(spelling) for spelling in (own.name, *own.aliases[:1]))
        same = [listing for listing in others if normalise_name(listing.name) == normalise_name(own.name)]
        how = "counts" if ruleset.counted_at(own.id) else "lists, without counting it,"
        return Elsewhere(
            f"is a spelling of {own.name!r} ({_named(same, ruleset)}'s), which {ruleset} {how} under its own names "
            f"only (write {spellings})",
            theirs=False,
        )
    counting = [listing for listing in others if listing.counts]
    if counting:
        return Elsewhere(f"is a certification counted by {_named(counting, ruleset)}, not by {ruleset}", theirs=True)
    if others:
        why = f"is a certification of {_named(others, ruleset)}, which does not count it either, not of {ruleset}"
        return Elsewhere(why, theirs=True)
    return None


def _listed_here(others: Sequence[Listing], ruleset: Ruleset) -> CertificationSpec | None:
    """The certification of *ruleset* that *others* list under another spelling, if it lists one of theirs.

    Security's "Microsoft Identity and Access Administrator" is SC-300,
    which Modern Work counts under its own names: "counted by security, not
    by modern-work" would be false.
    """
    names = {normalise_name(listing.name) for listing in others}
    return next((cert for cert in ruleset.certifications if normalise_name(cert.name) in names), None)


def _named(found: Sequence[Listing], ruleset: Ruleset) -> str:
    """The families of *found*, each by its id alone when its newest version is among them, else with its versions.

    The evaluated ruleset's own family is always named with its versions.
    """
    versions: defaultdict[str, list[Listing]] = defaultdict(list)
    for listing in found:
        versions[listing.family].append(listing)
    names = []
    for family, listed in sorted(versions.items()):
        if family != ruleset.id and any(listing.newest for listing in listed):
            names.append(family)
        else:
            names.append(f"{family} {' and '.join(sorted(listing.version for listing in listed))}")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

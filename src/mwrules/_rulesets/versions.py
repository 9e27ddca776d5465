"""The versions of a ruleset, and which one is in force on a date.

The versions of ruleset ``<id>`` are the files ``rulesets/<id>/<version>.yaml``.
Each says in its manifest from which day it is in force (``effective_from``)
and, optionally, its last day (``effective_until``); by default a version is in
force until the day before the next one takes effect. Read together, the
versions must not overlap and must take effect in the order of their names;
a family with a broken version is never used, even for a date another version
covers.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from .. import codes
from .._input.convert import shown
from ..errors import InputError, Problem, RulesetError, did_you_mean
from ..ruleset import Manifest, Ruleset, RulesetFile, read_ruleset_file, rulesets_dir


# A shipped ruleset's name is a folder name of rulesets/, never a path.
_NAME = re.compile(r"^(?=.{1,64}$)[a-z0-9]+(-[a-z0-9]+)*$")
#: The ruleset evaluated when none is named.
DEFAULT_ID = "modern-work"
_ONE_DAY = datetime.timedelta(days=1)


#: Days whose version in force a family remembers (a portfolio has a few; a timeline, one per day)
_CHOICES_KEPT = 4096


@attrs.frozen
class Family:
    """Every version of one ruleset, read from its folder, with every problem found."""

    id: str
    files: tuple[RulesetFile, ...]
    problems: tuple[Problem, ...]
    #: The valid versions, earliest first.
    rulesets: tuple[Ruleset, ...] = attrs.field(init=False)
    # (ruleset, first day, last day or None), earliest first: evaluate() asks on every call
    _periods: tuple[tuple[Ruleset, datetime.date, datetime.date | None], ...] = attrs.field(init=False)
    # The version in force on a day and why (see choice_on): the partners of a portfolio share a few days
    _choices: dict[tuple[datetime.date, bool], RulesetChoice] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @rulesets.default
    def _sorted(self) -> tuple[Ruleset, ...]:
        found = [file.ruleset for file in self.files if file.ruleset is not None]
        return tuple(sorted(found, key=lambda ruleset: ruleset.manifest.effective_from))

    @_periods.default
    def _in_force(self) -> tuple[tuple[Ruleset, datetime.date, datetime.date | None], ...]:
        periods = []
        for index, ruleset in enumerate(self.rulesets):
            last = ruleset.manifest.effective_until
            if last is None and index + 1 < len(self.rulesets):
                last = self.rulesets[index + 1].manifest.effective_from - _ONE_DAY
            periods.append((ruleset, ruleset.manifest.effective_from, last))
        return tuple(periods)

    def periods(self) -> tuple[tuple[Ruleset, datetime.date, datetime.date | None], ...]:
        """Each version with its first and last day in force (None: no end yet), earliest first."""
        return self._periods

    def version(self, version: str) -> Ruleset | None:
        return next((ruleset for ruleset in self.rulesets if ruleset.version == version), None)

    def last_day(self, ruleset: Ruleset) -> datetime.date | None:
        """The last day *ruleset* is in force: its own effective_until, else the day before the next version."""
        return next(last for candidate, _, last in self._periods if candidate is ruleset)

    def in_force(self, day: datetime.date) -> Ruleset | None:
        """The version in force on *day*, if any."""
        for ruleset, first, last in self._periods:
            if first <= day and (last is None or day <= last):
                return ruleset
        return None

    def choice_on(self, day: datetime.date, *, given: bool) -> RulesetChoice | None:
        """The version in force on *day* and why, as :func:`select_ruleset` says it (None: none is).

        *given*: whether the partner gave *day*, rather than it being today.
        """
        key = (day, given)
        choice = self._choices.get(key)
        if choice is None:
            ruleset = self.in_force(day)
            if ruleset is None:
                return None
            when = f"on {day}" if given else f"today, {day} (the partner gives no as_of)"
            if len(self._choices) >= _CHOICES_KEPT:
                self._choices.clear()
            choice = self._choices[key] = RulesetChoice(ruleset, f"in force {when}: {self.period(ruleset)}")
        return choice

    def period(self, ruleset: Ruleset) -> str:
        """When *ruleset* is in force, as text."""
        last = self.last_day(ruleset)
        start = f"effective from {ruleset.manifest.effective_from}"
        return f"{start} through {last}" if last is not None else start


def read_family(directory: Path) -> Family:
    """Read every version in *directory*, with each file's checks and the versions' checked together.

    The cases beside the versions are not run: they are ``mwrules lint``'s and
    ``mwrules test``'s, a tool above evaluation, run in CI; loading stays a
    matter of structure.
    """
    files = [read_ruleset_file(path) for path in yaml_files(directory)]
    problems = [problem for file in files for problem in file.problems]
    problems += check_versions(directory.name, files)
    return Family(directory.name, tuple(files), tuple(sort_problems(problems)))


def yaml_files(folder: Path) -> list[Path]:
    """The regular ``*.yaml`` files in *folder* (versions, cases), by name: a pipe or a device there is never read."""
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())


def family_files(folder: Path, read: Mapping[Path, RulesetFile]) -> list[RulesetFile] | None:
    """The versions in *folder*, when it is a ruleset's folder (a version there has its name as id), else None.

    Files already in *read* are not read again.
    """
    versions = [read.get(path) or read_ruleset_file(path) for path in yaml_files(folder)]
    if any(version.ruleset is not None and version.ruleset.id == folder.name for version in versions):
        return versions
    return None


def load_ruleset(path: str | Path) -> Ruleset:
    """Load the ruleset file at *path*, checked as ``mwrules lint`` checks it, but for its cases.

    The file alone (keys, types, references, targets, maxima, aliases, ids,
    dates, exactness), and, when its folder is named after the ruleset's id,
    the versions there together. A ruleset that fails a check never produces
    a verdict. Its cases are run by ``mwrules lint`` and ``mwrules test``.

    Raises:
        RulesetError: with every problem found, each at ``file:line``.
    """
    path = Path(path)
    if _is_dir(path):
        names = ", ".join(child.name for child in yaml_files(path)) or "none"
        message = f"{shown(str(path))} is a folder; a ruleset is one version's file (here: {names})"
        suggestion = "name the version's file, or a shipped ruleset by name (modern-work picks the version by date)"
        raise RulesetError([Problem("$", message, suggestion, code=codes.UNREADABLE)])
    loaded = read_ruleset_file(path)
    problems = list(loaded.problems)
    versions = family_files(path.parent, {path: loaded}) if loaded.manifest is not None else None
    if versions is not None:
        problems += check_versions(path.parent.name, versions)
    if problems or loaded.ruleset is None:
        raise RulesetError(sort_problems(problems))
    return loaded.ruleset


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long for the system: reading it says so
        return False


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """*problems* once each, by file and line."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda problem: (problem.file or "", problem.line or 0, problem.where))
    return unique


def check_versions(family_id: str, files: Sequence[RulesetFile]) -> list[Problem]:
    """Problems between the versions of one ruleset: names, overlaps and order.

    Only the manifests are needed, so a version with other problems is still
    checked against the rest.
    """
    problems = []
    dated = [(file, file.manifest) for file in files if file.manifest is not None]
    for file, manifest in dated:
        if manifest.id != family_id:
            problems.append(
                file.locate(
                    Problem(
                        "$.manifest.id",
                        f"the file is in folder {family_id!r} but its manifest says id {manifest.id!r}",
                        f"set id: {family_id}, or move the file to rulesets/{manifest.id}/",
                        code=codes.FILE_NAME_MISMATCH,
                    )
                )
            )
        if manifest.version != file.path.stem:
            problems.append(
                file.locate(
                    Problem(
                        "$.manifest.version",
                        f"the file is named {file.path.name!r} but its manifest says version {manifest.version!r}",
                        f'set version: "{file.path.stem}", or rename the file to {manifest.version}.yaml',
                        code=codes.FILE_NAME_MISMATCH,
                    )
                )
            )
    dated.sort(key=lambda entry: (entry[1].effective_from, entry[0].path.stem))
    for earlier, later in itertools.pairwise(dated):
        problems += _check_pair(earlier, later)
    return problems


def _check_pair(earlier: tuple[RulesetFile, Manifest], later: tuple[RulesetFile, Manifest]) -> list[Problem]:
    (earlier_file, first), (later_file, second) = earlier, later
    if first.effective_from == second.effective_from:
        return [
            later_file.locate(
                Problem(
                    "$.manifest.effective_from",
                    f"{earlier_file.path.name} and {later_file.path.name} both take effect on {second.effective_from}",
                    "give the new version the day Microsoft's change takes effect",
                    code=codes.OVERLAPPING_VERSIONS,
                )
            )
        ]
    problems = []
    if first.effective_until is not None and first.effective_until >= second.effective_from:
        problems.append(
            earlier_file.locate(
                Problem(
                    "$.manifest.effective_until",
                    f"version {first.version} is in force through {first.effective_until}, but version "
                    f"{second.version} takes effect on {second.effective_from}",
                    f"end {first.version} on {second.effective_from - _ONE_DAY}, or leave effective_until out",
                    code=codes.OVERLAPPING_VERSIONS,
                )
            )
        )
    if later_file.path.stem < earlier_file.path.stem:
        # Reported at the version that takes effect too early for its name.
        problems.append(
            earlier_file.locate(
                Problem(
                    "$.manifest.effective_from",
                    f"version {earlier_file.path.stem} takes effect on {first.effective_from}, before version "
                    f"{later_file.path.stem} ({second.effective_from}): versions must take effect in the order "
                    "of their names",
                    code=codes.EFFECTIVE_DATE_ORDER,
                )
            )
        )
    return problems


# Keyed by the rulesets folder and the family id
_shipped: dict[tuple[Path, str], Family] = {}
_shipped_lock = threading.Lock()


def shipped_family(family_id: str) -> Family:
    """The shipped versions of ruleset *family_id*, read and checked once per process.

    Raises:
        RulesetError: there is no such ruleset, or a version has a problem.
    """
    if not _NAME.match(family_id):
        raise RulesetError(
            [
                Problem(
                    "$",
                    f"{shown(family_id)} is not the name of a shipped ruleset ({', '.join(shipped_ids())})",
                    "to use a ruleset file, load it: mwrules.load_ruleset(path), or --ruleset path/to/file.yaml",
                    code=codes.UNKNOWN_RULESET,
                )
            ]
        )
    folder = rulesets_dir()
    family = _shipped.get((folder, family_id))
    if family is None:
        directory = folder / family_id
        if not directory.is_dir():
            raise RulesetError(
                [
                    Problem(
                        "$",
                        f"there is no ruleset {family_id!r}",
                        did_you_mean(family_id, shipped_ids()),
                        code=codes.UNKNOWN_RULESET,
                    )
                ]
            )
        with _shipped_lock:
            family = _shipped.get((folder, family_id))
            if family is None:
                family = _shipped[folder, family_id] = read_family(directory)
    if family.problems:
        raise RulesetError(family.problems)
    return family


def shipped_ids() -> list[str]:
    """The ids of the shipped rulesets (looked for again when the rulesets folder changes)."""
    folder = rulesets_dir()
    try:
        changed = folder.stat().st_mtime_ns
    except OSError:
        changed = -1
    return list(_shipped_ids(folder, changed))


@functools.lru_cache(maxsize=8)
def _shipped_ids(folder: Path, changed: int) -> tuple[str, ...]:
    del changed  # part of the cache's key only
    return tuple(sorted({path.parent.name for path in folder.glob("*/*.yaml")}))


@attrs.frozen
class RulesetChoice:
    """A ruleset, and why it was chosen."""

    ruleset: Ruleset
    reason: str


def select_ruleset(name: str | None = None, *, as_of: datetime.date | None = None) -> RulesetChoice:
    """The shipped ruleset named *name* (``"modern-work"`` or ``"modern-work@2023-06"``).

    Without a version, the version in force on *as_of* (by default today).
    Without a name, the default ruleset (Modern Work).

    >>> select_ruleset(as_of=datetime.date(2024, 6, 30)).ruleset.version
    '2023-06'
    >>> select_ruleset("modern-work@2023-06").reason
    'named explicitly: modern-work@2023-06'

    Raises:
        RulesetError: no such ruleset or version, or the ruleset has a problem.
        InputError: no version is in force on *as_of* (at ``$.as_of``).
    """
    if name is not None and not isinstance(name, str):
        msg = f"a ruleset is named by text such as 'modern-work@2026-01', not {type(name).__name__}"
        raise TypeError(msg)
    family_id, at, version = (DEFAULT_ID if name is None else name).partition("@")  # "" names no ruleset
    family = shipped_family(family_id)
    if at and not version:  # not the version in force: a timeline would pin the first day's for the whole range
        named = ", ".join(f"{family_id}@{ruleset.version}" for ruleset in family.rulesets)
        suggestion = f"name one of {named}, or {family_id} for the version in force"
        message = f"{shown(name)} names no version after '@'"
        raise RulesetError([Problem("$", message, suggestion, code=codes.UNKNOWN_RULESET)])
    if version:
        ruleset = family.version(version)
        if ruleset is None:
            versions = [ruleset.version for ruleset in family.rulesets]
            raise RulesetError(
                [
                    Problem(
                        "$",
                        f"ruleset {family_id} has no version {shown(version)}; it has {', '.join(versions)}",
                        did_you_mean(version, versions),
                        code=codes.UNKNOWN_RULESET,
                    )
                ]
            )
        return RulesetChoice(ruleset, f"named explicitly: {family_id}@{version}")
    day = as_of if as_of is not None else datetime.date.today()
    choice = family.choice_on(day, given=as_of is not None)
    if choice is None:
        earliest = family.rulesets[0]
        raise InputError(
            [
                Problem(
                    "$.as_of",
                    f"no version of {family_id} is in force on {day}; the earliest, {earliest.version}, "
                    f"takes effect on {earliest.manifest.effective_from}",
                    f"to evaluate anyway, name a version explicitly, e.g. --ruleset {family_id}@{earliest.version}",
                    code=codes.NO_VERSION_IN_FORCE,
                )
            ]
        )
    return choice

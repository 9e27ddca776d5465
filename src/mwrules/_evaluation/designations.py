"""Evaluate one partner for every designation: the ruleset of each, the version in force, and the badges earned.

Each designation is evaluated as ``mwrules.evaluate(partner, ruleset=<id>)``
would, on the data it reads (see :mod:`mwrules._input.sections`). What makes
this more than a loop is what a partner admin expects of one table: a
designation the partner gave no data for is "no data", not a failing score;
a problem in one designation's data (a missing classification fact) is that
designation's, and the others are still scored; a problem in what every
designation shares (people, dates) is the document's, and raised.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs

from .. import codes
from .._input import documents as _documents
from .._input.convert import shown
from .._input.documents import child
from .._input.one_pass import Shapes, one_pass, plain_partner_again
from .._input.partner import declared_as_of, load_partner, read_document
from .._input.partner_metrics import check_facts
from .._input.sections import read_metrics, section_metrics_at
from .._rulesets.versions import DEFAULT_ID, RulesetChoice, select_ruleset, shipped_family, shipped_ids
from ..errors import InputError, Problem, RulesetError
from ..limits import DEFAULT_LIMITS, Limits, checked_limits
from ..model import Partner, Person
from ..ruleset import Ruleset
from ..verdict import DesignationResult, Designations, EarnedBadge, Shortfall, Verdict
from .evaluate import as_document, evaluate_with
from .people_facts import HeldPeople, held


def evaluate_designations(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str] | _documents.Document,
    *,
    designations: Iterable[str] | str | bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Designations:
    """Evaluate *partner* for every shipped designation (or those named), each under its version in force.

    *partner* is as for :func:`mwrules.evaluate`; *designations* names the
    designations (ruleset ids; one text may list several, comma-separated),
    or None or True for every shipped one.
    A designation reads its
    metrics from ``designations.<id>.metrics`` in the document; the default
    ruleset (Modern Work) reads the top-level ``metrics`` when it has no
    section (see ``docs/input-format.md``).

    >>> result = evaluate_designations({"partner_id": "contoso", "as_of": "2026-08-15", "people": []})
    >>> [(r.designation, r.status) for r in result.results][:2]
    [('business-applications', 'no data'), ('data-ai', 'no data')]

    Raises:
        InputError: what every designation reads has problems (people, dates),
            listed together; a problem in one designation's own data is that
            designation's result instead.
        RulesetError: a named designation does not exist.
        ValueError: *designations* names none (``[]``, ``""``), an empty name, or one twice.
        TypeError: *designations* is False or not ids.
    """
    checked_limits(limits)
    if designations is True:  # evaluate_many's spelling of every one
        designations = None
    elif designations is False or not isinstance(designations, str | Iterable | None):
        given = "False names no designation" if designations is False else f"not {type(designations).__name__}"
        msg = f"designations must be None or True (every shipped one), or ids such as ['security']: {given}"
        raise TypeError(msg)
    with _documents.paused_gc():  # as evaluate: see there
        return _evaluate_designations(partner, designations, limits)


def _evaluate_designations(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str] | _documents.Document,
    designations: Iterable[str] | str | None,
    limits: Limits,
) -> Designations:
    document = _document(partner, limits)
    if isinstance(designations, str):
        designations = named_designations(designations)
    ids = once_each(designations) if designations is not None else shipped_ids()
    if not ids:  # an empty selection: no result and no problem, without a word
        msg = "designations names no designation: give ids such as ['security'], or None for every one"
        raise ValueError(msg)
    if not all(isinstance(designation, str) and designation for designation in ids):
        msg = f"designations are named by their ruleset ids, e.g. 'security', not {ids!r}"
        raise ValueError(msg)
    for designation in ids:
        designation_family(designation)
    as_of = declared_as_of(document.data) or datetime.date.today()
    shared: dict[Problem, None] = {}  # an ordered set: thousands of problems are compared once each, not in pairs
    results = []
    built = _Built()
    checked = False  # whether the document was read for some designation
    for designation in ids:
        result, problems, read = _one(document, designation, as_of, limits, built)
        results.append(result)
        shared.update(dict.fromkeys(problems))
        checked = checked or read
    if not checked and ids:  # no designation had data: what they all read is still checked
        shared.update(dict.fromkeys(_shared_problems(document, ids, as_of, limits)))
    shared.update(dict.fromkeys(_facts_unchecked(document, results, as_of)))
    if shared:  # the document's: with every designation's own, so that one run shows them all
        own = dict.fromkeys(problem for result in results for problem in result.problems if problem not in shared)
        raise InputError(sorted([*shared, *own], key=lambda problem: problem.line or 0))
    partner_id = document.data.get("partner_id", "") if isinstance(document.data, Mapping) else ""
    earned: dict[str, list[str]] = {}
    for result in results:
        if result.badge is not None:
            earned.setdefault(result.badge, []).append(result.designation)
    return Designations(
        partner_id=str(partner_id),
        as_of=as_of,
        results=tuple(results),
        badges=tuple(EarnedBadge(name=name, designations=tuple(ids)) for name, ids in earned.items()),
    )


def designation_family(designation: str) -> None:
    """Check that *designation* names a shipped designation by its id, as ``--designations`` takes it.

    Raises:
        RulesetError: it is not a shipped ruleset's id; or it names a version
            (``modern-work@2023-06`` would be a second Modern Work, pinned to a
            version, while each designation is scored under its version in force).
    """
    if "@" in designation:
        family_id = designation.partition("@")[0]
        message = f"{shown(designation)} is not a designation's id: they are named without a version ({family_id!r})"
        suggestion = "each designation is evaluated under its version in force; to pin one, use --ruleset ID@VERSION"
        raise RulesetError([Problem("$", message, suggestion, code=codes.UNKNOWN_RULESET)])
    shipped_family(designation)


def named_designations(text: str) -> list[str]:
    """The ids one text names: ``security`` or ``security, modern-work``, as ``--designations`` takes them.

    Raises:
        ValueError: a name between commas is empty (``security,,data-ai``): a
            slip that would drop a designation without a word; or a name is
            given twice.
    """
    names = [name.strip() for name in text.split(",")]
    if any(names) and not all(names):
        msg = f"designations {text!r} has an empty name between commas: give ids such as security,modern-work"
        raise ValueError(msg)
    return once_each(name for name in names if name)


def once_each(designations: Iterable[str]) -> list[str]:
    """*designations* as a list, each named once.

    Raises:
        ValueError: one is named twice (``security,security``): merged, a
            slip (another id meant?) would go without a word.
    """
    ids = list(designations)
    seen: set[object] = set()
    for designation in ids:
        if designation in seen:
            msg = f"designations names {designation!r} twice: name each once"
            raise ValueError(msg)
        if isinstance(designation, Hashable):
            seen.add(designation)
    return ids


def _document(
    partner: _documents.Document | Partner | Mapping[str, Any] | str | os.PathLike[str], limits: Limits
) -> _documents.Document:
    if isinstance(partner, _documents.Document):  # read by the command line
        return partner
    if isinstance(partner, str | os.PathLike):
        return read_document(partner, limits=limits)
    if isinstance(partner, Partner):
        return _documents.Document(as_document(partner))
    return _documents.Document(partner)


def _one(
    document: _documents.Document, designation: str, as_of: datetime.date, limits: Limits, built: _Built
) -> tuple[DesignationResult, list[Problem], bool]:
    """The result of one designation, the problems that are not its own (the document's), and whether it read it."""
    try:
        choice = select_ruleset(designation, as_of=as_of)
    except InputError as error:  # no version in force on as_of
        title = shipped_family(designation).rulesets[0].manifest.title
        reason = error.problems[0].message
        return DesignationResult(designation=designation, title=title, status="not in force", reason=reason), [], False
    ruleset = choice.ruleset
    title = ruleset.manifest.title
    if not _has_data(document.data, ruleset):
        where = "$.metrics" if designation == DEFAULT_ID else section_metrics_at(designation)
        reason = f"no metrics for it: add them at {where}"
        return DesignationResult(designation=designation, title=title, status="no data", reason=reason), [], False
    try:
        partner = _partner(document, ruleset, limits, built)
    except InputError as error:
        spots = _own_spots(document.data, ruleset)
        own = [problem for problem in error.problems if _owned(problem.where, spots)]
        owned = set(own)
        others = [problem for problem in error.problems if problem not in owned]
        reason = f"the data for {designation} has {len(own)} problem{'s' if len(own) != 1 else ''}"
        result = DesignationResult(
            designation=designation, title=title, status="problems", reason=reason, problems=tuple(own)
        )
        return result, others, True
    verdict = evaluate_with(partner, choice, built.certifications(partner.people))
    return _scored(designation, title, verdict, choice), [], True


def _shared_problems(
    document: _documents.Document, ids: list[str], as_of: datetime.date, limits: Limits
) -> list[Problem]:
    """The document's problems that are no designation's own, read as the first designation in force reads it."""
    choices = []
    for designation in ids:
        try:
            choices.append(select_ruleset(designation, as_of=as_of).ruleset)
        except InputError:
            continue
    ruleset = choices[0] if choices else shipped_family(ids[0]).rulesets[0]
    try:
        load_partner(document, ruleset, limits=limits)
    except InputError as error:
        spots = _own_spots(document.data, ruleset)
        return [problem for problem in error.problems if not _owned(problem.where, spots)]
    return []


def _facts_unchecked(
    document: _documents.Document, results: list[DesignationResult], as_of: datetime.date
) -> list[Problem]:
    """The problems of the facts given that only designations without data read (each is given once for every
    designation that reads it): left unchecked, ``smb_customer_share: 185`` passed where ``--ruleset data-ai``
    refuses it."""
    given = document.data.get("facts") if isinstance(document.data, Mapping) else None
    if not isinstance(given, Mapping) or not given:
        return []
    scored = [result for result in results if result.status not in ("no data", "not in force")]
    read = {fact.id for result in scored for fact in select_ruleset(result.designation, as_of=as_of).ruleset.facts}
    problems: dict[Problem, None] = {}
    for result in results:
        if result.status != "no data":
            continue
        ruleset = select_ruleset(result.designation, as_of=as_of).ruleset
        spots = {child("$.facts", fact.id) for fact in ruleset.facts if fact.id in given and fact.id not in read}
        problems.update((problem, None) for problem in check_facts(given, ruleset) if problem.where in spots)
    return [document.locate(problem) for problem in problems]


@attrs.define
class _Built:
    """What the designations of one partner build once and share."""

    #: The first partner built in one pass: its people serve every designation
    partner: Partner | None = None
    #: Per section of the document, its shape (see plain_partner_again)
    shapes: Shapes = attrs.field(factory=dict)
    #: The people whose certifications were last found, and those certifications
    _held: tuple[tuple[Person, ...], HeldPeople] | None = None

    def certifications(self, people: tuple[Person, ...]) -> HeldPeople:
        """The certifications of *people* as written (see :func:`.people_facts.held`): once for the same people."""
        if self._held is None or self._held[0] is not people:
            self._held = (people, held(people))
        return self._held[1]


def _partner(document: _documents.Document, ruleset: Ruleset, limits: Limits, built: _Built) -> Partner:
    """The checked partner for *ruleset*; a plain document's people are built once, for the first designation."""
    data = document.data
    if not document.problems and type(data) is dict:
        if built.partner is None:
            partner = built.partner = one_pass(data, ruleset, limits, built.shapes)
        else:
            partner = plain_partner_again(built.partner, data, ruleset, limits, built.shapes)
        if partner is not None:
            return partner
    return load_partner(document, ruleset, limits=limits)


def _scored(designation: str, title: str, verdict: Verdict, choice: RulesetChoice) -> DesignationResult:
    ruleset = choice.ruleset
    if verdict.qualified:
        badge = ruleset.manifest.badge(verdict.as_of)
        return DesignationResult(designation=designation, title=title, status="qualified", verdict=verdict, badge=badge)
    return DesignationResult(
        designation=designation,
        title=title,
        status="not qualified",
        verdict=verdict,
        furthest=furthest(verdict, ruleset),
    )


def furthest(verdict: Verdict, ruleset: Ruleset) -> Shortfall | None:
    """Where the verdict's path is furthest from qualifying: its metric furthest below its minimum, else the total."""
    path = verdict.paths[verdict.path]
    shortfalls = [
        Shortfall(metric=metric_id, points=result.points, needs=ruleset.least_points(path.path, metric_id))
        for metric_id, result in path.metrics.items()
    ]
    below = [shortfall for shortfall in shortfalls if shortfall.short > 0]
    if below:
        return max(below, key=lambda shortfall: shortfall.short)  # the first of equals: ruleset order
    needs = ruleset.pass_mark(path.path)
    return Shortfall(metric=None, points=path.score, needs=needs) if path.score < needs else None


def _has_data(data: object, ruleset: Ruleset) -> bool:
    """Whether the document gives *ruleset* any metrics (or customer data it measures them from)."""
    if not isinstance(data, Mapping):
        return True  # let the checks word what is wrong
    sections = data.get("designations")
    if isinstance(sections, Mapping) and ruleset.id in sections:
        return True
    if ruleset.id != DEFAULT_ID:
        return False
    metrics, _ = read_metrics(data, ruleset.id)
    return bool(metrics) or ("customers" in data and ruleset.customer_data is not None)


def _own_spots(data: object, ruleset: Ruleset) -> list[str]:
    """Where the data only *ruleset* reads is: its metrics, its facts, its customer data."""
    _, metrics_at = read_metrics(data, ruleset.id) if isinstance(data, Mapping) else (None, "$.metrics")
    own = [metrics_at, *(child("$.facts", fact.id) for fact in ruleset.facts)]
    if ruleset.customer_data is not None:
        own.append("$.customers")
    return own


def _owned(where: str, spots: list[str]) -> bool:
    """Whether a problem *where* is at or inside one of *spots* (see :func:`_own_spots`)."""
    return any(where == spot or where.startswith((f"{spot}.", f"{spot}[")) for spot in spots)

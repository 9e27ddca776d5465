"""``mwrules diff``: what a ruleset change does to a portfolio of partners.

Every partner is evaluated under both rulesets (on its own ``as_of``, with
the versions named, not chosen by date). A partner is reported when the score
of any path changes, or its verdict or reported path does; each changed
metric comes with the reasons, read from the two verdicts' traces and the two
rulesets: which people stopped or started counting and through which
certification, or which target or maximum changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from .. import codes
from .._evaluation.evaluate import evaluate_with
from .._input.customers import workload_names
from .._input.documents import JSON_LINES_SUFFIXES, Document, is_json_lines
from .._input.folders import PARTNER_SUFFIXES, folder_problem, is_folder, left_out_notices, partner_files
from .._input.partner import load_partner, read_document
from .._rulesets.versions import RulesetChoice
from ..errors import InputError, Problem
from ..ruleset import MetricSpec, Ruleset, WorkloadSpec, normalise_name
from ..verdict import Verdict, certified_people, display_points, format_points
from . import diff_vocabulary as vocabulary
from .diff_documents import read_by
from .given_by import GivenBy


@attrs.frozen
class Outcome:
    """A verdict in brief."""

    qualified: bool
    path: str
    score: Fraction

    def __str__(self) -> str:
        status = "qualified" if self.qualified else "not qualified"
        return f"{status} on {self.path} ({format_points(self.score)})"


@attrs.frozen
class MetricChange:
    """One metric whose points changed on one or more paths, and why."""

    metric: str
    points: Mapping[str, tuple[Fraction, Fraction]]  # path -> (before, after)
    reasons: tuple[str, ...]


@attrs.frozen
class PartnerImpact:
    """How one partner's verdict changes."""

    partner_id: str
    source: str
    before: Outcome
    after: Outcome
    changes: tuple[MetricChange, ...]
    reasons: tuple[str, ...] = ()  # for a verdict that changes with no metric changing (the pass rule)


@attrs.frozen
class Impact:
    """The impact of changing ruleset *old* to *new* on a portfolio of partners."""

    old: Ruleset
    new: Ruleset
    ruleset_changes: tuple[str, ...]
    partners: int
    changed: tuple[PartnerImpact, ...]
    problems: tuple[Problem, ...]
    #: A note per partner_id that several of the partners evaluated give (each is counted)
    repeated: tuple[str, ...] = ()

    def summary(self) -> dict[str, int]:
        return {
            "partners": self.partners,
            "changed": len(self.changed),
            "unchanged": self.partners - len(self.changed) - len(self.not_evaluated),
            "newly_qualified": sum(1 for item in self.changed if item.after.qualified and not item.before.qualified),
            "no_longer_qualified": sum(
                1 for item in self.changed if item.before.qualified and not item.after.qualified
            ),
            "not_evaluated": len(self.not_evaluated),
        }

    @property
    def not_evaluated(self) -> set[str]:
        return {problem.file or "" for problem in self.problems}


def impact(old: Ruleset, new: Ruleset, documents: Iterable[Document], unreadable: Sequence[Problem] = ()) -> Impact:
    """Evaluate every partner document under *old* and *new* and explain what changes.

    *unreadable* are the problems of partner files that could not be read;
    they count as partners not evaluated.
    """
    changed = []
    problems: list[Problem] = list(unreadable)
    count = len({problem.file for problem in unreadable})
    given_by = GivenBy()
    for document in documents:
        count += 1
        try:
            before = _evaluate(read_by(document, old, new), old)
            after = _evaluate(read_by(document, new, old), new)
        except InputError as error:
            problems += error.problems
            continue
        given_by.add(before.partner_id, document.source or f"input {count}")
        found = _partner_impact(document.source or "", old, new, before, after)
        if found is not None:
            changed.append(found)
    repeated = tuple(given_by.notes("as a partner"))
    return Impact(old, new, tuple(ruleset_changes(old, new)), count, tuple(changed), tuple(problems), repeated)


def read_partners(path: Path) -> tuple[list[Document], list[Problem], list[str]]:
    """The partner documents at *path*, the problems of those that cannot be read, and the notices of files left out.

    A JSON Lines file (``.jsonl``, ``.ndjson``), named or in the folder, gives
    a document per record, named ``file:line``, as ``evaluate`` reads it.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    found = partner_files(path, (*PARTNER_SUFFIXES, *JSON_LINES_SUFFIXES))
    for file in found.files:
        if is_folder(file):  # one that cannot be listed
            problems.append(Problem("$", folder_problem(file), file=str(file), code=codes.UNREADABLE))
            continue
        try:
            if is_json_lines(file):
                documents += _records(file, problems)
            else:
                documents.append(read_document(file))
        except InputError as error:
            problems += error.problems
    return documents, problems, left_out_notices(found)


def _records(file: Path, problems: list[Problem]) -> list[Document]:
    """The documents of the records of JSON Lines *file*; the problems of the others go to *problems*."""
    from .._batch.pool import json_lines  # noqa: PLC0415 - the batch modules import this one
    from .._input.documents import parse_bytes  # noqa: PLC0415

    documents = []
    try:
        with file.open("rb") as lines:
            for source, record, _ in json_lines(lines, str(file)):
                if not isinstance(record, bytes):  # a line longer than a document may be: the reading stopped
                    problems.append(record.problem(source))
                    continue
                try:
                    documents.append(parse_bytes(record, source=source, fmt="json"))
                except InputError as error:  # the record's line is its source's
                    problems += [attrs.evolve(problem, line=None) for problem in error.problems]
    except OSError:
        return [read_document(file)]  # reading it as one document says why it cannot be read
    return documents


def _evaluate(document: Document, ruleset: Ruleset) -> Verdict:
    return evaluate_with(load_partner(document, ruleset), RulesetChoice(ruleset, f"named for the diff: {ruleset}"))


def _outcome(verdict: Verdict) -> Outcome:
    return Outcome(verdict.qualified, verdict.path, verdict.score)


def _partner_impact(source: str, old: Ruleset, new: Ruleset, before: Verdict, after: Verdict) -> PartnerImpact | None:
    changes = []
    for metric in new.metrics:
        points = {
            path_id: (before.paths[path_id].metrics[metric.id].points, after.paths[path_id].metrics[metric.id].points)
            for path_id in after.paths
            if path_id in before.paths
            and metric.id in before.paths[path_id].metrics
            and metric.id in after.paths[path_id].metrics
            and before.paths[path_id].metrics[metric.id].points != after.paths[path_id].metrics[metric.id].points
        }
        if points:
            changes.append(MetricChange(metric.id, points, tuple(_reasons(metric.id, points, old, new, before, after))))
    was, now = _outcome(before), _outcome(after)
    if not changes and was == now:
        return None
    reasons = (
        tuple(_path_reasons(old, new, before, after)) if changes else tuple(_verdict_reasons(old, new, before, after))
    )
    return PartnerImpact(before.partner_id, source, was, now, tuple(changes), reasons)


def _reasons(
    metric_id: str,
    points: Mapping[str, tuple[Fraction, Fraction]],
    old: Ruleset,
    new: Ruleset,
    before: Verdict,
    after: Verdict,
) -> list[str]:
    metric = new.metric(metric_id)
    previous = next((m for m in old.metrics if m.id == metric_id), None)
    reasons = _people_reasons(previous, metric, old, new, before, after)
    if previous is not None and previous.max_points != metric.max_points:
        reasons.append(f"max_points {format_points(previous.max_points)} → {format_points(metric.max_points)}")
    for path_id in points:
        old_targets = proportional_targets(old, path_id) if path_id in {p.id for p in old.paths} else {}
        new_targets = proportional_targets(new, path_id)
        if metric_id in old_targets and metric_id in new_targets:
            if old_targets[metric_id] != new_targets[metric_id]:
                reasons.append(
                    f"target on {path_id} {_target(old_targets[metric_id])} → {_target(new_targets[metric_id])}"
                )
            continue
        gates = vocabulary.gate_outcomes(old, new, path_id, metric_id, before, after)
        reasons += gates.values()
        reasons += [
            line
            for term, line in vocabulary.scored_changes(old, new, path_id, metric_id)
            if not (term in gates and " gate need " in line)
        ]
    return reasons or ["the points are computed differently"]


def _people_reasons(
    previous: MetricSpec | None, metric: MetricSpec, old: Ruleset, new: Ruleset, before: Verdict, after: Verdict
) -> list[str]:
    """Who stopped or started counting in the people sets of the metric, the old ruleset's and the new one's.

    A set only the old ruleset has (renamed, or another designation's) still
    had its people: those the new sets do not count stopped counting. A
    person counted in a set only the new ruleset has started only if no old
    set counted them (a renamed set's people did not newly count).
    """
    old_sets = tuple(previous.source.people or ()) if previous is not None else ()
    new_sets = tuple(metric.source.people or ())
    counted_before, counted_after = certified_people(before.trace), certified_people(after.trace)
    anywhere_before = {person for name in old_sets for person in counted_before.get(name, {})}
    anywhere_after = {person for name in new_sets for person in counted_after.get(name, {})}
    reasons = []
    for people_set in dict.fromkeys((*new_sets, *old_sets)):
        was = counted_before.get(people_set, {}) if people_set in old_sets else {}
        now = counted_after.get(people_set, {}) if people_set in new_sets else {}
        for person, certs in was.items():
            if person not in now and (people_set in new_sets or person not in anywhere_after):
                reasons.append(_stopped(person, certs, people_set, old, new, after))
        for person, certs in now.items():
            if person not in was and (people_set in old_sets or person not in anywhere_before):
                reasons.append(_started(person, certs, people_set, old, new))
    return reasons


def _name(ruleset: Ruleset, cert_id: str) -> str:
    return next((cert.name for cert in ruleset.certifications if cert.id == cert_id), cert_id)


def _stopped(person: str, certs: Sequence[str], level: str, old: Ruleset, new: Ruleset, after: Verdict) -> str:
    why = sorted({_why_not(new, cert_id, level, after) for cert_id in certs})
    names = ", ".join(_name(old, cert_id) for cert_id in certs)
    which = f"only {level} certification" if len(certs) == 1 else f"{level} certifications"
    return f"{person}'s {which}, {names}, {' and '.join(why)}"


def _why_not(new: Ruleset, cert_id: str, level: str, after: Verdict) -> str:
    if cert_id not in {cert.id for cert in new.certifications}:
        return f"is not a certification of {new}"
    spec = new.certification(cert_id)
    if level not in new.levels() or cert_id not in new.level_certifications(level):
        return "is no longer eligible"
    if not spec.eligible_on(after.as_of):
        return f"counts only through {spec.eligible_through}"
    return "no longer counts"


def _started(person: str, certs: Sequence[str], level: str, old: Ruleset, new: Ruleset) -> str:
    names = ", ".join(_name(new, cert_id) for cert_id in certs)
    old_ids = {cert.id for cert in old.certifications}
    eligible_before = set(old.level_certifications(level)) if level in old.levels() else set()
    if not any(cert_id in old_ids for cert_id in certs):
        why = f"new in {new}"
    elif not any(cert_id in eligible_before for cert_id in certs):
        why = "newly eligible"
    else:
        why = "counts again"
    return f"{person}'s {names}: {why}; {person} now counts at {level}"


def proportional_targets(ruleset: Ruleset, path_id: str) -> dict[str, Any]:
    """A path's targets, of the metrics it scores in proportion to them alone, as the engine reads them.

    `PathSpec.targets` also holds a number or people metric with `combine:
    best`, as if its one term scored a part: shown as a target, it read
    `5 → {None: 5}` for an edit that changes no point.
    """
    targets = ruleset.path(path_id).targets
    return {metric_id: target for metric_id, target in targets.items() if ruleset.proportional(path_id, metric_id)}


def _target(target: Any) -> str:
    if target is None:
        return "none"
    if isinstance(target, Mapping):
        return "{" + ", ".join(f"{option}: {amount}" for option, amount in target.items()) + "}"
    return str(target)


def _verdict_reasons(old: Ruleset, new: Ruleset, before: Verdict, after: Verdict) -> list[str]:
    """Why a verdict changed with no metric's points changing: the pass rule, a path's own rules, the classification."""
    reasons = [line for line in _scoring_changes(old, new) if line.startswith("scoring.")]
    reasons += _path_reasons(old, new, before, after)
    return reasons or ["the pass rule is applied differently"]


def _path_reasons(old: Ruleset, new: Ruleset, before: Verdict, after: Verdict) -> list[str]:
    """The changes of a path's own rules (its pass mark, its metrics) and of the classification that touch a verdict."""
    reasons = [line for line in vocabulary.path_changes(old, new) if line.split(":")[0] in after.paths]
    reasons += vocabulary.classify_changes(old, new)
    picked = after.paths[after.path].classified_by if after.path in after.paths else None
    if picked is not None and before.path != after.path:
        reasons.append(f"classified on {after.path}, not {before.path} (rule {picked})")
    return reasons


def _scoring_changes(old: Ruleset, new: Ruleset) -> list[str]:
    changes = []
    for key in ("min_total_points", "min_metric_points", "path_preference", "choose"):
        was, now = getattr(old.scoring, key), getattr(new.scoring, key)
        if key == "path_preference":  # as it orders the paths, whether written or by default
            was, now = old.path_order, new.path_order
        if was != now:
            changes.append(f"scoring.{key} {_plain(was)} → {_plain(now)}")
    return changes or ["the pass rule is applied differently"]


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Fraction):
        return format_points(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def ruleset_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """What differs between two rulesets, line by line, as a ruleset editor reads it."""
    lines = []
    for people_set in new.levels():
        was = set(old.level_certifications(people_set)) if people_set in old.levels() else set()
        now = set(new.level_certifications(people_set))
        lines += [f"{people_set}: + {_name(new, cert_id)}" for cert_id in sorted(now - was)]
        lines += [f"{people_set}: - {_name(old, cert_id)}" for cert_id in sorted(was - now)]
    old_through = {cert.id: cert.eligible_through for cert in old.certifications}
    for cert in new.certifications:
        if cert.eligible_through is not None and old_through.get(cert.id) != cert.eligible_through:
            retired = f"retired {cert.retired}, " if cert.retired else ""
            lines.append(f"{cert.name}: {retired}counts through {cert.eligible_through}")
    lines += _alias_changes(old, new)
    lines += vocabulary.fact_changes(old, new)
    old_metrics = {metric.id: metric for metric in old.metrics}
    for metric in new.metrics:
        if metric.id not in old_metrics:
            lines.append(f"metric + {metric.id}")
        elif old_metrics[metric.id].max_points != metric.max_points:
            lines.append(
                f"{metric.id}: max_points {format_points(old_metrics[metric.id].max_points)} → "
                f"{format_points(metric.max_points)}"
            )
    lines += [f"metric - {metric_id}" for metric_id in old_metrics if metric_id not in {m.id for m in new.metrics}]
    lines += vocabulary.source_changes(old, new)
    lines += vocabulary.path_changes(old, new)
    old_paths = {path.id: path for path in old.paths}
    for path in new.paths:
        if path.id not in old_paths:
            continue
        old_targets, new_targets = proportional_targets(old, path.id), proportional_targets(new, path.id)
        for metric_id in path.metrics:
            if metric_id in new_targets and (metric_id in old_targets or metric_id not in old_metrics):
                before = old_targets.get(metric_id)
                target = new_targets[metric_id]
                if before != target:
                    lines.append(f"{path.id}: target for {metric_id} {_target(before)} → {_target(target)}")
            elif metric_id in old_paths[path.id].metrics:
                lines += [line for _, line in vocabulary.scored_changes(old, new, path.id, metric_id)]
    lines += [line for line in _scoring_changes(old, new) if line.startswith("scoring.")]
    for key in ("window_months", "window_from"):  # the attainment window: timelines only
        was, now = getattr(old.scoring, key), getattr(new.scoring, key)
        if was != now:
            lines.append(f"scoring.{key} {_plain(was)} → {_plain(now)} (the attainment window of timelines)")
    lines += vocabulary.classify_changes(old, new)
    lines += _workload_changes(old, new)
    return lines


def _alias_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Aliases added to or dropped from a certification both versions list: which spellings of partner data count."""
    before = {cert.id: cert.aliases for cert in old.certifications}
    lines = []
    for cert in new.certifications:
        was = before.get(cert.id)
        if was is not None and was != cert.aliases:
            lines += [f"{cert.name}: aliases + {alias}" for alias in cert.aliases if alias not in was]
            lines += [f"{cert.name}: aliases - {alias}" for alias in was if alias not in cert.aliases]
    return lines


def _workload_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Workloads added, removed, and read under a new name: an old name the new ruleset still reads as an alias
    is not removed (a partner's rows under it still count)."""
    old_workloads = {_workload(workload): workload for workload in old.workloads}
    new_workloads = {_workload(workload): workload for workload in new.workloads}
    read_as = workload_names(new)  # each spelling the new ruleset reads -> its workload's name
    by_name = {workload.name: key for key, workload in new_workloads.items()}
    renamed = {}
    for key, workload in old_workloads.items():
        name = read_as.get(normalise_name(workload.name))
        if key not in new_workloads and name is not None and name != workload.name:
            renamed[key] = by_name[name]
    added = sorted(set(new_workloads) - set(old_workloads) - set(renamed.values()))
    removed = sorted(set(old_workloads) - set(new_workloads) - set(renamed))
    lines = []
    if added:
        lines.append(f"workloads added: {', '.join(added)}")
    if renamed:
        pairs = ", ".join(f"{was} → {now}" for was, now in sorted(renamed.items()))
        lines.append(f"workloads read under a new name (the old one is an alias): {pairs}")
    if removed:
        lines.append(f"workloads removed: {', '.join(removed)}")
    return lines


def _workload(workload: WorkloadSpec) -> str:
    return workload.name if workload.metrics is None else f"{workload.name} ({', '.join(workload.metrics)} only)"


def impact_to_json(result: Impact) -> dict[str, Any]:
    """*result* as plain JSON data."""

    def outcome(value: Outcome) -> dict[str, Any]:
        return {"qualified": value.qualified, "path": value.path, "score": display_points(value.score)}

    return {
        "old": {"id": result.old.id, "version": result.old.version},
        "new": {"id": result.new.id, "version": result.new.version},
        "ruleset_changes": list(result.ruleset_changes),
        "partners": [
            {
                "partner_id": item.partner_id,
                "file": item.source,
                "before": outcome(item.before),
                "after": outcome(item.after),
                "changes": [
                    {
                        "metric": change.metric,
                        "points": {
                            path_id: {"before": display_points(was), "after": display_points(now)}
                            for path_id, (was, now) in change.points.items()
                        },
                        "reasons": list(change.reasons),
                    }
                    for change in item.changes
                ],
                "reasons": list(item.reasons),
            }
            for item in result.changed
        ],
        "summary": result.summary(),
        "problems": [str(problem) for problem in result.problems],
    }


def impact_to_text(result: Impact) -> str:
    """*result* as a report people read."""
    lines = [f"{result.old} → {result.new}"]
    if result.ruleset_changes:
        lines += ["", "Ruleset changes:"] + [f"  {line}" for line in result.ruleset_changes]
    for item in result.changed:
        lines += ["", f"{item.partner_id} ({item.source}): {item.before} → {item.after}"]
        for change in item.changes:
            points = ", ".join(
                f"{path_id} {format_points(was)} → {format_points(now)}"
                for path_id, (was, now) in change.points.items()
            )
            lines.append(f"  {change.metric}: {points}")
            lines += [f"    {reason}" for reason in change.reasons]
        lines += [f"  {reason}" for reason in item.reasons]
    summary = result.summary()
    lines += [
        "",
        f"{summary['partners']} partner(s): {summary['changed']} changed, {summary['unchanged']} unchanged; "
        f"{summary['newly_qualified']} newly qualified, {summary['no_longer_qualified']} no longer qualified"
        + (f"; {summary['not_evaluated']} not evaluated" if summary["not_evaluated"] else ""),
    ]
    if result.problems:
        lines += ["", "Not evaluated:"] + [f"  {problem}" for problem in result.problems]
    return "\n".join(lines)

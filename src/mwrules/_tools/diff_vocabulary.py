"""What changed between two rulesets in the vocabulary's terms, compared by ids (never by list positions).

:func:`mwrules._tools.diff.ruleset_changes` keeps its lines for metrics
scored in proportion to targets (``<path>: target for <m> a → b``) and asks
this module for everything else (docs/design/rules-as-data.md §3.3):

- ``enterprise: intermediate_certifications step_2 gate need 2 → 3``
- ``smb: intermediate_certifications step_3 rate 8 → 6 per person``
- ``smb: skilling term step_3 requires [step_1] → [step_1, step_2]``
- ``smb: usage_growth condition baseline_mcv at least 50000 → 40000``
- ``classify: smb when smb_customer_share at least 80 → 75``
- ``facts + x``, ``smb: metrics - advanced_certifications``, a path's own
  total, pass mark, maximum and minimum of a metric.

A term is named by its id; the id is left out when the path scores the
metric with one term, before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from .._rulesets.vocabulary import ClassifyEntry, Condition, FactSpec, PathMetric, Term
from ..ruleset import Ruleset
from ..verdict import Verdict, exact_text, format_points


def plain(value: Fraction | None) -> str:
    """A number of the vocabulary as written in a ruleset: exact, without separators; none when absent."""
    return "none" if value is None else str(exact_text(value))


def fact_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Facts declared, dropped, or whose type or range changed."""
    before = {fact.id: fact for fact in old.facts}
    after = {fact.id: fact for fact in new.facts}
    lines = [f"facts + {fact_id}" for fact_id in after if fact_id not in before]
    lines += [f"facts - {fact_id}" for fact_id in before if fact_id not in after]
    for fact_id, fact in after.items():
        if fact_id in before:
            lines += _fact_fields(before[fact_id], fact)
    return lines


def _fact_fields(was: FactSpec, now: FactSpec) -> list[str]:
    lines = []
    if was.type != now.type:
        lines.append(f"facts {now.id}: type {was.type} → {now.type}")
    for key in ("min", "max"):
        if getattr(was, key) != getattr(now, key):
            lines.append(f"facts {now.id}: {key} {plain(getattr(was, key))} → {plain(getattr(now, key))}")
    return lines


def source_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Metrics (in both rulesets) whose source changed kind, parts or people sets (certifications are said apart)."""
    before = {metric.id: metric.source for metric in old.metrics}
    lines = []
    for metric in new.metrics:
        was, now = before.get(metric.id), metric.source
        if was is None or was == now:
            continue
        if was.kind != now.kind:
            lines.append(f"{metric.id}: source {was.kind} → {now.kind}")
        elif now.number is not None and was.number != now.number:
            lines.append(f"{metric.id}: number {was.number} → {now.number}")
        elif now.parts is not None and was.parts is not None:
            lines += _keyed(f"{metric.id}: parts", was.parts, now.parts)
            lines += [
                f"{metric.id}: part {part} {was.parts[part]} → {kind}"
                for part, kind in now.parts.items()
                if part in was.parts and was.parts[part] != kind
            ]
        elif now.people is not None and was.people is not None:
            lines += _keyed(f"{metric.id}: people sets", was.people, now.people)
    return lines


def _keyed(label: str, was: Iterable[str], now: Iterable[str]) -> list[str]:
    before, after = list(was), list(now)
    return [f"{label} + {key}" for key in after if key not in before] + [
        f"{label} - {key}" for key in before if key not in after
    ]


def path_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Paths added or dropped; per path in both, its own total and pass mark, and its set of metrics."""
    before = {path.id: path for path in old.paths}
    lines = [f"path + {path.id}" for path in new.paths if path.id not in before]
    lines += [f"path - {path_id}" for path_id in before if path_id not in {path.id for path in new.paths}]
    for path in new.paths:
        if path.id not in before:
            continue
        was = before[path.id]
        if was.total_points != path.total_points:
            lines.append(
                f"{path.id}: total_points {format_points(_total(old, was.total_points))} → "
                f"{format_points(_total(new, path.total_points))}"
            )
        if was.min_total_points != path.min_total_points:
            lines.append(
                f"{path.id}: min_total_points {format_points(old.pass_mark(path.id))} → "
                f"{format_points(new.pass_mark(path.id))}"
            )
        known = {metric.id for metric in old.metrics}
        # a metric new to the ruleset and scored in proportion keeps its legacy line (target for m none → T)
        targets = {m for m in path.targets if new.proportional(path.id, m)}
        added = [m for m in path.metrics if m not in was.metrics and (m in known or m not in targets)]
        lines += [f"{path.id}: metrics + {metric_id}" for metric_id in added]
        still = {metric.id for metric in new.metrics}
        lines += [f"{path.id}: metrics - {m}" for m in was.metrics if m not in path.metrics and m in still]
    return lines


def _total(ruleset: Ruleset, own: Fraction | None) -> Fraction:
    return ruleset.scoring.total_points if own is None else own


def scored_changes(old: Ruleset, new: Ruleset, path_id: str, metric_id: str) -> list[tuple[str | None, str]]:
    """How a path's scoring of a metric changed, line by line, each with the term it is about (None: the metric).

    Asked of a metric both versions of the path score, when either does not
    score it in proportion to targets alone.
    """
    was, now = old.path(path_id).metrics[metric_id], new.path(path_id).metrics[metric_id]
    head = f"{path_id}: {metric_id}"
    lines: list[tuple[str | None, str]] = []
    if was.combine != now.combine:
        lines.append((None, f"{head} combine {was.combine} → {now.combine}"))
    if was.max_points != now.max_points:
        lines.append((None, f"{head} max_points {_most(old, path_id, metric_id)} → {_most(new, path_id, metric_id)}"))
    if was.min_points != now.min_points:
        lines.append(
            (
                None,
                f"{head} min_points {format_points(old.least_points(path_id, metric_id))} → "
                f"{format_points(new.least_points(path_id, metric_id))}",
            )
        )
    people = set(new.metric(metric_id).source.people or ()) | set(old.metric(metric_id).source.people or ())
    return lines + _term_changes(head, metric_id, was, now, people)


def _most(ruleset: Ruleset, path_id: str, metric_id: str) -> str:
    own = ruleset.path(path_id).metrics[metric_id].max_points
    return format_points(ruleset.metric(metric_id).max_points if own is None else own)


def _term_changes(
    head: str, metric_id: str, was: PathMetric, now: PathMetric, people: set[str]
) -> list[tuple[str | None, str]]:
    before, after = dict(was.named(metric_id)), dict(now.named(metric_id))
    lines: list[tuple[str | None, str]] = [
        (key, f"{head} term + {key} ({_describe(term, people)})") for key, term in after.items() if key not in before
    ]
    lines += [(key, f"{head} term - {key}") for key in before if key not in after]
    common = [key for key in after if key in before]
    if common != [key for key in before if key in after]:
        lines.append(
            (None, f"{head} terms in order {', '.join(k for k in before if k in after)} → {', '.join(common)}")
        )
    single = len(before) == 1 and len(after) == 1
    for key in common:
        named = head if single else f"{head} {key}"
        lines += [(key, line) for line in _term_fields(named, f"{head} term {key}", before[key], after[key], people)]
    return lines


def _term_fields(named: str, term_head: str, was: Term, now: Term, people: set[str]) -> list[str]:
    """The lines of one term whose id is in both versions."""
    lines = []
    if was.kind != now.kind:
        lines.append(f"{named} {_describe(was, people)} → {_describe(now, people)}")
    elif was.target != now.target:
        lines.append(f"{named} target {plain(was.target)} → {plain(now.target)}")
    elif was.rate is not None and now.rate is not None and was.rate != now.rate:
        if was.rate.per == now.rate.per:
            unit = _per(now.rate.per, now.of in people)
            lines.append(f"{named} rate {plain(was.rate.points)} → {plain(now.rate.points)} {unit}")
        else:
            lines.append(f"{named} rate {_rate(was, people)} → {_rate(now, people)}")
    elif was.gate is not None and now.gate is not None:
        if was.gate.need != now.gate.need:
            lines.append(f"{named} gate need {plain(was.gate.need)} → {plain(now.gate.need)}")
        if was.gate.points != now.gate.points:
            lines.append(f"{named} gate points {plain(was.gate.points)} → {plain(now.gate.points)}")
    if was.of != now.of:
        lines.append(f"{named} of {was.of or 'the number'} → {now.of or 'the number'}")
    if was.cap != now.cap:
        lines.append(f"{named} cap {plain(was.cap)} → {plain(now.cap)}")
    if was.requires != now.requires:
        lines.append(f"{term_head} requires [{', '.join(was.requires)}] → [{', '.join(now.requires)}]")
    return lines + _condition_changes(f"{named} condition", was.when, now.when)


def _describe(term: Term, people: set[str]) -> str:
    of = f" of {term.of}" if term.of is not None else ""
    if term.gate is not None:
        return f"gate need {plain(term.gate.need)} points {plain(term.gate.points)}{of}"
    if term.rate is not None:
        return f"rate {_rate(term, people)}{of}"
    return f"target {plain(term.target)}{of}"


def _rate(term: Term, people: set[str]) -> str:
    assert term.rate is not None  # noqa: S101 - asked of rate terms only
    return f"{plain(term.rate.points)} {_per(term.rate.per, term.of in people)}"


def _per(per: Fraction, people: bool) -> str:
    if people:
        return "per person" if per == 1 else f"per {plain(per)} people"
    return "per unit" if per == 1 else f"per {plain(per)}"


def _condition_changes(head: str, was: Sequence[Condition], now: Sequence[Condition]) -> list[str]:
    """Conditions paired by what they compare (a fact or a part), in order; the rest added or dropped."""
    before = _by_subject(was)
    after = _by_subject(now)
    lines = []
    for subject in dict.fromkeys([*after, *before]):
        olds, news = before.get(subject, []), after.get(subject, [])
        for previous, current in zip(olds, news, strict=False):
            if previous != current:
                lines.append(f"{head} {_condition(previous)} → {_rule_of(previous, current)}")
        lines += [f"{head} + {_condition(condition)}" for condition in news[len(olds) :]]
        lines += [f"{head} - {_condition(condition)}" for condition in olds[len(news) :]]
    return lines


def _by_subject(conditions: Sequence[Condition]) -> dict[str, list[Condition]]:
    grouped: dict[str, list[Condition]] = {}
    for condition in conditions:
        grouped.setdefault(_subject(condition), []).append(condition)
    return grouped


def _subject(condition: Condition) -> str:
    return str(condition.fact if condition.fact is not None else condition.part)


def _condition(condition: Condition) -> str:
    """``baseline_mcv at least 50000``."""
    return f"{_subject(condition)} {condition.operator.replace('_', ' ')} {plain(condition.threshold)}"


def _rule_of(previous: Condition, current: Condition) -> str:
    """What a changed condition became: the new threshold, with its operator if that changed too."""
    if previous.operator == current.operator and _subject(previous) == _subject(current):
        return plain(current.threshold)
    return f"{current.operator.replace('_', ' ')} {plain(current.threshold)}"


def classify_changes(old: Ruleset, new: Ruleset) -> list[str]:
    """Entries of the classification added, dropped, reordered, or whose conditions changed.

    Entries are matched by what they say before where they sit: first an
    entry with the same path and conditions, then one with the same path.
    Keyed by place alone, a second entry for smb renamed the first one
    (smb -> smb#1), which then read as dropped and added again.
    """
    before, after = old.scoring.classify, new.scoring.classify
    was, now = _labels(before), _labels(after)
    matched: dict[int, int] = {}  # an entry of *after* -> the entry of *before* it is
    for same in (_same_entry, _same_path):
        for index, entry in enumerate(after):
            if index not in matched:
                found = next(
                    (i for i, e in enumerate(before) if i not in matched.values() and same(e, entry)),
                    None,
                )
                if found is not None:
                    matched[index] = found
    lines = [f"classify + {_entry(now[i], entry)}" for i, entry in enumerate(after) if i not in matched]
    lines += [f"classify - {was[i]}" for i in range(len(before)) if i not in matched.values()]
    kept = [matched[i] for i in sorted(matched)]
    if kept != sorted(kept):
        lines.append(f"classify: order {', '.join(was[i] for i in sorted(kept))} → {', '.join(was[i] for i in kept)}")
    for index in sorted(matched):
        lines += _condition_changes(
            f"classify: {was[matched[index]]} when", before[matched[index]].when, after[index].when
        )
    return lines


def _same_entry(one: ClassifyEntry, other: ClassifyEntry) -> bool:
    return one.path == other.path and one.when == other.when


def _same_path(one: ClassifyEntry, other: ClassifyEntry) -> bool:
    return one.path == other.path


def _labels(entries: Sequence[ClassifyEntry]) -> list[str]:
    """Each entry's name: its path, with its place when the path has several entries."""
    return [
        f"{entry.path}#{index + 1}" if sum(other.path == entry.path for other in entries) > 1 else entry.path
        for index, entry in enumerate(entries)
    ]


def _entry(key: str, entry: ClassifyEntry) -> str:
    return f"{key} when {' and '.join(map(_condition, entry.when))}" if entry.when else f"{key} otherwise"


def gate_outcomes(
    old: Ruleset, new: Ruleset, path_id: str, metric_id: str, before: Verdict, after: Verdict
) -> dict[str, str]:
    """Per gate met before and not after (or the other way), ``step_2 on enterprise: met → not met (need 2 → 3)``."""
    was = before.paths[path_id].metrics[metric_id].terms
    now = after.paths[path_id].metrics[metric_id].terms
    needs = {
        key: (_need(old, path_id, metric_id, key), _need(new, path_id, metric_id, key))
        for key, result in now.items()
        if result.met is not None
    }
    lines = {}
    for key, (old_need, new_need) in needs.items():
        if key not in was or was[key].met is None or was[key].met == now[key].met:
            continue
        status = f"{_met(was[key].met)} → {_met(now[key].met)}"
        if old_need != new_need:
            why = f"need {plain(old_need)} → {plain(new_need)}"
        else:
            why = f"{exact_text(was[key].measure)} → {exact_text(now[key].measure)} of {plain(new_need)}"
        lines[key] = f"{key} on {path_id}: {status} ({why})"
    return lines


def _need(ruleset: Ruleset, path_id: str, metric_id: str, key: str) -> Fraction | None:
    terms: Mapping[str, Term] = dict(ruleset.path(path_id).metrics[metric_id].named(metric_id))
    gate = terms[key].gate if key in terms else None
    return None if gate is None else gate.need


def _met(met: bool | None) -> str:
    return "met" if met else "not met"

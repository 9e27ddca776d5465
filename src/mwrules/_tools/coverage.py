"""Rule coverage: which rules of a ruleset, and which branches of them, its cases exercise.

As ``opa test --coverage`` does for policies, ``mwrules test --coverage`` runs
the cases beside a ruleset (as ``mwrules test`` does) and reads their traces:
every trace step names the rule that fired and what it concluded, and each
conclusion takes one branch of its rule.

==========================  ===============================================================
rule                        branches
==========================  ===============================================================
``points:<path>:<metric>``  ``zero``, ``partial`` (more than 0 points, the cap not applied),
                            ``capped``; with options, ``option <o> wins`` (earning points);
                            with ``combine: best``, ``term <id> wins``; for a term with
                            ``requires`` or ``when``, ``term <id> closed``
``falls-short:<path>``      ``short in total``, ``short in a metric``
``verdict``                 ``qualified``, ``not qualified``; choosing the best of several
                            paths, ``path <p> reported`` per path
any other rule              ``fired`` (a gate met and not met, a condition holding and
                            failing, each classification entry: each is a rule of its own)
==========================  ===============================================================

A branch no partner can take is not listed: ``partial`` for a metric whose
terms are gates of 0 points, ``capped`` for gates that never pass their caps,
``short in a metric`` for a path whose metrics are all optional. Every case
that ran counts, passing or not (a failing case is reported by ``test`` and
``lint`` as such).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from .._evaluation.evaluate import compiled_rules
from .._rulesets.versions import yaml_files
from .._rulesets.vocabulary import PathMetric, Term
from ..ruleset import Ruleset
from ..verdict import TraceStep, Verdict
from .cases import CaseResult, cases_dir, run_case


FIRED = "fired"
ZERO, PARTIAL, CAPPED = "zero", "partial", "capped"
SHORT_IN_TOTAL, SHORT_IN_A_METRIC = "short in total", "short in a metric"
QUALIFIED, NOT_QUALIFIED = "qualified", "not qualified"


@attrs.frozen
class Branch:
    """One branch of one rule, and the cases that took it (by name, in the order they ran)."""

    rule: str
    branch: str
    cases: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        return bool(self.cases)


@attrs.frozen
class Coverage:
    """The branches of a ruleset's rules, each with the cases that exercised it."""

    ruleset: Ruleset
    cases: int
    branches: tuple[Branch, ...]

    @property
    def covered(self) -> int:
        """How many branches some case exercised."""
        return sum(branch.covered for branch in self.branches)

    @property
    def uncovered(self) -> tuple[Branch, ...]:
        return tuple(branch for branch in self.branches if not branch.covered)

    def summary(self) -> str:
        """``41 of 43 rule branches covered``."""
        return f"{self.covered} of {len(self.branches)} rule branches covered"

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset.id,
            "version": self.ruleset.version,
            "cases": self.cases,
            "covered": self.covered,
            "branches": len(self.branches),
            "rules": [
                {"rule": branch.rule, "branch": branch.branch, "covered": branch.covered, "cases": list(branch.cases)}
                for branch in self.branches
            ],
        }


def branches(ruleset: Ruleset) -> dict[str, tuple[str, ...]]:
    """Every rule of *ruleset* (in the order the rules are built) and the branches it can take."""
    points = _points_rules(ruleset)
    found = {}
    for rule in compiled_rules(ruleset).descriptions:
        if rule in points:
            found[rule] = _points_branches(ruleset, *points[rule])
        elif rule.startswith("falls-short:"):
            found[rule] = _short_branches(ruleset, rule.removeprefix("falls-short:"))
        elif rule == "verdict":
            found[rule] = _verdict_branches(ruleset)
        else:
            found[rule] = (FIRED,)
    return found


def taken(ruleset: Ruleset, step: TraceStep, verdict: Verdict) -> Iterator[str]:
    """The branches of its rule that the firing *step* of *verdict*'s trace took.

    Some may not be branches of the rule (``term <id> wins`` when the terms
    are summed, ``path <p> reported`` under classification): :func:`coverage`
    counts only those :func:`branches` lists.
    """
    concluded = step.concluded
    if step.rule.startswith("points:") and "points" in concluded:
        yield from _points_taken(concluded)
    elif step.rule.startswith("falls-short:"):
        path_id = str(concluded["path"])
        yield SHORT_IN_TOTAL if verdict.paths[path_id].score < ruleset.pass_mark(path_id) else SHORT_IN_A_METRIC
    elif step.rule == "verdict":
        yield QUALIFIED if concluded["qualified"] else NOT_QUALIFIED
        yield f"path {concluded['path']} reported"
    else:
        yield FIRED


def _points_taken(concluded: Mapping[str, Any]) -> Iterator[str]:
    points = Fraction(concluded["points"])
    yield CAPPED if "capped_at" in concluded else ZERO if points == 0 else PARTIAL
    if "terms" not in concluded:  # a metric scored in proportion to targets
        if points > 0 and "option" in concluded:
            yield f"option {concluded['option']} wins"
        return
    earned = {term: _earned(text) for term, text in concluded["terms"].items()}
    winner = max(earned, key=lambda term: earned[term])  # the first of equal points, as scoring keeps it
    if earned[winner] > 0:
        yield f"term {winner} wins"
    yield from (f"term {term} closed" for term, text in concluded["terms"].items() if text.startswith("closed"))


def _earned(text: str) -> Fraction:
    """A term's points as a points step concludes them: a number, or ``closed by ...`` (nothing)."""
    return Fraction(0) if text.startswith("closed") else Fraction(text)


def coverage(ruleset: Ruleset, verdicts: Iterable[tuple[str, Verdict]]) -> Coverage:
    """Which branches of *ruleset*'s rules the verdicts of the named cases took."""
    possible = branches(ruleset)
    by_branch: dict[tuple[str, str], list[str]] = {}
    count = 0
    for name, verdict in verdicts:
        count += 1
        for step in verdict.trace:
            for branch in taken(ruleset, step, verdict):
                names = by_branch.setdefault((step.rule, branch), [])
                if name not in names:
                    names.append(name)
    found = [
        Branch(rule, branch, tuple(by_branch.get((rule, branch), ())))
        for rule, names in possible.items()
        for branch in names
    ]
    return Coverage(ruleset, count, tuple(found))


def case_coverage(ruleset_file: Path, ruleset: Ruleset) -> tuple[Coverage, list[CaseResult]]:
    """Run the cases beside *ruleset_file* under *ruleset*: the coverage, and each case's result."""
    results = [run_case(case_path, ruleset) for case_path in yaml_files(cases_dir(ruleset_file))]
    return of_results(ruleset, results), results


def of_results(ruleset: Ruleset, results: Iterable[CaseResult]) -> Coverage:
    """The coverage of the cases that ran (those that could be read), whether they passed or not."""
    return coverage(ruleset, ((result.path.stem, result.verdict) for result in results if result.verdict is not None))


def coverage_to_text(report: Coverage) -> str:
    """The table ``rule  branch  cases``, uncovered rows marked, and the summary."""
    rows = [("rule", "branch", "cases")]
    rows += [(branch.rule, branch.branch, str(len(branch.cases))) for branch in report.branches]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [f"{report.ruleset}: {report.cases} case(s)"]
    for row, branch in zip(rows, (None, *report.branches), strict=True):
        mark = "  NOT COVERED" if branch is not None and not branch.covered else ""
        lines.append(f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}{mark}".rstrip())
    lines.append(f"{report.ruleset}: {report.summary()}")
    return "\n".join(lines)


# which branches a rule can take ------------------------------------------------------


def _points_rules(ruleset: Ruleset) -> dict[str, tuple[str, str]]:
    """The points rules of *ruleset*: ``points:<path>:<metric>`` -> (path, metric)."""
    return {
        f"points:{path.id}:{metric_id}": (path.id, metric_id)
        for path in ruleset.paths
        for metric_id in ruleset.scored(path.id)
    }


def _points_branches(ruleset: Ruleset, path_id: str, metric_id: str) -> tuple[str, ...]:
    scored = ruleset.scored(path_id)[metric_id]
    metric = ruleset.metric(metric_id)
    if ruleset.proportional(path_id, metric_id):
        options = ruleset.options(path_id, metric_id)
        wins = [f"option {option} wins" for option in options] if len(options) > 1 else []
        return (ZERO, PARTIAL, CAPPED, *wins)
    most = scored.max_points if scored.max_points is not None else metric.max_points
    named = scored.named(metric_id)
    caps = {key: most if term.cap is None else min(term.cap, most) for key, term in named}
    found = [ZERO]
    if any(_earns_below_cap(ruleset, metric_id, term, caps[key], most) for key, term in named):
        found.append(PARTIAL)
    if _can_cap(scored, named, caps, most):
        found.append(CAPPED)
    if scored.combine == "best" and len(named) > 1:
        found += [f"term {key} wins" for key, term in named if term.gate is None or term.gate.points > 0]
    found += [f"term {key} closed" for key, term in named if term.requires or term.when]
    return tuple(found)


def _earns_below_cap(ruleset: Ruleset, metric_id: str, term: Term, cap: Fraction, most: Fraction) -> bool:
    """Whether *term* can earn some points without passing its cap."""
    if term.gate is not None:
        return 0 < term.gate.points <= cap
    if ruleset.metric(metric_id).source.people is None and ruleset.kind(metric_id, term.of) == "amount":
        return True  # an amount may be as little as a millionth
    return term.per_unit(most) <= cap  # one unit (a person, a customer) earns a step


def _can_cap(
    scored: PathMetric, named: tuple[tuple[str, Term], ...], caps: Mapping[str, Fraction], most: Fraction
) -> bool:
    """Whether the cap of a term, or the metric's maximum, can apply."""
    if any(term.gate is None or term.gate.points > caps[key] for key, term in named):
        return True  # a target or rate has no end: enough of its measure passes its cap
    return scored.combine == "sum" and sum(min(term.gate.points, caps[key]) for key, term in named if term.gate) > most


def _short_branches(ruleset: Ruleset, path_id: str) -> tuple[str, ...]:
    found = []
    needed = ruleset.pass_mark(path_id)
    if needed > 0:
        found.append(SHORT_IN_TOTAL)
    maxima = {metric_id: _most(ruleset, path_id, metric_id) for metric_id in ruleset.scored(path_id)}
    # Short in a metric only: the others alone reach the pass mark while it earns nothing
    if any(
        ruleset.least_points(path_id, metric_id) > 0 and sum(maxima.values()) - maxima[metric_id] >= needed
        for metric_id in maxima
    ):
        found.append(SHORT_IN_A_METRIC)
    return tuple(found)


def _most(ruleset: Ruleset, path_id: str, metric_id: str) -> Fraction:
    own = ruleset.scored(path_id)[metric_id].max_points
    return ruleset.metric(metric_id).max_points if own is None else own


def _verdict_branches(ruleset: Ruleset) -> tuple[str, ...]:
    paths = ruleset.path_order
    reported = (
        [f"path {path_id} reported" for path_id in paths] if ruleset.scoring.choose == "best" and len(paths) > 1 else []
    )
    return (QUALIFIED, NOT_QUALIFIED, *reported)

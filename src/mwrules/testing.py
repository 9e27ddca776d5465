"""Assertions about verdicts, for other people's test suites (and mwrules' own).

:func:`check_verdict` checks every structural invariant of a verdict in one
call. It needs no Hypothesis, but pairs well with :mod:`mwrules.strategies`::

    @given(mst.partners())
    def test_our_pipeline_keeps_verdicts_sound(partner):
        verdict = our_service.qualify(partner)        # calls mwrules.evaluate
        check_verdict(partner, verdict)

It raises :class:`AssertionError` (not ``assert``, which ``python -O``
removes) naming the first invariant that does not hold.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from ._rulesets.model import path_maxima
from ._rulesets.versions import select_ruleset
from .model import Partner
from .ruleset import Ruleset, normalise_name
from .verdict import MetricResult, PathResult, Verdict


__all__ = ["check_verdict"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_verdict(partner: Partner, verdict: Verdict, *, ruleset: Ruleset | None = None) -> None:
    """Assert that *verdict* is a sound verdict for *partner* under *ruleset*.

    *ruleset* defaults to the shipped version the verdict names. Checked:

    - **identity**: the partner's id and ``as_of``; every path of the ruleset
      (with ``choose: classify``, the one path its classification picks from
      the partner's facts), each with the metrics it scores, present once;
    - **bounds and caps**: each metric within 0 and its maximum on the path,
      at the maximum when capped, measured from a whole number of people or
      units;
    - **sums**: a path's score is the sum of its metrics, within 0 and the
      path's total;
    - **pass rule**: a path qualifies exactly when its total reaches its pass
      mark and every metric its minimum, and lists shortfalls exactly when not;
    - **path choice**: the partner qualifies when a path does, and the
      reported path is the best qualifying one, else the highest-scoring one
      (ties to the earlier in ``path_preference``), or the classified one,
      with that path's score;
    - **trace**: every metric's points and every path's verdict name the
      rule firing that produced them, with the same values; every counted
      person is a person of the partner, counted through a certification
      they hold; no rule fires twice on the same facts; the last firing is
      the verdict.

    >>> import mwrules
    >>> partner = mwrules.load_partner({"partner_id": "contoso", "as_of": "2024-06-30"})
    >>> check_verdict(partner, mwrules.evaluate(partner))

    Raises:
        AssertionError: an invariant does not hold; the message says which.
    """
    ruleset = ruleset or select_ruleset(f"{verdict.ruleset.id}@{verdict.ruleset.version}").ruleset
    _require(verdict.partner_id == partner.partner_id, f"partner_id {verdict.partner_id!r} != {partner.partner_id!r}")
    if partner.as_of is not None:
        _require(verdict.as_of == partner.as_of, f"as_of {verdict.as_of} != the partner's {partner.as_of}")
    scored = _scored_paths(partner, ruleset)
    if ruleset.scoring.choose == "classify":
        picked = f"the classification picks {', '.join(scored)} from the partner's facts"
        _require(list(verdict.paths) == scored, f"paths {list(verdict.paths)}, but {picked}")
    _require(list(verdict.paths) == scored, f"paths {list(verdict.paths)} != the ruleset's {scored}")
    for path in verdict.paths.values():
        _check_path(path, ruleset, verdict)
    _check_choice(verdict, ruleset)
    _check_trace(verdict, partner, ruleset)


def _scored_paths(partner: Partner, ruleset: Ruleset) -> list[str]:
    """The paths a verdict scores: every path, or the one the classification picks from the partner's facts."""
    if ruleset.scoring.choose != "classify":
        return [path.id for path in ruleset.paths]
    for entry in ruleset.scoring.classify:
        if all(condition.holds(partner.facts[str(condition.fact)]) for condition in entry.when):
            return [entry.path]
    return []  # lint refuses a classification whose last entry has conditions


def _check_path(path: PathResult, ruleset: Ruleset, verdict: Verdict) -> None:
    where = f"path {path.path}"
    maxima = path_maxima(ruleset, path.path)
    _require(
        list(path.metrics) == list(maxima), f"{where}: metrics {list(path.metrics)} != the ruleset's {list(maxima)}"
    )
    for metric_id, max_points in maxima.items():
        _check_metric(path.metrics[metric_id], max_points, f"{where}, {metric_id}")
    total = sum((result.points for result in path.metrics.values()), Fraction(0))
    _require(path.score == total, f"{where}: score {path.score} != the sum of its metrics {total}")
    most = ruleset.path(path.path).total_points or ruleset.scoring.total_points
    _require(0 <= path.score <= most, f"{where}: score {path.score} outside 0..{most}")
    short = [
        metric_id for metric_id in maxima if path.metrics[metric_id].points < ruleset.least_points(path.path, metric_id)
    ]
    passes = path.score >= ruleset.pass_mark(path.path) and not short
    _require(
        path.qualified == passes,
        f"{where}: qualified={path.qualified}, but the total is {path.score} and metrics under their minimum {short}",
    )
    _require(
        bool(path.shortfalls) != path.qualified,
        f"{where}: shortfalls {path.shortfalls} with qualified={path.qualified}",
    )
    step = verdict.trace[path.step] if 0 <= path.step < len(verdict.trace) else None
    _require(
        step is not None and step.rule == path.rule and step.concluded.get("qualified") == path.qualified,
        f"{where}: its verdict names step {path.step} ({path.rule}), which is not that firing",
    )


def _check_metric(result: MetricResult, max_points: Fraction, where: str) -> None:
    _require(result.max == max_points, f"{where}: max {result.max} != the ruleset's {max_points}")
    _require(0 <= result.points <= result.max, f"{where}: {result.points} points outside 0..{result.max}")
    if result.capped and not any(term.capped for term in result.terms.values()):  # else a term's own cap
        _require(result.points == result.max, f"{where}: capped, but {result.points} != the max {result.max}")
    if "people" in result.inputs:
        _require(
            result.inputs["people"] == len(result.people) == len(set(result.people)),
            f"{where}: {result.inputs['people']} people measured, but {len(result.people)} named",
        )


def _check_choice(verdict: Verdict, ruleset: Ruleset) -> None:
    order = [path_id for path_id in ruleset.path_order if path_id in verdict.paths]
    qualifying = [path_id for path_id in order if verdict.paths[path_id].qualified]
    _require(verdict.qualified == bool(qualifying), f"qualified={verdict.qualified}, qualifying paths {qualifying}")
    candidates = qualifying or order
    best = max(candidates, key=lambda path_id: verdict.paths[path_id].score)
    _require(verdict.path == best, f"the reported path is {verdict.path}, but the rule chooses {best}")
    _require(verdict.score == verdict.paths[verdict.path].score, f"score {verdict.score} != path {verdict.path}'s")


def _check_trace(verdict: Verdict, partner: Partner, ruleset: Ruleset) -> None:
    trace = verdict.trace
    _require(bool(trace) and trace[-1].rule == "verdict", "the last firing is not the verdict")
    _require([step.step for step in trace] == list(range(len(trace))), "trace steps are not numbered 0, 1, 2, ...")
    repeated = [key for key, count in Counter((step.rule, step.matched) for step in trace).items() if count > 1]
    _require(not repeated, f"rules fired twice on the same facts: {repeated}")
    for path in verdict.paths.values():
        for result in path.metrics.values():
            step = trace[result.step] if 0 <= result.step < len(trace) else None
            _require(
                step is not None and step.rule == result.rule and Fraction(step.concluded["points"]) == result.points,
                f"{path.path}, {result.metric}: its points name step {result.step}, which did not compute them",
            )
    holders = {person.id: {normalise_name(cert.name) for cert in person.certifications} for person in partner.people}
    for step in trace:
        if not step.rule.startswith("certified:"):
            continue
        person, through = step.concluded["person"], step.concluded["through"]
        _require(person in holders, f"step {step.step} counts {person!r}, who is not a person of the partner")
        _require(bool(through), f"step {step.step} counts {person!r} through no certification")
        for cert_id in through:
            spec = ruleset.certification(cert_id)
            spellings = {normalise_name(name) for name in (spec.name, *spec.aliases)}
            _require(bool(spellings & holders[person]), f"step {step.step}: {person!r} does not hold {cert_id!r}")

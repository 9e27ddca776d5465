"""Invariants of every verdict, for generated partners."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

import mwrules
from mwrules import Partner, Person

from .plain_scorer import plain_scores, plain_verdict
from .strategies import partners, ruleset_on


@given(partners())
def test_scores_are_bounded_and_add_up(partner: Partner):
    """0 <= score <= total, each metric within its max, a path's score is the sum of its metrics."""
    verdict = mwrules.evaluate(partner)
    ruleset = ruleset_on(partner.as_of)

    assert (ruleset.id, ruleset.version) == (verdict.ruleset.id, verdict.ruleset.version)
    for path in verdict.paths.values():
        assert 0 <= path.score <= ruleset.scoring.total_points
        assert path.score == sum(result.points for result in path.metrics.values())
        for metric in ruleset.metrics:
            assert 0 <= path.metrics[metric.id].points <= metric.max_points
    assert verdict.score == verdict.paths[verdict.path].score


@given(partners())
def test_agrees_with_the_plain_python_scorer(partner: Partner):
    """The rules engine and an independent plain-Python scorer give the same points and verdict."""
    verdict = mwrules.evaluate(partner)
    ruleset = ruleset_on(partner.as_of)

    expected = plain_scores(partner, ruleset, partner.as_of)
    for path_id, points in expected.items():
        for metric_id, value in points.items():
            got = (
                verdict.paths[path_id].score
                if metric_id == "total"
                else verdict.paths[path_id].metrics[metric_id].points
            )
            assert value == got, (path_id, metric_id)
    assert plain_verdict(partner, ruleset, partner.as_of) == (verdict.qualified, verdict.path, verdict.score)


@given(partners(), st.integers(min_value=0, max_value=3))
def test_adding_a_certified_person_never_lowers_a_score(partner: Partner, which: int):
    """A new person with a certification eligible on as_of never lowers any metric."""
    ruleset = ruleset_on(partner.as_of)
    eligible = [
        cert
        for cert in ruleset.certifications
        if ruleset.counted_at(cert.id) and (cert.eligible_through is None or partner.as_of <= cert.eligible_through)
    ]
    cert = eligible[which % len(eligible)]
    more = attrs.evolve(partner, people=(*partner.people, Person("newcomer", (mwrules.Certification(cert.name),))))

    before, after = mwrules.evaluate(partner), mwrules.evaluate(more)

    for path_id, path in before.paths.items():
        for metric_id, result in path.metrics.items():
            assert result.points <= after.paths[path_id].metrics[metric_id].points


@given(partners(), st.data())
def test_raising_a_metric_never_lowers_a_score(partner: Partner, data: st.DataObject):
    """Raising any measure never lowers any score."""
    path_id = data.draw(st.sampled_from(sorted(partner.metrics)))
    metric_id = data.draw(st.sampled_from(sorted(partner.metrics[path_id])))
    by = data.draw(st.integers(min_value=1, max_value=2000))
    value = partner.metrics[path_id][metric_id]
    raised = {option: amount + by for option, amount in value.items()} if isinstance(value, dict) else value + by
    metrics = {**partner.metrics, path_id: {**partner.metrics[path_id], metric_id: raised}}

    before, after = mwrules.evaluate(partner), mwrules.evaluate(attrs.evolve(partner, metrics=metrics))

    for path in before.paths:
        assert before.paths[path].score <= after.paths[path].score
    assert before.qualified <= after.qualified


@given(partners(), st.randoms(use_true_random=False))
def test_order_of_people_and_certifications_does_not_matter(partner: Partner, rnd: random.Random):
    """Shuffling people and their certifications changes neither the verdict nor the trace."""
    people = [
        attrs.evolve(p, certifications=tuple(rnd.sample(p.certifications, len(p.certifications))))
        for p in partner.people
    ]
    rnd.shuffle(people)
    shuffled = attrs.evolve(partner, people=tuple(people))

    before, after = mwrules.evaluate(partner), mwrules.evaluate(shuffled)

    assert (before.qualified, before.path, before.score) == (after.qualified, after.path, after.score)
    assert before.paths == after.paths
    assert [(s.rule, s.concluded) for s in before.trace] == [(s.rule, s.concluded) for s in after.trace]


@given(partners())
def test_verdict_round_trips_through_json(partner: Partner):
    """A verdict written as JSON text and read back is equal to the original."""
    verdict = mwrules.evaluate(partner)

    text = json.dumps(mwrules.verdict_to_json(verdict))

    assert verdict == mwrules.verdict_from_json(json.loads(text))


@given(partners())
def test_every_point_is_traced_to_a_firing(partner: Partner):
    """Each metric's points name the trace step of the rule firing that produced them."""
    verdict = mwrules.evaluate(partner)

    for path in verdict.paths.values():
        for result in path.metrics.values():
            step = verdict.trace[result.step]
            assert step.rule == result.rule
            assert Fraction(step.concluded["points"]) == result.points
        assert verdict.trace[path.step].rule == path.rule
    assert verdict.trace[-1].rule == "verdict"


@given(partners())
@example(mwrules.load_partner({"partner_id": "short-on-both-counts", "as_of": "2024-06-30"}))
def test_every_rule_fires_once_per_conclusion(partner: Partner):
    """No firing is repeated: one per person and level, one per metric and path, one pass rule per path, one verdict.

    (durable_rules fires once per matching branch of an "or": a path short
    both in total and in a metric once failed twice, and the verdict four times.)
    """
    verdict = mwrules.evaluate(partner)
    rules = [step.rule for step in verdict.trace]

    assert len(rules) == len(set(zip(rules, (tuple(step.matched) for step in verdict.trace), strict=True)))
    assert 1 == rules.count("verdict")
    for path_id in verdict.paths:
        assert 1 == rules.count(f"passes:{path_id}") + rules.count(f"falls-short:{path_id}")
    for step in verdict.trace:
        if step.rule.startswith("certified:"):
            assert 1 == sum(
                other.rule == step.rule and other.concluded["person"] == step.concluded["person"]
                for other in verdict.trace
            )

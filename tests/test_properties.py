"""Properties of every verdict, for partners drawn by the public strategies (mwrules.strategies).

Invariants (check_verdict), metamorphic relations, a differential test against an
independent plain-Python scorer, and round trips through JSON. The boundaries of
the criteria are pinned with @example: exactly 70, 69.94, a metric at 0.99, the caps.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from pathlib import Path

import attrs
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import mwrules
from mwrules import Certification, InputError, Partner, Person
from mwrules import strategies as mst
from mwrules.testing import check_verdict

from .plain_scorer import plain_scores, plain_verdict


CASES = Path(__file__).parents[1] / "rulesets" / "modern-work" / "cases" / "2023-06"


def case_partner(name: str) -> Partner:
    return mwrules.load_partner(yaml.safe_load((CASES / f"{name}.yaml").read_text())["partner"])


EXACTLY_70 = case_partner("exactly-70-qualifies")
JUST_BELOW_70 = case_partner("just-below-70-fails")
METRIC_AT_0_99 = case_partner("metric-at-0.99-fails")
CAPS = case_partner("caps")
VALIDITY_DATES = case_partner("validity-dates")


def ruleset_of(verdict: mwrules.Verdict) -> mwrules.Ruleset:
    return mwrules.select_ruleset(f"{verdict.ruleset.id}@{verdict.ruleset.version}").ruleset


def levels_with_eligible_certifications(ruleset: mwrules.Ruleset, day: datetime.date) -> list[str]:
    """The levels at which some certification still counts on *day*."""

    def counts(cert_id: str) -> bool:
        through = ruleset.certification(cert_id).eligible_through
        return through is None or day <= through

    return [level for level in ruleset.levels() if any(map(counts, ruleset.level_metric(level).certifications))]


def at_the_boundaries(test: Callable[[Partner], None]) -> Callable[[Partner], None]:
    """@example for every boundary of the criteria: exactly 70, 69.94, a metric at 0.99, the caps, the dates."""
    for partner in (EXACTLY_70, JUST_BELOW_70, METRIC_AT_0_99, CAPS, VALIDITY_DATES):
        test = example(partner)(test)
    return test


@given(mst.partners())
@at_the_boundaries
@example(mwrules.load_partner({"partner_id": "short-on-both-counts", "as_of": "2024-06-30"}))
def test_every_verdict_is_sound(partner: Partner):
    """Bounds, caps, sums, the pass rule, the path choice and the trace hold (mwrules.testing.check_verdict)."""
    check_verdict(partner, mwrules.evaluate(partner))


@given(mst.partners())
@at_the_boundaries
def test_agrees_with_the_plain_python_scorer(partner: Partner):
    """The rules engine and an independent plain-Python scorer give the same points and verdict."""
    verdict = mwrules.evaluate(partner)
    ruleset = ruleset_of(verdict)

    expected = plain_scores(partner, ruleset, verdict.as_of)
    for path_id, points in expected.items():
        for metric_id, value in points.items():
            got = (
                verdict.paths[path_id].score
                if metric_id == "total"
                else verdict.paths[path_id].metrics[metric_id].points
            )
            assert value == got, (path_id, metric_id)
    assert plain_verdict(partner, ruleset, verdict.as_of) == (verdict.qualified, verdict.path, verdict.score)


@given(mst.partners(), st.data())
def test_adding_an_eligible_person_never_lowers_a_skilling_metric(partner: Partner, data: st.DataObject):
    """A newcomer holding a certification that counts on as_of raises their level's count by one."""
    verdict = mwrules.evaluate(partner)
    levels = levels_with_eligible_certifications(ruleset_of(verdict), verdict.as_of)
    if not levels:
        return
    level = data.draw(st.sampled_from(levels))
    cert = data.draw(mst.certifications(eligible=True, level=level, valid_on=verdict.as_of))
    more = attrs.evolve(partner, people=(*partner.people, Person("newcomer", (cert,))))

    after = mwrules.evaluate(more)

    for path_id, path in verdict.paths.items():
        for metric_id, result in path.metrics.items():
            assert result.points <= after.paths[path_id].metrics[metric_id].points
            if "people" in result.inputs and metric_id == ruleset_of(verdict).level_metric(level).id:
                assert result.inputs["people"] + 1 == after.paths[path_id].metrics[metric_id].inputs["people"]


@given(mst.partners(), st.data())
def test_a_second_certification_of_the_same_level_changes_nothing(partner: Partner, data: st.DataObject):
    """A counted person who earns another certification of a level they count at scores the same."""
    verdict = mwrules.evaluate(partner)
    counted = [
        (step.concluded["person"], step.concluded["level"]) for step in verdict.trace if "through" in step.concluded
    ]
    if not counted:
        return
    person_id, level = data.draw(st.sampled_from(counted))
    cert = data.draw(mst.certifications(eligible=True, level=level, valid_on=verdict.as_of))
    people = tuple(
        attrs.evolve(person, certifications=(*person.certifications, cert)) if person.id == person_id else person
        for person in partner.people
    )

    after = mwrules.evaluate(attrs.evolve(partner, people=people))

    assert verdict.paths == after.paths
    assert (verdict.qualified, verdict.path, verdict.score) == (after.qualified, after.path, after.score)


@given(mst.partners(), st.data())
def test_raising_a_metric_never_lowers_a_score(partner: Partner, data: st.DataObject):
    """Raising any measure never lowers any score, nor turns a qualified partner away."""
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


def _valid_on(cert: Certification, day: datetime.date | None) -> bool:
    return day is None or cert.valid_on(day)


@given(mst.partners())
@example(VALIDITY_DATES)
def test_removing_certifications_not_valid_on_as_of_changes_nothing(partner: Partner):
    """Expired and not-yet-earned certifications count for nothing: removing them changes no point."""
    kept = tuple(
        attrs.evolve(
            person, certifications=tuple(cert for cert in person.certifications if _valid_on(cert, partner.as_of))
        )
        for person in partner.people
    )

    before, after = mwrules.evaluate(partner), mwrules.evaluate(attrs.evolve(partner, people=kept))

    assert before.paths == after.paths


@given(mst.partners(), st.randoms(use_true_random=False))
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


@given(mst.partners())
def test_partners_round_trip_through_json(partner: Partner):
    """A partner written with partner_to_json, as JSON text, loads back equal."""
    text = json.dumps(mwrules.partner_to_json(partner))

    assert partner == mwrules.load_partner(json.loads(text))


@given(mst.partners())
@example(CAPS)
def test_verdicts_round_trip_through_json(partner: Partner):
    """A verdict written as JSON text and read back is equal to the original."""
    verdict = mwrules.evaluate(partner)

    text = json.dumps(mwrules.verdict_to_json(verdict))

    assert verdict == mwrules.verdict_from_json(json.loads(text))


@given(mst.invalid_partner_documents())
def test_every_invalid_document_is_reported_at_exactly_its_path(invalid: mst.InvalidDocument):
    """The one mistake is reported, at its JSON path with its code, and nothing else is."""
    try:
        mwrules.load_partner(invalid.document)
    except InputError as error:
        found = {(problem.where, problem.code) for problem in error.problems}
    else:
        found = set()

    assert {(invalid.where, invalid.code)} == found, invalid.kind


@given(mst.partner_documents())
def test_every_document_loads_and_evaluates(document: dict[str, object]):
    verdict = mwrules.evaluate(document)

    check_verdict(mwrules.load_partner(document, ruleset_of(verdict)), verdict, ruleset=ruleset_of(verdict))

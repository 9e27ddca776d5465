"""Generated rulesets of the vocabulary, and partners drawn under them, scored by the engine and by a plain reading.

mwrules.strategies draws the rulesets (every shape of terms, gates, conditions, facts and
classification) and partners with their measures at the edges of the terms; the engine's
verdict must equal tests/reference_reading.py, which shares no code with it.
"""

from __future__ import annotations

import datetime
import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import mwrules
from mwrules import strategies as mst
from mwrules.ruleset import check, structure

from .reference_reading import read


def loaded(document: dict[str, Any]) -> mwrules.Ruleset:
    """The ruleset a drawn document reads to (it has no problem: see the first test)."""
    ruleset, problems = structure(document)
    assert ruleset is not None, problems
    return ruleset


def with_partners(document: dict[str, Any]) -> st.SearchStrategy[tuple[dict[str, Any], mwrules.Ruleset, Any]]:
    ruleset = loaded(document)
    return st.tuples(st.just(document), st.just(ruleset), mst.partners(ruleset=ruleset))


def document_of(partner: mwrules.Partner) -> dict[str, Any]:
    """*partner* as its document: its facts, and amounts as the decimals they are written as."""
    return mwrules.partner_to_json(partner)


def disagreements(document: dict[str, Any], ruleset: mwrules.Ruleset, partner: mwrules.Partner) -> list[str]:
    """Where the engine's verdict and the plain reading differ: qualified, path, score, each metric's points."""
    given = document_of(partner)
    verdict = mwrules.evaluate(given, ruleset=ruleset)
    reading = read(document, given)
    found = [
        f"{key}: engine {got}, reading {want}"
        for key, got, want in (
            ("qualified", verdict.qualified, reading.qualified),
            ("path", verdict.path, reading.path),
            ("score", verdict.score, reading.score),
            ("paths scored", sorted(verdict.paths), sorted(reading.paths)),
        )
        if got != want
    ]
    for path_id, path in reading.paths.items():
        scored = verdict.paths.get(path_id)
        for metric_id, points in path.points.items():
            got = scored.metrics[metric_id].points if scored is not None else None
            if got != points:
                found.append(f"{path_id}.{metric_id}: engine {got}, reading {points}")
    return found


@given(mst.ruleset_documents())
def test_every_generated_ruleset_passes_lint(document: dict[str, Any]):
    """A drawn document reads without a problem of shape, and mwrules lint's checks find none."""
    ruleset, problems = structure(document)

    assert ruleset is not None
    assert [] == problems + check(ruleset)


@given(mst.ruleset_documents().flatmap(with_partners))
def test_engine_verdict_is_the_plain_reading(drawn: tuple[dict[str, Any], mwrules.Ruleset, mwrules.Partner]):
    """The engine and the plain reading of the vocabulary agree on every drawn ruleset and partner."""
    assert [] == disagreements(*drawn)


@given(mst.rulesets(max_metrics=1, max_paths=1, sources=("people",), gates=False, conditions=False, classify=False))
def test_rulesets_keep_to_their_options(ruleset: mwrules.Ruleset):
    """One path, one metric of people, no gate, no condition, the best path reported."""
    scored = ruleset.scored(ruleset.paths[0].id)

    assert (1, 1, "best") == (len(ruleset.paths), len(scored), ruleset.scoring.choose)
    assert all(
        term.gate is None and not term.when and metric.source.people
        for metric in ruleset.metrics
        for term in scored[metric.id].terms
    )


def test_rulesets_shrink_to_one_path_one_number_one_target():
    """The simplest ruleset: one path scoring one number metric by one target, no facts, the best path reported."""
    found = find(mst.rulesets(), lambda ruleset: True)

    (path,) = found.paths
    ((metric_id, scored),) = found.scored(path.id).items()
    assert ("number", 1, "target", (), "best") == (
        found.metric(metric_id).source.kind,
        len(scored.terms),
        scored.terms[0].kind,
        found.facts,
        found.scoring.choose,
    )


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: mst.rulesets(max_paths=0), "max_paths=0"),
        (lambda: mst.rulesets(max_metrics=17), "max_metrics=17"),
        (lambda: mst.rulesets(sources=()), "at least one of"),
        (lambda: mst.rulesets(sources=("people", "tenants")), "at least one of"),
        (lambda: mst.rulesets(sources="people"), "must be a tuple"),  # type: ignore[arg-type]
        (lambda: mst.rulesets(classify="yes"), "classify='yes'"),  # type: ignore[arg-type]
    ],
)
def test_impossible_ruleset_arguments_are_invalid(make, says: str):
    """Arguments no ruleset can satisfy raise InvalidArgument when the strategy is made."""
    with pytest.raises(InvalidArgument, match=says):
        make()


def one_metric(source: dict[str, Any], terms: list[dict[str, Any]], *, facts: tuple[str, ...] = ()) -> mwrules.Ruleset:
    """A ruleset of one path scoring one 10-point metric *adds* of *source* by *terms* (amount facts *facts*)."""
    document = {
        "manifest": {"id": "one", "title": "One", "version": "1", "effective_from": "2026-01-01", "source": "-"},
        "certifications": [{"id": "cert-a", "name": "Certification A"}],
        "facts": [{"id": fact, "title": fact, "type": "amount"} for fact in facts],
        "metrics": [{"id": "adds", "title": "Adds", "category": "x", "max_points": 10, "source": source}],
        "paths": [{"id": "only", "title": "Only", "metrics": {"adds": {"terms": terms}}}],
        "scoring": {"total_points": 10, "min_total_points": 7, "min_metric_points": 1, "path_preference": ["only"]},
    }
    return loaded(document)


COUNT = {"number": "count"}
AMOUNT = {"number": "amount"}
ON = datetime.date(2026, 6, 1)


def test_qualifying_cannot_aim_under_a_ruleset_scored_with_rates():
    """partners(qualifying=...) aims with targets alone, and says so for a ruleset with rates."""
    ruleset = one_metric(COUNT, [{"rate": {"points": 2, "per": 1}}])

    with pytest.raises(InvalidArgument, match="aims with targets alone"):
        mst.partners(ruleset=ruleset, qualifying=True)


def test_partners_give_an_amount_a_millionth_below_a_condition_threshold():
    """Amounts are drawn one millionth either side of the thresholds conditions compare them with."""
    ruleset = one_metric(
        {"parts": {"azure": "amount", "base": "amount"}},
        [{"of": "azure", "rate": {"points": 1, "per": 1250}, "when": [{"part": "base", "at_least": 50000}]}],
    )

    found = find(mst.partners(ruleset=ruleset), lambda partner: 49999 < partner.metrics["only"]["adds"]["base"] < 50000)

    assert Fraction(49999999999, 10**6) == found.metrics["only"]["adds"]["base"]


# Disagreements the property once found, each as its smallest example.


def test_a_fractional_target_scores_in_proportion():
    """target: 2.5 on a count earns 10 / 2.5 = 4 points a unit: 2 units earn 8."""
    ruleset = one_metric(COUNT, [{"target": 2.5}])

    verdict = mwrules.evaluate(
        {"partner_id": "x", "as_of": "2026-06-01", "metrics": {"only": {"adds": 2}}}, ruleset=ruleset
    )

    assert Fraction(8) == verdict.paths["only"].metrics["adds"].points


def test_a_partner_object_is_evaluated_with_its_facts():
    """A Partner built in Python gives the facts a condition reads."""
    ruleset = one_metric(COUNT, [{"target": 1, "when": [{"fact": "share", "at_least": 1}]}], facts=("share",))
    partner = mwrules.Partner(partner_id="x", as_of=ON, metrics={"only": {"adds": 1}}, facts={"share": 2})

    assert Fraction(10) == mwrules.evaluate(partner, ruleset=ruleset).score


def test_a_partner_object_gives_an_amount_as_a_fraction():
    """A Partner built in Python gives an amount exactly, as a Fraction."""
    ruleset = one_metric(AMOUNT, [{"target": 1}])
    partner = mwrules.Partner(partner_id="x", as_of=ON, metrics={"only": {"adds": Fraction(1, 2)}})

    assert Fraction(5) == mwrules.evaluate(partner, ruleset=ruleset).score


def test_partner_to_json_writes_an_amount_json_can_hold():
    """The document of a partner with an amount is JSON, and reads back to the same amount."""
    ruleset = one_metric(AMOUNT, [{"target": 1}])
    partner = mwrules.Partner(partner_id="x", as_of=ON, metrics={"only": {"adds": Fraction(1, 2)}})

    text = json.dumps(mwrules.partner_to_json(partner))

    assert Fraction(1, 2) == mwrules.load_partner(json.loads(text), ruleset).metrics["only"]["adds"]


def test_rulesets_may_have_more_people_sets_than_eight():
    """Eight metrics of two people sets each name sixteen sets: once the ninth set's name ran out of letters."""

    def sets(document: dict[str, Any]) -> int:
        return sum(len(metric["source"].get("people", {})) for metric in document["metrics"])

    found = find(
        mst.ruleset_documents(max_metrics=8, sources=("people",)),
        lambda document: sets(document) > 8,
        # found is enough: shrinking it to the fewest sets over eight took 20 s
        settings=settings(database=None, phases=[Phase.generate]),
    )

    assert sets(found) > 8

"""Boundaries no shipped target reaches, pinned with rulesets made for them, and the hints a user relies on."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

import mwrules
from mwrules.ruleset import check, structure


#: 2023-06 as written before the vocabulary (with targets): its targets are edited here
RULESET_2023 = Path(__file__).parent / "data" / "shorthand" / "modern-work" / "2023-06.yaml"


def one_point_per_customer() -> mwrules.Ruleset:
    """2023-06 with an SMB target of 20 net customer adds for 20 points: one customer earns exactly 1 point."""
    data: dict[str, Any] = yaml.safe_load(RULESET_2023.read_text())
    smb = next(path for path in data["paths"] if path["id"] == "smb")
    smb["targets"]["net_customer_adds"] = 20
    ruleset, problems = structure(data)
    assert ruleset is not None, problems
    assert [] == check(ruleset)
    return ruleset


def smb_partner(net_customer_adds: int) -> dict[str, Any]:
    return {
        "partner_id": "edge",
        "as_of": "2024-06-30",
        "people": [{"id": "a", "certifications": ["MS-700", "MS-102"]}, {"id": "b", "certifications": ["MS-700"]}],
        "metrics": {
            "smb": {
                "net_customer_adds": net_customer_adds,
                "usage_growth": {"cpor": 500, "csp": 0},
                "deployments": {"cpor": 5, "csp": 0},
            }
        },
    }


def test_a_metric_at_exactly_the_minimum_passes():
    """min_metric_points is "at least": a metric at exactly 1 point does not fail the pass rule."""
    verdict = mwrules.evaluate(smb_partner(1), ruleset=one_point_per_customer())

    smb = verdict.paths["smb"]
    assert Fraction(1) == smb.metrics["net_customer_adds"].points
    assert Fraction(81) == smb.score
    assert smb.qualified
    assert verdict.qualified


def test_a_metric_below_the_minimum_fails_however_high_the_total():
    verdict = mwrules.evaluate(smb_partner(0), ruleset=one_point_per_customer())

    assert Fraction(80) == verdict.paths["smb"].score
    assert not verdict.paths["smb"].qualified


def test_a_misspelt_certification_gets_a_did_you_mean():
    document = {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "a", "certifications": ["MS-7000"]}]}

    verdict = mwrules.evaluate(document)

    assert [
        "$.people[0].certifications[0]: 'MS-7000' is not a certification of modern-work 2023-06; not counted "
        "(did you mean 'MS-700'?)"
    ] == list(verdict.warnings[:1])


def test_a_measure_exactly_at_its_target_earns_the_maximum_without_being_capped():
    """Capped means the measure went past the target: 10 smb net customer adds of 10 is not, 11 is."""
    exact = mwrules.evaluate(smb_partner(10)).paths["smb"].metrics["net_customer_adds"]
    beyond = mwrules.evaluate(smb_partner(11)).paths["smb"].metrics["net_customer_adds"]

    assert (exact.points, exact.capped) == (20, False)
    assert (beyond.points, beyond.capped) == (20, True)


def test_options_scoring_the_same_go_to_the_first_listed_in_the_ruleset():
    """Nothing measured, or both at their maximum: CPOR, listed first, is the option reported."""
    empty = mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30"})
    both = mwrules.evaluate(
        {
            "partner_id": "x",
            "as_of": "2024-06-30",
            "metrics": {"enterprise": {"usage_growth": {"cpor": 1000, "dpor": 4000}}},
        }
    )

    assert {
        (path.path, metric.metric, metric.option)
        for path in empty.paths.values()
        for metric in path.metrics.values()
        if metric.option
    } == {
        ("enterprise", "usage_growth", "cpor"),
        ("enterprise", "deployments", "cpor"),
        ("smb", "usage_growth", "cpor"),
        ("smb", "deployments", "cpor"),
    }
    assert both.paths["enterprise"].metrics["usage_growth"].option == "cpor"


def test_a_name_far_from_every_certification_gets_no_suggestion():
    """Only a near miss gets "did you mean"; the list of every certification is not a suggestion."""
    document = {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "a", "certifications": ["PMP"]}]}

    verdict = mwrules.evaluate(document)

    assert ["$.people[0].certifications[0]: 'PMP' is not a certification of modern-work 2023-06; not counted"] == list(
        verdict.warnings[:1]
    )


def test_a_near_miss_in_case_and_spelling_gets_the_certification_it_misses():
    """Lower case and a letter missing: still a "did you mean" with the name as the ruleset spells it."""
    document = {
        "partner_id": "x",
        "as_of": "2024-06-30",
        "people": [{"id": "a", "certifications": ["teams administator associate"]}],
    }

    verdict = mwrules.evaluate(document)

    assert verdict.warnings[0].endswith("not counted (did you mean 'Teams Administrator Associate'?)")


def test_a_plan_leaves_a_metric_at_exactly_the_minimum_as_it_is():
    """1 net customer add is 1 point, the minimum: the plan raises usage growth by 117 users (0.585), not customers."""
    document = smb_partner(1)
    document["metrics"]["smb"]["usage_growth"]["cpor"] = 200  # 12 points: 63 in all

    plan = mwrules.plan(document, ruleset=one_point_per_customer())

    assert (plan.path, plan.cost) == ("smb", Fraction("0.585"))
    assert [(action.metric, action.units) for action in plan.actions] == [("usage_growth", 117)]


def test_a_plan_raises_a_metric_below_the_minimum_to_exactly_the_minimum():
    """0 net customer adds: one more customer (1 point, the minimum) is enough; 81 points then."""
    plan = mwrules.plan(smb_partner(0), ruleset=one_point_per_customer())

    assert (plan.path, plan.cost) == ("smb", 2)
    assert [(action.metric, action.units) for action in plan.actions] == [("net_customer_adds", 1)]

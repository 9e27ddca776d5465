"""Boundaries no shipped target reaches, pinned with rulesets made for them, and the hints a user relies on."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

import mwrules
from mwrules.ruleset import check, structure


RULESET_2023 = Path(__file__).parents[1] / "rulesets" / "modern-work" / "2023-06.yaml"


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

"""Rulesets load with every problem reported at file:line, and are never half-used."""

from __future__ import annotations

from pathlib import Path

import pytest

import mwrules
from mwrules import RulesetError
from mwrules.ruleset import rulesets_dir


SHIPPED = (rulesets_dir() / "modern-work" / "2023-06.yaml").read_text()


def load_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "ruleset.yaml"
    path.write_text(text)
    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(path)
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_ruleset_loads():
    """Modern Work 2023-06 loads, with eight certifications, five metrics and two paths."""
    ruleset = mwrules.load_ruleset(rulesets_dir() / "modern-work" / "2023-06.yaml")

    assert ("modern-work", "2023-06") == (ruleset.id, ruleset.version)
    assert (8, 5, 2) == (len(ruleset.certifications), len(ruleset.metrics), len(ruleset.paths))


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "    max_points: 20\n",
            "    max_pointz: 20\n",
            ":70: $.metrics[0].max_pointz: unknown key (did you mean 'max_points'?)",
        ),
        ("  min_total_points: 70", "  min_total_points: seventy", "$.scoring.min_total_points: expected a number"),
        (
            "    certifications: [enterprise-administrator-expert]",
            "    certifications: [enterprise-administrator-expret]",
            "no certification has id 'enterprise-administrator-expret'",
        ),
        (
            "      net_customer_adds: 10 ",
            "      net_customer_add: 10 ",
            "unknown metric (did you mean 'net_customer_adds'?)",
        ),
        ("    max_points: 20\n", "    max_points: 25\n", "the metrics' max_points add up to 105, not 100"),
        ("aliases: [MS-600,", "aliases: [MS-700,", "'MS-700' already names certification"),
        (
            "  path_preference: [enterprise, smb]",
            "  path_preference: [enterprise]",
            "must list every path exactly once",
        ),
        ("      usage_growth: {cpor: 500, csp: 2000}", "      usage_growth: 500", "needs a target per option"),
    ],
)
def test_ruleset_mistakes_are_reported_with_their_line(tmp_path, old: str, new: str, says: str):
    """Each kind of mistake in a copy of the shipped ruleset is reported, with file:line."""
    assert old in SHIPPED
    found = load_problems(tmp_path, SHIPPED.replace(old, new, 1))

    assert any(says in problem for problem in found), found
    assert all("ruleset.yaml:" in problem for problem in found), found


def test_duplicate_keys_are_not_silently_dropped(tmp_path):
    """A key written twice in the YAML is a problem, not a silent override."""
    found = load_problems(
        tmp_path, SHIPPED.replace("  min_metric_points: 1\n", "  min_metric_points: 1\n  min_metric_points: 2\n")
    )

    assert any("appears twice" in problem for problem in found)


def test_a_changed_ruleset_changes_the_verdict_without_code(tmp_path):
    """Lowering the pass mark in a copy of the ruleset turns a near miss into a pass."""
    path = tmp_path / "lenient.yaml"
    path.write_text(SHIPPED.replace("min_total_points: 70", "min_total_points: 65"))
    near_miss = Path(__file__).parents[1] / "examples" / "near-miss.yaml"
    partner = mwrules.load_partner(__import__("yaml").safe_load(near_miss.read_text()))

    assert not mwrules.evaluate(partner).qualified
    assert mwrules.evaluate(partner, ruleset=mwrules.load_ruleset(path)).qualified

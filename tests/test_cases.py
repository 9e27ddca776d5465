"""The cases beside every shipped ruleset produce the verdicts they pin."""

from pathlib import Path

import pytest

import mwrules
from mwrules._tools.cases import run_case
from mwrules.ruleset import rulesets_dir


# rulesets/<id>/cases/<version>/<case>.yaml runs against rulesets/<id>/<version>.yaml
CASES = sorted(rulesets_dir().glob("*/cases/*/*.yaml"))


def test_cases_exist():
    """The suite fails rather than pass vacuously when no case is found."""
    assert len(CASES) >= 9
    assert {path.parent.name for path in CASES} >= {"2023-06", "2026-01"}


@pytest.mark.parametrize("case_file", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_case(case_file: Path):
    """The case's partner evaluates to the case's wanted verdict (or is refused with the problems it wants)."""
    ruleset = mwrules.load_ruleset(case_file.parents[2] / f"{case_file.parent.name}.yaml")

    result = run_case(case_file, ruleset)

    assert ((), ()) == (result.mismatches, result.problems)


DATA_AI_CASE = """\
partner:
  partner_id: p
  as_of: 2026-09-30
  facts: {smb_customer_share: 85}
  people: [{id: p1, certifications: [AZ-104]}]
  metrics:
    smb: {net_customer_adds: 2, usage_growth: {growth_percent: 1, qualifying_acr: 2000}, deployments: 1}
want:
"""


def data_ai() -> mwrules.Ruleset:
    return mwrules.select_ruleset("data-ai@2026-07").ruleset


def test_a_case_wanting_the_problems_its_partner_has_passes(tmp_path: Path):
    """A partner refused with exactly the wanted problems (any order) is a pass, with no verdict."""
    case = tmp_path / "no-fact.yaml"
    case.write_text(
        DATA_AI_CASE.replace("  facts: {smb_customer_share: 85}\n", "")
        + "  problems: [{where: $.facts.smb_customer_share, code: MW005}]\n"
    )

    result = run_case(case, data_ai())

    assert (result.passed, result.verdict) == (True, None)


def test_a_case_wanting_problems_fails_when_the_partner_is_evaluated(tmp_path: Path):
    """A refusal that does not happen is a mismatch, said plainly."""
    case = tmp_path / "has-fact.yaml"
    case.write_text(DATA_AI_CASE + "  problems: [{where: $.facts.smb_customer_share, code: MW005}]\n")

    result = run_case(case, data_ai())

    assert [str(mismatch) for mismatch in result.mismatches] == [
        "problems: want MW005 at $.facts.smb_customer_share, got none: the partner was evaluated"
    ]


def test_a_case_wanting_other_problems_than_its_partner_has_fails(tmp_path: Path):
    """The wanted and the actual problems are compared whole, by place and code."""
    case = tmp_path / "no-fact.yaml"
    case.write_text(
        DATA_AI_CASE.replace("  facts: {smb_customer_share: 85}\n", "")
        + "  problems: [{where: $.facts.smb_customer_share, code: MW006}]\n"
    )

    result = run_case(case, data_ai())

    assert [str(mismatch) for mismatch in result.mismatches] == [
        "problems: want MW006 at $.facts.smb_customer_share, got MW005 at $.facts.smb_customer_share"
    ]


def test_a_case_wanting_problems_and_a_verdict_is_itself_refused(tmp_path: Path):
    """A refused partner has no verdict to pin: wanting both, or a malformed problem, is a problem of the case."""
    case = tmp_path / "both.yaml"
    case.write_text(DATA_AI_CASE + "  qualified: false\n  problems: [{where: $.facts.x}]\n")

    result = run_case(case, data_ai())

    assert [(problem.where, problem.code) for problem in result.problems] == [
        ("$.want.qualified", "MW006"),
        ("$.want.problems[0]", "MW006"),
    ]


@pytest.mark.parametrize("want", ["{}", "{paths: {}}", "{paths: {smb: {}}}", "{paths: {smb: {metrics: {}}}}"])
def test_a_case_that_pins_nothing_is_itself_refused(tmp_path: Path, want: str):
    """`want: {}` passed whatever was scored, and lint said "no problems" (hostile run 20)."""
    case = tmp_path / "empty.yaml"
    case.write_text(DATA_AI_CASE.replace("want:\n", f"want: {want}\n"))

    result = run_case(case, data_ai())

    assert [(problem.where, problem.code) for problem in result.problems] == [("$.want", "MW006")]
    assert "pins nothing" in result.problems[0].message


@pytest.mark.parametrize(
    "want",
    [
        "{qualified: false}",
        "{path: smb}",
        "{score: 0}",
        "{paths: {smb: {score: 0}}}",
        "{paths: {smb: {qualified: false}}}",
        "{paths: {smb: {metrics: {net_customer_adds: 0}}}}",
    ],
)
def test_a_case_that_pins_one_value_is_a_case(tmp_path: Path, want: str):
    case = tmp_path / "one.yaml"
    case.write_text(DATA_AI_CASE.replace("want:\n", f"want: {want}\n"))

    assert run_case(case, data_ai()).problems == ()

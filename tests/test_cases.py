"""The cases beside every shipped ruleset produce the verdicts they pin."""

from pathlib import Path

import pytest

import mwrules
from mwrules._tools.cases import load_case, mismatches
from mwrules.ruleset import rulesets_dir


# rulesets/<id>/cases/<version>/<case>.yaml runs against rulesets/<id>/<version>.yaml
CASES = sorted(rulesets_dir().glob("*/cases/*/*.yaml"))


def test_cases_exist():
    """The suite fails rather than pass vacuously when no case is found."""
    assert len(CASES) >= 9
    assert {path.parent.name for path in CASES} >= {"2023-06", "2026-01"}


@pytest.mark.parametrize("case_file", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_case(case_file: Path):
    """The case's partner evaluates to the case's wanted verdict."""
    ruleset = mwrules.load_ruleset(case_file.parents[2] / f"{case_file.parent.name}.yaml")
    case = load_case(case_file)

    verdict = mwrules.evaluate(case.partner, ruleset=ruleset)

    assert [] == mismatches(case, verdict), case.note

"""The cases beside every shipped ruleset produce the verdicts they pin."""

from pathlib import Path

import pytest

import mwrules
from mwrules._cases import load_case, mismatches
from mwrules.ruleset import rulesets_dir


CASES = sorted(rulesets_dir().glob("*/cases/*.yaml"))


def test_cases_exist():
    """The suite fails rather than pass vacuously when no case is found."""
    assert len(CASES) >= 9


@pytest.mark.parametrize("case_file", CASES, ids=lambda path: f"{path.parent.parent.name}/{path.stem}")
def test_case(case_file: Path):
    """The case's partner evaluates to the case's wanted verdict."""
    ruleset = mwrules.load_ruleset(case_file.parent.parent / "2023-06.yaml")
    case = load_case(case_file)

    verdict = mwrules.evaluate(case.partner, ruleset=ruleset)

    assert [] == mismatches(case, verdict), case.note

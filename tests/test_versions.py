"""Versions by date: the version in force on as_of is chosen, and the verdict says which and why."""

from __future__ import annotations

import datetime
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import mwrules
from mwrules import InputError, RulesetError, codes
from mwrules._input.partner import read_document
from mwrules.cli import main


EXAMPLES = Path(__file__).parents[1] / "examples"
LITWARE = EXAMPLES / "messaging-admins.yaml"


@pytest.mark.parametrize(
    ("as_of", "version"),
    [
        ("2023-06-12", "2023-06"),  # the first day of the first version
        ("2024-06-30", "2023-06"),
        ("2025-12-31", "2023-06"),  # the last day before 2026-01
        ("2026-01-01", "2026-01"),
        ("2026-11-27", "2026-01"),
        ("2030-01-01", "2026-01"),  # the latest version stays in force
    ],
)
def test_the_version_in_force_on_as_of_is_chosen(as_of: str, version: str):
    verdict = mwrules.evaluate({"partner_id": "p", "as_of": as_of})

    assert ("modern-work", version) == (verdict.ruleset.id, verdict.ruleset.version)
    assert verdict.ruleset.reason.startswith(f"in force on {as_of}: effective from ")


def test_without_as_of_the_version_in_force_today_is_chosen():
    verdict = mwrules.evaluate({"partner_id": "p"})

    assert verdict.as_of == datetime.date.today()
    assert "(the partner gives no as_of)" in verdict.ruleset.reason


def test_before_the_first_version_evaluation_is_refused():
    """2023-06-11 is before 2023-06 takes effect: an input error at $.as_of that says how to go on."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2023-06-11"})

    (problem,) = caught.value.problems
    assert ("$.as_of", codes.NO_VERSION_IN_FORCE) == (problem.where, problem.code)
    assert "modern-work@2023-06" in (problem.suggestion or "")


def test_naming_a_version_overrides_the_date():
    """An explicit version is used whatever as_of says, even before any version takes effect."""
    early = mwrules.evaluate({"partner_id": "p", "as_of": "2023-01-01"}, ruleset="modern-work@2023-06")
    late = mwrules.evaluate({"partner_id": "p", "as_of": "2024-06-30"}, ruleset="modern-work@2026-01")

    assert ("2023-06", "named explicitly: modern-work@2023-06") == (early.ruleset.version, early.ruleset.reason)
    assert "2026-01" == late.ruleset.version


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("modern-work@2025-01", "ruleset modern-work has no version '2025-01'; it has 2023-06, 2026-01"),
        ("modern-wrok", "there is no ruleset 'modern-wrok'"),
    ],
)
def test_unknown_rulesets_and_versions_are_errors(name: str, says: str):
    with pytest.raises(RulesetError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2024-06-30"}, ruleset=name)

    (problem,) = caught.value.problems
    assert says in problem.message
    assert codes.UNKNOWN_RULESET == problem.code
    assert problem.suggestion is not None


@pytest.mark.parametrize(
    "call",
    [
        lambda document: mwrules.evaluate(document, ruleset=""),
        lambda document: mwrules.plan(document, ruleset=""),
        lambda document: mwrules.timeline(document, datetime.date(2026, 1, 1), datetime.date(2026, 1, 2), ruleset=""),
        lambda document: mwrules.select_ruleset(""),
    ],
)
def test_an_empty_ruleset_name_is_no_ruleset(call: Callable[[dict[str, str]], object]):
    """`ruleset=""` (an unset setting, read as text) evaluated under Modern Work without a word (hostile run 16)."""
    with pytest.raises(RulesetError) as caught:
        call({"partner_id": "p", "as_of": "2026-01-01"})

    (problem,) = caught.value.problems
    assert codes.UNKNOWN_RULESET == problem.code
    assert "'' is not the name of a shipped ruleset" in problem.message


def test_the_example_partner_under_both_versions_shows_the_change_in_the_trace():
    """litware qualifies under 2023-06 and not under 2026-01: p4's certification stops counting."""
    document = read_document(LITWARE)
    partner = mwrules.load_partner(document)

    before = mwrules.evaluate(partner)
    after = mwrules.evaluate(partner, ruleset="modern-work@2026-01")

    def counted(verdict: mwrules.Verdict) -> dict[str, list[str]]:
        return {
            step.concluded["person"]: step.concluded["through"]
            for step in verdict.trace
            if step.rule == "certified:intermediate"
        }

    assert ("2023-06", True) == (before.ruleset.version, before.qualified)
    assert ("2026-01", False) == (after.ruleset.version, after.qualified)
    assert ["messaging-administrator-associate"] == counted(before)["p4"]
    assert "p4" not in counted(after)
    assert any("Messaging Administrator Associate" in w and "not eligible" in w for w in after.warnings)


def test_the_cli_chooses_by_as_of_and_by_the_as_of_option(capsys):
    assert 0 == main(["evaluate", str(LITWARE), "--format", "json"])
    before = json.loads(capsys.readouterr().out)
    assert 0 == main(["evaluate", str(LITWARE), "--format", "json", "--as-of", "2026-01-01"])
    after = json.loads(capsys.readouterr().out)

    assert ("2023-06", True) == (before["ruleset"]["version"], before["qualified"])
    assert ("2026-01", False, "2026-01-01") == (after["ruleset"]["version"], after["qualified"], after["as_of"])


def test_the_cli_takes_a_named_version_or_a_file(capsys):
    ruleset_file = mwrules.ruleset.rulesets_dir() / "modern-work" / "2026-01.yaml"

    assert 0 == main(["evaluate", str(LITWARE), "--ruleset", "modern-work@2026-01"])
    named = capsys.readouterr().out
    assert 0 == main(["evaluate", str(LITWARE), "--ruleset", str(ruleset_file)])
    from_file = capsys.readouterr().out

    assert "2026-01 (named explicitly: modern-work@2026-01)" in named
    assert f"2026-01 (loaded from {ruleset_file})" in from_file


def test_the_cli_refuses_a_date_before_any_version(capsys):
    assert 2 == main(["evaluate", str(LITWARE), "--as-of", "2023-01-01"])

    err = capsys.readouterr().err
    assert f"{LITWARE}:" in err
    assert f"$.as_of: {codes.NO_VERSION_IN_FORCE} no version of modern-work is in force on 2023-01-01" in err


def test_before_the_first_version_the_other_problems_are_reported_too():
    """The refusal comes with the document's other mistakes, checked against the earliest version."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2023-01-01", "people": [{"id": "a"}, {"id": "a"}]})

    assert [codes.NO_VERSION_IN_FORCE, codes.DUPLICATE_PERSON] == [problem.code for problem in caught.value.problems]


def first_version_ending_on(tmp_path: Path, until: str) -> Path:
    """A copy of the shipped versions in which 2023-06 says effective_until: *until*; its path."""
    folder = tmp_path / "modern-work"
    shutil.copytree(mwrules.ruleset.rulesets_dir() / "modern-work", folder)
    path = folder / "2023-06.yaml"
    text = path.read_text()
    assert text.count("  effective_from: 2023-06-12\n") == 1
    path.write_text(
        text.replace("  effective_from: 2023-06-12\n", f"  effective_from: 2023-06-12\n  effective_until: {until}\n")
    )
    return path


def test_a_version_in_force_on_the_day_the_next_takes_effect_overlaps_it(tmp_path: Path):
    """2023-06 through 2026-01-01 and 2026-01 from 2026-01-01: one day in common is an overlap (MW120)."""
    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(first_version_ending_on(tmp_path, "2026-01-01"))

    assert [problem.code for problem in caught.value.problems] == [codes.OVERLAPPING_VERSIONS]


def test_a_version_may_end_the_day_before_the_next_takes_effect(tmp_path: Path):
    """2023-06 through 2025-12-31 and 2026-01 from 2026-01-01 do not overlap."""
    ruleset = mwrules.load_ruleset(first_version_ending_on(tmp_path, "2025-12-31"))

    assert ruleset.manifest.effective_until == datetime.date(2025, 12, 31)


@pytest.mark.parametrize(
    "command", [["evaluate", "--ruleset"], ["timeline", "--ruleset"], ["evaluate", "--designations"]]
)
def test_an_empty_version_after_the_at_sign_is_an_error_not_the_version_in_force(
    capsys: pytest.CaptureFixture[str], command: list[str]
):
    """'modern-work@' names no version: MW132, not the version in force on the first day pinned for the whole range."""
    status = main([command[0], str(EXAMPLES / "timeline.yaml"), command[1], "modern-work@"])

    assert 2 == status
    said = capsys.readouterr().err
    if command[1] == "--designations":  # a designation is named by its id, without a version
        assert "MW132 'modern-work@' is not a designation's id: they are named without a version" in said
    else:
        assert "MW132 'modern-work@' names no version after '@' (name one of modern-work@2023-06, " in said

"""mwrules.strategies as another team uses it: only the public API, every public strategy."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import mwrules
from mwrules import strategies as mst
from mwrules.testing import check_verdict


ON = datetime.date(2026, 11, 27)
RULESET_2026 = mwrules.select_ruleset("modern-work@2026-01").ruleset


def counted_levels(certification: mwrules.Certification, on: datetime.date) -> set[str]:
    """The levels at which one person holding only *certification* counts on *on*."""
    verdict = mwrules.evaluate(
        mwrules.Partner(partner_id="one", as_of=on, people=(mwrules.Person("p1", (certification,)),))
    )
    return {step.concluded["level"] for step in verdict.trace if step.rule.startswith("certified:")}


@given(mst.certifications(eligible=True, valid_on=ON))
def test_eligible_certifications_count(certification: mwrules.Certification):
    assert counted_levels(certification, ON)


@given(mst.certifications(eligible=True, level="advanced", valid_on=ON))
def test_eligible_certifications_of_a_level_count_at_that_level(certification: mwrules.Certification):
    assert "advanced" in counted_levels(certification, ON)


@given(mst.certifications(eligible=False, valid_on=ON))
def test_ineligible_certifications_count_nowhere(certification: mwrules.Certification):
    assert set() == counted_levels(certification, ON)


@given(mst.certifications(ruleset="modern-work@2023-06"))
def test_certifications_without_a_day_are_undated(certification: mwrules.Certification):
    assert (None, None) == (certification.earned, certification.expires)


@given(mst.people(valid_on=ON, min_size=2, max_size=5))
def test_people_have_distinct_ids_and_respect_the_sizes(people: tuple[mwrules.Person, ...]):
    assert 2 <= len(people) <= 5
    assert len({person.id for person in people}) == len(people)


@given(mst.path_metrics(allow_negative=False))
def test_path_metrics_are_valid_partner_metrics(metrics: dict[str, dict[str, object]]):
    partner = mwrules.load_partner({"partner_id": "x", "as_of": ON.isoformat(), "metrics": metrics})

    assert set(partner.metrics) == {path.id for path in RULESET_2026.paths}
    assert all(value >= 0 for values in metrics.values() for value in _numbers(values))


def _numbers(values: dict[str, object]) -> list[int]:
    return [
        number
        for value in values.values()
        for number in (value.values() if isinstance(value, dict) else [value])  # type: ignore[union-attr]
    ]


@given(mst.partners(qualifying=True))
def test_qualifying_true_always_qualifies(partner: mwrules.Partner):
    verdict = mwrules.evaluate(partner)

    assert verdict.qualified
    check_verdict(partner, verdict)


@given(mst.partners(qualifying=False))
def test_qualifying_false_never_qualifies(partner: mwrules.Partner):
    verdict = mwrules.evaluate(partner)

    assert not verdict.qualified
    check_verdict(partner, verdict)


@given(mst.partners(min_people=3, max_people=6))
def test_partners_respect_the_people_bounds(partner: mwrules.Partner):
    assert 3 <= len(partner.people) <= 6


@given(mst.partners(ruleset="modern-work@2026-01", qualifying=True))
def test_a_named_version_is_the_one_evaluate_chooses(partner: mwrules.Partner):
    verdict = mwrules.evaluate(partner)

    assert ("2026-01", True) == (verdict.ruleset.version, verdict.qualified)


@given(mst.partner_documents())
def test_partner_documents_are_json_and_load(document: dict[str, object]):
    text = json.dumps(document)

    partner = mwrules.load_partner(json.loads(text))
    check_verdict(partner, mwrules.evaluate(partner))


@given(mst.invalid_partner_documents())
def test_invalid_documents_fail_at_their_path(invalid: mst.InvalidDocument):
    with pytest.raises(mwrules.InputError) as caught:
        mwrules.load_partner(invalid.document)

    assert invalid.where in {problem.where for problem in caught.value.problems}


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory) -> mwrules.Ruleset:
    """A ruleset editor's copy of 2026-01 that passes at 60 points."""
    shipped = Path(mwrules.select_ruleset("modern-work@2026-01").ruleset.source or "")
    path = tmp_path_factory.mktemp("rulesets") / "lenient.yaml"
    path.write_text(shipped.read_text().replace("min_total_points: 70", "min_total_points: 60"))
    return mwrules.load_ruleset(path)


def test_from_ruleset_covers_a_new_ruleset(lenient: mwrules.Ruleset):
    """A ruleset's CI gets qualifying and failing partners under its own thresholds."""
    seen = set()

    @given(mst.from_ruleset(lenient))
    def check(partner: mwrules.Partner) -> None:
        verdict = mwrules.evaluate(partner, ruleset=lenient)
        check_verdict(partner, verdict, ruleset=lenient)
        seen.add(verdict.qualified)

    check()
    assert {True, False} == seen


@given(st.from_type(mwrules.Partner), st.from_type(mwrules.Person), st.from_type(mwrules.Certification))
def test_from_type_knows_mwrules_classes(partner, person, certification):
    """The hypothesis entry point registers the strategies."""
    assert isinstance(partner, mwrules.Partner)
    assert isinstance(person, mwrules.Person)
    assert isinstance(certification, mwrules.Certification)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: mst.certifications(level="expert"), "level='expert' is not a level"),
        (lambda: mst.certifications(eligible=True, level="advanced", valid_on=datetime.date(2028, 1, 1)), "impossible"),
        (lambda: mst.people(min_size=3, max_size=2), "max_size=2"),
        (lambda: mst.partners(min_people=-1), "min_people=-1"),
        (lambda: mst.partners(qualifying=True, max_people=0), "no path of"),
        (lambda: mst.partners(qualifying=True, as_of=datetime.date(2028, 1, 1)), "no partner can qualify"),
        (lambda: mst.partners(ruleset="modern-wrok"), "no ruleset 'modern-wrok'"),
        (lambda: mst.partners(as_of=datetime.date(2020, 1, 1)), "no version of modern-work is in force"),
        (lambda: mst.certifications(ruleset=42), "must be a mwrules.Ruleset"),  # type: ignore[arg-type]
    ],
)
def test_impossible_arguments_are_invalid(make, says: str):
    """Arguments no example can satisfy raise InvalidArgument when the strategy is made, not when drawn."""
    with pytest.raises(InvalidArgument, match=says):
        make()


def test_importing_mwrules_does_not_import_hypothesis():
    code = "import sys, mwrules, mwrules.testing; sys.exit('hypothesis' in sys.modules)"

    assert 0 == subprocess.run([sys.executable, "-c", code], check=False).returncode


def test_without_the_testing_extra_the_error_says_how_to_install_it():
    """`import mwrules.strategies` without Hypothesis once gave a bare ModuleNotFoundError."""
    code = "import sys; sys.modules['hypothesis'] = None; import mwrules.strategies"  # as if not installed

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.stderr.splitlines()[-1] == (
        "ModuleNotFoundError: mwrules.strategies needs Hypothesis: pip install 'mwrules[testing]'"
    )


ALL_DESIGNATIONS = Path(__file__).parent.parent / "examples" / "all-designations.yaml"


@pytest.mark.parametrize(
    "designation", ["security", "business-applications", "data-ai", "infrastructure", "digital-app-innovation"]
)
def test_check_verdict_accepts_the_sound_verdicts_of_every_designation(designation: str):
    """A classifying ruleset scores one path, and a path may score fewer metrics, with its own maxima and minima.

    check_verdict held every verdict to Modern Work's shape (every path, every
    metric, the ruleset's one total): it raised AssertionError on every sound
    verdict of the four classifying designations (hostile run 20).
    """
    document = yaml.safe_load(ALL_DESIGNATIONS.read_text())
    document["as_of"] = str(document["as_of"])
    verdict = mwrules.evaluate(document, ruleset=designation)
    partner = mwrules.load_partner(document, f"{designation}@{verdict.ruleset.version}")

    check_verdict(partner, verdict)


def test_check_verdict_still_catches_a_classified_verdict_on_the_wrong_path():
    """The path a classification picks is checked: a verdict scored on the other path fails."""
    document = yaml.safe_load(ALL_DESIGNATIONS.read_text())
    document["as_of"] = str(document["as_of"])
    verdict = mwrules.evaluate(document, ruleset="data-ai")
    partner = mwrules.load_partner(document, f"data-ai@{verdict.ruleset.version}")
    elsewhere = attrs.evolve(partner, facts={**partner.facts, "smb_customer_share": 10})

    with pytest.raises(AssertionError, match="classification picks enterprise"):
        check_verdict(elsewhere, verdict)


def test_check_verdict_accepts_a_metric_capped_by_a_term_of_its_own(tmp_path: Path):
    """A term's own cap below the metric's maximum caps the metric there: capped, but not at its maximum."""
    shipped = Path(mwrules.select_ruleset("modern-work@2026-01").ruleset.source or "")
    text = shipped.read_text().replace(
        "net_customer_adds: {terms: [{target: 10}]}", "net_customer_adds: {terms: [{target: 10, cap: 6}]}"
    )
    assert text != shipped.read_text()
    path = tmp_path / "capped.yaml"
    path.write_text(text)
    ruleset = mwrules.load_ruleset(path)
    partner = mwrules.load_partner(
        {"partner_id": "x", "as_of": "2026-06-30", "metrics": {"smb": {"net_customer_adds": 9}}}, ruleset
    )
    verdict = mwrules.evaluate(partner, ruleset=ruleset)
    assert (
        verdict.paths["smb"].metrics["net_customer_adds"].points,
        verdict.paths["smb"].metrics["net_customer_adds"].capped,
    ) == (6, True)

    check_verdict(partner, verdict, ruleset=ruleset)


def test_path_metrics_refuses_a_ruleset_not_scored_by_targets_alone():
    """path_metrics aims at targets: for a ruleset of rates, gates or classification it says so (InvalidArgument).

    It raised KeyError from inside the strategy for data-ai (hostile run 20).
    """
    with pytest.raises(InvalidArgument, match="targets alone"):
        mst.path_metrics(ruleset="data-ai@2026-07").example()


@pytest.mark.parametrize("as_of", ["2026-01-01", datetime.datetime(2026, 1, 1, 9, 30), 20260101])
def test_an_as_of_that_is_no_date_is_an_invalid_argument(as_of: object):
    """partners(as_of='2026-01-01') raised a TypeError from deep inside the choice of a version (hostile run 20)."""
    with pytest.raises(InvalidArgument, match="as_of"):
        mst.partners(as_of=as_of).example()  # type: ignore[arg-type]

"""mwrules.strategies as another team uses it: only the public API, every public strategy."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
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

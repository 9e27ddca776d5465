"""One partner document for every designation: sections, ``evaluate_designations``, ``--designations``, badges."""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mwrules
from mwrules import codes
from mwrules._evaluation import designations as _designations
from mwrules._input import one_pass as _one_pass
from mwrules._input import partner as _partner_input
from mwrules._rulesets.versions import shipped_ids
from mwrules.cli import main
from mwrules.limits import DEFAULT_LIMITS

from .full_checks import full_checks


ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "all-designations.yaml"
SECURITY = {
    "enterprise": {
        "net_customer_adds": {"azure": 5, "m365": 4},
        "usage_growth": {"azure": 12500.5, "m365": 310},
        "deployments": {"azure": 3, "m365": 3},
    }
}
SECURITY_PEOPLE = [
    {"id": "dee", "certifications": ["AZ-500", "SC-100"]},
    {"id": "eli", "certifications": ["Microsoft Certified: Cloud and AI Security Engineer Associate"]},
    {"id": "fox", "certifications": ["SC-200"]},
    {"id": "gil", "certifications": ["SC-300"]},
    {"id": "hal", "certifications": ["SC-401"]},
]


def example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_ruleset_with_a_section_reads_its_section_as_it_would_read_top_level_metrics():
    """Security's section gives exactly the verdict the same metrics give at the top level of a Security document."""
    alone = {"partner_id": "p", "as_of": "2026-09-30", "people": SECURITY_PEOPLE, "metrics": SECURITY}
    shared = {
        "partner_id": "p",
        "as_of": "2026-09-30",
        "people": SECURITY_PEOPLE,
        "metrics": {"smb": {"net_customer_adds": 8}},  # Modern Work's
        "designations": {"security": {"metrics": SECURITY}},
    }

    expected = mwrules.evaluate(alone, ruleset="security")
    verdict = mwrules.evaluate(shared, ruleset="security")

    assert (verdict.qualified, verdict.path, verdict.score) == (expected.qualified, expected.path, expected.score)
    assert verdict.paths == expected.paths


def test_what_a_ruleset_does_not_read_is_named_in_its_warnings():
    """Another designation's section, and the top-level metrics a section replaces, are said to be not read."""
    verdict = mwrules.evaluate(example(), ruleset="security")

    assert "$.designations['data-ai']: not read by security 2026-07" in verdict.warnings
    assert "$.metrics: not read by security 2026-07, which reads $.designations.security.metrics" in verdict.warnings


def test_the_metrics_of_the_track_a_designation_does_not_classify_the_partner_on_are_said_to_be_not_read():
    """Data & AI metrics given for enterprise, of a partner classified smb (85 % smb customers), were dropped unsaid."""
    document = example()
    section = document["designations"]["data-ai"]["metrics"]
    section["enterprise"] = section["smb"]

    verdict = mwrules.evaluate(document, ruleset="data-ai")

    assert "smb" == verdict.path
    assert (
        "$.designations['data-ai'].metrics.enterprise: not read: data-ai 2026-07 classifies the partner on smb"
        in verdict.warnings
    )


def test_the_trace_names_a_sections_metrics_where_the_document_gives_them():
    """An input fact read from a section is labelled with its place in the section."""
    verdict = mwrules.evaluate(example(), ruleset="security")

    matched = {label for step in verdict.trace for label in step.matched}
    assert "$.designations.security.metrics.enterprise.net_customer_adds.azure" in matched


def test_a_mistake_in_a_section_is_reported_at_its_place_in_the_section(tmp_path: Path):
    """A Modern Work shape in Security's section is MW006 at its path and line, with the parts Security reads."""
    path = tmp_path / "partner.yaml"
    path.write_text(
        "partner_id: p\nas_of: 2026-09-30\ndesignations:\n  security:\n    metrics:\n"
        "      enterprise:\n        net_customer_adds: 3\n"
    )

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(path, ruleset="security")

    [problem] = caught.value.problems
    assert (problem.where, problem.line, problem.code) == (
        "$.designations.security.metrics.enterprise.net_customer_adds",
        7,
        "MW006",
    )


def test_a_section_named_after_no_ruleset_is_an_error_with_a_suggestion():
    """A misspelt designation id would leave its data unread: MW204, with the id meant."""
    document = {"partner_id": "p", "as_of": "2026-09-30", "designations": {"securty": {"metrics": SECURITY}}}

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(document)

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("$.designations.securty", "MW204")
    assert problem.suggestion == "did you mean 'security'?"


def test_a_fact_no_ruleset_reads_is_an_error_with_a_suggestion():
    """shared/designations.md §6: an unknown fact name is an input error with "did you mean", whatever the ruleset."""
    document = {"partner_id": "p", "as_of": "2026-09-30", "facts": {"smb_customer_shar": 85}}

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(document)

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("$.facts.smb_customer_shar", "MW204")
    assert problem.suggestion == "did you mean 'smb_customer_share'?"


def test_a_fact_another_ruleset_reads_is_accepted_and_said_to_be_unread():
    """One document serves several rulesets: Modern Work evaluates it and notes the Azure fact it does not read."""
    document = {"partner_id": "p", "as_of": "2026-09-30", "facts": {"smb_customer_share": 85}}

    verdict = mwrules.evaluate(document)

    assert any(
        warning.startswith("$.facts.smb_customer_share: not read by modern-work") for warning in verdict.warnings
    )


def test_every_designation_of_the_example_is_scored_and_the_badges_follow():
    """The README's example: six verdicts, three qualified, three badges earned."""
    result = mwrules.evaluate_designations(EXAMPLE)

    statuses = {r.designation: (r.status, r.verdict and r.verdict.path) for r in result.results}
    assert statuses == {
        "business-applications": ("not qualified", "smb"),
        "data-ai": ("not qualified", "smb"),
        "digital-app-innovation": ("not qualified", "smb"),
        "infrastructure": ("qualified", "smb"),
        "modern-work": ("qualified", "smb"),
        "security": ("qualified", "enterprise"),
    }
    assert [(badge.name, badge.designations) for badge in result.badges] == [
        ("Solutions Partner for Cloud & AI Platforms", ("infrastructure",)),
        ("Solutions Partner for AI Business Solutions", ("modern-work",)),
        ("Solutions Partner for Security", ("security",)),
    ]


def test_each_designations_verdict_is_the_one_evaluate_gives_for_it():
    """evaluate_designations is evaluate per designation, not a scoring of its own."""
    result = mwrules.evaluate_designations(EXAMPLE)

    for designation in result.results:
        verdict = designation.verdict
        assert verdict is not None
        alone = mwrules.evaluate(EXAMPLE, ruleset=designation.designation)
        assert (verdict.score, verdict.paths, verdict.warnings) == (alone.score, alone.paths, alone.warnings)
        assert tuple(verdict.trace) == tuple(alone.trace)


def test_the_people_read_once_for_every_designation_give_each_the_verdict_evaluate_gives():
    """The people's certifications are found once and shared: names held twice, in several ways, elsewhere, unknown."""
    people = [
        {"id": f"p{number}", "certifications": [name, {"name": name, "expires": "2026-01-01"}, "MS-102", "XX-999"]}
        for number, name in enumerate(["AZ-104", "SC-100", "PL-200", "AZ-104", "DP-600", "SC-100"])
    ]
    document = {**yaml.safe_load(EXAMPLE.read_text()), "people": people}

    result = mwrules.evaluate_designations(document)

    for designation in result.results:
        verdict = designation.verdict
        assert verdict is not None
        alone = mwrules.evaluate(document, ruleset=designation.designation)
        assert (verdict.paths, verdict.warnings, tuple(verdict.trace)) == (
            alone.paths,
            alone.warnings,
            tuple(alone.trace),
        )


def test_the_people_of_a_document_are_gone_through_once_for_all_six_designations(monkeypatch: pytest.MonkeyPatch):
    """What every designation reads of the people (their certifications as written) is found once, not six times."""
    found = []
    original = _designations.held
    monkeypatch.setattr(_designations, "held", lambda people: found.append(people) or original(people))

    result = mwrules.evaluate_designations(EXAMPLE)

    assert sum(designation.verdict is not None for designation in result.results) == 6
    assert len(found) == 1


def test_the_metric_furthest_below_its_minimum_is_named_and_else_the_total():
    """data-ai misses a metric's minimum (usage growth 0 of 1); business-applications has them all, short in total."""
    result = mwrules.evaluate_designations(EXAMPLE)

    assert result["data-ai"].furthest == mwrules.Shortfall(metric="usage_growth", points=Fraction(0), needs=Fraction(1))
    furthest = result["business-applications"].furthest
    assert furthest is not None
    assert (furthest.metric, furthest.needs) == (None, 70)
    assert result["security"].furthest is None


def test_a_designation_without_metrics_is_no_data_not_a_failing_score():
    """A partner with only Modern Work data gets "no data" for the other five, saying where their metrics go."""
    document = example()
    del document["designations"]

    result = mwrules.evaluate_designations(document)

    assert result["modern-work"].status == "qualified"
    security = result["security"]
    assert (security.status, security.verdict) == ("no data", None)
    assert security.reason == "no metrics for it: add them at $.designations.security.metrics"


def test_a_missing_classification_fact_is_that_designations_problem_and_the_others_are_scored():
    """Without smb_customer_share the three Azure designations cannot choose a track; the other three still score."""
    document = example()
    del document["facts"]["smb_customer_share"]

    result = mwrules.evaluate_designations(document)

    assert [r.status for r in result.results] == [
        "not qualified",
        "problems",
        "problems",
        "problems",
        "qualified",
        "qualified",
    ]
    [problem] = result["data-ai"].problems
    assert (problem.where, problem.code) == ("$.facts.smb_customer_share", "MW005")
    assert "required by data-ai 2026-07" in problem.message


def test_a_problem_in_what_every_designation_reads_is_the_documents():
    """Two people with one id is no designation's mistake: InputError, once, with every designation's own problems."""
    document = example()
    document["people"].append({"id": "ANA", "certifications": []})
    del document["facts"]["smb_customer_share"]

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate_designations(document)

    found = [(problem.where, problem.code) for problem in caught.value.problems]
    assert found == [("$.people[18].id", "MW201")] + [("$.facts.smb_customer_share", "MW005")] * 3
    assert [problem.message.split(" (")[0] for problem in caught.value.problems[1:]] == [
        f"missing: required by {designation} 2026-07"
        for designation in ("data-ai", "digital-app-innovation", "infrastructure")
    ]


def test_a_designation_not_yet_in_force_says_so():
    """On 2026-03-01 only Modern Work has a version in force; the five others start on 2026-07-01."""
    document = {**example(), "as_of": "2026-03-01"}

    result = mwrules.evaluate_designations(document)

    assert result["modern-work"].verdict is not None
    assert result["security"].status == "not in force"
    assert "2026-07-01" in result["security"].reason


def test_badges_take_the_name_in_force_on_the_evaluation_date():
    """Modern Work's badge is its own name in July 2026 and AI Business Solutions from 2026-08-01."""
    july = mwrules.evaluate_designations({**example(), "as_of": "2026-07-31"}, designations=["modern-work"])
    august = mwrules.evaluate_designations({**example(), "as_of": "2026-08-01"}, designations=["modern-work"])

    assert [badge.name for badge in july.badges] == ["Solutions Partner for Modern Work"]
    assert [badge.name for badge in august.badges] == ["Solutions Partner for AI Business Solutions"]


def test_one_badge_earned_by_two_designations_is_listed_once_with_both():
    """Modern Work and Business Applications both show as AI Business Solutions."""
    document = example()
    ba = document["designations"]["business-applications"]["metrics"]["smb"]
    ba["usage_growth"]["growth_percent"] = 30  # 62.5 + 11.5 points

    result = mwrules.evaluate_designations(document)

    assert result["business-applications"].status == "qualified"
    assert ("Solutions Partner for AI Business Solutions", ("business-applications", "modern-work")) in [
        (badge.name, badge.designations) for badge in result.badges
    ]


def test_a_partner_built_in_python_carries_its_sections():
    """Partner.designations is read as the document's section is, and written back by partner_to_json."""
    document = example()
    partner = mwrules.load_partner(document, "security")

    assert partner.designations["security"].metrics["enterprise"]["deployments"] == {"azure": 3, "m365": 3}
    assert mwrules.evaluate(partner, ruleset="security").score == mwrules.evaluate(document, ruleset="security").score
    written = mwrules.partner_to_json(partner)
    assert (
        written["designations"]["security"]["metrics"]
        == json.loads(json.dumps(written))["designations"]["security"]["metrics"]
    )
    assert mwrules.load_partner(written, "security") == partner


def test_a_plan_raises_the_metrics_where_the_designation_reads_them():
    """plan under Security changes Security's section, so its plan reaches the score it promises."""
    document = example()
    document["designations"]["security"]["metrics"]["enterprise"]["deployments"] = {"azure": 0, "m365": 0}

    plan = mwrules.plan(document, ruleset="security")

    assert plan.path is not None
    assert plan.after is not None
    assert plan.after.qualified


def test_the_command_prints_a_row_per_designation_and_the_badges(capsys: pytest.CaptureFixture[str]):
    """The README's command."""
    status, out, _ = run(capsys, "evaluate", str(EXAMPLE), "--designations")

    assert status == 0
    assert "security 2026-07                qualified      enterprise  70.48  —" in out
    assert "data-ai 2026-07                 not qualified  smb            58  usage_growth: 0 of 1" in out
    assert "Badges earned:\n  Solutions Partner for Cloud & AI Platforms (by infrastructure)" in out


def test_the_command_can_name_the_designations(capsys: pytest.CaptureFixture[str]):
    """--designations security,modern-work evaluates those two, in that order."""
    status, out, _ = run(capsys, "evaluate", str(EXAMPLE), "--designations", "security,modern-work", "--format", "json")

    assert status == 0
    data = json.loads(out)
    assert [entry["designation"] for entry in data["designations"]] == ["security", "modern-work"]
    assert data["designations"][0]["verdict"]["ruleset"]["id"] == "security"
    assert data["badges"] == [
        {"name": "Solutions Partner for Security", "designations": ["security"]},
        {"name": "Solutions Partner for AI Business Solutions", "designations": ["modern-work"]},
    ]


def test_the_command_exits_2_when_a_designations_data_has_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """The table is printed, with the problem under it, and the exit status says the input needs fixing."""
    document = example()
    del document["facts"]["smb_customer_share"]
    path = tmp_path / "partner.yaml"
    path.write_text(yaml.safe_dump(document))

    status, out, _ = run(capsys, "evaluate", str(path), "--designations")

    assert status == 2
    assert "Problems in the data for data-ai:" in out
    assert "$.facts.smb_customer_share: MW005 missing: required by data-ai 2026-07" in out


def test_designations_and_a_ruleset_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]):
    """Each designation has its own ruleset: --ruleset beside --designations is MW301."""
    status, _, err = run(capsys, "evaluate", str(EXAMPLE), "--designations", "--ruleset", "security")

    assert status == 2
    assert "MW301" in err


def test_an_unknown_designation_is_named_with_a_suggestion(capsys: pytest.CaptureFixture[str]):
    """--designations securty is MW132 with the id meant."""
    status, _, err = run(capsys, "evaluate", str(EXAMPLE), "--designations", "securty")

    assert status == 2
    assert "MW132" in err
    assert "did you mean 'security'?" in err


def test_a_section_does_not_change_what_another_ruleset_reads():
    """The default ruleset reads the top-level metrics of a document with sections, as it did without them."""
    document = example()
    without = copy.deepcopy(document)
    del without["designations"]

    assert mwrules.evaluate(document).paths == mwrules.evaluate(without).paths


def test_the_verdict_date_is_the_documents():
    """as_of comes from the document, as for evaluate."""
    assert mwrules.evaluate_designations(EXAMPLE).as_of == datetime.date(2026, 9, 30)


VALUES = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([2.5, 1e30, "3", None, True, [], {}, {"azure": 1}, {"cpor": 1.5}, {"metrics": {}}]),
)
SPOTS = st.sampled_from(
    [
        ("designations",),
        ("designations", "security"),
        ("designations", "security", "metrics"),
        ("designations", "security", "metrics", "enterprise"),
        ("designations", "security", "metrics", "enterprise", "deployments"),
        ("designations", "security", "metrics", "enterprise", "deployments", "azure"),
        ("designations", "data-ai", "metrics", "smb", "net_customer_adds"),
        ("designations", "data-ai", "metrics", "smb", "usage_growth", "qualifying_acr"),
        ("designations", "securty"),
        ("metrics", "smb", "net_customer_adds"),
        ("metrics", "smb"),
        ("facts", "smb_customer_share"),
    ]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(SPOTS, VALUES), max_size=3),
    st.sampled_from(sorted(shipped_ids())),
    st.sampled_from(sorted(shipped_ids())),
)
def test_the_one_pass_build_of_a_document_with_sections_agrees_with_the_full_checks(
    changes: list[tuple[tuple[str, ...], object]], designation: str, first: str
):
    """Whatever a section holds, the fast path builds a partner only where the full checks build the same one.

    Also when the people come from the partner built for another designation
    first, as evaluate_designations builds them once.
    """
    document = example()
    for spot, value in changes:
        place = document
        for key in spot[:-1]:
            place = place.setdefault(key, {}) if isinstance(place, dict) else {}
        if isinstance(place, dict):
            place[spot[-1]] = value
    ruleset = ruleset_of(designation)

    plain = _partner_input._plain_partner(copy.deepcopy(document), ruleset, DEFAULT_LIMITS)
    base = _partner_input._plain_partner(copy.deepcopy(document), ruleset_of(first), DEFAULT_LIMITS)
    again = None if base is None else _one_pass.plain_partner_again(base, document, ruleset, DEFAULT_LIMITS)

    for built in (plain, again):
        if built is not None:
            assert built == full_checks(document, ruleset)


def ruleset_of(designation: str) -> mwrules.Ruleset:
    return mwrules.select_ruleset(designation, as_of=datetime.date(2026, 9, 30)).ruleset


def test_a_plan_names_a_part_with_a_unit_of_its_own_by_its_id(capsys: pytest.CaptureFixture[str]):
    """Data & AI's qualifying ACR is USD, not "usage growth" units: raise qualifying_acr of usage growth by 200."""
    status, out, _ = run(capsys, "plan", str(EXAMPLE), "--ruleset", "data-ai")

    assert status == 0
    assert "1. Raise qualifying_acr of usage growth on smb by 200  (cost 0.2)" in out


@pytest.mark.parametrize(
    ("mistake", "where"),
    [
        ({"as_of": "2026-13-45"}, "$.as_of"),
        ({"designations": {"securty": {"metrics": {}}}}, "$.designations.securty"),
        ({"designations": [1, 2]}, "$.designations"),
        ({"facts": {"smb_customer_shar": 85}}, "$.facts.smb_customer_shar"),
    ],
)
def test_a_document_with_no_designations_data_is_still_checked(mistake: dict[str, Any], where: str):
    """Every designation "no data" once meant no check at all: a bad date or a misspelt section passed unseen."""
    document = {"partner_id": "p", "as_of": "2026-09-30", "people": [], **mistake}

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate_designations(document)

    assert [problem.where for problem in caught.value.problems] == [where]


@pytest.mark.parametrize("copies", [1, 2], ids=["one-document", "a-portfolio"])
def test_a_designation_named_with_a_version_is_refused_for_one_document_as_for_many(
    capsys: pytest.CaptureFixture[str], copies: int
):
    """`--designations modern-work@2023-06` once scored one document under that version as a second Modern Work."""
    status, out, err = run(capsys, "evaluate", *[str(EXAMPLE)] * copies, "--designations", "modern-work@2023-06")

    assert (status, out) == (2, "")
    assert "MW132 'modern-work@2023-06' is not a designation's id: they are named without a version" in err


def test_designations_named_in_one_text_are_the_ids_it_lists():
    """A text is not a list of one-letter ids: "security" is security, "security, modern-work" both."""
    one = mwrules.evaluate_designations(EXAMPLE, designations="security")
    two = mwrules.evaluate_designations(EXAMPLE, designations="security, modern-work")

    assert [r.designation for r in one.results] == ["security"]
    assert [r.designation for r in two.results] == ["security", "modern-work"]


@pytest.mark.parametrize("named", [[], (), "", " , "])
def test_designations_naming_none_is_a_value_error(named: object):
    """`designations=[]` returned no result and no problem without a word; evaluate_many refused it (hostile run 16)."""
    with pytest.raises(ValueError, match="names no designation"):
        mwrules.evaluate_designations(EXAMPLE, designations=named)  # type: ignore[arg-type]


def test_every_designation_is_spelled_alike_in_evaluate_designations_and_evaluate_many():
    """True (evaluate_many's "every one") raised a bare "'bool' object is not iterable" here (hostile run 25)."""
    every = mwrules.evaluate_designations(EXAMPLE, designations=True)

    assert every == mwrules.evaluate_designations(EXAMPLE)
    (result,) = mwrules.evaluate_many([EXAMPLE], jobs=1, designations=True)
    assert result.designations == every


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mwrules.evaluate_designations(EXAMPLE, designations=False), "False names no designation"),
        (lambda: mwrules.evaluate_designations(EXAMPLE, designations=3), "designations must be"),
        (lambda: list(mwrules.evaluate_many([EXAMPLE], jobs=1, designations=None)), "designations=None"),
        (lambda: list(mwrules.evaluate_many([EXAMPLE], jobs=1, designations=3)), "designations must be"),
    ],
)
def test_a_designations_argument_of_another_kind_says_what_to_give(call: Any, message: str):
    """None (evaluate_designations' "every one") raised "'NoneType' object is not iterable" in evaluate_many."""
    with pytest.raises(TypeError, match=message) as raised:
        call()
    assert "True" in str(raised.value)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "--designations"], "evaluate --designations needs a FILE"),
        (["evaluate", str(EXAMPLE), "--designations", ",,"], "--designations names no designation"),
        (["evaluate", str(ROOT / "examples"), "--designations", ",,"], "--designations names no designation"),
    ],
)
def test_a_designations_command_line_without_a_file_or_an_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
):
    """No FILE once raised an IndexError; ",," once evaluated the default ruleset under an empty name."""
    status, _, err = run(capsys, *argv)

    assert status == 2
    assert f"MW301 {message}" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "--designations", str(EXAMPLE)],
        ["evaluate", "--designations", str(EXAMPLE), str(ROOT / "examples" / "near-miss.yaml")],
        ["evaluate", "--designations", "-"],
        ["evaluate", "--designations", "book.jsonl"],
    ],
)
def test_a_file_taken_for_the_designations_is_said_to_be_so(capsys: pytest.CaptureFixture[str], argv: list[str]):
    """`evaluate --designations FILE` said "needs a FILE", or that FILE is no shipped ruleset (hostile run 16)."""
    status, out, err = run(capsys, *argv)

    assert (status, out) == (2, "")
    assert f"MW301 --designations took {argv[2]!r} for the designations to evaluate" in err
    assert "put FILE before --designations" in err


@pytest.mark.parametrize("named", ["security,,data-ai", "security,", ",security", "security, ,data-ai"])
def test_an_empty_name_among_designations_is_a_usage_error(capsys: pytest.CaptureFixture[str], named: str):
    """`--designations security,,data-ai` once evaluated the two and dropped the empty name without a word."""
    status, out, err = run(capsys, "evaluate", str(EXAMPLE), "--designations", named)

    assert (status, out) == (2, "")
    assert f"MW301 --designations {named!r} has an empty name between commas" in err


def test_an_empty_name_among_designations_is_refused_by_python_too():
    """evaluate_designations(designations="security,,data-ai") says what is wrong rather than dropping the name."""
    with pytest.raises(ValueError, match="has an empty name between commas"):
        mwrules.evaluate_designations(EXAMPLE, designations="security,,data-ai")


@pytest.mark.parametrize("named", ["security,security", "security, data-ai,security"])
def test_a_designation_named_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str], named: str):
    """Run 36: `--designations security,security` was merged into one without a word (another id meant?)."""
    status, out, err = run(capsys, "evaluate", str(EXAMPLE), "--designations", named)

    assert (status, out) == (2, "")
    assert "MW301 --designations names 'security' twice: name each once" in err


@pytest.mark.parametrize(
    "call",
    [
        lambda: mwrules.evaluate_designations(EXAMPLE, designations=["security", "data-ai", "security"]),
        lambda: list(mwrules.evaluate_many([EXAMPLE], designations=["security", "security"])),
    ],
    ids=["evaluate_designations", "evaluate_many"],
)
def test_a_designation_named_twice_is_refused_by_python_too(call: Callable[[], object]):
    with pytest.raises(ValueError, match="designations names 'security' twice: name each once"):
        call()


def test_every_unknown_section_is_told_the_names_a_section_may_have():
    """The names once stood in the message and again in the suggestion; past the first hundred, in neither."""
    sections = {f"s{number}": {"metrics": {}} for number in range(101)}

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "designations": sections})

    names = "expected one of: " + ", ".join(repr(name) for name in sorted(shipped_ids()))
    assert {problem.suggestion for problem in caught.value.problems} == {names}
    assert all(names not in problem.message for problem in caught.value.problems)


def test_a_timeline_reads_a_designations_section_as_it_reads_top_level_metrics():
    """Months a timeline measures once from customer data are given back where the ruleset reads its metrics."""
    document = yaml.safe_load((ROOT / "examples" / "customer-data.yaml").read_text())
    # One of the two advanced people lapses mid-month: the month is evaluated twice, its customer
    # measures taken once (a lapse above a level's cap would change no score, and not be evaluated)
    assert document["people"][7] == {"id": "person-8", "certifications": ["MS-102"]}
    document["people"][7] = {"id": "person-8", "certifications": [{"name": "MS-102", "expires": "2026-10-15"}]}
    given = {"smb": {"net_customer_adds": 4}}
    top_level = {**document, "metrics": given}
    in_a_section = {**document, "designations": {"modern-work": {"metrics": given}}}
    start, end = datetime.date(2026, 9, 1), datetime.date(2027, 3, 31)

    expected = mwrules.timeline(top_level, start, end)
    timeline = mwrules.timeline(in_a_section, start, end)

    assert [(s.start, s.end, s.path, s.score) for s in timeline.segments] == [
        (s.start, s.end, s.path, s.score) for s in expected.segments
    ]


@pytest.mark.parametrize("designation", ["security", "infrastructure"])
def test_an_empty_section_is_a_problem_at_the_section_not_a_reading_of_the_top_level_metrics(designation: str):
    """An empty (null) section is MW006 at the section: the top-level metrics are another designation's."""
    document = example()
    document["designations"][designation] = None

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(document, ruleset=designation)

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == (f"$.designations.{designation}", "MW006")
    assert problem.message == "expected a section: an object with metrics, got null"


def test_the_problems_of_every_designation_are_gathered_in_time_linear_in_their_number(monkeypatch: pytest.MonkeyPatch):
    """3,000 unknown facts (60 KB) are 3,000 problems, compared a few times each, not each with every other."""
    document = example()
    document["facts"].update({f"f{n}": n for n in range(3000)})
    comparisons = 0
    compare = mwrules.Problem.__eq__

    def counted(self: mwrules.Problem, other: object) -> bool:
        nonlocal comparisons
        comparisons += 1
        return compare(self, other)

    monkeypatch.setattr(mwrules.Problem, "__eq__", counted)

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate_designations(document)

    assert 3000 == len(caught.value.problems)
    assert comparisons < 10 * 3000


def test_the_designations_table_shows_a_misspelt_certification_with_its_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The table dropped every warning: a misspelt certification, not counted, went unsaid there while the JSON
    named it with "did you mean" (hostile run 27)."""
    document = tmp_path / "p.yaml"
    document.write_text(
        "partner_id: w\nas_of: 2026-09-30\n"
        "people: [{id: a, certifications: [Teams Administrater Associate]}]\n"
        "metrics: {smb: {net_customer_adds: 10, usage_growth: {cpor: 500, csp: 0}, deployments: {cpor: 5, csp: 0}}}\n",
        encoding="utf-8",
    )
    main(["evaluate", str(document), "--designations", "--format", "json"])
    [verdict] = [
        result["verdict"] for result in json.loads(capsys.readouterr().out)["designations"] if "verdict" in result
    ]

    assert 0 == main(["evaluate", str(document), "--designations"])

    out = capsys.readouterr().out
    misspelt = [warning for warning in verdict["warnings"] if "Administrater" in warning]
    assert [f"  modern-work: {warning}" for warning in misspelt] == [
        line for line in out.splitlines() if line.startswith("  modern-work: ") and "Administrater" in line
    ]
    assert ["did you mean" in warning for warning in misspelt] == [True]


def test_the_designations_table_shows_the_warnings_that_matter_and_counts_those_of_a_document_for_several(
    capsys: pytest.CaptureFixture[str],
):
    """The README's example said "business-applications 24, data-ai 24, ..., security 24": all but one were the
    other designations' certifications, sections and facts, which a document for several has by design, and the one
    that mattered (security's smb metrics missing) could not be told from them."""
    example = str(EXAMPLE)
    main(["evaluate", example, "--designations", "--format", "json"])
    every = [
        warning
        for result in json.loads(capsys.readouterr().out)["designations"]
        for warning in result["verdict"]["warnings"]
    ]

    assert 0 == main(["evaluate", example, "--designations"])

    warnings = capsys.readouterr().out.split("\n\nWarnings", 1)[1].splitlines()
    assert warnings == [
        " (1):",
        "  security: $.designations.security.metrics.smb: missing; every metric of smb that comes from metrics counts "
        "as 0",
        "",
        f"Not shown: {len(every) - 1} warnings about the other designations' certifications, sections and facts, which "
        "a document for several designations has (--format json lists them)",
    ]


def test_the_designations_table_caps_the_warnings_shown(monkeypatch: pytest.MonkeyPatch):
    from mwrules._output import designations_report  # noqa: PLC0415 - the cap alone

    monkeypatch.setattr(designations_report, "WARNINGS_SHOWN", 2)
    document = {
        "partner_id": "w",
        "as_of": "2026-09-30",
        "people": [{"id": "a", "certifications": ["Nonesuch 1", "Nonesuch 2", "Nonesuch 3"]}],
        "designations": {"security": {"metrics": {"enterprise": {}, "smb": {}}}},
    }

    result = mwrules.evaluate_designations(document, designations=["security"])
    [warnings] = [designation.verdict.warnings for designation in result.results if designation.verdict is not None]

    assert not any(isinstance(warning, mwrules.ForAnother) for warning in warnings)
    assert len(warnings) > 3
    assert [
        f"Warnings ({len(warnings)}):",
        f"  security: {warnings[0]}",
        f"  security: {warnings[1]}",
        f"  ... and {len(warnings) - 2} more (evaluate FILE --ruleset ID lists a designation's)",
    ] == designations_report.designations_table(result).split("\n\n")[-1].splitlines()


def test_a_fact_out_of_range_is_refused_though_no_designation_that_reads_it_has_data():
    """smb_customer_share 185 exited 0 under --designations when data-ai and the Azure ones had no metrics;
    `--ruleset data-ai` refused it (hostile run 30). A fact is given once for every designation that reads it."""
    document = {
        "partner_id": "p",
        "as_of": "2026-11-28",
        "facts": {"smb_customer_share": 185, "enterprise_workloads": 2.5},
        "people": [{"id": "a", "certifications": ["MS-700"]}],
    }

    with pytest.raises(mwrules.InputError) as raised:
        mwrules.evaluate_designations(document)

    assert sorted((problem.where, problem.code) for problem in raised.value.problems) == [
        ("$.facts.enterprise_workloads", codes.INVALID_VALUE),
        ("$.facts.smb_customer_share", codes.INVALID_VALUE),
    ]

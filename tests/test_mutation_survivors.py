"""Rules pinned after the mutation run (docs/mutation-testing.md) found them untested, grouped by module.

Each test names the rule it pins; the page lists the mutant each one kills.
"""

from __future__ import annotations

import collections
import datetime
import shutil
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import Phase, find, settings

import mwrules
import mwrules.partner_center
from mwrules import InputError, RulesetError, codes
from mwrules import strategies as mst
from mwrules._evaluation import engine as _engine
from mwrules._input.convert import shown
from mwrules._rulesets import versions
from mwrules.cli import main
from mwrules.errors import EvaluationError, Problem, did_you_mean
from mwrules.ruleset import check, normalise_name, rulesets_dir, structure
from mwrules.testing import check_verdict

from . import test_partner_center as pc_tests
from .test_boundaries import one_point_per_customer, smb_partner
from .test_plan_terms import unit_costs


EXAMPLES = Path(__file__).parents[1] / "examples"
SHAPES = Path(__file__).parent / "shapes"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped Modern Work folder (versions and cases)."""
    copy = tmp_path / "rulesets" / "modern-work"
    shutil.copytree(rulesets_dir() / "modern-work", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert 1 == text.count(old), old
    path.write_text(text.replace(old, new))


# _rulesets/versions.py ---------------------------------------------------------------------------


def test_a_family_is_named_after_its_folder_and_a_sound_copy_has_no_problems(folder: Path):
    """A folder of sound versions reads as the family of the folder's name, with no problem."""
    family = versions.read_family(folder)

    assert ("modern-work", ()) == (family.id, family.problems)
    assert ["2023-06", "2026-01"] == [ruleset.version for ruleset in family.rulesets]


def test_a_broken_version_is_a_problem_of_its_family(folder: Path):
    """A version file's own problems are the family's, beside those between versions: the family is never used."""
    edit(folder / "2023-06.yaml", "min_total_points: 70", "min_total_points: seventy")

    family = versions.read_family(folder)

    assert [codes.INVALID_VALUE] == [problem.code for problem in family.problems]
    assert str(folder / "2023-06.yaml") == family.problems[0].file


def test_two_versions_taking_effect_on_one_day_name_both_files_and_the_day(folder: Path):
    """Versions that take effect on the same day: MW120 at the later one, with both names, the day and what to do."""
    path = folder / "2026-06.yaml"
    shutil.copy(folder / "2026-01.yaml", path)
    edit(path, 'version: "2026-01"', 'version: "2026-06"')

    with pytest.raises(RulesetError) as caught:
        versions.load_ruleset(path)

    (problem,) = caught.value.problems
    assert (codes.OVERLAPPING_VERSIONS, str(path), "$.manifest.effective_from") == (
        problem.code,
        problem.file,
        problem.where,
    )
    assert "2026-01.yaml and 2026-06.yaml both take effect on 2026-01-01" == problem.message
    assert "give the new version the day Microsoft's change takes effect" == problem.suggestion


def test_loading_a_folder_names_the_version_files_in_it(folder: Path):
    """Loading a folder is refused with MW001, naming the folder and the version files it holds."""
    with pytest.raises(RulesetError) as caught:
        versions.load_ruleset(folder)

    (problem,) = caught.value.problems
    assert codes.UNREADABLE == problem.code
    here = "(here: 2023-06.yaml, 2026-01.yaml)"
    assert f"{shown(str(folder))} is a folder; a ruleset is one version's file {here}" == problem.message


def test_loading_an_empty_folder_says_it_holds_no_version(tmp_path: Path):
    """Loading a folder without version files says so: "(here: none)"."""
    with pytest.raises(RulesetError) as caught:
        versions.load_ruleset(tmp_path)

    assert caught.value.problems[0].message.endswith("(here: none)")


def test_problems_are_sorted_by_file_then_line_then_place():
    """Problems without a file come first; in a file, the whole file's problems, then by line, then by place."""
    whole = Problem("$", "no file")
    a_file = Problem("$.z", "a, no line", file="/r/a.yaml")
    a_1 = Problem("$.b", "a:1", file="/r/a.yaml", line=1)
    a_1_earlier_place = Problem("$.a", "a:1 again", file="/r/a.yaml", line=1)
    a_10 = Problem("$.a", "a:10", file="/r/a.yaml", line=10)
    b_2 = Problem("$.a", "b:2", file="/r/b.yaml", line=2)

    in_order = versions.sort_problems([b_2, a_10, a_1, a_file, whole, a_1_earlier_place, a_10])

    assert [whole, a_file, a_1_earlier_place, a_1, a_10, b_2] == in_order


def test_a_version_running_into_the_next_says_through_when_and_where_to_end_it(folder: Path):
    """An effective_until past the next version's start: MW120 saying both dates and the day to end on instead."""
    path = folder / "2023-06.yaml"
    edit(path, "  effective_from: 2023-06-12\n", "  effective_from: 2023-06-12\n  effective_until: 2026-02-01\n")

    (problem,) = versions.read_family(folder).problems

    assert (codes.OVERLAPPING_VERSIONS, "$.manifest.effective_until") == (problem.code, problem.where)
    assert "version 2023-06 is in force through 2026-02-01, but version 2026-01 takes effect on 2026-01-01" == (
        problem.message
    )
    assert "end 2023-06 on 2025-12-31, or leave effective_until out" == problem.suggestion


def test_a_version_out_of_the_order_of_names_says_which_and_when(folder: Path):
    """A version named after another but taking effect before it: MW121 naming both versions and their dates."""
    path = folder / "2026-06.yaml"
    shutil.copy(folder / "2026-01.yaml", path)
    edit(path, 'version: "2026-01"', 'version: "2026-06"')
    edit(path, "effective_from: 2026-01-01", "effective_from: 2025-01-01")

    problems = versions.read_family(folder).problems

    (problem,) = (problem for problem in problems if problem.code == codes.EFFECTIVE_DATE_ORDER)
    assert (str(path), "$.manifest.effective_from") == (problem.file, problem.where)
    assert (
        "version 2026-06 takes effect on 2025-01-01, before version 2026-01 (2026-01-01): "
        "versions must take effect in the order of their names"
    ) == problem.message


def test_a_manifest_id_other_than_the_folder_says_both_and_how_to_agree(folder: Path):
    """A version whose manifest id is not its folder's name: MW122 at $.manifest.id with both names and the fix."""
    edit(folder / "2026-01.yaml", "  id: modern-work\n", "  id: modern-life\n")

    (problem,) = versions.read_family(folder).problems

    assert (codes.FILE_NAME_MISMATCH, "$.manifest.id") == (problem.code, problem.where)
    assert "the file is in folder 'modern-work' but its manifest says id 'modern-life'" == problem.message
    assert "set id: modern-work, or move the file to rulesets/modern-life/" == problem.suggestion


def test_a_manifest_version_other_than_the_file_name_says_both_and_how_to_agree(folder: Path):
    """A version whose manifest version is not its file's name: MW122 at $.manifest.version with both and the fix."""
    edit(folder / "2026-01.yaml", 'version: "2026-01"', 'version: "2026-02"')

    (problem,) = versions.read_family(folder).problems

    assert (codes.FILE_NAME_MISMATCH, "$.manifest.version") == (problem.code, problem.where)
    assert "the file is named '2026-01.yaml' but its manifest says version '2026-02'" == problem.message
    assert 'set version: "2026-01", or rename the file to 2026-02.yaml' == problem.suggestion


# _evaluation/compile.py --------------------------------------------------------------------------


def test_a_measure_above_its_target_is_capped_and_explain_says_so():
    """A measure past its target earns max_points, flagged capped: explain says "capped at" (12 adds of 10)."""
    verdict = mwrules.evaluate(
        {"partner_id": "p", "as_of": "2026-11-28", "metrics": {"smb": {"net_customer_adds": 12}}}
    )

    result = verdict.paths["smb"].metrics["net_customer_adds"]
    assert (Fraction(20), True) == (result.points, result.capped)
    assert "    12 x 2 points (max at 10); capped at 20" in mwrules.explain(verdict).splitlines()


def test_the_total_step_of_the_trace_concludes_the_path_score():
    """Each total:<path> step of the trace concludes that path's score, exactly (near-miss: 47/2 and 137/2)."""
    verdict = mwrules.evaluate(EXAMPLES / "near-miss.yaml")

    totals = {step.rule: step.concluded for step in verdict.trace if step.rule.startswith("total:")}

    assert {
        "total:enterprise": {"path": "enterprise", "score": "47/2"},
        "total:smb": {"path": "smb", "score": "137/2"},
    } == totals
    assert {"enterprise": Fraction(47, 2), "smb": Fraction(137, 2)} == {
        path_id: result.score for path_id, result in verdict.paths.items()
    }


def test_a_carry_over_into_a_path_without_a_seat_maximum_counts_a_tenant_that_shrank(tmp_path: Path):
    """A path with no max_seats carrying over from a smaller band counts a tenant that was in its band a year ago.

    The shipped rulesets carry over into smb only (11 to 300 seats); a ruleset may carry over into enterprise
    (301 seats or more) too: a tenant down from 400 to 200 seats still counts there, so it is no net loss.
    """
    text = (rulesets_dir() / "modern-work" / "2026-01.yaml").read_text()
    text = text.replace(
        "customers: {min_seats: 301, association_types: [cpor, dpor]}",
        "customers: {min_seats: 301, association_types: [cpor, dpor], carry_over_from: smb}",
    )
    path = tmp_path / "shrinking.yaml"
    path.write_text(text.replace("      carry_over_from: enterprise\n", ""))
    shrank = {
        "tenant": "t1",
        "associations": [{"type": "CPOR", "since": "2023-01-01"}],
        "usage": [
            {"month": "2025-10", "workload": "Intune", "paid_seats": 400, "active_users": 200},
            {"month": "2026-10", "workload": "Intune", "paid_seats": 200, "active_users": 100},
        ],
    }

    verdict = mwrules.evaluate(
        {"partner_id": "p", "as_of": "2026-11-28", "customers": [shrank]}, ruleset=mwrules.load_ruleset(path)
    )

    assert {"enterprise": 0, "smb": 1} == {
        path_id: result.metrics["net_customer_adds"].inputs["value"] for path_id, result in verdict.paths.items()
    }


def test_a_tenant_above_the_smb_band_is_carried_over_even_with_a_workload_below_it():
    """A tenant now above 300 seats on one workload and below 11 on another is outside smb's band: carried over."""
    usage = [
        {"month": "2025-10", "workload": "Intune", "paid_seats": 200, "active_users": 100},
        {"month": "2026-10", "workload": "Intune", "paid_seats": 400, "active_users": 200},
        {"month": "2026-10", "workload": "M365 Copilot", "paid_seats": 5, "active_users": 2},
    ]
    tenant = {"tenant": "t1", "associations": [{"type": "CPOR", "since": "2023-01-01"}], "usage": usage}

    verdict = mwrules.evaluate({"partner_id": "p", "as_of": "2026-11-28", "customers": [tenant]})

    # in smb's band a year ago and carried over now: no net loss
    assert 0 == verdict.paths["smb"].metrics["net_customer_adds"].inputs["value"]


def test_a_count_metric_without_a_point_gives_its_measure_as_the_reason():
    """A count metric (net customer adds) below one point is explained by its measure, not by association options."""
    verdict = mwrules.evaluate(
        {"partner_id": "p", "as_of": "2026-11-28", "metrics": {"smb": {"net_customer_adds": -2}}}
    )

    assert (
        "net_customer_adds on smb: 0 points, needs at least 1: the measure is -2"
        == (verdict.paths["smb"].shortfalls[0])
    )


def test_a_metric_at_exactly_the_minimum_is_not_a_shortfall():
    """A failing path's shortfalls leave out a metric at exactly min_metric_points (1 point is enough)."""
    partner = smb_partner(1)
    partner["metrics"]["smb"]["usage_growth"] = {"cpor": 0, "csp": 0}

    smb = mwrules.evaluate(partner, ruleset=one_point_per_customer()).paths["smb"]

    assert Fraction(1) == smb.metrics["net_customer_adds"].points
    assert ["usage_growth", "total"] == [reason.split(" on ")[0] for reason in smb.shortfalls]


def test_a_total_at_exactly_the_pass_mark_is_not_a_shortfall():
    """A path failing on one metric with a total of exactly min_total_points gives no total shortfall."""
    partner = smb_partner(0)
    partner["metrics"]["smb"]["deployments"] = {"cpor": 3, "csp": 0}

    smb = mwrules.evaluate(partner, ruleset=one_point_per_customer()).paths["smb"]

    assert Fraction(70) == smb.score
    assert ["net_customer_adds"] == [reason.split(" on ")[0] for reason in smb.shortfalls]


def test_an_association_metric_short_of_a_point_gives_each_option_as_the_reason():
    """A metric measured per association option below one point is explained by every option's measure."""
    metrics = {"smb": {"usage_growth": {"cpor": 3, "csp": 7}}}

    verdict = mwrules.evaluate({"partner_id": "p", "as_of": "2026-11-28", "metrics": metrics})

    assert (
        "usage_growth on smb: 0.18 points, needs at least 1: the best association option is too low (cpor 3, csp 7)"
        in verdict.paths["smb"].shortfalls
    )


# The sampled run over the whole package (tools/mutation_sample.py) --------------------------------


def test_the_timeline_command_applies_the_limits_given_on_the_command_line(capsys):
    """`mwrules timeline --limit people=1` refuses a partner of four people, as evaluate does."""
    status = main(["timeline", str(EXAMPLES / "timeline.yaml"), "--limit", "people=1"])

    assert (2, "") == (status, capsys.readouterr().out)


def test_designations_from_downloads_say_to_import_them_first(capsys):
    """--designations reads a partner document: given downloads, it says to import them first."""
    trainings = EXAMPLES / "partner-center" / "trainings.csv"

    status = main(["evaluate", "--designations", "all", "--trainings", str(trainings), "--partner-id", "p"])

    assert (
        2,
        "mwrules: MW301 --designations reads a partner document: import the downloads first (mwrules import)",
    ) == (
        status,
        capsys.readouterr().err.strip(),
    )


def test_a_json_lines_portfolio_is_evaluated_for_every_designation():
    """A record of a JSON Lines portfolio gets every designation's result, on its own as_of."""
    record = '{"partner_id": "a", "as_of": "2026-11-28"}'

    [result] = mwrules.evaluate_lines([record], jobs=1, designations=True)

    assert (datetime.date(2026, 11, 28), ()) == (result.designations.as_of, result.problems)


def test_a_json_lines_record_with_a_lone_surrogate_is_a_problem_of_that_record():
    """A record whose text holds a lone surrogate is reported as not UTF-8, and the batch goes on."""
    [bad, good] = mwrules.evaluate_lines(['{"partner_id": "a\ud800"}', '{"partner_id": "b"}'], jobs=1)

    assert [codes.UNREADABLE] == [problem.code for problem in bad.problems]
    assert good.verdict is not None


def test_the_partners_strategy_draws_negative_customer_measures():
    """Customers can be lost: the partners strategy draws net customer adds below 0."""
    negative = find(
        mst.partners(ruleset="modern-work@2026-01", max_people=0),
        lambda partner: any(value < 0 for metrics in partner.metrics.values() for value in _numbers(metrics)),
        # found is enough: shrinking it to the smallest such partner took 10 s
        settings=settings(database=None, derandomize=True, max_examples=500, phases=[Phase.generate]),
    )

    assert any(value < 0 for metrics in negative.metrics.values() for value in _numbers(metrics))


def _numbers(metrics: object) -> list[int]:
    """The whole numbers in a partner's metrics of one path, however nested."""
    if isinstance(metrics, Mapping):
        return [number for value in metrics.values() for number in _numbers(value)]
    return [metrics] if isinstance(metrics, int) else []


def test_certifications_the_ruleset_does_not_count_are_drawn_by_default():
    """certifications() without eligible draws, among others, names the ruleset does not list."""
    ruleset = mwrules.load_ruleset(rulesets_dir() / "modern-work" / "2026-01.yaml")
    listed = {normalise_name(name) for spec in ruleset.certifications for name in (spec.name, *spec.aliases)}

    other = find(
        mst.certifications(ruleset=ruleset),
        lambda certification: normalise_name(certification.name) not in listed,
        settings=settings(database=None, derandomize=True, max_examples=500),
    )

    assert normalise_name(other.name) not in listed


def test_an_amount_threshold_beyond_what_a_partner_can_give_is_refused(tmp_path: Path):
    """A condition's amount threshold is bounded by the largest amount a partner may give (10^9)."""
    text = (SHAPES / "09-eligibility-condition" / "2026-01.yaml").read_text()
    (tmp_path / "2026-01.yaml").write_text(text.replace("at_least: 50000}", "at_least: 2000000000}"))

    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(tmp_path / "2026-01.yaml")

    assert {(codes.LIMIT, "a threshold of 2,000,000,000: at most 1,000,000,000 either way")} == {
        (problem.code, problem.message) for problem in caught.value.problems
    }


def ruleset_problems(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Each problem of the ruleset *data*, as (where, message, code)."""
    ruleset, found = structure(data)
    if ruleset is not None:
        found = check(ruleset)
    return [(problem.where, problem.message, problem.code) for problem in found]


def shape(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((next(SHAPES.glob(f"{name}*")) / "2026-01.yaml").read_text())
    return data


def test_a_ruleset_without_paths_is_told_it_needs_one():
    """`paths: []` is one problem at $.paths saying a ruleset needs a path."""
    data = shape("06")
    data["paths"] = []

    assert ("$.paths", "a ruleset needs at least one path", codes.MISSING_KEY) in ruleset_problems(data)


def test_a_metric_scored_by_no_term_is_told_to_list_one():
    """An empty list of terms is a problem at that list, asking for a term."""
    data = shape("06")
    data["paths"][0]["metrics"]["skilling"]["terms"] = []

    assert [("$.paths[0].metrics.skilling.terms", "list at least one term", codes.MISSING_TARGET)] == (
        ruleset_problems(data)
    )


def test_a_classification_entry_without_conditions_before_the_last_says_the_rest_never_apply():
    """Only the last entry of a classification may go without conditions: an earlier one is told why."""
    data = shape("07")
    data["scoring"]["classify"].reverse()

    assert (
        "$.scoring.classify[0]",
        "only the last entry is without conditions: the entries after this one would never apply",
        codes.METRIC_DEFINITION,
    ) in ruleset_problems(data)


def test_a_workload_scoring_a_people_metric_says_it_is_not_measured_from_customer_data():
    """A workload's metrics are customer metrics: a people metric there is named as not one."""
    data = yaml.safe_load((rulesets_dir() / "modern-work" / "2026-01.yaml").read_text())
    data["workloads"][1] = {"name": "Intune", "metrics": ["intermediate_certifications"]}

    [(where, message, code)] = ruleset_problems(data)

    assert ("$.workloads[1].metrics[0]", codes.UNKNOWN_METRIC) == (where, code)
    assert "'intermediate_certifications' is not a metric measured from customer data" == message


def test_a_fact_above_its_maximum_is_an_invalid_value():
    """A fact past its declared maximum is MW006, as one below its minimum is."""
    document = {"partner_id": "p", "as_of": "2026-11-28", "facts": {"smb_customer_share": 101}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="data-ai")

    assert [("$.facts.smb_customer_share", codes.INVALID_VALUE)] == [
        (problem.where, problem.code) for problem in caught.value.problems
    ]


def test_a_control_character_in_an_id_is_named_in_the_message():
    """An id with a line break is refused with a message saying control characters are not allowed."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "people": [{"id": "a\nb", "certifications": []}]})

    [problem] = caught.value.problems
    assert problem.message.startswith("control characters (a line break, a tab, an escape, a text-direction override)")


def test_a_persons_id_loses_its_surrounding_spaces_in_any_mapping():
    """A document that is a mapping but not a plain dict (read by the full checks) strips ids as a dict does."""
    document = collections.OrderedDict(partner_id="p", people=[{"id": " a ", "certifications": []}])

    assert "a" == mwrules.load_partner(document).people[0].id


def test_an_empty_partner_id_on_the_command_line_is_refused(capsys):
    """`mwrules import --partner-id ''` is a usage error: an id cannot be empty."""
    trainings = EXAMPLES / "partner-center" / "trainings.csv"

    status = main(["import", "--trainings", str(trainings), "--partner-id", ""])

    assert 2 == status
    assert "mwrules import: MW301 argument --partner-id: cannot be empty" in capsys.readouterr().err


def test_the_limit_option_shows_its_form_in_the_help(capsys):
    """`mwrules import --help` shows --limit NAME=N."""
    with pytest.raises(SystemExit) as exited:
        main(["import", "--help"])

    assert (0, True) == (exited.value.code, "--limit NAME=N" in capsys.readouterr().out)


def test_a_repeated_usage_row_names_its_month_and_workload():
    """A usage row written twice, word for word, is MW206 naming the month and the workload."""
    row = {"month": "2026-10", "workload": "Intune", "paid_seats": 10, "active_users": 5}
    customer = {"tenant": "t1", "associations": [{"type": "CPOR", "since": "2024-11-17"}], "usage": [row, row]}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2026-11-28", "customers": [customer]})

    [problem] = caught.value.problems
    assert ("$.customers[0].usage[1]", codes.DUPLICATE_USAGE) == (problem.where, problem.code)
    assert problem.message.startswith("a second row for 2026-10 and 'Intune' (the first is row 0;")


def test_an_empty_path_says_it_names_no_file():
    """evaluate("") is MW001 saying an empty path names no file."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate("")

    assert [("$", "cannot read the partner file: an empty path names no file")] == [
        (problem.where, problem.message) for problem in caught.value.problems
    ]


def test_an_unsupported_yaml_tag_is_a_problem_where_it_is_written(tmp_path: Path):
    """A YAML tag mwrules does not read is MW006 at the key that holds it."""
    path = tmp_path / "partner.yaml"
    path.write_text("partner_id: p\npeople: !foo [a]\n")

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(path)

    assert [("$.people", 2, "tag !foo is not supported")] == [
        (problem.where, problem.line, problem.message) for problem in caught.value.problems
    ]


def test_problems_of_a_costs_file_are_said_to_be_in_the_costs():
    """An error in the costs a plan is given says it is in the costs."""
    with pytest.raises(InputError) as caught:
        mwrules.plan({"partner_id": "p", "as_of": "2026-11-28"}, costs={"nonsense_unit": 3})

    assert str(caught.value).startswith("1 problem(s) in the costs:\n")


def test_a_designation_that_is_no_ruleset_name_is_named_with_the_shipped_ones():
    """A batch asked for designation 'Modern Work' says that is not a shipped ruleset's name, and lists them."""
    with pytest.raises(RulesetError) as caught:
        list(mwrules.evaluate_many([{"partner_id": "p"}], jobs=1, designations=["Modern Work"]))

    assert [
        "'Modern Work' is not the name of a shipped ruleset (business-applications, data-ai, digital-app-innovation, "
        "infrastructure, modern-work, security)"
    ] == [problem.message for problem in caught.value.problems]


def test_a_metric_whose_terms_cap_below_its_minimum_is_refused_by_lint(tmp_path: Path):
    """A metric capped at 5 points with a minimum of 10 can never pass: MW107 at its minimum, not a plan to nowhere.

    (It was the one way found to the plan's "no action raises it that far",
    ``_why_blocked`` 45 of the sampled mutation run.)
    """
    text = (SHAPES / "01-new-numbers" / "2026-01.yaml").read_text()
    old = "net_customer_adds: {terms: [{target: 5}]}"
    assert 1 == text.count(old)
    (tmp_path / "2026-01.yaml").write_text(
        text.replace(old, "net_customer_adds: {min_points: 10, terms: [{target: 5, cap: 5}]}")
    )

    with pytest.raises(mwrules.RulesetError) as caught:
        mwrules.load_ruleset(tmp_path / "2026-01.yaml")

    assert [(problem.where, problem.code, problem.message) for problem in caught.value.problems] == [
        (
            "$.paths[0].metrics.net_customer_adds.min_points",
            "MW107",
            "more than the 5 points the terms of 'net_customer_adds' on enterprise can earn",
        )
    ]


# The sampled run's second hundred (mutants 100 to 200 of the sample) ------------------------------


def test_a_case_wanting_another_path_says_the_path_is_what_differs(folder: Path, capsys):
    """`mwrules test` on a case that wants the wrong path names `path` as what differs."""
    case = next((folder / "cases" / "2026-01").glob("*.yaml"))
    data = yaml.safe_load(case.read_text())
    data["want"]["path"] = "midmarket"
    case.write_text(yaml.safe_dump(data))

    main(["test", str(folder)])

    assert "      path\n      - want midmarket\n      + got  " in capsys.readouterr().out


def json_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partner.json"
    path.write_text(text)
    return path


def test_json_nested_past_what_python_parses_is_refused_with_the_depth_limit_to_raise(tmp_path: Path):
    """JSON nested too deep for Python's parser is refused, telling to raise --limit depth (up to its maximum)."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate(json_file(tmp_path, "[" * 100_000 + "]" * 100_000))

    [problem] = caught.value.problems
    assert problem.suggestion.startswith("raise the limit with --limit depth=N, at most ")


def test_json_nested_past_the_depth_limit_is_refused_where_it_goes_too_deep(tmp_path: Path):
    """JSON nested 65 deep (the limit is 64) is refused at the path that goes too deep."""
    with pytest.raises(InputError) as caught:
        mwrules.evaluate(json_file(tmp_path, '{"partner_id": "p", "x": ' + "[" * 65 + "]" * 65 + "}"))

    [problem] = caught.value.problems
    assert (codes.LIMIT, True) == (problem.code, problem.where.startswith("$.x[0]"))


def test_a_repeated_key_too_long_to_echo_is_shortened_with_an_ellipsis(tmp_path: Path):
    """A key written twice in one object is named cut short with '…', not echoed whole."""
    key = "k" * 300

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(json_file(tmp_path, f'{{"partner_id": "p", "{key}": 1, "{key}": 2}}'))

    [message] = [problem.message for problem in caught.value.problems if "twice" in problem.message]
    assert ("…" in message, key in message) == (True, False)


def test_a_workload_listed_twice_is_a_problem_at_the_second_ones_name():
    """A workload name listed again is a duplicate at that workload's name, not at one of its aliases."""
    data = yaml.safe_load((rulesets_dir() / "modern-work" / "2026-01.yaml").read_text())
    data["workloads"][1] = "Exchange Online"

    assert [("$.workloads[1].name", "workload 'Exchange Online' is listed twice", codes.DUPLICATE_ID)] == (
        ruleset_problems(data)
    )


def test_an_unknown_key_in_any_mapping_is_said_unknown_with_its_near_miss_as_the_suggestion():
    """A document read by the full checks (a Mapping, not a dict) says 'unknown key' and suggests the near miss."""
    person = {"id": "a", "certifications": [], "certification": []}
    document = collections.OrderedDict(partner_id="p", people=[person])

    with pytest.raises(InputError) as caught:
        mwrules.load_partner(document)

    assert [("$.people[0].certification", "unknown key", "did you mean 'certifications'?")] == [
        (problem.where, problem.message, problem.suggestion) for problem in caught.value.problems
    ]


def test_a_near_miss_of_a_title_is_suggested_under_a_ruleset_loaded_from_a_file(tmp_path: Path):
    """An import under a ruleset read from a file suggests the listed spelling a misspelt title is close to."""
    ruleset = mwrules.load_ruleset(rulesets_dir() / "modern-work" / "2026-01.yaml")
    rows = [
        pc_tests.TRAININGS,
        pc_tests.training("Teams Administrater Associate", mcpid="1"),
    ]
    path = tmp_path / "t.csv"
    path.write_text("".join(",".join(row) + "\n" for row in rows))

    _, report = mwrules.partner_center.read(trainings=[path], partner_id="p", as_of="2026-11-28", ruleset=ruleset)

    assert any("did you mean 'Teams Administrator Associate'?" in warning for warning in report.warnings)


def test_a_plan_cannot_lower_a_part_that_a_condition_wants_at_most(tmp_path: Path):
    """Growth that scores only on a baseline of at most 50,000, given 60,000: the plan says it only raises measures."""
    text = (SHAPES / "09-eligibility-condition" / "2026-01.yaml").read_text()
    (tmp_path / "2026-01.yaml").write_text(text.replace("at_least: 50000}", "at_most: 50000}"))
    ruleset = mwrules.load_ruleset(tmp_path / "2026-01.yaml")
    partner = {"partner_id": "p", "metrics": {"smb": {"usage_growth": {"growth_percent": 10, "baseline_mcv": 60000}}}}

    plan = mwrules.plan(partner, ruleset=ruleset, costs=unit_costs(ruleset), path="smb")

    assert plan.paths["smb"].blocked == (
        "usage_growth on smb has 0 points and needs at least 1, but growth_percent earns only when "
        "baseline_mcv at most 50,000, and a plan only raises measures"
    )


def test_a_usage_row_contradicting_one_of_another_file_names_that_file_and_line(tmp_path: Path):
    """Two usage downloads disagreeing on a tenant's month and workload: the problem names the other file's line."""
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    for path, active in ((first, 100), (second, 200)):
        rows = [pc_tests.USAGE, pc_tests.usage_row("t1", "Intune", active, 300)]
        path.write_text("".join(",".join(row) + "\n" for row in rows))

    with pytest.raises(InputError) as caught:
        mwrules.partner_center.read(usage=[first, second], partner_id="p", as_of="2026-11-28")

    assert any(f"but {first}:2 says" in problem.message for problem in caught.value.problems)


def test_the_trace_says_which_classification_entry_a_partner_did_not_pass():
    """A partner under 80 % SMB fails the classification's first entry: the trace's step says entry 1."""
    ruleset = mwrules.load_ruleset(SHAPES / "07-path-by-classification" / "2026-01.yaml")
    case = (
        SHAPES
        / "07-path-by-classification"
        / "cases"
        / "2026-01"
        / "just-under-80-percent-is-scored-on-enterprise.yaml"
    )
    partner = yaml.safe_load(case.read_text())["partner"]

    verdict = mwrules.evaluate(partner, ruleset=ruleset)

    [step] = [step for step in verdict.trace if step.rule.startswith("not-classified:")]
    assert (1, "smb") == (step.concluded["entry"], step.concluded["not"])


def test_check_verdict_reports_a_metric_naming_a_step_past_the_trace():
    """A verdict whose metric names a step the trace does not have fails check_verdict with that step named."""
    partner = mwrules.load_partner(smb_partner(10))
    verdict = mwrules.evaluate(partner)
    path = verdict.paths["smb"]
    metric = next(iter(path.metrics))
    wrong = attrs.evolve(
        verdict,
        paths={
            **verdict.paths,
            "smb": attrs.evolve(
                path, metrics={**path.metrics, metric: attrs.evolve(path.metrics[metric], step=10_000)}
            ),
        },
    )

    with pytest.raises(AssertionError, match=f"smb, {metric}: its points name step 10000, which did not compute them"):
        check_verdict(partner, wrong)


def test_a_portfolio_is_evaluated_with_two_processes():
    """evaluate_many with jobs=2 gives each document its verdict (the chunks reach the worker processes)."""
    [result] = mwrules.evaluate_many([smb_partner(10)], jobs=2)

    assert (result.problems, result.verdict is not None) == ((), True)


def test_a_json_lines_record_evaluated_for_every_designation_takes_the_as_of_given_for_the_batch():
    """evaluate_lines(as_of=...) with designations: a record without as_of is evaluated on the batch's date."""
    [result] = mwrules.evaluate_lines(
        ['{"partner_id": "a"}'], jobs=1, designations=True, as_of=datetime.date(2026, 9, 1)
    )

    assert datetime.date(2026, 9, 1) == result.designations.as_of


def test_the_lint_command_ends_a_report_of_problems_with_their_count_and_where_codes_are_explained(
    tmp_path: Path, capsys
):
    """`mwrules lint` on a broken ruleset ends with 'N problem(s): ... each code is explained in docs/errors/'."""
    path = tmp_path / "2026-01.yaml"
    path.write_text(
        (SHAPES / "01-new-numbers" / "2026-01.yaml").read_text().replace("min_total_points: 75", "min_total_points: 0")
    )

    main(["lint", str(path)])

    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith("; each code is explained in docs/errors/<code>.md")
    assert last.startswith("1 problem(s): 1 ruleset file(s)")


def test_the_lint_command_help_says_what_its_paths_are(capsys):
    """`mwrules lint --help` explains PATH: ruleset files or folders, the shipped ones by default."""
    with pytest.raises(SystemExit):
        main(["lint", "--help"])

    assert "ruleset files or folders (default: the shipped rulesets)" in capsys.readouterr().out


def test_the_import_commands_date_option_shows_its_form_in_the_help(capsys):
    """`mwrules import --help` shows --as-of YYYY-MM-DD."""
    with pytest.raises(SystemExit):
        main(["import", "--help"])

    assert "--as-of YYYY-MM-DD" in capsys.readouterr().out


def test_rules_of_the_priority_of_facts_run_apart_firing_on_the_other_facts_are_refused():
    """A rule at the priority of the facts run apart that also fires on the other facts is an EvaluationError."""
    rules = _engine.CompiledRuleset(
        "test-placed@1",
        [
            _engine.Rule("z", {"all": [{"z": {"t": "z"}}]}, 0, lambda s, m: {}),
            _engine.Rule("w", {"all": [{"w": {"t": "w"}}]}, 0, lambda s, m: {}),
            _engine.Rule("x", {"all": [{"x": {"t": "x"}}]}, 1, lambda s, m: {}),
        ],
    )

    with pytest.raises(EvaluationError, match="cannot be run apart"):
        rules.run([{"t": "x", "n": 2}], apart=[[{"t": "x", "n": 1}]])


def test_a_misspelt_word_of_two_hundred_characters_still_gets_its_near_miss():
    """The near-miss search stops past 200 characters: a word of exactly 200 is still searched."""
    word, choice = "a" * 199 + "b", "a" * 200

    assert f"did you mean {choice!r}?" == did_you_mean(word, [choice])


def test_a_portfolio_evaluated_for_named_designations_scores_those_alone(capsys):
    """`evaluate A B --designations security,modern-work` gives each partner a line for the two named designations."""
    partners = [str(EXAMPLES / "all-designations.yaml"), str(EXAMPLES / "qualified-smb.yaml")]

    status = main(["evaluate", *partners, "--designations", "security,modern-work", "--jobs", "1"])

    assert (0, "qualified 2 for modern-work, 1 for security; 0 not qualified") == (
        status,
        capsys.readouterr().err.split("evaluated (")[1].split("), ")[0],
    )


def test_the_designations_table_sets_its_heading_apart_with_a_blank_line(capsys):
    """`evaluate --designations all` prints the partner, date and count, a blank line, then the table."""
    main(["evaluate", str(EXAMPLES / "all-designations.yaml"), "--designations", "all"])

    heading, blank, columns = capsys.readouterr().out.splitlines()[:3]
    assert ("northwind on 2026-09-30: 6 designations", "") == (heading, blank)
    assert columns.startswith("designation ")


def test_a_partner_id_of_invisible_characters_alone_is_refused_by_both_import_routes(tmp_path, capsys):
    """`--partner-id` of a zero-width space names no partner, as a person or tenant id of it names none (hostile 26)."""
    usage = EXAMPLES / "partner-center" / "cpor-m365-usage.csv"
    route = ["--usage", str(usage), "--partner-id", "\u200b", "--as-of", "2026-11-28"]

    assert 2 == main(["import", *route, "-o", str(tmp_path / "p.yaml")])
    assert 2 == main(["evaluate", *route])
    assert 2 == capsys.readouterr().err.count("$.partner_id: MW006 a partner id cannot be empty")
    assert not (tmp_path / "p.yaml").exists()

"""Rule coverage: `mwrules test --coverage` and lint's `manifest.coverage: required` (MW133)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mwrules import codes
from mwrules._tools.coverage import branches, case_coverage
from mwrules._tools.lint import lint
from mwrules.cli import main
from mwrules.ruleset import read_ruleset_file


ROOT = Path(__file__).parents[1]
SHIPPED = ROOT / "rulesets" / "modern-work"
#: The only case in which csp wins usage growth on smb under 2026-01
CSP_WINS = "every-metric-capped-through-dpor-and-csp.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped Modern Work folder in which csp wins usage growth on smb in no case."""
    copy = tmp_path / "modern-work"
    shutil.copytree(SHIPPED, copy)
    case = copy / "cases" / "2026-01" / CSP_WINS
    # cpor capped too: the same 30 points, but the first option of equal points wins
    case.write_text(
        case.read_text().replace("usage_growth: {cpor: 0, csp: 2001}", "usage_growth: {cpor: 501, csp: 2001}")
    )
    return copy


def uncovered(ruleset_file: Path) -> list[tuple[str, str]]:
    loaded = read_ruleset_file(ruleset_file)
    assert loaded.ruleset is not None, loaded.problems
    report, _ = case_coverage(ruleset_file, loaded.ruleset)
    return [(branch.rule, branch.branch) for branch in report.uncovered]


@pytest.mark.parametrize("version", ["2023-06", "2026-01"])
def test_the_shipped_cases_cover_every_branch_of_every_rule(version: str):
    """Both shipped Modern Work versions have full rule coverage."""
    assert uncovered(SHIPPED / f"{version}.yaml") == []


def test_a_branch_no_case_takes_is_reported(folder: Path):
    """When no case has csp win smb's usage growth, 'option csp wins' is uncovered, and nothing else is."""
    assert uncovered(folder / "2026-01.yaml") == [("points:smb:usage_growth", "option csp wins")]


def test_adding_a_case_that_takes_the_branch_covers_it(folder: Path):
    """A case in which csp earns the most covers 'option csp wins'."""
    case = folder / "cases" / "2026-01" / "csp-wins.yaml"
    case.write_text(
        "note: csp 1,000 of 2,000 is 15 points, cpor 0.\n"
        "partner: {partner_id: csp, as_of: 2026-11-27, metrics: {smb: {usage_growth: {cpor: 0, csp: 1000}}}}\n"
        "want: {paths: {smb: {metrics: {usage_growth: 15}}}}\n"
    )
    assert uncovered(folder / "2026-01.yaml") == []


def test_a_branch_no_partner_can_take_is_not_listed():
    """A gate of 0 points that opens a rate: the metric can be zero, partial, capped, or closed; no term 'wins'."""
    loaded = read_ruleset_file(ROOT / "tests" / "shapes" / "05-skilling-gate" / "2026-01.yaml")
    assert loaded.ruleset is not None
    listed = branches(loaded.ruleset)
    assert listed["points:enterprise:intermediate_certifications"] == (
        "zero",
        "partial",
        "capped",
        "term intermediate closed",
    )
    assert listed["gate:enterprise:intermediate_certifications:teams_gate"] == ("fired",)
    assert listed["gate-not-met:enterprise:intermediate_certifications:teams_gate"] == ("fired",)


def test_the_text_report_marks_uncovered_rows_and_sums_up(folder: Path, capsys: pytest.CaptureFixture[str]):
    """`test --coverage` prints `rule  branch  cases`, NOT COVERED on rows no case took, and 'N of M covered'."""
    status = main(["test", "--coverage", str(folder / "2026-01.yaml")])
    out = capsys.readouterr().out
    assert status == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert rows[0] == ["rule", "branch", "cases"]
    assert ["points:smb:usage_growth", "option", "csp", "wins", "0", "NOT", "COVERED"] in rows
    assert ["points:smb:usage_growth", "option", "cpor", "wins", "7"] in rows
    assert "modern-work 2026-01: 81 of 82 rule branches covered" in out.splitlines()


def test_the_json_report_gives_each_branch_with_its_cases(folder: Path, capsys: pytest.CaptureFixture[str]):
    """`test --coverage --format json`: the cases' results, and per ruleset each branch with the cases that took it."""
    status = main(["test", "--coverage", "--format", "json", str(folder / "2026-01.yaml")])
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert set(report) == {"cases", "passed", "failed", "errors", "coverage"}
    assert (report["passed"], report["failed"], report["errors"]) == (24, 0, [])
    assert report["cases"][0] == {
        "ruleset": "modern-work",
        "version": "2026-01",
        "case": "ab-900-counts",
        "file": str(folder / "cases" / "2026-01" / "ab-900-counts.yaml"),
        "passed": True,
        "problems": [],
    }
    [coverage] = report["coverage"]
    assert {key: coverage[key] for key in ("ruleset", "version", "cases", "covered", "branches")} == {
        "ruleset": "modern-work",
        "version": "2026-01",
        "cases": 24,
        "covered": 81,
        "branches": 82,
    }
    rows = {(row["rule"], row["branch"]): row for row in coverage["rules"]}
    assert rows["points:smb:usage_growth", "option csp wins"] == {
        "rule": "points:smb:usage_growth",
        "branch": "option csp wins",
        "covered": False,
        "cases": [],
    }
    assert rows["excluded:smb:deployments:csp", "fired"]["cases"] == ["customers-new-dpor-cpor-and-csp-associations"]


def test_the_json_report_without_coverage_gives_the_cases_alone(folder: Path, capsys: pytest.CaptureFixture[str]):
    """`test --format json` leaves coverage out."""
    main(["test", "--format", "json", str(folder / "2026-01.yaml")])
    assert "coverage" not in json.loads(capsys.readouterr().out)


def test_lint_reports_each_uncovered_branch_when_coverage_is_required(folder: Path):
    """With `coverage: required`, lint reports MW133 at the manifest's coverage key, naming the rule and branch."""
    report = lint([folder])
    [problem] = report.problems
    assert problem.code == codes.UNCOVERED
    assert (problem.where, problem.line) == ("$.manifest.coverage", 26)
    assert problem.file is not None
    assert problem.file.endswith("2026-01.yaml")
    assert "rule points:smb:usage_growth, branch 'option csp wins' (81 of 82 rule branches covered)" in problem.message


def test_lint_does_not_ask_for_coverage_unless_the_manifest_requires_it(folder: Path):
    """Without `coverage: required` (the default is none), uncovered branches are no problem."""
    ruleset = folder / "2026-01.yaml"
    ruleset.write_text(ruleset.read_text().replace("  coverage: required\n", ""))
    assert lint([folder]).problems == ()


def test_a_version_that_requires_coverage_without_cases_is_one_problem(folder: Path):
    """No cases at all: one MW133 that says so, not one per branch."""
    shutil.rmtree(folder / "cases" / "2026-01")
    [problem] = lint([folder]).problems
    assert problem.code == codes.UNCOVERED
    assert "no case exercises any of its 82 rule branches: cases/2026-01/ has no cases" in problem.message

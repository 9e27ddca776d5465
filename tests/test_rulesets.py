"""Ruleset mistakes: each kind, made in a copy of the shipped rulesets, is reported by
``mwrules lint`` at its file:line with its code, and the broken ruleset never gives a verdict."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import mwrules
from mwrules import RulesetError, codes
from mwrules._input.partner import read_document
from mwrules._rulesets import versions
from mwrules.cli import main
from mwrules.ruleset import rulesets_dir


SHIPPED = rulesets_dir() / "modern-work"
NEAR_MISS = Path(__file__).parents[1] / "examples" / "near-miss.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped Modern Work folder (versions and cases)."""
    copy = tmp_path / "rulesets" / "modern-work"
    shutil.copytree(SHIPPED, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert 1 == text.count(old), old
    path.write_text(text.replace(old, new))


def line_of(path: Path, needle: str, *, after: str = "") -> int:
    """The line of the first *needle* after the first *after*."""
    text = path.read_text()
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def lint(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, list[str]]:
    status = main(["lint", *map(str, paths)])
    return status, capsys.readouterr().out.splitlines()


def assert_reported(output: list[str], path: Path, line: int, code: str) -> None:
    assert any(entry.startswith(f"{path}:{line}: ") and f" {code} " in entry for entry in output), (
        f"{path}:{line} {code}",
        output,
    )


def assert_no_verdict(path: Path, code: str) -> None:
    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(path)
    assert code in {problem.code for problem in caught.value.problems}


def new_version(folder: Path, version: str, effective_from: str) -> Path:
    """A copy of 2026-01 as a new version file, as an editor starts one."""
    path = folder / f"{version}.yaml"
    shutil.copy(folder / "2026-01.yaml", path)
    edit(path, 'version: "2026-01"', f'version: "{version}"')
    edit(path, "effective_from: 2026-01-01", f"effective_from: {effective_from}")
    return path


def test_the_shipped_rulesets_pass_lint(capsys: pytest.CaptureFixture[str]):
    """Every shipped version of every designation and all their cases pass: exit 0."""
    status, output = lint(capsys)
    shipped = len(list(rulesets_dir().glob("*/*.yaml")))

    assert 0 == status, output
    assert output[-1].startswith(f"no problems: {shipped} ruleset file(s) and ")


@pytest.mark.parametrize(
    ("old", "new", "needle", "after", "code"),
    [
        pytest.param(
            "    max_points: 20\n", "    max_pointz: 20\n", "max_pointz", "", codes.UNKNOWN_KEY, id="unknown-key"
        ),
        pytest.param(
            "      - copilot-and-agent-administration-fundamentals\n",
            "      - copilot-and-agent-admin-fundamentals\n",
            "copilot-and-agent-admin-fundamentals",
            "",
            codes.UNKNOWN_CERTIFICATION,
            id="unknown-certification",
        ),
        pytest.param(
            "      net_customer_adds: {terms: [{target: 10}]}",
            "      net_customer_add: {terms: [{target: 10}]}",
            "net_customer_add:",
            "",
            codes.UNKNOWN_METRIC,
            id="unknown-metric",
        ),
        pytest.param(
            "    max_points: 20\n",
            "    max_points: 25\n",
            "  total_points:",
            "",
            codes.MAXIMA_MISMATCH,
            id="maxima-do-not-add-up",
        ),
        pytest.param(
            "      - AB-900\n",
            "      - AB-900\n      - MS-700\n",
            "      - MS-700",
            "  - id: teams-administrator-associate",
            codes.DUPLICATE_ALIAS,
            id="duplicate-alias",
        ),
        pytest.param(
            "    eligible_through: 2027-03-31\n",
            "    eligible_through: 2025-03-31\n",
            "eligible_through: 2025-03-31",
            "",
            codes.CERTIFICATION_DATES,
            id="eligible-before-retired",
        ),
        pytest.param(
            "  effective_from: 2026-01-01\n",
            "  effective_from: 2026-01-01\n  effective_until: 2025-12-01\n",
            "effective_until",
            "",
            codes.EFFECTIVE_DATE_ORDER,
            id="until-before-from",
        ),
        pytest.param(
            "  min_total_points: 70", "  min_total_points: seventy", "seventy", "", codes.INVALID_VALUE, id="wrong-type"
        ),
        pytest.param(
            "  min_metric_points: 1\n",
            "  min_metric_points: 1\n  min_metric_points: 2\n",
            "min_metric_points: 2",
            "",
            codes.DUPLICATE_KEY,
            id="duplicate-key",
        ),
        # the parser reads "id: modern-work" as a pair in the unclosed list, and stops at the next key
        pytest.param("manifest:\n", "manifest:\n  - [\n", "  title:", "", codes.SYNTAX, id="yaml-syntax"),
    ],
)
def test_a_mistake_in_a_ruleset_file(
    capsys: pytest.CaptureFixture[str], folder: Path, old: str, new: str, needle: str, after: str, code: str
):
    """The mistake is reported at its line with its code; exit 1; load_ruleset refuses the file."""
    path = folder / "2026-01.yaml"
    edit(path, old, new)

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, needle, after=after), code)
    assert_no_verdict(path, code)


def test_a_path_written_with_targets_needs_one_for_every_metric(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """In today's shorthand (targets), a path scores every metric: one left out is MW104 at the path's targets."""
    folder = tmp_path / "modern-work"
    shutil.copytree(Path(__file__).parent / "data" / "shorthand" / "modern-work", folder)
    path = folder / "2026-01.yaml"
    edit(path, "      deployments: {cpor: 5, csp: 10}\n", "")

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "    targets:", after="  - id: smb"), codes.MISSING_TARGET)
    assert_no_verdict(path, codes.MISSING_TARGET)


def test_the_shorthand_reads_as_the_vocabulary_it_stands_for():
    """The shipped versions as written before the vocabulary (measure, level, targets) read as the shipped ones."""
    for version in ("2023-06", "2026-01"):
        written = mwrules.load_ruleset(Path(__file__).parent / "data" / "shorthand" / "modern-work" / f"{version}.yaml")
        assert mwrules.load_ruleset(SHIPPED / f"{version}.yaml") == written


def test_a_manifest_that_is_not_a_mapping(capsys: pytest.CaptureFixture[str], folder: Path):
    """A manifest written as a list is a problem at its line (it once crashed lint with a traceback); exit 1."""
    path = folder / "2026-01.yaml"
    edit(path, "manifest:\n", "manifest: [modern-work]\nwas_the_manifest:\n")

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "manifest: [modern-work]"), codes.INVALID_VALUE)


def test_maxima_that_miss_the_total_by_a_hair_are_shown_in_full(capsys: pytest.CaptureFixture[str], folder: Path):
    """MW106 once said "add up to 100, not 100" for a max_points of 20.000000001: rounded, the sum hid the mistake."""
    edit(folder / "2026-01.yaml", "    max_points: 20\n", "    max_points: 20.000000001\n")

    _, output = lint(capsys, folder)

    assert any("add up to 100.000000001, not 100 (set total_points to 100.000000001," in line for line in output)


def test_overlapping_versions(capsys: pytest.CaptureFixture[str], folder: Path):
    """A new version copied from 2026-01 that keeps its effective date overlaps it."""
    path = new_version(folder, "2026-06", "2026-01-01")

    status, output = lint(capsys, path)

    assert 1 == status
    assert_reported(output, path, line_of(path, "effective_from:"), codes.OVERLAPPING_VERSIONS)
    assert_no_verdict(folder / "2026-01.yaml", codes.OVERLAPPING_VERSIONS)


def test_an_effective_until_that_runs_into_the_next_version(capsys: pytest.CaptureFixture[str], folder: Path):
    """2023-06 said to run until after 2026-01 takes effect overlaps it."""
    path = folder / "2023-06.yaml"
    edit(path, "  effective_from: 2023-06-12\n", "  effective_from: 2023-06-12\n  effective_until: 2026-02-01\n")

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "effective_until:"), codes.OVERLAPPING_VERSIONS)


def test_effective_dates_in_the_wrong_order(capsys: pytest.CaptureFixture[str], folder: Path):
    """A version named 2026-06 that takes effect before 2026-01 is out of order."""
    path = new_version(folder, "2026-06", "2025-01-01")

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "effective_from:"), codes.EFFECTIVE_DATE_ORDER)
    assert_no_verdict(path, codes.EFFECTIVE_DATE_ORDER)


def test_a_file_named_differently_from_its_version(capsys: pytest.CaptureFixture[str], folder: Path):
    """A copy whose manifest still says the old version is reported (and overlaps the original)."""
    path = folder / "2026-06.yaml"
    shutil.copy(folder / "2026-01.yaml", path)

    status, output = lint(capsys, path)

    assert 1 == status
    assert_reported(output, path, line_of(path, "  version:"), codes.FILE_NAME_MISMATCH)


def test_a_case_whose_expectation_does_not_match(capsys: pytest.CaptureFixture[str], folder: Path):
    """A case wanting other points than the ruleset gives is reported at the wanted value's line."""
    case = folder / "cases" / "2026-01" / "ab-900-counts.yaml"
    edit(case, "metrics: {intermediate_certifications: 10}", "metrics: {intermediate_certifications: 7.5}")

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, case, line_of(case, "7.5"), codes.CASE_MISMATCH)
    assert any("the case wants 7.5, modern-work 2026-01 gives 10" in entry for entry in output), output
    # cases are lint's and CI's: loading checks the ruleset, it does not run them
    assert "2026-01" == mwrules.load_ruleset(folder / "2026-01.yaml").version


def test_an_unreadable_path_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """A path that does not exist is not "problems found": it is exit 2."""
    status, output = lint(capsys, tmp_path / "missing.yaml")

    assert 2 == status
    assert any(f" {codes.UNREADABLE} " in entry for entry in output)


def test_a_broken_folder_gives_no_verdict_by_date(
    folder: Path, monkeypatch: pytest.MonkeyPatch, restore_shipped: Callable[[], None]
):
    """Choosing a version by date from a folder with a broken version is refused, even for another date."""
    new_version(folder, "2026-06", "2026-01-01")
    monkeypatch.setattr(versions, "rulesets_dir", lambda: folder.parent)
    restore_shipped()

    with pytest.raises(RulesetError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2024-06-30"})

    assert codes.OVERLAPPING_VERSIONS in {problem.code for problem in caught.value.problems}


@pytest.fixture
def restore_shipped() -> Callable[[], None]:
    """Empties the cache of shipped folders now and after the test."""
    saved = dict(versions._shipped)
    versions._shipped.clear()
    yield versions._shipped.clear
    versions._shipped.clear()
    versions._shipped.update(saved)


def test_a_changed_ruleset_changes_the_verdict_without_code(tmp_path: Path):
    """Lowering the pass mark in a copy of the ruleset turns a near miss into a pass."""
    path = tmp_path / "lenient.yaml"
    path.write_text((SHIPPED / "2023-06.yaml").read_text().replace("min_total_points: 70", "min_total_points: 65"))
    partner = mwrules.load_partner(read_document(NEAR_MISS))

    assert not mwrules.evaluate(partner).qualified
    assert mwrules.evaluate(partner, ruleset=mwrules.load_ruleset(path)).qualified


# Shape and meaning in one run ------------------------------------------------------


def codes_at(output: list[str], path: Path) -> list[tuple[int, str]]:
    """(line, code) of every problem lint reported in *path*."""
    found = []
    for entry in output:
        if entry.startswith(f"{path}:"):
            line, rest = entry.removeprefix(f"{path}:").split(": ", 1)
            found.append((int(line), rest.split(": ", 1)[1].split(" ", 1)[0]))
    return found


def test_a_problem_of_shape_does_not_hide_the_problems_of_meaning(capsys: pytest.CaptureFixture[str], folder: Path):
    """An unknown key in one metric and an unknown certification in another are reported in the same run."""
    path = folder / "2026-01.yaml"
    edit(path, "    max_points: 20\n", "    max_pointz: 20\n")
    edit(
        path,
        "      - copilot-and-agent-administration-fundamentals\n",
        "      - copilot-and-agent-admin-fundamentals\n",
    )

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "max_pointz"), codes.UNKNOWN_KEY)
    assert_reported(output, path, line_of(path, "copilot-and-agent-admin-fundamentals"), codes.UNKNOWN_CERTIFICATION)


def test_a_metric_that_cannot_be_read_is_not_also_unknown_where_it_is_used(
    capsys: pytest.CaptureFixture[str], folder: Path
):
    """The paths that score a metric left unread, its cost and the sum of maxima are not reported as wrong too."""
    path = folder / "2026-01.yaml"
    edit(path, "    max_points: 20\n", "    max_pointz: 20\n")
    edit(path, "      - AB-900\n", "      - AB-900\n      - MS-700\n")

    _, output = lint(capsys, folder)

    reported = {code for _, code in codes_at(output, path)}
    assert {codes.UNKNOWN_KEY, codes.MISSING_KEY, codes.DUPLICATE_ALIAS} == reported, output


def test_a_section_that_cannot_be_read_is_skipped_by_the_checks_that_need_it(
    capsys: pytest.CaptureFixture[str], folder: Path
):
    """Scoring of the wrong type: no pass-rule or path-preference problems follow from it; the rest is checked."""
    path = folder / "2026-01.yaml"
    edit(path, "  total_points: 100 ", "  total_points: [100] ")
    edit(path, "    max_points: 20\n", "    max_points: 25\n")
    edit(path, "      - AB-900\n", "      - AB-900\n      - MS-700\n")

    _, output = lint(capsys, folder)

    reported = codes_at(output, path)
    assert (line_of(path, "total_points: [100]"), codes.INVALID_VALUE) in reported
    assert (
        line_of(path, "      - MS-700", after="  - id: teams-administrator-associate"),
        codes.DUPLICATE_ALIAS,
    ) in reported
    assert {codes.INVALID_VALUE, codes.DUPLICATE_ALIAS} == {code for _, code in reported}, output


def test_a_certification_that_cannot_be_read_is_not_unknown_to_the_metrics(
    capsys: pytest.CaptureFixture[str], folder: Path
):
    """A certification with a misspelt key is left out; the metrics that list it do not report it unknown."""
    path = folder / "2026-01.yaml"
    edit(
        path,
        "  - id: teams-administrator-associate\n",
        "  - id: teams-administrator-associate\n    retierd: 2026-01-01\n",
    )
    edit(path, "  effective_from: 2026-01-01\n", "  effective_from: 2026-01-01\n  effective_until: 2025-12-01\n")

    _, output = lint(capsys, folder)

    reported = {code for _, code in codes_at(output, path)}
    assert {codes.UNKNOWN_KEY, codes.EFFECTIVE_DATE_ORDER} == reported, output


def test_a_path_that_cannot_be_read_is_not_unknown_to_the_path_preference(
    capsys: pytest.CaptureFixture[str], folder: Path
):
    """A path with a wrong type of value is left out; path_preference still names it without a problem."""
    path = folder / "2026-01.yaml"
    edit(path, "    customers: {min_seats: 301,", "    customers: {min_seats: many,")
    edit(path, "      - AB-900\n", "      - AB-900\n      - MS-700\n")

    _, output = lint(capsys, folder)

    reported = codes_at(output, path)
    assert (line_of(path, "min_seats: many"), codes.INVALID_VALUE) in reported
    assert {codes.INVALID_VALUE, codes.DUPLICATE_ALIAS} == {code for _, code in reported}, output


def test_without_a_path_preference_ties_go_to_the_earlier_path_as_listed(folder: Path):
    """A partner with no data scores 0 on both paths: enterprise, listed first, is reported; listed second, smb."""
    path = folder / "2026-01.yaml"
    edit(path, "path_preference: [enterprise, smb]", "path_preference: null")
    ruleset = mwrules.load_ruleset(path)
    partner = {"partner_id": "x", "as_of": "2026-03-01", "people": []}

    reversed_paths = attrs.evolve(ruleset, paths=ruleset.paths[::-1])

    assert (ruleset.scoring.path_preference, ruleset.path_order) == (None, ("enterprise", "smb"))
    assert mwrules.evaluate(partner, ruleset=ruleset).path == "enterprise"
    assert mwrules.evaluate(partner, ruleset=reversed_paths).path == "smb"


def test_an_empty_path_preference_is_refused_not_read_as_the_default(capsys: pytest.CaptureFixture[str], folder: Path):
    """`path_preference: []` names no path: MW103, as a list that leaves a path out is."""
    path = folder / "2026-01.yaml"
    edit(path, "path_preference: [enterprise, smb]", "path_preference: []")

    status, output = lint(capsys, path)

    assert 1 == status
    assert_reported(output, path, line_of(path, "path_preference: []"), codes.UNKNOWN_PATH)


def test_control_characters_in_a_rulesets_text_are_refused_where_written(
    capsys: pytest.CaptureFixture[str], folder: Path
):
    """A title that clears the screen or reverses the text never reaches a terminal: MW006 at each, in one run.

    A manifest title "\\x1b]0;pwned\\x07\\x1b[2J" passed lint and was printed raw by evaluate and explain
    (hostile run 20); ids and names of partner documents were already refused so.
    """
    path = folder / "2026-01.yaml"
    edit(path, "title: Solutions Partner for Modern Work", 'title: "Modern Work\\x1b]0;pwned\\x07\\x1b[2J"')
    edit(path, "      - MS-700", '      - "MS\\u202e-700"')

    status, output = lint(capsys, folder)

    assert 1 == status
    assert_reported(output, path, line_of(path, "Modern Work\\x1b"), codes.INVALID_VALUE)
    assert_reported(output, path, line_of(path, "MS\\u202e-700"), codes.INVALID_VALUE)
    assert not any("\x1b" in line or "\u202e" in line for line in output)
    assert_no_verdict(path, codes.INVALID_VALUE)


def test_what_lint_and_test_would_not_read_beside_the_cases_is_named(capsys: pytest.CaptureFixture[str], folder: Path):
    """A case saved as .yml, a subfolder of cases, and cases of a version that does not exist are not run: said so.

    Each was skipped without a word: lint said "no problems" and exit 0 over a
    failing case in a.yml (hostile run 20).
    """
    cases = folder / "cases"
    (cases / "2026-01" / "wants-nothing-real.yml").write_text("note: never run\n")
    (cases / "2026-01" / "more").mkdir()
    (cases / "2099-01").mkdir()
    (cases / "2099-01" / "future.yaml").write_text("note: never run\n")
    (cases / "2026-01" / ".gitkeep").write_text("")  # hidden: an editor's or git's, not a case

    status, output = lint(capsys, folder / "2026-01.yaml")

    assert 1 == status
    stray = [line for line in output if codes.FILE_NAME_MISMATCH in line]
    assert [line.split(": $: ")[0] for line in stray] == [
        str(cases / "2026-01" / "more"),
        str(cases / "2026-01" / "wants-nothing-real.yml"),
        str(cases / "2099-01"),
    ]
    assert main(["test", str(folder)]) == 1
    assert "wants-nothing-real.yml" in capsys.readouterr().out

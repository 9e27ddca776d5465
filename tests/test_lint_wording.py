"""How lint words problems of shape: the format's words and where a key belongs, never a Python type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from mwrules import codes
from mwrules import ruleset as model
from mwrules._rulesets import reading
from mwrules._rulesets.checks import check
from mwrules._rulesets.reading import read_ruleset_file

from .test_schema import mutated_rulesets


SHAPES = Path(__file__).parent / "shapes"
ORDERED_STEPS = SHAPES / "06-ordered-steps" / "2026-01.yaml"
CLASSIFICATION = SHAPES / "07-path-by-classification" / "2026-01.yaml"


def problems_after(tmp_path: Path, old: str, new: str, *, source: Path = ORDERED_STEPS) -> list[str]:
    """The problems of *source* with its first *old* replaced by *new*, as lint prints them."""
    text = source.read_text()
    assert old in text, old
    path = tmp_path / "2026-01.yaml"
    path.write_text(text.replace(old, new, 1))
    return [str(problem) for problem in read_ruleset_file(path).problems]


def the_problem(problems: list[str], where: str) -> str:
    found = [problem for problem in problems if f": {where}: " in problem]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        pytest.param(
            "{combine: best, terms: [{of: cpor, target: 1000}",
            "{combine: average, terms: [{of: cpor, target: 1000}",
            "$.paths[0].metrics.usage_growth.combine",
            "MW006 combine is sum or best, not 'average' (see docs/ruleset-format.md#terms)",
            id="combine",
        ),
        pytest.param(
            "  choose: best\n",
            "  choose: worst\n",
            "$.scoring.choose",
            "MW006 choose is best or classify, not 'worst' (see docs/ruleset-format.md#choosing-the-path)",
            id="choose",
        ),
        pytest.param(
            "source: {number: count}",
            "source: {number: money}",
            "$.metrics[0].source.number",
            "MW006 number is count or amount, not 'money' (see docs/ruleset-format.md#sources)",
            id="number",
        ),
        pytest.param(
            "source: {parts: {cpor: count,",
            "source: {parts: {cpor: counts,",
            "$.metrics[2].source.parts.cpor",
            "MW006 each value of parts is count or amount, not 'counts' (did you mean 'count'? "
            "see docs/ruleset-format.md#sources)",
            id="a-part",
        ),
    ],
)
def test_a_value_a_key_does_not_allow_gets_the_values_it_does(tmp_path: Path, old: str, new: str, where: str, words):
    """A Literal failure lists the allowed values and the docs section, with "did you mean" when one is close."""
    problems = problems_after(tmp_path, old, new)

    assert the_problem(problems, where).endswith(f": {where}: {words}")


def test_a_fact_of_a_type_the_format_lacks(tmp_path: Path):
    """A fact's type is count or amount; the problem points to the facts section."""
    problems = problems_after(tmp_path, "type: amount", "type: percent", source=CLASSIFICATION)

    problem = the_problem(problems, "$.facts[0].type")
    assert "type is count or amount, not 'percent' (see docs/ruleset-format.md#facts)" in problem


def test_a_key_the_format_has_elsewhere_says_where_it_belongs(tmp_path: Path):
    """A metric's min_points is per path: lint says so, not "did you mean 'max_points'"."""
    problems = problems_after(tmp_path, "    max_points: 20\n", "    max_points: 20\n    min_points: 1\n")

    assert the_problem(problems, "$.metrics[0].min_points").endswith(
        "MW004 unknown key (the format has no `metrics[].min_points`; there is `paths[].metrics.<metric>.min_points`: "
        "the points the pass rule needs in this metric on this path; see docs/ruleset-format.md#the-pass-rule)"
    )


def test_a_gloss_with_an_example_is_not_cut_at_its_abbreviation(tmp_path: Path):
    """A top-level `version` points to manifest.version, its gloss whole: "e.g. '2026-01'", never "e.g;"."""
    problems = problems_after(tmp_path, "manifest:\n", "version: 2\nmanifest:\n")

    assert the_problem(problems, "$.version").endswith(
        "MW004 unknown key (the format has no `version`; there is `manifest.version`: "
        "the version, e.g. '2026-01'; the file is named <version>.yaml; see docs/ruleset-format.md#manifest)"
    )


@pytest.mark.parametrize(
    ("written", "words"),
    [
        pytest.param('"70"', "MW006 expected a number, got text '70' (write 70 without quotes)", id="quoted"),
        pytest.param("'72.5'", "MW006 expected a number, got text '72.5' (write 72.5 without quotes)", id="single"),
        pytest.param("", "MW006 expected a number, got null", id="empty"),
        pytest.param("70%", "MW006 expected a number, got text '70%'", id="percent"),
    ],
)
def test_a_number_written_as_text_or_left_empty_is_worded_for_its_editor(tmp_path: Path, written: str, words: str):
    """A quoted number says to drop the quotes; an empty value is null, never Python's "None"."""
    problems = problems_after(tmp_path, "  min_total_points: 70\n", f"  min_total_points: {written}\n")

    assert the_problem(problems, "$.scoring.min_total_points").endswith(words)


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        pytest.param(
            "\n    title: Net customer adds\n",
            "\n\t  title: Net customer adds\n",
            "line 29 indents with a tab: YAML indents with spaces only",
            id="tab",
        ),
        pytest.param(
            "\n    title: Net customer adds\n",
            "\n\u00a0   title: Net customer adds\n",
            "line 29 has a non-breaking space (U+00A0, as a word processor pastes it): write a plain space",
            id="non-breaking-space",
        ),
        pytest.param(
            'name: "Microsoft Certified: Identity and Access Administrator Associate"',
            "name: \u201cMicrosoft Certified: Identity and Access Administrator Associate\u201d",
            "line 21 has curly quotes, which YAML reads as letters: write straight quotes (\" or ')",
            id="curly-quotes",
        ),
    ],
)
def test_a_yaml_error_pasted_from_a_word_processor_names_the_character(tmp_path: Path, old: str, new: str, hint: str):
    """A tab, a non-breaking space or curly quotes near a YAML error are named, with the line that has them.

    PyYAML's words alone ("mapping values are not allowed here") do not tell
    an editor that what looks like a space or a quote is not one.
    """
    problems = problems_after(tmp_path, old, new)

    assert len(problems) == 1, problems
    assert " MW002 not valid YAML: " in problems[0]
    assert problems[0].endswith(f"({hint})"), problems[0]


def test_a_text_wholly_in_curly_quotes_is_refused(tmp_path: Path):
    """An alias pasted in curly quotes was accepted, and partner data's SC-300 then matched nothing.

    YAML reads curly quotes as letters: the alias was eight characters, and a
    version in them was told to rename its file to the version in curly quotes.
    """
    problems = problems_after(
        tmp_path,
        "aliases: [SC-300, Identity and Access Administrator Associate]",
        "aliases: [\u2018SC-300\u2019, Identity and Access Administrator Associate]",
    )

    assert the_problem(problems, "$.certifications[1].aliases[0]").endswith(
        "MW006 '\u2018SC-300\u2019' is written in curly quotes, which YAML reads as part of the text "
        "(write straight quotes (\" or '), or none)"
    )


def test_a_path_id_written_twice_is_offered_once(tmp_path: Path):
    """smb renamed enterprise by mistake: the unknown smb of path_preference offers 'enterprise' once, not twice."""
    problems = problems_after(tmp_path, "  - id: smb\n", "  - id: enterprise\n")

    assert the_problem(problems, "$.scoring.path_preference[1]").endswith(
        "MW103 unknown path (expected one of: 'enterprise')"
    )


def test_a_key_of_several_other_classes_names_their_places(tmp_path: Path):
    """`points` on a term belongs to its rate or its gate: both places are named."""
    problems = problems_after(tmp_path, "{id: step_2, title: Step 2,", "{id: step_2, title: Step 2, points: 4,")

    assert (
        "(the format has no `paths[].metrics.<metric>.terms[].points`; there is "
        "`paths[].metrics.<metric>.terms[].rate.points` or `paths[].metrics.<metric>.terms[].gate.points`; "
        "see docs/ruleset-format.md#terms)"
    ) in the_problem(problems, "$.paths[0].metrics.skilling.terms[1].points")


def test_a_close_key_of_the_same_class_gets_did_you_mean(tmp_path: Path):
    problems = problems_after(tmp_path, "    max_points: 20\n", "    max_pointz: 20\n")

    assert the_problem(problems, "$.metrics[0].max_pointz").endswith("MW004 unknown key (did you mean 'max_points'?)")


def test_a_distant_key_gets_no_did_you_mean(tmp_path: Path):
    """`maximum` is not close enough to `max_points` (a ratio below 0.8) to be offered as it."""
    problems = problems_after(tmp_path, "    max_points: 20\n", "    max_points: 20\n    maximum: 20\n")

    problem = the_problem(problems, "$.metrics[0].maximum")
    assert "did you mean" not in problem
    assert "expected one of" not in problem


def test_a_key_the_format_has_nowhere_points_to_what_it_cannot_say(tmp_path: Path):
    problems = problems_after(tmp_path, "    max_points: 20\n", "    max_points: 20\n    formula: x * 2\n")

    assert the_problem(problems, "$.metrics[0].formula").endswith(
        "MW004 unknown key (the format has no `metrics[].formula`; "
        "see docs/ruleset-format.md#what-the-format-cannot-say)"
    )


def test_an_unknown_top_level_key_is_worded_as_the_others(tmp_path: Path):
    problems = problems_after(tmp_path, "scoring:\n", "formulas: {}\nscoring:\n")

    assert the_problem(problems, "$.formulas").endswith(
        "MW004 unknown key (the format has no `formulas`; see docs/ruleset-format.md#what-the-format-cannot-say)"
    )


def test_the_vocabulary_knows_a_class_written_in_two_places():
    """A condition is written under a term and under the classification: both places are in the index."""
    from mwrules._rulesets.keys import vocabulary  # noqa: PLC0415 - the module is new: the other tests run without it

    places = {key.place for key in vocabulary()["at_least"]}

    assert {"paths[].metrics.<metric>.terms[].when[].at_least", "scoring.classify[].when[].at_least"} == places


def test_a_condition_in_the_classification_is_placed_there(tmp_path: Path):
    """An unknown key in a classification condition is named at the classification, not at a term."""
    problems = problems_after(
        tmp_path,
        "{fact: smb_customer_share, at_least: 80",
        "{fact: smb_customer_share, at_leest: 80",
        source=CLASSIFICATION,
    )

    problem = next(problem for problem in problems if ".at_leest: " in problem)
    assert "did you mean 'at_least'?" in problem
    assert f" {codes.UNKNOWN_KEY} " in problem


@given(mutated_rulesets())
def test_no_problem_of_shape_names_a_python_type(data: Any):
    """Whatever one change breaks in a shipped ruleset, the words are the format's: no typing.Literal, no str."""
    _, problems = model.structure(data)

    for problem in problems:
        text = str(problem)
        assert "typing" not in text
        assert "Literal[" not in text
        assert "object has no attribute" not in text


@given(mutated_rulesets())
def test_the_checks_of_meaning_run_on_whatever_could_be_read(data: Any):
    """Whatever one change breaks, lint checks the meaning of the rest without failing: each problem has its code."""
    ruleset, unread = reading._read(data)

    problems = list(unread.problems) if ruleset is None else check(ruleset, unread=unread)
    assert all(problem.code for problem in problems)
    assert (ruleset is not None and not unread.problems) or problems

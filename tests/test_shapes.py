"""The twelve shapes of Microsoft's criteria (issue 22), each a ruleset file evaluated through the command line.

Each folder under tests/shapes holds a small ruleset written in the
vocabulary (docs/ruleset-format.md) and cases whose verdicts were worked out
by hand (the arithmetic is in each case's comments). Each case's partner is
written to a file and scored by ``mwrules evaluate FILE --ruleset RULESET
--format json``, as a ruleset editor would; the verdict read back must be the
one worked out by hand. tests/test_reference_reading.py checks the same
verdicts against a plain reading of the vocabulary.
"""

from __future__ import annotations

import datetime
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import mwrules
from mwrules._output.json import partner_to_json, verdict_from_json
from mwrules._tools.cases import load_case, mismatches
from mwrules.cli import main


SHAPES = Path(__file__).parent / "shapes"
CASES = sorted(SHAPES.glob("*/cases/*/*.yaml"))


def test_every_shape_of_the_issue_has_a_ruleset_and_cases():
    """Twelve shapes, each a ruleset with at least two hand-worked cases."""
    shapes = sorted(path.name for path in SHAPES.iterdir() if path.is_dir())
    assert [name[:2] for name in shapes] == [f"{number:02d}" for number in range(1, 13)]
    for name in shapes:
        assert len(list((SHAPES / name / "cases").glob("*/*.yaml"))) >= 2, name


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(value)


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parents[2].name}/{path.stem}")
def test_the_hand_worked_verdict_is_what_mwrules_evaluate_prints(path: Path, tmp_path: Path, capsys):
    """`mwrules evaluate PARTNER --ruleset SHAPE --format json` gives the verdict worked out by hand."""
    case = load_case(path)
    ruleset = path.parents[2] / f"{path.parent.name}.yaml"
    partner = tmp_path / "partner.json"
    partner.write_text(json.dumps(case.partner, default=_plain))
    capsys.readouterr()
    status = main(["evaluate", str(partner), "--ruleset", str(ruleset), "--format", "json"])
    output = capsys.readouterr()
    assert status == 0, output.err
    verdict = verdict_from_json(json.loads(output.out))
    assert [str(mismatch) for mismatch in mismatches(case, verdict)] == []


def test_a_partner_with_facts_and_amounts_reads_back_from_its_json():
    """partner_to_json keeps facts and amounts exact: the document read back is the same partner."""
    ruleset = mwrules.load_ruleset(SHAPES / "08-sum-of-parts" / "2026-01.yaml")
    document = {
        "partner_id": "p",
        "as_of": "2026-06-30",
        "metrics": {"smb": {"usage_growth": {"azure": 31250.5, "m365": 3}}},
        "facts": {"smb_customer_share": 0.96},  # another designation's fact: kept, not read here
    }
    partner = mwrules.load_partner(document, ruleset)

    assert partner.metrics["smb"]["usage_growth"]["azure"] == Fraction(62501, 2)
    assert partner.facts == {"smb_customer_share": Fraction(24, 25)}
    assert mwrules.load_partner(partner_to_json(partner), ruleset) == partner


def test_a_fact_the_classification_reads_is_required_where_it_belongs():
    """Without the fact that picks its path, a classifying ruleset gives no verdict: MW005 at $.facts.<name>."""
    ruleset = mwrules.load_ruleset(SHAPES / "07-path-by-classification" / "2026-01.yaml")
    fact = ruleset.facts[0].id

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2026-06-30"}, ruleset=ruleset)

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == (f"$.facts.{fact}", "MW005")
    assert "required by" in problem.message


@pytest.mark.parametrize("value", [-1, 100.5])
def test_a_fact_outside_its_declared_range_is_refused(value: float):
    """A share is 0 to 100: -1 and 100.5 are input errors at the fact, not a verdict."""
    ruleset = mwrules.load_ruleset(SHAPES / "07-path-by-classification" / "2026-01.yaml")
    fact = ruleset.facts[0].id

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2026-06-30", "facts": {fact: value}}, ruleset=ruleset)

    assert [problem.where for problem in caught.value.problems] == [f"$.facts.{fact}"]


def test_a_number_given_for_a_metric_of_several_people_sets_is_refused():
    """A metric counted from people (here two sets) is never given as a number: MW204 at its place, not ignored."""
    ruleset = mwrules.load_ruleset(SHAPES / "06-ordered-steps" / "2026-01.yaml")

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(
            {"partner_id": "p", "as_of": "2026-06-30", "metrics": {"smb": {"skilling": 3}}}, ruleset=ruleset
        )

    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("$.metrics.smb.skilling", "MW204")]


def test_facts_of_the_wrong_type_are_reported_once():
    """facts written as a list is one problem at $.facts, not also every fact the ruleset reads as missing."""
    ruleset = mwrules.load_ruleset(SHAPES / "07-path-by-classification" / "2026-01.yaml")

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2026-06-30", "facts": [1, 2]}, ruleset=ruleset)

    assert [problem.where for problem in caught.value.problems] == ["$.facts"]


def test_a_count_finer_than_a_millionth_is_one_problem():
    """1.0000001 for a count part is refused once (too many decimal places), not again as not whole."""
    ruleset = mwrules.load_ruleset(SHAPES / "08-sum-of-parts" / "2026-01.yaml")
    part = next(name for name, kind in (ruleset.metric("usage_growth").source.parts or {}).items() if kind == "count")
    document = {"partner_id": "p", "as_of": "2026-06-30", "metrics": {"smb": {"usage_growth": {part: 1.0000001}}}}

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(document, ruleset=ruleset)

    assert [problem.message for problem in caught.value.problems] == ["1.0000001 has more than 6 decimal places"]


@pytest.mark.parametrize(
    ("enterprise", "said"),
    [
        (None, []),
        # Given, it is said not to be read (once, not a gap per metric): nothing given is dropped without a word
        ({"net_customer_adds": 1}, ["$.metrics.enterprise: not read: data-ai 2026-07 classifies the partner on smb"]),
    ],
    ids=["the-other-path-missing", "the-other-path-given-in-part"],
)
def test_a_classified_partner_is_not_warned_about_the_path_it_is_not_scored_on(
    enterprise: dict[str, Any] | None, said: list[str]
):
    """Under classification, what the other path lacks does not matter: only the scored path's gaps are warned of."""
    metrics: dict[str, Any] = {"smb": {"net_customer_adds": 1}}
    if enterprise is not None:
        metrics["enterprise"] = enterprise
    document = {"partner_id": "p", "as_of": "2026-08-15", "facts": {"smb_customer_share": 85}, "metrics": metrics}

    warnings = mwrules.evaluate(document, ruleset="data-ai").warnings

    assert said == [warning for warning in warnings if warning.startswith("$.metrics.enterprise")]
    assert [warning for warning in warnings if warning.startswith("$.metrics.smb.")]

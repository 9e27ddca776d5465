"""`mwrules explain` and the verdict summary for metrics scored with terms, on the shape rulesets of tests/shapes.

Each test runs the command on a hand-worked case's partner (or a partner
written here) under its shape ruleset, as a ruleset editor would, and reads
the lines docs/design/rules-as-data.md §3.4 asks for: a gate met or not with
have and need, a term closed by a gate or a condition with what it would earn,
a cap, the path chosen by classification, and "—" for a metric a path does not
score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mwrules import load_ruleset
from mwrules._output.explain import explain
from mwrules._output.json import verdict_from_json
from mwrules._tools.cases import load_case
from mwrules.cli import main


SHAPES = Path(__file__).parent / "shapes"


def _shape(number: int) -> Path:
    return next(SHAPES.glob(f"{number:02d}-*")) / "2026-01.yaml"


def _case(number: int, name: str) -> dict[str, Any]:
    return load_case(_shape(number).parent / "cases" / "2026-01" / f"{name}.yaml").partner


def _run(command: str, number: int, partner: dict[str, Any], tmp_path: Path, capsys, *extra: str) -> str:
    """What `mwrules COMMAND PARTNER --ruleset SHAPE` prints (it must succeed)."""
    file = tmp_path / "partner.json"
    file.write_text(json.dumps(partner, default=lambda value: value.isoformat()))
    capsys.readouterr()
    status = main([command, str(file), "--ruleset", str(_shape(number)), *extra])
    output = capsys.readouterr()
    assert status == 0, output.err
    return output.out


def _section(text: str, path_id: str) -> str:
    """The lines of one path's section of an explanation."""
    start = text.index(f"\n{path_id} (")
    end = text.find("\n\n", start + 1)
    return text[start : end if end != -1 else None]


def test_a_gate_not_met_says_how_many_people_hold_its_certifications_of_how_many_needed(tmp_path, capsys):
    """A gate not met reads 'not met: 1 of 2 people hold <its certifications>'."""
    text = _run("explain", 5, _case(5, "gate-not-met"), tmp_path, capsys)
    assert "    two Teams administrators not met: 1 of 2 people hold Teams Administrator Associate\n" in text


def test_a_gate_met_that_earns_points_says_so(tmp_path, capsys):
    """A gate met reads 'met: 1 of 1 person holds ...' and, when it earns points, how many."""
    text = _run("explain", 6, _case(6, "step-1-met-opens-step-2"), tmp_path, capsys)
    assert "    step 1 met: 1 of 1 person holds Teams Administrator Associate: 5 points\n" in _section(text, "smb")
    assert "    step 1 met: 1 of 1 person holds Teams Administrator Associate\n" in _section(text, "enterprise")


def test_a_step_closed_by_a_gate_says_which_gate_and_what_it_would_earn(tmp_path, capsys):
    """A term whose gate is not met earns nothing, and says what it would earn with the gate met."""
    text = _run("explain", 6, _case(6, "step-1-not-met"), tmp_path, capsys)
    assert "    step 2's 3 people earn nothing (needs step 1); with it they would earn 12\n" in text


def test_what_a_closed_step_would_earn_is_capped_as_the_term_is(tmp_path, capsys):
    """Six people of step 2 without step 1 would earn 20 (the step's cap), not 24."""
    partner = _case(6, "step-2-capped-at-20")
    partner["people"] = [person for person in partner["people"] if person["id"] != "p0"]  # p0 held step 1's A
    text = _run("explain", 6, partner, tmp_path, capsys)
    assert "    step 2's 6 people earn nothing (needs step 1); with it they would earn 20\n" in text


def test_an_open_step_says_its_people_rate_and_points(tmp_path, capsys):
    """An open rate term over people reads '<n> people hold <certifications>, <rate> each: <points>'."""
    text = _run("explain", 6, _case(6, "step-2-capped-at-20"), tmp_path, capsys)
    assert (
        "    step 2: 6 people hold Identity and Access Administrator Associate or Endpoint Administrator Associate, "
        "4 points each: 20 points (capped at 20) (opened by step 1)\n"
    ) in text


def test_a_failing_condition_names_the_value_it_compared_and_what_the_term_would_earn(tmp_path, capsys):
    """A condition that fails reads '<part> <value> is below <threshold>, so <term> earns nothing', values exact."""
    text = _run("explain", 9, _case(9, "baseline-below-50000-earns-nothing"), tmp_path, capsys)
    assert (
        "    baseline_mcv 49,999.99 is below 50,000, so growth_percent 25.5 earns nothing; "
        "if it held it would earn 25.5\n"
    ) in _section(text, "smb")


def test_a_condition_that_holds_is_named_beside_what_the_term_earns(tmp_path, capsys):
    """A term whose condition holds says so after its points."""
    text = _run("explain", 9, _case(9, "baseline-of-50000-scores"), tmp_path, capsys)
    assert (
        "    growth_percent 25.5 at 1 point each: 25.5 points (baseline_mcv 50,000 is at least 50,000)\n"
    ) in _section(text, "smb")


def test_each_part_of_a_sum_says_its_points_and_its_cap(tmp_path, capsys):
    """A metric summing parts reads one line per part, with the amount exact and the part's cap."""
    text = _run("explain", 8, _case(8, "each-part-capped-then-summed"), tmp_path, capsys)
    smb = _section(text, "smb")
    assert "    azure 31,250.5 at 1 point per 1,250: 20 points (capped at 20)\n" in smb
    assert "    m365 625 at 1 point per 125: 5 points\n" in smb


def test_the_path_chosen_by_classification_names_the_fact_and_the_rule(tmp_path, capsys):
    """A classified partner's explanation says which fact picked the path, and the rule that did."""
    text = _run("explain", 7, _case(7, "80-percent-smb-is-scored-on-smb"), tmp_path, capsys)
    assert "\npath smb chosen by classification: smb_customer_share 80 is at least 80 (rule classified:smb)\n" in text


def test_a_path_chosen_by_the_last_entry_says_why_the_earlier_ones_did_not_apply(tmp_path, capsys):
    """The last entry of a classification applies once the earlier entries' facts fail; both are named."""
    text = _run("explain", 7, _case(7, "just-under-80-percent-is-scored-on-enterprise"), tmp_path, capsys)
    assert (
        "\npath enterprise chosen by classification: smb_customer_share 79.999999 is below 80, so not smb "
        "(rule not-classified:0); enterprise otherwise (rule classified:enterprise)\n"
    ) in text


def test_explain_lists_only_the_metrics_a_path_scores(tmp_path, capsys):
    """A path with four metrics is explained with those four; the path with five keeps its fifth."""
    text = _run("explain", 3, _case(3, "smb-qualifies-without-advanced"), tmp_path, capsys)
    assert "advanced_certifications" not in _section(text, "smb")
    assert "  advanced_certifications: 0 of 15 points" in _section(text, "enterprise")


def test_the_headline_gives_the_reported_paths_own_total_and_pass_mark(tmp_path, capsys):
    """A path with its own total (90) and pass mark (60) is headed with them, not the ruleset's 100 and 70."""
    text = _run("explain", 3, _case(3, "smb-qualifies-without-advanced"), tmp_path, capsys)
    assert "QUALIFIED on smb (Small and medium business): 64 of 90 points (a path needs 60, " in text


def test_the_headline_names_an_optional_metric(tmp_path, capsys):
    """A metric with min_points 0 on the reported path is named as optional in the pass rule."""
    text = _run("explain", 10, _case(10, "optional-metric-at-0-still-passes"), tmp_path, capsys)
    assert "(a path needs 70, and at least 1 in every metric but deployments (optional))" in text


def test_the_summary_shows_a_dash_for_a_metric_a_path_does_not_score(tmp_path, capsys):
    """In the verdict's table, a metric not on a path reads "—" in that path's column."""
    text = _run("evaluate", 3, _case(3, "smb-qualifies-without-advanced"), tmp_path, capsys)
    row = next(line for line in text.splitlines() if line.startswith("advanced_certifications"))
    assert row.split()[-2:] == ["0", "—"]


def test_the_summary_shows_a_path_maximum_of_its_own(tmp_path, capsys):
    """A metric whose maximum on a path differs from the metric's reads '<points> of <that maximum>'."""
    text = _run("evaluate", 3, _case(3, "smb-qualifies-without-advanced"), tmp_path, capsys)
    row = next(line for line in text.splitlines() if line.startswith("deployments"))
    assert row.endswith("0    24 of 30")


def test_what_is_missing_names_the_first_gate_not_met(tmp_path, capsys):
    """A gated metric below its minimum is short because of its first gate not met, and the terms it closes."""
    text = _run("evaluate", 6, _case(6, "step-1-not-met"), tmp_path, capsys)
    assert (
        "  skilling on smb: 0 points, needs at least 1: the gate step_1 is not met (a_holders 0 of 1 needed), "
        "so step_2 earns nothing\n"
    ) in text


def test_what_is_missing_names_a_condition_that_fails(tmp_path, capsys):
    """A metric below its minimum because a condition fails names the condition."""
    text = _run("evaluate", 9, _case(9, "baseline-below-50000-earns-nothing"), tmp_path, capsys)
    assert (
        "  usage_growth on smb: 0 points, needs at least 1: growth_percent earns nothing unless "
        "baseline_mcv at least 50,000\n"
    ) in text


@pytest.mark.parametrize("number", [3, 5, 6, 7, 8, 9, 10])
def test_a_verdict_read_back_from_json_is_explained_as_the_evaluation_was(number, tmp_path, capsys):
    """explain() of a verdict read from `evaluate --format json` gives the text `mwrules explain` prints."""
    case = sorted((_shape(number).parent / "cases" / "2026-01").glob("*.yaml"))[0]
    partner = load_case(case).partner
    printed = _run("explain", number, partner, tmp_path, capsys)
    data = json.loads(_run("evaluate", number, partner, tmp_path, capsys, "--format", "json"))
    assert explain(verdict_from_json(data), load_ruleset(_shape(number))) + "\n" == printed

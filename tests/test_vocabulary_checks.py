"""The checks of the vocabulary: terms, gates, conditions, facts and the classification, each mistake at its place.

Each test makes one mistake in a copy of a shape ruleset (tests/shapes) and
expects its code at the JSON path of the key written wrong.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import mwrules
from mwrules import codes
from mwrules.ruleset import check, structure


SHAPES = Path(__file__).parent / "shapes"


def shape(name: str) -> dict[str, Any]:
    folder = next(SHAPES.glob(f"{name}*"))
    data: dict[str, Any] = yaml.safe_load((folder / "2026-01.yaml").read_text())
    return data


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    ruleset, found = structure(data)
    if ruleset is not None:
        found = check(ruleset)
    return [(problem.where, problem.code) for problem in found]


STEPS = "$.paths[0].metrics.skilling"


def steps(change: Any) -> dict[str, Any]:
    """Shape 06 (ordered steps) with its enterprise skilling terms changed by *change*."""
    data = shape("06")
    change(data["paths"][0]["metrics"]["skilling"]["terms"])
    return data


@pytest.mark.parametrize(
    ("change", "where", "code"),
    [
        pytest.param(
            lambda terms: terms[1].update(requires=["step_3"]),
            f"{STEPS}.terms[1].requires[0]",
            codes.METRIC_DEFINITION,
            id="requires-an-unknown-gate",
        ),
        pytest.param(
            lambda terms: terms.reverse(),
            f"{STEPS}.terms[0].requires[0]",
            codes.METRIC_DEFINITION,
            id="requires-a-later-gate",
        ),
        pytest.param(
            lambda terms: terms[0].update(of="c_holders"),
            f"{STEPS}.terms[0].of",
            codes.METRIC_DEFINITION,
            id="of-an-unknown-set",
        ),
        pytest.param(
            lambda terms: terms[0].pop("of"),
            f"{STEPS}.terms[0]",
            codes.METRIC_DEFINITION,
            id="of-missing-with-two-sets",
        ),
        pytest.param(
            lambda terms: terms[0].update(target=3), f"{STEPS}.terms[0]", codes.INVALID_TARGET, id="a-gate-and-a-target"
        ),
        pytest.param(
            lambda terms: terms[0]["gate"].update(need=0),
            f"{STEPS}.terms[0].gate.need",
            codes.INVALID_TARGET,
            id="gate-needs-nothing",
        ),
        pytest.param(
            lambda terms: terms[1]["rate"].update(per=0),
            f"{STEPS}.terms[1].rate.per",
            codes.INVALID_TARGET,
            id="rate-per-zero",
        ),
        pytest.param(
            lambda terms: terms[1].update(id="step_1"), f"{STEPS}.terms[1]", codes.DUPLICATE_ID, id="two-terms-one-id"
        ),
        pytest.param(
            lambda terms: terms[1].update(cap=-1), f"{STEPS}.terms[1].cap", codes.INVALID_TARGET, id="negative-cap"
        ),
    ],
)
def test_a_mistake_in_the_terms_is_reported_where_it_is_written(change: Any, where: str, code: str):
    """Terms name what they measure, have one kind, positive numbers, unique ids, and require earlier gates."""
    assert (where, code) in problems(steps(change))


def test_gates_cannot_be_combined_by_best():
    """A gate and the steps it opens add up; 'the best of them' would let a closed step hide a met gate's points."""
    data = steps(lambda terms: None)
    data["paths"][0]["metrics"]["skilling"]["combine"] = "best"

    assert (f"{STEPS}.combine", codes.METRIC_DEFINITION) in problems(data)


CONDITION = "$.paths[0].metrics.usage_growth.terms[0].when[0]"


@pytest.mark.parametrize(
    ("condition", "where", "code"),
    [
        pytest.param(
            {"part": "baseline", "at_least": 50000}, f"{CONDITION}.part", codes.METRIC_DEFINITION, id="unknown-part"
        ),
        pytest.param(
            {"fact": "share", "at_least": 5}, f"{CONDITION}.fact", codes.METRIC_DEFINITION, id="undeclared-fact"
        ),
        pytest.param({"part": "baseline_mcv"}, CONDITION, codes.METRIC_DEFINITION, id="no-comparison"),
        pytest.param(
            {"part": "baseline_mcv", "at_least": 1, "at_most": 2},
            CONDITION,
            codes.METRIC_DEFINITION,
            id="two-comparisons",
        ),
        pytest.param(
            {"part": "baseline_mcv", "at_least": 0.0000001},
            f"{CONDITION}.at_least",
            codes.INVALID_VALUE,
            id="finer-than-a-millionth",
        ),
    ],
)
def test_a_condition_compares_one_declared_thing_with_one_exact_number(
    condition: dict[str, Any], where: str, code: str
):
    """A condition reads a part of its metric or a declared fact, with one comparison the engine makes exactly."""
    data = shape("09")
    data["paths"][0]["metrics"]["usage_growth"]["terms"][0]["when"] = [condition]

    assert (where, code) in problems(data)


def test_a_count_is_compared_with_a_whole_number():
    """A threshold of 2.5 on a count would be read differently by at_least and more_than: refused."""
    data = shape("09")
    data["metrics"][3]["source"]["parts"]["baseline_mcv"] = "count"
    data["paths"][0]["metrics"]["usage_growth"]["terms"][0]["when"] = [{"part": "baseline_mcv", "at_least": 2.5}]

    assert (f"{CONDITION}.at_least", codes.INVALID_VALUE) in problems(data)


def classified(change: Any) -> dict[str, Any]:
    data = shape("07")
    change(data["scoring"])
    return data


@pytest.mark.parametrize(
    ("change", "where", "code"),
    [
        pytest.param(
            lambda scoring: scoring["classify"][0].update(path="small"),
            "$.scoring.classify[0].path",
            codes.UNKNOWN_PATH,
            id="unknown-path",
        ),
        pytest.param(
            lambda scoring: scoring["classify"].reverse(),
            "$.scoring.classify[1].when",
            codes.METRIC_DEFINITION,
            id="otherwise-first",
        ),
        pytest.param(lambda scoring: scoring.pop("classify"), "$.scoring.classify", codes.MISSING_KEY, id="no-entries"),
        pytest.param(
            lambda scoring: scoring.update(choose="best"),
            "$.scoring.classify",
            codes.METRIC_DEFINITION,
            id="entries-without-classify",
        ),
        pytest.param(
            lambda scoring: scoring["classify"][0]["when"][0].update(fact="share"),
            "$.scoring.classify[0].when[0].fact",
            codes.METRIC_DEFINITION,
            id="undeclared-fact",
        ),
    ],
)
def test_a_mistake_in_the_classification_is_reported_where_it_is_written(change: Any, where: str, code: str):
    """Entries name known paths, read declared facts, and end with the one entry without conditions."""
    assert (where, code) in problems(classified(change))


def test_facts_are_declared_once_with_a_range_that_is_one():
    """Two facts of one id, and a min above the max, are both reported."""
    data = shape("07")
    fact = copy.deepcopy(data["facts"][0])
    data["facts"].append({**fact, "min": 50, "max": 10})

    found = problems(data)

    assert ("$.facts[1].id", codes.DUPLICATE_ID) in found
    assert ("$.facts[1].max", codes.INVALID_VALUE) in found


@pytest.mark.parametrize(
    ("kind", "bounds"),
    [
        ("amount", {"min": 85.0000001}),
        ("amount", {"max": 84.9999999}),
        ("count", {"min": 0.5}),
        ("count", {"max": 10**30}),
    ],
)
def test_a_fact_range_is_one_a_partner_can_give(kind: str, bounds: dict[str, Any]):
    """A fact's min and max are as exact as the values a partner gives (an amount's 6 places, a count whole).

    A min of 85.0000001 passed lint: a partner giving 85 was then told "at
    least 850000001/10000000", and from_ruleset drew partners at the min that
    the partner reader refused (hostile run 20).
    """
    data = shape("07")
    data["facts"][0].update({"type": kind, "min": None, "max": None, **bounds})
    (bound,) = bounds

    assert problems(data) == [
        (f"$.facts[0].{bound}", codes.INVALID_VALUE if kind == "amount" or bound == "min" else codes.LIMIT)
    ]


def test_a_path_with_its_own_metrics_sums_its_own_maxima():
    """Shape 03's smb path scores four metrics: their maxima must add up to the path's own total_points."""
    data = shape("03")
    smb = next(path for path in data["paths"] if path["id"] == "smb")
    smb["total_points"] = 100

    assert (f"$.paths[{data['paths'].index(smb)}].total_points", codes.MAXIMA_MISMATCH) in problems(data)


@pytest.mark.parametrize(
    ("scored", "refused"),
    [
        ({"min_points": 10, "terms": [{"target": 5, "cap": 5}]}, True),
        ({"min_points": 10, "terms": [{"target": 5, "cap": 10}]}, False),
        (
            {
                "min_points": 7,
                "combine": "best",
                "terms": [{"of": "cpor", "target": 9, "cap": 4}, {"of": "dpor", "target": 9, "cap": 6}],
            },
            True,
        ),
        (
            {"min_points": 7, "terms": [{"of": "cpor", "target": 9, "cap": 4}, {"of": "dpor", "target": 9, "cap": 6}]},
            False,
        ),
        ({"min_points": 3, "terms": [{"of": "cpor", "gate": {"need": 1, "points": 2}}]}, True),
    ],
    ids=["one-cap", "cap-at-the-minimum", "best-of-caps", "sum-of-caps", "a-gates-points"],
)
def test_a_minimum_above_what_the_terms_can_earn_is_refused(scored: dict[str, Any], refused: bool):
    """A path that could never pass: its terms' caps (a gate's points), summed or the best, stop below the minimum."""
    data = shape("01")
    metric = "net_customer_adds" if "of" not in scored["terms"][0] else "usage_growth"
    data["paths"][0]["metrics"][metric] = scored

    found = problems(data)

    assert found == ([(f"$.paths[0].metrics.{metric}.min_points", codes.THRESHOLD_OUT_OF_RANGE)] if refused else [])


def test_every_shape_passes_its_checks():
    """The twelve shape rulesets are valid: the mistakes above are the only problems they get."""
    for folder in sorted(path for path in SHAPES.iterdir() if path.is_dir()):
        assert problems(yaml.safe_load((folder / "2026-01.yaml").read_text())) == [], folder.name


def test_best_of_options_shorthand_takes_its_parts_from_the_terms_too():
    """`measure: best_of_options` beside paths written with terms: the parts are the terms' `of`, as from targets."""
    data = shape("11")
    metric = next(metric for metric in data["metrics"] if metric["id"] == "usage_growth")
    parts = list(metric.pop("source")["parts"])
    metric["measure"] = "best_of_options"

    ruleset, found = structure(data)

    assert ruleset is not None, found
    assert check(ruleset) == []
    assert list(ruleset.metric("usage_growth").source.parts or {}) == parts


def test_a_threshold_beyond_any_partner_value_is_refused():
    """Once, at_least: 1e300 passed lint and the engine compared it as a small number: the condition held (25.5)."""
    data = shape("09")
    data["paths"][0]["metrics"]["usage_growth"]["terms"][0]["when"] = [{"part": "baseline_mcv", "at_least": 1e300}]

    assert (f"{CONDITION}.at_least", codes.LIMIT) in problems(data)


def test_a_gate_needing_more_people_than_a_target_may_is_refused():
    """A need of 10^20 people passed lint; a gate's need is bounded as a target is (1,000 people)."""
    data = steps(lambda terms: terms[0]["gate"].update(need=10**20))

    assert (f"{STEPS}.terms[0].gate.need", codes.LIMIT) in problems(data)


def test_a_fact_beyond_any_real_value_is_refused():
    """A fact of 10^300 would reach the engine as a number it cannot compare: an input error at the fact."""
    ruleset = mwrules.load_ruleset(next(SHAPES.glob("07*")) / "2026-01.yaml")
    fact = ruleset.facts[0].id
    ruleset = attrs.evolve(ruleset, facts=(attrs.evolve(ruleset.facts[0], max=None),))

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "as_of": "2026-06-30", "facts": {fact: 1e300}}, ruleset=ruleset)

    assert [problem.where for problem in caught.value.problems] == [f"$.facts.{fact}"]


def test_a_term_id_is_snake_case():
    """A term's id is part of its rules' ids, which traces and coverage split at ':': 'step 1:x' is refused."""
    data = steps(lambda terms: terms[0].update(id="step 1:x"))
    data["paths"][0]["metrics"]["skilling"]["terms"][1]["requires"] = ["step 1:x"]

    assert (f"{STEPS}.terms[0].id", codes.ID_FORMAT) in problems(data)


def test_a_number_too_fine_is_shown_as_written():
    """'85.0000001: at most 6 decimal places', not '85: ...' (the rounded number is one a partner may give)."""
    data = shape("07")
    data["facts"][0]["min"] = 85.0000001
    ruleset, read = structure(data)
    assert ruleset is not None
    assert read == []

    assert [problem.message for problem in check(ruleset)] == ["85.0000001: at most 6 decimal places"]


def test_a_condition_on_a_gate_of_no_points_is_refused():
    """A `when` on a gate earning 0 changed nothing: a gate is met by its measure alone, whatever its conditions.

    The editor meant to close the steps after it (data-ai's and security's
    enterprise gates earn 0); the terms requiring it opened anyway.
    """
    data = shape("06")
    gate = data["paths"][0]["metrics"]["skilling"]["terms"][0]
    assert gate["gate"]["points"] == 0
    gate["when"] = [{"fact": "employees", "at_most": 10}]
    data["facts"] = [{"id": "employees", "title": "Employees", "type": "count"}]
    assert problems(data) == [(f"{STEPS}.terms[0].when", codes.METRIC_DEFINITION)]
    gate["gate"]["points"] = 2  # a gate that earns: its conditions decide its points
    assert problems(data) == []

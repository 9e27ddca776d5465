"""The reference reading of the ruleset vocabulary gives the verdicts worked out by hand.

Three sources of verdicts worked out without the engine: the twelve shape cases of issue 22
(tests/shapes/<shape>/cases/), Microsoft's worked skilling examples for Security and Data & AI
(shared/designations.md §5, in the readings of docs/design/rules-as-data.md §1.4 and §1.6), and
Modern Work's own cases (its files use today's shorthand, which the reading expands).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from .reference_reading import Reading, exact, read


ROOT = Path(__file__).parents[1]
SHAPES = Path(__file__).parent / "shapes"
SHAPE_CASES = sorted(SHAPES.glob("*/cases/*/*.yaml"))
# Cases measured from customer data are left out: the reading takes given numbers only.
MODERN_WORK_CASES = [
    path
    for path in sorted((ROOT / "rulesets" / "modern-work" / "cases").glob("*/*.yaml"))
    if "customers" not in yaml.safe_load(path.read_text(encoding="utf-8"))["partner"]
]


def shown(points: Fraction) -> Fraction:
    """*points* rounded half up to 2 decimals, as a case's want writes them."""
    return Fraction((200 * points.numerator + points.denominator) // (2 * points.denominator), 100)


def differences(want: Mapping[str, Any], reading: Reading) -> Iterator[str]:
    """Each way *reading* differs from what a case wants, as ``where: want x, got y``."""
    for key, got in (("qualified", reading.qualified), ("path", reading.path)):
        if key in want and want[key] != got:
            yield f"{key}: want {want[key]}, got {got}"
    if "score" in want and exact(want["score"]) != shown(reading.score):
        yield f"score: want {want['score']}, got {float(reading.score)}"
    for path_id, path_want in (want.get("paths") or {}).items():
        path = reading.paths.get(path_id)
        if path is None:
            yield f"paths.{path_id}: not scored"
            continue
        if "qualified" in path_want and path_want["qualified"] != path.qualified:
            yield f"paths.{path_id}.qualified: want {path_want['qualified']}, got {path.qualified}"
        if "score" in path_want and exact(path_want["score"]) != shown(path.total):
            yield f"paths.{path_id}.score: want {path_want['score']}, got {float(path.total)}"
        for metric_id, points in (path_want.get("metrics") or {}).items():
            got = path.points.get(metric_id)
            if got is None or exact(points) != shown(got):
                yield f"paths.{path_id}.metrics.{metric_id}: want {points}, got {got and float(got)}"


def case_verdict(case_file: Path) -> list[str]:
    """How the reading differs from the case's want, under the ruleset version the case sits beside."""
    version = case_file.parent.name
    ruleset = yaml.safe_load((case_file.parents[2] / f"{version}.yaml").read_text(encoding="utf-8"))
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    return list(differences(case["want"], read(ruleset, case["partner"])))


def test_every_shape_of_issue_22_has_cases():
    """Each of the twelve shapes has its own ruleset folder with at least two cases."""
    folders = sorted(path.name for path in SHAPES.iterdir() if path.is_dir())

    assert [f"{n:02d}" for n in range(1, 13)] == [name[:2] for name in folders]
    assert all(len(list((SHAPES / name / "cases").glob("*/*.yaml"))) >= 2 for name in folders)


@pytest.mark.parametrize("case_file", SHAPE_CASES, ids=lambda path: f"{path.parents[2].name}/{path.stem}")
def test_shape_case_verdict_is_the_hand_worked_one(case_file: Path):
    """The reading gives the verdict the shape case worked out by hand."""
    assert [] == case_verdict(case_file)


@pytest.mark.parametrize("case_file", MODERN_WORK_CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_modern_work_case_verdict_through_the_shorthand(case_file: Path):
    """The reading of Modern Work's shorthand file gives the verdict its case pins."""
    assert [] == case_verdict(case_file)


# Microsoft's worked skilling examples (shared/designations.md §5): a / b / c people in steps 1 / 2 / 3,
# different people, or the same people in every step ("same"). Each designation's intermediate metric
# as docs/design/rules-as-data.md §1.4 (Security) and §1.6 (Data & AI) write it, alone on its paths.
STEP_CERTIFICATIONS = {
    "security": ("SC-500", "SC-200", "SC-100"),
    "data-ai": ("AZ-104", "AZ-305", "DP-600"),
}
STEP_SETS = {
    "security": ("security_engineer", "security_operations_analyst", "security_specialist"),
    "data-ai": ("azure_administrator", "azure_solutions_architect", "data_ai_specialist"),
}
# (gate need, gate points) of steps 1 and 2, and step 3's rate (points, per), per designation and path
STEPS = {
    ("security", "enterprise"): ((2, 0), (40, 6)),
    ("security", "smb"): ((1, 4), (8, 1)),
    ("data-ai", "enterprise"): ((2, 0), (4, 1)),
    ("data-ai", "smb"): ((1, 4), (4, 1)),
}


def skilling_ruleset(designation: str) -> dict[str, Any]:
    """A ruleset of one 40-point metric in three steps, on enterprise and smb, as the designation writes it."""
    first, second, third = STEP_SETS[designation]
    codes = STEP_CERTIFICATIONS[designation]

    def terms(path: str) -> list[dict[str, Any]]:
        (need, points), (rate, per) = STEPS[designation, path]
        return [
            {"id": "step_1", "of": first, "gate": {"need": need, "points": points}},
            {"id": "step_2", "of": second, "gate": {"need": need, "points": points}},
            {"id": "step_3", "of": third, "rate": {"points": rate, "per": per}, "requires": ["step_1", "step_2"]},
        ]

    return {
        "certifications": [{"id": code.lower(), "name": f"Certification {code}", "aliases": [code]} for code in codes],
        "metrics": [
            {
                "id": "intermediate_certifications",
                "max_points": 40,
                "source": {
                    "people": {name: [code.lower()] for name, code in zip(STEP_SETS[designation], codes, strict=True)}
                },
            }
        ],
        "paths": [
            {"id": path, "metrics": {"intermediate_certifications": {"terms": terms(path)}}}
            for path in ("enterprise", "smb")
        ],
        "scoring": {"min_total_points": 70, "min_metric_points": 1, "path_preference": ["enterprise", "smb"]},
    }


def step_people(designation: str, counts: tuple[int, int, int], *, same: bool) -> list[dict[str, Any]]:
    """People holding each step's certification: *counts* different people, or the same ones in every step."""
    codes = STEP_CERTIFICATIONS[designation]
    if same:
        return [{"id": f"p{n}", "certifications": list(codes)} for n in range(counts[0])]
    return [
        {"id": f"{code}-{n}", "certifications": [code]}
        for code, count in zip(codes, counts, strict=True)
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("designation", "path", "counts", "same", "points"),
    [
        ("security", "enterprise", (2, 2, 3), False, Fraction(20)),  # 0 + 0 + 3 x 40/6
        ("security", "enterprise", (2, 2, 2), True, Fraction(40, 3)),  # 2 x 40/6 = 13.33
        ("security", "enterprise", (2, 0, 2), False, Fraction(0)),  # step 2 not met
        ("security", "enterprise", (1, 2, 2), False, Fraction(0)),  # step 1 not met
        ("security", "smb", (2, 2, 3), False, Fraction(32)),  # 4 + 4 + 3 x 8
        ("security", "smb", (2, 2, 2), True, Fraction(24)),  # 4 + 4 + 2 x 8
        ("security", "smb", (2, 0, 2), False, Fraction(4)),  # step 1 alone
        ("security", "smb", (0, 0, 2), False, Fraction(0)),
        ("data-ai", "enterprise", (2, 2, 3), False, Fraction(12)),  # 3 x 4
        ("data-ai", "enterprise", (2, 2, 2), True, Fraction(8)),
        ("data-ai", "enterprise", (2, 0, 2), False, Fraction(0)),
        ("data-ai", "enterprise", (1, 2, 2), False, Fraction(0)),
        ("data-ai", "smb", (2, 2, 3), False, Fraction(20)),  # 4 + 4 + 3 x 4
        ("data-ai", "smb", (2, 2, 2), True, Fraction(16)),
        ("data-ai", "smb", (2, 0, 2), False, Fraction(4)),
        ("data-ai", "smb", (0, 0, 2), False, Fraction(0)),
    ],
)
def test_microsoft_skilling_example(designation: str, path: str, counts: tuple[int, int, int], same: bool, points):
    """The reading gives Microsoft's points for its worked example of ordered skilling steps."""
    partner = {"as_of": "2026-07-01", "people": step_people(designation, counts, same=same)}

    reading = read(skilling_ruleset(designation), partner)

    assert points == reading.paths[path].points["intermediate_certifications"]


def test_amounts_are_read_from_their_decimal_text():
    """A number written 0.1 is exactly one tenth, not the binary float nearest it."""
    assert Fraction(1, 10) == exact(0.1)

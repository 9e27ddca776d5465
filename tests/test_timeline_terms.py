"""mwrules timeline on rulesets with gates, steps, rates, sums, conditions and classification (issue 22)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import mwrules
from mwrules import Timeline
from mwrules._tools.timeline_dates import people_caps


SHAPES = Path(__file__).parent / "shapes"
CASES = sorted(SHAPES.glob("*/cases/*/*.yaml"))
ONE_DAY = datetime.timedelta(days=1)


def shape(name: str) -> mwrules.Ruleset:
    return mwrules.load_ruleset(SHAPES / name / "2026-01.yaml")


def case_partner(path: Path) -> dict[str, Any]:
    partner: dict[str, Any] = yaml.safe_load(path.read_text())["partner"]
    return partner


def assert_agrees_every_day(partner: dict[str, Any], timeline: Timeline, ruleset: mwrules.Ruleset) -> None:
    """On every day of the range, the segment holding it scores what mwrules.evaluate scores that day."""
    day = timeline.start
    while day <= timeline.end:
        verdict = mwrules.evaluate({**partner, "as_of": day.isoformat()}, ruleset=ruleset)
        segment = timeline.on(day)
        assert (segment.qualified, segment.path, segment.score) == (verdict.qualified, verdict.path, verdict.score), day
        assert {p: r.score for p, r in segment.paths.items()} == {p: r.score for p, r in verdict.paths.items()}, day
        day += ONE_DAY


def dated(people: list[dict[str, Any]], earned: datetime.date, expires: datetime.date) -> list[dict[str, Any]]:
    """*people* with every certification earned on *earned* and expiring on *expires*, one person apart each."""
    result = []
    for index, person in enumerate(people):
        certs = [
            {
                "name": cert["name"] if isinstance(cert, dict) else cert,
                "earned": (earned + index * ONE_DAY).isoformat(),
                "expires": (expires + index * ONE_DAY).isoformat(),
            }
            for cert in person["certifications"]
        ]
        result.append({"id": person["id"], "certifications": certs})
    return result


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parents[2].name}/{path.stem}")
def test_every_shape_case_with_dated_certifications_agrees_with_evaluate_every_day(path: Path):
    """Certifications earned and expiring one person apart: each day's segment is that day's evaluation."""
    ruleset = mwrules.load_ruleset(path.parents[2] / f"{path.parent.name}.yaml")
    partner = case_partner(path)
    start = datetime.date(2026, 3, 1)
    partner["people"] = dated(partner.get("people", []), start + 3 * ONE_DAY, start + 20 * ONE_DAY)

    timeline = mwrules.timeline(partner, start, start + 30 * ONE_DAY, ruleset=ruleset)

    assert_agrees_every_day(partner, timeline, ruleset)


def test_a_gate_caps_its_set_at_its_need_and_a_rate_where_it_reaches_its_cap():
    """Shape 5: the gate needs 2 people; 2.5 per person (enterprise) reach the metric's 10 at 4 people."""
    assert people_caps(shape("05-skilling-gate")) == {"teams_administrators": 2, "intermediate": 4, "advanced": 2}


def test_a_term_cap_and_a_fractional_rate_set_the_people_cap():
    """Shape 6: step 2 earns 4 per person up to its own cap of 20, so a sixth person changes nothing."""
    assert people_caps(shape("06-ordered-steps")) == {"a_holders": 1, "b_or_c_holders": 5}


def test_a_fractional_rate_caps_its_set_at_the_person_who_reaches_the_cap():
    """Shape 4's advanced: 15/7 points per person up to 15 is reached at the seventh person."""
    caps = people_caps(shape("04-per-unit-rates-and-caps"))

    assert caps["advanced"] == 7


GATE_PARTNER: dict[str, Any] = {
    "partner_id": "gate-timeline",
    "people": [
        {"id": "a1", "certifications": [{"name": "MS-700", "earned": "2026-03-01"}]},
        {"id": "a2", "certifications": [{"name": "MS-700", "earned": "2026-04-10", "expires": "2026-05-20"}]},
        {"id": "b1", "certifications": [{"name": "SC-300", "earned": "2026-01-01"}]},
        {"id": "b2", "certifications": [{"name": "MD-102", "earned": "2026-01-01"}]},
        {"id": "c1", "certifications": [{"name": "MS-102", "earned": "2026-01-01"}]},
    ],
    "metrics": {"smb": {"net_customer_adds": 10, "usage_growth": {"cpor": 500}, "deployments": {"cpor": 5}}},
}


def test_a_gate_opening_is_a_change_date_with_its_cause():
    """The second Teams administrator opens the gate on smb the day their certification is earned."""
    ruleset = shape("05-skilling-gate")

    timeline = mwrules.timeline(GATE_PARTNER, datetime.date(2026, 3, 1), datetime.date(2026, 6, 30), ruleset=ruleset)

    opened = timeline.on(datetime.date(2026, 4, 10))
    assert opened.start == datetime.date(2026, 4, 10)
    assert opened.cause == (
        "two Teams administrators of intermediate_certifications on enterprise and smb opens "
        "(2 of 2 teams_administrators): Teams Administrator Associate earned by 1 person (1 gains teams_administrators)"
    )
    assert_agrees_every_day(GATE_PARTNER, timeline, ruleset)


def test_a_gate_closing_is_a_change_date_with_its_cause():
    """The day after the second Teams administrator's certification expires, the gate closes again."""
    ruleset = shape("05-skilling-gate")

    timeline = mwrules.timeline(GATE_PARTNER, datetime.date(2026, 3, 1), datetime.date(2026, 6, 30), ruleset=ruleset)

    closed = timeline.on(datetime.date(2026, 5, 21))
    assert closed.start == datetime.date(2026, 5, 21)
    # The certification is named once, behind the gate it closes, not again among the day's other changes
    assert closed.cause == (
        "two Teams administrators of intermediate_certifications on enterprise and smb closes "
        "(1 of 2 teams_administrators): Teams Administrator Associate stops counting after it expires on 2026-05-20, "
        "for 1 person (1 loses teams_administrators)"
    )
    # smb: 20 + 15 + 30 + 25 = 90 without the gate; with it, min(10, 4 + 2 x 5) = 10 more
    assert [segment.score for segment in timeline.segments[:3]] == [90, 100, 90]


def test_a_classification_fact_adds_no_change_date():
    """Shape 7: the SMB share is constant over a timeline: with certifications that do not change, one segment."""
    ruleset = shape("07-path-by-classification")
    path = SHAPES / "07-path-by-classification/cases/2026-01/80-percent-smb-is-scored-on-smb.yaml"
    partner = case_partner(path)

    timeline = mwrules.timeline(partner, datetime.date(2026, 3, 1), datetime.date(2026, 12, 31), ruleset=ruleset)

    assert [(segment.path, segment.cause) for segment in timeline.segments] == [("smb", "start of the range")]
    assert set(timeline.segments[0].paths) == {"smb"}


def test_people_caps_round_a_fractional_need_and_saturation_up(tmp_path: Path):
    """A gate needing 1.5 people is met at 2; 3 points a person up to 20 stops changing at 7 people (20/3, up)."""
    data = yaml.safe_load((SHAPES / "06-ordered-steps" / "2026-01.yaml").read_text())
    for path in data["paths"]:
        gate, rate = path["metrics"]["skilling"]["terms"]
        gate["gate"]["need"] = 1.5
        rate["rate"]["points"] = 3
    (tmp_path / "2026-01.yaml").write_text(yaml.safe_dump(data))

    assert people_caps(mwrules.load_ruleset(tmp_path / "2026-01.yaml")) == {"a_holders": 2, "b_or_c_holders": 7}

"""mwrules timeline: segments computed from change dates agree with evaluate() day by day."""

from __future__ import annotations

import datetime
import itertools
import json
import random
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import mwrules
from mwrules import InputError, Partner, Timeline, codes
from mwrules import strategies as mst
from mwrules._evaluation import evaluate as evaluate_module
from mwrules._input.tenant_facts import UsageMonths
from mwrules._tools import timeline as timeline_module
from mwrules._tools.timeline import window_start
from mwrules.cli import main
from mwrules.model import Association, Customer, Usage

from .budget import share_of_profile


EXAMPLES = Path(__file__).parents[1] / "examples"
NORTHWIND = EXAMPLES / "timeline.yaml"
ONE_DAY = datetime.timedelta(days=1)
FIRST_DAY = datetime.date(2023, 6, 12)  # modern-work 2023-06 comes into force
# Each example checks up to ~900 days one by one: a few per profile, a sample
SAMPLED = share_of_profile(Fraction(1, 6), at_least=4)


def days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + ONE_DAY * offset for offset in range((end - start).days + 1)]


def scoring_on(day: datetime.date, ruleset: mwrules.Ruleset | str | None) -> mwrules.ruleset.Scoring:
    if isinstance(ruleset, mwrules.Ruleset):
        return ruleset.scoring
    return mwrules.select_ruleset(ruleset, as_of=day).ruleset.scoring


def assert_agrees_day_by_day(
    partner: Partner, timeline: Timeline, ruleset: mwrules.Ruleset | str | None = None
) -> None:
    """Every day of the range: the segment holding it says what evaluate() says that day.

    *can attain* is read plainly from the daily evaluations: met on some day
    from the window's first day through the day (before the ruleset's
    window_from, on the day itself); a day before the range is not met when a
    month of customer data it reads has no usage row.
    """
    start, end = timeline.start, timeline.end
    met: dict[datetime.date, bool] = {}
    for day in days(window_start(start, 6), end):
        if ruleset is None and day < FIRST_DAY:  # before the first version: no criteria, no designation
            met[day] = False
            continue
        verdict = mwrules.evaluate(attrs.evolve(partner, as_of=day), ruleset=ruleset)
        met[day] = verdict.qualified
        if day < start:
            met[day] = verdict.qualified and not any("$.customers: no usage row for" in w for w in verdict.warnings)
            continue
        segment = timeline.on(day)
        assert (segment.qualified, segment.path, segment.score) == (verdict.qualified, verdict.path, verdict.score), day
        assert {p: (r.score, r.qualified) for p, r in segment.verdict.paths.items()} == {
            p: (r.score, r.qualified) for p, r in verdict.paths.items()
        }, day
        assert segment.verdict.ruleset.version == verdict.ruleset.version, day
        scoring = scoring_on(day, ruleset)
        if verdict.qualified or (scoring.window_from is not None and day < scoring.window_from):
            can_attain = verdict.qualified
        else:
            can_attain = any(met[earlier] for earlier in days(window_start(day, scoring.window_months), day))
        assert segment.can_attain == can_attain, day


def assert_maximal_cover(timeline: Timeline) -> None:
    """The segments cover the range in order, without gaps, and no two neighbours could be one."""
    segments = timeline.segments
    assert segments[0].start == timeline.start
    assert segments[-1].end == timeline.end
    for before, after in itertools.pairwise(segments):
        assert after.start == before.end + ONE_DAY
        same = (
            before.verdict.ruleset.version == after.verdict.ruleset.version
            and (before.qualified, before.path, before.can_attain) == (after.qualified, after.path, after.can_attain)
            and {p: r.score for p, r in before.verdict.paths.items()}
            == {p: r.score for p, r in after.verdict.paths.items()}
        )
        assert not same, (before, after)
        assert after.cause


@st.composite
def ranges(draw: st.DrawFn, partner: Partner, *, pinned: bool) -> tuple[datetime.date, datetime.date]:
    """A range of 1 day to 2 years around the partner's as_of; not before the first version unless pinned."""
    assert partner.as_of is not None
    start = partner.as_of + ONE_DAY * draw(st.integers(-500, 500))
    if not pinned:
        start = max(start, FIRST_DAY)
    return start, start + ONE_DAY * (draw(st.integers(1, 731)) - 1)


@SAMPLED
@given(
    st.one_of(
        mst.partners(max_people=8),
        mst.partners(max_people=8, qualifying=True),
        mst.partners(max_people=6, customer_data=True),
    ),
    st.sampled_from([None, "modern-work@2023-06", "modern-work@2026-01"]),
    st.data(),
)
def test_every_segment_agrees_with_evaluate_on_every_day(partner: Partner, ruleset: str | None, data: st.DataObject):
    """For generated partners and ranges of up to two years, checked day by day."""
    start, end = data.draw(ranges(partner, pinned=ruleset is not None))

    timeline = mwrules.timeline(partner, start, end, ruleset=ruleset)

    assert_maximal_cover(timeline)
    assert_agrees_day_by_day(partner, timeline, ruleset)


def test_a_partner_loses_the_designation_when_its_only_advanced_certification_stops_counting():
    """The worked example of docs/timeline.md, over two years, checked day by day."""
    partner = mwrules.load_partner(yaml.safe_load(NORTHWIND.read_text()))
    timeline = mwrules.timeline(partner, datetime.date(2026, 11, 28), datetime.date(2028, 11, 27))

    assert [(str(s.start), s.qualified, float(s.score), s.can_attain) for s in timeline.segments] == [
        ("2026-11-28", True, pytest.approx(73.2), True),
        ("2027-02-02", False, pytest.approx(68.2), True),
        ("2027-08-01", False, pytest.approx(68.2), False),
        ("2027-12-01", False, pytest.approx(53.2), False),
    ]
    assert [s.cause for s in timeline.segments] == [
        "start of the range",
        "Teams Administrator Associate stops counting after it expires on 2027-02-01, for 1 person: "
        "1 loses intermediate",
        "the 6-month attainment window no longer reaches 2027-02-01, the last day the pass rule was met",
        "Enterprise Administrator Expert stops counting under modern-work 2026-01 after 2027-11-30, "
        "for 1 person: 1 loses advanced",
    ]
    assert_maximal_cover(timeline)
    assert_agrees_day_by_day(partner, timeline)


def test_each_segment_carries_the_verdict_of_its_first_day():
    """The verdict behind a segment is the evaluation on its start, with its trace."""
    timeline = mwrules.timeline(NORTHWIND, datetime.date(2026, 11, 28), datetime.date(2027, 12, 31))

    for segment in timeline.segments:
        assert segment.verdict.as_of == segment.start
        assert segment.verdict.trace
    assert timeline.on(datetime.date(2027, 12, 1)) is timeline.segments[3]


def test_a_new_ruleset_version_starts_a_segment_and_says_so():
    """Across 2026-01-01 each day is under the version in force; a named version pins one."""
    partner = mwrules.load_partner(yaml.safe_load(NORTHWIND.read_text()), "modern-work@2026-01")

    crossing = mwrules.timeline(partner, datetime.date(2025, 12, 1), datetime.date(2026, 1, 31))
    pinned = mwrules.timeline(
        partner, datetime.date(2025, 12, 1), datetime.date(2026, 1, 31), ruleset="modern-work@2026-01"
    )

    assert [s.verdict.ruleset.version for s in crossing.segments] == ["2023-06", "2026-01"]
    assert crossing.segments[1].start == datetime.date(2026, 1, 1)
    assert crossing.segments[1].cause.startswith("ruleset modern-work 2026-01 comes into force")
    assert {s.verdict.ruleset.version for s in pinned.segments} == {"2026-01"}
    assert_agrees_day_by_day(partner, crossing)


@pytest.mark.parametrize(
    ("blair", "named"),
    [
        (
            {"name": "MS-700", "earned": "2022-01-01", "expires": "2025-12-31"},
            "Teams Administrator Associate stops counting after it expires on 2025-12-31, for 1 person: "
            "1 loses intermediate",
        ),
        (
            {"name": "MS-700", "earned": "2026-01-01"},
            "Teams Administrator Associate earned by 1 person: 1 gains intermediate",
        ),
    ],
    ids=["expires the day before", "earned that day"],
)
def test_a_certification_change_on_the_day_a_version_starts_is_named_beside_it(blair: object, named: str):
    """On 2026-01-01 the cause said only "ruleset modern-work 2026-01 comes into force": the five points MS-700 took
    with it, expiring the day before, or brought, earned that day, went unnamed (hostile run 34)."""
    partner = {
        "partner_id": "nw",
        "people": [
            {"id": "alex", "certifications": [{"name": "MS-102", "earned": "2022-05-12"}]},
            {"id": "blair", "certifications": [blair]},
            {"id": "casey", "certifications": [{"name": "MD-102", "earned": "2022-09-30"}]},
        ],
        "metrics": {
            "smb": {
                "net_customer_adds": 4,
                "usage_growth": {"cpor": 420, "csp": 0},
                "deployments": {"cpor": 3, "csp": 1},
            }
        },
    }

    crossing = mwrules.timeline(partner, datetime.date(2025, 12, 1), datetime.date(2026, 1, 31))

    assert [segment.start for segment in crossing.segments] == [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    assert crossing.segments[1].cause == f"ruleset modern-work 2026-01 comes into force; {named}"


def one_day_partner(day: datetime.date) -> dict[str, object]:
    """A partner that meets the pass rule on *day* only: its advanced certification is valid that day alone."""
    return {
        "partner_id": "mayfly",
        "people": [
            {"id": "a", "certifications": [{"name": "MS-102", "earned": str(day), "expires": str(day)}]},
            {"id": "b", "certifications": ["MS-700"]},
        ],
        "metrics": {
            "smb": {"net_customer_adds": 10, "usage_growth": {"cpor": 500, "csp": 0}, "deployments": {"cpor": 5}}
        },
    }


def test_can_attain_lasts_through_the_fifth_full_month_after_the_day_the_rule_was_met():
    """Met on 2026-03-10 only: attainable from then through 2026-08-31, not on 2026-09-01 (window of 6 months)."""
    timeline = mwrules.timeline(
        one_day_partner(datetime.date(2026, 3, 10)), datetime.date(2026, 3, 1), datetime.date(2026, 9, 30)
    )

    assert [(str(s.start), s.qualified, s.can_attain) for s in timeline.segments] == [
        ("2026-03-01", False, False),
        ("2026-03-10", True, True),
        ("2026-03-11", False, True),
        ("2026-09-01", False, False),
    ]


def test_the_window_looks_back_before_the_range():
    """A range that starts after the day the rule was met still sees it through the window."""
    timeline = mwrules.timeline(
        one_day_partner(datetime.date(2026, 3, 10)), datetime.date(2026, 8, 31), datetime.date(2026, 9, 1)
    )

    assert [(str(s.start), s.can_attain) for s in timeline.segments] == [("2026-08-31", True), ("2026-09-01", False)]


def test_before_window_from_a_partner_attains_only_on_the_days_it_meets_the_rule():
    """modern-work 2023-06: the six-month window applies from 2023-09-19 (criteria §8)."""
    timeline = mwrules.timeline(
        one_day_partner(datetime.date(2023, 8, 1)), datetime.date(2023, 7, 1), datetime.date(2023, 10, 31)
    )

    assert [(str(s.start), s.qualified, s.can_attain) for s in timeline.segments] == [
        ("2023-07-01", False, False),
        ("2023-08-01", True, True),
        ("2023-08-02", False, False),
        ("2023-09-19", False, True),
    ]
    assert timeline.segments[-1].cause == "the 6-month attainment window applies from 2023-09-19"


def test_the_window_length_is_ruleset_data(tmp_path):
    """window_months: 1 is the current month only."""
    source = Path(mwrules.select_ruleset("modern-work@2026-01").ruleset.source or "").read_text()
    path = tmp_path / "2026-01.yaml"
    path.write_text(source.replace("  window_months: 6\n", "  window_months: 1\n"))
    ruleset = mwrules.load_ruleset(path)

    timeline = mwrules.timeline(
        one_day_partner(datetime.date(2026, 3, 10)),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 5, 31),
        ruleset=ruleset,
    )

    assert [(str(s.start), s.can_attain) for s in timeline.segments] == [
        ("2026-03-01", False),
        ("2026-03-10", True),
        ("2026-03-11", True),
        ("2026-04-01", False),
    ]


def test_a_window_longer_than_lint_allows_is_a_ruleset_problem(tmp_path):
    source = Path(mwrules.select_ruleset("modern-work@2026-01").ruleset.source or "").read_text()
    path = tmp_path / "2026-01.yaml"
    path.write_text(source.replace("  window_months: 6\n", "  window_months: 0\n"))

    with pytest.raises(mwrules.RulesetError) as caught:
        mwrules.load_ruleset(path)

    assert "$.scoring.window_months" in str(caught.value)
    assert codes.THRESHOLD_OUT_OF_RANGE in str(caught.value)


def test_a_month_of_customer_data_is_named_plainly_when_both_of_its_months_have_rows():
    """Run 37: "month 2026-11 of customer data" read as if data for 2026-11 existed; only a missing one is said."""
    timeline = mwrules.timeline(
        EXAMPLES / "customer-data.yaml", datetime.date(2026, 10, 15), datetime.date(2026, 11, 30)
    )

    assert [segment.cause for segment in timeline.segments] == [
        "start of the range",
        "month 2026-10 of customer data (against 2025-10)",
    ]


def test_customer_data_moves_on_each_month_and_months_without_data_are_reported():
    """The reference month moves on the 1st; months the data lacks are named once."""
    timeline = mwrules.timeline(
        EXAMPLES / "customer-data.yaml", datetime.date(2026, 11, 28), datetime.date(2027, 2, 28)
    )

    assert timeline.segments[1].start == datetime.date(2026, 12, 1)
    assert timeline.segments[1].cause == (
        "month 2026-11 of customer data (against 2025-11; no usage rows for 2026-11, counted as 0)"
    )
    assert timeline.months_without_data == ("2026-11", "2026-12", "2027-01")
    assert any("no usage rows for 2026-11 to 2027-01 (3 months)" in warning for warning in timeline.warnings)


def test_causes_of_one_day_are_listed_by_the_people_they_concern_most_first():
    """SC-300 expiring for 2 people is named before MS-700 expiring for 1, whatever the order of the people."""
    certification = {"earned": "2025-01-01", "expires": "2027-03-01"}
    partner = {
        "partner_id": "p",
        "as_of": "2027-02-01",
        "people": [
            {"id": "c", "certifications": [{"name": "MS-700", **certification}]},
            {"id": "a", "certifications": [{"name": "SC-300", **certification}]},
            {"id": "b", "certifications": [{"name": "SC-300", **certification}]},
            {"id": "x", "certifications": ["MS-102"]},
        ],
    }

    timeline = mwrules.timeline(partner, datetime.date(2027, 2, 1), datetime.date(2027, 3, 31))

    assert timeline.segments[-1].cause == (
        "Identity and Access Administrator Associate stops counting after it expires on 2027-03-01, "
        "for 2 people: 2 lose intermediate; "
        "Teams Administrator Associate stops counting after it expires on 2027-03-01, "
        "for 1 person: 1 loses intermediate"
    )


def test_a_missing_month_a_year_before_a_reference_month_is_reported():
    """Rows for every month of 2026: in January 2027, M is 2026-12 and it is compared with 2025-12, which has none."""
    rows = [
        {"month": f"2026-{month:02d}", "workload": "Teams", "paid_seats": 400, "active_users": 100}
        for month in range(1, 13)
    ]
    partner = {
        "partner_id": "p",
        "as_of": "2027-01-01",
        "customers": [{"tenant": "t", "associations": [{"type": "CPOR", "since": "2020-01-01"}], "usage": rows}],
    }

    timeline = mwrules.timeline(partner, datetime.date(2027, 1, 1), datetime.date(2027, 1, 31))

    assert timeline.months_without_data == ("2025-12",)


def test_a_day_before_the_range_whose_compared_month_is_missing_is_not_taken_to_meet_the_pass_rule():
    """Run 37: without 2025-10, November 2026 compares 2026-10 with nothing and 'meets' the rule (96 points): the
    timeline from 2026-12-05 said it can attain from that invented pass day, and named no month of the window."""
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text(encoding="utf-8"))
    whole = mwrules.timeline(document, datetime.date(2026, 12, 5), datetime.date(2026, 12, 31))
    for customer in document["customers"]:
        customer["usage"] = [row for row in customer["usage"] if row["month"] != "2025-10"]
    assert mwrules.evaluate(document).score == 96  # on 2026-11-28, as if every tenant were new

    timeline = mwrules.timeline(document, datetime.date(2026, 12, 5), datetime.date(2026, 12, 31))

    assert [segment.can_attain for segment in whole.segments] == [True]  # 2026-11 against 2025-10 met it, in truth
    assert [segment.can_attain for segment in timeline.segments] == [False]
    assert timeline.warnings[-1] == (
        "$.customers: no usage rows for 2025-06 to 2025-10 (5 months), 2026-11, which the days of the attainment "
        "window before 2026-12-05 need; such a day is not taken to meet the pass rule, so 'can attain' counts only "
        "the days before the range whose customer data is given"
    )


def test_the_months_before_the_range_are_not_warned_of_once_the_range_meets_the_rule_itself():
    """From its first day the range decides every day's 'can attain': the window before it no longer matters."""
    timeline = mwrules.timeline(
        EXAMPLES / "customer-data.yaml", datetime.date(2026, 11, 28), datetime.date(2026, 11, 30)
    )

    assert [segment.qualified for segment in timeline.segments] == [True]
    assert not [warning for warning in timeline.warnings if "attainment window" in warning]


def test_many_people_over_two_years_need_few_evaluations():
    """Changes of a count above every target cannot change a score: they are not evaluated."""
    people = [
        {
            "id": f"p{index}",
            "certifications": [{"name": "MS-700", "earned": str(datetime.date(2026, 1, 1) + ONE_DAY * index)}],
        }
        for index in range(300)
    ] + [{"id": "x", "certifications": ["MS-102"]}]
    partner = {"partner_id": "big", "people": people, "metrics": {}}

    timeline = mwrules.timeline(partner, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    assert timeline.evaluations < 15
    # the 2nd, 3rd and 4th person (targets 2 and 4) change scores; then only MS-102 stopping counting does
    assert [str(s.start) for s in timeline.segments] == [
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
        "2026-01-04",
        "2027-12-01",
    ]


def flickering_people(
    count: int,
    start: datetime.date,
    days: int,
    *,
    names: tuple[str, ...] = ("MS-102", "MS-700"),
    each: int = 4,
    seed: int = 7,
) -> list[dict[str, object]]:
    """People each holding a few one-day certifications spread over *days*: the capped counts move nearly every day."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    people = []
    for index in range(count):
        certifications = []
        for _ in range(each):
            earned = start + ONE_DAY * rnd.randrange(days)
            certifications.append({"name": rnd.choice(names), "earned": str(earned), "expires": str(earned)})
        people.append({"id": f"f{index}", "certifications": certifications})
    return people


def test_an_evaluation_in_a_timeline_takes_no_more_people_than_the_targets_count(monkeypatch):
    """Hundreds of people always counted at one level cost nothing when another level's count moves."""
    evaluated: list[int] = []
    verdict_on = timeline_module._verdict_on

    def counting(partner: Partner, *args: object, **keywords: bool) -> mwrules.Verdict:
        evaluated.append(len(partner.people))
        return verdict_on(partner, *args, **keywords)

    monkeypatch.setattr(timeline_module, "_verdict_on", counting)
    counted = [{"id": f"p{index}", "certifications": ["MS-700"]} for index in range(300)]
    people = counted + flickering_people(40, datetime.date(2026, 1, 1), 730, names=("MS-102",))
    partner = {"partner_id": "big", "people": people, "metrics": {}}

    timeline = mwrules.timeline(partner, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    assert len(timeline.segments) > 20
    # the first and the last day are evaluated in full for the warnings; every other evaluation
    # holds at most the largest targets of intermediate (4) and advanced (2) in people
    in_part = sorted(evaluated)[:-2]
    assert in_part
    assert max(in_part) <= 6


def test_an_evaluation_in_a_timeline_reads_only_the_certifications_that_count_that_day(monkeypatch):
    """A person with hundreds of short certifications brings only those valid on the day to each evaluation."""
    evaluated: list[int] = []
    verdict_on = timeline_module._verdict_on

    def counting(partner: Partner, *args: object, **keywords: bool) -> mwrules.Verdict:
        evaluated.append(sum(len(person.certifications) for person in partner.people))
        return verdict_on(partner, *args, **keywords)

    monkeypatch.setattr(timeline_module, "_verdict_on", counting)
    people = flickering_people(3, datetime.date(2026, 1, 1), 730, each=400)
    partner = {"partner_id": "busy", "people": people, "metrics": {}}

    mwrules.timeline(partner, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    in_part = sorted(evaluated)[:-2]  # all but the two full evaluations of the first and the last day
    assert in_part
    assert max(in_part) <= 3 * 10  # a person holds 400 in two years: a few on any one day


def test_a_timeline_reads_each_tenant_only_in_the_months_that_measure_it(monkeypatch):
    """Customer data is measured once a month, from the tenants with usage in M or the month compared."""
    read: list[int] = []
    facts = evaluate_module.customer_facts

    def counting(partner: Partner, *args: object) -> list[dict[str, object]]:
        read.append(len(partner.customers or ()))
        return facts(partner, *args)

    monkeypatch.setattr(evaluate_module, "customer_facts", counting)
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text())
    document["people"] = flickering_people(20, datetime.date(2026, 1, 1), 730)
    tenants = len(document["customers"])

    mwrules.timeline(document, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    # each tenant has usage in 13 months, so 26 months measure it (as M and as M-12), plus the
    # two full evaluations of the first and the last day
    assert sum(read) <= (26 + 2) * tenants


def test_a_timeline_reads_each_usage_row_a_few_times_however_many_months_the_tenants_have(monkeypatch):
    """A month's measure reads the rows of the months it compares, not every row of each tenant it measures."""
    read: list[int] = []
    facts = evaluate_module.customer_facts

    def counting(partner: Partner, *args: object) -> list[dict[str, object]]:
        read.append(sum(len(customer.usage) for customer in partner.customers or ()))
        return facts(partner, *args)

    monkeypatch.setattr(evaluate_module, "customer_facts", counting)
    months = [f"{year}-{month:02}" for year in range(2024, 2030) for month in range(1, 13)]
    customers = [
        {
            "tenant": f"t{tenant}",
            "associations": [{"type": "CPOR", "since": "2023-06-01"}],
            "usage": [
                {"month": month, "workload": "Intune", "paid_seats": 100 + tenant, "active_users": 60}
                for month in months
            ],
        }
        for tenant in range(3)
    ]
    document = {"partner_id": "p", "people": [{"id": "p1", "certifications": ["MS-102"]}], "customers": customers}
    rows = 3 * len(months)

    mwrules.timeline(document, datetime.date(2026, 1, 1), datetime.date(2029, 12, 31))

    # each month measures M, M-12 and M-24 (the carry-over); the first and the last day are evaluated in full
    assert sum(read) <= (3 + 2) * rows


def test_a_timeline_keeps_no_engine_firings_of_its_monthly_evaluations(monkeypatch):
    """The evaluations that cut the range keep no trace while the range is built, so memory does not grow with it."""
    kept: list[int] = []
    pieces = timeline_module._Builder.pieces

    def keeping(builder: object) -> list[object]:
        found = pieces(builder)  # type: ignore[arg-type]
        kept.extend(len(piece.verdict.trace) for piece in found if piece.verdict is not None)
        return found  # type: ignore[return-value]

    monkeypatch.setattr(timeline_module._Builder, "pieces", keeping)
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text())

    mwrules.timeline(document, datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))

    assert kept
    assert not any(kept)


def test_many_people_and_customer_data_agree_with_evaluate_on_every_day():
    """Measures taken once a month and people left out past the targets give evaluate's verdict on each day."""
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text())
    document["people"] = flickering_people(30, datetime.date(2026, 10, 1), 92, seed=3)
    partner = mwrules.load_partner(document)

    timeline = mwrules.timeline(partner, datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))

    assert len(timeline.segments) > 5
    assert_maximal_cover(timeline)
    assert_agrees_day_by_day(partner, timeline)


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (datetime.date(2027, 1, 2), datetime.date(2027, 1, 1), codes.DATE_RANGE),
        (datetime.date(2020, 1, 1), datetime.date(2040, 1, 1), codes.LIMIT),
        (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), codes.NO_VERSION_IN_FORCE),
    ],
    ids=["end-before-start", "too-long", "no-version"],
)
def test_a_bad_range_is_an_input_error(start, end, code):
    with pytest.raises(InputError) as caught:
        mwrules.timeline(NORTHWIND, start, end)

    assert [problem.code for problem in caught.value.problems] == [code]
    assert caught.value.problems[0].suggestion


def test_dates_must_be_dates():
    with pytest.raises(TypeError, match=r"start must be a datetime\.date"):
        mwrules.timeline(NORTHWIND, "2027-01-01", datetime.date(2027, 2, 1))  # type: ignore[arg-type]


def test_a_day_outside_the_range_has_no_segment():
    timeline = mwrules.timeline(NORTHWIND, datetime.date(2027, 1, 1), datetime.date(2027, 1, 31))

    with pytest.raises(ValueError, match="outside the timeline"):
        timeline.on(datetime.date(2027, 2, 1))


def test_an_invalid_partner_is_reported_once_with_every_problem():
    document = yaml.safe_load(NORTHWIND.read_text())
    document["people"].append({"id": "alex"})

    with pytest.raises(InputError) as caught:
        mwrules.timeline(document, datetime.date(2026, 11, 28), datetime.date(2027, 1, 1))

    assert [problem.code for problem in caught.value.problems] == [codes.DUPLICATE_PERSON]


# The command line ------------------------------------------------------------------------------


def test_the_command_prints_a_table_and_a_monthly_chart(capsys):
    status = main(["timeline", str(NORTHWIND), "--from", "2026-11-28", "--to", "2028-06-30"])

    out = capsys.readouterr().out
    assert status == 0
    assert "meets the pass rule on 66 of 581 days" in out
    assert "from        to          days  ruleset  path  score  qualified  can attain  cause" in out
    assert "2027-12-01  2028-06-30   213  2026-01  smb    53.2  no         no" in out
    assert "2028-06  ███████████████████████████        │" in out


def test_the_command_defaults_to_a_year_from_the_documents_as_of(capsys):
    assert main(["timeline", str(NORTHWIND), "--format", "json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert (result["from"], result["to"]) == ("2026-11-28", "2027-11-27")
    assert set(result["segments"][0]) == {
        "from",
        "to",
        "days",
        "qualified",
        "path",
        "score",
        "score_exact",
        "can_attain",
        "cause",
        "ruleset",
        "paths",
    }


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_plot_draws_the_score_over_time(tmp_path, suffix, capsys):
    target = tmp_path / f"northwind{suffix}"

    assert main(["timeline", str(NORTHWIND), "--plot", str(target)]) == 0

    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:1000]


def test_plot_refuses_a_format_it_cannot_write(tmp_path, capsys):
    assert main(["timeline", str(NORTHWIND), "--plot", str(tmp_path / "chart.txt")]) == 2

    assert "name the file chart.png or chart.svg" in capsys.readouterr().err


def test_plot_naming_a_folder_says_so(tmp_path, monkeypatch, capsys):
    """`--plot .` said "cannot tell the format of ''" (hostile run 26): it names a folder, not a file."""
    monkeypatch.chdir(tmp_path)

    assert main(["timeline", str(NORTHWIND), "--plot", "."]) == 2

    err = capsys.readouterr().err
    assert (
        "--plot: MW006 '.' is a folder, and --plot names the file to draw (name a file in it, e.g. timeline.png)" in err
    )
    assert list(tmp_path.iterdir()) == []


def northwind_named(tmp_path: Path, partner_id: str) -> Path:
    document = yaml.safe_load(NORTHWIND.read_text(encoding="utf-8"))
    document["partner_id"] = partner_id
    path = tmp_path / "named.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("partner_id", ["x $\\foo$ y", "$^$", "Cash$ $olutions"])
def test_plot_draws_a_partner_id_with_dollar_signs_as_it_is(tmp_path, capsys, partner_id):
    """Text between two $ was matplotlib's math: '$\\foo$' was a ParseException traceback (hostile run 28)."""
    target = tmp_path / "chart.png"

    assert main(["timeline", str(northwind_named(tmp_path, partner_id)), "--plot", str(target)]) == 0

    assert target.read_bytes().startswith(b"\x89PNG")
    assert "Traceback" not in capsys.readouterr().err


def test_plot_says_in_plain_words_which_characters_its_font_lacks(tmp_path, capsys):
    """An emoji or CJK partner id printed matplotlib's UserWarning, with a line of mwrules' source, per character."""
    target = tmp_path / "chart.svg"

    assert (
        main(["timeline", str(northwind_named(tmp_path, "Contoso \U0001f680 \u4e2d\u6587")), "--plot", str(target)])
        == 0
    )

    err = capsys.readouterr().err
    assert "UserWarning" not in err
    assert "savefig" not in err
    assert "warning: --plot: the font has no glyph for '\U0001f680', '\u4e2d', '\u6587': drawn as boxes" in err


def test_a_range_that_ends_before_it_starts_exits_2(capsys):
    assert main(["timeline", str(NORTHWIND), "--from", "2027-01-02", "--to", "2027-01-01"]) == 2

    assert "MW209" in capsys.readouterr().err


# plan --by ---------------------------------------------------------------------------------------


def test_plan_by_a_date_counts_what_will_have_stopped_counting(capsys):
    """Qualified today; on 2027-12-01 no certification counts at advanced, so no path can qualify."""
    status = main(["plan", str(NORTHWIND), "--by", "2027-12-01"])

    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("What changes the score until 2027-12-01:\n  2027-02-02: Teams Administrator Associate")
    assert "northwind on 2027-12-01 (modern-work 2026-01): NOT QUALIFIED, 53.2 points" in out
    assert "no certification counts at advanced on 2027-12-01" in out


def test_plan_by_a_date_in_python():
    document = yaml.safe_load(NORTHWIND.read_text())
    document["people"][0]["certifications"] = ["MS-102"]  # still counts in 2027
    document["people"].pop(1)  # intermediate: casey alone

    plan = mwrules.plan(document, by=datetime.date(2027, 6, 1))

    assert plan.by == datetime.date(2027, 6, 1)
    assert plan.before.as_of == datetime.date(2027, 6, 1)
    assert plan.after.qualified


def test_plan_by_a_date_reads_the_timelines_changes_without_its_warnings(monkeypatch):
    """plan --by reads a timeline's segments alone: its warnings cost two full evaluations more (hostile run 24:
    3 s of CPU for a 1 MB partner of 2,090 tenants)."""
    warned: list[object] = []
    warnings = timeline_module._Builder.warnings

    def counting(builder: object, *args: object) -> tuple[str, ...]:
        warned.append(builder)
        return warnings(builder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(timeline_module._Builder, "warnings", counting)

    plan = mwrules.plan(yaml.safe_load(NORTHWIND.read_text()), by=datetime.date(2027, 12, 1))

    assert plan.changes
    assert warned == []


def test_a_timeline_evaluates_its_first_and_last_day_untraced_for_their_warnings(monkeypatch):
    """The warnings of a timeline's ends do not need the trace, which costs time and memory on a big partner."""
    traced: list[bool] = []
    verdict_on = timeline_module._verdict_on

    def recording(partner: Partner, *args: object, **keywords: bool) -> mwrules.Verdict:
        traced.append(keywords.get("traced", True))
        return verdict_on(partner, *args, **keywords)

    monkeypatch.setattr(timeline_module, "_verdict_on", recording)
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text())

    timeline = mwrules.timeline(document, datetime.date(2026, 11, 1), datetime.date(2027, 2, 1))

    assert timeline.segments
    assert traced
    assert not any(traced)
    assert len(timeline.segments[0].verdict.trace) > 0  # a segment's own verdict, read, is traced in full


def test_plan_by_an_earlier_day_than_as_of_is_refused():
    with pytest.raises(InputError) as caught:
        mwrules.plan(yaml.safe_load(NORTHWIND.read_text()), by=datetime.date(2026, 1, 1))

    assert [problem.code for problem in caught.value.problems] == [codes.DATE_RANGE]


@pytest.mark.parametrize(
    ("start", "end"),
    [(datetime.date(9998, 1, 1), datetime.date.max), (datetime.date.min, datetime.date(1, 2, 1))],
    ids=["last-day", "first-day"],
)
def test_a_range_at_the_ends_of_the_calendar_is_refused_not_a_crash(start, end):
    with pytest.raises(InputError) as caught:
        mwrules.timeline(NORTHWIND, start, end, ruleset="modern-work@2026-01")

    assert {problem.code for problem in caught.value.problems} == {codes.DATE_RANGE}


def test_plot_into_a_missing_folder_says_it_cannot_write(tmp_path, capsys):
    assert main(["timeline", str(NORTHWIND), "--plot", str(tmp_path / "missing" / "chart.svg")]) == 2

    assert "MW001 cannot write" in capsys.readouterr().err


def test_plan_by_a_day_beyond_the_timeline_limit_names_by():
    with pytest.raises(InputError) as caught:
        mwrules.plan(yaml.safe_load(NORTHWIND.read_text()), by=datetime.date(2099, 1, 1))

    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("by", codes.LIMIT)]


def test_plan_by_exactly_the_limit_s_days_after_as_of_says_the_range_it_checked(capsys):
    """A by 365 days after as_of spans 366 days: refused under 365, not as "more than 365 days after" (hostile 26)."""
    args = ["plan", str(NORTHWIND), "--by", "2027-11-28", "--limit", "timeline-days=365"]
    assert main(args) == 2

    err = capsys.readouterr().err
    assert "more than 365 days after" not in err
    assert f"by: {codes.LIMIT} the range from the partner's as_of, 2026-11-28, to 2027-11-28 is 366 days" in err
    assert main([*args[:-1], "timeline-days=366"]) == 0


@pytest.mark.parametrize("start", ["9999-06-01", "9999-12-31"])
def test_a_start_past_the_last_day_without_an_end_is_a_coded_problem(start, capsys):
    """With --from alone, the default end stays within the covered days: the start is what is refused."""
    assert main(["timeline", str(NORTHWIND), "--from", start]) == 2

    err = capsys.readouterr().err
    assert f"start: {codes.DATE_RANGE} {start} is outside the days a timeline covers" in err
    assert "Traceback" not in err


def test_the_default_end_near_the_last_day_is_the_last_day(capsys):
    """--from 9998-12-30 alone covers the two days left, not a year past the calendar."""
    assert main(["timeline", str(NORTHWIND), "--from", "9998-12-30", "--format", "json"]) == 0

    assert json.loads(capsys.readouterr().out)["to"] == "9998-12-31"


def test_plan_by_a_day_past_the_last_day_names_by_and_as_of(tmp_path, capsys):
    late = tmp_path / "late.yaml"
    late.write_text(NORTHWIND.read_text().replace("as_of: 2026-11-28", "as_of: 9999-06-01"))

    assert main(["plan", str(late), "--by", "9999-12-31"]) == 2

    err = capsys.readouterr().err
    assert f"$.as_of: {codes.DATE_RANGE} 9999-06-01 is outside" in err
    assert f"by: {codes.DATE_RANGE} 9999-12-31 is outside" in err


def wandering_customers(months: list[str], *, seed: int = 11) -> list[dict[str, object]]:
    """Tenants whose seats cross the bands' edges (smb 11 to 300, enterprise from 301) and whose usage moves.

    They are eligible on one path one month and on the other (or on none, or
    carried over) the next; associations start inside the range, so some
    months have a new one; active users cross the deployment share.
    """
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    customers = []
    for tenant in range(6):
        usage = []
        for month in months:
            paid = rnd.choice([5, 11, 12, 290, 300, 301, 302, 450])
            usage.append(
                {"month": month, "workload": "Teams", "paid_seats": paid, "active_users": rnd.randint(0, paid)}
            )
        kind = ["CPOR", "DPOR", "CSP"][tenant % 3]
        since = f"{2025 + tenant % 3}-{1 + 2 * tenant:02d}-10"
        customers.append({"tenant": f"t{tenant}", "associations": [{"type": kind, "since": since}], "usage": usage})
    return customers


def test_a_timeline_measures_each_month_as_evaluate_does_alone_when_its_month_m_minus_12_was_a_month_m(monkeypatch):
    """Each month's customer measures in a timeline (which keeps tenant-months' eligibility) equal evaluate()'s."""
    months = [f"{year}-{month:02d}" for year in range(2025, 2029) for month in range(1, 13)]
    document = {
        "partner_id": "p",
        "people": [{"id": "p1", "certifications": ["MS-700", "MS-102"]}],
        "customers": wandering_customers(months),
    }
    measured: dict[datetime.date, object] = {}
    measures = timeline_module._measures

    def recording(verdict: mwrules.Verdict, *args: object) -> object:
        measured[verdict.as_of] = found = measures(verdict, *args)  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(timeline_module, "_measures", recording)

    mwrules.timeline(document, datetime.date(2026, 2, 1), datetime.date(2028, 11, 30))

    firsts = {day.year * 12 + day.month for day in measured}
    assert sum(month - 12 in firsts for month in firsts) >= 22  # months whose M-12 was a month M before
    for day, found in measured.items():
        alone = mwrules.evaluate({**document, "as_of": str(day)})
        assert found == measures(alone, mwrules.select_ruleset(as_of=day).ruleset, {}), day


def test_the_customers_a_timeline_measures_in_a_month_keep_all_of_a_tenant_but_the_rows_of_other_months():
    """UsageMonths gives a tenant measured in a month with its id, name and associations, and the rows read."""
    rows = [Usage(f"2026-{month:02d}", "Teams", 100, 60) for month in range(1, 13)]
    tenant = Customer(
        tenant="t1", name="Contoso", associations=(Association("CPOR", datetime.date(2023, 6, 1)),), usage=tuple(rows)
    )
    ruleset = mwrules.select_ruleset("modern-work@2026-01").ruleset

    (measured,) = UsageMonths((tenant,)).measured_on(ruleset, datetime.date(2026, 11, 28))

    assert measured == attrs.evolve(tenant, usage=(rows[9],))


def test_a_timeline_decides_a_tenant_months_eligibility_once_not_again_as_the_month_compared(monkeypatch):
    """A tenant-month measured as M reaches the engine to be decided on once, not again as M-12 a year later."""
    decided: list[int] = []
    facts = evaluate_module.customer_facts

    def counting(partner: Partner, *args: object) -> list[dict[str, object]]:
        found = facts(partner, *args)
        decided.append(sum(fact["t"] == "tenant" for fact in found))
        return found

    monkeypatch.setattr(evaluate_module, "customer_facts", counting)
    months = [f"{year}-{month:02d}" for year in range(2024, 2030) for month in range(1, 13)]
    customers = [
        {
            "tenant": f"t{tenant}",
            "associations": [{"type": "CPOR", "since": "2023-06-01"}],
            "usage": [
                {"month": month, "workload": "Teams", "paid_seats": 100 + tenant + index, "active_users": 60}
                for index, month in enumerate(months)
            ],
        }
        for tenant in range(3)
    ]
    document = {"partner_id": "p", "people": [{"id": "p1", "certifications": ["MS-102"]}], "customers": customers}

    mwrules.timeline(document, datetime.date(2026, 1, 1), datetime.date(2028, 12, 31))

    # 36 months, each with a tenant fact per tenant and group (Teams counts in both) for M and for M-12:
    # 72 per tenant and group if each were decided anew; the M-12 of the last 24 months was an M of the
    # range; the two full evaluations of the first and the last day decide their own (2 each)
    groups = len(mwrules.select_ruleset("modern-work@2026-01").ruleset.workload_groups())
    assert sum(decided) <= (36 + 12 + 2 * 2) * 3 * groups


@pytest.mark.parametrize("by", ["2000-01-01", "1999-12-31"])
def test_plan_by_a_day_before_as_of_and_before_every_version_names_by(by, capsys):
    """The date is checked before the document is prepared on it: the mistake is --by, not the document's as_of."""
    assert main(["plan", str(NORTHWIND), "--by", by]) == 2

    err = capsys.readouterr().err
    assert f"by: {codes.DATE_RANGE} {by} is before the partner's as_of" in err
    assert "$.as_of" not in err
    with pytest.raises(InputError) as caught:
        mwrules.plan(yaml.safe_load(NORTHWIND.read_text()), by=datetime.date.fromisoformat(by))
    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("by", codes.DATE_RANGE)]


@pytest.mark.parametrize("designation", ["security", "data-ai", "infrastructure"])
def test_plan_by_under_a_designation_that_starts_after_as_of_plans_from_its_first_day(designation, tmp_path, capsys):
    """Changes are looked for from a version's first day: the plan was refused as a range (hostile run 25)."""
    document = yaml.safe_load((NORTHWIND.parent / "all-designations.yaml").read_text())
    document["as_of"] = "2026-06-30"
    partner = tmp_path / "p.json"
    partner.write_text(json.dumps(document, default=str))

    command = ["plan", str(partner), "--by", "2026-07-01", "--format", "json", "--ruleset"]
    assert main([*command, designation]) in (0, 1)
    pinned = main([*command, f"{designation}@2026-07"])
    plans = [json.loads(part) for part in capsys.readouterr().out.replace("}\n{", "}\n\n{").split("\n\n")]
    assert pinned in (0, 1)
    assert plans[0]["before"] == plans[1]["before"]
    planned = mwrules.plan(document, by=datetime.date(2026, 7, 1), ruleset=designation)
    assert planned.before.as_of == datetime.date(2026, 7, 1)


def test_plan_by_a_day_before_a_designation_s_first_version_names_by(tmp_path, capsys):
    document = yaml.safe_load((NORTHWIND.parent / "all-designations.yaml").read_text())
    document["as_of"] = "2026-06-01"
    partner = tmp_path / "p.json"
    partner.write_text(json.dumps(document, default=str))

    assert main(["plan", str(partner), "--by", "2026-06-15", "--ruleset", "security"]) == 2

    err = capsys.readouterr().err
    assert f"by: {codes.NO_VERSION_IN_FORCE} no version of security is in force on 2026-06-15" in err
    assert "$.as_of" not in err


def test_plan_by_a_partner_without_as_of_is_made_from_today():
    """No as_of is today's (as evaluate takes it): a by before today is refused, as before any as_of."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    with pytest.raises(InputError) as caught:
        mwrules.plan({"partner_id": "p", "people": []}, by=yesterday)

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("by", codes.DATE_RANGE)
    assert f"before today, {datetime.date.today()} (the partner gives no as_of)" in problem.message  # (run 36)


@pytest.mark.parametrize("as_of", ["2026-02-30", "not a date", datetime.datetime(2026, 7, 1, 12)])
def test_plan_by_a_partner_whose_as_of_is_no_date_says_so_not_that_by_is_before_today(as_of, tmp_path, capsys):
    """With --by checked first, an as_of that is no date was taken as today: 'by: MW209 ... before 2026-12-07'."""
    document = {"partner_id": "p", "as_of": as_of, "people": []}
    if not isinstance(as_of, datetime.datetime):
        partner = tmp_path / "p.json"
        partner.write_text(json.dumps(document))
        assert main(["plan", str(partner), "--by", "2000-01-01"]) == 2
        err = capsys.readouterr().err
        assert f"$.as_of: {codes.INVALID_VALUE}" in err
        assert "by:" not in err
    with pytest.raises(InputError) as caught:
        mwrules.plan(document, by=datetime.date(2000, 1, 1))
    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("$.as_of", codes.INVALID_VALUE)]


def test_plan_by_a_partner_built_in_python_with_as_of_no_date_says_so():
    partner = mwrules.Partner(partner_id="p", as_of=datetime.datetime(2026, 7, 1, 12), people=())  # type: ignore[arg-type]

    with pytest.raises(InputError) as caught:
        mwrules.plan(partner, by=datetime.date(2026, 8, 1))  # before today, which stood for the as_of

    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("$.as_of", codes.INVALID_VALUE)]


@pytest.mark.parametrize("as_path", [str, Path])
def test_plan_by_reads_a_partner_named_by_its_file_as_plan_without_by_does(as_path: type):
    """`mwrules.plan("near-miss.yaml", by=...)` took the file's name for the document itself ("must be an object")."""
    named = as_path(Path(__file__).parents[1] / "examples" / "near-miss.yaml")
    document = yaml.safe_load(Path(named).read_text(encoding="utf-8"))
    by = datetime.date(2024, 12, 31)

    planned = mwrules.plan(named, by=by)

    assert planned == mwrules.plan(document, by=by)
    assert (planned.by, planned.partner_id) == (by, "northwind")

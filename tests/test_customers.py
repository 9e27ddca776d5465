"""Customer data: the customer metrics measured from per-tenant monthly usage (criteria 9)."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import mwrules
from mwrules import codes
from mwrules import strategies as mst
from mwrules._evaluation import engine as _engine
from mwrules._evaluation import engine_messages
from mwrules._evaluation import evaluate as _evaluate
from mwrules._input.tenant_facts import ELIGIBILITY_FIELDS, UNREAD_OF_ELIGIBLE, eligibility_key
from mwrules._output.json import verdict_from_json, verdict_to_json
from mwrules._output.plan_report import plan_to_text
from mwrules._rulesets.versions import select_ruleset
from mwrules.model import Association, Customer, Partner, Usage


ROOT = Path(__file__).parents[1]


EXAMPLES = Path(__file__).parents[1] / "examples"
AS_OF = datetime.date(2026, 11, 28)  # M = 2026-10, M-12 = 2025-10


# An independent reading of criteria 9, in plain Python ---------------------------------


def _month(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def plain_measures(customers: tuple[Customer, ...], as_of: datetime.date) -> dict[str, dict[str, dict[str, int]]]:
    """Per path, per metric, the measures criteria 9 gives, written from its table alone (shipped numbers)."""
    names = {"exchange": "Exchange Online", "exchange online": "Exchange Online"}
    lists = {}
    for version in ("2023-06", "2026-01"):
        ruleset = select_ruleset(f"modern-work@{version}").ruleset
        if ruleset.manifest.effective_from <= as_of:
            current = ruleset
    for workload in current.workloads:
        for spelling in (workload.name, *workload.aliases):
            names[" ".join(spelling.split()).casefold()] = workload.name
    for metric in ("net_customer_adds", "usage_growth", "deployments"):
        lists[metric] = set(current.workloads_for(metric))
    m_now = _month(as_of) - 1
    bands = {"enterprise": (301, None), "smb": (11, 300)}
    types = {"enterprise": ("cpor", "dpor"), "smb": ("cpor", "csp")}
    kind_of = {
        "cpor": "cpor",
        "claiming partner of record": "cpor",
        "dpor": "dpor",
        "digital partner of record": "dpor",
    }
    kind_of.update(
        dict.fromkeys(
            (
                "csp",
                "csp tier 1",
                "csp tier 2",
                "csp direct",
                "csp indirect",
                "indirect reseller",
                "cloud solution provider",
            ),
            "csp",
        )
    )

    by_month: dict[int, dict[int, list[Usage]]] = {}  # per customer (by id), per month: its rows
    for customer in customers:
        months = by_month[id(customer)] = {}
        for usage in customer.usage:
            months.setdefault(_index(usage.month), []).append(usage)

    def rows(customer: Customer, metric: str, month: int) -> list[Usage]:
        return [
            row
            for row in by_month[id(customer)].get(month, [])
            if names.get(" ".join(row.workload.split()).casefold()) in lists[metric]
        ]

    def in_band(path: str, seats: int) -> bool:
        low, high = bands[path]
        return seats >= low and (high is None or seats <= high)

    def eligible(customer: Customer, path: str, metric: str, month: int) -> bool:
        if any(in_band(path, row.paid_seats) for row in rows(customer, metric, month)):
            return True
        return path == "smb" and (
            any(in_band("enterprise", row.paid_seats) for row in rows(customer, metric, month))
            and any(in_band("smb", row.paid_seats) for row in rows(customer, metric, month - 12))
        )

    def active_association(customer: Customer, kind: str, month: int) -> Association | None:
        found = [
            item
            for item in customer.associations
            if kind_of[" ".join(item.type.split()).casefold()] == kind
            and _month(item.since) <= month
            and (item.until is None or _month(item.until) >= month)
        ]
        return min(found, key=lambda item: item.since) if found else None

    def tenants(path: str, kind: str, metric: str, month: int) -> list[Customer]:
        return [c for c in customers if eligible(c, path, metric, month) and active_association(c, kind, month)]

    def users(customer: Customer, metric: str, month: int) -> int:
        return sum(row.active_users for row in rows(customer, metric, month))

    def deployed(customer: Customer, metric: str, month: int) -> bool:
        paid = sum(row.paid_seats for row in rows(customer, metric, month))
        return paid > 0 and 5 * users(customer, metric, month) >= 2 * paid

    result: dict[str, dict[str, dict[str, int]]] = {}
    for path in ("enterprise", "smb"):
        now = {c.tenant for kind in types[path] for c in tenants(path, kind, "net_customer_adds", m_now)}
        then = {c.tenant for kind in types[path] for c in tenants(path, kind, "net_customer_adds", m_now - 12)}
        growth, deployments = {}, {}
        for kind in types[path]:
            total = sum(users(c, "usage_growth", m_now) for c in tenants(path, kind, "usage_growth", m_now))
            total -= sum(users(c, "usage_growth", m_now - 12) for c in tenants(path, kind, "usage_growth", m_now - 12))
            for c in tenants(path, kind, "usage_growth", m_now):
                started = _month(active_association(c, kind, m_now).since)  # type: ignore[union-attr]
                if started > m_now - 12:
                    total -= users(c, "usage_growth", started)
            growth[kind] = total
            new = 0
            for c in tenants(path, kind, "deployments", m_now):
                started = _month(active_association(c, kind, m_now).since)  # type: ignore[union-attr]
                already = started >= m_now - 11 and deployed(c, "deployments", started)
                new += deployed(c, "deployments", m_now) and not already
            old = sum(deployed(c, "deployments", m_now - 12) for c in tenants(path, kind, "deployments", m_now - 12))
            deployments[kind] = new - old
        result[path] = {
            "net_customer_adds": {"value": len(now) - len(then)},
            "usage_growth": growth,
            "deployments": deployments,
        }
    return result


def measures(verdict: mwrules.Verdict) -> dict[str, dict[str, dict[str, int]]]:
    return {
        path_id: {metric.metric: dict(metric.inputs) for metric in path.metrics.values() if metric.derived}
        for path_id, path in verdict.paths.items()
    }


@settings(max_examples=150)
@given(
    st.sampled_from([datetime.date(2026, 11, 28), datetime.date(2026, 1, 1), datetime.date(2025, 1, 31)]).flatmap(
        lambda day: st.tuples(st.just(day), mst.customers(as_of=day))
    )
)
def test_derived_measures_agree_with_a_plain_reading_of_the_criteria(drawn: tuple[datetime.date, Any]):
    as_of, customers = drawn
    verdict = mwrules.evaluate(Partner(partner_id="p", as_of=as_of, customers=customers))

    assert measures(verdict) == plain_measures(customers, as_of)


@settings(max_examples=30)
@given(mst.customers(ruleset="modern-work@2026-01", as_of=AS_OF))
def test_a_partner_object_and_its_document_give_the_same_verdict(customers: tuple[Customer, ...]):
    partner = Partner(partner_id="p", as_of=AS_OF, customers=customers)
    document = mwrules.partner_to_json(partner)

    assert mwrules.evaluate(partner) == mwrules.evaluate(document)


@settings(max_examples=30)
@given(mst.customers(ruleset="modern-work@2026-01", as_of=AS_OF))
def test_tenant_facts_run_a_few_at_a_time_give_the_verdict_and_trace_of_all_at_once(customers: tuple[Customer, ...]):
    """The engine holds a group of tenant facts at a time; the verdict, trace and step numbers do not show it."""
    partner = Partner(partner_id="p", as_of=AS_OF, customers=customers)
    kept = _evaluate.TENANT_FACTS_AT_ONCE
    try:
        _evaluate.TENANT_FACTS_AT_ONCE = 10**9
        together = verdict_to_json(mwrules.evaluate(partner))
        _evaluate.TENANT_FACTS_AT_ONCE = 2
        apart = verdict_to_json(mwrules.evaluate(partner))
    finally:
        _evaluate.TENANT_FACTS_AT_ONCE = kept

    assert together == apart


def test_an_eligible_fact_links_to_its_tenant_fact_instead_of_copying_its_python_only_fields(
    monkeypatch: pytest.MonkeyPatch,
):
    """The engine's message for every later firing is smaller: _customer, _month, _start_... stay on the tenant fact."""
    asserted: list[dict[str, Any]] = []
    real = _engine.Session.assert_fact

    def spy(session: _engine.Session, fact: dict[str, Any], kept: Any = None) -> None:
        real(session, fact, kept)
        asserted.append(fact)

    monkeypatch.setattr(_engine.Session, "assert_fact", spy)

    mwrules.evaluate(EXAMPLES / "customer-data.yaml")

    eligible = [fact for fact in asserted if fact["t"] == "eligible"]
    assert eligible
    assert all([key for key in fact if key.startswith("_")] == ["_tenant_fact"] for fact in eligible)


def alike_tenants(count: int) -> dict[str, Any]:
    """*count* tenants in three kinds, alike in their seats within a kind, and unlike in their active users."""
    kinds = [("CPOR", 350, "2023-01-01"), ("CSP", 40, "2026-03-15"), ("DPOR", 800, "2023-01-01")]
    customers = []
    for number in range(count):
        kind, seats, since = kinds[number % 3]
        rows = [row("2026-10", "Teams", seats, number % seats), row("2025-10", "Teams", seats // 2, 1)]
        customers.append(customer(f"t{number}", kind=kind, since=since, rows=rows))
    return partner(*customers)


def together_and_apart(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The verdict of *document* as JSON with its tenant facts in one group, and two to a group."""
    kept = _evaluate.TENANT_FACTS_AT_ONCE
    try:
        _evaluate.TENANT_FACTS_AT_ONCE = 10**9
        together = verdict_to_json(mwrules.evaluate(document))
        _evaluate.TENANT_FACTS_AT_ONCE = 2
        apart = verdict_to_json(mwrules.evaluate(document))
    finally:
        _evaluate.TENANT_FACTS_AT_ONCE = kept
    return together, apart


def test_tenants_alike_in_what_the_eligible_rules_read_give_the_trace_of_each_decided_alone():
    """A tenant fact whose eligibility a fact alike decided in an earlier group gives the same verdict and trace."""
    document = alike_tenants(12)
    together, apart = together_and_apart(document)

    assert any(step["rule"].startswith("eligible") for step in together["trace"])
    assert together == apart


def facts_sent(monkeypatch: pytest.MonkeyPatch, kind: str) -> list[int]:
    """A list that gets, per message sent to the engine from now on, how many facts of *kind* it holds."""
    sent: list[int] = []
    encode = engine_messages.encode

    def counting(value: Any) -> str:
        message = encode(value)
        sent.append(message.count(f'"t":"{kind}"'))
        return message

    monkeypatch.setattr(_engine, "encode", counting)
    return sent


def test_tenant_facts_alike_in_what_the_eligible_rules_read_reach_the_engine_once_past_the_first_group(
    monkeypatch: pytest.MonkeyPatch,
):
    """3,000 tenants of three kinds: past the first group of tenant facts, the engine is not asked again."""
    sent = facts_sent(monkeypatch, "tenant")

    document = alike_tenants(3000)
    verdict = mwrules.evaluate(document)

    assert measures(verdict) == plain_measures(mwrules.load_partner(document).customers or (), AS_OF)
    assert sum(sent) <= _evaluate.TENANT_FACTS_AT_ONCE


def same_tenants(count: int) -> dict[str, Any]:
    """*count* tenants in three kinds, alike within a kind in every row (the same seats and active users)."""
    kinds = [("CPOR", 350, "2023-01-01"), ("CSP", 40, "2026-03-15"), ("DPOR", 800, "2023-01-01")]
    customers = []
    for number in range(count):
        kind, seats, since = kinds[number % 3]
        rows = [row("2026-10", "Teams", seats, seats // 2), row("2025-10", "Teams", seats // 2, 1)]
        customers.append(customer(f"t{number}", kind=kind, since=since, rows=rows))
    return partner(*customers)


def test_eligible_facts_alike_in_what_the_counted_rules_read_reach_the_engine_once_past_the_first_group(
    monkeypatch: pytest.MonkeyPatch,
):
    """3,000 tenants of three kinds: the eligible facts of the groups after the first are counted without the engine."""
    sent = facts_sent(monkeypatch, "eligible")

    document = same_tenants(3000)
    verdict = mwrules.evaluate(document)

    eligible = sum(step.rule.startswith("eligible") for step in verdict.trace)
    assert eligible > 2 * _evaluate.TENANT_FACTS_AT_ONCE
    assert measures(verdict) == plain_measures(mwrules.load_partner(document).customers or (), AS_OF)
    assert sum(sent) <= eligible / 3 + 10  # the first group's, and the first of each kind in the second


def test_tenants_alike_in_what_the_counted_rules_read_give_the_trace_of_each_counted_alone():
    """Eligible facts counted without the engine, as one alike was, give the same verdict and trace."""
    document = same_tenants(12)
    together, apart = together_and_apart(document)

    assert any(step["rule"].startswith("counted") for step in together["trace"])
    assert together == apart


def fields_read(pattern: object) -> set[str]:
    """The fields of its fact that a durable_rules pattern reads: its keys not named $..., and what $m names."""
    if isinstance(pattern, list):
        return set().union(*(fields_read(item) for item in pattern))
    if not isinstance(pattern, dict):
        return set()
    found = set()
    for key, value in pattern.items():
        if key == "$m":
            found.add(value)
        elif not key.startswith("$"):
            found.add(key)
        found |= fields_read(value)
    return found


def patterns_on(version: str, kind: str) -> list[tuple[str, set[str]]]:
    """Each pattern on a fact of *kind* in Modern Work *version*'s rules (with customer data): rule, fields read."""
    rules = _evaluate.compiled_rules(select_ruleset(f"modern-work@{version}").ruleset).engine_for(True).rules
    return [
        (rule.name, fields_read(pattern))
        for rule in rules
        for alias_pattern in rule.when["all"]
        for pattern in alias_pattern.values()
        if {"t": kind} in pattern.get("$and", [pattern])
    ]


@pytest.mark.parametrize("version", ["2023-06", "2026-01"])
def test_the_rules_on_a_tenant_fact_read_only_what_a_timeline_keeps_their_decision_by(version: str):
    """A timeline reuses the eligibility of tenant facts alike in ELIGIBILITY_FIELDS: no rule on them reads more."""
    on_tenants = patterns_on(version, "tenant")

    assert on_tenants
    assert all(name.startswith("eligible") for name, _ in on_tenants)
    assert all(read <= {"t", *ELIGIBILITY_FIELDS} for _, read in on_tenants), on_tenants


@pytest.mark.parametrize("version", ["2023-06", "2026-01"])
def test_the_rules_on_an_eligible_fact_do_not_read_what_tenants_alike_differ_in(version: str):
    """Eligible facts alike but in UNREAD_OF_ELIGIBLE are counted alike: no rule on them reads those fields."""
    on_eligible = patterns_on(version, "eligible")

    assert on_eligible
    assert all(not read & UNREAD_OF_ELIGIBLE for _, read in on_eligible), on_eligible


def test_the_alike_key_of_an_eligible_fact_holds_all_the_engine_reads_of_it():
    """Two eligible facts with the same key are the same to the engine but for the fields no rule reads,
    among tenants alike but in when their association started."""
    rows = [row("2026-10", "Teams", 40, 20), row("2025-10", "Teams", 20, 1)]
    started = [customer(f"s{n}", kind="CSP", since=f"2026-0{3 + n % 3}-15", rows=rows) for n in range(6)]
    document = partner(*alike_tenants(60)["customers"], *started)
    asserted: list[dict[str, Any]] = []
    real = _engine.Session.assert_fact

    def spy(session: _engine.Session, fact: dict[str, Any], kept: Any = None) -> None:
        real(session, fact, kept)
        asserted.append(fact)

    kept = _evaluate.TENANT_FACTS_AT_ONCE
    try:
        _evaluate.TENANT_FACTS_AT_ONCE = 10**9  # every eligible fact derived by the engine, none counted alike
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_engine.Session, "assert_fact", spy)
            mwrules.evaluate(document)
    finally:
        _evaluate.TENANT_FACTS_AT_ONCE = kept

    seen: dict[Any, dict[str, Any]] = {}
    for fact in (fact for fact in asserted if fact["t"] == "eligible"):
        engine_sees = {k: v for k, v in fact.items() if k[0] != "_" and k not in UNREAD_OF_ELIGIBLE}
        assert seen.setdefault(eligibility_key(fact), engine_sees) == engine_sees
    assert 1 < len(seen) < len([fact for fact in asserted if fact["t"] == "eligible"])


# Examples ----------------------------------------------------------------------------


def customer(tenant: str = "t1", *, kind: str = "CPOR", since: str = "2023-01-01", rows: Any = ()) -> dict[str, Any]:
    return {"tenant": tenant, "associations": [{"type": kind, "since": since}], "usage": list(rows)}


def row(month: str, workload: str, paid: int, active: int) -> dict[str, Any]:
    return {"month": month, "workload": workload, "paid_seats": paid, "active_users": active}


def partner(*customers: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    return {"partner_id": "contoso", "as_of": "2026-11-28", "customers": list(customers), **more}


def problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(mwrules.InputError) as caught:
        mwrules.load_partner(document)
    return [(problem.where, problem.code) for problem in caught.value.problems]


def test_an_association_is_checked_in_full_though_its_type_and_start_were_seen_before():
    """Types and dates already checked are not checked again, but a type that is not text, or unknown, still is."""
    document = partner(
        customer("t1", kind="CPOR", since="2024-03-15"),
        {"tenant": "t2", "associations": [{"type": ["CPOR"], "since": "2024-03-15"}]},
        {"tenant": "t3", "associations": [{"type": "CPR", "since": "2024-03-15"}]},
        {"tenant": "t4", "associations": [{"type": "CPOR", "since": "2024-03-15", "util": None}]},
    )

    assert problems(document) == [
        ("$.customers[1].associations[0].type", codes.INVALID_VALUE),
        ("$.customers[2].associations[0].type", codes.UNKNOWN_ASSOCIATION_TYPE),
        ("$.customers[3].associations[0].util", codes.UNKNOWN_KEY),
    ]


def test_every_problem_of_the_customer_data_is_reported_at_once():
    document = partner(
        customer("t1", kind="CPRO", rows=[row("2025-13", "Teams", 5, 1), row("2026-10", "Teams", -1, 1)]),
        customer("T1 ", rows=[row("2026-10", "Exchange", 400, 1), row("2026-10", "exchange online", 400, 2)]),
        {"tenant": "t3", "associations": [{"type": "DPOR", "since": "2025-01-01", "until": "2024-01-01"}]},
        {"tenant": "t4", "associations": []},
    )

    assert problems(document) == [
        ("$.customers[0].associations[0].type", codes.UNKNOWN_ASSOCIATION_TYPE),
        ("$.customers[0].usage[0].month", codes.INVALID_VALUE),
        ("$.customers[0].usage[1].paid_seats", codes.INVALID_VALUE),
        ("$.customers[1].usage[1]", codes.DUPLICATE_USAGE),
        ("$.customers[1].tenant", codes.DUPLICATE_TENANT),
        ("$.customers[2].associations[0].until", codes.ASSOCIATION_DATES),
        ("$.customers[3].associations", codes.INVALID_VALUE),
    ]


def test_an_unknown_association_type_gets_a_suggestion():
    with pytest.raises(mwrules.InputError) as caught:
        mwrules.load_partner(partner(customer(kind="DPRO")))

    assert "did you mean 'DPOR'?" in str(caught.value)


@pytest.mark.parametrize(
    "month", ["2025-1", "10/2025", "2025-00", 202510, "2025-10-01", "2026-10\n", "２０２６-10", "0000-10"]
)
def test_a_month_written_wrongly_is_refused(month: object):
    assert problems(partner(customer(rows=[row("2026-10", "Teams", 5, 1) | {"month": month}]))) == [
        ("$.customers[0].usage[0].month", codes.INVALID_VALUE)
    ]


def test_an_association_whose_since_is_null_is_refused_not_dropped():
    """A null start (YAML's empty ``since:``) is refused at its place: the association was silently left out."""
    assert problems(partner(customer(since=None, rows=[row("2026-10", "Teams", 400, 310)]))) == [  # type: ignore[arg-type]
        ("$.customers[0].associations[0].since", codes.INVALID_VALUE)
    ]


def test_active_users_above_paid_seats_are_taken_as_they_are():
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 900)])))

    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 900, "dpor": 0}


def test_counts_written_as_whole_floats_are_read_as_whole_numbers():
    """paid_seats: 400.0 is 400, as any count of a document (docs/input-format.md); 400.5 is refused."""
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400.0, 310.0)])))

    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 310, "dpor": 0}
    assert problems(partner(customer(rows=[row("2026-10", "Teams", 400.5, 1)]))) == [
        ("$.customers[0].usage[0].paid_seats", codes.INVALID_VALUE)
    ]


def test_rows_of_unknown_workloads_are_counted_in_one_warning():
    rows = [row(f"2026-{month:02d}", "Power BI", 500, 100) for month in range(1, 11)]
    verdict = mwrules.evaluate(partner(customer(rows=[*rows, row("2026-10", "Power Apps", 5, 1)])))

    [warning] = [warning for warning in verdict.warnings if "do not count" in warning]
    assert "11 usage rows of 2 workload(s)" in warning
    assert "'Power BI' (10)" in warning
    assert verdict.paths["enterprise"].metrics["net_customer_adds"].inputs == {"value": 0}


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Microsoft Teams", "Teams"),
        ("Microsoft Intune", "Intune"),
        ("Microsoft Exchange", "Exchange Online"),
        ("Microsoft SharePoint", "SharePoint Online"),
        ("Teamz", "Teams"),
    ],
)
def test_a_workload_written_with_its_maker_s_name_is_offered_the_workload_it_names(written: str, meant: str):
    """'Microsoft Teams' was offered 'Microsoft 365 Apps', 'Microsoft Intune' 'Microsoft Entra ID P1': the closest
    by letters, most of them the maker's name (hostile run 30)."""
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", written, 400, 100)])))

    [warning] = [warning for warning in verdict.warnings if "do not count" in warning]
    assert f"{written!r} (1), did you mean {meant!r}?" in warning


def test_months_without_any_row_are_named_in_the_warnings():
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 100)])))

    assert any("no usage row for 2025-10 (month M-12" in warning for warning in verdict.warnings)
    assert not any("no usage row for 2026-10" in warning for warning in verdict.warnings)


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        ("0001-01-15", ["a month before 0001-01", "a month before 0001-01"]),
        ("0001-02-15", ["0001-01", "a month before 0001-01"]),  # 0001-01, the first month there is, is one
    ],
)
def test_months_before_year_1_are_named_so_not_written_as_no_month(as_of: str, months: list[str]):
    """``--as-of 0001-01-15`` (hostile run 16): "no usage row for 0000-12" and "-001-12" named months none can write."""
    document = {**partner(customer(rows=[row("2026-10", "Teams", 400, 100)])), "as_of": as_of}
    verdict = mwrules.evaluate(document, ruleset="modern-work@2023-06")

    missing = [warning for warning in verdict.warnings if "no usage row" in warning]
    assert missing == [
        f"$.customers: no usage row for {month} (month {m} for as_of {as_of}); every tenant counts 0 there"
        for month, m in zip(months, ("M", "M-12"), strict=True)
    ]


def test_a_month_whose_rows_are_all_of_workloads_that_do_not_count_is_not_said_to_have_none():
    """Month M's only row was of Power BI: it was warned of, then M was said to have "no usage row" (hostile run 11)."""
    rows = [row("2026-10", "Power BI", 400, 100), row("2025-10", "Teams", 400, 100)]
    verdict = mwrules.evaluate(partner(customer(rows=rows)))

    assert not any("no usage row for 2026-10" in warning for warning in verdict.warnings)
    assert (
        "$.customers: every usage row for 2026-10 is of a workload that does not count (month M for as_of "
        "2026-11-28); every tenant counts 0 there"
    ) in verdict.warnings


def test_a_given_metric_wins_and_the_verdict_says_so():
    document = partner(
        customer(rows=[row("2026-10", "Teams", 400, 100)]), metrics={"enterprise": {"usage_growth": {"cpor": 7}}}
    )
    verdict = mwrules.evaluate(document)

    usage = verdict.paths["enterprise"].metrics["usage_growth"]
    assert (usage.inputs, usage.derived) == ({"cpor": 7, "dpor": 0}, False)
    assert verdict.paths["smb"].metrics["usage_growth"].derived
    assert "$.metrics.enterprise.usage_growth: given, so it is not measured from the customer data" in verdict.warnings


def test_no_customer_data_keeps_the_given_metrics_as_before():
    document = {"partner_id": "c", "as_of": "2026-11-28", "metrics": {"smb": {"net_customer_adds": 3}}}
    verdict = mwrules.evaluate(document)

    assert not any(metric.derived for path in verdict.paths.values() for metric in path.metrics.values())
    assert not any(step.rule.startswith(("eligible", "counted", "measure")) for step in verdict.trace)


def test_an_empty_list_of_customers_measures_zero():
    verdict = mwrules.evaluate(partner())

    assert verdict.paths["smb"].metrics["deployments"].inputs == {"cpor": 0, "csp": 0}
    assert verdict.paths["smb"].metrics["deployments"].derived


def test_the_trace_names_the_tenants_behind_a_measure():
    document = partner(
        customer("t1", rows=[row("2026-10", "Teams", 400, 310)]) | {"name": "Fabrikam"},
        customer(
            "t2",
            kind="DPOR",
            since="2026-02-01",
            rows=[row("2026-02", "Teams", 500, 40), row("2026-10", "Teams", 500, 100)],
        ),
    )
    verdict = mwrules.evaluate(document)

    steps = {(step.rule, step.concluded["tenant"]): step for step in verdict.trace if "tenant" in step.concluded}
    assert steps["counted:enterprise:usage_growth:cpor", "t1"].concluded["name"] == "Fabrikam"
    assert steps["counted:enterprise:usage_growth:cpor", "t1"].concluded["contribution"] == 310
    assert steps["usage-before-association:enterprise:usage_growth:dpor", "t2"].concluded["contribution"] == -40
    assert steps["counted:enterprise:usage_growth:cpor", "t1"].matched == (
        "eligible:enterprise:usage_growth+deployments $.customers[0] in 2026-10",
    )
    text = mwrules.explain(verdict)
    assert "Fabrikam (t1) in 2026-10: +310 active users  [counted:enterprise:usage_growth:cpor" in text
    assert "t2: -40, the active users it had when its association started in 2026-02" in text


def test_a_verdict_from_customer_data_survives_json():
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 310)])))

    assert verdict_from_json(verdict_to_json(verdict)) == verdict
    assert verdict_to_json(verdict)["paths"]["enterprise"]["metrics"]["usage_growth"]["derived"] is True


def test_customers_past_the_limit_are_refused():
    document = partner(customer("a"), customer("b"), customer("c"))
    with pytest.raises(mwrules.InputError) as caught:
        mwrules.load_partner(document, limits=mwrules.Limits(max_customers=2))

    assert [(problem.where, problem.code) for problem in caught.value.problems] == [("$.customers", codes.LIMIT)]


def test_a_ruleset_measuring_nothing_from_customers_says_the_data_is_not_used():
    ruleset = select_ruleset("modern-work@2026-01").ruleset
    plain = attrs.evolve(
        ruleset,
        metrics=tuple(attrs.evolve(metric, from_customers=None) for metric in ruleset.metrics),
        source=None,
    )
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 310)])), ruleset=plain)

    assert any("the customer data is not used" in warning for warning in verdict.warnings)


def test_the_worked_example_of_the_docs():
    """docs/customer-data.md works this partner out by hand."""
    fabrikam = customer(
        "t1", since="2024-03-15", rows=[row("2025-10", "Teams", 200, 50), row("2026-10", "Teams", 400, 310)]
    )
    northwind = customer(
        "t2",
        kind="DPOR",
        since="2026-02-01",
        rows=[row("2026-02", "Exchange", 500, 40), row("2026-10", "Exchange", 500, 100)],
    )
    litware = customer("t3", kind="CSP", rows=[row("2025-10", "Intune", 50, 30)])
    verdict = mwrules.evaluate(
        partner(fabrikam | {"name": "Fabrikam"}, northwind | {"name": "Northwind"}, litware | {"name": "Litware"})
    )

    assert measures(verdict) == {
        "enterprise": {
            "net_customer_adds": {"value": 2},
            "usage_growth": {"cpor": 310, "dpor": 60},
            "deployments": {"cpor": 1, "dpor": 0},
        },
        "smb": {
            "net_customer_adds": {"value": -1},
            "usage_growth": {"cpor": 260, "csp": -30},
            "deployments": {"cpor": 1, "csp": -1},
        },
    }
    points = {path: {m: float(r.points) for m, r in verdict.paths[path].metrics.items()} for path in verdict.paths}
    assert points["enterprise"]["net_customer_adds"] == 8
    assert points["enterprise"]["usage_growth"] == 9.3
    assert points["smb"]["usage_growth"] == 15.6
    assert points["smb"]["deployments"] == 5


PLAN_PARTNER = partner(
    customer("t1", rows=[row("2026-10", "Teams", 400, 140)]) | {"name": "Fabrikam"},
    customer("t2", rows=[row("2026-10", "Teams", 290, 250)]) | {"name": "Northwind"},
    customer("t3", kind="CSP", rows=[row("2026-10", "Teams", 900, 800)]) | {"name": "Litware"},
    people=[
        {"id": "p1", "certifications": ["MS-700", "MS-102"]},
        {"id": "p2", "certifications": ["SC-300", "MS-102"]},
        {"id": "p3", "certifications": ["MS-700"]},
        {"id": "p4", "certifications": ["MS-700"]},
    ],
)
CHEAP_DEPLOYMENTS = {"deployment": {"cpor": 0.1, "dpor": 100, "csp": 100}, "net_customer_add": 0.01}


def test_a_plan_names_the_tenants_nearest_to_a_deployment():
    plan = mwrules.plan(PLAN_PARTNER, path="enterprise", costs=CHEAP_DEPLOYMENTS)

    [deployments] = [action for action in plan.actions if action.metric == "deployments"]
    assert deployments.tenants == (
        "tenant Fabrikam (t1): 35 % active (140 of 400 paid seats), "
        "needs 20 more active user(s) to count as a deployment",
    )


def test_a_plan_names_the_tenants_nearest_to_a_net_customer_add():
    plan = mwrules.plan(PLAN_PARTNER, path="enterprise", costs=CHEAP_DEPLOYMENTS)

    [adds] = [action for action in plan.actions if action.metric == "net_customer_adds"]
    assert adds.tenants == (
        "tenant Northwind (t2): 290 paid seats on its largest workload, needs 11 more to count",
        "tenant Litware (t3): 900 paid seats, but no active CPOR or DPOR association",
    )
    text = plan_to_text(plan, select_ruleset("modern-work@2026-01").ruleset)
    assert "     nearest to counting:\n       tenant Northwind (t2): 290 paid seats" in text


def test_a_tenant_whose_association_started_in_month_m_is_not_named_nearest_to_a_deployment():
    """Started in M, M is its start month: deployed in M it is already deployed when it started (hostile run 26)."""
    document = partner(
        customer("t1", since="2026-10-18", rows=[row("2026-10", "Teams", 2000, 0)]),
        customer("t2", rows=[row("2026-10", "Teams", 401, 140)]),
    )

    plan = mwrules.plan(document, path="enterprise", costs=CHEAP_DEPLOYMENTS)

    [deployments] = [action for action in plan.actions if action.metric == "deployments"]
    assert deployments.tenants == (
        "tenant t2: 34 % active (140 of 401 paid seats), needs 21 more active user(s) to count as a deployment",
    )
    raised = partner(
        customer("t1", since="2026-10-18", rows=[row("2026-10", "Teams", 2000, 800)]),
        customer("t2", rows=[row("2026-10", "Teams", 401, 140)]),
    )
    assert mwrules.evaluate(raised).paths["enterprise"].metrics["deployments"].inputs["cpor"] == 0


def test_a_tenant_eligible_for_smb_by_the_carry_over_is_named_nearest_to_a_deployment():
    """400 seats now (enterprise), 200 a year before: smb counts it, but plan's hints looked at today's seats only
    (hostile run 26)."""
    rows = [row("2025-10", "Teams", 200, 100)]
    document = partner(customer("t1", kind="CSP", rows=[*rows, row("2026-10", "Teams", 400, 100)]))
    costs = {"deployment": {"cpor": 100, "dpor": 100, "csp": 0.1}, "net_customer_add": 100}

    plan = mwrules.plan(document, path="smb", costs=costs)

    [deployments] = [action for action in plan.actions if action.metric == "deployments"]
    assert deployments.tenants == (
        "tenant t1: 25 % active (100 of 400 paid seats), needs 60 more active user(s) to count as a deployment",
    )
    before = mwrules.evaluate(document).paths["smb"].metrics["deployments"].inputs["csp"]
    applied = partner(customer("t1", kind="CSP", rows=[*rows, row("2026-10", "Teams", 400, 160)]))
    assert mwrules.evaluate(applied).paths["smb"].metrics["deployments"].inputs["csp"] == before + 1


def test_a_tenant_that_shrank_below_smb_is_not_eligible_by_the_carry_over():
    """The carry-over takes a tenant eligible for enterprise now: one of 5 seats now, 200 a year before, is not."""
    shrunk = customer("t1", kind="CSP", rows=[row("2025-10", "Teams", 200, 100), row("2026-10", "Teams", 5, 0)])
    grown = customer("t2", kind="CSP", rows=[row("2026-10", "Teams", 100, 10)])
    costs = {"deployment": {"cpor": 100, "dpor": 100, "csp": 0.1}, "net_customer_add": 100}

    plan = mwrules.plan(partner(shrunk, grown), path="smb", costs=costs)

    [deployments] = [action for action in plan.actions if action.metric == "deployments"]
    assert deployments.tenants == (
        "tenant t2: 10 % active (10 of 100 paid seats), needs 30 more active user(s) to count as a deployment",
    )


def test_the_active_users_a_tenant_lacks_for_a_deployment_are_rounded_up():
    """140 active of 401 paid seats: 40 % is 160.4, so 161 are needed, 21 more (160 would be 39.9 %)."""
    document = partner(customer("t1", rows=[row("2026-10", "Teams", 401, 140)]))

    plan = mwrules.plan(document, path="enterprise", costs=CHEAP_DEPLOYMENTS)

    [deployments] = [action for action in plan.actions if action.metric == "deployments"]
    assert deployments.tenants == (
        "tenant t1: 34 % active (140 of 401 paid seats), needs 21 more active user(s) to count as a deployment",
    )


def test_the_tenants_nearest_to_counting_are_named_nearest_first_whatever_their_order():
    """A 250-seat tenant given before a 290-seat one: the 290 needs 11 more seats, the 250 needs 51."""
    document = partner(
        customer("t1", rows=[row("2026-10", "Teams", 250, 100)]),
        customer("t2", rows=[row("2026-10", "Teams", 290, 100)]),
    )

    plan = mwrules.plan(document, path="enterprise", costs=CHEAP_DEPLOYMENTS)

    [adds] = [action for action in plan.actions if action.metric == "net_customer_adds"]
    assert adds.tenants == (
        "tenant t2: 290 paid seats on its largest workload, needs 11 more to count",
        "tenant t1: 250 paid seats on its largest workload, needs 51 more to count",
    )


def test_a_plan_raises_a_measure_from_customer_data_from_what_was_measured():
    """The plan's raise is on top of the derived measure, and the partner qualifies after it."""
    plan = mwrules.plan(PLAN_PARTNER)

    [growth] = [action for action in plan.actions if action.metric == "usage_growth"]
    path = growth.path or ""
    before = plan.before.paths[path].metrics["usage_growth"]
    after = plan.after.paths[path].metrics["usage_growth"]
    assert before.derived
    assert after.inputs[growth.option or ""] == before.inputs[growth.option or ""] + growth.units
    assert plan.after.paths[path].qualified


@settings(max_examples=40)
@given(st.data())
def test_partners_with_customer_data_keep_their_qualifying_promise(data: st.DataObject):
    qualifying = data.draw(st.sampled_from([True, False]))
    partner = data.draw(mst.partners(qualifying=qualifying, customer_data=True))
    verdict = mwrules.evaluate(partner)

    assert verdict.qualified is qualifying
    assert partner.customers is not None
    assert not partner.metrics
    for path in verdict.paths.values():
        for metric in ("net_customer_adds", "usage_growth", "deployments"):
            assert path.metrics[metric].derived


def test_customer_data_partners_need_a_ruleset_that_measures_them():
    ruleset = select_ruleset("modern-work@2026-01").ruleset
    plain = attrs.evolve(ruleset, metrics=tuple(attrs.evolve(m, from_customers=None) for m in ruleset.metrics))
    with pytest.raises(InvalidArgument, match="cannot measure every customer metric"):
        mst.partners(ruleset=plain, customer_data=True).example()


def test_the_garbage_collector_is_paused_only_during_an_evaluation():
    import gc  # noqa: PLC0415

    document = partner(customer(rows=[row("2026-10", "Teams", 400, 310)]))
    mwrules.evaluate(document)
    assert gc.isenabled()

    gc.disable()
    try:
        mwrules.evaluate(document)
        assert not gc.isenabled()  # as the caller left it
    finally:
        gc.enable()
    with pytest.raises(mwrules.InputError):
        mwrules.evaluate({"partner_id": 5})
    assert gc.isenabled()


# The readings of docs/customer-data.md, each pinned by a fixed case --------------------
# As of 2026-11-28 unless said: M is 2026-10, M-12 is 2025-10.


def measure(document: Mapping[str, Any], path: str, metric: str) -> Mapping[str, int]:
    """The measure of *metric* on *path* that *document*'s customer data gives."""
    result = mwrules.evaluate(document).paths[path].metrics[metric]
    assert result.derived
    return result.inputs


def associated(tenant: str, *associations: Mapping[str, str], rows: Any = ()) -> dict[str, Any]:
    """A customer with the given associations (each a dict of type, since and until)."""
    return {"tenant": tenant, "associations": list(associations), "usage": list(rows)}


def test_m_is_the_month_before_as_of_even_on_the_last_day_of_a_month():
    """As of 2026-11-30, M is 2026-10 (not 2026-11), compared with 2025-10 (not 2025-11)."""
    rows = [
        row("2025-10", "Teams", 400, 100),
        row("2025-11", "Teams", 400, 10),
        row("2026-10", "Teams", 400, 300),
        row("2026-11", "Teams", 400, 50),
    ]
    document = partner(customer(rows=rows), as_of="2026-11-30")

    assert measure(document, "enterprise", "usage_growth") == {"cpor": 300 - 100, "dpor": 0}


def test_a_workload_is_matched_by_alias_ignoring_case_and_extra_spaces():
    """'  exchange ' is the alias Exchange of Exchange Online."""
    document = partner(customer(rows=[row("2026-10", "  exchange ", 400, 300)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": 1}
    assert measure(document, "enterprise", "usage_growth") == {"cpor": 300, "dpor": 0}


def test_a_workload_the_ruleset_does_not_list_is_not_counted():
    """400 seats of Power BI make a tenant eligible for nothing and add no active users."""
    document = partner(customer(rows=[row("2026-10", "Power BI", 400, 300)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": 0}
    assert measure(document, "enterprise", "usage_growth") == {"cpor": 0, "dpor": 0}


def test_teams_premium_counts_for_usage_growth_and_deployments_not_net_customer_adds():
    """The 2026 list gives Teams Premium its metrics: alone, it makes no net customer add."""
    document = partner(customer(rows=[row("2026-10", "Teams Premium", 400, 300)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": 0}
    assert measure(document, "enterprise", "usage_growth") == {"cpor": 300, "dpor": 0}
    assert measure(document, "enterprise", "deployments") == {"cpor": 1, "dpor": 0}


@pytest.mark.parametrize(
    ("seats", "enterprise", "smb"),
    [(10, 0, 0), (11, 0, 1), (300, 0, 1), (301, 1, 0)],
    ids=["10-none", "11-smb", "300-smb", "301-enterprise"],
)
def test_the_seat_bands_are_more_than_300_for_enterprise_and_11_to_300_for_smb(seats: int, enterprise: int, smb: int):
    """Seats on one workload in M: 10 are in no band, 11 and 300 in smb's, 301 in enterprise's."""
    document = partner(customer(rows=[row("2026-10", "Teams", seats, 1)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": enterprise}
    assert measure(document, "smb", "net_customer_adds") == {"value": smb}


def test_eligibility_is_one_workload_in_the_band_not_the_seats_summed():
    """200 seats on each of two workloads: 11 to 300 on one workload (smb), never more than 300 (enterprise)."""
    document = partner(customer(rows=[row("2026-10", "Teams", 200, 1), row("2026-10", "Intune", 200, 1)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": 0}
    assert measure(document, "smb", "net_customer_adds") == {"value": 1}


def test_a_tenant_with_a_workload_in_each_band_is_eligible_for_both_paths():
    """400 seats on Teams and 200 on Intune: enterprise through Teams, smb through Intune."""
    document = partner(customer(rows=[row("2026-10", "Teams", 400, 1), row("2026-10", "Intune", 200, 1)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": 1}
    assert measure(document, "smb", "net_customer_adds") == {"value": 1}


def test_the_carry_over_makes_an_enterprise_tenant_with_smb_seats_a_year_before_eligible_for_smb():
    """400 seats in M, 200 in M-12: smb counts it in both months (300 - 50)."""
    document = partner(customer(rows=[row("2025-10", "Teams", 200, 50), row("2026-10", "Teams", 400, 300)]))

    assert measure(document, "smb", "usage_growth") == {"cpor": 300 - 50, "csp": 0}


def test_the_carry_over_looks_back_once_and_does_not_chain():
    """400 seats in M and in M-12, 200 in M-24: smb counts M-12 (carried over from M-24), not M (400 a year before)."""
    rows = [row("2024-10", "Teams", 200, 10), row("2025-10", "Teams", 400, 100), row("2026-10", "Teams", 400, 300)]
    document = partner(customer(rows=rows))

    assert measure(document, "smb", "usage_growth") == {"cpor": -100, "csp": 0}


@pytest.mark.parametrize(
    ("dates", "counted"),
    [
        ({"since": "2026-10-31"}, 1),  # started on the last day of M
        ({"since": "2026-11-01"}, 0),  # starts after M
        ({"since": "2020-01-01", "until": "2026-10-01"}, 1),  # ended on the first day of M
        ({"since": "2020-01-01", "until": "2026-09-30"}, 0),  # ended before M
    ],
    ids=["since-last-day", "since-after", "until-first-day", "until-before"],
)
def test_an_association_counts_in_a_month_it_overlaps_by_a_day(dates: Mapping[str, str], counted: int):
    """Started on or before the last day of M and not ended before its first day."""
    document = partner(associated("t1", {"type": "CPOR", **dates}, rows=[row("2026-10", "Teams", 400, 300)]))

    assert measure(document, "enterprise", "net_customer_adds") == {"value": counted}


@pytest.mark.parametrize(
    ("kind", "seats", "path", "counted"),
    [
        ("DPOR", 400, "enterprise", 1),
        ("DPOR", 200, "smb", 0),
        ("CSP", 400, "enterprise", 0),
        ("CSP Tier 2", 200, "smb", 1),
        ("csp tier 1", 200, "smb", 1),
    ],
)
def test_each_path_counts_its_own_association_types(kind: str, seats: int, path: str, counted: int):
    """Enterprise counts CPOR and DPOR, smb counts CPOR and CSP (Tier 1 and Tier 2 are CSP)."""
    document = partner(customer(kind=kind, rows=[row("2026-10", "Teams", seats, 1)]))

    assert measure(document, path, "net_customer_adds") == {"value": counted}


def test_a_tenant_counted_through_two_association_types_is_one_net_customer_add():
    """CPOR and DPOR both active: one tenant counted in M, once."""
    tenant = associated(
        "t1",
        {"type": "CPOR", "since": "2020-01-01"},
        {"type": "DPOR", "since": "2020-01-01"},
        rows=[row("2026-10", "Teams", 400, 300)],
    )

    assert measure(partner(tenant), "enterprise", "net_customer_adds") == {"value": 1}


def test_usage_growth_sums_the_eligible_workloads_of_a_counted_tenant():
    """Teams and Exchange count (the band is met on Teams alone); Power BI is not a listed workload."""
    rows = [
        row("2026-10", "Teams", 400, 100),
        row("2026-10", "Exchange", 20, 50),
        row("2026-10", "Power BI", 400, 1000),
    ]

    assert measure(partner(customer(rows=rows)), "enterprise", "usage_growth") == {"cpor": 150, "dpor": 0}


def test_usage_found_by_an_association_started_in_m_minus_11_is_taken_away():
    """Started 2025-11-05 (M-11) with 100 active users then, 300 in M: it grew usage by 200."""
    document = partner(
        customer(since="2025-11-05", rows=[row("2025-11", "Teams", 400, 100), row("2026-10", "Teams", 400, 300)])
    )

    assert measure(document, "enterprise", "usage_growth") == {"cpor": 200, "dpor": 0}


def test_an_association_started_in_m_minus_12_is_compared_with_m_minus_12_only():
    """Started in 2025-10 (M-12): counted there, so its 100 users then are taken away once, not twice."""
    document = partner(
        customer(since="2025-10-15", rows=[row("2025-10", "Teams", 400, 100), row("2026-10", "Teams", 400, 300)])
    )

    assert measure(document, "enterprise", "usage_growth") == {"cpor": 200, "dpor": 0}


def test_an_association_started_in_m_grows_no_usage():
    """Started in 2026-10 itself: the users of M are the users it had when it started."""
    document = partner(customer(since="2026-10-10", rows=[row("2026-10", "Teams", 400, 300)]))

    assert measure(document, "enterprise", "usage_growth") == {"cpor": 0, "dpor": 0}


@pytest.mark.parametrize("listed", [1, -1], ids=["in-order", "latest-first"])
def test_with_two_associations_of_one_type_the_one_that_started_first_is_the_tenants(listed: int):
    """CPOR since 2020 and again since 2026-05, in either order: the 2020 one, so the 100 users of 2026-05
    are not taken away."""
    both = [{"type": "CPOR", "since": "2020-01-01"}, {"type": "CPOR", "since": "2026-05-01"}]
    tenant = associated(
        "t1", *both[::listed], rows=[row("2026-05", "Teams", 400, 100), row("2026-10", "Teams", 400, 300)]
    )

    assert measure(partner(tenant), "enterprise", "usage_growth") == {"cpor": 300, "dpor": 0}


def test_a_re_associating_tenant_is_measured_from_its_association_active_in_m():
    """The worked example of docs/customer-data.md: CPOR 2020 to 2025-06, again from 2026-03.

    The one that started first among those active in M is the 2026-03 one: its
    100 users then are taken away. (Reading "started first" over every
    association would take the 2020 one and give 300.)
    """
    tenant = associated(
        "t1",
        {"type": "CPOR", "since": "2020-01-01", "until": "2025-06-30"},
        {"type": "CPOR", "since": "2026-03-01"},
        rows=[
            row("2025-10", "Teams", 400, 250),
            row("2026-03", "Teams", 400, 100),
            row("2026-10", "Teams", 400, 300),
        ],
    )

    assert measure(partner(tenant), "enterprise", "usage_growth") == {"cpor": 200, "dpor": 0}


@pytest.mark.parametrize(("active", "deployed"), [(160, 1), (159, 0)], ids=["40-percent", "just-below"])
def test_a_tenant_is_deployed_at_exactly_40_percent_active(active: int, deployed: int):
    """160 of 400 is exactly 40 %, deployed; 159 is not."""
    document = partner(customer(rows=[row("2026-10", "Teams", 400, active)]))

    assert measure(document, "enterprise", "deployments") == {"cpor": deployed, "dpor": 0}


def test_deployment_sums_every_eligible_workload_not_only_the_one_in_the_band():
    """Teams 150 of 400 (37.5 %) and Intune 100 of 100: 250 of 500, 50 %, deployed."""
    rows = [row("2026-10", "Teams", 400, 150), row("2026-10", "Intune", 100, 100)]

    assert measure(partner(customer(rows=rows)), "enterprise", "deployments") == {"cpor": 1, "dpor": 0}


@pytest.mark.parametrize(("active_then", "deployed"), [(200, 0), (100, 1)], ids=["deployed-then", "not-deployed-then"])
def test_a_new_association_already_deployed_when_it_started_is_not_a_deployment(active_then: int, deployed: int):
    """Started in 2026-02: 200 of 400 active then (deployed) is excluded; 100 of 400 (not deployed) counts."""
    rows = [row("2026-02", "Teams", 400, active_then), row("2026-10", "Teams", 400, 300)]
    document = partner(customer(since="2026-02-01", rows=rows))

    assert measure(document, "enterprise", "deployments") == {"cpor": deployed, "dpor": 0}


def test_a_negative_measure_earns_zero_points():
    """A customer lost: smb net customer adds -1, 0 points."""
    verdict = mwrules.evaluate(partner(customer(rows=[row("2025-10", "Teams", 200, 50)])))

    adds = verdict.paths["smb"].metrics["net_customer_adds"]
    assert (adds.inputs, adds.points) == ({"value": -1}, 0)


def test_a_workload_near_a_listed_one_gets_a_suggestion_and_one_far_from_all_gets_none():
    """'Intun' is one letter from Intune; 'Power BI' is near no listed workload, and gets no list of them."""
    document = partner(customer(rows=[row("2026-10", "Intun", 400, 1), row("2026-10", "Power BI", 400, 1)]))

    [warning] = [warning for warning in mwrules.evaluate(document).warnings if "do not count" in warning]
    assert "'Intun' (1), did you mean 'Intune'?" in warning
    assert "'Power BI' (1); not counted" in warning


@pytest.mark.parametrize("as_of", ["2026-11-28", "2026-02-01", "2025-12-31", "2027-11-15"])
def test_an_untraced_evaluation_gives_the_verdict_of_a_traced_one_without_its_trace(as_of: str):
    """A timeline's evaluations skip the trace (its order, the actions' conclusions): the scores are the same."""
    partner, choice = _evaluate.checked(EXAMPLES / "customer-data.yaml", None)
    partner = attrs.evolve(partner, as_of=datetime.date.fromisoformat(as_of))
    kept = _evaluate.TENANT_FACTS_AT_ONCE
    try:
        _evaluate.TENANT_FACTS_AT_ONCE = 7  # groups run apart, and alike tenants decided once
        traced = _evaluate.evaluate_with(partner, choice)
        untraced = _evaluate.evaluate_with(partner, choice, traced=False)
    finally:
        _evaluate.TENANT_FACTS_AT_ONCE = kept

    assert len(traced.trace) > 0
    assert () == tuple(untraced.trace)
    assert {**verdict_to_json(traced), "trace": []} == verdict_to_json(untraced)


@pytest.mark.parametrize(
    "written",
    [
        "{8F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F}",
        "8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f",
        " 8F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F ",
        "urn:uuid:8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
        "(8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f)",
        "{8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",  # a lost brace: no two tenants differ by one (hostile run 24)
    ],
)
def test_a_tenant_s_guid_written_another_way_is_the_same_tenant(written: str):
    """Braces, hyphens left out and case are how downloads differ: one tenant twice was counted twice."""
    document = partner(
        customer("8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", rows=[row("2026-10", "Teams", 40, 20)]),
        customer(written, rows=[row("2026-10", "Teams", 40, 20)]),
    )

    with pytest.raises(mwrules.InputError) as raised:
        mwrules.evaluate(document)

    assert [problem.code for problem in raised.value.problems] == [codes.DUPLICATE_TENANT]


@pytest.mark.parametrize(
    "written", ["8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5", "[8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f]", "tenant-1"]
)
def test_an_id_that_is_no_guid_is_compared_as_written(written: str):
    document = partner(
        customer("8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", rows=[row("2026-10", "Teams", 40, 20)]),
        customer(written, rows=[row("2026-10", "Teams", 40, 20)]),
    )

    verdict = mwrules.evaluate(document)

    assert {"value": 2} == verdict.paths["smb"].metrics["net_customer_adds"].inputs  # two tenants


@pytest.mark.parametrize("as_written", [Decimal("1"), Decimal("1.000"), Fraction(1), 1.0])
def test_a_whole_usage_count_given_from_python_in_any_number_type_is_read(as_written: object):
    """Decimal('10') was refused ('expected a whole number') where 10.0 was read, and a metric takes a Decimal."""
    document = yaml.safe_load((ROOT / "examples" / "customer-data.yaml").read_text())
    written = copy.deepcopy(document)
    for customer in written["customers"]:
        for row in customer.get("usage", []):
            row["paid_seats"] *= as_written  # type: ignore[operator]
            row["active_users"] = row["active_users"] * as_written  # type: ignore[operator]

    assert mwrules.evaluate(written) == mwrules.evaluate(document)


@pytest.mark.parametrize("as_written", [Decimal("1.5"), Decimal("NaN"), Decimal("1E+999999999"), Fraction(3, 2)])
def test_a_usage_count_that_is_no_whole_number_is_refused_at_its_place(as_written: object):
    document = yaml.safe_load((ROOT / "examples" / "customer-data.yaml").read_text())
    document["customers"][0]["usage"][0]["active_users"] = as_written
    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(document)

    assert [problem.where for problem in caught.value.problems] == ["$.customers[0].usage[0].active_users"]

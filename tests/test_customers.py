"""Customer data: the customer metrics measured from per-tenant monthly usage (criteria 9)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import mwrules
from mwrules import codes
from mwrules import strategies as mst
from mwrules._output.json import verdict_from_json, verdict_to_json
from mwrules._output.plan_report import plan_to_text
from mwrules._rulesets.versions import select_ruleset
from mwrules.model import Association, Customer, Partner, Usage


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


@pytest.mark.parametrize("month", ["2025-1", "10/2025", "2025-00", 202510, "2025-10-01"])
def test_a_month_written_wrongly_is_refused(month: object):
    assert problems(partner(customer(rows=[row("2026-10", "Teams", 5, 1) | {"month": month}]))) == [
        ("$.customers[0].usage[0].month", codes.INVALID_VALUE)
    ]


def test_active_users_above_paid_seats_are_taken_as_they_are():
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 900)])))

    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 900, "dpor": 0}


def test_rows_of_unknown_workloads_are_counted_in_one_warning():
    rows = [row(f"2026-{month:02d}", "Power BI", 500, 100) for month in range(1, 11)]
    verdict = mwrules.evaluate(partner(customer(rows=[*rows, row("2026-10", "Power Apps", 5, 1)])))

    [warning] = [warning for warning in verdict.warnings if "do not count" in warning]
    assert "11 usage rows of 2 workload(s)" in warning
    assert "'Power BI' (10)" in warning
    assert verdict.paths["enterprise"].metrics["net_customer_adds"].inputs == {"value": 0}


def test_months_without_any_row_are_named_in_the_warnings():
    verdict = mwrules.evaluate(partner(customer(rows=[row("2026-10", "Teams", 400, 100)])))

    assert any("no usage row for 2025-10 (month M-12" in warning for warning in verdict.warnings)
    assert not any("no usage row for 2026-10" in warning for warning in verdict.warnings)


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

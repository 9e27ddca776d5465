"""Customer data: tenants, associations and monthly usage, drawn or built to measure given numbers."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._rulesets.versions import DEFAULT_ID, shipped_family
from ..model import Association, Customer, Usage
from ..ruleset import Ruleset
from .dates import _ruleset_argument, _rulesets_and_dates
from .metrics import _customer_metrics
from .people import _check_sizes


# Customer data --------------------------------------------------------------------

#: Paid seats drawn for a usage row: clustered at the shipped seat bands' edges.
_SEATS = (0, 1, 10, 11, 12, 150, 299, 300, 301, 302, 1000, 5000)
#: A workload no Modern Work version lists: its rows are counted in the warnings, never used.
_OTHER_WORKLOAD = "Power BI"


def _month_of(day: datetime.date, back: int) -> str:
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@st.composite
def _customer(draw: st.DrawFn, ruleset: Ruleset, as_of: datetime.date, tenant: str) -> Customer:
    data = ruleset.customer_data
    assert data is not None  # noqa: S101 - checked by customers()
    lag, back = data.reference_month_lag, data.months_back
    # the months that matter, M back to M - 2 x months_back, and sometimes others
    offsets = sorted({lag, lag + back, lag + 2 * back, *range(lag, lag + data.new_association_months + 2)})
    kinds = [spelling for kind in data.association_types for spelling in (kind.name, *kind.aliases)]
    associations = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        start_back = draw(st.sampled_from(offsets))
        since = datetime.date.fromisoformat(_month_of(as_of, start_back) + "-01") + datetime.timedelta(
            days=draw(st.integers(min_value=0, max_value=27))
        )
        until = None
        if draw(st.booleans()) and draw(st.booleans()):
            until = since + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=800)))
        associations.append(Association(draw(st.sampled_from(kinds)), since, until))
    names: dict[str, list[str]] = {workload.name: [workload.name, *workload.aliases] for workload in ruleset.workloads}
    names[_OTHER_WORKLOAD] = [_OTHER_WORKLOAD]
    chosen = draw(st.lists(st.sampled_from(sorted(names)), min_size=1, max_size=3, unique=True))
    rows = []
    for month_back in draw(st.lists(st.sampled_from(offsets), min_size=1, max_size=5, unique=True)):
        for workload in chosen:
            if draw(st.booleans()):
                continue
            paid = draw(st.sampled_from(_SEATS))
            active = draw(st.integers(min_value=0, max_value=paid + 5))  # above paid: taken as it is
            rows.append(Usage(_month_of(as_of, month_back), draw(st.sampled_from(names[workload])), paid, active))
    return Customer(tenant=tenant, associations=tuple(associations), usage=tuple(draw(st.permutations(rows))))


def customers(
    *,
    ruleset: Ruleset | str | None = None,
    as_of: datetime.date | None = None,
    min_size: int = 0,
    max_size: int = 8,
) -> st.SearchStrategy[tuple[Customer, ...]]:
    """Customer data a partner may give (see ``docs/customer-data.md``), valid under *ruleset* on *as_of*.

    Each tenant has one or two associations (their types spelt as partner
    data does, starting in the months that matter to the measures, some
    ended) and usage rows for a few workloads in those months: the measured
    month M, M minus the comparison period, the months between, and the
    month twice as far back (for the carry-over). Seats cluster at the seat
    bands' edges; active users are sometimes above the paid seats. Workloads
    are spelt by their names or aliases, and some rows are of a workload no
    version lists. Every draw is valid: one row per month and workload.

    *ruleset* defaults to the Modern Work version in force on *as_of*, and
    *as_of* to a day in its period.

    Shrinks towards fewer tenants, with fewer rows.
    """
    _check_sizes(min_size, max_size)
    pairs = _rulesets_and_dates(ruleset, as_of, qualifying=None)
    chosen = _ruleset_argument(ruleset, as_of)
    for candidate in [chosen] if chosen is not None else list(shipped_family(DEFAULT_ID).rulesets):
        if candidate.customer_data is None:
            raise InvalidArgument(f"{candidate} measures nothing from customer data")

    def draw_customers(pair: tuple[Ruleset, datetime.date]) -> st.SearchStrategy[tuple[Customer, ...]]:
        ruleset, day = pair
        return st.integers(min_value=min_size, max_value=max_size).flatmap(
            lambda count: st.tuples(*(_customer(ruleset, day, f"tenant-{number}") for number in range(count)))
        )

    return pairs.flatmap(draw_customers)


def _check_customer_data(ruleset: Ruleset) -> None:
    measured = {metric.id for metric in ruleset.derived_metrics()}
    given = [metric.id for metric in _customer_metrics(ruleset) if metric.id not in measured]
    if ruleset.customer_data is None or given:
        raise InvalidArgument(
            f"customer_data=True: {ruleset} cannot measure every customer metric from customer data"
            + (f" ({', '.join(given)})" if given else "")
        )
    for path in ruleset.paths:
        spec = path.customers
        assert spec is not None  # noqa: S101 - checked when the ruleset loaded
        try:
            _deployment_seats(spec, ruleset.customer_data.deployment_share)
        except ValueError as error:
            raise InvalidArgument(f"customer_data=True: {error} on {path.id}") from None


def _deployment_seats(spec: Any, share: Fraction) -> tuple[int, int, int]:
    """Active users, and paid seats in the path's band with which they are deployed, and not: (users, deployed, not)."""
    low = spec.min_seats
    users = -(-low * share.numerator // share.denominator)  # the fewest deployed at the band's lowest seats
    more = users * share.denominator // share.numerator + 1  # the fewest seats at which they are not
    if spec.max_seats is not None and more > spec.max_seats:
        msg = f"no seat count in the band {low}..{spec.max_seats} makes {users} users not deployed"
        raise ValueError(msg)
    return users, low, more


def _customers_measuring(
    ruleset: Ruleset, as_of: datetime.date, metrics: Mapping[str, Mapping[str, Any]]
) -> tuple[Customer, ...]:
    """Customer data from which *ruleset* measures exactly *metrics* (see :func:`partners`)."""
    data = ruleset.customer_data
    assert data is not None  # noqa: S101 - checked by partners()
    lag, back = data.reference_month_lag, data.months_back
    now, then = _month_of(as_of, lag), _month_of(as_of, lag + back)
    # older than any window: the association's start changes nothing
    since = datetime.date.fromisoformat(_month_of(as_of, lag + back + data.new_association_months + 1) + "-01")
    # a workload every measured metric counts
    workload = sorted(set.intersection(*(set(ruleset.workloads_for(m.id)) for m in ruleset.derived_metrics())))[0]
    customers: list[Customer] = []

    def tenant(kind: str, rows: list[tuple[str, int, int]]) -> None:
        name = ruleset.association_type(kind).name
        usage = tuple(Usage(month, workload, paid, active) for month, paid, active in rows)
        customers.append(
            Customer(tenant=f"tenant-{len(customers) + 1}", associations=(Association(name, since),), usage=usage)
        )

    for path in ruleset.paths:
        spec = path.customers
        assert spec is not None  # noqa: S101
        users, deployed_at, not_at = _deployment_seats(spec, data.deployment_share)
        for metric in ruleset.derived_metrics():
            values = metrics.get(path.id, {}).get(metric.id, 0)
            if metric.from_customers == "tenants":
                count = values if isinstance(values, int) else 0
                for _ in range(abs(count)):  # counted in one month only, never deployed, no active user
                    tenant(spec.association_types[0], [(now if count > 0 else then, spec.min_seats, 0)])
                continue
            for option, value in values.items() if isinstance(values, Mapping) else ():
                if metric.from_customers == "active_users" and value:
                    # counted in both months, deployed in both: only its active users change
                    base = users + max(0, -value)
                    tenant(option, [(then, deployed_at, base), (now, deployed_at, base + value)])
                elif metric.from_customers == "deployed_tenants":
                    for _ in range(abs(value)):  # the same users, deployed in one month only
                        seats = (deployed_at, not_at) if value > 0 else (not_at, deployed_at)
                        tenant(option, [(now, seats[0], users), (then, seats[1], users)])
    return tuple(customers)

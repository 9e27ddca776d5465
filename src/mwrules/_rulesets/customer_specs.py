"""The parts of a ruleset that say how metrics are measured from customer data (see docs/customer-data.md).

Read into :class:`~mwrules._rulesets.model.Ruleset` with the rest of the
model, and documented with it in :mod:`mwrules.ruleset` and the JSON Schema.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from .vocabulary import _doc


@attrs.frozen(kw_only=True)
class PathCustomers:
    """Which customer tenants count for a path, in a month (for the metrics measured from customer data)."""

    __anchor__ = "customer-data"

    min_seats: int = _doc(
        "A tenant is eligible in a month when one eligible workload has at least this many paid seats...",
    )
    max_seats: int | None = _doc("...and at most this many (no upper bound if not given).", default=None)
    association_types: tuple[str, ...] = _doc(
        "The association types (ids of customer_data.association_types) through which the path counts a tenant."
    )
    carry_over_from: str | None = _doc(
        "Another path: a tenant eligible for that path in a month, and in this path's seat band months_back "
        "months earlier, is also eligible for this path (it does not chain).",
        default=None,
    )

    def in_band(self, seats: int) -> bool:
        """Whether *seats* paid seats on one workload are in this path's band."""
        return seats >= self.min_seats and (self.max_seats is None or seats <= self.max_seats)


@attrs.frozen(kw_only=True)
class AssociationType:
    """A kind of association between the partner and a customer tenant (CPOR, DPOR, CSP)."""

    __anchor__ = "customer-data"

    id: str = _doc("A stable snake_case id; paths and association options use it, e.g. 'cpor'.")
    name: str = _doc("The type as partner data writes it, e.g. 'CPOR'.")
    aliases: tuple[str, ...] = _doc("Other spellings of the type in partner data, e.g. 'CSP Tier 1'.", default=())


@attrs.frozen(kw_only=True)
class CustomerData:
    """How the customer metrics are measured from per-tenant, per-workload, per-month usage."""

    __anchor__ = "customer-data"

    association_types: tuple[AssociationType, ...] = _doc("The association types partner data may name.")
    reference_month_lag: int = _doc(
        "The month measured (M) is this many calendar months before the month of the evaluation date.", default=1
    )
    months_back: int = _doc("Growth compares month M with month M minus this many months.", default=12)
    deployment_share: Fraction = _doc(
        "A tenant is deployed in a month when its active users are at least this share of its paid seats "
        "(both summed over the eligible workloads), e.g. 0.4."
    )
    new_association_months: int = _doc(
        "An association that started in the last this-many months (M included): usage before it earns no "
        "growth, and a tenant already deployed when it started is not a new deployment.",
        default=12,
    )


@attrs.frozen(kw_only=True)
class WorkloadSpec:
    """A workload whose customers, usage and deployments count for the customer metrics."""

    __anchor__ = "customer-data"

    name: str = _doc("The workload, as Microsoft names it.")
    aliases: tuple[str, ...] = _doc(
        "Other names of the workload in partner data, e.g. 'Exchange' for 'Exchange Online'.", default=()
    )
    metrics: tuple[str, ...] | None = _doc(
        "The metrics it counts for, if not every metric measured from customer data.", default=None
    )

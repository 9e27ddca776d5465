"""The ruleset model: the attrs classes a ruleset file is read into, documented in :mod:`mwrules.ruleset`.

The JSON Schema of ruleset files is generated from these classes and their
documentation (see :mod:`mwrules._rulesets.schema`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

import attrs


Measure = Literal["count", "best_of_options", "certified_people"]
MEASURES: tuple[str, ...] = ("count", "best_of_options", "certified_people")
#: How a metric is measured from customer data (see docs/customer-data.md).
FromCustomers = Literal["tenants", "active_users", "deployed_tenants"]
#: Which measure each way of measuring from customer data needs.
FROM_CUSTOMERS_MEASURE: Mapping[str, str] = {
    "tenants": "count",
    "active_users": "best_of_options",
    "deployed_tenants": "best_of_options",
}
#: A path's target for a metric: one number, or one number per association option.
Target = int | Mapping[str, int]


def _doc(text: str, **kwargs: Any) -> Any:
    """An attrs field with its documentation, which the JSON Schema shows to ruleset editors."""
    return attrs.field(metadata={"doc": text}, **kwargs)


@attrs.frozen(kw_only=True)
class Manifest:
    """Which criteria these are: *id*, *version*, when they are in force, where they come from."""

    id: str = _doc("The ruleset's stable id, e.g. 'modern-work'; the name of its folder under rulesets/.")
    title: str = _doc("The designation's name, as people read it.")
    version: str = _doc("The version, e.g. '2026-01' (quote it); the file is named <version>.yaml.")
    effective_from: datetime.date = _doc("The first day these criteria are in force (YYYY-MM-DD).")
    effective_until: datetime.date | None = _doc(
        "The last day these criteria are in force, if known; by default the day before the next version's "
        "effective_from.",
        default=None,
    )
    source: str = _doc("Where the criteria are published.")


@attrs.frozen(kw_only=True)
class CertificationSpec:
    """A certification mwrules recognises in partner data, by its name or any alias.

    Whether it earns points is up to the metrics that list it; a retired
    certification counts through its *eligible_through* date.
    """

    id: str = _doc("A stable kebab-case id, which metrics use to list the certification.")
    name: str = _doc("The credential's full name.")
    aliases: tuple[str, ...] = _doc(
        "Other spellings in partner data: exam codes, the name without its prefix, former names.", default=()
    )
    retired: datetime.date | None = _doc("The day Microsoft retired the certification, if it has.", default=None)
    eligible_through: datetime.date | None = _doc(
        "The last day the certification still counts (for a retired certification).", default=None
    )

    def eligible_on(self, day: datetime.date | None) -> bool:
        """Whether *day* is not past the eligible-through date (*day* None: whether it has no such date)."""
        return self.eligible_through is None or (day is not None and day <= self.eligible_through)


@attrs.frozen(kw_only=True)
class MetricSpec:
    """A metric: its maximum and how it is measured (see :data:`MEASURES`)."""

    id: str = _doc("A stable snake_case id; partner documents use it under metrics.<path>.")
    title: str = _doc("The metric's name, as people read it.")
    category: str = _doc("The category the metric belongs to, e.g. 'skilling'.")
    max_points: Fraction = _doc("The most points the metric can earn.")
    measure: Measure = _doc(
        "count: one number per path; best_of_options: one number per association option, the best wins; "
        "certified_people: the people holding an eligible certification."
    )
    level: str | None = _doc(
        "certified_people only: the name of the level the people are counted at, e.g. 'intermediate'.", default=None
    )
    certifications: tuple[str, ...] = _doc(
        "certified_people only: the ids of the certifications that make a person count.", default=()
    )
    unit: str | None = _doc(
        "One unit of the measure, as plans and their costs name it, e.g. 'net_customer_add' "
        "(default: the metric id; '<level>_person' for a certified_people metric).",
        default=None,
    )
    unit_text: str | None = _doc(
        "The units in words, for the advice of plans, e.g. 'net new customers' (default: the title).",
        default=None,
    )
    from_customers: FromCustomers | None = _doc(
        "How the metric is measured when a partner gives customer data instead of the number: "
        "tenants (a count metric: eligible tenants with an association of the path's types, M against M - "
        "months_back), active_users (a best_of_options metric: their active users, per association type) or "
        "deployed_tenants (a best_of_options metric: those whose active users reach deployment_share of their "
        "paid seats, per association type).",
        default=None,
    )

    @property
    def cost_unit(self) -> str:
        """The name of one unit of this metric's measure, for plans and costs."""
        if self.unit is not None:
            return self.unit
        return f"{self.level}_person" if self.level is not None else self.id

    @property
    def units_in_words(self) -> str:
        if self.unit_text is not None:
            return self.unit_text
        return f"people certified at {self.level}" if self.level is not None else self.title.lower()


#: The cost of one unit of a measure: a number, or one number per association option.
Cost = Fraction | Mapping[str, Fraction]


@attrs.frozen(kw_only=True)
class PathCustomers:
    """Which customer tenants count for a path, in a month (for the metrics measured from customer data)."""

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
class PathSpec:
    """An attainment path: per metric, the measure that earns the maximum.

    A ``best_of_options`` metric has one target per association option.
    """

    id: str = _doc("A stable snake_case id, e.g. 'smb'.")
    title: str = _doc("The path's name, as people read it.")
    targets: Mapping[str, Target] = _doc(
        "Per metric id, the measure that earns its max_points: a number, or for a best_of_options metric "
        "one number per association option, e.g. {cpor: 1000, dpor: 4000}."
    )
    customers: PathCustomers | None = _doc(
        "Which customer tenants the path counts, for metrics measured from customer data.", default=None
    )


@attrs.frozen(kw_only=True)
class AssociationType:
    """A kind of association between the partner and a customer tenant (CPOR, DPOR, CSP)."""

    id: str = _doc("A stable snake_case id; paths and association options use it, e.g. 'cpor'.")
    name: str = _doc("The type as partner data writes it, e.g. 'CPOR'.")
    aliases: tuple[str, ...] = _doc("Other spellings of the type in partner data, e.g. 'CSP Tier 1'.", default=())


@attrs.frozen(kw_only=True)
class CustomerData:
    """How the customer metrics are measured from per-tenant, per-workload, per-month usage."""

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

    name: str = _doc("The workload, as Microsoft names it.")
    aliases: tuple[str, ...] = _doc(
        "Other names of the workload in partner data, e.g. 'Exchange' for 'Exchange Online'.", default=()
    )
    metrics: tuple[str, ...] | None = _doc(
        "The metrics it counts for, if not every metric measured from customer data.", default=None
    )


@attrs.frozen(kw_only=True)
class Scoring:
    """The pass rule and how the reported path is chosen."""

    total_points: Fraction = _doc("The most points in all: the sum of the metrics' max_points.")
    min_total_points: Fraction = _doc("A path qualifies with at least this total...")
    min_metric_points: Fraction = _doc("...and at least this many points in every metric.")
    path_preference: tuple[str, ...] = _doc("Every path id once; of paths with equal scores, the earlier is reported.")
    window_months: int = _doc(
        "A partner that is not enrolled can attain the designation on a day when it met the pass rule on some "
        "day of that calendar month or of the window_months - 1 full months before it (1: that month only). "
        "Used by timelines.",
        default=1,
    )
    window_from: datetime.date | None = _doc(
        "The first day the window applies; before it, a partner can attain the designation only on a day it "
        "meets the pass rule (by default the window always applies).",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Ruleset:
    """A ruleset: the criteria of a designation, as data.

    Build one with :func:`load_ruleset`, which checks it.
    """

    manifest: Manifest = _doc("Which criteria these are and when they are in force.")
    certifications: tuple[CertificationSpec, ...] = _doc(
        "Every certification partner data may name; the certified_people metrics say which count."
    )
    metrics: tuple[MetricSpec, ...] = _doc("The metrics, each with its max_points and measure.")
    paths: tuple[PathSpec, ...] = _doc("The attainment paths and their targets.")
    scoring: Scoring = _doc("The pass rule.")
    workloads: tuple[WorkloadSpec, ...] = _doc(
        "The eligible workloads behind the metrics measured from customer data: usage of other workloads "
        "does not count.",
        default=(),
    )
    customer_data: CustomerData | None = _doc(
        "How the metrics with from_customers are measured from a partner's customer data.", default=None
    )
    default_costs: Mapping[str, Cost] = _doc(
        "Placeholder effort of one unit of each metric's measure, for `mwrules plan` when a partner gives no "
        "costs of its own: per unit (see a metric's unit), a number, or one per association option.",
        factory=dict,
    )
    source: str | None = attrs.field(default=None, eq=False, metadata={"internal": True})
    #: Whether :func:`~mwrules.ruleset.check` passed on this very object (the loader sets it, so that
    #: compiling does not check again). Not an argument: a copy made with attrs.evolve is checked again.
    checked: bool = attrs.field(default=False, init=False, eq=False, repr=False, metadata={"internal": True})

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    def metric(self, metric_id: str) -> MetricSpec:
        return next(metric for metric in self.metrics if metric.id == metric_id)

    def path(self, path_id: str) -> PathSpec:
        return next(path for path in self.paths if path.id == path_id)

    def certification(self, cert_id: str) -> CertificationSpec:
        return next(cert for cert in self.certifications if cert.id == cert_id)

    def options(self, path_id: str, metric_id: str) -> tuple[str, ...]:
        """The association options of a ``best_of_options`` metric on a path."""
        target = self.path(path_id).targets[metric_id]
        return tuple(target) if isinstance(target, Mapping) else ()

    def levels(self) -> tuple[str, ...]:
        """The certification levels, in the order the metrics use them."""
        return tuple(metric.level for metric in self.metrics if metric.level is not None)

    def level_metric(self, level: str) -> MetricSpec:
        """The certified_people metric that counts people at *level*."""
        return next(metric for metric in self.metrics if metric.level == level)

    def counted_at(self, cert_id: str) -> tuple[str, ...]:
        """The levels at which certification *cert_id* makes a person count (none: not eligible)."""
        return tuple(
            metric.level for metric in self.metrics if metric.level is not None and cert_id in metric.certifications
        )

    def workloads_for(self, metric_id: str) -> tuple[str, ...]:
        """The names of the workloads that count for *metric_id*."""
        return tuple(
            workload.name for workload in self.workloads if workload.metrics is None or metric_id in workload.metrics
        )

    def association_type(self, type_id: str) -> AssociationType:
        assert self.customer_data is not None  # noqa: S101 - only asked of a ruleset with customer data
        return next(kind for kind in self.customer_data.association_types if kind.id == type_id)

    def derived_metrics(self) -> tuple[MetricSpec, ...]:
        """The metrics a partner's customer data can measure."""
        return tuple(metric for metric in self.metrics if metric.from_customers is not None)

    def workload_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The metrics measured from customer data, grouped by identical workload lists: (group name, metric ids).

        A tenant's eligibility is decided once per group: usage growth and
        deployments count the same workloads, so their group is
        ``usage_growth+deployments``.
        """
        groups: dict[tuple[str, ...], list[str]] = {}
        for metric in self.derived_metrics():
            groups.setdefault(self.workloads_for(metric.id), []).append(metric.id)
        return tuple(("+".join(ids), tuple(ids)) for ids in groups.values())

    def __str__(self) -> str:
        return f"{self.manifest.id} {self.manifest.version}"


#: Classes a file may also write as a plain value (for the loader and the JSON Schema).
SHORTHANDS: Mapping[type, type] = {WorkloadSpec: str}


def normalise_name(name: str) -> str:
    """How certification names are compared: case and surrounding or repeated spaces ignored."""
    return " ".join(name.split()).casefold()

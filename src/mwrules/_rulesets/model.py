"""The ruleset model: the attrs classes a ruleset file is read into, documented in :mod:`mwrules.ruleset`.

The JSON Schema of ruleset files is generated from these classes and their
documentation (see :mod:`mwrules._rulesets.schema`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

import attrs

from .customer_specs import AssociationType, CustomerData, PathCustomers, WorkloadSpec
from .shorthand import Origins
from .vocabulary import ClassifyEntry, FactSpec, PathMetric, Source, _doc


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


@attrs.frozen(kw_only=True)
class Badge:
    """The name a designation shows from a day on: Microsoft renames its badges (scoring never reads them)."""

    __anchor__ = "manifest"

    name: str = _doc("The badge's name from *since* on, e.g. 'Solutions Partner for AI Business Solutions'.")
    since: datetime.date = _doc("The first day the badge has this name (YYYY-MM-DD).")


@attrs.frozen(kw_only=True)
class Manifest:
    """Which criteria these are: *id*, *version*, when they are in force, where they come from."""

    #: The section of docs/ruleset-format.md that describes its keys
    __anchor__ = "manifest"

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
    coverage: Literal["none", "required"] = _doc(
        "required: lint reports every rule branch that the cases beside this version do not exercise (mwrules "
        "test --coverage lists them); none: it does not.",
        default="none",
    )
    badges: tuple[Badge, ...] = _doc(
        "The names the badge of a qualified partner takes from given days on, earliest first; before the "
        "first (or without any), the badge is the title.",
        default=(),
    )

    def badge(self, day: datetime.date) -> str:
        """The name of the badge a partner qualified on *day* shows."""
        named = [badge.name for badge in self.badges if badge.since <= day]
        return named[-1] if named else self.title


@attrs.frozen(kw_only=True)
class CertificationSpec:
    """A certification mwrules recognises in partner data, by its name or any alias.

    Whether it earns points is up to the metrics that list it; a retired
    certification counts through its *eligible_through* date.
    """

    __anchor__ = "certifications"

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
    """A metric: its maximum and what it measures (its source); each path says how it scores it."""

    __anchor__ = "sources"

    id: str = _doc("A stable snake_case id; partner documents use it under metrics.<path>.")
    title: str = _doc("The metric's name, as people read it.")
    category: str = _doc("The category the metric belongs to, e.g. 'skilling'.")
    max_points: Fraction = _doc("The most points the metric can earn (a path may set its own).")
    source: Source = _doc(
        "What the metric measures: {number: count}, {parts: {cpor: count, ...}} or {people: {<set>: [certification "
        "ids]}}. Shorthand: 'measure: count', 'measure: best_of_options', or 'measure: certified_people' with "
        "'level' and 'certifications'."
    )
    unit: str | None = _doc(
        "One unit of the measure, as plans and their costs name it, e.g. 'net_customer_add' "
        "(default: the metric id; '<set>_person' for a metric of one people set).",
        default=None,
    )
    unit_text: str | None = _doc(
        "The units in words, for the advice of plans, e.g. 'net new customers' (default: the title).",
        default=None,
    )
    from_customers: FromCustomers | None = _doc(
        "How the metric is measured when a partner gives customer data instead of the number: "
        "tenants (a count metric: eligible tenants with an association of the path's types, M against M - "
        "months_back), active_users (a metric of parts named after association types: their active users) or "
        "deployed_tenants (parts named after association types: the tenants whose active users reach "
        "deployment_share of their paid seats).",
        default=None,
        anchor="customer-data",
    )

    @property
    def measure(self) -> str:
        """The measure in today's shorthand words where one fits: count, certified_people or best_of_options.

        Otherwise 'amount' (a number with decimals), 'people' (several sets)
        or 'parts' (parts with an amount).
        """
        source = self.source
        if source.people is not None:
            return "certified_people" if len(source.people) == 1 else "people"
        if source.parts is not None:
            return "best_of_options" if set(source.parts.values()) <= {"count"} else "parts"
        return "count" if source.number == "count" else "amount"

    @property
    def level(self) -> str | None:
        """The people set of a metric that counts one set of certified people (else None)."""
        people = self.source.people
        return next(iter(people)) if people is not None and len(people) == 1 else None

    @property
    def certifications(self) -> tuple[str, ...]:
        """The certifications of a metric that counts one set of certified people (else ())."""
        people = self.source.people
        return next(iter(people.values())) if people is not None and len(people) == 1 else ()

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
class PathSpec:
    """An attainment path: the metrics it scores, each with its terms, and its pass mark if it has its own."""

    __anchor__ = "paths"

    id: str = _doc("A stable snake_case id, e.g. 'smb'.")
    title: str = _doc("The path's name, as people read it.")
    metrics: Mapping[str, PathMetric] = _doc(
        "Per metric id, how the path scores it (a metric not listed is not scored on this path). Shorthand: "
        "'targets: {<metric>: <the measure that earns its max_points>}', or one target per part, the best part "
        "counting, e.g. {usage_growth: {cpor: 1000, dpor: 4000}}."
    )
    customers: PathCustomers | None = _doc(
        "Which customer tenants the path counts, for metrics measured from customer data.",
        default=None,
        anchor="customer-data",
    )
    total_points: Fraction | None = _doc(
        "The most points on this path (default: scoring.total_points), for a path that scores fewer metrics.",
        default=None,
        anchor="the-pass-rule",
    )
    min_total_points: Fraction | None = _doc(
        "The total this path needs to qualify (default: scoring.min_total_points).",
        default=None,
        anchor="the-pass-rule",
    )

    @property
    def targets(self) -> Mapping[str, Target]:
        """Per metric scored in proportion to targets alone, its target: a number, or one per part (the best counts).

        Metrics scored with rates, gates, caps, conditions or sums are not
        here: see :attr:`metrics`.
        """
        targets: dict[str, Target] = {}
        for metric_id, scored in self.metrics.items():
            if not proportional(scored):
                continue
            if scored.combine == "best":
                targets[metric_id] = {str(term.of): _whole(term.target) for term in scored.terms}
            else:
                targets[metric_id] = _whole(scored.terms[0].target)
        return targets


def proportional(scored: PathMetric) -> bool:
    """Whether a path scores a metric as today's targets do: each part in proportion to its target, the best counting.

    One whole target, or several combined by best (a metric of parts says
    ``combine: best`` even for one part), with no cap, condition, gate,
    requirement, or maximum or minimum of the path's own.
    """
    return (
        all(
            term.target is not None
            and term.target.denominator == 1
            and term.cap is None
            and not term.requires
            and not term.when
            and term.id is None
            for term in scored.terms
        )
        and (len(scored.terms) == 1 or scored.combine == "best")
        and scored.max_points is None
        and scored.min_points is None
    )


def path_maxima(ruleset: Ruleset, path_id: str) -> dict[str, Fraction]:
    """The most each metric a path scores can earn on it (unknown metrics left out: they are reported apart)."""
    known = {metric.id: metric.max_points for metric in ruleset.metrics}
    return {
        metric_id: known[metric_id] if scored.max_points is None else scored.max_points
        for metric_id, scored in ruleset.path(path_id).metrics.items()
        if metric_id in known
    }


def _whole(target: Fraction | None) -> int:
    assert target is not None  # noqa: S101 - proportional() checked it: a whole target
    return int(target)


@attrs.frozen(kw_only=True)
class Scoring:
    """The pass rule and how the reported path is chosen."""

    __anchor__ = "the-pass-rule"

    total_points: Fraction = _doc("The most points in all: the sum of the metrics' max_points.")
    min_total_points: Fraction = _doc("A path qualifies with at least this total...")
    min_metric_points: Fraction = _doc("...and at least this many points in every metric.")
    path_preference: tuple[str, ...] | None = _doc(
        "Every path id once; of paths with equal scores, the earlier is reported (default: the paths in the "
        "order they are listed).",
        default=None,
        anchor="choosing-the-path",
    )
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
    choose: Literal["best", "classify"] = _doc(
        "best: every path is scored and the best reported (a qualifying one first); classify: the first entry of "
        "classify whose conditions hold picks the one path scored.",
        default="best",
        anchor="choosing-the-path",
    )
    classify: tuple[ClassifyEntry, ...] = _doc(
        "With choose: classify, the entries in order; the last has no conditions (otherwise).",
        default=(),
        anchor="choosing-the-path",
    )


@attrs.frozen(kw_only=True)
class Ruleset:
    """A ruleset: the criteria of a designation, as data.

    Build one with :func:`load_ruleset`, which checks it.
    """

    __anchor__ = None

    manifest: Manifest = _doc("Which criteria these are and when they are in force.", anchor="manifest")
    certifications: tuple[CertificationSpec, ...] = _doc(
        "Every certification partner data may name; the certified_people metrics say which count.",
        anchor="certifications",
    )
    metrics: tuple[MetricSpec, ...] = _doc("The metrics, each with its max_points and measure.", anchor="sources")
    paths: tuple[PathSpec, ...] = _doc("The attainment paths and their targets.", anchor="paths")
    scoring: Scoring = _doc("The pass rule.", anchor="the-pass-rule")
    workloads: tuple[WorkloadSpec, ...] = _doc(
        "The eligible workloads behind the metrics measured from customer data: usage of other workloads "
        "does not count.",
        default=(),
        anchor="customer-data",
    )
    customer_data: CustomerData | None = _doc(
        "How the metrics with from_customers are measured from a partner's customer data.",
        default=None,
        anchor="customer-data",
    )
    facts: tuple[FactSpec, ...] = _doc(
        "Numbers about the partner as a whole that conditions and classification read (document key facts).",
        default=(),
        anchor="facts",
    )
    default_costs: Mapping[str, Cost] = _doc(
        "Placeholder effort of one unit of each metric's measure, for `mwrules plan` when a partner gives no "
        "costs of its own: per unit (see a metric's unit), a number, or one per association option.",
        factory=dict,
    )
    source: str | None = attrs.field(default=None, eq=False, metadata={"internal": True})
    #: Where the keys written out from shorthand were written (see _rulesets.shorthand.Origins)
    origins: Origins | None = attrs.field(default=None, eq=False, repr=False, metadata={"internal": True})
    #: Whether :func:`~mwrules.ruleset.check` passed on this very object (the loader sets it, so that
    #: compiling does not check again). Not an argument: a copy made with attrs.evolve is checked again.
    checked: bool = attrs.field(default=False, init=False, eq=False, repr=False, metadata={"internal": True})
    #: Lookups by id, made at their first use: an evaluation looks metrics and paths up dozens of times
    _index: dict[Any, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False, metadata={"internal": True})

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def path_order(self) -> tuple[str, ...]:
        """The path ids, the one preferred on equal scores first: ``scoring.path_preference``, else as listed."""
        preference = self.scoring.path_preference
        return tuple(path.id for path in self.paths) if preference is None else preference

    @property
    def version(self) -> str:
        return self.manifest.version

    def metric(self, metric_id: str) -> MetricSpec:
        found: MetricSpec = self._find("metrics", metric_id)
        return found

    def path(self, path_id: str) -> PathSpec:
        found: PathSpec = self._find("paths", path_id)
        return found

    def certification(self, cert_id: str) -> CertificationSpec:
        found: CertificationSpec = self._find("certifications", cert_id)
        return found

    def _find(self, field: str, item_id: str) -> Any:
        """The first of the metrics, paths or certifications whose id is *item_id*, through an index made at first use.

        An id the index lacks (a Ruleset built in Python may hold anything
        until checked) is searched for as before the index: StopIteration if
        none has it.
        """
        index: dict[str, Any] | None = self._index.get(field)
        if index is None:
            index = {}
            for item in getattr(self, field):
                item_id_of = getattr(item, "id", None)
                if isinstance(item_id_of, str):
                    index.setdefault(item_id_of, item)
            self._index[field] = index
        found = index.get(item_id)
        return found if found is not None else next(item for item in getattr(self, field) if item.id == item_id)

    def options(self, path_id: str, metric_id: str) -> tuple[str, ...]:
        """The parts of a metric measured in parts that a path reads, in the order of its terms (else ()).

        A part is read when a term scores it or a condition compares it.
        """
        key = ("options", path_id, metric_id)
        found: tuple[str, ...] | None = self._index.get(key)
        if found is None:
            found = self._index[key] = self._options(path_id, metric_id)
        return found

    def _options(self, path_id: str, metric_id: str) -> tuple[str, ...]:
        scored = self.path(path_id).metrics.get(metric_id)
        if self.metric(metric_id).source.parts is None or scored is None:
            return ()
        read = [term.of for term in scored.terms] + [condition.part for term in scored.terms for condition in term.when]
        return tuple(dict.fromkeys(part for part in read if part is not None))

    def scored(self, path_id: str) -> Mapping[str, PathMetric]:
        """The metrics *path_id* scores, in the order of the ruleset's metrics, with how it scores each.

        Worked out at the first call, as :meth:`options` is: every firing of
        points reads it.
        """
        key = ("scored", path_id)
        found: Mapping[str, PathMetric] | None = self._index.get(key)
        if found is None:
            metrics = self.path(path_id).metrics
            found = self._index[key] = MappingProxyType(
                {metric.id: metrics[metric.id] for metric in self.metrics if metric.id in metrics}
            )
        return found

    def proportional(self, path_id: str, metric_id: str) -> bool:
        """Whether a path scores a metric in proportion to targets alone, as rulesets did before terms.

        A number or people set with one target; parts, each with its target,
        the best counting. Such metrics keep their rule's words and their
        verdicts' shape exactly.
        """
        scored = self.path(path_id).metrics[metric_id]
        metric = self.metric(metric_id)
        counts = metric.measure in ("count", "certified_people", "best_of_options")  # no amounts, one people set
        return counts and proportional(scored) and (metric.source.parts is not None) == (scored.combine == "best")

    def needed_facts(self) -> tuple[str, ...]:
        """The facts a partner must give: those that conditions or the classification read."""
        conditions = [
            *(condition for entry in self.scoring.classify for condition in entry.when),
            *(
                condition
                for path in self.paths
                for scored in path.metrics.values()
                for term in scored.terms
                for condition in term.when
            ),
        ]
        read = {condition.fact for condition in conditions if condition.fact is not None}
        return tuple(fact.id for fact in self.facts if fact.id in read)

    def fact_kind(self, fact_id: str) -> str:
        """Whether a declared fact is a count or an amount."""
        return next(fact.type for fact in self.facts if fact.id == fact_id)

    def kind(self, metric_id: str, part: str | None) -> str:
        """Whether a metric's given number (or one of its parts) is a count or an amount."""
        source = self.metric(metric_id).source
        if source.parts is not None and part is not None:
            return source.parts.get(part, "count")
        return source.number or "count"

    def least_points(self, path_id: str, metric_id: str) -> Fraction:
        """The points the pass rule needs in a metric on a path: the path's own minimum, else the ruleset's."""
        own = self.path(path_id).metrics[metric_id].min_points
        return self.scoring.min_metric_points if own is None else own

    def pass_mark(self, path_id: str) -> Fraction:
        """The total a path needs to qualify: its own, else the ruleset's."""
        own = self.path(path_id).min_total_points
        return self.scoring.min_total_points if own is None else own

    def levels(self) -> tuple[str, ...]:
        """The people sets (certification levels), in the order the metrics list them."""
        return tuple(name for metric in self.metrics for name in (metric.source.people or ()))

    def level_metric(self, level: str) -> MetricSpec:
        """The metric that counts the people of set *level*."""
        return next(metric for metric in self.metrics if level in (metric.source.people or ()))

    def level_certifications(self, level: str) -> tuple[str, ...]:
        """The certifications that make a person count in set *level*."""
        people = self.level_metric(level).source.people
        assert people is not None  # noqa: S101 - level_metric found it there
        return people[level]

    def counted_at(self, cert_id: str) -> tuple[str, ...]:
        """The people sets in which certification *cert_id* makes a person count (none: not eligible)."""
        return tuple(
            name for metric in self.metrics for name, certs in (metric.source.people or {}).items() if cert_id in certs
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

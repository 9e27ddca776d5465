"""Rulesets: the criteria of a designation, as data, and how they are loaded.

A ruleset file (``rulesets/<id>/<version>.yaml``) says which certifications
count at which level, which metrics there are and their maxima, the targets of
each attainment path, and the pass rule. :func:`load_ruleset` reads one,
checks it (with the other versions in its folder and the cases beside it,
see :mod:`mwrules._tools.lint`) and reports every problem with its ``file:line``; a
ruleset that fails a check is never used. The format is documented in
``docs/ruleset-format.md``.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from . import codes
from ._input import documents as _documents
from ._input.convert import ValueProblem, dict_structure_fn, lazy_hook, make_converter, problems_from, shown
from .errors import Problem, did_you_mean


if TYPE_CHECKING:
    import cattrs


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


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter that reads rulesets, made when first needed (see convert.make_converter)."""
    # Where a ruleset was read from is set by the loader: a file's own ``source`` key is unknown
    structure_ruleset = lazy_hook(lambda: dict_structure_fn(Ruleset, _converter(), omit=("source",)))
    return make_converter(
        {
            Fraction: _structure_number,
            Target: _structure_target,
            Cost: _structure_cost,
            WorkloadSpec: _structure_workload,
            Ruleset: structure_ruleset,
        }
    )


def _structure_number(value: object, _: type) -> Fraction:
    # Rulesets write points as numbers (20, 2.5); exact fractions as text are for verdict JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        message = f"expected a number, got {shown(value)}"
        raise ValueProblem(message)
    if isinstance(value, float) and not math.isfinite(value):
        message = f"expected a finite number, got {value}"
        raise ValueProblem(message)
    return Fraction(str(value))


def _structure_target(value: object, _: type) -> Target:
    if isinstance(value, dict):
        return _converter().structure(value, dict[str, int])
    return _converter().structure(value, int)


def _structure_workload(value: object, _: type) -> WorkloadSpec:
    # A plain name is a workload that counts for every customer metric.
    if isinstance(value, dict):
        return _structure_workload_object(value, WorkloadSpec)  # type: ignore[no-any-return]
    return WorkloadSpec(name=_converter().structure(value, SHORTHANDS[WorkloadSpec]))


_structure_workload_object = lazy_hook(lambda: dict_structure_fn(WorkloadSpec, _converter()))
#: Classes a file may also write as a plain value (for the loader and the JSON Schema).
SHORTHANDS: Mapping[type, type] = {WorkloadSpec: str}


def _structure_cost(value: object, _: type) -> Cost:
    if isinstance(value, dict):
        return _converter().structure(value, dict[str, Fraction])
    return _converter().structure(value, Fraction)


_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@functools.cache
@functools.cache
def rulesets_dir() -> Path:
    """Where the shipped rulesets are: inside the installed package, or in a source checkout (found once)."""
    here = Path(__file__).resolve().parent
    installed = here / "rulesets"
    return installed if installed.is_dir() else here.parents[1] / "rulesets"


@attrs.frozen
class RulesetFile:
    """One ruleset file as read: the ruleset if it is valid, else the problems, each at file:line."""

    path: Path
    document: _documents.Document | None
    ruleset: Ruleset | None
    problems: tuple[Problem, ...]
    #: The manifest, when it is valid even if the rest is not: enough to check the versions together.
    manifest: Manifest | None = None

    def locate(self, problem: Problem) -> Problem:
        """*problem* at its line in this file."""
        if self.document is None:
            return attrs.evolve(problem, file=str(self.path))
        return self.document.locate(problem)


def read_ruleset_file(path: str | Path) -> RulesetFile:
    """Read and check the ruleset at *path*, collecting its problems instead of raising."""
    path = Path(path)
    document = _documents.read_file(path, "the ruleset", fmt="yaml")
    ruleset, problems = _structure(document)
    if ruleset is not None:
        ruleset = attrs.evolve(ruleset, source=str(path))
    located = tuple(document.locate(problem) for problem in problems)
    return RulesetFile(path, document, ruleset, located, _manifest(document.data))


def _manifest(data: object) -> Manifest | None:
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return _converter().structure(data["manifest"], Manifest) if isinstance(data, dict) else None
    except (BaseValidationError, KeyError):
        return None


def _structure(document: _documents.Document) -> tuple[Ruleset | None, list[Problem]]:
    if document.problems:
        return None, list(document.problems)
    ruleset, problems = structure(document.data)
    if ruleset is None:
        return None, problems
    problems = check(ruleset)
    return (None if problems else ruleset), problems


def structure(data: object) -> tuple[Ruleset | None, list[Problem]]:
    """The shape of a ruleset: keys and types, what the JSON Schema describes (see :func:`check` for the rest)."""
    if data is None:
        return None, [Problem("$", "the ruleset file is empty", code=codes.MISSING_KEY)]
    if not isinstance(data, dict):
        message = "a ruleset must be a mapping of keys (manifest, certifications, ...)"
        return None, [Problem("$", message, code=codes.INVALID_VALUE)]
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return _converter().structure(data, Ruleset), []
    except BaseValidationError as error:
        return None, problems_from(error)


def check(ruleset: Ruleset) -> list[Problem]:
    """Every inconsistency in a structurally valid ruleset."""
    problems: list[Problem] = []
    problems += _check_manifest(ruleset)
    problems += _check_certifications(ruleset)
    problems += _check_metrics(ruleset)
    problems += _check_paths(ruleset)
    problems += _check_workloads(ruleset)
    problems += _check_customer_data(ruleset)
    problems += _check_scoring(ruleset)
    problems += _check_joins(ruleset)
    problems += _check_id_lengths(ruleset)
    if not problems:  # the arithmetic needs valid targets and points
        problems += _check_exactness(ruleset)
    problems += check_costs(ruleset, ruleset.default_costs, "$.default_costs")
    return problems


def cost_units(ruleset: Ruleset) -> dict[str, tuple[str, ...]]:
    """Each metric's cost unit, and for a best_of_options metric its association options (else ())."""
    units: dict[str, tuple[str, ...]] = {}
    for metric in ruleset.metrics:
        options: dict[str, None] = {}
        if metric.measure == "best_of_options":
            for path in ruleset.paths:
                target = path.targets.get(metric.id)  # a missing target is reported on its own
                options.update(dict.fromkeys(target if isinstance(target, Mapping) else ()))
        units[metric.cost_unit] = tuple(options)
    return units


def structure_costs(data: Mapping[str, object]) -> tuple[dict[str, Cost], list[Problem]]:
    """Costs as a ruleset's ``default_costs`` reads them (numbers, or one per option), or the problems."""
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return _converter().structure(dict(data), dict[str, Cost]), []
    except BaseValidationError as error:
        return {}, problems_from(error)


def check_costs(ruleset: Ruleset, costs: Mapping[str, Cost], where: str) -> list[Problem]:
    """Problems with *costs*: units the ruleset does not have, wrong shapes, costs not above 0."""
    units = cost_units(ruleset)
    problems = []
    for unit, cost in costs.items():
        spot = f"{where}.{unit}"
        if unit not in units:
            problems.append(Problem(spot, "no metric has this unit", _suggest(unit, units), code=codes.COST_UNIT))
            continue
        options = units[unit]
        if options and not isinstance(cost, Mapping):
            example = ", ".join(f"{option}: 1" for option in options)
            problems.append(Problem(spot, f"a cost per association option, e.g. {{{example}}}", code=codes.COST_UNIT))
            continue
        if not options and isinstance(cost, Mapping):
            problems.append(Problem(spot, "one cost (a number), not one per option", code=codes.COST_UNIT))
            continue
        amounts = cost.items() if isinstance(cost, Mapping) else [(None, cost)]
        for option, amount in amounts:
            place = spot if option is None else f"{spot}.{option}"
            if option is not None and option not in options:
                problems.append(
                    Problem(place, "unknown association option", _suggest(option, options), code=codes.COST_UNIT)
                )
            elif amount <= 0:
                problems.append(Problem(place, "a cost must be more than 0", code=codes.COST_UNIT))
    return problems


#: The most characters of an id (of the ruleset, a certification, a metric, a
#: level, a unit, a path or an option): ids are names people read in messages.
MAX_ID_LENGTH = 64


def _check_id_lengths(ruleset: Ruleset) -> list[Problem]:
    ids = [("$.manifest.id", ruleset.manifest.id), ("$.manifest.version", ruleset.manifest.version)]
    ids += [(f"$.certifications[{index}].id", cert.id) for index, cert in enumerate(ruleset.certifications)]
    for index, metric in enumerate(ruleset.metrics):
        ids += [(f"$.metrics[{index}].{key}", getattr(metric, key)) for key in ("id", "level", "unit")]
    for index, path in enumerate(ruleset.paths):
        ids.append((f"$.paths[{index}].id", path.id))
        for metric_id, target in path.targets.items():
            if isinstance(target, Mapping):
                ids += [(f"$.paths[{index}].targets.{metric_id}", option) for option in target]
    return [
        Problem(
            where,
            f"{shown(value)} is {len(value):,} characters; an id has at most {MAX_ID_LENGTH}",
            code=codes.ID_FORMAT,
        )
        for where, value in ids
        if isinstance(value, str) and len(value) > MAX_ID_LENGTH
    ]


def _check_manifest(ruleset: Ruleset) -> list[Problem]:
    manifest = ruleset.manifest
    problems = []
    if not _KEBAB.match(manifest.id):
        problems.append(
            Problem(
                "$.manifest.id", f"{shown(manifest.id)} must be kebab-case, e.g. 'modern-work'", code=codes.ID_FORMAT
            )
        )
    if manifest.effective_until is not None and manifest.effective_until < manifest.effective_from:
        problems.append(
            Problem(
                "$.manifest.effective_until",
                f"{manifest.effective_until} is before effective_from ({manifest.effective_from})",
                code=codes.EFFECTIVE_DATE_ORDER,
            )
        )
    return problems


def _check_certifications(ruleset: Ruleset) -> list[Problem]:
    problems = []
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for index, cert in enumerate(ruleset.certifications):
        where = f"$.certifications[{index}]"
        if cert.id in ids:
            problems.append(
                Problem(f"{where}.id", f"certification id {shown(cert.id)} is used twice", code=codes.DUPLICATE_ID)
            )
        ids.add(cert.id)
        if not _KEBAB.match(cert.id):
            problems.append(
                Problem(
                    f"{where}.id",
                    f"{shown(cert.id)} must be kebab-case, e.g. 'teams-administrator-associate'",
                    code=codes.ID_FORMAT,
                )
            )
        problems += _spelling_problems(
            where,
            cert.id,
            (cert.name, *cert.aliases),
            owner,
            empty="a certification name cannot be empty",
            named="certification",
            hint="an alias must name one certification; remove it from one of them",
        )
        if cert.retired is not None and cert.eligible_through is not None and cert.eligible_through < cert.retired:
            problems.append(
                Problem(
                    f"{where}.eligible_through",
                    f"{cert.eligible_through} is before the certification retired ({cert.retired})",
                    code=codes.CERTIFICATION_DATES,
                )
            )
    return problems


def _spelling_problems(
    where: str,
    item_id: str,
    spellings: tuple[str, ...],
    owner: dict[str, str],
    *,
    empty: str,
    named: str,
    hint: str | None = None,
) -> list[Problem]:
    """Empty spellings (name and aliases) of the item at *where*, and those another item already has.

    *owner* maps each spelling seen so far (normalised) to its item's id; the
    item's own spellings are added to it.
    """
    problems = []
    for offset, spelling in enumerate(spellings):
        spot = f"{where}.name" if offset == 0 else f"{where}.aliases[{offset - 1}]"
        key = normalise_name(spelling)
        if not key:
            problems.append(Problem(spot, empty, code=codes.INVALID_VALUE))
        elif owner.get(key, item_id) != item_id:
            message = f"{shown(spelling)} already names {named} {shown(owner[key])}"
            problems.append(Problem(spot, message, hint, code=codes.DUPLICATE_ALIAS))
        owner.setdefault(key, item_id)
    return problems


def _check_metrics(ruleset: Ruleset) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    cert_ids = [cert.id for cert in ruleset.certifications]
    for index, metric in enumerate(ruleset.metrics):
        where = f"$.metrics[{index}]"
        if metric.id in seen:
            problems.append(
                Problem(f"{where}.id", f"metric id {shown(metric.id)} is used twice", code=codes.DUPLICATE_ID)
            )
        seen.add(metric.id)
        if not _SNAKE.match(metric.id):
            problems.append(
                Problem(
                    f"{where}.id", f"{shown(metric.id)} must be snake_case, e.g. 'usage_growth'", code=codes.ID_FORMAT
                )
            )
        if metric.max_points <= 0:
            problems.append(Problem(f"{where}.max_points", "must be more than 0", code=codes.INVALID_VALUE))
        if metric.measure == "certified_people":
            if metric.level is None:
                problems.append(
                    Problem(
                        where,
                        "a certified_people metric needs a level",
                        "add e.g. 'level: intermediate'",
                        code=codes.METRIC_DEFINITION,
                    )
                )
            if not metric.certifications:
                problems.append(
                    Problem(
                        where,
                        "a certified_people metric needs the certifications that count",
                        "add e.g. 'certifications: [teams-administrator-associate]'",
                        code=codes.METRIC_DEFINITION,
                    )
                )
            for position, cert_id in enumerate(metric.certifications):
                if cert_id not in cert_ids:
                    problems.append(
                        Problem(
                            f"{where}.certifications[{position}]",
                            f"no certification has id {shown(cert_id)}",
                            _suggest(cert_id, cert_ids),
                            code=codes.UNKNOWN_CERTIFICATION,
                        )
                    )
            if len(set(metric.certifications)) != len(metric.certifications):
                problems.append(
                    Problem(f"{where}.certifications", "a certification is listed twice", code=codes.DUPLICATE_ID)
                )
        else:
            for key in ("level", "certifications"):
                if getattr(metric, key):
                    problems.append(
                        Problem(
                            f"{where}.{key}",
                            f"only certified_people metrics have {key}",
                            code=codes.METRIC_DEFINITION,
                        )
                    )
    units = [metric.cost_unit for metric in ruleset.metrics]
    for index, metric in enumerate(ruleset.metrics):
        if metric.unit is not None and not _SNAKE.match(metric.unit):
            problems.append(
                Problem(f"$.metrics[{index}].unit", f"{shown(metric.unit)} must be snake_case", code=codes.ID_FORMAT)
            )
        if units.count(metric.cost_unit) > 1:
            problems.append(
                Problem(
                    f"$.metrics[{index}]", f"unit {shown(metric.cost_unit)} names two metrics", code=codes.DUPLICATE_ID
                )
            )
    if len(set(ruleset.levels())) != len(ruleset.levels()):
        problems.append(
            Problem("$.metrics", "two certified_people metrics count the same level", code=codes.METRIC_DEFINITION)
        )
    return problems


def _check_paths(ruleset: Ruleset) -> list[Problem]:
    problems = []
    metric_ids = [metric.id for metric in ruleset.metrics]
    seen: set[str] = set()
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        if path.id in seen:
            problems.append(Problem(f"{where}.id", f"path id {shown(path.id)} is used twice", code=codes.DUPLICATE_ID))
        seen.add(path.id)
        if not _SNAKE.match(path.id):
            problems.append(
                Problem(f"{where}.id", f"{shown(path.id)} must be snake_case, e.g. 'smb'", code=codes.ID_FORMAT)
            )
        for metric_id in metric_ids:
            if metric_id not in path.targets:
                problems.append(
                    Problem(
                        f"{where}.targets",
                        f"no target for metric {shown(metric_id)}",
                        f"add '{metric_id}: <the measure that earns its max_points>'",
                        code=codes.MISSING_TARGET,
                    )
                )
        for metric_id, target in path.targets.items():
            spot = f"{where}.targets.{metric_id}"
            if metric_id not in metric_ids:
                problems.append(
                    Problem(spot, "unknown metric", _suggest(metric_id, metric_ids), code=codes.UNKNOWN_METRIC)
                )
                continue
            measure = ruleset.metric(metric_id).measure
            problems += _check_target(spot, measure, target) or _target_bounds(spot, measure, target)
    if not ruleset.paths:
        problems.append(Problem("$.paths", "a ruleset needs at least one path", code=codes.MISSING_KEY))
    return problems


def _check_path_customers(ruleset: Ruleset, derived: list[MetricSpec], type_ids: list[str]) -> list[Problem]:
    problems = []
    path_ids = [path.id for path in ruleset.paths]
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        spec = path.customers
        if spec is None:
            if derived:
                problems.append(
                    Problem(
                        where,
                        f"the path needs customers (its seat band and association types): "
                        f"{derived[0].id} is measured from customer data",
                        "add e.g. 'customers: {min_seats: 301, association_types: [cpor, dpor]}'",
                        code=_CUSTOMERS,
                    )
                )
            continue
        spot = f"{where}.customers"
        if spec.min_seats < 1:
            problems.append(Problem(f"{spot}.min_seats", "must be at least 1", code=codes.INVALID_VALUE))
        if spec.max_seats is not None and spec.max_seats < spec.min_seats:
            problems.append(
                Problem(f"{spot}.max_seats", f"is below min_seats ({spec.min_seats})", code=codes.INVALID_VALUE)
            )
        if not spec.association_types:
            problems.append(Problem(f"{spot}.association_types", "list at least one association type", code=_CUSTOMERS))
        for position, type_id in enumerate(spec.association_types):
            if type_id not in type_ids:
                problems.append(
                    Problem(
                        f"{spot}.association_types[{position}]",
                        "not an association type of customer_data",
                        _suggest(type_id, type_ids),
                        code=_CUSTOMERS,
                    )
                )
        if spec.carry_over_from is not None and (
            spec.carry_over_from not in path_ids or spec.carry_over_from == path.id
        ):
            problems.append(
                Problem(
                    f"{spot}.carry_over_from",
                    "not another path of the ruleset",
                    _suggest(spec.carry_over_from, [other for other in path_ids if other != path.id]),
                    code=codes.UNKNOWN_PATH,
                )
            )
        for metric in derived:
            target = path.targets.get(metric.id)
            if metric.measure != "best_of_options" or not isinstance(target, Mapping):
                continue
            for option in target:
                if option not in spec.association_types:
                    problems.append(
                        Problem(
                            f"{where}.targets.{metric.id}.{option}",
                            f"{metric.id} is measured from customer data per association type, and {shown(option)} "
                            f"is not one of the path's ({', '.join(spec.association_types)})",
                            code=_CUSTOMERS,
                        )
                    )
    return problems


def _check_target(where: str, measure: str, target: Target) -> list[Problem]:
    if measure != "best_of_options":
        if isinstance(target, Mapping):
            return [Problem(where, f"a {measure} metric has one target (a number), not options", code=_TARGET)]
        return [] if target > 0 else [Problem(where, "a target must be more than 0", code=_TARGET)]
    if not isinstance(target, Mapping) or not target:
        return [Problem(where, "a best_of_options metric needs a target per option, e.g. {cpor: 1000}", code=_TARGET)]
    problems = []
    for option, amount in target.items():
        if not _SNAKE.match(option):
            problems.append(
                Problem(f"{where}.{option}", "option names must be snake_case, e.g. 'cpor'", code=codes.ID_FORMAT)
            )
        if amount <= 0:
            problems.append(Problem(f"{where}.{option}", "a target must be more than 0", code=_TARGET))
    return problems


_TARGET = codes.INVALID_TARGET

#: The largest target of a certified_people metric, in people (Microsoft's are
#: 1 to 4): a timeline gives each evaluation up to this many people per level.
MAX_PEOPLE_TARGET = 1_000
#: The largest target of a count or best_of_options metric (Microsoft's largest
#: is 4,000 monthly active users): a plan weighs one action per unit up to it.
MAX_TARGET = 100_000


def _target_bounds(where: str, measure: str, target: Target) -> list[Problem]:
    """Targets past what mwrules plans and evaluates over within its limits (docs/limits.md)."""
    most, unit = (MAX_PEOPLE_TARGET, " people") if measure == "certified_people" else (MAX_TARGET, "")
    amounts = target.items() if isinstance(target, Mapping) else [(None, target)]
    return [
        Problem(
            where if option is None else f"{where}.{option}",
            f"a target of {amount:,}{unit}: at most {most:,}",
            "a target is the measure that earns the metric's max_points; see docs/limits.md",
            code=codes.LIMIT,
        )
        for option, amount in amounts
        if amount > most
    ]


def _check_workloads(ruleset: Ruleset) -> list[Problem]:
    problems = []
    customer_metrics = [metric.id for metric in ruleset.metrics if metric.measure != "certified_people"]
    owner: dict[str, str] = {}
    for index, workload in enumerate(ruleset.workloads):
        where = f"$.workloads[{index}]"
        for offset, spelling in enumerate((workload.name, *workload.aliases)):
            spot = f"{where}.name" if offset == 0 else f"{where}.aliases[{offset - 1}]"
            key = normalise_name(spelling)
            if not key:
                problems.append(Problem(spot, "a workload name cannot be empty", code=codes.INVALID_VALUE))
            elif key in owner:
                problems.append(
                    Problem(
                        spot,
                        f"workload {shown(spelling)} is listed twice"
                        + ("" if owner[key] == workload.name else f" (also under {shown(owner[key])})"),
                        code=codes.DUPLICATE_ID,
                    )
                )
            owner.setdefault(key, workload.name)
        for position, metric_id in enumerate(workload.metrics or ()):
            if metric_id not in customer_metrics:
                problems.append(
                    Problem(
                        f"{where}.metrics[{position}]",
                        f"{shown(metric_id)} is not a metric measured from customer data",
                        _suggest(metric_id, customer_metrics),
                        code=codes.UNKNOWN_METRIC,
                    )
                )
    if len(ruleset.workloads) > MAX_WORKLOADS:
        problems.append(
            Problem("$.workloads", f"{len(ruleset.workloads)} workloads: at most {MAX_WORKLOADS}", code=_CUSTOMERS)
        )
    return problems


#: The most workloads a ruleset lists, and the finest deployment share: with
#: at most 10^9 seats per row, a tenant's paid seats times the share's
#: numerator stay below 2^53, so the engine compares deployments exactly.
MAX_WORKLOADS = 1000
MAX_SHARE_DENOMINATOR = 1000
#: The most months reference_month_lag, months_back and new_association_months
#: may count (Microsoft's are 1, 12 and 12): the months measured are read from
#: the customer data, and a month must stay a YYYY-MM month.
MAX_CUSTOMER_MONTHS = 120
_CUSTOMERS = codes.CUSTOMER_DATA_DEFINITION


def _check_customer_data(ruleset: Ruleset) -> list[Problem]:
    problems = []
    derived = [(index, metric) for index, metric in enumerate(ruleset.metrics) if metric.from_customers is not None]
    for index, metric in derived:
        assert metric.from_customers is not None  # noqa: S101 - selected above
        needs = FROM_CUSTOMERS_MEASURE[metric.from_customers]
        if metric.measure != needs:
            problems.append(
                Problem(
                    f"$.metrics[{index}].from_customers",
                    f"{metric.from_customers} measures a {needs} metric, not a {metric.measure} one",
                    code=codes.METRIC_DEFINITION,
                )
            )
    data = ruleset.customer_data
    if data is None:
        if derived:
            problems.append(
                Problem(
                    f"$.metrics[{derived[0][0]}].from_customers",
                    "a metric measured from customer data needs the ruleset's customer_data",
                    "add customer_data with the association types and the deployment share",
                    code=_CUSTOMERS,
                )
            )
        return problems
    type_ids: list[str] = []
    owner: dict[str, str] = {}
    for index, kind in enumerate(data.association_types):
        where = f"$.customer_data.association_types[{index}]"
        if not _SNAKE.match(kind.id):
            problems.append(
                Problem(f"{where}.id", f"{shown(kind.id)} must be snake_case, e.g. 'cpor'", code=codes.ID_FORMAT)
            )
        if kind.id in type_ids:
            problems.append(
                Problem(f"{where}.id", f"association type {shown(kind.id)} is listed twice", code=codes.DUPLICATE_ID)
            )
        type_ids.append(kind.id)
        problems += _spelling_problems(
            where,
            kind.id,
            (kind.name, *kind.aliases),
            owner,
            empty="an association type's name cannot be empty",
            named="association type",
        )
    if not data.association_types:
        problems.append(
            Problem("$.customer_data.association_types", "list at least one association type", code=_CUSTOMERS)
        )
    for key, least in (("reference_month_lag", 0), ("months_back", 1), ("new_association_months", 1)):
        months = getattr(data, key)
        if months < least:
            problems.append(Problem(f"$.customer_data.{key}", f"must be at least {least}", code=codes.INVALID_VALUE))
        elif months > MAX_CUSTOMER_MONTHS:
            problems.append(
                Problem(
                    f"$.customer_data.{key}",
                    f"{months:,} months: at most {MAX_CUSTOMER_MONTHS} (ten years)",
                    "each month counted is read from the customer data; see docs/limits.md",
                    code=codes.LIMIT,
                )
            )
    share = data.deployment_share
    if not 0 < share <= 1:
        problems.append(
            Problem("$.customer_data.deployment_share", "must be more than 0 and at most 1", code=codes.INVALID_VALUE)
        )
    elif share.denominator > MAX_SHARE_DENOMINATOR:
        problems.append(
            Problem(
                "$.customer_data.deployment_share",
                f"too fine to compare exactly: a share in thousandths at most (0.4, 0.375), not {float(share)}",
                code=codes.POINTS_TOO_FINE,
            )
        )
    problems += _check_path_customers(ruleset, [metric for _, metric in derived], type_ids)
    if derived and not ruleset.workloads:
        problems.append(
            Problem("$.workloads", "metrics measured from customer data need the eligible workloads", code=_CUSTOMERS)
        )
    return problems


#: The largest whole number the engine compares exactly (a double's 53-bit
#: mantissa; its integers are 64-bit, but a score must never depend on which).
MAX_EXACT_UNITS = 2**53


def points_denominator(ruleset: Ruleset) -> int:
    """The least number of units per point that makes every reachable score a whole number of units.

    The engine compares points as integers in these units, never as floats.
    """
    return math.lcm(*(fraction.denominator for _, fraction in _point_fractions(ruleset)))


def _point_fractions(ruleset: Ruleset) -> Iterator[tuple[str, Fraction]]:
    """Where each number a score is built from comes from, and the number (points, and points per unit)."""
    yield "$.scoring.min_total_points", ruleset.scoring.min_total_points
    yield "$.scoring.min_metric_points", ruleset.scoring.min_metric_points
    for index, metric in enumerate(ruleset.metrics):
        yield f"$.metrics[{index}].max_points", metric.max_points
    max_points = {metric.id: metric.max_points for metric in ruleset.metrics}
    for index, path in enumerate(ruleset.paths):
        for metric_id, target in path.targets.items():
            if metric_id not in max_points:
                continue
            amounts = target.items() if isinstance(target, Mapping) else [(None, target)]
            for option, amount in amounts:
                if amount > 0:
                    where = f"$.paths[{index}].targets.{metric_id}" + (f".{option}" if option else "")
                    yield where, max_points[metric_id] / amount


#: The most facts one rule of the engine can join (durable_rules' MAX_MESSAGE_FRAMES):
#: a path's total joins its metrics, the verdict joins the paths, and a
#: best_of_options metric joins its options.
MAX_JOINED = 16


def _check_joins(ruleset: Ruleset) -> list[Problem]:
    """Rulesets whose rules would join more facts than the engine can: refused, never a failed evaluation."""
    problems = []
    suggestion = f"the rules engine joins at most {MAX_JOINED} facts in one rule"
    if len(ruleset.metrics) > MAX_JOINED:
        message = f"{len(ruleset.metrics)} metrics: at most {MAX_JOINED} (a path's total adds them up in one rule)"
        problems.append(Problem("$.metrics", message, suggestion, code=codes.TOO_MANY_TO_JOIN))
    if len(ruleset.paths) > MAX_JOINED:
        message = f"{len(ruleset.paths)} paths: at most {MAX_JOINED} (the verdict compares them in one rule)"
        problems.append(Problem("$.paths", message, suggestion, code=codes.TOO_MANY_TO_JOIN))
    for index, path in enumerate(ruleset.paths):
        for metric_id, target in path.targets.items():
            if isinstance(target, Mapping) and len(target) > MAX_JOINED:
                problems.append(
                    Problem(
                        f"$.paths[{index}].targets.{metric_id}",
                        f"{len(target)} association options: at most {MAX_JOINED} (the best is chosen in one rule)",
                        suggestion,
                        code=codes.TOO_MANY_TO_JOIN,
                    )
                )
    return problems


def _check_exactness(ruleset: Ruleset) -> list[Problem]:
    """Scores too fine for the engine to compare exactly: refused, never compared wrongly."""
    denominator = points_denominator(ruleset)
    most = max(ruleset.scoring.total_points, *(metric.max_points for metric in ruleset.metrics))
    if most * denominator <= MAX_EXACT_UNITS:
        return []
    # Name the finest number: it is the likeliest to be a typo (1009 for 1000).
    where = max(_point_fractions(ruleset), key=lambda spot: spot[1].denominator)[0]
    return [
        Problem(
            where,
            f"the points of this ruleset are too fine to compare exactly: a score is a multiple of "
            f"1/{denominator:,} of a point, and {_num(most)} points would be more than 2^53 such units",
            "use rounder targets and points (1000 rather than 1009, 2.5 rather than 2.4999)",
            code=codes.POINTS_TOO_FINE,
        )
    ]


#: The longest attainment window a ruleset may set
MAX_WINDOW_MONTHS = 24


def _check_scoring(ruleset: Ruleset) -> list[Problem]:
    problems = []
    scoring = ruleset.scoring
    maxima = sum((metric.max_points for metric in ruleset.metrics), Fraction(0))
    if maxima != scoring.total_points:
        problems.append(
            Problem(
                "$.scoring.total_points",
                f"the metrics' max_points add up to {_num(maxima)}, not {_num(scoring.total_points)}",
                f"set total_points to {_num(maxima)}, or correct a metric's max_points",
                code=codes.MAXIMA_MISMATCH,
            )
        )
    if not 0 < scoring.min_total_points <= scoring.total_points:
        problems.append(
            Problem(
                "$.scoring.min_total_points",
                f"must be more than 0 and at most {_num(scoring.total_points)}",
                code=codes.THRESHOLD_OUT_OF_RANGE,
            )
        )
    if scoring.min_metric_points < 0:
        problems.append(Problem("$.scoring.min_metric_points", "cannot be negative", code=codes.THRESHOLD_OUT_OF_RANGE))
    for metric in ruleset.metrics:
        if scoring.min_metric_points > metric.max_points:
            problems.append(
                Problem(
                    "$.scoring.min_metric_points",
                    f"more than the {_num(metric.max_points)} points {shown(metric.id)} can earn",
                    code=codes.THRESHOLD_OUT_OF_RANGE,
                )
            )
    if not 1 <= scoring.window_months <= MAX_WINDOW_MONTHS:
        problems.append(
            Problem(
                "$.scoring.window_months",
                f"must be a whole number of months from 1 to {MAX_WINDOW_MONTHS}, not {shown(scoring.window_months)}",
                "Microsoft's window is the current month and the five before it: window_months: 6",
                code=codes.THRESHOLD_OUT_OF_RANGE,
            )
        )
    path_ids = [path.id for path in ruleset.paths]
    preference = list(scoring.path_preference)
    for index, path_id in enumerate(preference):
        if path_id not in path_ids:
            problems.append(
                Problem(
                    f"$.scoring.path_preference[{index}]",
                    "unknown path",
                    _suggest(path_id, path_ids),
                    code=codes.UNKNOWN_PATH,
                )
            )
    missing = [path_id for path_id in path_ids if path_id not in preference]
    if missing or len(set(preference)) != len(preference):
        problems.append(
            Problem(
                "$.scoring.path_preference",
                f"must list every path exactly once: {path_ids}",
                code=codes.UNKNOWN_PATH if missing else codes.DUPLICATE_ID,
            )
        )
    return problems


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    return did_you_mean(word, choices)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def normalise_name(name: str) -> str:
    """How certification names are compared: case and surrounding or repeated spaces ignored."""
    return " ".join(name.split()).casefold()

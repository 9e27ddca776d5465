"""Customer data: read a partner document's ``customers``, and turn them into tenant facts.

Reading checks and builds in one pass, collecting every problem with its
``$.customers[i]...`` path: tenants (unique as person ids are), associations
(a type the ruleset knows, dates in order), monthly usage rows (a month
written ``YYYY-MM``, whole numbers of seats and users, one row per month and
workload). A workload the ruleset does not list is not a mistake: it is
counted in the verdict's warnings.

The facts pre-aggregate the monthly rows, per tenant and per metric measured
from customer data, into what the rules decide on for the measured month M
and the month it is compared with: the distinct paid-seat counts of the
metric's workloads (and those a comparison period earlier, for a carry-over),
the seats and active users summed, the association types active in the
month, and for each type its association's start. Whether a tenant is
eligible, counted, deployed or excluded is the rules' decision (see
:mod:`mwrules._evaluation.rules_customers`).
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import datetime
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from .. import codes
from ..errors import Problem, did_you_mean
from ..limits import Limits
from ..model import Association, Customer, Partner, Usage
from ..ruleset import Ruleset, normalise_name
from .convert import parse_date, shown


#: The most paid seats or active users one row may give: far beyond any
#: tenant, and small enough for the engine to compare sums exactly.
MAX_SEATS = 10**9
# Matched whole, in ASCII digits: "2026-10\n" or a year in full-width digits is no month (and was never counted)
_MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
_CUSTOMER_KEYS = ("tenant", "name", "associations", "usage")
_ASSOCIATION_KEYS = ("type", "since", "until")
_USAGE_KEYS = ("month", "workload", "paid_seats", "active_users")
_SUGGESTIONS = 100
# A named tuple made without its Python-level __new__: a partner may have millions of rows
_new_tuple = tuple.__new__
_ROW_MONTH, _ROW_WORKLOAD = operator.itemgetter(0), operator.itemgetter(1)
_STARTED = operator.itemgetter(0)


def month_index(month: str) -> int:
    """A month written ``YYYY-MM`` as a number of months (consecutive months differ by 1)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(index: int) -> str:
    """The month *index* stands for, written ``YYYY-MM``."""
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def day_month(day: datetime.date) -> int:
    """The month of *day*, as :func:`month_index` counts."""
    return day.year * 12 + day.month - 1


def workload_names(ruleset: Ruleset) -> dict[str, str]:
    """Each spelling of a workload the ruleset lists (normalised) -> the workload's name."""
    return {
        normalise_name(spelling): workload.name
        for workload in ruleset.workloads
        for spelling in (workload.name, *workload.aliases)
    }


def association_types(ruleset: Ruleset) -> dict[str, str]:
    """Each spelling of an association type (normalised) -> its id."""
    if ruleset.customer_data is None:
        return {}
    return {
        normalise_name(spelling): kind.id
        for kind in ruleset.customer_data.association_types
        for spelling in (kind.name, *kind.aliases)
    }


class _Reader:
    """One pass over ``customers``: the customers built, and every problem."""

    def __init__(self, ruleset: Ruleset, limits: Limits, identity: Any, text_problem: Any) -> None:
        self.ruleset = ruleset
        self.limits = limits
        self.identity = identity
        self.text_problem = text_problem
        self.problems: list[Problem] = []
        self.types = association_types(ruleset)
        self.type_names = sorted(
            {kind.name for kind in ruleset.customer_data.association_types} if ruleset.customer_data else ()
        )
        self.workloads = workload_names(ruleset)
        self.rows = 0
        # Months and workload names repeat in every tenant: each is checked once
        self.months: dict[object, bool] = {}
        self.workload_keys: dict[object, str | None] = {}
        # (month, workload) as written and valid -> (the key rows are compared by, month, workload)
        self.pairs: dict[tuple[object, object], tuple[tuple[str, str], str, str]] = {}

    def problem(self, where: str, message: str, suggestion: str | None = None, *, code: str) -> None:
        self.problems.append(Problem(where, message, suggestion, code=code))

    def hint(self, word: str, choices: Iterable[str]) -> str | None:
        return did_you_mean(word, choices) if len(self.problems) < _SUGGESTIONS else None

    def keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], where: str, required: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    f"{where}.{key}" if isinstance(key, str) and key.isidentifier() else where,
                    f"unknown key {shown(key)}",
                    self.hint(str(key), allowed),
                    code=codes.UNKNOWN_KEY,
                )
        for key in required:
            if key not in data:
                self.problem(where, f"missing required key {key!r}", code=codes.MISSING_KEY)

    def text(self, value: object, where: str, what: str) -> str | None:
        if not isinstance(value, str):
            self.problem(where, f"expected {what} (text), got {shown(value)}", code=codes.INVALID_VALUE)
            return None
        trouble = self.text_problem(value, self.limits)
        if trouble is not None:
            message, code = trouble
            self.problem(where, message, code=code)
            return None
        return value

    def read(self, data: object) -> tuple[Customer, ...] | None:
        where = "$.customers"
        if not isinstance(data, list):
            self.problem(where, f"expected a list of customer tenants, got {shown(data)}", code=codes.INVALID_VALUE)
            return None
        if len(data) > self.limits.max_customers:
            self.problem(
                where,
                f"{len(data):,} customers, more than the limit of {self.limits.max_customers:,}",
                "raise the limit with --limit customers=N",
                code=codes.LIMIT,
            )
            return None
        customers = []
        first_use: dict[str, int] = {}
        for index, item in enumerate(data):
            customer = self.customer(item, f"{where}[{index}]")
            tenant = item.get("tenant") if isinstance(item, dict) else None
            if not isinstance(tenant, str) or self.text_problem(tenant, self.limits) is not None:
                continue  # reported by self.customer
            key = self.identity(tenant)
            if not key:
                continue
            if key in first_use:
                self.problem(
                    f"{where}[{index}].tenant",
                    f"tenant {shown(tenant)} is already $.customers[{first_use[key]}]",
                    "give each tenant once, with all its associations and usage",
                    code=codes.DUPLICATE_TENANT,
                )
            first_use.setdefault(key, index)
            if customer is not None:
                customers.append(customer)
        return None if self.problems else tuple(customers)

    def customer(self, item: object, where: str) -> Customer | None:
        if not isinstance(item, dict):
            self.problem(
                where,
                f"expected a customer: an object with tenant, associations and usage, got {shown(item)}",
                code=codes.INVALID_VALUE,
            )
            return None
        self.keys(item, _CUSTOMER_KEYS, where, ("tenant", "associations"))
        tenant = self.text(item.get("tenant"), f"{where}.tenant", "a tenant id") if "tenant" in item else None
        if tenant is not None and not self.identity(tenant):
            self.problem(f"{where}.tenant", "a tenant id cannot be empty", code=codes.INVALID_VALUE)
            tenant = None
        name = item.get("name")
        if name is not None:
            name = self.text(name, f"{where}.name", "a name")
        associations = (
            self.associations(item.get("associations"), f"{where}.associations") if "associations" in item else None
        )
        usage = self.usage(item.get("usage", []), f"{where}.usage")
        if tenant is None or associations is None or usage is None:
            return None
        return Customer(tenant=tenant.strip(), name=name, associations=associations, usage=usage)

    def associations(self, data: object, where: str) -> tuple[Association, ...] | None:
        if not isinstance(data, list) or not data:
            self.problem(
                where,
                "expected a list of at least one association, e.g. [{type: CPOR, since: 2024-03-15}], "
                f"got {shown(data)}",
                code=codes.INVALID_VALUE,
            )
            return None
        built = []
        start = len(self.problems)
        for index, item in enumerate(data):
            spot = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problem(
                    spot,
                    f"expected an association: an object with type and since, got {shown(item)}",
                    code=codes.INVALID_VALUE,
                )
                continue
            self.keys(item, _ASSOCIATION_KEYS, spot, ("type", "since"))
            kind = self.text(item.get("type"), f"{spot}.type", "an association type") if "type" in item else None
            if kind is not None and self.ruleset.customer_data is not None and normalise_name(kind) not in self.types:
                self.problem(
                    f"{spot}.type",
                    f"{shown(kind)} is not an association type of {self.ruleset}",
                    self.hint(kind, self.type_names),
                    code=codes.UNKNOWN_ASSOCIATION_TYPE,
                )
            since = self.date(item.get("since"), f"{spot}.since") if "since" in item else None
            until = self.date(item.get("until"), f"{spot}.until")
            if since is not None and until is not None and until < since:
                self.problem(
                    f"{spot}.until", f"ends ({until}) before it starts ({since})", code=codes.ASSOCIATION_DATES
                )
            if kind is not None and since is not None:
                built.append(Association(kind, since, until))
        return tuple(built) if len(self.problems) == start else None

    def date(self, value: object, where: str) -> datetime.date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.problem(where, f"expected a date written YYYY-MM-DD, got {shown(value)}", code=codes.INVALID_VALUE)
            return None

    def usage(self, data: object, where: str) -> tuple[Usage, ...] | None:
        if not isinstance(data, list):
            self.problem(where, f"expected a list of monthly usage rows, got {shown(data)}", code=codes.INVALID_VALUE)
            return None
        self.rows += len(data)
        if self.rows > self.limits.max_usage_rows:
            if self.rows - len(data) <= self.limits.max_usage_rows:  # said once
                self.problem(
                    where,
                    f"more than the limit of {self.limits.max_usage_rows:,} usage rows in all",
                    "raise the limit with --limit usage-rows=N",
                    code=codes.LIMIT,
                )
            return None
        rows = []
        seen: dict[tuple[str, str], int] = {}
        start = len(self.problems)
        pairs = self.pairs
        for index, row in enumerate(data):
            # The common case first, and fast: a plain row of a month and a
            # workload name seen before (checked then), and two counts
            if type(row) is dict and len(row) == 4:
                paid, active = row.get("paid_seats"), row.get("active_users")
                try:
                    pair = pairs.get((row.get("month"), row.get("workload")))
                except TypeError:  # a list or an object where text belongs
                    pair = None
                if (
                    pair is not None
                    and type(paid) is int
                    and type(active) is int
                    and 0 <= paid <= MAX_SEATS
                    and 0 <= active <= MAX_SEATS
                ):
                    key, month, workload = pair
                    if key in seen:
                        self.duplicate(f"{where}[{index}]", seen[key], month, workload)
                    else:
                        seen[key] = index
                        rows.append(_new_tuple(Usage, (month, workload, paid, active)))
                    continue
            usage = self.row(row, f"{where}[{index}]")
            if usage is None:
                continue
            key = (usage.month, self.workload_keys[usage.workload] or "")
            pairs[usage.month, usage.workload] = (key, usage.month, usage.workload)
            if key in seen:
                self.duplicate(f"{where}[{index}]", seen[key], usage.month, usage.workload)
            else:
                seen[key] = index
                rows.append(usage)
        return tuple(rows) if len(self.problems) == start else None

    def duplicate(self, where: str, first: int, month: str, workload: str) -> None:
        self.problem(
            where,
            f"a second row for {month} and {shown(workload)} (the first is row {first}; workload names are "
            "compared through the ruleset's aliases, ignoring case and spaces)",
            "give one row per month and workload",
            code=codes.DUPLICATE_USAGE,
        )

    def row(self, row: object, where: str) -> Usage | None:
        if not isinstance(row, dict):
            self.problem(
                where,
                f"expected a usage row: an object with {', '.join(_USAGE_KEYS)}, got {shown(row)}",
                code=codes.INVALID_VALUE,
            )
            return None
        start = len(self.problems)
        self.keys(row, _USAGE_KEYS, where, _USAGE_KEYS)
        month = row.get("month")
        if "month" in row and not self.month(month):
            self.problem(
                f"{where}.month",
                f"expected a month written YYYY-MM, e.g. 2025-10, got {shown(month)}",
                code=codes.INVALID_VALUE,
            )
        workload = row.get("workload")
        if "workload" in row and self.workload(workload, f"{where}.workload") is None:
            pass  # reported
        counts: dict[str, int] = {}
        for key in ("paid_seats", "active_users"):
            value = row.get(key)
            if type(value) is float and value.is_integer():  # 400.0, as a count anywhere in a document
                value = int(value)
            if type(value) is int:
                counts[key] = value
            if key in row and (type(value) is not int or not 0 <= value <= MAX_SEATS):
                self.problem(
                    f"{where}.{key}",
                    f"expected a whole number from 0 to {MAX_SEATS:,}, got {shown(value)}",
                    code=codes.INVALID_VALUE,
                )
        if len(self.problems) != start:
            return None
        return Usage(str(month), str(workload), counts["paid_seats"], counts["active_users"])

    def month(self, value: object) -> bool:
        try:
            known = self.months.get(value)
        except TypeError:  # a list or an object
            return False
        if known is None:
            known = self.months[value] = type(value) is str and _MONTH.fullmatch(value) is not None
        return known

    def workload(self, value: object, where: str) -> str | None:
        """The key rows of *value*'s workload are compared by: the ruleset's name for it, else its spelling."""
        try:
            if value in self.workload_keys:
                return self.workload_keys[value]
        except TypeError:
            pass
        text = self.text(value, where, "a workload name")
        if text is None:
            return None
        key = normalise_name(text)
        if not key:
            self.problem(where, "a workload name cannot be empty", code=codes.INVALID_VALUE)
            return None
        self.workload_keys[text] = self.workloads.get(key, "?" + key)
        return self.workload_keys[text]


def read_customers(
    data: object, ruleset: Ruleset, limits: Limits, identity: Any, text_problem: Any
) -> tuple[tuple[Customer, ...] | None, list[Problem]]:
    """The customers of a document's ``customers`` value, or None and every problem.

    *identity* is how ids are compared and *text_problem* what is wrong with a
    text, if anything (both as for people; see :mod:`mwrules._input.partner`).
    """
    reader = _Reader(ruleset, limits, identity, text_problem)
    customers = reader.read(data)
    return customers, reader.problems


def customers_to_document(customers: Iterable[object]) -> list[object]:
    """*customers* as a document's ``customers`` (values of the wrong type are kept, for the checks to report)."""

    def association(value: object) -> object:
        if not isinstance(value, Association):
            return value
        fields = {"type": value.type, "since": value.since, "until": value.until}
        return {key: item for key, item in fields.items() if item is not None}

    def usage(value: object) -> object:
        return dict(value._asdict()) if isinstance(value, Usage) else value

    def customer(value: object) -> object:
        if not isinstance(value, Customer):
            return value
        document: dict[str, object] = {"tenant": value.tenant}
        if value.name is not None:
            document["name"] = value.name
        associations, rows = value.associations, value.usage
        document["associations"] = (
            [association(item) for item in associations] if isinstance(associations, tuple | list) else associations
        )
        document["usage"] = [usage(item) for item in rows] if isinstance(rows, tuple | list) else rows
        return document

    return [customer(value) for value in customers]


class UsageMonths:
    """Per month, the tenants with a usage row in it: what an evaluation on a day reads of the customer data.

    A tenant makes facts for the month M of a day only if it has usage in M
    or in the month M is compared with (see :func:`customer_facts`), and
    those facts read the rows of a few months only: M, the month compared,
    its own comparison month and the months a new association started. So a
    timeline over many months gives each evaluation those tenants alone,
    with those rows alone: the work over all months stays in proportion to
    the rows.
    """

    def __init__(self, customers: tuple[Customer, ...]) -> None:
        self.customers = customers
        self.tenants: dict[int, list[int]] = {}
        #: per customer, its rows by month
        self.rows: list[dict[int, list[Usage]]] = []
        for index, customer in enumerate(customers):
            by_month: dict[int, list[Usage]] = {}
            for row in customer.usage:
                by_month.setdefault(month_index(row.month), []).append(row)
            self.rows.append(by_month)
            for month in by_month:
                self.tenants.setdefault(month, []).append(index)

    def measured_on(self, ruleset: Ruleset, day: datetime.date) -> tuple[Customer, ...]:
        """The customers whose facts the customer data of *ruleset* has on *day*, with the rows those facts read.

        The others make no facts; a tenant's other rows only name its
        unknown workloads once more in the warnings.
        """
        data = ruleset.customer_data
        assert data is not None  # noqa: S101 - only for a ruleset with customer data
        reference = day_month(day) - data.reference_month_lag
        back, window = data.months_back, data.new_association_months
        found = set(self.tenants.get(reference, ())) | set(self.tenants.get(reference - back, ()))
        compared = [reference - k * back for k in range(3)]  # as _Aggregate.months reads them
        measured = []
        for index in sorted(found):
            customer, rows = self.customers[index], self.rows[index]
            months = dict.fromkeys(compared)
            for association in customer.associations:
                started = day_month(association.since)
                if reference - window < started <= reference:
                    months[started] = None
            usage = tuple(row for month in months for row in rows.get(month, ()))
            measured.append(attrs.evolve(customer, usage=usage))
        return tuple(measured)


# Facts -----------------------------------------------------------------------------

#: What the eligible rules of a tenant fact read (besides its type): the
#: group, the metrics measured, and the distinct paid-seat counts of the
#: month and of the month it is compared with (for the carry-over). The
#: rules are :meth:`mwrules._evaluation.rules_customers._CustomerRules.eligible_rules`;
#: a test checks that they read no other field.
ELIGIBILITY_FIELDS = ("group", "measured", "seats", "before")


def eligibility_key(fact: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """What the eligible rules read of a tenant fact (see :data:`ELIGIBILITY_FIELDS`); None for another fact."""
    if fact["t"] != "tenant":
        return None
    return tuple(_key(fact[field]) for field in ELIGIBILITY_FIELDS)


def eligible_fact(tenant: Mapping[str, Any], path_id: str) -> dict[str, Any]:
    """The fact an eligible rule derives from *tenant* for *path_id*: what the later rules decide on.

    It repeats of the tenant fact what the later rules read, not the
    engine's own keys, the fields only the eligible rules decide on, nor
    those that stay in Python (named ``_...``: the trace reads them on the
    tenant fact): a smaller fact is a cheaper message for every later firing.
    """
    return {**tenant["_repeated"], "t": "eligible", "path": path_id}


class Eligibility:
    """The paths the eligible rules found tenant facts eligible for, kept across the evaluations of a timeline.

    A timeline measures each tenant-month twice: as month M, and a year
    later as the month M is compared with. Both tenant facts give the
    eligible rules the same :data:`ELIGIBILITY_FIELDS`, so the rules'
    decision on the first holds for the second: while :meth:`reused`, a
    tenant fact whose fields an earlier evaluation decided on reaches the
    engine as the eligible facts the rules derived then (made from it, as
    the rules make them), not as a fact to decide on again. Its firings
    are then not in the trace, which a timeline's evaluations do not keep.
    """

    def __init__(self) -> None:
        self.decided: dict[tuple[Any, ...], tuple[str, ...]] = {}
        # the tenant facts of the evaluation running: their key -> the paths found so far
        self._deciding: dict[tuple[Any, ...], list[str]] = {}

    @contextlib.contextmanager
    def reused(self) -> Iterator[None]:
        """Use and add to the decisions in the evaluations of the block (one at a time, in this thread)."""
        token = _DECISIONS.set(self)
        try:
            yield
        except BaseException:
            self._deciding.clear()  # the rules may not have run on all of them
            raise
        else:
            self.decided.update((key, tuple(paths)) for key, paths in self._deciding.items())
            self._deciding.clear()
        finally:
            _DECISIONS.reset(token)

    def apply(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """*facts*, each tenant fact decided before replaced by its eligible facts; the others recorded when decided."""
        applied: list[dict[str, Any]] = []
        for fact in facts:
            key = eligibility_key(fact)
            if key is None:  # not a tenant fact
                applied.append(fact)
                continue
            paths = self.decided.get(key)
            if paths is None:
                if key not in self._deciding:  # the first of its kind records what the rules decide
                    fact["_eligible_paths"] = self._deciding[key] = []
                applied.append(fact)
                continue
            for path_id in paths:
                eligible = eligible_fact(fact, path_id)
                eligible["_tenant_fact"] = fact
                applied.append(eligible)
        return applied


def _key(value: Any) -> Any:
    return tuple(value) if type(value) is list else value


_DECISIONS: contextvars.ContextVar[Eligibility | None] = contextvars.ContextVar("mwrules_eligibility", default=None)


def customer_facts(
    partner: Partner, ruleset: Ruleset, as_of: datetime.date, warnings: list[str]
) -> list[dict[str, Any]]:
    """The engine facts of *partner*'s customer data, for the metrics it measures; warnings are appended.

    A ``derive`` fact per path and metric measured from customer data (the
    metrics given in ``metrics`` are not), and a ``tenant`` fact per tenant,
    group of metrics with the same workloads (see
    :meth:`~mwrules.ruleset.Ruleset.workload_groups`) and month compared (M,
    and M minus months_back) where the tenant has paid seats on the group's
    workloads; ``measured`` lists the ``path:metric`` pairs of the group that
    are measured.
    """
    data = ruleset.customer_data
    customers = partner.customers
    if customers is None:
        return []
    derived = ruleset.derived_metrics()
    if data is None or not derived:
        warnings.append(f"$.customers: {ruleset} measures no metric from customer data; the customer data is not used")
        return []
    measured = [
        (path.id, metric.id)
        for path in ruleset.paths
        for metric in derived
        if metric.id not in (partner.metrics.get(path.id) or {})
    ]
    for path in ruleset.paths:
        for metric in derived:
            if metric.id in (partner.metrics.get(path.id) or {}):
                warnings.append(f"$.metrics.{path.id}.{metric.id}: given, so it is not measured from the customer data")
    if not measured:
        return []
    reference = day_month(as_of) - data.reference_month_lag
    back = data.months_back
    compared = (0, back)
    window = data.new_association_months
    wanted = {reference - k for k in compared} | {reference - back - k for k in compared}
    wanted |= set(range(reference - window + 1, reference + 1))
    aggregate = _Aggregate(ruleset, {f"{path_id}:{metric_id}" for path_id, metric_id in measured}, wanted, reference)
    facts: list[dict[str, Any]] = []
    for index, customer in enumerate(customers):
        facts += aggregate.facts(index, customer, reference)
    decisions = _DECISIONS.get()
    if decisions is not None:
        facts = decisions.apply(facts)
    facts += [{"t": "derive", "path": path_id, "metric": metric_id} for path_id, metric_id in measured]
    unknown = aggregate.unknown
    if unknown:
        listed = sorted(unknown, key=lambda name: (-unknown[name], name))
        shown_names = ", ".join(
            f"{name!r} ({unknown[name]:,})" + (f", {hint}" if (hint := _close(name, ruleset)) else "")
            for name in listed[:5]
        )
        more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
        warnings.append(
            f"$.customers: {sum(unknown.values()):,} usage rows of {len(listed)} workload(s) that do not count under "
            f"{ruleset}: {shown_names}{more}; not counted"
        )
    for k in compared:
        if reference - k not in aggregate.months_seen:
            label = "M" if k == 0 else f"M-{k}"
            warnings.append(
                f"$.customers: no usage row for {month_text(reference - k)} (month {label} for as_of {as_of}); "
                "every tenant counts 0 there"
            )
    return facts


def _close(name: str, ruleset: Ruleset) -> str | None:
    hint = did_you_mean(name, [workload.name for workload in ruleset.workloads])
    return hint if hint and hint.startswith("did you mean") else None


class _Aggregate:
    """Per tenant, the monthly rows summed into the facts the rules decide on."""

    def __init__(self, ruleset: Ruleset, measured: set[str], wanted: set[int], reference: int) -> None:
        data = ruleset.customer_data
        assert data is not None  # noqa: S101 - only for a ruleset with customer data
        self.back = data.months_back
        self.window = data.new_association_months
        self.wanted = wanted
        # the months every tenant needs: M, M - months_back, and its own comparison month (the carry-over)
        self.always = frozenset(month_text(reference - k * self.back) for k in range(3))
        self.resolved: dict[str, str | None] = {}
        # Per group of metrics with the same workloads: what is measured of it ("path:metric")
        self.groups = []
        all_groups = ruleset.workload_groups()
        for name, metric_ids in all_groups:
            on = sorted(f"{path.id}:{metric_id}" for path in ruleset.paths for metric_id in metric_ids)
            if any(pair in measured for pair in on):
                self.groups.append((name, [pair for pair in on if pair in measured]))
        group_names = [name for name, _ in all_groups]
        group_workloads = [set(ruleset.workloads_for(metric_ids[0])) for _, metric_ids in all_groups]
        self.lists_with = {
            workload.name: tuple(number for number, listed in enumerate(group_workloads) if workload.name in listed)
            for workload in ruleset.workloads
        }
        self.number_of = {name: group_names.index(name) for name, _ in self.groups}
        self.names = workload_names(ruleset)
        self.type_ids = association_types(ruleset)
        self.type_of: dict[str, str] = {}  # an association type as written -> its id
        self.month_texts: dict[int, str] = {}
        # (month, workload) as written -> the tallies its rows add to: (month number, workload list number) pairs;
        # None for a workload the ruleset does not list
        self.keys: dict[tuple[str, str], tuple[tuple[int, int], ...] | None] = {}
        self.unknown: dict[str, int] = {}

    @property
    def months_seen(self) -> set[int]:
        """The months some row of a listed workload gives."""
        return {month_index(month) for (month, _), keys in self.keys.items() if keys is not None}

    def _keys(self, month: str, workload: str) -> tuple[tuple[int, int], ...] | None:
        name = self._name(workload)
        if name is None:
            return None
        number = month_index(month)
        return tuple((number, listed) for listed in self.lists_with[name]) if number in self.wanted else ()

    def months(self, customer: Customer, reference: int) -> dict[tuple[int, int], list[Any]]:
        """Per month needed and workload list: the distinct paid-seat counts, the paid seats and the active users.

        The months needed are M, the month it is compared with, that month's
        own comparison month (for the carry-over), and the months in which
        an association of the tenant started, within the window of new
        associations: the rows of other months are not added up at all.
        """
        usage = customer.usage
        for workload, count in collections.Counter(map(_ROW_WORKLOAD, usage)).items():
            if self._name(workload) is None:
                self.unknown[workload] = self.unknown.get(workload, 0) + count
        needed = set(self.always)
        for association in customer.associations:
            started = day_month(association.since)
            if reference - self.window < started <= reference:
                needed.add(month_text(started))
        tallies: dict[tuple[int, int], list[Any]] = {}
        cache = self.keys
        for month, workload, paid, active in itertools.compress(
            usage, map(needed.__contains__, map(_ROW_MONTH, usage))
        ):
            keys = cache.get((month, workload), ())
            if keys == ():
                keys = cache[month, workload] = self._keys(month, workload)
            if keys is None:
                continue  # counted above
            for key in keys:
                tally = tallies.get(key)
                if tally is None:
                    tally = tallies[key] = [set(), 0, 0]
                if paid:
                    tally[0].add(paid)
                tally[1] += paid
                tally[2] += active
        return tallies

    def _name(self, workload: str) -> str | None:
        """The ruleset's name of *workload*, as partner data spells it; None if it lists no such workload."""
        name = self.resolved.get(workload, "")
        if name == "":
            name = self.resolved[workload] = self.names.get(normalise_name(workload))
        return name

    def facts(self, index: int, customer: Customer, reference: int) -> list[dict[str, Any]]:
        """The tenant facts of one customer: per group of measured metrics, for M and M - months_back."""
        tallies = self.months(customer, reference)
        # (start date, type id, first month, last month or None), those that started first first
        associations = sorted(
            (
                (
                    item.since,
                    self._type_id(item.type),
                    day_month(item.since),
                    None if item.until is None else day_month(item.until),
                )
                for item in customer.associations
            ),
            key=_STARTED,
        )
        facts = []
        for group, measured in self.groups:
            listed = self.number_of[group]
            for k in (0, self.back):
                month = reference - k
                tally = tallies.get((month, listed))
                if tally is None or not tally[0]:
                    continue  # no paid seats on the group's workloads: eligible for no path
                before = tallies.get((month - self.back, listed))
                active_types: dict[str, int] = {}  # type id -> the month its association started
                for _, type_id, since, until in associations:
                    if since <= month and (until is None or until >= month):
                        active_types.setdefault(type_id, since)  # the one that started first
                # What an eligible fact repeats of its tenant fact (see eligible_fact), made once
                repeated: dict[str, Any] = {
                    "tenant": index,
                    "group": group,
                    "measured": measured,
                    "month": k,
                    "types": sorted(active_types),
                    "paid": tally[1],
                    "active": tally[2],
                }
                fact: dict[str, Any] = {
                    "t": "tenant",
                    "seats": sorted(tally[0]),
                    "before": sorted(before[0]) if before else [],
                    "_customer": index,
                    "_month": self.text_of(month),
                    "_repeated": repeated,
                }
                if k == 0:
                    for type_id, started in active_types.items():
                        then = tallies.get((started, listed))
                        repeated[f"start_{type_id}"] = reference - started
                        repeated[f"start_paid_{type_id}"] = then[1] if then else 0
                        repeated[f"start_active_{type_id}"] = then[2] if then else 0
                        fact[f"_start_{type_id}"] = self.text_of(started)
                fact.update(repeated)
                facts.append(fact)
        return facts

    def _type_id(self, written: str) -> str:
        """The id of the association type *written* names (checked when the document was read)."""
        type_id = self.type_of.get(written)
        if type_id is None:
            type_id = self.type_of[written] = self.type_ids[normalise_name(written)]
        return type_id

    def text_of(self, month: int) -> str:
        """:func:`month_text`, once per month."""
        text = self.month_texts.get(month)
        if text is None:
            text = self.month_texts[month] = month_text(month)
        return text

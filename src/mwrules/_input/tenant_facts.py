"""Tenant facts: a partner's customer data summed into what the customer rules decide on.

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
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import close_to
from ..model import Customer, Partner, Usage
from ..ruleset import Ruleset, normalise_name
from .customers import association_types, day_month, month_index, month_text, workload_names
from .documents import child
from .sections import metrics_for


_ROW_MONTH, _ROW_WORKLOAD = operator.itemgetter(0), operator.itemgetter(1)
_SINCE = operator.attrgetter("since")


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
            measured.append(
                Customer(tenant=customer.tenant, name=customer.name, associations=customer.associations, usage=usage)
            )
        return tuple(measured)


# Facts -----------------------------------------------------------------------------

#: What the eligible rules of a tenant fact read (besides its type): the
#: group, the metrics measured (both by number: see :func:`engine_numbers`),
#: and the distinct paid-seat counts of the month and of the month it is
#: compared with (for the carry-over). The rules are
#: :meth:`mwrules._evaluation.rules_customers._CustomerRules.eligible_rules`;
#: a test checks that they read no other field.
ELIGIBILITY_FIELDS = ("group_number", "measured_numbers", "seats", "before")


def engine_numbers(ruleset: Ruleset) -> tuple[dict[str, int], dict[str, int]]:
    """How the rules on tenant and eligible facts name a group of metrics and a measured ``path:metric``: by number.

    A fact names them as ``group`` (``usage_growth+deployments``) and
    ``measured`` (``enterprise:usage_growth``, ...) for Python and the
    trace; the engine matches ``group_number`` and ``measured_numbers``,
    a few bytes instead of some two hundred in every fact it parses, keeps
    and sends back with each firing.
    """
    groups = {name: number for number, (name, _) in enumerate(ruleset.workload_groups())}
    pairs = [f"{path.id}:{metric.id}" for path in ruleset.paths for metric in ruleset.derived_metrics()]
    return groups, {pair: number for number, pair in enumerate(pairs)}


#: What the rules on an eligible fact do not read of it: which tenant it is (the trace names it through
#: the tenant fact) and the engine's own keys. A test checks that they read no other field.
UNREAD_OF_ELIGIBLE = frozenset({"tenant", "id", "sid"})


def eligibility_key(fact: dict[str, Any]) -> tuple[Any, ...] | None:
    """What the rules on a tenant or eligible fact read of it, as a key facts alike in it share; None for another fact.

    Of a tenant fact, the eligible rules read :data:`ELIGIBILITY_FIELDS`; of
    an eligible fact, the counted rules read all the engine sees of it but
    which tenant it is (:data:`UNREAD_OF_ELIGIBLE`): thousands of tenants
    alike in it are decided on once (see
    :meth:`mwrules._evaluation.engine.CompiledRuleset.run`'s *alike*).
    """
    kind = fact["t"]
    if kind == "tenant":
        return _tenant_key(fact)
    if kind == "eligible":  # made by eligible_fact: its path, and what it repeats of its tenant fact
        return fact["path"], fact["_tenant_fact"]["_repeated_key"]
    return None


def _tenant_key(fact: dict[str, Any]) -> tuple[Any, ...]:
    """What the eligible rules read of a tenant fact (see :data:`ELIGIBILITY_FIELDS`), made once per fact."""
    key: tuple[Any, ...] | None = fact.get("_eligibility")
    if key is None:
        key = fact["_eligibility"] = tuple(_key(fact[field]) for field in ELIGIBILITY_FIELDS)
    return key


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
            if fact["t"] != "tenant":
                applied.append(fact)
                continue
            key = _tenant_key(fact)
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
    given, given_at = metrics_for(partner, ruleset.id)
    measured = [
        (path.id, metric.id)
        for path in ruleset.paths
        for metric in derived
        if metric.id not in (given.get(path.id) or {})
    ]
    for path in ruleset.paths:
        for metric in derived:
            if metric.id in (given.get(path.id) or {}):
                spot = child(child(given_at, path.id), metric.id)
                warnings.append(f"{spot}: given, so it is not measured from the customer data")
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
    months_seen, months_not_counted = aggregate.months_seen, aggregate.months_not_counted
    for k in compared:
        if reference - k not in months_seen:
            label = "M" if k == 0 else f"M-{k}"
            rows = (
                "every usage row for {} is of a workload that does not count"
                if reference - k in months_not_counted
                else "no usage row for {}"
            )
            warnings.append(
                f"$.customers: {rows.format(month_text(reference - k))} (month {label} for as_of {as_of}); "
                "every tenant counts 0 there"
            )
    return facts


def _close(name: str, ruleset: Ruleset) -> str | None:
    """The workload *name* may mean: one of the same name but for its maker's words ("Microsoft Teams": Teams,
    "Microsoft Exchange": Exchange Online), else the closest by letters (which the maker's words would decide)."""
    core = _without_maker(name)
    if core:
        for workload in ruleset.workloads:
            if any(_without_maker(spelling) == core for spelling in (workload.name, *workload.aliases)):
                return f"did you mean {workload.name!r}?"
    return close_to(name, [workload.name for workload in ruleset.workloads])


#: Words of a workload's name that say whose it is or where it runs, not which it is
_MAKER_WORDS = frozenset({"microsoft", "office", "365", "m365", "online"})


def _without_maker(name: str) -> str:
    return " ".join(word for word in normalise_name(name).split() if word not in _MAKER_WORDS)


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
        # per group measured: its name, what is measured of it (and as a key), and its workload list number
        group_numbers, pair_numbers = engine_numbers(ruleset)
        self.groups_read = [
            (
                name,
                measured,
                self.number_of[name],
                tuple(measured),
                group_numbers[name],
                [pair_numbers[pair] for pair in measured],
            )
            for name, measured in self.groups
        ]
        self.listed: set[str] = set()  # the workloads as written that the ruleset lists (see _name)
        self.keys_made: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # see shared
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

    @property
    def months_not_counted(self) -> set[int]:
        """The months some row of a workload the ruleset does not list gives."""
        return {month_index(month) for (month, _), keys in self.keys.items() if keys is None}

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
        if not self.listed.issuperset(map(_ROW_WORKLOAD, usage)):  # a workload not seen listed before
            for workload, count in collections.Counter(map(_ROW_WORKLOAD, usage)).items():
                if self._name(workload) is None:
                    self.unknown[workload] = self.unknown.get(workload, 0) + count
                else:
                    self.listed.add(workload)
        needed = self.always
        for association in customer.associations:
            started = day_month(association.since)
            if reference - self.window < started <= reference:
                needed = needed | {month_text(started)}
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
        """The tenant facts of one customer: per group of measured metrics, for M and M - months_back.

        Each keeps, as ``_repeated_key``, what its eligible facts repeat of
        it but the tenant (see :func:`eligibility_key`), made with it.
        """
        tallies = self.months(customer, reference)
        # (type id, first month, last month or None), those that started first first
        associations = [
            (
                self._type_id(item.type),
                day_month(item.since),
                None if item.until is None else day_month(item.until),
            )
            for item in (
                customer.associations if len(customer.associations) == 1 else sorted(customer.associations, key=_SINCE)
            )
        ]
        back = self.back
        facts = []
        for group, measured, listed, measured_key, group_number, measured_numbers in self.groups_read:
            for k in (0, back):
                month = reference - k
                tally = tallies.get((month, listed))
                if tally is None or not tally[0]:
                    continue  # no paid seats on the group's workloads: eligible for no path
                before = tallies.get((month - back, listed))
                active_types: dict[str, int] = {}  # type id -> the month its association started
                for type_id, since, until in associations:
                    if since <= month and (until is None or until >= month):
                        active_types.setdefault(type_id, since)  # the one that started first
                types = sorted(active_types)
                # What an eligible fact repeats of its tenant fact (see eligible_fact), made once
                repeated: dict[str, Any] = {
                    "tenant": index,
                    "group": group,
                    "measured": measured,
                    "group_number": group_number,
                    "measured_numbers": measured_numbers,
                    "month": k,
                    "types": types,
                    "paid": tally[1],
                    "active": tally[2],
                }
                seats, seats_before = sorted(tally[0]), sorted(before[0]) if before else []
                fact: dict[str, Any] = {
                    "t": "tenant",
                    "seats": seats,
                    "before": seats_before,
                    "_customer": index,
                    "_month": self.text_of(month),
                    "_repeated": repeated,
                }
                starts: tuple[Any, ...] = ()
                if k == 0:
                    for type_id, started in active_types.items():
                        then = tallies.get((started, listed))
                        paid, active = (then[1], then[2]) if then else (0, 0)
                        repeated[f"start_{type_id}"] = reference - started
                        repeated[f"start_paid_{type_id}"] = paid
                        repeated[f"start_active_{type_id}"] = active
                        fact[f"_start_{type_id}"] = self.text_of(started)
                        starts += (type_id, reference - started, paid, active)
                fact.update(repeated)
                # what _tenant_key reads of it (ELIGIBILITY_FIELDS), one tuple for the tenant facts alike in it
                fact["_eligibility"] = self.shared(group_number, measured_key, tuple(seats), tuple(seats_before))
                # repeated but its tenant, as eligibility_key reads it (the start fields named by their type)
                fact["_repeated_key"] = self.shared(group, measured_key, k, tuple(types), tally[1], tally[2], starts)
                facts.append(fact)
        return facts

    def shared(self, *key: Any) -> tuple[Any, ...]:
        """*key*, one tuple for the tenant facts alike in it: thousands of tenants hold a few distinct keys."""
        return self.keys_made.setdefault(key, key)

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

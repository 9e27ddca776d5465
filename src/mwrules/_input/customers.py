"""Customer data: read a partner document's ``customers``.

Reading checks and builds in one pass, collecting every problem with its
``$.customers[i]...`` path: tenants (unique as person ids are), associations
(a type the ruleset knows, dates in order), monthly usage rows (a month
written ``YYYY-MM``, whole numbers of seats and users, one row per month and
workload). A workload the ruleset does not list is not a mistake: it is
counted in the verdict's warnings. The tenant facts the rules decide on are
made from them in :mod:`.tenant_facts`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .. import codes
from ..errors import Problem, did_you_mean
from ..limits import Limits
from ..model import Association, Customer, Usage
from ..ruleset import Ruleset, normalise_name
from .convert import parse_date, shown
from .text import same_guid


#: The most paid seats or active users one row may give: far beyond any
#: tenant, and small enough for the engine to compare sums exactly.
MAX_SEATS = 10**9
_SEAT_DIGITS = len(str(MAX_SEATS))
# Matched whole, in ASCII digits: "2026-10\n" or a year in full-width digits is no month (and was never
# counted); nor is a month of year 0, no year as in a date (and in a download)
_MONTH = re.compile(r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])")
_CUSTOMER_KEYS = ("tenant", "name", "associations", "usage")
_ASSOCIATION_KEYS = ("type", "since", "until")
_USAGE_KEYS = ("month", "workload", "paid_seats", "active_users")
_SUGGESTIONS = 100
# A named tuple made without its Python-level __new__: a partner may have millions of rows
_new_tuple = tuple.__new__


def month_index(month: str) -> int:
    """A month written ``YYYY-MM`` as a number of months (consecutive months differ by 1)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(index: int) -> str:
    """The month *index* stands for, written ``YYYY-MM``; a month before 0001-01 is named so.

    A window of months reaches before year 1 only on days in year 1 or 2
    (``--as-of 0001-01-15``): no usage row can be written for such a month
    (see ``_MONTH``), and "0000-12" or "-001-12" would read as one.
    """
    if index < FIRST_MONTH:
        return "a month before 0001-01"
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


#: The index (see :func:`month_index`) of 0001-01, the first month there is
FIRST_MONTH = 12


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
        # Association types and dates repeat across tenants: each text is checked once
        self.known_types: set[str] = set()
        self.dates: dict[str, datetime.date] = {}
        #: the identity of the tenant customer() read last, when its id is plain text
        self.tenant_key: str | None = None

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
        # Exactly str: a subclass may compare and hash as it likes (the one
        # pass then gives way to the checks, which read the plain text it holds)
        if type(value) is not str:
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
            self.tenant_key = None
            customer = self.customer(item, f"{where}[{index}]")
            tenant = item.get("tenant") if isinstance(item, dict) else None
            key = self.tenant_key  # of a tenant id that is plain text
            if key is None:  # else compared as written, if it is text
                if not isinstance(tenant, str) or self.text_problem(tenant, self.limits) is not None:
                    continue  # reported by self.customer
                key = same_guid(self.identity(tenant))
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
        if tenant is not None:
            self.tenant_key = same_guid(self.identity(tenant))
            if not self.tenant_key:
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
        types, dates = self.known_types, self.dates
        for index, item in enumerate(data):
            # The common case first, and fast: a type and a start seen before (checked then), no end
            if type(item) is dict and len(item) == 2:
                kind, since = item.get("type"), item.get("since")
                if type(kind) is str and kind in types and type(since) is str and since in dates:
                    built.append(Association(kind, dates[since]))
                    continue
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
            since = self.date(item["since"], f"{spot}.since", required=True) if "since" in item else None
            until = self.date(item.get("until"), f"{spot}.until")
            if since is not None and until is not None and until < since:
                self.problem(
                    f"{spot}.until", f"ends ({until}) before it starts ({since})", code=codes.ASSOCIATION_DATES
                )
            if kind is not None and since is not None:
                built.append(Association(kind, since, until))
                if len(self.problems) == start and type(item["type"]) is str:  # a plain type (exactly str): known
                    types.add(kind)
        return tuple(built) if len(self.problems) == start else None

    def date(self, value: object, where: str, *, required: bool = False) -> datetime.date | None:
        if value is None and not required:  # an until that is null: the association is still running
            return None
        try:
            day = parse_date(value)
        except ValueError:
            self.problem(where, f"expected a date written YYYY-MM-DD, got {shown(value)}", code=codes.INVALID_VALUE)
            return None
        if type(value) is str:
            self.dates[value] = day
        return day

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
                month, workload = row.get("month"), row.get("workload")
                # exactly str: a subclass that hashes as a plain name would take that name's row (and is read
                # as the plain text it holds by the checks, which the one pass gives way to)
                pair = pairs.get((month, workload)) if type(month) is str and type(workload) is str else None
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
            value = _whole(row.get(key))
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
        if type(value) is not str:  # a list, an object, a subclass (see text)
            return False
        known = self.months.get(value)
        if known is None:
            known = self.months[value] = _MONTH.fullmatch(value) is not None
        return known

    def workload(self, value: object, where: str) -> str | None:
        """The key rows of *value*'s workload are compared by: the ruleset's name for it, else its spelling."""
        if type(value) is str and value in self.workload_keys:  # exactly str (see text)
            return self.workload_keys[value]
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


def _whole(value: object) -> object:
    """A count as a document or Python writes it whole (400.0, Decimal('400'), Fraction(400)) as an int; else as is.

    A metric's count is read the same way (see :mod:`.partner_metrics`).
    """
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is Fraction and value.denominator == 1:
        return int(value)
    # a Decimal's exponent checked first: Decimal('1E+999999999') as an int is a billion digits
    if type(value) is Decimal and value.is_finite() and value.adjusted() < _SEAT_DIGITS and value == int(value):
        return int(value)
    return value

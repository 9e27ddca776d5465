"""The customer usage downloads of an import: each tenant's associations and monthly rows, read row by row.

Part of an import (:class:`.download_import.Import`, which reads the trainings and
makes the document): a :class:`UsageRows` reads usage downloads through the
import's :class:`~.downloads.DownloadReader` (its problems, places and date
order), and gives the tenants as the document's customers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import codes
from ..errors import did_you_mean
from ..limits import Limits
from ..ruleset import Ruleset, normalise_name
from .attributions import customer_of
from .convert import shown
from .customers import association_types, workload_names
from .download_rows import Claimed, Tenant
from .download_values import DateOrder, not_ascii, parse_count, parse_date, parse_month, text_marked
from .downloads import DownloadReader
from .import_notes import RowNotes
from .import_report import SkippedRow
from .text import identity, same_guid, short_cached


#: What each value of a row is, as a problem says it is not
_KINDS: dict[Callable[..., Any], str] = {
    parse_month: "a date or a month",
    parse_date: "a date",
    parse_count: "a whole number",
}


class UsageRows:
    """The usage downloads of one import, read into their tenants; every problem goes to the import's reader."""

    def __init__(
        self, reader: DownloadReader, ruleset: Ruleset, limits: Limits, report: dict[str, Any], notes: RowNotes
    ) -> None:
        self.reader = reader
        self.ruleset = ruleset
        self.limits = limits
        self.report = report  # the import's: files read, rows skipped, warnings
        self.notes = notes  # the import's: the rows worth a word in the report
        self.files = 0
        self.rows = 0  # kept, one per tenant, month and workload
        self.written = 0  # of those, the rows of the tenants written (a tenant left out goes with its rows)
        self.duplicates = 0  # marked IsDuplicateRowForPGA
        self.repeated = 0  # that repeat a kept row (the same download given twice): counted once, and said
        self.tenants: dict[str, Tenant] = {}
        self.last_month = ""  # of every usage row: an attribution seen then has not ended
        # per tenant, (month, workload, type) of a row repeated under another association type (rare: not kept)
        self.also: dict[str, list[tuple[str, str, str]]] = {}
        self.workloads = workload_names(ruleset)
        data = ruleset.customer_data
        self.association_names = {kind.id: kind.name for kind in data.association_types} if data else {}

    def read(self, path: Path) -> None:
        """Take in one usage download: its rows, or its problems."""
        wanted = {
            "tenant": ("CustomerTenantId",),
            "name": ("CustomerName",),
            "workload": ("WorkloadName",),
            "active": ("MonthlyActiveUsers",),
            "paid": ("PaidAvailableUnits",),
            "associated": ("DateAssociated",),
            "type": ("PartnerAttributionType",),
            "month": ("Date", "Month"),
            "month_column": ("Month",),  # beside a Date too: the two must agree, or one would be dropped unsaid
            "duplicate": ("IsDuplicateRowForPGA",),
        }
        source = self.reader.read(path, wanted, ("tenant", "workload", "active", "paid", "type", "month"))
        columns = next(source, None)
        if columns is None:
            return
        self.report["files"].append(str(path))
        self.files += 1
        if "associated" not in columns:
            self.report["warnings"].append(
                f"{path}: no DateAssociated column: each association is taken to start on the first day of the "
                "first month the tenant appears with it"
            )
        types = association_types(self.ruleset)
        rows = ((line, values, self._not_duplicate(path, line, values)) for line, values in source)
        for line, values, order in self.reader.in_date_order(path, rows, ("month", "associated")):
            if self._months_agree(path, line, values, order) and not self._row(path, line, values, order, types):
                source.close()
                return

    def _not_duplicate(self, path: Path, line: int, values: dict[str, str]) -> bool:
        flag = values.get("duplicate", "")
        if flag.casefold() in ("true", "1", "yes"):
            self.duplicates += 1
            return False
        if flag.casefold() not in ("", "false", "0", "no"):  # never read as either by chance
            why = f"IsDuplicateRowForPGA {flag!r}{not_ascii(flag)} is neither True nor False"
            self.reader.problem(path, line, "$", why, None, codes.INVALID_VALUE)
        return True

    def _value(
        self, path: Path, line: int, column: str, parse: Callable[..., Any], text: str, *order: DateOrder | None
    ) -> Any:
        """*text* of *column* read by *parse*; a problem at its line, naming the column, and None, if it is no value
        of that kind."""
        try:
            return parse(text, *order)
        except ValueError as error:
            self.reader.problem(
                path,
                line,
                "$",
                f"{column} {shown(str(error))}{not_ascii(str(error))} is not {_KINDS[parse]}",
                "dates look like 01/10/2026 or 2026-10-01, months 2026-10 or Oct-26, counts 400",
                codes.INVALID_VALUE,
            )
            return None

    def _unread_tenant(self, path: Path, line: int, tenant_id: str) -> bool:
        """Whether a row's tenant id is blank (the row skipped, and said) or holds control characters (a problem).

        Checked on every row: compared as ids are, a later row's U+202E was
        dropped and the row taken as the tenant's, unsaid; only the first
        row's spelling, written into the document, was checked.
        """
        if not tenant_id:
            self.report["skipped"].append(SkippedRow(str(path), line, "no CustomerTenantId"))
            return True
        if self.reader.controlled(path, line, "CustomerTenantId", tenant_id):
            return True
        if text_marked(tenant_id):  # another tenant than the GUID, read as written
            why = (
                f"CustomerTenantId {shown(tenant_id)} is written with a spreadsheet's text marks (=\"...\" or '...): "
                "read as written it would be another tenant"
            )
            hint = "download the file again, or remove the marks"
            self.reader.problem(path, line, "$", why, hint, codes.INVALID_VALUE)
            return True
        return False

    def _months_agree(self, path: Path, line: int, values: dict[str, str], order: DateOrder | None) -> bool:
        """Whether a row's Date and Month (when it has both) name one month; a problem if not."""
        date, month = values["month"], values.get("month_column", "")
        try:
            in_date = parse_month(date, order)
        except ValueError:  # said by _usage_row, which reads the Date
            return True
        try:
            said = f"says {parse_month(month, order)}" if month else ""
        except ValueError:
            said = "is no month"
        if not month or said == f"says {in_date}":
            return True
        message = f"Date {date!r} is in {in_date}, Month {month!r} {said}: which is right?"
        self.reader.problem(path, line, "$", message, None, codes.INVALID_VALUE)
        return False

    def _row(
        self, path: Path, line: int, values: dict[str, str], order: DateOrder | None, types: Mapping[str, str]
    ) -> bool:
        """Take in one usage row; False when the import has reached a limit and reads no further.

        Every value of the row that cannot be read is a problem of its own,
        all at once: a row holding two bad counts named only the first.
        """
        kind = types.get(_normal(values["type"]))
        if kind is None:
            names = (
                sorted({kind.name for kind in self.ruleset.customer_data.association_types})
                if self.ruleset.customer_data
                else []
            )
            self.reader.problem(
                path,
                line,
                "$",
                f"attribution type {values['type']!r} is not an association type of {self.ruleset}",
                did_you_mean(values["type"], names),
                codes.UNKNOWN_ASSOCIATION_TYPE,
            )
        month = self._value(path, line, "the month (Date or Month)", parse_month, values["month"], order)
        claimed = values.get("associated", "")
        associated = self._value(path, line, "DateAssociated", parse_date, claimed, order) if claimed else None
        if not claimed and "associated" in values:  # the column, with this cell blank: said, as a missing column is
            self.notes.blank_associated.append(f"{path}:{line}")
        paid, active = (
            self._value(path, line, column, parse_count, values[count])
            for count, column in (("paid", "PaidAvailableUnits"), ("active", "MonthlyActiveUsers"))
        )
        if kind is None or month is None or paid is None or active is None or (claimed and associated is None):
            return True
        since = associated or datetime.date.fromisoformat(month + "-01")
        if not (values["paid"] and values["active"]):  # read as 0: said, with where
            self.notes.blank_counts.append(f"{path}:{line}")
        tenant_id = values["tenant"]
        if self._unread_tenant(path, line, tenant_id):
            return True
        place = self.reader.place(line)
        key = same_guid(identity(tenant_id))
        tenant = self.tenants.get(key)
        if tenant is None:
            if len(self.tenants) == self.limits.max_customers:
                return self._limit(path, line, f"more than {self.limits.max_customers:,} tenants", "customers")
            tenant = self.tenants[key] = Tenant(tenant_id, place)
        if tenant.name is None and values.get("name"):
            tenant.name = values["name"]
        association = self.association_names[kind]
        kept = tenant.associations.get(association)
        if kept is None:
            tenant.associations[association] = (since, place, associated)
        elif since < kept[0] or (associated is not None and kept[2] != associated):
            start, start_place = (since, place) if since < kept[0] else kept[:2]
            tenant.associations[association] = (start, start_place, _also_claimed(kept[2], associated))
        workload = _shared(values["workload"])  # one string for the rows that write it alike
        normal = _normal(workload)
        row = (month, self.workloads.get(normal, normal))
        previous = tenant.rows.get(row)
        self.last_month = max(self.last_month, month)
        if previous is None:
            if self.rows == self.limits.max_usage_rows:
                return self._limit(path, line, f"more than {self.limits.max_usage_rows:,} usage rows", "usage-rows")
            self.rows += 1
            tenant.rows[row] = (place, workload, paid, active, association)
        elif previous[2:4] == (paid, active):  # the same counts: under another type (kept apart), or repeated
            if previous[4] != association:
                self.also.setdefault(key, []).append((month, workload, association))
            else:
                self.repeated += 1
        else:
            file, first = self.reader.where(previous[0])
            said = f"line {first}" if file == str(path) else f"{file}:{first}"
            self.reader.problem(
                path,
                line,
                "$",
                f"tenant {tenant_id}, {month}, {workload}: {paid} paid and {active} active, but {said} says "
                f"{previous[2]} paid and {previous[3]} active",
                "keep one row per tenant, month and workload; a row repeated exactly is counted once",
                codes.DUPLICATE_USAGE,
            )
        return True

    def _limit(self, path: Path, line: int, what: str, name: str) -> bool:
        self.reader.problem(
            path, line, "$", f"{what}, more than a partner document may have", f"--limit {name}=N", codes.LIMIT
        )
        return False

    def customers(self) -> tuple[list[dict[str, Any]], set[str], list[tuple[int, list[int], list[int]]]]:
        """The tenants as the document's customers, the months their rows cover, and where each tenant's rows are.

        Each tenant's rows are let go as they become the document's: they are never held twice.
        """
        customers, months, places = [], set(), []
        for key in sorted(self.tenants):
            customer = customer_of(self.tenants.pop(key), self.also.pop(key, ()), self.last_month)
            months |= customer.months
            if customer.mixed is not None:
                self.notes.mixed.append(customer.mixed)
            self.notes.uncovered += customer.uncovered
            if customer.written is not None:
                customers.append(customer.written)
                places.append(customer.places)
                self.written += len(customer.written["usage"])
        return customers, months, places


def _also_claimed(claimed: Claimed, associated: datetime.date | None) -> Claimed:
    """The DateAssociated given by a tenant's rows of one type, with *associated* (a row's, or None if blank)."""
    if associated is None or claimed is None or claimed == associated:
        return associated if claimed is None else claimed
    if isinstance(claimed, dict):
        claimed[associated] = None
        return claimed
    return {claimed: None, associated: None}


# The workloads, association types and months of a download repeat in every row: each is handled once
_normal = short_cached(maxsize=4096)(normalise_name)
_shared = short_cached(maxsize=4096)(str)

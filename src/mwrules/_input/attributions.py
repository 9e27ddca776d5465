"""A tenant as a partner document writes it: its associations, as the attribution types of its usage rows show them.

A usage download gives a ``PartnerAttributionType`` per row: per tenant,
workload and month. A partner document associates a whole tenant with a
type from ``since`` to ``until``. :func:`associations_of` says what the
download supports: one association per type, from its earliest
``DateAssociated`` to the last month a row is under that type (still running
when that is the last month of the downloads), and notes the months in
which a tenant's workloads are under different types, which a document
cannot say. A type whose rows all end before its ``DateAssociated`` (a claim
dated after the tenant left the type) covers no month of the downloads: it
is left out, with a note, not written as an association that ends before
it starts. One that starts after the last month of the downloads is kept
(it may count in later months), with a note: none of its rows count.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

from .download_rows import Tenant
from .import_notes import first


__all__ = ["Customer", "associations_of", "customer_of"]


class Customer(NamedTuple):
    """A tenant as a partner document writes it, where its parts came from, and what the report says of it."""

    #: The customer, or None when it is left out (no association is left)
    written: dict[str, Any] | None
    #: The places of the tenant's first row, of each association's row and of each usage row (see DownloadReader.place)
    places: tuple[int, list[int], list[int]]
    #: The months its rows are in
    months: set[str]
    #: The warning when its workloads are under different types in one month
    mixed: str | None
    #: A warning per association that covers no month of the downloads or whose rows give several
    #: DateAssociated, and for the whole tenant when it is left out
    uncovered: list[str]


def customer_of(tenant: Tenant, repeated: Iterable[tuple[str, str, str]], last_month: str) -> Customer:
    """*tenant* as a document's customer: its associations (see :func:`associations_of`) and usage rows.

    A tenant left with no association is left out, with its usage rows.
    """
    associations, mixed, uncovered = associations_of(tenant, repeated, last_month)
    months = {month for month, _ in tenant.rows}
    if not associations:  # every type it was under ended before it started
        uncovered.append(
            f"tenant {tenant.tenant}: no association is left, so it is left out with its {len(tenant.rows):,} "
            "usage row(s)"
        )
        return Customer(None, (tenant.place, [], []), months, mixed, uncovered)
    written: dict[str, Any] = {"tenant": tenant.tenant}
    if tenant.name is not None:
        written["name"] = tenant.name
    written["associations"] = associations
    kept = {association["type"] for association in associations}
    places = [place for kind, (_, place, _) in sorted(tenant.associations.items()) if kind in kept]
    usage = sorted(tenant.rows.items())
    written["usage"] = [
        {"month": month, "workload": workload, "paid_seats": paid, "active_users": active}
        for (month, _), (_, workload, paid, active, _) in usage
    ]
    return Customer(written, (tenant.place, places, [place for _, (place, *_) in usage]), months, mixed, uncovered)


def _month(row: tuple[str, str]) -> str:
    return row[0]


@functools.lru_cache(maxsize=4096)  # the last month of the downloads, for every tenant
def _last_day(month: str) -> datetime.date:
    """The last day of *month* (``YYYY-MM``)."""
    year, number = int(month[:4]), int(month[5:7])
    return datetime.date(year, number, calendar.monthrange(year, number)[1])


def _claimed_again(tenant: str, kind: str, since: datetime.date, claimed: dict[datetime.date, None]) -> str:
    """The note of a tenant whose rows of one type give several DateAssociated: the earliest is its start."""
    dates = [str(day) for day in sorted(claimed)]
    return (
        f"tenant {tenant}: its rows under {kind} give {len(dates):,} DateAssociated ({first(dates, ', ')}): "
        f"one association of a type is written, since {since}, the earliest; a later date (the tenant associated "
        "again after a gap?) is not read"
    )


def associations_of(
    tenant: Tenant, repeated: Iterable[tuple[str, str, str]], last_month: str
) -> tuple[list[dict[str, str]], str | None, list[str]]:
    """*tenant*'s associations as a document writes them, a warning when its workloads' types differ in a month, and
    a warning per association that covers no month of the downloads (left out when its rows end before it starts;
    kept, with a warning, when it starts after the last month).

    *repeated* are the (month, workload, type) of rows that repeat a kept row
    under another type; *last_month* is the last month of the downloads.
    """
    repeated = list(repeated)
    per_month: dict[str, dict[str, set[str]]] = {}
    if len(tenant.associations) > 1 or repeated:  # else (most tenants) no month can mix types
        for (month, _), (_, workload, _, _, kind) in tenant.rows.items():
            per_month.setdefault(month, {}).setdefault(kind, set()).add(workload)
        for month, workload, kind in repeated:
            per_month.setdefault(month, {}).setdefault(kind, set()).add(workload)
    written, uncovered = [], []
    for kind, (since, _, claimed) in sorted(tenant.associations.items()):
        if isinstance(claimed, dict):
            uncovered.append(_claimed_again(tenant.tenant, kind, since, claimed))
        association = {"type": kind, "since": since.isoformat()}
        seen = (month for month, kinds in per_month.items() if kind in kinds) if per_month else map(_month, tenant.rows)
        last_seen = max(seen, default=last_month)
        if last_seen < last_month:
            until = _last_day(last_seen)
            if until < since:
                uncovered.append(
                    f"tenant {tenant.tenant}: its rows under {kind} end in {last_seen}, before its DateAssociated "
                    f"{since}: no month of the downloads is under that association, so it is left out"
                )
                continue
            association["until"] = until.isoformat()
        elif since > _last_day(last_month):  # claimed after the downloads: kept, it may count in later months
            uncovered.append(
                f"tenant {tenant.tenant}: its DateAssociated {since} under {kind} is after the last month of the "
                f"downloads ({last_month}): none of its rows count under that association"
            )
        written.append(association)
    mixed = sorted(month for month, kinds in per_month.items() if len(kinds) > 1)
    if not mixed:
        return written, None, uncovered
    kinds = per_month[mixed[0]]
    # A month may have thousands of workloads: the first few of each type are named
    shown = "; ".join(f"{first(sorted(kinds[kind]), ', ')} under {kind}" for kind in sorted(kinds))
    more = f" (and {len(mixed) - 1} more month(s))" if len(mixed) > 1 else ""
    warning = (
        f"tenant {tenant.tenant}, {mixed[0]}{more}: {shown}. A partner document associates a tenant, not a "
        f"workload: the tenant is taken under each of {', '.join(sorted(kinds))} with every workload, so a type's "
        "metrics may count workloads attributed to another"
    )
    return written, warning, uncovered

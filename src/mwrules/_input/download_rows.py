"""The rows of Partner Center downloads, once read: whose certification rows are whose, and a tenant's rows.

:func:`people_of` says whose the certification rows of the trainings are,
whatever their order (an MCPID, else an e-mail an MCPID's rows give, else
the e-mail); :class:`Tenant` holds what the usage rows of one tenant said.
Both are filled by :mod:`.download_import` from rows that
:class:`.downloads.DownloadReader` read.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from ..model import Certification
from .import_notes import first


class Certified(NamedTuple):
    """A certification row of the trainings, and how its person is known."""

    place: int  # in the import: see DownloadReader.place
    mcpid: str  # as person ids are compared (see mwrules._input.partner.identity)
    emails: tuple[str, ...]  # as person ids are compared
    name: str
    certification: Certification
    written: str  # the MCPID as the row writes it, for a person id with a name


#: The DateAssociated of a tenant's rows of one type (see Tenant.associations)
Claimed = datetime.date | dict[datetime.date, None] | None


class Tenant:
    """What the usage rows of one tenant (its id compared as ids are) said."""

    __slots__ = ("associations", "name", "place", "rows", "tenant")

    def __init__(self, tenant: str, place: int) -> None:
        self.tenant = tenant
        self.place = place
        self.name: str | None = None
        #: association type -> the earliest start, the place of its row, and the DateAssociated its rows give
        #: (None: none yet; a date: one, for most tenants; else each, in the order first given)
        self.associations: dict[str, tuple[datetime.date, int, Claimed]] = {}
        #: (month, workload as the ruleset names it) -> (place, workload as written, paid, active, association type)
        self.rows: dict[tuple[str, str], tuple[int, str, int, int, str]] = {}


def people_of(certified: Sequence[Certified]) -> tuple[dict[str, list[Certified]], list[str]]:
    """The certification rows of each person, by identity key (an MCPID, or an e-mail); and what is doubtful.

    Rows with an MCPID are that MCPID's person. A row without one is the
    person of an MCPID that shares one of its e-mails (the smallest such
    MCPID, as a number when both are digits, should there be several),
    wherever that row is in the files; else the person of its e-mails, rows
    that share an e-mail being one. When the rows without an MCPID that are
    one person give e-mails of several MCPIDs (an Email of one, a CorpEmail of
    another), whose they are cannot be told: each such case is a note.
    """
    owners: dict[str, str] = {}  # e-mail -> the smallest MCPID key whose rows give it
    written: dict[str, str] = {}  # MCPID key -> the MCPID as its first row writes it
    for row in certified:
        if row.mcpid:
            key = f"mcpid:{row.mcpid}"
            written.setdefault(key, row.written)
            for email in row.emails:
                owners[email] = min(key, owners.get(email, key), key=_mcpid_order)
    parent: dict[str, str] = {}  # e-mails of rows without an MCPID, joined when a row gives two

    def root(email: str) -> str:
        while parent[email] != email:
            parent[email] = parent[parent[email]]
            email = parent[email]
        return email

    for row in certified:
        if not row.mcpid:
            for email in row.emails:
                parent.setdefault(email, email)
            for email in row.emails[1:]:
                parent[root(email)] = root(row.emails[0])
    keys: dict[str, str] = {}  # root e-mail -> the person's key
    claimed: dict[str, dict[str, list[str]]] = {}  # root e-mail -> each MCPID key its e-mails are of -> those e-mails
    for email in sorted(parent):
        top = root(email)
        owner = owners.get(email)
        current = keys.get(top)
        if owner is not None:
            claimed.setdefault(top, {}).setdefault(owner, []).append(email)
        if owner is not None and (
            current is None or current.startswith("email:") or _mcpid_order(owner) < _mcpid_order(current)
        ):
            keys[top] = owner
        elif current is None:
            keys[top] = f"email:{email}"  # the smallest e-mail: they are taken in order
    people: dict[str, list[Certified]] = {}
    doubtful: dict[str, int] = {}  # root e-mail of several MCPIDs -> its rows
    for row in certified:
        if row.mcpid:
            key = f"mcpid:{row.mcpid}"
        else:
            top = root(row.emails[0])
            key = keys[top]
            if len(claimed.get(top, ())) > 1:
                doubtful[top] = doubtful.get(top, 0) + 1
        people.setdefault(key, []).append(row)
    return people, _several_mcpids(doubtful, claimed, keys, written)


def _several_mcpids(
    doubtful: dict[str, int], claimed: dict[str, dict[str, list[str]]], keys: dict[str, str], written: dict[str, str]
) -> list[str]:
    """The note of the rows without an MCPID whose e-mails are of several MCPIDs' rows (see :func:`people_of`)."""
    if not doubtful:
        return []
    cases = []
    for top in sorted(doubtful):
        mcpids = sorted(claimed[top], key=_mcpid_order)
        emails = sorted(email for key in mcpids for email in claimed[top][key])
        shown = ", ".join(repr(written[key]) for key in mcpids)
        cases.append(f"{' and '.join(emails)}: MCPIDs {shown}; counted for {written[keys[top]]!r}")
    return [
        f"{sum(doubtful.values()):,} row(s) without an MCPID give e-mails of several MCPIDs' rows, each counted for "
        f"the smallest MCPID (give the row its MCPID): {first(cases, '; ')}"
    ]


def unique_rows(rows: Sequence[Certified]) -> list[Certified]:
    """One person's rows, each certification (title and dates) once: a row that repeats one exactly (the same
    download given twice) is the same certification, in the place it was first given."""
    unique: dict[Certification, Certified] = {}
    for row in rows:
        unique.setdefault(row.certification, row)
    return list(unique.values())


def _mcpid_order(key: str) -> tuple[int, int, str]:
    """How MCPID keys are ordered: as numbers when they are digits (9 before 10), else as text, after them."""
    value = key.partition(":")[2]
    if value.isascii() and value.isdigit():
        return 0, int(value), value
    return 1, 0, value


def certification_to_json(cert: Certification) -> str | dict[str, str]:
    """*cert* as a partner document writes it: its name alone, unless it has dates."""
    if cert.earned is None and cert.expires is None:
        return cert.name
    written = {"name": cert.name}
    if cert.earned is not None:
        written["earned"] = cert.earned.isoformat()
    if cert.expires is not None:
        written["expires"] = cert.expires.isoformat()
    return written

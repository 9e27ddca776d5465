"""The partner data mwrules evaluates: people, their certifications, metrics.

These are plain frozen attrs classes; :func:`mwrules.load_partner` builds them
from a JSON or YAML document and checks them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import NamedTuple

import attrs


#: A metric's measure on a path: one number, or one number per association option.
#: A measure a partner gives: a whole count, or an amount (a decimal of at most 6 places, read exactly)
Measure = int | Fraction
MetricValue = Measure | Mapping[str, Measure]


@attrs.frozen
class Certification:
    """A certification a person holds, as the partner's data names it.

    It counts on a date from *earned* (if given) through *expires* (if given),
    both inclusive.
    """

    name: str
    earned: datetime.date | None = None
    expires: datetime.date | None = None

    def valid_on(self, day: datetime.date) -> bool:
        """Whether the certification counts on *day*."""
        return (self.earned is None or self.earned <= day) and (self.expires is None or day <= self.expires)


@attrs.frozen
class Person:
    """Someone in the partner organisation, by an id unique within the partner."""

    id: str
    certifications: tuple[Certification, ...] = ()


@attrs.frozen
class Association:
    """The partner's link with a customer tenant: of a *type* (``"CPOR"``), from *since* through *until*.

    *until* is ``None`` while the association lasts.
    """

    type: str
    since: datetime.date
    until: datetime.date | None = None


class Usage(NamedTuple):
    """One month of one workload of a customer tenant: paid seats and monthly active users.

    *month* is written ``YYYY-MM``. A named tuple, not an attrs class: a
    partner's customer data can hold millions of rows.
    """

    month: str
    workload: str
    paid_seats: int
    active_users: int


@attrs.frozen(kw_only=True)
class Customer:
    """A customer tenant: the partner's associations with it, and its monthly usage per workload."""

    tenant: str
    name: str | None = None
    associations: tuple[Association, ...] = ()
    usage: tuple[Usage, ...] = ()


@attrs.frozen(kw_only=True)
class DesignationData:
    """A partner's data for one designation, when one document serves several (``designations.<id>``).

    *metrics* are as :attr:`Partner.metrics`, in the shapes that designation's
    ruleset reads: the same metric id holds different shapes in different
    designations (a number in one, ``{azure, m365}`` in another).
    """

    metrics: Mapping[str, Mapping[str, MetricValue]] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Partner:
    """A partner organisation: its people, per path its metrics, and its customers.

    *metrics* maps a path (``"enterprise"``) to its metrics
    (``{"net_customer_adds": 3, "usage_growth": {"cpor": 800}}``). *as_of* is
    the evaluation date; ``None`` means today. *customers* is the per-tenant
    usage the customer metrics are measured from when *metrics* does not give
    them (``None``: no customer data). *facts* holds numbers about the partner
    as a whole that a ruleset's conditions and classification read
    (``{"smb_customer_share": 85}``). *designations* holds, per ruleset id,
    the metrics of a designation whose ruleset reads them there instead of
    in *metrics*: one partner can then be evaluated for every designation
    (see ``docs/input-format.md``).
    """

    partner_id: str
    as_of: datetime.date | None = None
    people: tuple[Person, ...] = ()
    metrics: Mapping[str, Mapping[str, MetricValue]] = attrs.field(factory=dict)
    customers: tuple[Customer, ...] | None = None
    facts: Mapping[str, Measure] = attrs.field(factory=dict)
    designations: Mapping[str, DesignationData] = attrs.field(factory=dict)

"""The partner data mwrules evaluates: people, their certifications, metrics.

These are plain frozen attrs classes; :func:`mwrules.load_partner` builds them
from a JSON or YAML document and checks them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import attrs


#: A metric's measure on a path: one number, or one number per association option.
MetricValue = int | Mapping[str, int]


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


@attrs.frozen(kw_only=True)
class Partner:
    """A partner organisation: its people and, per path, its metrics.

    *metrics* maps a path (``"enterprise"``) to its metrics
    (``{"net_customer_adds": 3, "usage_growth": {"cpor": 800}}``). *as_of* is
    the evaluation date; ``None`` means today.
    """

    partner_id: str
    as_of: datetime.date | None = None
    people: tuple[Person, ...] = ()
    metrics: Mapping[str, Mapping[str, MetricValue]] = attrs.field(factory=dict)

"""The limits mwrules puts on what it reads, so that no input can exhaust the process.

Every limit has a default that real partner data stays far below; a caller
with bigger data raises it (``evaluate(..., limits=Limits(max_people=500_000))``,
``mwrules evaluate --limit people=500000``). Exceeding a limit is a problem
with code ``MW007``, reported with the document's other problems, never a
crash or a hang. ``docs/limits.md`` lists them with what exceeding each gives.
"""

from __future__ import annotations

import attrs


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"Limits.{attribute.name} must be a whole number of at least 1, got {value!r}"
        raise ValueError(msg)


#: The most levels of nesting any limit allows: reading deeper would exhaust
#: Python's stack (a partner document has 5).
MAX_DEPTH = 200


def _depth(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    _positive(instance, attribute, value)
    if value > MAX_DEPTH:
        msg = f"Limits.{attribute.name} can be at most {MAX_DEPTH}, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Limits:
    """How much mwrules reads before it refuses a document.

    >>> Limits().max_people
    100000
    >>> Limits(max_people=500_000).max_people
    500000
    """

    #: The size of a partner, ruleset or case file, in bytes.
    max_file_bytes: int = attrs.field(default=64 * 1024 * 1024, validator=_positive)
    #: People in one partner document.
    max_people: int = attrs.field(default=100_000, validator=_positive)
    #: Certifications of one person.
    max_certifications_per_person: int = attrs.field(default=500, validator=_positive)
    #: Characters in one piece of text: an id, a name, a certification name.
    max_text_length: int = attrs.field(default=1_000, validator=_positive)
    #: Values a YAML file may repeat through aliases (``*name``) in all.
    max_alias_values: int = attrs.field(default=10_000, validator=_positive)
    #: Customer tenants in one partner document.
    max_customers: int = attrs.field(default=100_000, validator=_positive)
    #: Monthly usage rows of all the customers of one partner document.
    max_usage_rows: int = attrs.field(default=5_000_000, validator=_positive)
    #: Days in the range of one timeline.
    max_timeline_days: int = attrs.field(default=3_660, validator=_positive)
    #: Levels of nesting of objects and lists (at most :data:`MAX_DEPTH`).
    max_depth: int = attrs.field(default=64, validator=_depth)

    #: The names ``--limit NAME=VALUE`` takes, and the field each sets.
    NAMES = (
        ("file-bytes", "max_file_bytes"),
        ("people", "max_people"),
        ("certifications-per-person", "max_certifications_per_person"),
        ("text-length", "max_text_length"),
        ("alias-values", "max_alias_values"),
        ("depth", "max_depth"),
        ("customers", "max_customers"),
        ("usage-rows", "max_usage_rows"),
        ("timeline-days", "max_timeline_days"),
    )


#: The limits used when the caller gives none.
DEFAULT_LIMITS = Limits()


def checked_limits(limits: object) -> Limits:
    """*limits*, which a caller gave as ``limits=``; a TypeError when it is not a :class:`Limits`.

    Raises:
        TypeError: *limits* is None, a dict of limits or anything but a
            :class:`Limits` (deep inside, it gave an AttributeError).
    """
    if not isinstance(limits, Limits):
        msg = f"limits must be a mwrules.Limits, not {type(limits).__name__}"
        raise TypeError(msg)
    return limits

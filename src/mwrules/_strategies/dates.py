"""Which ruleset a strategy draws under, and the days on which it is in force."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .._rulesets.versions import DEFAULT_ID, select_ruleset, shipped_family
from ..errors import MwrulesError
from ..ruleset import Ruleset


_ONE_DAY = datetime.timedelta(days=1)
_YEARS = datetime.timedelta(days=3 * 365)


def _by_name(name: object, day: datetime.date | None) -> Ruleset:
    if not isinstance(name, str):
        raise InvalidArgument(f"ruleset={name!r} must be a mwrules.Ruleset or a shipped ruleset's name")
    try:
        return select_ruleset(name, as_of=day).ruleset
    except MwrulesError as error:  # no such ruleset, or no version in force on the day
        raise InvalidArgument(f"ruleset={name!r}: {error}") from None


def _ruleset_argument(ruleset: Ruleset | str | None, day: datetime.date | None) -> Ruleset | None:
    """The one ruleset the caller asked for, or None for "every shipped version"."""
    if ruleset is None or isinstance(ruleset, Ruleset):
        return ruleset
    return _by_name(ruleset, day)


def _one_ruleset(ruleset: Ruleset | str | None, day: datetime.date | None) -> Ruleset:
    """The caller's ruleset, or the default one in force on *day* (today without one)."""
    return _ruleset_argument(ruleset, day) or _by_name(DEFAULT_ID, day)


def _period(ruleset: Ruleset) -> tuple[datetime.date, datetime.date]:
    """The days *ruleset* is in force, with a horizon of three years for the latest version."""
    first = ruleset.manifest.effective_from
    last = ruleset.manifest.effective_until
    if last is None:
        try:
            family = shipped_family(ruleset.id)
        except MwrulesError:  # not a shipped ruleset: no later version to stop at
            family = None
        if family is not None and family.version(ruleset.version) == ruleset:
            last = family.last_day(ruleset)
    return first, last if last is not None else first + _YEARS


def _last_qualifying_day(ruleset: Ruleset) -> datetime.date | None:
    """After this day some level has no eligible certification left, so no path can qualify (None: never)."""
    last: datetime.date | None = None
    for metric in ruleset.metrics:
        if metric.level is None:
            continue
        ends = [ruleset.certification(cert_id).eligible_through for cert_id in metric.certifications]
        if any(end is None for end in ends):
            continue
        level_end = max(end for end in ends if end is not None)
        last = level_end if last is None else min(last, level_end)
    return last


def _as_of_dates(ruleset: Ruleset, *, qualifying: bool | None) -> st.SearchStrategy[datetime.date]:
    first, last = _period(ruleset)
    if qualifying:
        end = _last_qualifying_day(ruleset)
        if end is not None:
            last = min(last, end)
    edges = {first, last}
    for cert in ruleset.certifications:
        if cert.eligible_through is not None:
            edges |= {cert.eligible_through, cert.eligible_through + _ONE_DAY}
    edges = {day for day in edges if first <= day <= last}
    return st.sampled_from(sorted(edges)) | st.dates(min_value=first, max_value=last)


def _rulesets_and_dates(
    ruleset: Ruleset | str | None, as_of: datetime.date | None, *, qualifying: bool | None
) -> st.SearchStrategy[tuple[Ruleset, datetime.date]]:
    """(ruleset, as_of) pairs: the caller's, or every shipped version with a day it is in force."""
    if as_of is not None and (type(as_of) is datetime.datetime or not isinstance(as_of, datetime.date)):
        raise InvalidArgument(f"as_of={as_of!r} must be a datetime.date (without a time)")
    chosen = _one_ruleset(ruleset, as_of) if ruleset is not None or as_of is not None else None
    if chosen is not None:
        if as_of is not None:
            return st.just((chosen, as_of))
        return _as_of_dates(chosen, qualifying=qualifying).map(lambda day: (chosen, day))
    versions = shipped_family(DEFAULT_ID).rulesets
    return st.sampled_from(versions).flatmap(
        lambda version: _as_of_dates(version, qualifying=qualifying).map(lambda day: (version, day))
    )

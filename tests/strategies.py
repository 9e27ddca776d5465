"""Hypothesis strategies for mwrules' own tests (public ones come with issue 4).

Partners are generated against every shipped version of Modern Work: the
version is drawn first, then an ``as_of`` inside its period (its first and
last days and each retired certification's last eligible day and the day after
are drawn often), so that ``mwrules.evaluate(partner)`` picks that version.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from mwrules import Certification, Partner, Person, Ruleset
from mwrules._versions import shipped_family


FAMILY = shipped_family("modern-work")
RULESETS: tuple[Ruleset, ...] = FAMILY.rulesets
_ONE_DAY = datetime.timedelta(days=1)
_HORIZON = datetime.date(2028, 12, 31)  # the last as_of drawn for the version still in force


def ruleset_on(day: datetime.date) -> Ruleset:
    """The version in force on *day* (the one evaluate() picks)."""
    ruleset = FAMILY.in_force(day)
    assert ruleset is not None
    return ruleset


def as_of_dates(ruleset: Ruleset) -> st.SearchStrategy[datetime.date]:
    first = ruleset.manifest.effective_from
    last = FAMILY.last_day(ruleset) or _HORIZON
    edges = {first, last}
    for cert in ruleset.certifications:
        if cert.eligible_through is not None:
            edges |= {cert.eligible_through, cert.eligible_through + _ONE_DAY}
    edges = {day for day in edges if first <= day <= last}
    return st.sampled_from(sorted(edges)) | st.dates(min_value=first, max_value=last)


def spellings() -> st.SearchStrategy[str]:
    """Names as partner data writes them, from every version (so retired names appear), or unknown names."""
    known = sorted(
        {spelling for ruleset in RULESETS for cert in ruleset.certifications for spelling in (cert.name, *cert.aliases)}
    )
    cased = st.sampled_from(known).flatmap(
        lambda name: st.sampled_from([name, name.upper(), name.lower(), f"  {name} "])
    )
    return st.one_of(cased, st.sampled_from(["AZ-104", "PL-900", "Azure Fundamentals"]))


def certifications(as_of: datetime.date) -> st.SearchStrategy[Certification]:
    near = st.integers(min_value=-800, max_value=800).map(lambda days: as_of + datetime.timedelta(days=days))
    return st.builds(Certification, spellings(), st.none() | near, st.none() | near)


def people(as_of: datetime.date, *, max_size: int = 12) -> st.SearchStrategy[tuple[Person, ...]]:
    return st.lists(st.lists(certifications(as_of), max_size=4).map(tuple), max_size=max_size).map(
        lambda certs: tuple(Person(f"person-{index}", held) for index, held in enumerate(certs))
    )


def metrics(ruleset: Ruleset) -> st.SearchStrategy[dict[str, dict[str, object]]]:
    values = st.integers(min_value=-50, max_value=6000)
    per_path = {}
    for path in ruleset.paths:
        fields: dict[str, st.SearchStrategy[object]] = {}
        for metric in ruleset.metrics:
            if metric.measure == "count":
                fields[metric.id] = st.integers(min_value=-5, max_value=15)
            elif metric.measure == "best_of_options":
                fields[metric.id] = st.fixed_dictionaries(dict.fromkeys(ruleset.options(path.id, metric.id), values))
        per_path[path.id] = st.fixed_dictionaries(fields)
    return st.fixed_dictionaries(per_path)


def partners(*, max_people: int = 12) -> st.SearchStrategy[Partner]:
    """Partners under any shipped version, with an as_of that version is in force on."""

    def under(ruleset: Ruleset) -> st.SearchStrategy[Partner]:
        return as_of_dates(ruleset).flatmap(
            lambda as_of: st.builds(
                Partner,
                partner_id=st.just("generated"),
                as_of=st.just(as_of),
                people=people(as_of, max_size=max_people),
                metrics=metrics(ruleset),
            )
        )

    return st.sampled_from(RULESETS).flatmap(under)

"""Hypothesis strategies for mwrules' own tests (public ones come with issue 4)."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from mwrules import Certification, Partner, Person, Ruleset


AS_OF = datetime.date(2024, 6, 30)


def spellings(ruleset: Ruleset) -> st.SearchStrategy[str]:
    """Names as partner data writes them: known spellings in any case, or unknown names."""
    known = sorted({spelling for cert in ruleset.certifications for spelling in (cert.name, *cert.aliases)})
    cased = st.sampled_from(known).flatmap(
        lambda name: st.sampled_from([name, name.upper(), name.lower(), f"  {name} "])
    )
    return st.one_of(cased, st.sampled_from(["AZ-104", "PL-900", "Azure Fundamentals"]))


def certifications(ruleset: Ruleset) -> st.SearchStrategy[Certification]:
    dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2028, 1, 1))
    return st.builds(Certification, spellings(ruleset), st.none() | dates, st.none() | dates)


def people(ruleset: Ruleset, *, max_size: int = 12) -> st.SearchStrategy[tuple[Person, ...]]:
    return st.lists(st.lists(certifications(ruleset), max_size=4).map(tuple), max_size=max_size).map(
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


def partners(ruleset: Ruleset, *, max_people: int = 12) -> st.SearchStrategy[Partner]:
    return st.builds(
        Partner,
        partner_id=st.just("generated"),
        as_of=st.just(AS_OF),
        people=people(ruleset, max_size=max_people),
        metrics=metrics(ruleset),
    )

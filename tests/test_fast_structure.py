"""Reading a ruleset without cattrs gives what cattrs gives, or leaves the data to cattrs."""

from __future__ import annotations

import copy
import datetime
import typing
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from cattrs.errors import BaseValidationError
from hypothesis import given
from hypothesis import strategies as st

import mwrules
from mwrules._input import documents as _documents
from mwrules._rulesets import model, reading
from mwrules._rulesets.fast_structure import FastStructurer, _field_types
from mwrules._rulesets.model import Cost, Manifest, Ruleset
from mwrules._rulesets.shorthand import expand

from .test_fuzz import rulesets


SHIPPED = sorted((Path(__file__).parents[1] / "rulesets").glob("*/*.yaml"))
SHIPPED_DATA = [_documents.read_file(path, "the ruleset", fmt="yaml").data for path in SHIPPED]
#: 2026-01 as written before the vocabulary, with its shorthand (measure, targets): the forms changed below
SHORTHAND_2026 = _documents.read_file(
    Path(__file__).parent / "data" / "shorthand" / "modern-work" / "2026-01.yaml", "the ruleset", fmt="yaml"
).data


def typed(value: Any) -> Any:
    """*value* with the type of every part of it, for comparing (Fraction(20) == 20, but a ruleset holds fractions)."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return (type(value), tuple((field.name, typed(getattr(value, field.name))) for field in fields if field.eq))
    if isinstance(value, dict):
        return (dict, tuple((typed(key), typed(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (type(value), tuple(typed(item) for item in value))
    return (type(value), value)


def written_out(data: Any, cl: type) -> Any:
    """A ruleset's data with its shorthand written out, as both readers get it (None: the shorthand is misused)."""
    if cl is not Ruleset or not isinstance(data, dict):
        return data
    data, origins = expand(data)
    return None if origins.shape_problems else data


def with_cattrs(data: Any, cl: type) -> Any:
    """*data* structured by the cattrs converter that reads rulesets, or None if it reports problems."""
    data = written_out(data, cl)
    if data is None:
        return None
    try:
        return reading._converter().structure(data, cl)
    except BaseValidationError:
        return None


def fast(data: Any, cl: type = Ruleset) -> Any:
    """*data* read by the walker, or None where it leaves the data to cattrs."""
    data = written_out(data, cl)
    return None if data is None else reading._fast().structure(data, cl)


def assert_same_reading(data: Any, cl: type = Ruleset) -> None:
    """The walker reads *data* as cattrs does, or gives it up; it never reads what cattrs refuses."""
    expected = with_cattrs(data, cl)
    walked = fast(data, cl)

    if expected is None:
        assert walked is None
    else:
        assert walked is not None, "cattrs reads it: so must the walker"
        assert typed(expected) == typed(walked)


@pytest.mark.parametrize("data", SHIPPED_DATA, ids=[path.stem for path in SHIPPED])
def test_the_shipped_rulesets_read_the_same_without_cattrs(data: Any):
    """Every shipped ruleset reads, without cattrs, into exactly the objects cattrs makes."""
    walked = fast(data)

    assert walked is not None
    assert typed(with_cattrs(data, Ruleset)) == typed(walked)


@given(rulesets())
def test_the_fuzzed_rulesets_read_the_same_without_cattrs(data: dict[str, Any]):
    """Rulesets with drawn numbers (whole and not) read, without cattrs, as cattrs reads them."""
    assert fast(data) is not None
    assert_same_reading(data)


REMOVED = object()
#: One change to the 2026-01 ruleset per form the walker reads: (where, new value, whether cattrs refuses it).
CHANGES = {
    "literal-not-allowed": (("metrics", 0, "measure"), "counted", True),
    "number-as-text": (("metrics", 0, "max_points"), "20", True),
    "number-as-true": (("metrics", 0, "max_points"), True, True),
    "number-not-finite": (("metrics", 0, "max_points"), float("inf"), True),
    "number-not-whole": (("metrics", 0, "max_points"), 2.5, False),
    "whole-number-with-a-fraction": (("scoring", "window_months"), 6.5, True),
    "whole-number-as-float": (("scoring", "window_months"), 6.0, False),
    "whole-number-as-true": (("scoring", "window_months"), True, True),
    "text-as-number": (("manifest", "title"), 5, True),
    "text-as-date": (("manifest", "title"), datetime.date(2026, 1, 1), False),
    "date-malformed": (("manifest", "effective_from"), "2026-13-01", True),
    "date-with-a-time": (("manifest", "effective_from"), datetime.datetime(2026, 1, 1, 12, 0), True),
    "date-as-date": (("manifest", "effective_from"), datetime.date(2026, 1, 1), False),
    "optional-given-null": (("metrics", 0, "from_customers"), None, False),
    "required-given-null": (("metrics", 0, "title"), None, True),
    "list-as-text": (("certifications", 0, "aliases"), "MS-900", True),
    "list-as-object": (("certifications", 0, "aliases"), {"a": 1}, True),
    "object-as-list": (("paths", 0, "targets"), ["net_customer_adds"], True),
    "class-as-text": (("customer_data",), "none", True),
    "one-or-per-option-as-list": (("paths", 0, "targets", "net_customer_adds"), [5], True),
    "one-or-per-option-as-per-option": (("paths", 0, "targets", "net_customer_adds"), {"cpor": 5}, False),
    "cost-as-text": (("default_costs", "usage_growth"), "cheap", True),
    "mapping-key-as-date": (("default_costs", datetime.date(2026, 1, 1)), 1, False),
    "mapping-key-as-number": (("default_costs", 5), 1, True),
    "shorthand-as-number": (("workloads", 1), 5, True),
    "shorthand-as-date": (("workloads", 1), datetime.date(2026, 1, 1), False),
    "shorthand-object-without-its-name": (("workloads", 0), {"aliases": ["x"]}, True),
    "unknown-key": (("manifest", "bonus"), 1, True),
    "a-key-that-is-not-text": (("scoring", 5), 1, True),
    "internal-source-key": (("source",), "elsewhere.yaml", True),
    "internal-checked-key": (("checked",), True, True),
    "missing-key": (("scoring", "min_total_points"), REMOVED, True),
    "missing-key-with-a-default-of-none": (("scoring", "path_preference"), REMOVED, False),
    "missing-key-with-a-default": (("scoring", "window_months"), REMOVED, False),
}


@pytest.mark.parametrize(("where", "value", "refused"), CHANGES.values(), ids=CHANGES.keys())
def test_each_form_reads_as_cattrs_reads_it_or_is_left_to_cattrs(where: tuple[Any, ...], value: Any, refused: bool):
    """One change to a valid ruleset: if cattrs refuses it, the walker does not read it; else both read the same."""
    data = copy.deepcopy(SHORTHAND_2026)
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    if value is REMOVED:
        del parent[where[-1]]
    else:
        parent[where[-1]] = value

    assert refused == (with_cattrs(data, Ruleset) is None)
    assert_same_reading(data)


def places(data: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in *data*, itself first."""
    yield where
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, item in items:
        yield from places(item, (*where, key))


ODD_VALUES = st.sampled_from(
    [
        None,
        True,
        0,
        1,
        -1,
        3.0,
        2.5,
        1e400,
        float("nan"),
        "",
        "text",
        "20",
        "count",
        datetime.date(2026, 1, 1),
        datetime.datetime(2026, 1, 1, 12, 0),
        [],
        {},
        [1],
        ["a"],
        {"x": 1},
        {"cpor": 5},
    ]
).map(copy.deepcopy)  # a list or dict drawn may be changed later: never the one in this list
ODD_KEYS = st.sampled_from(["source", "checked", "id", "name", "x", "metrics", "targets", 5, datetime.date(2026, 1, 1)])


@st.composite
def changed(draw: st.DrawFn, originals: list[Any]) -> Any:
    """One of *originals* with one to three things changed: a value replaced or moved, a key removed or added."""
    data = copy.deepcopy(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = draw(st.sampled_from(list(places(data))))
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        change = draw(st.sampled_from(["replace", "move", "remove", "add"]))
        if change == "add" or not where:
            target = parent[where[-1]] if where else data
            if isinstance(target, dict):
                target[draw(ODD_KEYS)] = draw(ODD_VALUES)
        elif change == "remove":
            del parent[where[-1]]
        else:
            other = draw(st.sampled_from(list(places(data))))
            moved = data
            for key in other:
                moved = moved[key]
            parent[where[-1]] = draw(ODD_VALUES) if change == "replace" else copy.deepcopy(moved)
    return data


@given(changed(SHIPPED_DATA))
def test_a_changed_ruleset_reads_the_same_or_is_left_to_cattrs(data: Any):
    """A ruleset with a mistake is never read without cattrs; one still valid reads as cattrs reads it."""
    assert_same_reading(data)


@given(changed([data["manifest"] for data in SHIPPED_DATA]))
def test_a_changed_manifest_reads_the_same_or_is_left_to_cattrs(manifest: dict[str, Any]):
    """The manifest alone (read to compare versions even when the rest is wrong) reads as cattrs reads it."""
    assert_same_reading(manifest, Manifest)


MODEL_CLASSES = [value for value in vars(model).values() if attrs.has(value)]


@pytest.mark.parametrize("cl", MODEL_CLASSES, ids=[cl.__name__ for cl in MODEL_CLASSES])
def test_the_walker_reads_each_field_as_its_type_hint_says(cl: type):
    """The annotations the walker evaluates itself (faster) are the types typing.get_type_hints resolves."""
    assert typing.get_type_hints(cl) == _field_types(cl)


SHIPPED_COSTS = [data["default_costs"] for data in SHIPPED_DATA if "default_costs" in data]


@given(changed(SHIPPED_COSTS))
def test_changed_costs_read_the_same_or_are_left_to_cattrs(costs: dict[str, Any]):
    """Costs as plan reads them (a partner's, like a ruleset's default_costs) read as cattrs reads them."""
    assert_same_reading(costs, dict[str, Cost])


def test_a_form_the_walker_does_not_know_is_left_to_cattrs():
    """A type outside the forms it reads (here a set) gives None, not a guess."""

    @attrs.frozen
    class Odd:
        tags: frozenset[str]

    assert FastStructurer({str: lambda value, _: value}, {}).structure({"tags": ["a"]}, Odd) is None


def test_a_value_a_class_refuses_is_left_to_cattrs():
    """A class's own validator raising is not an error of the walker: it gives None, and cattrs reports it."""

    @attrs.frozen
    class Positive:
        count: int = attrs.field(validator=attrs.validators.gt(0))

    walker = FastStructurer({int: lambda value, _: value}, {})

    assert walker.structure({"count": 0}, Positive) is None
    assert Positive(1) == walker.structure({"count": 1}, Positive)


def test_a_ruleset_with_mistakes_still_reports_every_one():
    """The walker gives up at the first mistake; the problems reported are still all of them, from cattrs."""
    data = copy.deepcopy(SHIPPED_DATA[0])
    data["manifest"]["version"] = 2023
    data["metrics"][0]["max_points"] = "ten"
    data["scoring"]["bonus"] = 1

    ruleset, problems = mwrules.ruleset.structure(data)

    assert ruleset is None
    assert ["$.manifest.version", "$.metrics[0].max_points", "$.scoring.bonus"] == sorted(p.where for p in problems)


def test_the_numbers_of_a_ruleset_are_exact_fractions():
    """2.5 in a file is Fraction(5, 2), as cattrs reads it, not a float."""
    data = copy.deepcopy(SHIPPED_DATA[0])
    data["metrics"][0]["max_points"] = 2.5

    ruleset = fast(data)

    assert ruleset is not None
    assert typed(Fraction(5, 2)) == typed(ruleset.metrics[0].max_points)


#: One change to the shipped 2026-01, in the vocabulary: (where, new value, whether cattrs refuses it)
VOCABULARY_CHANGES = {
    "combine-not-allowed": (("paths", 0, "metrics", "usage_growth", "combine"), "average", True),
    "term-target-as-text": (("paths", 0, "metrics", "usage_growth", "terms", 0, "target"), "1000", True),
    "term-target-not-whole": (("paths", 0, "metrics", "usage_growth", "terms", 0, "target"), 2.5, False),
    "term-rate": (
        ("paths", 0, "metrics", "usage_growth", "terms", 0),
        {"of": "cpor", "rate": {"points": 3, "per": 1}},
        False,
    ),
    "source-kind-not-allowed": (("metrics", 0, "source"), {"number": "money"}, True),
    "people-set-as-text": (("metrics", 1, "source", "people", "intermediate"), "teams", True),
    "terms-as-object": (("paths", 1, "metrics", "net_customer_adds", "terms"), {"target": 5}, True),
}


@pytest.mark.parametrize(("where", "value", "refused"), VOCABULARY_CHANGES.values(), ids=VOCABULARY_CHANGES.keys())
def test_each_form_of_the_vocabulary_reads_as_cattrs_reads_it(where: tuple[Any, ...], value: Any, refused: bool):
    """One change to the shipped ruleset's terms or sources: the walker reads what cattrs reads, and only that."""
    data = copy.deepcopy(SHIPPED_DATA[-1])
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value

    assert refused == (with_cattrs(data, Ruleset) is None)
    assert_same_reading(data)

"""Facts and amounts take the one-pass build, which builds exactly what the full checks build.

test_fuzz.py holds the one-pass build's tests under Modern Work (whole
numbers, no facts); these hold them under every designation that reads
facts, decimal amounts or parts.
"""

from __future__ import annotations

import copy
import datetime
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mwrules
from mwrules._evaluation import evaluate as _evaluate
from mwrules._input import documents as _documents
from mwrules._input import one_pass as _one_pass
from mwrules._input import partner as _partner_input
from mwrules.limits import DEFAULT_LIMITS
from mwrules.strategies import partner_documents, partners

from .budget import share_of_profile
from .full_checks import full_checks
from .test_fast_structure import typed


ROOT = Path(__file__).parents[1]
#: The shipped rulesets that read facts, decimal amounts or parts (Modern Work reads none of them)
DESIGNATIONS = ("security", "business-applications", "data-ai", "infrastructure", "digital-app-innovation")
CASES = sorted(
    path
    for designation in DESIGNATIONS
    for path in (ROOT / "rulesets" / designation).glob("cases/*/*.yaml")
    if "problems" not in _documents.read_file(path, "the case", fmt="yaml").data["want"]  # refused: no partner
)


def one_pass(document: Any, ruleset: mwrules.Ruleset) -> mwrules.Partner | None:
    return _partner_input._plain_partner(document, ruleset, DEFAULT_LIMITS)


def ruleset_of(designation: str) -> mwrules.Ruleset:
    return mwrules.select_ruleset(designation, as_of=datetime.date(2026, 8, 15)).ruleset


#: Each property runs once per designation: a fifth of the profile's examples each, the profile's in all
PER_DESIGNATION = share_of_profile(Fraction(1, len(DESIGNATIONS)), at_least=1)


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parts[-4]}/{path.stem}")
def test_every_case_partner_of_the_designations_takes_the_one_pass_build(path: Path):
    """Each case's partner (facts, decimal amounts, parts) is built in one pass, into what the full checks build."""
    case = _documents.read_file(path, "the case", fmt="yaml").data
    ruleset = mwrules.select_ruleset(f"{path.parts[-4]}@{path.parts[-2]}").ruleset

    built = one_pass(case["partner"], ruleset)

    assert built is not None
    assert typed(built) == typed(full_checks(case["partner"], ruleset))


@pytest.mark.parametrize("designation", DESIGNATIONS)
@PER_DESIGNATION
@given(data=st.data())
def test_valid_documents_of_every_designation_take_the_one_pass_build(designation: str, data: st.DataObject):
    """Drawn valid documents are built in one pass, into what the full checks build, types and all."""
    ruleset = ruleset_of(designation)
    document = data.draw(partner_documents(ruleset=ruleset))

    built = one_pass(document, ruleset)

    assert built is not None
    assert typed(built) == typed(full_checks(document, ruleset))


@pytest.mark.parametrize("designation", DESIGNATIONS)
@PER_DESIGNATION
@given(data=st.data())
def test_valid_partner_objects_of_every_designation_take_the_one_pass_check(designation: str, data: st.DataObject):
    """A drawn Partner (amounts as Fractions) passes the one-pass check as what the full checks build from it."""
    ruleset = ruleset_of(designation)
    partner = data.draw(partners(ruleset=ruleset))

    checked = _one_pass.plain_partner_object(partner, ruleset, DEFAULT_LIMITS)

    assert checked is not None
    assert typed(checked) == typed(full_checks(_evaluate.as_document(partner), ruleset))


#: Numbers the checks read, convert or refuse: whole, decimal, too fine, too large, not numbers
EDGES = [10**9, 10**9 + 1, 10**15, 10**15 + 1, -(10**16), 0.5, 12.25, 79.999999, 80.0, 3.0, 1e-7, 2.5000001, 6250.5]
EDGES += [1e9 + 0.5, 1e16, math.inf, math.nan, True, None, "5", [1], {"a": 1}]
EDGES += [Fraction(1, 2), Fraction(1, 3), Fraction(4), Fraction(10**10 + 1, 2), Fraction(1, 10**7)]
HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-3, max_value=120),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
)
HOSTILE_KEYS = st.sampled_from(
    ["smb_customer_share", "enterprise_workloads", "smb_customer_shares", "azure", "m365", "growth_percent", "x", 5]
)


def hostile_value(value: Any) -> st.SearchStrategy[Any]:
    """Something in place of *value*: a hostile number, or its mapping with keys and numbers changed."""
    if isinstance(value, dict):
        changed = st.dictionaries(HOSTILE_KEYS, HOSTILE_NUMBERS, max_size=3).map(lambda more: {**value, **more})
        return st.one_of(HOSTILE_NUMBERS, changed, st.just({}))
    return st.one_of(HOSTILE_NUMBERS, st.dictionaries(HOSTILE_KEYS, HOSTILE_NUMBERS, max_size=2))


@st.composite
def hostile_documents(draw: st.DrawFn, ruleset: mwrules.Ruleset) -> dict[str, Any]:
    """A valid document with some facts, metrics or parts replaced by hostile values (or removed)."""
    document = copy.deepcopy(draw(partner_documents(ruleset=ruleset, max_people=3)))
    places: list[tuple[dict[str, Any], Any]] = [(document, "facts")]
    places += [(document.setdefault("facts", {}), key) for key in [*document.get("facts", {}), "foreign_fact"]]
    for values in document["metrics"].values():
        places += [(values, metric_id) for metric_id in values]
    for parent, key in draw(st.lists(st.sampled_from(places), min_size=1, max_size=4, unique_by=id)):
        if draw(st.integers(0, 3)):
            parent[key] = draw(hostile_value(parent.get(key)))
        else:
            parent.pop(key, None)
    return document


@pytest.mark.parametrize("designation", DESIGNATIONS)
@PER_DESIGNATION
@given(data=st.data())
def test_the_one_pass_build_of_hostile_facts_and_amounts_agrees_with_the_full_checks(
    designation: str, data: st.DataObject
):
    """Where the one-pass build builds a partner, the full checks build the same one without a problem."""
    ruleset = ruleset_of(designation)
    document = data.draw(hostile_documents(ruleset))

    built = one_pass(document, ruleset)

    if built is not None:
        assert typed(built) == typed(full_checks(document, ruleset))


@pytest.mark.parametrize("designation", DESIGNATIONS)
@PER_DESIGNATION
@given(data=st.data())
def test_the_one_pass_check_of_hostile_partner_objects_agrees_with_the_full_checks(
    designation: str, data: st.DataObject
):
    """Where a Partner with hostile facts or amounts passes the one-pass check, it is what the full checks build."""
    ruleset = ruleset_of(designation)
    document = data.draw(hostile_documents(ruleset))
    partner = mwrules.Partner(
        partner_id="p",
        as_of=datetime.date(2026, 8, 15),
        metrics=document.get("metrics", {}),
        facts=document.get("facts", {}),
    )

    checked = _one_pass.plain_partner_object(partner, ruleset, DEFAULT_LIMITS)

    if checked is not None:
        assert typed(checked) == typed(full_checks(_evaluate.as_document(partner), ruleset))


def test_a_fact_out_of_its_declared_range_is_left_to_the_full_checks():
    """A share of 101 (at most 100) is not built in one pass: the checks word its problem."""
    document = {"partner_id": "p", "as_of": "2026-08-15", "facts": {"smb_customer_share": 101}}

    assert one_pass(document, ruleset_of("data-ai")) is None


def test_a_missing_classification_fact_is_left_to_the_full_checks():
    """A document without the fact a ruleset classifies by is not built in one pass: the checks name it."""
    document = {"partner_id": "p", "as_of": "2026-08-15", "facts": {"enterprise_workloads": 3}}

    assert one_pass(document, ruleset_of("data-ai")) is None


AZURE = {"partner_id": "p", "as_of": "2026-08-15", "facts": {"smb_customer_share": 85}}
#: Per mistake, a metric of data-ai's smb path: the full checks report each, so the one-pass build must give it up
MISTAKES = {
    "amount-finer-than-a-millionth": {"usage_growth": {"growth_percent": 2.5000001}},
    "amount-beyond-any-real-amount": {"usage_growth": {"qualifying_acr": 1e9 + 0.5}},
    "whole-amount-beyond-any-real-amount": {"usage_growth": {"qualifying_acr": 10**9 + 1}},
    "decimal-count": {"net_customer_adds": 2.5},
    "parts-given-as-a-number": {"usage_growth": 5},
    "unknown-part": {"usage_growth": {"growth": 5}},
    "number-given-as-parts": {"deployments": {"azure": 1}},
}


@pytest.mark.parametrize("metrics", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_metric_the_checks_refuse_is_left_to_them(metrics: dict[str, Any]):
    """A mistake in a count, an amount or its parts is not built in one pass."""
    document = {**AZURE, "metrics": {"smb": metrics}}
    ruleset = ruleset_of("data-ai")

    assert full_checks(document, ruleset) is None
    assert one_pass(document, ruleset) is None


def test_whole_decimals_and_another_rulesets_facts_are_built_as_the_checks_build_them():
    """``3.0`` is the count 3, ``1000.00`` the amount 1000, and a fact data-ai does not read is kept."""
    metrics = {"net_customer_adds": 3.0, "usage_growth": {"growth_percent": 7.25, "qualifying_acr": 1000.00}}
    document = {**AZURE, "facts": {"smb_customer_share": 85, "enterprise_workloads": 3}, "metrics": {"smb": metrics}}
    ruleset = ruleset_of("data-ai")

    built = one_pass(document, ruleset)

    assert built is not None
    assert typed(built) == typed(full_checks(document, ruleset))
    assert typed(built.metrics["smb"]["net_customer_adds"]) == (int, 3)
    assert built.facts == {"smb_customer_share": 85, "enterprise_workloads": 3}

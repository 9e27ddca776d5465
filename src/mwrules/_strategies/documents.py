"""Partner documents as JSON gives them, and documents with exactly one mistake."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

from .. import codes
from .._output.json import partner_to_json
from .._rulesets.versions import DEFAULT_ID, shipped_family
from ..model import Partner
from ..ruleset import Ruleset
from .dates import _ruleset_argument
from .partners import partners


# Documents --------------------------------------------------------------------------


def _as_documents(partner: Partner) -> st.SearchStrategy[dict[str, Any]]:
    document = partner_to_json(partner)
    # undated certifications are sometimes written as objects, as some exports do
    people = document["people"]
    return st.lists(st.booleans(), min_size=len(people), max_size=len(people)).map(
        lambda wrap: {
            **document,
            "people": [
                {
                    **person,
                    "certifications": [
                        {"name": cert} if flag and isinstance(cert, str) else cert for cert in person["certifications"]
                    ],
                }
                for person, flag in zip(people, wrap, strict=True)
            ],
        }
    )


def partner_documents(
    *,
    ruleset: Ruleset | str | None = None,
    min_people: int = 0,
    max_people: int = 12,
    qualifying: bool | None = None,
    as_of: datetime.date | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Partner documents: the JSON- and YAML-shaped mappings of :func:`partners` (same options).

    Dates are ``YYYY-MM-DD`` text. An undated certification is its name, or
    sometimes ``{"name": ...}``. :func:`mwrules.load_partner` reads every
    document without a problem.

    Shrinks as :func:`partners` does.
    """
    drawn = partners(ruleset=ruleset, min_people=min_people, max_people=max_people, qualifying=qualifying, as_of=as_of)
    return drawn.flatmap(_as_documents)


@attrs.frozen
class InvalidDocument:
    """A partner document with one mistake, where the mistake is, and its problem code."""

    document: Any
    where: str
    code: str
    kind: str


# Each kind of mistake: it changes a valid document (drawing what it needs)
# and returns the path of the mistake and its code.
_Mistake = Callable[[st.DrawFn, dict[str, Any], Ruleset], tuple[str, str]]


def _person(draw: st.DrawFn, document: dict[str, Any]) -> int:
    return draw(st.integers(min_value=0, max_value=len(document["people"]) - 1))


def _metric_values(draw: st.DrawFn, document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    path = draw(st.sampled_from(sorted(document["metrics"])))
    return path, document["metrics"][path]


def _missing_partner_id(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    del document["partner_id"]
    return "$.partner_id", codes.MISSING_KEY


def _unknown_key(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    key = draw(st.sampled_from(["partner_name", "asof", "employees", "metric"]))
    document[key] = "x"
    return f"$.{key}", codes.UNKNOWN_KEY


def _partner_id_not_text(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["partner_id"] = draw(st.sampled_from([42, None, ["contoso"]]))
    return "$.partner_id", codes.INVALID_VALUE


def _empty_partner_id(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["partner_id"] = draw(st.sampled_from(["", "   ", "\u3000"]))
    return "$.partner_id", codes.INVALID_VALUE


def _bad_date(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["as_of"] = draw(st.sampled_from(["2024-13-01", "30/06/2024", "20240630", "2024-6-30", 20240630]))
    return "$.as_of", codes.INVALID_VALUE


def _unknown_path(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    document["metrics"]["midmarket"] = {}
    return "$.metrics.midmarket", codes.UNKNOWN_PARTNER_METRIC


def _duplicate_person(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    people = document["people"]
    people.append(dict(people[_person(draw, document)]))
    return f"$.people[{len(people) - 1}].id", codes.DUPLICATE_PERSON


def _empty_person_id(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    document["people"][index]["id"] = draw(st.sampled_from(["", "  "]))
    return f"$.people[{index}].id", codes.EMPTY_PERSON_ID


def _expires_before_earned(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    certs = document["people"][index]["certifications"]
    certs.append({"name": ruleset.certifications[0].name, "earned": "2024-05-01", "expires": "2023-01-01"})
    return f"$.people[{index}].certifications[{len(certs) - 1}].expires", codes.EXPIRES_BEFORE_EARNED


def _certification_not_text(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    index = _person(draw, document)
    certs = document["people"][index]["certifications"]
    certs.append(draw(st.sampled_from([42, ["MS-700"], None])))
    return f"$.people[{index}].certifications[{len(certs) - 1}]", codes.INVALID_VALUE


def _unknown_metric(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    values["net_customer_add"] = 3
    return f"$.metrics.{path}.net_customer_add", codes.UNKNOWN_PARTNER_METRIC


def _people_metric_given(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from([metric.id for metric in ruleset.metrics if metric.level is not None]))
    values[metric_id] = 2
    return f"$.metrics.{path}.{metric_id}", codes.UNKNOWN_PARTNER_METRIC


def _count_not_whole(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from(sorted(values)))
    wrong = draw(st.sampled_from([2.5, "3", True]))
    if isinstance(values[metric_id], dict):
        option = draw(st.sampled_from(sorted(values[metric_id])))
        values[metric_id][option] = wrong
        return f"$.metrics.{path}.{metric_id}.{option}", codes.INVALID_VALUE
    values[metric_id] = wrong
    return f"$.metrics.{path}.{metric_id}", codes.INVALID_VALUE


def _unknown_option(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    path, values = _metric_values(draw, document)
    metric_id = draw(st.sampled_from(sorted(key for key, value in values.items() if isinstance(value, dict))))
    values[metric_id]["xpor"] = 5
    return f"$.metrics.{path}.{metric_id}.xpor", codes.UNKNOWN_PARTNER_METRIC


def _with_customer(document: dict[str, Any], ruleset: Ruleset) -> dict[str, Any]:
    """*document* given one valid customer tenant (its first row on the ruleset's first workload); the customer."""
    workload = ruleset.workloads[0].name if ruleset.workloads else "Teams"
    customer = {
        "tenant": "tenant-1",
        "associations": [{"type": "CPOR", "since": "2024-03-15"}],
        "usage": [{"month": "2025-10", "workload": workload, "paid_seats": 400, "active_users": 100}],
    }
    document["customers"] = [customer]
    return customer


def _unknown_association_type(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    _with_customer(document, ruleset)["associations"][0]["type"] = draw(st.sampled_from(["XPOR", "CPRO", "reseller"]))
    return "$.customers[0].associations[0].type", codes.UNKNOWN_ASSOCIATION_TYPE


def _bad_month(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    month = draw(st.sampled_from(["2025-13", "10/2025", "2025-1", "Oct-25", 202510]))
    _with_customer(document, ruleset)["usage"][0]["month"] = month
    return "$.customers[0].usage[0].month", codes.INVALID_VALUE


def _bad_seats(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    key = draw(st.sampled_from(["paid_seats", "active_users"]))
    _with_customer(document, ruleset)["usage"][0][key] = draw(st.sampled_from([-1, 2.5, "400", None]))
    return f"$.customers[0].usage[0].{key}", codes.INVALID_VALUE


def _duplicate_usage_row(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    usage = _with_customer(document, ruleset)["usage"]
    workload = draw(st.sampled_from([usage[0]["workload"].upper(), f" {usage[0]['workload']} "]))
    usage.append({**usage[0], "workload": workload, "active_users": 90})
    return "$.customers[0].usage[1]", codes.DUPLICATE_USAGE


def _duplicate_tenant(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    customer = _with_customer(document, ruleset)
    document["customers"].append({**customer, "tenant": draw(st.sampled_from(["TENANT-1", "tenant-1 "]))})
    return "$.customers[1].tenant", codes.DUPLICATE_TENANT


def _association_ends_before_it_starts(draw: st.DrawFn, document: dict[str, Any], ruleset: Ruleset) -> tuple[str, str]:
    _with_customer(document, ruleset)["associations"][0]["until"] = draw(st.sampled_from(["2024-03-14", "2020-01-01"]))
    return "$.customers[0].associations[0].until", codes.ASSOCIATION_DATES


#: The kinds of mistake, and what a document needs to be given one (people, metrics, options).
_MISTAKES: dict[str, tuple[_Mistake, str]] = {
    "missing-partner-id": (_missing_partner_id, ""),
    "unknown-key": (_unknown_key, ""),
    "partner-id-not-text": (_partner_id_not_text, ""),
    "empty-partner-id": (_empty_partner_id, ""),
    "bad-date": (_bad_date, ""),
    "unknown-path": (_unknown_path, ""),
    "duplicate-person": (_duplicate_person, "people"),
    "empty-person-id": (_empty_person_id, "people"),
    "expires-before-earned": (_expires_before_earned, "people"),
    "certification-not-text": (_certification_not_text, "people"),
    "unknown-metric": (_unknown_metric, "metrics"),
    "people-metric-given": (_people_metric_given, "metrics"),
    "count-not-whole": (_count_not_whole, "metrics"),
    "unknown-option": (_unknown_option, "metrics"),
    "unknown-association-type": (_unknown_association_type, "customers"),
    "bad-month": (_bad_month, "customers"),
    "bad-seats": (_bad_seats, "customers"),
    "duplicate-usage-row": (_duplicate_usage_row, "customers"),
    "duplicate-tenant": (_duplicate_tenant, "customers"),
    "association-ends-before-it-starts": (_association_ends_before_it_starts, "customers"),
}


@st.composite
def _invalid(draw: st.DrawFn, ruleset: Ruleset | str | None) -> InvalidDocument:
    # the documents of partners() always have people (min_people=1) and every path's metrics
    document = copy.deepcopy(draw(partner_documents(ruleset=ruleset, min_people=1, max_people=4)))
    chosen = _ruleset_argument(ruleset, None) or shipped_family(DEFAULT_ID).rulesets[-1]
    kinds = [kind for kind, (_, needs) in _MISTAKES.items() if needs != "customers" or chosen.customer_data]
    kind = draw(st.sampled_from(["not-an-object", *kinds]))
    if kind == "not-an-object":
        return InvalidDocument(draw(st.sampled_from([[document], "contoso", 42])), "$", codes.INVALID_VALUE, kind)
    where, code = _MISTAKES[kind][0](draw, document, chosen)
    return InvalidDocument(document, where, code, kind)


def invalid_partner_documents(*, ruleset: Ruleset | str | None = None) -> st.SearchStrategy[InvalidDocument]:
    """Partner documents with exactly one mistake, with its place and its code.

    Each example is an :class:`InvalidDocument`: ``document``, ``where``
    (the JSON path of the mistake, as :class:`mwrules.Problem` reports it),
    ``code`` and ``kind``. The kinds of mistake are: not an object; a
    missing, unknown or mistyped key; a bad date; a duplicate or empty person
    id; a certification that expires before it was earned, or is not text;
    an unknown path, metric or association option; a certified-people metric
    given as a number; a count that is not a whole number; and in customer
    data, an unknown association type, a month written wrongly, a negative or
    non-whole count of seats or users, two rows for one month and workload
    (spelt two ways), a tenant given twice, an association ending before it
    starts.
    :func:`mwrules.load_partner` reports a problem at ``where``, and only
    there.

    Shrinks towards the first kind of mistake in a small valid document.
    """
    _ruleset_argument(ruleset, None)
    return _invalid(ruleset)

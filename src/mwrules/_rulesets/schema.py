"""The JSON Schemas of ruleset files and of partner documents.

Ruleset files: generated from the ruleset model.

The attrs classes in :mod:`mwrules.ruleset` are the one description of the
format: the loader structures them (with cattrs when there are problems to
word, see :mod:`.fast_structure`), and this module walks the
same classes (their field types, defaults and documentation) to write the
schema that editors use for completion and red squiggles. The schema covers
the shape of a file (keys, types, required keys); the checks that need the
whole ruleset (references, sums, aliases) are ``mwrules lint``'s.

The shipped copy is ``rulesets/ruleset.schema.json``; a test fails when it
differs from :func:`ruleset_schema`. Regenerate it with
``mwrules schema > rulesets/ruleset.schema.json``.

Partner documents: their paths, metrics and association options are the
ruleset's, so :func:`partner_schema` writes the schema of one ruleset's
partner documents, with the ruleset's certification names as completions.
The shipped ``rulesets/partner.schema.json`` is the latest Modern Work
version's (``mwrules schema partner > rulesets/partner.schema.json``). The
schema describes the shape; what needs the whole document (repeated person
ids, an expiry before the earning date) is the loader's to report.
"""

from __future__ import annotations

import datetime
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from .._input.customers import MAX_SEATS
from .._input.partner_metrics import MAX_AMOUNT, MAX_MEASURE
from ..limits import DEFAULT_LIMITS
from . import model, vocabulary


SCHEMA_FILE_NAME = "ruleset.schema.json"
PARTNER_SCHEMA_FILE_NAME = "partner.schema.json"
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def ruleset_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a ruleset file."""
    definitions: dict[str, Any] = {}
    root = _object_schema(model.Ruleset, definitions)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://mwrules.dev/schemas/" + SCHEMA_FILE_NAME,
        "title": "mwrules ruleset",
        **root,
        "definitions": dict(sorted(definitions.items())),
    }


def _object_schema(cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, {**vars(model), **vars(vocabulary)})
    properties = {}
    required = []
    for field in attrs.fields(cls):
        if field.metadata.get("internal"):
            continue
        schema = _type_schema(hints[field.name], definitions)
        if "doc" in field.metadata:
            schema = {"description": field.metadata["doc"], **schema}
        properties[field.name] = schema
        if field.default is attrs.NOTHING:
            required.append(field.name)
    result: dict[str, Any] = {
        "description": inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " "),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    groups = [[_given(key) for key in group] for group in getattr(cls, "__one_of__", ())]
    if len(groups) == 1:
        result["oneOf"] = groups[0]
    elif groups:
        result["allOf"] = [{"oneOf": group} for group in groups]
    shorthand = _SHORTHAND_KEYS.get(cls.__name__)
    if shorthand is not None:
        # Today's keys, which the loader writes out into the key they stand for
        stands_for, keys = shorthand
        properties.update(keys)
        required.remove(stands_for)
        result["anyOf"] = [{"required": [stands_for]}, {"required": [next(iter(keys))]}]
    return result


def _given(key: str) -> dict[str, Any]:
    """The schema of an object that gives *key* (not null): one alternative of a class's ``__one_of__``."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


_NUMBER = {"type": "number"}
#: Per class, the key that shorthand stands for, and the shorthand's keys (docs/ruleset-format.md#shorthand)
_SHORTHAND_KEYS: dict[str, tuple[str, dict[str, Any]]] = {
    "MetricSpec": (
        "source",
        {
            "measure": {
                "description": "Shorthand for source: count is {number: count}; best_of_options is {parts: ...} "
                "with the options the paths' targets name; certified_people is {people: {<level>: "
                "<certifications>}}.",
                "enum": ["count", "best_of_options", "certified_people"],
            },
            "level": {"description": "certified_people only: the name of the people set.", "type": "string"},
            "certifications": {
                "description": "certified_people only: the ids of the certifications that make a person count.",
                "type": "array",
                "items": {"type": "string"},
            },
        },
    ),
    "PathSpec": (
        "metrics",
        {
            "targets": {
                "description": "Shorthand for metrics: per metric id, the measure that earns its max_points (a "
                "term 'target'), or one per part of a metric measured in parts, the best part counting.",
                "type": "object",
                "additionalProperties": {"anyOf": [_NUMBER, {"type": "object", "additionalProperties": _NUMBER}]},
            }
        },
    ),
}


def _reference(cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    if cls.__name__ not in definitions:
        definitions[cls.__name__] = {}  # reserve the name first: a class may refer to itself
        schema = _object_schema(cls, definitions)
        shorthand = model.SHORTHANDS.get(cls)
        if shorthand is not None:
            schema = {"anyOf": [_type_schema(shorthand, definitions), schema]}
        definitions[cls.__name__] = schema
    return {"$ref": f"#/definitions/{cls.__name__}"}


def _type_schema(tp: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    arguments = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(argument, definitions) for argument in arguments]}
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(arguments[0], definitions)}
    if origin in (Mapping, dict):
        return {"type": "object", "additionalProperties": _type_schema(arguments[1], definitions)}
    if attrs.has(tp):
        return _reference(tp, definitions)
    scalars: dict[Any, dict[str, Any]] = {
        str: {"type": "string"},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        Fraction: {"type": "number"},
        datetime.date: {"type": "string", "pattern": _DATE_PATTERN, "format": "date"},
        type(None): {"type": "null"},
    }
    if tp in scalars:
        return scalars[tp]
    msg = f"no JSON Schema for {tp!r}: teach mwrules._rulesets.schema the new type"
    raise TypeError(msg)


def partner_schema(ruleset: model.Ruleset, designations: Sequence[model.Ruleset] = ()) -> dict[str, Any]:
    """The JSON Schema (draft-07) of partner documents under *ruleset*, with a section for each of *designations*.

    A document may carry the data of several designations (docs/input-format.md):
    each of *designations* then has its metrics under ``designations.<id>.metrics``,
    and the facts any of them declares are known.
    """
    date = {"type": "string", "pattern": _DATE_PATTERN, "format": "date"}
    optional_date = {**date, "type": ["string", "null"]}  # null: as if not given
    text = {"type": "string", "maxLength": DEFAULT_LIMITS.max_text_length}
    names = sorted({spelling for cert in ruleset.certifications for spelling in (cert.name, *cert.aliases)})
    name = {**text, "description": "the certification's name, a former name or its exam code", "examples": names}
    certification = {
        "anyOf": [
            name,
            {
                "type": "object",
                "properties": {
                    "name": name,
                    "earned": {**optional_date, "description": "the day it was earned; it does not count before"},
                    "expires": {**optional_date, "description": "the last day it counts"},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
    needed = list(ruleset.needed_facts())
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://mwrules.dev/schemas/" + PARTNER_SCHEMA_FILE_NAME,
        "title": f"mwrules partner document ({ruleset.manifest.title}, {ruleset.version})",
        "description": "A partner organisation: its people and, per path, its measured metrics (docs/input-format.md).",
        "type": "object",
        "properties": {
            "partner_id": {
                **text,
                "pattern": r"\S",
                "description": "the partner's id, e.g. its Partner Center id (not empty, not spaces alone)",
            },
            "as_of": {
                **optional_date,
                "description": "the evaluation date (default: today); it also chooses the version",
            },
            "people": {
                "type": "array",
                "maxItems": DEFAULT_LIMITS.max_people,
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {
                            **text,
                            "minLength": 1,
                            "description": "unique within the document, ignoring case and surrounding spaces",
                        },
                        "certifications": {
                            "type": "array",
                            "maxItems": DEFAULT_LIMITS.max_certifications_per_person,
                            "items": certification,
                        },
                    },
                    "required": ["id"],
                    "additionalProperties": False,
                },
            },
            "metrics": _metrics_schema(ruleset),
            "facts": _facts_schema(ruleset, designations),
            "customers": _customers_schema(ruleset, text, date, optional_date),
            **({"designations": _designations_schema(designations)} if designations else {}),
        },
        "required": ["partner_id", *(["facts"] if needed else [])],
        "additionalProperties": False,
    }


def _metrics_schema(ruleset: model.Ruleset) -> dict[str, Any]:
    paths = {
        path.id: {
            "description": path.title,
            "type": "object",
            "properties": _given_metrics(ruleset, path.id),
            "additionalProperties": False,
        }
        for path in ruleset.paths
    }
    return {
        "description": f"per path, the metrics of {ruleset.manifest.title} not counted from people; a missing one "
        "counts as 0",
        "type": "object",
        "properties": paths,
        "additionalProperties": False,
    }


def _designations_schema(designations: Sequence[model.Ruleset]) -> dict[str, Any]:
    """``designations``: per ruleset id, the metrics that ruleset reads instead of the top-level ones."""
    sections = {
        ruleset.id: {
            "description": f"the data of {ruleset.manifest.title}",
            "type": "object",
            "properties": {"metrics": _metrics_schema(ruleset)},
            "additionalProperties": False,
        }
        for ruleset in designations
    }
    return {
        "description": "per designation (a ruleset id), its metrics, for a document that serves several designations",
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
    }


def _measure(kind: str) -> dict[str, Any]:
    """A number the partner gives: a whole count, or an amount (up to 6 decimals, which the schema does not say)."""
    if kind == "amount":
        return {"type": "number", "minimum": -MAX_AMOUNT, "maximum": MAX_AMOUNT}
    return {"type": "integer", "minimum": -MAX_MEASURE, "maximum": MAX_MEASURE}


def _given_metrics(ruleset: model.Ruleset, path_id: str) -> dict[str, Any]:
    """The metrics a partner gives on a path: those the path scores, but not those counted from people."""
    metrics: dict[str, Any] = {}
    for metric_id in ruleset.scored(path_id):
        metric = ruleset.metric(metric_id)
        if metric.source.people is not None:
            continue  # counted from people, never given
        value = _measure(ruleset.kind(metric_id, None))
        if metric.source.parts is not None:
            value = {
                "type": "object",
                "properties": {
                    part: _measure(ruleset.kind(metric_id, part)) for part in ruleset.options(path_id, metric_id)
                },
                "additionalProperties": False,
            }
        metrics[metric_id] = {"description": metric.title, **value}
    return metrics


def _facts_schema(ruleset: model.Ruleset, designations: Sequence[model.Ruleset] = ()) -> dict[str, Any]:
    """The schema of ``facts``: the numbers about the partner that the rulesets declare (docs/input-format.md)."""
    properties = {}
    for fact in [fact for each in (*designations, ruleset) for fact in each.facts]:
        schema: dict[str, Any] = {"description": fact.title, **_measure(fact.type)}
        if fact.min is not None:
            schema["minimum"] = _json_number(fact.min)
        if fact.max is not None:
            schema["maximum"] = _json_number(fact.max)
        properties[fact.id] = schema
    return {
        "description": "numbers about the partner as a whole, which the ruleset's conditions and classification "
        "read; a fact another ruleset declares is not read (the verdict warns of it), one no ruleset declares is "
        "an error",
        "type": "object",
        "properties": properties,
        **({"required": list(ruleset.needed_facts())} if ruleset.needed_facts() else {}),
        "additionalProperties": False if designations else {"type": "number"},
    }


def _json_number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _customers_schema(
    ruleset: model.Ruleset, text: dict[str, Any], date: dict[str, Any], optional_date: dict[str, Any]
) -> dict[str, Any]:
    """The schema of ``customers``: tenants, their associations and monthly usage (docs/customer-data.md)."""
    kinds = ruleset.customer_data.association_types if ruleset.customer_data else ()
    type_names = sorted({spelling for kind in kinds for spelling in (kind.name, *kind.aliases)})
    workloads = sorted({spelling for workload in ruleset.workloads for spelling in (workload.name, *workload.aliases)})
    count = {"type": "integer", "minimum": 0, "maximum": MAX_SEATS}
    association = {
        "type": "object",
        "properties": {
            "type": {**text, "description": "the association type (case and spaces ignored)", "examples": type_names},
            "since": {**date, "description": "the day the association started"},
            "until": {**optional_date, "description": "the day it ended, if it has"},
        },
        "required": ["type", "since"],
        "additionalProperties": False,
    }
    usage = {
        "type": "object",
        "properties": {
            "month": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "description": "YYYY-MM"},
            "workload": {
                **text,
                "description": "the workload; one the ruleset does not list is counted in the warnings",
                "examples": workloads,
            },
            "paid_seats": {**count, "description": "PaidAvailableUnits that month"},
            "active_users": {**count, "description": "MonthlyActiveUsers that month"},
        },
        "required": ["month", "workload", "paid_seats", "active_users"],
        "additionalProperties": False,
    }
    return {
        "description": "per customer tenant, the partner's associations and the monthly usage the customer "
        "metrics are measured from when metrics does not give them",
        "type": "array",
        "maxItems": DEFAULT_LIMITS.max_customers,
        "items": {
            "type": "object",
            "properties": {
                "tenant": {**text, "minLength": 1, "description": "the tenant id, unique within the document"},
                "name": {**text, "description": "the customer's name, for reports"},
                "associations": {"type": "array", "minItems": 1, "items": association},
                "usage": {"type": "array", "items": usage, "description": "one row per month and workload"},
            },
            "required": ["tenant", "associations"],
            "additionalProperties": False,
        },
    }

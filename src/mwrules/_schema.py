"""The JSON Schema of ruleset files, generated from the ruleset model.

The attrs classes in :mod:`mwrules.ruleset` are the one description of the
format: the loader structures them with cattrs, and this module walks the
same classes (their field types, defaults and documentation) to write the
schema that editors use for completion and red squiggles. The schema covers
the shape of a file (keys, types, required keys); the checks that need the
whole ruleset (references, sums, aliases) are ``mwrules lint``'s.

The shipped copy is ``rulesets/ruleset.schema.json``; a test fails when it
differs from :func:`ruleset_schema`. Regenerate it with
``mwrules schema > rulesets/ruleset.schema.json``.
"""

from __future__ import annotations

import datetime
import inspect
import types
import typing
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from . import ruleset as model


SCHEMA_FILE_NAME = "ruleset.schema.json"
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
    hints = typing.get_type_hints(cls, vars(model))
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
    return {
        "description": inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " "),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
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
    msg = f"no JSON Schema for {tp!r}: teach mwrules._schema the new type"
    raise TypeError(msg)

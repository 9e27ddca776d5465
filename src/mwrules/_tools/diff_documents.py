"""What of a partner document each side of ``mwrules diff`` reads.

A version that adds a fact, a path, a metric or a part has partners that give
it, and a version that drops or renames one has partners that still do. Each
side reads the data it has a place for: a key only the *other* version has a
place for is left out of what this version reads, as that version would not
read it (the ruleset changes name each such key: ``facts + employees``,
``metric + copilot_seats``, ``path - smb``...). Left in, the side without the
place refused every such partner ("no shipped ruleset reads a fact named
'employees'", "unknown metric"), and the diff could not measure the very
change it was asked about. A key neither version has a place for is left in,
and refused as ``evaluate`` refuses it: a typo stays a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._input.documents import Document
from ..ruleset import Ruleset


def read_by(document: Document, ruleset: Ruleset, other: Ruleset) -> Document:
    """*document* without the keys only *other* has a place for: what *ruleset* reads of it."""
    data = document.data
    if not isinstance(data, Mapping):
        return document
    kept = dict(data)
    facts = data.get("facts")
    if isinstance(facts, Mapping):
        own, theirs = {fact.id for fact in ruleset.facts}, {fact.id for fact in other.facts}
        kept["facts"] = {key: value for key, value in facts.items() if key in own or key not in theirs}
    metrics = data.get("metrics")
    if isinstance(metrics, Mapping):
        kept["metrics"] = {
            path_id: _path_metrics(given, str(path_id), ruleset, other)
            for path_id, given in metrics.items()
            if _scores(ruleset, path_id) is not None or _scores(other, path_id) is None
        }
    return document if kept == data else attrs.evolve(document, data=kept)


def _scores(ruleset: Ruleset, path_id: object) -> Mapping[str, Any] | None:
    """The metrics a path scores, None when the ruleset has no such path."""
    return next((path.metrics for path in ruleset.paths if path.id == path_id), None)


def _path_metrics(given: object, path_id: str, ruleset: Ruleset, other: Ruleset) -> object:
    own, theirs = _scores(ruleset, path_id), _scores(other, path_id) or {}
    if not isinstance(given, Mapping) or own is None:
        return given
    kept = {}
    for metric_id, value in given.items():
        if metric_id not in own and metric_id in theirs:
            continue
        kept[metric_id] = _parts(value, str(metric_id), ruleset, other) if metric_id in theirs else value
    return kept


def _parts(value: object, metric_id: str, ruleset: Ruleset, other: Ruleset) -> object:
    """The parts of a metric both versions score, without those only *other*'s source has."""
    if not isinstance(value, Mapping):
        return value
    own = ruleset.metric(metric_id).source.parts or {}
    theirs = other.metric(metric_id).source.parts or {}
    return {part: amount for part, amount in value.items() if part in own or part not in theirs}

"""The rules that pick the one path a partner is scored on, when a ruleset says ``choose: classify``.

The classification is a list of entries, read in order: the first whose
conditions on the partner's facts all hold picks its path; the last entry has
none. The rules read it the same way, one entry at a time, so that each
decision is a firing the trace names:

- ``classified:<path>`` fires when entry *i* is being read and its conditions
  hold: it asserts ``{t: classified, path}``;
- ``not-classified:<i>`` fires when one of them fails: it asserts that entry
  *i* + 1 is read next.

The points of a path join its ``classified`` fact, so only the path picked is
scored (see :func:`only_if_classified`).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .._rulesets.vocabulary import ClassifyEntry, Condition, engine_units
from ..verdict import exact_text
from . import engine as _engine
from .patterns import COMPARISONS
from .stages import STAGE_DECIDE


if TYPE_CHECKING:
    from .compile import _Builder


def rule_name(builder: _Builder, index: int) -> str:
    """The id of the rule that picks entry *index*'s path: ``classified:<path>`` (with the entry if one repeats)."""
    entries = builder.ruleset.scoring.classify
    path_id = entries[index].path
    repeated = sum(entry.path == path_id for entry in entries) > 1
    return f"classified:{path_id}" + (f":{index}" if repeated else "")


def rules(builder: _Builder) -> list[_engine.Rule]:
    """The classification's rules: per entry, one that picks its path and one that passes to the next."""
    entries = builder.ruleset.scoring.classify
    made = []
    for index, entry in enumerate(entries):
        made.append(_picks(builder, index, entry))
        if index < len(entries) - 1:
            made.append(_passes_on(builder, index, entry))
    return made


def start_fact() -> dict[str, Any]:
    """The fact that starts the classification at its first entry."""
    return {"t": "classifying", "entry": 0}


def _reading(index: int) -> dict[str, Any]:
    return {"$and": [{"t": "classifying"}, {"entry": index}]}


def _comparison(builder: _Builder, condition: Condition, *, holds: bool) -> dict[str, Any]:
    threshold = condition.threshold * engine_units(builder.ruleset.fact_kind(str(condition.fact)))
    operator = COMPARISONS[condition.operator][0 if holds else 1]
    return {operator: {str(condition.fact): int(threshold)}}


def _picks(builder: _Builder, index: int, entry: ClassifyEntry) -> _engine.Rule:
    facts = {"$and": [{"t": "facts"}, *(_comparison(builder, c, holds=True) for c in entry.when)]}
    name = rule_name(builder, index)

    def picks(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        session.assert_fact({"t": "classified", "path": entry.path})
        session.scratch["classified"] = (entry.path, name)
        return {"path": entry.path, **_values(builder, entry, matched["facts"])}

    why = " and ".join(map(str, entry.when)) if entry.when else "no earlier entry applies"
    title = f" ({entry.title})" if entry.title else ""
    return builder.rule(
        name,
        f"a partner is scored on {entry.path}{title} when {why}",
        [{"reading": _reading(index)}, {"facts": facts}],
        STAGE_DECIDE,
        picks,
    )


def _passes_on(builder: _Builder, index: int, entry: ClassifyEntry) -> _engine.Rule:
    # Not all of c1, c2, c3: not c1, or c1 and not c2, or c1 and c2 and not c3.
    # The branches exclude each other: durable_rules fires once per matching branch.
    branches = [
        {
            "$and": [
                *(_comparison(builder, earlier, holds=True) for earlier in entry.when[:position]),
                _comparison(builder, condition, holds=False),
            ]
        }
        for position, condition in enumerate(entry.when)
    ]
    facts = {"$and": [{"t": "facts"}, {"$or": branches}]}

    def passes_on(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        session.assert_fact({"t": "classifying", "entry": index + 1})
        return {"entry": index + 1, "not": entry.path, **_values(builder, entry, matched["facts"])}

    return builder.rule(
        f"not-classified:{index}",
        f"entry {index + 1} of the classification ({entry.path}) does not apply unless "
        + " and ".join(map(str, entry.when)),
        [{"reading": _reading(index)}, {"facts": facts}],
        STAGE_DECIDE,
        passes_on,
    )


def _values(builder: _Builder, entry: ClassifyEntry, fact: _engine.Fact) -> dict[str, Any]:
    """The facts an entry reads, as the partner gave them."""
    read = dict.fromkeys(str(condition.fact) for condition in entry.when)
    return {
        fact_id: exact_text(Fraction(fact[fact_id], engine_units(builder.ruleset.fact_kind(fact_id))))
        for fact_id in read
    }


def only_if_classified(rule: _engine.Rule, path_id: str) -> _engine.Rule:
    """*rule*, firing only once the classification picked *path_id*."""
    picked = {"classified": {"$and": [{"t": "classified"}, {"path": path_id}]}}
    return _engine.Rule(rule.name, {"all": [*rule.when["all"], picked]}, rule.priority, rule.action)

"""Reading a ruleset with problems of shape, section by section and item by item, so that lint checks the rest too.

A ruleset that is not of the format's shape is still read as far as it
can be: each top-level section on its own, and each item of a list section
(a certification, a metric, a path, a fact, a workload) on its own. Every
problem of shape is collected; an item that cannot be read is left out and
its id remembered, and a section that cannot be read at all is skipped by
the checks that need it (:class:`Unread`). ``check()`` then reports the
problems of meaning in what was read, in the same run: one bad metric does
not hide a wrong total, nor make every path that scores it an "unknown
metric".
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .. import codes
from .._input.convert import Wording, problems_from
from .._input.documents import child
from ..errors import Problem
from .fast_structure import _field_types
from .model import Ruleset


if TYPE_CHECKING:
    import cattrs


@attrs.frozen
class Unread:
    """What a ruleset with problems of shape left unread, and why: the checks skip what needs it."""

    #: The problems of shape, each at its place in the written-out ruleset
    problems: tuple[Problem, ...] = ()
    #: The sections not read at all (missing, or not of their type)
    skip: frozenset[str] = frozenset()
    #: Per section, the ids of the items left out: a reference to one is not reported as unknown
    unusable_ids: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    #: Per list section with items left out, the place in the file of each item read
    positions: Mapping[str, tuple[int, ...]] = attrs.field(factory=dict)

    def read(self, *sections: str) -> bool:
        """Whether every one of *sections* was read (perhaps without some of its items)."""
        return not self.skip.intersection(sections)

    def whole(self, section: str) -> bool:
        """Whether *section* was read with every one of its items."""
        return section not in self.skip and not self.unusable_ids.get(section)

    def unusable(self, section: str, item_id: object) -> bool:
        """Whether *item_id* may name an item of *section* that was not read (so not an unknown one)."""
        return section in self.skip or item_id in self.unusable_ids.get(section, ())

    def place(self, where: str) -> str:
        """*where*, a place in the ruleset read, as a place in the file: an item's index counts those left out."""
        found = _ITEM.match(where)
        if found is None or found["section"] not in self.positions:
            return where
        index = self.positions[found["section"]][int(found["index"])]
        return f"$.{found['section']}[{index}]{where[found.end() :]}"


#: A ruleset read whole
READ_WHOLE = Unread()
_ITEM = re.compile(r"^\$\.(?P<section>[a-z_]+)\[(?P<index>\d+)\]")
#: The key that names an item of each list section
_ID_KEYS = {"certifications": "id", "metrics": "id", "paths": "id", "facts": "id", "workloads": "name"}


def structure_leniently(data: dict[Any, Any], converter: cattrs.Converter, wording: Wording) -> tuple[Ruleset, Unread]:
    """What can be read of *data* (a ruleset with its shorthand written out), and what could not.

    The ruleset's sections that were not read hold a stand-in (no items; for
    the manifest and scoring, None): read them only if :meth:`Unread.read`.
    """
    problems: list[Problem] = []
    skip: set[str] = set()
    unusable: dict[str, set[str]] = {}
    positions: dict[str, tuple[int, ...]] = {}
    fields = {field.name: field for field in attrs.fields(Ruleset) if not field.metadata.get("internal")}
    hints = _field_types(Ruleset)
    values: dict[str, Any] = {}
    for key in data:
        if key not in fields:
            problems.append(wording.unknown_key("$", Ruleset, key))
    for name, field in fields.items():
        where = child("$", name)
        if name not in data:
            if field.default is attrs.NOTHING:
                problems.append(Problem(where, "required key is missing", code=codes.MISSING_KEY))
                skip.add(name)
                values[name] = () if typing.get_origin(hints[name]) is tuple else None
            continue
        value, item = data[name], _item_type(hints[name])
        if item is not None and isinstance(value, list):
            read, kept = [], []
            for index, element in enumerate(value):
                found, wrong = _structure(converter, element, item, f"{where}[{index}]", wording)
                if wrong:
                    problems += wrong
                    for section, ids in _ids(name, element).items():
                        unusable.setdefault(section, set()).update(ids)
                else:
                    read.append(found)
                    kept.append(index)
            values[name] = tuple(read)
            if len(kept) < len(value):
                positions[name] = tuple(kept)
            continue
        found, wrong = _structure(converter, value, hints[name], where, wording)
        if wrong:
            problems += wrong
            skip.add(name)
            if field.default is attrs.NOTHING:
                values[name] = () if item is not None else None
        else:
            values[name] = found
    unusable_ids = {name: frozenset(ids) for name, ids in unusable.items()}
    unread = Unread(tuple(problems), frozenset(skip), unusable_ids, positions)
    return Ruleset(**values), unread


def _item_type(hint: Any) -> Any:
    """The items' type of a list section (``tuple[X, ...]``), else None."""
    return typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else None


def _structure(
    converter: cattrs.Converter, value: object, hint: Any, where: str, wording: Wording
) -> tuple[Any, list[Problem]]:
    """*value* as *hint*, and no problems; or None and its problems."""
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return converter.structure(value, hint), []
    # Raised alone, not in a group, when a whole item is of the wrong type
    except (BaseValidationError, ValueError, TypeError, AttributeError, KeyError) as error:
        return None, problems_from(error, where, wording=wording, cl=hint if attrs.has(hint) else None)


def _ids(section: str, item: object) -> dict[str, set[str]]:
    """Per section, the ids an item of *section* that was not read may be referred to by (none if unreadable).

    A metric's are also its cost units (section 'units'): its unit, '<set>_person' for a set of people it
    counts, and its id.
    """
    if isinstance(item, str) and section == "workloads":
        return {section: {item}}
    if not isinstance(item, dict) or not isinstance(item.get(_ID_KEYS[section]), str):
        return {}
    ids = {section: {item[_ID_KEYS[section]]}}
    if section == "metrics":
        source = item.get("source")
        people = source.get("people") if isinstance(source, dict) else None
        units = {
            item["id"],
            *(f"{name}_person" for name in (people if isinstance(people, dict) else ()) if isinstance(name, str)),
        }
        if isinstance(item.get("unit"), str):
            units.add(item["unit"])
        ids["units"] = units
    return ids

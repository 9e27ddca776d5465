"""The partner_ids that several inputs of a portfolio give: an old export beside a new one.

``evaluate`` over a portfolio and ``diff --partners`` count inputs; one
partner given by two inputs is counted twice. That is said, naming the
inputs, rather than guessed away (which of the two is the partner's?).
"""

from __future__ import annotations

import attrs

from .._input.text import identity, printable


#: How many of the inputs that give one partner_id its note names
SOURCES_NAMED = 3
#: How many distinct partner_ids a portfolio remembers to find one given twice (some 15 MB)
IDS_COMPARED = 100_000


@attrs.define
class GivenBy:
    """Per partner_id (as ids compare), the inputs that gave it: the first few named, the rest counted."""

    #: at most IDS_COMPARED of them: the memory of a portfolio stays bounded
    _given_by: dict[str, tuple[str, list[str], int]] = attrs.field(factory=dict)
    _uncompared: int = 0

    def add(self, partner_id: str, source: str) -> None:
        key = identity(partner_id)
        known = self._given_by.get(key)
        if known is None:
            if len(self._given_by) < IDS_COMPARED:
                self._given_by[key] = (partner_id, [source], 1)
            else:
                self._uncompared += 1
            return
        first, sources, count = known
        if len(sources) < SOURCES_NAMED:
            sources.append(source)
        self._given_by[key] = (first, sources, count + 1)

    def notes(self, counted: str) -> list[str]:
        """A note per partner_id several inputs gave, each of them counted *counted* ("in the summary")."""
        notes = []
        for partner_id, sources, count in self._given_by.values():
            if count == 1:
                continue
            named = ", ".join(sources[:-1]) + (f", {sources[-1]}" if count > len(sources) else f" and {sources[-1]}")
            more = f" and {count - len(sources):,} more" if count > len(sources) else ""
            notes.append(
                f"partner_id {printable(partner_id)!r} is given by {count:,} inputs ({named}{more}): "
                f"each is counted {counted}"
            )
        if self._uncompared:
            notes.append(
                f"{self._uncompared:,} input(s) after the first {IDS_COMPARED:,} partner_ids were not compared "
                "with each other for a partner_id given twice"
            )
        return notes

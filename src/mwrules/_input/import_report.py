"""What an import of Partner Center downloads read, used and left out: :class:`ImportReport`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from .text import printable


__all__ = ["ImportReport", "SkippedRow", "ToAdd"]


@attrs.frozen
class SkippedRow:
    """A row that was not used, where it is, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return printable(f"{self.file}:{self.line}: {self.reason}")


@attrs.frozen(kw_only=True)
class ToAdd:
    """A number some designations read that no Partner Center download carries, and where the document gives it."""

    #: where it goes: ``facts.<id>``, or ``[designations.<ruleset id>.]metrics.<path>.<metric>``, the path written
    #: ``<enterprise|smb>`` when several read it
    where: str
    title: str
    #: the ids of the rulesets that read it
    designations: tuple[str, ...]
    #: the paths that read a metric (none for a fact)
    paths: tuple[str, ...] = ()
    #: the numbers a metric is given as, under its key (none: one number)
    parts: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (
            f"{self.where.rpartition('.')[2]} {{{', '.join(self.parts)}}}"
            if self.parts
            else self.where.rpartition(".")[2]
        )


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import read, used and left out."""

    files: tuple[str, ...] = ()
    rows: int = 0
    #: rows without a value (blank lines, a spreadsheet's lines of bare separators), skipped
    empty_rows: int = 0
    #: the id of the ruleset the import matched association types and workloads with (and counts levels of)
    ruleset: str = ""
    #: the people holding a certification that some shipped ruleset lists (every such person is in the document)
    people: int = 0
    #: per level of the ruleset, the people holding a certification that counts there on as_of
    people_per_level: Mapping[str, int] = attrs.field(factory=dict)
    #: per designation (the ruleset, then each other shipped one in force on as_of), the people holding a
    #: certification it counts on as_of
    people_per_designation: Mapping[str, int] = attrs.field(factory=dict)
    #: the shipped rulesets with no version in force on as_of (not counted)
    not_in_force: tuple[str, ...] = ()
    #: the day people are counted on: as_of, or the day of the import
    counted_on: datetime.date | None = None
    #: certification rows of a title some shipped ruleset lists (written into the document)
    certifications: int = 0
    exams_and_courses: int = 0
    #: certification rows, and their distinct titles, that no shipped ruleset lists (left out)
    other_areas: int = 0
    other_titles: int = 0
    skipped: tuple[SkippedRow, ...] = ()
    tenants: int = 0
    usage_rows: int = 0
    duplicate_rows: int = 0
    months: tuple[str, ...] = ()
    #: whether the usage covers the month measured (M) and the month it is compared with, for as_of
    covers_measured_months: bool | None = None
    #: what the designations read that no download carries: the user adds it to the document
    to_add: tuple[ToAdd, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``--report FILE``)."""
        data = attrs.asdict(self, recurse=False)
        data["files"] = list(self.files)
        data["people_per_level"] = dict(self.people_per_level)
        data["people_per_designation"] = dict(self.people_per_designation)
        data["not_in_force"] = list(self.not_in_force)
        data["counted_on"] = self.counted_on.isoformat() if self.counted_on else None
        data["to_add"] = [
            {**attrs.asdict(entry), "designations": list(entry.designations), "paths": list(entry.paths),
             "parts": list(entry.parts)}
            for entry in self.to_add
        ]  # fmt: skip
        data["skipped"] = [attrs.asdict(row) for row in self.skipped]
        data["months"] = list(self.months)
        data["warnings"] = list(self.warnings)
        return data

    def __str__(self) -> str:
        lines = [f"read {self.rows:,} row(s) of {len(self.files)} file(s)"]
        if self.empty_rows:
            lines[0] += f"; {self.empty_rows:,} empty row(s) skipped (no value in them)"
        if self.people or self.certifications or self.exams_and_courses:
            levels = ", ".join(f"{count} at {level}" for level, count in self.people_per_level.items())
            lines.append(f"people: {self.people:,} ({self.ruleset}: {levels or 'none certified'})")
            lines.append(self._per_designation())
            lines.append(
                f"certifications: {self.certifications:,} that a designation lists; {self.other_areas:,} that none "
                f"lists ({self.other_titles} distinct titles); exams and courses: {self.exams_and_courses:,} (not "
                "counted)"
            )
        if self.tenants or self.usage_rows or self.duplicate_rows:  # every row a duplicate: said too
            months = f"{self.months[0]} to {self.months[-1]}" if self.months else "none"
            lines.append(f"tenants: {self.tenants:,}; usage rows: {self.usage_rows:,}; months: {months}")
            if self.duplicate_rows:
                lines.append(
                    f"rows marked as duplicates (IsDuplicateRowForPGA), not counted: {self.duplicate_rows:,} (Partner "
                    "Center counts their usage on another row of the partner global account)"
                )
        if self.skipped:
            lines.append(f"skipped: {len(self.skipped)} row(s)")
            lines += [f"  {row}" for row in self.skipped[:20]]
            if len(self.skipped) > 20:
                lines.append(f"  ... and {len(self.skipped) - 20} more (--report FILE lists them all)")
        lines += self._to_add()
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(map(printable, lines))  # a file's name moves no cursor (they name the files)

    def _per_designation(self) -> str:
        counts = ", ".join(f"{designation} {count:,}" for designation, count in self.people_per_designation.items())
        line = f"people per designation, holding on {self.counted_on} a certification it counts: {counts}"
        if self.not_in_force:
            line += f"; not in force then: {', '.join(self.not_in_force)}"
        return line

    def _to_add(self) -> list[str]:
        """The numbers to add, a fact a line, a designation's metrics a line (per set of paths that read them)."""
        if not self.to_add:
            return []
        lines = [
            "to add: no Partner Center download carries these; write them into the document where shown "
            "(<enterprise|smb>: under each track you have the numbers for):"
        ]
        metrics: dict[str, list[ToAdd]] = {}
        for entry in self.to_add:
            if entry.paths:
                metrics.setdefault(entry.where.rpartition(".")[0], []).append(entry)
            else:
                lines.append(f"  {entry.where}: {entry.title} ({', '.join(entry.designations)})")
        lines += [f"  {where}: {', '.join(map(str, entries))}" for where, entries in metrics.items()]
        return lines

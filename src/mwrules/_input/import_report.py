"""What an import of Partner Center downloads read, used and left out: :class:`ImportReport`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs


__all__ = ["ImportReport", "SkippedRow"]


@attrs.frozen
class SkippedRow:
    """A row that was not used, where it is, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an import read, used and left out."""

    files: tuple[str, ...] = ()
    rows: int = 0
    people: int = 0
    #: per level, the people holding a certification of the ruleset that counts there on as_of
    people_per_level: Mapping[str, int] = attrs.field(factory=dict)
    certifications: int = 0
    exams_and_courses: int = 0
    other_areas: int = 0
    other_titles: int = 0
    skipped: tuple[SkippedRow, ...] = ()
    tenants: int = 0
    usage_rows: int = 0
    duplicate_rows: int = 0
    months: tuple[str, ...] = ()
    #: whether the usage covers the month measured (M) and the month it is compared with, for as_of
    covers_measured_months: bool | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``--report FILE``)."""
        data = attrs.asdict(self, recurse=False)
        data["files"] = list(self.files)
        data["people_per_level"] = dict(self.people_per_level)
        data["skipped"] = [attrs.asdict(row) for row in self.skipped]
        data["months"] = list(self.months)
        data["warnings"] = list(self.warnings)
        return data

    def __str__(self) -> str:
        lines = [f"read {self.rows:,} row(s) of {len(self.files)} file(s)"]
        if self.people or self.certifications or self.exams_and_courses:
            levels = ", ".join(f"{count} at {level}" for level, count in self.people_per_level.items())
            lines.append(f"people: {self.people:,} ({levels or 'none certified'})")
            lines.append(
                f"certifications: {self.certifications:,} of the ruleset; {self.other_areas:,} of other areas "
                f"({self.other_titles} distinct titles); exams and courses: {self.exams_and_courses:,} (not counted)"
            )
        if self.tenants or self.usage_rows:
            months = f"{self.months[0]} to {self.months[-1]}" if self.months else "none"
            lines.append(f"tenants: {self.tenants:,}; usage rows: {self.usage_rows:,}; months: {months}")
            if self.duplicate_rows:
                lines.append(
                    f"rows marked as duplicates (IsDuplicateRowForPGA), not counted twice: {self.duplicate_rows:,}"
                )
        if self.skipped:
            lines.append(f"skipped: {len(self.skipped)} row(s)")
            lines += [f"  {row}" for row in self.skipped[:20]]
            if len(self.skipped) > 20:
                lines.append(f"  ... and {len(self.skipped) - 20} more (--report FILE lists them all)")
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)

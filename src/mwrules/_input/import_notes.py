"""What an import read in a way its user should know of, kind by kind, and where: the report's row warnings.

Each kind is a list of places (``file:line``, with the value where it helps)
or of whole sentences, filled as the downloads are read; :meth:`RowNotes.warnings`
words them, each kind one warning that names the first :data:`SHOWN` places
and counts the rest (a download of 100,000 such rows is one line, not 100,000).
"""

from __future__ import annotations

import attrs


#: How many places (or sentences) of one kind a warning shows before it counts the rest
SHOWN = 20

#: Per kind of place: how its warning begins (after the count) and how the places are joined. The kinds in the
#: order the report says them.
_PLACES = (
    ("untyped", "row(s) with a blank TrainingType hold a title a designation lists; only certifications count, so "
                "they are counted with exams and courses", "; "),
    ("mistyped", "row(s) with a TrainingType that is not Certification, Exam or Course hold a title a designation "
                 "lists; only certifications count, so they are counted with exams and courses", "; "),
    ("undated", "certification row(s) with a blank TrainingCompletionDate, kept with no earned date (so counted "
                "on any day)", ", "),
    ("inactive", "certification row(s) whose ActivationStatus is not Active, imported as their dates say "
                 "(ActivationStatus is not read; check them in Partner Center)", ", "),
    ("blank_associated", "usage row(s) with a blank DateAssociated: each is taken to start its association on the "
                         "first day of its month (the earliest start of a tenant's type counts)", ", "),
    ("blank_counts", "usage row(s) with a blank PaidAvailableUnits or MonthlyActiveUsers, read as 0", ", "),
)  # fmt: skip


@attrs.define
class RowNotes:
    """The rows of an import worth a word, by kind."""

    #: per tenant, the months its workloads are under different association types (a sentence each)
    mixed: list[str] = attrs.field(factory=list)
    #: associations that cover no month of the downloads, or whose rows give several DateAssociated (a sentence
    #: each; see ``attributions``)
    uncovered: list[str] = attrs.field(factory=list)
    #: rows of a listed certification's title with a blank TrainingType: "file:line: 'title'"
    untyped: list[str] = attrs.field(factory=list)
    #: ... and with a TrainingType neither Certification, Exam nor Course: "file:line: 'title' ('type')"
    mistyped: list[str] = attrs.field(factory=list)
    #: certification rows with a blank TrainingCompletionDate (counted on any day): "file:line"
    undated: list[str] = attrs.field(factory=list)
    #: certification rows whose ActivationStatus is not Active (the column is not read): "file:line 'status'"
    inactive: list[str] = attrs.field(factory=list)
    #: usage rows with a blank DateAssociated (their association starts with their month): "file:line"
    blank_associated: list[str] = attrs.field(factory=list)
    #: usage rows with a blank count (read as 0): "file:line"
    blank_counts: list[str] = attrs.field(factory=list)

    def warnings(self) -> list[str]:
        """The report's warnings of these rows: per kind one warning, or at most :data:`SHOWN` sentences and a count."""
        said = self.mixed[:SHOWN]
        if len(self.mixed) > SHOWN:
            said.append(
                f"... and {len(self.mixed) - SHOWN:,} more tenant(s) whose workloads are under different "
                "association types in one month"
            )
        said += self.uncovered[:SHOWN]
        if len(self.uncovered) > SHOWN:
            said.append(
                f"... and {len(self.uncovered) - SHOWN:,} more warning(s) of associations that cover no month "
                "of the downloads, or whose rows give several DateAssociated"
            )
        for kind, what, separator in _PLACES:
            places: list[str] = getattr(self, kind)
            if places:
                said.append(f"{len(places):,} {what}: {first(places, separator)}")
        return said


def first(items: list[str], separator: str) -> str:
    """The first :data:`SHOWN` of *items*, and how many more there are."""
    more = f"{separator}and {len(items) - SHOWN:,} more" if len(items) > SHOWN else ""
    return separator.join(items[:SHOWN]) + more

"""What a timeline gives: segments of days with the same verdict, and their scores per month."""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from .._input.customers import day_month, month_text
from ..verdict import RulesetRef, Verdict, format_points
from .timeline_dates import _month_pieces


@attrs.frozen
class PathScore:
    """A path's score on the days of a segment, and whether the path meets the pass rule."""

    score: Fraction
    qualified: bool


@attrs.frozen(kw_only=True)
class Segment:
    """A maximal run of days, *start* through *end*, with the same verdict and the same ruleset version.

    On every day of it the partner's best path is *path* with *score*
    points, every path scores as *paths* says, and the partner *qualified*
    (met the pass rule) or not; *can_attain* says whether a partner that is
    not enrolled can attain the designation on those days (the attainment
    window). *cause* names what changed on *start*. :attr:`verdict` is the
    full evaluation on *start*, with its trace, made when first read; the
    people and measures behind a score may change within the segment, the
    points do not.
    """

    start: datetime.date
    end: datetime.date
    qualified: bool
    path: str
    score: Fraction
    can_attain: bool
    cause: str
    #: The ruleset version in force on these days (or the one named)
    ruleset: RulesetRef
    paths: Mapping[str, PathScore]
    #: The total the pass rule asks for under that version
    pass_line: Fraction
    #: The most points a path can score under that version
    max_score: Fraction
    _evaluate: Callable[[], Verdict] = attrs.field(eq=False, repr=False)
    _cache: dict[str, Verdict] = attrs.field(eq=False, repr=False, factory=dict)

    @property
    def verdict(self) -> Verdict:
        """The evaluation on :attr:`start`, with its trace and warnings (evaluated when first read)."""
        verdict = self._cache.get("verdict")
        if verdict is None:
            verdict = self._cache["verdict"] = self._evaluate()
        return verdict

    @property
    def days(self) -> int:
        """How many days the segment lasts."""
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        """The segment as plain JSON data (``from`` and ``to`` inclusive)."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "qualified": self.qualified,
            "path": self.path,
            "score": float(format_points(self.score)),
            "score_exact": str(self.score),
            "can_attain": self.can_attain,
            "cause": self.cause,
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "paths": {
                path_id: {
                    "score": float(format_points(result.score)),
                    "score_exact": str(result.score),
                    "qualified": result.qualified,
                }
                for path_id, result in self.paths.items()
            },
        }


@attrs.frozen(kw_only=True)
class MonthScores:
    """One calendar month of a timeline (the part of it in the range): the best path's lowest and highest score."""

    month: str
    lowest: Fraction
    highest: Fraction
    #: The pass line (the ruleset's min_total_points) and the most points a path can score, on the month's last day
    pass_line: Fraction
    max_score: Fraction
    qualified_days: int
    days: int
    can_attain: bool


@attrs.frozen(kw_only=True)
class Timeline:
    """A partner's verdicts from *start* through *end*, as :class:`Segment` objects that cover the range in order.

    *months_without_data* lists the months of customer data the range needs
    (each day's month M and the month it is compared with) that have no usage
    row: the customer metrics count them as 0. *warnings* are those of the
    evaluations that do not depend on the day. *evaluations* is how many
    evaluations the timeline took.
    """

    partner_id: str
    start: datetime.date
    end: datetime.date
    segments: tuple[Segment, ...]
    months_without_data: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    evaluations: int = 0

    def on(self, day: datetime.date) -> Segment:
        """The segment that holds *day*.

        Raises:
            ValueError: *day* is outside the timeline's range.
        """
        if not self.start <= day <= self.end:
            msg = f"{day} is outside the timeline, {self.start} through {self.end}"
            raise ValueError(msg)
        starts = [segment.start for segment in self.segments]
        return self.segments[bisect.bisect_right(starts, day) - 1]

    def months(self) -> tuple[MonthScores, ...]:
        """Per calendar month of the range, the best path's lowest and highest score (for charts)."""
        found: dict[int, MonthScores] = {}
        for segment in self.segments:
            for first, last in _month_pieces(segment.start, segment.end):
                days = (last - first).days + 1
                month = day_month(first)
                entry = found.get(month)
                if entry is None:
                    entry = MonthScores(
                        month=month_text(month),
                        lowest=segment.score,
                        highest=segment.score,
                        pass_line=segment.pass_line,
                        max_score=segment.max_score,
                        qualified_days=0,
                        days=0,
                        can_attain=False,
                    )
                found[month] = attrs.evolve(
                    entry,
                    lowest=min(entry.lowest, segment.score),
                    highest=max(entry.highest, segment.score),
                    pass_line=segment.pass_line,
                    max_score=segment.max_score,
                    qualified_days=entry.qualified_days + (days if segment.qualified else 0),
                    days=entry.days + days,
                    can_attain=entry.can_attain or segment.can_attain,
                )
        return tuple(found.values())

    def to_json(self) -> dict[str, Any]:
        """The timeline as plain JSON data."""
        return {
            "partner_id": self.partner_id,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "segments": [segment.to_json() for segment in self.segments],
            "months_without_data": list(self.months_without_data),
            "warnings": list(self.warnings),
        }

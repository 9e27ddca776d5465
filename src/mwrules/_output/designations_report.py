"""``mwrules evaluate --designations``: one partner's designations as a table, and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .._input.text import printable
from ..verdict import (
    DesignationResult,
    Designations,
    ForAnother,
    Shortfall,
    Verdict,
    display_points,
    format_points,
)
from .json import problem_to_json, verdict_to_json


_HEADER = ("designation", "result", "track", "score", "furthest from qualifying")
_SCORE = _HEADER.index("score")
#: How many warnings the table shows (of those not about another designation's data)
WARNINGS_SHOWN = 10


def designations_table(result: Designations) -> str:
    """Each designation's result on a row, the badges earned, then each designation's problems."""
    rows = [_HEADER, *(_row(designation) for designation in result.results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER) - 1)]
    count = len(result.results)
    lines = [f"{result.partner_id} on {result.as_of}: {count} designation{'' if count == 1 else 's'}", ""]
    for row in rows:
        cells = [
            cell.rjust(width) if column == _SCORE else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines += ["", _badges(result), *_warnings(result)]
    for designation in result.results:
        if designation.problems:
            lines += ["", f"Problems in the data for {designation.designation}:"]
            lines += [f"  {problem}" for problem in designation.problems]
    return "\n".join(lines)


def _row(result: DesignationResult) -> tuple[str, str, str, str, str]:
    verdict = result.verdict
    name = result.designation if verdict is None else f"{result.designation} {verdict.ruleset.version}"
    if verdict is None:
        return name, result.status, "—", "—", result.reason
    furthest = "—" if result.furthest is None else shortfall_text(result.furthest)
    return name, result.status, verdict.path, format_points(verdict.score), furthest


def shortfall_text(shortfall: Shortfall) -> str:
    """``usage_growth: 0 of 1`` or ``total: 44.5 of 70``."""
    what = shortfall.metric or "total"
    return f"{what}: {format_points(shortfall.points)} of {format_points(shortfall.needs)}"


def _warnings(result: Designations) -> list[str]:
    """The verdicts' warnings, but for those about what another designation reads, which are only counted.

    A document for several designations gives each the others'
    certifications, sections and facts (:class:`~mwrules.verdict.ForAnother`):
    shown, they buried the few that matter (a metric missing, a misspelt
    certification counted by none) under a hundred and more.
    """
    own = [
        f"  {designation.designation}: {printable(warning)}"
        for designation in result.results
        if designation.verdict is not None
        for warning in designation.verdict.warnings
        if not isinstance(warning, ForAnother)
    ]
    theirs = sum(
        isinstance(warning, ForAnother)
        for designation in result.results
        if designation.verdict is not None
        for warning in designation.verdict.warnings
    )
    lines = []
    if own:
        lines += ["", f"Warnings ({len(own):,}):", *own[:WARNINGS_SHOWN]]
        if len(own) > WARNINGS_SHOWN:
            lines.append(
                f"  ... and {len(own) - WARNINGS_SHOWN:,} more (evaluate FILE --ruleset ID lists a designation's)"
            )
    if theirs:
        lines += [
            "",
            f"Not shown: {theirs:,} warning{'' if theirs == 1 else 's'} about the other designations' certifications, "
            "sections and facts, which a document for several designations has (--format json lists them)",
        ]
    return lines


def _badges(result: Designations) -> str:
    if not result.badges:
        return "Badges earned: none"
    earned = [f"  {badge.name} (by {', '.join(badge.designations)})" for badge in result.badges]
    return "\n".join(["Badges earned:", *earned])


def designations_to_json(
    result: Designations, *, verdicts: Callable[[Verdict], dict[str, Any]] = verdict_to_json
) -> dict[str, Any]:
    """*result* as plain JSON data: per designation its status and verdict (as ``--format json`` of evaluate).

    *verdicts* makes each verdict's data (the command line's writes the traces from their steps).
    """
    return {
        "partner_id": result.partner_id,
        "as_of": result.as_of.isoformat(),
        "designations": [_result_json(designation, verdicts) for designation in result.results],
        "badges": [{"name": badge.name, "designations": list(badge.designations)} for badge in result.badges],
    }


def _result_json(result: DesignationResult, verdicts: Callable[[Verdict], dict[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {"designation": result.designation, "title": result.title, "status": result.status}
    if result.verdict is not None:
        verdict = result.verdict
        record.update(version=verdict.ruleset.version, qualified=verdict.qualified, path=verdict.path)
        record.update(_points("score", verdict.score))
    if result.furthest is not None:
        furthest = result.furthest
        record["furthest"] = {
            "metric": furthest.metric,
            **_points("points", furthest.points),
            **_points("needs", furthest.needs),
        }
    if result.badge is not None:
        record["badge"] = result.badge
    if result.reason:
        record["reason"] = result.reason
    if result.problems:
        record["problems"] = [problem_to_json(problem) for problem in result.problems]
    if result.verdict is not None:
        record["verdict"] = verdicts(result.verdict)
    return record


def _points(name: str, points: Fraction) -> dict[str, Any]:
    """Points as a verdict's JSON writes them: rounded for display, and exact beside."""
    return {name: display_points(points), f"{name}_exact": str(points)}

"""Test cases kept beside a ruleset (``rulesets/<id>/cases/*.yaml``).

A case is a partner document and the verdict it must produce. ``want`` lists
only what the case pins: ``qualified``, ``path``, ``score``, and per path its
``qualified``, ``score`` and the ``metrics``' points. Points are compared as
the verdict displays them, rounded to 2 decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from . import _documents
from .errors import Problem, RulesetError
from .verdict import Verdict, display_points


@attrs.frozen
class Case:
    """A partner document and the verdict it must produce."""

    name: str
    note: str
    partner: Mapping[str, Any]
    want: Mapping[str, Any]


def load_case(path: Path) -> Case:
    """Read one case file."""
    document = _documents.parse(path.read_text(encoding="utf-8"), source=str(path), fmt="yaml")
    data = document.data
    problems = list(document.problems)
    if not problems:
        if not isinstance(data, dict):
            problems.append(Problem("$", "a case is an object with note, partner and want"))
        else:
            unknown = set(data) - {"note", "partner", "want"}
            problems += [Problem(f"$.{key}", "unknown key in a case") for key in sorted(unknown)]
            problems += [
                Problem(f"$.{key}", "required key is missing") for key in ("partner", "want") if key not in data
            ]
    if problems:
        raise RulesetError([document.locate(problem) for problem in problems])
    return Case(path.stem, str(data.get("note", "")).strip(), data["partner"], data["want"])


def mismatches(case: Case, verdict: Verdict) -> list[str]:
    """How *verdict* differs from what *case* wants: ``where: want X, got Y``."""
    found: list[str] = []

    def compare(where: str, want: Any, got: Any) -> None:
        if want != got:
            found.append(f"{where}: want {want!r}, got {got!r}")

    want = case.want
    if "qualified" in want:
        compare("qualified", want["qualified"], verdict.qualified)
    if "path" in want:
        compare("path", want["path"], verdict.path)
    if "score" in want:
        compare("score", want["score"], display_points(verdict.score))
    for path_id, path_want in (want.get("paths") or {}).items():
        result = verdict.paths.get(path_id)
        if result is None:
            found.append(f"paths.{path_id}: no such path in the verdict")
            continue
        if "qualified" in path_want:
            compare(f"paths.{path_id}.qualified", path_want["qualified"], result.qualified)
        if "score" in path_want:
            compare(f"paths.{path_id}.score", path_want["score"], display_points(result.score))
        for metric_id, points in (path_want.get("metrics") or {}).items():
            metric = result.metrics.get(metric_id)
            if metric is None:
                found.append(f"paths.{path_id}.metrics.{metric_id}: no such metric in the verdict")
            else:
                compare(f"paths.{path_id}.metrics.{metric_id}", points, display_points(metric.points))
    return found

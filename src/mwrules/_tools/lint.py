"""``mwrules lint``: every problem in ruleset files, their versions and their cases.

What is checked, for each ruleset file:

* the file alone: the same checks as :func:`mwrules.load_ruleset` (keys,
  types, references, targets, maxima, aliases, ids, dates, exactness);
* with the other versions in its folder, when the folder is named after the
  ruleset's id (``rulesets/<id>/``): the same checks as choosing a version by
  date (file names, overlapping versions, effective dates in order);
* its cases (``cases/<version>/*.yaml``): each must produce the verdict it
  wants; and, when its manifest says ``coverage: required``, together they
  must exercise every branch of every rule (see :mod:`.coverage`).

Problems come sorted by file and line, each with its stable code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from .. import codes
from .._rulesets.versions import check_versions, family_files, sort_problems, yaml_files
from ..errors import Problem
from ..ruleset import RulesetFile, read_ruleset_file
from .cases import cases_dir, mismatch_problems, run_case
from .coverage import Coverage, of_results


@attrs.frozen
class LintReport:
    """What linting found: the problems, the ruleset files read and how many cases ran."""

    problems: tuple[Problem, ...]
    files: tuple[RulesetFile, ...]
    cases: int

    @property
    def unreadable(self) -> bool:
        """Whether some file could not be read at all (exit status 2)."""
        return any(problem.code == codes.UNREADABLE for problem in self.problems)


def ruleset_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The ruleset files named by *paths*: files as given, folders searched (cases excluded)."""
    found: list[Path] = []
    problems = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                candidate
                for candidate in path.rglob("*.yaml")
                if "cases" not in candidate.relative_to(path).parts and candidate.is_file()
            )
            if not inside:
                problems.append(
                    Problem("$", "no ruleset files (*.yaml) in this folder", file=str(path), code=codes.UNREADABLE)
                )
            found += inside
        elif path.exists():
            found.append(path)
        else:
            problems.append(Problem("$", "no such file or folder", file=str(path), code=codes.UNREADABLE))
    return list(dict.fromkeys(found)), problems


def lint(paths: Sequence[Path]) -> LintReport:
    """Check the ruleset files at *paths* (files or folders), their versions together, and their cases."""
    files, problems = ruleset_files(paths)
    read = {path: read_ruleset_file(path) for path in files}
    for loaded in read.values():
        problems += loaded.problems
    for folder in dict.fromkeys(path.parent for path in read):
        versions = family_files(folder, read)
        if versions is not None:
            problems += check_versions(folder.name, versions)
    for folder in dict.fromkeys(path.parent for path in read):
        problems += stray_cases(folder)
    cases = 0
    for loaded in read.values():
        if loaded.ruleset is None or loaded.problems:
            continue
        results = [run_case(case_path, loaded.ruleset) for case_path in yaml_files(cases_dir(loaded.path))]
        cases += len(results)
        for result in results:
            problems += result.problems
            if result.mismatches:
                problems += mismatch_problems(result)
        if loaded.ruleset.manifest.coverage == "required":
            problems += uncovered_problems(loaded, of_results(loaded.ruleset, results))
    return LintReport(tuple(sort_problems(problems)), tuple(read.values()), cases)


def stray_cases(folder: Path) -> list[Problem]:
    """A problem (MW122) for each entry of *folder*'s ``cases/`` that no version's cases are read from.

    Cases are ``cases/<version>/*.yaml``: a case saved as ``.yml``, a
    subfolder, or the cases of a version the folder does not hold were
    never run, and lint said "no problems". Hidden entries (``.gitkeep``)
    are an editor's or git's, not cases.
    """
    cases = folder / "cases"
    if not cases.is_dir():
        return []
    versions = {path.stem for path in yaml_files(folder)}
    problems = []
    for entry in sorted(cases.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name not in versions or not entry.is_dir():
            message = f"not read: no version {entry.name!r} beside it ({folder.name} has {', '.join(sorted(versions))})"
            problems.append(_stray(entry, message))
            continue
        for inside in sorted(entry.iterdir()):
            if not inside.name.startswith(".") and not (inside.suffix == ".yaml" and inside.is_file()):
                problems.append(_stray(inside, "not read: a case is a file named <case>.yaml"))
    return problems


def _stray(path: Path, message: str) -> Problem:
    hint = "cases are run from cases/<version>/*.yaml: rename or move it"
    return Problem("$", message, hint, file=str(path), code=codes.FILE_NAME_MISMATCH)


def uncovered_problems(loaded: RulesetFile, coverage: Coverage) -> list[Problem]:
    """A problem (MW133) per rule branch no case exercises, at the manifest's ``coverage`` key."""
    folder = cases_dir(loaded.path)
    where = f"{folder.parent.name}/{folder.name}/"
    if not coverage.cases and coverage.branches:  # one problem, not one per branch
        message = f"no case exercises any of its {len(coverage.branches)} rule branches: {where} has no cases"
        hint = "add cases that exercise every branch; mwrules test --coverage lists them"
        return [loaded.locate(Problem("$.manifest.coverage", message, hint, code=codes.UNCOVERED))]
    return [
        loaded.locate(
            Problem(
                "$.manifest.coverage",
                f"no case exercises rule {branch.rule}, branch {branch.branch!r} ({coverage.summary()})",
                f"add a case to {where} that does; mwrules test --coverage lists every branch",
                code=codes.UNCOVERED,
            )
        )
        for branch in coverage.uncovered
    ]

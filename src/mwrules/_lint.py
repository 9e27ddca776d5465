"""``mwrules lint``: every problem in ruleset files, their versions and their cases.

What is checked, for each ruleset file:

* the file alone: the same checks as :func:`mwrules.load_ruleset` (keys,
  types, references, targets, maxima, aliases, ids, dates);
* with the other versions in its folder, when the folder is named after the
  ruleset's id (``rulesets/<id>/``): the same checks as choosing a version by
  date (file names, overlapping versions, effective dates in order);
* its cases (``cases/<version>/*.yaml``): each must produce the verdict it
  wants.

Problems come sorted by file and line, each with its stable code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from . import codes
from ._cases import cases_dir, mismatch_problems, run_case
from ._versions import check_versions
from .errors import Problem, RulesetError
from .ruleset import Ruleset, RulesetFile, read_ruleset_file


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
            found += sorted(
                candidate for candidate in path.rglob("*.yaml") if "cases" not in candidate.relative_to(path).parts
            )
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
    for folder, versions in _families(read).items():
        problems += check_versions(folder.name, versions)
    cases = 0
    for loaded in read.values():
        if loaded.ruleset is None or loaded.problems:
            continue
        for case_path in sorted(cases_dir(loaded.path).glob("*.yaml")):
            cases += 1
            result = run_case(case_path, loaded.ruleset)
            problems += result.problems
            if result.mismatches:
                problems += mismatch_problems(result)
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda problem: (problem.file or "", problem.line or 0, problem.where))
    return LintReport(tuple(unique), tuple(read.values()), cases)


def load_ruleset(path: str | Path) -> Ruleset:
    """Load the ruleset file at *path*, after every check ``mwrules lint`` makes of it.

    The file alone, the versions in its folder together (when the folder is
    named after the ruleset's id), and the cases beside it: a ruleset that
    fails any of them never produces a verdict.

    Raises:
        RulesetError: with every problem found, each at ``file:line``.
    """
    report = lint([Path(path)])
    ruleset = report.files[0].ruleset if report.files else None
    if report.problems or ruleset is None:
        raise RulesetError(report.problems)
    return ruleset


def _families(read: dict[Path, RulesetFile]) -> dict[Path, list[RulesetFile]]:
    """The versions in each folder holding a linted file, when some version there is named after the folder."""
    families: dict[Path, list[RulesetFile]] = {}
    for folder in dict.fromkeys(path.parent for path in read):
        versions = [read.get(path) or read_ruleset_file(path) for path in sorted(folder.glob("*.yaml"))]
        if any(version.ruleset is not None and version.ruleset.id == folder.name for version in versions):
            families[folder] = versions
    return families

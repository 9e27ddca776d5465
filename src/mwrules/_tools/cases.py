"""Test cases kept beside a ruleset: ``rulesets/<id>/cases/<version>/*.yaml``.

A case is a partner document and the verdict it must produce under that
version. ``want`` lists only what the case pins: ``qualified``, ``path``,
``score``, and per path its ``qualified``, ``score``, the ``metrics``'
points and the ``measures`` the points came from (a metric's inputs: ``value``,
one number per association option, or ``people``). Points are compared as the verdict displays them, rounded to 2
decimals. A case whose partner must be refused wants ``problems`` instead:
each ``{where, code}`` (``$.facts.smb_customer_share``, ``MW005``), the
whole list, in any order. :func:`run_cases` runs the cases of a version and reports, per case,
each difference at its line in the case file (code ``MW130``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from .. import codes
from .._evaluation.evaluate import evaluate_with
from .._input import documents as _documents
from .._input.partner import load_partner
from .._rulesets.versions import RulesetChoice
from ..errors import InputError, Problem, RulesetError
from ..ruleset import Ruleset
from ..verdict import Verdict, display_points


_KEYS = ("note", "partner", "want")


@attrs.frozen
class Case:
    """A partner document and the verdict it must produce."""

    name: str
    note: str
    partner: Mapping[str, Any]
    want: Mapping[str, Any]
    document: _documents.Document = attrs.field(eq=False, repr=False, factory=lambda: _documents.Document(None))


@attrs.frozen
class Mismatch:
    """One way a verdict differs from what a case wants: at ``want.<where>``."""

    where: str
    want: Any
    got: Any

    def __str__(self) -> str:
        return f"{self.where}: want {shown(self.want)}, got {shown(self.got)}"


def shown(value: Any) -> str:
    """A wanted or actual value as a case file writes it: ``10``, ``12.5``, ``true``, ``smb``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, list):  # wanted problems
        return (
            "; ".join(
                f"{item.get('code')} at {item.get('where')}" if isinstance(item, Mapping) else shown(item)
                for item in value
            )
            or "none"
        )
    return str(value)


@attrs.frozen
class CaseResult:
    """What running one case found: its mismatches, or the problems that stopped it."""

    path: Path
    ruleset: Ruleset
    mismatches: tuple[Mismatch, ...] = ()
    problems: tuple[Problem, ...] = ()
    document: _documents.Document | None = attrs.field(default=None, eq=False, repr=False)
    #: The verdict the case's partner got (None: the case or its partner could not be read)
    verdict: Verdict | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.mismatches and not self.problems


def cases_dir(ruleset_file: Path) -> Path:
    """Where the cases of the ruleset file ``<id>/<version>.yaml`` are: ``<id>/cases/<version>/``."""
    return ruleset_file.parent / "cases" / ruleset_file.stem


def load_case(path: Path) -> Case:
    """Read one case file.

    Raises:
        RulesetError: the case file cannot be read or is not a case.
    """
    document = _documents.read_file(path, "the case", fmt="yaml")
    data = document.data
    problems = list(document.problems)
    if not problems:
        if not isinstance(data, dict):
            problems.append(Problem("$", "a case is an object with note, partner and want", code=codes.INVALID_VALUE))
        else:
            problems += [
                Problem(f"$.{key}", "unknown key in a case", f"a case has {', '.join(_KEYS)}", code=codes.UNKNOWN_KEY)
                for key in sorted(set(data) - set(_KEYS))
            ]
            problems += [
                Problem(f"$.{key}", "required key is missing", code=codes.MISSING_KEY)
                for key in ("partner", "want")
                if key not in data
            ]
            if "want" in data:
                problems += _want_problems(data["want"])
    if problems:
        raise RulesetError([document.locate(problem) for problem in problems])
    return Case(path.stem, str(data.get("note", "")).strip(), data["partner"], data["want"], document)


_WANT_KEYS = ("qualified", "path", "score", "paths")
_PATH_KEYS = ("qualified", "score", "metrics", "measures")


def _pins(want: dict[str, Any]) -> bool:
    """Whether a case's ``want`` (a verdict's) pins some value: a case that pins none passes whatever is scored."""
    if any(key in want for key in ("qualified", "path", "score")):
        return True
    paths = want.get("paths")
    return isinstance(paths, dict) and any(
        not isinstance(path_want, dict) or any(path_want.get(key) not in (None, {}) for key in _PATH_KEYS)
        for path_want in paths.values()
    )


def _want_problems(want: object) -> list[Problem]:
    """Problems with the shape of a case's ``want``: what it pins, each of the right type."""
    if not isinstance(want, dict):
        return [Problem("$.want", f"expected an object with some of {', '.join(_WANT_KEYS)}", code=codes.INVALID_VALUE)]
    if "problems" in want:
        return _wanted_problems_problems(want)
    problems = _keys_and_types(want, "$.want", {"qualified": bool, "path": str, "score": (int, float), "paths": dict})
    if not _pins(want):  # `want: {}` passed every time, and lint said "no problems"
        message = f"pins nothing: a case wants some of {', '.join(_WANT_KEYS)}, or a path's {', '.join(_PATH_KEYS)}"
        problems.append(Problem("$.want", message, code=codes.INVALID_VALUE))
    paths = want.get("paths")
    for path_id, path_want in (paths if isinstance(paths, dict) else {}).items():
        where = f"$.want.paths.{path_id}"
        if not isinstance(path_want, dict):
            problems.append(
                Problem(where, f"expected an object with some of {', '.join(_PATH_KEYS)}", code=codes.INVALID_VALUE)
            )
            continue
        problems += _keys_and_types(
            path_want, where, {"qualified": bool, "score": (int, float), "metrics": dict, "measures": dict}
        )
        measures = path_want.get("measures")
        for metric_id, wanted in (measures if isinstance(measures, dict) else {}).items():
            if not isinstance(wanted, dict) or not all(
                isinstance(value, int) and not isinstance(value, bool) for value in wanted.values()
            ):
                problems.append(
                    Problem(
                        f"{where}.measures.{metric_id}",
                        "expected the metric's measures, e.g. {value: 3} or {cpor: 120, dpor: 0}",
                        code=codes.INVALID_VALUE,
                    )
                )
        metrics = path_want.get("metrics")
        for metric_id, points in (metrics if isinstance(metrics, dict) else {}).items():
            if isinstance(points, bool) or not isinstance(points, int | float):
                problems.append(
                    Problem(
                        f"{where}.metrics.{metric_id}",
                        "expected the metric's points, a number",
                        code=codes.INVALID_VALUE,
                    )
                )
    return problems


def _wanted_problems_problems(want: dict[str, Any]) -> list[Problem]:
    """Problems with a ``want`` of input problems: nothing else beside it, each a ``{where, code}``."""
    problems = [
        Problem(f"$.want.{key}", "a case that wants problems wants no verdict", code=codes.INVALID_VALUE)
        for key in want
        if key != "problems"
    ]
    wanted = want["problems"]
    entries = wanted if isinstance(wanted, list) and wanted else [None]
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and entry.keys() == {"where", "code"}
            and all(isinstance(value, str) for value in entry.values())
        ):
            where = "$.want.problems" if entry is None else f"$.want.problems[{index}]"
            message = "expected a list of the partner's problems, each {where: $.facts.x, code: MW005}"
            problems.append(Problem(where, message, code=codes.INVALID_VALUE))
    return problems


def _keys_and_types(values: dict[str, object], where: str, kinds: dict[str, Any]) -> list[Problem]:
    problems = []
    for key, value in values.items():
        kind = kinds.get(key)
        if kind is None:
            hint = f"a want has {', '.join(kinds)}"
            problems.append(Problem(f"{where}.{key}", "unknown key in a case's want", hint, code=codes.UNKNOWN_KEY))
        elif isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            problems.append(Problem(f"{where}.{key}", f"expected {_KIND_NAMES[key]}", code=codes.INVALID_VALUE))
    return problems


_KIND_NAMES = {
    "qualified": "true or false",
    "path": "a path id",
    "score": "a number of points",
    "paths": "an object of path ids",
    "metrics": "an object of metric ids and points",
    "measures": "an object of metric ids and their measures",
}


def mismatches(case: Case, verdict: Verdict) -> list[Mismatch]:
    """How *verdict* differs from what *case* wants."""
    return list(_compare(case.want, verdict))


def _compare(want: Mapping[str, Any], verdict: Verdict) -> Iterator[Mismatch]:
    if "qualified" in want and want["qualified"] != verdict.qualified:
        yield Mismatch("qualified", want["qualified"], verdict.qualified)
    if "path" in want and want["path"] != verdict.path:
        yield Mismatch("path", want["path"], verdict.path)
    if "score" in want and want["score"] != display_points(verdict.score):
        yield Mismatch("score", want["score"], display_points(verdict.score))
    for path_id, path_want in (want.get("paths") or {}).items():
        where = f"paths.{path_id}"
        result = verdict.paths.get(path_id)
        if result is None:
            yield Mismatch(where, "a path of the ruleset", "no such path")
            continue
        if "qualified" in path_want and path_want["qualified"] != result.qualified:
            yield Mismatch(f"{where}.qualified", path_want["qualified"], result.qualified)
        if "score" in path_want and path_want["score"] != display_points(result.score):
            yield Mismatch(f"{where}.score", path_want["score"], display_points(result.score))
        for metric_id, points in (path_want.get("metrics") or {}).items():
            metric = result.metrics.get(metric_id)
            if metric is None:
                yield Mismatch(f"{where}.metrics.{metric_id}", "a metric of the ruleset", "no such metric")
            elif points != display_points(metric.points):
                yield Mismatch(f"{where}.metrics.{metric_id}", points, display_points(metric.points))
        for metric_id, wanted in (path_want.get("measures") or {}).items():
            metric = result.metrics.get(metric_id)
            if metric is None:
                yield Mismatch(f"{where}.measures.{metric_id}", "a metric of the ruleset", "no such metric")
                continue
            for key, value in wanted.items():
                got = metric.inputs.get(key)
                if got != value:
                    yield Mismatch(
                        f"{where}.measures.{metric_id}.{key}", value, "no such measure" if got is None else got
                    )


def run_case(path: Path, ruleset: Ruleset) -> CaseResult:
    """Evaluate the case at *path* under *ruleset* (whatever its ``as_of``) and compare."""
    try:
        case = load_case(path)
    except RulesetError as error:
        return CaseResult(path, ruleset, problems=error.problems)
    partner_document = case.document.part("partner")
    try:
        partner = load_partner(partner_document, ruleset)
    except InputError as error:
        if "problems" in case.want:  # refused, as it should be: with the problems it should be?
            got = _problem_keys(error.problems)
            wrong = (
                ()
                if got == _problem_keys(case.want["problems"])
                else (Mismatch("problems", case.want["problems"], got),)
            )
            return CaseResult(path, ruleset, mismatches=wrong, document=case.document)
        # the partner's problems, at their place in the case file
        problems = tuple(attrs.evolve(problem, where="$.partner" + problem.where[1:]) for problem in error.problems)
        return CaseResult(path, ruleset, problems=problems)
    verdict = evaluate_with(partner, RulesetChoice(ruleset, f"the case's ruleset, {ruleset}"))
    if "problems" in case.want:
        refused = Mismatch("problems", case.want["problems"], "none: the partner was evaluated")
        return CaseResult(path, ruleset, mismatches=(refused,), document=case.document, verdict=verdict)
    return CaseResult(
        path, ruleset, mismatches=tuple(mismatches(case, verdict)), document=case.document, verdict=verdict
    )


def _problem_keys(problems: Any) -> list[dict[str, str]]:
    """Problems (or a case's wanted ones) as a case writes them, ``{where, code}``, in a stable order."""
    keys = [
        {"where": problem["where"], "code": problem["code"]}
        if isinstance(problem, Mapping)
        else {"where": problem.where, "code": problem.code or ""}
        for problem in problems
    ]
    return sorted(keys, key=lambda key: (key["where"], key["code"]))


def mismatch_problems(result: CaseResult) -> list[Problem]:
    """A failed case's mismatches as problems at their line in the case file."""
    document = result.document or _documents.Document(None, str(result.path))
    return [
        document.locate(
            Problem(
                f"$.want.{mismatch.where}",
                f"the case wants {shown(mismatch.want)}, {result.ruleset} gives {shown(mismatch.got)}",
                "correct the ruleset, or the case if the criteria changed",
                code=codes.CASE_MISMATCH,
            )
        )
        for mismatch in result.mismatches
    ]

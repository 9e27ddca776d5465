"""Today's shorthand keys, written out in the vocabulary before a ruleset is read.

Rulesets written before the vocabulary existed say ``measure``, ``level``,
``certifications`` and ``targets``. Each is shorthand for a ``source`` or a
path's ``metrics`` (docs/ruleset-format.md#shorthand), and :func:`expand`
rewrites the raw mapping so that one model and one compiler read every file.
It also keeps where each written-out key came from, so that a problem is
reported at the line the editor wrote (:class:`Origins`).
"""

from __future__ import annotations

import difflib
from typing import Any

import attrs

from .. import codes
from .._input.convert import shown
from ..errors import Problem


#: The shorthand measures and the source each stands for
MEASURES: tuple[str, ...] = ("count", "best_of_options", "certified_people")
_PEOPLE_KEYS = ("level", "certifications")


@attrs.define
class Origins:
    """Where the written-out keys of a ruleset were written: a problem's place, mapped back to the shorthand.

    An entry maps a place in the written-out ruleset, and everything below
    it, to a place in the file; with ``keep_below`` the rest of the path
    follows (a list's items), else the place in the file stands for all below.
    """

    #: Misuses of the shorthand, each at its place in the file (check() reports them with the rest)
    problems: list[Problem] = attrs.field(factory=list)
    #: Those of them that are of shape, as the JSON Schema sees it (structure() reports them)
    shape_problems: list[Problem] = attrs.field(factory=list)
    _whole: dict[str, str] = attrs.field(factory=dict)
    _below: dict[str, str] = attrs.field(factory=dict)

    def add(self, written_out: str, written: str, *, keep_below: bool = False) -> None:
        (self._below if keep_below else self._whole)[written_out] = written

    def shape(self, problem: Problem) -> None:
        """Record a misuse of the shorthand's shape."""
        self.problems.append(problem)
        self.shape_problems.append(problem)

    def __call__(self, where: str) -> str:
        """The place in the file of *where*, a place in the written-out ruleset."""
        best = max(
            (key for key in (*self._whole, *self._below) if where == key or _below(where, key)), key=len, default=None
        )
        if best is None:
            return where
        if best in self._below:
            return self._below[best] + where[len(best) :]
        return self._whole[best]

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """*problems*, each at its place in the file."""
        return [attrs.evolve(problem, where=self(problem.where)) for problem in problems]


def _below(where: str, key: str) -> bool:
    return where.startswith(key) and where[len(key) : len(key) + 1] in (".", "[")


def expand(data: dict[str, Any]) -> tuple[dict[str, Any], Origins]:
    """*data* with its shorthand written out, and where each written-out key came from (with misuses of the shorthand).

    *data* is not changed; the parts written out are copies.
    """
    origins = Origins()
    problems = origins.problems
    data = dict(data)
    metrics, paths = data.get("metrics"), data.get("paths")
    if isinstance(metrics, list):
        options = _options_in_targets(paths)
        data["metrics"] = [
            _metric(index, metric, options, origins, problems) if isinstance(metric, dict) else metric
            for index, metric in enumerate(metrics)
        ]
    if isinstance(paths, list):
        measures, levels = _measures(metrics), _levels(metrics)
        data["paths"] = [
            _path(index, path, measures, levels, origins) if isinstance(path, dict) and "targets" in path else path
            for index, path in enumerate(paths)
        ]
    return data, origins


def _measures(metrics: object) -> dict[str, str | None]:
    """Per metric id, its shorthand measure (None: written with a source)."""
    return {
        str(metric["id"]): metric.get("measure")
        for metric in (metrics if isinstance(metrics, list) else ())
        if isinstance(metric, dict) and "id" in metric
    }


def _levels(metrics: object) -> dict[str, str]:
    """Per certified_people metric id, its level: the people set its target counts."""
    return {
        str(metric["id"]): metric["level"]
        for metric in (metrics if isinstance(metrics, list) else ())
        if isinstance(metric, dict) and "id" in metric and isinstance(metric.get("level"), str)
    }


def _options_in_targets(paths: object) -> dict[str, dict[str, str]]:
    """Per metric, the association options the paths name, in order (the parts of a best_of_options).

    A path names them as the keys of its targets, or as the ``of`` of its terms.
    """
    options: dict[str, dict[str, str]] = {}
    for path in paths if isinstance(paths, list) else ():
        targets = path.get("targets") if isinstance(path, dict) else None
        for metric_id, target in targets.items() if isinstance(targets, dict) else ():
            if isinstance(target, dict):
                options.setdefault(str(metric_id), {}).update(dict.fromkeys(map(str, target), "count"))
        scored = path.get("metrics") if isinstance(path, dict) else None
        for metric_id, metric in scored.items() if isinstance(scored, dict) else ():
            terms = metric.get("terms") if isinstance(metric, dict) else None
            named = (
                [term["of"] for term in terms if isinstance(term, dict) and isinstance(term.get("of"), str)]
                if isinstance(terms, list)
                else []
            )
            options.setdefault(str(metric_id), {}).update(dict.fromkeys(named, "count"))
    return options


def _metric(
    index: int, metric: dict[str, Any], options: dict[str, dict[str, str]], origins: Origins, problems: list[Problem]
) -> dict[str, Any]:
    if "measure" not in metric:
        return metric
    where = f"$.metrics[{index}]"
    metric = dict(metric)
    measure = metric.pop("measure")
    origins.add(f"{where}.source", f"{where}.measure")
    if "source" in metric:
        problems.append(
            Problem(
                f"{where}.measure",
                "a metric has a source or a measure (its shorthand), not both",
                "remove 'measure'",
                code=codes.METRIC_DEFINITION,
            )
        )
        return metric
    if measure == "certified_people":
        metric["source"] = {"people": _people(where, metric, origins, problems)}
        return metric
    for key in _PEOPLE_KEYS:
        if metric.get(key):
            problems.append(
                Problem(f"{where}.{key}", f"only certified_people metrics have {key}", code=codes.METRIC_DEFINITION)
            )
        metric.pop(key, None)
    if measure == "best_of_options":
        metric["source"] = {"parts": options.get(str(metric.get("id")), {})}
    else:
        if measure != "count":
            origins.shape(_not_a_measure(f"{where}.measure", measure))
        metric["source"] = {"number": "count"}
    return metric


def _people(where: str, metric: dict[str, Any], origins: Origins, problems: list[Problem]) -> dict[str, Any]:
    level, certifications = metric.get("level"), metric.get("certifications")
    if "level" in metric and not isinstance(level, str):
        origins.shape(Problem(f"{where}.level", f"expected text, got {shown(level)}", code=codes.INVALID_VALUE))
    if "certifications" in metric and not isinstance(certifications, list):
        message = f"expected a list of certification ids, got {shown(certifications)}"
        origins.shape(Problem(f"{where}.certifications", message, code=codes.INVALID_VALUE))
    if level is None:
        problems.append(
            Problem(
                where,
                "a certified_people metric needs a level",
                "add e.g. 'level: intermediate'",
                code=codes.METRIC_DEFINITION,
            )
        )
    if not certifications:
        problems.append(
            Problem(
                where,
                "a certified_people metric needs the certifications that count",
                "add e.g. 'certifications: [teams-administrator-associate]'",
                code=codes.METRIC_DEFINITION,
            )
        )
    metric.pop("level", None)
    metric.pop("certifications", None)
    name = level if isinstance(level, str) else str(metric.get("id", "people"))
    people = f"{where}.source.people"
    origins.add(people, f"{where}.level" if level is not None else where)
    origins.add(f"{people}.{name}", f"{where}.certifications", keep_below=True)
    return {name: certifications if isinstance(certifications, list) else []}


def _not_a_measure(where: str, measure: object) -> Problem:
    close = difflib.get_close_matches(str(measure), MEASURES, n=1)
    return Problem(
        where,
        f"{shown(measure)} is not a measure: the format has count, best_of_options and certified_people "
        "(shorthand), or 'source' with number, parts or people",
        f"did you mean {shown(close[0])}? see docs/ruleset-format.md#sources"
        if close
        else "see docs/ruleset-format.md#sources",
        code=codes.INVALID_VALUE,
    )


def _path(
    index: int, path: dict[str, Any], measures: dict[str, str | None], levels: dict[str, str], origins: Origins
) -> dict[str, Any]:
    where = f"$.paths[{index}]"
    path = dict(path)
    targets = path.pop("targets")
    if "metrics" in path:
        origins.problems.append(
            Problem(
                f"{where}.targets",
                "a path has metrics or targets (their shorthand), not both",
                "move each target into metrics",
                code=codes.METRIC_DEFINITION,
            )
        )
        return path
    origins.add(f"{where}.metrics", f"{where}.targets")
    if not isinstance(targets, dict):
        path["metrics"] = targets  # reported as the wrong type, at targets
        return path
    origins.problems.extend(
        Problem(
            f"{where}.targets",
            f"no target for metric {shown(metric_id)}",
            f"add '{metric_id}: <the measure that earns its max_points>'",
            code=codes.MISSING_TARGET,
        )
        for metric_id in measures
        if metric_id not in targets
    )
    metrics: dict[Any, Any] = {}
    for metric_id, target in targets.items():
        spot, written = f"{where}.metrics.{metric_id}", f"{where}.targets.{metric_id}"
        origins.add(spot, written)
        wrong = _wrong_shape(measures.get(str(metric_id)), target)
        if not _number_or_numbers(target):
            message = f"expected a number, or one number per option, got {shown(target)}"
            origins.shape(Problem(written, message, code=codes.INVALID_VALUE))
        elif wrong:
            origins.problems.append(Problem(written, wrong, code=codes.INVALID_TARGET))
        elif isinstance(target, dict):
            metrics[metric_id] = {
                "combine": "best",
                "terms": [{"of": option, "target": amount} for option, amount in target.items()],
            }
            for position, option in enumerate(target):
                origins.add(f"{spot}.terms[{position}]", f"{written}.{option}")
        elif str(metric_id) in levels and measures.get(str(metric_id)) == "certified_people":
            metrics[metric_id] = {"terms": [{"of": levels[str(metric_id)], "target": target}]}
        else:
            metrics[metric_id] = {"terms": [{"target": target}]}
    path["metrics"] = metrics
    return path


def _number_or_numbers(target: object) -> bool:
    def number(value: object) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    return number(target) or (isinstance(target, dict) and all(map(number, target.values())))


def _wrong_shape(measure: str | None, target: object) -> str | None:
    """What is wrong with the shape of a target for a metric of *measure* (None: nothing)."""
    if measure == "best_of_options":
        if not isinstance(target, dict) or not target:
            return "a best_of_options metric needs a target per option, e.g. {cpor: 1000}"
    elif measure in MEASURES and isinstance(target, dict):
        return f"a {measure} metric has one target (a number), not options"
    return None

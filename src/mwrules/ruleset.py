"""Rulesets: the criteria of a designation, as data, and how they are loaded.

A ruleset file (``rulesets/<id>/<version>.yaml``) says which certifications
count at which level, which metrics there are and their maxima, the targets of
each attainment path, and the pass rule. :func:`load_ruleset` reads one,
checks it, and reports every problem with its ``file:line``; a ruleset that
fails a check is never used. The format is documented in
``docs/ruleset-format.md``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Literal

import attrs
from cattrs.errors import BaseValidationError

from . import _documents
from ._convert import make_converter, problems_from
from .errors import Problem, RulesetError, did_you_mean


Measure = Literal["count", "best_of_options", "certified_people"]
MEASURES: tuple[str, ...] = ("count", "best_of_options", "certified_people")
#: A path's target for a metric: one number, or one number per association option.
Target = int | Mapping[str, int]


@attrs.frozen(kw_only=True)
class Manifest:
    """Which criteria these are: *id*, *version*, when they take effect, where they come from."""

    id: str
    title: str
    version: str
    effective_from: datetime.date
    source: str


@attrs.frozen(kw_only=True)
class CertificationSpec:
    """An eligible certification, the level it counts at and its other spellings."""

    id: str
    name: str
    level: str
    aliases: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class MetricSpec:
    """A metric: its maximum and how it is measured (see :data:`MEASURES`)."""

    id: str
    title: str
    category: str
    max_points: Fraction
    measure: Measure
    level: str | None = None


@attrs.frozen(kw_only=True)
class PathSpec:
    """An attainment path: per metric, the measure that earns the maximum.

    A ``best_of_options`` metric has one target per association option.
    """

    id: str
    title: str
    targets: Mapping[str, Target]


@attrs.frozen(kw_only=True)
class Scoring:
    """The pass rule and how the reported path is chosen."""

    total_points: Fraction
    min_total_points: Fraction
    min_metric_points: Fraction
    path_preference: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Ruleset:
    """A checked ruleset. Build one with :func:`load_ruleset`."""

    manifest: Manifest
    certifications: tuple[CertificationSpec, ...]
    metrics: tuple[MetricSpec, ...]
    paths: tuple[PathSpec, ...]
    scoring: Scoring
    source: str | None = attrs.field(default=None, eq=False)

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    def metric(self, metric_id: str) -> MetricSpec:
        return next(metric for metric in self.metrics if metric.id == metric_id)

    def path(self, path_id: str) -> PathSpec:
        return next(path for path in self.paths if path.id == path_id)

    def options(self, path_id: str, metric_id: str) -> tuple[str, ...]:
        """The association options of a ``best_of_options`` metric on a path."""
        target = self.path(path_id).targets[metric_id]
        return tuple(target) if isinstance(target, Mapping) else ()

    def levels(self) -> tuple[str, ...]:
        """The certification levels, in the order the metrics use them."""
        return tuple(metric.level for metric in self.metrics if metric.level is not None)

    def __str__(self) -> str:
        return f"{self.manifest.id} {self.manifest.version}"


_converter = make_converter()


def _structure_target(value: object, _: type) -> Target:
    if isinstance(value, dict):
        return _converter.structure(value, dict[str, int])
    return _converter.structure(value, int)


_converter.register_structure_hook(Target, _structure_target)
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def rulesets_dir() -> Path:
    """Where the shipped rulesets are: inside the installed package, or in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "rulesets"
    return installed if installed.is_dir() else here.parents[1] / "rulesets"


def default_ruleset_path() -> Path:
    """The Modern Work ruleset shipped with mwrules."""
    return rulesets_dir() / "modern-work" / "2023-06.yaml"


_default: Ruleset | None = None


def default_ruleset() -> Ruleset:
    """The shipped Modern Work ruleset, loaded once per process."""
    global _default  # noqa: PLW0603 - loaded on first use, then shared
    if _default is None:
        _default = load_ruleset()
    return _default


def load_ruleset(path: str | Path | None = None) -> Ruleset:
    """Load and check the ruleset at *path* (by default the shipped Modern Work ruleset).

    Raises:
        RulesetError: with every problem found, each at ``file:line``.
    """
    path = Path(path) if path is not None else default_ruleset_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesetError([Problem("$", f"cannot read the ruleset: {error.strerror}", file=str(path))]) from None
    return parse_ruleset(text, source=str(path))


def parse_ruleset(text: str, *, source: str | None = None) -> Ruleset:
    """Parse and check ruleset *text* (YAML); see :func:`load_ruleset`."""
    document = _documents.parse(text, source=source, fmt="yaml")
    problems = list(document.problems)
    ruleset = None
    if document.data is not None and not problems:
        if not isinstance(document.data, dict):
            problems.append(Problem("$", "a ruleset must be a mapping of keys (manifest, certifications, ...)"))
        else:
            try:
                ruleset = _converter.structure(document.data, Ruleset)
            except BaseValidationError as error:
                problems.extend(problems_from(error))
            if ruleset is not None:
                problems.extend(check(ruleset))
    elif document.data is None and not problems:
        problems.append(Problem("$", "the ruleset file is empty"))
    if problems:
        raise RulesetError([document.locate(problem) for problem in problems])
    assert ruleset is not None  # noqa: S101 - for the type checker; no problems means a ruleset
    return attrs.evolve(ruleset, source=source)


def check(ruleset: Ruleset) -> list[Problem]:
    """Every inconsistency in a structurally valid ruleset."""
    problems: list[Problem] = []
    problems += _check_certifications(ruleset)
    problems += _check_metrics(ruleset)
    problems += _check_paths(ruleset)
    problems += _check_scoring(ruleset)
    return problems


def _check_certifications(ruleset: Ruleset) -> list[Problem]:
    problems = []
    owner: dict[str, str] = {}
    ids: set[str] = set()
    levels = set(ruleset.levels())
    for index, cert in enumerate(ruleset.certifications):
        where = f"$.certifications[{index}]"
        if cert.id in ids:
            problems.append(Problem(f"{where}.id", f"certification id {cert.id!r} is used twice"))
        ids.add(cert.id)
        if not _KEBAB.match(cert.id):
            problems.append(
                Problem(f"{where}.id", f"{cert.id!r} must be kebab-case, e.g. 'teams-administrator-associate'")
            )
        if cert.level not in levels:
            problems.append(
                Problem(
                    f"{where}.level",
                    f"no metric counts people at level {cert.level!r}",
                    _suggest(cert.level, levels),
                )
            )
        for offset, spelling in enumerate((cert.name, *cert.aliases)):
            key = normalise_name(spelling)
            spot = f"{where}.name" if offset == 0 else f"{where}.aliases[{offset - 1}]"
            if not key:
                problems.append(Problem(spot, "a certification name cannot be empty"))
            elif owner.get(key, cert.id) != cert.id:
                problems.append(Problem(spot, f"{spelling!r} already names certification {owner[key]!r}"))
            owner.setdefault(key, cert.id)
    return problems


def _check_metrics(ruleset: Ruleset) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, metric in enumerate(ruleset.metrics):
        where = f"$.metrics[{index}]"
        if metric.id in seen:
            problems.append(Problem(f"{where}.id", f"metric id {metric.id!r} is used twice"))
        seen.add(metric.id)
        if not _SNAKE.match(metric.id):
            problems.append(Problem(f"{where}.id", f"{metric.id!r} must be snake_case, e.g. 'usage_growth'"))
        if metric.max_points <= 0:
            problems.append(Problem(f"{where}.max_points", "must be more than 0"))
        if metric.measure == "certified_people" and metric.level is None:
            problems.append(Problem(where, "a certified_people metric needs a level", "add e.g. 'level: intermediate'"))
        if metric.measure != "certified_people" and metric.level is not None:
            problems.append(Problem(f"{where}.level", "only certified_people metrics have a level"))
    if len(set(ruleset.levels())) != len(ruleset.levels()):
        problems.append(Problem("$.metrics", "two certified_people metrics count the same level"))
    return problems


def _check_paths(ruleset: Ruleset) -> list[Problem]:
    problems = []
    metric_ids = [metric.id for metric in ruleset.metrics]
    seen: set[str] = set()
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        if path.id in seen:
            problems.append(Problem(f"{where}.id", f"path id {path.id!r} is used twice"))
        seen.add(path.id)
        if not _SNAKE.match(path.id):
            problems.append(Problem(f"{where}.id", f"{path.id!r} must be snake_case, e.g. 'smb'"))
        for metric_id in metric_ids:
            if metric_id not in path.targets:
                problems.append(Problem(f"{where}.targets", f"no target for metric {metric_id!r}"))
        for metric_id, target in path.targets.items():
            spot = f"{where}.targets.{metric_id}"
            if metric_id not in metric_ids:
                problems.append(Problem(spot, "unknown metric", _suggest(metric_id, metric_ids)))
                continue
            measure = ruleset.metric(metric_id).measure
            if measure == "best_of_options":
                if not isinstance(target, Mapping) or not target:
                    problems.append(
                        Problem(spot, "a best_of_options metric needs a target per option, e.g. {cpor: 1000}")
                    )
                    continue
                for option, amount in target.items():
                    if not _SNAKE.match(option):
                        problems.append(Problem(f"{spot}.{option}", "option names must be snake_case, e.g. 'cpor'"))
                    if amount <= 0:
                        problems.append(Problem(f"{spot}.{option}", "a target must be more than 0"))
            elif isinstance(target, Mapping):
                problems.append(Problem(spot, f"a {measure} metric has one target (a number), not options"))
            elif target <= 0:
                problems.append(Problem(spot, "a target must be more than 0"))
    if not ruleset.paths:
        problems.append(Problem("$.paths", "a ruleset needs at least one path"))
    return problems


def _check_scoring(ruleset: Ruleset) -> list[Problem]:
    problems = []
    scoring = ruleset.scoring
    maxima = sum((metric.max_points for metric in ruleset.metrics), Fraction(0))
    if maxima != scoring.total_points:
        problems.append(
            Problem(
                "$.scoring.total_points",
                f"the metrics' max_points add up to {_num(maxima)}, not {_num(scoring.total_points)}",
            )
        )
    if not 0 < scoring.min_total_points <= scoring.total_points:
        problems.append(
            Problem("$.scoring.min_total_points", f"must be more than 0 and at most {_num(scoring.total_points)}")
        )
    if scoring.min_metric_points < 0:
        problems.append(Problem("$.scoring.min_metric_points", "cannot be negative"))
    for metric in ruleset.metrics:
        if scoring.min_metric_points > metric.max_points:
            problems.append(
                Problem(
                    "$.scoring.min_metric_points",
                    f"more than the {_num(metric.max_points)} points {metric.id!r} can earn",
                )
            )
    path_ids = [path.id for path in ruleset.paths]
    preference = list(scoring.path_preference)
    for index, path_id in enumerate(preference):
        if path_id not in path_ids:
            problems.append(Problem(f"$.scoring.path_preference[{index}]", "unknown path", _suggest(path_id, path_ids)))
    missing = [path_id for path_id in path_ids if path_id not in preference]
    if missing or len(set(preference)) != len(preference):
        problems.append(Problem("$.scoring.path_preference", f"must list every path exactly once: {path_ids}"))
    return problems


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    return did_you_mean(word, choices)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def normalise_name(name: str) -> str:
    """How certification names are compared: case and surrounding or repeated spaces ignored."""
    return " ".join(name.split()).casefold()

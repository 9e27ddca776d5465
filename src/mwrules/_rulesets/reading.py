"""Reading ruleset files: the shape of a ruleset, and its file:line problems.

A valid file is read without cattrs (see :mod:`.fast_structure`); the cattrs
converter and its hooks read the others, and word every problem.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .. import codes
from .._input import documents as _documents
from .._input.convert import SCALARS, ValueProblem, dict_structure_fn, lazy_hook, make_converter, problems_from, shown
from ..errors import Problem
from .checks import check
from .fast_structure import FastStructurer
from .model import SHORTHANDS, Cost, Manifest, Ruleset, WorkloadSpec
from .shorthand import expand


if TYPE_CHECKING:
    import cattrs


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter that reads rulesets, made when first needed (see convert.make_converter)."""
    # Where a ruleset was read from is set by the loader: a file's own ``source`` key is unknown
    structure_ruleset = lazy_hook(lambda: dict_structure_fn(Ruleset, _converter(), omit=("source", "origins")))
    return make_converter(
        {
            Fraction: _structure_number,
            Cost: _structure_cost,
            WorkloadSpec: _structure_workload,
            Ruleset: structure_ruleset,
        }
    )


@functools.cache
def _fast() -> FastStructurer:
    """What reads a valid ruleset without cattrs: the converter's forms and hooks (see fast_structure)."""
    # Target, Cost and WorkloadSpec's shorthand are forms the walker knows: only the numbers need a hook
    return FastStructurer({**SCALARS, Fraction: _structure_number}, SHORTHANDS)


def _structure_number(value: object, _: type) -> Fraction:
    # Rulesets write points as numbers (20, 2.5); exact fractions as text are for verdict JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        message = f"expected a number, got {shown(value)}"
        raise ValueProblem(message)
    if isinstance(value, float) and not math.isfinite(value):
        message = f"expected a finite number, got {value}"
        raise ValueProblem(message)
    return Fraction(str(value))


def _structure_workload(value: object, _: type) -> WorkloadSpec:
    # A plain name is a workload that counts for every customer metric.
    if isinstance(value, dict):
        return _structure_workload_object(value, WorkloadSpec)  # type: ignore[no-any-return]
    return WorkloadSpec(name=_converter().structure(value, SHORTHANDS[WorkloadSpec]))


_structure_workload_object = lazy_hook(lambda: dict_structure_fn(WorkloadSpec, _converter()))


def _structure_cost(value: object, _: type) -> Cost:
    if isinstance(value, dict):
        return _converter().structure(value, dict[str, Fraction])
    return _converter().structure(value, Fraction)


@attrs.frozen
class RulesetFile:
    """One ruleset file as read: the ruleset if it is valid, else the problems, each at file:line."""

    path: Path
    document: _documents.Document | None
    ruleset: Ruleset | None
    problems: tuple[Problem, ...]
    #: The manifest, when it is valid even if the rest is not: enough to check the versions together.
    manifest: Manifest | None = None

    def locate(self, problem: Problem) -> Problem:
        """*problem* at its line in this file."""
        if self.document is None:
            return attrs.evolve(problem, file=str(self.path))
        return self.document.locate(problem)


def read_ruleset_file(path: str | Path) -> RulesetFile:
    """Read and check the ruleset at *path*, collecting its problems instead of raising."""
    path = Path(path)
    document = _documents.read_file(path, "the ruleset", fmt="yaml")
    ruleset, problems = _structure(document)
    if ruleset is not None:
        ruleset = attrs.evolve(ruleset, source=str(path))
        # check() passed on it (see _structure): compiling it need not check it again
        object.__setattr__(ruleset, "checked", True)
    located = tuple(document.locate(problem) for problem in problems)
    return RulesetFile(path, document, ruleset, located, _manifest(document.data))


def _manifest(data: object) -> Manifest | None:
    # Not a mapping: the problem is the whole ruleset's to report (cattrs raises no validation error for it here)
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        return None
    manifest = _fast().structure(data["manifest"], Manifest)
    if manifest is not None:
        return manifest
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return _converter().structure(data["manifest"], Manifest)
    except BaseValidationError:
        return None


def _structure(document: _documents.Document) -> tuple[Ruleset | None, list[Problem]]:
    if document.problems:
        return None, list(document.problems)
    ruleset, problems = structure(document.data)
    if ruleset is None:
        return None, problems
    problems = check(ruleset)
    return (None if problems else ruleset), problems


def structure(data: object) -> tuple[Ruleset | None, list[Problem]]:
    """The shape of a ruleset: keys and types, what the JSON Schema describes (see :func:`check` for the rest)."""
    if data is None:
        return None, [Problem("$", "the ruleset file is empty", code=codes.MISSING_KEY)]
    if not isinstance(data, dict):
        message = "a ruleset must be a mapping of keys (manifest, certifications, ...)"
        return None, [Problem("$", message, code=codes.INVALID_VALUE)]
    data, origins = expand(data)
    ruleset = _fast().structure(data, Ruleset)
    if ruleset is not None and not origins.shape_problems:
        return attrs.evolve(ruleset, origins=origins), []
    # Not read without cattrs: it reports what is wrong (or reads a form the walker does not know)
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        ruleset = _converter().structure(data, Ruleset)
    except BaseValidationError as error:
        return None, origins.shape_problems + origins.locate(problems_from(error))
    # Misuses of the shorthand are problems of shape; check() reports them again, with the rest
    return attrs.evolve(ruleset, origins=origins), list(origins.shape_problems)


def structure_costs(data: Mapping[str, object]) -> tuple[dict[str, Cost], list[Problem]]:
    """Costs as a ruleset's ``default_costs`` reads them (numbers, or one per option), or the problems."""
    costs = _fast().structure(dict(data), dict[str, Cost])
    if costs is not None:
        return costs, []
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    try:
        return _converter().structure(dict(data), dict[str, Cost]), []
    except BaseValidationError as error:
        return {}, problems_from(error)

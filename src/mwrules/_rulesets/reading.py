"""Reading ruleset files: the shape of a ruleset, and its file:line problems.

A valid file is read without cattrs (see :mod:`.fast_structure`); the cattrs
converter and its hooks read the others, and word every problem.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .. import codes
from .._input import documents as _documents
from .._input.convert import (
    SCALARS,
    ValueProblem,
    dict_structure_fn,
    expected,
    lazy_hook,
    make_converter,
    problems_from,
    shown,
)
from .._input.text import CONTROL
from ..errors import Problem
from .checks import check
from .customer_specs import WorkloadSpec
from .fast_structure import FastStructurer
from .lenient import READ_WHOLE, Unread, structure_leniently
from .model import SHORTHANDS, Cost, Manifest, Ruleset
from .one_of import one_of_problems
from .shorthand import expand


if TYPE_CHECKING:
    import cattrs


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter that reads rulesets, made when first needed (see convert.make_converter)."""
    # Where a ruleset was read from is set by the loader: a file's own ``source`` key is unknown
    structure_ruleset = lazy_hook(lambda: dict_structure_fn(Ruleset, _converter(), omit=("source", "origins")))
    converter = make_converter(
        {
            Fraction: _structure_number,
            Cost: _structure_cost,
            WorkloadSpec: _structure_workload,
            Ruleset: structure_ruleset,
        }
    )
    converter.register_structure_hook_factory(attrs.has, _objects)
    return converter


_OBJECT = "an object"


def _objects(cl: type) -> Callable[[Any, Any], Any]:
    """cattrs' hook for attrs class *cl*, which says "expected an object" of a value that is not one."""
    # cattrs' own words would be "'str' object has no attribute 'keys'"
    structure = dict_structure_fn(cl, _converter())

    def hook(value: object, _: type) -> Any:
        if not isinstance(value, dict):
            raise expected(_OBJECT, value)
        return structure(value, cl)

    return hook


#: The most digits a Decimal of a ruleset or costs may have before or after its point (see _structure_number)
_DECIMAL_DIGITS = 40


@functools.cache
def _fast() -> FastStructurer:
    """What reads a valid ruleset without cattrs: the converter's forms and hooks (see fast_structure)."""
    # Target, Cost and WorkloadSpec's shorthand are forms the walker knows: only the numbers need a hook
    return FastStructurer({**SCALARS, Fraction: _structure_number}, SHORTHANDS)


def _structure_number(value: object, _: type) -> Fraction:
    # Rulesets write points as numbers (20, 2.5); exact fractions as text are for verdict JSON. From
    # Python, a Decimal is taken exactly too, as a partner's is (its exponent bounded first: as a
    # Fraction, Decimal('1E+999999999') is a number of a billion digits)
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > _DECIMAL_DIGITS:
            message = f"expected a finite number of at most {_DECIMAL_DIGITS} digits either side, got {value!r}"
            raise ValueProblem(message)
        return Fraction(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _not_a_number(value)
    if isinstance(value, float) and not math.isfinite(value):
        message = f"expected a finite number, got {value}"
        raise ValueProblem(message)
    return Fraction(str(value))


def _not_a_number(value: object) -> ValueProblem:
    """A number written as text ("70", pasted or quoted by habit) is told to lose its quotes; null is null, not None."""
    problem = expected("a number", value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return ValueProblem(f"{problem} (write {value.strip()} without quotes)")
    return problem


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


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
    ruleset, unread = _read(document.data)
    if ruleset is None:
        return None, list(unread.problems)
    # Problems of shape and of meaning together: check() skips what could not be read
    problems = control_text(document.data) + check(ruleset, unread=unread)
    return (None if problems else ruleset), problems


#: A text that begins and ends with a curly quote: "…" or '…' as a word processor writes them
_CURLY_QUOTED = re.compile("[\u2018\u201c].*[\u2019\u201d]", re.DOTALL)


def control_text(data: object, where: str = "$") -> list[Problem]:
    """A problem (MW006) at each key or text of a ruleset that holds control characters.

    Titles, names and aliases are printed to terminals: an escape there moved
    the cursor, set the window's title or cleared the screen, and a
    text-direction override reversed what followed (partner ids and names
    were already refused so).

    A text wholly in curly quotes, as a word processor pastes "2026-01" or
    'SC-300', is a problem too: YAML reads them as letters, so an alias
    pasted so matched no partner's spelling, and a version named no file.
    """
    if isinstance(data, str):
        if _CURLY_QUOTED.fullmatch(data):
            message = f"{shown(data)} is written in curly quotes, which YAML reads as part of the text"
            return [Problem(where, message, "write straight quotes (\" or '), or none", code=codes.INVALID_VALUE)]
        if CONTROL.search(data) is None:
            return []
        message = (
            f"{shown(data)}: control characters (an escape, a line break, a text-direction override) are not allowed"
        )
        return [Problem(where, message, code=codes.INVALID_VALUE)]
    if isinstance(data, dict):
        items = [(key, value, _documents.child(where, key)) for key, value in data.items()]
        return [problem for key, value, at in items for problem in (*control_text(key, at), *control_text(value, at))]
    if isinstance(data, list):
        return [problem for index, value in enumerate(data) for problem in control_text(value, f"{where}[{index}]")]
    return []


def structure(data: object) -> tuple[Ruleset | None, list[Problem]]:
    """The shape of a ruleset: keys and types, what the JSON Schema describes (see :func:`check` for the rest)."""
    ruleset, unread = _read(data)
    # Misuses of the shorthand are problems of shape; check() reports them again, with the rest
    shorthand = ruleset.origins.shape_problems if ruleset is not None and ruleset.origins is not None else []
    if ruleset is None or unread.problems:
        return None, shorthand + list(unread.problems)
    # What the JSON Schema says with oneOf: a source, a term, a condition gives exactly one of its keys
    one_of = one_of_problems(ruleset)
    if one_of and ruleset.origins is not None:
        return None, shorthand + ruleset.origins.locate(one_of)
    return ruleset, list(shorthand)


def _read(data: object) -> tuple[Ruleset | None, Unread]:
    """The ruleset in *data*, as far as it can be read, and what could not be (its problems at their place).

    None if *data* is not a ruleset at all.
    """
    if data is None:
        return None, Unread((Problem("$", "the ruleset file is empty", code=codes.MISSING_KEY),))
    if not isinstance(data, dict):
        message = "a ruleset must be a mapping of keys (manifest, certifications, ...)"
        return None, Unread((Problem("$", message, code=codes.INVALID_VALUE),))
    data, origins = expand(data)
    ruleset = _fast().structure(data, Ruleset)
    if ruleset is not None:
        return attrs.evolve(ruleset, origins=origins), READ_WHOLE
    # Not read without cattrs: it reports what is wrong (or reads a form the walker does not know)
    from .keys import RulesetWording  # noqa: PLC0415 - the index of keys is made when a ruleset has problems to word

    ruleset, unread = structure_leniently(data, _converter(), RulesetWording())
    located = attrs.evolve(unread, problems=tuple(origins.locate(list(unread.problems))))
    return attrs.evolve(ruleset, origins=origins), located


def structure_costs(data: Mapping[str, object]) -> tuple[dict[str, Cost], list[Problem]]:
    """Costs as a ruleset's ``default_costs`` reads them (numbers, or one per option), or the problems."""
    fast = _fast().structure(dict(data), dict[str, Cost])
    if fast is not None:
        return fast, []
    from cattrs.errors import BaseValidationError  # noqa: PLC0415 - cattrs is imported when first needed (see convert)

    # A unit at a time: the units that read are checked too (a cost of -1 beside one of "x" was said only
    # once "x" was fixed), and every problem is reported at once
    costs: dict[str, Cost] = {}
    problems: list[Problem] = []
    for unit, cost in data.items():
        try:
            costs.update(_converter().structure({unit: cost}, dict[str, Cost]))
        except BaseValidationError as error:
            problems += problems_from(error)
    return costs, problems

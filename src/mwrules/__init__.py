"""mwrules: does a Microsoft partner qualify for Solutions Partner for Modern Work?

By how many points, and why. The criteria are a ruleset (data, under
``rulesets/``) run by forward-chaining rules; every point of a verdict is
traced to the facts and the rule that produced it.

>>> import mwrules
>>> verdict = mwrules.evaluate({"partner_id": "contoso", "as_of": "2024-06-30",
...     "people": [{"id": "ann", "certifications": ["MS-102"]}]})
>>> verdict.paths["smb"].metrics["advanced_certifications"].points
Fraction(15, 1)
"""

from typing import TYPE_CHECKING, Any

from ._evaluation.evaluate import evaluate
from ._input.partner import load_partner
from ._output.json import partner_to_json, verdict_from_json, verdict_to_json
from ._rulesets.versions import RulesetChoice, load_ruleset, select_ruleset
from .errors import EvaluationError, InputError, MwrulesError, Problem, RulesetError
from .limits import Limits
from .model import Certification, Partner, Person
from .ruleset import Ruleset
from .verdict import MetricResult, PathResult, RulesetRef, TraceStep, Verdict


if TYPE_CHECKING:
    from ._batch.pool import Result, evaluate_lines, evaluate_many
    from ._output.explain import explain, summary
    from ._tools.plan import Action, PathPlan, Plan, plan
    from ._tools.timeline import MonthScores, Segment, Timeline, timeline

# Imported when first used, so that `import mwrules` costs little more than
# its dependencies: the module of each name
_LAZY = {
    "Result": "_batch.pool",
    "evaluate_lines": "_batch.pool",
    "evaluate_many": "_batch.pool",
    "explain": "_output.explain",
    "summary": "_output.explain",
    "Action": "_tools.plan",
    "PathPlan": "_tools.plan",
    "Plan": "_tools.plan",
    "plan": "_tools.plan",
    "MonthScores": "_tools.timeline",
    "Segment": "_tools.timeline",
    "Timeline": "_tools.timeline",
    "timeline": "_tools.timeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    # The version is read from the package metadata when asked for:
    # importlib.metadata costs more to import than the rest of mwrules' start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            return version("mwrules")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0+unknown"
    msg = f"module 'mwrules' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Action",
    "Certification",
    "EvaluationError",
    "InputError",
    "Limits",
    "MetricResult",
    "MonthScores",
    "MwrulesError",
    "Partner",
    "PathPlan",
    "PathResult",
    "Person",
    "Plan",
    "Problem",
    "Result",
    "Ruleset",
    "RulesetChoice",
    "RulesetError",
    "RulesetRef",
    "Segment",
    "Timeline",
    "TraceStep",
    "Verdict",
    "evaluate",
    "evaluate_lines",
    "evaluate_many",
    "explain",
    "load_partner",
    "load_ruleset",
    "partner_to_json",
    "plan",
    "select_ruleset",
    "summary",
    "timeline",
    "verdict_from_json",
    "verdict_to_json",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

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

from __future__ import annotations

from ._version import __version__ as __version__


# typing.TYPE_CHECKING without importing typing, which would double what
# `import mwrules` costs (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._batch.pool import Result, evaluate_lines, evaluate_many
    from ._evaluation.designations import evaluate_designations
    from ._evaluation.evaluate import evaluate
    from ._input.partner import load_partner
    from ._output.explain import explain, summary
    from ._output.json import partner_to_json, verdict_from_json, verdict_to_json
    from ._rulesets.versions import RulesetChoice, load_ruleset, select_ruleset
    from ._tools.plan import Action, PathPlan, Plan, plan
    from ._tools.timeline import MonthScores, Segment, Timeline, timeline
    from .errors import EvaluationError, InputError, MwrulesError, Problem, RulesetError
    from .limits import Limits
    from .model import Certification, DesignationData, Partner, Person
    from .ruleset import Ruleset
    from .verdict import (
        DesignationResult,
        Designations,
        EarnedBadge,
        ForAnother,
        MetricResult,
        PathResult,
        RulesetRef,
        Shortfall,
        TermResult,
        TraceStep,
        Verdict,
    )

# Every name is imported when first used: `import mwrules` costs next to
# nothing, and the command line (mwrules.cli, inside this package) starts
# without the engine, YAML or cattrs until a command needs them. The module
# of each name:
_LAZY = {
    "Result": "_batch.pool",
    "evaluate_lines": "_batch.pool",
    "evaluate_many": "_batch.pool",
    "evaluate": "_evaluation.evaluate",
    "evaluate_designations": "_evaluation.designations",
    "load_partner": "_input.partner",
    "explain": "_output.explain",
    "summary": "_output.explain",
    "partner_to_json": "_output.json",
    "verdict_from_json": "_output.json",
    "verdict_to_json": "_output.json",
    "RulesetChoice": "_rulesets.versions",
    "load_ruleset": "_rulesets.versions",
    "select_ruleset": "_rulesets.versions",
    "Action": "_tools.plan",
    "PathPlan": "_tools.plan",
    "Plan": "_tools.plan",
    "plan": "_tools.plan",
    "MonthScores": "_tools.timeline",
    "Segment": "_tools.timeline",
    "Timeline": "_tools.timeline",
    "timeline": "_tools.timeline",
    "EvaluationError": "errors",
    "InputError": "errors",
    "MwrulesError": "errors",
    "Problem": "errors",
    "RulesetError": "errors",
    "Limits": "limits",
    "Certification": "model",
    "DesignationData": "model",
    "Partner": "model",
    "Person": "model",
    "Ruleset": "ruleset",
    "DesignationResult": "verdict",
    "Designations": "verdict",
    "EarnedBadge": "verdict",
    "ForAnother": "verdict",
    "Shortfall": "verdict",
    "MetricResult": "verdict",
    "TermResult": "verdict",
    "PathResult": "verdict",
    "RulesetRef": "verdict",
    "TraceStep": "verdict",
    "Verdict": "verdict",
}


#: The public modules `import mwrules` used to load: still reached as
#: attributes (``mwrules.ruleset.rulesets_dir()``), imported when first used.
_MODULES = frozenset({"codes", "errors", "limits", "model", "ruleset", "verdict"})


def __getattr__(name: str) -> Any:
    if name in _LAZY or name in _MODULES:
        import importlib  # noqa: PLC0415

        module = importlib.import_module(f"{__name__}.{_LAZY.get(name, name)}")
        value = module if name in _MODULES else getattr(module, name)
        globals()[name] = value
        return value
    msg = f"module 'mwrules' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Action",
    "Certification",
    "DesignationData",
    "DesignationResult",
    "Designations",
    "EarnedBadge",
    "EvaluationError",
    "ForAnother",
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
    "Shortfall",
    "TermResult",
    "Timeline",
    "TraceStep",
    "Verdict",
    "evaluate",
    "evaluate_designations",
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

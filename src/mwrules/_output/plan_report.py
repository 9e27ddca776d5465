"""Plans as people and programs read them: advice a partner admin can act on, and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .._tools.plan import Action, Plan
from ..ruleset import Cost, Ruleset
from ..verdict import Verdict, display_points, format_points
from .explain import warning_lines


def format_cost(cost: Fraction) -> str:
    """A cost as text, to 4 decimals at most: ``9``, ``0.125``."""
    return f"{round(float(cost), 4):g}"


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """*plan* as plain JSON data: ``path``, ``cost``, ``actions``, ``before``, ``after`` and every path's plan."""
    return {
        "partner_id": plan.partner_id,
        "path": plan.path,
        "cost": float(round(plan.cost, 4)),
        "cost_exact": str(plan.cost),
        "actions": [
            {
                **action.to_json(),
                "cost": float(round(action.cost, 4)),
                "why": action.why,
                **({"tenants": list(action.tenants)} if action.tenants else {}),
            }
            for action in plan.actions
        ],
        "before": _summary(plan.before),
        "warnings": list(plan.before.warnings),
        "after": _summary(plan.after),
        "paths": {
            path_id: {
                "possible": path.possible,
                "cost": None if path.cost is None else float(round(path.cost, 4)),
                "cost_exact": None if path.cost is None else str(path.cost),
                "actions": [action.to_json() for action in path.actions],
                **({"blocked": path.blocked} if path.blocked else {}),
            }
            for path_id, path in plan.paths.items()
        },
        "costs": {unit: _cost_json(cost) for unit, cost in plan.costs.items()},
        "default_costs": list(plan.default_costs),
        "ruleset": {"id": plan.before.ruleset.id, "version": plan.before.ruleset.version},
        **({"by": plan.by.isoformat(), "changes": list(plan.changes)} if plan.by is not None else {}),
    }


def _summary(verdict: Verdict) -> dict[str, Any]:
    # rounded as a verdict's JSON rounds it (half up), beside the exact fraction
    score = verdict.score
    return {
        "qualified": verdict.qualified,
        "path": verdict.path,
        "score": display_points(score),
        "score_exact": str(score),
    }


def _cost_json(cost: Cost) -> float | dict[str, float]:
    if isinstance(cost, Mapping):
        return {option: float(amount) for option, amount in cost.items()}
    return float(cost)


def plan_to_text(plan: Plan, ruleset: Ruleset) -> str:
    """*plan* as advice: what to do, what it costs, why, and what the verdict will be; the warnings of the day."""
    # What the evaluation planned from did not use or assumed (months of customer data missing, counted as 0)
    return "\n".join([*_advice(plan, ruleset), *warning_lines(plan.before)])


def _advice(plan: Plan, ruleset: Ruleset) -> list[str]:
    before = plan.before
    threshold = format_points(ruleset.scoring.min_total_points)
    lines = []
    if plan.by is not None:
        if plan.changes:
            lines += [f"What changes the score until {plan.by}:"] + [f"  {change}" for change in plan.changes] + [""]
        else:
            lines += [f"Nothing changes the score until {plan.by}.", ""]
    lines += [
        f"{plan.partner_id} on {before.as_of} ({ruleset}): "
        f"{'QUALIFIED' if before.qualified else 'NOT QUALIFIED'}, {format_points(before.score)} points on "
        f"{before.path}; a path needs {threshold}."
    ]
    if plan.path is None:
        (only,) = plan.paths if len(plan.paths) == 1 else (None,)
        heading = f"{only} cannot qualify" if only else "No path can qualify"
        lines += ["", f"{heading} under this ruleset:"]
        lines += [f"  {path_id}: {path.blocked}" for path_id, path in plan.paths.items()]
        return lines
    if not plan.actions:
        lines += ["", f"Nothing to do: it qualifies on {plan.path}."]
        return lines
    if set(plan.default_costs) == set(plan.costs):
        placeholder = " (with placeholder costs: give your own with --costs FILE)"
    elif plan.default_costs:
        placeholder = f" (with placeholder costs for {', '.join(plan.default_costs)})"
    else:
        placeholder = ""
    lines += ["", f"Cheapest way to qualify: on {plan.path}, for {format_cost(plan.cost)}{placeholder}"]
    for number, action in enumerate(plan.actions, 1):
        lines.append(f"  {number}. {describe(action, ruleset)}  (cost {format_cost(action.cost)})")
        lines.append(f"     {action.why}")
        if action.tenants:
            lines.append("     nearest to counting:")
            lines += [f"       {tenant}" for tenant in action.tenants]
    after = plan.after
    lines += [
        "",
        f"After these actions: {'QUALIFIED' if after.paths[plan.path].qualified else 'NOT QUALIFIED'} on {plan.path} "
        f"with {format_points(after.paths[plan.path].score)} points (evaluated again with the actions applied).",
    ]
    others = [(path_id, path) for path_id, path in plan.paths.items() if path_id != plan.path]
    for path_id, path in others:
        if path.blocked:
            lines.append(f"On {path_id} instead: not possible: {path.blocked}.")
        else:
            count = len(path.actions)
            lines.append(f"On {path_id} instead: cost {format_cost(path.cost or Fraction(0))}, {count} action(s).")
    return lines


def describe(action: Action, ruleset: Ruleset) -> str:
    """One action as an instruction: "Certify 1 more person at advanced, e.g. in ..."."""
    metric = ruleset.metric(action.metric)
    if action.kind == "certify":
        people = "person" if action.units == 1 else "people"
        example = f", e.g. in {action.certification}" if action.certification else ""
        return f"Certify {action.units} more {people} at {action.level}{example}"
    if action.option and not _association_type(ruleset, action.option):
        # A part with a unit of its own (qualifying_acr in USD, growth_percent in percent)
        return f"Raise {action.option} of {metric.title.lower()} on {action.path} by {action.units:,}"
    under = f" under {action.option.upper()}" if action.option else ""
    units = metric.units_in_words
    if action.units == 1 and units.endswith("s"):
        units = units[:-1]  # "1 deployment", "1 net new customer"
    return f"Raise {metric.title.lower()}{under} on {action.path} by {action.units} {units}"


def _association_type(ruleset: Ruleset, option: str) -> bool:
    """Whether a part of a metric is one of the ruleset's association types (measured as the metric is)."""
    data = ruleset.customer_data
    return data is not None and any(kind.id == option for kind in data.association_types)

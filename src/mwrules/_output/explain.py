"""Verdicts as people read them: a summary table, and the trace explained."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .._evaluation.compile import points_for
from .._evaluation.rules_points import each_metric_needs
from .._input.text import printable
from .._rulesets.versions import select_ruleset
from ..ruleset import Ruleset
from ..verdict import MetricResult, PathResult, TraceStep, Verdict, certified_people, format_points, tenant_steps
from .explain_terms import classification_line, steps_read, term_lines


_MAX_NAMES = 10  # people named per metric before "and N more"


def summary(verdict: Verdict, ruleset: Ruleset | None = None) -> str:
    """The verdict, a table of every metric on every path, and what is missing.

    *ruleset* is the one the verdict came from; by default the shipped
    version the verdict names.
    """
    ruleset = _ruleset_of(verdict, ruleset, "summary")
    lines = [_headline(verdict, ruleset), ""]
    path_ids = list(verdict.paths)
    metrics = [metric for metric in ruleset.metrics if any(metric.id in verdict.paths[p].metrics for p in path_ids)]
    width = max(len(metric.id) + len(format_points(metric.max_points)) + 7 for metric in metrics)
    rows = [("metric", path_ids)]
    for metric in metrics:
        label = f"{metric.id} (max {format_points(metric.max_points)})"
        rows.append((label, [_cell(verdict.paths[p].metrics.get(metric.id), metric.max_points) for p in path_ids]))
    rows.append(("total", [format_points(verdict.paths[p].score) for p in path_ids]))
    rows.append(("qualifies", ["yes" if verdict.paths[p].qualified else "no" for p in path_ids]))
    # 12 wide, or wider: a cell of 12 characters (14.999999999) would run into the one before it
    column = max(12, *(len(cell) + 2 for _, cells in rows for cell in cells))
    lines += [label.ljust(width) + "".join(cell.rjust(column) for cell in cells) for label, cells in rows]
    missing = [reason for path in verdict.paths.values() if not path.qualified for reason in path.shortfalls]
    if missing and not verdict.qualified:
        lines += ["", "What is missing:"] + [f"  {reason}" for reason in missing]
    lines += warning_lines(verdict)
    return "\n".join(lines)


def _cell(result: MetricResult | None, most: Fraction) -> str:
    """A metric's points on a path: "—" when the path does not score it, "of N" when its maximum is the path's own."""
    if result is None:
        return "—"
    points = format_points(result.points)
    return points if result.max == most else f"{points} of {format_points(result.max)}"


def explain(verdict: Verdict, ruleset: Ruleset | None = None) -> str:
    """For every metric of every path, how its points were reached, and why a path fails.

    *ruleset* is the one the verdict came from; by default the shipped
    version the verdict names.
    """
    ruleset = _ruleset_of(verdict, ruleset, "explain")
    certified = certified_people(verdict.trace)
    tenants = tenant_steps(verdict.trace)
    names = {cert.id: cert.name for cert in ruleset.certifications}
    steps = steps_read(verdict.trace)
    lines = [_headline(verdict, ruleset)]
    chosen = classification_line(verdict.paths[verdict.path], ruleset, steps) if verdict.path in verdict.paths else None
    if chosen is not None:
        lines.append(chosen)
    for path in verdict.paths.values():
        lines += ["", _path_heading(path, ruleset)]
        for metric_id in ruleset.scored(path.path):
            result = path.metrics[metric_id]
            lines.append(
                f"  {metric_id}: {format_points(result.points)} of {format_points(result.max)} points"
                f"  [{result.rule}, step {result.step}]"
            )
            if result.terms:
                how = term_lines(result, ruleset, path.path, steps)
            else:
                how = _how(result, ruleset, path.path, certified, names)
            lines += [f"    {line}" for line in how]
            if result.derived:
                lines += [f"    {line}" for line in _tenants(result, path.path, tenants)]
        lines.append(f"  total: {format_points(path.score)} points  [total:{path.path}]")
        if path.qualified:
            lines.append(f"  qualifies  [{path.rule}, step {path.step}]")
        else:
            lines.append(f"  does not qualify  [{path.rule}, step {path.step}]:")
            lines += [f"    - {reason}" for reason in path.shortfalls]
    lines += _workloads(ruleset)
    final = verdict.trace[-1] if verdict.trace else None
    if final is not None:
        lines += ["", f"verdict: {final.description}  [{final.rule}, step {final.step}]"]
    lines += warning_lines(verdict)
    return "\n".join(lines)


def _ruleset_of(verdict: Verdict, ruleset: Ruleset | None, caller: str) -> Ruleset:
    """*ruleset*, or the shipped version *verdict* names."""
    if not isinstance(verdict, Verdict):
        msg = f"{caller}() takes a Verdict (from evaluate or verdict_from_json), not {type(verdict).__name__}"
        raise TypeError(msg)
    if ruleset is not None:
        if not isinstance(ruleset, Ruleset):
            msg = f"{caller}()'s ruleset is a Ruleset (from load_ruleset), not {type(ruleset).__name__}"
            raise TypeError(msg)
        return ruleset
    # A verdict from a ruleset file or object may come from an edited copy
    # that keeps the shipped id and version: explaining it with the shipped
    # targets would be wrong without a word.
    if verdict.ruleset.reason.startswith(("loaded from", "given by the caller")):
        msg = (
            f"this verdict came from a ruleset {verdict.ruleset.reason}, not a shipped one: "
            f"pass that ruleset, {caller}(verdict, ruleset)"
        )
        raise ValueError(msg)
    return select_ruleset(f"{verdict.ruleset.id}@{verdict.ruleset.version}").ruleset


def _headline(verdict: Verdict, ruleset: Ruleset) -> str:
    scoring = ruleset.scoring
    status = "QUALIFIED" if verdict.qualified else "NOT QUALIFIED"
    path = ruleset.path(verdict.path)
    total = scoring.total_points if path.total_points is None else path.total_points
    reason = f" ({verdict.ruleset.reason})" if verdict.ruleset.reason else ""
    return (
        f"{verdict.partner_id} on {verdict.as_of}, {ruleset.manifest.title} {ruleset.version}{reason}\n"
        f"{status} on {verdict.path} ({path.title}): {format_points(verdict.score)} of "
        f"{format_points(total)} points (a path needs {format_points(ruleset.pass_mark(path.id))}, "
        f"and {each_metric_needs(ruleset, path.id)})"
    )


def _path_heading(path: PathResult, ruleset: Ruleset) -> str:
    status = "qualifies" if path.qualified else "does not qualify"
    return f"{path.path} ({ruleset.path(path.path).title}): {format_points(path.score)} points, {status}"


def _how(
    result: MetricResult,
    ruleset: Ruleset,
    path_id: str,
    certified: Mapping[str, Mapping[str, Sequence[str]]],
    names: Mapping[str, str],
) -> list[str]:
    metric = ruleset.metric(result.metric)
    target = ruleset.path(path_id).targets[metric.id]
    cap = f"; capped at {format_points(result.max)}" if result.capped else ""
    if metric.measure == "certified_people":
        per_person = format_points(metric.max_points / target)  # type: ignore[operator]
        count = len(result.people)
        lines = [f"{count} person(s) certified at {metric.level} x {per_person} points (max at {target}){cap}"]
        through = certified.get(metric.level or "", {})
        for person in result.people[:_MAX_NAMES]:
            via = ", ".join(names.get(cert, cert) for cert in through.get(person, ()))
            lines.append(f"{person}: {via}")
        if count > _MAX_NAMES:
            lines.append(f"... and {count - _MAX_NAMES} more")
        return lines
    if metric.measure == "count":
        value = result.inputs["value"]
        per_unit = format_points(metric.max_points / target)  # type: ignore[operator]
        note = " (negative: earns 0)" if value < 0 else ""
        return [f"{value} x {per_unit} points (max at {target}){note}{cap}"]
    assert isinstance(target, Mapping)  # noqa: S101 - a best_of_options metric has a target per option
    lines = []
    for option, value in result.inputs.items():
        points, _ = points_for(int(value), metric.max_points, target[option])
        mark = "  <- best" if option == result.option else ""
        lines.append(f"{option}: {value} of {target[option]} for the max -> {format_points(points)} points{mark}")
    if cap:
        lines.append(cap.lstrip("; "))
    return lines


def _tenants(
    result: MetricResult, path_id: str, steps: Mapping[tuple[str, str, str | None], Sequence[TraceStep]]
) -> list[str]:
    """The tenants behind a measure from customer data: what each added or took away, and which were excluded."""
    options = list(result.inputs) if result.option is not None else [None]
    lines = ["measured from customer data, by tenant (month M, and the month it is compared with):"]
    for option in options:
        found = steps.get((path_id, result.metric, option), [])
        head = f"{option}: " if option is not None else ""
        if not found:
            lines.append(f"  {head}no tenant counted")
            continue
        for step in found[:_MAX_NAMES]:
            lines.append(f"  {head}{_tenant_line(step)}  [{step.rule}, step {step.step}]")
        if len(found) > _MAX_NAMES:
            lines.append(f"  {head}... and {len(found) - _MAX_NAMES} more (--format json has the trace)")
    return lines


def _tenant_line(step: TraceStep) -> str:
    done = step.concluded
    tenant = f"{done['name']} ({done['tenant']})" if "name" in done else str(done["tenant"])
    if step.rule.startswith("excluded:"):
        return (
            f"{tenant} in {done['month']}: excluded, already deployed when its association started in "
            f"{done['association_started']} ({done['active_users_then']} of {done['paid_seats_then']} active)"
        )
    if step.rule.startswith("usage-before-association:"):
        return (
            f"{tenant}: {done['contribution']:+}, the active users it had when its association started in "
            f"{done['association_started']}"
        )
    if step.rule.startswith("deployed:"):
        return (
            f"{tenant} in {done['month']}: {done['contribution']:+}, deployed "
            f"({done['active_users']} of {done['paid_seats']} paid seats active)"
        )
    if "active_users" in done:
        return f"{tenant} in {done['month']}: {done['contribution']:+} active users"
    return f"{tenant} in {done['month']}: {done['contribution']:+} ({', '.join(done['through'])})"


def _workloads(ruleset: Ruleset) -> list[str]:
    """The eligible workloads behind each metric measured from customer data, grouped by identical lists."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for metric in ruleset.metrics:
        if metric.source.people is None and ruleset.workloads:
            groups.setdefault(ruleset.workloads_for(metric.id), []).append(metric.id)
    lines = []
    for workloads, metric_ids in groups.items():
        lines += ["", f"eligible workloads for {', '.join(metric_ids)} ({ruleset}):"]
        lines += textwrap.wrap(", ".join(workloads), width=100, initial_indent="  ", subsequent_indent="  ")
    return lines


_MAX_WARNINGS = 20  # shown in text; JSON output has them all


def warning_lines(verdict: Verdict) -> list[str]:
    """A verdict's warnings under a blank line and a heading, the first 20 (JSON has them all); none: no line."""
    if not verdict.warnings:
        return []
    lines = ["", f"Warnings ({len(verdict.warnings)}):"]
    lines += [f"  {printable(warning)}" for warning in verdict.warnings[:_MAX_WARNINGS]]  # (an import's file names)
    if len(verdict.warnings) > _MAX_WARNINGS:
        lines.append(f"  ... and {len(verdict.warnings) - _MAX_WARNINGS} more (--format json lists them all)")
    return lines

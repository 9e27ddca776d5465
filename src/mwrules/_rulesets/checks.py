"""The checks of a structurally valid ruleset: every inconsistency, each worded with its place and code."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from .. import codes
from .._input.convert import shown
from ..errors import Problem
from .checks_terms import (
    _check_classify,
    _check_facts,
    _check_joins,
    _check_source,
    _check_terms,
)
from .costs import check_costs
from .lenient import READ_WHOLE, Unread
from .model import FROM_CUSTOMERS_MEASURE, normalise_name, path_maxima
from .points import _check_exactness
from .scoring import most_earned
from .wording import _KEBAB, _SNAKE, _exact, _num, _suggest


if TYPE_CHECKING:
    from .model import MetricSpec, Ruleset


def check(ruleset: Ruleset, *, unread: Unread = READ_WHOLE) -> list[Problem]:
    """Every inconsistency in a ruleset, with the problems of shape that *unread* holds.

    For a ruleset with problems of shape, *unread* says what could not be
    read of it (see :mod:`.lenient`): the checks that need a section not read
    are skipped, and a reference to an item not read is not reported as unknown.
    """
    problems: list[Problem] = []
    if unread.read("manifest"):
        problems += _check_manifest(ruleset)
    if unread.read("certifications"):
        problems += _check_certifications(ruleset)
    if unread.read("metrics"):
        problems += _check_metrics(ruleset, unread)
    if unread.read("paths"):
        problems += _check_paths(ruleset, unread)
    if unread.read("workloads"):
        problems += _check_workloads(ruleset, unread)
    if unread.read("customer_data", "workloads"):
        problems += _check_customer_data(ruleset, unread)
    if unread.read("scoring"):
        problems += _check_scoring(ruleset, unread)
        problems += _check_classify(ruleset, unread)
        problems += _check_joins(ruleset)
    if unread.read("facts"):
        problems += _check_facts(ruleset)
    problems += _check_id_lengths(ruleset, unread)
    if not problems and not unread.problems:  # the arithmetic needs valid targets and points
        problems += _check_exactness(ruleset)
    if unread.read("metrics"):
        costs = {unit: cost for unit, cost in ruleset.default_costs.items() if not unread.unusable("units", unit)}
        problems += check_costs(ruleset, costs, "$.default_costs")
    problems = [attrs.evolve(problem, where=unread.place(problem.where)) for problem in problems]
    if ruleset.origins is None:
        return list(unread.problems) + problems
    return ruleset.origins.problems + list(unread.problems) + ruleset.origins.locate(problems)


#: The most characters of an id (of the ruleset, a certification, a metric, a
#: level, a unit, a path or an option): ids are names people read in messages.
MAX_ID_LENGTH = 64


def _check_id_lengths(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    ids = []
    if unread.read("manifest"):
        ids += [("$.manifest.id", ruleset.manifest.id), ("$.manifest.version", ruleset.manifest.version)]
    ids += [(f"$.certifications[{index}].id", cert.id) for index, cert in enumerate(ruleset.certifications)]
    for index, metric in enumerate(ruleset.metrics):
        ids += [(f"$.metrics[{index}].{key}", getattr(metric, key)) for key in ("id", "unit")]
        ids += [(f"$.metrics[{index}].source.people", name) for name in metric.source.people or ()]
        ids += [(f"$.metrics[{index}].source.parts", name) for name in metric.source.parts or ()]
    for index, path in enumerate(ruleset.paths):
        ids.append((f"$.paths[{index}].id", path.id))
        for metric_id, scored in path.metrics.items():
            for position, term in enumerate(scored.terms):
                ids += [
                    (f"$.paths[{index}].metrics.{metric_id}.terms[{position}].{key}", getattr(term, key))
                    for key in ("id", "of")
                ]
    return [
        Problem(
            where,
            f"{shown(value)} is {len(value):,} characters; an id has at most {MAX_ID_LENGTH}",
            code=codes.ID_FORMAT,
        )
        for where, value in ids
        if isinstance(value, str) and len(value) > MAX_ID_LENGTH
    ]


def _check_manifest(ruleset: Ruleset) -> list[Problem]:
    manifest = ruleset.manifest
    problems = []
    if not _KEBAB.match(manifest.id):
        problems.append(
            Problem(
                "$.manifest.id", f"{shown(manifest.id)} must be kebab-case, e.g. 'modern-work'", code=codes.ID_FORMAT
            )
        )
    if manifest.effective_until is not None and manifest.effective_until < manifest.effective_from:
        problems.append(
            Problem(
                "$.manifest.effective_until",
                f"{manifest.effective_until} is before effective_from ({manifest.effective_from})",
                code=codes.EFFECTIVE_DATE_ORDER,
            )
        )
    for index, (earlier, later) in enumerate(itertools.pairwise(manifest.badges), start=1):
        if later.since <= earlier.since:
            problems.append(
                Problem(
                    f"$.manifest.badges[{index}].since",
                    f"{later.since} is not after the badge before it ({earlier.since})",
                    "list badges earliest first, one per day",
                    code=codes.EFFECTIVE_DATE_ORDER,
                )
            )
    return problems


def _check_certifications(ruleset: Ruleset) -> list[Problem]:
    problems = []
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for index, cert in enumerate(ruleset.certifications):
        where = f"$.certifications[{index}]"
        if cert.id in ids:
            problems.append(
                Problem(f"{where}.id", f"certification id {shown(cert.id)} is used twice", code=codes.DUPLICATE_ID)
            )
        ids.add(cert.id)
        if not _KEBAB.match(cert.id):
            problems.append(
                Problem(
                    f"{where}.id",
                    f"{shown(cert.id)} must be kebab-case, e.g. 'teams-administrator-associate'",
                    code=codes.ID_FORMAT,
                )
            )
        problems += _spelling_problems(
            where,
            cert.id,
            (cert.name, *cert.aliases),
            owner,
            empty="a certification name cannot be empty",
            named="certification",
            hint="an alias must name one certification; remove it from one of them",
        )
        if cert.retired is not None and cert.eligible_through is not None and cert.eligible_through < cert.retired:
            problems.append(
                Problem(
                    f"{where}.eligible_through",
                    f"{cert.eligible_through} is before the certification retired ({cert.retired})",
                    code=codes.CERTIFICATION_DATES,
                )
            )
    return problems


def _spelling_problems(
    where: str,
    item_id: str,
    spellings: tuple[str, ...],
    owner: dict[str, str],
    *,
    empty: str,
    named: str,
    hint: str | None = None,
) -> list[Problem]:
    """Empty spellings (name and aliases) of the item at *where*, and those another item already has.

    *owner* maps each spelling seen so far (normalised) to its item's id; the
    item's own spellings are added to it.
    """
    problems = []
    for offset, spelling in enumerate(spellings):
        spot = f"{where}.name" if offset == 0 else f"{where}.aliases[{offset - 1}]"
        key = normalise_name(spelling)
        if not key:
            problems.append(Problem(spot, empty, code=codes.INVALID_VALUE))
        elif owner.get(key, item_id) != item_id:
            message = f"{shown(spelling)} already names {named} {shown(owner[key])}"
            problems.append(Problem(spot, message, hint, code=codes.DUPLICATE_ALIAS))
        owner.setdefault(key, item_id)
    return problems


def _check_metrics(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    cert_ids = [cert.id for cert in ruleset.certifications]
    for index, metric in enumerate(ruleset.metrics):
        where = f"$.metrics[{index}]"
        if metric.id in seen:
            problems.append(
                Problem(f"{where}.id", f"metric id {shown(metric.id)} is used twice", code=codes.DUPLICATE_ID)
            )
        seen.add(metric.id)
        if not _SNAKE.match(metric.id):
            problems.append(
                Problem(
                    f"{where}.id", f"{shown(metric.id)} must be snake_case, e.g. 'usage_growth'", code=codes.ID_FORMAT
                )
            )
        if metric.max_points <= 0:
            problems.append(Problem(f"{where}.max_points", "must be more than 0", code=codes.INVALID_VALUE))
        problems += _check_source(where, metric, cert_ids, unread)
    units = [metric.cost_unit for metric in ruleset.metrics]
    for index, metric in enumerate(ruleset.metrics):
        if metric.unit is not None and not _SNAKE.match(metric.unit):
            problems.append(
                Problem(f"$.metrics[{index}].unit", f"{shown(metric.unit)} must be snake_case", code=codes.ID_FORMAT)
            )
        if units.count(metric.cost_unit) > 1:
            problems.append(
                Problem(
                    f"$.metrics[{index}]", f"unit {shown(metric.cost_unit)} names two metrics", code=codes.DUPLICATE_ID
                )
            )
    if len(set(ruleset.levels())) != len(ruleset.levels()):  # a set's rule and cost unit are named after it
        problems.append(
            Problem("$.metrics", "two certified_people metrics count the same level", code=codes.METRIC_DEFINITION)
        )
    return problems


def _check_paths(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    problems = []
    metric_ids = [metric.id for metric in ruleset.metrics]
    seen: set[str] = set()
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        if path.id in seen:
            problems.append(Problem(f"{where}.id", f"path id {shown(path.id)} is used twice", code=codes.DUPLICATE_ID))
        seen.add(path.id)
        if not _SNAKE.match(path.id):
            problems.append(
                Problem(f"{where}.id", f"{shown(path.id)} must be snake_case, e.g. 'smb'", code=codes.ID_FORMAT)
            )
        for metric_id, scored in path.metrics.items():
            spot = f"{where}.metrics.{metric_id}"
            if metric_id not in metric_ids:
                if not unread.unusable("metrics", metric_id):
                    problems.append(
                        Problem(spot, "unknown metric", _suggest(metric_id, metric_ids), code=codes.UNKNOWN_METRIC)
                    )
                continue
            problems += _check_terms(spot, ruleset, ruleset.metric(metric_id), scored, unread)
        if not path.metrics:
            problems.append(Problem(f"{where}.metrics", "a path scores at least one metric", code=codes.MISSING_TARGET))
    if not ruleset.paths:
        problems.append(Problem("$.paths", "a ruleset needs at least one path", code=codes.MISSING_KEY))
    return problems


def _check_path_customers(
    ruleset: Ruleset, derived: list[MetricSpec], type_ids: list[str], unread: Unread
) -> list[Problem]:
    problems = []
    path_ids = [path.id for path in ruleset.paths]
    for index, path in enumerate(ruleset.paths):
        where = f"$.paths[{index}]"
        spec = path.customers
        if spec is None:
            if derived:
                problems.append(
                    Problem(
                        where,
                        f"the path needs customers (its seat band and association types): "
                        f"{derived[0].id} is measured from customer data",
                        "add e.g. 'customers: {min_seats: 301, association_types: [cpor, dpor]}'",
                        code=_CUSTOMERS,
                    )
                )
            continue
        spot = f"{where}.customers"
        if spec.min_seats < 1:
            problems.append(Problem(f"{spot}.min_seats", "must be at least 1", code=codes.INVALID_VALUE))
        if spec.max_seats is not None and spec.max_seats < spec.min_seats:
            problems.append(
                Problem(f"{spot}.max_seats", f"is below min_seats ({spec.min_seats})", code=codes.INVALID_VALUE)
            )
        if not spec.association_types:
            problems.append(Problem(f"{spot}.association_types", "list at least one association type", code=_CUSTOMERS))
        for position, type_id in enumerate(spec.association_types):
            if type_id not in type_ids:
                problems.append(
                    Problem(
                        f"{spot}.association_types[{position}]",
                        "not an association type of customer_data",
                        _suggest(type_id, type_ids),
                        code=_CUSTOMERS,
                    )
                )
        if (
            spec.carry_over_from is not None
            and (spec.carry_over_from not in path_ids or spec.carry_over_from == path.id)
            and not unread.unusable("paths", spec.carry_over_from)
        ):
            problems.append(
                Problem(
                    f"{spot}.carry_over_from",
                    "not another path of the ruleset",
                    _suggest(spec.carry_over_from, [other for other in path_ids if other != path.id]),
                    code=codes.UNKNOWN_PATH,
                )
            )
        for metric in derived:
            scored = path.metrics.get(metric.id)
            if metric.source.parts is None or scored is None:
                continue
            for position, term in enumerate(scored.terms):
                option = term.of
                if option is not None and option not in spec.association_types:
                    problems.append(
                        Problem(
                            f"{where}.metrics.{metric.id}.terms[{position}].of",
                            f"{metric.id} is measured from customer data per association type, and {shown(option)} "
                            f"is not one of the path's ({', '.join(spec.association_types)})",
                            code=_CUSTOMERS,
                        )
                    )
    return problems


def _check_workloads(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    problems = []
    customer_metrics = [metric.id for metric in ruleset.metrics if metric.source.people is None]
    owner: dict[str, str] = {}
    for index, workload in enumerate(ruleset.workloads):
        where = f"$.workloads[{index}]"
        for offset, spelling in enumerate((workload.name, *workload.aliases)):
            spot = f"{where}.name" if offset == 0 else f"{where}.aliases[{offset - 1}]"
            key = normalise_name(spelling)
            if not key:
                problems.append(Problem(spot, "a workload name cannot be empty", code=codes.INVALID_VALUE))
            elif key in owner:
                problems.append(
                    Problem(
                        spot,
                        f"workload {shown(spelling)} is listed twice"
                        + ("" if owner[key] == workload.name else f" (also under {shown(owner[key])})"),
                        code=codes.DUPLICATE_ID,
                    )
                )
            owner.setdefault(key, workload.name)
        for position, metric_id in enumerate(workload.metrics or ()):
            if metric_id not in customer_metrics and not unread.unusable("metrics", metric_id):
                problems.append(
                    Problem(
                        f"{where}.metrics[{position}]",
                        f"{shown(metric_id)} is not a metric measured from customer data",
                        _suggest(metric_id, customer_metrics),
                        code=codes.UNKNOWN_METRIC,
                    )
                )
    if len(ruleset.workloads) > MAX_WORKLOADS:
        problems.append(
            Problem("$.workloads", f"{len(ruleset.workloads)} workloads: at most {MAX_WORKLOADS}", code=_CUSTOMERS)
        )
    return problems


#: The most workloads a ruleset lists, and the finest deployment share: with
#: at most 10^9 seats per row, a tenant's paid seats times the share's
#: numerator stay below 2^53, so the engine compares deployments exactly.
MAX_WORKLOADS = 1000
MAX_SHARE_DENOMINATOR = 1000
#: The most months reference_month_lag, months_back and new_association_months
#: may count (Microsoft's are 1, 12 and 12): the months measured are read from
#: the customer data, and a month must stay a YYYY-MM month.
MAX_CUSTOMER_MONTHS = 120
_CUSTOMERS = codes.CUSTOMER_DATA_DEFINITION


def _check_customer_data(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    problems = []
    derived = [(index, metric) for index, metric in enumerate(ruleset.metrics) if metric.from_customers is not None]
    for index, metric in derived:
        assert metric.from_customers is not None  # noqa: S101 - selected above
        needs = FROM_CUSTOMERS_MEASURE[metric.from_customers]
        if metric.measure != needs:
            problems.append(
                Problem(
                    f"$.metrics[{index}].from_customers",
                    f"{metric.from_customers} measures a {needs} metric, not a {metric.measure} one",
                    code=codes.METRIC_DEFINITION,
                )
            )
    data = ruleset.customer_data
    if data is None:
        if derived:
            problems.append(
                Problem(
                    f"$.metrics[{derived[0][0]}].from_customers",
                    "a metric measured from customer data needs the ruleset's customer_data",
                    "add customer_data with the association types and the deployment share",
                    code=_CUSTOMERS,
                )
            )
        return problems
    type_ids: list[str] = []
    owner: dict[str, str] = {}
    for index, kind in enumerate(data.association_types):
        where = f"$.customer_data.association_types[{index}]"
        if not _SNAKE.match(kind.id):
            problems.append(
                Problem(f"{where}.id", f"{shown(kind.id)} must be snake_case, e.g. 'cpor'", code=codes.ID_FORMAT)
            )
        if kind.id in type_ids:
            problems.append(
                Problem(f"{where}.id", f"association type {shown(kind.id)} is listed twice", code=codes.DUPLICATE_ID)
            )
        type_ids.append(kind.id)
        problems += _spelling_problems(
            where,
            kind.id,
            (kind.name, *kind.aliases),
            owner,
            empty="an association type's name cannot be empty",
            named="association type",
        )
    if not data.association_types:
        problems.append(
            Problem("$.customer_data.association_types", "list at least one association type", code=_CUSTOMERS)
        )
    for key, least in (("reference_month_lag", 0), ("months_back", 1), ("new_association_months", 1)):
        months = getattr(data, key)
        if months < least:
            problems.append(Problem(f"$.customer_data.{key}", f"must be at least {least}", code=codes.INVALID_VALUE))
        elif months > MAX_CUSTOMER_MONTHS:
            problems.append(
                Problem(
                    f"$.customer_data.{key}",
                    f"{months:,} months: at most {MAX_CUSTOMER_MONTHS} (ten years)",
                    "each month counted is read from the customer data; see docs/limits.md",
                    code=codes.LIMIT,
                )
            )
    share = data.deployment_share
    if not 0 < share <= 1:
        problems.append(
            Problem("$.customer_data.deployment_share", "must be more than 0 and at most 1", code=codes.INVALID_VALUE)
        )
    elif share.denominator > MAX_SHARE_DENOMINATOR:
        problems.append(
            Problem(
                "$.customer_data.deployment_share",
                f"too fine to compare exactly: a share in thousandths at most (0.4, 0.375), not {float(share)}",
                code=codes.POINTS_TOO_FINE,
            )
        )
    problems += _check_path_customers(ruleset, [metric for _, metric in derived], type_ids, unread)
    if derived and not ruleset.workloads:
        problems.append(
            Problem("$.workloads", "metrics measured from customer data need the eligible workloads", code=_CUSTOMERS)
        )
    return problems


#: The longest attainment window a ruleset may set
MAX_WINDOW_MONTHS = 24


def _check_scoring(ruleset: Ruleset, unread: Unread) -> list[Problem]:
    problems = []
    scoring = ruleset.scoring
    # A metric not read would be missing from the sum of maxima
    for index, path in enumerate(ruleset.paths if unread.whole("metrics") else ()):
        maxima = sum(path_maxima(ruleset, path.id).values(), Fraction(0))
        total = scoring.total_points if path.total_points is None else path.total_points
        where = "$.scoring.total_points" if path.total_points is None else f"$.paths[{index}].total_points"
        mismatch = Problem(
            where,
            # in full: rounded, 100.000000001 would read as 100
            f"the metrics' max_points add up to {_exact(maxima)}, not {_exact(total)}"
            + ("" if path.total_points is None and len(path.metrics) == len(ruleset.metrics) else f" on {path.id}"),
            f"set total_points to {_exact(maxima)}, or correct a metric's max_points",
            code=codes.MAXIMA_MISMATCH,
        )
        if maxima != total and mismatch not in problems:
            problems.append(mismatch)
    for index, path in enumerate(ruleset.paths):
        if path.min_total_points is not None and not 0 < path.min_total_points <= (
            path.total_points or scoring.total_points
        ):
            problems.append(
                Problem(
                    f"$.paths[{index}].min_total_points",
                    f"must be more than 0 and at most {_num(path.total_points or scoring.total_points)}",
                    code=codes.THRESHOLD_OUT_OF_RANGE,
                )
            )
    if not 0 < scoring.min_total_points <= scoring.total_points:
        problems.append(
            Problem(
                "$.scoring.min_total_points",
                f"must be more than 0 and at most {_num(scoring.total_points)}",
                code=codes.THRESHOLD_OUT_OF_RANGE,
            )
        )
    if scoring.min_metric_points < 0:
        problems.append(Problem("$.scoring.min_metric_points", "cannot be negative", code=codes.THRESHOLD_OUT_OF_RANGE))
    reported: set[tuple[str, str]] = set()
    for index, path in enumerate(ruleset.paths):
        most = path_maxima(ruleset, path.id)
        for metric_id, scored in path.metrics.items():
            if metric_id not in most:
                continue
            least = scoring.min_metric_points if scored.min_points is None else scored.min_points
            where = (
                "$.scoring.min_metric_points"
                if scored.min_points is None
                else f"$.paths[{index}].metrics.{metric_id}.min_points"
            )
            if (where, metric_id) in reported:
                continue
            if least > most[metric_id]:
                message, suggestion = f"more than the {_num(most[metric_id])} points {shown(metric_id)} can earn", None
            elif scored.terms and least > (earned := most_earned(scored, most[metric_id])):
                # the path could never pass: its terms' caps (or gates' points) stop below the minimum
                message = f"more than the {_num(earned)} points the terms of {shown(metric_id)} on {path.id} can earn"
                suggestion = "raise a term's cap, or lower the minimum"
            else:
                continue
            reported.add((where, metric_id))
            problems.append(Problem(where, message, suggestion, code=codes.THRESHOLD_OUT_OF_RANGE))
    if not 1 <= scoring.window_months <= MAX_WINDOW_MONTHS:
        problems.append(
            Problem(
                "$.scoring.window_months",
                f"must be a whole number of months from 1 to {MAX_WINDOW_MONTHS}, not {shown(scoring.window_months)}",
                "Microsoft's window is the current month and the five before it: window_months: 6",
                code=codes.THRESHOLD_OUT_OF_RANGE,
            )
        )
    path_ids = [path.id for path in ruleset.paths]
    if scoring.path_preference is None:  # the paths as listed
        return problems
    preference = list(scoring.path_preference)
    for index, path_id in enumerate(preference):
        if path_id not in path_ids and not unread.unusable("paths", path_id):
            problems.append(
                Problem(
                    f"$.scoring.path_preference[{index}]",
                    "unknown path",
                    _suggest(path_id, path_ids),
                    code=codes.UNKNOWN_PATH,
                )
            )
    missing = [path_id for path_id in path_ids if path_id not in preference]
    if missing or len(set(preference)) != len(preference):
        problems.append(
            Problem(
                "$.scoring.path_preference",
                f"must list every path exactly once: {path_ids}",
                code=codes.UNKNOWN_PATH if missing else codes.DUPLICATE_ID,
            )
        )
    return problems

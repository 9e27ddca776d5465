"""Compile a ruleset into forward-chaining rules for the engine.

The rules chain like this, one stage per priority (lower fires first):

0. ``certified:<level>`` fires once per eligible certification of the
   level that someone holds, valid on the evaluation date; the fact lists its
   holders, and each of them counts once at the level (the trace has a step
   per person).
1. For the metrics measured from customer data: ``eligible:<path>:<group>``
   fires per tenant fact (a tenant, a group of metrics with the same
   workloads, a month compared) with a workload in the path's seat band, and
   ``eligible-carried-over:...`` per tenant eligible through the carry-over;
   each asserts an ``eligible`` fact.
2. On those: ``counted:<path>:<metric>[:<type>]`` (the tenant counts, or
   adds its active users), ``usage-before-association:...`` (takes away the
   usage a new association found), ``deployed:...`` and ``excluded:...``
   (a deployment, or one already there when the association started).
3. ``measure:<path>:<metric>`` adds up what stage 2 counted into the
   metric's measure and asserts it as the input a partner would have given.
4. ``points:<path>:<metric>`` turns a metric's measure (the partner's
   number, its best association option, or the people counted at a level)
   into points, and asserts a ``points`` fact.
5. ``total:<path>`` joins the five ``points`` facts of a path into a total.
6. ``passes:<path>`` or ``falls-short:<path>`` compares the total and the
   weakest metric with the pass rule, and asserts the path's verdict.
7. ``verdict`` joins the path verdicts into the partner's verdict.

Nothing here knows Modern Work: levels, metrics, options, targets and
thresholds all come from the ruleset. Points are kept as integers in units of
1/``denominator`` of a point, a denominator chosen so that every reachable
score is a whole number of units: the engine then compares exact integers,
never floats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from .._evaluation import engine as _engine
from ..errors import Closest, NearMisses, RulesetError
from ..ruleset import MetricSpec, Ruleset, check, normalise_name, points_denominator
from ..verdict import MetricResult, PathResult, format_points


#: How alike an unknown certification name and a spelling must be (difflib's ratio) to be suggested
_HINT_CUTOFF = 0.6
(
    STAGE_PEOPLE,
    STAGE_ELIGIBLE,
    STAGE_COUNTED,
    STAGE_MEASURE,
    STAGE_POINTS,
    STAGE_TOTAL,
    STAGE_PASS,
    STAGE_VERDICT,
) = range(8)
_CUSTOMER_STAGES = frozenset({STAGE_ELIGIBLE, STAGE_COUNTED, STAGE_MEASURE})


@attrs.frozen
class CompiledRules:
    """A ruleset, ready to run: the engine's rules and what the actions need."""

    ruleset: Ruleset
    #: The rules, less those of customer data: all a partner without customers can fire
    engine: _engine.CompiledRuleset
    #: Every rule, for a partner that gives customer data (None: the ruleset has no customer data)
    customer_engine: _engine.CompiledRuleset | None
    denominator: int
    descriptions: Mapping[str, str]
    aliases: Mapping[str, str]  # each spelling, as written and normalised -> certification id
    #: The certification id a name spells (through the aliases, case and spaces ignored), or None
    resolve: Callable[[str], str | None] = attrs.field(init=False)
    #: The "did you mean" search over the spellings, prepared at its first use (a list of one)
    _closest: list[Closest] = attrs.field(init=False, factory=list, eq=False, repr=False)

    def engine_for(self, customers: bool) -> _engine.CompiledRuleset:
        """The rules to run for a partner with or without customer data.

        Without customer data, the customer rules cannot fire (no tenant
        fact exists): leaving them out spares the engine a third of its
        rules at every fact, and their registration at start-up.
        """
        return self.customer_engine if customers and self.customer_engine is not None else self.engine

    def release(self) -> None:
        """Free the engine's copies of these rules."""
        self.engine.release()
        if self.customer_engine is not None:
            self.customer_engine.release()

    @resolve.default
    def _resolver(self) -> Callable[[str], str | None]:
        aliases = self.aliases

        def resolve(name: str) -> str | None:
            return aliases.get(name) or aliases.get(normalise_name(name))

        return resolve

    def near_misses(self) -> NearMisses:
        """A "did you mean" search over the certifications' spellings, for one evaluation or download.

        The spellings are prepared once per ruleset and shared; the searcher,
        made afresh for each evaluation, answers the first
        :data:`~mwrules.errors.SUGGESTIONS` distinct names.
        """
        if not self._closest:
            spellings = sorted(
                {spelling for cert in self.ruleset.certifications for spelling in (cert.name, *cert.aliases)}
            )
            self._closest.append(Closest(spellings, cutoff=_HINT_CUTOFF))
        return NearMisses(self._closest[0])


def compile_ruleset(ruleset: Ruleset) -> CompiledRules:
    """The engine rules for *ruleset*, registered under a name unique in this process.

    Raises:
        RulesetError: *ruleset* fails a check of :func:`mwrules.load_ruleset`
            (a Ruleset built in Python has not been through them; one read
            from a file was checked when it was read).
    """
    problems = [] if ruleset.checked else check(ruleset)
    if problems:
        raise RulesetError(problems)
    denominator = points_denominator(ruleset)
    builder = _Builder(ruleset, denominator)
    rules = builder.rules()
    name = _engine.unique_name(f"{ruleset.id}@{ruleset.version}")
    plain = [rule for rule in rules if rule.priority not in _CUSTOMER_STAGES]
    aliases = {
        key: cert.id
        for cert in ruleset.certifications
        for spelling in (cert.name, *cert.aliases)
        for key in (spelling, normalise_name(spelling))
    }
    # The customer rules are registered when a partner with customer data is first evaluated
    customer_engine = (
        _engine.CompiledRuleset(f"{name}+customers", rules, register=False) if len(plain) < len(rules) else None
    )
    return CompiledRules(
        ruleset, _engine.CompiledRuleset(name, plain), customer_engine, denominator, builder.descriptions, aliases
    )


_EXTRA_STEPS = "extra_steps"


def trace_step(session: _engine.Session) -> int:
    """The trace's step number of the firing now running: a level's certified firings are a step per person."""
    extra: int = session.scratch.get(_EXTRA_STEPS, 0)
    return len(session.firings) + extra


def _counted(session: _engine.Session, level: str) -> tuple[str, ...]:
    """The people counted at *level*, by id: sorted once, for every path that counts them."""
    counted: dict[str, tuple[str, ...]] = session.scratch.setdefault("counted", {})
    if level not in counted:
        people = session.scratch["people"]
        counted[level] = tuple(sorted([people[index].id for index in session.scratch["certified"][level]]))
    return counted[level]


def points_for(measure: int, max_points: Fraction, target: int) -> tuple[Fraction, bool]:
    """Points in proportion to *measure*, 0 if negative, capped at *max_points*.

    Returns the points and whether the cap applied.
    """
    # max_points and target are above 0 (checked when the ruleset loaded):
    # compare the measure with the target, not fractions
    if measure > target:
        return max_points, True
    if measure <= 0:
        return _ZERO, False
    return Fraction(measure * max_points.numerator, max_points.denominator * target), False


_ZERO = Fraction(0)


class _Builder:
    """Builds the rules and their actions for one ruleset."""

    def __init__(self, ruleset: Ruleset, denominator: int) -> None:
        self.ruleset = ruleset
        self.denominator = denominator
        self.descriptions: dict[str, str] = {}

    def rules(self) -> list[_engine.Rule]:
        rules = [self._certified(level) for level in self.ruleset.levels()]
        if self.ruleset.customer_data is not None:
            customers = _CustomerRules(self)
            for path in self.ruleset.paths:
                for group, metric_ids in self.ruleset.workload_groups():
                    rules.extend(customers.eligible_rules(path.id, group, metric_ids))
                for metric in self.ruleset.derived_metrics():
                    rules.extend(customers.rules(path.id, metric))
        for path in self.ruleset.paths:
            rules.extend(self._points(path.id, metric) for metric in self.ruleset.metrics)
            rules.append(self._total(path.id))
            rules.extend(self._pass_rules(path.id))
        rules.append(self._verdict())
        return rules

    def rule(
        self, name: str, description: str, when: list[dict[str, Any]], stage: int, action: _engine.Action
    ) -> _engine.Rule:
        self.descriptions[name] = description
        return _engine.Rule(name, {"all": when}, stage, action)

    # stage 0: people ---------------------------------------------------------

    def _certified(self, level: str) -> _engine.Rule:
        eligible = sorted(self.ruleset.level_metric(level).certifications)
        # A certification fact names one certification, so the branches of
        # this $or exclude each other and the rule fires once per fact.
        pattern = {"$and": [{"t": "certification"}, {"$or": [{"certification": cert} for cert in eligible]}]}

        def certified(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            # A certification fact lists everyone holding it, by place in the
            # partner's people (_evaluate._facts). A person counts once at the
            # level however many of its certifications they hold, and the
            # trace has one step per person (at the rule's first firing).
            fact = matched["certification"]
            counted = session.scratch["certified"][level]
            before = len(counted)
            counted.update(fact["_holders"])
            session.scratch[_EXTRA_STEPS] = session.scratch.get(_EXTRA_STEPS, 0) + len(counted) - before - 1
            return {"level": level, "through": [fact["certification"]]}

        # Certification facts name only the certifications valid on the
        # evaluation date, retired ones only through their eligible_through
        # date: see _evaluate._facts. (A date condition per retired
        # certification, as an "or" in this rule, would fire once per
        # matching branch.)
        limits = "; ".join(
            f"{cert_id} counts through {self.ruleset.certification(cert_id).eligible_through}"
            for cert_id in eligible
            if self.ruleset.certification(cert_id).eligible_through is not None
        )
        return self.rule(
            f"certified:{level}",
            f"a person holding an eligible {level} certification, valid on the evaluation date, counts once at "
            f"{level}" + (f" ({limits})" if limits else ""),
            [{"certification": pattern}],
            STAGE_PEOPLE,
            certified,
        )

    # stage 1: points ------------------------------------------------------------

    def _points(self, path_id: str, metric: MetricSpec) -> _engine.Rule:
        target = self.ruleset.path(path_id).targets[metric.id]
        name = f"points:{path_id}:{metric.id}"
        if metric.measure == "certified_people":
            assert isinstance(target, int)  # noqa: S101 - checked when the ruleset loaded
            level = metric.level
            assert level is not None  # noqa: S101 - a certified_people metric has a level (checked on load)
            when = [{"level": {"$and": [{"t": "level"}, {"level": level}]}}]
            description = (
                f"{metric.id} on {path_id}: {format_points(metric.max_points / target)} points per person "
                f"certified at {level}, up to {format_points(metric.max_points)} ({target} people)"
            )

            def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
                people = _counted(session, level)
                points, capped = points_for(len(people), metric.max_points, target)
                return self._record(
                    session,
                    path_id,
                    metric,
                    points,
                    inputs={"people": len(people)},
                    option=None,
                    capped=capped,
                    people=people,
                )

        elif metric.measure == "count":
            assert isinstance(target, int)  # noqa: S101
            when = [{"value": _input_pattern(path_id, metric.id, None)}]
            description = (
                f"{metric.id} on {path_id}: {format_points(metric.max_points / target)} points per unit, "
                f"up to {format_points(metric.max_points)} ({target})"
            )

            def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
                value = matched["value"]["value"]
                points, capped = points_for(value, metric.max_points, target)
                return self._record(
                    session,
                    path_id,
                    metric,
                    points,
                    inputs={"value": value},
                    option=None,
                    capped=capped,
                    derived="derived" in matched["value"],
                )

        else:
            assert isinstance(target, Mapping)  # noqa: S101
            options = dict(target)
            when = [{f"option_{option}": _input_pattern(path_id, metric.id, option)} for option in options]
            description = (
                f"{metric.id} on {path_id}: each association option scores in proportion to its target ("
                + ", ".join(f"{option} {amount}" for option, amount in options.items())
                + f" for {format_points(metric.max_points)} points); the best option counts"
            )

            def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
                values = {option: matched[f"option_{option}"]["value"] for option in options}
                scored = {option: points_for(values[option], metric.max_points, options[option]) for option in options}
                # the best option; on a tie the first listed in the ruleset
                best = max(options, key=lambda option: scored[option][0])
                points, capped = scored[best]
                derived = "derived" in matched[f"option_{best}"]
                return self._record(
                    session, path_id, metric, points, inputs=values, option=best, capped=capped, derived=derived
                )

        return self.rule(name, description, when, STAGE_POINTS, measure)

    def _record(
        self,
        session: _engine.Session,
        path_id: str,
        metric: MetricSpec,
        points: Fraction,
        *,
        inputs: dict[str, int],
        option: str | None,
        capped: bool,
        people: tuple[str, ...] = (),
        derived: bool = False,
    ) -> dict[str, Any]:
        units, rest = divmod(points.numerator * self.denominator, points.denominator)
        assert rest == 0  # noqa: S101 - the denominator makes every score whole
        session.scratch["metrics"][path_id][metric.id] = MetricResult(
            metric=metric.id,
            points=points,
            max=metric.max_points,
            inputs=inputs,
            option=option,
            capped=capped,
            people=people,
            derived=derived,
            rule=f"points:{path_id}:{metric.id}",
            step=trace_step(session),
        )
        session.assert_fact({"t": "points", "path": path_id, "metric": metric.id, "units": units})
        concluded: dict[str, Any] = {"path": path_id, "metric": metric.id, "points": str(points), **inputs}
        if option is not None:
            concluded["option"] = option
        if capped:
            concluded["capped_at"] = str(metric.max_points)
        return concluded

    # stage 2: totals ------------------------------------------------------------

    def _total(self, path_id: str) -> _engine.Rule:
        metric_ids = [metric.id for metric in self.ruleset.metrics]
        when = [
            {metric_id: {"$and": [{"t": "points"}, {"path": path_id}, {"metric": metric_id}]}}
            for metric_id in metric_ids
        ]

        def total(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            units = [matched[metric_id]["units"] for metric_id in metric_ids]
            session.assert_fact({"t": "total", "path": path_id, "units": sum(units), "lowest": min(units)})
            score = Fraction(sum(units), self.denominator)
            return {"path": path_id, "score": str(score)}

        return self.rule(
            f"total:{path_id}", f"the score on {path_id} is the sum of its metrics' points", when, STAGE_TOTAL, total
        )

    # stage 3: pass rule -------------------------------------------------------

    def _pass_rules(self, path_id: str) -> list[_engine.Rule]:
        scoring = self.ruleset.scoring
        at_least_total = int(scoring.min_total_points * self.denominator)
        at_least_each = int(scoring.min_metric_points * self.denominator)
        path_fact = [{"t": "total"}, {"path": path_id}]
        passes = {"$and": [*path_fact, {"$gte": {"units": at_least_total}}, {"$gte": {"lowest": at_least_each}}]}
        # The two branches of the "or" exclude each other: durable_rules fires
        # once per matching branch, and a path short on both counts must fail once.
        short_in_total = {"$lt": {"units": at_least_total}}
        short_in_a_metric = {"$and": [{"$gte": {"units": at_least_total}}, {"$lt": {"lowest": at_least_each}}]}
        falls_short = {"$and": [*path_fact, {"$or": [short_in_total, short_in_a_metric]}]}

        def conclude(qualified: bool) -> _engine.Action:
            def action(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
                score = Fraction(matched["total"]["units"], self.denominator)  # the metrics' points, summed
                shortfalls = () if qualified else self._shortfalls(session, path_id, score)
                metrics = session.scratch["metrics"][path_id]
                session.scratch["paths"][path_id] = PathResult(
                    path=path_id,
                    score=score,
                    qualified=qualified,
                    metrics={metric.id: metrics[metric.id] for metric in self.ruleset.metrics},
                    shortfalls=shortfalls,
                    rule=f"{'passes' if qualified else 'falls-short'}:{path_id}",
                    step=trace_step(session),
                )
                session.assert_fact({"t": "path_verdict", "path": path_id, "qualified": qualified})
                return {
                    "path": path_id,
                    "qualified": qualified,
                    **({"shortfalls": list(shortfalls)} if shortfalls else {}),
                }

            return action

        rule_text = (
            f"{path_id} qualifies with at least {format_points(scoring.min_total_points)} points in total "
            f"and at least {format_points(scoring.min_metric_points)} in every metric"
        )
        return [
            self.rule(f"passes:{path_id}", rule_text, [{"total": passes}], STAGE_PASS, conclude(True)),
            self.rule(f"falls-short:{path_id}", rule_text, [{"total": falls_short}], STAGE_PASS, conclude(False)),
        ]

    def _shortfalls(self, session: _engine.Session, path_id: str, total: Fraction) -> tuple[str, ...]:
        scoring = self.ruleset.scoring
        metrics: dict[str, MetricResult] = session.scratch["metrics"][path_id]
        reasons = []
        for metric in self.ruleset.metrics:
            result = metrics[metric.id]
            if result.points < scoring.min_metric_points:
                reasons.append(
                    f"{metric.id} on {path_id}: {format_points(result.points)} points, "
                    f"needs at least {format_points(scoring.min_metric_points)}: {_why_low(metric, result)}"
                )
        if total < scoring.min_total_points:
            reasons.append(
                f"total on {path_id}: {format_points(total)} points, needs at least "
                f"{format_points(scoring.min_total_points)} ({format_points(scoring.min_total_points - total)} short)"
            )
        return tuple(reasons)

    # stage 4: the partner's verdict ----------------------------------------------

    def _verdict(self) -> _engine.Rule:
        path_ids = list(self.ruleset.scoring.path_preference)
        when = [{path_id: {"$and": [{"t": "path_verdict"}, {"path": path_id}]}} for path_id in path_ids]

        def verdict(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            paths: dict[str, PathResult] = session.scratch["paths"]
            qualifying = [path_id for path_id in path_ids if paths[path_id].qualified]
            candidates = qualifying or path_ids
            # max() keeps the first of equal scores: ties go to the preferred path
            chosen = max(candidates, key=lambda path_id: paths[path_id].score)
            session.scratch["verdict"] = (bool(qualifying), chosen)
            return {"qualified": bool(qualifying), "path": chosen, "score": str(paths[chosen].score)}

        return self.rule(
            "verdict",
            "the partner qualifies when any path does; the reported path is the best qualifying path, "
            "else the highest-scoring one (ties go to the earlier path in path_preference)",
            when,
            STAGE_VERDICT,
            verdict,
        )


class _CustomerRules:
    """The rules that measure a metric from customer data (stages 1 to 3; see the module docstring).

    Tenant facts come from :func:`mwrules._input.customers.customer_facts`. Each
    counted firing keeps its tenant's contribution in ``session.scratch``
    under the path and metric, and ``measure:`` adds them up.
    """

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder
        self.ruleset = builder.ruleset
        data = self.ruleset.customer_data
        assert data is not None  # noqa: S101 - built only for a ruleset with customer data
        self.data = data
        share = data.deployment_share
        self.share = share
        self.share_text = f"{float(share) * 100:g} %"

        self.group_of = {
            metric_id: group for group, metric_ids in self.ruleset.workload_groups() for metric_id in metric_ids
        }

    def eligible_rules(self, path_id: str, group: str, metric_ids: tuple[str, ...]) -> list[_engine.Rule]:
        """The rules that find the tenants eligible for *path_id*, for a group of metrics with the same workloads."""
        spec = self.ruleset.path(path_id).customers
        assert spec is not None  # noqa: S101 - every path has customers when a metric is measured from them
        rules = [self._eligible(path_id, group, metric_ids, carried_over=False)]
        if spec.carry_over_from is not None:
            rules.append(self._eligible(path_id, group, metric_ids, carried_over=True))
        return rules

    def rules(self, path_id: str, metric: MetricSpec) -> list[_engine.Rule]:
        """The rules that count the eligible tenants into *metric*'s measure on *path_id*."""
        rules = []
        if metric.from_customers == "tenants":
            rules.append(self._counted_tenant(path_id, metric))
        for option in self.ruleset.options(path_id, metric.id):
            if metric.from_customers == "active_users":
                rules += [self._counted_users(path_id, metric, option), self._usage_before(path_id, metric, option)]
            elif metric.from_customers == "deployed_tenants":
                rules += [self._deployed(path_id, metric, option, excluded=False)]
                rules += [self._deployed(path_id, metric, option, excluded=True)]
        rules.append(self._measure(path_id, metric))
        return rules

    # stage 1: eligible tenants ---------------------------------------------------

    def _band_text(self, path_id: str) -> str:
        spec = self.ruleset.path(path_id).customers
        assert spec is not None  # noqa: S101
        if spec.max_seats is None:
            return f"at least {spec.min_seats} paid seats"
        return f"{spec.min_seats} to {spec.max_seats} paid seats"

    def _eligible(self, path_id: str, group: str, metric_ids: tuple[str, ...], *, carried_over: bool) -> _engine.Rule:
        spec = self.ruleset.path(path_id).customers
        assert spec is not None  # noqa: S101
        # "measured": the path:metric pairs of the group measured from customer data (not given)
        pairs = [{"$i": f"{path_id}:{metric_id}"} for metric_id in metric_ids]
        # the same trailing test as certified:<level> (see there): an $iany must not end in an $or
        measured = pairs[0] if len(pairs) == 1 else {"$and": [{"$or": pairs}, {"$neq": {"$i": ""}}]}
        conditions: list[dict[str, Any]] = [{"t": "tenant"}, {"group": group}, {"$iany": {"measured": measured}}]
        counting = f"counting for {' and '.join(metric_ids)}"
        back = self.data.months_back
        if not carried_over:
            conditions.append(_in_band("seats", spec.min_seats, spec.max_seats))
            name = f"eligible:{path_id}:{group}"
            description = (
                f"a tenant is eligible for {path_id} in a month when one workload {counting} has "
                f"{self._band_text(path_id)} that month"
            )
        else:
            source = self.ruleset.path(spec.carry_over_from or "").customers
            assert source is not None  # noqa: S101
            conditions += [
                _not_in_band("seats", spec.min_seats, spec.max_seats),
                _in_band("seats", source.min_seats, source.max_seats),
                _in_band("before", spec.min_seats, spec.max_seats),
            ]
            name = f"eligible-carried-over:{path_id}:{group}"
            description = (
                f"a tenant eligible for {spec.carry_over_from} in a month "
                f"({self._band_text(spec.carry_over_from or '')}) that had {self._band_text(path_id)} on a workload "
                f"{counting} {back} months earlier is also eligible for {path_id} "
                "(the carry-over; it does not chain)"
            )

        def eligible(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            tenant = matched["tenant"]
            # what the later rules decide on; the tenant fact keeps the rest (the trace reads it there)
            fact = {key: value for key, value in tenant.items() if key not in _NOT_REPEATED and key[0] != "_"}
            fact["t"] = "eligible"
            fact["path"] = path_id
            session.assert_fact(fact, {"_tenant_fact": tenant})
            label = _tenant_label(session, tenant)
            label["path"] = path_id
            return label

        return self.builder.rule(name, description, [{"tenant": {"$and": conditions}}], STAGE_ELIGIBLE, eligible)

    # stage 2: counted tenants --------------------------------------------------------

    def _eligible_pattern(self, path_id: str, metric: MetricSpec, *more: dict[str, Any]) -> list[dict[str, Any]]:
        measured = {"$iany": {"measured": {"$i": f"{path_id}:{metric.id}"}}}
        group = {"group": self.group_of[metric.id]}
        return [{"eligible": {"$and": [{"t": "eligible"}, {"path": path_id}, group, measured, *more]}}]

    def _counted_tenant(self, path_id: str, metric: MetricSpec) -> _engine.Rule:
        spec = self.ruleset.path(path_id).customers
        assert spec is not None  # noqa: S101
        types = list(spec.association_types)
        names = ", ".join(self.ruleset.association_type(type_id).name for type_id in types)
        # the same trailing test as certified:<level> (see there): an $iany must not end in an $or
        any_type = {
            "$iany": {"types": {"$and": [{"$or": [{"$i": type_id} for type_id in types]}, {"$neq": {"$i": ""}}]}}
        }

        def counted(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            fact = matched["eligible"]
            sign = 1 if fact["month"] == 0 else -1
            _tally(session, path_id, metric.id, None).append(sign)
            through = [type_id for type_id in fact["types"] if type_id in types]
            return {**_tenant_label(session, fact), "through": through, "contribution": sign}

        return self.builder.rule(
            f"counted:{path_id}:{metric.id}",
            f"an eligible tenant with an active {names} association counts once for {metric.id} on {path_id}: "
            f"+1 in month M, -1 in month M-{self.data.months_back}",
            self._eligible_pattern(path_id, metric, any_type),
            STAGE_COUNTED,
            counted,
        )

    def _counted_users(self, path_id: str, metric: MetricSpec, option: str) -> _engine.Rule:
        name = self.ruleset.association_type(option).name

        def counted(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            fact = matched["eligible"]
            contribution = fact["active"] if fact["month"] == 0 else -fact["active"]
            _tally(session, path_id, metric.id, option).append(contribution)
            return {
                **_tenant_label(session, fact),
                "option": option,
                "active_users": fact["active"],
                "contribution": contribution,
            }

        return self.builder.rule(
            f"counted:{path_id}:{metric.id}:{option}",
            f"{option} option of {metric.id} on {path_id}: an eligible tenant with an active {name} association adds "
            f"its active users on the workloads counting for {metric.id} in month M, and takes away those of month "
            f"M-{self.data.months_back}",
            self._eligible_pattern(path_id, metric, {"$iany": {"types": {"$i": option}}}),
            STAGE_COUNTED,
            counted,
        )

    def _usage_before(self, path_id: str, metric: MetricSpec, option: str) -> _engine.Rule:
        window = self.data.new_association_months
        name = self.ruleset.association_type(option).name

        def before(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            fact = matched["eligible"]
            then = fact[f"start_active_{option}"]
            _tally(session, path_id, metric.id, option).append(-then)
            started = fact["_tenant_fact"][f"_start_{option}"]
            return {
                **_tenant_label(session, fact),
                "option": option,
                "association_started": started,
                "active_users_then": then,
                "contribution": -then,
            }

        return self.builder.rule(
            f"usage-before-association:{path_id}:{metric.id}:{option}",
            f"{option} option of {metric.id} on {path_id}: a tenant counted in month M whose {name} association "
            f"started in the last {window} months earns nothing for the usage it already had: its active users in the "
            "month the association started are taken away",
            self._eligible_pattern(
                path_id,
                metric,
                {"month": 0},
                {"$iany": {"types": {"$i": option}}},
                {"$lt": {f"start_{option}": window}},
            ),
            STAGE_COUNTED,
            before,
        )

    def _deployed(self, path_id: str, metric: MetricSpec, option: str, *, excluded: bool) -> _engine.Rule:
        window = self.data.new_association_months
        name = self.ruleset.association_type(option).name
        start, paid, active = f"start_{option}", f"start_paid_{option}", f"start_active_{option}"
        deployed_now = [{"$gt": {"paid": 0}}, _share_reached("active", "paid", self.share)]
        is_new = {"$lt": {start: window}}
        deployed_then = [{"$gt": {paid: 0}}, _share_reached(active, paid, self.share)]
        has_type = {"$iany": {"types": {"$i": option}}}
        if excluded:
            conditions = [has_type, *deployed_now, {"month": 0}, is_new, *deployed_then]
            rule = f"excluded:{path_id}:{metric.id}:{option}"
            description = (
                f"{option} option of {metric.id} on {path_id}: a tenant whose {name} association started in the last "
                f"{window} months and that was already deployed in the month it started is not a new deployment"
            )
        else:
            # Exactly one branch holds for a tenant that is counted (the engine fires once per matching branch).
            counted_when = {
                "$or": [
                    {"$neq": {"month": 0}},
                    {"$and": [{"month": 0}, {"$gte": {start: window}}]},
                    {"$and": [{"month": 0}, is_new, {paid: 0}]},
                    {"$and": [{"month": 0}, is_new, {"$gt": {paid: 0}}, _share_short(active, paid, self.share)]},
                ]
            }
            conditions = [has_type, *deployed_now, counted_when]
            rule = f"deployed:{path_id}:{metric.id}:{option}"
            description = (
                f"{option} option of {metric.id} on {path_id}: an eligible tenant with an active {name} association "
                f"is deployed when its active users are at least {self.share_text} of its paid seats (both summed over "
                f"the workloads counting for {metric.id}); it counts +1 in month M, "
                f"-1 in month M-{self.data.months_back}"
            )

        def deployed(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            fact = matched["eligible"]
            concluded = {
                **_tenant_label(session, fact),
                "option": option,
                "active_users": fact["active"],
                "paid_seats": fact["paid"],
            }
            if excluded:
                started = fact["_tenant_fact"][f"_start_{option}"]
                return {
                    **concluded,
                    "association_started": started,
                    "active_users_then": fact[active],
                    "paid_seats_then": fact[paid],
                }
            sign = 1 if fact["month"] == 0 else -1
            _tally(session, path_id, metric.id, option).append(sign)
            return {**concluded, "contribution": sign}

        return self.builder.rule(
            rule, description, self._eligible_pattern(path_id, metric, *conditions), STAGE_COUNTED, deployed
        )

    # stage 3: measures --------------------------------------------------------------

    def _measure(self, path_id: str, metric: MetricSpec) -> _engine.Rule:
        options = self.ruleset.options(path_id, metric.id) if metric.measure == "best_of_options" else (None,)
        back = self.data.months_back

        def measure(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
            concluded: dict[str, Any] = {"path": path_id, "metric": metric.id}
            for option in options:
                value = sum(_tally(session, path_id, metric.id, option))
                fact = {"t": "input", "path": path_id, "metric": metric.id, "value": value, "derived": True}
                if option is not None:
                    fact["option"] = option
                session.assert_fact(fact)
                concluded[option or "value"] = value
            return concluded

        what = {
            "tenants": "the eligible tenants counted in month M minus those counted in month M-{back}",
            "active_users": "per association type, the active users counted",
            "deployed_tenants": "per association type, the deployed tenants in month M minus those in month M-{back}",
        }[metric.from_customers or ""]
        return self.builder.rule(
            f"measure:{path_id}:{metric.id}",
            f"{metric.id} on {path_id}, measured from customer data: " + what.format(back=back),
            [{"derive": {"$and": [{"t": "derive"}, {"path": path_id}, {"metric": metric.id}]}}],
            STAGE_MEASURE,
            measure,
        )


# What an eligible fact does not repeat of its tenant fact: the engine's own
# keys, what only the eligible rules decide on, and what stays in Python
# (fields named _...: the trace reads them on the tenant fact). A smaller fact
# is a cheaper message for every later firing.
_NOT_REPEATED = frozenset({"id", "sid", "t", "seats", "before"})


def _tally(session: _engine.Session, path_id: str, metric_id: str, option: str | None) -> list[int]:
    tallies: dict[tuple[str, str, str | None], list[int]] = session.scratch.setdefault("tallies", {})
    return tallies.setdefault((path_id, metric_id, option), [])


def _tenant_label(session: _engine.Session, fact: Mapping[str, Any]) -> dict[str, Any]:
    """How the trace names a tenant and the month of a fact about it."""
    source = fact.get("_tenant_fact", fact)
    customer = session.scratch["customers"][source["_customer"]]
    label: dict[str, Any] = {"tenant": customer.tenant}
    if customer.name is not None:
        label["name"] = customer.name
    label["month"] = source["_month"]
    return label


def _in_band(field: str, least: int, most: int | None) -> dict[str, Any]:
    """Any of the seat counts in *field* from *least* through *most*."""
    if most is None:
        return {"$iany": {field: {"$gte": {"$i": least}}}}
    return {"$iany": {field: {"$and": [{"$gte": {"$i": least}}, {"$lte": {"$i": most}}]}}}


def _not_in_band(field: str, least: int, most: int | None) -> dict[str, Any]:
    """None of the seat counts in *field* from *least* through *most*."""
    if most is None:
        return {"$iall": {field: {"$lt": {"$i": least}}}}
    # a trailing test that always holds (seats are never negative): see certified:<level> on a final $or
    outside = {"$or": [{"$lt": {"$i": least}}, {"$gt": {"$i": most}}]}
    return {"$iall": {field: {"$and": [outside, {"$gte": {"$i": 0}}]}}}


def _shared(field: str, share: Fraction) -> dict[str, Any]:
    # field x numerator / denominator, divided as a float: exact here, since
    # field x numerator < 2^53 (rows have at most 10^9 seats; see ruleset.MAX_WORKLOADS)
    # and a quotient that is not whole is at least 1/denominator from any whole number.
    # An integer divisor would make the engine divide in integers, and truncate.
    return {"$div": {"$l": {"$mul": {"$l": {"$m": field}, "$r": share.numerator}}, "$r": float(share.denominator)}}


def _share_reached(active: str, paid: str, share: Fraction) -> dict[str, Any]:
    return {"$gte": {active: _shared(paid, share)}}


def _share_short(active: str, paid: str, share: Fraction) -> dict[str, Any]:
    return {"$lt": {active: _shared(paid, share)}}


def _input_pattern(path_id: str, metric_id: str, option: str | None) -> dict[str, Any]:
    conditions: list[dict[str, Any]] = [{"t": "input"}, {"path": path_id}, {"metric": metric_id}]
    if option is not None:
        conditions.append({"option": option})
    return {"$and": conditions}


def _why_low(metric: MetricSpec, result: MetricResult) -> str:
    if metric.measure == "certified_people":
        if not result.people:
            return f"no person holds an eligible {metric.level} certification valid on the evaluation date"
        return f"{len(result.people)} certified {metric.level} person(s) are not enough"
    if metric.measure == "count":
        return f"the measure is {result.inputs['value']}"
    measures = ", ".join(f"{option} {value}" for option, value in result.inputs.items())
    return f"the best association option is too low ({measures})"

"""The rules of stages 1 to 3: metrics measured from customer data (see :mod:`.stages`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._input.tenant_facts import eligible_fact, engine_numbers
from ..ruleset import MetricSpec
from . import engine as _engine
from .patterns import _in_band, _not_in_band, _share_reached, _share_short
from .stages import STAGE_COUNTED, STAGE_ELIGIBLE, STAGE_MEASURE


if TYPE_CHECKING:
    from .compile import _Builder


class _CustomerRules:
    """The rules that measure a metric from customer data (stages 1 to 3; see :mod:`.stages`).

    Tenant facts come from :func:`mwrules._input.tenant_facts.customer_facts`. Each
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
        # the facts name groups and measured path:metric pairs to the engine by number
        self.group_numbers, self.pair_numbers = engine_numbers(self.ruleset)

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
        pairs = [{"$i": self.pair_numbers[f"{path_id}:{metric_id}"]} for metric_id in metric_ids]
        # the same trailing test as certified:<level> (see there): an $iany must not end in an $or
        measured = pairs[0] if len(pairs) == 1 else {"$and": [{"$or": pairs}, {"$neq": {"$i": -1}}]}
        conditions: list[dict[str, Any]] = [
            {"t": "tenant"},
            {"group_number": self.group_numbers[group]},
            {"$iany": {"measured_numbers": measured}},
        ]
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

        def eligible(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> Mapping[str, Any]:
            tenant = matched["tenant"]
            # what the later rules decide on; the tenant fact keeps the rest (the trace reads it there)
            session.assert_fact(eligible_fact(tenant, path_id), {"_tenant_fact": tenant})
            recorded = tenant.get("_eligible_paths")
            if recorded is not None:  # a timeline keeps the decision (see tenant_facts.Eligibility)
                recorded.append(path_id)
            if not session.traced:  # a firing per tenant: what only the trace reads is not made
                return _engine.UNTRACED
            return {**_tenant_label(session, tenant), "path": path_id}

        return self.builder.rule(name, description, [{"tenant": {"$and": conditions}}], STAGE_ELIGIBLE, eligible)

    # stage 2: counted tenants --------------------------------------------------------

    def _eligible_pattern(self, path_id: str, metric: MetricSpec, *more: dict[str, Any]) -> list[dict[str, Any]]:
        measured = {"$iany": {"measured_numbers": {"$i": self.pair_numbers[f"{path_id}:{metric.id}"]}}}
        group = {"group_number": self.group_numbers[self.group_of[metric.id]]}
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

        def counted(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> Mapping[str, Any]:
            fact = matched["eligible"]
            sign = 1 if fact["month"] == 0 else -1
            _tally(session, path_id, metric.id, None).append(sign)
            if not session.traced:
                return _engine.UNTRACED
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

        def counted(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> Mapping[str, Any]:
            fact = matched["eligible"]
            contribution = fact["active"] if fact["month"] == 0 else -fact["active"]
            _tally(session, path_id, metric.id, option).append(contribution)
            if not session.traced:
                return _engine.UNTRACED
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

        def before(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> Mapping[str, Any]:
            fact = matched["eligible"]
            then = fact[f"start_active_{option}"]
            _tally(session, path_id, metric.id, option).append(-then)
            if not session.traced:
                return _engine.UNTRACED
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

        def deployed(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> Mapping[str, Any]:
            fact = matched["eligible"]
            if not excluded:
                _tally(session, path_id, metric.id, option).append(1 if fact["month"] == 0 else -1)
            if not session.traced:
                return _engine.UNTRACED
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
            return {**concluded, "contribution": 1 if fact["month"] == 0 else -1}

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


def _tally(session: _engine.Session, path_id: str, metric_id: str, option: str | None) -> list[int]:
    tallies: dict[tuple[str, str, str | None], list[int]] = session.scratch.setdefault("tallies", {})
    return tallies.setdefault((path_id, metric_id, option), [])


def _tenant_label(session: _engine.Session, fact: _engine.Fact) -> dict[str, Any]:
    """How the trace names a tenant and the month of a fact about it."""
    source = fact.get("_tenant_fact", fact)
    customer = session.scratch["customers"][source["_customer"]]
    label: dict[str, Any] = {"tenant": customer.tenant}
    if customer.name is not None:
        label["name"] = customer.name
    label["month"] = source["_month"]
    return label

"""Compile a ruleset into forward-chaining rules for the engine.

The rules chain in stages, one priority each, lower firing first (the stages
are listed in :mod:`.stages`): the people counted at each level
(:mod:`.rules_people`); for metrics measured from customer data, the eligible
tenants, what each counts and the measure (:mod:`.rules_customers`); then a
metric's points, a path's total, the pass rule and the partner's verdict
(:mod:`.rules_points`). The patterns they share are in :mod:`.patterns`.
:class:`_Builder` puts the rules together in that order, and
:func:`compile_ruleset` registers them with the engine.

Nothing here knows Modern Work: levels, metrics, options, targets and
thresholds all come from the ruleset. Points are kept as integers in units of
1/``denominator`` of a point, a denominator chosen so that every reachable
score is a whole number of units: the engine then compares exact integers,
never floats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._evaluation import engine as _engine
from .._rulesets.vocabulary import engine_units
from ..errors import Closest, NearMisses, RulesetError
from ..ruleset import Ruleset, check, normalise_name, points_denominator
from . import rules_classify as classification
from . import rules_terms as terms
from .rules_customers import _CustomerRules
from .rules_people import _certified, trace_step
from .rules_points import _pass_rules, _points, _total, _verdict, points_for
from .stages import STAGE_COUNTED, STAGE_ELIGIBLE, STAGE_MEASURE


# points_for (used by explain and plan) and trace_step stay importable from here, where they were
__all__ = ["CompiledRules", "compile_ruleset", "points_for", "trace_step"]

#: How alike an unknown certification name and a spelling must be (difflib's ratio) to be suggested
_HINT_CUTOFF = 0.6
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
    #: What a certification as written comes to on a day (its id, or why it does not count), once
    #: worked out: the same names and dates recur in every partner of a portfolio, and in all six
    #: designations of one partner. Names that need a "did you mean" are not kept (see _status).
    statuses: dict[Any, tuple[str, str | None]] = attrs.field(init=False, factory=dict, eq=False, repr=False)
    #: Per path, the input facts a partner's metrics make: each metric given as a number or in parts (its
    #: part, or None), and the engine's units per one of it; the same for every partner
    inputs: tuple[tuple[str, tuple[tuple[str, str | None, int], ...]], ...] = attrs.field(init=False, repr=False)

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

    @inputs.default
    def _inputs(self) -> tuple[tuple[str, tuple[tuple[str, str | None, int], ...]], ...]:
        ruleset = self.ruleset
        paths = []
        for path in ruleset.paths:
            read: list[tuple[str, str | None, int]] = []
            for metric_id in ruleset.scored(path.id):
                source = ruleset.metric(metric_id).source
                if source.number is not None:
                    read.append((metric_id, None, engine_units(source.number)))
                elif source.people is None:
                    options = ruleset.options(path.id, metric_id)
                    read += [(metric_id, option, engine_units(ruleset.kind(metric_id, option))) for option in options]
            paths.append((path.id, tuple(read)))
        return tuple(paths)

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


class _Builder:
    """Builds the rules and their actions for one ruleset."""

    def __init__(self, ruleset: Ruleset, denominator: int) -> None:
        self.ruleset = ruleset
        self.denominator = denominator
        self.descriptions: dict[str, str] = {}

    def rules(self) -> list[_engine.Rule]:
        rules = [_certified(self, level) for level in self.ruleset.levels()]
        if self.ruleset.customer_data is not None:
            customers = _CustomerRules(self)
            for path in self.ruleset.paths:
                for group, metric_ids in self.ruleset.workload_groups():
                    rules.extend(customers.eligible_rules(path.id, group, metric_ids))
                for metric in self.ruleset.derived_metrics():
                    rules.extend(customers.rules(path.id, metric))
        rules.extend(terms.people_count(self, level) for level in terms.gated_sets(self))
        classify = self.ruleset.scoring.choose == "classify"
        if classify:
            rules.extend(classification.rules(self))
        for path in self.ruleset.paths:
            scoring: list[_engine.Rule] = []
            for metric_id, scored in self.ruleset.scored(path.id).items():
                metric = self.ruleset.metric(metric_id)
                if self.ruleset.proportional(path.id, metric_id):
                    scoring.append(_points(self, path.id, metric))  # as before terms existed, word for word
                else:
                    scoring.extend(terms.rules(self, path.id, metric, scored))
            # Under classification, only the path picked is scored
            rules.extend(classification.only_if_classified(rule, path.id) if classify else rule for rule in scoring)
            rules.append(_total(self, path.id))
            rules.extend(_pass_rules(self, path.id))
        rules.append(_verdict(self))
        return rules

    def rule(
        self, name: str, description: str, when: list[dict[str, Any]], stage: int, action: _engine.Action
    ) -> _engine.Rule:
        self.descriptions[name] = description
        return _engine.Rule(name, {"all": when}, stage, action)

"""Evaluate a partner against a ruleset: facts in, verdict out.

This module turns the partner into engine facts (resolving certification
names through the ruleset's aliases and dates against the evaluation date),
runs the compiled rules, and assembles the :class:`~mwrules.verdict.Verdict`
from what the rules concluded. It makes no decision of its own: points, pass
or fail and the chosen path all come from rule firings.
"""

from __future__ import annotations

import datetime
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .._evaluation import engine as _engine
from .._input import documents as _documents
from .._input.customers import customers_to_document
from .._input.documents import child
from .._input.one_pass import plain_partner_object
from .._input.partner import choose_for, choose_ruleset, load_partner, read_document
from .._input.sections import metrics_for, unread_sections
from .._input.tenant_facts import customer_facts, eligibility_key
from .._rulesets.versions import RulesetChoice
from .._rulesets.vocabulary import engine_units
from ..errors import EvaluationError, InputError
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Certification, DesignationData, Partner, Person
from ..ruleset import Ruleset
from ..verdict import ForAnother, RulesetRef, Trace, TraceStep, Verdict
from . import rules_classify as classification
from .compile import CompiledRules, compile_ruleset
from .people_facts import HeldPeople, certification_facts, held


#: How many tenant facts the engine holds at once: the rules on one tenant
#: fact never join it with another, so they run a group at a time, each
#: group in an engine session of its own (see CompiledRuleset.run).
TENANT_FACTS_AT_ONCE = 1000
_TENANT_KINDS = frozenset({"tenant", "eligible"})
#: How many compiled rulesets are kept; the least recently used is released
#: beyond that (a service that loads a ruleset per request must not grow).
COMPILED_RULESETS_KEPT = 16
# Keyed by identity (a Ruleset holds dicts, so it cannot be hashed); the entry
# keeps the ruleset alive, so that its id is not reused while it is cached.
_compiled: OrderedDict[int, tuple[Ruleset, CompiledRules]] = OrderedDict()
_compiled_lock = threading.Lock()


def _reset_lock_in_child() -> None:
    global _compiled_lock  # noqa: PLW0603 - a lock held by another thread at fork() stays held in the child
    _compiled_lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_lock_in_child)


def compiled_rules(ruleset: Ruleset) -> CompiledRules:
    """The compiled rules of *ruleset*, compiled once and kept (the last few rulesets)."""
    with _compiled_lock:
        key = id(ruleset)
        entry = _compiled.get(key)
        if entry is not None:
            _compiled.move_to_end(key)
            return entry[1]
        compiled = compile_ruleset(ruleset)
        _compiled[key] = (ruleset, compiled)
        while len(_compiled) > COMPILED_RULESETS_KEPT:
            _, (_, evicted) = _compiled.popitem(last=False)
            evicted.release()
        return compiled


def evaluate(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str],
    *,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Verdict:
    """Evaluate *partner* and return the verdict, with its explanation trace.

    *partner* is a :class:`~mwrules.Partner`, a mapping in the documented
    input format (see ``docs/input-format.md``), or the path of a partner file
    (JSON or YAML). *ruleset* is a loaded :class:`~mwrules.Ruleset`, or the
    name of a shipped one: ``"modern-work"`` (the version in force on the
    partner's ``as_of``) or ``"modern-work@2023-06"`` (that version). By
    default, the Modern Work version in force on ``as_of``; the verdict says
    which version and why. A partner past *limits* is refused (see
    :class:`~mwrules.Limits`).

    >>> verdict = evaluate({"partner_id": "contoso", "as_of": "2024-06-30", "people": []})
    >>> verdict.qualified, verdict.path, float(verdict.score)
    (False, 'enterprise', 0.0)
    >>> verdict.ruleset.version, verdict.ruleset.reason
    ('2023-06', 'in force on 2024-06-30: effective from 2023-06-12 through 2025-12-31')

    Raises:
        InputError: the partner data is not valid, or no version of the
            ruleset is in force on its ``as_of``; every problem is listed.
        RulesetError: the named ruleset does not exist or has a problem.
    """
    with _documents.paused_gc():  # see there: big partners build millions of small objects
        partner, choice = checked(partner, ruleset, limits)
        return evaluate_with(partner, choice)


def checked(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str],
    ruleset: Ruleset | str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Partner, RulesetChoice]:
    """*partner*, checked, and the ruleset chosen for it (see :func:`evaluate`).

    A :class:`Partner` built in Python gets every check a document gets: its
    fields may hold anything at run time, whatever their annotations say.
    """
    if isinstance(partner, str | os.PathLike):
        document = read_document(partner, limits=limits)
    elif isinstance(partner, Partner):
        plain = _plain_object(partner, ruleset, limits)
        if plain is not None:
            return plain
        document = _documents.Document(as_document(partner))
    else:
        document = _documents.Document(partner)
    return prepare(document, ruleset, limits)


def _plain_object(
    partner: Partner, ruleset: Ruleset | str | None, limits: Limits
) -> tuple[Partner, RulesetChoice] | None:
    """*partner* and its ruleset, when every field of *partner* holds what it should (the common case)."""
    as_of = partner.as_of if type(partner.as_of) is datetime.date else None
    try:
        choice = choose_ruleset(ruleset, as_of)
    except InputError:  # no version in force: reported with the partner's other problems
        return None
    plain = plain_partner_object(partner, choice.ruleset, limits)
    return None if plain is None else (plain, choice)


def as_document(partner: Partner) -> dict[str, Any]:
    """*partner* as the document it stands for; values of the wrong type are kept, for the checks to report."""

    def certification(value: object) -> object:
        if not isinstance(value, Certification):
            return value
        fields = {"name": value.name, "earned": value.earned, "expires": value.expires}
        return {key: item for key, item in fields.items() if item is not None}

    def person(value: object) -> object:
        if not isinstance(value, Person):
            return value
        certifications = value.certifications
        if isinstance(certifications, tuple | list):
            return {"id": value.id, "certifications": [certification(cert) for cert in certifications]}
        return {"id": value.id, "certifications": certifications}

    people = partner.people
    document: dict[str, Any] = {
        "partner_id": partner.partner_id,
        "people": [person(value) for value in people] if isinstance(people, tuple | list) else people,
        "metrics": dict(partner.metrics) if isinstance(partner.metrics, Mapping) else partner.metrics,
    }
    if partner.as_of is not None:
        document["as_of"] = partner.as_of
    if partner.facts:
        document["facts"] = dict(partner.facts) if isinstance(partner.facts, Mapping) else partner.facts
    if partner.designations:
        document["designations"] = _sections_document(partner.designations)
    customers = partner.customers
    if customers is not None:
        document["customers"] = customers_to_document(customers) if isinstance(customers, tuple | list) else customers
    return document


def _sections_document(sections: object) -> object:
    """A Partner's ``designations`` as the document writes them; values of the wrong type are kept."""
    if not isinstance(sections, Mapping):
        return sections
    return {
        designation: {"metrics": dict(data.metrics) if isinstance(data.metrics, Mapping) else data.metrics}
        if isinstance(data, DesignationData)
        else data
        for designation, data in sections.items()
    }


def prepare(
    document: _documents.Document, ruleset: Ruleset | str | None, limits: Limits = DEFAULT_LIMITS
) -> tuple[Partner, RulesetChoice]:
    """The checked partner of *document* and the ruleset chosen for its ``as_of``."""
    choice = choose_for(document, ruleset)
    return load_partner(document, choice.ruleset, limits=limits), choice


def evaluate_with(
    partner: Partner, choice: RulesetChoice, people_held: HeldPeople | None = None, *, traced: bool = True
) -> Verdict:
    """Evaluate a checked *partner* under the chosen ruleset.

    *people_held*: the certifications of ``partner.people`` as
    :func:`.people_facts.held` finds them, when several evaluations (the
    designations of one partner) read the same people. Not *traced*: the
    verdict has an empty trace, for a caller that reads its scores alone
    (a timeline's evaluations), and the rules skip what only the trace reads.
    """
    with _documents.paused_gc():  # see there: a big partner makes many facts
        return _evaluate_with(partner, choice, people_held, traced)


def _evaluate_with(partner: Partner, choice: RulesetChoice, people_held: HeldPeople | None, traced: bool) -> Verdict:
    ruleset = choice.ruleset
    compiled = compiled_rules(ruleset)
    as_of = partner.as_of or datetime.date.today()
    metrics_at = metrics_for(partner, ruleset.id)[1]  # where the document gives what the trace labels
    facts, warnings = _facts(partner, compiled, as_of, people_held)
    # Tenant facts go to the engine a group at a time (see CompiledRuleset.run):
    # it keeps about 10 KB per live fact, and slows down as they accumulate
    # (with them, the eligible facts of tenants already decided in a timeline)
    tenants = [fact for fact in facts if fact["t"] in _TENANT_KINDS]
    if tenants:
        facts = [fact for fact in facts if fact["t"] not in _TENANT_KINDS]
    groups = [tenants[start : start + TENANT_FACTS_AT_ONCE] for start in range(0, len(tenants), TENANT_FACTS_AT_ONCE)]

    def prepare_session(session: _engine.Session) -> None:
        session.scratch.update(
            certified={level: set() for level in ruleset.levels()},
            people=partner.people,
            metrics={path.id: {} for path in ruleset.paths},
            units={path.id: {} for path in ruleset.paths},  # each metric's points, in the engine's units
            paths={},
            customers=partner.customers or (),
        )

    # Tenant facts alike in what the eligible rules read are decided once (see CompiledRuleset.run)
    rules = compiled.engine_for(partner.customers is not None)
    session = rules.run(facts, prepare_session, apart=groups, alike=eligibility_key, traced=traced)
    if "verdict" not in session.scratch:
        msg = f"the rules of {ruleset} reached no verdict; fired: {[f.rule for f in session.firings]}"
        raise EvaluationError(msg)
    qualified, chosen = session.scratch["verdict"]
    paths = session.scratch["paths"]
    if len(paths) < len(ruleset.paths):  # classified: what the paths not scored lack does not matter
        unscored = [path.id for path in ruleset.paths if path.id not in paths]
        about = tuple(f"{child(metrics_at, path_id)}{after}" for path_id in unscored for after in ":.[")
        warnings = [w for w in warnings if not w.startswith(about)]
        given = metrics_for(partner, ruleset.id)[0]  # and what they give is not read
        warnings += [
            f"{child(metrics_at, path_id)}: not read: {ruleset} classifies the partner on {chosen}"
            for path_id in unscored
            if path_id in given
        ]
    return Verdict(
        partner_id=partner.partner_id,
        as_of=as_of,
        qualified=qualified,
        path=chosen,
        score=paths[chosen].score,
        paths={path.id: paths[path.id] for path in ruleset.paths if path.id in paths},
        trace=Trace(functools.partial(_trace, session, compiled, metrics_at) if traced else ()),
        warnings=tuple(warnings),
        ruleset=RulesetRef(ruleset.id, ruleset.version, choice.reason),
    )


def _facts(
    partner: Partner, compiled: CompiledRules, as_of: datetime.date, people_held: HeldPeople | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The engine facts for *partner*, and the warnings.

    People reach the engine as one fact per level, listing its certifications
    counted (valid on *as_of*) and their holders (see :mod:`.people_facts`):
    the rules decide once per level for everyone counted at it, and the
    trace has a step for each person. *people_held*: as for :func:`evaluate_with`.
    """
    ruleset = compiled.ruleset
    warnings: list[str] = []
    facts = certification_facts(people_held or held(partner.people), compiled, as_of, warnings)
    facts += [{"t": "level", "level": level} for level in ruleset.levels()]
    facts.extend(_input_facts(partner, compiled, warnings))
    warnings.extend(map(ForAnother, unread_sections(partner, ruleset)))
    facts.append(_partner_facts(partner, ruleset, warnings))
    if ruleset.scoring.choose == "classify":
        facts.append(classification.start_fact())
    facts.extend(customer_facts(partner, ruleset, as_of, warnings))
    return facts, warnings


def _input_facts(partner: Partner, compiled: CompiledRules, warnings: list[str]) -> list[dict[str, Any]]:
    ruleset = compiled.ruleset
    facts = []
    # Metrics the customer data measures when the partner does not give them
    measured = (
        {metric.id for metric in ruleset.derived_metrics()}
        if partner.customers is not None and ruleset.customer_data is not None
        else set()
    )
    metrics, metrics_at = metrics_for(partner, ruleset.id)
    for path_id, read in compiled.inputs:  # what a partner's metrics make, worked out once per ruleset
        given = metrics.get(path_id)
        where = child(metrics_at, path_id)
        if given is None:
            if not measured:
                warnings.append(f"{where}: missing; every metric of {path_id} that comes from metrics counts as 0")
            given = {}
        for metric_id, option, units in read:
            if metric_id in measured and metric_id not in given:
                continue
            value = given.get(metric_id)
            if option is None:
                if value is None and path_id in metrics:
                    warnings.append(f"{child(where, metric_id)}: missing; counted as 0")
                facts.append({"t": "input", "path": path_id, "metric": metric_id, "value": _in_units(value, units)})
                continue
            amount = value.get(option) if isinstance(value, Mapping) else None
            if amount is None and path_id in metrics:
                warnings.append(f"{child(child(where, metric_id), option)}: missing; counted as 0")
            value = _in_units(amount, units)
            facts.append({"t": "input", "path": path_id, "metric": metric_id, "option": option, "value": value})
    return facts


def _partner_facts(partner: Partner, ruleset: Ruleset, warnings: list[str]) -> dict[str, Any]:
    """The one fact that holds the partner's facts, as the engine compares them."""
    declared = {fact.id: fact.type for fact in ruleset.facts}
    # Another designation's fact (one no shipped ruleset reads is refused when the partner is read)
    warnings.extend(
        ForAnother(f"{child('$.facts', fact_id)}: not read by {ruleset}")
        for fact_id in partner.facts
        if fact_id not in declared
    )
    values = {fact_id: _engine_value(partner.facts.get(fact_id), kind) for fact_id, kind in declared.items()}
    return {"t": "facts", **values}


def _engine_value(value: object, kind: str) -> int:
    """A given measure as the engine compares it: a count as is, an amount in millionths, exactly (0 if not given)."""
    return _in_units(value, engine_units(kind))


def _in_units(value: object, units: int) -> int:
    """A given measure in *units* of the engine's per one of it (see _engine_value)."""
    if not isinstance(value, int | Fraction):
        return 0
    return int(value * units)


def _trace(session: _engine.Session, compiled: CompiledRules, metrics_at: str) -> tuple[TraceStep, ...]:
    with _documents.paused_gc():  # a step and its lists per firing, and none in a cycle: see there
        return _steps(session, compiled, metrics_at)


def _steps(session: _engine.Session, compiled: CompiledRules, metrics_at: str) -> tuple[TraceStep, ...]:
    descriptions = compiled.descriptions
    people = _people_by_rule(session.firings, session.scratch["people"])
    per_person = set(people)
    steps: list[TraceStep] = []
    for firing in session.firings:
        description = descriptions[firing.rule]
        if firing.rule not in per_person:
            labels = [label for fact in firing.matched.values() for label in _labels(fact, metrics_at)]
            steps.append(_step(len(steps), firing.rule, description, labels, firing.concluded))
            continue
        # A level's rule, fired once for everyone its fact lists: one step per
        # person, through every certification that made them count
        counted = people.pop(firing.rule, {})
        for (person_id, index), through in sorted(counted.items()):
            concluded = {"person": person_id, **firing.concluded, "through": sorted(through)}
            steps.append(_step(len(steps), firing.rule, description, [f"$.people[{index}]"], concluded))
    return tuple(steps)


def _people_by_rule(
    firings: list[_engine.Firing], people: tuple[Person, ...]
) -> dict[str, dict[tuple[str, int], set[str]]]:
    """Per rule that matched a level's fact: each holder it counted (id, place), and through which certifications."""
    counted_by_rule: dict[str, dict[tuple[str, int], set[str]]] = {}
    for firing in firings:
        fact = firing.matched.get("certified")
        if fact is None or "_holders" not in fact:
            continue
        counted = counted_by_rule.setdefault(firing.rule, {})
        for cert_id, holders in fact["_holders"].items():
            for index in holders:
                counted.setdefault((people[index].id, index), set()).add(cert_id)
    return counted_by_rule


def _step(step: int, rule: str, description: str, labels: list[str], concluded: Mapping[str, Any]) -> TraceStep:
    return TraceStep(step=step, rule=rule, description=description, matched=tuple(labels), concluded=concluded)


def _labels(fact: Mapping[str, Any], metrics_at: str) -> list[str]:
    """What a trace step names for a fact it matched: a path's scores name the points of each of its metrics."""
    if fact["t"] == "scores":
        return [f"points:{fact['path']}:{metric_id}" for metric_id in fact["_units"]]
    return [_label(fact, metrics_at)]


@functools.lru_cache(maxsize=1024)
def _input_label(metrics_at: str, path_id: str, metric_id: str, option: str | None) -> str:
    """Where the document gives a metric (or an option of it): the same few places, named once, for every partner."""
    where = child(child(metrics_at, path_id), metric_id)
    return where if option is None else child(where, option)


def _label(fact: Mapping[str, Any], metrics_at: str) -> str:  # noqa: PLR0911 - one label per kind of fact
    kind = fact["t"]
    if kind == "input":
        if fact.get("derived"):
            where = f"measure:{fact['path']}:{fact['metric']}"
            return f"{where}.{fact['option']}" if "option" in fact else where
        return _input_label(metrics_at, fact["path"], fact["metric"], fact.get("option"))  # an option is a text
    if kind == "tenant":
        return f"$.customers[{fact['_customer']}] in {fact['_month']}"
    if kind == "eligible":
        source = fact["_tenant_fact"]
        return f"eligible:{fact['path']}:{fact['group']} $.customers[{source['_customer']}] in {source['_month']}"
    if kind == "derive":
        return f"customer data for {fact['metric']} on {fact['path']}"
    if kind == "level":
        return f"people certified at {fact['level']}"
    if kind == "people":
        return f"people:{fact['set']}"
    if kind == "term":
        return f"gate:{fact['path']}:{fact['metric']}:{fact['term']}"
    if kind == "condition":
        return f"condition:{fact['path']}:{fact['metric']}:{fact['term']}:{fact['k']}"
    if kind == "facts":
        return "$.facts"
    if kind == "classified":
        return f"classified:{fact['path']}"
    if kind == "classifying":
        return f"classification entry {fact['entry'] + 1}"
    return f"{kind}:{fact['path']}"

"""Run compiled rules on durable_rules: the only module that imports it.

durable_rules 2.0.28 is unmaintained and has sharp edges; each choice below
answers one of them (see docs/engine.md):

* Rulesets are registered as data on a private ``Host`` whose ``_run`` is a
  no-op, so no background dispatcher thread ever runs our actions, and the
  process-global ``durable.lang`` registry is never touched.
* We drive the agenda ourselves with the extension's low-level calls
  (``start_action_for_state`` / ``complete_and_start_action``).  This skips the
  binding's per-firing plumbing (a ``Closure``, two clock reads and a JSON dump
  of the session state), which is most of the cost of a firing, and it means an
  exception raised by an action propagates instead of being written into the
  session state.
* Fact ids and session ids come from pools checked to be free of collisions on
  the engine's 32-bit FNV-1a hash, so facts never alias.
* One evaluation at a time in the process (a lock): the C engine has no locks
  of its own and holds the GIL throughout, so threads could not run it in
  parallel anyway; and only one session is ever alive, far below the limit of
  1,024 live sessions per ruleset.
* A session is deleted only after its agenda has drained; deleting one with
  pending activations segfaults.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .errors import EvaluationError


try:  # pragma: no cover - exercised only where the extension cannot load
    import durable_rules_engine as _dre
    from durable import engine as _durable_engine
except ImportError as error:  # pragma: no cover
    msg = (
        "durable_rules could not be imported "
        f"({error}). On Python 3.13 the released durable-rules 2.0.28 does not "
        "import; reinstall it with: "
        "CC='gcc -DPyEval_CallObject=PyObject_CallObject' "
        "pip install --force-reinstall --no-binary durable-rules durable-rules==2.0.28"
    )
    raise ImportError(msg) from error


Fact = dict[str, Any]
#: An action receives the session and the matched facts by alias; it returns
#: what the firing concluded (recorded in the trace).
Action = Callable[["Session", Mapping[str, Fact]], Mapping[str, Any]]

_ENGINE_OK = 0
_EVENT_NOT_HANDLED = 1
_EVENT_OBSERVED = 2


def fnv1a32(text: str) -> int:
    """The hash the C engine uses to look up sessions and facts.

    The C code xors each byte as a *signed* char, hence the adjustment.
    """
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ (byte - 256 if byte > 127 else byte)) & 0xFFFFFFFF) * 16777619
        h &= 0xFFFFFFFF
    return h


class _IdPool:
    """Ids whose 32-bit hashes are pairwise distinct, grown on demand."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._ids: list[str] = []
        self._seen: set[int] = set()
        self._next = 0
        self._lock = threading.Lock()

    def first(self, count: int) -> list[str]:
        if len(self._ids) < count:
            with self._lock:
                while len(self._ids) < count:
                    candidate = f"{self._prefix}{self._next}"
                    self._next += 1
                    digest = fnv1a32(candidate)
                    if digest not in self._seen:
                        self._seen.add(digest)
                        self._ids.append(candidate)
        return self._ids[:count]


_FACT_IDS = _IdPool("f")
_SESSION_IDS = _IdPool("s")


class _QuietHost(_durable_engine.Host):  # type: ignore[misc]
    """A Host without the two background timer threads every Host starts."""

    def _run(self) -> None:
        pass


_host: _QuietHost | None = None
# Guards the Host and every session: see the module docstring.
_host_lock = threading.RLock()


def _get_host() -> _QuietHost:
    global _host  # noqa: PLW0603 - one Host per process: each one leaks two threads
    with _host_lock:
        if _host is None:
            _host = _QuietHost()
        return _host


@attrs.frozen
class Rule:
    """One forward-chaining rule: when the antecedent matches, run the action.

    *when* is a durable_rules antecedent (``{"all": [{alias: pattern}, ...]}``);
    lower *priority* fires first.
    """

    name: str
    when: Mapping[str, Any]
    priority: int
    action: Action


@attrs.frozen
class Firing:
    """One rule firing: the rule, the facts it matched, what it concluded."""

    rule: str
    matched: Mapping[str, Fact]
    concluded: Mapping[str, Any]


# A pattern that exists only so that every fact is handled: the engine refuses
# a fact no rule mentions. It joins with a fact type that is never asserted, so
# it never fires.
_NEVER = "__never__"
_CATCH_ALL = {"all": [{"any": {"$ex": {"t": 1}}}, {"never": {"t": _NEVER}}]}


class Session:
    """The working memory of one evaluation.

    Actions read the facts they matched, keep tallies in :attr:`scratch` and
    assert derived facts with :meth:`assert_fact`.
    """

    def __init__(self, compiled: CompiledRuleset, sid: str) -> None:
        self._compiled = compiled
        self.sid = sid
        self.facts: dict[str, Fact] = {}
        self.scratch: dict[str, Any] = {}
        self.firings: list[Firing] = []
        self._derived = 0

    def assert_fact(self, fact: Fact) -> None:
        """Add a derived fact; the rules it matches join the agenda."""
        self._derived += 1
        fact_id = f"d{self._derived}"
        fact = dict(fact, id=fact_id, sid=self.sid)
        self.facts[fact_id] = fact
        code, _ = _dre.assert_fact(self._compiled.handle, json.dumps(fact))
        if code != _ENGINE_OK:
            msg = f"the engine refused derived fact {fact!r} (code {code})"
            raise EvaluationError(msg)


class CompiledRuleset:
    """Rules registered with the engine under a unique name."""

    def __init__(self, name: str, rules: Sequence[Rule]) -> None:
        names = [rule.name for rule in rules]
        if len(set(names)) != len(names):
            msg = f"rule names must be unique: {names}"
            raise ValueError(msg)
        self.name = name
        self.rules = tuple(rules)
        self._actions = {rule.name: rule.action for rule in rules}
        definition: dict[str, Any] = {"__catch_all__": dict(_CATCH_ALL, run=_never)}
        for rule in rules:
            if not 0 <= rule.priority <= 0xFFFF:  # an unsigned short in C
                msg = f"priority of {rule.name} must be 0..65535"
                raise ValueError(msg)
            # register_rulesets mutates its input: give it a copy
            definition[rule.name] = dict(copy.deepcopy(dict(rule.when)), pri=rule.priority, run=_never)
        host = _get_host()
        with _host_lock:
            if name not in host._ruleset_directory:  # noqa: SLF001 - no public lookup
                host.register_rulesets({name: definition})
            self.handle = host.get_ruleset(name)._handle  # noqa: SLF001

    def run(self, facts: Iterable[Fact], prepare: Callable[[Session], None] | None = None) -> Session:
        """Assert *facts* in one batch, fire rules until none is left, return the session."""
        with _host_lock:
            sid = _SESSION_IDS.first(1)[0]
            session = Session(self, sid)
            if prepare is not None:
                prepare(session)
            batch = list(facts)
            for fact, fact_id in zip(batch, _FACT_IDS.first(len(batch)), strict=True):
                fact["id"] = fact_id
                fact["sid"] = sid
                session.facts[fact_id] = fact
            try:
                code, state_offset = _dre.assert_facts(self.handle, json.dumps(batch))
                # Run the agenda even when the batch was refused: deleting a
                # session with pending activations crashes the process.
                self._drain(session, state_offset)
                if code != _ENGINE_OK:
                    msg = f"the engine refused the facts of this evaluation (code {code})"
                    raise EvaluationError(msg)
            finally:
                _dre.delete_state(self.handle, sid)
            return session

    def _drain(self, session: Session, state_offset: int) -> None:
        handle = self.handle
        result = _dre.start_action_for_state(handle, state_offset)
        if not result:
            return
        message = result[1]
        try:
            while message:
                ((rule_name, matched_ids),) = json.loads(message).items()
                matched = {alias: session.facts[fact["id"]] for alias, fact in matched_ids.items()}
                concluded = self._actions[rule_name](session, matched)
                session.firings.append(Firing(rule_name, matched, concluded))
                message = _dre.complete_and_start_action(handle, state_offset)
        except BaseException:
            # Leave the engine consistent, and drain what is left so that the
            # session can be deleted safely; the first error wins.
            _dre.abandon_action(handle, state_offset)
            self._discard_pending(state_offset)
            raise

    def _discard_pending(self, state_offset: int) -> None:
        handle = self.handle
        result = _dre.start_action_for_state(handle, state_offset)
        while result:
            result = _dre.complete_and_start_action(handle, state_offset)


def _never(_closure: object) -> None:  # pragma: no cover - the engine never calls it
    msg = "mwrules drives the agenda itself; durable_rules must not run actions"
    raise AssertionError(msg)

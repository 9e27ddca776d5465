"""Run compiled rules on durable_rules: the only module that imports it.

durable_rules 2.0.28 is unmaintained and has sharp edges; each choice below
answers one of them (see docs/engine.md):

* mwrules talks to the C extension directly (``create_ruleset``,
  ``assert_facts``, ``start_action_for_state``...) and never imports
  ``durable.engine``: no ``Host``, no background dispatcher threads, no
  process-global ``durable.lang`` registry, and none of the message-store
  callbacks. Those callbacks are the only code that calls
  ``PyEval_CallObject``, which Python 3.13 removed; the extension is loaded
  with lazy symbol binding, so the one symbol it cannot resolve is never
  looked up and the same build works on 3.11 to 3.13.
* We drive the agenda ourselves (``start_action_for_state`` /
  ``complete_and_start_action``): an exception raised by an action
  propagates instead of being written into the session state, and a firing
  costs no ``Closure``, clock read or state dump.
* Rules and facts are sent to the engine as ASCII JSON (non-ASCII escaped),
  so a name in a rule and the same name in a fact are the same bytes.
* Fact ids and session ids come from pools checked to be free of collisions on
  the engine's 32-bit FNV-1a hash, so facts never alias.
* One evaluation at a time in the process (a lock): the C engine has no locks
  of its own and holds the GIL throughout, so threads could not run it in
  parallel anyway; and only one session is ever alive, far below the limit of
  1,024 live sessions per ruleset.
* A session is deleted only after its agenda has drained; deleting one with
  pending activations segfaults. When the engine refuses a batch, what it
  kept is unknown: that engine ruleset is abandoned and a fresh one is made.
* The engine keeps about 10 KB per live fact and slows down as facts pile
  up: facts that rules only ever match one at a time can run apart, a group
  at a time, each group in an engine session of its own; their firings are
  put in the order one batch would have given (``CompiledRuleset.run``).
* Every batch carries a start fact that a first, unrecorded rule fires on:
  deleting a session in which no action ever started frees an uninitialised
  pointer.
* After ``fork()`` the child gets a new lock (the parent's may have been held
  by a thread that does not exist in the child) and fresh engine rulesets
  (the parent may have been in the middle of a session).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from ..errors import EvaluationError
from .engine_messages import FieldsRead, encode, read_message
from .engine_order import known_firings, learn, placed, single_batch_order


def _import_extension() -> Any:
    # Lazy binding: see the module docstring (Python 3.13). Elsewhere than
    # Linux and macOS there are no dlopen flags to set.
    set_flags = getattr(sys, "setdlopenflags", None)
    if set_flags is None:  # pragma: no cover - Windows
        import durable_rules_engine  # noqa: PLC0415

        return durable_rules_engine
    flags = sys.getdlopenflags()
    set_flags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
    try:
        import durable_rules_engine  # noqa: PLC0415

        return durable_rules_engine
    finally:
        set_flags(flags)


try:  # pragma: no cover - exercised only where the extension cannot load
    _dre = _import_extension()
except ImportError as error:  # pragma: no cover
    msg = (
        f"the durable-rules C extension could not be loaded ({error}); mwrules needs durable-rules 2.0.28 "
        "built for this Python (pip builds it from source: a C compiler and the Python headers are needed)"
    )
    raise ImportError(msg) from error


#: A fact: what the rules match on, and fields whose names start with ``_``,
#: which stay in Python (actions and the trace read them; the engine never sees them).
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
    """Ids whose 32-bit hashes are pairwise distinct, grown on demand (under the engine lock)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._ids: list[str] = []
        self._seen: set[int] = set()
        self._next = 0

    def first(self, count: int) -> list[str]:
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

# Guards the engine and every session: see the module docstring.
_lock = threading.RLock()
# Bumped in a forked child: engine rulesets made before it are not used again.
_generation = 0
_serials = itertools.count(1)


def unique_name(prefix: str) -> str:
    """*prefix* and a serial number: a name no other engine ruleset of this process has.

    The engine would accept a name twice, but its messages could not tell
    the two apart. (``next`` on a count holds the GIL: no lock needed.)
    """
    return f"{prefix}#{next(_serials)}"


def _after_fork_in_child() -> None:
    global _lock, _generation  # noqa: PLW0603 - the process-wide engine state is what a fork copies
    _lock = threading.RLock()
    _generation += 1


os.register_at_fork(after_in_child=_after_fork_in_child)


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


class Firing(NamedTuple):
    """One rule firing: the rule, the facts it matched, what it concluded.

    A named tuple, not an attrs class: an evaluation makes one per firing,
    and a tuple is made in C.
    """

    rule: str
    matched: Mapping[str, Fact]
    concluded: Mapping[str, Any]


# A pattern that exists only so that every fact is handled: the engine refuses
# a fact no rule mentions. It joins with a fact type that is never asserted, so
# it never fires.
_NEVER = "__never__"
_CATCH_ALL = {"all": [{"any": {"$ex": {"t": 1}}}, {"never": {"t": _NEVER}}], "pri": 0}
# A rule that fires once in every session, first, on a fact of its own, and is
# not recorded: the engine leaves a new session's action context
# uninitialised, and deleting a session in which no action ever started frees
# that garbage (a crash, depending on what the memory held before).
_START = "__start__"
_STARTS = {"all": [{"start": {"t": _START}}], "pri": 0}


#: What an action of an untraced session may conclude (see :attr:`Session.traced`): nothing, shared
UNTRACED: Mapping[str, Any] = MappingProxyType({})


class Session:
    """The working memory of one evaluation.

    Actions read the facts they matched, keep tallies in :attr:`scratch` and
    assert derived facts with :meth:`assert_fact`.
    """

    def __init__(self, handle: int, sid: str, select: Callable[[Fact], Fact], *, traced: bool = True) -> None:
        self._handle = handle
        self.sid = sid
        self._select = select  # what the engine is sent of a fact
        #: Whether a trace will be read of the firings: without one, actions may return no conclusion
        #: (:data:`UNTRACED`) and the firings keep the order they came in
        self.traced = traced
        self.facts: dict[str, Fact] = {}
        self.scratch: dict[str, Any] = {}
        self.firings: list[Firing] = []
        self._derived = 0
        #: While facts run apart (see :meth:`CompiledRuleset.run`): the facts the firing now running derived
        self.deriving: list[Fact] | None = None
        #: While known firings run before their group's batch: the facts they derive, sent with the batch
        self.collecting: list[Fact] | None = None

    def assert_fact(self, fact: Fact, kept: Mapping[str, Any] | None = None) -> None:
        """Add a derived fact; the rules it matches join the agenda.

        The session takes *fact* over (it gets its ``id`` and ``sid``): pass
        a dict of its own, as a literal is. *kept* are fields (named
        ``_...``) for Python alone, added to *fact* after the engine has it:
        a fact that brings its Python-only fields this way is sent as it is,
        without looking for them among its keys.
        """
        self._derived += 1
        fact_id = f"d{self._derived}"
        fact["id"] = fact_id
        fact["sid"] = self.sid
        self.facts[fact_id] = fact
        if self.deriving is not None:
            self.deriving.append(fact)
        if self.collecting is not None:  # sent with the batch of its group (see CompiledRuleset.run)
            if kept is not None:
                fact.update(kept)
            self.collecting.append(fact)
            return
        code, _ = _dre.assert_fact(self._handle, encode(self._select(fact)))
        if kept is not None:
            fact.update(kept)
        if code != _ENGINE_OK:
            msg = f"the engine refused derived fact {fact!r} (code {code})"
            raise EvaluationError(msg)


class CompiledRuleset:
    """Rules registered with the engine under a unique name."""

    def __init__(self, name: str, rules: Sequence[Rule], *, register: bool = True) -> None:
        names = [rule.name for rule in rules]
        if len(set(names)) != len(names):
            msg = f"rule names must be unique: {names}"
            raise ValueError(msg)
        self.name = name
        self.rules = tuple(rules)
        self._actions = {rule.name: rule.action for rule in rules}
        self._names = {rule.name: rule.name for rule in rules}
        # rules matching one fact: their alias (a message about them is read without decoding it)
        self._alone = {
            rule.name: next(iter(rule.when["all"][0]))
            for rule in rules
            if len(rule.when.get("all", ())) == 1 and len(rule.when["all"][0]) == 1
        }
        # the agenda's order: lower priority first, then the order of definition
        self._order = {rule.name: (rule.priority, index) for index, rule in enumerate(rules)}
        definition: dict[str, Any] = {_START: _STARTS, "__catch_all__": _CATCH_ALL}
        for rule in rules:
            if not 0 <= rule.priority <= 0xFFFF:  # an unsigned short in C
                msg = f"priority of {rule.name} must be 0..65535"
                raise ValueError(msg)
            definition[rule.name] = dict(rule.when, pri=rule.priority)
        # Encoded when registered: rules registered only for a partner with customer data are often never
        self._definition = definition
        self._select = FieldsRead(definition.values()).select
        self._handle: int | None = None
        self._generation = -1
        if register:  # a definition the engine refuses fails here, not at the first evaluation
            with _lock:
                self._current_handle()

    def _current_handle(self) -> int:
        """The engine's handle of these rules in this process (called under the lock)."""
        if self._handle is None or self._generation != _generation:
            try:
                self._handle = _dre.create_ruleset(self.name, json.dumps(self._definition))
            except _dre.error as error:
                msg = f"the engine refused the rules of {self.name} ({error})"
                raise EvaluationError(msg) from None
            self._generation = _generation
        return self._handle

    def release(self) -> None:
        """Free the engine's copy of these rules; a later :meth:`run` registers them again."""
        with _lock:
            if self._handle is not None and self._generation == _generation:
                _dre.delete_ruleset(self._handle)
            self._handle = None

    def run(
        self,
        facts: Iterable[Fact],
        prepare: Callable[[Session], None] | None = None,
        *,
        apart: Iterable[Sequence[Fact]] = (),
        alike: Callable[[Fact], Any] | None = None,
        traced: bool = True,
    ) -> Session:
        """Assert *facts* in one batch, fire rules until none is left, return the session.

        *apart* are groups of facts run before *facts*, each group in an
        engine session of its own that is deleted once its agenda has
        drained: the engine then holds one group at a time, not all of them
        (it keeps about 10 KB per live fact, and its lookups slow down as
        facts accumulate). Their firings are put in the order a single
        batch of every fact would have fired them (see
        :func:`.engine_order.single_batch_order`); that is the same conclusions in the
        same order as long as every rule that fires on a group's facts, or
        on facts derived from them, matches one fact, and its derived facts
        are matched only at a later priority. Priorities above theirs run
        on *facts*.

        *alike* gives a fact of the groups a key such that the rules that
        match facts of the groups directly decide alike on facts with equal
        keys (they read nothing else of them). Once a group has run, a fact
        of a later group whose key is known is not sent to the engine: the
        rules that fired on the first fact with that key fire on it, their
        actions run as the engine would have run them (the facts they
        derive go to the engine with the group), and the trace is the same.

        Not *traced*: no trace will be read of the session (a timeline's
        evaluations keep the scores alone), so the firings are left in the
        order they came in, and actions may skip their conclusions.
        """
        with _lock:
            handle = self._current_handle()
            sid = _SESSION_IDS.first(1)[0]
            session = Session(handle, sid, self._select, traced=traced)
            if prepare is not None:
                prepare(session)
            place: dict[int, int] = {}
            # beside each firing of the groups: the facts it derived (to put them in order)
            made_by: list[list[Fact]] | None = [] if traced else None
            held = []  # the groups' facts stay alive while place holds their id()
            fired_on: dict[Any, list[str]] = {}  # with alike: a key -> the rules that fired on its first fact
            for group in apart:
                batch = list(group)
                held.append(batch)
                for fact in batch:
                    place[id(fact)] = len(place)
                known: list[tuple[str, Fact]] = []
                split = None
                if alike is not None:
                    batch, known = known_firings(batch, alike, fired_on)
                    split = functools.partial(known_firings, alike=alike, fired_on=fired_on)
                first = len(session.firings)
                derived = self._run_batch(session, handle, batch, made_by, known, split)
                if alike is not None:
                    learn([*batch, *derived], session.firings[first:], alike, fired_on, self._alone)
                session.facts.clear()  # its engine session is gone; the firings keep what they matched
            apart_firings = session.firings[:]
            if apart_firings and made_by is not None:
                session.firings[:] = single_batch_order(apart_firings, made_by, place, self._order)
            del held, made_by
            self._run_batch(session, handle, list(facts), None)
            if apart_firings and traced:
                session.firings[:] = placed(session.firings, len(apart_firings), self._order)
            return session

    def _run_batch(
        self,
        session: Session,
        handle: int,
        batch: list[Fact],
        made_by: list[list[Fact]] | None,
        known: Sequence[tuple[str, Fact]] = (),
        split: Callable[[list[Fact]], tuple[list[Fact], list[tuple[str, Fact]]]] | None = None,
    ) -> list[Fact]:
        """Assert *batch* in a new engine session, drain its agenda, and delete the engine session.

        With *made_by*, the facts each firing derived are appended to it.
        *known* are firings (rule, the one fact it matches, not in *batch*)
        that are run first, as if the engine had fired them: the facts they
        derive go to the engine with *batch*, but for those *split* knows the
        firings of (run in turn, the same way). Returns the derived facts sent.
        """
        sid = session.sid
        ids = _FACT_IDS.first(len(batch) + 1)
        for fact, fact_id in zip(batch, ids[:-1], strict=True):
            fact["id"] = fact_id
            fact["sid"] = sid
            session.facts[fact_id] = fact
        derived: list[Fact] = []
        if known:  # their actions run first; the facts they derive go with the batch, as if asserted by them
            collected: list[Fact] = []
            session.collecting = collected
            try:
                while known:
                    for rule_name, fact in known:
                        self._fire(session, self._names[rule_name], {sys.intern(self._alone[rule_name]): fact}, made_by)
                    sent, known = split(collected) if split is not None else (collected, [])
                    derived += sent
                    collected.clear()
            finally:
                session.collecting = None
        start = {"t": _START, "id": ids[-1], "sid": sid}
        message = encode([start, *map(self._select, batch + derived)])
        try:
            code, state_offset = _dre.assert_facts(handle, message)
        except (_dre.error, MemoryError) as error:
            # What the engine kept of a refused batch is unknown: never use
            # this engine ruleset again (deleting its session could crash).
            self._handle = None
            msg = f"the engine refused the facts of this evaluation ({error})"
            raise EvaluationError(msg) from None
        except BaseException:
            # Interrupted as the engine took the batch (Ctrl-C, a signal
            # handler's exception): it may hold the batch, with activations
            # that only the state offset lost here could drain. The same:
            # kept, the next evaluation failed on the session left behind.
            self._handle = None
            raise
        try:
            # Run the agenda even when the batch was refused: deleting a
            # session with pending activations crashes the process.
            self._drain(session, handle, state_offset, made_by)
            if code != _ENGINE_OK:
                msg = f"the engine refused the facts of this evaluation (code {code})"
                raise EvaluationError(msg)
        finally:
            _dre.delete_state(handle, sid)
        return derived

    def _fire(
        self, session: Session, rule_name: str, matched: dict[str, Fact], made_by: list[list[Fact]] | None
    ) -> None:
        """Run *rule_name*'s action on *matched* as if the engine had fired it (see :meth:`run`'s *alike*)."""
        action = self._actions[rule_name]
        if made_by is None:
            session.firings.append(Firing(rule_name, matched, action(session, matched)))
            return
        derived: list[Fact] = []
        session.deriving = derived
        session.firings.append(Firing(rule_name, matched, action(session, matched)))
        session.deriving = None
        made_by.append(derived)

    def _drain(self, session: Session, handle: int, state_offset: int, made_by: list[list[Fact]] | None) -> None:
        result = _dre.start_action_for_state(handle, state_offset)
        if not result:
            return
        message = result[1]
        # bound once: the loop runs per firing
        facts, actions, record, complete = (
            session.facts,
            self._actions,
            session.firings.append,
            _dre.complete_and_start_action,
        )
        made = None if made_by is None else made_by.append
        names, alone, intern = self._names, self._alone, sys.intern
        try:
            while message:
                # The rule's own name and interned aliases, not decoded copies: the firings
                # outlive the run (the trace is built from them), thousands of them
                rule_name, ids = read_message(message, alone)
                if rule_name == _START:
                    message = complete(handle, state_offset)
                    continue
                rule_name = names[rule_name]
                matched = {intern(alias): facts[fact_id] for alias, fact_id in ids.items()}
                if made is None:
                    record(Firing(rule_name, matched, actions[rule_name](session, matched)))
                else:  # a group run apart: which facts each firing derives
                    derived: list[Fact] = []
                    session.deriving = derived
                    record(Firing(rule_name, matched, actions[rule_name](session, matched)))
                    session.deriving = None
                    made(derived)
                message = complete(handle, state_offset)
        except BaseException:
            # Leave the engine consistent, and drain what is left so that the
            # session can be deleted safely; the first error wins.
            _dre.abandon_action(handle, state_offset)
            _discard_pending(handle, state_offset)
            raise


def _discard_pending(handle: int, state_offset: int) -> None:
    result = _dre.start_action_for_state(handle, state_offset)
    while result:
        result = _dre.complete_and_start_action(handle, state_offset)

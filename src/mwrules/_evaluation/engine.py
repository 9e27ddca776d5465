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
* After ``fork()`` the child gets a new lock (the parent's may have been held
  by a thread that does not exist in the child) and fresh engine rulesets
  (the parent may have been in the middle of a session).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from ..errors import EvaluationError


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


class Session:
    """The working memory of one evaluation.

    Actions read the facts they matched, keep tallies in :attr:`scratch` and
    assert derived facts with :meth:`assert_fact`.
    """

    def __init__(self, handle: int, sid: str) -> None:
        self._handle = handle
        self.sid = sid
        self.facts: dict[str, Fact] = {}
        self.scratch: dict[str, Any] = {}
        self.firings: list[Firing] = []
        self._derived = 0

    def assert_fact(self, fact: Fact) -> None:
        """Add a derived fact; the rules it matches join the agenda.

        The session takes *fact* over (it gets its ``id`` and ``sid``): pass
        a dict of its own, as a literal is.
        """
        self._derived += 1
        fact_id = f"d{self._derived}"
        fact["id"] = fact_id
        fact["sid"] = self.sid
        self.facts[fact_id] = fact
        code, _ = _dre.assert_fact(self._handle, _encode(_for_engine(fact)))
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
        definition: dict[str, Any] = {"__catch_all__": _CATCH_ALL}
        for rule in rules:
            if not 0 <= rule.priority <= 0xFFFF:  # an unsigned short in C
                msg = f"priority of {rule.name} must be 0..65535"
                raise ValueError(msg)
            definition[rule.name] = dict(rule.when, pri=rule.priority)
        self._definition = json.dumps(definition)
        self._handle: int | None = None
        self._generation = -1
        if register:  # a definition the engine refuses fails here, not at the first evaluation
            with _lock:
                self._current_handle()

    def _current_handle(self) -> int:
        """The engine's handle of these rules in this process (called under the lock)."""
        if self._handle is None or self._generation != _generation:
            try:
                self._handle = _dre.create_ruleset(self.name, self._definition)
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

    def run(self, facts: Iterable[Fact], prepare: Callable[[Session], None] | None = None) -> Session:
        """Assert *facts* in one batch, fire rules until none is left, return the session."""
        with _lock:
            handle = self._current_handle()
            sid = _SESSION_IDS.first(1)[0]
            session = Session(handle, sid)
            if prepare is not None:
                prepare(session)
            batch = list(facts)
            for fact, fact_id in zip(batch, _FACT_IDS.first(len(batch)), strict=True):
                fact["id"] = fact_id
                fact["sid"] = sid
                session.facts[fact_id] = fact
            try:
                code, state_offset = _dre.assert_facts(handle, _encode([_for_engine(fact) for fact in batch]))
            except (_dre.error, MemoryError) as error:
                # What the engine kept of a refused batch is unknown: never use
                # this engine ruleset again (deleting its session could crash).
                self._handle = None
                msg = f"the engine refused the facts of this evaluation ({error})"
                raise EvaluationError(msg) from None
            try:
                # Run the agenda even when the batch was refused: deleting a
                # session with pending activations crashes the process.
                self._drain(session, handle, state_offset)
                if code != _ENGINE_OK:
                    msg = f"the engine refused the facts of this evaluation (code {code})"
                    raise EvaluationError(msg)
            finally:
                _dre.delete_state(handle, sid)
            return session

    def _drain(self, session: Session, handle: int, state_offset: int) -> None:
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
        try:
            while message:
                ((rule_name, matched_ids),) = _decode(message).items()
                matched = {alias: facts[fact["id"]] for alias, fact in matched_ids.items()}
                record(Firing(rule_name, matched, actions[rule_name](session, matched)))
                message = complete(handle, state_offset)
        except BaseException:
            # Leave the engine consistent, and drain what is left so that the
            # session can be deleted safely; the first error wins.
            _dre.abandon_action(handle, state_offset)
            _discard_pending(handle, state_offset)
            raise


# Facts go to the engine and firings come back as JSON, a few per firing: the
# C encoder and scanner are called directly, without the Python layers of
# json.dumps and json.loads around them (their checks are for any object; a
# fact is a flat dict of text and numbers). Where the C accelerator is
# missing, json's Python code does the same.
def _c_codec() -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    from json import decoder, encoder, scanner  # noqa: PLC0415 - only here: the C halves of json

    # undeclared in typeshed: the C halves, or None without the accelerator
    make_encoder = getattr(encoder, "c_make_encoder", None)
    make_scanner = getattr(scanner, "c_make_scanner", None)
    if make_encoder is None or make_scanner is None:  # pragma: no cover - CPython always has them
        return json.dumps, json.JSONDecoder().decode
    # No circular-reference markers, ASCII escapes (see the module docstring), no indent
    encode_chunks = make_encoder(None, None, encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    scan = make_scanner(decoder.JSONDecoder())

    def encode(value: Any) -> str:
        return "".join(encode_chunks(value, 0))

    def decode(message: str) -> Any:
        return scan(message, 0)[0]

    return encode, decode


_encode, _decode = _c_codec()


def _for_engine(fact: Fact) -> Fact:
    return {key: value for key, value in fact.items() if key[0] != "_"}


def _discard_pending(handle: int, state_offset: int) -> None:
    result = _dre.start_action_for_state(handle, state_offset)
    while result:
        result = _dre.complete_and_start_action(handle, state_offset)

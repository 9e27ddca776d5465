"""The durable_rules adapter handles the engine's known pitfalls."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mwrules
from mwrules._evaluation import engine as _engine
from mwrules._evaluation import engine_messages
from mwrules._evaluation.compile import compile_ruleset
from mwrules.verdict import Trace


EXAMPLES = Path(__file__).parents[1] / "examples"


def test_an_exception_in_an_action_is_raised_not_swallowed():
    """durable_rules hides action errors in session state; the adapter re-raises them."""

    def broken(session, matched):
        msg = "boom"
        raise ValueError(msg)

    rules = _engine.CompiledRuleset("test-broken@1", [_engine.Rule("broken", {"all": [{"m": {"t": "x"}}]}, 0, broken)])

    with pytest.raises(ValueError, match="boom"):
        rules.run([{"t": "x"}, {"t": "x", "n": 2}])
    # the session was drained and deleted: the next run works
    with pytest.raises(ValueError, match="boom"):
        rules.run([{"t": "x"}])


def test_facts_no_rule_mentions_do_not_break_the_session():
    """A fact that matches no rule is handled (no MessageNotHandled, no segfault on cleanup)."""
    fired = []
    rules = _engine.CompiledRuleset(
        "test-unmatched@1", [_engine.Rule("r", {"all": [{"m": {"t": "x"}}]}, 0, lambda s, m: fired.append(1) or {})]
    )

    session = rules.run([{"t": "nobody-listens"}, {"t": "x"}])

    assert 1 == len(session.firings)


@pytest.mark.parametrize(("ids", "collide"), [(("f6059", "f264602"), True), (("f6059", "f6060"), False)])
def test_fnv1a32_is_the_engines_own_identity(ids: tuple[str, str], collide: bool):
    """Two facts whose ids collide on fnv1a32 are one fact to the engine ("already observed"), and only those."""
    handle = _engine._dre.create_ruleset(f"test-collide-{collide}", json.dumps({"r": {"all": [{"m": {"t": "x"}}]}}))
    code, state = _engine._dre.assert_facts(handle, json.dumps([{"t": "x", "id": i, "sid": "s0"} for i in ids]))
    fired = 0
    action = _engine._dre.start_action_for_state(handle, state)
    while action:
        fired += 1
        action = _engine._dre.complete_and_start_action(handle, state)
    _engine._dre.delete_state(handle, "s0")

    assert collide == (_engine.fnv1a32(ids[0]) == _engine.fnv1a32(ids[1]))
    assert (2 if collide else 0) == code  # 2: the engine took the second fact for the first
    assert (1 if collide else 2) == fired


def test_fact_ids_are_free_of_hash_collisions():
    """f6059 and f264602 collide on the engine's 32-bit hash; the pool keeps only one."""
    ids = _engine._FACT_IDS.first(270_000)

    assert len({_engine.fnv1a32(fact_id) for fact_id in ids}) == len(ids)
    assert "f264602" not in ids


def test_more_evaluations_than_the_session_limit():
    """Sessions are deleted after use: 1,100 evaluations exceed the 1,024 live-session limit safely."""
    partner = {"partner_id": "x", "people": [{"id": "a", "certifications": ["MS-700"]}]}

    scores = {mwrules.evaluate({**partner, "as_of": "2024-06-30"}).score for _ in range(1100)}

    assert {Fraction(5)} == scores  # one intermediate person on enterprise: 2.5 points; on SMB: 5


def test_evaluate_is_safe_from_several_threads():
    """Concurrent evaluations of different partners each get their own, correct verdict."""
    results: dict[int, object] = {}

    def work(n: int) -> None:
        partner = {"partner_id": f"p{n}", "as_of": "2024-06-30", "metrics": {"smb": {"net_customer_adds": n % 11}}}
        results[n] = mwrules.evaluate(partner).paths["smb"].metrics["net_customer_adds"].points

    threads = [threading.Thread(target=work, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {n: min(2 * (n % 11), 20) for n in range(40)} == results


def test_no_background_threads_are_started():
    """The Host's dispatcher threads never start, so no action runs off the caller's thread."""
    before = threading.active_count()

    mwrules.evaluate({"partner_id": "x"})

    assert before == threading.active_count()


def _iany_conditions(node: object) -> list[object]:
    """Every condition under an $iany or $iall in a rule definition."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$iany", "$iall"):
                found += list(value.values())
            found += _iany_conditions(value)
    elif isinstance(node, list):
        for item in node:
            found += _iany_conditions(item)
    return found


def _ends_in_or(condition: object) -> bool:
    if not isinstance(condition, dict):
        return False
    if "$or" in condition:
        return True
    return "$and" in condition and _ends_in_or(condition["$and"][-1])


@pytest.mark.parametrize("version", ["2023-06", "2026-01"])
def test_no_iany_condition_ends_in_an_or(version: str):
    """durable_rules reads uninitialised memory when an $iany's condition ends in an $or.

    Creating such a ruleset then fails now and then with "error code: 102"
    (with PYTHONHASHSEED=8 and 16, every time, on the machine that found it).
    """
    ruleset = mwrules.select_ruleset(f"modern-work@{version}").ruleset

    customer_engine = compile_ruleset(ruleset).customer_engine
    assert customer_engine is not None
    conditions = [condition for rule in customer_engine.rules for condition in _iany_conditions(rule.when)]

    assert conditions, "the counted: rules of customer data use $iany"
    assert not [condition for condition in conditions if _ends_in_or(condition)]


@pytest.mark.parametrize("seed", ["8", "16"])
def test_the_rulesets_compile_under_the_hash_seeds_that_once_failed(seed: str):
    result = subprocess.run(
        # a partner without customer data and one with it: the two sets of engine rules
        [
            sys.executable,
            "-m",
            "mwrules.cli",
            "evaluate",
            "--jobs",
            "1",
            str(EXAMPLES / "near-miss.yaml"),
            str(EXAMPLES / "customer-data.yaml"),
        ],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=False,
    )

    assert 0 == result.returncode, result.stderr


def test_the_trace_is_built_when_first_read():
    built = []
    step = mwrules.TraceStep(step=0, rule="r", description="d", matched=(), concluded={})

    def build() -> tuple[mwrules.TraceStep, ...]:
        built.append(1)
        return (step,)

    trace = Trace(build)
    assert built == []
    assert (list(trace), trace[0], len(trace), trace == (step,), trace == [step]) == ([step], step, 1, True, True)
    assert built == [1]
    assert pickle.loads(pickle.dumps(trace)) == trace  # noqa: S301 - our own bytes
    assert trace != "r"


def test_a_verdict_and_its_json_round_trip_have_equal_traces():
    verdict = mwrules.evaluate(
        {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "a", "certifications": ["MS-102"]}]}
    )

    again = mwrules.verdict_from_json(mwrules.verdict_to_json(verdict))

    assert again.trace == verdict.trace
    assert again == verdict
    assert pickle.loads(pickle.dumps(verdict)) == verdict  # noqa: S301 - our own bytes


def test_a_person_counts_once_per_level_with_one_trace_step_through_every_certification():
    """Certification facts list their holders: a person holding several eligible certifications of a
    level (one written twice, one under an alias) is counted once, with one step naming all of them,
    and the steps follow the people's ids whatever their order in the document."""
    people = [
        {"id": "zoe", "certifications": ["MS-700"]},
        {"id": "amy", "certifications": ["MD-102", "MS-700", "MD-102", "Teams Administrator Associate", "MS-102"]},
        {"id": "max", "certifications": ["MS-102"]},
    ]
    document = {"partner_id": "x", "as_of": "2024-06-30", "people": people}

    verdict = mwrules.evaluate(document)
    reordered = mwrules.evaluate({**document, "people": people[::-1]})

    steps = [step for step in verdict.trace if step.rule.startswith("certified:")]
    assert [(step.rule, step.concluded["person"], step.concluded["through"]) for step in steps] == [
        ("certified:intermediate", "amy", ["endpoint-administrator-associate", "teams-administrator-associate"]),
        ("certified:intermediate", "zoe", ["teams-administrator-associate"]),
        ("certified:advanced", "amy", ["enterprise-administrator-expert"]),
        ("certified:advanced", "max", ["enterprise-administrator-expert"]),
    ]
    assert [step.matched for step in steps] == [("$.people[1]",), ("$.people[0]",), ("$.people[1]",), ("$.people[2]",)]
    metrics = verdict.paths["smb"].metrics
    assert metrics["intermediate_certifications"].people == ("amy", "zoe")
    assert metrics["advanced_certifications"].people == ("amy", "max")
    # every result points at its own step, after one step per person counted
    for path in verdict.paths.values():
        for result in path.metrics.values():
            assert verdict.trace[result.step].rule == result.rule
    assert [(s.rule, s.concluded) for s in reordered.trace] == [(s.rule, s.concluded) for s in verdict.trace]


def test_a_level_s_rule_fires_once_however_many_of_its_certifications_are_held(monkeypatch):
    """People reach the engine as one fact per level listing its certifications held: four eligible
    intermediate certifications held make one certified:intermediate firing, not four."""
    fired: list[str] = []
    run = _engine.CompiledRuleset.run

    def recording_run(self, *args, **kwargs):
        session = run(self, *args, **kwargs)
        fired.extend(firing.rule for firing in session.firings)
        return session

    monkeypatch.setattr(_engine.CompiledRuleset, "run", recording_run)
    people = [
        {"id": "a", "certifications": ["MS-700", "MD-102"]},
        {"id": "b", "certifications": ["SC-300", "MS-721"]},
        {"id": "c", "certifications": ["MS-102"]},
    ]

    verdict = mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30", "people": people})

    assert fired.count("certified:intermediate") == 1
    assert fired.count("certified:advanced") == 1
    steps = [step.concluded["person"] for step in verdict.trace if step.rule == "certified:intermediate"]
    assert steps == ["a", "b"]


def test_a_session_in_which_no_rule_fires_is_deleted_safely():
    """The engine leaves a new session's action context unset; deleting one where nothing fired must not crash."""
    code = (
        "from mwrules._evaluation import engine as e\n"
        "rules = e.CompiledRuleset('test-quiet@1', [e.Rule('r', {'all': [{'m': {'t': 'x'}}]}, 0, lambda s, m: {})])\n"
        "print(len(rules.run([{'t': 'y'}]).firings))\n"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

    assert (0, "0\n") == (result.returncode, result.stdout), result.stderr


def _chained_rules(name: str) -> _engine.CompiledRuleset:
    """Rule a derives a y fact from an x fact, rule b fires on each y, rule c on the z facts."""

    def derive(session: _engine.Session, matched: dict) -> dict:
        session.assert_fact({"t": "y", "n": matched["x"]["n"]})
        return {}

    rules = [
        _engine.Rule("c", {"all": [{"z": {"t": "z"}}]}, 0, lambda s, m: {}),
        _engine.Rule("a", {"all": [{"x": {"t": "x"}}]}, 1, derive),
        _engine.Rule("b", {"all": [{"y": {"$and": [{"t": "y"}, {"$gt": {"n": 1}}]}}]}, 2, lambda s, m: {}),
        _engine.Rule("a2", {"all": [{"x": {"$and": [{"t": "x"}, {"$lt": {"n": 3}}]}}]}, 1, lambda s, m: {}),
        _engine.Rule("total", {"all": [{"z": {"t": "z"}}, {"w": {"t": "w"}}]}, 3, lambda s, m: {}),
    ]
    return _engine.CompiledRuleset(name, rules)


def _fired(session: _engine.Session) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    return [(f.rule, tuple((fact["t"], fact.get("n", 0)) for fact in f.matched.values())) for f in session.firings]


def test_facts_run_apart_fire_in_the_order_of_one_batch():
    """Groups run in sessions of their own give the firings, in the order, one batch of all the facts gives."""
    rules = _chained_rules("test-apart@1")
    xs = [{"t": "x", "n": n} for n in range(5)]
    others = [{"t": "z", "n": 7}, {"t": "z", "n": 8}, {"t": "w"}]

    together = _fired(rules.run([{**x} for x in xs] + [{**o} for o in others]))
    apart = _fired(rules.run([{**o} for o in others], apart=[[{**x} for x in xs[:2]], [{**x} for x in xs[2:]]]))

    assert together == apart
    assert ["c", "c", "a", "a", "a", "a", "a", "a2", "a2", "a2", "b", "b", "b", "total", "total"] == [
        r for r, _ in apart
    ]


def test_the_engine_holds_one_group_of_facts_run_apart_at_a_time(monkeypatch: pytest.MonkeyPatch):
    """Each group gets an engine session of its own, deleted before the next: the engine never holds two."""
    live: list[int] = [0]
    most: list[int] = []
    real = _engine._dre

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def assert_facts(self, handle: int, text: str) -> object:
            live[0] += len(json.loads(text))
            most.append(live[0])
            return real.assert_facts(handle, text)

        def assert_fact(self, handle: int, text: str) -> object:
            live[0] += 1
            most.append(live[0])
            return real.assert_fact(handle, text)

        def delete_state(self, handle: int, sid: str) -> object:
            live[0] = 0
            return real.delete_state(handle, sid)

    monkeypatch.setattr(_engine, "_dre", Counting())
    rules = _chained_rules("test-apart-held@1")

    rules.run([], apart=[[{"t": "x", "n": n} for n in range(group, group + 3)] for group in range(0, 30, 3)])

    assert 10 == len([count for count in most if count == 4])  # 3 x facts and the session's start, per group
    assert 7 == max(most)  # and the 3 y facts they derive


def test_firings_share_their_rules_name_and_aliases_instead_of_decoded_copies():
    """A firing outlives the run (the trace is built from it): thousands of them must not each hold a copy of a name."""
    rules = _chained_rules("test-shared-names@1")
    names = {rule.name: rule.name for rule in rules.rules}

    session = rules.run([{"t": "x", "n": n} for n in range(3)])

    assert all(firing.rule is names[firing.rule] for firing in session.firings)
    assert all(alias is sys.intern(alias) for firing in session.firings for alias in firing.matched)


@given(
    rule=st.text(min_size=1),
    alias=st.text(min_size=1),
    fact=st.dictionaries(
        st.text().filter(lambda key: key not in {"id", "sid"}),
        st.one_of(st.text(), st.integers(), st.lists(st.text())),
    ),
)
def test_a_message_about_a_rule_on_one_fact_is_read_as_decoding_it_would(
    rule: str, alias: str, fact: dict[str, object]
):
    """Without decoding: the rule and the fact's id, whatever text the fact holds (quotes, "id":"..., non-ASCII)."""
    message = engine_messages.encode({rule: {alias: {**fact, "id": "f12", "sid": "s0"}}})

    assert (rule, {alias: "f12"}) == engine_messages.read_message(message, {rule: alias})
    assert (rule, {alias: "f12"}) == engine_messages.read_message(message, {})


def test_the_engine_is_sent_only_the_fields_its_rules_read(monkeypatch: pytest.MonkeyPatch):
    """A field no pattern reads stays in Python: the action still reads it on the fact it matched."""
    sent: list[str] = []
    real = _engine.encode
    monkeypatch.setattr(_engine, "encode", lambda value: sent.append(real(value)) or sent[-1])
    rule = _engine.Rule("big", {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {"n": 1}}]}}]}, 0, lambda s, m: {})
    rules = _engine.CompiledRuleset("test-fields-sent@1", [rule])

    session = rules.run([{"t": "x", "n": 2, "note": "kept in Python"}, {"t": "y", "n": 5}])

    assert ["kept in Python"] == [firing.matched["m"]["note"] for firing in session.firings]
    assert '"n":2' in sent[-1]
    assert "kept in Python" not in "".join(sent)
    assert '"n":5' not in "".join(sent)  # no pattern reads n of a y fact


def test_what_a_pattern_of_no_type_or_of_another_fact_reads_is_sent_of_every_fact():
    whens = [
        {"pri": 3, "all": [{"a": {"$and": [{"t": "x"}, {"n": {"b": "m.k"}}]}}, {"b": {"t": "y"}}]},  # a join on y's m
        {"all": [{"c": {"$or": [{"t": "z"}, {"$lt": {"size.in": {"$mul": {"$l": {"$m": "cap.of"}, "$r": 2}}}}]}}]},
        {"any": [{"d$all": [{"e": {"$and": [{"t": "w"}, {"w": 1}]}}]}]},
        # two keys: not one $and, so it may match any type (what it reads is sent of every fact)
        {"all": [{"f": {"$and": [{"t": "v"}], "wide": 1}}]},
    ]

    fields = engine_messages.FieldsRead(whens)

    assert fields.known
    assert {"t": "x", "n": 1, "m": 2, "size": 3, "cap": 4, "wide": 5} == fields.select(
        {"t": "x", "n": 1, "m": 2, "size": 3, "cap": 4, "wide": 5, "other": 6}
    )
    assert {"t": "y", "m": 2} == fields.select({"t": "y", "n": 1, "m": 2, "w": 3, "_python": 6})
    assert {"t": "w", "w": 3} == fields.select({"t": "w", "n": 1, "w": 3})


@pytest.mark.parametrize(
    "when",
    [
        {"all": [{"a": {"t": "x"}}], "then": "unknown"},
        {"then": [{"a": {"t": "x"}}]},
        {"all": {"a": {"t": "x"}}},
        {"all": [{"a": {1: "x"}}]},
        {"all": [{"a": {"$gt": {"$m": 3}}}]},
        {"all": ["not a pattern"]},
    ],
)
def test_rules_in_a_form_the_reading_does_not_know_are_sent_every_field(when: dict[str, object]):
    fields = engine_messages.FieldsRead([when])

    assert fields.known is False
    assert {"t": "x", "n": 1} == fields.select({"t": "x", "n": 1, "_python": 2})

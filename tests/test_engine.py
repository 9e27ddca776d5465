"""The durable_rules adapter handles the engine's known pitfalls."""

from __future__ import annotations

import threading

import pytest

import mwrules
from mwrules import _engine


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


def test_fact_ids_are_free_of_hash_collisions():
    """f6059 and f264602 collide on the engine's 32-bit hash; the pool keeps only one."""
    ids = _engine._FACT_IDS.first(270_000)

    assert len({_engine.fnv1a32(fact_id) for fact_id in ids}) == len(ids)
    assert "f264602" not in ids


def test_more_evaluations_than_the_session_limit():
    """Sessions are deleted after use: 1,100 evaluations exceed the 1,024 live-session limit safely."""
    partner = {"partner_id": "x", "people": [{"id": "a", "certifications": ["MS-700"]}]}

    scores = {mwrules.evaluate(partner).score for _ in range(1100)}

    assert 1 == len(scores)


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

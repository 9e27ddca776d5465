"""What one more partner costs: work a ruleset fixes is done once per ruleset, and each value is made once."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from fractions import Fraction
from typing import Any

import pytest

import mwrules
from mwrules._evaluation import evaluate, rules_points
from mwrules._input.documents import Document
from mwrules.ruleset import Ruleset


#: Counts only, short of 70 on both paths, and in several metrics on each
SMALL_PARTNER: dict[str, Any] = {
    "partner_id": "small",
    "as_of": "2026-11-28",
    "people": [{"id": "a", "certifications": ["MS-102"]}],
    "metrics": {
        "smb": {"net_customer_adds": 4, "usage_growth": {"cpor": 105, "csp": 0}, "deployments": {"cpor": 5, "csp": 0}}
    },
}


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[tuple[Any, ...]]:
    """The arguments of every call of *owner*'s *name* from now on; the calls still do their work."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(owner, name)

    def recorded(*arguments: Any) -> Any:
        calls.append(arguments)
        return real(*arguments)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def test_a_metrics_points_reach_the_engine_without_fraction_arithmetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """A metric's points become the engine's units once, in whole numbers, not multiplied as a Fraction again."""
    mwrules.evaluate(SMALL_PARTNER)  # the ruleset compiled
    multiplied = calls_of(monkeypatch, Fraction, "__mul__")
    mwrules.evaluate(SMALL_PARTNER)
    assert multiplied == []


def test_what_a_path_needs_is_put_in_words_once_per_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saying why a partner falls short formats the partner's points, not the 70 and the 1 every partner needs."""
    mwrules.evaluate(SMALL_PARTNER)  # the ruleset compiled
    formatted = calls_of(monkeypatch, rules_points, "format_points")
    verdict = mwrules.evaluate(SMALL_PARTNER)
    assert len(verdict.paths["enterprise"].shortfalls) == 5
    assert "total on smb: 54.3 points, needs at least 70 (15.7 short)" in verdict.paths["smb"].shortfalls
    assert (Fraction(70),) not in formatted
    assert (Fraction(1),) not in formatted


def test_the_places_a_trace_names_in_the_document_are_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trace names where the document gives each metric; the second partner's trace reuses the first's names."""
    mwrules.evaluate(SMALL_PARTNER).trace.steps  # noqa: B018 - the first partner's trace, built
    verdict = mwrules.evaluate({**SMALL_PARTNER, "partner_id": "another"})
    named = calls_of(monkeypatch, evaluate, "child")
    steps = verdict.trace.steps
    assert "$.metrics.smb.usage_growth.cpor" in steps[9].matched
    assert named == []


def test_a_partners_input_facts_are_made_without_looking_the_ruleset_up_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which metrics a partner gives as numbers or in parts, and in what units, is read from the ruleset once."""
    mwrules.evaluate(SMALL_PARTNER)  # the ruleset compiled
    partner, choice = evaluate.prepare(Document(SMALL_PARTNER, None), None)
    looked_up = {name: calls_of(monkeypatch, Ruleset, name) for name in ("metric", "options", "kind")}
    verdict = evaluate.evaluate_with(partner, choice)
    assert verdict.paths["smb"].metrics["usage_growth"].inputs == {"cpor": 105, "csp": 0}
    assert looked_up == {"metric": [], "options": [], "kind": []}


def test_the_version_in_force_on_a_day_is_chosen_once_for_every_partner_of_that_day() -> None:
    """Partners of the same as_of share one choice of ruleset and its reason, not one worked out for each."""
    day = datetime.date(2024, 6, 30)
    first = mwrules.select_ruleset(as_of=day)
    assert mwrules.select_ruleset(as_of=day) is first
    assert first.reason == "in force on 2024-06-30: effective from 2023-06-12 through 2025-12-31"
    assert mwrules.select_ruleset().reason.startswith(f"in force today, {datetime.date.today()} (the partner gives")


def test_a_portfolio_is_written_as_json_lines_without_importing_cattrs() -> None:
    """An ordinary verdict becomes JSON without cattrs: no process of a portfolio imports it or builds its hooks."""
    program = (
        "import io, sys\n"
        "from mwrules import cli\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({json.dumps(SMALL_PARTNER).encode()!r} + b'\\n'))\n"
        "status = cli.main(['evaluate', '-', '--lines', '--format', 'jsonl', '--jobs', '1'])\n"
        "print(status, 'cattrs' in sys.modules, file=sys.stderr)\n"
    )
    finished = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert json.loads(finished.stdout)["verdict"]["partner_id"] == "small"
    assert finished.stderr.splitlines()[-1] == "0 False"

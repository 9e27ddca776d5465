"""The first evaluation in a process does only the work it needs (bench_first_evaluation.py measures it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest

import mwrules
from mwrules._evaluation import compile as compile_module
from mwrules._evaluation import engine as _engine
from mwrules._evaluation.compile import compile_ruleset


ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "near-miss.yaml"
RULESET = ROOT / "rulesets" / "modern-work" / "2026-01.yaml"


def modules_after(code: str, *names: str) -> list[str]:
    """Which of the modules *names* a fresh process has imported once it has run *code*."""
    script = f"import sys, mwrules; {code}; print(' '.join(name for name in {names!r} if name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return result.stdout.split()


def modules_after_evaluating(example: Path, *names: str) -> list[str]:
    """Which of the modules *names* a fresh process has imported once it has evaluated *example*."""
    return modules_after(f"mwrules.evaluate({str(example)!r})", *names)


def test_each_compilation_registers_its_rules_under_a_name_of_its_own():
    """Two compilations of one ruleset are two engine rulesets with distinct names (a serial number, not a digest)."""
    ruleset = mwrules.select_ruleset("modern-work@2026-01").ruleset

    first, second = compile_ruleset(ruleset), compile_ruleset(ruleset)
    first.release()
    second.release()

    assert first.engine.name != second.engine.name
    assert first.engine.name.startswith("modern-work@2026-01#")


def test_the_first_evaluation_does_not_import_hashlib():
    """Naming the engine's rules needs no digest, so no OpenSSL at start-up."""
    assert [] == modules_after_evaluating(EXAMPLE, "hashlib")


def test_a_ruleset_read_from_a_file_is_not_checked_again_when_compiled(monkeypatch):
    """Reading checked it: compiling it runs no check."""
    ruleset = mwrules.load_ruleset(RULESET)
    calls = []
    monkeypatch.setattr(compile_module, "check", lambda ruleset: calls.append(ruleset) or [])

    compile_ruleset(ruleset).release()

    assert [] == calls


def test_a_copy_of_a_ruleset_read_from_a_file_is_checked_when_compiled():
    """attrs.evolve makes a Ruleset in Python: compiling it checks it, and a broken one is refused."""
    ruleset = mwrules.load_ruleset(RULESET)
    broken = attrs.evolve(ruleset, scoring=attrs.evolve(ruleset.scoring, path_preference=("smb",)))

    with pytest.raises(mwrules.RulesetError, match="path_preference"):
        compile_ruleset(broken)


def test_a_valid_ruleset_and_partner_are_read_without_importing_cattrs():
    """cattrs (about 28 ms to import and generate its code) only words problems: the example has none."""
    assert [] == modules_after_evaluating(EXAMPLE, "cattrs")


def test_a_plan_with_the_default_costs_does_not_import_cattrs():
    """Costs without problems are read without cattrs too."""
    partner = f"__import__('yaml').safe_load(open({str(EXAMPLE)!r}))"

    assert [] == modules_after(f"mwrules.plan({partner})", "cattrs")


def test_the_customer_rules_are_encoded_only_when_first_registered(monkeypatch):
    """Compiling encodes the rules it registers; those for customer data wait for a partner that has it."""
    ruleset = mwrules.select_ruleset("modern-work@2026-01").ruleset
    encoded = []
    dumps = _engine.json.dumps
    monkeypatch.setattr(_engine, "json", SimpleNamespace(dumps=lambda value: encoded.append(value) or dumps(value)))

    compiled = compile_ruleset(ruleset)
    compiled.release()

    assert compiled.customer_engine is not None
    # one definition: the rules without customer data, and the start and catch-all rules
    assert [len(compiled.engine.rules) + 2] == [len(definition) for definition in encoded]

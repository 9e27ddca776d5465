"""The cyclic garbage collector is paused while mwrules builds big data that holds no cycle.

It can free none of it, yet walks all of it again and again as it piles up:
an 8,000-tenant verdict written as JSON spent a fifth of its time there, a
plan of the same partner from YAML half. Reference counting frees everything
as usual; the collector resumes afterwards. Each test counts the collections
started during one piece of work: dozens before, at most the one that may
follow the end of a pause after.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import mwrules
from mwrules._input.partner import read_document
from mwrules.cli import main


TENANTS = 1_500


def collections_during(work: Callable[[], object]) -> int:
    """How many collections the cyclic collector starts during *work*."""
    started = []

    def count(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.collect()  # the allocation counts start from nothing
    gc.callbacks.append(count)
    try:
        work()
    finally:
        gc.callbacks.remove(count)
    return len(started)


def tenants_partner() -> dict[str, Any]:
    """A partner with TENANTS customers, two usage months each: thousands of facts, steps and values."""
    return {
        "partner_id": "contoso",
        "as_of": "2026-11-28",
        "customers": [
            {
                "tenant": f"t{n}",
                "associations": [{"type": "CPOR", "since": "2024-03-15"}],
                "usage": [
                    {"month": "2025-10", "workload": "Teams", "paid_seats": 300 + n % 900, "active_users": n % 300},
                    {"month": "2026-10", "workload": "Teams", "paid_seats": 300 + n % 700, "active_users": n % 500},
                ],
            }
            for n in range(TENANTS)
        ],
    }


@pytest.fixture(scope="module")
def yaml_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("collector") / "tenants.yaml"
    path.write_text(yaml.safe_dump(tenants_partner(), sort_keys=False))
    return path


def test_reading_a_yaml_document_starts_no_collection(yaml_file: Path):
    """Its nodes, marks and data were walked by dozens of collections as they were composed."""
    assert collections_during(lambda: read_document(yaml_file)) <= 1


def test_building_a_verdicts_trace_starts_no_collection():
    """The trace is built when first read (as JSON is written): a step and its lists per firing."""
    verdict = mwrules.evaluate(tenants_partner())

    assert collections_during(lambda: verdict.trace.steps) <= 1
    assert len(verdict.trace) > 2 * TENANTS


def test_a_plan_starts_no_collection():
    """A plan evaluates the partner, searches, evaluates again and names the tenants nearest a target."""
    partner = mwrules.load_partner(tenants_partner())
    mwrules.plan(partner)  # the modules of a plan are imported at its first: not counted

    assert collections_during(lambda: mwrules.plan(partner)) <= 1


def test_evaluating_one_partner_on_the_command_line_starts_no_collection(
    yaml_file: Path, capsys: pytest.CaptureFixture[str]
):
    """Read, evaluated and written as JSON, in one pause: the collector ran between each stage and during output."""
    main(["evaluate", str(yaml_file), "--format", "json"])  # the modules it needs are imported: not counted
    capsys.readouterr()

    assert collections_during(lambda: main(["evaluate", str(yaml_file), "--format", "json"])) <= 1
    assert json.loads(capsys.readouterr().out)["partner_id"] == "contoso"

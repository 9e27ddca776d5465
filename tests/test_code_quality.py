"""The code passes the project's linters and type checker (part of the test command)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "benchmarks", "tools"],
        ["ruff", "format", "--check", "src", "tests", "benchmarks", "tools"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_passes(command: list[str]):
    """The tool reports no problem."""
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)

    assert 0 == result.returncode, result.stdout + result.stderr

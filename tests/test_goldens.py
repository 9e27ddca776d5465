"""Goldens: what the mwrules command prints today for Modern Work, pinned byte for byte.

Step 0 of docs/design/rules-as-data.md §5 (see §2.6 there): while the ruleset format
is rewritten as a vocabulary of terms and the shipped Modern Work files with it,
every output below must stay identical. Each golden is one file under
``tests/golden/``, the standard output of one command run in this process (UTF-8):

- every case ``rulesets/modern-work/cases/<version>/<case>.yaml``, its partner read
  from standard input, under its own version (``--ruleset modern-work@<version>``):
  ``evaluate --format json``, ``explain``, ``plan --format json`` and
  ``timeline --format json`` (a year from the case's ``as_of``, that version every day);
- every partner document ``examples/*.yaml`` and ``examples/*.json``: the same four
  commands with the version in force on the document's ``as_of``, and ``evaluate
  --format json`` and ``explain`` under the other Modern Work version too;
- the walk-through of docs/timeline.md (``timeline examples/timeline.yaml --to
  2028-06-30``, as text and JSON, and ``plan --by 2027-06-30``);
- ``diff modern-work@2023-06 modern-work@2026-01 --partners examples/`` (text and
  JSON), ``lint`` and ``test``.

The exit status of every command is pinned in ``tests/golden/exit-statuses.json``;
a command must print nothing on standard error.

To accept new outputs (after a change that is meant to change them, and after
reading ``git diff tests/golden``), regenerate them all::

    MWRULES_REGENERATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_goldens.py -q -p no:cacheprovider

or ``.venv/bin/python -m tests.test_goldens --regenerate``. Regenerating also removes
goldens that no command writes any more.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pytest

from mwrules._input.partner import declared_as_of, read_document
from mwrules._rulesets.versions import select_ruleset
from mwrules._tools.cases import load_case
from mwrules.cli import main


ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
STATUSES = GOLDEN / "exit-statuses.json"
VERSIONS = ("2023-06", "2026-01")
REGENERATE = os.environ.get("MWRULES_REGENERATE_GOLDENS") == "1"


#: examples/ holds the sample downloads, which a folder's partners are not, and three documents of partner
#: northwind, which diff --partners names (each is counted as a partner)
_NORTHWIND_THRICE = (
    "mwrules: 2 other file(s) not read (not named *.json, *.yaml, *.yml, *.jsonl or *.ndjson): "
    "examples/partner-center/cpor-m365-usage.csv, examples/partner-center/trainings.csv\n"
    "mwrules: partner_id 'northwind' is given by 3 inputs (examples/all-designations.yaml, examples/near-miss.yaml "
    "and examples/timeline.yaml): each is counted as a partner\n"
)


@attrs.frozen
class Run:
    """One command whose standard output is pinned in the golden file *name*."""

    name: str
    argv: tuple[str, ...]
    stdin: bytes | None = None
    #: what it must print on standard error: nothing, but for a note that is part of what it says
    stderr: str = ""


@attrs.frozen
class Output:
    """What a command printed, and its exit status."""

    stdout: bytes
    stderr: str
    status: int


def case_runs(case_file: Path) -> Iterator[Run]:
    """The four commands on a case's partner, under the case's version."""
    version = case_file.parent.name
    partner = json.dumps(load_case(case_file).partner, ensure_ascii=False).encode()
    ruleset = ("--ruleset", f"modern-work@{version}")
    name = f"cases/{version}/{case_file.stem}"
    yield Run(f"{name}.evaluate.json", ("evaluate", "-", "--format", "json", *ruleset), partner)
    yield Run(f"{name}.explain.txt", ("explain", "-", *ruleset), partner)
    yield Run(f"{name}.plan.json", ("plan", "-", "--format", "json", *ruleset), partner)
    yield Run(f"{name}.timeline.json", ("timeline", "-", "--format", "json", *ruleset), partner)


def example_runs(example: Path) -> Iterator[Run]:
    """The four commands on an example as it is, and evaluate and explain under the other version."""
    file = example.relative_to(ROOT).as_posix()
    name = f"examples/{example.stem}"
    yield Run(f"{name}.evaluate.json", ("evaluate", file, "--format", "json"))
    yield Run(f"{name}.explain.txt", ("explain", file))
    yield Run(f"{name}.plan.json", ("plan", file, "--format", "json"))
    yield Run(f"{name}.timeline.json", ("timeline", file, "--format", "json"))
    in_force = version_in_force(example)
    for version in VERSIONS:
        if version != in_force:
            ruleset = ("--ruleset", f"modern-work@{version}")
            yield Run(f"{name}@{version}.evaluate.json", ("evaluate", file, "--format", "json", *ruleset))
            yield Run(f"{name}@{version}.explain.txt", ("explain", file, *ruleset))


def version_in_force(example: Path) -> str:
    """The Modern Work version in force on the example's ``as_of``."""
    as_of = declared_as_of(read_document(str(example)).data)
    return select_ruleset("modern-work", as_of=as_of).ruleset.manifest.version


def all_runs() -> list[Run]:
    """Every pinned command."""
    cases = sorted((ROOT / "rulesets" / "modern-work" / "cases").glob("*/*.yaml"))
    examples = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "examples").glob("*.json")])
    diff = ("diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", "examples/")
    return [
        *(run for case_file in cases for run in case_runs(case_file)),
        *(run for example in examples for run in example_runs(example)),
        Run(
            "examples/timeline.timeline-to-2028-06-30.txt", ("timeline", "examples/timeline.yaml", "--to", "2028-06-30")
        ),
        Run(
            "examples/timeline.timeline-to-2028-06-30.json",
            ("timeline", "examples/timeline.yaml", "--to", "2028-06-30", "--format", "json"),
        ),
        Run(
            "examples/timeline.plan-by-2027-06-30.json",
            ("plan", "examples/timeline.yaml", "--by", "2027-06-30", "--format", "json"),
        ),
        Run("diff.txt", diff, stderr=_NORTHWIND_THRICE),
        Run("diff.json", (*diff, "--format", "json"), stderr=_NORTHWIND_THRICE),
        Run("lint.txt", ("lint",)),
        Run("test.txt", ("test",)),
    ]


def run_command(run: Run) -> Output:
    """Run *run* in this process, from the repository's root, as a UTF-8 terminal would."""
    printed = io.BytesIO()
    stdout = io.TextIOWrapper(printed, encoding="utf-8", newline="\n")
    stderr = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(run.stdin or b""), encoding="utf-8")
    with (
        contextlib.chdir(ROOT),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        _stdin(stdin),
    ):
        status = main(list(run.argv))
    stdout.flush()
    return Output(printed.getvalue(), stderr.getvalue(), status)


@contextlib.contextmanager
def _stdin(stream: io.TextIOWrapper) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = saved


def regenerate(runs: Sequence[Run]) -> None:
    """Write every golden and the exit statuses again; remove goldens no run writes."""
    statuses = {}
    for run in runs:
        output = run_command(run)
        if output.stderr != run.stderr:
            message = f"{run.name}: mwrules {' '.join(run.argv)} wrote to standard error:\n{output.stderr}"
            raise RuntimeError(message)
        path = GOLDEN / run.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(output.stdout)
        statuses[run.name] = output.status
    STATUSES.write_text(json.dumps(statuses, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written = {GOLDEN / run.name for run in runs} | {STATUSES}
    for path in GOLDEN.rglob("*"):
        if path.is_file() and path not in written:
            path.unlink()


RUNS = all_runs()


@pytest.fixture(scope="session")
def statuses() -> dict[str, int]:
    """The pinned exit statuses, written first when regenerating."""
    if REGENERATE:
        regenerate(RUNS)
    return json.loads(STATUSES.read_text(encoding="utf-8"))


def test_every_golden_file_is_a_run(statuses: dict[str, int]):
    """No golden is left over from a command that is no longer run (regenerating removes them)."""
    pinned = {path.relative_to(GOLDEN).as_posix() for path in GOLDEN.rglob("*") if path.is_file()}

    assert pinned - {STATUSES.name} == {run.name for run in RUNS} == set(statuses)


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.name)
def test_output_is_the_golden(run: Run, statuses: dict[str, int]):
    """The command prints exactly its golden file, nothing on standard error, and exits as pinned."""
    golden = GOLDEN / run.name
    regenerate_hint = "if the change is meant, regenerate: see the docstring of tests/test_goldens.py"
    assert golden.is_file(), f"no golden {golden.relative_to(ROOT)}; {regenerate_hint}"

    output = run_command(run)

    command = f"mwrules {' '.join(run.argv)}" + (" < (the case's partner)" if run.stdin else "")
    assert run.stderr == output.stderr, f"{command} wrote to standard error"
    assert statuses.get(run.name) == output.status, f"{command} exit status changed; {regenerate_hint}"
    expected = golden.read_bytes()
    if output.stdout != expected:
        got, want = output.stdout.decode("utf-8").splitlines(), expected.decode("utf-8").splitlines()
        line = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
        pytest.fail(
            f"{command} no longer prints {golden.relative_to(ROOT)}; first difference at line {line + 1}:\n"
            f"  golden: {want[line] if line < len(want) else '(end of file)'}\n"
            f"  now:    {got[line] if line < len(got) else '(end of output)'}\n"
            f"{regenerate_hint}",
            pytrace=False,
        )


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        usage = "usage: python -m tests.test_goldens --regenerate"
        raise SystemExit(usage)
    regenerate(RUNS)
    sys.stdout.write(f"{len(RUNS)} golden(s) written to {GOLDEN.relative_to(ROOT)}/\n")

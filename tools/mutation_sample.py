"""A sampled mutation score over the whole of ``src/mwrules`` (docs/mutation-testing.md), not run in CI.

Running every mutant of the package takes about two days on the project's machine,
so this runs a uniform random sample of them and gives the score with a 95 %
(Wilson) interval. Run from the project's root, after mutmut has generated the
mutants (``mutmut run`` with a name that matches nothing generates them, records
which tests reach which function, then stops)::

    nice -n 19 .venv/bin/mutmut run --max-children 2 'none'     # generate (fails: "nothing matches")
    .venv/bin/python tools/mutation_sample.py count              # mutants per module
    .venv/bin/python tools/mutation_sample.py draw --seed 20261206 --size 300
    .venv/bin/python tools/mutation_sample.py run 0 100          # the sample's first 100 mutants
    .venv/bin/python tools/mutation_sample.py run 100 200        # ... and so on
    .venv/bin/python tools/mutation_sample.py score --first 200  # the score of the batches run

``draw`` shuffles the sorted list of every mutant name with the seed and keeps the
first ``--size`` of them, in that order, in ``mutants/sample.txt``. Any first part
of that list is itself a uniform sample, so the batches can stop early without
biasing the score. ``run`` runs one slice of it with mutmut (``nice -n 19``, two
workers); ``score`` reads mutmut's results for the sample from ``mutants/``.
A sampled name the code no longer has (the sample was drawn at an earlier commit and
the function changed or moved) is "not in this commit": ``run`` skips it and
``score`` counts it neither killed nor survived, and lists it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path


MUTANTS = Path("mutants")
SAMPLE = MUTANTS / "sample.txt"
Z_95 = 1.959963984540054

# mutmut's exit codes (mutmut/stats.py), grouped the way the score counts them
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {-24, 24, 152, 255, 36}
# a sampled name the code no longer has (drawn at another commit): neither killed nor survived
NOT_IN_COMMIT = "not in this commit"


def status(exit_code: int | None) -> str:
    """The group a mutant's exit code falls in, for the score."""
    if exit_code is None:
        return "not checked"
    if exit_code in KILLED:
        return "killed"
    if exit_code in SURVIVED:
        return "survived"
    if exit_code in NO_TESTS:
        return "no tests"
    if exit_code in TIMEOUT:
        return "timeout"
    return f"other ({exit_code})"


def results() -> dict[str, int | None]:
    """Every generated mutant's name and its exit code (None: not run), from mutmut's meta files."""
    found: dict[str, int | None] = {}
    for meta in sorted((MUTANTS / "src").rglob("*.py.meta")):
        found.update(json.loads(meta.read_text())["exit_code_by_key"])
    if not found:
        sys.exit("no mutants under mutants/src: generate them first (see this script's docstring)")
    return found


def module(name: str) -> str:
    """The module a mutant name belongs to: the dotted part before the function."""
    return name.split("__mutmut_", maxsplit=1)[0].rsplit(".", 1)[0]


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if not trials:
        return (0.0, 1.0)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return (centre - half, centre + half)


def count(_: argparse.Namespace) -> None:
    by_module = Counter(module(name) for name in results())
    for name, n in sorted(by_module.items()):
        print(f"{n:6}  {name}")
    print(f"{sum(by_module.values()):6}  total, in {len(by_module)} modules")


def draw(arguments: argparse.Namespace) -> None:
    names = sorted(results())
    random.Random(arguments.seed).shuffle(names)
    sample = names[: arguments.size]
    SAMPLE.write_text("".join(f"{name}\n" for name in sample))
    print(f"{len(sample)} of {len(names)} mutants, seed {arguments.seed}, in {SAMPLE}")


def sample() -> list[str]:
    if not SAMPLE.exists():
        sys.exit(f"no {SAMPLE}: draw the sample first")
    return SAMPLE.read_text().split()


def run(arguments: argparse.Namespace) -> None:
    found = results()
    names = sample()[arguments.start : arguments.stop]
    gone = [name for name in names if name not in found]
    for name in gone:
        print(f"not in this commit (skipped): {name}")
    names = [name for name in names if name in found]
    if not names:
        sys.exit("none of these mutants is in this commit")
    command = ["nice", "-n", "19", str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", "2"]
    sys.exit(subprocess.run([*command, *names], check=False).returncode)


def score(arguments: argparse.Namespace) -> None:
    found = results()
    names = sample()[: arguments.first]
    statuses = {name: status(found[name]) if name in found else NOT_IN_COMMIT for name in names}
    gone = [name for name in names if statuses[name] == NOT_IN_COMMIT]
    checked = [name for name in names if statuses[name] not in {"not checked", NOT_IN_COMMIT}]
    tally = Counter(statuses[name] for name in checked)
    killed, survived = tally["killed"], tally["survived"]
    low, high = wilson(killed, killed + survived)
    print(
        f"sample: the first {len(names)} drawn; {len(gone)} not in this commit;"
        f" {len(found)} mutants in this commit; run: {len(checked)}"
    )
    for group, n in sorted(tally.items()):
        print(f"  {group}: {n}")
    if killed + survived:
        print(
            f"score: {killed} / {killed + survived} = {killed / (killed + survived):.1%}"
            f" (95 % Wilson interval {low:.1%} to {high:.1%})"
        )
    by_module: dict[str, Counter[str]] = {}
    for name in checked:
        by_module.setdefault(module(name), Counter())[statuses[name]] += 1
    print("per module (killed, survived, other):")
    for name, groups in sorted(by_module.items()):
        other = sum(groups.values()) - groups["killed"] - groups["survived"]
        print(f"  {name}: {groups['killed']}, {groups['survived']}, {other}")
    for group in sorted(set(tally) - {"killed"}):
        print(f"{group}:")
        for name in checked:
            if statuses[name] == group:
                print(f"  {name}")
    if gone:
        print(f"{NOT_IN_COMMIT}:")
        for name in gone:
            print(f"  {name}")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps({name: statuses[name] for name in names}, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True)
    commands.add_parser("count", help="mutants per module").set_defaults(command=count)
    drawing = commands.add_parser("draw", help="draw the sample into mutants/sample.txt")
    drawing.add_argument("--seed", type=int, required=True)
    drawing.add_argument("--size", type=int, default=300)
    drawing.set_defaults(command=draw)
    running = commands.add_parser("run", help="run the sample's mutants from START up to STOP")
    running.add_argument("start", type=int)
    running.add_argument("stop", type=int)
    running.set_defaults(command=run)
    scoring = commands.add_parser("score", help="the score of the sample's mutants run so far")
    scoring.add_argument("--first", type=int, help="only the sample's first N mutants (the batches run)")
    scoring.add_argument("--json", help="also write each sampled mutant's status to this file")
    scoring.set_defaults(command=score)
    arguments = parser.parse_args()
    arguments.command(arguments)


if __name__ == "__main__":
    main()

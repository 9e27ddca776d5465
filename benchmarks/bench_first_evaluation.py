"""The first evaluation in a process beside the second, each process fresh.

Run: python benchmarks/bench_first_evaluation.py [--processes N]

Each of N fresh processes imports mwrules, then evaluates
examples/near-miss.yaml twice. The first evaluation reads and checks the
shipped rulesets and compiles the rules of the version it uses; the second
finds them made. The second is the baseline: the ratio says what the first
evaluation costs beyond a typical one. CPU time (``time.process_time``) is
robust to the other work on a shared machine; wall time is shown beside it.
Read the ratio, not the milliseconds; each figure is the median of the
processes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path


PYTHON = sys.executable
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "near-miss.yaml"

# Measured as users run it: with bytecode caches (this machine's environment
# sets PYTHONDONTWRITEBYTECODE, which recompiles every module at every start)
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

ONE_PROCESS = """
import json, sys, time
import mwrules
mwrules.evaluate  # import the public name, not timed: bench_portfolio measures start-up
samples = []
for _ in range(2):
    cpu, wall = time.process_time(), time.perf_counter()
    mwrules.evaluate({example!r})
    samples.append((time.process_time() - cpu, time.perf_counter() - wall))
print(json.dumps({{"first": samples[0], "second": samples[1], "cattrs": "cattrs" in sys.modules}}))
"""


def one_process() -> dict[str, object]:
    """The CPU and wall seconds of the first and second evaluation in a fresh process; whether it imported cattrs."""
    script = ONE_PROCESS.format(example=str(EXAMPLE))
    result = subprocess.run([PYTHON, "-c", script], check=True, capture_output=True, text=True, env=ENVIRONMENT)
    measured: dict[str, object] = json.loads(result.stdout)
    return measured


def measure(processes: int = 7) -> dict[str, tuple[float, float]]:
    """Per evaluation (first, second), the median CPU and wall seconds of *processes* processes; prints a table."""
    one_process()  # warm up: write the bytecode caches
    runs = [one_process() for _ in range(processes)]
    medians = {}
    for which in ("first", "second"):
        samples = [run[which] for run in runs]
        medians[which] = (statistics.median(cpu for cpu, _ in samples), statistics.median(wall for _, wall in samples))
    (first_cpu, first_wall), (second_cpu, second_wall) = medians["first"], medians["second"]
    print(f"evaluate({EXAMPLE.name}) in a fresh process, median of {processes} processes")
    print(f"{'':>6} {'first':>10} {'second':>10} {'ratio':>7}")
    print(f"{'CPU':>6} {first_cpu * 1e3:>7.2f} ms {second_cpu * 1e3:>7.2f} ms {first_cpu / second_cpu:>6.1f}x")
    print(f"{'wall':>6} {first_wall * 1e3:>7.2f} ms {second_wall * 1e3:>7.2f} ms {first_wall / second_wall:>6.1f}x")
    imported = sum(bool(run["cattrs"]) for run in runs)
    print(f"cattrs imported in {imported} of {processes} processes (a valid partner and ruleset need none)")
    print("target: the first at most 10x the second (CPU)")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=7, help="fresh processes to measure (default 7)")
    args = parser.parse_args()
    measure(args.processes)


if __name__ == "__main__":
    main()

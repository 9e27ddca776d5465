"""Start-up, memory and portfolio throughput, each beside its baseline in the same run.

Run: python benchmarks/bench_portfolio.py [--partners N]

- start-up: ``import mwrules`` and its ``evaluate`` (``import mwrules`` alone
  imports each name when first used) against importing its dependencies
  alone, and a one-shot ``mwrules evaluate`` process against that import
  (each the median of interleaved runs of fresh processes);
- memory: the peak memory of evaluating one partner of 50,000 people, beyond
  what building the partner took (a fresh process each);
- portfolio: ``mwrules evaluate FILE.jsonl --format jsonl`` over N typical
  partners (100 people, 3 certifications each) with ``--jobs 1`` and
  ``--jobs 2``.

The machines are shared and noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import DATES, partner

import mwrules


PYTHON = sys.executable
DEPENDENCIES = "import attrs, cattrs, yaml, durable_rules_engine"


# Measured as users run it: with bytecode caches (this machine's environment
# sets PYTHONDONTWRITEBYTECODE, which recompiles every module at every start)
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def seconds(command: list[str], stdout: int | None = subprocess.DEVNULL) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=stdout, env=ENVIRONMENT)
    return time.perf_counter() - start


def interleaved(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """The median seconds of each command, the commands run in turn *repeat* times."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        seconds(command)  # warm up: write the bytecode caches
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(seconds(command))
    return {name: statistics.median(values) for name, values in samples.items()}


def start_up(repeat: int = 9) -> None:
    example = str(Path(__file__).resolve().parents[1] / "examples" / "near-miss.yaml")
    times = interleaved(
        {
            "python": [PYTHON, "-c", "pass"],
            "dependencies": [PYTHON, "-c", DEPENDENCIES],
            "import mwrules": [PYTHON, "-c", "import mwrules; mwrules.evaluate"],
            "mwrules evaluate": [PYTHON, "-m", "mwrules.cli", "evaluate", example],
        },
        repeat,
    )
    bare = times["python"]
    print("start-up (median of fresh processes with bytecode caches; beyond: less Python's own start)")
    for name, value in times.items():
        print(f"  {name:>18}: {value * 1e3:7.1f} ms ({(value - bare) * 1e3:6.1f} ms beyond Python)")
    deps, package, one_shot = (times[name] - bare for name in ("dependencies", "import mwrules", "mwrules evaluate"))
    print(f"  import mwrules / its dependencies: {package / deps:.2f}x (target at most 1.5x)")
    print(f"  one-shot mwrules evaluate / import mwrules: {one_shot / package:.2f}x (target at most 2x)")


MEMORY = """
import resource, sys
sys.path.insert(0, {benchmarks!r})
from bench_evaluate import partner, DATES
import mwrules
mwrules.evaluate(partner(5, DATES[1]))
subject = partner({people}, DATES[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
mwrules.evaluate(subject){read}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024)
"""


def memory(people: int = 50_000) -> None:
    benchmarks = str(Path(__file__).resolve().parent)
    print(f"peak memory of evaluate() on {people:,} people, beyond building the partner")
    for label, read in (("verdict only", ""), ("trace read too", ".trace[-1]")):
        script = MEMORY.format(benchmarks=benchmarks, people=people, read=read)
        result = subprocess.run([PYTHON, "-c", script], check=True, capture_output=True, text=True, env=ENVIRONMENT)
        print(f"  {label:>15}: {float(result.stdout):7.1f} MiB (target under 150 MiB)")


def portfolio(partners: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "portfolio.jsonl"
        with path.open("w") as file:
            for index in range(partners):
                document = mwrules.partner_to_json(partner(100, DATES[1], seed=index))
                file.write(json.dumps(document) + "\n")
        command = [PYTHON, "-m", "mwrules.cli", "evaluate", str(path), "--format", "jsonl", "--jobs"]
        times = interleaved({"1": [*command, "1"], "2": [*command, "2"]}, repeat=3)
    print(f"portfolio: {partners:,} typical partners (100 people) from JSON Lines, --format jsonl")
    for jobs, value in times.items():
        print(f"  --jobs {jobs}: {value:6.2f} s, {partners / value:7.0f} partners/s")
    print(f"  --jobs 2 / --jobs 1 throughput: {times['1'] / times['2']:.2f}x (target at least 1.6x on 2 free cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000, help="partners in the portfolio (default 10,000)")
    args = parser.parse_args()
    start_up()
    print()
    memory()
    print()
    portfolio(args.partners)


if __name__ == "__main__":
    main()

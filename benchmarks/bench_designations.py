"""All six designations of a typical partner beside Modern Work alone.

Run: python benchmarks/bench_designations.py [--processes N]

A partner of 100 people holding three certifications each, drawn from the
certifications every shipped designation lists, with the facts and metrics of
each designation (the shapes of docs/input-format.md and shared/designations.md
§6). It is evaluated under Modern Work alone, and under all six in a row:

- warm: after the first evaluation of each (rulesets read, rules compiled),
  the two taken in turn, median of repeats;
- cold: the first evaluation in a fresh process, CPU time, median of
  processes (as bench_first_evaluation.py measures it).

Issue 23's target is the warm ratio: the six in at most 4x the time of Modern
Work alone. Read the ratios, not the milliseconds: the machines are shared.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mwrules


DESIGNATIONS = (
    "modern-work",
    "security",
    "business-applications",
    "data-ai",
    "infrastructure",
    "digital-app-innovation",
)
#: A day every designation is in force on (the five start on 2026-07-01)
AS_OF = datetime.date(2026, 8, 15)
#: Per designation, the facts it reads and its metrics, in the shapes of its ruleset
FACTS = {
    "business-applications": {"enterprise_workloads": 6},
    "data-ai": {"smb_customer_share": 85},
    "infrastructure": {"smb_customer_share": 85},
    "digital-app-innovation": {"smb_customer_share": 85},
}
AZURE = {
    "net_customer_adds": 2,
    "usage_growth": {"growth_percent": 12.5, "qualifying_acr": 48000},
    "deployments": 4,
}
METRICS = {
    "modern-work": {
        "enterprise": {
            "net_customer_adds": 3,
            "usage_growth": {"cpor": 800, "dpor": 2000},
            "deployments": {"cpor": 2, "dpor": 4},
        },
        "smb": {
            "net_customer_adds": 6,
            "usage_growth": {"cpor": 100, "csp": 700},
            "deployments": {"cpor": 1, "csp": 3},
        },
    },
    "security": {
        path: {
            "net_customer_adds": {"azure": 2, "m365": 3},
            "usage_growth": {"azure": 6250.5, "m365": 300},
            "deployments": {"azure": 1, "m365": 2},
        }
        for path in ("enterprise", "smb")
    },
    "business-applications": {
        "enterprise": {
            "net_customer_adds": 4,
            "usage_growth": {"growth_percent": 12, "baseline_mcv": 60000},
            "deployments": 3,
        },
    },
    "data-ai": {"smb": AZURE},
    "infrastructure": {"smb": AZURE},
    "digital-app-innovation": {"smb": AZURE},
}


def certification_names() -> list[str]:
    """Each certification of every shipped designation, as partner data most often writes it (its exam code)."""
    names = set()
    for designation in DESIGNATIONS:
        for certification in mwrules.select_ruleset(designation, as_of=AS_OF).ruleset.certifications:
            names.add(certification.aliases[0] if certification.aliases else certification.name)
    return sorted(names)


def documents(people: int = 100, seed: int = 1) -> dict[str, dict[str, Any]]:
    """The partner's documents: Modern Work's alone, and one with every designation's facts and metrics.

    About one certification in seven has expired by AS_OF.
    """
    rnd = random.Random(seed)
    names = certification_names()
    members = []
    for index in range(people):
        certifications: list[Any] = []
        for name in rnd.sample(names, 3):
            expired = rnd.random() < 0.15
            certifications.append({"name": name, "expires": "2026-01-01"} if expired else name)
        members.append({"id": f"person-{index}", "certifications": certifications})
    common = {"partner_id": f"bench-{people}", "as_of": AS_OF.isoformat(), "people": members}
    facts = {name: value for designation_facts in FACTS.values() for name, value in designation_facts.items()}
    return {
        # What a Modern Work partner gives today
        "modern-work": {**common, "metrics": METRICS["modern-work"]},
        # One document for all six (docs/input-format.md): Modern Work's metrics at the top, a section each for the rest
        "all": {
            **common,
            "facts": facts,
            "metrics": METRICS["modern-work"],
            "designations": {
                designation: {"metrics": METRICS[designation]}
                for designation in DESIGNATIONS
                if designation != "modern-work"
            },
        },
    }


def modern_work(partner: dict[str, dict[str, Any]]) -> mwrules.Verdict:
    """The Modern Work verdict alone."""
    return mwrules.evaluate(partner["modern-work"], ruleset="modern-work")


def all_six(partner: dict[str, dict[str, Any]]) -> list[mwrules.Verdict]:
    """The six verdicts, from the one document, as ``mwrules evaluate FILE --designations`` reaches them."""
    result = mwrules.evaluate_designations(partner["all"], designations=DESIGNATIONS)
    return [designation.verdict for designation in result.results if designation.verdict is not None]


def median_seconds(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def warm(people: int = 100, repeat: int = 9, number: int = 20) -> tuple[float, float]:
    """The median seconds of Modern Work alone and of all six, after a first evaluation of each; prints them."""
    partner = documents(people)
    verdicts = all_six(partner)
    assert len(verdicts) == len(DESIGNATIONS)
    one_samples, six_samples = [], []
    for _ in range(repeat):  # taken in turn: noise hits both alike
        one_samples.append(median_seconds(lambda: modern_work(partner), number * 3))
        six_samples.append(median_seconds(lambda: all_six(partner), number))
    one, six = statistics.median(one_samples), statistics.median(six_samples)
    print(f"warm, {people} people with 3 certifications each, median of {repeat} repeats")
    print(f"{'Modern Work alone':>18} {'all six':>10} {'ratio':>7}")
    print(f"{one * 1e3:>15.2f} ms {six * 1e3:>7.2f} ms {six / one:>6.1f}x")
    for designation, verdict in zip(DESIGNATIONS, verdicts, strict=True):
        state = "qualified" if verdict.qualified else "not qualified"
        print(f"  {designation:<23} {verdict.path:<10} {float(verdict.score):>6.2f}  {state}")
    print("target: all six at most 4x Modern Work alone")
    return one, six


# Measured as users run it: with bytecode caches (see bench_first_evaluation.py)
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

ONE_PROCESS = """
import importlib.util, json, time
spec = importlib.util.spec_from_file_location("bench_designations", {path!r})
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
partner = bench.documents({people})
cpu = time.process_time()
bench.{which}(partner)
print(json.dumps(time.process_time() - cpu))
"""


def one_process(which: str, people: int) -> float:
    """The CPU seconds of the first *which* (modern_work or all_six) in a fresh process."""
    script = ONE_PROCESS.format(path=str(Path(__file__).resolve()), people=people, which=which)
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=ENVIRONMENT)
    seconds: float = json.loads(result.stdout)
    return seconds


def cold(people: int = 100, processes: int = 7) -> tuple[float, float]:
    """The median CPU seconds of the first Modern Work evaluation and of the first six, in fresh processes."""
    one_process("modern_work", people)  # warm up: write the bytecode caches
    one_samples, six_samples = [], []
    for _ in range(processes):
        one_samples.append(one_process("modern_work", people))
        six_samples.append(one_process("all_six", people))
    one, six = statistics.median(one_samples), statistics.median(six_samples)
    print(f"cold: the first evaluation in a fresh process, CPU, median of {processes} processes")
    print(f"{'Modern Work alone':>18} {'all six':>10} {'ratio':>7}")
    print(f"{one * 1e3:>15.2f} ms {six * 1e3:>7.2f} ms {six / one:>6.1f}x")
    return one, six


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=7, help="fresh processes per cold figure (default 7)")
    args = parser.parse_args()
    warm()
    print()
    cold(processes=args.processes)


if __name__ == "__main__":
    main()

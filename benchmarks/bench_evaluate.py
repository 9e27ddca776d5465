"""Per-partner latency of mwrules.evaluate() beside a plain-Python scorer.

Run: python benchmarks/bench_evaluate.py

Both sides start from the same mwrules.Partner object and compute the same
scores (the plain side is tests/plain_scorer.py: sets and loops, no trace, no
engine). The machines are shared and noisy, so read the ratio, not the
milliseconds; each figure is the median of several repetitions.
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.plain_scorer import plain_verdict

import mwrules


#: One evaluation date per shipped version: 2023-06 and 2026-01.
DATES = (datetime.date(2024, 6, 30), datetime.date(2026, 11, 27))
NAMES = [
    "AB-900",
    "MS-700",
    "SC-300",
    "MD-102",
    "MS-203",
    "MS-900",
    "MS-721",
    "MS-102",
    "AZ-104",
    "Teams Administrator Associate",
]


def partner(people: int, as_of: datetime.date = DATES[0], seed: int = 1) -> mwrules.Partner:
    rnd = random.Random(seed)
    members = []
    for index in range(people):
        certs = []
        for name in rnd.sample(NAMES, 3):
            expires = datetime.date(2024, 1, 1) if rnd.random() < 0.15 else None
            certs.append(mwrules.Certification(name, None, expires))
        members.append(mwrules.Person(f"person-{index}", tuple(certs)))
    metrics = {
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
    }
    return mwrules.Partner(partner_id=f"bench-{people}", as_of=as_of, people=tuple(members), metrics=metrics)


def median_seconds(fn, repeat: int, number: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def interleaved_medians(engine, plain, repeat: int, number: int) -> tuple[float, float]:
    """The median seconds of *engine* and of *plain*, their repeats taken in turn (noise hits both alike)."""
    engine_samples, plain_samples = [], []
    for _ in range(repeat):
        engine_samples.append(median_seconds(engine, 1, number))
        plain_samples.append(median_seconds(plain, 1, number * 5))
    return statistics.median(engine_samples), statistics.median(plain_samples)


ROWS = ((100, 9, 40), (1_000, 5, 4), (5_000, 3, 1), (20_000, 3, 1), (50_000, 3, 1))


def measure(as_of: datetime.date, rows=ROWS) -> dict[int, tuple[float, float]]:
    """Per partner size, the median seconds of evaluate() and of the plain scorer; prints a table."""
    ruleset = mwrules.select_ruleset(as_of=as_of).ruleset
    mwrules.evaluate(partner(5, as_of))  # compile and register the rules once
    print(f"{ruleset}, as_of {as_of}")
    print(f"{'partner':>16} {'evaluate()':>12} {'plain Python':>13} {'ratio':>7}")
    results = {}
    for people, repeat, number in rows:
        subject = partner(people, as_of)
        verdict = mwrules.evaluate(subject)
        assert plain_verdict(subject, ruleset, as_of) == (verdict.qualified, verdict.path, verdict.score)
        engine, plain = interleaved_medians(
            lambda s=subject: mwrules.evaluate(s), lambda s=subject: plain_verdict(s, ruleset, as_of), repeat, number
        )
        results[people] = (engine, plain)
        print(f"{people:>9} people {engine * 1e3:>9.2f} ms {plain * 1e3:>10.3f} ms {engine / plain:>6.1f}x")
    sizes = sorted(results)
    if len(sizes) > 1:
        first, last = sizes[1 if len(sizes) > 2 else 0], sizes[-1]
        cost = {people: results[people][0] / people for people in sizes}
        print(
            "engine cost per person: "
            + ", ".join(f"{people}: {cost[people] * 1e6:.1f} us" for people in sizes)
            + f"  ({last:,} vs {first:,}: {cost[last] / cost[first]:.2f}x per person)"
        )
        print("targets: 100 people at most 3x, 20,000 at most 2x, per person at 50,000 at most 1.3x that at 1,000")
    return results


def main() -> None:
    for as_of in DATES:
        measure(as_of)
        print()


if __name__ == "__main__":
    main()

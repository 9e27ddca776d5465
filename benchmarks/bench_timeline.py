"""A two-year timeline of a partner beside a plain-Python scorer run on every day of it.

Run: python benchmarks/bench_timeline.py

The partner: N people with 3 certifications each, earned on random days over
five years, four in five of them expiring a year later, so that thousands of
change dates fall in the range; metrics given as numbers. mwrules.timeline()
evaluates on the change dates where something a score depends on moves (see
docs/timeline.md); the baseline is tests/plain_scorer.py (sets and loops, no
engine, no trace) on each of the 731 days, under the version in force that
day, as a naive exact timeline would. Both sides are checked to agree on
every day. The machines are shared and noisy: read the ratio, not the
seconds; each figure is the median of several runs.

Target (issue 11): a 1,000-person partner over two years in under 2 s.
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


START, END = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)
NAMES = ["AB-900", "MS-700", "SC-300", "MD-102", "MS-203", "MS-900", "MS-721", "MS-102", "AZ-104"]
METRICS = {
    "enterprise": {
        "net_customer_adds": 3,
        "usage_growth": {"cpor": 800, "dpor": 2000},
        "deployments": {"cpor": 2, "dpor": 4},
    },
    "smb": {"net_customer_adds": 6, "usage_growth": {"cpor": 100, "csp": 700}, "deployments": {"cpor": 1, "csp": 3}},
}


def partner(people: int, seed: int = 1) -> mwrules.Partner:
    rnd = random.Random(seed)
    members = []
    for index in range(people):
        certs = []
        for name in rnd.sample(NAMES, 3):
            earned = START + datetime.timedelta(days=rnd.randrange(-1100, 700))
            expires = earned + datetime.timedelta(days=365) if rnd.random() < 0.8 else None
            certs.append(mwrules.Certification(name, earned, expires))
        members.append(mwrules.Person(f"person-{index}", tuple(certs)))
    return mwrules.Partner(partner_id=f"bench-{people}", people=tuple(members), metrics=METRICS)


def flickering(people: int, seed: int = 2) -> mwrules.Partner:
    """A stress case: each person holds one certification for three days, so the counts hover at the targets.

    Nearly every change date then changes a score and needs an evaluation.
    """
    rnd = random.Random(seed)
    members = []
    for index in range(people):
        earned = START - datetime.timedelta(days=180) + datetime.timedelta(days=rnd.randrange(0, 911))
        name = rnd.choice(["MS-700", "MD-102", "MS-102"])
        members.append(
            mwrules.Person(
                f"person-{index}", (mwrules.Certification(name, earned, earned + datetime.timedelta(days=2)),)
            )
        )
    return mwrules.Partner(partner_id=f"flicker-{people}", people=tuple(members), metrics=METRICS)


def change_dates(subject: mwrules.Partner) -> int:
    """How many days of the range are change dates (criteria §8), for the record."""
    days = {datetime.date(year, month, 1) for year in (2026, 2027) for month in range(1, 13)}
    for person in subject.people:
        for cert in person.certifications:
            days |= {day for day in (cert.earned, cert.expires and cert.expires + datetime.timedelta(days=1)) if day}
    days.add(datetime.date(2027, 12, 1))  # Enterprise Administrator Expert stops counting
    return sum(START <= day <= END for day in days)


def plain_every_day(subject: mwrules.Partner) -> list[tuple[bool, str, object]]:
    results = []
    day = START
    while day <= END:
        ruleset = mwrules.select_ruleset(as_of=day).ruleset
        results.append(plain_verdict(subject, ruleset, day))
        day += datetime.timedelta(days=1)
    return results


def measure(people: int, repeat: int = 3, *, stress: bool = False) -> tuple[float, float, int]:
    subject = flickering(people) if stress else partner(people)
    mwrules.evaluate(subject)  # compile and register the rules once
    timeline = mwrules.timeline(subject, START, END)
    plain = plain_every_day(subject)
    for offset, expected in enumerate(plain):  # the two agree on every day
        segment = timeline.on(START + datetime.timedelta(days=offset))
        assert (segment.qualified, segment.path, segment.score) == expected, (offset, segment, expected)
    engine_samples, plain_samples = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        timeline = mwrules.timeline(subject, START, END)
        engine_samples.append(time.perf_counter() - began)
        began = time.perf_counter()
        plain_every_day(subject)
        plain_samples.append(time.perf_counter() - began)
    engine, baseline = statistics.median(engine_samples), statistics.median(plain_samples)
    label = f"{people:,} people" + (" (stress)" if stress else "")
    print(
        f"{label:>22} {change_dates(subject):>6,} change dates {timeline.evaluations:>5} evaluations "
        f"{len(timeline.segments):>4} segments  timeline() {engine:>7.3f} s  "
        f"plain, every day {baseline:>7.3f} s  {engine / baseline:>5.2f}x"
    )
    return engine, baseline, timeline.evaluations


def main() -> None:
    print(f"a timeline from {START} to {END} (731 days, under the version in force each day)")
    for people in (100, 1_000, 10_000):
        measure(people, repeat=3 if people <= 1_000 else 1)
    measure(1_000, repeat=1, stress=True)
    print("target: 1,000 people in under 2 s (a typical partner; the stress case is the worst we know)")


if __name__ == "__main__":
    main()

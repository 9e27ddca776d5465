"""Importing a Partner Center trainings download of 50,000 rows (target: under 5 s).

Prints the time of ``mwrules.partner_center.read`` beside a plain-Python
baseline in the same run: ``csv.DictReader`` reading the same file and
grouping its certification rows by MCPID, with no checks.

    python benchmarks/bench_partner_center.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from mwrules import partner_center


HEADER = [
    "PGAMpnId", "TrainingActivityId", "TrainingTitle", "TrainingType", "IndividualFirstName", "IndividualLastName",
    "Email", "CorpEmail", "TrainingCompletionDate", "Month", "IcMCP", "MCPID", "MPNId", "PartnerName",
    "PartnerCityLocation", "PartnerCountryLocation", "ExpirationDate", "ActivationStatus",
]  # fmt: skip
TITLES = [
    ("Teams Administrator Associate", "Certification"),
    ("Teamwork Administrator Associate", "Certification"),
    ("Enterprise Administrator Expert", "Certification"),
    ("Endpoint Administrator Associate", "Certification"),
    ("Azure Administrator Associate", "Certification"),
    ("Azure Fundamentals", "Certification"),
    ("Power Platform Fundamentals", "Certification"),
    ("Exam AZ-104: Microsoft Azure Administrator", "Exam"),
    ("Introduction to Microsoft Teams", "Course"),
]


def write(path: Path, rows: int) -> None:
    rng = random.Random(5)
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for number in range(rows):
            person = rng.randrange(rows // 6)
            title, kind = rng.choice(TITLES)
            day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2023, 2026)
            done = f"{day:02d}/{month:02d}/{year} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            expires = f"{day:02d}/{month:02d}/{year + 1}" if kind == "Certification" else ""
            email, mcpid = f"p{person}@x.example", str(100000 + person)
            place = ["Contoso", "Lisbon", "Portugal"]
            writer.writerow(
                ["", str(number), title, kind, "", "", email, "", done, "", "", mcpid, "1", *place, expires, "Active"]
            )


def plain(path: Path) -> int:
    people: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if row["TrainingType"] == "Certification":
                people.setdefault(row["MCPID"], []).append(row["TrainingTitle"])
    return len(people)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trainings.csv"
        write(path, rows)
        start = time.perf_counter()
        _, report = partner_center.read(trainings=[path], partner_id="bench", as_of="2026-11-28")
        took = time.perf_counter() - start
        start = time.perf_counter()
        plain(path)
        baseline = time.perf_counter() - start
    print(f"{rows:,} rows, {report.people:,} people with a certification, {report.certifications:,} of the ruleset")
    print(f"partner_center.read:    {took:6.2f} s   (target: under 5 s)")
    print(f"plain csv.DictReader:   {baseline:6.2f} s   (ratio {took / baseline:.1f}x)")


if __name__ == "__main__":
    main()

"""The shapes under 1 MB that took longest in issue 24's hostile runs, each in a fresh process.

Run: python benchmarks/bench_hostile_sizes.py [--repeat N] [--only SHAPE] (each SHAPE below)

Issue 24's bar: any input under 1 MB in under 2 s and 200 MiB. For each
shape the script writes the input, runs the ``mwrules`` command on it in a
child process (as the command line runs it) and prints its wall time, its
CPU time (its workers' too; steadier on a busy machine: the bar is read
against it, and about 0.3 s of it is starting the command) and the child's
peak memory, beside a plain-Python baseline of the same work in this
process where one makes sense (the tests' plain readings, written to be
read, not to be fast):

- ``usage``: 16,000 tenants, one usage row each, in a Partner Center usage
  download (773 KB), evaluated in one step (``evaluate --usage``). Baseline:
  ``csv.DictReader`` over the file and the tests' plain reading of the
  customer measures (tests/test_customers.py) on the same tenants.
- ``verdict-json``: 8,000 tenants with a usage row in each of two months
  (a 785 KB download), ``evaluate --usage --format json``: the verdict and its
  76,000 trace steps are 41 MB of JSON. Baseline: as for ``usage``.
- ``timeline``: 90 tenants with a usage row in each of 120 months (0.9 MB of
  JSON), ``timeline`` over the ten years 2026 to 2035 (under Modern Work
  2026-01). Baseline: the plain reading of the measures on the first day of
  each of the 120 months.
- ``timeline-yaml``: the same partner written as YAML (0.87 MB), the same
  timeline: YAML is read several times slower than JSON.
- ``plan``: the same partner, ``plan --by`` ten years after its ``as_of``
  (the plan's changes come from the same timeline).
- ``dense-timeline``: hostile run 14's slowest shape at its densest: 470
  tenants with one usage row in each of 26 months from 2025-01, written as
  YAML with a row a line (0.98 MB: about 12,000 rows, the most a megabyte
  holds), ``timeline`` over the three years 2026 to 2028, in which each
  row is measured twice (as month M, and a year later as the month
  compared). Baseline: the plain reading of the measures on the first day of
  each month from 2025-08 (the attainment window) to 2028-12.
- ``dense-plan``: the same, ``plan --by 2029-12-31``.
- ``portfolio``: 4,300 one-person partners as 1 MB of JSON Lines
  (``evaluate - --lines``). Baseline: tests/plain_scorer.py on each.

The machines are shared and noisy: each figure is the median of the runs.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import mwrules  # noqa: E402
from mwrules._rulesets.versions import select_ruleset  # noqa: E402


# The child: the command's wall time, its CPU time and peak memory (its workers' too), as `/usr/bin/time` gives them
_CHILD = """
import resource, sys, time
start = time.perf_counter()
from mwrules.cli import main
status = main(sys.argv[1:])
took = time.perf_counter() - start
usage, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime
print(took, cpu, max(usage.ru_maxrss, workers.ru_maxrss) / 1024, status, file=sys.stderr)
"""

TIMELINE_FROM, TIMELINE_TO = datetime.date(2026, 1, 1), datetime.date(2035, 12, 31)


_USAGE_HEADER = (
    "CustomerTenantId,CustomerName,WorkloadName,MonthlyActiveUsers,PaidAvailableUnits,DateAssociated,"
    "PartnerAttributionType,Date"
)


def usage_download(tenants: int = 16_000) -> str:
    """A Partner Center usage download of *tenants* tenants, one row each in month M of 2026-11-28."""
    lines = [_USAGE_HEADER]
    lines += [f"t{n},N,Teams,{n % 1000},{300 + n % 1000},2024-03-15,CPOR,2026-10-01" for n in range(tenants)]
    return "\n".join(lines) + "\n"


def two_months_download(tenants: int = 8_000) -> str:
    """A usage download of *tenants* tenants with a row in M and in M-12 each (as of 2026-11-28)."""
    lines = [_USAGE_HEADER]
    for n in range(tenants):
        lines.append(f"t{n},N,Teams,{n % 1000},{300 + n % 1000},2024-03-15,CPOR,2025-10-01")
        lines.append(f"t{n},N,Teams,{(n * 7) % 1000},{300 + (n * 3) % 1000},2024-03-15,CPOR,2026-10-01")
    return "\n".join(lines) + "\n"


def ten_years(tenants: int = 90, months: int = 120, seed: int = 3) -> dict:
    """*tenants* tenants with a Teams row in each of *months* months from 2025-01, one association each."""
    rng = random.Random(seed)
    customers = []
    for number in range(tenants):
        seats = rng.choice([5, 50, 200, 400, 2000])
        usage = []
        for offset in range(months):
            year, month = divmod(2025 * 12 + offset, 12)
            paid = max(0, seats + rng.randint(-20, 20))
            row = {"month": f"{year:04d}-{month + 1:02d}", "workload": "Teams", "paid_seats": paid}
            usage.append({**row, "active_users": rng.randint(0, paid)})
        kind = rng.choice(["CPOR", "DPOR", "CSP"])
        since = f"{2024 + number % 10}-{1 + number % 9:02d}-15"
        customers.append({"tenant": f"t{number}", "associations": [{"type": kind, "since": since}], "usage": usage})
    people = [{"id": "p1", "certifications": ["MS-700", "MS-102"]}]
    return {"partner_id": "ten-years", "as_of": str(TIMELINE_FROM), "people": people, "customers": customers}


def dense_rows(tenants: int = 470, months: int = 26, seed: int = 7) -> str:
    """*tenants* tenants with a Teams row in each of *months* months from 2025-01, as YAML with a row a line."""
    rng = random.Random(seed)
    lines = ["partner_id: dense", "as_of: 2026-01-01", "people:", "  - {id: p1, certifications: [MS-700, MS-102]}"]
    lines.append("customers:")
    for number in range(tenants):
        kind = rng.choice(["CPOR", "DPOR", "CSP"])
        lines.append(f"  - tenant: t{number}")
        lines.append(f"    associations: [{{type: {kind}, since: {2023 + number % 4}-{1 + number % 12:02d}-15}}]")
        lines.append("    usage:")
        seats = rng.choice([5, 50, 200, 400, 2000])
        for offset in range(months):
            year, month = divmod(2025 * 12 + offset, 12)
            paid = max(0, seats + rng.randint(-20, 20))
            row = f"month: {year}-{month + 1:02d}, workload: Teams, paid_seats: {paid}"
            lines.append(f"      - {{{row}, active_users: {rng.randint(0, paid)}}}")
    return "\n".join(lines) + "\n"


def small_partners(count: int = 4_300, seed: int = 4) -> list[dict]:
    """*count* one-person partners with their metrics given (about 240 bytes of JSON each)."""
    rng = random.Random(seed)
    names = ["MS-700", "MS-102", "MD-102", "SC-300", "AB-900", "MS-900"]
    return [
        {
            "partner_id": f"p{number}",
            "as_of": "2026-11-28",
            "people": [{"id": "a", "certifications": [rng.choice(names)]}],
            "metrics": {
                "smb": {
                    "net_customer_adds": rng.randint(0, 12),
                    "usage_growth": {"cpor": rng.randint(0, 900), "csp": 0},
                    "deployments": {"cpor": rng.randint(0, 6), "csp": 0},
                }
            },
        }
        for number in range(count)
    ]


def run_child(*arguments: str, stdin: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of ``mwrules ARGUMENTS`` in a fresh process."""
    with (stdin or Path("/dev/null")).open("rb") as given:
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, *arguments],
            stdin=given,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    took, cpu, peak, status = child.stderr.split()[-4:]
    if status not in ("0", "1"):  # 1: not qualified
        message = f"mwrules {' '.join(arguments)} exited {status}:\n{child.stderr}"
        raise SystemExit(message)
    return float(took), float(cpu), float(peak)


def seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def plain_usage(path: Path) -> None:
    from tests.test_customers import plain_measures  # noqa: PLC0415 - the reference reading lives with the tests

    from mwrules.model import Association, Customer, Usage  # noqa: PLC0415

    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    usage: dict[str, list[Usage]] = {}
    for row in rows:  # a tenant's rows, each month's as its own usage
        month = row["Date"][:7]
        usage.setdefault(row["CustomerTenantId"], []).append(
            Usage(month, row["WorkloadName"], int(row["PaidAvailableUnits"]), int(row["MonthlyActiveUsers"]))
        )
    customers = tuple(
        Customer(
            tenant=tenant,
            associations=(Association("CPOR", datetime.date(2024, 3, 15)),),
            usage=tuple(months),
        )
        for tenant, months in usage.items()
    )
    plain_measures(customers, datetime.date(2026, 11, 28))


def plain_months(document: dict, first: datetime.date = TIMELINE_FROM, months: int = 120) -> None:
    from tests.test_customers import plain_measures  # noqa: PLC0415

    customers = mwrules.load_partner(document, select_ruleset("modern-work@2026-01").ruleset).customers or ()
    for offset in range(months):
        year, month = divmod(first.year * 12 + first.month - 1 + offset, 12)
        plain_measures(customers, datetime.date(year, month + 1, 1))


def plain_portfolio(partners: list[dict]) -> None:
    from tests.plain_scorer import plain_verdict  # noqa: PLC0415

    ruleset = select_ruleset("modern-work@2026-01").ruleset
    for document in partners:
        plain_verdict(mwrules.load_partner(document, ruleset), ruleset, datetime.date(2026, 11, 28))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    names = ["usage", "verdict-json", "timeline", "timeline-yaml", "plan", "dense-timeline", "dense-plan", "portfolio"]
    parser.add_argument("--only", choices=names, action="append")
    arguments = parser.parse_args()
    shapes = arguments.only or names
    print("a fresh `mwrules` process per run; bar: under 2 s (CPU) and 200 MiB for an input under 1 MB")
    print(f"{'shape':>44} {'size':>9} {'wall':>7} {'CPU':>7} {'peak':>9} {'plain Python':>13}")
    with tempfile.TemporaryDirectory() as folder:
        usage, partner, book = Path(folder) / "usage.csv", Path(folder) / "ten-years.json", Path(folder) / "book.jsonl"
        usage.write_text(usage_download())
        two_months, partner_yaml = Path(folder) / "two-months.csv", Path(folder) / "ten-years.yaml"
        two_months.write_text(two_months_download())
        document = ten_years()
        partner.write_text(json.dumps(document))
        partner_yaml.write_text(yaml.safe_dump(document, sort_keys=False))
        dense = Path(folder) / "dense.yaml"
        dense.write_text(dense_rows())
        dense_document = yaml.safe_load(dense.read_text())
        partners = small_partners()
        book.write_text("".join(json.dumps(item) + "\n" for item in partners))
        timeline = ("timeline", str(partner), "--format", "json")
        runs = {
            "usage": (
                "16,000 tenants, usage CSV (evaluate --usage)",
                usage,
                ("evaluate", "--usage", str(usage), "--partner-id", "p", "--as-of", "2026-11-28"),
                None,
                lambda: plain_usage(usage),
            ),
            "verdict-json": (
                "8,000 tenants x 2 months, verdict as JSON",
                two_months,
                (
                    "evaluate",
                    "--usage",
                    str(two_months),
                    "--partner-id",
                    "p",
                    "--as-of",
                    "2026-11-28",
                    "--format",
                    "json",
                ),
                None,
                lambda: plain_usage(two_months),
            ),
            "timeline": (
                "90 tenants x 120 months, 10-year timeline",
                partner,
                (*timeline, "--from", str(TIMELINE_FROM), "--to", str(TIMELINE_TO)),
                None,
                lambda: plain_months(document),
            ),
            "timeline-yaml": (
                "the same as YAML, 10-year timeline",
                partner_yaml,
                (
                    "timeline",
                    str(partner_yaml),
                    "--format",
                    "json",
                    "--from",
                    str(TIMELINE_FROM),
                    "--to",
                    str(TIMELINE_TO),
                ),
                None,
                lambda: plain_months(document),
            ),
            "plan": (
                "90 tenants x 120 months, plan --by +10 years",
                partner,
                ("plan", str(partner), "--by", str(TIMELINE_TO)),
                None,
                lambda: plain_months(document),
            ),
            "dense-timeline": (
                "470 tenants x 26 months, YAML, 3-year timeline",
                dense,
                ("timeline", str(dense), "--from", "2026-01-01", "--to", "2028-12-31"),
                None,
                lambda: plain_months(dense_document, datetime.date(2025, 8, 1), 41),
            ),
            "dense-plan": (
                "the same, plan --by 2029-12-31",
                dense,
                ("plan", str(dense), "--by", "2029-12-31"),
                None,
                lambda: plain_months(dense_document, datetime.date(2025, 8, 1), 41),
            ),
            "portfolio": (
                "4,300 one-person partners, JSON Lines",
                book,
                ("evaluate", "-", "--lines", "--format", "jsonl"),
                book,
                lambda: plain_portfolio(partners),
            ),
        }
        for shape in shapes:
            label, path, command, stdin, plain = runs[shape]
            samples = [run_child(*command, stdin=stdin) for _ in range(arguments.repeat)]
            took, cpu, peak = (statistics.median(sample[i] for sample in samples) for i in range(3))
            baseline = statistics.median(seconds(plain) for _ in range(arguments.repeat))
            size = path.stat().st_size
            print(
                f"{label:>44} {size / 1024:>5,.0f} KiB {took:>6.2f}s {cpu:>6.2f}s {peak:>5,.0f} MiB {baseline:>12.3f}s"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Customer data at scale: 5,000 tenants x 21 workloads x 13 months (1.4 M usage rows) in one process.

With ``--many-tenants``: the shapes of a hostile run instead, thousands of
tenants with one usage row each (a document under 1 MB, the target being
under 2 s and 200 MiB), each evaluated by ``mwrules evaluate`` in a fresh
process, beside the plain-Python reading of the same measures.

Prints the time to read, check and evaluate the document (a JSON file, as a
partner would give it: ``mwrules.evaluate(path)``), the peak memory of the
process until the verdict, and, side by side, a
plain-Python scorer of the same measures (the independent reading of
criteria 9 in tests/test_customers.py) on the same partner.

    python benchmarks/bench_customers.py [--tenants N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mwrules
from mwrules._rulesets.versions import select_ruleset


ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


def document(tenants: int, seed: int = 1) -> dict:
    ruleset = select_ruleset("modern-work@2026-01").ruleset
    workloads = [workload.name for workload in ruleset.workloads][:21]
    months = [f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(13)]  # 2025-10 .. 2026-10
    rng = random.Random(seed)
    customers = []
    for number in range(tenants):
        seats = rng.choice([5, 50, 200, 400, 2000])
        usage = []
        for month in months:
            for workload in workloads:
                paid = max(0, seats + rng.randint(-20, 20))
                usage.append(
                    {"month": month, "workload": workload, "paid_seats": paid, "active_users": rng.randint(0, paid)}
                )
        kind = rng.choice(["CPOR", "DPOR", "CSP"])
        since = rng.choice(["2023-01-01", "2026-03-15"])
        customers.append({"tenant": f"t{number}", "associations": [{"type": kind, "since": since}], "usage": usage})
    return {"partner_id": "big", "as_of": "2026-11-28", "customers": customers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=5000)
    parser.add_argument("--many-tenants", action="store_true", help="the hostile shapes: thousands of tenants")
    parser.add_argument("--write", help=argparse.SUPPRESS)  # the child that writes the file
    arguments = parser.parse_args()
    tenants = arguments.tenants
    if arguments.many_tenants:
        many_tenants()
        return
    if arguments.write:
        Path(arguments.write).write_text(json.dumps(document(tenants)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "partner.json"
        # written by another process, so that this one's peak memory is the evaluation's alone
        subprocess.run([sys.executable, __file__, "--tenants", str(tenants), "--write", str(path)], check=True)
        size = path.stat().st_size
        start = time.perf_counter()
        # as `mwrules evaluate partner.json` does it: read, parse (duplicate keys and depth checked), check, evaluate
        verdict = mwrules.evaluate(str(path), limits=mwrules.Limits(max_file_bytes=2**31 - 1))
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        document_read = json.loads(path.read_text())
        read = time.perf_counter() - start
        start = time.perf_counter()
        mwrules.evaluate(document_read)  # the API's way: a document a service already holds
        in_memory = time.perf_counter() - start
    rows = sum(len(customer["usage"]) for customer in document_read["customers"])
    from tests.test_customers import plain_measures  # noqa: PLC0415 - the reference reading lives with the tests

    partner = mwrules.load_partner(document_read)
    start = time.perf_counter()
    plain = plain_measures(partner.customers or (), datetime.date(2026, 11, 28))
    plain_took = time.perf_counter() - start
    derived = {
        path_id: {metric.metric: dict(metric.inputs) for metric in path.metrics.values() if metric.derived}
        for path_id, path in verdict.paths.items()
    }
    print(f"{tenants:,} tenants, {rows:,} usage rows, {size / 2**20:.0f} MiB of JSON")
    print(f"read, check and evaluate: {took:6.2f} s   (target: under 10 s; json.loads of the file alone: {read:.2f} s)")
    print(f"check and evaluate:       {in_memory:6.2f} s   (a document already in memory)")
    print(
        f"plain-Python measures:    {plain_took:6.2f} s   (the tests' reference reading, written for clarity, "
        f"not speed, on the partner already loaded: ratio {took / plain_took:.2f})"
    )
    print(f"peak memory (max RSS):    {peak:6.0f} MiB (target: under 1,024)")
    print(f"same measures as the plain reading: {derived == plain}")


#: (tenants, associations per tenant): the hostile run's shapes
MANY_TENANTS = [(4000, 2), (8000, 1), (16000, 1)]


def many_tenants_document(tenants: int, associations: int) -> dict:
    """*tenants* tenants, each with one usage row in month M and *associations* associations."""
    customers = []
    for number in range(tenants):
        kinds = [{"type": "CPOR", "since": "2024-01-01"}, {"type": "CSP", "since": f"2025-{number % 12 + 1:02d}-01"}]
        usage = [
            {"month": "2026-10", "workload": "Teams", "paid_seats": 100 + number % 400, "active_users": number % 100}
        ]
        customers.append({"tenant": f"t{number}", "associations": kinds[:associations], "usage": usage})
    return {"partner_id": "many", "as_of": "2026-11-28", "customers": customers}


# In the child: the command's time, its CPU time (steadier on a busy machine) and the process's peak
# memory, as `/usr/bin/time` would give them
_CHILD = """
import resource, sys, time
start = time.perf_counter()
from mwrules.cli import main
status = main(["evaluate", *sys.argv[1:]])
took = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, file=sys.stderr)
"""


def usage_download(tenants: int) -> str:
    """A Partner Center usage download of *tenants* tenants, one row each (the one-step route's input)."""
    header = "CustomerTenantId,CustomerName,WorkloadName,MonthlyActiveUsers,PaidAvailableUnits,DateAssociated,"
    lines = [header + "PartnerAttributionType,Date"]
    lines += [f"t{n},N,Teams,{n % 1000},{300 + n % 1000},2024-03-15,CPOR,2026-10-01" for n in range(tenants)]
    return "\n".join(lines) + "\n"


def _run_child(*arguments: str) -> tuple[float, float, float]:
    child = subprocess.run([sys.executable, "-c", _CHILD, *arguments], capture_output=True, text=True, check=True)
    took, cpu, peak = child.stderr.split()[-3:]
    return float(took), float(cpu), float(peak)


def many_tenants() -> None:
    from tests.test_customers import plain_measures  # noqa: PLC0415 - the reference reading lives with the tests

    print("mwrules evaluate, in a fresh process; target: under 2 s and 200 MiB for an input under 1 MB")
    print(f"{'input':>34} {'size':>8} {'time':>7} {'CPU':>7} {'peak':>8} {'plain Python':>13} {'CPU/plain':>9}")
    for tenants, associations in MANY_TENANTS:
        document = many_tenants_document(tenants, associations)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "partner.json"
            path.write_text(json.dumps(document))
            size = path.stat().st_size
            took, cpu, peak = _run_child(str(path))
        partner = mwrules.load_partner(document)
        start = time.perf_counter()
        plain_measures(partner.customers or (), datetime.date(2026, 11, 28))
        plain = time.perf_counter() - start
        name = f"{tenants:,} tenants x {associations} assoc., JSON"
        print(
            f"{name:>34} {size / 2**10:>5,.0f} KB {took:>6.2f}s {cpu:>6.2f}s {peak:>4,.0f} MiB "
            f"{plain:>12.3f}s {cpu / plain:>5.1f}x"
        )
    for tenants in (4000, 16000):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "usage.csv"
            path.write_text(usage_download(tenants))
            size = path.stat().st_size
            took, cpu, peak = _run_child("--usage", str(path), "--partner-id", "p", "--as-of", "2026-11-28")
        name = f"{tenants:,} tenants, usage CSV (one step)"
        print(f"{name:>34} {size / 2**10:>5,.0f} KB {took:>6.2f}s {cpu:>6.2f}s {peak:>4,.0f} MiB")


if __name__ == "__main__":
    main()

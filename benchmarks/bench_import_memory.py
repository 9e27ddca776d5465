"""Peak memory of an import beside the size of the downloads it reads (Linux: the peak is /proc's VmHWM).

Two measures, each in a child process of its own:

* a trainings download of exams (which are counted, not kept) and one
  certification, of about ``--megabytes`` MB (default 200): the peak must
  stay far below the file's size, since rows are read one at a time;
* ``mwrules import`` of a usage download of ``--usage-rows`` rows (default
  1,000,000; every row is kept, as the document needs them), written as YAML:
  the peak per row kept, and the time.

    python benchmarks/bench_import_memory.py [--megabytes 200] [--usage-rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path


TRAININGS = ["TrainingTitle", "TrainingType", "IndividualFirstName", "Email", "CorpEmail", "TrainingCompletionDate",
             "MCPID", "MPNId", "ExpirationDate"]  # fmt: skip
USAGE = ["CustomerTenantId", "CustomerName", "WorkloadName", "MonthlyActiveUsers", "PaidAvailableUnits", "ClaimId",
         "MpnId", "DateAssociated", "PartnerAttributionType", "Date"]  # fmt: skip
WORKLOADS = ["Exchange", "Teams", "SharePoint", "OneDrive"]
PEAK = "int(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text())[1]) // 1024"


def write_trainings(path: Path, megabytes: int) -> None:
    block = io.StringIO()
    exam = ["Exam AZ-104", "Exam", "", "", "", "25/12/2024 23:07"]
    csv.writer(block).writerows([*exam, str(n), "4412345", ""] for n in range(10_000))
    chunk = block.getvalue()
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(TRAININGS)
        while file.tell() < megabytes * 2**20:
            file.write(chunk)
        csv.writer(file).writerow(["MS-700", "Certification", "", "", "", "25/12/2024 23:07", "1", "4412345", ""])


def write_usage(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(USAGE)
        for number in range(rows):
            tenant, rest = divmod(number, 13 * len(WORKLOADS))
            month, workload = divmod(rest, len(WORKLOADS))
            year, month = divmod(2025 * 12 + 9 + month, 12)
            writer.writerow(
                [f"{tenant:08x}-0000-4000-8000-{tenant:012x}", f"Customer {tenant}", WORKLOADS[workload],
                 str(100 + month), "400", "C1", "4412345", "15/03/2024", "CPOR", f"01/{month + 1:02d}/{year}"]
            )  # fmt: skip


def child(script: str, *arguments: str) -> tuple[list[str], float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import re\nfrom pathlib import Path\n" + script, *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split(), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--usage-rows", type=int, default=1_000_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        trainings = Path(folder) / "trainings.csv"
        write_trainings(trainings, options.megabytes)
        script = (
            "import sys\nfrom mwrules import partner_center\n"
            "_, report = partner_center.read(trainings=[sys.argv[1]], partner_id='p', as_of='2026-11-28')\n"
            f"print(report.rows, report.people, {PEAK})\n"
        )
        (rows, people, peak), took = child(script, str(trainings))
        size = trainings.stat().st_size / 2**20
        print(f"trainings: {int(rows):,} rows, {size:,.0f} MiB, {people} person: peak {peak} MiB in {took:.1f} s")
        trainings.unlink()

        usage = Path(folder) / "usage.csv"
        write_usage(usage, options.usage_rows)
        script = (
            "import sys, contextlib, io\nfrom mwrules.cli import main\n"
            "with contextlib.redirect_stderr(io.StringIO()):\n"
            "    status = main(['import', '--usage', sys.argv[1], '--partner-id', 'p', '--as-of', '2026-11-28',"
            " '-o', sys.argv[2]])\n"
            f"print(status, {PEAK})\n"
        )
        (status, peak), took = child(script, str(usage), str(Path(folder) / "partner.yaml"))
        size = usage.stat().st_size / 2**20
        per_row = int(peak) * 2**20 / options.usage_rows
        print(
            f"usage:     {options.usage_rows:,} rows, {size:,.0f} MiB, import to YAML (exit {status}): "
            f"peak {peak} MiB ({per_row:,.0f} bytes per row kept) in {took:.1f} s"
        )


if __name__ == "__main__":
    main()

"""The two routes from Partner Center downloads to a verdict agree, on downloads generated to be awkward.

``mwrules import`` then ``mwrules evaluate`` on what it wrote, and ``mwrules
evaluate --trainings/--usage`` in one step, must give the same verdict, or
refuse with the same problems; and what ``import`` writes (YAML or JSON)
must read back as the very document it imported.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from mwrules import partner_center
from mwrules._input import documents as _documents
from mwrules.cli import main


TRAININGS = ["TrainingTitle", "TrainingType", "IndividualFirstName", "Email", "CorpEmail", "TrainingCompletionDate",
             "MCPID", "ExpirationDate"]  # fmt: skip
USAGE = ["CustomerTenantId", "CustomerName", "WorkloadName", "MonthlyActiveUsers", "PaidAvailableUnits",
         "DateAssociated", "PartnerAttributionType", "Date"]  # fmt: skip

# Rows of values that import (ids YAML 1.2 reads as numbers, one id in two cases, one workload under two
# names, dates of either order), and now and then a value that a partner document refuses (a count beyond
# any tenant, control characters, text past the limit, a month that is not one).
TRAINING_VALUES = [
    ["Teams Administrator Associate", "MS-700", "Enterprise Administrator Expert", "Azure Fundamentals",
     "Teams Administrater Associate", "Exam AZ-104"],
    ["Certification", "Certification", "Exam"],
    ["", "Ana", "0o17", "2e5"],
    ["", "ana@x.example", "ANA@x.example", "ben@x.example"],
    ["", "ben@x.example", "cy@x.example"],
    ["25/12/2024 23:07", "2025-03-01", "01/02/2025", ""],
    ["", "101", "102", "0x1F"],  # (not 1e3: an MCPID in scientific notation is refused)
    ["", "25/12/2026", "2024-01-01"],
]  # fmt: skip
TRAINING_HOSTILE = [["x" * 1_001], [], ["Ana\x1b[2J", "Ana\u202e"], [], [], ["someday", "31/02/2025"], [], []]
USAGE_VALUES = [
    ["t1", "T1", "1e3", "0o17", ""],
    ["", "Fabrikam", "2e5", "yes"],
    ["Exchange", "Exchange Online", "Teams", "2e5", "Power BI"],
    ["0", "5", "400", ""],
    ["0", "400"],
    ["15/03/2024", "", "2024-03-15"],
    ["CPOR", "DPOR", "CSP Tier 2"],
    ["01/10/2026", "01/10/2025", "2026-10", "Oct-25"],
]  # fmt: skip
USAGE_HOSTILE = [["t\x1b", "x" * 1_001], ["Fabrikam\x85"], [], [str(10**30), "１"], ["-1"], [], ["CPRO"], ["2025-13"]]


def rows(values: list[list[str]], hostile: list[list[str]]) -> st.SearchStrategy[list[list[str]]]:
    """Rows of *values*, and at most one row with one field from *hostile*."""
    plain = st.tuples(*(st.sampled_from(choices) for choices in values)).map(list)
    spoilt = st.tuples(plain, st.sampled_from([(index, value) for index, bad in enumerate(hostile) for value in bad]))
    bad_row = spoilt.map(lambda drawn: [*drawn[0][: drawn[1][0]], drawn[1][1], *drawn[0][drawn[1][0] + 1 :]])
    return st.tuples(st.lists(plain, max_size=6), st.lists(bad_row, max_size=1)).map(lambda both: both[0] + both[1])


training_rows = rows(TRAINING_VALUES, TRAINING_HOSTILE)
usage_rows = rows(USAGE_VALUES, USAGE_HOSTILE)


def write(path: Path, header: list[str], rows: Sequence[Sequence[str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def run(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(arguments))
    return status, out.getvalue(), err.getvalue()


def problems(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines() if re.search(r"\bMW\d{3}\b", line)]


def without_warnings(verdict: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in verdict.items() if key != "warnings"}


@given(training_rows, usage_rows, st.sampled_from(["contoso", "1e3"]), st.booleans(), st.booleans())
def test_import_then_evaluate_and_evaluate_in_one_step_agree(
    trainings: list[list[str]], usage: list[list[str]], partner_id: str, keep_names: bool, day_first: bool
):
    """Same verdict, or the same problems (exit 2); and import's YAML and JSON read back as the document."""
    with tempfile.TemporaryDirectory() as folder:
        files = ["--trainings", write(Path(folder) / "t.csv", TRAININGS, trainings)]
        files += ["--usage", write(Path(folder) / "u.csv", USAGE, usage)]
        options = [*files, "--partner-id", partner_id, "--as-of", "2026-11-28", "--report", f"{folder}/report.json"]
        options += ["--keep-names"] if keep_names else []
        options += ["--date-order", "day-first"] if day_first else []
        yaml_path, json_path = f"{folder}/partner.yaml", f"{folder}/partner.json"

        imported = run("import", *options, "-o", yaml_path)
        one_step = run("evaluate", *options, "--format", "json")

        assert (one_step[0], problems(one_step[2])) == (imported[0], problems(imported[2]))
        event("refused" if imported[0] else "evaluated")
        if imported[0] != 0:
            assert imported[0] == 2
            assert problems(imported[2])
            return
        assert run("import", *options, "--format", "json", "-o", json_path)[0] == 0
        from_yaml, from_json = (
            run("evaluate", yaml_path, "--format", "json"),
            run("evaluate", json_path, "--format", "json"),
        )
        verdict, two_steps = json.loads(one_step[1]), json.loads(from_yaml[1])

        assert from_yaml == from_json
        assert without_warnings(verdict) == without_warnings(two_steps)
        assert verdict["warnings"][len(verdict["warnings"]) - len(two_steps["warnings"]) :] == two_steps["warnings"]
        document, _ = partner_center.read_document(
            trainings=[files[1]],
            usage=[files[3]],
            partner_id=partner_id,
            as_of="2026-11-28",
            keep_names=keep_names,
            date_order="day-first" if day_first else None,
        )
        for path in (yaml_path, json_path):
            read_back = _documents.read_file(path, "the partner file")
            assert (read_back.problems, read_back.data) == ((), document)

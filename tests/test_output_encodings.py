"""JSON, JSON Lines and documents written to a standard output that is not UTF-8 (hostile run 28).

A Windows console redirected to a file (cp1252), a C locale without UTF-8
mode (ASCII), or PYTHONIOENCODING: what cannot be encoded was written with
Python's backslash escapes (``\\xe9``, ``\\U0001f680``), which JSON does not
have, and what can was written in that encoding, which mwrules, reading
documents as UTF-8, does not read back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


EXAMPLES = Path(__file__).parents[1] / "examples"
PARTNER_ID = "Contoso \u00e9 \U0001f680 \u4e2d"


def cli(*args: str, encoding: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run(
        [sys.executable, "-m", "mwrules.cli", *args], capture_output=True, check=False, env=environment, cwd=cwd
    )


@pytest.fixture
def partner(tmp_path: Path) -> Path:
    document = yaml.safe_load((EXAMPLES / "customer-data.yaml").read_text(encoding="utf-8"))
    document["partner_id"] = PARTNER_ID
    document["customers"][0]["name"] = "Caf\u00e9 \U0001f3e2"
    path = tmp_path / "partner.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "{partner}", "--format", "json"],
        ["evaluate", "{partner}", "--designations", "--format", "json"],
        ["plan", "{partner}", "--format", "json"],
        ["timeline", "{partner}", "--format", "json"],
        ["diff", "--partners", "{partner}", "--format", "json", "modern-work@2023-06", "modern-work@2026-01"],
    ],
    ids=["evaluate", "designations", "plan", "timeline", "diff"],
)
def test_json_on_a_standard_output_that_is_not_utf8_is_ascii_json(
    tmp_path: Path, partner: Path, encoding: str, command: list[str]
):
    result = cli(*(part.format(partner=partner) for part in command), encoding=encoding, cwd=tmp_path)

    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.isascii()
    data = json.loads(result.stdout)
    assert PARTNER_ID in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_json_lines_on_a_standard_output_that_is_not_utf8_are_ascii_json(tmp_path: Path, partner: Path, encoding: str):
    result = cli("evaluate", str(partner), str(partner), "--format", "jsonl", "--jobs", "2", encoding=encoding,
                 cwd=tmp_path)  # fmt: skip

    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.isascii() for line in lines)
    assert [json.loads(line)["verdict"]["partner_id"] for line in lines] == [PARTNER_ID, PARTNER_ID]


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_an_imported_document_on_a_standard_output_that_is_not_utf8_reads_back(
    tmp_path: Path, encoding: str, as_json: bool
):
    """`mwrules import ... > contoso.yaml` in a cp1252 console wrote a file `mwrules evaluate` refused (not UTF-8)."""
    trainings = tmp_path / "t.csv"
    trainings.write_text(
        "TrainingTitle,TrainingType,IndividualFirstName,Email,TrainingCompletionDate,MCPID\n"
        "Teams Administrator Associate,Certification,Jos\u00e9 \U0001f680,a@x.example,2025-10-25,101\n",
        encoding="utf-8",
    )
    options = ["--keep-names", "--report", str(tmp_path / "r.json"), *(["--format", "json"] if as_json else [])]
    imported = cli("import", "--trainings", str(trainings), "--partner-id", PARTNER_ID, "--as-of", "2026-11-28",
                   *options, encoding=encoding, cwd=tmp_path)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.isascii()
    document = tmp_path / ("partner.json" if as_json else "partner.yaml")
    document.write_bytes(imported.stdout)

    evaluated = cli("evaluate", str(document), "--format", "json", encoding="utf-8", cwd=tmp_path)

    assert evaluated.returncode in (0, 1), evaluated.stderr
    verdict = json.loads(evaluated.stdout)
    assert verdict["partner_id"] == PARTNER_ID
    assert verdict["paths"]["smb"]["metrics"]["intermediate_certifications"]["people"] == ["Jos\u00e9 \U0001f680 (101)"]


def test_the_import_report_on_a_standard_output_that_is_not_utf8_is_ascii_json(tmp_path: Path):
    trainings = tmp_path / "Schulungen \u00fcbersicht.csv"
    trainings.write_text(
        "TrainingTitle,TrainingType,Email,TrainingCompletionDate,MCPID\n"
        "Teams Administrator Assoc,Certification,a@x.example,2025-10-25,101\n",
        encoding="utf-8",
    )
    result = cli("import", "--trainings", str(trainings), "--partner-id", "p", "--as-of", "2026-11-28",
                 "-o", str(tmp_path / "p.yaml"), "--report", "-", encoding="cp1252", cwd=tmp_path)  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert json.loads(result.stdout)["files"] == [str(trainings)]


@pytest.mark.parametrize("command", ["evaluate", "explain", "plan", "timeline"])
def test_json_on_standard_input_with_a_character_beyond_u_ffff_escaped_is_read(tmp_path: Path, command: str):
    """Standard input is read as YAML, whose \\u escapes have no surrogate pairs: json.dumps's own output for
    'x🚀' ("x\\ud83d\\ude80") was MW002 'found invalid Unicode character escape code' (a file named .json read)."""
    text = json.dumps({"partner_id": "x\U0001f680", "as_of": "2026-11-28", "people": [{"id": "\u00e9\U0001f3e2"}]})
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "mwrules.cli", command, "-"], input=text.encode("ascii"),
                            capture_output=True, check=False, env=environment, cwd=tmp_path)  # fmt: skip

    assert result.returncode in (0, 1), result.stderr.decode()
    assert "x\U0001f680" in result.stdout.decode("utf-8")

"""Partner Center downloads in other encodings, line ends and names (hostile run 28: Unicode through every command)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mwrules
from mwrules import codes
from mwrules.cli import main

from .test_partner_center import TRAININGS, read, training, write


def certifications(count: int) -> list[list[str]]:
    return [training("MS-700", mcpid=str(100 + n), email=f"p{n}@x.example") for n in range(count)]


def the_problems(**downloads: list[Path]) -> list[mwrules.Problem]:
    with pytest.raises(mwrules.InputError) as caught:
        read(**downloads)
    return caught.value.problems


@pytest.fixture
def latin1_name(tmp_path: Path) -> Path:
    """A download whose name is Latin-1 bytes (a zip made on Windows, unpacked on Linux): not UTF-8."""
    name = os.fsdecode(b"Schulungen_\xfcbersicht.csv")
    return write(tmp_path / name, TRAININGS, certifications(2))


@pytest.mark.parametrize("command", ["import", "evaluate"])
def test_a_download_whose_name_is_not_utf8_is_named_in_the_report_file(
    tmp_path: Path, latin1_name: Path, command: str, capsys: pytest.CaptureFixture[str]
):
    """--report FILE raised UnicodeEncodeError (a traceback, exit 1): the name's undecodable byte cannot be UTF-8.

    Standard output and error show such a byte escaped (\\udcfc); the report file does the same.
    """
    report = tmp_path / "report.json"
    output = ["-o", str(tmp_path / "p.yaml")] if command == "import" else []
    status = main([command, "--trainings", str(latin1_name), "--partner-id", "p", "--as-of", "2026-11-28",
                   "--report", str(report), *output])  # fmt: skip

    assert status == 0, capsys.readouterr().err
    assert json.loads(report.read_text(encoding="utf-8"))["files"] == [str(latin1_name)]


@pytest.mark.parametrize("command", ["import", "evaluate"])
def test_a_partner_id_that_is_not_utf8_is_a_problem_not_a_traceback(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
):
    """``--partner-id $'caf\\xe9'`` (a Latin-1 terminal, or a C locale) hashed into person ids: UnicodeEncodeError."""
    path = write(tmp_path / "t.csv", TRAININGS, certifications(2))
    output = ["-o", str(tmp_path / "p.yaml")] if command == "import" else []
    partner_id = os.fsdecode(b"caf\xe9")

    status = main([command, "--trainings", str(path), "--partner-id", partner_id, "--as-of", "2026-11-28", *output])

    assert status == 2
    err = capsys.readouterr().err
    assert f"$.partner_id: {codes.INVALID_VALUE} not valid Unicode text (a lone surrogate)" in err
    assert "Traceback" not in err


def test_a_partner_id_that_is_not_utf8_is_an_input_error_from_python(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, certifications(1))

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.partner_center.read(trainings=path, partner_id="caf\udce9", as_of="2026-11-28")

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("$.partner_id", codes.INVALID_VALUE)
    assert "lone surrogate" in problem.message

"""The mwrules command: output formats and exit statuses."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mwrules._output import yaml_text
from mwrules.cli import main


EXAMPLES = Path(__file__).parents[1] / "examples"


def test_json_output_has_the_documented_keys(capsys):
    """--format json prints the whole verdict with rounded numbers and exact values."""
    assert 0 == main(["evaluate", str(EXAMPLES / "qualified-smb.yaml"), "--format", "json"])
    data = json.loads(capsys.readouterr().out)

    assert {"qualified", "path", "score", "paths", "trace", "warnings", "ruleset"} <= set(data)
    assert (True, "smb", 78.5) == (data["qualified"], data["path"], data["score"])
    assert 22.5 == data["paths"]["smb"]["metrics"]["usage_growth"]["points"]
    assert {
        "id": "modern-work",
        "version": "2023-06",
        "reason": "in force on 2024-06-30: effective from 2023-06-12 through 2025-12-31",
    } == data["ruleset"]


@pytest.mark.parametrize(
    ("example", "qualified"),
    [("qualified-smb.yaml", True), ("near-miss.yaml", False), ("large-enterprise.json", True)],
)
def test_fail_unqualified_sets_the_exit_status(example: str, qualified: bool, capsys):
    """Without the flag the exit status is 0; with it, 1 for a partner that does not qualify."""
    path = str(EXAMPLES / example)

    assert 0 == main(["evaluate", path])
    assert (0 if qualified else 1) == main(["evaluate", path, "--fail-unqualified"])


def test_text_output_says_what_is_missing(capsys):
    """The text summary of a near miss names the shortfall."""
    assert 0 == main(["evaluate", str(EXAMPLES / "near-miss.yaml")])
    out = capsys.readouterr().out

    assert "NOT QUALIFIED on smb" in out
    assert "total on smb: 68.5 points, needs at least 70 (1.5 short)" in out


def test_explain_names_people_certifications_and_the_failing_rule(capsys):
    """explain shows who counted through which certification, the winning option and the failed rule."""
    assert 0 == main(["explain", str(EXAMPLES / "near-miss.yaml")])
    out = capsys.readouterr().out

    assert "dana: Microsoft 365 Certified: Enterprise Administrator Expert" in out
    assert "csp: 5 of 10 for the max -> 12.5 points  <- best" in out
    assert "does not qualify  [falls-short:smb" in out
    assert "'MS-700' expired on 2024-03-01" in out


def test_explain_says_which_metric_is_below_its_minimum(tmp_path, capsys):
    """A path that fails on a metric says which, by how much, and why."""
    path = tmp_path / "p.yaml"
    path.write_text("partner_id: x\nas_of: 2024-06-30\npeople: [{id: a, certifications: [MS-700]}]\n")

    assert 0 == main(["explain", str(path)])
    out = capsys.readouterr().out

    assert (
        "advanced_certifications on smb: 0 points, needs at least 1: "
        "no person holds an eligible advanced certification valid on the evaluation date"
    ) in out


def test_a_bad_ruleset_exits_2(tmp_path, capsys):
    """--ruleset with a broken file exits 2 and names the file and line."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("manifest: [\n")

    assert 2 == main(["evaluate", str(EXAMPLES / "near-miss.yaml"), "--ruleset", str(broken)])
    assert "broken.yaml:" in capsys.readouterr().err


def test_a_missing_file_exits_2(capsys):
    """A partner file that cannot be read is a clear error, not a traceback."""
    assert 2 == main(["evaluate", "no-such-file.json"])
    assert "cannot read the partner file" in capsys.readouterr().err


CASES = Path(__file__).parents[1] / "rulesets" / "modern-work" / "cases"


def test_test_runs_every_case_and_passes(capsys):
    """mwrules test: a PASS line per case of every shipped version, then the counts; exit 0."""
    assert 0 == main(["test"])
    lines = capsys.readouterr().out.splitlines()

    cases = sorted(CASES.parent.parent.glob("*/cases/*/*.yaml"))
    assert len(cases) == sum(line.startswith("PASS  ") for line in lines)
    assert f"{len(cases)} passed, 0 failed" == lines[-1]


def test_test_shows_the_expected_and_actual_points_of_a_failing_case(tmp_path, capsys):
    folder = tmp_path / "modern-work"
    shutil.copytree(CASES.parent, folder)
    case = folder / "cases" / "2026-01" / "ab-900-counts.yaml"
    case.write_text(case.read_text().replace("intermediate_certifications: 10}", "intermediate_certifications: 7.5}"))

    assert 1 == main(["test", str(folder / "2026-01.yaml")])
    out = capsys.readouterr().out

    assert "FAIL  modern-work 2026-01  ab-900-counts\n" in out
    assert "      paths.smb.metrics.intermediate_certifications\n      - want 7.5\n      + got  10\n" in out
    passing = len(list(case.parent.glob("*.yaml"))) - 1
    assert out.endswith(f"{passing} passed, 1 failed\n")


def test_test_fails_when_no_case_ran(tmp_path, capsys):
    """A ruleset without cases is not a pass."""
    ruleset = tmp_path / "lonely.yaml"
    shutil.copy(CASES.parent / "2026-01.yaml", ruleset)

    assert 1 == main(["test", str(ruleset)])
    assert "no case ran" in capsys.readouterr().out


def test_diff_explains_what_changes_for_each_partner(capsys):
    """The example portfolio under 2023-06 and 2026-01: litware no longer qualifies, and why."""
    assert 0 == main(["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", str(EXAMPLES)])
    out = capsys.readouterr().out

    assert "intermediate: - Microsoft 365 Certified: Messaging Administrator Associate" in out
    assert "litware (" in out
    assert ": qualified on smb (74.5) → not qualified on smb (69.5)" in out
    assert "  intermediate_certifications: enterprise 5 → 2.5, smb 10 → 5" in out
    assert (
        "    p4's only intermediate certification, Microsoft 365 Certified: Messaging Administrator Associate, "
        "is no longer eligible"
    ) in out
    partners = len([path for path in EXAMPLES.iterdir() if path.is_file()])
    assert out.endswith(
        f"{partners} partner(s): 2 changed, {partners - 2} unchanged; 0 newly qualified, 1 no longer qualified\n"
    )


def test_diff_as_json(capsys):
    assert 0 == main(
        ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", str(EXAMPLES / "messaging-admins.yaml"),
         "--format", "json"]
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)

    assert {"version": "2023-06", "id": "modern-work"} == data["old"]
    (partner,) = data["partners"]
    assert ({"qualified": True, "path": "smb", "score": 74.5}, {"qualified": False, "path": "smb", "score": 69.5}) == (
        partner["before"],
        partner["after"],
    )
    (change,) = partner["changes"]
    assert {"smb": {"before": 10.0, "after": 5.0}, "enterprise": {"before": 5.0, "after": 2.5}} == change["points"]
    assert 1 == data["summary"]["no_longer_qualified"]


def test_diff_needs_definite_versions(capsys):
    assert 2 == main(["diff", "modern-work", "modern-work@2026-01", "--partners", str(EXAMPLES)])

    assert "name one of modern-work@2023-06, modern-work@2026-01" in capsys.readouterr().err


def test_diff_of_partners_from_standard_input_says_it_reads_files(capsys):
    """`diff ... --partners -` said "no such file '-'" (MW001), as if a file named - were missing."""
    assert 2 == main(["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", "-"])

    assert "MW301 diff reads partners from a file or a folder, not standard input" in capsys.readouterr().err


def test_schema_prints_the_shipped_schema(capsys):
    assert 0 == main(["schema"])

    shipped = (CASES.parent.parent / "ruleset.schema.json").read_text()
    assert json.loads(shipped) == json.loads(capsys.readouterr().out)


def run_shell(script: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a shell *script* in which "$0" is this Python and "$1"... are *arguments*."""
    return subprocess.run(
        ["sh", "-c", script, sys.executable, *arguments], capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell")
@pytest.mark.parametrize("partners", [["near-miss.yaml"], ["near-miss.yaml", "qualified-smb.yaml"]])
def test_a_closed_standard_output_is_a_plain_error(partners: list[str]):
    """`mwrules evaluate x >&-` once died with AttributeError: 'NoneType' object has no attribute 'flush'."""
    paths = [str(EXAMPLES / name) for name in partners]

    result = run_shell('"$0" -m mwrules.cli evaluate "$@" >&-', *paths)

    assert 2 == result.returncode
    assert "mwrules: MW001 cannot write to standard output: it is closed\n" == result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell")
def test_a_closed_standard_output_does_not_matter_when_nothing_is_written_there(tmp_path: Path):
    output = tmp_path / "contoso.yaml"
    usage = EXAMPLES / "partner-center" / "cpor-m365-usage.csv"

    result = run_shell(
        '"$0" -m mwrules.cli import --usage "$1" --partner-id contoso -o "$2" --report "$3" >&-',
        str(usage),
        str(output),
        str(tmp_path / "report.json"),
    )

    assert 0 == result.returncode, result.stderr
    assert output.read_text().startswith('partner_id: "contoso"')


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell")
def test_a_closed_standard_error_leaves_standard_output_to_the_document():
    """`mwrules import ... 2>&- > p.yaml` once printed the import's report into the document, and exited 0."""
    usage = EXAMPLES / "partner-center" / "cpor-m365-usage.csv"

    result = run_shell('"$0" -m mwrules.cli import --usage "$1" --partner-id contoso 2>&-', str(usage))

    assert 0 == result.returncode
    assert result.stdout.startswith('partner_id: "contoso"')


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="a full device")
@pytest.mark.parametrize(
    "arguments",
    [
        ["evaluate", str(EXAMPLES / "near-miss.yaml")],
        ["timeline", str(EXAMPLES / "timeline.yaml")],
        ["evaluate", str(EXAMPLES), "--format", "jsonl", "--jobs", "1"],
        ["import", "--trainings", str(EXAMPLES / "partner-center" / "trainings.csv"), "--partner-id", "contoso"],
    ],
    ids=["evaluate", "timeline", "portfolio", "import"],
)
def test_a_full_standard_output_is_a_plain_error(arguments: list[str]):
    """`mwrules evaluate x >/dev/full` once said "cannot read a file: No space left on device"."""
    result = run_shell('"$0" -m mwrules.cli "$@" >/dev/full', *arguments)

    assert 2 == result.returncode
    last_line = result.stderr.splitlines(True)[-1]
    assert "mwrules: MW001 cannot write to standard output: No space left on device\n" == last_line


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell")
@pytest.mark.parametrize(
    "arguments",
    [
        ["evaluate", "-"],
        ["evaluate", "-", "--lines"],
        ["timeline", "-"],
        ["import", "--trainings", "-", "--partner-id", "x"],
    ],
    ids=["one", "lines", "timeline", "import"],
)
def test_a_closed_standard_input_is_a_plain_error(arguments: list[str]):
    """`mwrules evaluate - <&-` once died with AttributeError: 'NoneType' object has no attribute 'buffer'."""
    result = run_shell('"$0" -m mwrules.cli "$@" <&-', *arguments)

    assert 2 == result.returncode
    assert "mwrules: MW001 cannot read standard input: it is closed\n" == result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="a full device")
@pytest.mark.parametrize(
    "arguments",
    [["evaluate", str(EXAMPLES / "no-such-partner.yaml")], ["evaluate", str(EXAMPLES), "--jobs", "1"]],
    ids=["problems", "summary"],
)
def test_a_full_standard_error_is_status_2(arguments: list[str]):
    """`mwrules evaluate x 2>/dev/full` once exited with 1, the status of a partner that does not qualify."""
    result = run_shell('"$0" -m mwrules.cli "$@" 2>/dev/full', *arguments)

    assert 2 == result.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
@pytest.mark.parametrize("portfolio", [False, True], ids=["one", "portfolio"])
def test_a_file_name_with_control_characters_is_printed_escaped(tmp_path: Path, capsys, portfolio: bool):
    """A file named with an escape or a text-direction override once reached the terminal as it is."""
    name = "a\x1b[2J\u202e\nb.json"
    (tmp_path / name).write_text("{")
    arguments = [str(tmp_path), "--jobs", "1"] if portfolio else [str(tmp_path / name)]

    assert 2 == main(["evaluate", *arguments])

    printed = "".join(capsys.readouterr())
    assert "a\\x1b[2J\\u202e\\nb.json" in printed
    assert not any(character in printed for character in "\x1b\u202e")


def test_import_output_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`mwrules import ... -o -` once wrote a file named '-' in the current folder, and nothing on standard output."""
    monkeypatch.chdir(tmp_path)
    trainings = str(EXAMPLES / "partner-center" / "trainings.csv")

    assert 0 == main(["import", "--trainings", trainings, "--partner-id", "contoso", "-o", "-"])

    assert capsys.readouterr().out.startswith('partner_id: "contoso"')
    assert [] == list(tmp_path.iterdir())


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell")
def test_a_closed_standard_error_does_not_change_a_portfolios_status():
    """`mwrules evaluate examples/ 2>&-` once exited with 1 (a hidden AttributeError)."""
    result = run_shell('"$0" -m mwrules.cli evaluate "$1" --jobs 1 2>&-', str(EXAMPLES))

    assert 0 == result.returncode, result.stdout
    assert "near-miss.yaml: northwind: NOT QUALIFIED on smb" in result.stdout
    assert "input(s)" not in result.stdout  # the summary is lost with standard error, not printed among the verdicts


@pytest.mark.parametrize("output", ["text", "jsonl"])
def test_a_portfolio_whose_reader_reads_nothing_stops_quietly(output: str):
    """`mwrules evaluate examples/ --jobs 2 | head -0`: the status of a tool killed by SIGPIPE, nothing on stderr
    but the folder's notice, said before any partner is read."""
    command = [sys.executable, "-m", "mwrules.cli", "evaluate", str(EXAMPLES), "--jobs", "2", "--format", output]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # `head -0` exits before reading a byte
    _, error = process.communicate(timeout=300)

    downloads = [EXAMPLES / "partner-center" / name for name in ("cpor-m365-usage.csv", "trainings.csv")]
    notice = "mwrules: 2 other file(s) not read (not named *.json, *.yaml, *.yml, *.jsonl or *.ndjson): "
    assert f"{notice}{downloads[0]}, {downloads[1]}\n".encode() == error
    assert 141 == process.returncode


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["evaluate", "x.yaml", "--jobs", "0"], "mwrules evaluate: MW301 argument --jobs: needs a whole number"),
        (["evaulate", "x.yaml"], "mwrules: MW301 argument COMMAND: invalid choice: "),
        ([], "mwrules: MW301 the following arguments are required: COMMAND"),
        (["evaluate"], "mwrules: MW301 evaluate needs a FILE, or --trainings/--usage and --partner-id"),
        (["import", "--partner-id", "x"], "mwrules: MW301 import needs --trainings FILE or --usage FILE"),
        (["evaluate", ".", "x.yaml", "--format", "json"], "mwrules: MW301 --format json prints one verdict"),
    ],
)
def test_a_command_line_mwrules_does_not_understand_is_mw301(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
):
    """Usage errors carry a code, as every other problem does, and exit with 2."""
    assert 2 == main(arguments)
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["diff", "--partners", "a.yaml", "--partners", "b.yaml", "modern-work@2023-06", "modern-work@2026-01"],
            "mwrules diff: MW301 argument --partners: given twice ('a.yaml', then 'b.yaml'): it takes one",
        ),
        (["evaluate", "x.yaml", "--ruleset", "security", "--ruleset", "data-ai"], "argument --ruleset: given twice"),
        (["plan", "x.yaml", "--costs", "a.yaml", "--costs", "b.yaml"], "argument --costs: given twice"),
        (["timeline", "x.yaml", "--from", "2026-01-01", "--from", "2026-02-01"], "argument --from: given twice"),
        (["import", "--usage", "u.csv", "--partner-id", "a", "--partner-id", "b"], "--partner-id: given twice"),
        (["evaluate", "x.yaml", "--as-of", "2026-01-01", "--as-of", "2027-01-01"], "argument --as-of: given twice"),
    ],
)
def test_an_option_of_one_value_given_twice_is_mw301(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
):
    """The first was dropped without a word: `diff --partners a --partners b` diffed b alone (hostile run 15)."""
    assert 2 == main(arguments)
    assert message in capsys.readouterr().err


def test_an_option_given_twice_alike_is_read(capsys: pytest.CaptureFixture[str]):
    """Nothing is dropped when both say the same."""
    example = str(Path(__file__).parents[1] / "examples" / "near-miss.yaml")
    assert 0 == main(["evaluate", example, "--format", "json", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["partner_id"]


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "x.yaml"],
        ["timeline", "x.yaml"],
        ["import", "--usage", "u.csv", "--partner-id", "p"],
    ],
)
def test_one_limit_given_twice_with_two_values_is_mw301(command: list[str], capsys: pytest.CaptureFixture[str]):
    """`--limit people=1 --limit people=10` read 10 and dropped 1 without a word (hostile run 16)."""
    assert 2 == main([*command, "--limit", "people=1", "--limit", "text-length=5", "--limit", "people=10"])

    error = capsys.readouterr().err
    assert "MW301 argument --limit: people given twice ('people=1', then 'people=10'): it takes one" in error


def test_one_limit_given_twice_alike_is_read(capsys: pytest.CaptureFixture[str]):
    """Nothing is dropped when both say the same."""
    example = str(Path(__file__).parents[1] / "examples" / "near-miss.yaml")
    assert 2 == main(["evaluate", example, "--limit", "people=1", "--limit", "people=1"])
    assert "4 people, more than the limit of 1" in capsys.readouterr().err


def test_a_limit_too_large_is_said_to_be_too_large(capsys: pytest.CaptureFixture[str]):
    """`--limit timeline-days=99999999999999999999` once said it needs "a whole number of at least 1"."""
    assert 2 == main(["timeline", "x.yaml", "--limit", "timeline-days=99999999999999999999"])

    error = capsys.readouterr().err
    assert "MW301 argument --limit: timeline-days can be at most 999,999,999,999,999,999" in error


def test_an_import_stopped_while_it_writes_leaves_the_file_it_would_have_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl-C while a big document was written left the first rows of it, a valid document of fewer tenants that
    evaluated without a word, in place of the file -o named (hostile run 24)."""
    lines = yaml_text.yaml_lines

    def stopped(document: Any) -> Any:
        for number, line in enumerate(lines(document)):
            if number == 40:
                raise KeyboardInterrupt
            yield line

    monkeypatch.setattr(yaml_text, "yaml_lines", stopped)
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    out = tmp_path / "contoso.yaml"
    out.write_text("partner_id: the document before\n", encoding="utf-8")

    assert 130 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", str(out)])
    assert "partner_id: the document before\n" == out.read_text(encoding="utf-8")
    assert ["contoso.yaml"] == [path.name for path in tmp_path.iterdir()]


TERMINATED_WHILE_WRITING = """
import os, signal, sys
from mwrules import cli
from mwrules._output import yaml_text

lines = yaml_text.yaml_lines

def terminated(document):
    for number, line in enumerate(lines(document)):
        if number == 40:
            os.kill(os.getpid(), signal.SIGTERM)
        yield line

yaml_text.yaml_lines = terminated
sys.exit(cli.main(sys.argv[1:]))
"""


def test_an_import_terminated_while_it_writes_leaves_the_file_as_it_was_and_nothing_beside_it(tmp_path: Path):
    """SIGTERM ended the process at once: the file -o named was intact, but half the new one stayed beside it, hidden
    (hostile run 24). It now unwinds as Ctrl-C does, with the status of a tool killed by SIGTERM."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    out = tmp_path / "contoso.yaml"
    out.write_text("partner_id: the document before\n", encoding="utf-8")
    command = [sys.executable, "-c", TERMINATED_WHILE_WRITING, "import", "--usage", usage, "--partner-id", "c", "-o"]

    result = subprocess.run([*command, str(out)], capture_output=True, text=True, check=False, timeout=300)

    assert (result.returncode, result.stderr.splitlines()[-1:]) == (143, ["mwrules: terminated"])
    assert "Traceback" not in result.stderr
    assert "partner_id: the document before\n" == out.read_text(encoding="utf-8")
    assert ["contoso.yaml"] == [path.name for path in tmp_path.iterdir()]


def test_a_file_replaced_by_import_keeps_its_mode(tmp_path: Path):
    """Written beside and renamed into place, the document still has the mode of the file it replaced."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    out = tmp_path / "contoso.yaml"
    out.write_text("partner_id: the document before\n", encoding="utf-8")
    out.chmod(0o604)  # no umask gives a new file this mode

    assert 0 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", str(out)])
    assert (out.stat().st_mode & 0o777, out.read_text(encoding="utf-8").startswith("partner_id: ")) == (0o604, True)
    assert "before" not in out.read_text(encoding="utf-8")


def test_a_read_only_file_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Run 35: renamed into place, -o replaced a file its user may not write (the folder allowed it); `>` refuses."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    out = tmp_path / "contoso.yaml"
    out.write_text("partner_id: the document before\n", encoding="utf-8")
    out.chmod(0o444)
    real_access = os.access
    # the tests may run as root, whom access() lets write anything: the file is taken as a user would see it
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if Path(path).absolute() == out else real_access(path, mode)
    )

    monkeypatch.chdir(tmp_path)

    assert 2 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", "contoso.yaml"])
    assert capsys.readouterr().err.splitlines()[-1] == "mwrules: MW001 cannot write 'contoso.yaml': Permission denied"
    assert out.read_text(encoding="utf-8") == "partner_id: the document before\n"
    assert [path.name for path in tmp_path.iterdir()] == ["contoso.yaml"]


def test_a_write_that_fails_midway_leaves_no_partial_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A disk that fills while the document is written: the message, and no file of the first rows."""
    lines = yaml_text.yaml_lines

    def full(document: Any) -> Any:
        for number, line in enumerate(lines(document)):
            if number == 40:
                raise OSError(28, "No space left on device")
            yield line

    monkeypatch.setattr(yaml_text, "yaml_lines", full)
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")

    assert 2 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", str(tmp_path / "contoso.yaml")])
    assert [] == list(tmp_path.iterdir())


def test_a_file_that_cannot_be_written_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """A failed write once said "cannot read", and carried no code as every other problem does."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    monkeypatch.chdir(tmp_path)

    assert 2 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", "missing/contoso.yaml"])
    last_line = capsys.readouterr().err.splitlines()[-1]
    assert "mwrules: MW001 cannot write 'missing/contoso.yaml': No such file or directory" == last_line


@pytest.mark.parametrize(
    "option", [["--partner-id", "contoso"], ["--date-order", "day-first"], ["--keep-names"], ["--report", "r.json"]]
)
def test_an_import_option_without_a_download_is_mw301(
    option: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`evaluate partner.yaml --report r.json` once exited 0 without a report: the option was dropped unsaid."""
    monkeypatch.chdir(tmp_path)

    assert 2 == main(["evaluate", str(EXAMPLES / "qualified-smb.yaml"), *option])
    assert f"mwrules: MW301 {option[0]} goes with --trainings or --usage" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    ("named", "option"),
    [("--format jsonl", ["--format", "jsonl"]), ("--lines", ["--lines"]), ("--jobs", ["--jobs", "2"])],
)
def test_a_portfolio_option_with_downloads_is_mw301(named: str, option: list[str], capsys: pytest.CaptureFixture[str]):
    """`evaluate --trainings t.csv --format jsonl` once printed the text summary, exit 0: the option went unsaid."""
    trainings = str(EXAMPLES / "partner-center" / "trainings.csv")

    assert 2 == main(["evaluate", "--trainings", trainings, "--partner-id", "contoso", *option])
    captured = capsys.readouterr()
    assert f"mwrules: MW301 {named} is for a portfolio of partner documents" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("output", "option", "said"),
    [
        ("x.jsonl", [], "-o x.jsonl: a JSON Lines file holds a partner a line"),
        ("x.NDJSON", ["--format", "json"], "-o x.NDJSON: a JSON Lines file holds a partner a line"),
        ("x.Json", ["--format", "yaml"], "-o x.Json with --format yaml: a .json file is read as JSON"),
    ],
)
def test_import_refuses_a_file_whose_name_says_a_format_it_would_not_be_read_back_as(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    output: str,
    option: list[str],
    said: str,
):
    """Run 24: YAML (or indented JSON) written to x.json or x.jsonl, which evaluate then refused (MW002)."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    monkeypatch.chdir(tmp_path)

    assert 2 == main(["import", "--usage", usage, "--partner-id", "contoso", "-o", output, *option])
    assert f"mwrules: MW301 {said}" in capsys.readouterr().err
    assert not (tmp_path / output).exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["-o", "loop1.yaml"],
        ["--report", "loop2.yaml"],
        ["-o", "x.yaml", "--report", "loop1.yaml"],
    ],
)
def test_an_output_that_is_a_loop_of_links_is_mw001_not_a_traceback(
    arguments: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Comparing an output with the inputs resolved a loop of links: RuntimeError, three tracebacks (run 35)."""
    trainings = str(EXAMPLES / "partner-center" / "trainings.csv")
    monkeypatch.chdir(tmp_path)
    Path("loop1.yaml").symlink_to("loop2.yaml")
    Path("loop2.yaml").symlink_to("loop1.yaml")

    assert 2 == main(["import", "--trainings", trainings, "--partner-id", "c", *arguments])
    errors = capsys.readouterr().err
    assert "MW001" in errors
    assert "Traceback" not in errors


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe")
@pytest.mark.parametrize(
    "arguments",
    [
        ["evaluate", "ff", "ff"],
        ["evaluate", "ff", "./ff"],
        ["import", "--trainings", "ff", "--trainings", "ff", "--partner-id", "c"],
        ["evaluate", "/dev/stdin", "-"],
        ["import", "--trainings", "-", "--trainings", "/dev/stdin", "--partner-id", "c"],
    ],
)
def test_one_stream_named_twice_is_mw301_not_a_wait_or_a_wrong_cause(arguments: list[str], tmp_path: Path):
    """A pipe named twice waited forever for a second writer; standard input as - and /dev/stdin said "no column
    'TrainingTitle'" or "the document is empty" (hostile run 35). A stream can be read once."""
    os.mkfifo(tmp_path / "ff")
    command = [sys.executable, "-m", "mwrules.cli", *arguments]
    result = subprocess.run(command, cwd=tmp_path, input="", capture_output=True, text=True, timeout=60, check=False)

    assert 2 == result.returncode
    assert "MW301" in result.stderr
    assert "are one stream, which can be read once" in result.stderr


@pytest.mark.parametrize("command", ["import", "evaluate"])
def test_keep_names_without_a_trainings_download_is_mw301(command: str, capsys: pytest.CaptureFixture[str]):
    """--keep-names with --usage alone did nothing, and nothing said so (hostile run 36)."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")

    assert 2 == main([command, "--usage", usage, "--partner-id", "c", "--as-of", "2026-11-28", "--keep-names"])
    assert "MW301 --keep-names names people as the trainings download does: it goes with --trainings" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("command", ["timeline", "plan", "explain"])
def test_a_folder_given_for_one_partner_says_so_and_where_folders_go(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A folder said "cannot read the partner file: Is a directory", where a JSON Lines file says which command
    reads many partners (hostile run 36)."""
    assert 2 == main([command, str(tmp_path)])
    assert (
        "MW001 cannot read the partner file: it is a folder (name one partner's file; mwrules evaluate FOLDER "
        "evaluates each)"
    ) in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "examples/timeline.yaml"],
        ["explain", "examples/timeline.yaml"],
        ["plan", "examples/timeline.yaml"],
        ["import", "--trainings", "examples/partner-center/trainings.csv", "--partner-id", "c"],
    ],
)
def test_a_timeline_days_limit_where_no_days_are_read_is_mw301(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`evaluate --limit timeline-days=1` was accepted and did nothing (hostile run 36)."""
    monkeypatch.chdir(EXAMPLES.parent)

    assert 2 == main([*command, "--limit", "timeline-days=1"])
    assert "MW301 --limit timeline-days bounds the days of timeline and plan --by" in capsys.readouterr().err
    assert 0 == main(["plan", "examples/timeline.yaml", "--by", "2027-06-30", "--limit", "timeline-days=4000"])


def test_a_plan_says_what_the_evaluation_it_starts_from_warns_of(capsys: pytest.CaptureFixture[str]):
    """plan --by past the last month of customer data counted those months as 0 and said nothing, text or JSON,
    where evaluate --as-of and timeline warn of them (hostile run 37)."""
    example = str(EXAMPLES / "customer-data.yaml")
    warning = "$.customers: no usage row for 2027-01 (month M for as_of 2027-02-28); every tenant counts 0 there"

    assert 0 == main(["plan", example, "--by", "2027-02-28"])
    assert f"\nWarnings (1):\n  {warning}" in capsys.readouterr().out
    assert 0 == main(["plan", example, "--by", "2027-02-28", "--format", "json"])
    assert [warning] == json.loads(capsys.readouterr().out)["warnings"]


def test_import_refuses_one_file_for_both_the_document_and_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`import -o x.yaml --report x.yaml` once wrote the report, then the document over it."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    monkeypatch.chdir(tmp_path)

    arguments = ["import", "--usage", usage, "--partner-id", "contoso", "-o", "x.yaml", "--report", "./x.yaml"]
    assert 2 == main(arguments)
    assert "mwrules: MW301 -o and --report name one file: give each its own" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["import"], ["-o", "./trainings.csv"]),
        (["import"], ["--report", "usage.csv"]),
        (["evaluate"], ["--report", "link.csv"]),
        (["import"], ["-o", "hard.csv"]),
    ],
)
def test_a_file_mwrules_would_write_over_a_download_it_reads_is_mw301(
    command: list[str],
    written: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """`import --trainings t.csv -o t.csv` once wrote the document over the download, and exited 0."""
    for name in ("trainings.csv", "cpor-m365-usage.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / "partner-center" / name).read_bytes())
    (tmp_path / "usage.csv").symlink_to(tmp_path / "cpor-m365-usage.csv")
    (tmp_path / "link.csv").symlink_to(tmp_path / "trainings.csv")
    (tmp_path / "hard.csv").hardlink_to(tmp_path / "trainings.csv")  # a second name of the file, as `ln` makes
    monkeypatch.chdir(tmp_path)
    downloads = ["--trainings", "trainings.csv", "--usage", "cpor-m365-usage.csv", "--partner-id", "contoso"]

    assert 2 == main([*command, *downloads, *written])
    assert f"mwrules: MW301 {written[0]} {written[1]} names the download" in capsys.readouterr().err
    assert (EXAMPLES / "partner-center" / "trainings.csv").read_bytes() == (tmp_path / "trainings.csv").read_bytes()
    assert (EXAMPLES / "partner-center" / "cpor-m365-usage.csv").read_bytes() == (tmp_path / "usage.csv").read_bytes()


@pytest.mark.parametrize("written", [["-o", "rules.yaml"], ["--report", "./rules.yaml"]])
def test_a_file_import_would_write_over_the_ruleset_it_reads_is_mw301(
    written: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`import --ruleset rules.yaml -o rules.yaml` once wrote the document over the ruleset file, and exited 0."""
    ruleset = (Path(__file__).parents[1] / "rulesets" / "modern-work" / "2026-01.yaml").read_bytes()
    (tmp_path / "rules.yaml").write_bytes(ruleset)
    monkeypatch.chdir(tmp_path)
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")

    assert 2 == main(["import", "--usage", usage, "--partner-id", "p", "--ruleset", "rules.yaml", *written])

    assert f"mwrules: MW301 {written[0]} {written[1]} names the ruleset --ruleset rules.yaml" in capsys.readouterr().err
    assert ruleset == (tmp_path / "rules.yaml").read_bytes()


@pytest.mark.parametrize(
    ("extra", "named"),
    [([], "the partner document p.svg"), (["--ruleset", "rules.yaml"], "the ruleset --ruleset ./rules.yaml")],
)
def test_a_plot_timeline_would_draw_over_a_file_it_reads_is_mw301(
    extra: list[str],
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """`timeline p.svg --plot p.svg` once drew the plot over the partner document it had read."""
    document = (EXAMPLES / "timeline.yaml").read_bytes()
    ruleset = (Path(__file__).parents[1] / "rulesets" / "modern-work" / "2026-01.yaml").read_bytes()
    (tmp_path / "p.svg").write_bytes(document)
    (tmp_path / "rules.yaml").write_bytes(ruleset)
    monkeypatch.chdir(tmp_path)
    plotted = "./rules.yaml" if extra else "p.svg"
    extra = [extra[0], "./rules.yaml"] if extra else []

    assert 2 == main(["timeline", "p.svg", "--plot", plotted, *extra])

    assert f"mwrules: MW301 --plot {plotted} names {named}" in capsys.readouterr().err
    assert (tmp_path / "p.svg").read_bytes() == document
    assert (tmp_path / "rules.yaml").read_bytes() == ruleset


def test_import_as_of_says_what_its_absence_means(capsys: pytest.CaptureFixture[str]):
    """Without `import --as-of` the document is evaluated as of today; the help once said only "(default: none)"."""
    with pytest.raises(SystemExit):
        main(["import", "--help"])

    help_text = " ".join(capsys.readouterr().out.split())
    assert "the document is evaluated as of the day it is evaluated" in help_text
    assert "counts people per designation under the version in force today" in help_text


@pytest.mark.parametrize("command", [["import"], ["evaluate", "--format", "json"]])
def test_a_download_named_dash_is_read_from_standard_input(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`--trainings -` once looked for a file named "-" (MW001): standard input gives what the file gives."""
    trainings = EXAMPLES / "partner-center" / "trainings.csv"
    options = ["--partner-id", "contoso", "--as-of", "2026-11-28"]
    assert 0 == main([*command, "--trainings", str(trainings), *options])
    from_the_file = capsys.readouterr()

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(trainings.read_bytes())))
    assert 0 == main([*command, "--trainings", "-", *options])
    from_standard_input = capsys.readouterr()

    assert from_the_file.out == from_standard_input.out
    assert from_the_file.err.replace(str(trainings), "-") == from_standard_input.err


def test_standard_input_named_for_two_downloads_is_mw301(capsys: pytest.CaptureFixture[str]):
    """`--trainings - --usage -` would read standard input twice, the second time empty."""
    assert 2 == main(["import", "--trainings", "-", "--usage", "-", "--partner-id", "contoso"])
    assert "mwrules: MW301 standard input (-) can be read once" in capsys.readouterr().err


#: A command that is interrupted (Ctrl-C) and interrupted again while it stops, as an impatient user does
_CTRL_C_TWICE = """
import os, signal, sys
from mwrules import cli
from mwrules._cli import commands

class Stopping:
    def __del__(self):  # runs as the first Ctrl-C ends the command: the second one comes now
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))

def interrupted(args):
    stopping = Stopping()
    os.kill(os.getpid(), signal.SIGINT)
    sum(range(1000))

commands._COMMANDS["lint"] = interrupted
sys.exit(cli.main(["lint", "x.yaml"]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="signals")
def test_a_second_ctrl_c_while_a_command_stops_prints_nothing_more():
    """Ctrl-C twice in a few milliseconds once printed "Exception ignored ... KeyboardInterrupt" or died of SIGINT."""
    # As at a terminal: a shell that started these tests in the background passes SIGINT on ignored
    terminal = functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL)

    command = [sys.executable, "-c", _CTRL_C_TWICE]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300, preexec_fn=terminal)

    assert "mwrules: interrupted\n" == result.stderr
    assert 130 == result.returncode


def _command_line(arguments: list[str], cwd: Path, stdin: str | None = None, stdout: str | None = None) -> Any:
    """`mwrules ARGUMENTS` in a process of its own, standard input or output a file of *cwd* (as `<` and `>` make)."""
    command = [
        sys.executable,
        "-c",
        "import sys; from mwrules.cli import main; sys.exit(main(sys.argv[1:]))",
        *arguments,
    ]
    with contextlib.ExitStack() as files:
        given = files.enter_context((cwd / stdin).open("rb")) if stdin else subprocess.DEVNULL
        written = files.enter_context((cwd / stdout).open("wb")) if stdout else subprocess.PIPE
        result = subprocess.run(command, stdin=given, stdout=written, stderr=subprocess.PIPE, cwd=cwd, check=False)
    return result.returncode, (result.stdout or b"").decode(), result.stderr.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/stdin")
@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["import"], ["-o", "trainings.csv"]),
        (["import"], ["-o", "/dev/stdin"]),
        (["import"], ["--report", "hard.csv", "-o", "out.yaml"]),
        (["evaluate"], ["--report", "trainings.csv"]),
    ],
)
def test_a_file_mwrules_would_write_over_the_download_standard_input_reads_is_mw301(
    command: list[str], written: list[str], tmp_path: Path
):
    """`import --trainings - -o t.csv < t.csv` once wrote the document over the download it had read, and exited 0."""
    trainings = (EXAMPLES / "partner-center" / "trainings.csv").read_bytes()
    (tmp_path / "trainings.csv").write_bytes(trainings)
    (tmp_path / "hard.csv").hardlink_to(tmp_path / "trainings.csv")

    arguments = [*command, "--trainings", "-", "--partner-id", "contoso", *written]
    status, _, errors = _command_line(arguments, tmp_path, stdin="trainings.csv")

    assert 2 == status
    assert f"mwrules: MW301 {written[0]} {written[1]} names the download --trainings -" in errors
    assert trainings == (tmp_path / "trainings.csv").read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="a file as standard input")
def test_a_plot_timeline_would_draw_over_the_document_standard_input_reads_is_mw301(tmp_path: Path):
    """`timeline - --plot p.svg < p.svg` would draw the plot over the document it had read."""
    document = (EXAMPLES / "timeline.yaml").read_bytes()
    (tmp_path / "p.svg").write_bytes(document)

    status, _, errors = _command_line(["timeline", "-", "--plot", "p.svg"], tmp_path, stdin="p.svg")

    assert 2 == status
    assert "mwrules: MW301 --plot p.svg names the partner document -" in errors
    assert document == (tmp_path / "p.svg").read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/stdout")
@pytest.mark.parametrize(
    ("command", "report", "stdout"),
    [
        (["import"], "/dev/stdout", None),
        (["import", "-o", "-"], "-", None),
        (["import"], "report.json", "report.json"),
        (["evaluate"], "-", None),
        (["evaluate"], "report.json", "report.json"),
    ],
)
def test_a_report_written_where_the_document_or_verdict_goes_is_mw301(
    command: list[str], report: str, stdout: str | None, tmp_path: Path
):
    """`import --usage u.csv --report /dev/stdout` once wrote the JSON report and the YAML document into one stream."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")

    arguments = [*command, "--usage", usage, "--partner-id", "p", "--report", report]
    status, printed, errors = _command_line(arguments, tmp_path, stdout=stdout)

    assert 2 == status
    assert f"mwrules: MW301 --report {report} is standard output, where the " in errors
    assert "" == printed
    assert [] == [path.read_text() for path in tmp_path.iterdir() if path.read_text()]  # nothing written


@pytest.mark.skipif(sys.platform == "win32", reason="a file as standard output")
def test_a_plot_timeline_would_draw_into_its_standard_output_is_mw301(tmp_path: Path):
    """`timeline p.yaml --plot t.svg > t.svg` once wrote the text over the start of the drawing, and exited 0."""
    document = str(EXAMPLES / "timeline.yaml")

    status, _, errors = _command_line(["timeline", document, "--plot", "t.svg"], tmp_path, stdout="t.svg")

    assert 2 == status
    assert "mwrules: MW301 --plot t.svg is standard output, where the timeline goes" in errors
    assert b"" == (tmp_path / "t.svg").read_bytes()


def test_a_plot_to_standard_output_by_dash_is_mw301(tmp_path: Path):
    """`--plot -` was "cannot tell the format of '-' (name the file -.png or -.svg)": it is standard output."""
    status, _, errors = _command_line(["timeline", str(EXAMPLES / "timeline.yaml"), "--plot", "-"], tmp_path)

    assert 2 == status
    assert (
        "mwrules: MW301 --plot - is standard output, where the timeline goes: give --plot a file of its own" in errors
    )


def test_report_dash_writes_the_report_to_standard_output(tmp_path: Path):
    """`import --report -` once wrote a file named "-"; it is standard output, as `-o -` is."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")

    status, printed, _ = _command_line(
        ["import", "--usage", usage, "--partner-id", "p", "-o", "p.yaml", "--report", "-"], tmp_path
    )

    assert 0 == status
    assert ["cpor-m365-usage.csv"] == [Path(name).name for name in json.loads(printed)["files"]]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["p.yaml"]


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "{partner}", "--as-of", "2026-11-28"],
        ["evaluate", "{partner}", "--as-of", "2026-11-28", "--designations"],
        ["explain", "{partner}", "--as-of", "2026-11-28"],
        ["plan", "{partner}", "--as-of", "2026-11-28", "--by", "2027-06-30"],
    ],
)
@pytest.mark.parametrize("as_of", ["2026-02-30", "not a date", 20261128])
def test_as_of_given_does_not_hide_a_document_s_as_of_that_is_no_date(
    command: list[str], as_of: object, tmp_path: Path
):
    """--as-of replaced a document's as_of of 2026-02-30 without a word, exit 0 (hostile run 18)."""
    partner = tmp_path / "p.json"
    partner.write_text(json.dumps({"partner_id": "p", "as_of": as_of, "people": []}))

    status, _, errors = _command_line([part.format(partner=partner) for part in command], tmp_path)

    assert 2 == status
    assert "$.as_of: MW006" in errors


def test_plan_reads_its_costs_from_standard_input_given_as_dash(tmp_path: Path):
    """`--costs -` looked for a file named '-' (hostile run 18): standard input, as for the partner document."""
    (tmp_path / "costs.json").write_text(json.dumps({"intermediate_person": 100}))
    near_miss = str(EXAMPLES / "near-miss.yaml")

    status, printed, _ = _command_line(["plan", near_miss, "--costs", "-", "--format", "json"], tmp_path, "costs.json")
    from_file = _command_line(["plan", near_miss, "--costs", "costs.json", "--format", "json"], tmp_path)

    assert (0, printed) == (status, from_file[1])
    assert "intermediate_person" in printed


def test_plan_with_the_partner_and_its_costs_both_from_standard_input_is_mw301(tmp_path: Path):
    (tmp_path / "p.yaml").write_text((EXAMPLES / "near-miss.yaml").read_text())

    status, _, errors = _command_line(["plan", "-", "--costs", "-"], tmp_path, "p.yaml")

    assert 2 == status
    assert "MW301 standard input (-) can be read once" in errors


def test_import_to_a_json_file_writes_json_that_evaluate_reads_back(tmp_path: Path):
    """`-o imported.json` wrote YAML, which `evaluate imported.json` refused as no JSON (hostile run 19)."""
    trainings = str(EXAMPLES / "partner-center" / "trainings.csv")

    status, _, _ = _command_line(["import", "--trainings", trainings, "--partner-id", "c", "-o", "p.JSON"], tmp_path)
    read_back = _command_line(["evaluate", "p.JSON", "--as-of", "2026-11-28"], tmp_path)

    assert 0 == status
    assert json.loads((tmp_path / "p.JSON").read_text())["partner_id"] == "c"
    assert read_back[0] in (0, 1), read_back[2]


@pytest.mark.parametrize("command", [["timeline"], ["plan"], ["explain"]])
def test_a_command_of_one_partner_given_json_lines_of_several_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
):
    """It said "not valid YAML: expected '<document start>'" at line 2 (hostile run 21); one line is one partner."""
    lines = [
        json.dumps(yaml.safe_load((EXAMPLES / name).read_text()), default=str)
        for name in ("near-miss.yaml", "qualified-smb.yaml")
    ]
    several, one = tmp_path / "book.jsonl", tmp_path / "one.ndjson"
    several.write_text("\n".join(lines) + "\n")
    one.write_text(lines[0] + "\n")

    assert main([*command, str(several)]) == 2
    assert f"MW301 {command[0]} takes one partner, and {several} is JSON Lines" in capsys.readouterr().err
    assert main([*command, str(one)]) in (0, 1)


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "{partner}", "--as-of", "2000-01-01"],
        ["explain", "{partner}", "--as-of", "2000-01-01"],
        ["plan", "{partner}", "--as-of", "2000-01-01"],
        ["evaluate", "{partner}", "{partner}", "--as-of", "2000-01-01", "--jobs", "1"],
    ],
)
def test_an_as_of_given_before_every_version_is_not_put_on_the_document_s_as_of_line(
    command: list[str], tmp_path: Path
):
    """--as-of 2000-01-01 was said at the line of the file's own as_of (2024-06-30), which is right (hostile run 25)."""
    partner = tmp_path / "p.yaml"
    partner.write_text("partner_id: p\npeople: []\nas_of: 2024-06-30\n")

    status, printed, errors = _command_line([part.format(partner=partner) for part in command], tmp_path)

    said = printed + errors  # a portfolio lists each input's problems on standard output
    assert 2 == status
    assert "MW131 no version of modern-work is in force on 2000-01-01" in said
    assert "p.yaml:3:" not in said

"""The mwrules command: output formats and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    main(["evaluate", str(EXAMPLES / "near-miss.yaml")])
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

    main(["explain", str(path)])
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

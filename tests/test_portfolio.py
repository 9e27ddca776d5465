"""Portfolios: evaluate_many, evaluate_lines and `mwrules evaluate` over many inputs agree with evaluate()."""

from __future__ import annotations

import collections
import contextlib
import datetime
import functools
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mwrules
from mwrules import codes
from mwrules._batch import pool as _batch
from mwrules.cli import main
from mwrules.strategies import partner_documents


ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.*"))
BROKEN = ["not json", '{"partner_id": 5}', '{"partner_id": "x", "people": [{"id": "a"}, {"id": "A"}]}', "[1, 2]"]
BROKEN_CODES = [codes.SYNTAX, codes.INVALID_VALUE, codes.DUPLICATE_PERSON, codes.INVALID_VALUE]
PORTFOLIOS = st.lists(partner_documents(max_people=8), min_size=1, max_size=40)


def json_lines(documents: list[dict[str, Any]], broken_every: int = 7) -> tuple[str, dict[int, int]]:
    """The documents as JSON Lines with a broken line now and then, and per broken line number, its BROKEN index."""
    lines, broken = [], {}
    for index, document in enumerate(documents):
        if index % broken_every == 3:
            broken[len(lines) + 1] = len(broken) % len(BROKEN)
            lines.append(BROKEN[broken[len(lines) + 1]])
        lines.append(json.dumps(document))
        if index % 11 == 5:
            lines.append("")  # blank lines are skipped, and still counted
    return "\n".join(lines) + "\n", broken


def check_against_evaluate(results: list[mwrules.Result], text: str, broken: dict[int, int], source: str) -> None:
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    assert [result.source for result in results] == [f"{source}:{number}" for number, _ in numbered]
    assert [result.index for result in results] == list(range(len(numbered)))
    for result, (number, line) in zip(results, numbered, strict=True):
        if number in broken:
            assert result.verdict is None
            assert BROKEN_CODES[broken[number]] in [problem.code for problem in result.problems]
            assert all(problem.file == f"{source}:{number}" for problem in result.problems)
        else:
            assert result.problems == ()
            assert result.verdict == mwrules.evaluate(json.loads(line))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PORTFOLIOS, st.sampled_from([1, 2]))
def test_json_lines_through_the_api_agree_with_evaluate(documents: list[dict[str, Any]], jobs: int):
    text, broken = json_lines(documents)

    results = list(mwrules.evaluate_lines(text.splitlines(keepends=True), source="book.jsonl", jobs=jobs))

    check_against_evaluate(results, text, broken, "book.jsonl")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PORTFOLIOS)
def test_json_lines_through_the_command_line_agree_with_evaluate(documents: list[dict[str, Any]]):
    text, broken = json_lines(documents, broken_every=5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.jsonl"
        path.write_text(text)
        result = run_cli("evaluate", str(path), "--format", "jsonl", "--jobs", "2")

    records = [json.loads(line) for line in result.stdout.splitlines()]
    results = [
        mwrules.Result(
            index,
            record["input"],
            mwrules.verdict_from_json(record["verdict"]) if "verdict" in record else None,
            tuple(mwrules.Problem(**problem) for problem in record.get("problems", ())),
        )
        for index, record in enumerate(records)
    ]
    check_against_evaluate(results, text, broken, str(path))
    assert result.returncode == (2 if broken else 0)
    assert f"{len(records):,} input(s): {len(records) - len(broken):,} evaluated" in result.stderr


def test_documents_of_every_kind_come_back_in_order():
    partner = mwrules.load_partner({"partner_id": "object", "as_of": "2024-06-30"})
    kinds = [*EXAMPLES, {"partner_id": "mapping", "as_of": "2024-06-30"}, partner, {"partner_id": 5}]
    documents = kinds * 30
    # each kind's own verdict, evaluated once rather than once per copy: the copies are the same documents
    verdicts = [None if kind == {"partner_id": 5} else mwrules.evaluate(kind) for kind in kinds] * 30

    results = list(mwrules.evaluate_many(documents, jobs=2))

    assert [result.index for result in results] == list(range(len(documents)))
    for result, document, verdict in zip(results, documents, verdicts, strict=True):
        if document == {"partner_id": 5}:
            assert [problem.where for problem in result.problems] == ["$.partner_id"]
        else:
            assert result.ok
            assert result.verdict == verdict
            assert result.source == (str(document) if isinstance(document, Path) else None)


def test_the_input_is_read_a_few_chunks_ahead():
    """A portfolio streams: a generator of a million documents is read only as far as the results are taken."""
    taken = 0

    def documents() -> Iterator[dict[str, Any]]:
        nonlocal taken
        for index in itertools.count():
            taken += 1
            yield {"partner_id": f"p{index}", "as_of": "2024-06-30"}

    results = mwrules.evaluate_many(documents(), jobs=2)
    first = list(itertools.islice(results, 5))
    results.close()  # type: ignore[attr-defined]

    assert [result.verdict.partner_id for result in first if result.verdict] == [f"p{index}" for index in range(5)]
    assert taken <= (2 * _batch.CHUNKS_AHEAD + 1) * _batch.CHUNK_SIZE


@pytest.mark.parametrize(
    ("evaluate", "given"),
    [
        (mwrules.evaluate_many, "examples/qualified-smb.yaml"),
        (mwrules.evaluate_many, {"partner_id": "a"}),
        (mwrules.evaluate_lines, '{"partner_id": "a"}\n{"partner_id": "b"}\n'),
        (mwrules.evaluate_lines, b'{"partner_id": "a"}\n'),
    ],
)
def test_one_text_or_mapping_given_for_many_inputs_is_a_type_error(evaluate: Callable[..., Any], given: object):
    """`evaluate_many("p.yaml")` once gave an MW001 result per character; `evaluate_lines(b"...")` an AttributeError."""
    with pytest.raises(TypeError, match="must be an iterable of"):
        evaluate(given, jobs=1)


@pytest.mark.parametrize("designations", ["security", [], ()])
def test_designations_naming_none_or_given_as_one_text_is_a_value_error(designations: object):
    """`designations=[]` once gave results for no designation; `designations="security"` said "no ruleset 's'"."""
    with pytest.raises(ValueError, match="designations"):
        mwrules.evaluate_many([{"partner_id": "a"}], jobs=1, designations=designations)  # type: ignore[arg-type]


def test_an_unknown_ruleset_fails_before_any_input_is_read():
    def documents() -> Iterator[dict[str, Any]]:
        pytest.fail("the input was read")
        yield {}

    with pytest.raises(mwrules.RulesetError):
        mwrules.evaluate_many(documents(), ruleset="modern-wrok")


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_jobs_must_be_a_positive_whole_number(jobs: object):
    with pytest.raises(ValueError, match="jobs must be a whole number"):
        mwrules.evaluate_many([], jobs=jobs)  # type: ignore[arg-type]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_that_cannot_travel_to_a_worker_gets_its_problems_as_in_one_process(jobs: int):
    """A mapping holding a lambda (no pickle) once ended a --jobs 2 batch with AttributeError; --jobs 1 gave MW006."""
    documents = [
        {"partner_id": "a"},
        {"partner_id": "b", "people": [{"id": "x", "certifications": [lambda: "MS-700"]}]},
        {"partner_id": "c"},
    ]

    results = list(mwrules.evaluate_many(documents, jobs=jobs))

    assert [result.verdict is not None for result in results] == [True, False, True]
    assert [problem.code for problem in results[1].problems] == [codes.INVALID_VALUE]


def test_a_given_ruleset_reaches_the_workers():
    ruleset = mwrules.load_ruleset(ROOT / "rulesets" / "modern-work" / "2023-06.yaml")
    line = json.dumps({"partner_id": "x", "as_of": "2027-01-01"})

    (result,) = mwrules.evaluate_lines([line], jobs=2, ruleset=ruleset)

    assert result.verdict is not None
    assert result.verdict.ruleset.version == "2023-06"
    assert result.verdict.ruleset.reason.startswith("loaded from")


def test_a_given_date_replaces_each_documents():
    line = json.dumps({"partner_id": "x", "as_of": "2027-01-01"})

    (result,) = mwrules.evaluate_lines([line], jobs=2, as_of=datetime.date(2024, 6, 30))

    assert result.verdict is not None
    assert (result.verdict.as_of, result.verdict.ruleset.version) == (datetime.date(2024, 6, 30), "2023-06")


@pytest.mark.parametrize("more", [[], ["--designations"]])
def test_a_given_date_replaces_the_as_of_of_each_file_of_a_portfolio(more: list[str]):
    """--as-of applies to every file and folder of a portfolio, as it does to one file and to JSON Lines."""
    files = [str(ROOT / "examples" / "near-miss.yaml"), str(ROOT / "examples" / "all-designations.yaml")]

    result = run_cli("evaluate", *files, "--as-of", "2027-03-01", "--format", "jsonl", "--jobs", "1", *more)

    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record.get("verdict", record)["as_of"] for record in records] == ["2027-03-01", "2027-03-01"]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mwrules.cli", *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_a_folder_and_files_give_a_line_each_and_a_summary():
    result = run_cli("evaluate", str(ROOT / "examples"), str(ROOT / "examples" / "near-miss.yaml"), "--jobs", "1")

    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == len(EXAMPLES) + 1
    assert "near-miss.yaml: northwind: NOT QUALIFIED on smb, 68.5 points" in result.stdout
    assert result.stderr.strip().endswith("0 with problems")


@pytest.mark.parametrize("more", [[], ["--format", "jsonl"], ["--designations"], ["--jobs", "2"]])
def test_a_partner_given_by_several_inputs_is_named_before_the_summary(tmp_path: Path, more: list[str]):
    """The same partner_id in two files (an old export and a new) was counted twice in the summary, without a word."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(near_miss)
    (tmp_path / "d.yaml").write_text(near_miss.replace("partner_id: northwind", "partner_id: NorthWind"))
    (tmp_path / "e.yaml").write_text(near_miss.replace("partner_id: northwind", "partner_id: other"))

    result = run_cli("evaluate", str(tmp_path), *more)

    assert result.returncode == 0, result.stderr
    *notes, summary = result.stderr.strip().splitlines()
    assert summary.startswith("mwrules: 5 input(s): 5 evaluated")
    assert notes == [
        f"mwrules: partner_id 'northwind' is given by 4 inputs ({tmp_path / 'a.yaml'}, {tmp_path / 'b.yaml'}, "
        f"{tmp_path / 'c.yaml'} and 1 more): each is counted in the summary"
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_partner_with_one_designations_problem_is_counted_for_the_designations_it_was_scored_on(
    tmp_path: Path, jobs: str
):
    """Without its facts (a problem of the designations that classify by them), a partner's line said it qualified
    for modern-work and security, and the summary counted it for neither, nor named its partner_id given twice: one
    folder of 110 said 83 for modern-work where 87 lines said so (hostile run 34)."""
    example = yaml.safe_load((ROOT / "examples" / "all-designations.yaml").read_text())
    (tmp_path / "a.json").write_text(json.dumps(example, default=str))
    (tmp_path / "b.json").write_text(json.dumps({k: v for k, v in example.items() if k != "facts"}, default=str))

    result = run_cli("evaluate", str(tmp_path), "--designations", "--jobs", jobs)

    assert 2 == result.returncode, result.stderr  # a designation's problem is a problem
    lines = result.stdout.splitlines()
    assert [line.split(": ")[2] for line in lines if line.startswith(str(tmp_path))] == [
        "qualified for infrastructure, modern-work, security; badges",
        "qualified for modern-work, security; badges",
    ]
    *notes, summary = result.stderr.strip().splitlines()
    assert notes == [
        f"mwrules: partner_id 'northwind' is given by 2 inputs ({tmp_path / 'a.json'} and {tmp_path / 'b.json'}): "
        "each is counted in the summary"
    ]
    assert summary == (
        "mwrules: 2 input(s): 2 evaluated (qualified 1 for infrastructure, 2 for modern-work, 2 for security; "
        "0 not qualified), 1 with problems (evaluated for the designations without them)"
    )


def test_json_lines_ending_with_a_carriage_return_alone_are_told_how_to_save_them(tmp_path: Path):
    """Classic Mac line ends made a book one record: "Extra data (line 1, column 41)", and no word of why (run 34)."""
    book = tmp_path / "book.jsonl"
    book.write_bytes(b'{"partner_id": "a", "as_of": "2026-01-01"}\r{"partner_id": "b", "as_of": "2026-01-01"}\r')

    result = run_cli("evaluate", str(book))

    assert 2 == result.returncode
    assert "MW002 not valid JSON: Extra data (line 1, column 44) (its lines end with a carriage return alone" in (
        result.stdout
    )


def test_a_folder_inside_that_cannot_be_listed_is_an_input_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """A subfolder without read permission was passed over by rglob without a word: "1 input(s): 1 evaluated",
    exit 0 (run 35). Named alone it said "no partner documents here", not why."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.yaml").write_text(near_miss)
    (tmp_path / "a.yaml").write_text(near_miss)
    listing = os.scandir

    def refusing(path: Any = ".") -> Any:  # as chmod 000 does to a process without root's powers
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", refusing)

    assert 2 == main(["evaluate", str(tmp_path), "--jobs", "1"])
    out, errors = capsys.readouterr()
    assert f"{tmp_path / 'locked'}: 1 problem(s)" in out
    assert "MW001 cannot read the folder: Permission denied" in out
    assert "2 input(s): 1 evaluated (1 not qualified), 1 with problems" in errors

    assert 2 == main(["evaluate", str(tmp_path / "locked"), "--jobs", "1"])
    assert "MW001 cannot read the folder: Permission denied" in capsys.readouterr().out


def test_a_file_name_too_long_is_that_inputs_problem_and_the_batch_goes_on(capsys: pytest.CaptureFixture[str]):
    """Path.is_dir() raised ENAMETOOLONG: the whole portfolio stopped with one MW001 and no verdict (run 35)."""
    near_miss = str(ROOT / "examples" / "near-miss.yaml")

    assert 2 == main(["evaluate", near_miss, "n" * 300 + ".yaml", near_miss, "--jobs", "1"])
    out, errors = capsys.readouterr()
    assert 2 == out.count("northwind: NOT QUALIFIED on smb, 68.5 points")
    assert "MW001" in out
    assert "3 input(s): 2 evaluated" in errors


def test_partner_files_may_follow_an_option(capsys: pytest.CaptureFixture[str]):
    """`evaluate a.yaml --jobs 1 b.yaml` was "MW301 unrecognized arguments: b.yaml" (hostile run 35)."""
    near_miss, qualified = str(ROOT / "examples" / "near-miss.yaml"), str(ROOT / "examples" / "qualified-smb.yaml")

    assert 0 == main(["evaluate", near_miss, "--jobs", "1", qualified, "--format", "jsonl"])
    assert [json.loads(line)["input"] for line in capsys.readouterr().out.splitlines()] == [near_miss, qualified]
    assert 2 == main(["evaluate", near_miss, "--jobs", "1", "--bogus"])
    assert "MW301 unrecognized arguments: --bogus" in capsys.readouterr().err


def test_the_summary_says_how_many_inputs_with_problems_were_evaluated_for_their_other_designations():
    from mwrules._batch import portfolio  # noqa: PLC0415 - the tally alone

    tally = portfolio._Tally()
    for outcome in (
        None,  # its document could not be read
        portfolio._Scored(("security",), "a", "a.yaml", problems=True),
        portfolio._Scored((), "b", "b.yaml", problems=True),
        portfolio._Scored(("security",), "c", "c.yaml"),
    ):
        tally.add(outcome)

    assert tally.text("for") == (
        "4 input(s): 3 evaluated (qualified 2 for security; 1 not qualified), 3 with problems (2 evaluated for the "
        "designations without them)"
    )


@pytest.mark.parametrize("more", [[], ["--format", "json"]])
def test_diff_names_a_partner_given_by_several_inputs(tmp_path: Path, more: list[str]):
    """diff --partners counted one partner_id given by three inputs as three partners without a word (hostile run
    21), where evaluate names it."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(near_miss)
    (tmp_path / "c.yaml").write_text(near_miss.replace("partner_id: northwind", "partner_id: NorthWind"))
    (tmp_path / "d.yaml").write_text(near_miss.replace("partner_id: northwind", "partner_id: other"))

    result = run_cli("diff", "--partners", str(tmp_path), "modern-work@2023-06", "modern-work@2026-01", *more)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"mwrules: partner_id 'northwind' is given by 3 inputs ({tmp_path / 'a.yaml'}, {tmp_path / 'b.yaml'} and "
        f"{tmp_path / 'c.yaml'}): each is counted as a partner"
    ]


@pytest.mark.parametrize(
    "command", [["evaluate"], ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners"]]
)
def test_a_folder_reads_partner_files_whatever_the_case_of_their_suffix(tmp_path: Path, command: list[str]):
    """A.JSON, B.Yaml and c.NDJSON were left out of a folder without a word (one named alone was read)."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    (tmp_path / "A.JSON").write_text(json.dumps(yaml.safe_load(near_miss), default=str))
    (tmp_path / "B.Yaml").write_text(near_miss)
    (tmp_path / "c.NDJSON").write_text(json.dumps({"partner_id": "c", "as_of": "2026-11-28"}) + "\n")

    result = run_cli(*command, str(tmp_path))

    assert 0 == result.returncode, result.stderr
    assert "3 partner(s)" in result.stdout if command[0] == "diff" else "3 input(s): 3 evaluated" in result.stderr


def test_a_folder_without_partner_documents_is_a_problem(tmp_path: Path):
    """A folder holding none (only notes.txt) gave '0 input(s)' and exit 0, even with --fail-unqualified."""
    (tmp_path / "notes.txt").write_text("partners go here\n")

    result = run_cli("evaluate", str(tmp_path), "--fail-unqualified")

    assert 2 == result.returncode
    assert f"{tmp_path}: $: MW001 no partner documents" in result.stdout


@pytest.mark.parametrize(
    ("written", "named", "more"),
    [
        ("", "book.jsonl", []),
        ("\n\n  \n", "book.jsonl", ["--designations", "--format", "jsonl"]),
        ("", "-", ["--lines"]),
        ("", ".", []),  # a folder whose only partner file is an empty book.jsonl
    ],
)
def test_json_lines_without_a_record_are_a_problem(tmp_path: Path, written: str, named: str, more: list[str]):
    """An empty JSON Lines file, or standard input, gave '0 input(s)' and exit 0 with --fail-unqualified (run 17)."""
    (tmp_path / "book.jsonl").write_text(written)
    source = {"-": "-", ".": str(tmp_path)}.get(named, str(tmp_path / named))

    result = run_cli("evaluate", source, *more, "--fail-unqualified", stdin=written if named == "-" else None)

    assert 2 == result.returncode, result.stderr
    assert "no partner records: the JSON Lines are empty, or blank lines only" in result.stdout
    assert "MW001" in result.stdout
    assert "1 input(s): 0 evaluated" in result.stderr


@pytest.mark.parametrize(
    "command", [["evaluate"], ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners"]]
)
def test_hidden_files_in_a_folder_are_left_out_and_named(tmp_path: Path, command: list[str]):
    """A folder's `.git/x.yaml` and `.#a.yaml` were read as partners without a word; they are left out, and said."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    (tmp_path / "a.yaml").write_text(near_miss)
    (tmp_path / ".#a.yaml").write_text(near_miss)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.yaml").write_text(near_miss)

    result = run_cli(*command, str(tmp_path))

    assert 0 == result.returncode, result.stderr
    assert ".#a.yaml" not in result.stdout
    assert ".git" not in result.stdout
    notice = f"mwrules: 2 hidden file(s) left out (a name inside the folder starts with '.'): {tmp_path / '.#a.yaml'}, "
    assert notice + f"{tmp_path / '.git' / 'b.yaml'}\n" in result.stderr


@pytest.mark.parametrize(
    "command", [["evaluate"], ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners"]]
)
def test_other_files_in_a_folder_are_named_as_not_read(tmp_path: Path, command: list[str]):
    """Run 35: an editor's `a.yaml~` and `b.yml.swp` beside the partners were passed over without a word."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    (tmp_path / "a.yaml").write_text(near_miss)
    (tmp_path / "a.yaml~").write_text(near_miss)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml.swp").write_text(near_miss)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("")  # hidden: neither read nor named

    result = run_cli(*command, str(tmp_path))

    assert 0 == result.returncode, result.stderr
    notice = "mwrules: 2 other file(s) not read (not named *.json, *.yaml, *.yml, *.jsonl or *.ndjson): "
    assert f"{notice}{tmp_path / 'a.yaml~'}, {tmp_path / 'sub' / 'b.yml.swp'}\n" in result.stderr
    assert "config" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize(
    "command", [["evaluate", "--jobs", "1"], ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners"]]
)
def test_what_is_not_a_file_in_a_folder_is_left_out_and_named(tmp_path: Path, command: list[str]):
    """A pipe and a link to nothing named like partners were left out of a folder's partners without a word."""
    (tmp_path / "a.yaml").write_text((ROOT / "examples" / "near-miss.yaml").read_text())
    os.mkfifo(tmp_path / "b.yaml")  # never read: it would wait for a writer forever
    (tmp_path / "c.yaml").symlink_to(tmp_path / "gone.yaml")

    result = run_cli(*command, str(tmp_path))

    assert 0 == result.returncode, result.stderr
    notice = "mwrules: 2 file(s) left out (not a file: a pipe, a device, or a link to nothing): "
    assert f"{notice}{tmp_path / 'b.yaml'}, {tmp_path / 'c.yaml'}\n" in result.stderr


@pytest.mark.parametrize(
    "command", [["evaluate", "--jobs", "1"], ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners"]]
)
def test_a_link_to_a_folder_inside_a_folder_is_left_out_and_named(tmp_path: Path, command: list[str]):
    """A link to a folder of partners was not followed, and its partners left out without a word (hostile run 15)."""
    near_miss = (ROOT / "examples" / "near-miss.yaml").read_text()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.yaml").write_text(near_miss)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b.yaml").write_text(near_miss)
    (tmp_path / "book" / "more").symlink_to(tmp_path / "other", target_is_directory=True)

    result = run_cli(*command, str(tmp_path / "book"))

    assert 0 == result.returncode, result.stderr
    assert "b.yaml" not in result.stdout
    notice = "mwrules: 1 link(s) to a folder left out (links to folders are not followed; name the folder to read it): "
    assert f"{notice}{tmp_path / 'book' / 'more'}\n" in result.stderr


@pytest.mark.parametrize("named", ["the folder", "the file"])
def test_diff_reads_a_json_lines_portfolio_a_partner_per_record(tmp_path: Path, named: str):
    """`diff --partners DIR` left out a folder's .jsonl without a word; `--partners x.jsonl` read it as YAML."""
    near_miss = json.dumps(yaml.safe_load((ROOT / "examples" / "near-miss.yaml").read_text()), default=str)
    (tmp_path / "a.jsonl").write_text(f"{near_miss}\n{{}}\n{near_miss}\n")
    partners = tmp_path if named == "the folder" else tmp_path / "a.jsonl"

    result = run_cli("diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", str(partners))

    assert 2 == result.returncode, result.stderr
    assert (
        "3 partner(s): 0 changed, 2 unchanged; 0 newly qualified, 0 no longer qualified; 1 not evaluated"
        in result.stdout
    )
    assert f"{tmp_path / 'a.jsonl'}:2: $.partner_id: MW005 required key is missing" in result.stdout


def test_the_hidden_files_left_out_are_named_with_their_control_characters_escaped():
    """A hidden file named with an escape sequence is named, not played on the terminal; past three, an ellipsis."""
    from mwrules._input.folders import hidden_notice  # noqa: PLC0415 - the notice alone

    names = [Path(".a\x1b[2J.yaml"), Path(".b.yaml"), Path(".c.yaml"), Path(".d.yaml")]

    assert hidden_notice(names).endswith(": .a\\x1b[2J.yaml, .b.yaml, .c.yaml, …")


@pytest.mark.parametrize("designations", [[], ["--designations"]])
def test_lines_without_standard_input_or_a_json_lines_file_is_mw301(designations: list[str]):
    """`evaluate a.yaml --lines` read a.yaml as one document and dropped --lines without a word."""
    result = run_cli("evaluate", str(ROOT / "examples" / "near-miss.yaml"), "--lines", *designations)

    assert 2 == result.returncode
    assert "MW301 --lines reads standard input (-) as JSON Lines: add -, or name the file .jsonl" in result.stderr
    assert "" == result.stdout


def test_lines_beside_a_json_lines_file_agrees_with_its_name(tmp_path: Path):
    """`--lines` with `book.jsonl` says what the name says: nothing is dropped, so it is no mistake."""
    book = tmp_path / "book.jsonl"
    book.write_text(json.dumps({"partner_id": "p0", "as_of": "2024-06-30"}) + "\n")

    result = run_cli("evaluate", str(book), "--lines")

    assert (0, f"{book}:1: p0: NOT QUALIFIED on enterprise, 0 points\n") == (result.returncode, result.stdout)


def test_standard_input_as_json_lines(tmp_path: Path):
    lines = "\n".join(json.dumps({"partner_id": f"p{index}", "as_of": "2024-06-30"}) for index in range(3))

    result = run_cli("evaluate", "-", "--lines", "--fail-unqualified", stdin=lines + "\n{oops\n")

    assert result.returncode == 2  # a failed input outweighs the unqualified partners
    assert result.stdout.splitlines()[:3] == [
        f"<stdin>:{n + 1}: p{n}: NOT QUALIFIED on enterprise, 0 points" for n in range(3)
    ]
    assert "<stdin>:4: $: MW002 not valid JSON" in result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="an endless file")
def test_an_endless_line_of_json_lines_is_refused_at_the_size_limit():
    """`mwrules evaluate - --lines </dev/zero` once filled the memory: in a child capped at 1 GiB and 60 s."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
        "from mwrules.cli import main; sys.exit(main(['evaluate', '-', '--lines', '--jobs', '1']))"
    )
    with Path("/dev/zero").open("rb") as endless:
        result = subprocess.run(
            [sys.executable, "-c", code], stdin=endless, capture_output=True, text=True, check=False, timeout=60
        )

    assert 2 == result.returncode, result.stderr
    assert result.stdout.startswith(
        "<stdin>:1: 1 problem(s)\n  <stdin>:1: $: MW007 line 1 is longer than 67,108,864 bytes: it and the lines "
        "after it were not read"
    ), result.stdout


def test_a_line_over_the_size_limit_ends_the_reading_of_its_file_and_says_so(tmp_path: Path):
    book = tmp_path / "book.jsonl"
    book.write_text('{"partner_id": "a"}\n' + "x" * 1001 + '\n{"partner_id": "b"}\n')

    with book.open("rb") as lines:
        results = list(mwrules.evaluate_lines(lines, limits=mwrules.Limits(max_file_bytes=1000), jobs=1))

    assert [("<stdin>:1", True), ("<stdin>:2", False)] == [(result.source, result.ok) for result in results]
    [problem] = results[1].problems
    assert codes.LIMIT == problem.code
    assert "line 2 is longer than 1,000 bytes: it and the lines after it were not read" == problem.message


@pytest.mark.parametrize("line_break", ["\n", "\r\n"])
def test_a_record_of_exactly_the_size_limit_is_read_whatever_its_line_break(tmp_path: Path, line_break: str):
    """A record of file-bytes was refused for its line break: its "\n" counted, and "\r\n" stopped the file."""
    record = '{"partner_id": "a"}'
    record = record.replace('"a"', '"' + "a" * (100 - len(record) + 1) + '"')
    book = tmp_path / "book.jsonl"
    book.write_bytes(f"{record}{line_break}{record}{line_break}".encode())

    with book.open("rb") as lines:
        results = list(mwrules.evaluate_lines(lines, limits=mwrules.Limits(max_file_bytes=100), jobs=1))

    assert 100 == len(record)
    assert [True, True] == [result.ok for result in results]


@pytest.mark.parametrize("lines", [["--lines"], []])
def test_standard_input_named_twice_is_mw301(lines: list[str]):
    """`evaluate - - --lines` read the records once and the second `-` as nothing, without a word."""
    result = run_cli("evaluate", "-", "-", *lines, stdin='{"partner_id": "a"}\n')

    assert 2 == result.returncode
    assert "mwrules: MW301 standard input (-) is named twice: it can be read once" in result.stderr
    assert "" == result.stdout


def test_unqualified_partners_fail_only_when_asked():
    asked = run_cli("evaluate", str(EXAMPLES[0]), str(ROOT / "examples" / "near-miss.yaml"), "--fail-unqualified")
    not_asked = run_cli("evaluate", str(EXAMPLES[0]), str(ROOT / "examples" / "near-miss.yaml"))

    assert (asked.returncode, not_asked.returncode) == (1, 0)


def test_a_missing_json_lines_file_is_one_failed_input(tmp_path: Path):
    result = run_cli("evaluate", str(tmp_path / "gone.jsonl"), str(EXAMPLES[0]))

    assert result.returncode == 2
    assert "gone.jsonl: 1 problem(s)" in result.stdout
    assert "2 input(s): 1 evaluated" in result.stderr


def test_one_json_document_is_for_one_partner():
    result = run_cli("evaluate", str(EXAMPLES[0]), str(EXAMPLES[1]), "--format", "json")

    assert result.returncode == 2
    assert "use --format jsonl" in result.stderr


def test_one_partner_still_gets_the_full_summary():
    """One input is not a portfolio: it prints the summary evaluate prints for one partner, no line of a portfolio."""
    near_miss = ROOT / "examples" / "near-miss.yaml"

    result = run_cli("evaluate", str(near_miss))

    assert result.stdout == mwrules.summary(mwrules.evaluate(near_miss)) + "\n"
    assert "What is missing:" in result.stdout
    assert "input(s)" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_a_terminal_shows_a_progress_bar():
    import fcntl  # noqa: PLC0415 - POSIX only
    import pty  # noqa: PLC0415
    import struct  # noqa: PLC0415
    import termios  # noqa: PLC0415

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    command = [sys.executable, "-m", "mwrules.cli", "evaluate", *map(str, EXAMPLES), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    while chunk := _read(controller):
        shown += chunk
    os.close(controller)

    assert process.wait() == 0
    assert f"0/{len(EXAMPLES)} [".encode() in shown  # the bar, drawn on standard error
    assert b"partners/s" in shown
    assert b"input(s)" in shown


def _read(descriptor: int) -> bytes:
    try:
        return os.read(descriptor, 4096)
    except OSError:  # the other end closed
        return b""


def _verdicts_from_two_workers(documents: list[dict[str, Any]]) -> list[mwrules.Verdict | None]:
    return [result.verdict for result in mwrules.evaluate_many(documents, jobs=2)]


def test_a_batch_in_a_process_that_may_not_start_processes_is_evaluated_in_it():
    """evaluate_many in a pool's worker once raised AssertionError: daemonic processes may not have children."""
    import multiprocessing  # noqa: PLC0415

    documents = [{"partner_id": f"p{index}", "as_of": "2026-11-28"} for index in range(2 * _batch.CHUNK_SIZE)]
    with multiprocessing.Pool(1) as pool:
        verdicts = pool.apply(_verdicts_from_two_workers, (documents,))

    assert [mwrules.evaluate(document) for document in documents] == verdicts


def test_a_batch_starts_no_more_workers_than_chunks():
    """`--jobs 512` over two inputs once started 512 processes (533 MB in a second): one chunk needs one worker."""
    import multiprocessing  # noqa: PLC0415

    before = len(multiprocessing.active_children())
    results = mwrules.evaluate_many([{"partner_id": "a"}, {"partner_id": "b"}], jobs=16)
    next(results)
    started = len(multiprocessing.active_children()) - before
    results.close()  # type: ignore[attr-defined]

    assert 1 == started


# A portfolio on standard input that never ends: the batch waits for more with its workers started
WAITING_BATCH = [sys.executable, "-m", "mwrules.cli", "evaluate", "-", "--lines", "--format", "jsonl", "--jobs", "2"]
WAITING_INPUT = (json.dumps({"partner_id": "x", "as_of": "2024-06-30"}) + "\n") * (3 * _batch.CHUNK_SIZE)


def children_of(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is *pid*, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            state, parent = stat.read_text().rpartition(")")[2].split()[:2]
            if int(parent) == pid and state != "Z":
                found.add(int(stat.parent.name))
    return found


#: The tests that find a batch's workers read /proc: each process's parent and state, and whether it has written
finds_workers_in_proc = pytest.mark.skipif(
    not (Path("/proc/self/stat").exists() and Path("/proc/self/io").exists()), reason="finds the workers in /proc"
)


def has_written(pid: int) -> bool:
    """Whether process *pid* has written anything. A worker's first write says it is ready (a forked process writes
    nothing on its own before: measured)."""
    try:
        counts = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    except OSError:
        return False
    return int(counts["syscw"]) > 0


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def until(condition: Callable[[], Any], seconds: float = 60) -> Any:
    """Wait for *condition* to be true (polling), and return it."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


@contextlib.contextmanager
def waiting_batch(lines: str = WAITING_INPUT, **kwargs: Any) -> Iterator[tuple[subprocess.Popen[bytes], set[int]]]:
    """A running `mwrules evaluate --jobs 2` given *lines*, waiting for more, and its two workers; killed afterwards.

    Both workers said they were ready. (A worker that dies before it does
    is dropped and the batch goes on with the others, by design: a test that
    killed one as soon as two processes were there saw the batch end with 0,
    in CI and about once in fifteen runs here.)
    """
    process = subprocess.Popen(WAITING_BATCH, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, **kwargs)
    assert process.stdin is not None
    workers: set[int] = set()
    try:
        process.stdin.write(lines.encode())
        process.stdin.flush()
        workers = until(
            lambda: found if len(found := children_of(process.pid)) == 2 and all(map(has_written, found)) else set()
        )
        assert 2 == len(workers)
        yield process, workers
    finally:
        process.kill()
        process.communicate()
        for worker in workers:
            if alive(worker):
                os.kill(worker, signal.SIGKILL)


#: While set, each process forked from this one writes to it whether it was born holding Ctrl-C (SIGINT) back
_mask_pipe: int | None = None


def _tell_the_mask_at_birth() -> None:
    if _mask_pipe is not None:
        os.write(_mask_pipe, b"1" if signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, ()) else b"0")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_tell_the_mask_at_birth)


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="holds SIGINT back with a signal mask")
def test_a_worker_is_born_holding_ctrl_c_back_until_it_ignores_it():
    """Ctrl-C reaching a worker before it ignored Ctrl-C killed it: the batch said a worker was lost, or hung."""
    global _mask_pipe  # noqa: PLW0603 - the fork hook is process-wide, armed for this test only
    documents = [{"partner_id": f"p{index}", "as_of": "2026-11-28"} for index in range(2 * _batch.CHUNK_SIZE)]
    read_end, _mask_pipe = os.pipe()
    try:
        results = list(mwrules.evaluate_many(documents, jobs=2))
    finally:
        os.close(_mask_pipe)
        _mask_pipe = None
    with os.fdopen(read_end, "rb") as births:
        told = births.read()

    assert told == b"11"  # both workers
    assert len([result for result in results if result.verdict]) == len(documents)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, ())  # this process holds nothing back after


@finds_workers_in_proc
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_their_parent(signal_number: int):
    """A killed `mwrules evaluate --jobs 2` once left both its workers alive forever."""
    with waiting_batch() as (process, workers):
        process.send_signal(signal_number)
        process.wait(timeout=60)

        gone = until(lambda: not any(alive(worker) for worker in workers), seconds=30)

        assert gone, f"workers {sorted(workers)} outlived their parent"


@finds_workers_in_proc
def test_a_killed_worker_stops_the_batch_with_a_plain_error():
    """A worker killed (as the out-of-memory killer does) once gave a BrokenProcessPool traceback and status 1."""
    with waiting_batch(stderr=subprocess.PIPE) as (process, workers):
        os.kill(min(workers), signal.SIGKILL)
        assert until(lambda: not alive(min(workers)))
        # More work after the death: a batch that had already finished its inputs would rightly end with 0
        _, error = process.communicate(WAITING_INPUT.encode(), timeout=60)

        assert 2 == process.returncode
        assert error.decode().startswith("mwrules: a worker process ended before it returned its results"), error


@finds_workers_in_proc
def test_ctrl_c_stops_a_batch_with_status_130_and_no_traceback():
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) once printed KeyboardInterrupt tracebacks."""
    # As at a terminal: a shell that started these tests in the background passes SIGINT on ignored
    terminal = functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL)
    with waiting_batch(stderr=subprocess.PIPE, start_new_session=True, preexec_fn=terminal) as (process, workers):
        os.killpg(process.pid, signal.SIGINT)
        _, error = process.communicate(timeout=60)

        assert 130 == process.returncode
        assert "mwrules: interrupted\n" == error.decode()
        assert until(lambda: not any(alive(worker) for worker in workers), seconds=30)


@finds_workers_in_proc
def test_sigterm_to_the_group_stops_a_batch_with_status_143_and_no_traceback():
    """SIGTERM to every process of the batch (as a service manager stops one): the parent tidies up, the workers end
    as they always did, and no worker prints a traceback of the parent's handler it was born with."""
    with waiting_batch(stderr=subprocess.PIPE, start_new_session=True) as (process, workers):
        os.killpg(process.pid, signal.SIGTERM)
        _, error = process.communicate(timeout=60)

        assert 143 == process.returncode
        assert "mwrules: terminated\n" == error.decode()
        assert until(lambda: not any(alive(worker) for worker in workers), seconds=30)


#: Partners that keep each worker busy for seconds a chunk: shutting the batch down waits for them
BUSY_PARTNER = {
    "partner_id": "x",
    "as_of": "2026-09-30",
    "people": [{"id": f"p{n}", "certifications": ["MS-700"]} for n in range(300)],
}
BUSY_INPUT = (json.dumps(BUSY_PARTNER) + "\n") * (3 * _batch.CHUNK_SIZE)


@finds_workers_in_proc
def test_a_second_ctrl_c_while_the_batch_shuts_down_still_ends_it_with_status_130():
    """Ctrl-C twice in quick succession once stopped the shutdown half way: the batch then waited forever."""
    terminal = functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL)
    with waiting_batch(BUSY_INPUT, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=terminal) as batch:
        process, workers = batch
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.2)  # the batch is stopping (it once waited for the workers to finish their chunks)
        os.killpg(process.pid, signal.SIGINT)
        _, error = process.communicate(timeout=30)

        assert 130 == process.returncode
        assert "mwrules: interrupted\n" == error.decode()
        assert until(lambda: not any(alive(worker) for worker in workers), seconds=30)


def test_a_portfolio_compares_a_bounded_number_of_partner_ids_and_says_so(monkeypatch: pytest.MonkeyPatch):
    from mwrules._batch import portfolio  # noqa: PLC0415 - the tally alone
    from mwrules._tools import given_by  # noqa: PLC0415

    monkeypatch.setattr(given_by, "IDS_COMPARED", 2)
    tally = portfolio._Tally()
    for partner_id in ("a", "b", "A", "c", "d", "b"):
        tally.add(portfolio._Scored(("smb",), partner_id, f"{partner_id}.yaml"))

    assert tally.repeated() == [
        "partner_id 'a' is given by 2 inputs (a.yaml and A.yaml): each is counted in the summary",
        "partner_id 'b' is given by 2 inputs (b.yaml and b.yaml): each is counted in the summary",
        "2 input(s) after the first 2 partner_ids were not compared with each other for a partner_id given twice",
    ]


def test_a_json_lines_file_given_as_one_partner_says_what_it_is(tmp_path: Path):
    """evaluate(path) and evaluate_many([path]) said "not valid YAML" at its second line (hostile run 22)."""
    lines = [
        json.dumps(yaml.safe_load((ROOT / "examples" / name).read_text()), default=str)
        for name in ("near-miss.yaml", "qualified-smb.yaml")
    ]
    several, one = tmp_path / "book.jsonl", tmp_path / "one.NDJSON"
    several.write_text("\n".join(lines) + "\n")
    one.write_text(lines[0] + "\n")

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate(several)
    [result, alone] = list(mwrules.evaluate_many([several, one], jobs=1))

    for problems in (caught.value.problems, result.problems):
        assert [(problem.code, problem.message) for problem in problems] == [
            (codes.SYNTAX, "a JSON Lines file of several partners (a partner a line) is not one partner's document")
        ]
    assert alone.verdict == mwrules.evaluate(json.loads(lines[0]))


def test_a_document_changed_after_it_is_given_is_evaluated_as_it_was_given():
    """A generator refilling one dict: with jobs=2 every result was the last partner read so far (a chunk read
    ahead kept the dict, not what it held), 59 of 60 wrong and no word (hostile run 31)."""

    def partners() -> Iterator[dict[str, Any]]:
        document: dict[str, Any] = {}
        for index in range(8):
            document.clear()
            document.update(
                {
                    "partner_id": f"p{index}",
                    "as_of": "2026-06-30",
                    "people": [{"id": f"x{k}", "certifications": ["MS-102"]} for k in range(index)],
                }
            )
            yield document

    alone = [(r.verdict.partner_id, r.verdict.score) for r in mwrules.evaluate_many(partners(), jobs=1)]
    two = [(r.verdict.partner_id, r.verdict.score) for r in mwrules.evaluate_many(partners(), jobs=2)]

    assert two == alone
    assert [partner_id for partner_id, _ in two] == [f"p{index}" for index in range(8)]


@pytest.mark.parametrize("kind", [types.MappingProxyType, collections.ChainMap, collections.UserDict])
def test_a_mapping_that_is_not_a_dict_is_a_document(kind: Any):
    """The docs say evaluate takes a mapping: a MappingProxyType or ChainMap was 'MW006 a partner document must be
    an object' where a dict of the same data scored (hostile run 31)."""
    data = {"partner_id": "p", "as_of": "2026-06-30", "people": [{"id": "a", "certifications": ["MS-102"]}]}
    nested = {**data, "metrics": kind({"smb": kind({"net_customer_adds": 3})})}

    assert mwrules.evaluate(kind(nested)) == mwrules.evaluate({**data, "metrics": {"smb": {"net_customer_adds": 3}}})
    [result] = mwrules.evaluate_many([kind(nested)], jobs=2)
    assert result.verdict == mwrules.evaluate(kind(nested))


def test_evaluate_many_refuses_bytes_as_evaluate_does():
    """evaluate(bytes) is MW006; evaluate_many([bytes]) read them as a document's text and scored (hostile run 31)."""
    text = b'{"partner_id": "p", "as_of": "2026-06-30", "people": []}'
    with pytest.raises(mwrules.InputError) as raised:
        mwrules.evaluate(text)  # type: ignore[arg-type]

    [result] = mwrules.evaluate_many([text], jobs=1)  # type: ignore[list-item]

    assert result.verdict is None
    assert [problem.code for problem in result.problems] == [problem.code for problem in raised.value.problems]

"""Partner Center downloads in other encodings, line ends and names (hostile run 28: Unicode through every command)."""

from __future__ import annotations

import codecs
import json
import os
import unicodedata
from pathlib import Path

import pytest

import mwrules
from mwrules import codes
from mwrules._input import text
from mwrules.cli import main

from .test_partner_center import TRAININGS, USAGE, read, training, usage_row, write


def certifications(count: int) -> list[list[str]]:
    return [training("MS-700", mcpid=str(100 + n), email=f"p{n}@x.example") for n in range(count)]


def the_problems(**downloads: object) -> list[mwrules.Problem]:
    with pytest.raises(mwrules.InputError) as caught:
        read(**downloads)
    return caught.value.problems


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["U+2028", "U+2029", "NEL"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_unicode_line_separators_are_refused_at_line_1_not_read_as_a_header_alone(
    tmp_path: Path, separator: str, encoding: str
):
    """Lines ended by U+2028 (or U+2029, NEL) were one line: a header of every row, so no row, and no person counted.

    The verdict came with a warning that the download holds its header alone,
    exit status 0: every certification of the file silently left out.
    """
    rows = [",".join(TRAININGS), *(",".join(row) for row in certifications(3))]
    path = tmp_path / "t.csv"
    path.write_bytes((separator.join(rows) + separator).encode(encoding))  # UTF-16 with its byte order mark

    [problem] = the_problems(trainings=[path])
    assert (problem.line, problem.code) == (1, codes.UNREADABLE)
    assert f"U+{ord(separator):04X}" in problem.message
    assert problem.suggestion == "save it with Windows or Unix line ends"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_carriage_returns_alone_are_refused_at_line_1_in_every_encoding(tmp_path: Path, encoding: str):
    """UTF-16 with classic Mac line ends was read, UTF-8 refused, as the docs say of every download (run 28)."""
    rows = [",".join(TRAININGS), *(",".join(row) for row in certifications(3))]
    path = tmp_path / "t.csv"
    path.write_bytes(("\r".join(rows) + "\r").encode(encoding))  # UTF-16 with its byte order mark

    [problem] = the_problems(trainings=[path])
    assert (problem.line, problem.code) == (1, codes.UNREADABLE)
    assert "carriage return alone" in problem.message


@pytest.mark.parametrize("bad", [chr(0xD83D), chr(0xDC00)], ids=["high surrogate", "low surrogate"])
@pytest.mark.parametrize("row", [2, 40, 300])
def test_utf16_that_is_no_text_is_named_at_its_own_line(tmp_path: Path, bad: str, row: int):
    """UTF-16 is decoded a block ahead: a bad pair on line 300 was said 'after line 288', or with no line at all.

    And 'position 1650-1651' was a place in that block, not in the file.
    """
    lines = [",".join(TRAININGS), *(",".join(row) for row in certifications(320))]
    lines[row - 1] += bad
    path = tmp_path / "t.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "\n".join(lines).encode("utf-16-le", "surrogatepass"))

    [problem] = the_problems(trainings=[path])
    assert (problem.line, problem.code) == (row, codes.UNREADABLE)
    assert problem.message == f"cannot read the file: line {row} is not UTF-16 text (a lone surrogate)"
    assert "position" not in problem.message


def test_utf16_cut_short_by_a_byte_is_named_at_its_last_line(tmp_path: Path):
    lines = [",".join(TRAININGS), *(",".join(row) for row in certifications(5))]
    path = tmp_path / "t.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + ("\n".join(lines) + "\n").encode("utf-16-le")[:-1])

    [problem] = the_problems(trainings=[path])
    assert (problem.line, problem.code) == (6, codes.UNREADABLE)
    assert problem.message == "cannot read the file: line 6 is not UTF-16 text (an odd number of bytes)"


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


@pytest.mark.parametrize("keep_names", [False, True])
@pytest.mark.parametrize(
    ("column", "written"),
    [("MCPID", "101\x00"), ("MCPID", "10\t1"), ("Email", "b@x.example\x00"), ("CorpEmail", "\u202eb@x.example")],
)
def test_an_mcpid_or_email_with_control_characters_is_refused_at_its_line(
    tmp_path: Path, column: str, written: str, keep_names: bool
):
    """A NUL after the MCPID made a second person of 101 (2 people, not 1) unless --keep-names, which refused it.

    Whether an import is taken must not depend on --keep-names; and a
    control character is no part of an id a document would take (MW006).
    """
    second = {"MCPID": training("MS-102", mcpid=written, email="b@x.example"),
              "Email": training("MS-102", mcpid="101", email=written),
              "CorpEmail": training("MS-102", mcpid="101", corp=written)}[column]  # fmt: skip
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="101", email="a@x.example"), second])

    [problem] = the_problems(trainings=[path], keep_names=keep_names)
    assert (problem.file, problem.line, problem.where, problem.code) == (str(path), 3, "$", codes.INVALID_VALUE)
    assert problem.message.startswith(f"{column} {written!r}: control characters")


def test_ids_of_many_combining_marks_are_compared_at_the_cost_of_their_distinct_characters(
    monkeypatch: pytest.MonkeyPatch,
):
    """A 0.97 MB document of 480 person ids of 1,000 combining marks took 2.7 s (--designations, plan --by).

    identity() looked up each character's Unicode category in Python (954,000
    calls), and normalised each id again on every load of the partner.
    """
    looked_up: list[str] = []
    original = text._invisible

    def counted(character: str) -> bool:
        looked_up.append(character)
        return original(character)

    monkeypatch.setattr(text, "_invisible", counted)
    text._identity_of_text.cache_clear()
    text._DROPPED.clear()
    ids = ["Z" + "".join(chr(0x300 + (j * 7 + i) % 100) for j in range(990)) + str(i) for i in range(50)]

    keys = [text.identity(person_id) for person_id in ids + ids]

    assert len(set(keys)) == 50
    assert len(looked_up) <= 111  # the distinct characters: Z, 100 marks, 10 digits
    for person_id, key in zip(ids, keys, strict=False):  # as each character was looked up before
        kept = "".join(character for character in person_id if not original(character))
        assert key == unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", kept).strip().casefold())


FULL_WIDTH = "".join(chr(ord(letter) + 0xFEE0) if letter != " " else " " for letter in "Teams Administrator Associate")


@pytest.mark.parametrize(
    ("title", "meant"),
    [
        (FULL_WIDTH, "Teams Administrator Associate"),
        ("Microsoft 365 Certified\uff1a Teams Administrator Associate",
         "Microsoft 365 Certified: Teams Administrator Associate"),
    ],
    ids=["full-width letters", "full-width colon"],
)  # fmt: skip
def test_a_listed_title_in_full_width_forms_gets_a_did_you_mean(tmp_path: Path, title: str, meant: str):
    """'Teams Administrator Associate' in full-width letters was counted with titles no designation lists, unsaid.

    MCPIDs, e-mails and tenants are compared ignoring width; a title is
    not (names match as written, docs/input-format.md), but its near miss
    is said, as for a typo: the certification is not lost in a count.
    """
    path = write(tmp_path / "t.csv", TRAININGS, [training(title, mcpid="101")])

    _, report = read(trainings=[path])

    assert report.certifications == 0
    said = f"certification title {title!r} is one no designation lists (did you mean {meant!r}?); not counted: "
    assert [warning for warning in report.warnings if warning.startswith(said)] == [f"{said}1 row(s): {path}:2"]


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_named_as_such(tmp_path: Path, encoding: str):
    """With its mark, UTF-32 was said to lack one ('UTF-16 or UTF-32 without a byte order mark?'), or not UTF-8."""
    text = "\ufeff" + "\n".join([",".join(TRAININGS), *(",".join(row) for row in certifications(2))]) + "\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))

    [problem] = the_problems(trainings=[path])
    assert (problem.line, problem.code, problem.suggestion) == (1, codes.UNREADABLE, "save it as UTF-8 or UTF-16")
    assert problem.message == "cannot read the file: line 1 is UTF-32 text, which mwrules does not read"


@pytest.mark.parametrize("row", [0, 1], ids=["its first row", "a later row"])
def test_a_tenant_id_with_control_characters_is_refused_at_its_line_on_any_row(tmp_path: Path, row: int):
    """On a tenant's later rows, a tenant id with a text-direction override (or a NUL) passed: ids drop U+202E
    when compared, so the row was the tenant's; on its first row, the document's check refused it."""
    rows = [
        usage_row("t1", "Teams", 300, 400, date="01/10/2026"),
        usage_row("t1", "Teams", 200, 400, date="01/09/2026"),
    ]
    rows[row][0] = "\u202et1"
    path = write(tmp_path / "u.csv", USAGE, rows)

    [problem] = the_problems(usage=[path])
    assert (problem.line, problem.code) == (row + 2, codes.INVALID_VALUE)
    assert "control characters" in problem.message


@pytest.mark.parametrize(
    ("written", "order"),
    [("10/25/2025 1:07:00\u202fPM", "month-first"), ("25/10/2025\u00a013:07", "day-first"),
     ("2025-10-25\u202f11:07:00\u00a0pm", None)],
    ids=["ICU's narrow space before PM", "a no-break space before the time", "both"],
)  # fmt: skip
def test_a_time_after_a_no_break_space_is_a_time_of_day(tmp_path: Path, written: str, order: str | None):
    """ICU 72 and later (and .NET on it) write en-US times as '1:07:00\\u202fPM': each was 'not a date' (MW006)."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="101", done=written)])

    partner, _ = read(trainings=[path], date_order=order)

    [certification] = partner.people[0].certifications
    assert str(certification.earned) == "2025-10-25"


def test_a_value_that_looks_ascii_but_is_not_names_the_character(tmp_path: Path):
    """A date with U+2010 hyphens was said to be no date, printed as a date; a column whose C is Cyrillic was
    offered as the 'did you mean' of CustomerTenantId: each printed like what it is not."""
    trainings = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="101", done="2027\u201010\u201025")])
    header = ["\u0421ustomerTenantId", *USAGE[1:], "IsDuplicateRowForPGA"]
    usage = write(tmp_path / "u.csv", header, [[*usage_row("t1", "Teams", 1, 400), "y\u0435s"]])
    flags = write(
        tmp_path / "f.csv", [*USAGE, "IsDuplicateRowForPGA"], [[*usage_row("t1", "Teams", 1, 400), "y\u0435s"]]
    )
    dates = write(tmp_path / "d.csv", USAGE, [usage_row("t1", "Teams", 1, 400, date="01\u221510\u22152026")])

    said = [f"{problem.message} ({problem.suggestion})" for problem in
            the_problems(trainings=[trainings], usage=[usage, flags, dates])]  # fmt: skip

    assert any("U+2010 HYPHEN" in text for text in said), said
    assert any("U+0421 CYRILLIC CAPITAL LETTER ES" in text for text in said), said
    assert any("U+0435 CYRILLIC SMALL LETTER IE" in text for text in said), said
    assert any("U+2215 DIVISION SLASH" in text for text in said), said


def test_the_characters_compared_are_kept_within_a_bound():
    """The table of characters identity() drops lives as long as the process: ids of 100,000 distinct
    characters (a hostile document; a service reads many) must not keep 100,000 entries, or all of Unicode."""
    text._DROPPED.clear()

    for start in range(0x4E00, 0x4E00 + 100_000, 1_000):
        text.identity("".join(chr(code) for code in range(start, start + 1_000)))

    assert len(text._DROPPED) <= text._DROPPED_MOST


@pytest.mark.parametrize("dash", ["\u2010", "\u2013", "\u2212"], ids=["hyphen", "en dash", "minus"])
def test_a_listed_title_with_another_dash_gets_a_did_you_mean(tmp_path: Path, dash: str):
    """'MS\u2013700' (a word processor's en dash) was counted with titles no designation lists, unsaid (run 28)."""
    title = f"MS{dash}700"
    path = write(tmp_path / "t.csv", TRAININGS, [training(title, mcpid="101")])

    _, report = read(trainings=[path])

    said = f"certification title {title!r} is one no designation lists (did you mean 'MS-700'?); not counted: "
    assert [warning for warning in report.warnings if warning.startswith(said)] == [f"{said}1 row(s): {path}:2"]


def test_a_tenant_guid_with_another_dash_is_the_tenant_of_its_plain_form(tmp_path: Path):
    """A GUID with U+2010 hyphens was a second tenant, counted twice (run 28)."""
    guid = "8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"
    plain = write(tmp_path / "a.csv", USAGE, [usage_row(guid, "Teams", 20, 40)])
    other = write(tmp_path / "b.csv", USAGE, [usage_row(guid.replace("-", "\u2010"), "Exchange", 5, 40)])

    partner, _ = read(usage=[plain, other])

    assert len(partner.customers or ()) == 1

"""Partner Center downloads in: how awkward rows, associations, ids and arguments are read (hostile run 1)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import mwrules
from mwrules import codes
from mwrules import partner_center as pc
from mwrules._input import downloads

from .test_partner_center import EXAMPLES, TRAININGS, USAGE, read, training, usage_row, write


def lines(path: Path, header: list[str], rows: list[str]) -> Path:
    path.write_text("\n".join([",".join(header), *rows]) + "\n", encoding="utf-8")
    return path


def only_problem(**downloads: list[Path]) -> mwrules.Problem:
    """The one problem reading *downloads* raises (it must raise one, and only one)."""
    with pytest.raises(mwrules.InputError) as caught:
        read(**downloads)
    [problem] = caught.value.problems
    return problem


def test_a_stray_quote_in_a_trainings_file_is_refused_at_its_line(tmp_path: Path):
    """A quoted field that never closes would swallow the rows after it: refused (MW001) where it opens."""
    rows = ['"Teams Admin,Certification,Ana,a@x.example,,2026-01-05,111,4412345,']
    rows += [f"MS-700,Certification,P,p{n}@x.example,,2026-01-05,{n},4412345," for n in range(1, 40)]
    path = lines(tmp_path / "t.csv", TRAININGS, rows)

    problem = only_problem(trainings=[path])
    assert (problem.file, problem.line, problem.code) == (str(path), 2, codes.UNREADABLE)
    assert "quote" in problem.message


@pytest.mark.parametrize(("ending", "last"), [("\n", "\n"), ("\r\n", "\r\n"), ("\n", "")], ids=["LF", "CRLF", "none"])
def test_a_stray_quote_on_the_last_line_is_refused_not_read_as_one_value(tmp_path: Path, ending: str, last: str):
    """A quote still open when the file ends made its row one value, a certification counted as a course: MW001."""
    rows = ["MS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,"]
    rows += ['"MS-700,Certification,Bo,b@x.example,,2026-01-05,222,4412345,']
    path = tmp_path / "t.csv"
    path.write_text(ending.join([",".join(TRAININGS), *rows]) + last, encoding="utf-8", newline="")

    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(3, codes.UNREADABLE)]
    assert "end of the file" in caught.value.problems[0].message


def test_a_stray_quote_in_a_usage_file_is_refused_at_its_line_not_where_it_ends(tmp_path: Path):
    """The problem is the quote on line 2, not the shifted values of the row the quote runs into."""
    rows = ['t0,"Fab,Teams,1,400,C1,4412345,15/03/2024,CPOR,01/10/2026']
    rows += [f"t{n},N,Teams,300,400,C1,4412345,15/03/2024,CPOR,01/10/2026" for n in range(1, 31)]
    path = lines(tmp_path / "u.csv", USAGE, rows)

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(2, codes.UNREADABLE)]


def test_a_row_with_more_values_than_the_header_has_columns_is_refused_at_its_line(tmp_path: Path):
    """An unquoted comma in a title shifts the values after it, a blank one out of the row: refused, not a course."""
    rows = ["Teams Administrator, Associate,Certification,Ana,a@x.example,,2026-01-05,111,4412345,"]
    rows += ["MS-700,Certification,Bo,b@x.example,,2026-01-05,222,4412345,"]
    path = lines(tmp_path / "t.csv", TRAININGS, rows)

    problem = only_problem(trainings=[path])
    assert (problem.file, problem.line, problem.code) == (str(path), 2, codes.UNREADABLE)
    assert problem.message == "10 values, but the header has 9 columns: a value with an unquoted comma?"


def test_a_row_that_stops_before_the_last_column_read_is_refused_at_its_line(tmp_path: Path):
    """A usage row without its Date (the last column read): a row cut short, refused at its line (MW001)."""
    without_date = usage_row("t2", "Teams", 310, 400)[:-1]
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 310, 400), without_date])

    problem = only_problem(usage=[path])
    assert (problem.file, problem.line, problem.code) == (str(path), 3, codes.UNREADABLE)
    assert problem.message == "9 values, but the header has 10 columns: a row cut short?"


def test_a_certification_row_cut_before_its_expiration_date_is_refused_not_read_as_never_expiring(tmp_path: Path):
    """A download cut after the comma before ExpirationDate once counted a certification expired in 2025 forever."""
    header = [*TRAININGS, "ActivationStatus"]
    whole = [*training("MS-102", mcpid="1"), "Active"]
    cut = training("MS-700", mcpid="2")  # "...,2,4412345," and the line ends: ExpirationDate blank, a value short
    path = write(tmp_path / "t.csv", header, [whole, cut])

    problem = only_problem(trainings=[path])
    assert (problem.file, problem.line, problem.code) == (str(path), 3, codes.UNREADABLE)
    assert problem.message == "9 values, but the header has 10 columns: a row cut short?"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_or_utf32_without_a_byte_order_mark_is_refused_in_words_a_user_can_act_on(tmp_path: Path, encoding: str):
    """Read as UTF-8 it is a NUL beside every letter: it was 'no column' with a did-you-mean full of NULs."""
    text = "\n".join([",".join(TRAININGS), "MS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,"]) + "\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code, problem.suggestion) == (1, codes.UNREADABLE, "save it as UTF-8")
    assert problem.message == (
        "cannot read the file: line 1 has NUL characters: is the file UTF-16 or UTF-32 without a byte order mark?"
    )


def test_a_download_with_classic_mac_line_ends_is_refused_naming_them(tmp_path: Path):
    """Carriage returns alone: the file was one line, and csv's words asked about 'universal-newline mode'."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        ",".join(TRAININGS).encode() + b"\rMS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,\r"
    )

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code) == (1, codes.UNREADABLE)
    assert "carriage return alone" in problem.message
    assert problem.suggestion == "save it with Windows or Unix line ends"


def test_a_quote_the_header_opens_and_never_closes_is_refused_as_a_stray_quote(tmp_path: Path):
    """The header swallowed the file as one column: it read as 'no column TrainingCompletionDate' (MW005)."""
    path = lines(
        tmp_path / "t.csv",
        ['"' + TRAININGS[0], *TRAININGS[1:]],
        ["MS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,"],
    )

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code, problem.suggestion) == (1, codes.UNREADABLE, "close or remove the quote")
    assert problem.message == "cannot read the file: line 1 opens a quote it never closes: a stray quote?"


def test_a_carriage_return_alone_after_the_header_is_named_at_its_line(tmp_path: Path):
    """After a CRLF header, a row ended by a carriage return alone got csv's question about 'universal-newline mode'."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        ",".join(TRAININGS).encode()
        + b"\r\nMS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,\r"
        + b"MS-102,Certification,Ben,b@x.example,,2026-01-05,112,4412345,\r\n"
    )

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code) == (2, codes.UNREADABLE)
    assert problem.message == (
        "cannot read the file: line 2 has a carriage return alone in it (classic Mac line ends?)"
    )
    assert problem.suggestion == "save it with Windows or Unix line ends"


def test_a_quoted_field_without_a_line_break_is_read(tmp_path: Path):
    """Quotes around a field with a comma or a doubled quote are ordinary CSV, and read."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="7", name='Ana "A, B"')])

    partner, _ = read(trainings=[path], keep_names=True)

    assert partner.people[0].id == 'Ana "A, B" (7)'


def test_a_header_naming_a_column_twice_is_refused_at_line_1(tmp_path: Path):
    """'MCPID' and 'mcpid' are one column to mwrules: which holds the ids cannot be told, so neither is guessed."""
    header = [*TRAININGS, "mcpid"]
    path = lines(tmp_path / "t.csv", header, ["MS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,,222"])

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code) == (1, codes.DUPLICATE_KEY)
    assert problem.message == "the header names one column twice: 'MCPID' (column 7) and 'mcpid' (column 10)"


def test_a_header_naming_a_column_thousands_of_times_is_said_in_a_short_message(tmp_path: Path):
    """A header of 'Date' 60,000 times (300 KB) gave a message of 1.5 MB naming every column (hostile run 24)."""
    header = [*USAGE, *["Date"] * 5_000]
    path = lines(tmp_path / "u.csv", header, [])

    problem = only_problem(usage=[path])
    assert (problem.line, problem.code) == (1, codes.DUPLICATE_KEY)
    assert problem.message.startswith("the header names one column 5,001 times: 'Date' (column ")
    assert problem.message.endswith(" and 4,998 more")
    assert len(problem.message) < 200


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("", "1 row(s) with a blank TrainingType hold"),
        # none of Certification, Exam and Course: counted as an exam without a word (hostile run 16)
        ("Certifications", "1 row(s) with a TrainingType that is not Certification, Exam or Course hold"),
        ("Cert", "1 row(s) with a TrainingType that is not Certification, Exam or Course hold"),
        ("Certifi\u200bcation", "1 row(s) with a TrainingType that is not Certification, Exam or Course hold"),
    ],
)
def test_a_listed_certification_title_under_another_training_type_is_named_in_a_warning(
    tmp_path: Path, kind: str, said: str
):
    """Only certifications count: a blank or unknown type is not one, but a listed title under it is said, by line."""
    path = lines(tmp_path / "t.csv", TRAININGS, [f"MS-700,{kind},Ana,a@x.example,,2026-01-05,111,4412345,"])

    partner, report = read(trainings=[path])

    assert partner.people == ()
    assert report.exams_and_courses == 1
    named = f": {path}:2: 'MS-700'" + (f" ({kind!r})" if kind else "")
    assert (
        f"{said} a title a designation lists; only certifications count, so they are counted with exams and "
        f"courses{named}"
    ) in report.warnings


def test_exams_and_courses_of_a_listed_title_are_not_warned_of(tmp_path: Path):
    """An exam's title is often a certification's: Exam and Course are known types, and say nothing."""
    rows = [
        "MS-700,Exam,Ana,a@x.example,,2026-01-05,111,4412345,",
        "MS-700,course,Ana,a@x.example,,2026-01-05,111,4412345,",
    ]
    path = lines(tmp_path / "t.csv", TRAININGS, rows)

    _, report = read(trainings=[path])

    assert report.exams_and_courses == 2
    assert not [warning for warning in report.warnings if "TrainingType" in warning]


def test_a_certification_row_repeated_for_one_person_is_imported_once(tmp_path: Path):
    """The same download given twice, or 900 copies of a row, is one certification, not 900 against the limit of 500."""
    row = "MS-700,Certification,Ana,a@x.example,,2026-01-05,111,4412345,"
    path = lines(tmp_path / "t.csv", TRAININGS, [row] * 900)

    partner, report = read(trainings=[path])

    assert [len(person.certifications) for person in partner.people] == [1]
    assert (
        "899 certification row(s) repeat another of the same person exactly (title and dates): each is counted once"
        in report.warnings
    )


def test_an_association_ends_with_the_last_month_its_attribution_is_seen(tmp_path: Path):
    """A tenant under CPOR in 2025-10 and CSP from 2026-05 is not CPOR's in 2026-10."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Teams", 50, 200, kind="CPOR", date="2025-10-01", associated="2020-01-01"),
            usage_row("t1", "Teams", 250, 200, kind="CSP", date="2026-10-01", associated="2026-05-01"),
        ],
    )

    partner, _ = read(usage=[path])
    verdict = mwrules.evaluate(partner)

    assert partner.customers is not None
    associations = {item.type: (item.since, item.until) for item in partner.customers[0].associations}
    assert associations == {
        "CPOR": (datetime.date(2020, 1, 1), datetime.date(2025, 10, 31)),
        "CSP": (datetime.date(2026, 5, 1), None),
    }
    assert verdict.paths["smb"].metrics["usage_growth"].inputs["cpor"] == -50


def test_an_association_seen_in_the_last_month_of_the_downloads_has_not_ended(tmp_path: Path):
    """The downloads' last month is the last they can show: an attribution seen then is still running."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 300, 400, date="01/09/2026"),
                                             usage_row("t2", "Teams", 300, 400, date="01/10/2026")])  # fmt: skip

    partner, _ = read(usage=[path])

    assert partner.customers is not None
    assert [customer.associations[0].until for customer in partner.customers] == [datetime.date(2026, 9, 30), None]


def test_an_attribution_whose_rows_end_before_its_date_associated_is_left_out_with_a_warning(tmp_path: Path):
    """CPOR dated 2026-02-01 on rows that end in 2025-10 covers no month: the tenant keeps its CSP association only."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Teams", 50, 200, kind="CPOR", date="2025-10-01", associated="2026-02-01"),
            usage_row("t1", "Teams", 250, 200, kind="CSP", date="2026-10-01", associated="2026-05-01"),
        ],
    )

    partner, report = read(usage=[path])

    assert partner.customers is not None
    assert [(item.type, item.until) for item in partner.customers[0].associations] == [("CSP", None)]
    [warning] = [warning for warning in report.warnings if "DateAssociated" in warning]
    assert warning == (
        "tenant t1: its rows under CPOR end in 2025-10, before its DateAssociated 2026-02-01: no month of the "
        "downloads is under that association, so it is left out"
    )


def test_rows_of_a_type_in_months_before_its_date_associated_are_kept_as_the_usage_before_the_partner(
    tmp_path: Path,
):
    """CPOR rows from 2025-10, DateAssociated 2026-03-15: a new customer since March, whose March users were there."""
    months = ["2025-10-01", "2026-02-01", "2026-03-01", "2026-10-01"]
    users = [100, 150, 180, 240]
    rows = [
        usage_row("t1", "Teams", active, 250, kind="CPOR", date=month, associated="2026-03-15")
        for month, active in zip(months, users, strict=True)
    ]
    path = write(tmp_path / "u.csv", USAGE, rows)

    partner, report = read(usage=[path])
    verdict = mwrules.evaluate(partner)

    assert partner.customers is not None
    [customer] = partner.customers
    assert [(item.type, str(item.since), item.until) for item in customer.associations] == [
        ("CPOR", "2026-03-15", None)
    ]
    assert [row.month for row in customer.usage] == ["2025-10", "2026-02", "2026-03", "2026-10"]
    assert not [warning for warning in report.warnings if "DateAssociated" in warning]
    smb = verdict.paths["smb"].metrics
    assert smb["net_customer_adds"].inputs["value"] == 1  # not associated in M-12 (2025-10)
    assert smb["usage_growth"].inputs["cpor"] == 240 - 180  # its users when the association started taken away


@pytest.mark.parametrize("later_first", [False, True])
def test_a_tenant_whose_rows_of_one_type_give_several_date_associated_is_said_to_start_at_the_earliest(
    tmp_path: Path, later_first: bool
):
    """Run 24: a tenant associated again after a gap became one association from its first date, without a word."""
    rows = [
        usage_row("t1", "Teams", 250, 300, date="2025-10-01", associated="2024-01-01"),
        usage_row("t1", "Exchange", 250, 300, date="2025-10-01", associated="2024-01-01"),
        usage_row("t1", "Teams", 300, 300, date="2026-10-01", associated="2026-03-01"),
        usage_row("t2", "Teams", 300, 300, date="2026-10-01", associated="2026-03-01"),
    ]
    path = write(tmp_path / "u.csv", USAGE, rows[::-1] if later_first else rows)

    partner, report = read(usage=[path])

    assert partner.customers is not None
    assert [str(customer.associations[0].since) for customer in partner.customers] == ["2024-01-01", "2026-03-01"]
    assert [warning for warning in report.warnings if "DateAssociated" in warning] == [
        "tenant t1: its rows under CPOR give 2 DateAssociated (2024-01-01, 2026-03-01): one association of a type is "
        "written, since 2024-01-01, the earliest; a later date (the tenant associated again after a gap?) is not read"
    ]


def test_an_attribution_dated_after_the_downloads_is_kept_with_a_warning_that_none_of_its_rows_count(tmp_path: Path):
    """Claimed on 2026-12-15, after the last month (2026-10): kept for later months, and said to count nothing here."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Teams", 310, 400, kind="CPOR", date="2026-10-01", associated="2026-12-15"),
            usage_row("t2", "Teams", 310, 400, kind="CPOR", date="2026-10-01", associated="2024-03-15"),
        ],
    )

    partner, report = read(usage=[path])

    assert partner.customers is not None
    assert [(customer.tenant, customer.associations[0].since) for customer in partner.customers] == [
        ("t1", datetime.date(2026, 12, 15)),
        ("t2", datetime.date(2024, 3, 15)),
    ]
    assert (
        "tenant t1: its DateAssociated 2026-12-15 under CPOR is after the last month of the downloads (2026-10): "
        "none of its rows count under that association"
    ) in report.warnings


def test_an_attribution_dated_on_the_last_day_of_its_last_month_is_kept_for_that_day(tmp_path: Path):
    """DateAssociated 2025-10-31 on rows ending in 2025-10: until is since, one day, not an end before a start."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Teams", 50, 200, kind="CPOR", date="2025-10-01", associated="2025-10-31"),
            usage_row("t1", "Teams", 250, 200, kind="CSP", date="2026-10-01", associated="2026-05-01"),
        ],
    )

    partner, report = read(usage=[path])

    assert partner.customers is not None
    associations = {item.type: (item.since, item.until) for item in partner.customers[0].associations}
    assert associations["CPOR"] == (datetime.date(2025, 10, 31), datetime.date(2025, 10, 31))
    assert not [warning for warning in report.warnings if "DateAssociated" in warning]


def test_a_tenant_whose_every_attribution_ends_before_it_starts_is_left_out_and_both_routes_agree(tmp_path: Path):
    """A download may date a claim after the tenant's last row under it: imported without the tenant, not refused."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Teams", 310, 400, kind="CPOR", date="2025-10-01", associated="2026-12-01"),
            usage_row("t2", "Teams", 310, 400, kind="CPOR", date="2026-10-01", associated="2024-03-15"),
        ],
    )

    partner, report = read(usage=[path])
    document, _ = pc.read_document(usage=[path], partner_id="contoso", as_of="2026-11-28")

    assert partner.customers is not None
    assert [customer.tenant for customer in partner.customers] == ["t2"]
    assert "tenant t1: no association is left, so it is left out with its 1 usage row(s)" in report.warnings
    assert mwrules.evaluate(document) == mwrules.evaluate(partner)


def test_different_attribution_types_per_workload_in_one_month_are_warned_about(tmp_path: Path):
    """The document associates a tenant, not a workload: the report names the tenant and the reading taken."""
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [usage_row("t1", "Teams", 300, 400, "CPOR"), usage_row("t1", "Exchange", 300, 400, "CSP")],
    )

    _, report = read(usage=[path])

    [warning] = [warning for warning in report.warnings if "t1" in warning]
    assert "2026-10" in warning
    assert "Teams under CPOR" in warning
    assert "Exchange under CSP" in warning
    assert "every workload" in warning


def test_a_month_of_hundreds_of_workloads_under_two_types_is_warned_about_in_a_short_line(tmp_path: Path):
    """20,000 workloads under CPOR and one under DPOR gave a warning of 460 KB naming them all (hostile run 24)."""
    rows = [usage_row("t1", f"Workload {number:03d}", 1, 400, "CPOR") for number in range(300)]
    path = write(tmp_path / "u.csv", USAGE, [*rows, usage_row("t1", "Teams", 1, 400, "DPOR")])

    _, report = read(usage=[path])

    [warning] = [warning for warning in report.warnings if "t1" in warning]
    assert "Workload 000, Workload 001" in warning
    assert "and 280 more under CPOR; Teams under DPOR" in warning
    assert len(warning) < 1_000


def test_an_mcpid_in_thousands_of_spellings_is_warned_about_in_a_short_line(tmp_path: Path):
    """One MCPID in 16,384 spellings of its case gave a warning of 295 KB naming them all (hostile run 24)."""
    spellings = ["".join(c.upper() if bits >> k & 1 else c for k, c in enumerate("abcdefg")) for bits in range(128)]
    days = [f"{1 + number % 28:02d}/01/2026" for number in range(len(spellings))]  # rows repeated exactly are one
    rows = [training("MS-700", mcpid=mcpid, done=day) for mcpid, day in zip(spellings, days, strict=True)]
    path = write(tmp_path / "t.csv", TRAININGS, rows)

    partner, report = read(trainings=[path])

    assert len(partner.people) == 1
    [warning] = [warning for warning in report.warnings if "are one person" in warning]
    assert warning.startswith("MCPIDs 'ABCDEFG', 'ABCDEFg', ")
    assert "and 108 more are one person" in warning
    assert len(warning) < 1_000


@pytest.mark.parametrize("associated", ["", "15/03/2024"])
def test_a_usage_month_of_year_0_is_refused_quoting_the_value(tmp_path: Path, associated: str):
    """Month 0000-10 is no month, with or without a DateAssociated, and the message quotes it."""
    row = usage_row("t1", "Teams", 300, 400, kind="CPOR", date="0000-10", associated=associated)
    path = write(tmp_path / "u.csv", USAGE, [row, usage_row("t1", "Teams", 50, 200, date="01/10/2025")])

    problem = only_problem(usage=[path])
    assert (problem.line, problem.code) == (2, codes.INVALID_VALUE)
    assert "'0000-10'" in problem.message
    assert "out of range" not in problem.message


def test_a_date_with_both_fields_above_12_is_not_a_date(tmp_path: Path):
    """13/13/2025 is said to be no date, not a file with both date orders."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="7", done="13/13/2025")])

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code) == (2, codes.INVALID_VALUE)
    assert "'13/13/2025' is not a date" in problem.message


def test_a_path_given_alone_is_one_file(tmp_path: Path):
    """usage="file.csv" (a str or a path, not a list) is that one file, not its characters."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 300, 400)])
    trainings = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="7")])

    partner, report = read(usage=str(path), trainings=trainings)

    assert partner.customers is not None
    assert (len(partner.customers), len(partner.people), report.files) == (1, 1, (str(trainings), str(path)))


@pytest.mark.parametrize(
    "as_of", [datetime.datetime(2026, 11, 28, 23, 59), 20261128, "20261128", "2026-W48-6", "2026-11-28T00:00"]
)
def test_as_of_is_a_date_or_an_iso_date_and_nothing_else(as_of: object):
    """as_of follows a partner document's rule: a date or YYYY-MM-DD; anything else is a clear InputError."""
    with pytest.raises(mwrules.InputError) as caught:
        pc.read(partner_id="contoso", as_of=as_of)  # type: ignore[arg-type]

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("as_of", codes.INVALID_VALUE)


def test_as_of_as_an_iso_date_or_a_date_is_taken():
    """The two accepted forms give the same day."""
    trainings = [EXAMPLES / "trainings.csv"]
    assert pc.read(trainings=trainings, partner_id="p", as_of="2026-11-28")[0].as_of == datetime.date(2026, 11, 28)
    day = datetime.date(2026, 11, 28)
    assert pc.read(trainings=trainings, partner_id="p", as_of=day)[0].as_of == datetime.date(2026, 11, 28)


def test_the_smaller_mcpid_is_compared_as_a_number(tmp_path: Path):
    """A row without an MCPID whose e-mails belong to MCPIDs 9 and 10 is 9's."""
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [
            training("MS-700", email="a@x.example", mcpid="9", name="Nine"),
            training("MS-102", email="b@x.example", mcpid="10", name="Ten"),
            training("SC-300", email="a@x.example", corp="b@x.example"),
        ],
    )

    partner, _ = read(trainings=[path], keep_names=True)

    assert {person.id: len(person.certifications) for person in partner.people} == {"Nine (9)": 2, "Ten (10)": 1}


@pytest.mark.parametrize("keep_names", [False, True])
@pytest.mark.parametrize(("one", "other"), [("１２３", "123"), ("abc", "ABC")])
def test_mcpids_a_document_would_call_one_id_are_one_person(tmp_path: Path, keep_names: bool, one: str, other: str):
    """MCPIDs are compared as person ids are (case and width ignored), with or without names: one person."""
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [
            training("MS-700", email="a@x.example", mcpid=one, name="A B"),
            training("MS-102", email="b@x.example", mcpid=other, name="A B"),
        ],
    )

    partner, report = read(trainings=[path], keep_names=keep_names)

    assert [len(person.certifications) for person in partner.people] == [2]
    assert any(one in warning and other in warning for warning in report.warnings)


def test_kept_names_that_would_clash_still_give_distinct_ids(tmp_path: Path):
    """An MCPID spelt like another person's e-mail, with the same name, does not make a document evaluate refuses."""
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [training("MS-700", mcpid="a@x.example", name="Ana"), training("MS-102", email="a@x.example", name="Ana")],
    )

    partner, _ = read(trainings=[path], keep_names=True)

    assert len({person.id for person in partner.people}) == 2


def test_an_as_of_whose_compared_months_fall_before_year_1_is_warned_about_in_words(tmp_path: Path):
    """No month like '-001-12' is named: months before year 1 are said to be so."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 300, 400)])

    _, report = pc.read(usage=[path], partner_id="p", as_of="0001-01-01", ruleset="modern-work@2023-06")

    [warning] = [warning for warning in report.warnings if "do not cover" in warning]
    assert "-001" not in warning
    assert "before 0001-01" in warning


@pytest.mark.parametrize(
    "done", ["25/12/2024 hello", "25/12/2024 2026", "2024-12-25 31/12/2026", "25/12/2024T", "25/12/2024 25:00"]
)
def test_a_date_followed_by_what_is_no_time_of_day_is_not_a_date(tmp_path: Path, done: str):
    """Only a time of day may follow a date: a second date or a word after it is refused, not dropped."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="7", done=done)])

    problem = only_problem(trainings=[path])
    assert (problem.line, problem.code) == (2, codes.INVALID_VALUE)
    assert f"'{done}' is not a date" in problem.message


@pytest.mark.parametrize(
    "done",
    [
        "25/12/2024 23:07",
        "25/12/2024 7:05:09",
        "2024-12-25T23:07:00Z",
        "2024-12-25 23:07:00.123+01:00",
        "12/25/2024 11:07 PM",
    ],
)
def test_a_date_with_a_time_of_day_is_that_day(tmp_path: Path, done: str):
    """The time of day that follows a date is read as one and ignored."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="7", done=done)])

    partner, _ = read(trainings=[path], date_order="month-first" if done.startswith("12/25") else "day-first")
    assert partner.people[0].certifications[0].earned == datetime.date(2024, 12, 25)


@pytest.mark.parametrize(
    ("written", "how"),
    [
        ("1.50013E+07", "scientific notation"),
        ("1,50013E+07", "scientific notation"),
        ("1.5e7", "scientific notation"),
        ("15001295E0", "scientific notation"),
        ("15001295.0", "as a decimal"),  # pandas' rewrite: another person than 15001295 (hostile run 17)
        ("15001295,00", "as a decimal"),
        ("15001295.", "as a decimal"),  # and grouped: another person than 15001295 (hostile run 18)
        ("15,001,295", "digits grouped"),
        ("15.001.295", "digits grouped"),
        ("15 001 295", "digits grouped"),
        ("15\u00a0001\u00a0295", "digits grouped"),
        ("15'001'295", "digits grouped"),
        ("15\u2009001\u2009295", "digits grouped"),  # a thin space, an Arabic separator (run 19)
        ("15\u066c001\u066c295", "digits grouped"),
        ('="15001295"', "text marks"),  # Excel's formula and text prefix (run 19)
        ("'15001295", "text marks"),
        ("'AB12", "text marks"),  # not digits: as a tenant id's marks are (its pattern and this one were twins)
        ('="AB12"', "text marks"),
    ],
)
def test_an_mcpid_a_spreadsheet_rewrote_is_refused_at_its_line(tmp_path: Path, written: str, how: str):
    """Not the MCPID: people (names, e-mails apart) whose MCPIDs read 1.50013E+07 were one (hostile run 15), and
    15001295.0 in a re-saved download was another person than 15001295 in the first (run 17)."""
    rows = [
        training("MS-700", mcpid=written, email="ana@x.example", name="Ana"),
        training("MS-700", mcpid=written, email="bo@x.example", name="Bo"),
        training("MD-102", mcpid="15001299", email="cy@x.example", name="Cy"),
    ]
    path = write(tmp_path / "t.csv", TRAININGS, rows)

    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert [(p.file, p.line, p.code) for p in caught.value.problems] == [
        (str(path), 2, codes.INVALID_VALUE),
        (str(path), 3, codes.INVALID_VALUE),
    ]
    assert f"MCPID {written!r}" in caught.value.problems[0].message
    assert how in caught.value.problems[0].message


def test_a_trainings_download_without_expiration_dates_says_so(tmp_path: Path):
    """Without the column every certification counts for ever: 31 people where 11 counted (hostile run 17)."""
    header = [column for column in TRAININGS if column != "ExpirationDate"]
    rows = [training("MS-700", mcpid="1")[:-1], training("MS-102", mcpid="2")[:-1]]
    path = write(tmp_path / "t.csv", header, rows)

    partner, report = read(trainings=[path])

    assert len(partner.people) == 2
    assert f"{path}: no ExpirationDate column: each certification is read as never expiring" in report.warnings


def test_a_usage_row_whose_date_and_month_columns_disagree_is_refused_at_its_line(tmp_path: Path):
    """With both columns the Date was read and the Month dropped without a word, 2026-09 or not (hostile run 15)."""
    rows = [[*usage_row("t1", "Teams", 310, 400), "2026-10"], [*usage_row("t2", "Teams", 310, 400), "2026-09"]]
    rows += [[*usage_row("t3", "Teams", 310, 400), "Oct-26"], [*usage_row("t4", "Teams", 310, 400), "later"]]
    path = write(tmp_path / "u.csv", [*USAGE, "Month"], rows)

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])
    assert [(p.file, p.line, p.code) for p in caught.value.problems] == [
        (str(path), 3, codes.INVALID_VALUE),
        (str(path), 5, codes.INVALID_VALUE),
    ]
    assert [p.message for p in caught.value.problems] == [
        "Date '01/10/2026' is in 2026-10, Month '2026-09' says 2026-09: which is right?",
        "Date '01/10/2026' is in 2026-10, Month 'later' is no month: which is right?",
    ]


@pytest.mark.parametrize("flag", ["maybe", "Y", "T"])
def test_a_duplicate_flag_neither_true_nor_false_is_refused_at_its_line(tmp_path: Path, flag: str):
    """IsDuplicateRowForPGA 'Y' was read as not a duplicate without a word: the row counted (hostile run 15)."""
    header = [*USAGE, "IsDuplicateRowForPGA"]
    rows = [[*usage_row("t1", "Teams", 310, 400), "False"], [*usage_row("t2", "Teams", 310, 400), flag]]
    path = write(tmp_path / "u.csv", header, rows)

    problem = only_problem(usage=[path])
    assert (problem.file, problem.line, problem.code) == (str(path), 3, codes.INVALID_VALUE)
    assert f"IsDuplicateRowForPGA {flag!r}" in problem.message


@pytest.mark.parametrize("flag", ["True", "false", "1", "0", "yes", "no", ""])
def test_a_duplicate_flag_true_or_false_is_read(tmp_path: Path, flag: str):
    rows = [[*usage_row("t1", "Teams", 310, 400), "False"], [*usage_row("t2", "Teams", 310, 400), flag]]

    _, report = read(usage=[write(tmp_path / "u.csv", [*USAGE, "IsDuplicateRowForPGA"], rows)])
    assert report.duplicate_rows == (flag.casefold() in ("true", "1", "yes"))


def test_a_usage_download_with_no_rows_is_said_not_to_cover_the_months_measured(tmp_path: Path):
    """A download with its header alone gave no warning: the customer metrics counted 0 (hostile run 15)."""
    _, report = read(usage=[write(tmp_path / "u.csv", USAGE, [])])

    assert report.covers_measured_months is False
    assert "the usage files do not cover 2026-10, 2025-10, which the customer metrics compare" in "".join(
        report.warnings
    )


@pytest.mark.parametrize(
    ("status", "rows", "said"),
    [
        (  # kept with no earned date, it counts on any day, earned later or not: it was kept without a word (run 15)
            None,
            [
                training("MS-700", mcpid="1", done=""),
                training("MS-102", mcpid="2"),
                training("MD-102", mcpid="3", done=""),
            ],
            "2 certification row(s) with a blank TrainingCompletionDate, kept with no earned date (so counted on any "
            "day): {path}:2, {path}:4",
        ),
        (  # ActivationStatus is not read (the dates decide): a row marked otherwise than Active was counted unsaid
            ["Active", "Inactive", "", "Inactive"],
            [
                training("MS-700", mcpid="1"),
                training("MS-102", mcpid="2"),
                training("MD-102", mcpid="3"),
                training("AZ-900", mcpid="4", kind="Exam"),
            ],
            "1 certification row(s) whose ActivationStatus is not Active, imported as their dates say "
            "(ActivationStatus is not read; check them in Partner Center): {path}:3 'Inactive'",
        ),
    ],
)
def test_a_certification_row_counted_as_its_dates_say_is_said_with_where(
    status: list[str] | None, rows: list[list[str]], said: str, tmp_path: Path
):
    """A row whose dates say more than its other columns is imported, and named in the report by file and line."""
    header = TRAININGS if status is None else [*TRAININGS, "ActivationStatus"]
    if status is not None:
        rows = [[*row, value] for row, value in zip(rows, status, strict=True)]
    path = write(tmp_path / "t.csv", header, rows)

    partner, report = read(trainings=[path])

    assert len(partner.people) == 3
    assert said.format(path=path) in report.warnings


def test_a_usage_download_whose_rows_are_all_marked_as_duplicates_says_so(tmp_path: Path):
    """Its two rows went unsaid in the text report: it said only 'read 2 row(s)' (hostile run 15)."""
    header = [*USAGE, "IsDuplicateRowForPGA"]
    rows = [[*usage_row("t1", "Teams", 310, 400), "True"], [*usage_row("t2", "Teams", 310, 400), "True"]]

    _, report = read(usage=[write(tmp_path / "u.csv", header, rows)])

    assert (
        "rows marked as duplicates (IsDuplicateRowForPGA), not counted: 2 (Partner Center counts their usage on "
        "another row of the partner global account)"
    ) in str(report).splitlines()


def test_a_tenant_s_guid_written_two_ways_in_two_downloads_is_one_tenant(tmp_path: Path):
    """One download writes the tenant id in braces and upper case, another plainly: one tenant, counted once."""
    plain = write(tmp_path / "a.csv", USAGE, [usage_row("8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", "Teams", 20, 40)])
    braced = write(tmp_path / "b.csv", USAGE, [usage_row("{8F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F}", "Exchange", 5, 40)])

    partner, _ = read(usage=[plain, braced])

    assert len(partner.customers or ()) == 1


@pytest.mark.parametrize(
    "written",
    [
        "urn:uuid:8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",  # RFC 4122's URN
        "(8F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F)",  # .NET's "P" format
        "{8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",  # a brace lost
        "8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f}",
    ],
)
def test_a_tenant_s_guid_in_another_of_its_forms_is_one_tenant(tmp_path: Path, written: str):
    """Each was a second tenant beside the plain form, counted twice (hostile run 24)."""
    plain = write(tmp_path / "a.csv", USAGE, [usage_row("8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", "Teams", 20, 40)])
    other = write(tmp_path / "b.csv", USAGE, [usage_row(written, "Exchange", 5, 40)])

    partner, _ = read(usage=[plain, other])

    assert len(partner.customers or ()) == 1


def test_a_blank_date_associated_is_said_with_where(tmp_path: Path):
    """One blank cell moved a tenant's association five months earlier without a word (hostile run 18)."""
    rows = [usage_row("t1", "Teams", 20, 40, associated="15/03/2026", date=f"01/{month:02d}/2026") for month in (4, 10)]
    rows.append(usage_row("t1", "Teams", 20, 40, associated="", date="01/10/2025"))
    path = write(tmp_path / "u.csv", USAGE, rows)

    partner, report = read(usage=[path])

    assert (partner.customers or ())[0].associations[0].since == datetime.date(2025, 10, 1)  # the reading: said
    assert any(
        warning.startswith("1 usage row(s) with a blank DateAssociated: each is taken to start its association")
        and warning.endswith(f": {path}:4")
        for warning in report.warnings
    ), report.warnings


def test_every_bad_value_of_a_usage_row_is_a_problem_at_once(tmp_path: Path):
    """A row with a bad type, date and two counts named only the first; fixed one at a time (hostile run 18)."""
    row = usage_row("t1", "Teams", 20, 40, kind="XPOR", date="2025-13")
    row[USAGE.index("MonthlyActiveUsers")], row[USAGE.index("PaidAvailableUnits")] = "x1", "y1"
    path = write(tmp_path / "u.csv", USAGE, [row])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [
        (2, codes.UNKNOWN_ASSOCIATION_TYPE),
        (2, codes.INVALID_VALUE),
        (2, codes.INVALID_VALUE),
        (2, codes.INVALID_VALUE),
    ]
    assert all(word in str(caught.value) for word in ("'XPOR'", "2025-13", "'x1'", "'y1'"))


def test_both_bad_dates_of_a_certification_row_are_problems_at_once(tmp_path: Path):
    """'bad1' and 'bad2' in one row named only 'bad1' (hostile run 18)."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1", done="bad1", expires="bad2")])

    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert [(problem.line, problem.message) for problem in caught.value.problems] == [
        (2, "TrainingCompletionDate 'bad1' is not a date"),
        (2, "ExpirationDate 'bad2' is not a date"),
    ]


def test_a_usage_value_that_is_not_read_is_named_with_its_column(tmp_path: Path):
    """A Total row's blank date said "'' is not a date, a month or a whole number": of which column? (run 30)"""
    row = usage_row("t1", "Teams", 20, 40, date="", associated="x")
    row[USAGE.index("PaidAvailableUnits")] = "1,061"
    path = write(tmp_path / "u.csv", USAGE, [row])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert sorted(problem.message for problem in caught.value.problems) == [
        "DateAssociated 'x' is not a date",
        "PaidAvailableUnits '1,061' is not a whole number",
        "the month (Date or Month) '' is not a date or a month",
    ]


@pytest.mark.parametrize(
    "second",
    [
        TRAININGS,
        list(reversed(TRAININGS)),
        ["\ufeff" + TRAININGS[-1], *reversed(TRAININGS[:-1])],  # `cat a.csv b.csv`: b's byte order mark (run 19)
        ["Notes", "MCPId", *reversed(TRAININGS[:-2])],  # a column swapped for another, one respelled (run 19)
    ],
)
def test_a_second_header_in_a_download_is_refused_at_its_line(tmp_path: Path, second: list[str]):
    """Two exports joined: the second's header, columns reordered, made its rows read under the first's names, and a
    QUALIFIED partner NOT QUALIFIED without a word (hostile run 18); in the same order it was counted as an exam."""
    rows = [training("MS-700", mcpid="1"), second, training("MS-102", mcpid="2")]
    path = write(tmp_path / "t.csv", TRAININGS, rows)

    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(3, codes.UNREADABLE)]
    assert "a header again, as on line 1: two downloads joined into one file?" in str(caught.value)


def test_a_trainings_download_of_its_header_alone_is_said(tmp_path: Path):
    """A failed export gave 0 people, 'read 0 row(s)' and no warning (hostile run 19), as a usage one no longer does."""
    path = write(tmp_path / "t.csv", TRAININGS, [])

    partner, report = read(trainings=[path])

    assert partner.people == ()
    assert f"{path}: no row: the download holds its header alone" in report.warnings


def test_an_e_mail_given_by_rows_of_two_mcpids_is_said(tmp_path: Path):
    """A copy of a download with its MCPIDs rewritten in a way no rule lists (`#15001295`) made each person two
    without a word (hostile run 19): two people still, but the report names the e-mail and both MCPIDs."""
    original = write(tmp_path / "a.csv", TRAININGS, [training("MS-700", mcpid="15001295", email="ana@x.example")])
    copy = write(tmp_path / "b.csv", TRAININGS, [training("MS-700", mcpid="#15001295", email="ana@x.example")])

    upper = write(tmp_path / "c.csv", TRAININGS, [training("MS-102", mcpid="ABC7", email="bo@x.example")])
    lower = write(tmp_path / "d.csv", TRAININGS, [training("MS-700", mcpid="abc7", email="bo@x.example")])

    partner, report = read(trainings=[original, copy])
    _, one_person = read(trainings=[upper, lower])

    assert not any("several MCPIDs" in warning for warning in one_person.warnings)  # one MCPID, compared as ids are
    assert len(partner.people) == 2
    assert (
        "1 e-mail(s) given by rows of several MCPIDs, imported as that many people (is one person's MCPID written "
        "two ways, in a copy of the download?): ana@x.example: '15001295', '#15001295'"
    ) in report.warnings


@pytest.mark.parametrize(("names", "mark", "again"), [(5, "", True), (5, "\ufeff", True), (4, "", False)])
def test_a_row_is_a_header_again_from_half_the_header_s_names(tmp_path: Path, names: int, mark: str, again: bool):
    """Half the columns' names (rounded up: 5 of 9) make a row a header again, the first after a byte order mark
    (`cat a.csv b.csv`) too; fewer, it is a row of values."""
    row = [mark + TRAININGS[0], *TRAININGS[1:names], *(f"value {index}" for index in range(len(TRAININGS) - names))]
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1"), row])

    try:
        _, report = read(trainings=[path])
        said = str(report)
    except mwrules.InputError as error:
        said = str(error)

    assert ("a header again, as on line 1" in said) is again


def test_usage_rows_repeated_exactly_are_said_as_repeated_trainings_rows_are(tmp_path: Path):
    """Four rows read, two kept: the two repeats were counted once without a word, where the trainings' repeats
    are warned of; the report's numbers did not add up to the rows read (hostile run 27)."""
    row = usage_row("t1", "Teams", 310, 400)
    path = write(tmp_path / "u.csv", USAGE, [row, row, usage_row("t2", "Teams", 20, 50), row])

    _, report = read(usage=[path])

    assert (report.rows, report.usage_rows) == (4, 2)
    assert "2 usage row(s) repeat another (same tenant, month, workload and counts): each is counted once" in (
        report.warnings
    )


def test_the_usage_rows_counted_are_those_of_the_tenants_written(tmp_path: Path):
    """A tenant left out goes with its rows: 'tenants: 1; usage rows: 3' for a document of one tenant and one row
    (hostile run 27)."""
    rows = [usage_row("t1", "Teams", 310, 400, kind="CPOR", date=f"2025-{month}-01", associated="2026-12-01")
            for month in (10, 11)]  # fmt: skip
    rows.append(usage_row("t2", "Teams", 310, 400, kind="CPOR", date="2026-10-01", associated="2024-03-15"))
    path = write(tmp_path / "u.csv", USAGE, rows)

    partner, report = read(usage=[path])

    assert partner.customers is not None
    assert (report.tenants, report.usage_rows) == (1, sum(len(customer.usage) for customer in partner.customers))
    assert "tenant t1: no association is left, so it is left out with its 2 usage row(s)" in report.warnings


def test_a_misspelt_title_says_how_many_rows_it_left_out_and_where(tmp_path: Path):
    """Three rows of a near-miss title were counted nowhere (not as certifications, not as titles no designation
    lists) and the warning named the title alone: the rows read did not add up (hostile run 27)."""
    rows = [training("Teams Administrater Associate", mcpid=str(n)) for n in (1, 2, 3)]
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="4"), *rows])

    _, report = read(trainings=[path])

    [warning] = [warning for warning in report.warnings if "Teams Administrater Associate" in warning]
    assert warning.endswith(f"not counted: 3 row(s): {path}:3, {path}:4, {path}:5")
    assert "did you mean 'Teams Administrator Associate'?" in warning


@pytest.mark.parametrize("renamed", ["MCP ID", "McpId", "\u200bMCPID", "mcpid"])
def test_an_mcpid_column_written_another_way_is_read(tmp_path: Path, renamed: str):
    """'MCP ID' was unread without a word: one person's two rows (one by e-mail, one by corporate e-mail) became
    two people, and the points doubled (hostile run 30)."""
    header = [renamed if name == "MCPID" else name for name in TRAININGS]
    rows = [
        training("Teams Administrator Associate", mcpid="101", email="ana@x.example"),
        training("Endpoint Administrator Associate", mcpid="101", corp="ana.corp@x.example"),
    ]

    partner, report = read(trainings=[write(tmp_path / "t.csv", header, rows)])

    assert len(partner.people) == 1
    assert not [warning for warning in report.warnings if "is not read" in warning]


@pytest.mark.parametrize(("renamed", "meant"), [("Email Address", "Email"), ("Corp Mail", "CorpEmail")])
def test_a_column_close_to_one_the_download_lacks_is_said_not_read(tmp_path: Path, renamed: str, meant: str):
    """'Email Address' was unread, unsaid: its rows were skipped as having 'no MCPID, Email or CorpEmail'."""
    header = [renamed if name == meant else name for name in TRAININGS]

    _, report = read(trainings=[write(tmp_path / "u.csv", header, [training("MS-700", mcpid="101")])])

    assert f"{tmp_path / 'u.csv'}: column {renamed!r} is not read: is it {meant!r}? (rename it so if it is)" in (
        report.warnings
    )


@pytest.mark.parametrize("renamed", ["Is Duplicate Row For PGA", "IsDuplicateRow"])
def test_a_duplicate_flag_column_written_another_way_is_read_or_said(tmp_path: Path, renamed: str):
    """Under 'Is Duplicate Row For PGA' the rows marked as duplicates were counted, unsaid (hostile run 30)."""
    header = [*USAGE, renamed]
    rows = [[*usage_row("t1", "Teams", 310, 400), "False"], [*usage_row("t2", "Teams", 310, 400), "True"]]

    partner, report = read(usage=[write(tmp_path / "u.csv", header, rows)])

    if renamed == "IsDuplicateRow":  # too far from the name to be taken for it: said
        assert f"{tmp_path / 'u.csv'}: column 'IsDuplicateRow' is not read: is it 'IsDuplicateRowForPGA'? " in (
            "\n".join(report.warnings)
        )
    else:
        assert [customer.tenant for customer in partner.customers or ()] == ["t1"]


def test_a_real_download_s_other_columns_are_not_said(tmp_path: Path):
    """PGAMpnId, IcMCP, MPNId, PartnerName, ...: Partner Center's own columns mwrules does not need, no question."""
    _, report = read(
        trainings=[EXAMPLES / "trainings.csv"],
        usage=[EXAMPLES / "cpor-m365-usage.csv"],
    )

    assert not [warning for warning in report.warnings if "is not read" in warning]


@pytest.mark.parametrize("marked", ["'8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", '="8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"'])
def test_a_tenant_id_with_a_spreadsheet_s_text_marks_is_refused_at_its_line(tmp_path: Path, marked: str):
    """'GUID and ="GUID" were new tenants beside the GUID: 32 tenants for 16, net customer adds 6 to 0 (run 30)."""
    plain = write(tmp_path / "a.csv", USAGE, [usage_row("8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", "Teams", 20, 40)])
    other = write(tmp_path / "b.csv", USAGE, [usage_row(marked, "Teams", 20, 40, date="01/09/2026")])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[plain, other])

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.code) == (str(other), 2, codes.INVALID_VALUE)
    assert "spreadsheet's text marks" in problem.message


def test_partner_center_s_own_columns_are_not_taken_for_one_a_download_lacks(tmp_path: Path):
    """A download without MCPID has MPNId, Partner Center's partner id: asking 'is it MCPID?' would mislead."""
    header = [name for name in TRAININGS if name != "MCPID"]
    rows = [[value for name, value in zip(TRAININGS, training("MS-700", email="a@x"), strict=True) if name != "MCPID"]]

    _, report = read(trainings=[write(tmp_path / "t.csv", header, rows)])

    assert not [warning for warning in report.warnings if "is not read" in warning]


def test_the_columns_compared_with_those_a_download_lacks_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A header of 5,000 columns is compared 200 columns deep: each comparison is a difflib search."""
    calls = []
    close = downloads.difflib.get_close_matches

    def counted(*arguments: object, **keywords: object) -> object:
        calls.append(1)
        return close(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(downloads.difflib, "get_close_matches", counted)
    header = [*(name for name in TRAININGS if name != "Email"), *(f"Extra{n}" for n in range(5_000))]
    row = [value for name, value in zip(TRAININGS, training("MS-700", mcpid="1"), strict=True) if name != "Email"]

    read(trainings=[write(tmp_path / "t.csv", header, [[*row, *([""] * 5_000)]])])

    assert len(calls) <= 200


@pytest.mark.parametrize("command", ["import", "evaluate"])
def test_a_downloads_name_with_control_characters_moves_no_cursor_in_the_report(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
):
    """The import report and one-step evaluate's warnings printed a file's name raw: a name holding ``ESC [2J``
    cleared the screen at its "no MCPID" row, and a newline split the line (hostile run 35)."""
    from mwrules.cli import main  # noqa: PLC0415

    rows = [training("MS-700", mcpid="7"), training("MS-102", mcpid="", email="")]
    path = write(tmp_path / "D\x1b[2J\nx.csv", TRAININGS, rows)

    main([command, "--trainings", str(path), "--partner-id", "c", "--as-of", "2026-11-28"])

    out, errors = capsys.readouterr()
    assert "no MCPID, Email or CorpEmail" in out + errors
    assert "\x1b" not in out + errors
    assert "D\\x1b[2J\\nx.csv:3: no MCPID" in out + errors


def test_a_row_naming_no_one_is_skipped_and_reported_whatever_its_title_or_type(tmp_path: Path):
    """A totals row ("Total rows: 237", no type) was counted among the exams and courses, and one typed Certification
    among the titles no designation lists, each without its line; only a listed title's row was reported (run 35)."""
    rows = [
        training("MS-700", mcpid="7"),
        training("AZ-900", kind="Exam", mcpid="7"),
        ["Total rows: 3", "", "", "", "", "", "", "", ""],
        training("Total", done=""),
    ]
    path = write(tmp_path / "t.csv", TRAININGS, rows)

    _, report = read(trainings=[path])

    assert [(row.line, row.reason) for row in report.skipped] == [
        (4, "no MCPID, Email or CorpEmail: whose is it?"),
        (5, "no MCPID, Email or CorpEmail: whose is it?"),
    ]
    assert (report.exams_and_courses, report.other_areas) == (1, 0)

"""Partner Center downloads in: trainings and customer usage files as a partner document."""

from __future__ import annotations

import contextlib
import csv
import datetime
import difflib
import io
import itertools
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

import mwrules
from mwrules import codes
from mwrules import partner_center as pc
from mwrules._evaluation import engine as _engine
from mwrules._input import documents as _documents
from mwrules._input import downloads
from mwrules._input.import_designations import Catalogue, shipped_catalogue
from mwrules.cli import main


EXAMPLES = Path(__file__).parents[1] / "examples" / "partner-center"
TRAININGS = ["TrainingTitle", "TrainingType", "IndividualFirstName", "Email", "CorpEmail", "TrainingCompletionDate",
             "MCPID", "MPNId", "ExpirationDate"]  # fmt: skip


def write(
    path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def training(
    title: str, *, kind: str = "Certification", email: str = "", mcpid: str = "", done: str = "25/12/2024 23:07",
    expires: str = "", name: str = "", corp: str = "",
) -> list[str]:  # fmt: skip
    return [title, kind, name, email, corp, done, mcpid, "4412345", expires]


def read(**arguments: object) -> tuple[mwrules.Partner, pc.ImportReport]:
    return pc.read(partner_id="contoso", as_of="2026-11-28", **arguments)  # type: ignore[arg-type]


def test_rows_of_one_person_are_merged_by_mcpid_then_by_email(tmp_path: Path):
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [
            training("Teams Administrator Associate", email="Ana@x.example", mcpid="101"),
            training("Enterprise Administrator Expert", email="ana@x.example"),  # no MCPID: Ana, by e-mail
            training("Endpoint Administrator Associate", corp="ben@x.example"),  # CorpEmail only: Ben
            training("Identity and Access Administrator Associate", email="BEN@x.example"),  # Ben again
            training("Teams Administrator Associate"),  # no one: skipped, by line
        ],
    )
    partner, report = read(trainings=[path])

    assert sorted(len(person.certifications) for person in partner.people) == [2, 2]
    assert report.people == 2
    assert report.people_per_level == {"intermediate": 2, "advanced": 1}
    assert [str(row) for row in report.skipped] == [f"{path}:6: no MCPID, Email or CorpEmail: whose is it?"]


def test_person_ids_are_stable_pseudonyms_unless_names_are_kept(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", email="a@x.example", mcpid="7", name="Ana")])
    first, _ = read(trainings=[path])
    again, _ = read(trainings=[path])
    named, _ = read(trainings=[path], keep_names=True)

    assert first.people[0].id == again.people[0].id
    assert first.people[0].id.startswith("person-")
    assert "a@x.example" not in first.people[0].id
    assert "Ana" not in first.people[0].id
    assert named.people[0].id == "Ana (7)"


def test_only_certifications_count_and_titles_no_designation_lists_are_summarised(tmp_path: Path):
    rows = [training("Teamwork Administrator Associate", mcpid="1")]  # a former name
    rows += [training("Exam MS-700: Managing Microsoft Teams", kind="Exam", mcpid="1")]
    rows += [training("Introduction to Teams", kind="Course", mcpid="1")]
    rows += [training(title, mcpid="2") for title in ("Azure Administrator Associate", "Azure Fundamentals")] * 3
    rows += [training("Teams Administrater Associate", mcpid="3")]  # a typo of a Modern Work title
    _, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, rows)])

    # Azure Administrator Associate is the Azure designations': kept; Azure Fundamentals no designation lists
    assert (report.certifications, report.exams_and_courses, report.other_areas, report.other_titles) == (4, 2, 3, 1)
    assert "3 certifications that no designation lists, 1 distinct titles: left out of the document" in (
        report.warnings
    )
    assert any(
        "'Teams Administrater Associate'" in warning and "did you mean" in warning for warning in report.warnings
    )


def test_columns_are_read_by_name_in_any_order_as_tsv_and_utf16(tmp_path: Path):
    order = list(reversed(TRAININGS))
    row = list(reversed(training("MS-102", mcpid="9", done="2025-03-01")))
    path = write(tmp_path / "t.txt", order, [row], delimiter="\t", encoding="utf-16")
    partner, _ = read(trainings=[path])

    assert partner.people[0].certifications[0].earned == datetime.date(2025, 3, 1)
    assert partner.people[0].certifications[0].name == "MS-102"


def test_a_download_a_spreadsheet_saved_with_semicolons_is_read_as_the_comma_one(tmp_path: Path):
    # Excel in a locale whose decimal mark is a comma saves "CSV" with semicolons between the values
    rows = [training("MS-700", mcpid="1", done="2025-03-01"), training("MS-102", mcpid="2", done="2025-04-01")]
    commas = write(tmp_path / "c.csv", TRAININGS, rows)
    semicolons = write(tmp_path / "s.csv", TRAININGS, rows, delimiter=";")

    assert read(trainings=[semicolons])[0].people == read(trainings=[commas])[0].people


def test_a_value_with_an_unquoted_semicolon_names_the_semicolon(tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text(";".join(TRAININGS) + "\n" + ";".join(training("MS-700; extra", mcpid="1")) + "\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert "a value with an unquoted semicolon?" in str(caught.value)


def test_rows_separated_otherwise_than_their_header_say_so_not_cut_short(tmp_path: Path):
    # A header of commas over rows of semicolons (or a comma download joined to a semicolon one) was
    # "1 values ...: a row cut short? (download the file again)" at every row (hostile run 21)
    rows = [training("MS-700", mcpid="1", done="2025-03-01"), training("MS-102", mcpid="2", done="2025-04-01")]
    mixed = tmp_path / "m.csv"
    mixed.write_text(",".join(TRAININGS) + "\n" + "".join(";".join(row) + "\n" for row in rows))
    joined = tmp_path / "j.csv"
    joined.write_text(
        ";".join(TRAININGS) + "\n" + ";".join(rows[0]) + "\n" + ",".join(TRAININGS) + "\n" + ",".join(rows[1]) + "\n"
    )
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[mixed, joined])

    found = [(Path(problem.file or "").name, problem.line, problem.message) for problem in caught.value.problems]
    separated = "values separated by semicolons, but the header's by commas"
    assert found == [
        ("m.csv", 2, f"1 values, but the header has {len(TRAININGS)} columns: its {separated}"),
        ("m.csv", 3, f"1 values, but the header has {len(TRAININGS)} columns: its {separated}"),
        (
            "j.csv",
            3,
            "a header again, as on line 1, with its names separated by commas: two downloads joined into one file?",
        ),
        (
            "j.csv",
            4,
            f"1 values, but the header has {len(TRAININGS)} columns: its values separated by commas, "
            "but the header's by semicolons",
        ),
    ]


@pytest.mark.parametrize("line", ["sep=;", '"sep=;"', "sep=\t", "SEP=;;;;"])  # quoted, a tab: run 35
def test_a_spreadsheets_sep_line_before_the_header_is_named(tmp_path: Path, line: str):
    # Excel's "sep=;" first line made six "no column ... (is this the right download?)" (hostile run 21)
    path = tmp_path / "s.csv"
    path.write_text(f"{line}\n" + ";".join(TRAININGS) + "\n" + ";".join(training("MS-700", mcpid="1")) + "\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    [problem] = caught.value.problems
    assert (problem.line, problem.code) == (1, codes.UNREADABLE)
    assert f"a spreadsheet's {line!r} line" in problem.message
    assert problem.suggestion == "delete that line: the header tells the separator"


@pytest.mark.parametrize(
    ("before", "header"),
    [("Trainings report for Contoso\n\n", 3), ("\n", 2), ('"Exported 2026-11-28",,\r\n', 2), ("\ufeff\n\n\n", 4)],
)
def test_a_title_or_blank_lines_before_the_header_are_named_with_the_header_line(
    tmp_path: Path, before: str, header: int
):
    """Run 35: a title line made a 'no column' per column at line 1, as if the header were not in the file."""
    path = tmp_path / "t.csv"
    path.write_text(before + ",".join(TRAININGS) + "\n" + ",".join(training("MS-700", mcpid="1")) + "\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    [problem] = caught.value.problems
    assert (problem.line, problem.code) == (1, codes.MISSING_KEY)
    assert problem.message == (
        f"line 1 is not the header: the header is line {header} (a title or blank lines before it?)"
    )
    assert problem.suggestion == f"delete the {header - 1} line(s) before the header"


def test_a_file_without_the_header_anywhere_near_the_top_still_names_the_columns_it_lacks(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("Title\n" * 11 + ",".join(TRAININGS) + "\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert "no column 'TrainingTitle'" in str(caught.value)


def test_empty_rows_are_counted_in_the_report(tmp_path: Path):
    """Run 35: Excel's lines of bare commas, and blank lines, were skipped without a word; now counted."""
    path = tmp_path / "t.csv"
    row = ",".join(training("MS-700", mcpid="1"))
    path.write_text(",".join(TRAININGS) + "\n" + row + "\n" + "," * (len(TRAININGS) - 1) + "\n\n" + " , ,,,,,,,\n")

    _, report = read(trainings=[path])

    assert (report.rows, report.empty_rows, report.to_json()["empty_rows"]) == (1, 3, 3)
    assert str(report).splitlines()[0] == "read 1 row(s) of 1 file(s); 3 empty row(s) skipped (no value in them)"


def test_a_header_of_one_column_holding_the_names_says_what_may_separate_them(tmp_path: Path):
    pipes = write(tmp_path / "p.csv", TRAININGS, [training("MS-700", mcpid="1")], delimiter="|")
    other = write(tmp_path / "o.csv", ["Name", "Value"], [["a", "1"]])
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[pipes, other])

    hints = {(Path(problem.file or "").name, problem.suggestion) for problem in caught.value.problems}
    assert ("p.csv", "the header line reads as one column: are its names separated by something else than commas, "
            "tabs or semicolons?") in hints  # fmt: skip
    # the file's own columns are no "expected one of"
    assert ("o.csv", "is this the right download?") in hints


def test_a_file_with_a_byte_order_mark_is_read(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1")], encoding="utf-8-sig")

    assert read(trainings=[path])[1].people == 1


@pytest.mark.parametrize(
    ("dates", "order", "earned"),
    [
        (["25/12/2024 23:07", "01/02/2025"], None, "2024-12-25"),  # a first field above 12: day first
        (["12/25/2024", "01/02/2025"], None, "2024-12-25"),  # a second field above 12: month first
        (["01/02/2025"], "day-first", "2025-02-01"),
        (["01/02/2025"], "month-first", "2025-01-02"),
    ],
)
def test_the_date_order_comes_from_the_data_or_the_caller(
    tmp_path: Path, dates: list[str], order: str | None, earned: str
):
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid=str(n), done=d) for n, d in enumerate(dates)])
    partner, _ = read(trainings=[path], date_order=order)

    assert str(partner.people[0].certifications[0].earned) == earned


def test_an_ambiguous_date_order_is_refused_naming_the_option(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1", done="01/02/2025")])
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert "--date-order day-first|month-first" in str(caught.value)


def test_a_row_without_mcpid_whose_e_mails_are_two_mcpids_people_is_named(tmp_path: Path):
    """Its certification went to one of them (the smaller MCPID) without a word: whose it is cannot be told."""
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [
            training("Teams Administrator Associate", email="ana@x.example", mcpid="101"),
            training("Teams Administrator Associate", email="ben@x.example", mcpid="7"),
            training("Enterprise Administrator Expert", email="Ana@x.example", corp="ben@x.example"),
            training("Endpoint Administrator Associate", email="cy@x.example"),  # no MCPID, one person's: no word
        ],
    )
    partner, report = read(trainings=[path])

    assert sorted(len(person.certifications) for person in partner.people) == [1, 1, 2]  # MCPID 7's
    assert [warning for warning in report.warnings if "e-mails of several MCPIDs" in warning] == [
        "1 row(s) without an MCPID give e-mails of several MCPIDs' rows, each counted for the smallest MCPID "
        "(give the row its MCPID): ana@x.example and ben@x.example: MCPIDs '7', '101'; counted for '7'"
    ]


def trainings_problems(tmp_path: Path, rows: list[list[str]]) -> list[tuple[int, str]]:
    """The problems of a trainings download of *rows*, as (line, message), in the order of the lines."""
    path = write(tmp_path / "t.csv", TRAININGS, rows)
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])
    return sorted((problem.line or 0, problem.message) for problem in caught.value.problems)


def test_an_ambiguous_date_order_hides_no_value_that_is_no_date_in_any_order(tmp_path: Path):
    # Rows waiting for their file's dates to show an order are still read once the file ends undecided: a
    # value that is a date in neither order is said with the order's problem, not only once it is given
    rows = [
        training("MS-700", mcpid="1", done="01/02/2025"),
        training("MS-102", mcpid="2", done="13/13/2025"),
        training("MS-700", mcpid="3", done="someday"),
        training("MS-700", mcpid="4", done="03/04/2025", expires="32/01/2026"),
    ]
    found = trainings_problems(tmp_path, rows)
    assert [line for line, _ in found] == [0, 3, 4, 5]
    assert "could be day first or month first" in found[0][1]
    assert "'13/13/2025'" in found[1][1]
    assert "'someday'" in found[2][1]
    assert "'32/01/2026'" in found[3][1]


def test_dates_written_both_day_first_and_month_first_hide_no_other_problem_of_the_file(tmp_path: Path):
    # The file was read no further than the row showing the second order (hostile run 21): an MCPID a
    # spreadsheet rewrote and a value that is no date, on later rows, were said only once the order was fixed.
    # The rest is read in the order shown first, so each date written the other way is named at its line too.
    rows = [
        training("MS-700", mcpid="1", done="01/02/2025"),
        training("MS-700", mcpid="2", done="25/12/2025"),
        training("MS-102", mcpid="3", done="12/25/2025"),
        training("MS-700", mcpid="1.5E+07", done="03/04/2025"),
        training("MS-700", mcpid="5", done="garbage"),
        training("MS-700", mcpid="6", done="11/30/2025"),
    ]
    found = trainings_problems(tmp_path, rows)
    assert [line for line, _ in found] == [4, 4, 5, 6, 7]
    assert any("both day first and month first" in message for _, message in found)
    assert "'12/25/2025' is not a date" in " ".join(message for line, message in found if line == 4)
    assert "scientific notation" in found[2][1]
    assert "'garbage'" in found[3][1]
    assert "'11/30/2025'" in found[4][1]


def test_a_missing_column_and_an_unreadable_date_are_reported(tmp_path: Path):
    missing = write(tmp_path / "a.csv", ["TrainingTitle", "MCPID", "TrainingCompletionDate"], [["MS-700", "1", "x"]])
    bad_date = write(tmp_path / "b.csv", TRAININGS, [training("MS-700", mcpid="1", done="someday")])
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[missing, bad_date])

    found = [(problem.file, problem.line, problem.code) for problem in caught.value.problems]
    assert (str(missing), 1, codes.MISSING_KEY) in found
    assert (str(bad_date), 2, codes.INVALID_VALUE) in found
    assert "no column 'TrainingType'" in str(caught.value)


USAGE = ["CustomerTenantId", "CustomerName", "WorkloadName", "MonthlyActiveUsers", "PaidAvailableUnits", "ClaimId",
         "MpnId", "DateAssociated", "PartnerAttributionType", "Date"]  # fmt: skip


def usage_row(
    tenant: str,
    workload: str,
    active: int,
    paid: int,
    kind: str = "CPOR",
    date: str = "01/10/2026",
    associated: str = "15/03/2024",
) -> list[str]:
    return [tenant, f"Customer {tenant}", workload, str(active), str(paid), "C1", "4412345", associated, kind, date]


def test_a_usage_download_becomes_customers_that_the_rules_measure(tmp_path: Path):
    path = write(
        tmp_path / "u.csv",
        USAGE,
        [
            usage_row("t1", "Exchange", 310, 400),  # an alias of Exchange Online
            usage_row("t1", "Exchange", 50, 200, date="01/10/2025"),
            usage_row("t2", "Teams", 100, 500, kind="CSP Tier 2", date="01/10/2026"),
        ],
    )
    partner, report = read(usage=[path])
    verdict = mwrules.evaluate(partner)

    assert (report.tenants, report.usage_rows, report.months) == (2, 3, ("2025-10", "2026-10"))
    assert report.covers_measured_months is True
    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 310, "dpor": 0}
    assert partner.customers is not None
    assert partner.customers[1].associations[0].type == "CSP"


def test_the_office_365_layout_skips_rows_marked_as_duplicates(tmp_path: Path):
    header = ["PGAPartnerID", "CustomerTenantId", "CustomerTpid", "WorkloadName", "Month", "PaidAvailableUnits",
              "MonthlyActiveUsers", "PartnerAttributionType", "IsDuplicateRowForPGA"]  # fmt: skip
    rows = [
        ["1", "t1", "9", "Teams", "2026-10", "400", "200", "DPOR", "False"],
        ["1", "t1", "9", "Teams", "2026-10", "400", "200", "DPOR", "True"],
    ]
    partner, report = read(usage=[write(tmp_path / "o.csv", header, rows)])

    assert (report.usage_rows, report.duplicate_rows) == (1, 1)
    assert any("no DateAssociated column" in warning for warning in report.warnings)
    assert report.covers_measured_months is False  # 2025-10 is missing
    assert partner.customers is not None
    assert len(partner.customers[0].usage) == 1


def test_an_unknown_attribution_type_is_an_error_naming_the_row(tmp_path: Path):
    path = write(
        tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 1, 400), usage_row("t2", "Teams", 1, 400, "CPRO")]
    )
    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.code) == (str(path), 3, codes.UNKNOWN_ASSOCIATION_TYPE)
    assert "'CPRO'" in problem.message
    assert "did you mean 'CPOR'?" in str(problem)


def test_the_samples_import_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "partner.yaml"
    arguments = ["--trainings", str(EXAMPLES / "trainings.csv"), "--usage", str(EXAMPLES / "cpor-m365-usage.csv")]
    arguments += ["--partner-id", "contoso", "--as-of", "2026-11-28"]
    assert main(["import", *arguments, "-o", str(out), "--report", str(tmp_path / "report.json")]) == 0
    document = yaml.safe_load(out.read_text())
    report = json.loads((tmp_path / "report.json").read_text())

    assert report["people"] == len(document["people"])
    assert report["skipped"][0]["line"] == 138
    assert main(["evaluate", str(out)]) == 0
    from_file = capsys.readouterr().out
    assert main(["evaluate", *arguments]) == 0
    one_step = capsys.readouterr().out
    # in one step, the same verdict, and the import's summary among its warnings
    assert one_step.partition("Warnings (")[0] == from_file.partition("Warnings (")[0]
    assert "certifications that no designation lists, 4 distinct titles" in one_step


def test_a_big_file_shows_a_progress_bar_at_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(tmp_path / "t.csv", TRAININGS, [training("Exam", kind="Exam", mcpid=str(n)) for n in range(50)])
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(downloads, "PROGRESS_ROWS", 1)

    read(trainings=[path])

    assert "rows" in terminal.getvalue()


def test_a_big_file_is_read_without_a_bar_with_stderr_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`mwrules import big.csv 2>&-` leaves sys.stderr None: no bar, and the file is read all the same."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Exam", kind="Exam", mcpid=str(n)) for n in range(50)])
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(downloads, "PROGRESS_ROWS", 1)

    _, report = read(trainings=[path])

    assert 50 == report.rows


def test_a_certification_that_expires_before_it_was_earned_is_skipped_by_line(tmp_path: Path):
    path = write(
        tmp_path / "t.csv",
        TRAININGS,
        [training("MS-700", mcpid="1", done="25/12/2024", expires="01/01/2024"), training("SC-300", mcpid="1")],
    )
    partner, report = read(trainings=[path])

    assert [cert.name for cert in partner.people[0].certifications] == ["SC-300"]
    assert [row.line for row in report.skipped] == [2]
    assert "expires (2024-01-01) before it was earned (2024-12-25)" in report.skipped[0].reason


def test_import_writes_json_to_standard_output(capsys: pytest.CaptureFixture[str]):
    status = main(
        ["import", "--trainings", str(EXAMPLES / "trainings.csv"), "--partner-id", "contoso", "--format", "json"]
    )
    captured = capsys.readouterr()

    assert status == 0
    document = json.loads(captured.out)
    assert mwrules.load_partner(document).partner_id == "contoso"
    assert "people: 38" in captured.err  # the report


def test_import_without_a_file_and_evaluate_without_a_partner_id_are_refused(capsys: pytest.CaptureFixture[str]):
    assert main(["import", "--partner-id", "x"]) == 2
    assert main(["evaluate", "--trainings", str(EXAMPLES / "trainings.csv")]) == 2
    assert "--partner-id" in capsys.readouterr().err


def test_a_file_that_stops_being_text_is_a_problem_at_its_line(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid=str(n)) for n in range(5000)])
    with path.open("ab") as file:
        file.write(b"\xff\xfe\xfa,Certification,,,,25/12/2024,9,1,\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    [problem] = caught.value.problems
    assert (problem.line, problem.code) == (5002, codes.UNREADABLE)
    assert "line 5002 is not utf-8 text" in problem.message


def test_a_file_with_only_its_header_has_its_columns(tmp_path: Path):
    _, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, [])])

    assert (report.rows, report.people) == (0, 0)


# What the import keeps, and how the rows of one person or one tenant come together ----------------


def test_a_row_without_an_mcpid_before_the_row_with_it_is_the_same_person(tmp_path: Path):
    """A row found by e-mail joins the person with that e-mail's MCPID, whichever row comes first."""
    rows = [
        training("Enterprise Administrator Expert", email="ana@x.example"),  # no MCPID yet
        training("Teams Administrator Associate", email="Ana@x.example", mcpid="101"),
    ]
    first, report = read(trainings=[write(tmp_path / "a.csv", TRAININGS, rows)])
    reversed_, _ = read(trainings=[write(tmp_path / "b.csv", TRAININGS, rows[::-1])])

    assert report.people == 1
    assert report.people_per_level == {"intermediate": 1, "advanced": 1}
    assert [person.id for person in first.people] == [person.id for person in reversed_.people]
    assert set(first.people[0].certifications) == set(reversed_.people[0].certifications)


def test_a_certification_expiring_the_day_it_was_earned_still_counts(tmp_path: Path):
    """A certification that expires on the day it was earned is not one that expires before it was earned."""
    rows = [training("MS-700", mcpid="1", done="25/12/2024", expires="25/12/2024")]
    partner, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, rows)])

    assert (report.certifications, report.skipped) == (1, ())
    assert partner.people[0].certifications[0].expires == datetime.date(2024, 12, 25)


def test_blank_rows_of_commas_are_skipped(tmp_path: Path):
    """Excel ends a sheet with lines of bare commas: they are no rows."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 1, 400), [""] * len(USAGE)])

    _, report = read(usage=[path])

    assert (report.tenants, report.usage_rows) == (1, 1)


def test_a_blank_count_is_read_as_zero_and_said_with_where(tmp_path: Path):
    """A download whose user counts were all blank lost usage growth and deployments without a word (hostile run 14)."""
    rows = [usage_row("t1", "Teams", 310, 400), usage_row("t2", "Teams", 0, 500), usage_row("t3", "Teams", 5, 0)]
    rows[1][USAGE.index("MonthlyActiveUsers")] = ""
    rows[2][USAGE.index("PaidAvailableUnits")] = ""
    path = write(tmp_path / "u.csv", USAGE, rows)

    partner, report = read(usage=[path])

    assert report.usage_rows == 3
    assert (
        f"2 usage row(s) with a blank PaidAvailableUnits or MonthlyActiveUsers, read as 0: {path}:3, {path}:4"
    ) in report.warnings
    assert partner.customers is not None
    assert [customer.usage[0].active_users for customer in partner.customers] == [310, 0, 5]


def test_without_date_associated_an_association_starts_with_the_first_month_the_tenant_appears(tmp_path: Path):
    """The start is the first month of the tenant's rows, whichever order they come in."""
    header = [name for name in USAGE if name != "DateAssociated"]
    rows = [usage_row("t1", "Teams", 300, 400, date="2026-10"), usage_row("t1", "Teams", 100, 400, date="2025-10")]
    path = write(tmp_path / "u.csv", header, [row[:7] + row[8:] for row in rows])

    partner, _ = read(usage=[path])
    verdict = mwrules.evaluate(partner)

    assert partner.customers is not None
    assert partner.customers[0].associations[0].since == datetime.date(2025, 10, 1)
    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 200, "dpor": 0}


def test_tenant_ids_differing_only_in_case_are_one_tenant(tmp_path: Path):
    """Tenant ids are compared as a partner document compares them: one tenant, counted once."""
    upper = write(tmp_path / "a.csv", USAGE, [usage_row("AB-1", "Teams", 300, 400)])
    lower = write(tmp_path / "b.csv", USAGE, [usage_row("ab-1", "Teams", 100, 400, date="01/10/2025")])

    partner, report = read(usage=[upper, lower])

    assert partner.customers is not None
    assert [(customer.tenant, len(customer.usage)) for customer in partner.customers] == [("AB-1", 2)]
    assert report.tenants == 1


def test_rows_of_one_workload_under_two_of_its_names_are_one_row(tmp_path: Path):
    """ "Exchange" and "Exchange Online" in one month are one workload, as in a partner document."""
    path = write(
        tmp_path / "u.csv", USAGE, [usage_row("t1", "Exchange", 310, 400), usage_row("t1", "Exchange Online", 310, 400)]
    )

    partner, report = read(usage=[path])

    assert partner.customers is not None
    assert [(row.workload, row.active_users) for row in partner.customers[0].usage] == [("Exchange", 310)]
    assert report.usage_rows == 1


def test_the_same_download_given_twice_is_counted_once(tmp_path: Path):
    """Identical repeated rows (a download given twice) are one row each."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 310, 400), usage_row("t1", "Teams", 310, 400)])

    partner, report = read(usage=[path, path])

    assert partner.customers is not None
    assert len(partner.customers[0].usage) == 1
    assert report.usage_rows == 1


def test_two_rows_for_one_tenant_month_and_workload_that_differ_are_a_problem_naming_both(tmp_path: Path):
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 310, 400), usage_row("t1", "Teams", 200, 400)])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.code) == (str(path), 3, codes.DUPLICATE_USAGE)
    assert "400 paid and 200 active, but line 2 says 400 paid and 310 active" in problem.message


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("active", str(10**30), codes.INVALID_VALUE),  # beyond any tenant
        ("tenant", "t1\x1b[2J", codes.INVALID_VALUE),  # a terminal escape
        ("tenant", "t" * 5_000, codes.LIMIT),  # longer than any id
        ("name", "Fabrikam\u202e", codes.INVALID_VALUE),  # a text-direction override
    ],
)
def test_what_a_partner_document_refuses_an_import_refuses_at_the_row(
    tmp_path: Path, field: str, value: str, code: str
):
    """An import goes through the checks of a partner document; a problem names the file and line of its row."""
    row = usage_row("t1", "Teams", 1, 400)
    row[{"tenant": 0, "name": 1, "active": 3}[field]] = value
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t0", "Teams", 1, 400), row])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert [(problem.file, problem.line, problem.code) for problem in caught.value.problems] == [(str(path), 3, code)]


def test_evaluate_in_one_step_refuses_what_import_then_evaluate_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 10**30, 400)])
    arguments = ["--usage", str(path), "--partner-id", "contoso", "--as-of", "2026-11-28"]

    assert main(["evaluate", *arguments]) == 2
    assert codes.INVALID_VALUE in capsys.readouterr().err


@pytest.mark.parametrize("month", ["２０２６-１０", "2026-１０", "０１/10/2026"])
def test_a_usage_month_in_digits_other_than_ascii_is_refused_at_its_line(tmp_path: Path, month: str):
    path = write(tmp_path / "u.csv", USAGE, [usage_row("t1", "Teams", 1, 400, date=month)])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(2, codes.INVALID_VALUE)]


@pytest.mark.parametrize("count", ["３１０", "٣١٠", "3１0"])
def test_a_usage_count_in_digits_other_than_ascii_is_refused_at_its_line(tmp_path: Path, count: str):
    """int() reads full-width and Arabic-Indic digits; a download's counts are ASCII, so these are refused."""
    row = usage_row("t1", "Teams", 1, 400)
    row[3] = count  # MonthlyActiveUsers
    path = write(tmp_path / "u.csv", USAGE, [row])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(2, codes.INVALID_VALUE)]


def test_what_import_writes_in_yaml_reads_back_as_text_where_yaml_1_1_would_differ(tmp_path: Path):
    """Ids and names like 1e3 or 0o17 are numbers to a YAML 1.2 reader unless written quoted."""
    path = write(tmp_path / "u.csv", USAGE, [usage_row("0o17", "2e5", 1, 400) for _ in range(1)])
    out = tmp_path / "partner.yaml"

    assert main(["import", "--usage", str(path), "--partner-id", "1e3", "-o", str(out)]) == 0
    document = _documents.read_file(out, "the partner file")

    assert document.problems == ()
    assert document.data == pc.read_document(usage=[path], partner_id="1e3")[0]
    assert (document.data["partner_id"], document.data["customers"][0]["tenant"]) == ("1e3", "0o17")


# Reading the files: once, within bounds, in memory that does not grow with the rows it drops ----------


def test_a_download_read_from_a_pipe_is_read_once(tmp_path: Path):
    """A pipe cannot be read twice: its columns and its rows come from one reading."""
    text = (EXAMPLES / "trainings.csv").read_bytes()[:20_000].rpartition(b"\n")[0] + b"\n"
    reading, writing = os.pipe()
    os.write(writing, text)  # less than a pipe holds
    os.close(writing)
    try:
        _, from_pipe = read(trainings=[f"/dev/fd/{reading}"])
    finally:
        os.close(reading)
    (tmp_path / "t.csv").write_bytes(text)
    _, from_file = read(trainings=[tmp_path / "t.csv"])

    assert from_pipe.people == from_file.people > 0


def test_an_endless_line_is_refused_at_once():
    """/dev/zero is one line that never ends: refused by its length, in a child capped at 1 GiB and 60 s."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
        "from mwrules.cli import main; sys.exit(main(['import', '--trainings', '/dev/zero', '--partner-id', 'p']))"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

    assert result.returncode == 2, result.stderr
    assert f"/dev/zero:1: $: {codes.LIMIT}" in result.stderr


def test_rows_wait_for_their_date_order_only_so_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A file whose dates never show their order is refused at the row past the bound, not after holding all."""
    monkeypatch.setattr(downloads, "MAX_WAITING_ROWS", 3)
    path = write(tmp_path / "u.csv", USAGE, [usage_row(f"t{n}", "Teams", 1, 400) for n in range(5)])
    rows = [row[:7] + row[8:] for row in csv.reader(path.read_text().splitlines())]  # no DateAssociated
    write(path, rows[0], rows[1:])

    with pytest.raises(mwrules.InputError) as caught:
        read(usage=[path])

    [problem] = caught.value.problems
    assert (problem.line, problem.code) == (5, codes.INVALID_VALUE)
    assert "--date-order" in str(problem)


def _peak(function: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["exams", "repeated usage rows"])
def test_memory_does_not_grow_with_rows_that_are_not_kept(tmp_path: Path, kind: str):
    """Rows are read one at a time: four times the rows that add nothing, no more memory."""

    def path(rows: int) -> Path:
        if kind == "exams":
            lines = [training("Exam AZ-104", kind="Exam", mcpid=str(n)) for n in range(rows)]
            return write(tmp_path / f"{rows}.csv", TRAININGS, [*lines, training("MS-700", mcpid="1")])
        return write(tmp_path / f"{rows}.csv", USAGE, [usage_row("t1", "Teams", 310, 400)] * rows)

    small, big = path(5_000), path(20_000)
    option = "trainings" if kind == "exams" else "usage"
    read(**{option: [small]})  # once before measuring: what is built on first use is not the rows' memory

    growth = _peak(lambda: read(**{option: [big]})) - _peak(lambda: read(**{option: [small]}))

    assert growth < (big.stat().st_size - small.stat().st_size) / 20


def test_importing_again_and_again_compiles_no_more_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A service importing per request stays flat: the rules the import uses are compiled once and kept."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1")])
    read(trainings=[path])
    registered = []

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(engine, name)

        def create_ruleset(self, *arguments: object) -> object:
            registered.append(arguments[0])
            return engine.create_ruleset(*arguments)

    engine = _engine._dre
    monkeypatch.setattr(_engine, "_dre", Counting())

    for _ in range(20):
        read(trainings=[path])

    assert registered == []


def counting_ratios(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count difflib's ratio computations (a near-miss search's real cost) from here on."""
    calls: list[int] = []
    ratio = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        calls.append(1)
        return ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    return calls


def test_a_title_far_longer_than_any_certification_name_is_compared_with_none(tmp_path: Path, monkeypatch):
    """A 100 KB title once took 17 s of difflib; its length alone rules out a near miss."""
    calls = counting_ratios(monkeypatch)
    path = write(tmp_path / "t.csv", TRAININGS, [training("Teams Administrator Associate" * 3_500, mcpid="1")])

    _, report = read(trainings=[path])

    assert calls == []
    assert report.other_titles == 1


def test_an_import_searches_near_misses_for_at_most_a_thousand_distinct_titles(tmp_path: Path, monkeypatch):
    """3,000 distinct misspelt titles once took 22 s; the first thousand are searched, the rest are other areas'."""
    calls = counting_ratios(monkeypatch)
    name = "Collaboration Communications Systems Engineer Associate"
    titles = [f"{name} {''.join(letters)}" for letters in itertools.islice(itertools.product("xyz", repeat=7), 1_200)]
    path = write(tmp_path / "t.csv", TRAININGS, [training(title, mcpid=str(n)) for n, title in enumerate(titles)])

    _, report = read(trainings=[path])

    close = [warning for warning in report.warnings if f"did you mean {name!r}?" in warning]
    assert len(close) == 1_000
    assert report.other_titles == 200
    assert len(calls) <= 1_000 * 5  # the spellings this close in length and letters: a handful each


def test_an_ordinary_misspelling_still_gets_its_near_miss(tmp_path: Path):
    path = write(tmp_path / "t.csv", TRAININGS, [training("Endpoint Administrater Associate", mcpid="1")])

    _, report = read(trainings=[path])

    assert any("did you mean 'Endpoint Administrator Associate'?" in warning for warning in report.warnings)


@pytest.mark.parametrize(
    ("title", "meant"),
    [
        ("Administrator Expert", "Microsoft 365 Certified: Administrator Expert"),
        ("Fundamentals", "Microsoft 365 Certified: Fundamentals"),
    ],
)
def test_a_listed_title_without_its_prefix_gets_its_near_miss(tmp_path: Path, title: str, meant: str):
    """Each was left out with a count alone ("certifications no designation lists"): the person lost the level
    without a word at the row (hostile run 29). Too general to count as it is, it is named with what it means."""
    path = write(tmp_path / "t.csv", TRAININGS, [training(title, mcpid="1")])

    _, report = read(trainings=[path])

    assert any(f"{title!r}" in warning and f"did you mean {meant!r}?" in warning for warning in report.warnings)
    assert report.other_titles == 0


def test_only_a_listed_spelling_s_words_after_its_prefix_are_taken_for_it():
    """A title listed as it is is not a short form ("Enterprise Administrator Expert" is an alias in its own right);
    words after a prefix that two certifications end in name neither."""
    catalogue = shipped_catalogue()

    assert catalogue.with_prefix("Administrator Expert") == "Microsoft 365 Certified: Administrator Expert"
    assert catalogue.with_prefix("Enterprise Administrator Expert") is None
    assert catalogue.with_prefix("Teams Administrator Associate") is None

    def ruleset(cert_id: str, name: str) -> Any:
        certification = SimpleNamespace(id=cert_id, name=name, aliases=())
        return SimpleNamespace(certifications=(certification,), certification=lambda _: certification)

    two = Catalogue([ruleset("a", "Microsoft 365 Certified: Fundamentals"), ruleset("b", "Azure: Fundamentals")])
    assert two.with_prefix("Fundamentals") is None


_DOWNLOAD = EXAMPLES / "trainings.csv"


@pytest.mark.parametrize(
    "given",
    [
        lambda files: files.enter_context(_DOWNLOAD.open(encoding="utf-8-sig")),
        lambda _: io.StringIO(_DOWNLOAD.read_text(encoding="utf-8-sig")),
        lambda _: bytes(_DOWNLOAD),
        lambda _: [_DOWNLOAD, 7],
    ],
    ids=["open file", "StringIO", "bytes", "a list holding a number"],
)
def test_downloads_given_as_what_is_not_a_path_are_refused_by_their_argument(
    given: Callable[[contextlib.ExitStack], object],
):
    """An open file was read as a list of file names: 239 'cannot read the file' problems, one per row."""
    with contextlib.ExitStack() as files, pytest.raises(TypeError, match=r"^trainings must be"):
        pc.read(trainings=given(files), partner_id="p")  # type: ignore[arg-type]


@pytest.mark.parametrize("keep_names", ["no", 0, None, "False"])
def test_keep_names_that_is_not_a_bool_is_a_type_error(keep_names: object):
    """keep_names="no" kept names: any non-empty text is true (hostile run 22)."""
    with pytest.raises(TypeError, match=r"^keep_names must be True or False"):
        pc.read(trainings=[EXAMPLES / "trainings.csv"], partner_id="p", keep_names=keep_names)  # type: ignore[arg-type]


@pytest.mark.parametrize("nothing", [{}, {"trainings": [], "usage": []}, {"trainings": ()}])
def test_an_import_of_no_download_is_a_value_error(nothing: dict[str, object]):
    """It returned an empty partner, as if the downloads held no one; the command line refuses it (MW301)."""
    with pytest.raises(ValueError, match=r"^give the downloads to read"):
        pc.read(partner_id="p", **nothing)  # type: ignore[arg-type]


def test_dates_shown_month_first_before_day_first_are_read_on_month_first(tmp_path: Path):
    """The rest of a file showing both orders is read in the order it showed first, whichever that is: a date that
    is one only month first is no problem after it, and the day-first one is named (a planted 'always day first'
    went unnoticed beside the test above, whose file shows day first first)."""
    rows = [
        training("MS-700", mcpid="1", done="12/25/2025"),
        training("MS-700", mcpid="2", done="25/12/2025"),
        training("MS-102", mcpid="3", done="12/13/2025"),
    ]
    found = trainings_problems(tmp_path, rows)
    assert [line for line, _ in found] == [3, 3]
    assert "'25/12/2025' is not a date" in " ".join(message for _, message in found)


def test_a_row_of_exactly_half_the_header_names_split_by_another_separator_is_a_header_again(tmp_path: Path):
    """At its bound: 5 of the 9 names (half, rounded up) make a header again, as the header check of rows does."""
    names = [*TRAININGS[:5], "a", "b", "c", "d"]
    path = tmp_path / "t.csv"
    path.write_text(",".join(TRAININGS) + "\n" + ";".join(names) + "\n")
    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path])

    assert [problem.message for problem in caught.value.problems] == [
        "a header again, as on line 1, with its names separated by semicolons: two downloads joined into one file?"
    ]


@pytest.mark.parametrize(("given", "named"), [(3, "int"), (None, "NoneType"), (2.5, "float")])
def test_a_download_argument_that_is_no_path_nor_list_says_what_to_give(given: object, named: str):
    """trainings=3 was a bare "'int' object is not iterable" (hostile run 31)."""
    with pytest.raises(TypeError) as raised:
        read(trainings=given)

    assert str(raised.value) == f"trainings must be a path or a list of paths (str or os.PathLike), not {named}"


def test_an_empty_download_path_names_no_file():
    """usage='' said "Is a directory: '.'" (Path('') is the current folder), where evaluate('') names no file."""
    with pytest.raises(mwrules.InputError) as raised:
        read(usage="")

    assert "an empty path names no file" in str(raised.value)


def test_a_download_path_with_a_null_character_names_no_file():
    """usage=['x\\0y'] raised a bare "ValueError: embedded null byte", where evaluate says MW001 (hostile run 35)."""
    with pytest.raises(mwrules.InputError) as raised:
        read(usage=["x\0y"], trainings="t\0.csv")

    assert [(problem.file, problem.code) for problem in raised.value.problems] == [
        ("t\0.csv", "MW001"),
        ("x\0y", "MW001"),
    ]
    assert "no file can have this name" in str(raised.value)

"""Partner Center downloads in: trainings and customer usage files as a partner document."""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

import mwrules
from mwrules import codes
from mwrules import partner_center as pc
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


def test_only_certifications_count_and_other_areas_are_summarised(tmp_path: Path):
    rows = [training("Teamwork Administrator Associate", mcpid="1")]  # a former name
    rows += [training("Exam MS-700: Managing Microsoft Teams", kind="Exam", mcpid="1")]
    rows += [training("Introduction to Teams", kind="Course", mcpid="1")]
    rows += [training(title, mcpid="2") for title in ("Azure Administrator Associate", "Azure Fundamentals")] * 3
    rows += [training("Teams Administrater Associate", mcpid="3")]  # a typo of a Modern Work title
    _, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, rows)])

    assert (report.certifications, report.exams_and_courses, report.other_areas, report.other_titles) == (1, 2, 6, 2)
    assert "6 certifications of other areas, 2 distinct titles: not counted for Solutions Partner for Modern Work" in (
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

    assert partner.people[0].certifications[0].earned is not None
    assert partner.people[0].certifications[0].name == "MS-102"


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
    tenant: str, workload: str, active: int, paid: int, kind: str = "CPOR", date: str = "01/10/2026"
) -> list[str]:
    return [tenant, f"Customer {tenant}", workload, str(active), str(paid), "C1", "4412345", "15/03/2024", kind, date]


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
    assert "certifications of other areas, 10 distinct titles" in one_step


def test_a_big_file_is_streamed(tmp_path: Path):
    """Rows are read one at a time: memory grows with what is kept, not with the file."""
    rows = [training("Exam AZ-104", kind="Exam", mcpid=str(n)) for n in range(100_000)]
    rows += [training("MS-700", mcpid="1")]
    path = write(tmp_path / "big.csv", TRAININGS, rows)
    tracemalloc.start()
    try:
        _, report = read(trainings=[path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert report.exams_and_courses == 100_000
    assert peak < path.stat().st_size / 2


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from Linux's /proc")
def test_a_200_mb_download_is_streamed_not_held(tmp_path: Path):
    """A 200 MB trainings file (3 million rows of exams and a few certifications) imports in little memory."""
    path = tmp_path / "big.csv"
    block = io.StringIO()
    csv.writer(block).writerows(training("Exam AZ-104", kind="Exam", mcpid=str(n)) for n in range(10_000))
    chunk = block.getvalue()
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(TRAININGS)
        while file.tell() < 200 * 2**20:
            file.write(chunk)
        csv.writer(file).writerow(training("MS-700", mcpid="1"))
    # The child's own peak: VmHWM is its memory's high-water mark (ru_maxrss would count the forked parent's too)
    script = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from mwrules import partner_center\n"
        "_, report = partner_center.read(trainings=[sys.argv[1]], partner_id='p', as_of='2026-11-28')\n"
        "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text())[1])\n"
        "print(report.rows, report.people, peak // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True, timeout=600
    )
    rows, people, peak_mib = map(int, result.stdout.split())

    assert rows > 3_000_000
    assert people == 1
    assert peak_mib < 200  # the file is 200 MiB: it is never held whole, let alone twice


def test_a_big_file_shows_a_progress_bar_at_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(tmp_path / "t.csv", TRAININGS, [training("Exam", kind="Exam", mcpid=str(n)) for n in range(50)])
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(pc, "PROGRESS_ROWS", 1)

    read(trainings=[path])

    assert "rows" in terminal.getvalue()


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

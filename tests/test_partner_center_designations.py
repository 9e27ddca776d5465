"""A Partner Center import serves every designation: whom it keeps, the names it writes, whom each counts, what to
add."""

from __future__ import annotations

import inspect
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import mwrules
from mwrules import partner_center as pc
from mwrules._input import import_designations
from mwrules._rulesets import versions
from mwrules.cli import main
from mwrules.ruleset import normalise_name, rulesets_dir

from .test_partner_center import EXAMPLES, TRAININGS, read, training, write


def test_a_certification_only_another_designation_lists_is_kept(tmp_path: Path):
    """An Azure Administrator is in the document (for the Azure designations), though Modern Work does not count it."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Azure Administrator Associate", mcpid="1")])

    partner, report = read(trainings=[path])

    assert [cert.name for person in partner.people for cert in person.certifications] == [
        "Azure Administrator Associate"
    ]
    assert (report.certifications, report.other_areas) == (1, 0)
    assert report.people_per_level == {"intermediate": 0, "advanced": 0}


def test_the_report_counts_the_people_of_each_designation(tmp_path: Path):
    """Per designation, the people holding on as_of a certification it counts: expired ones do not."""
    rows = [
        training("Azure Administrator Associate", mcpid="1"),  # the three Azure designations
        training("Security Operations Analyst Associate", mcpid="1"),  # security
        training("Teams Administrator Associate", mcpid="2"),  # modern-work
        training("Security Operations Analyst Associate", mcpid="3", expires="01/01/2026"),  # expired on as_of
    ]
    _, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, rows)])

    assert report.people == 3
    assert report.people_per_designation == {
        "modern-work": 1,
        "business-applications": 0,
        "data-ai": 1,
        "digital-app-innovation": 1,
        "infrastructure": 1,
        "security": 1,
    }
    assert "people per designation, holding on 2026-11-28 a certification it counts: modern-work 1, " in str(report)


def test_a_designation_with_no_version_in_force_on_as_of_is_named_not_counted(tmp_path: Path):
    """Before 2026-07-01 only Modern Work is in force: the others are named, and their certifications still kept."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Azure Administrator Associate", mcpid="1")])

    partner, report = mwrules.partner_center.read(trainings=[path], partner_id="contoso", as_of="2026-03-01")

    assert report.people_per_designation == {"modern-work": 0}
    assert report.not_in_force == (
        "business-applications", "data-ai", "digital-app-innovation", "infrastructure", "security"
    )  # fmt: skip
    assert len(partner.people) == 1
    assert "not in force then: business-applications, data-ai" in str(report)


@pytest.mark.parametrize(
    ("title", "written", "counted_in"),
    [
        # a spelling both designations listing it know (Business Applications learnt it): written as it is
        ("Data Analyst Associate", "Data Analyst Associate", {"business-applications", "data-ai"}),
        # Security's alias, which Modern Work lists too (since hostile run 23): written as it is
        ("Microsoft Identity and Access Administrator",
         "Microsoft Identity and Access Administrator", {"modern-work", "security"}),
        # every ruleset that lists it knows this spelling: written as the download writes it
        ("Azure Administrator Associate", "Azure Administrator Associate",
         {"data-ai", "digital-app-innovation", "infrastructure"}),
    ],
)  # fmt: skip
def test_the_document_writes_a_name_every_ruleset_listing_the_certification_knows(
    tmp_path: Path, title: str, written: str, counted_in: set[str]
):
    """A spelling only one designation knows is written as the full name, which each designation listing it knows."""
    partner, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, [training(title, mcpid="1")])])

    assert partner.people[0].certifications[0].name == written
    assert {designation for designation, people in report.people_per_designation.items() if people} == counted_in


def test_every_shipped_spelling_is_written_as_a_name_every_ruleset_listing_it_knows_alike():
    """For each spelling of each shipped version, the written name means the same certification to every version
    that lists it (by that spelling or by the certification's name)."""
    catalogue = import_designations.shipped_catalogue()
    rulesets = catalogue.rulesets

    for ruleset in rulesets:
        for cert in ruleset.certifications:
            for spelling in (cert.name, *cert.aliases):
                written = catalogue.written(spelling)
                for index, other in enumerate(rulesets):
                    ids = {c.id for c in other.certifications if _spells(c, spelling) or _spells(c, cert.name)}
                    if ids:
                        assert {catalogue.cert_id(written, index)} == ids, (spelling, str(other))


def _spells(cert: mwrules.ruleset.CertificationSpec, name: str) -> bool:
    return normalise_name(name) in {normalise_name(spelling) for spelling in (cert.name, *cert.aliases)}


def test_the_report_lists_what_the_downloads_do_not_carry_and_where_it_goes():
    """Facts once for every designation that reads them; the other designations' metrics under designations.<id>."""
    _, report = read(trainings=[EXAMPLES / "trainings.csv"], usage=[EXAMPLES / "cpor-m365-usage.csv"])
    added = {entry.where: entry for entry in report.to_add}

    share = added["facts.smb_customer_share"]
    assert share.designations == ("data-ai", "digital-app-innovation", "infrastructure")
    assert added["facts.enterprise_workloads"].designations == ("business-applications",)
    growth = added["designations.security.metrics.<enterprise|smb>.usage_growth"]
    assert (growth.paths, growth.parts) == (("enterprise", "smb"), ("azure", "m365"))
    assert "designations.data-ai.metrics.<enterprise|smb>.deployments" in added
    # Modern Work's metrics are measured from the usage download; its people from the trainings
    assert not [where for where in added if "modern-work" in where or where.startswith("metrics.")]
    assert "  designations.security.metrics.<enterprise|smb>: net_customer_adds {azure, m365}, usage_growth " in str(
        report
    )


def test_the_evaluated_rulesets_own_metrics_go_at_the_top_level(tmp_path: Path):
    """Imported for security, its metrics are the document's metrics.<path>.<metric>, not under designations."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Security Operations Analyst Associate", mcpid="1")])

    _, report = read(trainings=[path], ruleset="security")

    wheres = [entry.where for entry in report.to_add]
    assert "metrics.<enterprise|smb>.deployments" in wheres
    assert not [where for where in wheres if where.startswith("designations.security.")]
    assert next(iter(report.people_per_designation)) == "security"


@pytest.mark.parametrize(
    ("ruleset", "fact"), [("data-ai", "smb_customer_share"), ("business-applications", "enterprise_workloads")]
)
def test_an_import_for_a_ruleset_that_requires_a_fact_writes_the_document_and_says_to_add_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ruleset: str, fact: str
):
    """No download carries a fact: the import was refused for it alone, with no document to add it to (run 24)."""
    trainings = write(tmp_path / "t.csv", TRAININGS, [training("Azure Administrator Associate", mcpid="1")])
    out = tmp_path / "p.yaml"
    arguments = ["import", "--trainings", str(trainings), "--partner-id", "p", "--as-of", "2026-11-28"]

    assert main([*arguments, "--ruleset", ruleset, "-o", str(out)]) == 0

    report = capsys.readouterr().err
    assert f"  facts.{fact}: " in report  # the 'to add' list
    assert f"warning: the document lacks facts.{fact}, which {ruleset} 2026-07 requires" in report
    # evaluated as written, it is refused for that fact alone; with it, it is evaluated
    assert main(["evaluate", str(out), "--ruleset", ruleset]) == 2
    [problem] = [line for line in capsys.readouterr().err.splitlines() if " MW" in line]
    assert f"$.facts.{fact}: MW005 missing" in problem
    out.write_text(out.read_text() + f"facts: {{{fact}: 90}}\n")
    assert main(["evaluate", str(out), "--ruleset", ruleset, "--format", "json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["ruleset"]["id"], verdict["qualified"]) == (ruleset, False)  # no metrics yet


def test_an_import_lacking_a_required_fact_and_with_another_problem_writes_no_document(tmp_path: Path):
    """Only a fact no download carries is left to add: with any other problem, every problem is said, none written."""
    rows = [training(name, mcpid="1") for name in ("Azure Administrator Associate", "MS-700", "MS-102")]
    path = write(tmp_path / "t.csv", TRAININGS, rows)

    with pytest.raises(mwrules.InputError) as caught:
        pc.read_document(
            trainings=[path],
            partner_id="p",
            ruleset="data-ai",
            as_of="2026-11-28",
            limits=mwrules.Limits(max_certifications_per_person=2),
        )

    assert sorted((problem.where, problem.code) for problem in caught.value.problems) == [
        ("$.facts.smb_customer_share", "MW005"),
        ("$.people[0].certifications", "MW007"),
    ]


def test_the_partner_of_an_import_lacking_a_required_fact_is_refused_with_where_the_fact_goes(tmp_path: Path):
    """read() gives a checked partner, which a required fact is part of: the one-step route says how to add it."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Azure Administrator Associate", mcpid="1")])

    with pytest.raises(mwrules.InputError) as caught:
        read(trainings=[path], ruleset="data-ai")

    [problem] = caught.value.problems
    assert (problem.where, problem.code) == ("$.facts.smb_customer_share", "MW005")
    assert problem.suggestion == (
        "no download carries it: write the document with 'mwrules import', then add 'facts: {smb_customer_share: "
        "<number>}'"
    )
    document, _ = pc.read_document(trainings=[path], partner_id="p", ruleset="data-ai", as_of="2026-11-28")
    with pytest.raises(mwrules.InputError) as caught:  # the Python document route gives the document instead
        mwrules.load_partner(document, "data-ai")
    assert ["$.facts.smb_customer_share"] == [problem.where for problem in caught.value.problems]


def test_read_document_takes_what_read_takes_and_names_itself_in_a_mistake():
    """``read_document(bogus=1)`` said "_imported() got an unexpected keyword argument", naming a private function,
    and without ``partner_id`` it gave a document with an empty one, which evaluate then refused (hostile run 31)."""
    with pytest.raises(TypeError, match=r"^read_document\(\) got an unexpected keyword argument 'bogus'"):
        pc.read_document(trainings=["x.csv"], partner_id="p", bogus=1)
    with pytest.raises(TypeError, match=r"^read_document\(\) missing 1 required keyword-only argument: 'partner_id'"):
        pc.read_document(trainings=["x.csv"])
    assert inspect.signature(pc.read).parameters == inspect.signature(pc.read_document).parameters


def test_a_near_miss_misspells_a_word_it_does_not_name_another_certification(tmp_path: Path):
    """Azure Data Engineer Associate (retired) is as close to Azure AI Engineer Associate as a typo, but is none."""
    rows = [training("Azure Data Engineer Associate", mcpid="1"), training("Azure Administrater Associate", mcpid="2")]

    _, report = read(trainings=[write(tmp_path / "t.csv", TRAININGS, rows)])

    assert (report.other_areas, report.other_titles) == (1, 1)
    assert not [warning for warning in report.warnings if "'Azure Data Engineer Associate'" in warning]
    # near misses are now searched among every designation's names
    assert any("did you mean 'Azure Administrator Associate'?" in warning for warning in report.warnings)


@pytest.fixture
def made_up_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Shipped rulesets of Modern Work and 'analytics', a copy of Data & AI with a fact and an alias of its own."""
    folder = tmp_path / "rulesets"
    shutil.copytree(rulesets_dir() / "modern-work", folder / "modern-work", ignore=shutil.ignore_patterns("cases"))
    text = (rulesets_dir() / "data-ai" / "2026-07.yaml").read_text()
    text = text.replace("id: data-ai", "id: analytics").replace("smb_customer_share", "smb_share")
    text = text.replace("aliases: [DP-300, ", "aliases: [DP-300, Analytics Wizard, ")
    (folder / "analytics").mkdir()
    (folder / "analytics" / "2026-07.yaml").write_text(text)
    saved = dict(versions._shipped)
    versions._shipped.clear()
    monkeypatch.setattr(versions, "rulesets_dir", lambda: folder)
    yield
    versions._shipped.clear()
    versions._shipped.update(saved)


@pytest.mark.usefixtures("made_up_family")
def test_the_designations_are_the_folders_of_the_rulesets_not_a_list_in_code(tmp_path: Path):
    """A family added under rulesets/ is kept for, counted and asked for, with no change to the code."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("Analytics Wizard", mcpid="1")])

    partner, report = read(trainings=[path])

    assert len(partner.people) == 1
    assert report.people_per_designation == {"modern-work": 0, "analytics": 1}
    assert [entry.where for entry in report.to_add][:2] == [
        "facts.smb_share", "designations.analytics.metrics.<enterprise|smb>.net_customer_adds"
    ]  # fmt: skip


def test_importing_again_and_again_gathers_the_shipped_certifications_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A service importing per request stays flat: every shipped ruleset's names are gathered once and shared."""
    path = write(tmp_path / "t.csv", TRAININGS, [training("MS-700", mcpid="1")])
    read(trainings=[path])
    built = []

    class Counting(import_designations.Catalogue):
        def __init__(self, *arguments: object) -> None:
            built.append(arguments)
            super().__init__(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(import_designations, "Catalogue", Counting)

    for _ in range(20):
        read(trainings=[path])

    assert built == []


def test_the_page_shows_what_the_sample_import_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """docs/partner-center.md quotes the report of importing the sample downloads, line for line."""
    page = (EXAMPLES.parents[1] / "docs" / "partner-center.md").read_text()
    block = page.split("```console\n", 1)[1].split("```", 1)[0]
    command, _, shown = block.partition(" -o contoso.yaml\n")
    monkeypatch.chdir(EXAMPLES.parents[1])

    arguments = command.removeprefix("$ mwrules ").replace("\\\n", " ").split()
    assert main([*arguments, "-o", str(tmp_path / "contoso.yaml")]) == 0
    assert capsys.readouterr().err == shown


def test_usage_imported_under_a_ruleset_that_measures_no_customer_data_is_one_problem(
    capsys: pytest.CaptureFixture[str],
):
    """Security reads no customer data: one problem naming why, not an unknown association type per row (MW207)."""
    usage = EXAMPLES / "cpor-m365-usage.csv"
    arguments = ["import", "--trainings", str(EXAMPLES / "trainings.csv"), "--usage", str(usage)]

    status = main([*arguments, "--partner-id", "contoso", "--ruleset", "security"])

    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.splitlines()[1:] == [
        "  usage: MW006 security 2026-07 measures nothing from customer data: a usage download is not read by it "
        "(import usage under a ruleset that measures customer data (modern-work), or leave it out)"
    ]


def test_a_spelling_one_ruleset_listing_the_certification_lacks_is_written_as_the_full_name():
    """The shipped rulesets agree on every spelling today (Modern Work learnt Security's SC-300 alias in hostile run
    23): a catalogue with a ruleset lacking that alias stands for the next one to miss a spelling."""
    shipped = mwrules.select_ruleset("modern-work@2026-01").ruleset
    alias = "Microsoft Identity and Access Administrator"
    certifications = tuple(
        attrs.evolve(cert, aliases=tuple(spelling for spelling in cert.aliases if spelling != alias))
        for cert in shipped.certifications
    )
    catalogue = import_designations.Catalogue(
        [attrs.evolve(shipped, certifications=certifications), *import_designations.shipped_catalogue().rulesets]
    )

    assert catalogue.written(alias) == "Microsoft Certified: Identity and Access Administrator Associate"
    assert catalogue.written("SC-300") == "SC-300"

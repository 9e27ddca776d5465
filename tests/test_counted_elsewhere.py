"""A certification name the evaluated ruleset does not know, but another shipped ruleset does, is warned of as such."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys

import attrs

import mwrules
from mwrules._rulesets import shipped_names, versions
from mwrules.ruleset import rulesets_dir


def warnings_for(*names: str, ruleset: str, as_of: str = "2026-11-28") -> list[str]:
    """The evaluation's warnings on the certifications of one person holding *names*."""
    document = {"partner_id": "x", "as_of": as_of, "people": [{"id": "a", "certifications": list(names)}]}
    warnings = mwrules.evaluate(document, ruleset=ruleset).warnings
    return [warning for warning in warnings if warning.startswith("$.people")]


def test_an_azure_certification_in_a_modern_work_evaluation_names_the_designations_that_count_it():
    """AZ-104 once got a "did you mean" pointing at an unrelated Modern Work certification."""
    assert [
        "$.people[0].certifications[0]: 'AZ-104' is a certification counted by data-ai, digital-app-innovation "
        "and infrastructure, not by modern-work 2026-01; not counted"
    ] == warnings_for("AZ-104", ruleset="modern-work@2026-01")


def test_a_modern_work_certification_in_a_security_evaluation_names_modern_work():
    """MS-102 under security is Modern Work's, not a near miss of a Security certification."""
    assert [
        "$.people[0].certifications[0]: 'MS-102' is a certification counted by modern-work, not by security 2026-07; "
        "not counted"
    ] == warnings_for("MS-102", ruleset="security")


def test_a_name_counted_only_by_an_older_version_names_that_version():
    """MS-600 counts in Modern Work 2023-06 only: the warning says which version, not Modern Work as it is now."""
    assert [
        "$.people[0].certifications[0]: 'MS-600' is a certification counted by modern-work 2023-06, not by "
        "security 2026-07; not counted"
    ] == warnings_for("MS-600", ruleset="security")


def test_a_name_of_another_version_of_the_evaluated_ruleset_names_that_version():
    """AB-900, new in Modern Work 2026-01, under 2023-06 is that version's certification, not a near miss of MS-900."""
    assert [
        "$.people[0].certifications[0]: 'AB-900' is a certification counted by modern-work 2026-01, not by "
        "modern-work 2023-06; not counted"
    ] == warnings_for("AB-900", ruleset="modern-work@2023-06")


def test_another_rulesets_spelling_of_a_certification_this_one_counts_names_the_spelling_to_write():
    """Security's "Microsoft Identity and Access Administrator" is SC-300, which Modern Work counts (hostile run 23).

    It was said to be "counted by security, not by modern-work 2026-01",
    which is false: Modern Work counts the certification, under other names.
    (Modern Work now lists that spelling too: a version without it stands for
    the next ruleset to miss one.)
    """
    shipped = mwrules.select_ruleset("modern-work@2026-01").ruleset
    certifications = tuple(
        attrs.evolve(cert, aliases=tuple(a for a in cert.aliases if a != "Microsoft Identity and Access Administrator"))
        for cert in shipped.certifications
    )
    without = attrs.evolve(shipped, certifications=certifications)
    document = {"partner_id": "x", "as_of": "2026-11-28", "people": [{"id": "a", "certifications": [SPELLING]}]}

    assert [
        "$.people[0].certifications[0]: 'Microsoft Identity and Access Administrator' is a spelling of "
        "'Microsoft Certified: Identity and Access Administrator Associate' (modern-work 2023-06 and security's), "
        "which modern-work 2026-01 counts under its own names only (write 'Microsoft Certified: Identity and Access "
        "Administrator Associate' "
        "or 'SC-300'); not counted"
    ] == [w for w in mwrules.evaluate(document, ruleset=without).warnings if w.startswith("$.people")]
    [warning] = [w for w in mwrules.evaluate(document, ruleset=without).warnings if w.startswith("$.people")]
    assert not isinstance(warning, mwrules.ForAnother)  # a name to write otherwise, not another designation's data


def test_what_another_designation_reads_is_warned_of_as_for_another_and_the_rest_as_plain_text():
    """The designations table shows the warnings that are not another designation's data, and counts the others."""
    document = {
        "partner_id": "x",
        "as_of": "2026-11-28",
        "facts": {"smb_customer_share": 50},
        "people": [{"id": "a", "certifications": ["MS-102", "SC-20O", "AZ-104"]}],
        "metrics": {"smb": {"net_customer_adds": 1}},  # Modern Work's
        "designations": {
            "security": {"metrics": {"enterprise": {"net_customer_adds": {"azure": 1, "m365": 0}}}},
            "data-ai": {"metrics": {"smb": {"deployments": 1}}},
        },
    }

    warnings = mwrules.evaluate(document, ruleset="security").warnings
    theirs = [warning for warning in warnings if isinstance(warning, mwrules.ForAnother)]
    own = [warning for warning in warnings if not isinstance(warning, mwrules.ForAnother)]

    assert [
        "$.people[0].certifications[0]: 'MS-102' is a certification counted by modern-work, not by security 2026-07; "
        "not counted",
        "$.people[0].certifications[2]: 'AZ-104' is a certification counted by data-ai, digital-app-innovation and "
        "infrastructure, not by security 2026-07; not counted",
        "$.designations['data-ai']: not read by security 2026-07",
        "$.metrics: not read by security 2026-07, which reads $.designations.security.metrics",
        "$.facts.smb_customer_share: not read by security 2026-07",
    ] == theirs
    assert [
        "$.people[0].certifications[1]: 'SC-20O' is not a certification of security 2026-07; not counted (did you "
        "mean 'SC-200'?)",
        *(
            f"$.designations.security.metrics.enterprise.{metric}.{part}: missing; counted as 0"
            for metric in ("usage_growth", "deployments")
            for part in ("azure", "m365")
        ),
        "$.designations.security.metrics.smb: missing; every metric of smb that comes from metrics counts as 0",
    ] == own
    # As a worker sends them to its parent
    assert [type(w) for w in warnings] == [type(w) for w in pickle.loads(pickle.dumps(warnings))]  # noqa: S301


SPELLING = "Microsoft Identity and Access Administrator"


def test_securitys_spelling_of_sc_300_counts_under_modern_work_as_in_an_import():
    """An import writes SC-300 by its full name (counted); the same person written by hand in Security's spelling
    was not counted by Modern Work: the two routes gave two verdicts (hostile run 23)."""
    for version in ("modern-work@2023-06", "modern-work@2026-01"):
        ruleset = mwrules.select_ruleset(version).ruleset
        as_written, full = (
            mwrules.evaluate(
                {"partner_id": "x", "as_of": "2026-11-28", "people": [{"id": "a", "certifications": [name]}]},
                ruleset=ruleset,
            )
            for name in (SPELLING, "Microsoft Certified: Identity and Access Administrator Associate")
        )
        assert as_written.paths == full.paths
        assert not [w for w in as_written.warnings if w.startswith("$.people")]


def test_a_name_another_ruleset_lists_without_counting_it_says_so():
    """SC-400 is listed by security, where it counts in no step: it is not said to be counted there."""
    assert [
        "$.people[0].certifications[0]: 'SC-400' is a certification of security, which does not count it "
        "either, not of modern-work 2026-01; not counted"
    ] == warnings_for("SC-400", ruleset="modern-work@2026-01")


def test_a_name_no_shipped_ruleset_knows_keeps_its_did_you_mean():
    """A typo of a certification of the evaluated ruleset is still answered with the near miss."""
    assert [
        "$.people[0].certifications[0]: 'Teams Administator Associate' is not a certification of modern-work "
        "2026-01; not counted (did you mean 'Teams Administrator Associate'?)"
    ] == warnings_for("Teams Administator Associate", ruleset="modern-work@2026-01")


def test_names_past_the_near_miss_searches_are_still_named_as_another_designations():
    """The first 100 distinct unknown names are searched for a near miss; a name another ruleset lists needs none."""
    typos = [f"Teams Administrater Associate {number}" for number in range(150)]

    warnings = warnings_for(*typos, "AZ-104", ruleset="modern-work@2026-01")

    assert warnings[-1].endswith(
        "'AZ-104' is a certification counted by data-ai, digital-app-innovation and "
        "infrastructure, not by modern-work 2026-01; not counted"
    )
    assert 100 == sum("did you mean" in warning for warning in warnings)


def spellings_read_after(code: str) -> list[str]:
    """The shipped rulesets a fresh process has read, and whether it read the others' spellings, once it ran *code*."""
    script = (
        f"import mwrules; {code}; from mwrules._rulesets import shipped_names, versions; "
        "print(' '.join(sorted(family for _, family in versions._shipped)), bool(shipped_names._listings))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_an_evaluation_of_known_names_reads_no_other_rulesets_spellings():
    """The other designations' names are read only for a name the evaluated ruleset does not know."""
    document = {"partner_id": "x", "as_of": "2026-11-28", "people": [{"id": "a", "certifications": ["MS-700"]}]}

    assert ["modern-work", "False"] == spellings_read_after(f"mwrules.evaluate({document!r})")


def test_the_other_rulesets_spellings_are_read_once_per_process(monkeypatch):
    """Every evaluation with an unknown name asks; the shipped rulesets' spellings are read at the first only."""
    monkeypatch.setattr(shipped_names, "_listings", {})
    monkeypatch.setattr(shipped_names, "_answers", {})  # answered from the empty listings: not for later tests
    read = []
    monkeypatch.setattr(shipped_names, "_read", lambda folder: read.append(folder) or {})

    warnings_for("AZ-104", ruleset="modern-work@2026-01")
    warnings_for("AZ-400", ruleset="modern-work@2026-01")

    assert [rulesets_dir()] == read


def test_the_index_of_the_shipped_rulesets_spellings_is_current():
    """rulesets/certification-names.json is what the rulesets say (regenerate: python tests/docs_pages.py)."""
    assert shipped_names.index_text() == (rulesets_dir() / shipped_names.INDEX).read_text(encoding="utf-8")


def test_an_index_that_does_not_match_the_rulesets_is_not_used(monkeypatch, tmp_path):
    """A ruleset edited after the index was written is read from its file: the index only saves time."""
    folder = tmp_path / "rulesets"
    shutil.copytree(rulesets_dir(), folder)
    security = folder / "security" / "2026-07.yaml"
    security.write_text(security.read_text().replace("aliases: [SC-200,", "aliases: [SC-999, SC-200,"))
    monkeypatch.setattr(shipped_names, "rulesets_dir", lambda: folder)
    monkeypatch.setattr(versions, "rulesets_dir", lambda: folder)
    monkeypatch.setattr(shipped_names, "_listings", {})

    assert [("security", "2026-07")] == [(found.family, found.version) for found in shipped_names.listings("SC-999")]


def test_many_holders_of_a_certification_another_designation_counts_get_one_warning():
    """Azure admins are no mistake in a Modern Work evaluation: one line, where first held, and how many more."""
    people = [{"id": f"p{number}", "certifications": ["AZ-104"]} for number in range(5)]
    document = {"partner_id": "contoso", "as_of": "2026-11-28", "people": people}

    warnings = [warning for warning in mwrules.evaluate(document).warnings if "AZ-104" in warning]

    assert warnings == [
        "$.people[0].certifications[0]: 'AZ-104' is a certification counted by data-ai, digital-app-innovation and "
        "infrastructure, not by modern-work 2026-01; not counted; and 4 more like it ($.people[1].certifications[0], "
        "$.people[2].certifications[0], $.people[3].certifications[0], …)"
    ]


def test_a_name_written_several_ways_is_one_warning_at_its_first_place_counting_every_holder():
    """AZ-104 plain, with an expiry date and with an earned date is one name: its places in the order of the people.

    The warnings of the people stay in their order: an expired Modern Work
    certification of the second person comes between.
    """
    people = [
        {"id": "a", "certifications": ["MS-102", {"name": "AZ-104", "expires": "2027-01-01"}]},
        {"id": "b", "certifications": [{"name": "MS-700", "expires": "2025-01-01"}, "AZ-104"]},
        {"id": "c", "certifications": [{"name": "AZ-104", "earned": "2025-03-01"}]},
        {"id": "d", "certifications": ["AZ-104", {"name": "AZ-104", "expires": "2027-01-01"}]},
    ]
    document = {"partner_id": "contoso", "as_of": "2026-11-28", "people": people}

    warnings = [warning for warning in mwrules.evaluate(document).warnings if warning.startswith("$.people")]

    assert warnings == [
        "$.people[0].certifications[1]: 'AZ-104' is a certification counted by data-ai, digital-app-innovation and "
        "infrastructure, not by modern-work 2026-01; not counted; and 4 more like it ($.people[1].certifications[1], "
        "$.people[2].certifications[0], $.people[3].certifications[0], …)",
        "$.people[1].certifications[0]: 'MS-700' expired on 2025-01-01, before 2026-11-28; not counted",
    ]

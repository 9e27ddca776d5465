"""`mwrules diff` over the vocabulary: what changed between two versions of a shape ruleset, by ids.

Each test writes a second version of a shape ruleset of tests/shapes (the
file copied, its version renamed and one thing edited), as a ruleset editor
would, and reads the lines docs/design/rules-as-data.md §3.3 asks for, in the
ruleset changes and in the reasons given for each partner of the shape's cases.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from mwrules import load_ruleset, select_ruleset
from mwrules._tools.cases import load_case
from mwrules._tools.diff import ruleset_changes
from mwrules.cli import main


SHAPES = Path(__file__).parent / "shapes"


def _shape(number: int) -> Path:
    return next(SHAPES.glob(f"{number:02d}-*")) / "2026-01.yaml"


def _edited(number: int, tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """Shape *number*'s ruleset as version 2026-07, with each (old, new) text replaced once."""
    text = _shape(number).read_text().replace('version: "2026-01"', 'version: "2026-07"')
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    file = tmp_path / f"{number:02d}-2026-07.yaml"
    file.write_text(text)
    return file


def _changes(number: int, tmp_path: Path, *edits: tuple[str, str]) -> list[str]:
    return ruleset_changes(load_ruleset(_shape(number)), load_ruleset(_edited(number, tmp_path, *edits)))


def _diff(old: Path, new: Path, number: int, tmp_path: Path, capsys) -> str:
    """What `mwrules diff OLD NEW --partners <the shape's case partners>` prints (it must succeed)."""
    partners = tmp_path / "partners"
    partners.mkdir()
    for case in (_shape(number).parent / "cases" / "2026-01").glob("*.yaml"):
        partner = load_case(case).partner
        (partners / f"{case.stem}.json").write_text(json.dumps(partner, default=lambda value: value.isoformat()))
    capsys.readouterr()
    status = main(["diff", str(old), str(new), "--partners", str(partners)])
    output = capsys.readouterr()
    assert status == 0, output.err
    return output.out


STEP_1_ENTERPRISE = "{id: step_1, title: Step 1, of: a_holders, gate: {need: 1, points: 0}}"
STEP_2 = "{id: step_2, title: Step 2, of: b_or_c_holders, rate: {points: 4, per: 1}, cap: 20, requires: [step_1]}"
SMB_STEP_2 = f"{STEP_2}\n      usage_growth: {{combine: best, terms: [{{of: cpor, target: 500}}"


@pytest.mark.parametrize("number", range(1, 13))
def test_a_ruleset_compared_with_itself_has_no_changes(number):
    """Every shape ruleset compared with itself gives no line."""
    assert ruleset_changes(load_ruleset(_shape(number)), load_ruleset(_shape(number))) == []


def test_a_gates_need_changed_is_named_with_its_path_metric_and_term(tmp_path):
    """A gate that needs 2 where it needed 1 reads '<path>: <metric> <term> gate need 1 → 2'."""
    changes = _changes(6, tmp_path, (STEP_1_ENTERPRISE, STEP_1_ENTERPRISE.replace("need: 1", "need: 2")))
    assert changes == ["enterprise: skilling step_1 gate need 1 → 2"]


def test_a_rate_changed_is_named_per_person(tmp_path):
    """A step's rate over people reads '<term> rate 4 → 3 per person'."""
    changes = _changes(6, tmp_path, (SMB_STEP_2, SMB_STEP_2.replace("points: 4", "points: 3")))
    assert changes == ["smb: skilling step_2 rate 4 → 3 per person"]


def test_a_terms_requirements_changed_are_listed_before_and_after(tmp_path):
    """A step that no longer requires step 1 reads 'term step_2 requires [step_1] → []'."""
    changes = _changes(6, tmp_path, (SMB_STEP_2, SMB_STEP_2.replace("requires: [step_1]", "requires: []")))
    assert changes == ["smb: skilling term step_2 requires [step_1] → []"]


def test_a_term_added_is_named_with_what_it_is(tmp_path):
    """A new gate in a path's metric reads 'term + <id> (gate need N points P of <set>)'."""
    step_3 = "\n          - {id: step_3, of: a_holders, gate: {need: 2, points: 0}}"
    changes = _changes(6, tmp_path, (SMB_STEP_2, SMB_STEP_2.replace("[step_1]}", "[step_1]}" + step_3, 1)))
    assert changes == ["smb: skilling term + step_3 (gate need 2 points 0 of a_holders)"]


def test_terms_are_compared_by_id_not_by_their_place(tmp_path):
    """Two parts listed the other way round, one with a new rate, read as that rate's change and the new order."""
    azure = "          - {of: azure, rate: {points: 1, per: 1250}, cap: 20}\n"
    m365 = "          - {of: m365, rate: {points: 1, per: 125}, cap: 20}\n"
    changes = _changes(
        8,
        tmp_path,
        (
            "        combine: sum\n        terms:\n" + azure + m365,
            "        terms:\n" + m365 + azure.replace("1,", "2,"),
        ),
    )
    assert changes == [
        "enterprise: usage_growth terms in order azure, m365 → m365, azure",
        "enterprise: usage_growth azure rate 1 → 2 per 1250",
    ]


def test_a_conditions_threshold_changed_is_named_with_what_it_compares(tmp_path):
    """A condition's threshold lowered reads '<metric> condition baseline_mcv at least 50000 → 40000'."""
    smb = "at_least: 50000}]}]\n      deployments: {combine: best, terms: [{of: cpor, target: 5}, {of: csp"
    changes = _changes(9, tmp_path, (smb, smb.replace("50000", "40000")))
    assert changes == ["smb: usage_growth condition baseline_mcv at least 50000 → 40000"]


def test_a_classification_threshold_changed_is_named_with_its_path_and_fact(tmp_path):
    """An entry of the classification with a new threshold reads 'classify: smb when <fact> at least 80 → 75'."""
    changes = _changes(7, tmp_path, ("at_least: 80}", "at_least: 75}"))
    assert changes == ["classify: smb when smb_customer_share at least 80 → 75"]


def test_a_fact_declared_is_named(tmp_path):
    """A fact the new version declares reads 'facts + <id>'."""
    fact = "\n  - id: employees\n    title: Employees\n    type: count"
    changes = _changes(7, tmp_path, ("    max: 100\n", f"    max: 100{fact}\n"))
    assert changes == ["facts + employees"]


def test_a_path_that_stops_scoring_a_metric_says_so_with_its_own_total_and_pass_mark(tmp_path):
    """A path that drops a metric reads '<path>: metrics - <metric>', with its own total and pass mark changed."""
    old = _edited(
        3,
        tmp_path,
        ("    total_points: 90\n    min_total_points: 60\n", "    min_total_points: 65\n"),
        (
            "      intermediate_certifications: {terms: [{of: intermediate, target: 2}]}  # 5 per person\n",
            "      intermediate_certifications: {terms: [{of: intermediate, target: 2}]}  # 5 per person\n"
            "      advanced_certifications: {terms: [{of: advanced, target: 1}]}\n",
        ),
        ("        max_points: 30\n", ""),
    )
    changes = ruleset_changes(load_ruleset(old), load_ruleset(_shape(3)))
    assert changes == [
        "smb: total_points 100 → 90",
        "smb: min_total_points 65 → 60",
        "smb: metrics - advanced_certifications",
        "smb: deployments max_points 25 → 30",
    ]


def test_an_optional_metric_made_required_reads_as_its_minimum(tmp_path):
    """A path-metric's min_points 0 → 1 reads '<path>: <metric> min_points 0 → 1'."""
    changes = _changes(10, tmp_path, ("        min_points: 0\n", "        min_points: 1\n"))
    assert changes == ["smb: deployments min_points 0 → 1"]


def test_a_certification_dropped_from_one_of_several_people_sets_is_named_with_its_set(tmp_path):
    """A metric with two people sets says which set lost a certification, as single-set metrics do."""
    changes = _changes(
        6,
        tmp_path,
        (
            "b_or_c_holders: [identity-and-access-administrator-associate, endpoint-administrator-associate]",
            "b_or_c_holders: [identity-and-access-administrator-associate]",
        ),
    )
    assert changes == ["b_or_c_holders: - Microsoft 365 Certified: Endpoint Administrator Associate"]


def test_a_partner_whose_gate_is_no_longer_met_is_told_which_gate_and_why(tmp_path, capsys):
    """A partner's reasons name each gate whose outcome changed: 'step_1 on enterprise: met → not met (need 1 → 2)'."""
    new = _edited(6, tmp_path, (STEP_1_ENTERPRISE, STEP_1_ENTERPRISE.replace("need: 1", "need: 2")))
    text = _diff(_shape(6), new, 6, tmp_path, capsys)
    assert "  skilling: enterprise 12 → 0\n    step_1 on enterprise: met → not met (need 1 → 2)\n" in text
    assert "gate need" not in text.split("Ruleset changes:")[1].split("\n\n", 1)[1]  # said once, as the outcome


def test_a_partner_counted_in_one_of_several_people_sets_is_told_who_stopped_counting(tmp_path, capsys):
    """A person whose only certification of a set is dropped from it is named, as for a single-set metric."""
    new = _edited(
        6,
        tmp_path,
        (
            "b_or_c_holders: [identity-and-access-administrator-associate, endpoint-administrator-associate]",
            "b_or_c_holders: [identity-and-access-administrator-associate]",
        ),
    )
    text = _diff(_shape(6), new, 6, tmp_path, capsys)
    assert (
        "    p2's only b_or_c_holders certification, Microsoft 365 Certified: Endpoint Administrator Associate, "
        "is no longer eligible\n"
    ) in text


def test_a_partner_on_a_path_that_stops_scoring_a_metric_is_diffed(tmp_path, capsys):
    """A metric a path no longer scores is no error: the partner's reasons name the path's changed metrics."""
    old = _edited(
        3,
        tmp_path,
        ("    total_points: 90\n    min_total_points: 60\n", ""),
        (
            "      intermediate_certifications: {terms: [{of: intermediate, target: 2}]}  # 5 per person\n",
            "      intermediate_certifications: {terms: [{of: intermediate, target: 2}]}  # 5 per person\n"
            "      advanced_certifications: {terms: [{of: advanced, target: 1}]}\n",
        ),
        ("        max_points: 30\n", ""),
    )
    text = _diff(old, _shape(3), 3, tmp_path, capsys)
    assert "\n  smb: metrics - advanced_certifications\n" in text


def test_a_partner_classified_on_another_path_is_told_by_which_rule(tmp_path, capsys):
    """A partner the new classification puts on another path is told so, with the entry's change."""
    new = _edited(7, tmp_path, ("at_least: 80}", "at_least: 75}"))
    text = _diff(_shape(7), new, 7, tmp_path, capsys)
    assert (
        ": qualified on enterprise (95) → not qualified on smb (35)\n"
        "  classify: smb when smb_customer_share at least 80 → 75\n"
        "  classified on smb, not enterprise (rule classified:smb)\n"
    ) in text


def test_a_partner_whose_people_set_is_renamed_and_cut_is_told_who_stopped_counting(tmp_path, capsys):
    """A set renamed (b_or_c_holders to bc_holders) without Endpoint Administrator: the people who stopped counting
    were not named (only the new set's people were compared), and the partner whose points fell read only that the
    people still counted 'now count at bc_holders' (hostile run 27)."""
    renamed = STEP_2.replace("of: b_or_c_holders", "of: bc_holders")
    new = _edited(
        6,
        tmp_path,
        (
            "b_or_c_holders: [identity-and-access-administrator-associate, endpoint-administrator-associate]",
            "bc_holders: [identity-and-access-administrator-associate]",
        ),
        (SMB_STEP_2, SMB_STEP_2.replace(STEP_2, renamed)),
        (STEP_2, renamed),
    )
    text = _diff(_shape(6), new, 6, tmp_path, capsys)
    assert (
        "    p2's only b_or_c_holders certification, Microsoft 365 Certified: Endpoint Administrator Associate, "
        "is no longer eligible\n"
    ) in text
    assert "now counts at bc_holders" not in text  # they counted before, in the set of another name


def test_a_workload_kept_as_an_alias_is_read_under_its_new_name_not_removed():
    """2026-01 renamed Exchange, SharePoint and Yammer and kept the old names as aliases: their usage still counts.

    Saying "removed" told a ruleset editor that a partner's Exchange rows stop counting.
    """
    changes = ruleset_changes(
        select_ruleset("modern-work@2023-06").ruleset, select_ruleset("modern-work@2026-01").ruleset
    )
    (renamed,) = [line for line in changes if line.startswith("workloads read under a new name")]
    assert renamed == (
        "workloads read under a new name (the old one is an alias): Exchange → Exchange Online, "
        "Microsoft 365 Apps (ProPlus) → Microsoft 365 Apps, SharePoint → SharePoint Online, Yammer → Viva Engage"
    )
    (removed,) = [line for line in changes if line.startswith("workloads removed")]
    assert removed == "workloads removed: Teams Platform"
    (added,) = [line for line in changes if line.startswith("workloads added")]
    assert "Exchange Online" not in added
    assert "Viva Engage" not in added
    assert "Teams Apps" in added


def test_a_workload_that_keeps_its_name_but_counts_for_fewer_metrics_is_not_read_under_a_new_name():
    """Only another name makes a rename: Intune limited to usage growth is the old Intune removed, the new added."""
    old = select_ruleset("modern-work@2026-01").ruleset
    limited = tuple(
        attrs.evolve(workload, metrics=("usage_growth",)) if workload.name == "Intune" else workload
        for workload in old.workloads
    )

    changes = ruleset_changes(old, attrs.evolve(old, workloads=limited))

    assert changes == ["workloads added: Intune (usage_growth only)", "workloads removed: Intune"]


def test_combine_best_on_a_number_metric_is_said_as_such_not_as_a_target_of_part_none(tmp_path):
    """`combine: best` added to a one-term number metric is one line naming it, never '5 → {None: 5}'.

    A metric of one number has no parts: a target shown per part named its
    part `None`, and said the target changed when it had not.
    """
    line = "net_customer_adds: {terms: [{target: 5}]}"
    changes = _changes(1, tmp_path, (line, line.replace("{terms", "{combine: best, terms")))
    assert changes == ["enterprise: net_customer_adds combine sum → best"]


SECURITY = Path(__file__).parents[1] / "rulesets" / "security" / "2026-07.yaml"
EMPLOYEES = "{id: employees, title: Employees, type: count, min: 0}"
SMB_AZURE_GROWTH = "          - {of: azure, rate: {points: 1, per: 750}}"


def _security_edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SECURITY.read_text().replace("  coverage: required\n", "")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder = tmp_path / "edited" / "security"
    folder.mkdir(parents=True)
    (folder / "2026-07.yaml").write_text(text)
    return folder / "2026-07.yaml"


def _diff_of(new: Path, partner: str, tmp_path: Path, capsys) -> str:
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "p.yaml").write_text(partner)
    capsys.readouterr()
    status = main(["diff", "security@2026-07", str(new), "--partners", str(tmp_path / "partners")])
    output = capsys.readouterr()
    assert status == 0, output.err + output.out
    return output.out


def test_a_fact_the_new_version_adds_is_not_refused_by_the_old_one(tmp_path, capsys):
    """Partners giving a fact only the new version declares are evaluated under both, not 'not evaluated'.

    The old version does not read it (the ruleset changes say 'facts + employees');
    it refused every such partner as giving a fact "no shipped ruleset reads".
    """
    new = _security_edited(
        tmp_path,
        ("\ncertifications:\n", f"\nfacts:\n  - {EMPLOYEES}\n\ncertifications:\n"),
        (SMB_AZURE_GROWTH, SMB_AZURE_GROWTH.replace("}}", "}, when: [{fact: employees, at_least: 250}]}")),
    )
    partner = "partner_id: small\nas_of: 2026-08-01\nfacts: {employees: 40}\n"
    partner += "metrics:\n  smb: {usage_growth: {azure: 7500}}\n"
    out = _diff_of(new, partner, tmp_path, capsys)
    assert "facts + employees" in out
    assert "1 partner(s): 1 changed, 0 unchanged" in out
    assert "usage_growth: smb 10 → 0" in out


def test_a_metric_the_new_version_adds_is_not_refused_by_the_old_one(tmp_path, capsys):
    """A partner giving a metric only the new version scores is evaluated under both: the old earns nothing from it."""
    new = _security_edited(
        tmp_path,
        ("    max_points: 20\n    # Net new customer", "    max_points: 10\n    # Net new customer"),
        (
            "    unit_text: net new customer tenants\n",
            "    unit_text: net new customer tenants\n"
            "  - {id: copilot_seats, title: Copilot seats, category: customer_success, max_points: 10,"
            " source: {number: count}}\n",
        ),
        (
            '      net_customer_adds:              # "2 points',
            '      copilot_seats: {terms: [{target: 5}]}\n      net_customer_adds:              # "2 points',
        ),
        (
            '      net_customer_adds:              # "4 points',
            '      copilot_seats: {terms: [{target: 5}]}\n      net_customer_adds:              # "4 points',
        ),
    )
    partner = "partner_id: p\nas_of: 2026-08-01\nmetrics:\n  smb: {copilot_seats: 5}\n"
    out = _diff_of(new, partner, tmp_path, capsys)
    assert "metric + copilot_seats" in out
    assert "1 partner(s): 1 changed, 0 unchanged" in out


def test_an_alias_added_or_dropped_is_named(tmp_path):
    """An alias changes which spellings of partner data count: the ruleset changes said nothing of it."""
    new = _security_edited(
        tmp_path,
        ("aliases: [SC-200, Security", "aliases: [SC-200, SOC Analyst, Security"),
        ("aliases: [SC-100, Cybersecurity Architect Expert, ", "aliases: [SC-100, "),
    )
    changes = ruleset_changes(load_ruleset(SECURITY), load_ruleset(new))
    assert changes == [
        "Microsoft Certified: Security Operations Analyst Associate: aliases + SOC Analyst",
        "Microsoft Certified: Cybersecurity Architect Expert: aliases - Cybersecurity Architect Expert",
    ]


SMB_ENTRY = "    - {path: smb, title: 80 % or more SMB customers, when: [{fact: smb_customer_share, at_least: 80}]}\n"


@pytest.mark.parametrize("added_before", [False, True], ids=["after", "before"])
def test_a_classification_entry_added_for_a_path_with_one_is_the_one_line(tmp_path, added_before):
    """A second entry for smb reads 'classify + smb#2 when ...', not as smb's entry dropped and two added."""
    second = SMB_ENTRY.replace("80 % or more", "a few").replace("at_least: 80", "at_most: 5")
    edit = (SMB_ENTRY, second + SMB_ENTRY) if added_before else (SMB_ENTRY, SMB_ENTRY + second)
    changes = _changes(7, tmp_path, edit)
    key = "smb#1" if added_before else "smb#2"
    assert changes == [f"classify + {key} when smb_customer_share at most 5"]

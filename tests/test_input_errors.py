"""Every kind of bad partner input is reported, all at once, at its path."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

import mwrules
from mwrules import InputError


def problems(document: object) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document)  # type: ignore[arg-type]
    return {problem.where: f"{problem.message} {problem.suggestion or ''}" for problem in caught.value.problems}


@pytest.mark.parametrize(
    ("document", "where", "says"),
    [
        ({"partner_id": 5}, "$.partner_id", "expected text"),
        ({"partner_id": "x", "people": "ann"}, "$.people", "expected a list"),
        (
            {"partner_id": "x", "people": [{"id": "a", "certifications": [7]}]},
            "$.people[0].certifications[0]",
            "certification name",
        ),
        (
            {"partner_id": "x", "metrics": {"smb": {"net_customer_adds": "3"}}},
            "$.metrics.smb.net_customer_adds",
            "expected a number, got text '3'",
        ),
        (
            {"partner_id": "x", "metrics": {"smb": {"net_customer_adds": 2.5}}},
            "$.metrics.smb.net_customer_adds",
            "whole number",
        ),
        (
            {"partner_id": "x", "metrics": {"smb": {"net_customer_adds": True}}},
            "$.metrics.smb.net_customer_adds",
            "expected a number, got true",
        ),
        ({"partner_id": "x", "metrics": {"enterprize": {}}}, "$.metrics.enterprize", "did you mean 'enterprise'"),
        (
            {"partner_id": "x", "metrics": {"smb": {"net_customer_add": 1}}},
            "$.metrics.smb.net_customer_add",
            "did you mean 'net_customer_adds'",
        ),
        (
            {"partner_id": "x", "metrics": {"smb": {"usage_growth": {"dpor": 1}}}},
            "$.metrics.smb.usage_growth.dpor",
            "smb does not read this association option of usage_growth: it reads cpor, csp",
        ),
        (
            {"partner_id": "x", "metrics": {"smb": {"usage_growth": 5}}},
            "$.metrics.smb.usage_growth",
            "one number per association option",
        ),
        ({"partner_id": "x", "peeple": []}, "$.peeple", "did you mean 'people'"),
        ({"partner_id": "x", "people": [{"id": "a"}, {"id": "a"}]}, "$.people[1].id", "already used by $.people[0]"),
        ({"partner_id": "x", "people": [{"certifications": []}]}, "$.people[0].id", "required key is missing"),
        ({"partner_id": "x", "people": [{"id": "  "}]}, "$.people[0].id", "cannot be empty"),
        ({"partner_id": "x", "as_of": "2024-02-30"}, "$.as_of", "not a valid date"),
        (
            {"partner_id": "x", "people": [{"id": "a", "certifications": [{"name": "MS-700", "earned": "soon"}]}]},
            "$.people[0].certifications[0].earned",
            "not a valid date",
        ),
        (
            {
                "partner_id": "x",
                "people": [{"id": "a", "certifications": [{"name": "MS-700", "expirs": "2025-01-01"}]}],
            },
            "$.people[0].certifications[0].expirs",
            "did you mean 'expires'",
        ),
        ({"people": []}, "$.partner_id", "required key is missing"),
        ({"partner_id": ""}, "$.partner_id", "cannot be empty"),
        ({"partner_id": " \t"}, "$.partner_id", "cannot be empty"),
        (mwrules.Partner(partner_id="  "), "$.partner_id", "cannot be empty"),
        # invisible characters alone, as person and tenant ids of them are (hostile run 26)
        ({"partner_id": "\u200b"}, "$.partner_id", "cannot be empty"),
        ({"partner_id": " \ufeff\u2060 "}, "$.partner_id", "cannot be empty"),
        (mwrules.Partner(partner_id="\u200b"), "$.partner_id", "cannot be empty"),
    ],
)
def test_each_kind_of_bad_input_is_reported_at_its_path(document: object, where: str, says: str):
    """The problem is reported at its JSON path, with a suggestion where one exists."""
    found = problems(document)

    assert where in found, found
    assert says in found[where]


@pytest.mark.parametrize(
    ("usage_growth", "where", "says"),
    [
        (
            {"azur": 6250.5},
            "$.metrics.smb.usage_growth.azur",
            "unknown part for usage_growth on smb did you mean 'azure'?",
        ),
        (6250.5, "$.metrics.smb.usage_growth", "expected one number per part: {azure, m365}"),
    ],
    ids=["unknown-part", "a-number-for-parts"],
)
def test_a_metric_of_parts_with_amounts_names_a_mistake_in_its_parts(usage_growth: object, where: str, says: str):
    """Security's usage growth (USD and users) is checked as Modern Work's association options are."""
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": {"smb": {"usage_growth": usage_growth}}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="security")

    found = {problem.where: f"{problem.message} {problem.suggestion or ''}" for problem in caught.value.problems}
    assert where in found, found
    assert says in found[where]


def test_an_unknown_option_of_one_metric_does_not_move_the_next_metrics_problems():
    """A metric after one with an unknown option had its problems placed under it (`usage_growth.cpor.deployments`)."""
    metrics = {"smb": {"usage_growth": {"cpor": 1}, "deployments": {"csp": 1}}}
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": metrics}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="security")

    found = [problem.where for problem in caught.value.problems]
    assert ["$.metrics.smb.usage_growth.cpor", "$.metrics.smb.deployments.csp"] == found


@pytest.mark.parametrize(
    ("amount", "says"),
    [("12500", "expected a number, got text '12500'"), (float("nan"), "expected a finite number, got a number nan")],
    ids=["text", "nan"],
)
def test_a_wrong_value_where_an_amount_goes_is_not_said_to_need_a_whole_number(amount: object, says: str):
    """Security's Azure usage growth is USD with decimals: text or NaN there is not a number, whole or not."""
    metrics = {"smb": {"usage_growth": {"azure": amount, "m365": 300}}}
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": metrics}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="security")

    assert [(problem.where, problem.message) for problem in caught.value.problems] == [
        ("$.metrics.smb.usage_growth.azure", says)
    ]


@pytest.mark.parametrize(
    ("amount", "read"),
    [(Decimal("12500.5"), Fraction(25001, 2)), (Decimal("12500"), 12500), (Decimal("1.2500000"), Fraction(5, 4))],
)
def test_a_decimal_from_python_is_read_exactly_where_a_number_goes(amount: Decimal, read: object):
    """A Decimal was "expected a number, got Decimal('12500.5')": it is the exact decimal a document writes."""
    metrics = {"smb": {"usage_growth": {"azure": amount, "m365": 300}, "net_customer_adds": {"azure": Decimal(3)}}}
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": metrics}

    verdict = mwrules.evaluate(document, ruleset="security")

    assert verdict.paths["smb"].metrics["usage_growth"].inputs["azure"] == read
    assert verdict.paths["smb"].metrics["net_customer_adds"].inputs["azure"] == 3


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        (Decimal("NaN"), "expected a finite number, got Decimal('NaN')"),
        (Decimal("-Infinity"), "expected a finite number, got Decimal('-Infinity')"),
        (Decimal("0.1234567"), "0.1234567 has more than 6 decimal places"),
        (Decimal("1E-999999999"), "1E-999999999 has more than 6 decimal places"),
        (Decimal("1E+999999999"), "1E+999999999 is beyond any real measure (at most 1,000,000,000,000,000 either way)"),
    ],
)
def test_a_decimal_from_python_is_checked_as_a_written_number(amount: Decimal, says: str):
    """NaN, too many places or a huge exponent are refused at once (10**999999999 is never built)."""
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": {"smb": {"usage_growth": {"azure": amount}}}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="security")

    assert [(problem.where, problem.message) for problem in caught.value.problems] == [
        ("$.metrics.smb.usage_growth.azure", says)
    ]


def test_a_part_the_path_does_not_read_is_named_as_such_not_as_unknown():
    """Modern Work's enterprise path scores usage growth from cpor and dpor: a csp amount there is not read."""
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": {"enterprise": {"usage_growth": {"csp": 500}}}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document)

    [problem] = [problem for problem in caught.value.problems if problem.where.endswith("usage_growth.csp")]
    assert (problem.code, problem.message, problem.suggestion) == (
        "MW204",
        "enterprise does not read this association option of usage_growth: it reads cpor, dpor",
        None,
    )


def test_all_problems_are_reported_together():
    """Several mistakes give one error that lists each of them."""
    found = problems({"partner_id": 1, "peeple": [], "metrics": {"enterprize": {}, "smb": {"deployments": 2}}})

    assert {"$.partner_id", "$.peeple", "$.metrics.enterprize", "$.metrics.smb.deployments"} <= set(found)


def test_an_unknown_certification_is_a_warning_not_an_error():
    """A name that matches no certification is listed in the warnings, with a hint."""
    verdict = mwrules.evaluate({"partner_id": "x", "people": [{"id": "a", "certifications": ["MS-7000"]}]})

    assert any("$.people[0].certifications[0]" in w and "MS-7000" in w for w in verdict.warnings)


def test_an_evaluation_suggests_a_near_miss_for_the_first_hundred_distinct_unknown_names():
    """8,000 distinct misspelt names once took 14 s of "did you mean" searches; each is still warned of."""
    names = [f"Teams Administrater Associate {number}" for number in range(300)]
    people = [{"id": f"p{index}", "certifications": [name]} for index, name in enumerate(names)]

    verdict = mwrules.evaluate({"partner_id": "x", "as_of": "2026-11-28", "people": people})

    unknown = [warning for warning in verdict.warnings if "is not a certification of" in warning]
    hinted = [warning for warning in unknown if "(did you mean 'Teams Administrator Associate'?)" in warning]
    assert len(unknown) == 300
    assert len(hinted) == 100  # mwrules.errors.SUGGESTIONS


def test_a_name_past_one_evaluations_suggestions_gets_its_own_in_the_next():
    """What a name comes to is kept between evaluations, except a "did you mean": each evaluation has its own 100."""
    names = [f"Teams Administrater Associate {number}" for number in range(101)]
    people = [{"id": f"p{index}", "certifications": [name]} for index, name in enumerate(names)]
    mwrules.evaluate({"partner_id": "x", "as_of": "2026-11-28", "people": people})

    alone = {"partner_id": "y", "as_of": "2026-11-28", "people": [{"id": "a", "certifications": [names[-1]]}]}
    verdict = mwrules.evaluate(alone)

    assert any("(did you mean 'Teams Administrator Associate'?)" in warning for warning in verdict.warnings)


def test_the_spellings_are_prepared_for_near_misses_once_not_at_every_evaluation(monkeypatch: pytest.MonkeyPatch):
    """Preparing every spelling at each evaluation with an unknown name once made a typical partner a third slower."""
    document = {"partner_id": "x", "as_of": "2026-11-28", "people": [{"id": "a", "certifications": ["MS-7000"]}]}
    mwrules.evaluate(document)
    prepared: list[str] = []
    set_seq2 = difflib.SequenceMatcher.set_seq2

    def counted(self: difflib.SequenceMatcher[str], name: str) -> None:
        prepared.append(name)
        set_seq2(self, name)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq2", counted)

    verdicts = [mwrules.evaluate(document) for _ in range(3)]

    assert prepared == []
    assert all(any("(did you mean" in warning for warning in verdict.warnings) for verdict in verdicts)


def test_missing_paths_and_options_count_as_zero_and_are_listed():
    """A missing path or option counts as 0 and says so in the warnings."""
    verdict = mwrules.evaluate({"partner_id": "x", "metrics": {"smb": {"usage_growth": {"cpor": 10}}}})

    assert any(w.startswith("$.metrics.enterprise: missing") for w in verdict.warnings)
    assert any(w.startswith("$.metrics.smb.usage_growth.csp: missing") for w in verdict.warnings)
    assert any(w.startswith("$.metrics.smb.net_customer_adds: missing") for w in verdict.warnings)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mwrules.cli", *args], input=stdin, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"partner_id": "x", "people": [', "not valid JSON"),
        ('{"partner_id": "x", "partner_id": "y"}', "appears twice"),
        ("[1, 2]", "must be an object"),
    ],
)
def test_malformed_json_exits_2_without_a_traceback(tmp_path, text: str, says: str):
    """Malformed documents exit with status 2 and a clear message on stderr."""
    path = tmp_path / "partner.json"
    path.write_text(text)

    result = run_cli("evaluate", str(path))

    assert 2 == result.returncode
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_yaml_errors_carry_file_and_line(tmp_path):
    """A problem in a YAML partner file names the file and the line."""
    path = tmp_path / "partner.yaml"
    path.write_text("partner_id: x\nmetrics:\n  smb:\n    net_customer_add: 3\n")

    result = run_cli("evaluate", str(path))

    assert 2 == result.returncode
    assert f"{path}:4: $.metrics.smb.net_customer_add: MW204 unknown metric" in result.stderr
    assert "did you mean 'net_customer_adds'?" in result.stderr


def test_stdin_is_read_with_a_dash():
    """`-` reads the partner document from standard input."""
    result = run_cli("evaluate", "-", "--format", "json", stdin=json.dumps({"partner_id": "piped"}))

    assert 0 == result.returncode
    assert "piped" == json.loads(result.stdout)["partner_id"]


def test_expiry_before_earning_is_caught_in_yaml_dates_too(tmp_path):
    """YAML reads dates as date objects; an expiry before the earning date is still an error."""
    path = tmp_path / "partner.yaml"
    lines = ["partner_id: x", "people:", "  - id: a", "    certifications:"]
    lines.append("      - {name: MS-700, earned: 2024-05-01, expires: 2023-01-01}")
    path.write_text("\n".join(lines) + "\n")

    result = run_cli("evaluate", str(path))

    assert 2 == result.returncode
    assert (
        "$.people[0].certifications[0].expires: MW203 expires (2023-01-01) before it was earned (2024-05-01)"
        in result.stderr
    )


def test_partner_objects_are_checked_like_documents():
    """An empty or repeated person id in a Partner built in Python is reported as in a document."""
    partner = mwrules.Partner(
        partner_id="x", as_of=None, people=(mwrules.Person(" "), mwrules.Person("a"), mwrules.Person("a"))
    )

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(partner)

    assert [("$.people[0].id", "MW202"), ("$.people[2].id", "MW201")] == [
        (problem.where, problem.code) for problem in caught.value.problems
    ]


def test_a_partner_file_that_is_not_utf8_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "partner.yaml"
    path.write_bytes(b"partner_id: caf\xe9\n")

    result = run_cli("evaluate", str(path))

    assert 2 == result.returncode
    assert f"{path}:1: $: MW001 cannot read the partner file: it is not UTF-8 text (byte 16, line 1)" in result.stderr


@pytest.mark.parametrize(
    ("ruleset", "metric", "says"),
    [
        ("security", "net_customer_adds", "expected one number per part: {azure, m365}, got [5, 4]"),
        ("modern-work", "usage_growth", "expected one number per association option: {cpor, dpor}, got [5, 4]"),
    ],
)
def test_a_list_where_a_metrics_parts_go_is_one_problem_naming_the_parts(ruleset: str, metric: str, says: str):
    """It was two problems at one place: "expected a number, got a list", then azure and m365 as association options."""
    document = {"partner_id": "x", "as_of": "2026-08-15", "metrics": {"enterprise": {metric: [5, 4]}}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset=ruleset)

    assert [problem.message for problem in caught.value.problems] == [says]


def test_a_fact_no_shipped_ruleset_reads_is_said_so():
    """'no ruleset reads a fact named share' was said beside a ruleset file that reads it (diff from that file)."""
    document = {"partner_id": "x", "as_of": "2026-08-15", "facts": {"smb_customer_shar": 85}}

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(document, ruleset="security")

    [problem] = [problem for problem in caught.value.problems if problem.where == "$.facts.smb_customer_shar"]
    # the same words under every ruleset: evaluate_designations reports a problem the designations share once
    assert problem.message == "no shipped ruleset reads a fact named 'smb_customer_shar'"
    assert problem.suggestion == "did you mean 'smb_customer_share'?"

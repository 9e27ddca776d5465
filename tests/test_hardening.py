"""No input, partner or ruleset, crashes the process, hangs it, leaks, or gives a wrong verdict."""

from __future__ import annotations

import collections
import contextlib
import copy
import datetime
import enum
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
import types
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import mwrules
from mwrules import (
    Certification,
    InputError,
    Limits,
    Partner,
    Person,
    RulesetError,
    codes,
    partner_center,
)
from mwrules._evaluation import engine as _engine
from mwrules._evaluation import evaluate as _evaluate
from mwrules._evaluation.compile import compile_ruleset
from mwrules._input import documents as _documents
from mwrules._input import download_values, import_designations, text, usage_rows
from mwrules._input import yaml_reading as _yaml_reading
from mwrules.ruleset import check, structure


ROOT = Path(__file__).parents[1]
RULESET_2023 = ROOT / "rulesets" / "modern-work" / "2023-06.yaml"
#: The shipped versions as written before the vocabulary (targets, measure, level): edited by the tests of limits
SHORTHAND = ROOT / "tests" / "data" / "shorthand" / "modern-work"
SMB = {"smb": {"net_customer_adds": 6, "usage_growth": {"cpor": 400, "csp": 0}, "deployments": {"cpor": 3, "csp": 0}}}


def ruleset_data() -> dict[str, Any]:
    return yaml.safe_load((SHORTHAND / "2023-06.yaml").read_text())


def problems_of(call: Any, *args: Any, **kwargs: Any) -> list[mwrules.Problem]:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return list(caught.value.problems)


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mwrules.cli", *args], input=stdin, capture_output=True, check=False, timeout=timeout
    )


# Wrong or missing verdicts -------------------------------------------------------


ODD_TARGETS = [7, 11, 13, 1009, 4001, 17, 19, 23, 29, 31, 503, 2003, 37, 41]


def with_targets(targets: list[int]) -> dict[str, Any]:
    """The 2023-06 ruleset with every target replaced, in order, by *targets* (cycled)."""
    data = ruleset_data()
    numbers = itertools.cycle(targets)
    for path in data["paths"]:
        for metric_id, target in path["targets"].items():
            if isinstance(target, dict):
                path["targets"][metric_id] = {option: next(numbers) for option in target}
            else:
                path["targets"][metric_id] = next(numbers)
    return data


def test_lint_refuses_points_too_fine_to_compare_exactly():
    """Such targets once overflowed the engine's integers and reported 7.58 points as QUALIFIED."""
    ruleset, _ = structure(with_targets(ODD_TARGETS))
    assert ruleset is not None

    found = check(ruleset)

    assert [codes.POINTS_TOO_FINE] == [problem.code for problem in found]
    assert found[0].where.startswith("$.paths[")


def test_a_target_of_10_to_the_30_is_past_the_target_limit():
    """It once overflowed the engine's integers; now no target that large passes lint."""
    ruleset, _ = structure(with_targets([10**30]))
    assert ruleset is not None

    found = check(ruleset)

    assert found
    assert {problem.code for problem in found} == {codes.LIMIT}


def with_customer_setting(key: str, months: int) -> dict[str, Any]:
    data = yaml.safe_load((SHORTHAND / "2026-01.yaml").read_text())
    data["customer_data"][key] = months
    return data


@pytest.mark.parametrize("key", ["reference_month_lag", "months_back", "new_association_months"])
def test_a_customer_data_month_count_past_ten_years_is_refused_when_the_ruleset_loads(key: str):
    """new_association_months: 99999999999999 passed lint and then took gigabytes on any partner with customer data."""
    ruleset, _ = structure(with_customer_setting(key, 99_999_999_999_999))
    assert ruleset is not None

    found = check(ruleset)

    assert [(problem.where, problem.code) for problem in found] == [(f"$.customer_data.{key}", codes.LIMIT)]
    with pytest.raises(RulesetError, match="MW007"):
        mwrules.evaluate(ROOT / "examples" / "customer-data.yaml", ruleset=ruleset)


@pytest.mark.parametrize("key", ["reference_month_lag", "months_back", "new_association_months"])
def test_a_customer_data_month_count_of_ten_years_is_accepted(key: str):
    ruleset, _ = structure(with_customer_setting(key, 120))
    assert ruleset is not None

    assert check(ruleset) == []


@pytest.mark.parametrize(
    ("metric", "target", "where"),
    [
        ("intermediate_certifications", 1_001, "$.paths[1].targets.intermediate_certifications"),
        ("net_customer_adds", 100_001, "$.paths[1].targets.net_customer_adds"),
        ("usage_growth", {"cpor": 100_001, "csp": 2000}, "$.paths[1].targets.usage_growth.cpor"),
    ],
    ids=["people", "count", "option"],
)
def test_a_target_past_its_limit_is_refused_by_lint(metric: str, target: object, where: str):
    """A certified_people target sizes a timeline's evaluations, any other target a plan's search."""
    data = yaml.safe_load((SHORTHAND / "2026-01.yaml").read_text())
    data["paths"][1]["targets"][metric] = target
    ruleset, _ = structure(data)
    assert ruleset is not None

    assert [(problem.where, problem.code) for problem in check(ruleset)] == [(where, codes.LIMIT)]


def test_a_ruleset_built_in_python_is_checked_before_it_runs():
    ruleset, _ = structure(with_targets(ODD_TARGETS))

    with pytest.raises(RulesetError, match="MW114"):
        mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30"}, ruleset=ruleset)


def test_fine_but_exact_targets_give_the_exact_verdict():
    """Targets that lint accepts, however odd, score exactly: 0.91 points in a metric fails the pass rule."""
    data = with_targets([7, 11, 13, 17, 19, 23, 29, 31])
    ruleset, _ = structure(data)
    assert ruleset is not None
    assert [] == check(ruleset)
    metrics = {path["id"]: {} for path in data["paths"]}

    verdict = mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30", "metrics": metrics}, ruleset=ruleset)

    assert not verdict.qualified
    assert Fraction(0) == verdict.score


def test_non_ascii_level_names_evaluate():
    """The rules and the facts reach the engine in the same encoding (once: "reached no verdict")."""
    data = ruleset_data()
    for metric in data["metrics"]:
        if metric.get("level") == "advanced":
            metric["level"] = "avancé"
    data["default_costs"]["avancé_person"] = data["default_costs"].pop("advanced_person")
    ruleset, _ = structure(data)
    assert ruleset is not None

    verdict = mwrules.evaluate(
        {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "ann", "certifications": ["MS-102"]}]},
        ruleset=ruleset,
    )

    assert Fraction(15) == verdict.paths["smb"].metrics["advanced_certifications"].points


@pytest.mark.parametrize(
    ("written", "read"),
    [("010", 10), ("0o10", 8), ("0x10", 16), ("+7", 7)],
)
def test_yaml_numbers_are_read_as_people_read_them(written: str, read: int):
    document = _documents.parse(f"partner_id: x\nmetrics: {{smb: {{net_customer_adds: {written}}}}}\n")

    assert read == document.data["metrics"]["smb"]["net_customer_adds"]


@pytest.mark.parametrize("text", ["1:30", "yes", "no", "on", "off", "2024-06-30", "1_000"])
def test_yaml_1_1_forms_are_text(text: str):
    """YAML 1.1 read 1:30 as 90, yes/no as booleans and dates as dates; YAML 1.2 reads text."""
    document = _documents.parse(f"value: {text}\n")

    assert text == document.data["value"]


def test_a_sexagesimal_metric_is_a_problem_not_ninety():
    problems = problems_of(
        mwrules.load_partner, _documents.parse("partner_id: x\nmetrics: {smb: {net_customer_adds: 1:30}}\n")
    )

    assert ["$.metrics.smb.net_customer_adds"] == [problem.where for problem in problems]
    assert "'1:30'" in problems[0].message


@pytest.mark.parametrize(
    ("people", "metric", "where"),
    [
        ((), "6", "$.metrics.smb.net_customer_adds"),
        ((), 2.5, "$.metrics.smb.net_customer_adds"),
        ((), True, "$.metrics.smb.net_customer_adds"),
        ((), float("nan"), "$.metrics.smb.net_customer_adds"),
        ((), 10**5000, "$.metrics.smb.net_customer_adds"),
        ((Person(1),), 6, "$.people[0].id"),  # type: ignore[arg-type]
        ((Person(None),), 6, "$.people[0].id"),  # type: ignore[arg-type]
        ((Person("a", ("MS-700", 7)),), 6, "$.people[0].certifications"),  # type: ignore[arg-type]
        ((Person("a", (Certification("MS-700", earned="2024-01-01"),)),), 6, None),  # type: ignore[arg-type]
        (("ann",), 6, "$.people[0]"),
    ],
    ids=["text", "fraction", "bool", "nan", "huge", "id-1", "id-none", "cert-7", "date-as-text", "person-as-text"],
)
def test_partner_objects_get_the_checks_documents_get(people: tuple[Any, ...], metric: object, where: str | None):
    partner = Partner(
        partner_id="x", as_of=datetime.date(2024, 6, 30), people=people, metrics={"smb": {"net_customer_adds": metric}}
    )  # type: ignore[dict-item]

    if where is None:  # a date written as text is what a document gives: accepted
        assert mwrules.evaluate(partner).paths["smb"].metrics["intermediate_certifications"].people == ("a",)
        return
    problems = problems_of(mwrules.evaluate, partner)

    assert all(problem.code is not None for problem in problems)
    assert any(problem.where.startswith(where) for problem in problems), problems


class Boastful(int):
    """An int that compares above everything and calls itself small."""

    def __lt__(self, other: object) -> bool:
        return False

    def __le__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True

    def __ge__(self, other: object) -> bool:
        return True

    def __abs__(self) -> int:
        return 0


class Whole(float):
    def is_integer(self) -> bool:
        return True


def boastful_metrics(count: int) -> dict[str, Any]:
    usage = {"cpor": Whole(400.0), "csp": 0}
    return {"smb": {"net_customer_adds": Boastful(count), "usage_growth": usage, "deployments": {"cpor": 3, "csp": 0}}}


@pytest.mark.parametrize("given", ["mapping", "partner"])
def test_a_number_subclass_from_python_counts_as_the_number_it_holds(given: str):
    """Boastful(1) once scored the 20 points of a met target, not the 2 points of one customer."""
    metrics = boastful_metrics(1)
    as_of = datetime.date(2026, 11, 28)
    partner: object = (
        {"partner_id": "x", "as_of": str(as_of), "metrics": metrics}
        if given == "mapping"
        else Partner(partner_id="x", as_of=as_of, metrics=metrics)
    )

    result = mwrules.evaluate(partner).paths["smb"].metrics  # type: ignore[arg-type]

    assert result["net_customer_adds"].points == 2
    assert type(result["net_customer_adds"].inputs["value"]) is int
    assert type(result["usage_growth"].inputs["cpor"]) is int


def test_a_number_subclass_cannot_hide_a_measure_beyond_the_bound():
    found = problems_of(mwrules.evaluate, {"partner_id": "x", "metrics": boastful_metrics(10**30)})

    assert [(problem.where, problem.code) for problem in found] == [
        ("$.metrics.smb.net_customer_adds", codes.INVALID_VALUE)
    ]


class Agreeable(str):
    """A str that equals everything and hashes as nothing else does."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


def test_a_text_subclass_in_customer_data_reads_as_the_text_it_holds():
    """A workload given as a str subclass with its own __eq__ and __hash__ once raised KeyError from the reader."""
    usage = [{"month": "2026-10", "workload": Agreeable("Teams"), "paid_seats": 400, "active_users": 310}]
    customers = [{"tenant": Agreeable("t1"), "associations": [{"type": "CPOR", "since": "2024-03-15"}], "usage": usage}]

    verdict = mwrules.evaluate({"partner_id": "x", "as_of": "2026-11-28", "customers": customers})

    assert verdict.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 310, "dpor": 0}


class Workload(str, enum.Enum):  # noqa: UP042 - what services hold: its str() is "Workload.INTUNE", StrEnum's its value
    """A workload name as a service may keep it."""

    INTUNE = "Intune"


@pytest.mark.parametrize("month", ["2026-10", Agreeable("2026-10")])
def test_a_text_subclass_after_the_plain_text_it_holds_reads_as_that_text(month: str):
    """Run 38: the one pass matched the enum to the plain name's row, then str() gave 'Workload.INTUNE': KeyError,
    and evaluate_many stopped at that document."""

    def document(workload: str, month: str) -> dict[str, Any]:
        rows = [{"month": "2025-10", "workload": "Intune", "paid_seats": 400, "active_users": 100},
                {"month": month, "workload": workload, "paid_seats": 400, "active_users": 300}]  # fmt: skip
        customer = {"tenant": "t1", "associations": [{"type": "CPOR", "since": "2020-01-01"}], "usage": rows}
        return {"partner_id": "p", "as_of": "2026-11-28", "customers": [customer]}

    plain = mwrules.evaluate(document("Intune", "2026-10"))
    results = list(mwrules.evaluate_many([document("Intune", "2026-10"), document(Workload.INTUNE, month)], jobs=1))

    assert mwrules.evaluate(document(Workload.INTUNE, month)).paths == plain.paths
    assert [result.ok for result in results] == [True, True]
    assert plain.paths["enterprise"].metrics["usage_growth"].inputs == {"cpor": 200, "dpor": 0}


def _nested(document: dict[str, Any], place: str) -> dict[str, Any]:
    """*document* with the mapping at *place* made another kind of mapping, as a service may hold it."""
    changed = copy.deepcopy(document)
    if place == "person":
        changed["people"][0] = types.MappingProxyType(changed["people"][0])
    elif place == "metrics":
        changed["metrics"] = collections.ChainMap(changed["metrics"])
    elif place == "option map":
        changed["metrics"]["smb"]["usage_growth"] = collections.UserDict(changed["metrics"]["smb"]["usage_growth"])
    elif place == "customer":
        changed["customers"][0] = types.MappingProxyType(changed["customers"][0])
    elif place == "usage row":
        changed["customers"][0]["usage"][0] = types.MappingProxyType(changed["customers"][0]["usage"][0])
    elif place == "people a tuple":
        changed["people"] = tuple(types.MappingProxyType(person) for person in changed["people"])
    return changed


@pytest.mark.parametrize(
    ("example", "place"),
    [
        ("near-miss", "person"),
        ("near-miss", "metrics"),
        ("near-miss", "option map"),
        ("near-miss", "people a tuple"),
        ("customer-data", "customer"),
        ("customer-data", "usage row"),
    ],
)
def test_a_mapping_that_is_not_a_dict_reads_as_a_dict_at_any_depth(example: str, place: str):
    """Run 38: below the top level a MappingProxyType, a ChainMap or a UserDict was MW006 'expected an object'."""
    document = yaml.safe_load((ROOT / "examples" / f"{example}.yaml").read_text(encoding="utf-8"))

    assert mwrules.evaluate(_nested(document, place)).paths == mwrules.evaluate(document).paths


def test_a_partner_object_holding_other_mappings_reads_as_with_dicts():
    partner = mwrules.load_partner(yaml.safe_load((ROOT / "examples" / "near-miss.yaml").read_text(encoding="utf-8")))
    proxies = {path: types.MappingProxyType(dict(metrics)) for path, metrics in partner.metrics.items()}

    assert mwrules.evaluate(attrs.evolve(partner, metrics=proxies)).paths == mwrules.evaluate(partner).paths


def test_mappings_nested_past_the_limit_are_refused_not_a_recursion_error():
    deep: Any = {"id": "a"}
    for _ in range(5_000):
        deep = types.MappingProxyType({"x": deep})

    with pytest.raises(mwrules.InputError) as caught:
        mwrules.evaluate({"partner_id": "p", "people": [deep]})

    assert codes.LIMIT in str(caught.value)


def test_a_person_given_as_a_mapping_reads_as_in_a_document():
    partner = Partner(
        partner_id="x", as_of=datetime.date(2024, 6, 30), people=({"id": "a", "certifications": ["MS-700"]},)
    )  # type: ignore[arg-type]

    assert ("a",) == mwrules.evaluate(partner).paths["smb"].metrics["intermediate_certifications"].people


def test_person_ids_that_differ_in_case_or_spaces_are_one_person():
    people = [{"id": "p1", "certifications": ["MS-700"]}, {"id": "P1"}, {"id": "p1 "}]

    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "people": people})

    assert ["$.people[1].id", "$.people[2].id"] == [problem.where for problem in problems]
    assert {codes.DUPLICATE_PERSON} == {problem.code for problem in problems}
    assert "ids ignore case, spaces around them and invisible characters" in problems[0].message


def test_surrounding_spaces_are_not_part_of_a_person_id():
    document = {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "  ann ", "certifications": ["MS-700"]}]}

    verdict = mwrules.evaluate(document)

    assert ("ann",) == verdict.paths["smb"].metrics["intermediate_certifications"].people


# Crashes and tracebacks -------------------------------------------------------


def test_a_person_id_past_the_text_limit_is_refused():
    document = {"partner_id": "x", "people": [{"id": "a" * 16 * 2**20}]}

    problems = problems_of(mwrules.evaluate, document)

    assert [("$.people[0].id", codes.LIMIT)] == [(problem.where, problem.code) for problem in problems]
    assert len(str(problems[0])) < 300


def test_person_ids_never_reach_the_engine():
    """A 16 MiB id (once a segfault: the engine's property limit) evaluates when the caller allows it."""
    big = "é" * 9 * 2**20
    document = {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": big, "certifications": ["MS-700"]}]}

    verdict = mwrules.evaluate(document, limits=Limits(max_text_length=2**25))

    assert (big,) == verdict.paths["smb"].metrics["intermediate_certifications"].people


HOSTILE_YAML = {
    "impossible-date": b"partner_id: x\nas_of: 2024-02-30\n",
    "month-13": b"partner_id: x\nas_of: 2024-13-01\n",
    "year-0": b"partner_id: x\nas_of: 0000-01-01\n",
    "null-key": b"partner_id: x\nnull: 1\n",
    "number-key": b"partner_id: x\n1: 1\n",
    "list-key": b"partner_id: x\n? [a]\n: 1\n",
    "unknown-tag": b"partner_id: !foo x\n",
    "python-tag": b"partner_id: !!python/object:os.system x\n",
    "merge-key": b"partner_id: x\n<<: 5\n",
    "control-character": b"partner_id: x\x01\n",
    "not-utf8": b"partner_id: caf\xe9\n",
    "self-alias": b"partner_id: x\npeople: &a [*a]\n",
    "deep": b"partner_id: x\npeople: " + b"[" * 600 + b"]" * 600 + b"\n",
    "huge-int": b"partner_id: x\nmetrics: {smb: {net_customer_adds: " + b"9" * 5000 + b"}}\n",
    "lone-surrogate": b'partner_id: x\npeople: [{id: "\\ud800"}]\n',
    "billion-laughs": (
        b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            b"%s: &%s [%s]\n" % (bytes([c]), bytes([c]), b", ".join([b"*" + bytes([c - 1])] * 10))
            for c in range(ord("b"), ord("j"))
        )
        + b"partner_id: *i\n"
    ),
    "binary": b"partner_id: !!binary aGVsbG8=\n",
    "two-documents": b"partner_id: x\n---\npartner_id: y\n",
}


@pytest.mark.parametrize("content", HOSTILE_YAML.values(), ids=HOSTILE_YAML.keys())
def test_hostile_yaml_is_a_problem_with_a_code(content: bytes):
    document = _documents.parse_bytes(content, source="p.yaml")
    problems = list(document.problems)
    if not problems:
        problems = problems_of(mwrules.load_partner, document)

    assert problems
    assert all(problem.code in codes.CODES for problem in problems), problems
    assert all(len(problem.message) < 300 for problem in problems)


@pytest.mark.parametrize("command", ["evaluate", "explain", "plan"])
@pytest.mark.parametrize("name", ["impossible-date", "unknown-tag", "self-alias", "lone-surrogate", "billion-laughs"])
def test_hostile_partner_files_exit_2_without_a_traceback(tmp_path: Path, command: str, name: str):
    path = tmp_path / "partner.yaml"
    path.write_bytes(HOSTILE_YAML[name])

    result = run_cli(command, str(path))

    assert 2 == result.returncode, result.stderr
    assert b"Traceback" not in result.stderr
    assert b": MW0" in result.stderr


def test_non_utf8_on_standard_input_exits_2():
    result = run_cli("evaluate", "-", stdin=b"partner_id: caf\xe9\n")

    assert 2 == result.returncode
    assert b"MW001 cannot read the partner document: it is not UTF-8 text" in result.stderr


def test_a_lone_surrogate_is_refused_where_it_is():
    document = {"partner_id": "x", "people": [{"id": "\ud800"}]}

    problems = problems_of(mwrules.evaluate, document)

    assert [("$.people[0].id", codes.INVALID_VALUE)] == [(problem.where, problem.code) for problem in problems]
    assert "lone surrogate" in problems[0].message


@pytest.mark.parametrize("command", ["lint", "test"])
def test_an_impossible_date_in_a_ruleset_is_a_problem(tmp_path: Path, command: str):
    text = RULESET_2023.read_text().replace("effective_from: 2023-06-12", "effective_from: 2023-02-30")
    path = tmp_path / "2023-06.yaml"
    path.write_text(text)

    result = run_cli(command, str(path))

    assert result.returncode in (1, 2)
    assert b"Traceback" not in result.stdout + result.stderr
    assert b"$.manifest.effective_from: MW006 '2023-02-30' is not a valid date" in result.stdout


def test_a_failure_before_the_facts_reach_the_engine_is_not_masked():
    """Once, deleting a session that was never made raised "error code: 309" over the real error."""
    rules = _engine.CompiledRuleset(
        "test-masked@1", [_engine.Rule("r", {"all": [{"m": {"t": "x"}}]}, 0, lambda s, m: {})]
    )

    def interrupted(session: _engine.Session) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rules.run([{"t": "x"}], interrupted)
    assert 1 == len(rules.run([{"t": "x"}]).firings)


def test_an_interrupt_just_after_the_engine_takes_a_batch_leaves_the_next_evaluation_intact(
    monkeypatch: pytest.MonkeyPatch,
):
    """Once, Ctrl-C (or a signal handler's exception) there left the batch in the engine: the next run failed."""
    rules = _engine.CompiledRuleset(
        "test-interrupted@1", [_engine.Rule("r", {"all": [{"m": {"t": "x"}}]}, 0, lambda s, m: {})]
    )
    taken = _engine._dre.assert_facts

    def taken_then_interrupted(*arguments: Any) -> Any:
        taken(*arguments)
        raise KeyboardInterrupt

    monkeypatch.setattr(_engine._dre, "assert_facts", taken_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        rules.run([{"t": "x"}])
    monkeypatch.undo()

    assert 1 == len(rules.run([{"t": "x"}]).firings)


# Hangs, leaks and resource use ----------------------------------------------------


def test_billion_laughs_is_refused_at_the_alias_limit():
    document = _documents.parse_bytes(HOSTILE_YAML["billion-laughs"], source="p.yaml")

    assert [codes.LIMIT] == [problem.code for problem in document.problems]
    assert "aliases repeat more than 10,000 values" in document.problems[0].message


def test_a_number_repeated_through_aliases_counts_toward_the_alias_limit():
    """10,001 aliases of one number are refused: each is built again (a 4,000-digit one took 20 s and 380 MB)."""
    text = "x: &n 7\npeople: [" + ", ".join(["*n"] * 10_001) + "]\n"

    document = _documents.parse(text)

    assert [codes.LIMIT] == [problem.code for problem in document.problems]
    assert "aliases repeat more than 10,000 values" in document.problems[0].message


def test_a_long_text_repeated_through_aliases_counts_once_per_text_length_characters():
    """2,000 aliases of a 5,000-character text count 12,000 values: checking each again is 10 MB of text."""
    text = "x: &s " + "A" * 5_000 + "\npeople: [" + ", ".join(["*s"] * 2_000) + "]\n"

    document = _documents.parse(text)

    assert [codes.LIMIT] == [problem.code for problem in document.problems]


def test_aliases_within_the_limit_are_read():
    document = _documents.parse("targets: &t {cpor: 1000}\nagain: *t\n")

    assert {"targets": {"cpor": 1000}, "again": {"cpor": 1000}} == document.data


@pytest.mark.parametrize("name", ["billion-laughs", "deep"])
def test_a_tiny_hostile_file_takes_neither_time_nor_memory(tmp_path: Path, name: str):
    """In a child capped at 1 GiB of address space and 60 s: a hang or a blow-up fails, never the machine."""
    path = tmp_path / "partner.yaml"
    path.write_bytes(HOSTILE_YAML[name])
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
        "from mwrules.cli import main; sys.exit(main(['evaluate', sys.argv[1]]))"
    )

    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, check=False, timeout=60)

    assert 2 == result.returncode, result.stderr


def _evaluate_customers_within(
    tmp_path: Path, customers: list[dict[str, Any]], *options: str, mib: int
) -> subprocess.CompletedProcess[bytes]:
    """``mwrules evaluate`` of a partner with *customers* (and *options*), in a process of at most *mib* MiB."""
    path = tmp_path / "partner.json"
    path.write_text(json.dumps({"partner_id": "p", "as_of": "2026-11-28", "customers": customers}))
    code = (
        f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({mib} * 2**20, {mib} * 2**20)); "
        "from mwrules.cli import main; sys.exit(main(['evaluate', *sys.argv[1:]]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path), *options], capture_output=True, check=False, timeout=120
    )


def test_thousands_of_tenants_evaluate_in_bounded_memory(tmp_path: Path):
    """8,000 tenants (1.4 MB): the engine holds a group of tenant facts at a time, not 30,000 facts of ~10 KB each."""
    customers = [
        {
            "tenant": f"t{n}",
            "associations": [{"type": "CPOR", "since": "2024-03-15"}],
            "usage": [
                {"month": "2026-10", "workload": "Teams", "paid_seats": 300 + n % 1000, "active_users": n % 1000}
            ],
        }
        for n in range(8000)
    ]
    result = _evaluate_customers_within(tmp_path, customers, mib=300)

    assert 0 == result.returncode, result.stderr


def test_the_json_of_a_verdict_of_thousands_of_tenants_is_written_in_bounded_memory(tmp_path: Path):
    """9,000 tenants (a 0.75 MB download): the 25 MB of JSON once went through a list of a million pieces (231 MiB)."""
    customers = [
        {
            "tenant": f"t{n:05d}",
            "associations": [{"type": "CPOR", "since": "2024-01-01"}],
            "usage": [{"month": "2026-10", "workload": "Teams", "paid_seats": 400, "active_users": 200}],
        }
        for n in range(9000)
    ]
    result = _evaluate_customers_within(tmp_path, customers, "--format", "json", mib=200)

    assert 0 == result.returncode, result.stderr[-500:]
    assert 9000 == json.loads(result.stdout)["paths"]["enterprise"]["metrics"]["net_customer_adds"]["inputs"]["value"]


def test_limits_are_settable_by_the_caller():
    document = {"partner_id": "x", "people": [{"id": f"p{n}"} for n in range(11)]}

    problems = problems_of(mwrules.evaluate, document, limits=Limits(max_people=10))

    assert [("$.people", codes.LIMIT)] == [(problem.where, problem.code) for problem in problems]
    assert "11 people, more than the limit of 10" in problems[0].message
    assert mwrules.evaluate(document, limits=Limits(max_people=11)).partner_id == "x"


_USAGE_CSV = ROOT / "examples" / "partner-center" / "cpor-m365-usage.csv"
_CUSTOMERS = ROOT / "examples" / "customer-data.yaml"
_ENTRY_POINTS = {
    "evaluate": lambda limits: mwrules.evaluate(str(_CUSTOMERS), limits=limits),
    "plan": lambda limits: mwrules.plan(str(_CUSTOMERS), limits=limits),
    "timeline of a mapping": lambda limits: mwrules.timeline(
        yaml.safe_load(_CUSTOMERS.read_text(encoding="utf-8")),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
        limits=limits,
    ),
    "read": lambda limits: partner_center.read(usage=[_USAGE_CSV], partner_id="c", limits=limits),
    "read_document": lambda limits: partner_center.read_document(usage=[_USAGE_CSV], partner_id="c", limits=limits),
    "evaluate_designations": lambda limits: mwrules.evaluate_designations(str(_CUSTOMERS), limits=limits),
    "evaluate_many": lambda limits: list(mwrules.evaluate_many([str(_CUSTOMERS)], limits=limits)),
}


@pytest.mark.parametrize("limits", [None, {"max_people": 10}], ids=["None", "dict"])
@pytest.mark.parametrize("call", _ENTRY_POINTS.values(), ids=_ENTRY_POINTS.keys())
def test_limits_of_another_type_are_a_type_error_naming_the_argument(call: Any, limits: object):
    """Run 38: timeline of a mapping and the usage import said "'NoneType' object has no attribute ..."."""
    with pytest.raises(TypeError, match=f"^limits must be a mwrules.Limits, not {type(limits).__name__}$"):
        call(limits)


def test_limits_on_the_command_line(tmp_path: Path):
    path = tmp_path / "partner.json"
    path.write_text(json.dumps({"partner_id": "x", "people": [{"id": "a"}, {"id": "b"}]}))

    refused = run_cli("evaluate", str(path), "--limit", "people=1")
    accepted = run_cli("evaluate", str(path), "--limit", "people=2")
    unknown = run_cli("evaluate", str(path), "--limit", "peple=2")

    assert 2 == refused.returncode
    assert b"MW007 2 people, more than the limit of 1 (raise the limit with --limit people=N)" in refused.stderr
    assert 0 == accepted.returncode
    assert 2 == unknown.returncode
    assert b"did you mean 'people'?" in unknown.stderr


def test_a_file_past_the_size_limit_is_not_read(tmp_path: Path):
    path = tmp_path / "partner.yaml"
    path.write_text("partner_id: x\n" + "# padding\n" * 200)

    problems = problems_of(mwrules.evaluate, path, limits=Limits(max_file_bytes=1000))

    assert [codes.LIMIT] == [problem.code for problem in problems]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
def test_a_child_forked_while_another_thread_evaluates_can_evaluate():
    """Once, the child waited forever on the engine lock the parent's thread held at fork()."""
    partner = {"partner_id": "x", "as_of": "2024-06-30", "people": [{"id": "a", "certifications": ["MS-102"]}]}
    stop = threading.Event()

    def evaluate_forever() -> None:
        while not stop.is_set():
            mwrules.evaluate(partner)

    worker = threading.Thread(target=evaluate_forever)
    worker.start()
    try:
        time.sleep(0.05)  # the worker is inside an evaluation most of the time
        statuses = []
        for _ in range(5):
            pid = os.fork()
            if pid == 0:  # the child: exit 0 with the right verdict, never hang
                try:
                    verdict = mwrules.evaluate(partner)
                    ok = verdict.paths["smb"].metrics["advanced_certifications"].points == 15
                finally:
                    os._exit(0 if ok else 1)
            statuses.append(_wait(pid, timeout=60))
    finally:
        stop.set()
        worker.join()

    assert [0] * 5 == statuses


def _wait(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return -1  # hung


def test_compiled_rulesets_are_bounded(tmp_path: Path):
    """Loading a ruleset per request once kept every compiled copy alive (500 loads: +42 MB)."""
    folder = tmp_path / "modern-work"
    folder.mkdir()
    (folder / "2023-06.yaml").write_text(RULESET_2023.read_text())
    partner = {"partner_id": "x", "as_of": "2024-06-30"}

    for _ in range(_evaluate.COMPILED_RULESETS_KEPT + 5):
        mwrules.evaluate(partner, ruleset=mwrules.load_ruleset(folder / "2023-06.yaml"))

    assert len(_evaluate._compiled) <= _evaluate.COMPILED_RULESETS_KEPT


def test_a_released_ruleset_registers_again_when_used():
    rules = _engine.CompiledRuleset(
        "test-release@1", [_engine.Rule("r", {"all": [{"m": {"t": "x"}}]}, 0, lambda s, m: {})]
    )
    rules.release()

    assert 1 == len(rules.run([{"t": "x"}]).firings)


NAMES_THAT_ARE_PATHS = [
    "/srv/rulesets/modern-work",
    "../..",
    "modern-work/../modern-work",
    str(ROOT / "rulesets" / "modern-work"),
]


@pytest.mark.parametrize("name", NAMES_THAT_ARE_PATHS)
def test_ruleset_names_select_shipped_rulesets_only(name: str):
    with pytest.raises(RulesetError) as caught:
        mwrules.evaluate({"partner_id": "x"}, ruleset=name)

    assert codes.UNKNOWN_RULESET == caught.value.problems[0].code
    assert "load_ruleset" in (caught.value.problems[0].suggestion or "")


# Messages -----------------------------------------------------------------------


def test_json_duplicate_keys_are_reported_at_their_path():
    document = _documents.parse('{"partner_id": "x", "people": [{"id": "a", "id": "b"}]}', fmt="json")

    assert ["$.people[0].id"] == [problem.where for problem in document.problems]


def test_json_may_start_with_a_byte_order_mark():
    document = _documents.parse_bytes('\ufeff{"partner_id": "x"}'.encode(), source="p.json")

    assert {"partner_id": "x"} == document.data


def test_a_huge_bad_value_is_not_echoed():
    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "as_of": "9" * 2**24})

    assert len(str(problems[0])) < 300


def test_an_unknown_ruleset_lists_each_shipped_ruleset_once():
    with pytest.raises(RulesetError) as caught:
        mwrules.evaluate({"partner_id": "x"}, ruleset="nothing-like-it")

    shipped = sorted(path.name for path in (ROOT / "rulesets").iterdir() if path.is_dir())
    assert "expected one of: " + ", ".join(map(repr, shipped)) == caught.value.problems[0].suggestion


def test_metrics_of_the_wrong_shape_say_so_in_words():
    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "metrics": {"smb": None, "enterprise": [1]}})

    assert all("NoneType" not in problem.message and "attribute" not in problem.message for problem in problems)
    assert {"$.metrics.smb", "$.metrics.enterprise"} == {problem.where for problem in problems}


def test_the_ruleset_data_is_not_changed_by_evaluating():
    data = ruleset_data()
    before = copy.deepcopy(data)
    ruleset, _ = structure(data)

    mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30", "metrics": SMB}, ruleset=ruleset)

    assert before == data


def test_the_name_cache_keeps_no_long_names():
    """300 distinct 1 MB names once kept 296 MB alive in the resolution cache."""
    compiled = compile_ruleset(mwrules.select_ruleset("modern-work@2023-06").ruleset)
    tracemalloc.start()
    try:
        for number in range(30):
            assert compiled.resolve(f"{number}" + "x" * 100_000) is None
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert held < 1_000_000


# Found by a second hostile run ------------------------------------------------


@pytest.mark.parametrize(
    "other",
    ["Jose\u0301", "José\u200b", "JOSÉ", "Jos\ufe0fé", "Jo\u034fsé"],
    ids=["decomposed", "zero-width-space", "upper", "variation-selector", "grapheme-joiner"],
)
def test_ids_that_read_the_same_are_one_person(other: str):
    """Once, "José" and "José" written with a combining accent counted as two people, and a partner qualified."""
    people = [{"id": "José", "certifications": ["MS-102"]}, {"id": other, "certifications": ["MS-102"]}]

    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "people": people})

    assert [("$.people[1].id", codes.DUPLICATE_PERSON)] == [(problem.where, problem.code) for problem in problems]


def test_a_folder_is_not_a_ruleset():
    """Once, a folder given as --ruleset silently evaluated under its oldest version."""
    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(RULESET_2023.parent)

    assert "2023-06.yaml, 2026-01.yaml" in caught.value.problems[0].message


def with_options(count: int) -> dict[str, Any]:
    data = ruleset_data()
    data["paths"][0]["targets"]["usage_growth"] = {f"option_{number}": 1000 for number in range(count)}
    data.pop("default_costs")
    # options that are not association types: usage growth is then given, never measured from customers
    next(metric for metric in data["metrics"] if metric["id"] == "usage_growth").pop("from_customers")
    return data


def test_more_options_than_the_engine_joins_are_refused_by_lint():
    """Once, 17 options passed lint, then every evaluation failed in the engine (error code 304)."""
    refused, _ = structure(with_options(17))
    accepted, _ = structure(with_options(16))
    assert refused is not None
    assert accepted is not None

    assert [codes.TOO_MANY_TO_JOIN] == [problem.code for problem in check(refused)]
    assert [] == check(accepted)
    assert mwrules.evaluate({"partner_id": "x", "as_of": "2024-06-30"}, ruleset=accepted).partner_id == "x"


def test_more_paths_than_the_engine_joins_are_refused_by_lint():
    data = ruleset_data()
    template = data["paths"][1]
    data["paths"] += [{**template, "id": f"smb_{number}"} for number in range(15)]
    data["scoring"]["path_preference"] = [path["id"] for path in data["paths"]]
    ruleset, _ = structure(data)
    assert ruleset is not None

    assert [("$.paths", codes.TOO_MANY_TO_JOIN)] == [(problem.where, problem.code) for problem in check(ruleset)]


def test_a_huge_file_limit_allocates_nothing_up_front(tmp_path: Path):
    result = run_cli("evaluate", str(ROOT / "examples" / "near-miss.yaml"), "--limit", "file-bytes=999999999999")

    assert 0 == result.returncode, result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["evaluate", str(ROOT / "examples" / "near-miss.yaml"), "--ruleset", "/" + "a" * 300 + ".yaml"],
        ["lint", "a" * 300],
        ["test", "a" * 300],
        ["diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", "a" * 5000],
    ],
    ids=["ruleset", "lint", "test", "diff"],
)
def test_a_name_too_long_for_the_system_is_a_plain_error(arguments: list[str]):
    result = run_cli(*arguments)

    assert 2 == result.returncode
    assert b"Traceback" not in result.stderr
    assert b"File name too long" in result.stderr + result.stdout


@pytest.mark.parametrize("want", ["[1, 2]", "null", "{paths: {smb: null}}", "qualified", "{paths: [smb]}"])
def test_a_case_whose_want_has_the_wrong_shape_is_a_problem(tmp_path: Path, want: str):
    folder = tmp_path / "modern-work"
    (folder / "cases" / "2023-06").mkdir(parents=True)
    (folder / "2023-06.yaml").write_text(RULESET_2023.read_text())
    (folder / "cases" / "2023-06" / "c.yaml").write_text(f"partner: {{partner_id: x}}\nwant: {want}\n")

    for command in ("lint", "test"):
        result = run_cli(command, str(folder))

        assert 1 == result.returncode, result.stdout
        assert b"Traceback" not in result.stderr
        assert b"c.yaml:2: $.want" in result.stdout


@pytest.mark.parametrize(
    ("document", "where", "says"),
    [
        ({"partner_id": "x", 1: 2}, "$", "keys must be text, not 1"),
        ({"partner_id": "x", "people": [{"id": "a", 5: 1}]}, "$.people[0]", "keys must be text"),
        ({"partner_id": "x", "people": ["alice"]}, "$.people[0]", "expected a person: an object with id"),
        ({"partner_id": "a\nb\x1b[31m"}, "$.partner_id", "control characters"),
        ({"partner_id": None}, "$.partner_id", "expected text, got null"),
        ({"partner_id": True}, "$.partner_id", "expected text, got true"),
    ],
)
def test_documents_built_in_python_get_plain_problems(document: dict[Any, Any], where: str, says: str):
    problems = problems_of(mwrules.evaluate, document)

    assert any(problem.where == where and says in problem.message for problem in problems), problems


def test_nesting_built_in_python_is_bounded():
    deep: list[Any] = []
    innermost = deep
    for _ in range(5000):
        innermost.append([])
        innermost = innermost[0]

    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "people": deep})

    assert [codes.LIMIT] == [problem.code for problem in problems]


@pytest.mark.parametrize("example", ["all-designations.yaml", "customer-data.yaml", "near-miss.yaml"])
def test_a_tighter_nesting_limit_holds_a_dict_as_it_holds_its_file(tmp_path: Path, example: str):
    """A dict was let through by the fast path of valid documents, whatever max_depth said: a certification as an
    object under max_depth=2 scored, where the same document as a file was MW007 (hostile run 36)."""
    data = yaml.safe_load((ROOT / "examples" / example).read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    for depth in range(1, 10):
        limits = mwrules.Limits(max_depth=depth)
        outcomes = []
        for given in (data, path):
            try:
                mwrules.evaluate(given, ruleset="modern-work", limits=limits)
            except mwrules.InputError as error:
                outcomes.append(sorted({problem.code for problem in error.problems}))
            else:
                outcomes.append([])
        assert outcomes[0] == outcomes[1], (depth, outcomes)


def test_plan_takes_limits_as_evaluate_and_timeline_do():
    """plan(by=...) eleven years ahead said to raise --limit timeline-days, which Python could not: plan took no
    limits (hostile run 36)."""
    partner = {"partner_id": "a", "as_of": "2024-06-30"}
    far = datetime.date(2035, 6, 30)
    with pytest.raises(mwrules.InputError, match="Limits"):
        mwrules.plan(partner, by=far)

    raised = mwrules.plan(partner, by=far, limits=mwrules.Limits(max_timeline_days=5000))

    assert raised.before.as_of == far
    with pytest.raises(mwrules.InputError):  # and the document's limits
        mwrules.plan({**partner, "people": [{"id": "x"}, {"id": "y"}]}, limits=mwrules.Limits(max_people=1))


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_points_that_are_not_finite_are_a_problem(tmp_path: Path, value: str):
    path = tmp_path / "2023-06.yaml"
    path.write_text(RULESET_2023.read_text().replace("max_points: 20", f"max_points: {value}", 1))

    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(path)

    assert "expected a finite number" in str(caught.value)


def test_a_tagged_scalar_that_is_not_its_type_says_so():
    document = _documents.parse('partner_id: !!int "x"\n')

    assert "'x' is not a whole number mwrules can read" in document.problems[0].message


def test_the_message_of_many_problems_is_bounded():
    people = [{"id": "same"} for _ in range(20_000)]

    with pytest.raises(InputError) as caught:
        mwrules.evaluate({"partner_id": "x", "people": people})

    assert 19_999 == len(caught.value.problems)
    assert len(str(caught.value)) < 100_000
    assert "... and 19,799 more" in str(caught.value)


@pytest.mark.parametrize("ruleset", [123, b"modern-work", {}])
def test_a_ruleset_of_the_wrong_type_is_a_type_error(ruleset: object):
    with pytest.raises(TypeError, match=r"ruleset must be a mwrules\.Ruleset"):
        mwrules.evaluate({"partner_id": "x"}, ruleset=ruleset)  # type: ignore[arg-type]


def test_utf16_without_a_byte_order_mark_is_named_as_such():
    document = _documents.parse_bytes('{"partner_id": "x"}'.encode("utf-16-le"), source="p.json")

    assert "it looks like UTF-16 or UTF-32" in document.problems[0].message


def test_a_long_version_name_is_not_echoed():
    with pytest.raises(RulesetError) as caught:
        mwrules.evaluate({"partner_id": "x"}, ruleset="modern-work@" + "9" * 5000)

    assert len(str(caught.value)) < 500


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda data: data.update(qualified=True), "$.qualified"),
        (lambda data: data.update(score_exact="99"), "$.score"),
        (lambda data: data.update(path="nowhere"), "$.path"),
        (
            lambda data: data["paths"]["smb"]["metrics"]["net_customer_adds"].update(points_exact="20"),
            "$.paths.smb.score",
        ),
        (
            lambda data: data["paths"]["smb"]["metrics"]["net_customer_adds"].update(points_exact="-1"),
            "$.paths.smb.metrics.net_customer_adds.points",
        ),
    ],
)
def test_a_verdict_read_from_json_must_agree_with_its_points(edit: Any, where: str):
    """Once, a near miss's JSON edited to say qualified: true read back as a qualified verdict."""
    data = mwrules.verdict_to_json(mwrules.evaluate(ROOT / "examples" / "near-miss.yaml"))
    edit(data)

    with pytest.raises(InputError) as caught:
        mwrules.verdict_from_json(data)

    assert where in [problem.where for problem in caught.value.problems]


def test_a_verdict_from_a_ruleset_file_is_explained_with_that_ruleset(tmp_path: Path):
    """An edited copy may keep the shipped id and version: explaining it with the shipped targets would be wrong."""
    path = tmp_path / "2023-06.yaml"
    path.write_text(
        (SHORTHAND / "2023-06.yaml")
        .read_text()
        .replace("net_customer_adds: 10                # 2", "net_customer_adds: 20  # 1")
    )
    ruleset = mwrules.load_ruleset(path)
    verdict = mwrules.evaluate(ROOT / "examples" / "near-miss.yaml", ruleset=ruleset)

    with pytest.raises(ValueError, match="pass that ruleset"):
        mwrules.explain(verdict)
    assert "net_customer_adds: 6 of 20 points  [points:smb:net_customer_adds" in mwrules.explain(verdict, ruleset)


# Found by a third hostile run -------------------------------------------------


def test_ids_equal_after_case_folding_are_one_person():
    """Case folding can leave text that is not normalised: U+0390 and U+03AA U+0301 once counted as two people."""
    people = [{"id": "\u0390", "certifications": ["MS-102"]}, {"id": "\u03aa\u0301", "certifications": ["MS-102"]}]

    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "people": people})

    assert [("$.people[1].id", codes.DUPLICATE_PERSON)] == [(problem.where, problem.code) for problem in problems]


def test_an_id_of_invisible_characters_is_empty():
    problems = problems_of(mwrules.evaluate, {"partner_id": "x", "people": [{"id": "\u3164\ufe0f"}]})

    assert [("$.people[0].id", codes.EMPTY_PERSON_ID)] == [(problem.where, problem.code) for problem in problems]


@pytest.mark.parametrize("character", ["\u2028", "\u202e", "\u2066"], ids=["line-separator", "override", "isolate"])
def test_text_direction_and_line_separators_are_refused_in_ids(character: str):
    problems = problems_of(mwrules.evaluate, {"partner_id": f"contoso{character}evil"})

    assert "control characters" in problems[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_beside_a_ruleset_is_not_read(tmp_path: Path):
    """Once, a named pipe named *.yaml in a ruleset's folder hung load_ruleset, which read every sibling."""
    folder = tmp_path / "modern-work"
    folder.mkdir()
    for version in RULESET_2023.parent.glob("*.yaml"):
        (folder / version.name).write_bytes(version.read_bytes())
    os.mkfifo(folder / "zz.yaml")

    result = run_cli("evaluate", str(ROOT / "examples" / "near-miss.yaml"), "--ruleset", str(folder / "2023-06.yaml"))

    assert result.returncode == 0
    assert b"68.5 of 100 points" in result.stdout


def parsers_run(text: str) -> tuple[Any, list[Any]]:
    """The document of YAML *text*, and the parser of each time it was composed."""
    calls = []
    original = _yaml_reading._Yaml._compose

    def counted(self: Any, loader_class: Any) -> Any:
        calls.append(loader_class)
        return original(self, loader_class)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_yaml_reading._Yaml, "_compose", counted)
        return _documents.parse(text), calls


@pytest.mark.parametrize(
    "people",
    [
        pytest.param(40_000, id="40,000 people: once, minutes for 40 MB"),
        pytest.param(5_000, id="5,000 people: a 0.99 MB file with an error at its end took 5 s"),
    ],
)
def test_a_big_yaml_file_with_a_syntax_error_is_not_read_twice(people: int):
    """A syntax error at the end of a big file re-read it with the pure-Python parser, for its wording."""
    text = "partner_id: x\npeople:\n" + "  - {id: p, certifications: [MS-700]}\n" * people + "metrics: [\n"

    document, calls = parsers_run(text)

    assert document.problems[0].code == codes.SYNTAX
    assert len(text) > _yaml_reading._REWORD_AT_MOST
    assert 1 == len(calls)


def test_an_anchor_defined_twice_is_named_in_the_syntax_problem():
    """PyYAML words it in two halves; the problem said only 'not valid YAML: second occurrence'."""
    document = _documents.parse("partner_id: &x a\nas_of: &x 2026-11-28\n")

    assert [codes.SYNTAX] == [problem.code for problem in document.problems]
    assert "duplicate anchor 'x' (first on line 1)" in document.problems[0].message


def test_a_deep_yaml_file_is_refused_before_the_rest_is_composed():
    """A 5,000-deep YAML file (21 KB) once took seconds to refuse: the pure-Python composer read every level."""
    calls = []
    original = yaml.composer.Composer.compose_node

    def counted(self: Any, parent: Any, index: Any) -> Any:
        calls.append(index)
        return original(self, parent, index)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml.composer.Composer, "compose_node", counted)
        document = _documents.parse("x: " + "[" * 5000 + "]" * 5000)

    assert [codes.LIMIT] == [problem.code for problem in document.problems]
    assert "nested too deep (at most 64 levels)" in document.problems[0].message
    assert len(calls) <= 2 * Limits().max_depth  # near the limit, not hundreds of levels on


def test_the_depth_limit_stays_within_the_stack():
    """Once, --limit depth=1000000 let a 600-deep YAML file end in a RecursionError traceback."""
    with pytest.raises(ValueError, match="at most 200"):
        Limits(max_depth=10**6)
    result = run_cli("evaluate", "-", "--limit", "depth=1000000", stdin=b"x: " + b"[" * 600 + b"]" * 600)
    assert result.returncode == 2
    assert b"depth can be at most 200" in result.stderr
    result = run_cli("evaluate", "-", "--limit", "depth=200", stdin=b"x: " + b"[" * 600 + b"]" * 600)
    assert result.returncode == 2
    assert b"MW007 nested more than 200 deep" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: mwrules.select_ruleset(5), "named by text"),
        (lambda: mwrules.explain(None), "explain() takes a Verdict"),
        (lambda: mwrules.summary(None), "summary() takes a Verdict"),
        (lambda: mwrules.plan(ROOT / "examples" / "near-miss.yaml", path=5), "path is a path's id"),
        # these two were AttributeErrors: 'NoneType' object has no attribute 'max_file_bytes' / 'rstrip'
        (lambda: mwrules.evaluate(ROOT / "examples" / "near-miss.yaml", limits=None), "must be a mwrules.Limits"),
        (lambda: list(mwrules.evaluate_lines(['{"partner_id": "a"}', None], jobs=1)), "a line must be str or bytes"),
        # each record's problem, or put into every verdict as it was (a subclass of date)
        (
            lambda: mwrules.evaluate_lines(['{"partner_id": "a"}'], as_of=datetime.datetime(2026, 8, 1), jobs=1),
            "as_of must be a datetime.date, not datetime",
        ),
    ],
    ids=["select_ruleset", "explain", "summary", "plan", "evaluate a file without limits", "a line of None", "as_of"],
)
def test_arguments_of_the_wrong_type_are_type_errors(call: Any, says: str):
    with pytest.raises(TypeError, match=re.escape(says)):
        call()


def test_a_verdict_that_is_not_an_object_is_an_input_error():
    problems = problems_of(mwrules.verdict_from_json, None)

    assert problems[0].where == "$"


def test_an_empty_path_names_no_file():
    problems = problems_of(mwrules.evaluate, "")

    assert "an empty path names no file" in problems[0].message


def test_a_ruleset_path_too_long_for_the_system_is_a_ruleset_error():
    with pytest.raises(RulesetError):
        mwrules.load_ruleset("x" * 5000)


@pytest.mark.parametrize("option", ["--ruleset", "--costs", "--path"])
def test_empty_command_line_values_are_refused(option: str):
    result = run_cli("plan", str(ROOT / "examples" / "near-miss.yaml"), option, "")

    assert result.returncode == 2
    assert b"cannot be empty" in result.stderr


def test_binary_data_is_not_called_utf16():
    document = _documents.parse_bytes(b"x\x00" + b"y" * 62, source="p.yaml")

    assert "it holds NUL bytes" in document.problems[0].message


def test_a_source_key_in_a_ruleset_is_unknown(tmp_path: Path):
    """Where a ruleset was read from is the loader's to say; a file's own source key was once silently dropped."""
    path = tmp_path / "2023-06.yaml"
    path.write_text(RULESET_2023.read_text() + "source: elsewhere.yaml\n")

    with pytest.raises(RulesetError) as caught:
        mwrules.load_ruleset(path)

    assert [("$.source", codes.UNKNOWN_KEY)] == [(problem.where, problem.code) for problem in caught.value.problems]


def test_ids_in_a_ruleset_are_bounded():
    """Once, a level of 100,000 characters passed lint and was echoed whole by plan."""
    data = ruleset_data()
    data["metrics"][1]["level"] = "a" * 100_000

    ruleset, problems = structure(data)
    assert ruleset is not None
    problems = check(ruleset)

    assert ("$.metrics[1].level", codes.ID_FORMAT) in [(problem.where, problem.code) for problem in problems]
    assert all(len(problem.message) < 200 for problem in problems)


def test_points_too_fine_are_blamed_on_the_finest_number():
    data = ruleset_data()
    data["scoring"]["min_total_points"] = 70 + 1 / 3 * 1e-9

    ruleset, _ = structure(data)
    assert ruleset is not None

    assert [problem.where for problem in check(ruleset)] == ["$.scoring.min_total_points"]


def test_dates_written_null_are_not_given():
    document = {
        "partner_id": "x",
        "as_of": None,
        "people": [{"id": "a", "certifications": [{"name": "MS-700", "earned": None}]}],
    }

    verdict = mwrules.evaluate(document, ruleset="modern-work@2023-06")

    assert verdict.partner_id == "x"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_in_a_portfolio_folder_is_not_read(tmp_path: Path):
    """A folder of partners is read file by file; a named pipe called *.json there would hang both commands."""
    (tmp_path / "near-miss.yaml").write_bytes((ROOT / "examples" / "near-miss.yaml").read_bytes())
    os.mkfifo(tmp_path / "pipe.json")

    evaluated = run_cli("evaluate", str(tmp_path), "--jobs", "1", timeout=60)
    diffed = run_cli("diff", "modern-work@2023-06", "modern-work@2026-01", "--partners", str(tmp_path), timeout=60)

    assert (evaluated.returncode, diffed.returncode) == (0, 0)
    assert b"1 input(s): 1 evaluated" in evaluated.stderr


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("p.yaml", "", "MW006 the document is empty: a partner document must be an object"),
        ("p.yaml", "\n# a comment alone\n", "MW006 the document is empty: a partner document must be an object"),
        ("p.json", "  \n", "MW002 not valid JSON: the document is empty"),
        ("p.yaml", "[1, 2]", "MW006 a partner document must be an object"),
    ],
)
def test_an_empty_partner_file_is_said_to_be_empty(tmp_path: Path, name: str, text: str, said: str):
    """An empty file was told 'must be an object' (YAML) or 'Expecting value' (JSON), as if it held a wrong value."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        mwrules.evaluate(path)

    assert said in str(caught.value)


def test_a_number_with_a_thousands_separator_in_braces_is_said_to_be_one(tmp_path: Path):
    """{paid_seats: 1,200} is paid_seats 1 and a key 200: the hint "quote it: '200'" led to another refusal (run 30)."""
    path = tmp_path / "p.yaml"
    path.write_text(
        "partner_id: p\nas_of: 2026-11-28\ncustomers:\n  - tenant: t1\n"
        "    associations: [{type: CPOR, since: 2024-01-01}]\n"
        "    usage: [{month: 2026-10, workload: Teams, paid_seats: 1,200, active_users: 40}]\n"
    )

    with pytest.raises(mwrules.InputError) as raised:
        mwrules.evaluate(path)

    [problem] = [problem for problem in raised.value.problems if problem.message == "keys must be text"]
    assert problem.line == 6
    assert problem.suggestion is not None
    assert "1200, not 1,200" in problem.suggestion


@pytest.mark.parametrize("people", ["[{id: a, 5: 1}]", "\n  - id: a\n    5:\n"], ids=["in braces", "a block"])
def test_a_number_key_with_a_value_in_braces_is_told_to_be_quoted(tmp_path: Path, people: str):
    """{id: a, 5: 1} has a key 5 of its own, no thousands separator, as has a block's 5: quoting it is the hint."""
    path = tmp_path / "p.yaml"
    path.write_text(f"partner_id: p\nas_of: 2026-11-28\npeople: {people}\n")

    with pytest.raises(mwrules.InputError) as raised:
        mwrules.evaluate(path)

    [problem] = [problem for problem in raised.value.problems if problem.message == "keys must be text"]
    assert problem.suggestion == "quote it: '5'"


def test_the_caches_of_reading_keep_no_long_text():
    """A service importing a download with one distinct 130,000-character cell per request kept each: +660 MiB
    after 2,500 requests in the attribution type's cache alone, 140 MiB of ids (hostile run 31)."""
    caches = {
        "identity": (text._identity_of_text, ()),
        "shows": (download_values._shows, ()),
        "not_ascii": (download_values.not_ascii, ()),
        "parse_month": (download_values.parse_month, (None,)),
        "normal": (usage_rows._normal, ()),
        "shared": (usage_rows._shared, ()),
        "key": (import_designations._key, ()),
    }
    for name, (cached, rest) in caches.items():
        before = cached.cache_info().currsize
        for index in range(20):
            long = f"{index}é" + "x" * (text.SHORT_TEXT + 1)
            with contextlib.suppress(ValueError):
                cached(long, *rest)
        assert cached.cache_info().currsize == before, name
        cached("1987-03" if name == "parse_month" else f"short{before}é", *rest)  # a short text is kept
        assert cached.cache_info().currsize == min(before + 1, 4096), name

"""Fuzzing with hostile values: documents, YAML text and rulesets give a verdict or coded problems, nothing else.

Every test here runs each example under a watchdog (a hang fails it, with a
bound far above any honest evaluation: this is not a speed test) and checks
that the process's peak memory did not grow past a bound. Rulesets that lint
accepts are checked against exact rational arithmetic (tests/plain_scorer.py).
"""

from __future__ import annotations

import contextlib
import datetime
import resource
import signal
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mwrules
from mwrules import InputError, RulesetError, Verdict
from mwrules._evaluation import evaluate as _evaluate
from mwrules._input import documents as _documents
from mwrules._input import one_pass as _one_pass
from mwrules._input import partner as _partner_input
from mwrules.codes import CODES
from mwrules.limits import DEFAULT_LIMITS
from mwrules.ruleset import check, structure
from mwrules.strategies import InvalidDocument, invalid_partner_documents, partner_documents, partners
from mwrules.testing import check_verdict

from .full_checks import full_checks
from .plain_scorer import plain_scores, plain_verdict


# Hypothesis warns when it prints these nested strategies in a failure report: their repr is long, and harmless.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ROOT = Path(__file__).parents[1]
#: 2023-06 as written before the vocabulary: the strategy below draws its targets
BASE_RULESET = yaml.safe_load((ROOT / "tests" / "data" / "shorthand" / "modern-work" / "2023-06.yaml").read_text())
HANG_SECONDS = 30
MEMORY_GROWTH_BOUND = 512 * 2**20


@contextlib.contextmanager
def watchdog(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail the example (TimeoutError) if it runs longer than *seconds*: a hang, not slowness."""

    def hung(_signum: int, _frame: object) -> None:
        msg = f"no outcome after {seconds} s"
        raise TimeoutError(msg)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def bounded_memory() -> Iterator[None]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    yield
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert after - before < MEMORY_GROWTH_BOUND, f"peak memory grew by {(after - before) / 2**20:.0f} MiB"


def outcome(call: Callable[[], Verdict]) -> Verdict | None:
    """The verdict of *call*, or None when it reported problems, each with a code; anything else fails."""
    with watchdog():
        try:
            return call()
        except (InputError, RulesetError) as error:
            problems = error.problems
    assert problems
    for problem in problems:
        assert problem.code in CODES, problem
        assert len(problem.message) < 500, problem.message[:200]
        str(problem).encode("utf-8", "backslashreplace")
    return None


# Hostile values ----------------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.text(max_size=12),
    st.just(1001).map("a".__mul__),  # past the text limit (built lazily: a strategy's repr stays short)
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ud800",
            "é",
            "p1",
            "P1 ",
            " p1",
            "MS-700",
            "ms 700",
            "MS-102",
            "Microsoft 365 Certified: Teams Administrator Associate",
            "2024-02-30",
            "2024-06-30",
            "0000-01-01",
            "$and",
            '{"$or": 1}',
            "\n",
            "smb",
            "cpor",
        ]
    ),
)
HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 1, -1, 10**15, 10**15 + 1, -(10**15) - 1, 2**63, 3.0, 2.5, 1e400, -0.0]),
    st.just(400).map((10).__pow__),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
HOSTILE = st.recursive(
    st.none() | HOSTILE_TEXT | HOSTILE_NUMBERS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(HOSTILE_TEXT, children, max_size=3),
    max_leaves=8,
)


def sometimes(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly *valid*, sometimes a hostile value in its place."""
    return st.one_of(valid, valid, valid, HOSTILE)


NAMES = st.sampled_from(
    ["MS-700", "MS-102", "MD-102", "Microsoft 365 Certified: Enterprise Administrator Expert", "MS-900"]
)
DATES = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2028, 12, 31)).map(str)
CERTIFICATIONS = st.one_of(
    NAMES,
    st.fixed_dictionaries(
        {"name": sometimes(NAMES)}, optional={"earned": sometimes(DATES), "expires": sometimes(DATES)}
    ),
)
PEOPLE = st.fixed_dictionaries(
    {"id": sometimes(st.sampled_from(["a", "b", "c", "A", " a", "d"]))},
    optional={"certifications": sometimes(st.lists(sometimes(CERTIFICATIONS), max_size=4))},
)
MEASURES = sometimes(st.integers(min_value=-5, max_value=5000))


def key(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly *valid*, sometimes hostile text (a key must be hashable)."""
    return st.one_of(valid, valid, HOSTILE_TEXT)


OPTIONS = key(st.sampled_from(["cpor", "dpor", "csp"]))
METRICS = st.dictionaries(
    key(st.sampled_from(["smb", "enterprise"])),
    sometimes(
        st.fixed_dictionaries(
            {},
            optional={
                "net_customer_adds": MEASURES,
                "usage_growth": sometimes(st.dictionaries(OPTIONS, MEASURES)),
                "deployments": sometimes(st.dictionaries(OPTIONS, MEASURES)),
            },
        )
    ),
    max_size=3,
)
DOCUMENTS = st.fixed_dictionaries(
    {"partner_id": sometimes(st.sampled_from(["contoso", "x"]))},
    optional={
        "as_of": sometimes(st.sampled_from(["2024-06-30", "2026-11-27", "2027-12-01"])),
        "people": sometimes(st.lists(sometimes(PEOPLE), max_size=5)),
        "metrics": sometimes(METRICS),
        "bonus": HOSTILE,
    },
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_hostile_documents_give_a_verdict_or_coded_problems(document: dict[str, Any]):
    verdict = outcome(lambda: mwrules.evaluate(document))

    if verdict is not None:  # then it must be the right one
        partner = mwrules.load_partner(document, f"modern-work@{verdict.ruleset.version}")
        ruleset = mwrules.select_ruleset(f"modern-work@{verdict.ruleset.version}").ruleset
        check_verdict(partner, verdict, ruleset=ruleset)
        assert (verdict.qualified, verdict.path, verdict.score) == plain_verdict(partner, ruleset, verdict.as_of)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.sampled_from(["2023-06", "2026-01"]))
def test_the_one_pass_build_agrees_with_the_full_checks(document: dict[str, Any], version: str):
    """The fast path builds a partner only where the full checks build the same one without a problem."""
    ruleset = mwrules.select_ruleset(f"modern-work@{version}").ruleset

    plain = _partner_input._plain_partner(document, ruleset, DEFAULT_LIMITS)

    if plain is not None:
        assert plain == full_checks(document, ruleset)


@given(
    st.sampled_from(["2023-06", "2026-01"]).flatmap(
        lambda version: st.tuples(st.just(version), partner_documents(ruleset=f"modern-work@{version}"))
    )
)
def test_valid_documents_take_the_one_pass_build(drawn: tuple[str, dict[str, Any]]):
    version, document = drawn
    ruleset = mwrules.select_ruleset(f"modern-work@{version}").ruleset

    plain = _partner_input._plain_partner(document, ruleset, DEFAULT_LIMITS)

    assert plain is not None
    assert plain == full_checks(document, ruleset)


@given(invalid_partner_documents(ruleset="modern-work@2026-01"))
def test_documents_with_a_mistake_never_take_the_one_pass_build(invalid: InvalidDocument):
    ruleset = mwrules.select_ruleset("modern-work@2026-01").ruleset

    assert _partner_input._plain_partner(invalid.document, ruleset, DEFAULT_LIMITS) is None


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "examples").glob("*.*")), ids=lambda p: p.name)
def test_documents_without_problems_take_the_one_pass_build(path: Path):
    document = _partner_input.read_document(path)
    ruleset = _partner_input.choose_for(document, None).ruleset

    plain = _partner_input._plain_partner(document.data, ruleset, DEFAULT_LIMITS)

    assert plain is not None
    assert plain == full_checks(document.data, ruleset)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.builds(
        mwrules.Partner,
        partner_id=sometimes(st.just("x")),
        as_of=sometimes(st.just(datetime.date(2024, 6, 30))),
        people=sometimes(
            st.lists(
                sometimes(
                    st.builds(
                        mwrules.Person, id=sometimes(st.just("a")), certifications=sometimes(st.lists(NAMES).map(tuple))
                    )
                ),
                max_size=3,
            ).map(tuple)
        ),
        metrics=sometimes(METRICS),
    )
)
def test_hostile_partner_objects_give_a_verdict_or_coded_problems(partner: mwrules.Partner):
    outcome(lambda: mwrules.evaluate(partner))

    ruleset = mwrules.select_ruleset("modern-work@2023-06").ruleset
    if _one_pass.plain_partner_object(partner, ruleset, DEFAULT_LIMITS) is not None:
        assert partner == full_checks(_evaluate.as_document(partner), ruleset)


@given(
    st.sampled_from(["2023-06", "2026-01"]).flatmap(
        lambda version: st.tuples(st.just(version), partners(ruleset=f"modern-work@{version}"))
    )
)
def test_valid_partner_objects_take_the_one_pass_check(drawn: tuple[str, mwrules.Partner]):
    version, partner = drawn
    ruleset = mwrules.select_ruleset(f"modern-work@{version}").ruleset

    assert _one_pass.plain_partner_object(partner, ruleset, DEFAULT_LIMITS) == partner
    assert partner == full_checks(_evaluate.as_document(partner), ruleset)


YAML_FRAGMENTS = [
    "partner_id: x\n",
    "as_of: 2024-06-30\n",
    "as_of: 2024-02-30\n",
    "people:\n",
    "  - id: a\n",
    "    certifications: [MS-700, {name: MS-102, expires: 2023-01-01}]\n",
    "metrics: {smb: {net_customer_adds: 010}}\n",
    "&a ",
    "*a",
    "<<: ",
    "!foo ",
    "!!int ",
    "!!binary ",
    "!!python/object:os.system ",
    "? ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ": ",
    ", ",
    "'",
    '"',
    '"\\ud800"',
    "\\",
    "\t",
    "\n",
    "  ",
    "#",
    "---\n",
    "...\n",
    "1:30",
    "yes",
    "~",
    "null",
    ".nan",
    "-.inf",
    "\x01",
    "é",
    "\ufeff",
    "%YAML 1.1\n",
]
YAML_TEXT = st.lists(
    st.one_of(st.sampled_from(YAML_FRAGMENTS), st.text(max_size=3), st.just(5000).map("9".__mul__)), max_size=30
).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(YAML_TEXT)
def test_hostile_yaml_text_gives_a_verdict_or_coded_problems(text: str):
    outcome(lambda: mwrules.evaluate(_as_mapping(_documents.parse(text, source="p.yaml"))))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200) | YAML_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_hostile_bytes_give_a_verdict_or_coded_problems(data: bytes):
    for fmt in ("yaml", "json"):
        outcome(lambda fmt=fmt: mwrules.evaluate(_as_mapping(_documents.parse_bytes(data, source="p", fmt=fmt))))


def _as_mapping(document: _documents.Document) -> Any:
    """The document itself when it parsed (the checks see its lines), else its problems raised."""
    if document.problems:
        raise InputError(document.problems)
    return document.data if document.data is not None else {}


# Rulesets that lint accepts score exactly ---------------------------------------

ODD_NUMBERS = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 503, 1009, 2003, 4001, 10**6, 10**30]
POINTS = st.one_of(st.integers(min_value=1, max_value=40), st.sampled_from([0.5, 2.5, 12.5, 0.1, 33.3, 7.25]))


@st.composite
def rulesets(draw: st.DrawFn) -> dict[str, Any]:
    """The 2023-06 ruleset with drawn maxima, targets and thresholds: valid in shape, often too fine to be exact."""
    data = _copy(BASE_RULESET)
    for metric in data["metrics"]:
        metric["max_points"] = draw(POINTS)
    maxima = [Fraction(str(metric["max_points"])) for metric in data["metrics"]]
    total = sum(maxima, Fraction(0))
    data["scoring"]["total_points"] = _number(total)
    data["scoring"]["min_total_points"] = _number(
        total * draw(st.sampled_from([Fraction(7, 10), Fraction(1), Fraction(1, 3), Fraction(69, 100)]))
    )
    data["scoring"]["min_metric_points"] = _number(
        min(maxima) * draw(st.sampled_from([Fraction(0), Fraction(1, 20), Fraction(1, 2), Fraction(1)]))
    )
    data["scoring"]["path_preference"] = draw(st.permutations(data["scoring"]["path_preference"]))
    target = st.one_of(st.integers(min_value=1, max_value=5000), st.sampled_from(ODD_NUMBERS))
    for path in data["paths"]:
        for metric_id, value in path["targets"].items():
            path["targets"][metric_id] = (
                {option: draw(target) for option in value} if isinstance(value, dict) else draw(target)
            )
    data.pop("default_costs", None)
    return data


def _copy(data: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(data))


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(rulesets(), st.data())
def test_lint_clean_rulesets_score_exactly(data: dict[str, Any], draw: st.DataObject):
    ruleset, problems = structure(data)
    assert ruleset is not None, problems
    problems = check(ruleset)
    if problems:  # refused, with a reason: never a wrong verdict
        assert all(problem.code in CODES for problem in problems)
        return
    as_of = datetime.date(2024, 6, 30)
    names = [spelling for cert in ruleset.certifications for spelling in (cert.name, *cert.aliases)]
    people = draw.draw(
        st.lists(st.lists(st.sampled_from(names), max_size=3), max_size=8).map(
            lambda held: [{"id": f"p{index}", "certifications": certs} for index, certs in enumerate(held)]
        )
    )
    metrics = {}
    for path in ruleset.paths:
        values: dict[str, Any] = {}
        for metric_id, target in path.targets.items():
            if ruleset.metric(metric_id).measure == "certified_people":
                continue
            amount = st.integers(
                min_value=-2,
                max_value=min(2 * max(target.values()) if isinstance(target, dict) else 2 * target, 10**15),
            )
            values[metric_id] = (
                {option: draw.draw(amount) for option in target} if isinstance(target, dict) else draw.draw(amount)
            )
        metrics[path.id] = values
    document = {"partner_id": "x", "as_of": str(as_of), "people": people, "metrics": metrics}

    verdict = outcome(lambda: mwrules.evaluate(document, ruleset=ruleset))

    assert verdict is not None
    partner = mwrules.load_partner(document, ruleset)
    scores = plain_scores(partner, ruleset, as_of)
    for path_id, result in verdict.paths.items():
        assert {metric: result.metrics[metric].points for metric in result.metrics} == {
            metric: points for metric, points in scores[path_id].items() if metric != "total"
        }
    assert (verdict.qualified, verdict.path, verdict.score) == plain_verdict(partner, ruleset, as_of)


def test_the_ruleset_strategy_draws_exact_and_too_fine_rulesets():
    """The fuzzer is not vacuous: both outcomes are reached."""
    seen = set()

    @settings(max_examples=60, database=None)
    @given(rulesets())
    def record(data: dict[str, Any]) -> None:
        ruleset, _ = structure(data)
        assert ruleset is not None
        seen.add(bool(check(ruleset)))

    record()

    assert {True, False} == seen

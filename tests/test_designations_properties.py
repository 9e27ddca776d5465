"""The five designations' rulesets give the verdicts designations.md reads, for generated partners.

Each partner is a §6 document drawn here (not from the rulesets): people holding a
mix of the designation's certifications, other designations' and unknown names,
dated around the evaluation date and the eligible-through dates; the classification
facts around their boundaries (80, 5); each metric in its designation's shape, with
negatives, zero, decimal amounts and baselines at and below their minimum. The
oracle is tests/designations_reference.py, written from designations.md alone.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mwrules
from mwrules._rulesets.versions import shipped_family, shipped_ids
from mwrules.cli import main

from . import designations_reference as reference
from .budget import share_of_profile


DESIGNATIONS = list(reference.DESIGNATIONS)
START = datetime.date(2026, 7, 1)  # every designation's one version starts here
#: each designation's skilling steps, and how many people each needs to reach its gate or its cap (with one more)
STEPS: dict[str, list[tuple[tuple[str, ...], int]]] = {
    "security": [
        (reference.SECURITY_STEP_1, 3),
        (reference.SECURITY_STEP_2, 3),
        (reference.SECURITY_STEP_3, 7),
    ],
    "business-applications": [(reference.BA_INTERMEDIATE, 21), (reference.BA_ADVANCED, 8)],
    "data-ai": [
        (reference.AZURE_ADMINISTRATOR, 3),
        (reference.AZURE_SOLUTIONS_ARCHITECT, 3),
        (reference.DATA_AI_STEP_3, 11),
    ],
    "infrastructure": [
        (reference.AZURE_ADMINISTRATOR, 3),
        (reference.INFRASTRUCTURE_INTERMEDIATE_STEP_2, 6),
        (reference.AZURE_SOLUTIONS_ARCHITECT, 3),
        (reference.INFRASTRUCTURE_ADVANCED_STEP_2, 6),
    ],
    "digital-app-innovation": [
        (reference.AZURE_ADMINISTRATOR, 3),
        (reference.DAI_INTERMEDIATE_STEP_2, 6),
        (reference.AZURE_SOLUTIONS_ARCHITECT, 3),
        (reference.DAI_ADVANCED_STEP_2, 6),
    ],
}
UNKNOWN_NAMES = ["MS-700", "AZ-900", "Azure Security Engineer Expert", "SC 200", "Microsoft Certified: Nothing"]


# Dates ------------------------------------------------------------------------------------

ELIGIBLE_THROUGH = sorted(
    {credential.eligible_through for credential in reference.CREDENTIALS.values() if credential.eligible_through}
)
RETIRED = sorted({credential.retired for credential in reference.CREDENTIALS.values() if credential.retired})
ONE_DAY = datetime.timedelta(days=1)
AS_OF = st.one_of(
    st.sampled_from(
        [
            START,
            *(
                day
                for through in ELIGIBLE_THROUGH
                for day in (through - ONE_DAY, through, through + ONE_DAY)
                if day >= START  # SC-400's 2026-05-31 is before any version (D15)
            ),
        ]
    ),
    st.dates(min_value=START, max_value=datetime.date(2028, 12, 31)),
)
#: a day as an anchor (None: the evaluation date; else a retirement or eligible-through date) and days from it
AROUND = st.tuples(
    st.sampled_from([None, *RETIRED, *ELIGIBLE_THROUGH]),
    st.one_of(st.sampled_from([-1, 0, 1]), st.integers(min_value=-800, max_value=800)),
)


# People -----------------------------------------------------------------------------------


def spellings(keys: tuple[str, ...]) -> list[str]:
    """Every way a partner may write one of the certifications *keys*: each spelling, its case and spaces changed."""
    return [
        written
        for key in keys
        for name in reference.CREDENTIALS[key].spellings
        for written in (name, name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  "))
    ]


def entries(written: list[str]) -> st.SearchStrategy[tuple[Any, ...]]:
    """One of the names *written*, mostly bare, else with maybe an earned and an expiry day (see :func:`entry`)."""
    return st.tuples(
        st.sampled_from(written), st.none() | AROUND, st.none() | AROUND, st.sampled_from([True, False, True])
    )


def day(around: tuple[datetime.date | None, int] | None, as_of: datetime.date) -> datetime.date | None:
    return None if around is None else (around[0] or as_of) + around[1] * ONE_DAY


def entry(drawn: tuple[Any, ...], as_of: datetime.date) -> Any:
    """The document's entry: the bare name, or ``{name, earned?, expires?}`` (the later day the expiry)."""
    name, earned, expires, bare = drawn
    if bare:
        return name
    earned, expires = day(earned, as_of), day(expires, as_of)
    if earned is not None and expires is not None and expires < earned:
        earned, expires = expires, earned
    written: dict[str, Any] = {"name": name}
    if earned is not None:
        written["earned"] = str(earned)
    if expires is not None:
        written["expires"] = str(expires)
    return written


def holders(designation: str) -> st.SearchStrategy[list[list[tuple[Any, ...]]]]:
    """Per step, up to one past its gate or cap holding one of its certifications; then others with any mix.

    Each person also holds up to two other certifications of this designation, of others, or unknown names.
    """
    own = reference.LISTED[designation]
    others = tuple(key for key in reference.CREDENTIALS if key not in own)
    anyone = entries(spellings(own)) | entries(spellings(others)) | entries(UNKNOWN_NAMES)
    per_step = [
        st.lists(st.tuples(entries(spellings(step)), st.lists(anyone, max_size=2)), max_size=most).map(
            lambda people: [[first, *more] for first, more in people]
        )
        for step, most in STEPS[designation]
    ]
    return st.tuples(*per_step, st.lists(st.lists(anyone, max_size=4), max_size=4)).map(
        lambda drawn: [person for group in drawn for person in group]
    )


HOLDERS = {designation: holders(designation) for designation in DESIGNATIONS}


@st.composite
def people(draw: st.DrawFn, designation: str, as_of: datetime.date) -> list[dict[str, Any]]:
    """The people of :func:`holders`, in any order, their certifications dated around *as_of*."""
    drawn = draw(st.permutations(draw(HOLDERS[designation])))
    return [
        {"id": f"p{index}", "certifications": [entry(held, as_of) for held in holding]}
        for index, holding in enumerate(drawn)
    ]


# Facts and metrics ------------------------------------------------------------------------


def number(value: Decimal) -> int | float:
    """*value* as a document writes it: a whole number, or a decimal (its text is read back exactly)."""
    return int(value) if value == value.to_integral_value() else float(value)


def amounts(*edges: str, between: list[tuple[int, int]]) -> st.SearchStrategy[int | float]:
    """An amount: one of *edges*, or a decimal of up to 2 places in one of the ranges *between*.

    A range is drawn from its first end (Hypothesis draws small distances most
    often): one from a minimum upwards tries the minimum and just above it.
    """
    return st.one_of(
        st.sampled_from([Decimal(edge) for edge in edges]),
        *(
            st.integers(min_value=0, max_value=abs(last - first) * 100).map(
                lambda cents, first=first, last=last: first + Decimal(cents if last > first else -cents) / 100
            )
            for first, last in between
        ),
    ).map(number)


def counts(*edges: int, low: int = -3, high: int) -> st.SearchStrategy[int | float]:
    """A whole number: one of *edges*, or from *low* to *high*, or near *high* (``3.0`` sometimes written for 3)."""
    near_high = st.integers(min_value=0, max_value=high).map(high.__sub__)
    return st.one_of(
        st.sampled_from(edges), st.integers(min_value=low, max_value=high), near_high, near_high.map(float)
    )


def mostly(**values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping that mostly holds every key, sometimes all but one (a missing one counts as 0)."""
    return st.tuples(st.fixed_dictionaries(values), st.sampled_from([None] * 2 * len(values) + list(values))).map(
        lambda drawn: {key: value for key, value in drawn[0].items() if key != drawn[1]}
    )


PERCENT = amounts("-5", "0", "0.99", "1", "12.25", "20", "29.99", "30", "31", between=[(30, 1), (1, 60), (0, -10)])


def security_metrics() -> st.SearchStrategy[dict[str, Any]]:
    return mostly(
        net_customer_adds=mostly(azure=counts(0, 4, 5, 10, 11, high=12), m365=counts(0, 5, high=12)),
        usage_growth=mostly(
            azure=amounts("625", "750", "1250", "6250.5", "15000", "25000", "-1", between=[(0, 30000), (0, -2000)]),
            m365=counts(50, 125, 1000, 2500, low=-100, high=3000),
        ),
        deployments=mostly(azure=counts(1, 3, 6, high=8), m365=counts(3, 6, high=8)),
    )


def business_applications_metrics() -> st.SearchStrategy[dict[str, Any]]:
    return mostly(
        net_customer_adds=counts(0, 4, 5, 6, high=7),
        usage_growth=mostly(
            growth_percent=PERCENT,
            baseline_mcv=amounts(
                "50000",
                "49999.99",
                "25000",
                "24999",
                "0",
                "-50000",
                "20000",
                between=[(50000, 150000), (25000, 150000), (0, -1000)],
            ),
        ),
        deployments=counts(0, 4, 5, 6, high=7),
    )


def azure_metrics() -> st.SearchStrategy[dict[str, Any]]:
    return mostly(
        net_customer_adds=counts(0, 2, 3, 4, high=5),
        usage_growth=mostly(
            growth_percent=PERCENT,
            qualifying_acr=amounts(
                "1000", "999.99", "999", "0", "-1000", "48000", between=[(1000, 60000), (1000, 60000), (999, -500)]
            ),
        ),
        deployments=counts(0, 4, 5, 6, high=7),
    )


METRICS = {
    "security": security_metrics(),
    "business-applications": business_applications_metrics(),
    "data-ai": azure_metrics(),
    "infrastructure": azure_metrics(),
    "digital-app-innovation": azure_metrics(),
}
SHARES = amounts("0", "79", "79.99", "79.999999", "80", "80.5", "100", between=[(80, 100), (79, 0)])
WORKLOADS = st.one_of(st.sampled_from([0, 4, 5, 6]), st.integers(min_value=0, max_value=20))
#: the fact each designation reads; the others' facts are accepted and ignored (§6)
FACTS = {
    "security": {},
    "business-applications": {"enterprise_workloads": WORKLOADS},
    "data-ai": {"smb_customer_share": SHARES},
    "infrastructure": {"smb_customer_share": SHARES},
    "digital-app-innovation": {"smb_customer_share": SHARES},
}
ALL_FACTS = {"enterprise_workloads": WORKLOADS, "smb_customer_share": SHARES}


@st.composite
def documents(draw: st.DrawFn, designation: str) -> dict[str, Any]:
    """A §6 partner document for *designation*: metrics for both tracks (or one, or none), its fact, maybe others'."""
    as_of = draw(AS_OF)
    read = FACTS[designation]
    ignored = {name: value for name, value in ALL_FACTS.items() if name not in read}
    return {
        "partner_id": "generated",
        "as_of": str(as_of),
        "facts": draw(st.fixed_dictionaries(read, optional=ignored)),
        "people": draw(people(designation, as_of)),
        "metrics": draw(mostly(enterprise=METRICS[designation], smb=METRICS[designation])),
    }


def verdict_as_reading(verdict: mwrules.Verdict) -> reference.Reading:
    return reference.Reading(
        points={
            path: {metric: result.points for metric, result in paths.metrics.items()}
            for path, paths in verdict.paths.items()
        },
        path=verdict.path,
        qualified=verdict.qualified,
        score=verdict.score,
    )


# The engine against the reading ------------------------------------------------------------


#: Drawing a document (up to ~30 people, one past every gate and cap) is most of each example's time: each
#: designation runs half the profile's examples, its edges sampled (750 under ci across the five), not fewer
#: than the mutation profile's 20
HALF = share_of_profile(Fraction(1, 2), at_least=20)


def check_designation(designation: str, document: dict[str, Any]) -> None:
    verdict = mwrules.evaluate(document, ruleset=designation)

    assert verdict_as_reading(verdict) == reference.score(designation, document)


@HALF
@given(documents("security"))
def test_security_verdicts_are_the_reading(document: dict[str, Any]):
    """Security: both tracks, every metric's points, the better track and the verdict are the reading's."""
    check_designation("security", document)


@HALF
@given(documents("business-applications"))
def test_business_applications_verdicts_are_the_reading(document: dict[str, Any]):
    """Business Applications: the classified track, every metric's points and the verdict are the reading's."""
    check_designation("business-applications", document)


@HALF
@given(documents("data-ai"))
def test_data_ai_verdicts_are_the_reading(document: dict[str, Any]):
    """Data & AI: the classified track, every metric's points and the verdict are the reading's."""
    check_designation("data-ai", document)


@HALF
@given(documents("infrastructure"))
def test_infrastructure_verdicts_are_the_reading(document: dict[str, Any]):
    """Infrastructure: the classified track, every metric's points and the verdict are the reading's."""
    check_designation("infrastructure", document)


@HALF
@given(documents("digital-app-innovation"))
def test_digital_app_innovation_verdicts_are_the_reading(document: dict[str, Any]):
    """Digital & App Innovation: the classified track, every metric's points and the verdict are the reading's."""
    check_designation("digital-app-innovation", document)


# Through the command line --------------------------------------------------------------------


def cli_reading(designation: str, document: dict[str, Any]) -> reference.Reading:
    """What ``mwrules evaluate FILE --ruleset <designation> --format json`` prints, as a reading."""
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "partner.json"
        file.write_text(json.dumps(document))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(["evaluate", str(file), "--ruleset", designation, "--format", "json"])
    assert 0 == status
    data = json.loads(out.getvalue())
    return reference.Reading(
        points={
            path: {metric: Fraction(result["points_exact"]) for metric, result in paths["metrics"].items()}
            for path, paths in data["paths"].items()
        },
        path=data["path"],
        qualified=data["qualified"],
        score=Fraction(data["score_exact"]),
    )


@pytest.mark.parametrize("designation", DESIGNATIONS)
def test_the_command_line_gives_the_reading(designation: str):
    """``mwrules evaluate FILE --ruleset <id> --format json`` prints the reading's verdict for a handful of partners."""

    @settings(max_examples=8)
    @given(documents(designation))
    def agrees(document: dict[str, Any]) -> None:
        assert cli_reading(designation, document) == reference.score(designation, document)

    agrees()


# Microsoft's worked examples (§5): the reading itself ------------------------------------------


def example(
    designation: str, path: str, steps: list[tuple[str, ...]], counts: list[int], *, same: bool
) -> dict[str, Any]:
    """A partner with *counts* people holding each step's first certification, or the same people holding all."""
    if same:
        certifications = [step[0] for step in steps]
        holdings = [certifications for _ in range(counts[0])]
    else:
        holdings = [[step[0]] for step, count in zip(steps, counts, strict=True) for _ in range(count)]
    return {
        "partner_id": "example",
        "as_of": "2026-08-15",
        "facts": {"smb_customer_share": 80 if path == "smb" else 0},
        "people": [
            {"id": f"p{index}", "certifications": certifications} for index, certifications in enumerate(holdings)
        ],
    }


SECURITY_INTERMEDIATE = [reference.SECURITY_STEP_1, reference.SECURITY_STEP_2, reference.SECURITY_STEP_3]
DATA_AI_INTERMEDIATE = [reference.AZURE_ADMINISTRATOR, reference.AZURE_SOLUTIONS_ARCHITECT, reference.DATA_AI_STEP_3]
TWO_STEP_METRICS = [
    (
        "infrastructure",
        "intermediate_certifications",
        [reference.AZURE_ADMINISTRATOR, reference.INFRASTRUCTURE_INTERMEDIATE_STEP_2],
    ),
    (
        "infrastructure",
        "advanced_certifications",
        [reference.AZURE_SOLUTIONS_ARCHITECT, reference.INFRASTRUCTURE_ADVANCED_STEP_2],
    ),
    (
        "digital-app-innovation",
        "intermediate_certifications",
        [reference.AZURE_ADMINISTRATOR, reference.DAI_INTERMEDIATE_STEP_2],
    ),
    (
        "digital-app-innovation",
        "advanced_certifications",
        [reference.AZURE_SOLUTIONS_ARCHITECT, reference.DAI_ADVANCED_STEP_2],
    ),
]
#: (name, designation, metric, path, steps, people per step, the same people?, Microsoft's figure) from §5
EXAMPLES = [
    (
        "security enterprise 1",
        "security",
        "intermediate_certifications",
        "enterprise",
        SECURITY_INTERMEDIATE,
        [2, 2, 3],
        False,
        "20",
    ),
    (
        "security enterprise 2",
        "security",
        "intermediate_certifications",
        "enterprise",
        SECURITY_INTERMEDIATE,
        [2, 2, 2],
        True,
        "13.3",
    ),
    (
        "security enterprise 3",
        "security",
        "intermediate_certifications",
        "enterprise",
        SECURITY_INTERMEDIATE,
        [2, 0, 2],
        False,
        "0",
    ),
    (
        "security enterprise 4",
        "security",
        "intermediate_certifications",
        "enterprise",
        SECURITY_INTERMEDIATE,
        [1, 2, 2],
        False,
        "0",
    ),
    ("security smb 1", "security", "intermediate_certifications", "smb", SECURITY_INTERMEDIATE, [2, 2, 3], False, "32"),
    ("security smb 2", "security", "intermediate_certifications", "smb", SECURITY_INTERMEDIATE, [2, 2, 2], True, "24"),
    ("security smb 3", "security", "intermediate_certifications", "smb", SECURITY_INTERMEDIATE, [2, 0, 2], False, "4"),
    ("security smb 4", "security", "intermediate_certifications", "smb", SECURITY_INTERMEDIATE, [0, 0, 2], False, "0"),
    (
        "data-ai enterprise 1",
        "data-ai",
        "intermediate_certifications",
        "enterprise",
        DATA_AI_INTERMEDIATE,
        [2, 2, 3],
        False,
        "12",
    ),
    (
        "data-ai enterprise 2",
        "data-ai",
        "intermediate_certifications",
        "enterprise",
        DATA_AI_INTERMEDIATE,
        [2, 2, 2],
        True,
        "8",
    ),
    (
        "data-ai enterprise 3",
        "data-ai",
        "intermediate_certifications",
        "enterprise",
        DATA_AI_INTERMEDIATE,
        [2, 0, 2],
        False,
        "0",
    ),
    (
        "data-ai enterprise 4",
        "data-ai",
        "intermediate_certifications",
        "enterprise",
        DATA_AI_INTERMEDIATE,
        [1, 2, 2],
        False,
        "0",
    ),
    ("data-ai smb 1", "data-ai", "intermediate_certifications", "smb", DATA_AI_INTERMEDIATE, [2, 2, 3], False, "20"),
    ("data-ai smb 2", "data-ai", "intermediate_certifications", "smb", DATA_AI_INTERMEDIATE, [2, 2, 2], True, "16"),
    ("data-ai smb 3", "data-ai", "intermediate_certifications", "smb", DATA_AI_INTERMEDIATE, [2, 0, 2], False, "4"),
    ("data-ai smb 4", "data-ai", "intermediate_certifications", "smb", DATA_AI_INTERMEDIATE, [0, 0, 2], False, "0"),
    (
        "digital-app-innovation intermediate enterprise 1",
        *TWO_STEP_METRICS[2][:2],
        "enterprise",
        TWO_STEP_METRICS[2][2],
        [2, 5],
        False,
        "20",
    ),
    *(
        (f"{designation} {metric} {path} {number}", designation, metric, path, steps, counts, same, figure)
        for designation, metric, steps in TWO_STEP_METRICS
        for path, cases in {
            "enterprise": [(1, [2, 2], False, "8"), (2, [2, 2], True, "8"), (3, [1, 2], False, "0")],
            "smb": [
                (1, [2, 2], False, "12"),
                (2, [2, 2], True, "12"),
                (3, [1, 2], False, "12"),
                (4, [0, 2], False, "0"),
            ],
        }.items()
        for number, counts, same, figure in cases
    ),
]


@pytest.mark.parametrize(
    ("designation", "metric", "path", "steps", "counts", "same", "microsoft"),
    [pytest.param(*case[1:], id=case[0]) for case in EXAMPLES],
)
def test_the_reading_gives_microsofts_worked_examples(
    designation: str,
    metric: str,
    path: str,
    steps: list[tuple[str, ...]],
    counts: list[int],
    same: bool,
    microsoft: str,
):
    """Each §5 example scores Microsoft's figure, rounded as the page prints it (13.33 is "13.3", D11)."""
    document = example(designation, path, steps, counts, same=same)

    points = reference.score(designation, document).points[path][metric]

    places = len(microsoft.partition(".")[2])
    assert Fraction(microsoft) == round(points, places)


@pytest.mark.parametrize(
    ("designation", "metric", "path", "steps", "counts", "same"),
    [pytest.param(*case[1:7], id=case[0]) for case in EXAMPLES],
)
def test_the_engine_gives_the_worked_examples_as_read(
    designation: str, metric: str, path: str, steps: list[tuple[str, ...]], counts: list[int], same: bool
):
    """Each §5 example scores through the ruleset exactly what the reading gives."""
    document = example(designation, path, steps, counts, same=same)

    verdict = mwrules.evaluate(document, ruleset=designation)

    assert reference.score(designation, document).points[path][metric] == verdict.paths[path].metrics[metric].points


# §1.5: one certification, one set of spellings -----------------------------------------------


def test_a_certification_is_spelled_the_same_in_every_designation_that_lists_it():
    """Each certification listed by several designations has the same spellings and eligible-through date in each."""
    seen: dict[str, dict[str, tuple[frozenset[str], datetime.date | None]]] = {}
    for designation in DESIGNATIONS:
        for certification in mwrules.select_ruleset(designation).ruleset.certifications:
            spellings = frozenset(reference.compared(name) for name in (certification.name, *certification.aliases))
            seen.setdefault(certification.name, {})[designation] = (spellings, certification.eligible_through)

    differing = {name: listed for name, listed in seen.items() if len(set(listed.values())) > 1}

    assert {} == differing


def test_a_spelling_names_one_certification_spelled_alike_in_every_shipped_ruleset():
    """Every version of every family, Modern Work's too: a spelling two rulesets share spells the same certification.

    Run 23: Modern Work lacked Security's "Microsoft Identity and Access
    Administrator" for SC-300, so a person written by hand that way counted
    under Security alone, while the import (which writes the full name) counted
    them under both. The test above compares the designations of one day, by
    full name, and Modern Work was not among them.
    """
    listed = [
        (f"{family}@{ruleset.manifest.version}", certification.name, frozenset(
            reference.compared(name) for name in (certification.name, *certification.aliases)
        ))
        for family in shipped_ids()
        for ruleset in shipped_family(family).rulesets
        for certification in ruleset.certifications
    ]  # fmt: skip
    by_spelling: dict[str, set[tuple[str, frozenset[str]]]] = {}
    for _, name, spellings in listed:
        for spelling in spellings:
            by_spelling.setdefault(spelling, set()).add((name, spellings))

    assert len(listed) > 70  # every family's certifications, each version's
    assert {} == {spelling: named for spelling, named in by_spelling.items() if len(named) > 1}

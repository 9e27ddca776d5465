"""The JSON Schema of ruleset files is generated from the model, shipped, and agrees with the loader."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import mwrules
from mwrules import ruleset as model
from mwrules import strategies as mst
from mwrules._rulesets.schema import PARTNER_SCHEMA_FILE_NAME, SCHEMA_FILE_NAME, partner_schema, ruleset_schema
from mwrules._rulesets.versions import shipped_family, shipped_ids
from mwrules.cli import main
from mwrules.ruleset import rulesets_dir


SHIPPED_SCHEMA = json.loads((rulesets_dir() / SCHEMA_FILE_NAME).read_text())
VALIDATOR = jsonschema.Draft7Validator(SHIPPED_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
RULESET_FILES = sorted(rulesets_dir().glob("*/*.yaml"))
SHIPPED = [yaml.safe_load(path.read_text()) for path in RULESET_FILES]
SHAPES = Path(__file__).parent / "shapes"
#: Rulesets written in the vocabulary (terms, gates, rates, conditions, facts, classification), not its shorthand
VOCABULARY_FILES = [SHAPES / "06-ordered-steps" / "2026-01.yaml", SHAPES / "07-path-by-classification" / "2026-01.yaml"]
#: The rulesets the schema and the loader are compared on, mutated
VALID = SHIPPED + [yaml.safe_load(path.read_text()) for path in VOCABULARY_FILES]
VALID_NAMES = [path.name for path in RULESET_FILES] + [path.parent.name for path in VOCABULARY_FILES]


def test_the_shipped_schema_is_the_generated_one():
    """rulesets/ruleset.schema.json is up to date (regenerate: mwrules schema > rulesets/ruleset.schema.json)."""
    assert ruleset_schema() == SHIPPED_SCHEMA


@pytest.mark.parametrize("path", RULESET_FILES, ids=lambda path: path.name)
def test_every_ruleset_file_names_the_schema(path):
    """Editors find the schema through the yaml-language-server comment on the first line."""
    assert path.read_text().splitlines()[0] == f"# yaml-language-server: $schema=../{SCHEMA_FILE_NAME}"


def as_editor_sees(value: Any) -> Any:
    """YAML as a schema-aware editor validates it: dates are text."""
    if isinstance(value, datetime.datetime):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_editor_sees(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(item) for item in value]
    return value


def loader_accepts(data: Any) -> bool:
    """Whether the loader's structural pass accepts *data* (the consistency checks come after)."""
    ruleset, problems = model.structure(data)
    return ruleset is not None and not problems


def schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(as_editor_sees(data))


def places(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in *value*: the key or index path of every nested value."""
    found = [where]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*where, index))
    return found


REPLACEMENTS = st.sampled_from(
    ["text", "", 3, 0, -2, 2.5, 3.0, True, None, [], ["text"], {}, {"cpor": 5}, "2026-13-45", "20260101",
     "2026-01-01", datetime.date(2026, 1, 1), datetime.datetime(2026, 1, 1, 10, 0)]
)  # fmt: skip


@st.composite
def mutated_rulesets(draw: st.DrawFn) -> Any:
    """A shipped or vocabulary ruleset with one value replaced, one key removed or one unknown key added."""
    data = copy.deepcopy(draw(st.sampled_from(VALID)))
    where = draw(st.sampled_from(places(data)))
    parent = data
    for step in where[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    target = parent[where[-1]] if where else data
    if action == "add" and isinstance(target, dict):
        target[draw(st.sampled_from(["extra", "max_pointz", "note"]))] = 1
    elif action == "remove" and where and isinstance(parent, dict):
        del parent[where[-1]]
    elif where:
        parent[where[-1]] = draw(REPLACEMENTS)
    else:
        data = draw(REPLACEMENTS)
    return data


@pytest.mark.parametrize("data", VALID, ids=VALID_NAMES)
def test_both_accept_the_shipped_rulesets(data):
    """The shipped rulesets, and rulesets in the vocabulary, are valid to the schema and to the loader."""
    assert schema_accepts(data)
    assert loader_accepts(data)


@given(mutated_rulesets())
@example({**SHIPPED[0], "manifest": {**SHIPPED[0]["manifest"], "effective_from": "2026-13-45"}})
@example({**SHIPPED[0], "workloads": ["Teams", {"name": "Teams Premium", "metrics": ["usage_growth"]}]})
@example({**SHIPPED[0], "scoring": {**SHIPPED[0]["scoring"], "total_points": True}})
def test_the_schema_and_the_loader_agree(data: Any):
    """For any one-change mutation of a shipped or vocabulary ruleset, the schema accepts it when the loader does."""
    assert schema_accepts(data) == loader_accepts(data)


# Partner documents ----------------------------------------------------------------

SHIPPED_PARTNER_SCHEMA = json.loads((rulesets_dir() / PARTNER_SCHEMA_FILE_NAME).read_text())
PARTNER_VALIDATOR = jsonschema.Draft7Validator(
    SHIPPED_PARTNER_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
)
EXAMPLES = Path(__file__).parents[1] / "examples"


def test_the_shipped_partner_schema_is_the_latest_versions():
    """rulesets/partner.schema.json is current: mwrules schema partner > rulesets/partner.schema.json."""
    latest = mwrules.select_ruleset("modern-work@2026-01").ruleset
    designations = [shipped_family(family).rulesets[-1] for family in shipped_ids()]

    assert partner_schema(latest, designations) == SHIPPED_PARTNER_SCHEMA


def test_the_shipped_partner_schema_takes_a_document_for_every_designation_and_refuses_a_mistake_in_a_section():
    """examples/all-designations.yaml validates; a Modern Work shape in Security's section does not."""
    document = yaml.safe_load((EXAMPLES / "all-designations.yaml").read_text())
    assert not list(PARTNER_VALIDATOR.iter_errors(json.loads(json.dumps(document, default=str))))

    document["designations"]["security"]["metrics"]["enterprise"]["net_customer_adds"] = 3
    document["facts"]["smb_customer_shar"] = 85
    errors = {
        "/".join(map(str, error.absolute_path))
        for error in PARTNER_VALIDATOR.iter_errors(json.loads(json.dumps(document, default=str)))
    }
    assert errors == {"designations/security/metrics/enterprise/net_customer_adds", "facts"}


def test_mwrules_schema_partner_prints_it(capsys: pytest.CaptureFixture[str]):
    assert 0 == main(["schema", "partner"])

    assert SHIPPED_PARTNER_SCHEMA == json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "path",
    [*sorted(EXAMPLES.glob("*.*")), *sorted((rulesets_dir() / "modern-work" / "cases").glob("*/*.yaml"))],
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_every_example_and_case_partner_fits_the_schema(path: Path):
    data = yaml.safe_load(path.read_text())
    document = data["partner"] if "cases" in path.parts else data

    PARTNER_VALIDATOR.validate(as_editor_sees(document))


@given(mst.partner_documents(ruleset="modern-work@2026-01"))
def test_documents_the_loader_reads_fit_the_schema(document: dict[str, Any]):
    PARTNER_VALIDATOR.validate(document)


@pytest.mark.parametrize(
    "document",
    [
        {"people": []},
        {"partner_id": "x", "peoples": []},
        {"partner_id": 5},
        {"partner_id": "x", "people": [{"id": ""}]},
        {"partner_id": "x", "people": [{"id": "a", "certifications": [{"nom": "MS-700"}]}]},
        {"partner_id": "x", "metrics": {"smb": {"net_customer_adds": "6"}}},
        {"partner_id": "x", "metrics": {"smb": {"usage_growth": {"dpor": 1}}}},
        {"partner_id": "x", "metrics": {"small": {}}},
        {"partner_id": "x", "metrics": {"smb": {"intermediate_certifications": 2}}},
        {"partner_id": "x", "as_of": "30/06/2024"},
        {"partner_id": "x", "customers": {}},
        {"partner_id": "x", "customers": [{"tenant": "t1"}]},
        {"partner_id": "x", "customers": [{"tenant": "t1", "associations": []}]},
        {"partner_id": "x", "customers": [{"tenant": "t1", "associations": [{"type": "CPOR"}]}]},
        {"partner_id": "x", "customers": [{"tenant": "", "associations": [{"type": "CPOR", "since": "2024-01-01"}]}]},
        *(
            {
                "partner_id": "x",
                "customers": [
                    {
                        "tenant": "t1",
                        "associations": [{"type": "CPOR", "since": "2024-01-01"}],
                        "usage": [{"month": "2025-10", "workload": "Teams", "paid_seats": 5, "active_users": 1, **row}],
                    }
                ],
            }
            for row in (
                {"month": "2025-13"},
                {"month": "10/2025"},
                {"paid_seats": -1},
                {"active_users": 2.5},
                {"seats": 5},
            )
        ),
    ],
)
def test_the_schema_and_the_loader_refuse_the_same_mistakes(document: dict[str, Any]):
    with pytest.raises(mwrules.InputError):
        mwrules.load_partner(document, "modern-work@2026-01")

    assert not PARTNER_VALIDATOR.is_valid(document)


# Partner documents under rulesets in the vocabulary -------------------------------------

SHAPE_CASES = sorted(SHAPES.glob("*/cases/*/*.yaml"))


def shape(name: str) -> model.Ruleset:
    return mwrules.load_ruleset(SHAPES / name / "2026-01.yaml")


def validator_for(ruleset: model.Ruleset) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(partner_schema(ruleset), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("path", SHAPE_CASES, ids=lambda path: f"{path.parents[2].name}/{path.stem}")
def test_every_shape_case_partner_fits_its_rulesets_partner_schema(path: Path):
    """Facts, amounts, sub-sources: each hand-worked partner of the twelve shapes is valid to its ruleset's schema."""
    partner = yaml.safe_load(path.read_text())["partner"]

    validator_for(mwrules.load_ruleset(path.parents[2] / f"{path.parent.name}.yaml")).validate(as_editor_sees(partner))


def test_the_partner_schema_describes_each_declared_fact():
    """A fact: its kind's type, its range and its title; the facts that classification reads are required."""
    schema = partner_schema(shape("07-path-by-classification"))

    facts = schema["properties"]["facts"]
    assert ["partner_id", "facts"] == schema["required"]
    assert ["smb_customer_share"] == facts["required"]
    assert {"type": "number", "minimum": 0, "maximum": 100} == {
        key: value for key, value in facts["properties"]["smb_customer_share"].items() if key != "description"
    }
    assert facts["properties"]["smb_customer_share"]["description"].startswith("Percent of customers")


def test_amount_parts_are_numbers_and_count_parts_whole_numbers():
    schema = partner_schema(shape("08-sum-of-parts"))

    usage = schema["properties"]["metrics"]["properties"]["enterprise"]["properties"]["usage_growth"]
    assert ("number", "integer") == (usage["properties"]["azure"]["type"], usage["properties"]["m365"]["type"])
    assert usage["additionalProperties"] is False


def test_a_path_gives_only_the_metrics_it_scores():
    """A given metric a path does not score is not a key of that path's metrics."""
    ruleset = shape("12-new-given-metric")
    smb = ruleset.path("smb")
    fewer = [
        path if path.id != "smb" else attrs.evolve(smb, metrics=dict(list(smb.metrics.items())[:-1]))
        for path in ruleset.paths
    ]

    metrics = partner_schema(attrs.evolve(ruleset, paths=tuple(fewer)))["properties"]["metrics"]["properties"]
    assert "copilot_seats" in metrics["enterprise"]["properties"]
    assert "copilot_seats" not in metrics["smb"]["properties"]


CLASSIFIED = {"partner_id": "x", "facts": {"smb_customer_share": 80}}


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("07-path-by-classification", {"partner_id": "x"}),
        ("07-path-by-classification", {"partner_id": "x", "facts": {"smb_customer_share": 120}}),
        ("07-path-by-classification", {"partner_id": "x", "facts": {"smb_customer_share": "80"}}),
        ("07-path-by-classification", {**CLASSIFIED, "metrics": {"smb": {"usage_growth": {"dpor": 1}}}}),
        ("07-path-by-classification", {**CLASSIFIED, "metrics": {"smb": {"intermediate_certifications": 2}}}),
        ("08-sum-of-parts", {"partner_id": "x", "metrics": {"smb": {"usage_growth": {"m365": 2.5}}}}),
        ("08-sum-of-parts", {"partner_id": "x", "metrics": {"smb": {"usage_growth": {"azure": "2.5"}}}}),
    ],
    ids=[
        "missing-fact",
        "fact-out-of-range",
        "fact-as-text",
        "unread-part",
        "people-metric",
        "count-part-2.5",
        "amount-as-text",
    ],
)
def test_the_partner_schema_and_loader_refuse_the_same_mistakes_under_the_vocabulary(
    name: str, document: dict[str, Any]
):
    ruleset = shape(name)
    with pytest.raises(mwrules.InputError):
        mwrules.load_partner(document, ruleset)

    assert not validator_for(ruleset).is_valid(document)


@pytest.mark.parametrize(
    ("where", "change"),
    [
        pytest.param(("paths", 0, "metrics", "skilling", "terms", 0), {"target": 2}, id="term-of-two-kinds"),
        pytest.param(("paths", 0, "metrics", "skilling", "terms", 0), {"gate": None}, id="term-of-no-kind"),
        pytest.param(("metrics", 0, "source"), {"parts": {"cpor": "count"}}, id="source-of-two-kinds"),
    ],
)
def test_exactly_one_of_is_a_rule_of_shape(where: tuple[Any, ...], change: dict[str, Any]):
    """A term, a source that gives two of its kinds or none: the schema's oneOf and the loader both refuse it."""
    data = copy.deepcopy(VALID[len(SHIPPED)])  # 06-ordered-steps
    place = data
    for step in where:
        place = place[step]
    place.update(change)

    assert not schema_accepts(data)
    assert not loader_accepts(data)


@pytest.mark.parametrize(
    "condition",
    [{"fact": "smb_customer_share"}, {"at_least": 80}, {"fact": "smb_customer_share", "at_least": 80, "at_most": 90}],
    ids=["no-comparison", "nothing-compared", "two-comparisons"],
)
def test_a_condition_compares_one_thing_with_one_number(condition: dict[str, Any]):
    data = copy.deepcopy(VALID[len(SHIPPED) + 1])  # 07-path-by-classification
    data["scoring"]["classify"][0]["when"] = [condition]

    assert not schema_accepts(data)
    assert not loader_accepts(data)

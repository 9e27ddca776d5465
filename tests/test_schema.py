"""The JSON Schema of ruleset files is generated from the model, shipped, and agrees with the loader."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import mwrules
from mwrules import ruleset as model
from mwrules import strategies as mst
from mwrules._rulesets.schema import PARTNER_SCHEMA_FILE_NAME, SCHEMA_FILE_NAME, partner_schema, ruleset_schema
from mwrules.cli import main
from mwrules.ruleset import rulesets_dir


SHIPPED_SCHEMA = json.loads((rulesets_dir() / SCHEMA_FILE_NAME).read_text())
VALIDATOR = jsonschema.Draft7Validator(SHIPPED_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
RULESET_FILES = sorted(rulesets_dir().glob("*/*.yaml"))
SHIPPED = [yaml.safe_load(path.read_text()) for path in RULESET_FILES]


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
    """A shipped ruleset with one value replaced, one key removed or one unknown key added."""
    data = copy.deepcopy(draw(st.sampled_from(SHIPPED)))
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


@pytest.mark.parametrize("data", SHIPPED, ids=[path.name for path in RULESET_FILES])
def test_both_accept_the_shipped_rulesets(data):
    """The shipped rulesets are valid to the schema and to the loader."""
    assert schema_accepts(data)
    assert loader_accepts(data)


@given(mutated_rulesets())
@example({**SHIPPED[0], "manifest": {**SHIPPED[0]["manifest"], "effective_from": "2026-13-45"}})
@example({**SHIPPED[0], "workloads": ["Teams", {"name": "Teams Premium", "metrics": ["usage_growth"]}]})
@example({**SHIPPED[0], "scoring": {**SHIPPED[0]["scoring"], "total_points": True}})
def test_the_schema_and_the_loader_agree(data: Any):
    """For any one-change mutation of a shipped ruleset, the schema accepts it exactly when the loader does."""
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

    assert partner_schema(latest) == SHIPPED_PARTNER_SCHEMA


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

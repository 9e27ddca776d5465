"""mwrules.spark on a local Spark session: every row's verdict columns agree with evaluate()."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mwrules
from mwrules.verdict import display_points


if os.environ.get("MWRULES_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark", reason="the spark extra: pip install -e '.[test,spark]'")
    pytest.importorskip("pyarrow", reason="the spark extra: pip install -e '.[test,spark]'")

from pyspark.sql import SparkSession, types
from pyspark.sql import functions as F

from mwrules._input.partner import read_document
from mwrules.spark import DESIGNATIONS_COLUMNS, VERDICT_COLUMNS, evaluate_frame


ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors run this interpreter, with mwrules
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mwrules-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


def documents() -> list[dict[str, Any]]:
    examples = [read_document(path).data for path in sorted((ROOT / "examples").glob("*.*"))]
    return [*examples, {"partner_id": "empty", "as_of": "2024-06-30"}]


def test_json_rows_get_the_verdict_of_evaluate(spark: SparkSession):
    rows = [(index, json.dumps(document)) for index, document in enumerate(documents())]
    rows += [(100, "not json"), (101, json.dumps({"partner_id": 5}))]
    frame = spark.createDataFrame(rows, "reseller long, document string").repartition(2)

    result = {row["reseller"]: row for row in evaluate_frame(frame).collect()}

    assert evaluate_frame(frame).columns == ["reseller", *VERDICT_COLUMNS]
    for index, document in enumerate(documents()):
        verdict = mwrules.evaluate(document)
        row = result[index]
        assert (row["partner_id"], row["qualified"], row["path"]) == (
            verdict.partner_id,
            verdict.qualified,
            verdict.path,
        )
        assert row["score"] == display_points(verdict.score)
        assert mwrules.verdict_from_json(json.loads(row["verdict"])) == verdict
        assert row["problems"] == []
    assert result[100]["verdict"] is None
    assert "MW002 not valid JSON" in result[100]["problems"][0]
    assert result[101]["problems"] == ["$.partner_id: MW006 expected text, got a whole number 5"]


def test_rows_get_every_designations_result(spark: SparkSession):
    """designations=True adds what evaluate_designations gives per row: qualified designations, badges, the JSON."""
    example = read_document(ROOT / "examples" / "all-designations.yaml").data
    no_fact = {**example, "facts": {"enterprise_workloads": 3}}
    rows = [(0, json.dumps(example, default=str)), (1, json.dumps(no_fact, default=str)), (2, "not json")]
    frame = spark.createDataFrame(rows, "reseller long, document string")

    evaluated = evaluate_frame(frame, designations=True)
    result = {row["reseller"]: row for row in evaluated.collect()}

    assert evaluated.columns == ["reseller", *DESIGNATIONS_COLUMNS]
    assert result[0]["qualified_for"] == ["infrastructure", "modern-work", "security"]
    assert result[0]["badges"] == [badge.name for badge in mwrules.evaluate_designations(example).badges]
    assert json.loads(result[0]["designations"])["designations"][5]["designation"] == "security"
    assert result[0]["problems"] == []
    assert result[1]["qualified_for"] == ["modern-work", "security"]  # the Azure three lack their fact
    assert len(result[1]["problems"]) == 3
    assert result[2]["designations"] is None
    assert "MW002 not valid JSON" in result[2]["problems"][0]


def test_struct_rows_and_a_ruleset_object(spark: SparkSession):
    ruleset = mwrules.load_ruleset(ROOT / "rulesets" / "modern-work" / "2023-06.yaml")
    schema = types.StructType(
        [
            types.StructField(
                "document",
                types.StructType(
                    [
                        types.StructField("partner_id", types.StringType()),
                        types.StructField("as_of", types.StringType()),
                        types.StructField(
                            "people",
                            types.ArrayType(
                                types.StructType(
                                    [
                                        types.StructField("id", types.StringType()),
                                        types.StructField("certifications", types.ArrayType(types.StringType())),
                                    ]
                                )
                            ),
                        ),
                        types.StructField(
                            "metrics",
                            types.MapType(types.StringType(), types.MapType(types.StringType(), types.LongType())),
                        ),
                    ]
                ),
            )
        ]
    )
    document = {
        "partner_id": "fabrikam",
        "as_of": "2024-06-30",
        "people": [{"id": "ann", "certifications": ["MS-102"]}, {"id": "bob", "certifications": None}],
        "metrics": {"smb": {"net_customer_adds": 6}},
    }
    frame = spark.createDataFrame([(document,)], schema)

    (row,) = evaluate_frame(frame, ruleset=ruleset).collect()

    plain = {**document, "people": [{"id": "ann", "certifications": ["MS-102"]}, {"id": "bob"}]}
    verdict = mwrules.evaluate(plain, ruleset=ruleset)
    assert (row["partner_id"], row["qualified"], row["score"]) == (
        "fabrikam",
        verdict.qualified,
        display_points(verdict.score),
    )
    assert json.loads(row["verdict"])["ruleset"]["reason"].startswith("loaded from")


def test_a_frame_without_the_column_or_with_a_verdict_column_is_refused(spark: SparkSession):
    frame = spark.createDataFrame([("x", "{}")], "partner_id string, document string")

    with pytest.raises(ValueError, match="no column 'doc'"):
        evaluate_frame(frame, column="doc")
    with pytest.raises(ValueError, match="already has column"):
        evaluate_frame(frame)


def test_an_unknown_ruleset_fails_on_the_driver(spark: SparkSession):
    frame = spark.createDataFrame([("{}",)], "document string")

    with pytest.raises(mwrules.RulesetError):
        evaluate_frame(frame, ruleset="modern-wrok")


@pytest.mark.parametrize("name", ["infrastructure", "data-ai", "digital-app-innovation", "business-applications"])
def test_a_ruleset_whose_designation_needs_a_fact_is_taken_by_name(spark: SparkSession, name: str):
    """The driver checks the name alone: it evaluated a stand-in document, which lacks these rulesets' facts."""
    example = read_document(ROOT / "examples" / "all-designations.yaml").data
    frame = spark.createDataFrame([(json.dumps(example, default=str),)], "document string")

    (row,) = evaluate_frame(frame, ruleset=name).collect()

    verdict = mwrules.evaluate(example, ruleset=name)
    assert row["problems"] == []
    assert mwrules.verdict_from_json(json.loads(row["verdict"])) == verdict


def test_the_other_columns_keep_every_type_spark_gives(spark: SparkSession):
    """A timestamp column beside the documents (a table's ingested_at) failed every task.

    The other columns went through Python and back; now Arrow's arrays go back as they came.
    """
    import datetime  # noqa: PLC0415
    import decimal  # noqa: PLC0415

    kept = (
        datetime.datetime(2024, 1, 1, 12, 30),
        datetime.datetime(2024, 1, 1, 12, 30),
        datetime.date(2024, 1, 1),
        decimal.Decimal("1.50"),
        {"k": 1},
        [1, None],
        bytearray(b"z"),
        float("nan"),
        2**62 + 1,
        None,
        {"a": None, "b": [None]},
    )
    frame = spark.createDataFrame(
        [(*kept, '{"partner_id": "contoso", "as_of": "2024-06-30"}')],
        "ts timestamp, ntz timestamp_ntz, dt date, dec decimal(10,2), mp map<string,int>, arr array<int>, "
        "bin binary, nan double, big long, nul string, st struct<a:string,b:array<string>>, document string",
    )

    (row,) = evaluate_frame(frame).collect()

    (given,) = frame.drop("document").collect()
    assert tuple(given)[:7] == tuple(row)[:7]
    assert math.isnan(row["nan"])
    assert tuple(given)[8:] == tuple(row)[8 : len(kept)]
    assert row["partner_id"] == "contoso"


def test_an_empty_map_is_an_empty_object(spark: SparkSession):
    """Arrow gives a map as a list of pairs: an empty one was an empty list, refused where an object goes (MW006)."""
    metrics = types.MapType(types.StringType(), types.MapType(types.StringType(), types.LongType()))
    schema = "partner_id string, as_of string, metrics map<string, map<string, bigint>>"
    document = types.StructType([*types._parse_datatype_string(schema).fields])
    assert document["metrics"].dataType == metrics
    cases = [{"smb": {}}, {}, {"smb": {"net_customer_adds": 6}}]
    frame = spark.createDataFrame(
        [(index, {"partner_id": "a", "as_of": "2024-06-30", "metrics": given}) for index, given in enumerate(cases)],
        types.StructType([types.StructField("index", types.LongType()), types.StructField("document", document)]),
    )

    result = {row["index"]: row for row in evaluate_frame(frame).collect()}

    for index, given in enumerate(cases):
        verdict = mwrules.evaluate({"partner_id": "a", "as_of": "2024-06-30", "metrics": given})
        assert result[index]["problems"] == []
        assert mwrules.verdict_from_json(json.loads(result[index]["verdict"])) == verdict


def test_names_are_compared_as_spark_compares_them(spark: SparkSession):
    """Spark's names are case-insensitive by default: a kept `Qualified` made every later `qualified` ambiguous."""
    frame = spark.createDataFrame([('{"partner_id": "c"}', "x")], "Document string, Qualified string")

    with pytest.raises(ValueError, match="already has column"):
        evaluate_frame(frame)
    (row,) = evaluate_frame(frame.withColumnRenamed("Qualified", "flag")).collect()
    assert (row["flag"], row["partner_id"]) == ("x", "c")


def test_certifications_spark_read_as_json_text_are_counted(spark: SparkSession):
    """spark.read.json infers one type per field: names beside objects make array<string>, the objects JSON text.

    Those certifications were read as unknown names, not counted: a qualifying partner was NOT QUALIFIED.
    """
    document = read_document(ROOT / "examples" / "qualified-smb.yaml").data
    first, *others = document["people"]
    assert first["certifications"] == ["MS-700", "MS-102"]
    mixed = [{**first, "certifications": ["MS-700", {"name": "MS-102"}]}, *others]
    document = json.loads(json.dumps({**document, "people": mixed}, default=str))
    text = json.dumps(document)
    schema = spark.read.json(spark.createDataFrame([(text,)], "value string").rdd.map(lambda row: row[0])).schema
    assert "certifications:array<string>" in schema.simpleString()
    frame = spark.createDataFrame([(text,)], "value string").select(F.from_json("value", schema).alias("document"))

    (row,) = evaluate_frame(frame).collect()

    verdict = mwrules.evaluate(document)
    assert verdict.qualified
    assert mwrules.verdict_from_json(json.loads(row["verdict"])) == verdict


def test_designations_given_as_a_generator_are_read_once(spark: SparkSession):
    """The driver's check consumed a generator, and the executors got none: every task failed."""
    example = read_document(ROOT / "examples" / "all-designations.yaml").data
    frame = spark.createDataFrame([(json.dumps(example, default=str),)], "document string")

    (row,) = evaluate_frame(frame, designations=(name for name in ["security", "modern-work"])).collect()

    given = mwrules.evaluate_designations(example, designations=["security", "modern-work"])
    assert row["qualified_for"] == list(given.qualified) == ["security", "modern-work"]


def test_a_column_that_is_no_name_is_refused(spark: SparkSession):
    frame = spark.createDataFrame([("{}",)], "document string")

    with pytest.raises(TypeError, match="column must be the name of a column, not int"):
        evaluate_frame(frame, column=5)  # type: ignore[arg-type]


def test_a_frame_with_two_columns_of_one_name_is_refused_with_their_name(spark: SparkSession):
    """A join's two `id` columns reached mapInArrow, whose AnalysisException named no remedy."""
    left = spark.createDataFrame([(1, '{"partner_id": "c"}')], "id long, document string").alias("left")
    right = spark.createDataFrame([(1, "x")], "ID long, region string").alias("right")
    joined = left.join(right, F.col("left.id") == F.col("right.ID"))

    with pytest.raises(ValueError, match=r"the frame has 2 columns named 'id' \(id, ID\): rename"):
        evaluate_frame(joined)


def test_a_certification_text_nested_too_deep_is_a_problem_of_its_row():
    """Reading a certification's JSON text back must not raise (RecursionError failed the task)."""
    from mwrules.spark import evaluate_row  # noqa: PLC0415

    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    shallow = '{"a":' * 100 + "1" + "}" * 100
    for text in (deep, shallow):
        row = evaluate_row({"partner_id": "a", "people": [{"id": "p", "certifications": [text]}]}, None)
        assert row["verdict"] is None
        assert row["problems"]

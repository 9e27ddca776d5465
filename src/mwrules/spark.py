"""Evaluate a Spark DataFrame of partner documents: for portfolios that live in a lakehouse.

Microsoft Fabric and Azure Databricks notebooks hold portfolios as tables;
:func:`evaluate_frame` evaluates every row on the executors (the ruleset
travels with the task) and returns the rows with their verdict columns::

    from mwrules.spark import evaluate_frame

    partners = spark.read.text("Files/portfolio.jsonl").withColumnRenamed("value", "document")
    verdicts = evaluate_frame(partners)
    verdicts.groupBy("qualified", "path").count().show()

Needs the ``spark`` extra (``pip install 'mwrules[spark]'``: PySpark and
PyArrow; both are already on Fabric and Databricks clusters). See
``docs/spark.md``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._batch.pool import check_settings, evaluate_input
from ._output.designations_report import designations_to_json
from ._output.json import verdict_to_json
from .limits import DEFAULT_LIMITS, Limits
from .ruleset import Ruleset
from .verdict import display_points


if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


#: The columns :func:`evaluate_frame` adds, in order.
VERDICT_COLUMNS = ("partner_id", "qualified", "path", "score", "verdict", "problems")
#: The columns :func:`evaluate_frame` adds with ``designations``, in order.
DESIGNATIONS_COLUMNS = ("partner_id", "qualified_for", "badges", "designations", "problems")


def evaluate_frame(
    frame: DataFrame,
    *,
    column: str = "document",
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    designations: Iterable[str] | bool = False,
) -> DataFrame:
    """*frame*'s rows, each followed by the verdict of the partner document in *column*.

    *column* holds each partner's document: JSON text (a line of a JSON
    Lines file), or a struct or map column in the document's shape. The other
    columns are kept, *column* is dropped, and these are added:

    - ``partner_id`` (string), ``qualified`` (boolean), ``path`` (string) and
      ``score`` (double, 2 decimals, more for a score just short of a whole
      number): null when the document has problems;
    - ``verdict``: the whole verdict as JSON (:func:`mwrules.verdict_to_json`),
      trace included, or null;
    - ``problems``: the document's problems as text (empty when it was
      evaluated): one bad row never fails the job.

    *ruleset* and *limits* are as for :func:`mwrules.evaluate`; a Ruleset
    object is sent to the executors with the tasks.

    With *designations* (True: every shipped designation; or their ids),
    each row is evaluated for every designation
    (:func:`mwrules.evaluate_designations`) and these columns are added
    instead: ``partner_id``; ``qualified_for`` and ``badges`` (arrays of
    strings: the designations qualified for, the badges earned);
    ``designations`` (the whole result as JSON, as ``--designations --format
    json`` prints it) and ``problems``.

    Raises:
        ValueError: *column* is missing, *frame* already has a column of
            one of the names above, or two columns of one name.
        TypeError: *column* is not a name.
    """
    from pyspark.sql import types  # noqa: PLC0415 - the extra is optional

    if not isinstance(column, str):
        msg = f"column must be the name of a column, not {type(column).__name__}"
        raise TypeError(msg)
    if isinstance(designations, Iterable) and not isinstance(designations, str | bytes):
        designations = tuple(designations)  # a generator, used up by the check below, reached no executor
    name = _spark_name(frame)
    found = [given for given in frame.columns if name(given) == name(column)]
    if len(found) != 1:
        msg = f"the frame has no column {column!r} (its columns: {', '.join(frame.columns)})"
        raise ValueError(msg)
    column = found[0]
    _refuse_twice_named(frame.columns, name)
    kept = [field for field in frame.schema.fields if field.name != column]
    added = VERDICT_COLUMNS if designations is False else DESIGNATIONS_COLUMNS
    clashes = [field.name for field in kept if name(field.name) in {name(new) for new in added}]
    if clashes:
        msg = f"the frame already has column(s) {', '.join(clashes)}: rename them, mwrules adds {added}"
        raise ValueError(msg)
    settings: tuple[Ruleset | str | None, Limits, Iterable[str] | bool] = (ruleset, limits, designations)
    check_settings(ruleset, limits, designations)  # an unknown name fails here, not on every executor
    if designations is not False:
        columns = [
            types.StructField("partner_id", types.StringType()),
            types.StructField("qualified_for", types.ArrayType(types.StringType())),
            types.StructField("badges", types.ArrayType(types.StringType())),
            types.StructField("designations", types.StringType()),
        ]
    else:
        columns = [
            types.StructField("partner_id", types.StringType()),
            types.StructField("qualified", types.BooleanType()),
            types.StructField("path", types.StringType()),
            types.StructField("score", types.DoubleType()),
            types.StructField("verdict", types.StringType()),
        ]
    columns.append(types.StructField("problems", types.ArrayType(types.StringType()), nullable=False))
    schema = types.StructType([*kept, *columns])
    verdict_schema = types.StructType(columns)
    position = frame.columns.index(column)
    kept_positions = [index for index, field in enumerate(frame.schema.fields) if field.name != column]

    def evaluate_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa  # noqa: PLC0415 - on the executor
        from pyspark.sql.pandas.types import to_arrow_schema  # noqa: PLC0415

        arrow_schema = to_arrow_schema(verdict_schema)
        for batch in batches:
            documents = batch.column(position)
            rows = [evaluate_row(document, *settings, kind=documents.type) for document in documents.to_pylist()]
            verdicts = pa.RecordBatch.from_pylist(rows, schema=arrow_schema)
            # the other columns go back as Arrow gave them: through Python, a timestamp column failed every
            # task (to_arrow_schema wants the session's time zone), and NaN, decimals and maps took a detour
            yield pa.RecordBatch.from_arrays(
                [*(batch.column(index) for index in kept_positions), *verdicts.columns],
                names=[*(batch.schema.field(index).name for index in kept_positions), *arrow_schema.names],
            )

    return frame.mapInArrow(evaluate_batches, schema)


def _spark_name(frame: DataFrame) -> Callable[[str], str]:
    """How the frame's session compares column names: regardless of case, unless spark.sql.caseSensitive is set.

    A kept ``Qualified`` beside the added ``qualified`` made every later use of either ambiguous.
    """
    if frame.sparkSession.conf.get("spark.sql.caseSensitive", "false").lower() == "true":
        return str
    return str.casefold


def _refuse_twice_named(columns: list[str], name: Callable[[str], str]) -> None:
    """Refuse two columns of one name (a join's two ``id``): mapInArrow cannot tell them apart."""
    named: dict[str, list[str]] = {}
    for given in columns:
        named.setdefault(name(given), []).append(given)
    for same in named.values():
        if len(same) > 1:
            msg = f"the frame has {len(same)} columns named {same[0]!r} ({', '.join(same)}): rename all but one"
            raise ValueError(msg)


def evaluate_row(
    document: Any,
    ruleset: Ruleset | str | None,
    limits: Limits = DEFAULT_LIMITS,
    designations: Iterable[str] | bool = False,
    *,
    kind: pa.DataType | None = None,
) -> dict[str, Any]:
    """The verdict columns of one row's *document* (JSON text, or the document as Arrow gives a struct or map).

    *kind*, the column's Arrow type, tells a map from a list (an empty map is
    an empty list); without it a list of pairs is taken for a map.
    """
    is_text = isinstance(document, str | bytes)
    item = (None, document if is_text else _objects_spark_made_text(_plain(document, kind)), is_text)
    result = evaluate_input(item, ruleset=ruleset, limits=limits, designations=designations)
    if designations is not False:
        found = result.designations
        if found is None:
            return dict.fromkeys(DESIGNATIONS_COLUMNS[:-1]) | {
                "problems": [str(problem) for problem in result.problems]
            }
        return {  # a designation's own problems (a missing fact) leave the others' results
            "partner_id": found.partner_id,
            "qualified_for": list(found.qualified),
            "badges": [badge.name for badge in found.badges],
            "designations": json.dumps(designations_to_json(found), ensure_ascii=False),
            "problems": [str(problem) for problem in found.problems],
        }
    verdict = result.verdict
    if verdict is None:
        return dict.fromkeys(VERDICT_COLUMNS[:-1]) | {"problems": [str(problem) for problem in result.problems]}
    return {
        "partner_id": verdict.partner_id,
        "qualified": verdict.qualified,
        "path": verdict.path,
        "score": display_points(verdict.score),
        "verdict": json.dumps(verdict_to_json(verdict), ensure_ascii=False),
        "problems": [],
    }


def _plain(value: Any, kind: pa.DataType | None = None) -> Any:
    """A struct or map cell as the document it stands for.

    Arrow gives a map as (key, value) pairs, and a struct's absent fields as
    nulls. With the cell's Arrow *kind*, a map is known by its type (an empty
    map was an empty list, which mwrules refused as no object); without it, by
    its pairs.
    """
    if kind is None:
        return _untyped(value)
    import pyarrow as pa  # noqa: PLC0415 - the extra is optional

    if value is None:
        return None
    if isinstance(kind, pa.MapType):
        return {key: _plain(item, kind.item_type) for key, item in value}
    if isinstance(kind, pa.StructType) and isinstance(value, Mapping):
        fields = {field.name: field.type for field in kind}
        return {key: _plain(item, fields.get(key)) for key, item in value.items() if item is not None}
    if isinstance(kind, pa.ListType | pa.LargeListType | pa.FixedSizeListType) and isinstance(value, list):
        return [_plain(item, kind.value_type) for item in value]
    return value


def _objects_spark_made_text(document: Any) -> Any:
    """*document* with each certification that Spark turned into JSON text an object again.

    ``spark.read.json`` infers one type per field: certifications given as
    names beside objects (``["MS-102", {"name": "MS-700", "earned": ...}]``)
    become ``array<string>``, each object its JSON text. Read as a name, such
    a certification was not counted, and a qualifying partner was not
    qualified. No certification's name is the text of a JSON object.
    """
    if not isinstance(document, dict) or not isinstance(document.get("people"), list):
        return document
    for person in document["people"]:
        if isinstance(person, dict) and isinstance(person.get("certifications"), list):
            person["certifications"] = [_object_text(given) for given in person["certifications"]]
    return document


def _object_text(given: Any) -> Any:
    if isinstance(given, str) and given.startswith("{") and given.endswith("}"):
        with contextlib.suppress(ValueError, RecursionError):  # nested too deep stays text, a problem as text
            parsed = json.loads(given)
            if isinstance(parsed, dict):
                return parsed
    return given


def _untyped(value: Any) -> Any:
    """:func:`_plain` without the Arrow type: a non-empty list of pairs is a map."""
    if isinstance(value, Mapping):
        return {key: _untyped(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        if value and all(isinstance(item, tuple) and len(item) == 2 for item in value):
            return {key: _untyped(item) for key, item in value}
        return [_untyped(item) for item in value]
    return value

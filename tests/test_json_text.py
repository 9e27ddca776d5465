"""Indented JSON written quickly (mwrules._output.json_text): the same text as json.dumps, in chunks."""

from __future__ import annotations

import datetime
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from cattrs.gen import make_dict_unstructure_fn
from hypothesis import given
from hypothesis import strategies as st

import mwrules
from mwrules._output import json as verdict_json
from mwrules._output.json_text import write_json
from mwrules.cli import main
from mwrules.strategies import partners
from mwrules.verdict import MetricResult, PathResult, TraceStep, Verdict, display_points, format_points


EXAMPLES = Path(__file__).parents[1] / "examples"


class Text(str):
    """A str subclass: json.dumps writes its characters."""


class Number(int):
    """An int subclass with a repr of its own, which json.dumps does not use."""

    def __repr__(self) -> str:
        return "Number!"


class Ratio(float):
    """A float subclass."""


class Backwards(list):  # type: ignore[type-arg]
    """A list subclass that iterates backwards: json.dumps writes what iteration gives."""

    def __iter__(self) -> Any:
        return reversed(list(super().__iter__()))


class Filtered(dict):  # type: ignore[type-arg]
    """A dict subclass whose items() leave out keys starting with '_': json.dumps writes what items() gives."""

    def items(self) -> Any:
        return [(key, value) for key, value in super().items() if not str(key).startswith("_")]


texts = st.text() | st.sampled_from(['"', "\\", "\n\t\x00\x1f", "é€😀", "\ud800", "%s {}", "a\u2028b"])
plain_values = st.none() | st.booleans() | st.integers() | st.floats() | texts
keys = texts | st.integers() | st.floats() | st.booleans() | st.none()
odd_values = st.builds(Text, texts) | st.builds(Number, st.integers()) | st.builds(Ratio, st.floats())


def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        st.lists(children, max_size=6)
        | st.lists(children, max_size=4).map(tuple)
        | st.lists(children, max_size=4).map(Backwards)
        | st.dictionaries(keys, children, max_size=6)
        | st.dictionaries(texts, children, max_size=4).map(Filtered)
    )


json_values = st.recursive(plain_values | odd_values, containers, max_leaves=40)


def written(data: object, **options: Any) -> tuple[str, list[str]]:
    chunks: list[str] = []
    write_json(data, chunks.append, **options)
    return "".join(chunks), chunks


@given(json_values, st.sampled_from([0, 1, 2, 4]), st.booleans())
def test_the_text_is_json_dumps_text_for_any_value(value: object, indent: int, ensure_ascii: bool) -> None:
    """Any value json.dumps takes is written as json.dumps writes it, with the same indent and ensure_ascii."""
    assert (
        json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)
        == written(value, indent=indent, ensure_ascii=ensure_ascii)[0]
    )


@given(st.lists(plain_values, min_size=257, max_size=300), st.booleans())
def test_a_long_list_of_plain_values_is_json_dumps_text(value: list[Any], ensure_ascii: bool) -> None:
    """A list of plain values too long for one C-encoded text is written a value at a time, the same text."""
    assert (
        json.dumps({"rows": value}, indent=2, ensure_ascii=ensure_ascii)
        == written({"rows": value}, ensure_ascii=ensure_ascii)[0]
    )


def test_special_floats_and_keys_are_written_as_json_dumps_writes_them() -> None:
    """NaN, infinities, -0.0 and keys that are numbers, booleans or null, in plain and nested dicts."""
    keyed = {3: math.nan, 2.5: math.inf, True: -math.inf, None: -0.0, False: 1e300}
    value = [keyed, {**keyed, "nested": [keyed, [], {}, [[]], [{}]]}]
    assert json.dumps(value, indent=2, ensure_ascii=False) == written(value)[0]


def test_subclasses_are_written_as_json_dumps_reads_them() -> None:
    """A dict subclass by its items(), a list subclass by its iteration, scalars by their value, not their repr."""
    value = {"hidden": Filtered({"_gone": 1}), "some": Filtered({"_gone": 1, "kept": [Number(7)]})}
    value |= {"backwards": Backwards([1, [2, 3], Ratio(0.5)]), "text": Text("é"), "empty": Backwards()}
    assert json.dumps(value, indent=2, ensure_ascii=False) == written(value)[0]


def test_a_value_json_dumps_refuses_raises_its_type_error() -> None:
    """A value that is not JSON data raises the TypeError json.dumps raises, with its message."""
    with pytest.raises(TypeError) as dumps:
        json.dumps({"when": [datetime.date(2026, 1, 1)]}, indent=2)
    with pytest.raises(TypeError) as writes:
        written({"when": [datetime.date(2026, 1, 1)]})
    assert str(dumps.value) == str(writes.value)


def test_a_large_value_is_written_in_several_chunks() -> None:
    """The text of a large value reaches the writer in pieces as it is made, not as one string."""
    text, chunks = written([{"tenant": f"t{n}", "months": [1, 2]} for n in range(20_000)])
    assert len(chunks) > 5
    assert max(map(len, chunks)) < len(text) / 5


# Trace steps, as verdicts have them and as they could be

steps_concluded = st.dictionaries(
    st.text(max_size=8),
    st.recursive(
        plain_values | st.fractions(max_denominator=7) | st.dates() | st.builds(Number, st.integers()),
        lambda children: st.lists(children, max_size=3) | st.lists(children, max_size=3).map(tuple),
        max_leaves=6,
    ),
    max_size=6,
)
trace_steps = st.builds(
    TraceStep,
    step=st.integers(min_value=0) | st.builds(Number, st.integers(min_value=0)),
    rule=st.sampled_from(["eligible:a", "counted:b", "points:c"]) | st.builds(Text, st.text(max_size=5)),
    description=st.sampled_from(["first description", 'second "quoted" description']),
    matched=st.lists(st.text(max_size=20), max_size=3).map(tuple) | st.lists(st.text(max_size=5), max_size=2),
    concluded=steps_concluded,
)


def _cattrs_step(step: TraceStep) -> dict[str, Any]:
    """A step's dict as cattrs makes it from TraceStep's field types (what verdict_to_json made before its own hook)."""
    converter = verdict_json._converter()
    return make_dict_unstructure_fn(TraceStep, converter)(step)  # type: ignore[no-any-return]


@given(trace_steps)
def test_a_trace_steps_dict_is_the_one_cattrs_makes(step: TraceStep) -> None:
    """verdict_to_json's dict of a trace step equals the one cattrs would generate from the step's field types."""
    ours = verdict_json._converter().unstructure(step)
    assert _cattrs_step(step) == ours
    assert type(ours["matched"]) is list


@given(st.lists(trace_steps, max_size=6), st.integers(min_value=0, max_value=3))
def test_a_trace_is_written_as_json_dumps_writes_its_dicts(steps: list[TraceStep], level: int) -> None:
    """A trace written from its steps is the text json.dumps writes for the steps' dicts, at any depth."""
    data: Any = {"trace": verdict_json._TraceText(steps, _cattrs_step)}
    reference: Any = {"trace": [_cattrs_step(step) for step in steps]}
    for _ in range(level):
        data, reference = [data], [reference]
    assert json.dumps(reference, indent=2, ensure_ascii=False) == written(data)[0]


# Real verdicts


def _verdicts() -> list[tuple[str, Verdict]]:
    found = []
    for example in sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json")):
        found.append((example.name, mwrules.evaluate(example)))
    designations = mwrules.evaluate_designations(EXAMPLES / "all-designations.yaml")
    found += [(result.designation, result.verdict) for result in designations.results if result.verdict is not None]
    return found


@pytest.mark.parametrize(("name", "verdict"), _verdicts())
def test_a_shipped_rulesets_verdict_is_written_as_json_dumps_writes_it(name: str, verdict: Verdict) -> None:
    """Each example partner's verdict (customer data included), under each shipped ruleset, is json.dumps's text."""
    reference = json.dumps(verdict_json.verdict_to_json(verdict), indent=2, ensure_ascii=False)
    assert reference == written(verdict_json.verdict_for_writing(verdict))[0]
    assert [_cattrs_step(step) for step in verdict.trace] == verdict_json.verdict_to_json(verdict)["trace"]


@given(partners(customer_data=True, max_people=4))
def test_a_generated_partners_verdict_is_written_as_json_dumps_writes_it(partner: mwrules.Partner) -> None:
    """The verdict of a generated partner with customer data is json.dumps's text of verdict_to_json."""
    verdict = mwrules.evaluate(partner)
    reference = json.dumps(verdict_json.verdict_to_json(verdict), indent=2, ensure_ascii=False)
    assert reference == written(verdict_json.verdict_for_writing(verdict))[0]


def _same_data(ours: object, reference: object) -> bool:
    """Equal, and alike in every type too (a list is not a tuple, 0.0 is not 0): their reprs are the same."""
    return repr(ours) == repr(reference)


@pytest.mark.parametrize(("name", "verdict"), _verdicts())
def test_a_shipped_rulesets_verdict_to_json_is_the_dict_the_converters_hooks_make(name: str, verdict: Verdict) -> None:
    """verdict_to_json's dict of each example's verdict, under each shipped ruleset, is the one cattrs's hooks make."""
    assert _same_data(verdict_json.verdict_to_json(verdict), verdict_json.verdict_to_json_by_hooks(verdict))


@given(partners(customer_data=True, max_people=4))
def test_a_generated_partners_verdict_to_json_is_the_dict_the_converters_hooks_make(partner: mwrules.Partner) -> None:
    """verdict_to_json's dict of a generated partner's verdict is the one cattrs's hooks make."""
    verdict = mwrules.evaluate(partner)
    assert _same_data(verdict_json.verdict_to_json(verdict), verdict_json.verdict_to_json_by_hooks(verdict))


class OddPath(PathResult):
    """A PathResult subclass: verdict_to_json leaves it to the converter."""


def _odd_verdicts() -> list[Verdict]:
    verdict = mwrules.evaluate(EXAMPLES / "near-miss.yaml")
    path = verdict.paths[verdict.path]
    metric_id, metric = next(iter(path.metrics.items()))

    def with_metric(**changes: Any) -> Verdict:
        metrics = {**path.metrics, metric_id: attrs.evolve(metric, **changes)}
        return attrs.evolve(verdict, paths={**verdict.paths, verdict.path: attrs.evolve(path, metrics=metrics)})

    odd_path = OddPath(**attrs.asdict(path, recurse=False))
    return [
        with_metric(inputs={"cpor": True, "csp": 1.5, "dpor": Fraction(1, 3), "more": Number(2)}),
        with_metric(points=Fraction(1), max=Number(20)),
        with_metric(people=["a", "b"], terms={}),
        attrs.evolve(verdict, score=Fraction(7, 3), paths={**verdict.paths, verdict.path: odd_path}),
        attrs.evolve(verdict, paths={verdict.path: attrs.evolve(path, classified_by="")}),
        attrs.evolve(verdict, paths={verdict.path: attrs.evolve(path, classified_by="classify:by-size")}),
        attrs.evolve(verdict, as_of=datetime.datetime(2026, 1, 2, 3, 4), warnings=["a list"]),
    ]


@pytest.mark.parametrize("verdict", _odd_verdicts())
def test_a_verdict_of_unusual_values_to_json_is_the_dict_the_converters_hooks_make(verdict: Verdict) -> None:
    """Subclasses, measures not counts or fractions, empty or set classifications: as cattrs's hooks make them."""
    assert _same_data(verdict_json.verdict_to_json(verdict), verdict_json.verdict_to_json_by_hooks(verdict))


def test_an_ordinary_verdict_is_not_turned_into_json_a_field_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """verdict_to_json makes the dicts of a verdict, its paths and metrics itself, without cattrs's hook per field."""
    verdict = mwrules.evaluate(EXAMPLES / "near-miss.yaml")
    expected = verdict_json.verdict_to_json_by_hooks(verdict)
    converter = verdict_json._converter().copy()

    def refused(value: object) -> None:
        message = f"cattrs's hook was used for a {type(value).__name__}"
        raise AssertionError(message)

    for cl in (Verdict, PathResult, MetricResult):
        converter.register_unstructure_hook(cl, refused)
    monkeypatch.setattr(verdict_json, "_converter", lambda: converter)
    assert _same_data(verdict_json.verdict_to_json(verdict), expected)


# The command line


@pytest.fixture
def no_python_indenting_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """json's pure-Python encoder (the one json.dumps uses with an indent) fails if it is used."""

    def refused(*_: object, **__: object) -> None:
        message = "json's pure-Python indenting encoder was used"
        raise AssertionError(message)

    monkeypatch.setattr(json.encoder, "_make_iterencode", refused)


@pytest.mark.parametrize(
    "arguments",
    [
        ["evaluate", str(EXAMPLES / "customer-data.yaml"), "--format", "json"],
        ["evaluate", str(EXAMPLES / "all-designations.yaml"), "--designations", "all", "--format", "json"],
        [
            "import",
            "--usage",
            str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv"),
            "--partner-id",
            "p",
            "--format",
            "json",
        ],
    ],
    ids=["evaluate", "designations", "import"],
)
def test_the_command_line_writes_json_without_pythons_indenting_encoder(
    arguments: list[str], no_python_indenting_encoder: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """evaluate, evaluate --designations and import write their JSON with the fast writer, not json's Python code."""
    assert main(arguments) in (0, 1)
    out = capsys.readouterr().out
    assert out.endswith("}\n")
    assert json.loads(out)


def test_evaluate_prints_json_dumps_text_of_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    """evaluate --format json prints json.dumps's indented text of verdict_to_json, and a newline."""
    partner = EXAMPLES / "customer-data.yaml"
    main(["evaluate", str(partner), "--format", "json"])
    verdict = mwrules.evaluate(partner)
    assert (
        json.dumps(verdict_json.verdict_to_json(verdict), indent=2, ensure_ascii=False) + "\n"
        == capsys.readouterr().out
    )


def test_import_writes_json_dumps_text_to_a_file(tmp_path: Path) -> None:
    """import --format json -o FILE writes the same text as to standard output."""
    usage = str(EXAMPLES / "partner-center" / "cpor-m365-usage.csv")
    main(["import", "--usage", usage, "--partner-id", "p", "--format", "json", "-o", str(tmp_path / "p.json")])
    document = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert json.dumps(document, indent=2, ensure_ascii=False) + "\n" == (tmp_path / "p.json").read_text(
        encoding="utf-8"
    )


def test_a_fraction_a_step_concluded_is_written_as_its_exact_text() -> None:
    """A fraction in a step's conclusions is written as verdict_to_json has it: its exact text."""
    step = TraceStep(step=0, rule="r", description="d", matched=("m",), concluded={"points": Fraction(25, 3)})
    assert '"points": "25/3"' in written({"trace": verdict_json._TraceText([step], _cattrs_step)})[0]


@pytest.mark.parametrize(
    ("points", "shown"),
    [
        (Fraction(87499999999, 1250000000), "69.999999999"),  # 8/10,000,000,000 below the pass line
        (Fraction(70 * 3 * 10**5 - 1, 3 * 10**5), "69.999997"),
        (Fraction(1, 1250000000), "0.000000001"),  # what a score that close is short by
        (Fraction(176201, 2500), "70.48"),
        (Fraction(2, 3), "0.67"),
        (Fraction(70), "70"),
        (Fraction(140001, 2000), "70.001"),  # above: shown past 70 too, not as 70
    ],
)
def test_points_rounded_to_a_whole_number_they_are_not_are_shown_with_the_digits_that_tell(
    points: Fraction, shown: str
):
    """A security score of 69.9999999992 was '70 of 100 points ... NOT QUALIFIED', '70 points, needs at least 70
    (0 short)', and 70.0 in JSON: rounding made it the pass line it misses (hostile run 16)."""
    assert format_points(points) == shown
    assert display_points(points) == float(shown)


def test_a_score_just_below_the_pass_line_is_not_shown_as_the_pass_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Security's Azure usage growth is an amount of 6 places: 11,899.999999 USD leaves the score 8e-10 short."""
    example = Path(__file__).parents[1] / "examples" / "all-designations.yaml"
    document = tmp_path / "p.yaml"
    document.write_text(example.read_text(encoding="utf-8").replace("azure: 12500.5,", "azure: 11899.999999,"))

    assert 0 == main(["evaluate", str(document), "--ruleset", "security"])

    out = capsys.readouterr().out
    assert "NOT QUALIFIED on enterprise (Enterprise): 69.999999999 of 100 points" in out
    assert "total on enterprise: 69.999999999 points, needs at least 70 (0.000000001 short)" in out


_NEAR = """\
partner_id: near
as_of: 2026-09-30
people: [{id: a, certifications: [AZ-500]}, {id: b, certifications: [SC-200]}, {id: c, certifications: [SC-100]}]
designations:
  security:
    metrics:
      smb:
        net_customer_adds: {azure: 2, m365: 0}
        usage_growth: {azure: 11249.999999, m365: 0}
        deployments: {azure: 0, m365: 3}
"""


def test_summary_table_cells_of_many_digits_stay_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A cell of 12 characters or more (14.999999999) ran into the one before it: '014.999999999' read as one
    number, where the JSON had 0 and 14.999999999 (hostile run 27)."""
    document = tmp_path / "p.yaml"
    document.write_text(_NEAR, encoding="utf-8")

    assert 0 == main(["evaluate", str(document), "--ruleset", "security"])

    out = capsys.readouterr().out
    table = out[out.index("\nmetric ") : out.index("\nqualifies ")].split("\n")[1:]
    rows = {line.split()[0]: line.split()[-2:] for line in table}
    assert rows == {
        "metric": ["enterprise", "smb"],
        "net_customer_adds": ["0", "8"],
        "intermediate_certifications": ["0", "16"],
        "usage_growth": ["0", "14.999999999"],
        "deployments": ["0", "10"],
        "total": ["0", "48.999999999"],
    }

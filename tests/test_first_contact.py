"""What a new user meets in the first ten minutes works: install, types, version, pipes, start-up, messages."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

import mwrules
from mwrules import InputError
from mwrules._input import documents as _documents
from mwrules._input import yaml_reading as _yaml_reading
from mwrules.cli import main


ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"


def python(code: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300, **kwargs
    )


def test_the_version_is_the_one_in_the_package_metadata(capsys: pytest.CaptureFixture[str]):
    """`mwrules --version` and mwrules.__version__ say what the installed package's metadata says."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert 0 == exited.value.code
    assert f"mwrules {importlib.metadata.version('mwrules')}\n" == capsys.readouterr().out
    assert importlib.metadata.version("mwrules") == mwrules.__version__


#: What a command's work needs and its help does not: the engine, YAML and cattrs.
HEAVY_MODULES = {"durable_rules_engine", "mwrules._evaluation.engine", "yaml", "cattrs"}
#: What even the model needs, and `--version` and `--help` do not: attrs, and
#: importlib.metadata (slower to import than the rest of the start).
MODEL_MODULES = {"attrs", "importlib.metadata"}


def modules_imported(*command: str) -> set[str]:
    """The modules a fresh Python imports to run *command* (from ``-X importtime``: names, not times)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=False, timeout=300
    )
    assert 0 == result.returncode, result.stderr
    return {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def cli_imports(*arguments: str) -> set[str]:
    """The modules `mwrules ARGUMENTS` imports, run as the installed script runs it."""
    return modules_imported("-c", "import sys; from mwrules.cli import main; sys.exit(main())", *arguments)


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_the_version_and_the_help_import_no_more_than_argparse(option: str):
    """`mwrules --version` and `mwrules --help` start as fast as Python and argparse do."""
    imported = cli_imports(option)

    assert "mwrules.cli" in imported
    assert set() == imported & (HEAVY_MODULES | MODEL_MODULES)


@pytest.mark.parametrize("command", ["evaluate", "import", "timeline", "lint"])
def test_a_commands_help_imports_nothing_heavy(command: str):
    """A command's help names its options without importing what the command runs on."""
    imported = cli_imports(command, "--help")

    assert "mwrules.cli" in imported
    assert set() == imported & HEAVY_MODULES


def test_importing_mwrules_imports_nothing_heavy():
    """`import mwrules` defers each public name to its first use."""
    imported = modules_imported("-c", "import mwrules")

    assert "mwrules" in imported
    assert set() == imported & (HEAVY_MODULES | MODEL_MODULES)


def test_the_public_modules_are_attributes_of_the_package():
    """`import mwrules` then `mwrules.ruleset.rulesets_dir()` worked when the package imported everything."""
    code = "import mwrules; print([module.__name__ for module in (mwrules.ruleset, mwrules.model, mwrules.codes)])"

    result = python(code)

    assert "['mwrules.ruleset', 'mwrules.model', 'mwrules.codes']" == result.stdout.strip(), result.stderr


def test_a_public_name_imports_its_module_when_first_used():
    result = python("import sys, mwrules; mwrules.evaluate; print('mwrules._evaluation.engine' in sys.modules)")

    assert "True" == result.stdout.strip(), result.stderr


def test_the_wheel_ships_types_rulesets_and_licence(tmp_path: Path):
    """A wheel built from the checkout carries py.typed, the rulesets, cases, schema and index, and the MIT text."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert 0 == built.returncode, built.stderr
    (wheel,) = tmp_path.glob("mwrules-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        licences = [name for name in names if name.endswith(("licenses/LICENSE", "/LICENSE"))]
        licence = archive.read(licences[0]).decode() if licences else ""

    assert "mwrules/py.typed" in names
    assert "mwrules/rulesets/modern-work/2026-01.yaml" in names
    assert "mwrules/rulesets/modern-work/cases/2026-01/ab-900-counts.yaml" in names
    assert "mwrules/rulesets/ruleset.schema.json" in names
    assert "mwrules/rulesets/certification-names.json" in names  # else the first unknown name reads every ruleset
    assert "Permission is hereby granted, free of charge" in licence


def test_the_sdist_carries_every_page_the_readme_links_to(tmp_path: Path):
    """On a package index the README's relative links lead nowhere: the README sends readers to the sdist."""
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert 0 == built.returncode, built.stderr
    (sdist,) = tmp_path.glob("mwrules-*.tar.gz")
    readme = (ROOT / "README.md").read_text()
    targets = {target.rstrip("/") for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", readme)}

    with tarfile.open(sdist) as archive:
        names = {name.partition("/")[2] for name in archive.getnames()}

    assert "pip download --no-deps --no-binary :all: mwrules" in readme
    assert targets
    folders = {name.rpartition("/")[0] for name in names}
    assert set() == targets - names - folders


def test_a_downstream_script_type_checks_under_mypy_strict(tmp_path: Path):
    """mwrules ships py.typed: a strict downstream script sees its types (and a misuse is caught)."""
    script = tmp_path / "downstream.py"
    script.write_text(
        textwrap.dedent(
            """
            from fractions import Fraction

            import mwrules


            def score(document: dict[str, object]) -> tuple[bool, str, Fraction]:
                verdict: mwrules.Verdict = mwrules.evaluate(document)
                points: Fraction = verdict.paths["smb"].metrics["net_customer_adds"].points
                return verdict.qualified, verdict.path, verdict.score + points
            """
        )
    )
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import mwrules\n\nscore: int = mwrules.evaluate({}).score\n")
    # mypy finds the installed (here: editable) package through its py.typed marker, as a user's mypy would
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", sys.executable]

    typed = subprocess.run([*command, str(script)], capture_output=True, text=True, check=False, cwd=tmp_path)
    untyped = subprocess.run([*command, str(wrong)], capture_output=True, text=True, check=False, cwd=tmp_path)

    assert 0 == typed.returncode, typed.stdout
    assert 1 == untyped.returncode
    assert (
        'Incompatible types in assignment (expression has type "Fraction", variable has type "int")' in untyped.stdout
    )


def test_mwrules_strategies_imports_before_hypothesis():
    """Once: "partially initialized module 'mwrules.strategies'", a circle through the hypothesis entry point."""
    result = python("import mwrules.strategies as mst; print(mst.partners().example().partner_id is not None)")

    assert "True" == result.stdout.strip(), result.stderr


def test_a_broken_mwrules_does_not_break_hypothesis(tmp_path: Path):
    """The entry point runs on every `import hypothesis`: when mwrules cannot import, it does nothing."""
    (tmp_path / "durable_rules_engine.py").write_text("raise ImportError('a broken build')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    result = python("import hypothesis.strategies as st; print(st.integers().example() is not None)", env=env)
    broken = python("import mwrules; mwrules.evaluate", env=env)

    assert "True" == result.stdout.strip(), result.stderr
    assert "a broken build" in broken.stderr


def test_closing_the_pipe_early_is_quiet():
    """`mwrules explain x | head` once printed a BrokenPipeError traceback and exited 1 ("not qualified")."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mwrules.cli", "explain", str(EXAMPLES / "large-enterprise.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader is gone before mwrules writes a line

    with process.stderr:
        error = process.stderr.read()
    status = process.wait(timeout=300)

    assert b"" == error
    assert 141 == status


def test_evaluating_runs_no_case_and_imports_no_tool():
    """Loading the shipped rulesets checks their structure; their cases are lint's, test's and CI's."""
    result = python(
        "import sys, mwrules; mwrules.evaluate({'partner_id': 'x'}); "
        "print(sorted(m for m in ('mwrules._tools.cases', 'mwrules._tools.lint') if m in sys.modules))"
    )

    assert "[]" == result.stdout.strip(), result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "partner_id: [\n",
        "a: b: c\n",
        "people:\n  - id: a\n - id: b\n",
        "key: 'unterminated\n",
        "a: *nothing\n",
        "\tpartner_id: x\n",
        "{a: 1\n",
        "partner_id: x\x07\n",
    ],
)
def test_the_c_parser_and_the_python_parser_report_the_same_problem(monkeypatch: pytest.MonkeyPatch, text: str):
    """PyYAML built with libyaml parses faster; its messages are worded as the pure-Python parser's."""
    if _yaml_reading._FastLoader is None:
        pytest.skip("PyYAML was built without libyaml")
    with_c = _documents.parse(text, source="p.yaml").problems

    monkeypatch.setattr(_yaml_reading, "_FastLoader", None)
    without_c = _documents.parse(text, source="p.yaml").problems

    assert with_c
    assert without_c == with_c


def test_the_c_parser_and_the_python_parser_read_the_same_data(monkeypatch: pytest.MonkeyPatch):
    text = (ROOT / "rulesets" / "modern-work" / "2026-01.yaml").read_text()
    with_c = _documents.parse(text)

    monkeypatch.setattr(_yaml_reading, "_FastLoader", None)
    without_c = _documents.parse(text)

    assert (without_c.data, without_c.lines) == (with_c.data, with_c.lines)


@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "Path"])
def test_evaluate_reads_a_path(as_path: type):
    verdict = mwrules.evaluate(as_path(EXAMPLES / "near-miss.yaml"))

    assert "northwind" == verdict.partner_id


def test_a_missing_path_says_the_file_cannot_be_read():
    with pytest.raises(InputError) as caught:
        mwrules.evaluate("partner.yaml")

    assert "partner.yaml: $: MW001 cannot read the partner file: No such file or directory" == str(
        caught.value.problems[0]
    )


def test_problems_are_listed_in_the_order_of_the_file(tmp_path: Path):
    path = tmp_path / "partner.yaml"
    path.write_text(
        "partner_id: x\n"
        "people:\n"
        "  - id: a\n"
        "  - id: a\n"  # line 4: found by the second pass
        "metrics:\n"
        "  smb:\n"
        "    net_customer_adds: many\n"  # line 7: found by the first pass
        "as_of: 2024-02-30\n"  # line 8
    )

    with pytest.raises(InputError) as caught:
        mwrules.evaluate(path)

    assert [4, 7, 8] == [problem.line for problem in caught.value.problems]


def test_a_costs_file_that_cannot_be_read_is_called_a_costs_file(capsys: pytest.CaptureFixture[str]):
    status = main(["plan", str(EXAMPLES / "near-miss.yaml"), "--costs", "missing.yaml"])

    error = capsys.readouterr().err
    assert 2 == status
    assert "1 problem(s) in the costs file:" in error
    assert "cannot read the costs file" in error
    assert "partner" not in error

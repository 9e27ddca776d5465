"""The docs say what mwrules does: the how-to's commands print what the page shows,
and every problem code has its reference page."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import settings

import mwrules
from mwrules import codes
from mwrules._rulesets.versions import shipped_family, shipped_ids
from mwrules._tools.lint import lint
from mwrules.codes import CODES

from .docs_pages import PAGES, page_with_example


ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
HOWTO = DOCS / "how-to-change-the-criteria.md"
FINISH_EDITS = "<!-- howto-test: finish-edits -->"


def console_steps(text: str) -> list[tuple[str, str]]:
    """The page's ```console blocks, in order, as (command, expected output); markers as ("#marker", "")."""
    steps: list[tuple[str, str]] = []
    for block in re.finditer(r"```console\n(.*?)```|" + re.escape(FINISH_EDITS), text, re.DOTALL):
        if block.group(0) == FINISH_EDITS:
            steps.append(("#finish-edits", ""))
            continue
        lines = block.group(1).splitlines()
        while lines:
            command = lines.pop(0)
            assert command.startswith("$ "), command
            command = command[2:]
            if "<<'EOF'" in command:  # a here-document: the lines up to EOF belong to the command
                end = lines.index("EOF")
                command = "\n".join([command, *lines[: end + 1]])
                lines = lines[end + 1 :]
            output = []
            while lines and not lines[0].startswith("$ "):
                output.append(lines.pop(0))
            steps.append((command, "\n".join(output)))
    return steps


def apply_howto_edits(text: str, path: Path) -> None:
    """Make, in the ruleset at *path*, each ```yaml edit of the page, as its ``howto-edit`` comment says.

    ``replace``: the block's top-level keys replace the file's; ``add
    certifications``: the entries are added; ``update certifications`` and
    ``update metrics``: each entry's keys are set on the entry with its id
    (``...`` lines stand for what stays).
    """
    data = yaml.safe_load(path.read_text())
    edits = re.findall(r"<!-- howto-edit: ([a-z ]+) -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert len(edits) >= 5
    for action, block in edits:
        written = yaml.safe_load("\n".join(line for line in block.splitlines() if line.strip() != "..."))
        if action == "replace":
            data.update(written)
        elif action == "add certifications":
            data["certifications"] += written
        else:
            section = data[action.removeprefix("update ")]
            for entry in written:
                next(item for item in section if item["id"] == entry["id"]).update(entry)
    path.write_text("# yaml-language-server: $schema=../ruleset.schema.json\n" + yaml.safe_dump(data, sort_keys=False))


def test_the_howto_edits_give_the_shipped_version(tmp_path: Path):
    """The page's edits, made to a copy of 2023-06, give what rulesets/modern-work/2026-01.yaml says."""
    folder = tmp_path / "modern-work"
    folder.mkdir()
    shutil.copy(ROOT / "rulesets" / "modern-work" / "2023-06.yaml", folder / "2026-01.yaml")

    apply_howto_edits(HOWTO.read_text(), folder / "2026-01.yaml")

    def by_id(ruleset: mwrules.Ruleset) -> mwrules.Ruleset:
        return attrs.evolve(ruleset, certifications=tuple(sorted(ruleset.certifications, key=lambda cert: cert.id)))

    made = mwrules.load_ruleset(folder / "2026-01.yaml")
    # The page requires coverage last, once the version has its cases (its section "Rule coverage")
    made = attrs.evolve(made, manifest=attrs.evolve(made.manifest, coverage="required"))
    shipped = mwrules.select_ruleset("modern-work@2026-01").ruleset
    assert by_id(shipped) == by_id(made)


@pytest.mark.parametrize("page", [HOWTO, DOCS / "planning.md", DOCS / "timeline.md"], ids=lambda page: page.stem)
def test_the_page_prints_what_it_shows(tmp_path: Path, page: Path):
    """A new user running the page's commands in a checkout gets the output the page shows, step by step."""
    for name in ("rulesets", "examples"):
        shutil.copytree(ROOT / name, tmp_path / name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    steps = console_steps(page.read_text())
    assert len(steps) >= 5

    for command, expected in steps:
        if command == "#finish-edits":
            # the edits the page shows, applied as a reader makes them
            apply_howto_edits(page.read_text(), tmp_path / "scratch" / "modern-work" / "2026-01.yaml")
            continue
        # shell commands (cp, mkdir, a here-document), run as a reader would run them
        result = subprocess.run(  # noqa: S602
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert expected == result.stdout.rstrip("\n"), (command, result.stderr)


DESIGNATIONS = sorted((DOCS / "designations").glob("*.md"))


@pytest.mark.parametrize("page", DESIGNATIONS, ids=lambda page: page.stem)
def test_each_designation_page_prints_what_it_shows(page: Path):
    """The commands of a designation's page, run in the repository, print what the page shows."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    steps = console_steps(page.read_text())
    assert steps

    for command, expected in steps:
        result = subprocess.run(  # noqa: S602
            command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert expected == result.stdout.rstrip("\n"), (command, result.stderr)


def test_the_readmes_designations_table_is_what_the_command_prints():
    """The README's ```console block (all six designations of examples/all-designations.yaml), run as shown."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    steps = console_steps((ROOT / "README.md").read_text())
    assert [command for command, _ in steps] == ["mwrules evaluate examples/all-designations.yaml --designations"]

    for command, expected in steps:
        result = subprocess.run(  # noqa: S602
            command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert expected == result.stdout.rstrip("\n"), (command, result.stderr)


def test_every_shipped_designation_has_its_page():
    """A designation a ruleset ships is explained on docs/designations/<id>.md (Modern Work: the README)."""
    shipped = {path.name for path in (ROOT / "rulesets").iterdir() if path.is_dir()} - {"modern-work"}
    assert shipped == {page.stem for page in DESIGNATIONS}


@pytest.mark.parametrize(
    "page", ["testing-with-strategies.md", "planning.md", "portfolios.md", "partner-center.md", "timeline.md"]
)
def test_the_python_examples_run(page: str, monkeypatch: pytest.MonkeyPatch):
    """Every ```python block of the page runs, in order, in one namespace (in the repository, as the pages say)."""
    monkeypatch.chdir(DOCS.parent)
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.DOTALL)
    assert blocks

    namespace: dict[str, object] = {"__name__": "docs_example"}
    # the page's examples show the API; the properties themselves are tested at length elsewhere
    with settings_profile("dev"):
        for number, block in enumerate(blocks, 1):
            # a name that is not a file: Hypothesis would read the .md as Python source
            exec(compile(block, f"<{page}, example {number}>", "exec"), namespace)  # noqa: S102


def test_every_code_has_a_reference_page():
    """docs/errors/<CODE>.md exists for every code, opens with the code and its meaning, and no page is orphaned."""
    pages = {path.stem: path for path in (DOCS / "errors").glob("MW*.md")}

    assert set(CODES) == set(pages)
    for code, meaning in CODES.items():
        first_line = pages[code].read_text().splitlines()[0]
        assert f"# {code}: {meaning}" == first_line


def test_the_error_index_lists_every_code():
    index = (DOCS / "errors" / "README.md").read_text()

    for code, meaning in CODES.items():
        assert f"[{code}]({code}.md) | {meaning}" in index


def relative_links() -> list[tuple[Path, str]]:
    """Every relative link of the README, the CHANGELOG and the docs: (page, target)."""
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.glob("**/*.md"))]
    return [(page, target) for page in pages for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text())]


@pytest.mark.parametrize(("page", "target"), relative_links(), ids=lambda value: getattr(value, "name", value))
def test_relative_links_resolve(page: Path, target: str):
    assert (page.parent / target).exists()


def heading_anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page (those in code blocks are not headings)."""
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)
    anchors: set[str] = set()
    for heading in re.findall(r"^#+ (.*)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchor, repeat = slug, 0
        while anchor in anchors:  # a heading written twice: GitHub numbers the later ones
            repeat += 1
            anchor = f"{slug}-{repeat}"
        anchors.add(anchor)
    return anchors


def anchored_links() -> list[tuple[Path, str, str]]:
    """Every link to a heading in the README, the CHANGELOG and the docs: (page, target page, anchor)."""
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.glob("**/*.md"))]
    return [
        (page, (page.parent / target).resolve() if target else page, anchor)
        for page in pages
        for target, anchor in re.findall(r"\]\(([^)#:]*)#([^)]+)\)", page.read_text())
        if not target or target.endswith(".md")
    ]


@pytest.mark.parametrize(
    ("page", "target", "anchor"), anchored_links(), ids=lambda value: getattr(value, "name", value)
)
def test_links_to_a_heading_find_it(page: Path, target: Path, anchor: str):
    """A link to a heading that was renamed or never written opens its page at the top, without a word."""
    assert anchor in heading_anchors(target)


@contextlib.contextmanager
def settings_profile(name: str) -> Iterator[None]:
    previous = settings.get_current_profile_name()
    settings.load_profile(name)
    try:
        yield
    finally:
        settings.load_profile(previous)


def test_the_readme_python_example_runs(capsys: pytest.CaptureFixture[str]):
    """The README's Python example runs and its comments say what it returns."""
    (block,) = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    namespace: dict[str, object] = {}

    exec(compile(block, "<README.md>", "exec"), namespace)  # noqa: S102

    verdict = namespace["verdict"]
    assert (True, "smb", 71) == (verdict.qualified, verdict.path, verdict.score)  # type: ignore[attr-defined]
    assert "2023-06" == verdict.ruleset.version  # type: ignore[attr-defined]
    assert "QUALIFIED on smb" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_pages_written_from_the_rulesets_are_current(name: str):
    """docs/certifications.md lists what the rulesets say (regenerate: python tests/docs_pages.py)."""
    assert PAGES[name]() == (DOCS / name).read_text()


def test_the_certification_page_has_a_section_per_shipped_version():
    """Every version of every shipped ruleset has its table on docs/certifications.md: found, not listed by hand."""
    headings = set(re.findall(r"^### (\S+ \S+) \(in force", (DOCS / "certifications.md").read_text(), re.MULTILINE))

    shipped = {f"{family} {ruleset.version}" for family in shipped_ids() for ruleset in shipped_family(family).rulesets}
    assert shipped == headings


def test_the_certification_pages_contents_lead_to_its_headings():
    """Each link of the contents is the anchor GitHub gives one of the page's headings."""
    links = re.findall(r"\]\(#([^)]*)\)", (DOCS / "certifications.md").read_text())

    assert len(links) > len(shipped_ids())
    assert set(links) <= heading_anchors(DOCS / "certifications.md")


def readme_commands() -> list[str]:
    """The README's mwrules commands, as pasted (the install and the test run are the CI's own steps)."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.startswith(".venv/bin/mwrules ")]


def files_under(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*")}


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs_as_pasted(tmp_path: Path, command: str):
    """Once, two README lines named a partner.json that does not exist, and one left a file in the checkout."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parents[1])
    before = files_under(tmp_path)

    result = subprocess.run(  # noqa: S602 - the README's own line, run as a reader runs it
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=600
    )

    # 1 only where the line asks for it: --fail-unqualified on a partner that does not qualify
    assert result.returncode == (1 if "--fail-unqualified" in command else 0), result.stderr
    assert "Traceback" not in result.stderr
    assert not re.search(r"\bMW\d{3}\b", result.stdout + result.stderr), result.stdout + result.stderr
    assert_prints_what_it_asks_for(command.split("#", maxsplit=1)[0].split(), result.stdout, tmp_path)
    assert before == files_under(tmp_path)  # following the README leaves the reader's checkout clean


def assert_prints_what_it_asks_for(words: list[str], stdout: str, folder: Path) -> None:
    """What a README line writes (to standard output, or to the file after ``>``) is what it asks for.

    JSON where it asks for JSON (``--format json``, ``schema``), the partner
    document's id where it names one partner document, and never nothing.
    """
    written = (folder / words[words.index(">") + 1]).read_text() if ">" in words else stdout
    assert written.strip()
    if ("schema" in words and "|" not in words) or ("--format", "json") in itertools.pairwise(words):
        assert isinstance(json.loads(written), dict)
    documents = [word for word in words if word.startswith("examples/") and word.endswith((".yaml", ".json"))]
    if len(documents) == 1:
        partner_id = yaml.safe_load((folder / documents[0]).read_text())["partner_id"]
        assert partner_id in written
    if "--fail-unqualified" in words:
        assert "NOT QUALIFIED" in written


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_error_page_shows_what_a_real_run_prints(code: str):
    """Each page's example is the line mwrules prints for its scenario (rewrite: python tests/docs_pages.py)."""
    assert page_with_example(code) == (DOCS / "errors" / f"{code}.md").read_text()


def supported_pythons() -> list[str]:
    """The Python versions the package metadata claims (its classifiers), oldest first."""
    prefix = "Programming Language :: Python :: "
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["classifiers"]
    versions = [name.removeprefix(prefix) for name in classifiers if re.fullmatch(re.escape(prefix) + r"3\.\d+", name)]
    return sorted(versions, key=lambda version: tuple(map(int, version.split("."))))


@pytest.mark.parametrize("page", ["README.md", "docs/getting-started.md"])
def test_the_pages_name_the_python_versions_the_package_claims(page: str):
    """Once, docs/getting-started.md said "Python 3.11 or 3.12" while 3.13 was supported."""
    text = " ".join((ROOT / page).read_text().split())
    lists = [
        re.findall(r"3\.\d+", found) for found in re.findall(r"Python 3\.\d+(?:, 3\.\d+)*,? (?:or|and) 3\.\d+", text)
    ]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]

    assert lists
    assert all(found == supported_pythons() for found in lists), lists
    assert f">={supported_pythons()[0]}" == requires


def test_ci_runs_every_python_version_the_package_claims():
    """Once, .ci/run's main run used whatever python3 came first on PATH while it said 3.11."""
    script = (ROOT / ".ci" / "run").read_text()
    main = re.search(r"^MAIN_VERSION=(3\.\d+)$", script, re.MULTILINE)
    others = re.search(r"^for version in ((?:3\.\d+ ?)+); do$", script, re.MULTILINE)

    assert main is not None
    assert others is not None
    assert [main.group(1), *others.group(1).split()] == supported_pythons()
    assert "python3 -m venv" not in script  # each run's Python is found by its path


def test_loading_a_ruleset_does_not_run_its_cases(tmp_path: Path):
    """docs/ruleset-format.md once said loading a ruleset runs its cases: lint and test run them, loading does not."""
    shutil.copytree(ROOT / "rulesets" / "modern-work", tmp_path / "modern-work")
    case = tmp_path / "modern-work" / "cases" / "2026-01" / "ab-900-counts.yaml"
    case.write_text(case.read_text().replace("intermediate_certifications: 10", "intermediate_certifications: 7.5"))

    loaded = mwrules.load_ruleset(tmp_path / "modern-work" / "2026-01.yaml")
    report = lint([tmp_path / "modern-work"])

    assert "2026-01" == loaded.version
    assert [codes.CASE_MISMATCH] == [problem.code for problem in report.problems]

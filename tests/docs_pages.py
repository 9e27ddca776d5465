"""Docs written from the shipped rulesets and from real runs, so that they cannot drift.

* ``docs/certifications.md``, from the rulesets;
* ``rulesets/certification-names.json``, every shipped version's certification
  names, which the warning on a name another designation counts reads;
* the example of every ``docs/errors/<CODE>.md``: a scenario per code (files
  written in an empty folder, one ``mwrules`` command) whose output line with
  the code is the page's example.

``python tests/docs_pages.py`` rewrites them; ``tests/test_docs.py`` (and
``tests/test_counted_elsewhere.py`` for the names) fails when a file differs from
what this module writes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import mwrules
from mwrules._rulesets import shipped_names
from mwrules._rulesets.model import CertificationSpec, normalise_name
from mwrules._rulesets.versions import Family, shipped_family, shipped_ids
from mwrules._tools.term_words import term_label
from mwrules.ruleset import Ruleset


ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"


def certifications_page() -> str:
    """docs/certifications.md: which designation each certification counts for; per version, its names and places."""
    families = [shipped_family(family_id) for family_id in shipped_ids()]
    lines = [
        "# Certification names",
        "",
        "<!-- Written by `python tests/docs_pages.py` from rulesets/; do not edit by hand. -->",
        "",
        "A partner document names each certification by any of the spellings",
        "below: the credential's name, its exam code, the name without its",
        "prefix, or a former name. Case and extra spaces do not matter. A name",
        "that a designation does not list is reported in its verdict's warnings,",
        "never silently ignored: with the designations that count it when",
        'another designation lists it, else with a "did you mean" when one is close.',
        "",
        "## Contents",
        "",
        f"- [Which designation each certification counts for]({_anchor(INDEX_HEADING)})",
    ]
    for family in families:
        lines.append(f"- [{_family_heading(family)}]({_anchor(_family_heading(family))})")
        lines += [
            f"  - [{_version_heading(family, ruleset)}]({_anchor(_version_heading(family, ruleset))})"
            for ruleset in reversed(family.rulesets)
        ]
    lines += ["", *_index_section(families)]
    for family in families:
        lines += [f"## {_family_heading(family)}", ""]
        for ruleset in reversed(family.rulesets):
            lines += [f"### {_version_heading(family, ruleset)}", ""]
            lines += ["| certification | counts at | other names in partner data | until |", "|---|---|---|---|"]
            for cert in ruleset.certifications:
                aliases = ", ".join(f"`{alias}`" for alias in cert.aliases)
                lines.append(f"| {cert.name} | {counts_at(ruleset, cert.id)} | {aliases} | {_until(cert)} |")
            lines.append("")
            if ruleset.workloads:
                workloads = ", ".join(workload.name for workload in ruleset.workloads)
                lines += [f"Eligible workloads for the customer metrics: {workloads}.", ""]
    return "\n".join(lines)


INDEX_HEADING = "Which designation each certification counts for"
_EXAM_CODE = re.compile(r"^[A-Z]{2,3}-[0-9]{3}$")


def _family_heading(family: Family) -> str:
    return f"{family.rulesets[-1].manifest.title} (`{family.id}`)"


def _version_heading(family: Family, ruleset: Ruleset) -> str:
    until = family.last_day(ruleset)
    period = f"from {ruleset.manifest.effective_from}" + (f" through {until}" if until else "")
    return f"{family.id} {ruleset.version} (in force {period})"


def _anchor(heading: str) -> str:
    """The link to *heading* on its page, as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _until(cert: CertificationSpec) -> str:
    dates = []
    if cert.retired:
        dates.append(f"retired {cert.retired}")
    if cert.eligible_through:
        dates.append(f"counts through {cert.eligible_through}")
    return "; ".join(dates)


def counts_at(ruleset: Ruleset, cert_id: str) -> str:
    """Where *cert_id* makes its holder count, from the vocabulary: per metric, the terms measuring its people sets.

    "Intermediate certifications: step 1, step 3" when the terms have titles;
    the metric alone when one set of it counts and its terms have none (else
    the set's id); "does not count" when no set lists it.
    """
    places: dict[str, list[str]] = {}
    for level in ruleset.counted_at(cert_id):
        metric = ruleset.level_metric(level)
        labels = places.setdefault(metric.title, [])
        titled = [
            term_label(scored, metric.id, key)
            for path in ruleset.paths
            if (scored := path.metrics.get(metric.id)) is not None
            for key, term in scored.named(metric.id)
            if term.of == level and term.title
        ]
        if not titled and len(metric.source.people or ()) > 1:
            titled = [level]
        labels += [label for label in dict.fromkeys(titled) if label not in labels]
    if not places:
        return "does not count"
    return "; ".join(f"{title}: {', '.join(labels)}" if labels else title for title, labels in places.items())


def _index_section(families: list[Family]) -> list[str]:
    """The table of every certification any version lists, with the designations it counts for."""
    # One row per certification: entries of the versions that share a spelling are one credential
    rows: list[list[tuple[Family, Ruleset, CertificationSpec]]] = []
    row_of: dict[str, int] = {}
    for family in families:
        for ruleset in family.rulesets:
            for cert in ruleset.certifications:
                spellings = {normalise_name(spelling) for spelling in (cert.name, *cert.aliases)}
                row = next((row_of[spelling] for spelling in sorted(spellings) if spelling in row_of), len(rows))
                if row == len(rows):
                    rows.append([])
                rows[row].append((family, ruleset, cert))
                row_of.update(dict.fromkeys(spellings, row))
    lines = [
        f"## {INDEX_HEADING}",
        "",
        "Each certification any version lists, by its exam code (when it has one)",
        "and its full name. *Counts for*: the designations whose newest version",
        "counts it (with the last day it counts, for a retired one); *counted",
        "before*: the older versions that counted it when the newest does not.",
        "The sections below give every version's names and where each counts.",
        "",
        "| exam | certification | counts for | counted before |",
        "|---|---|---|---|",
    ]
    entries = []
    for row in rows:
        name = row[-1][2].name
        code = next((alias for _, _, cert in reversed(row) for alias in cert.aliases if _EXAM_CODE.match(alias)), "")
        now, before, listing = [], [], []
        for family in families:
            listed = [(ruleset, cert) for owner, ruleset, cert in row if owner is family]
            if not listed:
                continue
            listing.append(family.id)
            newest = family.rulesets[-1]
            if any(ruleset is newest and ruleset.counted_at(cert.id) for ruleset, cert in listed):
                spec = next(cert for ruleset, cert in listed if ruleset is newest)
                now.append(family.id + (f" (through {spec.eligible_through})" if spec.eligible_through else ""))
            else:
                before += [f"{family.id} {ruleset.version}" for ruleset, cert in listed if ruleset.counted_at(cert.id)]
        if not now and not before:
            now = [f"none ({', '.join(listing)} lists it without counting it)"]
        entries.append((code == "", code, name, ", ".join(now) or "none", ", ".join(before)))
    lines += [f"| {code} | {name} | {now} | {before} |" for _, code, name, now, before in sorted(entries)]
    return [*lines, ""]


PAGES = {"certifications.md": certifications_page}


# Error examples -------------------------------------------------------------------

RULESET = "modern-work/2026-01.yaml"
#: The same version as written before the vocabulary, for the problems only its shorthand can have
SHORTHAND = "shorthand/modern-work/2026-01.yaml"
#: The folders a scenario's edits are made in a copy of: the shipped versions, and those in the shorthand
COPIED = {
    "modern-work/": ROOT / "rulesets" / "modern-work",
    "shorthand/modern-work/": ROOT / "tests" / "data" / "shorthand" / "modern-work",
}
PARTNER = "partner.yaml"
PEOPLE = "partner_id: contoso\npeople:\n  - {id: p1, certifications: [MS-700]}\n  - {id: p2}\n  - {id: p3}\n"

CUSTOMERS = (
    "partner_id: contoso\nas_of: 2026-11-28\ncustomers:\n"
    "  - tenant: 7d1f0c2a\n    name: Fabrikam\n"
    "    associations: [{type: CPOR, since: 2024-03-15}]\n"
    "    usage:\n"
    "      - {month: 2025-10, workload: Exchange Online, paid_seats: 400, active_users: 310}\n"
)

#: Per code: the files to write ({name: text}, or {name: (old, new)} to edit a
#: copy of a folder of COPIED) and the command that reports it.
SCENARIOS: dict[str, tuple[dict[str, str | tuple[str, str]], list[str]]] = {
    "MW001": ({}, ["evaluate", PARTNER]),
    "MW002": ({PARTNER: "partner_id: contoso\npeople: [{id: p1}\n"}, ["evaluate", PARTNER]),
    "MW003": ({PARTNER: "partner_id: contoso\nas_of: 2026-11-27\npartner_id: northwind\n"}, ["evaluate", PARTNER]),
    "MW004": ({PARTNER: "partner_id: contoso\npeeple: []\n"}, ["evaluate", PARTNER]),
    "MW005": ({PARTNER: "as_of: 2026-11-27\npeople: []\n"}, ["evaluate", PARTNER]),
    "MW006": ({PARTNER: "partner_id: contoso\nas_of: 2026-02-30\n"}, ["evaluate", PARTNER]),
    "MW007": ({PARTNER: PEOPLE}, ["evaluate", PARTNER, "--limit", "people=2"]),
    "MW101": (
        {
            RULESET: (
                "      - copilot-and-agent-administration-fundamentals\n",
                "      - copilot-and-agent-admin-fundamentals\n",
            )
        },
        ["lint", RULESET],
    ),
    "MW102": (
        {RULESET: ("net_customer_adds: {terms: [{target: 10}]}", "net_customer_add: {terms: [{target: 10}]}")},
        ["lint", RULESET],
    ),
    "MW103": (
        {RULESET: ("path_preference: [enterprise, smb]", "path_preference: [enterprise, smbb]")},
        ["lint", RULESET],
    ),
    "MW104": ({SHORTHAND: ("      deployments: {cpor: 5, csp: 10}\n", "")}, ["lint", SHORTHAND]),
    "MW105": ({RULESET: ("{of: csp, target: 2000}", "{of: csp, target: 0}")}, ["lint", RULESET]),
    "MW106": ({RULESET: ("    max_points: 20\n", "    max_points: 25\n")}, ["lint", RULESET]),
    "MW107": ({RULESET: ("  min_total_points: 70\n", "  min_total_points: 170\n")}, ["lint", RULESET]),
    "MW108": ({RULESET: ("      - AB-900\n", "      - AB-900\n      - MS-700\n")}, ["lint", RULESET]),
    "MW109": (
        {RULESET: ("  - id: messaging-administrator-associate", "  - id: teams-administrator-associate")},
        ["lint", RULESET],
    ),
    "MW110": ({RULESET: ("  - id: net_customer_adds\n", "  - id: Net-Customer-Adds\n")}, ["lint", RULESET]),
    "MW111": ({RULESET: ("{of: cpor, target: 500}", "{target: 500}")}, ["lint", RULESET]),
    "MW112": (
        {RULESET: ("    eligible_through: 2027-03-31\n", "    eligible_through: 2025-03-31\n")},
        ["lint", RULESET],
    ),
    "MW113": ({RULESET: ("  net_customer_add: 2\n", "  net_customer_adds: 2\n")}, ["lint", RULESET]),
    "MW114": (
        {
            RULESET: (
                "{target: 10}]}                              # 2 points per customer\n"
                "      intermediate_certifications: {terms: [{of: intermediate, target: 2}]}   # 5 points per person\n"
                "      advanced_certifications: {terms: [{of: advanced, target: 1}]}           # 15 points per person\n"
                "      usage_growth:                 # the better association type counts\n"
                "        combine: best\n"
                "        terms: [{of: cpor, target: 500}, {of: csp, target: 2000}]\n"
                "      deployments:                  # the better association type counts\n"
                "        combine: best\n"
                "        terms: [{of: cpor, target: 5}, {of: csp, target: 10}]\n",
                "{target: 23}]}\n"
                "      intermediate_certifications: {terms: [{of: intermediate, target: 3}]}\n"
                "      advanced_certifications: {terms: [{of: advanced, target: 11}]}\n"
                "      usage_growth:\n"
                "        combine: best\n"
                "        terms: [{of: cpor, target: 99991}, {of: csp, target: 40009}]\n"
                "      deployments:\n"
                "        combine: best\n"
                "        terms: [{of: cpor, target: 17}, {of: csp, target: 13}]\n",
            )
        },
        ["lint", RULESET],
    ),
    "MW115": (
        {
            RULESET: (
                "terms: [{of: cpor, target: 500}, {of: csp, target: 2000}]",
                "terms: [" + ", ".join(f"{{of: o{n}, target: 500}}" for n in range(17)) + "]",
            )
        },
        ["lint", RULESET],
    ),
    "MW116": (
        {RULESET: ("    customers: {min_seats: 301, association_types: [cpor, dpor]}\n", "")},
        ["lint", RULESET],
    ),
    "MW120": (
        {"modern-work/2023-06.yaml": ("  effective_from: 2023-06-12\n", "  effective_from: 2026-01-01\n")},
        ["lint", "modern-work"],
    ),
    "MW121": (
        {"modern-work/2023-06.yaml": ("  effective_from: 2023-06-12\n", "  effective_from: 2027-01-01\n")},
        ["lint", "modern-work"],
    ),
    "MW122": ({RULESET: ('  version: "2026-01"\n', '  version: "2026-02"\n')}, ["lint", RULESET]),
    "MW130": (
        {
            "modern-work/cases/2026-01/ab-900-counts.yaml": (
                "intermediate_certifications: 10}",
                "intermediate_certifications: 7.5}",
            )
        },
        ["lint", RULESET],
    ),
    "MW131": ({PARTNER: "partner_id: contoso\nas_of: 2023-01-01\n"}, ["evaluate", PARTNER]),
    "MW133": (
        {
            "modern-work/cases/2026-01/every-metric-capped-through-dpor-and-csp.yaml": (
                "usage_growth: {cpor: 0, csp: 2001}",
                "usage_growth: {cpor: 501, csp: 2001}",
            )
        },
        ["lint", RULESET],
    ),
    "MW132": ({PARTNER: "partner_id: contoso\n"}, ["evaluate", PARTNER, "--ruleset", "modern-work@2025-01"]),
    "MW201": ({PARTNER: PEOPLE + "  - {id: P1}\n"}, ["evaluate", PARTNER]),
    "MW202": ({PARTNER: PEOPLE + "  - {id: ''}\n"}, ["evaluate", PARTNER]),
    "MW203": (
        {
            PARTNER: "partner_id: contoso\npeople:\n  - id: p1\n    certifications:\n"
            "      - {name: MS-700, earned: 2024-05-01, expires: 2023-01-01}\n"
        },
        ["evaluate", PARTNER],
    ),
    "MW204": ({PARTNER: "partner_id: contoso\nmetrics:\n  smb: {net_customer_add: 3}\n"}, ["evaluate", PARTNER]),
    "MW205": (
        {PARTNER: CUSTOMERS + "  - tenant: 7D1F0C2A\n    associations: [{type: CSP, since: 2025-01-01}]\n"},
        ["evaluate", PARTNER],
    ),
    "MW206": (
        {PARTNER: CUSTOMERS + "      - {month: 2025-10, workload: exchange, paid_seats: 400, active_users: 290}\n"},
        ["evaluate", PARTNER],
    ),
    "MW207": ({PARTNER: CUSTOMERS.replace("type: CPOR", "type: CPRO")}, ["evaluate", PARTNER]),
    "MW208": (
        {PARTNER: CUSTOMERS.replace("since: 2024-03-15}", "since: 2024-03-15, until: 2023-12-31}")},
        ["evaluate", PARTNER],
    ),
    "MW209": ({PARTNER: "partner_id: contoso\n"}, ["timeline", PARTNER, "--from", "2027-01-02", "--to", "2027-01-01"]),
    "MW301": ({PARTNER: "partner_id: contoso\n"}, ["evaluate", PARTNER, "--jobs", "0"]),
}


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def error_example(code: str) -> str:
    """The lines of a real run that report *code*, as ``mwrules`` prints them."""
    from mwrules.cli import main  # noqa: PLC0415 - only when the examples are written or checked

    files, command = SCENARIOS[code]
    with tempfile.TemporaryDirectory() as folder, _inside(Path(folder)):
        edited = [name for name, text in files.items() if isinstance(text, tuple)]
        for folder_name, original_folder in COPIED.items():
            if any(name.startswith(folder_name) for name in edited):
                shutil.copytree(original_folder, folder_name)
        for name, text in files.items():
            path = Path(name)
            if isinstance(text, tuple):
                old, new = text
                original = path.read_text()
                if old not in original:
                    msg = f"{code}: {old!r} is not in {name}"
                    raise AssertionError(msg)
                path.write_text(original.replace(old, new, 1))
            else:
                path.write_text(text)
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            main(command)
    lines = [line.strip() for line in output.getvalue().splitlines() if f": {code} " in line]
    if not lines:
        msg = f"{code}: the scenario reports no {code}:\n{output.getvalue()}"
        raise AssertionError(msg)
    return lines[0]


_EXAMPLE = re.compile(r"(## Example\n\n```\n)(.*?)(\n```)", re.DOTALL)


def page_with_example(code: str) -> str:
    """docs/errors/<code>.md with its example as a real run prints it."""
    text = (DOCS / "errors" / f"{code}.md").read_text()
    example = error_example(code)
    return _EXAMPLE.sub(lambda match: match.group(1) + example + match.group(3), text, count=1)


if __name__ == "__main__":
    (ROOT / "rulesets" / shipped_names.INDEX).write_text(shipped_names.index_text(), encoding="utf-8")
    sys.stderr.write(f"wrote rulesets/{shipped_names.INDEX}\n")
    for name, write in PAGES.items():
        (DOCS / name).write_text(write())
        sys.stderr.write(f"wrote docs/{name} (mwrules {mwrules.__version__})\n")
    for code in SCENARIOS:
        (DOCS / "errors" / f"{code}.md").write_text(page_with_example(code))
    sys.stderr.write(f"wrote the examples of {len(SCENARIOS)} error pages\n")

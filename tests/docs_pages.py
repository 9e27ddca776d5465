"""Docs pages written from the shipped rulesets, so that they cannot drift from them.

``python tests/docs_pages.py`` rewrites them; ``tests/test_docs.py`` fails when a
page differs from what this module writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mwrules
from mwrules._versions import shipped_family


DOCS = Path(__file__).parents[1] / "docs"


def certifications_page() -> str:
    """docs/certifications.md: per version, the names partner data may use and where each counts."""
    family = shipped_family("modern-work")
    lines = [
        "# Certification names",
        "",
        "<!-- Written by `python tests/docs_pages.py` from rulesets/modern-work/; do not edit by hand. -->",
        "",
        "A partner document names each certification by any of the spellings",
        "below: the credential's name, its exam code, the name without its",
        "prefix, or a former name. Case and extra spaces do not matter. A name",
        "that matches none is reported in the verdict's warnings (with a",
        '"did you mean" when one is close), never silently ignored.',
        "",
    ]
    for ruleset in reversed(family.rulesets):
        until = family.last_day(ruleset)
        period = f"from {ruleset.manifest.effective_from}" + (f" through {until}" if until else "")
        lines += [f"## modern-work {ruleset.version} (in force {period})", ""]
        lines += ["| certification | counts at | other names in partner data | until |", "|---|---|---|---|"]
        for cert in ruleset.certifications:
            levels = ", ".join(ruleset.counted_at(cert.id)) or "does not count"
            dates = []
            if cert.retired:
                dates.append(f"retired {cert.retired}")
            if cert.eligible_through:
                dates.append(f"counts through {cert.eligible_through}")
            aliases = ", ".join(f"`{alias}`" for alias in cert.aliases)
            lines.append(f"| {cert.name} | {levels} | {aliases} | {'; '.join(dates)} |")
        workloads = ", ".join(workload.name for workload in ruleset.workloads)
        lines += ["", f"Eligible workloads for the customer metrics: {workloads}.", ""]
    return "\n".join(lines)


PAGES = {"certifications.md": certifications_page}


if __name__ == "__main__":
    for name, write in PAGES.items():
        (DOCS / name).write_text(write())
        sys.stderr.write(f"wrote docs/{name} (mwrules {mwrules.__version__})\n")

"""Rulesets: the criteria of a designation, as data, and how they are loaded.

A ruleset file (``rulesets/<id>/<version>.yaml``) says which certifications
count at which level, which metrics there are and their maxima, the targets of
each attainment path, and the pass rule. :func:`load_ruleset` reads one,
checks it (with the other versions in its folder and the cases beside it,
see :mod:`mwrules._tools.lint`) and reports every problem with its ``file:line``; a
ruleset that fails a check is never used. The format is documented in
``docs/ruleset-format.md``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ._rulesets.checks import (
    MAX_CUSTOMER_MONTHS,
    MAX_ID_LENGTH,
    MAX_SHARE_DENOMINATOR,
    MAX_WINDOW_MONTHS,
    MAX_WORKLOADS,
    check,
)
from ._rulesets.checks_terms import MAX_JOINED, MAX_PEOPLE_TARGET, MAX_TARGET
from ._rulesets.costs import check_costs, cost_units
from ._rulesets.customer_specs import AssociationType, CustomerData, PathCustomers, WorkloadSpec
from ._rulesets.model import (
    FROM_CUSTOMERS_MEASURE,
    MEASURES,
    SHORTHANDS,
    Badge,
    CertificationSpec,
    Cost,
    FromCustomers,
    Manifest,
    Measure,
    MetricSpec,
    PathSpec,
    Ruleset,
    Scoring,
    Target,
    normalise_name,
)
from ._rulesets.points import MAX_EXACT_UNITS, points_denominator
from ._rulesets.reading import RulesetFile, read_ruleset_file, structure, structure_costs


__all__ = [
    "FROM_CUSTOMERS_MEASURE",
    "MAX_CUSTOMER_MONTHS",
    "MAX_EXACT_UNITS",
    "MAX_ID_LENGTH",
    "MAX_JOINED",
    "MAX_PEOPLE_TARGET",
    "MAX_SHARE_DENOMINATOR",
    "MAX_TARGET",
    "MAX_WINDOW_MONTHS",
    "MAX_WORKLOADS",
    "MEASURES",
    "SHORTHANDS",
    "AssociationType",
    "Badge",
    "CertificationSpec",
    "Cost",
    "CustomerData",
    "FromCustomers",
    "Manifest",
    "Measure",
    "MetricSpec",
    "PathCustomers",
    "PathSpec",
    "Ruleset",
    "RulesetFile",
    "Scoring",
    "Target",
    "WorkloadSpec",
    "check",
    "check_costs",
    "cost_units",
    "normalise_name",
    "points_denominator",
    "read_ruleset_file",
    "rulesets_dir",
    "structure",
    "structure_costs",
]


@functools.cache
def rulesets_dir() -> Path:
    """Where the shipped rulesets are: inside the installed package, or in a source checkout (found once)."""
    here = Path(__file__).resolve().parent
    installed = here / "rulesets"
    return installed if installed.is_dir() else here.parents[1] / "rulesets"

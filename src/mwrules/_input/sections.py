"""One partner document for several designations: which metrics a ruleset reads, and the checks of ``designations``.

The same metric id holds different shapes in different designations
(``net_customer_adds`` is a number for Modern Work, ``{azure, m365}`` for
Security), so a document that serves several gives each its own section::

    metrics: {...}                      # the ruleset evaluated; for --designations, the default one
    designations:
      security: {metrics: {...}}        # what the security ruleset reads instead

A ruleset with a section reads its section's metrics; any other reads the
top-level ``metrics``. Everything else (people, facts, as_of) is shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from .. import codes
from .._rulesets.versions import shipped_ids
from ..errors import SUGGESTIONS, Problem, did_you_mean
from ..model import DesignationData, MetricValue, Partner
from .documents import child


if TYPE_CHECKING:
    from ..ruleset import Ruleset


Metrics = Mapping[str, Mapping[str, MetricValue]]


def metrics_for(partner: Partner, ruleset_id: str) -> tuple[Metrics, str]:
    """The metrics *ruleset_id* reads in *partner*, and where the document gives them (``$.metrics``)."""
    section = partner.designations.get(ruleset_id)
    if section is None:
        return partner.metrics, "$.metrics"
    return section.metrics, section_metrics_at(ruleset_id)


def section_metrics_at(ruleset_id: str) -> str:
    """Where a document gives the metrics of *ruleset_id*'s own section."""
    return child(child("$.designations", ruleset_id), "metrics")


def with_metrics(partner: Partner, ruleset_id: str, metrics: Metrics) -> Partner:
    """*partner* with *metrics* where *ruleset_id* reads them (its section, if it has one)."""
    if ruleset_id not in partner.designations:
        return attrs.evolve(partner, metrics=metrics)
    sections = {**partner.designations, ruleset_id: DesignationData(metrics=metrics)}
    return attrs.evolve(partner, designations=sections)


def read_metrics(data: Mapping[str, object], ruleset_id: str) -> tuple[object, str]:
    """The metrics a raw document gives *ruleset_id* (as written, unchecked), and where."""
    sections = data.get("designations")
    if isinstance(sections, Mapping):
        section = sections.get(ruleset_id)
        if isinstance(section, Mapping):
            return section.get("metrics"), section_metrics_at(ruleset_id)
        if ruleset_id in sections:  # null or the wrong type (reported by the structural pass): never the top level's
            return None, child("$.designations", ruleset_id)
    return data.get("metrics"), "$.metrics"


def section_names(ruleset: Ruleset) -> list[str]:
    """What a section may be named: a shipped ruleset's id, or the id of *ruleset* (a file of the user's)."""
    return sorted({*shipped_ids(), ruleset.id})


def check_sections(data: Mapping[str, object], ruleset: Ruleset) -> list[Problem]:
    """Sections named after no ruleset mwrules knows (see :func:`section_names`)."""
    sections = data.get("designations")
    if not isinstance(sections, Mapping):
        return []
    ids = section_names(ruleset)
    unknown = [designation for designation in sections if designation not in ids]
    names = ", ".join(repr(name) for name in ids)
    return [
        Problem(
            child("$.designations", designation),
            f"no ruleset is named {designation!r}: a section is named after the ruleset that reads it",
            # A difflib search for the first hundred unknown sections only; every one is told the names it may have
            did_you_mean(str(designation), ids if index < SUGGESTIONS else ()) or f"expected one of: {names}",
            code=codes.UNKNOWN_PARTNER_METRIC,
        )
        for index, designation in enumerate(unknown)
    ]


def unread_sections(partner: Partner, ruleset: Ruleset) -> list[str]:
    """Warnings for the data *ruleset* does not read: other designations' sections, and metrics its own replaces."""
    warnings = [
        f"{child('$.designations', designation)}: not read by {ruleset}"
        for designation in partner.designations
        if designation != ruleset.id
    ]
    if ruleset.id in partner.designations and partner.metrics:
        where = section_metrics_at(ruleset.id)
        warnings.append(f"$.metrics: not read by {ruleset}, which reads {where}")
    return warnings

"""How plans and timelines name the terms of a metric: "step 2", "teams_gate"."""

from __future__ import annotations

from .._rulesets.vocabulary import PathMetric


def term_label(scored: PathMetric, metric_id: str, term_id: str) -> str:
    """A term as a sentence names it: its title, a capital first letter lowered ("Step 2": "step 2"), else its id."""
    title = next((term.title for key, term in scored.named(metric_id) if key == term_id), None)
    if not title:
        return term_id
    # "Step 2" reads "step 2" mid-sentence; "SOA gate" keeps its capitals
    return title[0].lower() + title[1:] if title[1:2].islower() else title

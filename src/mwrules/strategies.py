"""Hypothesis strategies for partner data (valid, qualifying or not, deliberately broken) and for rulesets.

Install them with ``pip install 'mwrules[testing]'``; ``import mwrules`` alone
never imports Hypothesis. With mwrules installed, ``st.from_type(mwrules.Partner)``
(and ``Person``, ``Certification``) uses these strategies.

>>> from hypothesis import given, settings
>>> import mwrules
>>> from mwrules import strategies as mst
>>> @settings(max_examples=25)
... @given(mst.partners(qualifying=True))
... def test_qualifying_partners_qualify(partner):
...     assert mwrules.evaluate(partner).qualified
>>> test_qualifying_partners_qualify()

Every strategy takes an optional *ruleset*: a :class:`~mwrules.Ruleset`, or
the name of a shipped one (``"modern-work@2026-01"``). Without one, partners
are drawn under every shipped version of Modern Work, each with an ``as_of``
on which that version is in force, so ``mwrules.evaluate(partner)`` uses it.
With a ruleset object, pass the same object to ``evaluate``.

:func:`rulesets` draws valid rulesets in the ruleset vocabulary (and
:func:`ruleset_documents` their mappings), for code that runs any ruleset;
``partners(ruleset=...)`` draws partners for each.

Certification names are spelt the way partner data spells them: full
credential names, exam codes and former names, in any case, with stray
spaces. Measures cluster around the numbers that matter: 0, the targets, and
the smallest measure that earns the minimum points.
"""

from __future__ import annotations


try:
    import hypothesis  # noqa: F401 - imported here to say how to install it when it is missing
except ModuleNotFoundError as missing:  # the testing extra is not installed: say how to install it
    if missing.name != "hypothesis":
        raise
    message = "mwrules.strategies needs Hypothesis: pip install 'mwrules[testing]'"
    raise ModuleNotFoundError(message, name=missing.name) from None

from ._strategies.customers import customers
from ._strategies.documents import InvalidDocument, invalid_partner_documents, partner_documents
from ._strategies.metrics import path_metrics
from ._strategies.partners import from_ruleset, partners
from ._strategies.people import certifications, people
from ._strategies.rulesets import ruleset_documents, rulesets


__all__ = [
    "InvalidDocument",
    "certifications",
    "customers",
    "from_ruleset",
    "invalid_partner_documents",
    "partner_documents",
    "partners",
    "path_metrics",
    "people",
    "ruleset_documents",
    "rulesets",
]

"""The ``hypothesis`` entry point: with mwrules installed, ``st.from_type(mwrules.Partner)`` draws partners.

Hypothesis calls :func:`setup` every time it is imported, in every environment
where mwrules is installed, so the hook must never fail. It lives outside the
``mwrules`` package, so that loading it does not import mwrules: if mwrules
cannot be imported, the hook does nothing and Hypothesis works as without it.
Nor does it import :mod:`mwrules.strategies`: when ``import
mwrules.strategies`` is what imported Hypothesis, that module is half-built.
The strategies are registered as deferred, and import it when first drawn.
"""

from __future__ import annotations

from typing import Any


def setup() -> None:
    """Register strategies for mwrules.Partner, Person and Certification."""
    try:
        from hypothesis import strategies as st  # noqa: PLC0415 - only when Hypothesis asks

        from mwrules.model import Certification, Partner, Person  # noqa: PLC0415
    except Exception:
        return

    def strategies() -> Any:
        from mwrules import strategies  # noqa: PLC0415 - see the module docstring

        return strategies

    st.register_type_strategy(Partner, st.deferred(lambda: strategies().partners()))
    st.register_type_strategy(
        Person, st.deferred(lambda: strategies().people(min_size=1, max_size=1).map(lambda found: found[0]))
    )
    st.register_type_strategy(Certification, st.deferred(lambda: strategies().certifications()))

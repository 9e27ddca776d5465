"""Example budgets of costly properties, as shares of the active Hypothesis profile's (see conftest.py)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import settings


def share_of_profile(share: Fraction, *, at_least: int) -> settings:
    """Settings running *share* of the profile's max_examples (rounded down), and never fewer than *at_least*.

    The dev, ci and mutation profiles all scale: a property given half runs
    25, 150 and 10 examples. Read when a test module is imported, after
    conftest.py has loaded the profile.
    """
    return settings(max_examples=max(at_least, int(settings.default.max_examples * share)))

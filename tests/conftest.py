"""Shared test configuration: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE."""

import os

from hypothesis import HealthCheck, settings


# dev: quick feedback; ci: a thousand examples per property, still a few minutes in all.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

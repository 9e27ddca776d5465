"""Shared test configuration: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE."""

import os

from hypothesis import settings


# dev: quick feedback; ci: a thousand examples per property, still a few minutes in all.
settings.register_profile("dev", max_examples=50, deadline=None)
# No health check is suppressed: the strategies must generate without them.
settings.register_profile("ci", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

"""Shared test configuration: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE."""

import os

from hypothesis import settings


# dev: quicker feedback (the whole suite took 5 to 6 minutes on 2 shared cores in December 2026).
settings.register_profile("dev", max_examples=50, deadline=None)
# ci: 300 examples per property. At 1,000 the suite took 17 minutes on this
# project's 2-core CI machine, which also runs it on Python 3.12 and 3.13 with
# the dev profile at the same time: CI must stay under 20 minutes in all.
# No health check is suppressed: the strategies must generate without them.
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

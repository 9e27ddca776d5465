"""Shared test configuration: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE."""

import os

import pytest
from hypothesis import settings

from mwrules._evaluation import evaluate


# dev: quicker feedback (the whole suite took 5 to 6 minutes on 2 shared cores in December 2026).
settings.register_profile("dev", max_examples=50, deadline=None)
# ci: 300 examples per property. At 1,000 the suite took 17 minutes on this
# project's 2-core CI machine, which also runs it on Python 3.12 and 3.13 with
# the dev profile at the same time: CI must stay under 20 minutes in all.
# No health check is suppressed: the strategies must generate without them.
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
# mutation: the mutation run (docs/mutation-testing.md) runs the tests again for
# each of thousands of mutants; a mutant must be caught or not the same way on
# every run, so the examples are fixed and fewer. mutmut names the mutant under
# test in MUTANT_UNDER_TEST, which makes this profile the default there.
MUTATION_RUN = "MUTANT_UNDER_TEST" in os.environ
settings.register_profile("mutation", max_examples=20, deadline=None, derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mutation" if MUTATION_RUN else "dev"))


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests_in_a_mutation_run() -> None:
    """In a mutation run, each test compiles the rulesets it evaluates itself.

    mutmut forks each mutant's run from a process that has run the tests once:
    the rulesets compiled there by unmutated code would be reused, and a mutant
    of the compiling code (the rules the engine runs) never run. The shipped
    rulesets stay read once: strategies and tests hold them, and the reading
    code is run by the tests that load ruleset files.
    """
    if MUTATION_RUN:
        for _, compiled in evaluate._compiled.values():
            compiled.release()
        evaluate._compiled.clear()

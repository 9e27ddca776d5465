"""The partner the checks that word every problem build, with the one-pass build turned off: what it must equal."""

from __future__ import annotations

from typing import Any

import pytest

import mwrules
from mwrules import InputError
from mwrules._input import partner as _partner_input


def full_checks(document: Any, ruleset: mwrules.Ruleset) -> mwrules.Partner | None:
    """The partner the checks that word every problem build (the one-pass build turned off), or None."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_partner_input, "_plain_partner", lambda *_: None)
        try:
            return mwrules.load_partner(document, ruleset)
        except InputError:
            return None

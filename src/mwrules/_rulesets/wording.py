"""How ruleset problems word their suggestions and numbers."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from ..errors import did_you_mean


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    return did_you_mean(word, choices)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"

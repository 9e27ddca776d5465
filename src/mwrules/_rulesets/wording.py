"""How ruleset problems word their suggestions and numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from ..errors import did_you_mean


#: The forms of ids: certification ids in kebab-case, metric, path, part and fact ids in snake_case
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    # an id written twice (itself a problem, MW109) is one choice, not two
    return did_you_mean(word, list(dict.fromkeys(choices)))


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _exact(value: Fraction) -> str:
    """*value* written out in full (``100.000000001``), where :func:`_num` rounds; a fraction when no decimal ends."""
    denominator = value.denominator
    rest = denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest != 1:
        return f"{value.numerator}/{denominator}"
    places = 0
    while 10**places % denominator:
        places += 1
    sign = "-" if value < 0 else ""
    scaled = abs(value.numerator) * 10**places // denominator
    whole, part = divmod(scaled, 10**places)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"

"""The durable_rules patterns the rules share: seat bands, deployment shares, a metric's input."""

from __future__ import annotations

from fractions import Fraction
from typing import Any


def _in_band(field: str, least: int, most: int | None) -> dict[str, Any]:
    """Any of the seat counts in *field* from *least* through *most*."""
    if most is None:
        return {"$iany": {field: {"$gte": {"$i": least}}}}
    return {"$iany": {field: {"$and": [{"$gte": {"$i": least}}, {"$lte": {"$i": most}}]}}}


def _not_in_band(field: str, least: int, most: int | None) -> dict[str, Any]:
    """None of the seat counts in *field* from *least* through *most*."""
    if most is None:
        return {"$iall": {field: {"$lt": {"$i": least}}}}
    # a trailing test that always holds (seats are never negative): see certified:<level> on a final $or
    outside = {"$or": [{"$lt": {"$i": least}}, {"$gt": {"$i": most}}]}
    return {"$iall": {field: {"$and": [outside, {"$gte": {"$i": 0}}]}}}


def _shared(field: str, share: Fraction) -> dict[str, Any]:
    # field x numerator / denominator, divided as a float: exact here, since
    # field x numerator < 2^53 (rows have at most 10^9 seats; see ruleset.MAX_WORKLOADS)
    # and a quotient that is not whole is at least 1/denominator from any whole number.
    # An integer divisor would make the engine divide in integers, and truncate.
    return {"$div": {"$l": {"$mul": {"$l": {"$m": field}, "$r": share.numerator}}, "$r": float(share.denominator)}}


def _share_reached(active: str, paid: str, share: Fraction) -> dict[str, Any]:
    return {"$gte": {active: _shared(paid, share)}}


def _share_short(active: str, paid: str, share: Fraction) -> dict[str, Any]:
    return {"$lt": {active: _shared(paid, share)}}


def _input_pattern(path_id: str, metric_id: str, option: str | None) -> dict[str, Any]:
    conditions: list[dict[str, Any]] = [{"t": "input"}, {"path": path_id}, {"metric": metric_id}]
    if option is not None:
        conditions.append({"option": option})
    return {"$and": conditions}


#: Each way a condition compares, as the engine writes it, and its opposite: exactly one of the two holds
COMPARISONS = {
    "at_least": ("$gte", "$lt"),
    "more_than": ("$gt", "$lte"),
    "at_most": ("$lte", "$gt"),
    "less_than": ("$lt", "$gte"),
}

"""What ``mwrules plan`` gives: actions, the plan of each path, and the plan."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

import attrs

from ..ruleset import Cost
from ..verdict import Verdict


@attrs.frozen(kw_only=True)
class Action:
    """*units* of one kind of effort, what they cost, and why the plan has them."""

    kind: Literal["certify", "raise"]
    units: int
    cost: Fraction
    metric: str
    level: str | None = None
    path: str | None = None
    option: str | None = None
    #: for a certify action, the certification the new people hold in the plan's evaluation
    certification: str | None = None
    why: str = ""
    #: for a metric measured from customer data, the tenants nearest to counting, nearest first
    tenants: tuple[str, ...] = ()
    #: the terms of the metric that earn nothing now and earn once the action meets their gate or condition
    opens: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The action as the issue of record spells it: ``{"kind": "certify", "level": ..., "people": N}``.

        An action that opens terms (a gate met, a condition that holds) adds ``"opens": [term ids]``.
        """
        opens = {"opens": list(self.opens)} if self.opens else {}
        if self.kind == "certify":
            return {"kind": "certify", "level": self.level, "people": self.units, **opens}
        data: dict[str, Any] = {"kind": "raise", "path": self.path, "metric": self.metric}
        if self.option is not None:
            data["option"] = self.option
        data["by"] = self.units
        return {**data, **opens}


@attrs.frozen(kw_only=True)
class PathPlan:
    """The cheapest way to qualify on one path, or why there is none."""

    path: str
    actions: tuple[Action, ...] = ()
    cost: Fraction | None = None
    blocked: str | None = None

    @property
    def possible(self) -> bool:
        return self.blocked is None


@attrs.frozen(kw_only=True)
class Plan:
    """What to do to qualify: the cheapest path's actions, their cost, and the verdicts before and after.

    *after* is the verdict of the partner with the actions applied,
    evaluated again. *paths* has the plan for every path. *costs* are the
    unit costs used; *default_costs* names the units whose cost came from
    the ruleset's placeholders.
    """

    partner_id: str
    path: str | None
    cost: Fraction
    actions: tuple[Action, ...]
    before: Verdict
    after: Verdict
    paths: Mapping[str, PathPlan]
    costs: Mapping[str, Cost]
    default_costs: tuple[str, ...]
    #: With ``by``: the day planned for, and what changes from the partner's as_of until then ("day: cause")
    by: datetime.date | None = None
    changes: tuple[str, ...] = ()

"""The rules of stage 0: the people counted at each level (see :mod:`.stages`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import engine as _engine
from .stages import STAGE_PEOPLE


if TYPE_CHECKING:
    from .compile import _Builder


_EXTRA_STEPS = "extra_steps"


def trace_step(session: _engine.Session) -> int:
    """The trace's step number of the firing now running: a level's certified firings are a step per person."""
    extra: int = session.scratch.get(_EXTRA_STEPS, 0)
    return len(session.firings) + extra


def _counted(session: _engine.Session, level: str) -> tuple[str, ...]:
    """The people counted at *level*, by id: sorted once, for every path that counts them."""
    counted: dict[str, tuple[str, ...]] = session.scratch.setdefault("counted", {})
    if level not in counted:
        people = session.scratch["people"]
        counted[level] = tuple(sorted([people[index].id for index in session.scratch["certified"][level]]))
    return counted[level]


def _certified(builder: _Builder, level: str) -> _engine.Rule:
    eligible = sorted(builder.ruleset.level_certifications(level))

    def certified(session: _engine.Session, matched: Mapping[str, _engine.Fact]) -> dict[str, Any]:
        # A level's fact lists each of its certifications held, with everyone
        # holding it, by place in the partner's people (people_facts). A
        # person counts once at the level however many of its certifications
        # they hold, and the trace has one step per person.
        holders = matched["certified"]["_holders"]
        counted = session.scratch["certified"][level]
        for places in holders.values():
            counted.update(places)
        session.scratch[_EXTRA_STEPS] = session.scratch.get(_EXTRA_STEPS, 0) + len(counted) - 1
        return {"level": level, "through": list(holders)}

    # A level's fact names only the certifications valid on the evaluation
    # date, retired ones only through their eligible_through date, that
    # this level lists: see people_facts.certification_facts.
    limits = "; ".join(
        f"{cert_id} counts through {builder.ruleset.certification(cert_id).eligible_through}"
        for cert_id in eligible
        if builder.ruleset.certification(cert_id).eligible_through is not None
    )
    return builder.rule(
        f"certified:{level}",
        f"a person holding an eligible {level} certification, valid on the evaluation date, counts once at "
        f"{level}" + (f" ({limits})" if limits else ""),
        [{"certified": {"$and": [{"t": "certified"}, {"level": level}]}}],
        STAGE_PEOPLE,
        certified,
    )

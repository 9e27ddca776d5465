"""Facts run apart from the batch (see :meth:`.engine.CompiledRuleset.run`): their firings in one batch's order.

A group of facts run in an engine session of its own fires as that group
alone would; these put the firings back in the order one batch of every fact
would have fired them, and, for facts alike in what the rules read, give the
firings already known instead of sending the facts again. Plain Python: the
engine is never called here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError


if TYPE_CHECKING:
    from .engine import Fact, Firing


def known_firings(
    batch: list[Fact], alike: Callable[[Fact], Any], fired_on: Mapping[Any, list[str]]
) -> tuple[list[Fact], list[tuple[str, Fact]]]:
    """The facts of *batch* to send to the engine, and the firings known for the others (see CompiledRuleset.run)."""
    sent: list[Fact] = []
    known: list[tuple[str, Fact]] = []
    for fact in batch:
        key = alike(fact)
        rules = None if key is None else fired_on.get(key)
        if rules is None:
            sent.append(fact)
        else:
            known += [(rule, fact) for rule in rules]
    return sent, known


def learn(
    sent: Sequence[Fact],
    firings: Sequence[Firing],
    alike: Callable[[Fact], Any],
    fired_on: dict[Any, list[str]],
    alone: Mapping[str, str],
) -> None:
    """Keep, per key of the facts a group sent, the rules that fired on its first fact with that key."""
    learnt: dict[int, list[str]] = {}  # id() of the first fact sent with a key new to fired_on -> its rules
    for fact in sent:
        key = alike(fact)
        if key is not None and key not in fired_on:
            fired_on[key] = learnt[id(fact)] = []
    for firing in firings:
        for fact in firing.matched.values():
            rules = learnt.get(id(fact))
            if rules is not None:
                if firing.rule not in alone:
                    msg = f"{firing.rule} matched more than one fact run apart; such a rule must match one"
                    raise EvaluationError(msg)
                rules.append(firing.rule)


def placed(firings: list[Firing], apart: int, order: Mapping[str, tuple[int, int]]) -> list[Firing]:
    """*firings*, the first *apart* of them from facts run apart, placed among the others by priority.

    One batch would have fired the others' lower priorities first, and their
    higher ones after (the actions ran later, but they see the same firings
    before them: only the count matters to a step number).
    """
    group, others = firings[:apart], firings[apart:]
    lowest = min(order[firing.rule][0] for firing in group)
    highest = max(order[firing.rule][0] for firing in group)
    before = 0
    while before < len(others) and order[others[before].rule][0] < lowest:
        before += 1
    if any(order[firing.rule][0] <= highest for firing in others[before:]):
        msg = "rules of the priorities of facts run apart fired on the other facts; they cannot be run apart"
        raise EvaluationError(msg)
    return [*others[:before], *group, *others[before:]]


def single_batch_order(
    firings: list[Firing],
    made_by: list[list[Fact]],
    place: dict[int, int],
    order: Mapping[str, tuple[int, int]],
) -> list[Firing]:
    """*firings* of facts run apart, in the order one batch of all those facts would have fired them.

    The engine fires by priority, then in the order the rules are defined,
    and a rule's matches newest fact first. *place* gives each fact of the
    groups its place in that one batch (by ``id()``); a derived fact comes
    after all of them, in the order of the firings that asserted it
    (*made_by*, beside *firings*), which are placed before it is matched:
    priorities are taken in turn. A firing that matched more than one
    fact, or a fact derived at its own priority, breaks the premise of
    :meth:`CompiledRuleset.run`, and is an error.
    """
    levels: dict[int, list[tuple[int, int, Firing, list[Fact]]]] = {}
    for firing, made in zip(firings, made_by, strict=True):
        if len(firing.matched) != 1:
            msg = f"{firing.rule} matched {len(firing.matched)} facts run apart; such a rule must match one"
            raise EvaluationError(msg)
        priority, rank = order[firing.rule]
        (fact,) = firing.matched.values()
        levels.setdefault(priority, []).append((rank, id(fact), firing, made))
    ordered: list[Firing] = []
    following = len(place)
    for priority in sorted(levels):
        try:
            level = sorted(levels[priority], key=lambda item: (item[0], -place[item[1]]))
        except KeyError:
            msg = f"a fact derived at priority {priority} is matched at the same priority; it cannot be run apart"
            raise EvaluationError(msg) from None
        for _, _, firing, made in level:
            for fact in made:
                place[id(fact)] = following
                following += 1
            ordered.append(firing)
    return ordered

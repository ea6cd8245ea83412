"""Deciding a combo: did the keys pressed together complete one, or do they act alone?

Pure: `decide_combo` reads the waiting input and returns a decision; the engine applies it.
The only thing it changes is the pending record (the keys seen, the combos still possible,
the scan position), so that each waiting event is looked at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .actions import Combo
from .taphold import Waiting


class ComboWait:
    """Keys that may still complete a combo: pressed so far, combos still possible.

    `best` is a complete combo kept in hand while a bigger one may still complete, with
    the index of the waiting event that completed it.
    """

    __slots__ = ("best", "deadline", "idx", "keys", "t", "viable")

    def __init__(self, code: int, t: float, viable: list[Combo]) -> None:
        self.t, self.keys, self.viable, self.idx = t, [code], viable, 0
        self.deadline = t + max(c.timeout for c in viable)
        self.best: tuple[Combo, int] | None = None


@dataclass(frozen=True, slots=True)
class Fire:
    """`combo` happened; waiting event `last` was its last key (earlier others replay first)."""

    combo: Combo
    last: int


class Fail:
    """No combo: each key acts alone, in input order."""

    __slots__ = ()


FAIL = Fail()


def _give_up(p: ComboWait) -> Fire | Fail:
    """Fire the best complete combo seen, if any; else fail."""
    return Fire(*p.best) if p.best is not None else FAIL


def decide_combo(p: ComboWait, queue: Waiting, now: float) -> Fire | Fail | None:
    """Fire, fail, or None while the input so far (and the time `now`) cannot tell.

    Scanning the events that came after the first key, in order:
    - an event past every remaining combo's window: give up;
    - a press of a key in none of the remaining combos: give up;
    - a press that completes every remaining combo: fire it;
    - a press that completes some but not all: keep the complete one as `best`, wait for more;
    - a release of one of the combo's keys: give up.
    Giving up fires `best` if there is one, else fails. With nothing decisive queued, it gives
    up once `now` reaches the deadline (the longest window still open).
    """
    i = p.idx
    while i < len(queue):
        code, value, t = queue[i]
        viable = [c for c in p.viable if t < p.t + c.timeout]
        if not viable:
            return _give_up(p)
        if value == 1:
            viable = [c for c in viable if code in c.keys]
            if not viable:
                return _give_up(p)
            p.keys.append(code)
            full = [c for c in viable if len(c.keys) == len(p.keys)]
            if full and len(full) == len(viable):
                return Fire(full[0], i)
            if full:  # a bigger combo may still complete; keep this one in hand
                p.best = (full[0], i)
            p.deadline = p.t + max(c.timeout for c in viable)
        elif value == 0 and code in p.keys:
            return _give_up(p)
        p.viable = viable
        i += 1
    p.idx = i
    return None if now < p.deadline else _give_up(p)

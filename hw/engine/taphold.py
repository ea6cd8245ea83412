"""Deciding a tap-hold key: tap or hold, from the input that came after its press.

Pure: `decide_tap_hold` reads the waiting input and returns a decision; the engine applies
it. The only thing it changes is the pending record's own scan position, so that each
waiting event is looked at once however often the engine asks.
"""

from __future__ import annotations

from collections import deque

from .actions import ALONE, PERMISSIVE, PRESS, TapHoldAct

Waiting = deque[tuple[int, int, float]]
"""Input held back behind an undecided key: (code, value, time) in arrival order."""

NONE: frozenset[int] = frozenset()


class TapHold:
    """An undecided tap-hold key; `idx` and `seen` carry the scan of waiting events.

    `outer`: not inside another tap-hold or a tap dance (quick tap counts only those);
    `via`: the layer it was found in, whose `mods` its decided tap or hold lifts;
    `held`: an outer tap-hold decided hold on it; `stacked`: keys of the same hand whose
    action was a tap-hold at the press (the hand rule leaves them to the mode).
    """

    __slots__ = ("act", "code", "deadline", "held", "idx", "outer", "seen", "stacked", "t", "via")

    def __init__(self, code: int, act: TapHoldAct, t: float, outer: bool = True, held: bool = False,
                 stacked: frozenset[int] = NONE, via: int = -1) -> None:
        self.code, self.act, self.t, self.deadline = code, act, t, t + act.timeout
        self.outer, self.held, self.stacked = outer, held, stacked
        self.via = via  # the layer the key's action was found in (-1: the bottom layer)
        self.idx = 0
        self.seen: set[int] = set()


class Tap:
    """The key was tapped: it does its `tap` action."""

    __slots__ = ()


class Hold:
    """The key was held: it does its `hold` action."""

    __slots__ = ()


TAP, HOLD = Tap(), Hold()


def decide_tap_hold(p: TapHold, queue: Waiting, now: float) -> Tap | Hold | None:
    """Tap, hold, or None while the input so far (and the time `now`) cannot tell.

    Scanning the events that came after the press, in order:
    - any event at or after the deadline: `on_timeout` (hold, or tap);
    - the key's own release first: tap;
    - `hand_rule`: a press of a same-hand key that was not a tap-hold at the press: tap;
    - mode "press": another key pressed: hold;
    - mode "permissive": another key pressed *and* released within the hold: hold;
    - mode "alone": another key pressed: tap;
    - mode "timeout": only the deadline decides.
    With nothing decisive queued, it is `on_timeout` once `now` reaches the deadline.
    """
    act, i = p.act, p.idx
    late = TAP if act.on_timeout_tap else HOLD
    while i < len(queue):
        code, value, t = queue[i]
        i += 1
        if t >= p.deadline:
            p.idx = i
            return late
        if code == p.code:
            if value == 0:
                p.idx = i
                return TAP
        elif value == 1:
            same = act.same_hand
            if act.mode == PRESS:
                p.idx = i
                return TAP if same is not None and code in same and code not in p.stacked else HOLD
            if act.mode == ALONE or (same is not None and code in same and code not in p.stacked):
                p.idx = i
                return TAP
            if act.mode == PERMISSIVE:
                p.seen.add(code)
        elif value == 0 and code in p.seen:
            p.idx = i
            return HOLD
    p.idx = i
    return late if now >= p.deadline else None

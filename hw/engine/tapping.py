"""What the engine remembers about presses for the tap family, and pressing through it.

A profile that uses quick tap, prior idle, the hand rule, tap dances or a leader (its `track`),
or caps word while on, makes the engine take its slow path: every input press goes through
`press_input`, every decided action through `press`, so that this module sees them in input
order. The deciders stay pure (`taphold`, `tapdance`, `leader`); this applies their decisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import NULL, Action, CompiledProfile, LeaderAct, MacroAct, TapDanceAct, TapHoldAct
from .capsword import SHIFT, CapsWord, before_press
from .handlers import RELEASE, Record, press_action
from .keymap import BOTTOM
from .keys import MODIFIERS
from .leader import COMPLETE, REPLAY, LeaderRead
from .pointer import REL_BASE
from .state import INF, Out
from .tapdance import DanceWait
from .taphold import NONE, TAP, Hold, Tap, TapHold

if TYPE_CHECKING:
    from .engine import Engine

NOBODY = (-1, -INF)


class Tapping:
    """Press history in input order, caps word and eager dances; reset with the profile."""

    __slots__ = ("caps", "dances", "prev", "tapped", "th_codes", "track", "typed_at")

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, profile: CompiledProfile | None) -> bool:
        """Forget everything; whether `profile` needs the slow path."""
        self.prev = NOBODY      # the latest input press: (code, time)
        self.tapped = NOBODY    # the latest outermost tap-hold press decided as tap
        self.typed_at = -INF  # the latest typing press
        self.caps: CapsWord | None = None
        self.dances: dict[int, tuple[int, float]] = {}  # eager dances: code -> (taps, last press)
        self.track = profile is not None and profile.track
        self.th_codes = frozenset(c for m in profile.layers for c, a in m.items()
                                  if type(a) is TapHoldAct) if self.track and profile else NONE
        return self.track


def press_input(e: Engine, code: int, act: Action, t: float, now: float, out: Out) -> None:
    """An input press found `act` in the layers (slow path)."""
    tp = e.tapping
    prev, tp.prev = tp.prev, (code, t)
    if type(act) is TapHoldAct:
        if (act.quick and prev[0] == code and tp.tapped == prev and t - prev[1] < act.quick) or \
                (act.idle and t - tp.typed_at < act.idle):
            tp.tapped = (code, t)
            start(e, code, act.tap, t, now, out)
        else:
            e.pending = TapHold(code, act, t, stacked=_stacked(e, act), via=e.via)
        return
    if type(act) is TapDanceAct:
        _start_dance(e, code, act, t, now, out, prev[0])
        return
    start(e, code, act, t, now, out)


def start(e: Engine, code: int, act: Action, t: float, now: float, out: Out, held: bool = False) -> None:
    """Press a decided action for input key `code` pressed at `t` (a tap-hold starts undecided)."""
    if type(act) is TapHoldAct:
        e.pending = TapHold(code, act, t, outer=False, held=held, stacked=_stacked(e, act), via=e.via)
    elif type(act) is LeaderAct:
        e.down[code] = act
        e.pending = LeaderRead(code, act, t, e.keymap.profile)
    else:
        e.down[code] = press(e, act, t, now, out, held)


def settle_tap_hold(e: Engine, p: TapHold, decision: Tap | Hold, now: float, out: Out) -> None:
    tap = decision is TAP
    if p.outer and tap:
        e.tapping.tapped = (p.code, p.t)
    start(e, p.code, p.act.tap if tap else p.act.hold, p.t, now, out, p.held or not tap)


def _start_dance(e: Engine, code: int, act: TapDanceAct, t: float, now: float, out: Out, prev: int) -> None:
    if not act.eager:
        e.pending = DanceWait(code, act, t, e.via)
        return
    e.key = -1  # a dance's choice, not the key's own action
    k, last = e.tapping.dances.get(code, (0, -INF))
    if prev != code or t - last >= act.timeout or k >= len(act.elements):
        k = 0
    e.tapping.dances[code] = (k + 1, t)
    start(e, code, act.elements[k], t, now, out)


def settle_dance(e: Engine, p: DanceWait, k: int, now: float, out: Out) -> None:
    """The dance has `k` taps: earlier taps are consumed, other keys' events before the latest
    tap replay, and the chosen element takes the latest tap's place in input order."""
    waiting, t = e.waiting, p.t
    for _ in range(p.latest + 1):
        code, value, t = waiting.popleft()
        if code != p.code:
            e._process(code, value, t, now, out)
    e.tapping.prev = (p.code, t)
    e.key, e.via = -1, p.via  # as found in the layer the dance was found in
    start(e, p.code, p.act.elements[k - 1], t, now, out)


def settle_leader(e: Engine, p: LeaderRead, verdict: int, now: float, out: Out) -> None:
    """Reading ended: replay everything, or drop what was read (and tap the sequence's action)."""
    if verdict == REPLAY:
        return
    waiting, code, t = e.waiting, p.code, 0.0
    consumed: set[int] = set()
    for _ in range(p.end + 1):
        code, value, t = waiting.popleft()
        if value == 1:
            consumed.add(code)
        elif code in consumed:
            if value == 0:
                consumed.discard(code)
        else:  # a key pressed before reading started
            e._process(code, value, t, now, out)
    for code in consumed:  # still held: its release does nothing
        e.down.setdefault(code, NULL)
    e.tapping.prev = (code, t)  # the press that ended reading
    if verdict == COMPLETE and p.action is not None:
        e.key, e.via = -1, BOTTOM  # a sequence's action is found in no layer
        rec = press(e, p.action, t, now, out)
        RELEASE[type(rec)](e, rec, t, out)


def press(e: Engine, act: Action, t: float, now: float, out: Out, held: bool = False) -> Record:
    """Press a decided action, through caps word, noting a typing press."""
    tp = e.tapping
    shift = before_press(e, tp.caps, act, t, out) if tp.caps is not None else False
    n = len(out)
    rec = press_action(e, act, t, now, out)
    if shift:
        e.output.release(SHIFT, out)
    if not held and _typing(act, out, n):
        tp.typed_at = t
    return rec


def _typing(act: Action, out: Out, n: int) -> bool:
    """Whether pressing `act` was a typing press: it pressed a non-modifier key (a mouse button
    is a key; motion is not). A macro, `text` and `unicode` count by their steps, so one that
    starts with a delay counts at its press too."""
    if type(act) is MacroAct:
        return any(v == 1 and c not in MODIFIERS for c, v in act.ops)
    return any(v == 1 and c not in MODIFIERS and c < REL_BASE for c, v in out[n:])


def _stacked(e: Engine, act: TapHoldAct) -> frozenset[int]:
    """Same-hand keys whose action is a tap-hold on the layers active now (hand rule)."""
    if act.same_hand is None:
        return NONE
    resolve, active = e.keymap.resolve, e.active
    return frozenset(c for c in act.same_hand & e.tapping.th_codes if type(resolve(c, active)[0]) is TapHoldAct)

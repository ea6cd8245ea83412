"""Caps word: while on, word keys are typed shifted and anything else that types ends it.

`press_caps` is the caps_word key's press handler; `before_press` classifies each other press
while caps word is on (the engine routes every press through it then); `end_caps_word` turns it
off, for whatever ends it from outside (the `clear` action, a profile change).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import keys
from .actions import (
    CapsWordAct,
    KeyAct,
    LayerAct,
    LeaderAct,
    MoveScaleAct,
    NullAct,
    OneShotAct,
    SwapAct,
    SwitchAct,
    TapDanceAct,
    ToggleAct,
)
from .state import Out

if TYPE_CHECKING:
    from .engine import Engine
    from .handlers import Record

SHIFT, RIGHT_SHIFT = keys.code_of("leftshift"), keys.code_of("rightshift")
NEUTRAL: set[type] = {NullAct, LayerAct, ToggleAct, SwitchAct, SwapAct, OneShotAct, CapsWordAct, LeaderAct,
                      TapDanceAct, MoveScaleAct}
"""Presses that neither end nor refresh caps word (layer actions, their `macro` and `mods`
included, one-shots of either form, null, a speed scale: nothing they emit is typed). Every other
press that is not a word key ends it: a macro, `text`, `unicode`, `repeat_last`, `clear`, a mouse
button, `wheel` and `move` included."""


class CapsWord:
    """Caps word while on: its lists, and when it ends unless refreshed."""

    __slots__ = ("act", "deadline")

    def __init__(self, act: CapsWordAct, deadline: float) -> None:
        self.act, self.deadline = act, deadline


def press_caps(e: Engine, act: CapsWordAct, t: float, now: float, out: Out) -> Record:
    caps = e.tapping.caps
    if caps is not None and act.toggle and t < caps.deadline:
        end_caps_word(e)
    else:
        e.tapping.caps = CapsWord(act, t + act.timeout)
        e.slow = True
    return act


def end_caps_word(e: Engine) -> None:
    """Turn caps word off (nothing is held for it, so nothing is released)."""
    e.tapping.caps = None
    e.slow = e.tapping.track


def before_press(e: Engine, caps: CapsWord, act: object, t: float, out: Out) -> bool:
    """Classify a press while caps word is on; whether it pressed shift for it (to release after)."""
    if t >= caps.deadline:
        end_caps_word(e)
        return False
    kind = type(act)
    if kind in NEUTRAL:
        return False
    if kind is KeyAct:
        codes = act.codes  # type: ignore[attr-defined]
        if len(codes) == 1 and codes[0] in caps.act.shifted:
            caps.deadline = t + caps.act.timeout
            count = e.output.count
            if SHIFT in count or RIGHT_SHIFT in count:
                return False
            e.output.press(SHIFT, out)
            return True
        if len(codes) == 1 and codes[0] in caps.act.cont:
            caps.deadline = t + caps.act.timeout
            return False
    end_caps_word(e)
    return False

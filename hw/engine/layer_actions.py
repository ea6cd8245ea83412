"""What the layer actions do when pressed and released: layer, toggle, switch, swap, clear and
one-shot, each typing its `macro` (if any) in the order PROFILES.md round 2 §3.3 gives.

Handlers for `handlers.PRESS`/`RELEASE`, over an `Engine`'s layers, one-shots and output; they
read `e.key` and `e.via` as every handler does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import ClearAct, LayerAct, OneShotAct, SwapAct, SwitchAct, ToggleAct
from .capsword import end_caps_word
from .keymap import BOTTOM
from .layers import HELD, Activation
from .macros import type_ops
from .oneshots import Shot
from .state import Out

if TYPE_CHECKING:
    from .engine import Engine


def press_layer(e: Engine, act: LayerAct, t: float, now: float, out: Out) -> Activation:
    a = Activation(act.layer, HELD, act.mods, e.key)
    if act.macro:
        type_ops(e, act.macro, now, out, lambda o: e.active.start(a, o))
    else:
        e.active.start(a, out)
    return a


def press_toggle(e: Engine, act: ToggleAct, t: float, now: float, out: Out) -> ToggleAct:
    if act.macro:
        type_ops(e, act.macro, now, out, lambda o: e.active.toggle(act.layer, act.mods, o))
    else:
        e.active.toggle(act.layer, act.mods, out)
    return act


def press_switch(e: Engine, act: SwitchAct, t: float, now: float, out: Out) -> SwitchAct:
    if act.macro:
        type_ops(e, act.macro, now, out, lambda o: setattr(e.active, "bottom", act.layer))
    else:
        e.active.bottom = act.layer
    return act


def press_swap(e: Engine, act: SwapAct, t: float, now: float, out: Out) -> SwapAct:
    """Replace the topmost activation of the layer this key was found in; then type the macro."""
    via = e.via
    old = e.active.topmost(via) if via != BOTTOM and len(e.keymap.members[via]) == 1 else None
    if old is not None:
        e.active.swap(old, act.layer, act.mods, out)
    if act.macro:
        type_ops(e, act.macro, now, out)
    return act


def press_clear(e: Engine, act: ClearAct, t: float, now: float, out: Out) -> ClearAct:
    """End toggled activations, armed one-shots and caps word; then type the macro."""
    e.active.clear_toggled(out)
    e.oneshots.clear_armed(out)
    if e.tapping.caps is not None:
        end_caps_word(e)
    if act.macro:
        type_ops(e, act.macro, now, out)
    return act


def press_oneshot(e: Engine, act: OneShotAct, t: float, now: float, out: Out) -> Shot:
    """The macro, the key form's key, then the one-shot (its layer, then its modifiers)."""
    shot = Shot(act, t + e.keymap.oneshot_ms())

    def start(o: Out) -> None:
        for c in act.key:
            e.output.press(c, o)
        e.oneshots.begin(shot, o)

    if act.macro:
        type_ops(e, act.macro, now, out, start)
    else:
        start(out)
    return shot


def release_activation(e: Engine, rec: Activation, t: float, out: Out) -> None:
    e.active.end(rec, out)


def release_shot(e: Engine, rec: Shot, t: float, out: Out) -> None:
    for c in reversed(rec.act.key):
        e.output.release(c, out)
    e.oneshots.release(rec, t + e.keymap.oneshot_ms(), out)

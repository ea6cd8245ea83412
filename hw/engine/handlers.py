"""What pressing and releasing each kind of action does, as functions over an `Engine`.

`PRESS` maps an action's type to its press handler, which does the action and returns the record
its release will undo; `RELEASE` maps a record's type to its release handler. The engine looks
each up once per event (one dict look-up, no ladder), so a new action kind is a handler function
and one entry in each dict. Handlers read `e.key` (the input key of a plain press; -1 after a
tap-hold or combo decided it) and `e.via` (the layer the key was resolved through).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .actions import (
    NULL,
    CapsWordAct,
    ClearAct,
    KeyAct,
    LayerAct,
    LeaderAct,
    MacroAct,
    MoveAct,
    MoveScaleAct,
    NullAct,
    OneShotAct,
    RepeatAct,
    SwapAct,
    SwitchAct,
    ToggleAct,
    WheelAct,
    key_act,
)
from .capsword import press_caps
from .keymap import BOTTOM
from .keys import MODIFIERS
from .layer_actions import (
    press_clear,
    press_layer,
    press_oneshot,
    press_swap,
    press_switch,
    press_toggle,
    release_activation,
    release_shot,
)
from .layers import Activation, Lift
from .macros import MacroRun, type_ops
from .oneshots import Shot
from .pointer import press_move, press_scale, press_wheel, release_move, release_scale, release_wheel
from .state import Out

if TYPE_CHECKING:
    from .engine import Engine


class Group:
    """The shared record of a combo's keys: the first release undoes the action."""

    __slots__ = ("done", "rec")

    def __init__(self, rec: Record) -> None:
        self.rec, self.done = rec, False


class Lifted:
    """The record of a press that lifted layer modifiers until its release."""

    __slots__ = ("rec", "taken")

    def __init__(self, rec: Record, taken: Lift) -> None:
        self.rec, self.taken = rec, taken


Record = (
    KeyAct | NullAct | ToggleAct | SwitchAct | SwapAct | ClearAct | MacroAct | Activation | Shot | Group | Lifted
    | CapsWordAct | LeaderAct | WheelAct | MoveAct | MoveScaleAct
)
"""What a key's press did, kept until its release undoes it."""


# --- keys, macros, repeat_last ------------------------------------------------------------

def press_key(e: Engine, act: KeyAct, t: float, now: float, out: Out) -> Record:
    e.output.press_codes(act.codes, out)
    if e.recording:
        remember_keys(e, act)
    if e.shots:
        e.oneshots.after_press(out)
    return act


def press_macro(e: Engine, act: MacroAct, t: float, now: float, out: Out) -> Record:
    if e.recording:
        remember(e, act)
    type_ops(e, act.ops, now, out)
    if e.shots:
        e.oneshots.after_press(out)
    return act


def press_null(e: Engine, act: NullAct, t: float, now: float, out: Out) -> Record:
    if e.shots:
        e.oneshots.after_press(out)
    return act


def remember_keys(e: Engine, act: KeyAct) -> None:
    """For repeat_last: the chord's last non-modifier key with every modifier down with it."""
    keys = [c for c in act.codes if c not in MODIFIERS]
    if keys:
        key = keys[-1]
        e.last = key_act((*(c for c in e.output.count if c in MODIFIERS and c != key), key))


def remember(e: Engine, act: MacroAct) -> None:
    """For repeat_last: an action that types (a macro; `text` is a macro's step), run again as is.

    Every such action records itself here when it is pressed, unless it only presses modifiers.
    """
    if any(v == 1 and c not in MODIFIERS for c, v in act.ops):
        e.last = act


def press_repeat(e: Engine, act: RepeatAct, t: float, now: float, out: Out) -> Record:
    """Press what was recorded last, without recording it again; nothing recorded: nothing."""
    last = e.last
    if last is None:
        return press_null(e, NULL, t, now, out)
    recording, e.recording = e.recording, False
    try:
        return PRESS[type(last)](e, last, t, now, out)
    finally:
        e.recording = recording


def lift_press(e: Engine, act: Any, t: float, now: float, out: Out) -> Record:
    """Press a key-emitting action resolved through a layer whose activations hold modifiers.

    Those modifiers (except the chord's own) are lifted first; a key or chord keeps them lifted
    until its release, a macro until it has been typed (and the one-shot rule has run).
    """
    target = e.last if type(act) is RepeatAct else act
    if target is None:
        return press_null(e, NULL, t, now, out)
    keep = target.codes if type(target) is KeyAct else ()
    taken = e.active.lift(e.keymap.members[e.via], keep, out)
    rec = PRESS[type(act)](e, act, t, now, out)
    if not taken:
        return rec
    if isinstance(e.pending, MacroRun):  # a macro is being typed
        e.pending.after.append(lambda o: e.active.unlift(taken, o))
    elif type(rec) in UNTIL_TYPED:
        e.active.unlift(taken, out)
    else:
        return Lifted(rec, taken)
    return rec


def press_action(e: Engine, act: Any, t: float, now: float, out: Out) -> Record:
    """Press a decided action; found in a layer whose activations hold modifiers, a key-emitting
    one lifts them first (`lift_press`)."""
    if e.active.modded and e.via != BOTTOM and type(act) in LIFTS:
        return lift_press(e, act, t, now, out)
    return PRESS[type(act)](e, act, t, now, out)


def repeat_key(e: Engine, rec: Record | None, out: Out) -> None:
    """An input key's auto-repeat: the key or chord its press left down repeats its last key."""
    if type(rec) is Group:
        rec = None if rec.done else rec.rec
    if type(rec) is Lifted:
        rec = rec.rec
    if type(rec) is Shot and rec.act.key:
        rep = rec.act.key[-1]  # a one-shot key repeats its last key
    elif type(rec) is KeyAct:
        rep = rec.rep
    else:
        return
    if rep >= 0 and rep in e.count:
        out.append((rep, 2))


def release_key(e: Engine, rec: KeyAct, t: float, out: Out) -> None:
    e.output.release_codes(rec.rcodes, out)


def release_group(e: Engine, rec: Group, t: float, out: Out) -> None:
    if not rec.done:
        rec.done = True
        RELEASE[type(rec.rec)](e, rec.rec, t, out)


def release_lifted(e: Engine, rec: Lifted, t: float, out: Out) -> None:
    RELEASE[type(rec.rec)](e, rec.rec, t, out)
    e.active.unlift(rec.taken, out)


def release_nothing(e: Engine, rec: Record, t: float, out: Out) -> None:
    """Releasing a null, toggle, switch, swap, clear or macro key does nothing."""


Press = Callable[["Engine", Any, float, float, Out], Record]
Release = Callable[["Engine", Any, float, Out], None]

PRESS: dict[type, Press] = {
    KeyAct: press_key, MacroAct: press_macro, NullAct: press_null, LayerAct: press_layer,
    ToggleAct: press_toggle, SwitchAct: press_switch, OneShotAct: press_oneshot, SwapAct: press_swap,
    ClearAct: press_clear, RepeatAct: press_repeat, CapsWordAct: press_caps,
    WheelAct: press_wheel, MoveAct: press_move, MoveScaleAct: press_scale,
}
"""What pressing each kind of action does, by its type: (engine, action, input time, now, out)."""

RELEASE: dict[type, Release] = {
    KeyAct: release_key, Activation: release_activation, Group: release_group, Shot: release_shot,
    Lifted: release_lifted, MacroAct: release_nothing, NullAct: release_nothing, ToggleAct: release_nothing,
    SwitchAct: release_nothing, SwapAct: release_nothing, ClearAct: release_nothing,
    CapsWordAct: release_nothing, LeaderAct: release_nothing,
    WheelAct: release_wheel, MoveAct: release_move, MoveScaleAct: release_scale,
}
"""What releasing a key does, by the type of the record its press left: (engine, record, time, out)."""

LIFTS: frozenset[type] = frozenset({KeyAct, MacroAct, RepeatAct, WheelAct, MoveAct})
"""Key-emitting actions: resolved through a layer whose activations hold modifiers, they lift them.

`text` and `unicode` compile to macros; a wheel or move key keeps them lifted until its release."""

UNTIL_TYPED: frozenset[type] = frozenset({MacroAct})
"""Records of presses that keep layer modifiers lifted until typed, not until their release."""

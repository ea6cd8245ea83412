"""What pressing and releasing each kind of action does, as functions over an `Engine`.

`PRESS` maps an action's type to its press handler, which does the action and returns the record
its release will undo; `RELEASE` maps a record's type to its release handler. The engine looks
each up once per event (one dict look-up, no ladder), so a new action kind is a handler function
and one entry in each dict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .actions import (
    CapsWordAct,
    KeyAct,
    LayerAct,
    LeaderAct,
    MacroAct,
    MoveAct,
    MoveScaleAct,
    NullAct,
    OneShotAct,
    SwitchAct,
    ToggleAct,
    WheelAct,
)
from .capsword import press_caps
from .macros import MacroRun, run_macro
from .pointer import press_move, press_scale, press_wheel, release_move, release_scale, release_wheel
from .state import Group, Out, Record, Shot

if TYPE_CHECKING:
    from .engine import Engine


def press_key(e: Engine, act: KeyAct, t: float, now: float, out: Out) -> Record:
    press = e.output.press
    for c in act.codes:
        press(c, out)
    if e.shots:
        e.oneshots.after_press(out)
    return act


def press_macro(e: Engine, act: MacroAct, t: float, now: float, out: Out) -> Record:
    macro = MacroRun(act.ops, now)
    if not run_macro(macro, e.output, out):
        e.pending = macro
    if e.shots:
        e.oneshots.after_press(out)
    return act


def press_null(e: Engine, act: NullAct, t: float, now: float, out: Out) -> Record:
    if e.shots:
        e.oneshots.after_press(out)
    return act


def press_layer(e: Engine, act: LayerAct, t: float, now: float, out: Out) -> Record:
    e.stack.append(act.layer)
    return act


def press_toggle(e: Engine, act: ToggleAct, t: float, now: float, out: Out) -> Record:
    e.active.toggle(act.layer)
    return act


def press_switch(e: Engine, act: SwitchAct, t: float, now: float, out: Out) -> Record:
    e.active.bottom = act.layer
    return act


def press_oneshot(e: Engine, act: OneShotAct, t: float, now: float, out: Out) -> Record:
    return e.oneshots.start(act, t + e.keymap.oneshot_ms(), out)


def release_key(e: Engine, rec: KeyAct, t: float, out: Out) -> None:
    release = e.output.release
    for c in rec.rcodes:
        release(c, out)


def release_layer(e: Engine, rec: LayerAct, t: float, out: Out) -> None:
    e.active.drop(rec.layer)


def release_group(e: Engine, rec: Group, t: float, out: Out) -> None:
    if not rec.done:
        rec.done = True
        RELEASE[type(rec.rec)](e, rec.rec, t, out)


def release_shot(e: Engine, rec: Shot, t: float, out: Out) -> None:
    e.oneshots.release(rec, t + e.keymap.oneshot_ms(), out)


def release_nothing(e: Engine, rec: Record, t: float, out: Out) -> None:
    """Releasing a null, toggle, switch or macro key does nothing."""


Press = Callable[["Engine", Any, float, float, Out], Record]
Release = Callable[["Engine", Any, float, Out], None]

PRESS: dict[type, Press] = {
    KeyAct: press_key, MacroAct: press_macro, NullAct: press_null, LayerAct: press_layer,
    ToggleAct: press_toggle, SwitchAct: press_switch, OneShotAct: press_oneshot,
    CapsWordAct: press_caps, WheelAct: press_wheel, MoveAct: press_move, MoveScaleAct: press_scale,
}
"""What pressing each kind of action does, by its type: (engine, action, input time, now, out)."""

RELEASE: dict[type, Release] = {
    KeyAct: release_key, LayerAct: release_layer, Group: release_group, Shot: release_shot,
    MacroAct: release_nothing, NullAct: release_nothing, ToggleAct: release_nothing,
    SwitchAct: release_nothing, CapsWordAct: release_nothing, LeaderAct: release_nothing,
    WheelAct: release_wheel, MoveAct: release_move, MoveScaleAct: release_scale,
}
"""What releasing a key does, by the type of the record its press left: (engine, record, time, out)."""

"""Changes to an engine's layers that do not come from its keys: the focused window (app layers)
and layer operations (the API's on/off/toggle/switch/clear), and the layer state as the API shows it.

Both are ordered inputs: behind an undecided key they wait in the queue like any later event
(`Engine.control`), and keys held across them release exactly what their press did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .apps import Focus, app_layers
from .layers import HELD, ONESHOT, TOGGLED, Activation
from .state import Out

if TYPE_CHECKING:
    from .engine import Engine

CONTROL = 3
"""The `value` of a waiting entry that stands for the engine's next queued control."""
OPS = ("on", "off", "toggle", "switch", "clear")


@dataclass(frozen=True, slots=True)
class FocusChange:
    """The focused window changed (None: nothing is focused)."""

    focus: Focus | None


@dataclass(frozen=True, slots=True)
class LayerOp:
    """An operation on the toggled layers or the switched base; `layer` is None for `clear`."""

    op: str
    layer: str | None = None


Control = FocusChange | LayerOp


def control(e: Engine, ctl: Control, now_ms: float) -> Out:
    """A focus change or layer operation, in input order: behind an undecided key it waits."""
    if type(ctl) is FocusChange:
        e.focus = ctl.focus
    if e.pending is not None:
        e.controls.append(ctl)
        return e.feed(-1, CONTROL, now_ms)
    out: Out = []
    apply_control(e, ctl, out)
    return out


def refresh_apps(e: Engine, focus: Focus | None) -> None:
    """Set the app layers for `focus` under the engine's profile."""
    profile = e.keymap.profile
    e.active.apps[:] = app_layers(profile.apps, focus) if profile is not None else []


def apply_control(e: Engine, ctl: Control, out: Out) -> None:
    """Do what one control says, now (nothing is waiting in front of it). Layer operations act on
    toggled activations (started without modifiers) and the bottom layer only: activations held by
    keys and one-shots stay. `clear` ends every toggled activation, as the `clear` action does (their
    modifiers go up), and switches back to base."""
    if type(ctl) is FocusChange:
        refresh_apps(e, ctl.focus)
        return
    assert isinstance(ctl, LayerOp)
    layers = e.active
    if ctl.op == "clear":
        layers.clear_toggled(out)
        layers.bottom = 0
        return
    profile = e.keymap.profile
    names = profile.layer_names if profile is not None else ("base",)
    if ctl.layer not in names:
        return  # not a layer of this keyboard's profile: nothing to do here
    index = names.index(ctl.layer)
    if ctl.op == "switch":
        layers.bottom = index
        return
    if index == 0:
        return  # base is always at the bottom
    toggled = layers.toggled_of(index)
    if toggled is None and ctl.op in ("on", "toggle"):
        layers.start(Activation(index, TOGGLED, ()), out)
    elif toggled is not None and ctl.op in ("off", "toggle"):
        layers.end(toggled, out)


def layer_state(e: Engine) -> dict[str, Any]:
    """Base, the whole stack, and its parts: toggled, momentary (held by keys), one-shot, app."""
    profile = e.keymap.profile
    names = profile.layer_names if profile is not None else ("base",)
    stack = e.active.stack
    shots = [names[a.layer] for a in stack if a.kind == ONESHOT]
    return {"base": names[e.active.bottom], "layers": e.layers(),
            "toggled": [names[a.layer] for a in stack if a.kind == TOGGLED],
            "momentary": [names[a.layer] for a in stack if a.kind == HELD],
            "oneshot": shots[-1] if shots else None,
            "app_layers": [names[i] for i in reversed(e.active.apps)]}


__all__ = ["CONTROL", "OPS", "Control", "FocusChange", "LayerOp", "apply_control", "control", "layer_state",
           "refresh_apps"]

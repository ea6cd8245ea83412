"""Changes to an engine's layers that do not come from its keys: the focused window (app layers)
and layer operations (the API's on/off/toggle/switch/clear), and the layer state as the API shows it.

Both are ordered inputs: behind an undecided key they wait in the queue like any later event
(`Engine.control`), and keys held across them release exactly what their press did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .apps import Focus, app_layers
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


def refresh_apps(e: Engine, focus: Focus | None) -> None:
    """Set the app layers for `focus` under the engine's profile."""
    profile = e.keymap.profile
    e.active.apps[:] = app_layers(profile.apps, focus) if profile is not None else []


def apply_control(e: Engine, ctl: Control, out: Out) -> None:
    """Do what one control says, now (nothing is waiting in front of it)."""
    if type(ctl) is FocusChange:
        refresh_apps(e, ctl.focus)
        return
    assert isinstance(ctl, LayerOp)
    layers = e.active
    if ctl.op == "clear":
        for layer in layers.toggled:
            layers.drop(layer)
        layers.toggled.clear()
        layers.bottom = 0
        return
    profile = e.keymap.profile
    names = profile.layer_names if profile is not None else ("base",)
    if ctl.layer not in names:
        return  # not a layer of this keyboard's profile: nothing to do here
    index = names.index(ctl.layer)
    if ctl.op == "switch":
        layers.bottom = index
    elif index == 0:
        return  # base is always at the bottom
    elif ctl.op == "on" or (ctl.op == "toggle" and index not in layers.toggled):
        if index not in layers.toggled:
            layers.stack.append(index)
            layers.toggled.append(index)
    elif index in layers.toggled:  # off, or toggle of a toggled layer
        layers.toggled.remove(index)
        layers.drop(index)


def layer_state(e: Engine) -> dict[str, Any]:
    """Base, the whole stack, and its parts: toggled, momentary (held by keys), one-shot, app."""
    profile = e.keymap.profile
    names = profile.layer_names if profile is not None else ("base",)
    active = e.active
    shots = [s.act.layer for s in e.oneshots.live if s.act.layer >= 0]
    momentary = list(active.stack)
    for layer in active.toggled + shots:
        if layer in momentary:
            momentary.remove(layer)
    return {"base": names[active.bottom], "layers": e.layers(),
            "toggled": [names[i] for i in active.toggled],
            "momentary": [names[i] for i in momentary],
            "oneshot": names[shots[-1]] if shots else None,
            "app_layers": [names[i] for i in reversed(active.apps)]}


__all__ = ["CONTROL", "OPS", "Control", "FocusChange", "LayerOp", "apply_control", "layer_state",
           "refresh_apps"]

"""Simulator input that is not a physical key: focus changes, layer operations and virtual keys,
in their script-token and JSON (KeyStep) forms.

Script tokens: `f:APP_ID` (or `f:APP_ID:TITLE`; `f:-` = nothing focused), `L:+nav` (on),
`L:-nav` (off), `L:~nav` (toggle), `L:=num` (switch), `L:0` (clear), `V:name:tap|press|release`.
JSON: `{"focus": {"app_id", "title"?} | null, "at_ms"}`, `{"layer": {"op", "layer"?}, "at_ms"}`,
`{"virtual": name, "action": "press"|"release"|"tap", "at_ms"}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .apps import MAX_APP_ID, MAX_TITLE, Focus
from .layerops import OPS, Control, FocusChange, LayerOp

LAYER_SIGNS = {"+": "on", "-": "off", "~": "toggle", "=": "switch"}
LAYER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
VIRTUAL_ACTIONS = ("press", "release", "tap")


@dataclass(frozen=True, slots=True)
class ControlStep:
    """A focus change or a layer operation at an absolute virtual time."""

    at_ms: float
    control: Control


@dataclass(frozen=True, slots=True)
class VirtualStep:
    """A virtual key pressed (1) or released (0), by name (the profile gives it a code)."""

    at_ms: float
    name: str
    value: int


def parse_token(kind: str, arg: str, now: float) -> list[ControlStep | VirtualStep] | str:
    """The steps of an `f:`, `L:` or `V:` token, or what is wrong with it."""
    if kind == "f":
        if arg == "-":
            return [ControlStep(now, FocusChange(None))]
        app_id, _, title = arg.partition(":")
        return [ControlStep(now, FocusChange(Focus(app_id, title)))]
    if kind == "L":
        if arg == "0":
            return [ControlStep(now, LayerOp("clear"))]
        op, name = LAYER_SIGNS.get(arg[:1]), arg[1:]
        if op is None or not LAYER_NAME.match(name):
            return "expected L:+LAYER, L:-LAYER, L:~LAYER, L:=LAYER or L:0"
        return [ControlStep(now, LayerOp(op, name))]
    name, _, action = arg.partition(":")
    if not name or action not in VIRTUAL_ACTIONS:
        return "expected V:NAME:tap, V:NAME:press or V:NAME:release"
    return virtual_steps(now, name, action)


def virtual_steps(now: float, name: str, action: str) -> list[ControlStep | VirtualStep]:
    values = {"press": [1], "release": [0], "tap": [1, 0]}[action]
    return [VirtualStep(now, name, v) for v in values]


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def parse_event(event: Mapping[str, Any], here: str, at: float,
                errors: dict[str, list[str]]) -> list[ControlStep | VirtualStep]:
    """The steps of one JSON step with `focus`, `layer` or `virtual`; problems go to `errors`."""
    if "focus" in event:
        allowed = {"focus", "at_ms"}
        focus = event["focus"]
        if focus is not None and (not isinstance(focus, Mapping) or set(focus) - {"app_id", "title"}
                                  or not _text(focus.get("app_id"), MAX_APP_ID)
                                  or not _text(focus.get("title", ""), MAX_TITLE)):
            errors[f"{here}.focus"] = ["must be null or {app_id, title?} with strings "
                                       f"of at most {MAX_APP_ID} and {MAX_TITLE} characters"]
            return []
        steps: list[ControlStep | VirtualStep] = [ControlStep(at, FocusChange(
            None if focus is None else Focus(focus["app_id"], focus.get("title", ""))))]
    elif "layer" in event:
        allowed = {"layer", "at_ms"}
        op = event["layer"]
        layer = op.get("layer") if isinstance(op, Mapping) else None
        if not isinstance(op, Mapping) or op.get("op") not in OPS or set(op) - {"op", "layer"} or \
                (op["op"] != "clear") != isinstance(layer, str):
            errors[f"{here}.layer"] = [f"must be {{op: {'|'.join(OPS)}, layer}} (clear takes no layer)"]
            return []
        steps = [ControlStep(at, LayerOp(op["op"], layer))]
    else:
        allowed = {"virtual", "action", "at_ms"}
        name, action = event.get("virtual"), event.get("action")
        if not isinstance(name, str) or action not in VIRTUAL_ACTIONS:
            errors[here] = ["a virtual key step is {virtual: name, action: press|release|tap}"]
            return []
        steps = virtual_steps(at, name, str(action))
    for extra in sorted(set(event) - allowed, key=str):
        errors[f"{here}.{extra}"] = ["unknown field"]
    return steps


CONTROL_FIELDS = ("focus", "layer", "virtual")

__all__ = ["CONTROL_FIELDS", "ControlStep", "VirtualStep", "parse_event", "parse_token"]

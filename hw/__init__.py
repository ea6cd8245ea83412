"""The hardware side of KeyRx: keyboards in, remapped keys out, in one native thread.

The app imports only this module. It builds a backend with `create_backend`, starts it
with a `publish` callable, hands it the whole configuration with `apply` and asks it for
`state()` and `devices()`.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import engine
from .capture import Captured
from .engine import (
    OPTIONS,
    SETTINGS,
    CompiledProfile,
    all_names,
    code_of,
    is_key,
    name_of,
    parse_events,
    parse_script,
    simulate,
)
from .engine import suggest as suggest_key
from .engine.apps import Focus, app_layers, matching_rules
from .engine.layerops import OPS as LAYER_OPS
from .engine.layerops import LayerOp
from .errors import Busy, DeviceGone, HwError, NotGrabbed, NotSupported, ProfileError, ScriptError, UnknownDevice
from .inbox import Done, LayerCommand, SetFocus, VirtualKey
from .loop import GRAB_WAIT_MS, Loop
from .ports import EngineFactory, Provider
from .types import Config, DeviceConfig, DeviceInfo, HwState, Natives, Publish
from .unavailable import UnavailableProvider
from .virtual import VirtualProvider
from .xkb import HostLayouts, host_layouts

BACKENDS = ("auto", "evdev", "virtual", "none")


def matched_layers(profile: CompiledProfile | None, focus: Focus | None) -> list[str]:
    """The app layers a focused window turns on under `profile`, top first."""
    if profile is None:
        return []
    return [profile.layer_names[i] for i in reversed(app_layers(profile.apps, focus))]


def matched_rules(profile: CompiledProfile | None, focus: Focus | None) -> list[int]:
    """The indices of the profile's `apps` rules the window matches."""
    return [] if profile is None else matching_rules(profile.apps, focus)


def validate_profile(profile: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors by dotted path; `settings.host_layout` is looked up in the system's xkb layouts."""
    return engine.validate_profile(profile, host_layouts().resolver())


def compile_profile(profile: Mapping[str, Any]) -> CompiledProfile:
    """The engine's form of a profile, text typed for its host layout; ProfileError if invalid."""
    return engine.compile_profile(profile, host_layouts().resolver())


def evdev_problem() -> str | None:
    """Why the evdev backend can't run here, as a sentence that says what to do; None if it can."""
    if not os.path.exists("/dev/uinput"):
        return "/dev/uinput does not exist: load the uinput kernel module (modprobe uinput)"
    if not os.access("/dev/uinput", os.W_OK):
        return ("no write access to /dev/uinput: run as root, or install the udev rules (keyrx service "
                "install) and add the user to the 'uinput' group; keyrx doctor says what is missing")
    try:
        from . import devices  # noqa: F401  (the evdev backend)
    except ImportError as exc:
        return f"the evdev backend cannot be loaded: {exc}"
    return None


def create_backend(kind: str = "auto", *, virtual_keyboards: int = 2,
                   natives: Natives | None = None,
                   engine_factory: EngineFactory | None = None,
                   grab_wait_ms: float = GRAB_WAIT_MS) -> Loop:
    """A backend of that kind; `auto` picks evdev when usable, else none with the reason.

    Real keyboards get the loop's realtime tuning (`hw/tuning.py`); the others leave the process
    as it is.
    """
    from .engine import Engine

    provider: Provider
    if kind not in BACKENDS:
        raise ValueError(f"unknown hw backend {kind!r}; choose one of {', '.join(BACKENDS)}")
    if kind == "virtual":
        provider = VirtualProvider(virtual_keyboards)
    elif kind == "none":
        provider = UnavailableProvider("none", "no hardware backend (KEYRX_HW_BACKEND=none)")
    else:
        problem = evdev_problem()
        if problem is None:
            from .devices import EvdevProvider
            provider = EvdevProvider()
        elif kind == "evdev":
            provider = UnavailableProvider("evdev", problem)
        else:
            provider = UnavailableProvider("none", f"auto: evdev unusable: {problem}")
    return Loop(provider, engine_factory or Engine, key_name=name_of, natives=natives,
                grab_wait_ms=grab_wait_ms, realtime=provider.name == "evdev")


__all__ = ["BACKENDS", "Busy", "Captured", "CompiledProfile", "Config", "DeviceConfig", "DeviceGone", "DeviceInfo",
           "Done", "EngineFactory", "Focus", "HostLayouts", "HwError", "HwState", "LAYER_OPS", "LayerCommand",
           "LayerOp", "Loop", "Natives", "NotGrabbed", "NotSupported", "OPTIONS", "ProfileError", "Provider",
           "SetFocus", "VirtualKey", "host_layouts", "matched_layers", "matched_rules",
           "Publish", "SETTINGS", "ScriptError", "UnknownDevice", "all_names", "code_of",
           "compile_profile", "create_backend", "evdev_problem", "is_key", "name_of",
           "parse_events", "parse_script", "simulate", "suggest_key", "validate_profile"]

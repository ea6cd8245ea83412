"""The guarantees of PROFILES.md over random input that mixes key presses with focus changes
(app layers), API layer operations and virtual keys: nothing stuck once everything is released,
nothing pressed twice or released while up, and an order fixed by the input alone."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hw.engine import Engine, code_of, compile_profile
from hw.engine.apps import app_layers, focus_of
from hw.engine.layerops import OPS, FocusChange, LayerOp
from tests.engine.test_properties import CHECKS, KEYS, LAYERS, Checker, assert_all_released, plain, profiles

APPS = ["kitty", "firefox", "gedit"]
VIRTUAL = ["v1", "v2"]

rule = st.builds(lambda app, title, layers: {"match": {"app_id": app, **({"title": title} if title else {})},
                                             "layers": layers},
                 st.sampled_from(["kitty", "/^(firefox|chromium)$/", "GEDIT"]),
                 st.sampled_from([None, "/notes/", "todo"]),
                 st.lists(st.sampled_from(LAYERS[1:]), min_size=1, max_size=2, unique=True))
with_controls = st.builds(
    lambda p, apps, vks: {**p, "apps": apps, "virtual_keys": dict(zip(VIRTUAL, vks, strict=False))},
    profiles, st.lists(rule, max_size=3), st.lists(plain, max_size=2))
# (kind, index, ms before it): 0 key press/release, 1 focus change, 2 layer op, 3 virtual key
# press/release, 4 only time passes.
steps = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30), st.sampled_from([0, 0, 1, 5, 20, 60, 150, 400])),
                 max_size=40)

Event = tuple[str, Any, float]


def plan(raw: list[tuple[int, int, int]], virtual: dict[str, int], keys: list[str] = KEYS) -> list[Event]:
    """A plausible session: presses of up keys, releases of down ones, and controls in between;
    at the end every key and virtual key still down is released."""
    down: list[int] = []
    now = 0.0
    events: list[Event] = []
    codes = [code_of(k) for k in keys]
    for kind, index, gap in raw:
        now += gap
        if kind in (0, 3):
            code = codes[index % len(codes)] if kind == 0 or not virtual else \
                list(virtual.values())[index % len(virtual)]
            if code in down:
                down.remove(code)
                events.append(("key", (code, 0), now))
            else:
                down.append(code)
                events.append(("key", (code, 1), now))
        elif kind == 1:
            app = (APPS + [None])[index % (len(APPS) + 1)]
            events.append(("control", FocusChange(focus_of(app, ["vim notes", "todo", ""][index % 3])), now))
        elif kind == 2:
            op = OPS[index % len(OPS)]
            events.append(("control", LayerOp(op, None if op == "clear" else LAYERS[index % len(LAYERS)]), now))
    events += [("key", (code, 0), now + 1) for code in down]
    return events


def run(profile: dict[str, Any], events: list[Event], on_time: bool = True) -> Checker:
    checker = Checker(Engine(compile_profile(profile)))
    for kind, what, now in events:
        if kind == "key":
            checker.feed(*what, now, on_time=on_time)
        else:
            if on_time:
                checker.timers(now)
            checker.check(checker.engine.control(what, now))
    checker.timers(float("inf"))
    return checker


def virtual_codes(profile: dict[str, Any]) -> dict[str, int]:
    """The profile's virtual keys; a generated profile is valid (ProfileError otherwise)."""
    return dict(compile_profile(profile).virtual_keys)


@CHECKS
@given(with_controls, steps)
def test_nothing_stuck_nothing_twice(profile: dict[str, Any], raw: list[tuple[int, int, int]]) -> None:
    """Guarantees 1, 2 and 4 with focus changes, layer operations and virtual keys in the input."""
    assert_all_released(run(profile, plan(raw, virtual_codes(profile))))


@CHECKS
@given(with_controls, steps)
def test_order_does_not_depend_on_when_timers_are_polled(profile: dict[str, Any],
                                                         raw: list[tuple[int, int, int]]) -> None:
    """Guarantee 3: controls wait in the queue like keys, so polling late changes nothing."""
    events = plan(raw, virtual_codes(profile))
    assert run(profile, events).log == run(profile, events, on_time=False).log


@CHECKS
@given(profiles, steps)
def test_focus_changes_without_rules_change_nothing(profile: dict[str, Any], raw: list[tuple[int, int, int]]) -> None:
    """A profile without `apps` types the same whatever the focus does."""
    events = [e for e in plan(raw, {}) if not isinstance(e[1], LayerOp)]
    keys_only = [e for e in events if e[0] == "key"]
    assert run(profile, events).log == run(profile, keys_only).log


# "Order kept": each key resolves under the layers its place in the input gives it. Profiles whose
# keys do not change layers themselves, so that the layers at any place follow from the controls
# before it; every (layer, key, tap|hold) has an output of its own, so the output names the layer.
POOL = [f"f{n}" for n in range(13, 25)] + [f"kp{n}" for n in range(10)] + \
    ["kpplus", "kpminus", "kpasterisk", "kpslash", "kpdot", "kpenter", "f11", "f12", "home", "end",
     "pageup", "pagedown", "insert", "delete", "up", "down", "left", "right", "pause", "scrolllock",
     "numlock", "print", "menu", "compose", "mute", "volumeup", "volumedown", "nextsong", "previoussong",
     "playpause", "stopcd", "calc", "mail", "www", "sleep", "wakeup", "back", "forward", "refresh",
     "search", "bookmarks", "homepage", "help", "undo", "redo", "cut", "copy", "paste", "find", "open",
     "props", "front", "again", "stop", "exit", "edit", "scrollup", "scrolldown", "kpleftparen"]
ORDER_KEYS = ["a", "b", "c", "j"]


def out_of(layer: int, key: int, hold: bool) -> str:
    return POOL[(layer * len(ORDER_KEYS) + key) * 2 + hold]


def layer_maps(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    maps: dict[str, dict[str, Any]] = {}
    for li, name in enumerate(LAYERS):
        maps[name] = {}
        for ki, key in enumerate(ORDER_KEYS):
            kind = draw(st.sampled_from(["none", "plain", "taphold"] if li else ["plain", "taphold"]))
            if kind == "plain":
                maps[name][key] = out_of(li, ki, False)
            elif kind == "taphold":
                maps[name][key] = {"tap": out_of(li, ki, False), "hold": out_of(li, ki, True),
                                   "timeout_ms": draw(st.integers(20, 200)),
                                   "mode": draw(st.sampled_from(["timeout", "press", "permissive"]))}
    return maps


@st.composite
def order_profiles(draw: st.DrawFn) -> dict[str, Any]:
    return {"layers": layer_maps(draw), "apps": draw(st.lists(rule, max_size=3))}


def model_layers(profile: dict[str, Any], events: list[Event]) -> list[list[str]]:
    """For each key press in `events`, the active layers top first, from the controls before it."""
    compiled = compile_profile(profile)
    names = compiled.layer_names
    toggled: list[str] = []
    bottom = "base"
    apps: list[str] = []
    seen: list[list[str]] = []
    for kind, what, _ in events:
        if kind == "key":
            if what[1] == 1:
                seen.append(toggled[::-1] + apps + [bottom])
        elif isinstance(what, FocusChange):
            apps = [names[i] for i in reversed(app_layers(compiled.apps, what.focus))]
        elif what.op == "clear":
            toggled, bottom = [], "base"
        elif what.op == "switch":
            bottom = what.layer
        elif what.layer != "base":
            on = what.layer in toggled
            if what.op == "on" or (what.op == "toggle" and not on):
                toggled += [] if on else [what.layer]
            elif on:
                toggled.remove(what.layer)
    return seen


# mostly keys, and controls among them while tap-holds are undecided
order_steps = st.lists(st.tuples(st.sampled_from([0, 0, 0, 1, 2, 2]), st.integers(0, 30),
                                 st.sampled_from([0, 0, 1, 5, 20, 60])), max_size=40)


@CHECKS
@given(order_profiles(), order_steps)
def test_each_key_resolves_under_the_layers_of_its_place(profile: dict[str, Any],
                                                         raw: list[tuple[int, int, int]]) -> None:
    """A control behind an undecided tap-hold waits: that key resolves under the old layers, and
    every key after the control under the new ones."""
    keys = [code_of(k) for k in ORDER_KEYS]
    events = plan(raw, {}, ORDER_KEYS)
    log = run(profile, events).log
    by_code: dict[int, tuple[str | None, int]] = {
        code_of(out_of(li, ki, h)): (LAYERS[li], ki) for li in range(len(LAYERS))
        for ki in range(len(ORDER_KEYS)) for h in (False, True)}
    by_code.update({code: (None, ki) for ki, code in enumerate(keys)})  # unmapped where it was typed
    resolved: dict[int, list[str | None]] = {ki: [] for ki in range(len(ORDER_KEYS))}
    for code, value in log:
        if value == 1:
            layer, ki = by_code[code]
            resolved[ki].append(layer)
    expected: dict[int, list[str | None]] = {ki: [] for ki in range(len(ORDER_KEYS))}
    presses = [keys.index(e[1][0]) for e in events if e[0] == "key" and e[1][1] == 1]
    for ki, layers in zip(presses, model_layers(profile, events), strict=True):
        expected[ki].append(next((name for name in layers if ORDER_KEYS[ki] in profile["layers"][name]), None))
    assert resolved == expected

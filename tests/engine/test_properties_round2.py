"""The guarantees of PROFILES.md over random profiles that mix the round-2 layer actions.

Layers holding modifiers (and lifting them), the modifier guard, swap, clear, composite layers,
one-shot layers with mods and keys, macros on layer actions, repeat_last, wheel keys, combos
with hold_ms, and caps word and tap dances among them.
Guarantee 2's one exception: modifiers held by a toggled activation stay down once every key is
up, until the toggle ends or `clear`; so every run ends with a tap of a `clear` key.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hw.engine import Engine, code_of, validate_profile
from hw.engine.layers import TOGGLED
from hw.engine.pointer import REL_BASE

from .test_properties import CHECKS, KEYS, chord, key_out, layer, macro_item, physical, raw_events, run, switched

CHECKS2 = settings(CHECKS, max_examples=250)
CLEAR = "f12"
MODS = st.sampled_from(["ctrl", "shift", "alt", "meta", "rightalt", "ctrl+alt", "leftmeta+shift"])
macro = st.lists(macro_item, min_size=1, max_size=3)


def with_extras(base: dict[str, Any], mods: str | None, steps: list[Any] | None) -> dict[str, Any]:
    return {**base, **({"mods": mods} if mods else {}), **({"macro": steps} if steps else {})}


maybe_mods, maybe_macro = st.one_of(st.none(), MODS), st.one_of(st.none(), macro)
# a wheel step with no repeat: key-emitting, and no timer (timed motion is polled by the loop)
wheel = st.builds(lambda d: {"wheel": d, "repeat_ms": 0}, st.sampled_from(["up", "down", "left"]))
round2 = st.one_of(
    key_out, chord, st.none(),
    st.builds(lambda n, m, s: with_extras({"layer": n}, m, s), layer, maybe_mods, maybe_macro),
    st.builds(lambda n, m, s: with_extras({"toggle": n}, m, s), layer, maybe_mods, maybe_macro),
    st.builds(lambda n, s: with_extras({"switch": n}, None, s), layer, maybe_macro),
    st.builds(lambda s: with_extras({"clear": True}, None, s), maybe_macro),
    st.just({"repeat_last": True}),
    st.builds(lambda k: {"oneshot": k}, key_out),
    st.builds(lambda n, m, k: {"oneshot": {"layer": n, **({"mods": m} if m else {}), **({"key": k} if k else {})}},
              layer, maybe_mods, st.one_of(st.none(), key_out, chord)),
    st.builds(lambda s: {"macro": s}, macro),
    wheel,
)
swap = st.builds(lambda n, m, s: with_extras({"swap": n}, m, s), st.sampled_from(["nav", "sym"]),
                 maybe_mods, maybe_macro)
in_layer = st.one_of(round2, swap)


def tap_hold(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(lambda t, h, ms, mode: {"tap": t, "hold": h, "timeout_ms": ms, "mode": mode},
                     inner, inner, st.integers(20, 300), st.sampled_from(["timeout", "press", "permissive"]))


# the tap family beside the layer family: caps word, tap dances whose choices are keys or layers
# holding modifiers (the profile then takes the engine's slow path)
dance_element = st.one_of(key_out, chord, st.builds(lambda n, m: {"layer": n, "mods": m}, layer, MODS))
tap_family = st.one_of(
    st.just({"caps_word": {}}),
    st.builds(lambda els, eager: {"tap_dance": els, "timeout_ms": 60, "eager": eager},
              st.lists(dance_element, min_size=2, max_size=3), st.booleans()))


def layer_map(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(KEYS), st.one_of(inner, tap_hold(inner), tap_family), max_size=6).map(
        lambda m: {**m, CLEAR: {"clear": True}})


combo = st.builds(lambda keys, act, ms, hold: {"keys": keys, "action": act, "timeout_ms": ms, "hold_ms": hold},
                  st.lists(st.sampled_from(KEYS), min_size=2, max_size=3, unique=True), round2,
                  st.integers(10, 80), st.sampled_from([0, 0, 30, 120]))
# Space always holds nav with modifiers and nav's j types, and most inputs start with space down,
# so that keys resolved through a layer that holds modifiers (and released in any order with its
# key) come up often.
emits = st.one_of(key_out, chord, st.builds(lambda s: {"macro": s}, macro), st.just({"repeat_last": True}), wheel)
profiles = st.builds(
    lambda base, space, nav, j, sym, both, combos, guard: {
        "settings": {"oneshot_ms": 300, "modifier_guard": guard},
        "layers": {"base": {**base, "space": space}, "nav": {**nav, "j": j}, "sym": sym, "nav+sym": both},
        "combos": combos},
    layer_map(round2), st.builds(lambda m: {"layer": "nav", "mods": m}, MODS),
    layer_map(in_layer), emits, layer_map(in_layer), layer_map(in_layer),
    st.lists(combo, max_size=2), st.sampled_from(["leftctrl", "rightctrl", None]))
SPACE, J = KEYS.index("space"), KEYS.index("j")
inputs = st.builds(lambda lead, raw: [(0, SPACE, 0), (0, J, 5)][:lead] + raw, st.integers(0, 2), raw_events)


def toggled_mods(engine: Engine) -> set[int]:
    """What guarantee 2's exception allows down once every key is up."""
    return {c for a in engine.active.stack if a.kind == TOGGLED for c in a.mods}


@CHECKS2
@given(profiles, inputs)
def test_nothing_stuck_and_nothing_twice(profile: dict[str, Any], raw: list[tuple[int, int, int]]) -> None:
    """Guarantees 1-3 with the toggled-mods exception, which a `clear` ends; the order is fixed by
    the input and its times, not by when timers are polled."""
    assert validate_profile(profile) == {}
    events = physical(raw)
    checker = run(profile, events)
    assert checker.log == run(profile, events, on_time=False).log
    assert checker.held <= toggled_mods(checker.engine)
    end = events[-1][2] + 1000 if events else 0.0
    clear = code_of(CLEAR)
    checker.feed(clear, 1, end)
    checker.feed(clear, 0, end)
    checker.timers(float("inf"))
    assert checker.held == set() and checker.engine.held() == frozenset()
    presses = [c for c, v in checker.log if v == 1 and c < REL_BASE]
    releases = [c for c, v in checker.log if v == 0 and c < REL_BASE]
    assert sorted(presses) == sorted(releases)


@CHECKS2
@given(profiles, profiles, inputs, st.integers(0, 40))
def test_switching_profiles_releases_everything(old: dict[str, Any], new: dict[str, Any],
                                                raw: list[tuple[int, int, int]], at: int) -> None:
    """Guarantee 4, toggled modifiers included."""
    checker = switched(old, new, physical(raw), at)
    assert checker.held <= toggled_mods(checker.engine)

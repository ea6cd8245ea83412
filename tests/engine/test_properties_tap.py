"""The guarantees of PROFILES.md over random profiles that mix round 2's tap family: tap-holds with
mode alone, on_timeout, prior idle, the hand rule, quick tap and nesting; tap dances (eager or not);
caps word; leader sequences."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hw.engine import validate_profile

from .test_properties import (
    CHECKS,
    KEYS,
    a_repeat_starts_nothing,
    plain,
    polling_does_not_matter,
    raw_events,
    released_and_nothing_left_down,
    switching_releases_everything,
)

HANDS = {"left": ["a", "b", "c", "capslock", "leftshift", "f1"], "right": ["j", "k", "space", "f2"]}


def tap_hold_of(inner: st.SearchStrategy[Any], outer: bool) -> st.SearchStrategy[dict[str, Any]]:
    def build(t: Any, h: Any, ms: int, mode: str, late: bool, idle: int, quick: int, hand: bool) -> dict[str, Any]:
        act: dict[str, Any] = {"tap": t, "hold": h, "timeout_ms": ms, "mode": mode}
        if late and mode in ("press", "permissive"):
            act["on_timeout"] = "tap"
        if hand:
            act["hand_rule"] = True
        if outer:
            act.update(require_prior_idle_ms=idle, quick_tap_ms=quick)
        return act
    return st.builds(build, inner, inner, st.integers(20, 300),
                     st.sampled_from(["timeout", "press", "permissive", "alone"]), st.booleans(),
                     st.sampled_from([0, 0, 100, 200]), st.sampled_from([0, 0, 100, 200]), st.booleans())


leaf = st.one_of(plain, st.just({"caps_word": {}}), st.just({"caps_word": {"toggle": True, "timeout_ms": 300}}),
                 st.just({"leader": {"timeout_ms": 200}}))
inner_tap_hold = tap_hold_of(leaf, outer=False)
nested = st.one_of(leaf, inner_tap_hold, tap_hold_of(st.one_of(leaf, inner_tap_hold), outer=False))
tap_hold = tap_hold_of(nested, outer=True)
dance = st.one_of(
    st.builds(lambda items, ms: {"tap_dance": items, "timeout_ms": ms},
              st.lists(st.one_of(leaf, inner_tap_hold), min_size=2, max_size=4), st.integers(20, 300)),
    st.builds(lambda items, ms: {"tap_dance": items, "timeout_ms": ms, "eager": True},
              st.lists(leaf, min_size=2, max_size=4), st.integers(20, 300)))
action = st.one_of(leaf, tap_hold, tap_hold, dance)
layer_map = st.dictionaries(st.sampled_from(KEYS), action, max_size=6)
sequence = st.builds(lambda keys, act: {"keys": keys, "action": act},
                     st.lists(st.sampled_from(KEYS), min_size=2, max_size=2, unique=True),
                     plain.filter(lambda a: not (isinstance(a, dict) and "layer" in a)))
profiles = st.builds(
    lambda base, nav, sym, seqs, idle, quick: {
        "hands": HANDS, "settings": {"require_prior_idle_ms": idle, "quick_tap_ms": quick, "oneshot_ms": 300},
        "sequences": list({tuple(s["keys"]): s for s in seqs}.values()),
        "layers": {"base": base, "nav": nav, "sym": sym}},
    layer_map, layer_map, layer_map, st.lists(sequence, min_size=1, max_size=3),
    st.sampled_from([0, 150]), st.sampled_from([0, 150]))


@CHECKS
@given(profiles)
def test_generated_profiles_are_valid(profile: dict[str, Any]) -> None:
    assert validate_profile(profile) == {}


# The round-1 properties, over these profiles (the checker also checks guarantee 5 on each repeat).
test_every_press_released_and_nothing_left_down = CHECKS(given(profiles, raw_events)(released_and_nothing_left_down))
test_output_does_not_depend_on_when_timers_are_polled = CHECKS(given(profiles, raw_events)(polling_does_not_matter))
test_switching_profiles_releases_everything = CHECKS(
    given(profiles, profiles, raw_events, st.integers(0, 40))(switching_releases_everything))
test_a_repeat_never_starts_anything = CHECKS(given(profiles, st.sampled_from(KEYS), st.integers(0, 1000))(
    a_repeat_starts_nothing))

"""The guarantees of PROFILES.md over random profiles that mix round 2's tap family: tap-holds with
mode alone, on_timeout, prior idle, the hand rule, quick tap and nesting; tap dances (eager or not);
caps word; leader sequences."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hw.engine import Engine, code_of, compile_profile, validate_profile

from .test_properties import CHECKS, KEYS, Checker, physical, plain, raw_events, run

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


@CHECKS
@given(profiles, raw_events)
def test_every_press_released_and_nothing_left_down(profile: dict[str, Any],
                                                   raw: list[tuple[int, int, int]]) -> None:
    """Guarantees 1, 2, 3 (nothing twice) and 5 (checked on each repeat by the checker)."""
    checker = run(profile, physical(raw))
    assert checker.held == set() and checker.engine.held() == frozenset()
    presses = [c for c, v in checker.log if v == 1]
    assert sorted(presses) == sorted(c for c, v in checker.log if v == 0)


@CHECKS
@given(profiles, raw_events)
def test_output_does_not_depend_on_when_timers_are_polled(profile: dict[str, Any],
                                                          raw: list[tuple[int, int, int]]) -> None:
    """Guarantee 3: the order is fixed by the input and its times, not by polling."""
    events = physical(raw)
    assert run(profile, events).log == run(profile, events, on_time=False).log


@CHECKS
@given(profiles, profiles, raw_events, st.integers(0, 40))
def test_switching_profiles_releases_everything(old: dict[str, Any], new: dict[str, Any],
                                                raw: list[tuple[int, int, int]], at: int) -> None:
    """Guarantee 4, with caps word, dances and leaders in flight."""
    checker = Checker(Engine(compile_profile(old)))
    for i, (code, value, now) in enumerate(physical(raw)):
        if i == at:
            checker.timers(now)
            checker.check(checker.engine.set_profile(compile_profile(new), now))
            assert checker.held == set() and checker.engine.next_deadline() is None
        checker.feed(code, value, now)
    checker.timers(float("inf"))
    assert checker.held == set()


@CHECKS
@given(profiles, st.sampled_from(KEYS), st.integers(0, 1000))
def test_a_repeat_never_starts_anything(profile: dict[str, Any], key: str, now: int) -> None:
    """Guarantee 5: a repeat starts no tap dance and no leader reading."""
    engine = Engine(compile_profile(profile))
    assert engine.feed(code_of(key), 2, now) == []
    assert engine.next_deadline() is None and engine.held() == frozenset()

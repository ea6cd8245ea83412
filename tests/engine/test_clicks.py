"""A mouse click settles a keyboard's tap-hold and one-shots like another key (peers-2 §4.3)."""

from hw.engine import Engine, code_of, compile_profile
from hw.engine.clicks import click_done, click_down

PROFILE = compile_profile({"layers": {"base": {
    "f": {"tap": "f", "hold": "leftshift"}, "t": {"tap": "t", "hold": "leftctrl", "mode": "timeout"},
    "f1": {"oneshot": "leftshift"}}}})
F, T, F1, SHIFT, CTRL = (code_of(k) for k in ("f", "t", "f1", "leftshift", "leftctrl"))


def test_a_click_makes_a_held_home_row_key_its_hold_at_once() -> None:
    e = Engine(PROFILE)
    assert e.feed(F, 1, 0) == []
    assert click_down(e, 30) == [(SHIFT, 1)]
    assert e.feed(F, 0, 60) == [(SHIFT, 0)]


def test_a_click_does_not_decide_timeout_mode() -> None:
    e = Engine(PROFILE)
    e.feed(T, 1, 0)
    assert click_down(e, 30) == []
    assert e.feed(T, 0, 60) == [(T, 1), (T, 0)]


def test_input_behind_the_tap_hold_replays_after_the_hold() -> None:
    e = Engine(PROFILE)
    e.feed(F, 1, 0)
    e.feed(code_of("j"), 1, 10)
    assert click_down(e, 20) == [(SHIFT, 1), (code_of("j"), 1)]


def test_an_armed_one_shot_shifts_the_click_and_then_ends() -> None:
    e = Engine(PROFILE)
    assert e.feed(F1, 1, 0) + e.feed(F1, 0, 10) == [(SHIFT, 1)]
    assert click_down(e, 20) == []
    assert click_done(e, 20) == [(SHIFT, 0)]


def test_nothing_pending_nothing_happens() -> None:
    e = Engine(PROFILE)
    assert click_down(e, 0) == [] and click_done(e, 0) == []


def test_a_hold_decided_by_a_click_lifts_the_mods_of_the_layer_it_was_found_in() -> None:
    e = Engine(compile_profile({"layers": {
        "base": {"capslock": {"layer": "nav", "mods": "ctrl"}},
        "nav": {"f": {"tap": "f", "hold": "leftshift"}}}}))
    capslock = code_of("capslock")
    assert e.feed(capslock, 1, 0) == [(CTRL, 1)]
    e.feed(F, 1, 10)
    assert click_down(e, 30) == [(CTRL, 0), (SHIFT, 1)]
    assert e.feed(F, 0, 60) == [(SHIFT, 0), (CTRL, 1)]

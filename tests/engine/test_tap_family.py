"""Round 2's tap family (PROFILES.md §7-§10): validation by dotted path, and what the engine
offers the rest of the language (ending caps word from outside)."""

from __future__ import annotations

from typing import Any

import pytest

from hw.engine import Engine, code_of, compile_profile, validate_profile
from hw.engine.capsword import end_caps_word

HANDS = {"left": ["f", "d", "r"], "right": ["j", "k"]}


def base(**layer: Any) -> dict[str, Any]:
    return {"layers": {"base": layer}}


def th(**extra: Any) -> dict[str, Any]:
    return {"tap": "f", "hold": "leftshift", **extra}


@pytest.mark.parametrize("profile, errors", [
    (base(f=th(mode="alone", on_timeout="tap")),
     {"layers.base.f.on_timeout": ["'tap' needs mode press or permissive: with mode alone the key could "
                                   "never be held"]}),
    (base(f=th(mode="timeout", on_timeout="tap")),
     {"layers.base.f.on_timeout": ["'tap' needs mode press or permissive: with mode timeout the key "
                                   "could never be held"]}),
    (base(f=th(on_timeout="later")), {"layers.base.f.on_timeout": ["must be hold or tap"]}),
    (base(f=th(require_prior_idle_ms=5000)),
     {"layers.base.f.require_prior_idle_ms": ["must be an integer from 0 to 1000"]}),
    ({"settings": {"require_prior_idle_ms": 5000}, **base()},
     {"settings.require_prior_idle_ms": ["must be an integer from 0 to 1000"]}),
    ({"settings": {"quick_tap_ms": -1, "tap_dance_ms": 0, "caps_word_ms": 99, "sequence_ms": 10_001},
      **base()},
     {"settings.quick_tap_ms": ["must be an integer from 0 to 1000"],
      "settings.tap_dance_ms": ["must be an integer from 1 to 5000"],
      "settings.caps_word_ms": ["must be an integer from 100 to 60000"],
      "settings.sequence_ms": ["must be an integer from 1 to 10000"]}),
    (base(f=th(hold=th(quick_tap_ms=100))),
     {"layers.base.f.hold.quick_tap_ms": ["only on the outermost tap-hold (not inside a tap-hold or a tap dance)"]}),
    (base(f={"tap_dance": [th(require_prior_idle_ms=100), "a"]}),
     {"layers.base.f.tap_dance.0.require_prior_idle_ms":
      ["only on the outermost tap-hold (not inside a tap-hold or a tap dance)"]}),
    (base(f=th(hand_rule=True)),
     {"layers.base.f.hand_rule": ['needs the profile\'s hands ({"left": [...], "right": [...]})']}),
    ({"hands": HANDS, **base(a=th(hand_rule=True))}, {"layers.base.a.hand_rule": ["key 'a' is in neither hand"]}),
    ({"hands": HANDS, **base(f=th(hand_rule="yes"))}, {"layers.base.f.hand_rule": ["must be true or false"]}),
    ({"hands": {"left": ["f"], "right": ["f"]}, **base()}, {"hands.right.0": ["key 'f' is in both hands"]}),
    ({"hands": {"left": ["capslok"]}, **base()},
     {"hands.left.0": ["unknown key 'capslok' (did you mean 'capslock'?)"]}),
    ({"hands": {"left": [], "middle": []}, **base()}, {"hands.middle": ["unknown field"]}),
    (base(f=th(quick_tap=100)), {"layers.base.f.quick_tap": ["unknown field (did you mean 'quick_tap_ms'?)"]}),
    (base(f={"tap_dance": ["a"]}), {"layers.base.f.tap_dance": ["must be a list of 2 to 8 actions"]}),
    (base(f={"tap_dance": ["a"] * 9}), {"layers.base.f.tap_dance": ["must be a list of 2 to 8 actions"]}),
    (base(f={"tap_dance": ["a", {"tap_dance": ["b", "c"]}]}),
     {"layers.base.f.tap_dance.1": ["a tap dance cannot be inside a tap dance"]}),
    (base(f=th(tap={"tap_dance": ["b", "c"]})),
     {"layers.base.f.tap": ["a tap dance is not allowed in a combo, a tap-hold or a sequence"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": {"tap_dance": ["a", "b"]}}]},
     {"combos.0.action": ["a tap dance is not allowed in a combo, a tap-hold or a sequence"]}),
    (base(f={"tap_dance": [th(), "a"], "eager": True}),
     {"layers.base.f.tap_dance.0": ["a tap-hold is not allowed in an eager tap dance"]}),
    (base(f={"tap_dance": ["a", "b"], "eager": 1, "timeout_ms": 0}),
     {"layers.base.f.eager": ["must be true or false"],
      "layers.base.f.timeout_ms": ["must be an integer from 1 to 5000"]}),
    (base(f={"tap_dance": ["a", "b"], "eagre": True}),
     {"layers.base.f.eagre": ["unknown field (did you mean 'eager'?)"]}),
    (base(f={"caps_word": {"shifted": ["a"], "continue": ["a"]}}),
     {"layers.base.f.caps_word.continue.0": ["key 'a' is in both shifted and continue"]}),
    (base(f={"caps_word": {"shifted": ["minsu"], "timeout_ms": 50, "toggle": 1}}),
     {"layers.base.f.caps_word.shifted.0": ["unknown key 'minsu' (did you mean 'minus'?)"],
      "layers.base.f.caps_word.timeout_ms": ["must be an integer from 100 to 60000"],
      "layers.base.f.caps_word.toggle": ["must be true or false"]}),
    (base(f={"caps_word": True}), {"layers.base.f.caps_word": ["must be an object ({} for the defaults)"]}),
    (base(f={"leader": {}}), {"layers.base.f.leader": ["the profile has no sequences to read"]}),
    ({"sequences": [{"keys": ["a"], "action": "b"}], "layers": {"base": {}},
      "combos": [{"keys": ["j", "k"], "action": {"leader": {}}}]},
     {"combos.0.action": ["a leader is not allowed in a combo or a sequence"]}),
    ({"sequences": [{"keys": ["g"], "action": "x"}, {"keys": ["g", "s"], "action": "y"}], **base()},
     {"sequences.0.keys": ["is a prefix of (or equal to) sequence 1: sequences may not be prefixes of each other"]}),
    ({"sequences": [{"keys": ["a"], "action": {"layer": "base"}}, {"keys": ["b"], "action": th()},
                    {"keys": ["c"], "action": {"tap_dance": ["a", "b"]}},
                    {"keys": ["d"], "action": {"leader": {}}}, {"keys": [], "action": "x"},
                    {"keys": ["kk"], "acton": "x"}], **base()},
     {"sequences.0.action": ["a sequence's action is tapped: it cannot be a layer"],
      "sequences.1.action": ["a tap-hold is not allowed here"],
      "sequences.2.action": ["a tap dance is not allowed in a combo, a tap-hold or a sequence"],
      "sequences.3.action": ["a leader is not allowed in a combo or a sequence"],
      "sequences.4.keys": ["must be a list of 1 to 16 keys"],
      "sequences.5.acton": ["unknown field (did you mean 'action'?)"],
      "sequences.5.keys.0": ["unknown key 'kk'"], "sequences.5.action": ["required"]}),
])
def test_errors_by_path(profile: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert validate_profile(profile) == errors


def test_what_is_valid() -> None:
    nested = th(tap=th(hold=th(), mode="alone"), hold=th(mode="press", on_timeout="tap"))
    profile = {"hands": HANDS, "settings": {"quick_tap_ms": 120, "require_prior_idle_ms": 150},
               "sequences": [{"keys": ["g", "s"], "action": {"macro": [{"text": "git status"}]}},
                             {"keys": ["c"], "action": {"caps_word": {"toggle": True}}}],
               **base(f=th(hand_rule=True, require_prior_idle_ms=0), d=nested,
                      f1={"tap_dance": [th(), "a", {"leader": {"timeout_ms": 500}}], "timeout_ms": 150},
                      f2={"tap_dance": ["a", "b"], "eager": True}, capslock={"caps_word": {"continue": ["1"]}})}
    assert validate_profile(profile) == {}
    compiled = compile_profile(profile)
    assert compiled.track and compiled.sequences[(code_of("c"),)] is not None
    assert compiled.prefixes == frozenset({(code_of("g"),)})


def test_end_caps_word_turns_it_off_for_clear() -> None:
    engine = Engine(compile_profile(base(capslock={"caps_word": {}})))
    a, caps = code_of("a"), code_of("capslock")
    engine.feed(caps, 1, 0)
    engine.feed(caps, 0, 0)
    assert engine.feed(a, 1, 10) == [(code_of("leftshift"), 1), (a, 1), (code_of("leftshift"), 0)]
    engine.feed(a, 0, 10)
    end_caps_word(engine)
    assert engine.feed(a, 1, 20) == [(a, 1)]
    assert not engine.slow



SLEEPY = {"settings": {"quick_tap_ms": 200}, "layers": {
    "base": {"capslock": {"caps_word": {}}, "f": th(), "f1": {"tap_dance": ["a", "b"], "eager": True},
             "f2": {"toggle": "nav"}},
    "nav": {}}}


def test_cancel_after_sleep_ends_caps_word_and_forgets_a_tap_but_keeps_a_toggle() -> None:
    engine = Engine(compile_profile(SLEEPY))
    b, f, f2, caps, shift = (code_of(k) for k in ("b", "f", "f2", "capslock", "leftshift"))
    for code, t in ((caps, 0), (f2, 0), (f, 10)):
        engine.feed(code, 1, t)
        engine.feed(code, 0, t)
    assert engine.cancel(20) == []
    assert engine.layers() == ["base", "nav"]
    assert engine.feed(f, 1, 30) == []  # no quick tap: the tap before the sleep is forgotten
    assert engine.feed(f, 0, 40) == [(f, 1), (f, 0)]  # and caps word is off
    assert engine.feed(b, 1, 50) + engine.feed(b, 0, 50) == [(b, 1), (b, 0)]
    assert shift not in engine.held()


def test_cancel_after_sleep_starts_an_eager_dance_again() -> None:
    engine = Engine(compile_profile(SLEEPY))
    a, f1 = code_of("a"), code_of("f1")
    assert engine.feed(f1, 1, 0) + engine.feed(f1, 0, 5) == [(a, 1), (a, 0)]
    engine.cancel(10)
    assert engine.feed(f1, 1, 20) == [(a, 1)]

"""The five guarantees of PROFILES.md as properties over random profiles and input."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hw.engine import Engine, code_of, compile_profile, validate_profile
from hw.engine.pointer import REL_BASE

KEYS = ["a", "b", "c", "j", "k", "space", "capslock", "leftshift", "f1", "f2"]
OUT_KEYS = ["x", "y", "z", "esc", "leftctrl", "leftshift", "a", "j"]
LAYERS = ["base", "nav", "sym"]
CHECKS = settings(max_examples=400, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

key_out = st.sampled_from(OUT_KEYS)
chord = st.lists(key_out, min_size=2, max_size=3, unique=True).map("+".join)
layer = st.sampled_from(LAYERS)
macro_item = st.one_of(key_out, chord, st.builds(lambda ms: {"delay_ms": ms}, st.integers(0, 60)),
                       st.builds(lambda s: {"text": s}, st.text("aB1!. ", min_size=1, max_size=4)))
plain = st.one_of(
    key_out, chord, st.none(),
    st.builds(lambda k, r: {"key": k, "repeat": r}, key_out, st.booleans()),
    st.builds(lambda n: {"layer": n}, layer), st.builds(lambda n: {"toggle": n}, layer),
    st.builds(lambda n: {"switch": n}, layer),
    st.builds(lambda k: {"oneshot": k}, key_out), st.builds(lambda n: {"oneshot": {"layer": n}}, layer),
    st.builds(lambda items: {"macro": items}, st.lists(macro_item, min_size=1, max_size=4)),
)
tap_hold = st.builds(lambda t, h, ms, mode: {"tap": t, "hold": h, "timeout_ms": ms, "mode": mode},
                     plain, plain, st.integers(20, 300),
                     st.sampled_from(["timeout", "press", "permissive"]))
action = st.one_of(plain, tap_hold, tap_hold)
layer_map = st.dictionaries(st.sampled_from(KEYS), action, max_size=6)
combo = st.builds(lambda keys, act, ms, lay: {"keys": keys, "action": act, "timeout_ms": ms,
                                               **({"layers": lay} if lay else {})},
                  st.lists(st.sampled_from(KEYS), min_size=2, max_size=3, unique=True), plain,
                  st.integers(10, 80), st.one_of(st.none(), st.lists(layer, min_size=1, max_size=2)))
profiles = st.builds(
    lambda base, nav, sym, combos, oneshot: {
        "settings": {"oneshot_ms": oneshot},
        "layers": {"base": base, "nav": nav, "sym": sym}, "combos": combos},
    layer_map, layer_map, layer_map, st.lists(combo, max_size=2), st.integers(50, 500))
# (what, key index, ms before it): what 0 press/release toggle, 1 repeat, 2 only time passes.
raw_events = st.lists(st.tuples(st.integers(0, 2), st.integers(0, len(KEYS) - 1),
                                st.sampled_from([0, 0, 1, 5, 20, 60, 150, 400])),
                      max_size=40)


def physical(raw: list[tuple[int, int, int]]) -> list[tuple[int, int, float]]:
    """A plausible keyboard's events: presses of up keys, releases and repeats of down keys."""
    down: list[int] = []
    now = 0.0
    events: list[tuple[int, int, float]] = []
    for what, index, gap in raw:
        now += gap
        code = code_of(KEYS[index])
        if what == 0:
            if code in down:
                down.remove(code)
                events.append((code, 0, now))
            else:
                down.append(code)
                events.append((code, 1, now))
        elif what == 1 and code in down:
            events.append((code, 2, now))
    events += [(code, 0, now + 1) for code in down]
    return events


class Checker:
    """Feeds an engine on time, checks every output against the set of held outputs."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.held, self.log = engine, set[int](), list[tuple[int, int]]()

    def check(self, out: list[tuple[int, int]]) -> None:
        for code, value in out:
            if code >= REL_BASE:  # wheel or pointer motion, not a key
                continue
            if value == 1:
                assert code not in self.held, f"{code} pressed twice"
                self.held.add(code)
            elif value == 0:
                assert code in self.held, f"{code} released while up"
                self.held.discard(code)
            else:
                assert value == 2 and code in self.held, f"repeat of {code} while up"
        assert self.held == self.engine.held()
        self.log += out

    def timers(self, until: float) -> None:
        for _ in range(10_000):
            deadline = self.engine.next_deadline()
            if deadline is None or deadline > until:
                return
            self.check(self.engine.advance(deadline))
        raise AssertionError("timers never settle")

    def feed(self, code: int, value: int, now: float, *, on_time: bool = True) -> None:
        if on_time:
            self.timers(now)
        before = self.engine.next_deadline()
        out = self.engine.feed(code, value, now)
        self.check(out)
        if value == 2 and on_time:  # guarantee 5: a repeat only repeats, starts no wait
            assert all(v == 2 for _, v in out)
            assert self.engine.next_deadline() == before


def run(profile: dict[str, Any] | None, events: list[tuple[int, int, float]],
        on_time: bool = True) -> Checker:
    checker = Checker(Engine(compile_profile(profile) if profile is not None else None))
    for code, value, now in events:
        checker.feed(code, value, now, on_time=on_time)
    checker.timers(float("inf"))
    return checker


def assert_all_released(checker: Checker) -> None:
    """Nothing is left down, and every output press had its release."""
    assert checker.held == set() and checker.engine.held() == frozenset()
    presses = [c for c, v in checker.log if v == 1]
    releases = [c for c, v in checker.log if v == 0]
    assert sorted(presses) == sorted(releases)


@CHECKS
@given(profiles)
def test_generated_profiles_are_valid(profile: dict[str, Any]) -> None:
    assert validate_profile(profile) == {}


def released_and_nothing_left_down(profile: dict[str, Any], raw: list[tuple[int, int, int]]) -> None:
    """Guarantees 1, 2 and the "nothing twice" half of 3."""
    assert_all_released(run(profile, physical(raw)))


def polling_does_not_matter(profile: dict[str, Any], raw: list[tuple[int, int, int]]) -> None:
    """Guarantee 3: the order is fixed by the input and its times, not by polling."""
    events = physical(raw)
    assert run(profile, events).log == run(profile, events, on_time=False).log


def switching_releases_everything(old: dict[str, Any], new: dict[str, Any], raw: list[tuple[int, int, int]],
                                  at: int) -> None:
    """Guarantee 4: a switch with keys held leaves nothing down, before or after."""
    checker = switched(old, new, physical(raw), at)
    assert checker.held == set()


def switched(old: dict[str, Any], new: dict[str, Any], events: list[tuple[int, int, float]], at: int) -> Checker:
    """Run `events` on `old`, switching to `new` before event `at`: nothing is down right after."""
    checker = Checker(Engine(compile_profile(old)))
    for i, (code, value, now) in enumerate(events):
        if i == at:
            checker.timers(now)
            checker.check(checker.engine.set_profile(compile_profile(new), now))
            assert checker.held == set()
            assert checker.engine.next_deadline() is None
        checker.feed(code, value, now)
    checker.timers(float("inf"))
    return checker


def a_repeat_starts_nothing(profile: dict[str, Any], key: str, now: int) -> None:
    """Guarantee 5: a repeat of a key that is not down does nothing at all."""
    engine = Engine(compile_profile(profile))
    assert engine.feed(code_of(key), 2, now) == []
    assert engine.next_deadline() is None and engine.held() == frozenset()


@CHECKS
@given(profiles, raw_events)
def test_every_press_released_and_nothing_left_down(profile: dict[str, Any],
                                                   raw: list[tuple[int, int, int]]) -> None:
    """Guarantees 1, 2 and the "nothing twice" half of 3."""
    released_and_nothing_left_down(profile, raw)


@CHECKS
@given(profiles, raw_events)
def test_output_does_not_depend_on_when_timers_are_polled(profile: dict[str, Any],
                                                          raw: list[tuple[int, int, int]]) -> None:
    """Guarantee 3: the order is fixed by the input and its times, not by polling."""
    polling_does_not_matter(profile, raw)


@CHECKS
@given(profiles, profiles, raw_events, st.integers(0, 40))
def test_switching_profiles_releases_everything(old: dict[str, Any], new: dict[str, Any],
                                                raw: list[tuple[int, int, int]], at: int) -> None:
    """Guarantee 4: a switch with keys held leaves nothing down, before or after."""
    switching_releases_everything(old, new, raw, at)


@CHECKS
@given(raw_events)
def test_pass_through_is_the_identity(raw: list[tuple[int, int, int]]) -> None:
    events = physical(raw)
    assert run(None, events).log == [(c, v) for c, v, _ in events]


@CHECKS
@given(profiles, st.sampled_from(KEYS), st.integers(0, 1000))
def test_a_repeat_never_starts_anything(profile: dict[str, Any], key: str, now: int) -> None:
    """Guarantee 5: a repeat of a key that is not down does nothing at all."""
    a_repeat_starts_nothing(profile, key, now)

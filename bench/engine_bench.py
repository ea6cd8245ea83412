"""Engine throughput and per-event latency for typical profiles (run: python bench/engine_bench.py)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hw.engine import Engine, code_of, compile_profile

Events = list[tuple[int, int, float]]
LETTERS = "qwertyuiopasdfghjklzxcvbnm"


def typing(keys: str, n: int, step_ms: float = 30.0, overlap: bool = False) -> Events:
    """n press/release events typing `keys` round-robin; `overlap` rolls each into the next."""
    events: Events = []
    now = 0.0
    codes = [code_of(k) for k in keys]
    i = 0
    while len(events) < n:
        a, b = codes[i % len(codes)], codes[(i + 1) % len(codes)]
        if overlap and a != b:
            events += [(a, 1, now), (b, 1, now + step_ms), (a, 0, now + 2 * step_ms),
                       (b, 0, now + 3 * step_ms)]
            now += 4 * step_ms
            i += 2
        else:
            events += [(a, 1, now), (a, 0, now + step_ms)]
            now += 2 * step_ms
            i += 1
    return events[:n]


def simple() -> tuple[dict[str, object], Events]:
    """A Colemak-ish letter remap plus caps as esc."""
    remap = dict(zip(LETTERS, "qwfpgjluyoarstdhneizxcvbkm", strict=True))
    return {"layers": {"base": {**remap, "capslock": "esc"}}}, typing(LETTERS, 200_000)


def layers() -> tuple[dict[str, object], Events]:
    """Typing in a nav layer held by space (the stack is not empty)."""
    profile = {"layers": {"base": {"space": {"layer": "nav"}},
                          "nav": {"h": "left", "j": "down", "k": "up", "l": "right"}}}
    events = [(code_of("space"), 1, 0.0)] + typing("hjklasd", 200_000)
    return profile, events


def modifier_layer() -> tuple[dict[str, object], Events]:
    """keyd's [nav:C]: a layer holding Ctrl; its keys lift Ctrl, the others type with it."""
    profile = {"layers": {"base": {"capslock": {"layer": "nav", "mods": "ctrl"}},
                          "nav": {"h": "left", "j": "down", "k": "up", "l": "right"}}}
    events = [(code_of("capslock"), 1, 0.0)] + typing("hjklasd", 200_000)
    return profile, events


def tap_hold() -> tuple[dict[str, object], Events]:
    """Home-row mods on every home key, typed with rolls (every key is a tap-hold)."""
    mods = {"a": "leftmeta", "s": "leftalt", "d": "leftctrl", "f": "leftshift",
            "j": "rightshift", "k": "rightctrl", "l": "rightalt", "semicolon": "rightmeta"}
    base = {k: {"tap": k, "hold": m} for k, m in mods.items()}
    return {"layers": {"base": base}}, typing("asdfjkl", 100_000, step_ms=15, overlap=True)


HANDS = {"left": list("qwertasdfgzxcvb"), "right": list("yuiophjklnm") + ["semicolon"]}


def home_row_mods() -> tuple[dict[str, object], Events]:
    """Round 2 home-row mods (hands, hand_rule, prior idle, quick tap), typed with rolls."""
    mods = {"a": "leftmeta", "s": "leftalt", "d": "leftctrl", "f": "leftshift",
            "j": "rightshift", "k": "rightctrl", "l": "rightalt", "semicolon": "rightmeta"}
    base = {k: {"tap": k, "hold": m, "hand_rule": True} for k, m in mods.items()}
    profile = {"hands": HANDS, "settings": {"require_prior_idle_ms": 150, "quick_tap_ms": 150},
               "layers": {"base": base}}
    return profile, typing("asdfjkl", 100_000, step_ms=15, overlap=True)


def leader() -> tuple[dict[str, object], Events]:
    """Typing with a leader key, caps word and a tap dance in the profile: every press looked at,
    one leader sequence in every ten words."""
    sequences = [{"keys": [a, b], "action": {"macro": [{"text": "ok"}]}} for a in "gh" for b in "stu"]
    profile = {"sequences": sequences, "layers": {"base": {
        "rightalt": {"leader": {}}, "capslock": {"caps_word": {}},
        "f1": {"tap_dance": ["home", "end", "esc"]}}}}
    events: Events = []
    now = 0.0
    ralt, g, s = code_of("rightalt"), code_of("g"), code_of("s")
    while len(events) < 100_000:
        for code, value, t in typing(LETTERS, 54):
            events.append((code, value, now + t))
        now += 54 * 30.0
        events += [(ralt, 1, now), (ralt, 0, now + 20), (g, 1, now + 40), (g, 0, now + 60),
                   (s, 1, now + 80), (s, 0, now + 100)]
        now += 130
    return profile, events[:100_000]


def combos() -> tuple[dict[str, object], Events]:
    """Typing keys that are in combos (each waits for its combo window or a release)."""
    profile = {"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": "esc"},
                                                  {"keys": ["d", "f"], "action": "tab"}]}
    return profile, typing("jdkfas", 100_000, step_ms=15, overlap=True)


def drive(engine: Engine, events: Events, clock: Callable[[], int] | None = None) -> list[int]:
    """Feed events on their times, firing timers in between; per-event ns when clocked."""
    samples: list[int] = []
    feed, advance, deadline = engine.feed, engine.advance, engine.next_deadline
    for code, value, now in events:
        d = deadline()
        if d is not None and d <= now:
            advance(now)
        if clock is None:
            feed(code, value, now)
        else:
            t0 = clock()
            feed(code, value, now)
            samples.append(clock() - t0)
    return samples


def measure(name: str, make: Callable[[], tuple[dict[str, object], Events]]) -> tuple[str, ...]:
    profile, events = make()
    compiled = compile_profile(profile)
    best = 0.0
    for _ in range(3):
        engine = Engine(compiled)
        t0 = time.perf_counter()
        drive(engine, events)
        best = max(best, len(events) / (time.perf_counter() - t0))
    samples = sorted(drive(Engine(compiled), events, time.perf_counter_ns))
    p50 = statistics.median(samples) / 1000
    p99 = samples[int(len(samples) * 0.99)] / 1000
    return name, f"{len(events):,}", f"{best:,.0f}", f"{p50:.2f}", f"{p99:.2f}"


def main() -> int:
    rows = [("profile", "events", "events/s", "p50 µs", "p99 µs")]
    rows += [measure("simple remap", simple), measure("layer held", layers),
             measure("modifier layer (nav:C)", modifier_layer),
             measure("tap-hold (home-row mods)", tap_hold), measure("combo keys", combos),
             measure("home-row mods, round 2 options", home_row_mods), measure("leader, caps word, dance", leader),
             measure("pass-through", lambda: ({"layers": {"base": {}}}, typing(LETTERS, 200_000)))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in
                        enumerate(zip(row, widths, strict=True))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"python {sys.version.split()[0]}, one thread; targets: simple >= 200,000/s, "
          "tap-hold >= 50,000/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for tests that run against a real kernel (inside the VM): uinput keyboards, a daemon."""
from __future__ import annotations

import queue
import select
import time
from typing import Any, Self

import evdev
from evdev import UInput
from evdev import ecodes as e

from hw import Config, Loop, compile_profile, create_backend
from tests.fakes import EventLog

LETTER_KEYS = [getattr(e, f"KEY_{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
KEYS = sorted({*LETTER_KEYS, e.KEY_ESC, e.KEY_CAPSLOCK, e.KEY_BACKSPACE, e.KEY_ENTER,
               e.KEY_LEFTSHIFT, e.KEY_LEFTCTRL, e.KEY_1, e.KEY_2, e.KEY_MINUS, e.KEY_SPACE,
               e.KEY_F1, e.KEY_F2, e.KEY_F3})
REMAP = {"layers": {"base": {"capslock": "esc", "a": "b"}}}


def keyboard(name: str = "Test Keyboard", phys: str = "test/kbd1/input0") -> UInput:
    """A uinput keyboard standing in for a real one (with a mouse wheel, like many do)."""
    caps = {e.EV_KEY: KEYS, e.EV_MSC: [e.MSC_SCAN], e.EV_REL: [e.REL_WHEEL],
            e.EV_LED: [e.LED_NUML, e.LED_CAPSL, e.LED_SCROLLL]}
    return UInput(caps, name=name, vendor=0x1234, product=0x5678, phys=phys)


def tap(ui: UInput, code: int, value: int) -> None:
    """One key event and its report."""
    ui.write(e.EV_KEY, code, value)
    ui.syn()


class Daemon:
    """The evdev backend run in-process, its events collected."""

    def __init__(self, profile: dict[str, Any] | None = REMAP, grab_wait_ms: float = 400) -> None:
        self.log = EventLog()
        self.loop: Loop = create_backend("evdev", grab_wait_ms=grab_wait_ms)
        self.config = Config(default_profile=compile_profile(profile) if profile else None)

    def __enter__(self) -> Self:
        self.loop.start(self.log, self.config)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.stop()

    def wait(self, event: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The first matching event not taken yet."""
        return self.log.wait(event, timeout, **match)

    def apply(self, profile: dict[str, Any] | None, timeout: float = 10.0) -> None:
        """Run another profile; returns once the loop runs it."""
        done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        self.loop.apply(Config(default_profile=compile_profile(profile) if profile else None), done.put)
        assert done.get(timeout=timeout) is None


def find(name: str, timeout: float = 5.0) -> evdev.InputDevice:
    """Open the input node with that name (waiting for it to appear)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for path in evdev.list_devices():
            dev = evdev.InputDevice(path)
            if dev.name == name:
                return dev
            dev.close()
        select.select([], [], [], 0.02)  # the node appears asynchronously; poll the directory
    raise AssertionError(f"no input device named {name!r}")


def read(dev: evdev.InputDevice | UInput, count: int, timeout: float = 5.0,
         types: tuple[int, ...] = (e.EV_KEY,)) -> list[tuple[int, int, int]]:
    """The next `count` events of those types as (type, code, value)."""
    out: list[tuple[int, int, int]] = []
    end = time.monotonic() + timeout
    while len(out) < count:
        left = end - time.monotonic()
        if left <= 0 or not select.select([dev.fd], [], [], left)[0]:
            break
        try:
            out += [(ev.type, ev.code, ev.value) for ev in dev.read() if ev.type in types]
        except BlockingIOError:
            continue
        except OSError:
            break  # the device went away
    return out


def keys(events: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """(code, value) of key events."""
    return [(c, v) for t, c, v in events if t == e.EV_KEY]

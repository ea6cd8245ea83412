"""Keys first (hw/priority.py): the server's thread waits for a key the loop has not read yet.

Real threads, real pipes under the fake evdev nodes and a real epoll; the only thing injected is
a lock factory that says when a thread blocks on one of its locks, so the tests can hold the
loop back until the server is waiting, instead of guessing with sleeps.
"""
from __future__ import annotations

import dataclasses
import os
import queue
import threading
from pathlib import Path
from typing import Any

from hw import Config, DeviceConfig, Natives
from hw.priority import KeyPriority
from tests.hw.rig import KEY_A, KEY_B, REMAP, Rig

EV_KEY = 1


class SignallingLock:
    """A native lock whose blocking acquires with a timeout set `blocked` (KeyPriority's wait)."""

    blocked = threading.Event()

    def __init__(self) -> None:
        self._lock = Natives.stdlib().allocate_lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking and timeout > 0 and self._lock.locked():
            SignallingLock.blocked.set()
        return bool(self._lock.acquire(blocking, timeout))

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return bool(self._lock.locked())

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def stalled_loop(rig: Rig) -> tuple[threading.Event, queue.SimpleQueue[Any]]:
    """Keep the loop thread inside a command's `done` until the returned event is set."""
    go, inside = threading.Event(), queue.SimpleQueue[Any]()

    def hold(error: BaseException | None) -> None:
        inside.put(error)
        go.wait(30)

    rig.loop.apply(Config(default_profile=REMAP), hold)
    assert inside.get(timeout=10) is None
    return go, inside


def test_the_server_waits_until_the_loop_has_served_an_unread_key(tmp_path: Path) -> None:
    rig = Rig(tmp_path, natives=dataclasses.replace(Natives.stdlib(), allocate_lock=SignallingLock))
    try:
        kbd = rig.grabbed()
        rig.loop.priority.bound_s = 30.0  # the test's own bound; the loop is let go below
        go, _ = stalled_loop(rig)
        kbd.keys((KEY_A, 1))  # unread: the loop is busy with the command
        SignallingLock.blocked.clear()

        def release_when_the_server_waits() -> None:
            assert SignallingLock.blocked.wait(30)
            go.set()

        threading.Thread(target=release_when_the_server_waits, daemon=True).start()
        assert rig.loop.give_way()
        # the loop has read, remapped and written the key before the server went on
        assert rig.out().frames[-1] == [(EV_KEY, KEY_B, 1)]
        assert rig.loop.priority.stats() == {"given": 1, "timed_out": 0}
        kbd.keys((KEY_A, 0))
        rig.sync()
        assert not rig.loop.give_way()  # nothing unread: no wait
        assert rig.loop.priority.stats() == {"given": 1, "timed_out": 0}
    finally:
        rig.loop.stop()


def test_a_loop_that_does_not_come_costs_the_server_one_bound(rig: Rig) -> None:
    kbd = rig.grabbed()
    rig.loop.priority.bound_s = 0.01
    go, _ = stalled_loop(rig)
    kbd.keys((KEY_A, 1))
    assert rig.loop.give_way()  # waited the bound, in vain
    assert not rig.loop.give_way()  # not again until the loop has served a round
    assert rig.loop.priority.stats() == {"given": 0, "timed_out": 1}
    go.set()
    assert rig.out().wait_frames(1)[-1] == [(EV_KEY, KEY_B, 1)]
    kbd.keys((KEY_A, 0))
    rig.sync()
    assert rig.out().frames[-1] == [(EV_KEY, KEY_B, 0)]


def test_only_grabbed_keyboards_are_watched(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start()
    dev = rig.log.wait("device.grabbed")["device"]
    rig.sync()
    assert rig.loop.priority.watched == {kbd.fileno()}
    rig.apply(Config(default_profile=REMAP, devices={dev["id"]: DeviceConfig(enabled=False)}))
    rig.sync()  # the next round rebuilds the select set
    assert rig.loop.priority.watched == set()
    kbd.keys((KEY_A, 1))  # a key on a keyboard let go of is not the loop's to read
    assert not rig.loop.give_way()


def test_without_keyboards_or_after_close_nothing_waits() -> None:
    prio = KeyPriority(Natives.stdlib(), bound_s=30.0)
    assert not prio.give_way()
    r, w = os.pipe()
    prio.watch([r])
    prio.close()
    os.write(w, b"x")
    assert not prio.give_way()


def test_a_new_file_under_a_reused_fd_number_is_watched() -> None:
    prio = KeyPriority(Natives.stdlib(), bound_s=0.01)
    r, w = os.pipe()
    prio.watch([r])
    os.close(r)  # the keyboard goes; the kernel drops its registration with the file
    r2, w2 = os.pipe()  # the next keyboard opened in the same round gets the same number
    if r2 != r:
        os.dup2(r2, r)
        os.close(r2)
    prio.watch([r])  # the loop's rebuilt set: the same numbers as before
    os.write(w2, b"x")
    assert prio.give_way()  # its unread input is seen (nobody serves: it waits out the bound)
    prio.close()
    for fd in (r, w, w2):
        os.close(fd)

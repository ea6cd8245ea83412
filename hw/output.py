"""An output device as the keyboard drives it: frames of key events, and a record of the keys it holds.

Mouse buttons and motion from the engine go to its `PointerShare` (the pointer device), in order:
each device's frame is ended before the other one is written to, so a ctrl-click is ctrl first.
"""
from __future__ import annotations

from collections import deque

from .ecodes import EV_KEY
from .engine.pointer import POINTER_CODES, REL_BASE
from .pointer import PointerShare, write_rel
from .ports import Out, Sink


class Output:
    """Wraps a sink: knows which keys it left down, so none can stay down on any path out.

    With a `gap` (ms, the profile's `output_gap_ms`), the key events of one engine output go
    out one per frame, `gap` ms apart, on the loop's timers (`due`, `pump`): never by sleeping.
    """

    def __init__(self, sink: Sink, pointer: PointerShare | None = None, gap: float = 0.0) -> None:
        self.sink = sink
        self.pointer = pointer  # None: buttons and motion go to this very device (a mouse's own)
        self.down: dict[int, None] = {}  # insertion-ordered: released latest first
        self.gap = gap
        self.paced: deque[tuple[int, int]] = deque()  # key events waiting for their frame
        self._paced_at = 0.0  # when the next one may go
        self._dirty = False

    def key(self, code: int, value: int) -> None:
        """Write a key event; a repeat or release of a key not down is dropped."""
        pointer = self.pointer
        if code in POINTER_CODES and pointer is not None:
            self.syn()  # what came before on this device goes out first
            pointer.key(code, value)
            return
        if pointer is not None and pointer.dirty:
            pointer.syn()
        if code >= REL_BASE:
            write_rel(self.sink, code, value)
            self._dirty = True
            return
        if value == 1:
            self.down[code] = None
        elif code not in self.down:
            return  # never release (or repeat) what this device did not press
        elif value == 0:
            del self.down[code]
        self.sink.write(EV_KEY, code, value)
        self._dirty = True

    def keys(self, out: Out, now: float) -> None:
        """Write the engine's output: in the current frame, or paced when there is a gap. Pointer
        motion is never paced: a held move key's steps (every 10 ms) would pile up behind it."""
        if not self.gap or (len(out) < 2 and not self.paced):
            for code, value in out:
                self.key(code, value)
            return
        for code, value in out:
            if code >= REL_BASE:
                self.key(code, value)
            else:
                self.paced.append((code, value))
        self.pump(now)

    def due(self) -> float | None:
        """When the next paced event goes out (ms), if any waits."""
        return self._paced_at if self.paced else None

    def pump(self, now: float) -> None:
        """Send the next paced event in a frame of its own, if its time has come."""
        if self.paced and self._paced_at <= now:
            self.syn()  # what came before it is a frame of its own
            self.key(*self.paced.popleft())
            self.syn()
            self._paced_at = now + self.gap

    def write(self, etype: int, code: int, value: int) -> None:
        """Write a non-key event as it came."""
        self.sink.write(etype, code, value)
        self._dirty = True

    def syn(self) -> None:
        """End the frame, if anything was written since the last one."""
        if self._dirty:
            self._dirty = False
            self.sink.syn()
        if self.pointer is not None:
            self.pointer.syn()

    def release_held(self) -> list[int]:
        """Release every key still down (latest first) and end the frame; returns their codes.
        Paced events not sent yet are dropped: what they would press never happened."""
        self.paced.clear()
        codes = list(reversed(self.down))
        for code in codes:
            self.key(code, 0)
        try:
            self.syn()
        finally:  # the shared pointer device lets go of this output's buttons whatever happened here
            if self.pointer is not None:
                codes += self.pointer.release_held()
        return codes

    def close(self) -> None:
        """Release what is held, then close the device, whatever happens in between."""
        try:
            self.release_held()
        finally:
            self.sink.close()


__all__ = ["Output"]

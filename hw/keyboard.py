"""One keyboard as the loop holds it: its source, output, engine, grab wait and held keys.

It grabs only once no key is held on it (or after a bounded wait, releasing what is held
first); whatever it pressed on its output is released on every way out, in `finally`; after
SYN_DROPPED and after sleep it resynchronises from the kernel's key state; it spots the panic
combo and the pause chord on raw input. What happens goes into its outbox list, never the loop.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .ecodes import EV_KEY, EV_SYN, PANIC_KEYS, REPEAT, SYN_DROPPED, SYN_REPORT
from .engine.options import LoopOptions
from .engine.pointer import AXES
from .errors import HwError
from .leds import Leds
from .native import now_ms
from .outbox import DeviceChange, Happening, KeyStroke, LayerChange
from .output import Output
from .pointer import PointerDevice, PointerShare
from .ports import Out, Remapper, Sink, Source
from .resync import resync
from .types import DeviceInfo

if TYPE_CHECKING:
    from .engine import CompiledProfile

log = logging.getLogger("keyrx.hw")

MakeSink = Callable[[DeviceInfo, Source], Sink]


class Keyboard:
    """One source, remapped by its engine onto its own output; used by the loop thread only."""

    def __init__(self, info: DeviceInfo, source: Source, engine: Remapper,
                 profile: CompiledProfile | None, *, outbox: list[Happening], make_sink: MakeSink,
                 grab_wait_ms: float, key_events: bool = False, pointer: PointerDevice | None = None) -> None:
        self.info = info
        self.source = source
        self.engine = engine
        self.profile = profile
        self.out: Output | None = None
        self.grabbed = False
        self.grab_at: float | None = None  # a grab waiting for held keys: grab anyway at this time
        self.dropping = False  # after SYN_DROPPED, until the next SYN_REPORT
        self.layers = engine.layers()  # as last published
        self.down: set[int] = set()  # raw input keys held, as read
        self.pending: list[tuple[float, int, int]] = []  # injected input: (due ms, code, value)
        self.key_events = key_events  # report every key (someone listens, or the virtual backend)
        self.panicked: str | None = None  # "panic" or "pause": the loop releases every keyboard
        self.capturing = False  # the next new press is picked for a capture (hw/capture.py), not remapped
        self.captured: int | None = None  # the key picked, until the loop answers the capture
        self._swallowed: set[int] = set()  # picked keys: their repeats and release are consumed too
        self.led = Leds(source)
        self.options = LoopOptions()
        self._use(profile)
        self.dirty = True  # what the loop should select on changed
        self._outbox = outbox
        self._make_sink = make_sink
        self._grab_wait_ms = grab_wait_ms
        self._pointer = pointer  # the loop's pointer device: buttons and motion go there

    # -- what the loop selects on and when it must come back -------------------------
    def input_fd(self) -> int | None:
        """The source's fd while held or about to be grabbed: a disabled keyboard never wakes us."""
        return self.source.fileno() if self.grabbed or self.grab_at is not None else None

    def output_fd(self) -> int | None:
        """The output's fd while held: the desktop sets LEDs (Caps Lock) there."""
        return self.out.sink.fileno() if self.grabbed and self.out is not None else None

    def next_deadline(self) -> float | None:
        """The earliest engine timer, grab wait or injected step (monotonic ms)."""
        first = self.engine.next_deadline()
        paced = self.out.due() if self.out is not None else None
        for deadline in (self.grab_at, self.pending[0][0] if self.pending else None, paced):
            if deadline is not None and (first is None or deadline < first):
                first = deadline
        return first

    # -- grab and release --------------------------------------------------------------
    def grab(self, reason: str) -> None:
        """Grab once no key is held on it; after the wait, release what is held and grab."""
        self.dirty = True
        now = now_ms()
        held = self.active_keys()
        if held:
            if self.grab_at is None:
                self.grab_at = now + self._grab_wait_ms
            if now < self.grab_at:
                return  # the source's fd is watched: its key releases bring us back here
            log.warning("keys %s still held on %s; releasing them and grabbing", held, self.info.id)
            self._release_on_source(held)
        self.grab_at = None
        try:
            if self.out is None:
                self.out = Output(self._make_sink(self.info, self.source),
                                  PointerShare(self._pointer) if self._pointer is not None else None,
                                  self.options.output_gap_ms)
            self.source.grab()
        except HwError as exc:
            log.warning("cannot grab %s: %s", self.info.id, exc)
            return
        self.grabbed = True
        self.down.clear()
        self._outbox.append(DeviceChange("device.grabbed", replace(self.info, grabbed=True), reason))

    def ungrab(self, reason: str, *, gone: bool = False) -> None:
        """Release what the engine and the output hold, then the grab, whatever fails between."""
        self.dirty = True
        try:
            self.emit(self.engine.release_all(now_ms()))
        finally:
            self.grabbed = False
            self.dropping = False
            self.pending.clear()
            self.down.clear()
            self._swallowed.clear()
            self.capturing = False
            self.led.show(False)
            try:
                if self.out is not None:
                    self.out.release_held()
            finally:
                if not gone:
                    try:
                        self.source.ungrab()
                    except HwError as exc:
                        log.info("ungrab %s: %s", self.info.id, exc)
                self._outbox.append(DeviceChange("device.released", self.info, reason))

    def close(self, reason: str, *, gone: bool) -> None:
        """Let go of the keyboard for good: release, close the output, close the source."""
        self.dirty = True
        try:
            if self.grabbed:
                self.ungrab(reason, gone=gone)
        finally:
            try:
                if self.out is not None:
                    self.out.close()
            finally:
                try:
                    self.source.close()
                except HwError as exc:
                    log.info("close %s: %s", self.info.id, exc)

    def configure(self, enabled: bool, profile: CompiledProfile | None) -> None:
        """Follow the configuration: released when disabled, else grabbed and running `profile`."""
        if not enabled:
            self.grab_at = None
            self.dirty = True
            if self.grabbed:
                self.ungrab("disabled")
            return
        if profile is not self.profile:
            self.emit(self.engine.set_profile(profile, now_ms()))
            if self.out is not None:
                self.out.release_held()  # the old profile's keys never outlive it
            self._use(profile)
            self.layers_changed("profile")
        if not self.grabbed:
            self.grab("enabled")

    def inject(self, steps: list[tuple[float, int, int]]) -> None:
        """Schedule (delay_ms, code, value) input."""
        now = now_ms()
        self.pending.extend((now + delay, code, value) for delay, code, value in steps)
        self.pending.sort(key=lambda p: p[0])

    # -- input ---------------------------------------------------------------------------
    def read(self) -> None:
        """Handle what the source has queued; DeviceGone propagates (the loop detaches it)."""
        events = self.source.read()
        if not self.grabbed:  # waiting to grab: the desktop still gets these; grab once all is up
            if self.grab_at is not None and not self.active_keys():
                self.grab("enabled")
            return
        now = now_ms()
        out = self.out
        for ev in events:  # every event of the batch, not just the first
            if self.dropping:  # the kernel lost events: skip to the next report, then resync
                if ev.type == EV_SYN and ev.code == SYN_REPORT:
                    self.dropping = False
                    resync(self, now)
            elif ev.type == EV_KEY:
                self.key(ev.code, ev.value, now)
            elif ev.type == EV_SYN:
                if ev.code == SYN_DROPPED:
                    self.dropping = True
                elif out is not None:
                    out.syn()
            elif out is not None:
                out.write(ev.type, ev.code, ev.value)
            if not self.grabbed:
                return  # the panic combo released it mid-batch
        if out is not None:
            out.syn()

    def tick(self, now: float) -> None:
        """Run what is due: a grab wait, injected input, engine timers."""
        if self.grab_at is not None and self.grab_at <= now:
            self.grab("enabled")
        deadline = self.engine.next_deadline()
        if self.out is not None and self.out.paced:
            self.out.pump(now)
        if not ((self.pending and self.pending[0][0] <= now) or (deadline is not None and deadline <= now)):
            return  # nothing due on this keyboard
        while self.pending and self.pending[0][0] <= now:
            _, code, value = self.pending.pop(0)
            self.key(code, value, now)
        deadline = self.engine.next_deadline()
        if deadline is not None and deadline <= now:
            out = self.engine.advance(now)
            self.emit(out)
            shown = [o for o in out if o[0] not in AXES] if self.key_events else None
            if shown:  # a held move or wheel key's timed steps (100 a second) are not events
                self._outbox.append(KeyStroke(self.info.id, None, 0, shown))
        if self.out is not None:
            self.out.syn()
        self.layers_changed()  # a timeout may have settled a layer key

    def feedback(self) -> None:
        """Hand LED changes written to our output back to the keyboard, so its lights work."""
        if self.out is not None:
            self.led.from_output(self.out.sink)

    def key(self, code: int, value: int, now: float, label: str | None = None, source: str = "key") -> None:
        """One key event, read, injected or virtual (`label`: its name): checked on raw input, then remapped."""
        if not self.grabbed:
            return
        if value == 1:
            self.down.add(code)
            pause = self.options.pause_chord
            if PANIC_KEYS <= self.down or (pause and self.down.issuperset(pause)):  # raw input
                self.panicked = "panic" if PANIC_KEYS <= self.down else "pause"
                self.ungrab(self.panicked)
                return
            if self.capturing:  # a new press, picked for a capture: the engine never sees it
                self.capturing, self.captured = False, code
                self._swallowed.add(code)
                return
        elif value == 0:
            self.down.discard(code)
        if code in self._swallowed:  # the picked key's repeats and release
            if value == 0:
                self._swallowed.discard(code)
            return
        out = self.engine.feed(code, value, now)
        self.emit(out)
        if self.key_events and value != REPEAT:
            self._outbox.append(KeyStroke(self.info.id, code, value, out, label))
        self.layers_changed(source)

    def emit(self, out: Out) -> None:
        """Write the engine's output (paced when the profile says so)."""
        if self.out is not None and out:
            self.out.keys(out, now_ms() if self.out.gap else 0.0)

    def _use(self, profile: CompiledProfile | None) -> None:
        """Run the profile's loop options: output pacing, the layer LED, the pause chord."""
        self.profile = profile
        self.options = profile.options if profile is not None else LoopOptions()
        if self.out is not None:
            self.out.gap = self.options.output_gap_ms
        self.led.use(self.options.layer_led)

    def layers_changed(self, source: str = "key") -> None:
        """Publish the layer state (`source`: what changed it), and light the layer LED, when it changed."""
        if (layers := self.engine.layers()) != self.layers:
            self.layers = layers
            self._outbox.append(LayerChange(self.info.id, self.engine.layer_state(), source))
            self.led.show(layers != ["base"])

    def active_keys(self) -> list[int]:
        """The keys the kernel says are down on the source."""
        try:
            return self.source.active_keys()
        except HwError as exc:  # a node going away: its read will report it
            log.info("active_keys of %s: %s", self.info.id, exc)
            return []

    def _release_on_source(self, codes: list[int]) -> None:
        """Write releases into the source itself, so every reader (the desktop) sees the keys go up."""
        try:
            for code in codes:
                self.source.write(EV_KEY, code, 0)
            self.source.write(EV_SYN, SYN_REPORT, 0)
        except HwError as exc:
            log.warning("could not release held keys on %s: %s", self.info.id, exc)


__all__ = ["Keyboard", "MakeSink"]

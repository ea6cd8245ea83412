"""The attached keyboards as one table: they come (attach, hotplug), go (detach), panic, take a
configuration and injected input, and let go of what they held when the machine slept. The loop's
thread drives it; nothing here selects or sleeps.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from .capture import Capture
from .errors import DeviceGone, HwError, NotSupported, UnknownDevice
from .inbox import Steps
from .keyboard import Keyboard
from .layering import Layering
from .mice import Clicks
from .native import now_ms
from .outbox import DeviceChange, LayerChange, Outbox
from .pointer import PointerDevice
from .ports import EngineFactory, Provider, Source
from .resync import after_sleep
from .types import Config, DeviceInfo

if TYPE_CHECKING:
    from .engine import CompiledProfile

log = logging.getLogger("keyrx.hw")
RECOVER_MS = (1000.0, 2000.0, 5000.0, 15000.0, 60000.0)  # a keyboard let go of on an error is opened again
CALM_MS = 600_000.0  # one that ran this long since its last failure starts over at the first pause


class Keyboards:
    """Every attached `Keyboard` by device id, with the configuration they run."""

    def __init__(self, provider: Provider, engine_factory: EngineFactory, outbox: Outbox,
                 capture: Capture, grab_wait_ms: float) -> None:
        self.provider = provider
        self.by_id: dict[str, Keyboard] = {}
        self.config = Config()
        self.key_events = False  # someone wants `key` events (set_key_events)
        self.panicked = False
        self.dirty = True  # a keyboard came or went: the loop rebuilds its select set
        self._engine_factory = engine_factory
        self._outbox = outbox
        self._capture = capture
        self._grab_wait_ms = grab_wait_ms
        self.layering = Layering()  # focus, layer operations, virtual keys (hw/layering.py)
        self.pointer = PointerDevice(provider.make_pointer)  # made when a profile first needs it
        self.clicks = Clicks(self.by_id, outbox.pending)  # an enabled mouse's clicks (hw/mice.py)
        self._broken: dict[str, tuple[DeviceInfo, int, float]] = {}  # let go of on an error: failures, last

    def take_dirty(self) -> bool:
        """Whether the select set must be rebuilt since the last call."""
        dirty, self.dirty = self.dirty, False
        for kb in self.by_id.values():
            dirty |= kb.dirty
            kb.dirty = False
        return dirty

    # -- input and timers ------------------------------------------------------------------
    def read(self, kb: Keyboard) -> None:
        """Read what the keyboard has; detach it when it is gone or its device fails."""
        try:
            kb.read()
        except HwError as exc:
            self._failed(kb, exc)
        self._after(kb)

    def tick(self, now: float) -> None:
        """Run every keyboard's due timers."""
        for kb in list(self.by_id.values()):
            try:
                kb.tick(now)
            except HwError as exc:
                self._failed(kb, exc)
            self._after(kb)
        self._capture.expire(now, self.by_id)

    def _failed(self, kb: Keyboard, exc: HwError) -> None:
        """One keyboard's node or output failed: let go of it alone, the others go on; unless its
        node is gone, it is opened again after a pause that grows while it keeps failing."""
        gone, info, pause = isinstance(exc, DeviceGone), kb.info, 0.0
        if gone:
            log.warning("device %s: %s; detaching", info.id, exc)
        else:
            now = now_ms()
            _, failures, last = self._broken.get(info.id, (info, 0, now))
            failures = 0 if now - last > CALM_MS else failures
            self._broken[info.id] = (info, failures + 1, now)
            pause = RECOVER_MS[min(failures, len(RECOVER_MS) - 1)]
            log.error("device %s: %s; released, opened again in %.0f s (failure %d in a row)",
                      info.id, exc, pause / 1000.0, failures + 1)
        try:
            self.detach(info.id, "unplugged" if gone else "error", disconnected=gone)
        except HwError as again:  # its output fails again while it lets go: said, and it is gone
            log.error("releasing %s: %s", info.id, again)
        if not gone:
            self.provider.retry(info.id, pause)

    def first_deadline(self, first: float | None) -> float | None:
        """The earliest keyboard deadline, or `first` when that is sooner."""
        for kb in self.by_id.values():
            deadline = kb.next_deadline()
            if deadline is not None and (first is None or deadline < first):
                first = deadline
        return first

    def _after(self, kb: Keyboard) -> None:
        self.clicks.done()
        self._capture.took(kb, self.by_id)
        if kb.panicked:
            self.panic(kb)

    # -- commands --------------------------------------------------------------------------
    def configure(self, config: Config) -> None:
        """Run this configuration (ends a panic)."""
        self.config = config
        self.pointer.ensure_for(config)
        if self.panicked:
            self.panicked = False
            self._outbox.set_state("running", f"re-enabled after panic; {len(self.by_id)} keyboard(s)")
        for dev_id in self._broken.keys() - self.by_id.keys():
            self.provider.retry(dev_id, 0.0)  # a new configuration tries a failed keyboard again at once
        infos = [kb.info for kb in self.by_id.values()]
        for kb in list(self.by_id.values()):
            kb.configure(config.enabled_for(kb.info), config.profile_of(kb.info, infos))
        self._capture.check("the keyboard was disabled", self.by_id)

    def inject(self, dev_id: str, steps: Steps) -> None:
        """Feed input to an injectable keyboard."""
        kb = self.by_id.get(dev_id)
        if kb is None:
            raise UnknownDevice(dev_id)
        if not self.provider.injectable:
            raise NotSupported(f"device {dev_id} is a real keyboard; only virtual ones take injected input")
        kb.inject(steps)

    def set_key_events(self, wanted: bool) -> None:
        """Whether someone wants a `key` event per input key (the virtual backend always does)."""
        self.key_events = wanted
        for kb in self.by_id.values():
            kb.key_events = self._key_events_wanted()

    def _key_events_wanted(self) -> bool:
        return self.key_events or self.provider.injectable

    # -- keyboards come, go and panic ------------------------------------------------------
    def panic(self, kb: Keyboard) -> None:
        """The panic combo or pause chord on one keyboard releases every one, until the API says."""
        what, kb.panicked = kb.panicked or "panic", None
        self.panicked = True
        for other in list(self.by_id.values()):
            other.grab_at = None
            other.dirty = True
            if other.grabbed:
                try:
                    other.ungrab(what)
                except Exception:  # one keyboard's failure must not keep the others grabbed
                    log.exception("releasing %s on %s failed", other.info.id, what)
        combo = "panic combo" if what == "panic" else "pause chord"
        keys = " (Backspace+Escape+Enter)" if what == "panic" else ""
        self._outbox.set_state("panic", f"{combo}{keys} on {kb.info.name}: every keyboard released; "
                               "re-enable through the API (activate a profile or enable a device)")
        self._capture.check(f"the {combo} released every keyboard", self.by_id)

    def slept(self, now: float) -> None:
        """The machine slept: every keyboard lets go of what its keys and timers held."""
        for kb in list(self.by_id.values()):
            after_sleep(kb, now)

    def hotplug(self) -> None:
        """Take what the provider saw come and go."""
        added, removed = self.provider.hotplug()
        for dev_id in removed:
            self.detach(dev_id, "unplugged", disconnected=True)
        for info, source in added:
            if info.id in self.by_id:
                self.detach(info.id, "replaced", disconnected=True)  # came back before we saw it go
            self.attach(info, source)

    def attach(self, info: DeviceInfo, source: Source) -> None:
        """A keyboard arrived: remap it, and grab it when it is enabled."""
        profile: CompiledProfile | None = self.config.profile_of(info, [k.info for k in self.by_id.values()])
        engine, mouse = self._engine_factory(profile), info.kind == "pointer"  # a mouse: hw/mice.py
        kb = Keyboard(info, source, self.clicks.wrap(info.id, engine) if mouse else engine, profile,
                      outbox=self._outbox.pending, make_sink=self.provider.make_sink,
                      grab_wait_ms=self._grab_wait_ms, key_events=self._key_events_wanted(),
                      pointer=None if mouse else self.pointer)  # a mouse's buttons stay on its own output
        self.by_id[info.id] = kb
        self._outbox.pending.append(LayerChange(info.id, kb.engine.layer_state(), "profile", publish=False))
        self._capture.arm(kb)
        self.layering.attached(kb)
        self.dirty = True
        self._outbox.pending.append(DeviceChange("device.connected", info))
        if self.config.enabled_for(info) and not self.panicked:
            kb.grab("enabled")

    def detach(self, dev_id: str, reason: str, *, disconnected: bool) -> None:
        """Release a keyboard and forget it (`disconnected`: it is gone, say so)."""
        self.dirty = True
        kb = self.by_id.pop(dev_id, None)
        failed = self._broken.pop(dev_id, None) if disconnected else None  # or let go of on an error before
        info = kb.info if kb is not None else failed[0] if failed is not None else None
        if info is None:
            return
        try:
            if kb is not None:
                self._capture.check(f"{info.name} was released ({reason})", self.by_id)
                kb.close(reason, gone=disconnected)
        finally:
            if disconnected:
                gone = replace(info, connected=False, grabbed=False)
                self._outbox.pending.append(DeviceChange("device.disconnected", gone))

    def detach_all(self, reason: str) -> None:
        """Release every keyboard, then the pointer device (the loop is ending)."""
        try:
            for dev_id in list(self.by_id):
                try:
                    self.detach(dev_id, reason, disconnected=False)
                except Exception:  # one keyboard's failure must not keep the others grabbed
                    log.exception("releasing %s (%s) failed", dev_id, reason)
        finally:
            self.pointer.close()


__all__ = ["Keyboards"]

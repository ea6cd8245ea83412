"""The device side of the loop: attach, grab (once no key is held), release, detach.

Every path that lets go of a keyboard releases what its output holds, in `finally`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .output import Output
from .slot import Provider, Slot, Source, active_keys, now_ms, release_on
from .types import Config, DeviceInfo, HwError, HwState, Publish

log = logging.getLogger("keyrx.hw")



class DeviceTable:
    """The keyboards the loop holds and what the API may see of them; used by the loop thread only."""

    provider: Provider
    _engine_factory: Callable[[Any], Any]
    _grab_wait_ms: float
    _slots: dict[str, Slot]
    _known: dict[str, DeviceInfo]
    _config: Config
    _panic: bool
    _publish: Publish
    _state: HwState
    _lock: Any
    _watch: Any  # the loop's cached select set; None = rebuild

    def _emit(self, slot: Slot, out: list[tuple[int, int]]) -> None:
        if slot.out is not None:
            for code, value in out:
                slot.out.key(code, value)

    def _panic_release(self, slot: Slot) -> None:
        self._panic = True
        for other in list(self._slots.values()):
            other.grab_at = None
            if other.grabbed:
                self._ungrab(other, "panic")
        self._set_state("panic", f"panic combo (Backspace+Escape+Enter) on {slot.info.name}: every "
                        "keyboard released; re-enable through the API (activate a profile or "
                        "enable a device)")

    def _running_detail(self) -> str:
        return f"{len(self._slots)} keyboard(s)"

    # -- device lifecycle ----------------------------------------------------------------
    def _attach(self, info: DeviceInfo, source: Source) -> None:
        self._watch = None
        profile = self._config.profile_for(info.id)
        slot = Slot(info=info, source=source, engine=self._engine_factory(profile), profile=profile)
        slot.layers = slot.engine.layers()
        self._slots[info.id] = slot
        self._remember(info, connected=True, grabbed=False)
        self._publish("device.connected", {"device": self._known[info.id].as_dict()})
        if self._config.for_device(info.id).enabled and not self._panic:
            self._grab(slot, "enabled")

    def _grab(self, slot: Slot, reason: str) -> None:
        """Grab once no key is held on it; after the wait, release what is held and grab."""
        self._watch = None
        now = now_ms()
        held = active_keys(slot.source)
        if held:
            if slot.grab_at is None:
                slot.grab_at = now + self._grab_wait_ms
            if now < slot.grab_at:
                return  # the device's fd is watched: its key releases bring us back here
            log.warning("keys %s still held on %s; releasing them and grabbing", held, slot.info.id)
            release_on(slot.source, held)
        slot.grab_at = None
        try:
            if slot.out is None:
                slot.out = Output(self.provider.make_sink(slot.info, slot.source))
            slot.source.grab()
        except (OSError, HwError) as exc:
            log.warning("cannot grab %s: %s", slot.info.id, exc)
            return
        slot.grabbed = True
        slot.down.clear()
        self._remember(slot.info, grabbed=True)
        self._publish("device.grabbed", {"device": self._known[slot.info.id].as_dict(), "reason": reason})

    def _ungrab(self, slot: Slot, reason: str, *, gone: bool = False) -> None:
        self._watch = None
        try:
            self._emit(slot, slot.engine.release_all(now_ms()))
        finally:
            slot.grabbed = False
            slot.dropping = False
            slot.pending.clear()
            slot.down.clear()
            try:
                if slot.out is not None:
                    slot.out.release_held()
            finally:
                if not gone:
                    try:
                        slot.source.ungrab()
                    except OSError as exc:
                        log.info("ungrab %s: %s", slot.info.id, exc)
                self._remember(slot.info, grabbed=False)
                self._publish("device.released", {"device": self._known[slot.info.id].as_dict(),
                                                   "reason": reason})

    def _detach(self, dev_id: str, reason: str, *, disconnected: bool) -> None:
        self._watch = None
        slot = self._slots.pop(dev_id, None)
        if slot is None:
            return
        try:
            if slot.grabbed:
                self._ungrab(slot, reason, gone=disconnected)
        finally:
            try:
                if slot.out is not None:
                    slot.out.close()
            finally:
                try:
                    slot.source.close()
                except OSError as exc:
                    log.info("close %s: %s", dev_id, exc)
                if disconnected:
                    self._remember(slot.info, connected=False, grabbed=False)
                    self._publish("device.disconnected", {"device": self._known[dev_id].as_dict()})

    def _remember(self, info: DeviceInfo, **changes: bool) -> None:
        base = self._known.get(info.id, info)
        merged = DeviceInfo(**{**info.as_dict(), "connected": changes.get("connected", base.connected),
                               "grabbed": changes.get("grabbed", base.grabbed)})
        with self._lock:
            self._known[info.id] = merged

    def _set_state(self, state: Any, detail: str) -> None:
        with self._lock:
            self._state = HwState(self.provider.name, state, detail)
        self._publish("hw.state", self._state.as_dict())

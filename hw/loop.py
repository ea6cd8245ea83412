"""The remap loop: one native thread that reads every source, runs the engine, writes sinks.

Sources are evdev-like objects (`fileno()`, `read()`, `grab()`, `ungrab()`, `close()`,
`active_keys()`), sinks are uinput-like (`write(type, code, value)`, `syn()`, `close()`).
A `Provider` finds sources, watches for hotplug and makes sinks; the loop does the rest,
so the virtual and the evdev backends share every line of it.
"""
from __future__ import annotations

import logging
import os
import queue
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from .types import (Config, DeviceInfo, HwError, HwState, Natives, NotSupported, Publish,
                    UnknownDevice)

log = logging.getLogger("keyrx.hw")

EV_SYN, EV_KEY = 0, 1
Done = Callable[[BaseException | None], None]
EngineFactory = Callable[[Any], Any]


class Source(Protocol):
    """The subset of `evdev.InputDevice` the loop uses."""

    def fileno(self) -> int: ...
    def read(self) -> Iterable[Any]: ...
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def close(self) -> None: ...
    def active_keys(self) -> list[int]: ...


class Sink(Protocol):
    """The subset of `evdev.UInput` the loop uses."""

    def write(self, etype: int, code: int, value: int) -> None: ...
    def syn(self) -> None: ...
    def close(self) -> None: ...


class Provider(Protocol):
    """Finds keyboards and makes their output devices."""

    name: str
    injectable: bool  # devices take input from `inject` (the virtual backend)

    def open(self) -> None: ...
    def scan(self) -> list[tuple[DeviceInfo, Source]]: ...
    def hotplug_fd(self) -> int | None: ...
    def hotplug(self) -> tuple[list[tuple[DeviceInfo, Source]], list[str]]: ...
    def make_sink(self, info: DeviceInfo, source: Source) -> Sink: ...
    def close(self) -> None: ...


@dataclass
class Slot:
    """One keyboard as the loop holds it."""

    info: DeviceInfo
    source: Source
    engine: Any
    profile: Any = None
    sink: Sink | None = None
    grabbed: bool = False
    pending: list[tuple[float, int, int]] = field(default_factory=list)  # injected input


class _Wake:
    """A self-pipe: any thread writes a byte, the loop's select() wakes."""

    def __init__(self) -> None:
        self.r, self.w = os.pipe()
        os.set_blocking(self.r, False)
        os.set_blocking(self.w, False)

    def poke(self) -> None:
        try:
            os.write(self.w, b"\0")
        except BlockingIOError:
            pass  # the pipe is already full of wake-ups: the loop will wake anyway

    def drain(self) -> None:
        try:
            while os.read(self.r, 4096):
                pass
        except BlockingIOError:
            pass  # drained

    def close(self) -> None:
        os.close(self.r)
        os.close(self.w)


def _now_ms() -> float:
    return time.monotonic() * 1000.0


class Loop:
    """Owns the native thread, the devices and their engines."""

    def __init__(self, provider: Provider, engine_factory: EngineFactory,
                 key_name: Callable[[int], str] = str,
                 natives: Natives | None = None) -> None:
        self.provider = provider
        self._engine_factory = engine_factory
        self._key_name = key_name
        self._natives = natives or Natives.stdlib()
        self._inbox: queue.SimpleQueue[tuple[Any, ...]] = self._natives.simple_queue()
        self._wake = _Wake()
        self._slots: dict[str, Slot] = {}
        self._known: dict[str, DeviceInfo] = {}
        self._config = Config()
        self._publish: Publish = lambda name, data: None
        self._state = HwState(provider.name, "stopped", "not started")
        self._lock = self._natives.allocate_lock()  # guards snapshots read by other threads
        self._stopped = _NativeEvent(self._natives)
        self._ready = _NativeEvent(self._natives)

    # -- called from any thread ------------------------------------------------------
    def start(self, publish: Publish, config: Config | None = None, timeout: float = 5.0) -> None:
        """Start the thread and wait (bounded) until it has found its devices."""
        self._publish = publish
        if config is not None:
            self._config = config
        self._set_state("starting", "starting")
        self._natives.start_thread(self._run, ())
        self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Release everything and end the thread."""
        self._inbox.put(("stop",))
        self._wake.poke()
        self._stopped.wait(timeout)

    def state(self) -> HwState:
        """The current state."""
        with self._lock:
            return self._state

    def devices(self) -> list[DeviceInfo]:
        """Every device seen this run, connected or not."""
        with self._lock:
            return list(self._known.values())

    def apply(self, config: Config, done: Done | None = None) -> None:
        """Hand the loop a new configuration; `done` is called once it runs it."""
        self._send(("config", config, done))

    def inject(self, device_id: str, steps: list[tuple[float, int, int]], done: Done | None = None) -> None:
        """Feed (delay_ms, code, value) input to an injectable device."""
        self._send(("inject", device_id, steps, done))

    def _send(self, cmd: tuple[Any, ...]) -> None:
        self._inbox.put(cmd)
        self._wake.poke()

    # -- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.provider.open()
            for info, source in self.provider.scan():
                self._attach(info, source)
            self._set_state("running", f"{len(self._slots)} keyboard(s)")
            self._ready.set()
            self._serve()
        except HwError as exc:
            self._set_state("unavailable", str(exc))
        except Exception as exc:  # the thread must report, not die silently
            log.exception("remap loop failed")
            self._set_state("failed", f"{type(exc).__name__}: {exc}")
        finally:
            self._ready.set()
            for dev_id in list(self._slots):
                self._detach(dev_id, "shutdown", disconnected=False)
            self.provider.close()
            if self._state.state in ("running", "starting"):
                self._set_state("stopped", "stopped")
            self._stopped.set()

    def _serve(self) -> None:
        while True:
            fds: dict[int, str] = {}
            for dev_id, slot in self._slots.items():
                fd = _fileno(slot.source)
                if fd is not None:
                    fds[fd] = dev_id
            hp = self.provider.hotplug_fd()
            watch = [self._wake.r, *fds]
            if hp is not None:
                watch.append(hp)
            readable, _, _ = self._natives.select(watch, [], [], self._timeout())
            if self._wake.r in readable:
                self._wake.drain()
                if not self._commands():
                    return
            if hp is not None and hp in readable:
                added, removed = self.provider.hotplug()
                for dev_id in removed:
                    self._detach(dev_id, "unplugged", disconnected=True)
                for info, source in added:
                    self._attach(info, source)
            for fd in readable:
                dev_id = fds.get(fd)
                if dev_id is not None and dev_id in self._slots:
                    self._read(dev_id)
            self._timers()

    def _timeout(self) -> float | None:
        deadlines = [d for s in self._slots.values() for d in (s.engine.next_deadline(),) if d is not None]
        deadlines += [s.pending[0][0] for s in self._slots.values() if s.pending]
        if not deadlines:
            return None
        return max(0.0, (min(deadlines) - _now_ms()) / 1000.0)

    def _commands(self) -> bool:
        while True:
            try:
                cmd = self._inbox.get_nowait()
            except queue.Empty:
                return True
            if cmd[0] == "stop":
                return False
            done: Done | None = cmd[-1]
            error: BaseException | None = None
            try:
                if cmd[0] == "config":
                    self._configure(cmd[1])
                elif cmd[0] == "inject":
                    self._schedule(cmd[1], cmd[2])
            except HwError as exc:
                error = exc
            if done is not None:
                done(error)

    def _configure(self, config: Config) -> None:
        self._config = config
        now = _now_ms()
        for dev_id, slot in list(self._slots.items()):
            dc = config.for_device(dev_id)
            profile = config.profile_for(dev_id)
            if not dc.enabled:
                if slot.grabbed:
                    self._ungrab(slot, "disabled")
                continue
            if profile is not slot.profile:
                self._emit(slot, slot.engine.set_profile(profile, now))
                slot.profile = profile
                self._layers_changed(slot, None)
            if not slot.grabbed:
                self._grab(slot, "enabled")

    def _schedule(self, dev_id: str, steps: list[tuple[float, int, int]]) -> None:
        slot = self._slots.get(dev_id)
        if slot is None:
            raise UnknownDevice(dev_id)
        if not self.provider.injectable:
            raise NotSupported(f"device {dev_id} is a real keyboard; only virtual ones take injected input")
        now = _now_ms()
        slot.pending.extend((now + delay, code, value) for delay, code, value in steps)
        slot.pending.sort(key=lambda p: p[0])

    def _timers(self) -> None:
        now = _now_ms()
        for slot in list(self._slots.values()):
            while slot.pending and slot.pending[0][0] <= now:
                _, code, value = slot.pending.pop(0)
                self._key(slot, code, value, now)
            deadline = slot.engine.next_deadline()
            if deadline is not None and deadline <= now:
                before = slot.engine.layers()
                self._emit(slot, slot.engine.advance(now))
                self._layers_changed(slot, before)

    def _read(self, dev_id: str) -> None:
        slot = self._slots[dev_id]
        try:
            events = list(slot.source.read())
        except BlockingIOError:
            return
        except OSError as exc:
            log.warning("device %s read failed (%s); detaching", dev_id, exc.strerror or exc)
            self._detach(dev_id, "unplugged", disconnected=True)
            return
        now = _now_ms()
        for ev in events:  # every event of the batch, not just the first
            if ev.type == EV_KEY:
                self._key(slot, ev.code, ev.value, now)
            elif ev.type != EV_SYN and slot.grabbed and slot.sink is not None:
                slot.sink.write(ev.type, ev.code, ev.value)
                slot.sink.syn()

    def _key(self, slot: Slot, code: int, value: int, now: float) -> None:
        if not slot.grabbed:
            return
        before = slot.engine.layers()
        out = slot.engine.feed(code, value, now)
        self._emit(slot, out)
        self._layers_changed(slot, before)
        if (self._config.key_events or self.provider.injectable) and value != 2:
            self._publish("key", {
                "device": slot.info.id,
                "input": {"key": self._key_name(code), "action": "press" if value else "release"},
                "output": [{"key": self._key_name(c), "action": _action(v)} for c, v in out],
            })

    def _emit(self, slot: Slot, out: list[tuple[int, int]]) -> None:
        if not out or slot.sink is None:
            return
        for code, value in out:
            slot.sink.write(EV_KEY, code, value)
            slot.sink.syn()

    def _layers_changed(self, slot: Slot, before: list[str] | None) -> None:
        after = slot.engine.layers()
        if after != before:
            self._publish("layer.changed", {"device": slot.info.id, "layers": after})

    # -- device lifecycle ----------------------------------------------------------------
    def _attach(self, info: DeviceInfo, source: Source) -> None:
        profile = self._config.profile_for(info.id)
        slot = Slot(info=info, source=source, engine=self._engine_factory(profile), profile=profile)
        self._slots[info.id] = slot
        self._remember(info)
        self._publish("device.connected", {"device": info.as_dict()})
        if self._config.for_device(info.id).enabled:
            self._grab(slot, "enabled")

    def _grab(self, slot: Slot, reason: str) -> None:
        try:
            if slot.sink is None:
                slot.sink = self.provider.make_sink(slot.info, slot.source)
            slot.source.grab()
        except (OSError, HwError) as exc:
            log.warning("cannot grab %s: %s", slot.info.id, exc)
            return
        slot.grabbed = True
        self._remember(slot.info, grabbed=True)
        self._publish("device.grabbed", {"device": self._known[slot.info.id].as_dict(), "reason": reason})

    def _ungrab(self, slot: Slot, reason: str, *, gone: bool = False) -> None:
        try:
            self._emit(slot, slot.engine.release_all(_now_ms()))
        finally:
            slot.grabbed = False
            slot.pending.clear()
            if not gone:
                try:
                    slot.source.ungrab()
                except OSError as exc:
                    log.info("ungrab %s: %s", slot.info.id, exc)
            self._remember(slot.info, grabbed=False)
            self._publish("device.released", {"device": self._known[slot.info.id].as_dict(), "reason": reason})

    def _detach(self, dev_id: str, reason: str, *, disconnected: bool) -> None:
        slot = self._slots.pop(dev_id, None)
        if slot is None:
            return
        try:
            if slot.grabbed:
                self._ungrab(slot, reason, gone=disconnected)
        finally:
            if slot.sink is not None:
                slot.sink.close()
            try:
                slot.source.close()
            except OSError as exc:
                log.info("close %s: %s", dev_id, exc)
            if disconnected:
                self._remember(slot.info, connected=False, grabbed=False)
                self._publish("device.disconnected", {"device": self._known[dev_id].as_dict()})

    def _remember(self, info: DeviceInfo, **changes: bool) -> None:
        base = self._known.get(info.id, info)
        merged = DeviceInfo(**{**info.as_dict(), "connected": base.connected if "connected" not in changes
                               else changes["connected"], "grabbed": changes.get("grabbed", base.grabbed)})
        if "connected" not in changes and info.id not in self._known:
            merged = DeviceInfo(**{**merged.as_dict(), "connected": True})
        with self._lock:
            self._known[info.id] = merged

    def _set_state(self, state: Any, detail: str) -> None:
        with self._lock:
            self._state = HwState(self.provider.name, state, detail)
        self._publish("hw.state", self._state.as_dict())


def _action(value: int) -> str:
    return {0: "release", 1: "press"}.get(value, "repeat")


def _fileno(source: Source) -> int | None:
    try:
        return source.fileno()
    except (AttributeError, OSError, ValueError):
        return None


class _NativeEvent:
    """A one-shot event on a native lock (a patched threading.Event is a greenlet primitive)."""

    def __init__(self, natives: Natives) -> None:
        self._lock = natives.allocate_lock()
        self._lock.acquire()

    def set(self) -> None:
        if self._lock.locked():
            self._lock.release()

    def wait(self, timeout: float) -> bool:
        got = bool(self._lock.acquire(True, timeout))
        if got:
            self._lock.release()
        return got


__all__ = ["Loop", "Provider", "Sink", "Slot", "Source"]

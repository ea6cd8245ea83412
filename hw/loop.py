"""The remap loop: one native thread that reads every source, runs the engine, writes sinks.

Sources are evdev-like objects (`fileno()`, `read()`, `grab()`, `ungrab()`, `close()`,
`active_keys()`), sinks are uinput-like (`write(type, code, value)`, `syn()`, `close()`).
A `Provider` finds sources, watches for hotplug and makes sinks; the loop does the rest,
so the virtual and the evdev backends share every line of it.

Safety rules it keeps: a keyboard is grabbed only once no key is held on it (or after a bounded
wait, releasing what is held first); whatever it pressed on an output is released on every
way out; after SYN_DROPPED it resynchronises from the kernel's key state; the panic combo,
checked on raw input, releases every grab.
"""
from __future__ import annotations

import logging
import os
import queue
import sys
from collections.abc import Callable
from typing import Any

from .devtable import DeviceTable
from .native import NativeEvent, Wake
from .output import Sink
from .slot import (
    Provider,
    Slot,
    Source,
    action_name,
    active_keys,
    fileno_of,
    now_ms,
)
from .types import (
    Config,
    DeviceInfo,
    HwError,
    HwState,
    Natives,
    NotSupported,
    Publish,
    UnknownDevice,
)

log = logging.getLogger("keyrx.hw")

EV_SYN, EV_KEY = 0, 1
SYN_REPORT, SYN_DROPPED = 0, 3
EV_LED = 0x11
PANIC_KEYS = frozenset({14, 1, 28})  # backspace + esc + enter, as keyd has it
GRAB_WAIT_MS = 2000.0  # how long to wait for held keys to be released before grabbing anyway
# The loop shares the GIL with the server: at CPython's default 5 ms switch interval a busy hub
# can keep a woken remap thread waiting that long per key. 0.5 ms bounds that wait.
SWITCH_INTERVAL = 0.0005
# Like keyd: the loop thread runs SCHED_FIFO (when permitted), so a busy server or any other
# process can't keep a key waiting for a CPU. It only ever blocks in select between keys.
RT_PRIORITY = 20
Done = Callable[[BaseException | None], None]
EngineFactory = Callable[[Any], Any]


class Loop(DeviceTable):
    """Owns the native thread, the devices and their engines."""

    def __init__(self, provider: Provider, engine_factory: EngineFactory,
                 key_name: Callable[[int], str] = str,
                 natives: Natives | None = None, grab_wait_ms: float = GRAB_WAIT_MS,
                 realtime: bool = False) -> None:
        self.provider = provider
        self._engine_factory = engine_factory
        self._key_name = key_name
        self._natives = natives or Natives.stdlib()
        self._grab_wait_ms = grab_wait_ms
        # real keyboards only: applied at start; None leaves the interpreter / thread as it is
        self.switch_interval: float | None = SWITCH_INTERVAL if realtime else None
        self.rt_priority: int | None = RT_PRIORITY if realtime else None
        self._inbox: queue.SimpleQueue[tuple[Any, ...]] = self._natives.simple_queue()
        self._wake = Wake()
        self._slots: dict[str, Slot] = {}
        self._known: dict[str, DeviceInfo] = {}
        self._config = Config()
        self._panic = False
        # events of this round, published once its output is out: ("key", (dev, code, value, out))
        # or ("layer.changed", data)
        self._later: list[tuple[str, Any]] = []
        self._watch: tuple[list[int], dict[int, tuple[str, bool]], int | None] | None = None
        self._publish: Publish = lambda name, data: None
        self._state = HwState(provider.name, "stopped", "not started")
        self._lock = self._natives.allocate_lock()  # guards snapshots read by other threads
        self._stopped = NativeEvent(self._natives)
        self._ready = NativeEvent(self._natives)

    # -- called from any thread ------------------------------------------------------
    def start(self, publish: Publish, config: Config | None = None, timeout: float = 5.0) -> None:
        """Start the thread and wait (bounded) until it has found its devices."""
        self._publish = publish
        if config is not None:
            self._config = config
        with self._lock:  # not published: events carry only the states of the contract
            self._state = HwState(self.provider.name, "starting", "starting")
        if self.switch_interval is not None and sys.getswitchinterval() > self.switch_interval:
            sys.setswitchinterval(self.switch_interval)
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
        """Hand the loop a new configuration; `done` is called once it runs it (ends a panic)."""
        self._send(("config", config, done))

    def inject(self, device_id: str, steps: list[tuple[float, int, int]], done: Done | None = None) -> None:
        """Feed (delay_ms, code, value) input to an injectable device."""
        self._send(("inject", device_id, steps, done))

    def _send(self, cmd: tuple[Any, ...]) -> None:
        self._inbox.put(cmd)
        self._wake.poke()

    # -- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        self._prioritise()
        try:
            self.provider.open()
            for info, source in self.provider.scan():
                self._attach(info, source)
            self._set_state("running", self._running_detail())
            self._ready.set()
            self._serve()
        except HwError as exc:
            self._set_state("unavailable", str(exc))
        except Exception as exc:  # the thread must report, not die silently
            log.exception("remap loop failed")
            self._set_state("failed", f"{type(exc).__name__}: {exc}")
        finally:
            self._ready.set()
            try:
                for dev_id in list(self._slots):
                    self._detach(dev_id, "shutdown", disconnected=False)
            finally:
                self.provider.close()
                if self._state.state in ("running", "starting", "panic"):
                    self._set_state("stopped", "stopped")
                self._stopped.set()

    def _prioritise(self) -> None:
        if self.rt_priority is None:
            return
        try:  # pid 0: this thread only
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(self.rt_priority))
        except OSError as exc:  # not root / no CAP_SYS_NICE: normal priority still works
            log.info("remap thread at normal priority: %s", exc.strerror or exc)

    def _watched(self) -> tuple[list[int], dict[int, tuple[str, bool]], int | None]:
        """The fds to select on, each with (device id, is-output): rebuilt after a change."""
        if self._watch is None:
            fds: dict[int, tuple[str, bool]] = {}
            for dev_id, slot in self._slots.items():
                # only keyboards we hold or are about to grab: a disabled one never wakes us
                fd = fileno_of(slot.source) if slot.grabbed or slot.grab_at is not None else None
                if fd is not None:
                    fds[fd] = (dev_id, False)
                out = fileno_of(slot.out.sink) if slot.grabbed and slot.out is not None else None
                if out is not None:  # the desktop sets LEDs (Caps Lock) on our output
                    fds[out] = (dev_id, True)
            hp = self.provider.hotplug_fd()
            watch = [self._wake.r, *fds] + ([hp] if hp is not None else [])
            self._watch = (watch, fds, hp)
        return self._watch

    def _serve(self) -> None:
        while True:
            watch, fds, hp = self._watched()
            due = self._first_deadline()
            timeout = None if due is None else max(0.0, (due - now_ms()) / 1000.0)
            readable, _, _ = self._natives.select(watch, [], [], timeout)
            if self._wake.r in readable:
                self._wake.drain()
                self._watch = None
                due = -1.0  # a command may have scheduled something for now
                if not self._commands():
                    return
            for ready in readable:
                dev_id, output = fds.get(ready, ("", False))
                slot = self._slots.get(dev_id)
                if slot is not None and output:
                    self._feedback(slot)
                elif slot is not None:
                    self._read(slot)
            if due is not None and due <= now_ms():  # timers and retries: only when one is due
                retry = self.provider.hotplug_due()
                if retry is not None and retry <= now_ms():
                    self._watch = None
                    self._hotplug()
                self._timers()
            if hp is not None and hp in readable:
                self._watch = None
                self._hotplug()
            if self._later:
                self._publish_later()

    def _feedback(self, slot: Slot) -> None:
        """Hand LED changes written to our output back to the keyboard, so its lights work."""
        read = getattr(slot.out.sink, "read", None) if slot.out is not None else None
        if read is None:
            return
        try:
            leds = [(ev.code, ev.value) for ev in read() if ev.type == EV_LED]
        except BlockingIOError:
            return
        except OSError as exc:
            log.info("output of %s: %s", slot.info.id, exc)
            return
        write = getattr(slot.source, "write", None)
        if leds and write is not None:
            try:
                for code, value in leds:
                    write(EV_LED, code, value)
                write(EV_SYN, SYN_REPORT, 0)
            except OSError as exc:  # the keyboard is going away; its read will say so
                log.info("LEDs of %s: %s", slot.info.id, exc)

    def _hotplug(self) -> None:
        added, removed = self.provider.hotplug()
        for dev_id in removed:
            self._detach(dev_id, "unplugged", disconnected=True)
        for info, source in added:
            self._detach(info.id, "replaced", disconnected=True)  # came back before we saw it go
            self._attach(info, source)

    def _first_deadline(self) -> float | None:
        """The earliest engine timer, injected step, grab wait or hotplug retry (monotonic ms)."""
        first = self.provider.hotplug_due()
        for slot in self._slots.values():
            for deadline in (slot.engine.next_deadline(), slot.grab_at,
                             slot.pending[0][0] if slot.pending else None):
                if deadline is not None and (first is None or deadline < first):
                    first = deadline
        return None if first is None else float(first)

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
        if self._panic:
            self._panic = False
            self._set_state("running", f"re-enabled after panic; {self._running_detail()}")
        now = now_ms()
        for slot in list(self._slots.values()):
            dc = config.for_device(slot.info.id)
            if not dc.enabled:
                slot.grab_at = None
                if slot.grabbed:
                    self._ungrab(slot, "disabled")
                continue
            profile = config.profile_for(slot.info.id)
            if profile is not slot.profile:
                self._emit(slot, slot.engine.set_profile(profile, now))
                if slot.out is not None:
                    slot.out.release_held()  # the old profile's keys never outlive it
                slot.profile = profile
                self._layers_changed(slot)
            if not slot.grabbed:
                self._grab(slot, "enabled")

    def _schedule(self, dev_id: str, steps: list[tuple[float, int, int]]) -> None:
        slot = self._slots.get(dev_id)
        if slot is None:
            raise UnknownDevice(dev_id)
        if not self.provider.injectable:
            raise NotSupported(f"device {dev_id} is a real keyboard; only virtual ones take injected input")
        now = now_ms()
        slot.pending.extend((now + delay, code, value) for delay, code, value in steps)
        slot.pending.sort(key=lambda p: p[0])

    def _timers(self) -> None:
        now = now_ms()
        for slot in list(self._slots.values()):
            if slot.grab_at is not None and slot.grab_at <= now:
                self._grab(slot, "enabled")
            deadline = slot.engine.next_deadline()
            if not ((slot.pending and slot.pending[0][0] <= now) or (deadline is not None and deadline <= now)):
                continue  # nothing due on this keyboard
            while slot.pending and slot.pending[0][0] <= now:
                _, code, value = slot.pending.pop(0)
                self._key(slot, code, value, now)
            deadline = slot.engine.next_deadline()
            if deadline is not None and deadline <= now:
                self._emit(slot, slot.engine.advance(now))
            if slot.out is not None:
                slot.out.syn()
            self._layers_changed(slot)  # a timeout may have settled a layer key

    def _read(self, slot: Slot) -> None:
        try:
            events = list(slot.source.read())
        except BlockingIOError:
            return
        except OSError as exc:
            log.warning("device %s read failed (%s); detaching", slot.info.id, exc.strerror or exc)
            self._detach(slot.info.id, "unplugged", disconnected=True)
            return
        if not slot.grabbed:  # waiting to grab: the desktop still gets these; grab once all is up
            if slot.grab_at is not None and not active_keys(slot.source):
                self._grab(slot, "enabled")
            return
        now = now_ms()
        for ev in events:  # every event of the batch, not just the first
            if slot.dropping:  # the kernel lost events: skip to the next report, then resync
                if ev.type == EV_SYN and ev.code == SYN_REPORT:
                    slot.dropping = False
                    self._resync(slot, now)
            elif ev.type == EV_KEY:
                self._key(slot, ev.code, ev.value, now)
            elif ev.type == EV_SYN:
                if ev.code == SYN_DROPPED:
                    slot.dropping = True
                elif slot.out is not None:
                    slot.out.syn()
            elif slot.out is not None:
                slot.out.write(ev.type, ev.code, ev.value)
            if not slot.grabbed or slot.info.id not in self._slots:
                return  # the panic combo released it mid-batch
        if slot.out is not None:
            slot.out.syn()

    def _resync(self, slot: Slot, now: float) -> None:
        """Bring the engine in line with the kernel's key state after SYN_DROPPED."""
        actual = set(active_keys(slot.source))
        log.warning("device %s dropped events; resynchronising", slot.info.id)
        for code in sorted(slot.down - actual):
            self._key(slot, code, 0, now)
        for code in sorted(actual - slot.down):
            self._key(slot, code, 1, now)

    def _key(self, slot: Slot, code: int, value: int, now: float) -> None:
        if not slot.grabbed:
            return
        if value == 1:
            slot.down.add(code)
            if PANIC_KEYS <= slot.down:  # raw input, before any remapping
                self._panic_release(slot)
                return
        elif value == 0:
            slot.down.discard(code)
        out = slot.engine.feed(code, value, now)
        self._emit(slot, out)
        if (self._config.key_events or self.provider.injectable) and value != 2:
            self._later.append(("key", (slot.info.id, code, value, out)))
        self._layers_changed(slot)

    def _layers_changed(self, slot: Slot) -> None:
        layers = slot.engine.layers()
        if layers != slot.layers:
            slot.layers = layers
            self._later.append(("layer.changed", {"device": slot.info.id, "layers": layers}))

    def _publish_later(self) -> None:
        """This round's events, once its output is out (a subscriber never delays a key)."""
        later, self._later = self._later, []
        for event, data in later:
            if event != "key":
                self._publish(event, data)
                continue
            dev_id, code, value, out = data
            self._publish("key", {
                "device": dev_id,
                "input": {"key": self._key_name(code), "action": "press" if value else "release"},
                "output": [{"key": self._key_name(c), "action": action_name(v)} for c, v in out],
            })


__all__ = ["Loop", "Provider", "Sink", "Slot", "Source"]

"""The remap loop: one native thread that selects over every keyboard, the commands and hotplug.

A `Provider` finds sources, watches for hotplug and makes sinks; each keyboard is a `Keyboard`
(grab, read, remap, release); the loop owns the thread, the select set, the `Inbox` of commands,
timers, the panic across keyboards and the `Outbox` (events out, snapshot for other threads).
The virtual and the evdev backends share every line of it.

A key press: select wakes on the source's fd → `Keyboard.read` → the engine → the keyboard's
`Output` (one write per frame) → at the end of the round the `Outbox` publishes what happened.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .errors import DeviceGone, HwError, NotSupported, UnknownDevice
from .inbox import Apply, Done, Inbox, Inject, KeyEvents, LayerCommand, SetFocus, Steps, Stop, VirtualKey
from .keyboard import Keyboard
from .layering import Layering
from .native import NativeEvent, now_ms
from .outbox import DeviceChange, Outbox
from .ports import EngineFactory, Provider, Source
from .tuning import RT_PRIORITY, SWITCH_INTERVAL, run_realtime, shorten_switch_interval
from .types import Config, DeviceInfo, HwState, Natives, Publish

if TYPE_CHECKING:
    from .engine import CompiledProfile

log = logging.getLogger("keyrx.hw")

GRAB_WAIT_MS = 2000.0  # how long to wait for held keys to be released before grabbing anyway
_Watch = tuple[list[int], dict[int, tuple[str, bool]], int | None]


class Loop:
    """Owns the native thread and the keyboards. `realtime=True` (real keyboards): at start, a
    shorter GIL switch interval for the whole process and SCHED_FIFO for the thread (`hw/tuning.py`);
    `switch_interval`/`rt_priority` hold what will be applied (None: left as is)."""

    def __init__(self, provider: Provider, engine_factory: EngineFactory,
                 key_name: Callable[[int], str] = str, natives: Natives | None = None,
                 grab_wait_ms: float = GRAB_WAIT_MS, realtime: bool = False) -> None:
        self.provider = provider
        self._engine_factory = engine_factory
        self._natives = natives or Natives.stdlib()
        self._grab_wait_ms = grab_wait_ms
        self.switch_interval: float | None = SWITCH_INTERVAL if realtime else None
        self.rt_priority: int | None = RT_PRIORITY if realtime else None
        self._inbox = Inbox(self._natives)
        self._keyboards: dict[str, Keyboard] = {}
        self._config = Config()
        self._key_events = False  # someone wants `key` events (set_key_events)
        self._panicked = False
        self._layering = Layering()
        self._watch: _Watch = ([], {}, None)
        self._dirty = True  # the set of keyboards changed: rebuild the select set
        self._outbox = Outbox(provider.name, self._natives.allocate_lock(), key_name)
        self.layer_state = self._outbox.layer_state  # a keyboard's layer state, from any thread
        self._stopped = NativeEvent(self._natives)
        self._ready = NativeEvent(self._natives)

    # -- called from any thread ------------------------------------------------------
    def start(self, publish: Publish, config: Config | None = None, timeout: float = 5.0) -> None:
        """Start the thread and wait (bounded) until it has found its devices."""
        self._outbox.publish = publish
        if config is not None:
            self._config = config
        self._outbox.set_state("starting", "starting", publish=False)  # not an event of the contract
        shorten_switch_interval(self.switch_interval)
        self._natives.start_thread(self._run, ())
        self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Release everything and end the thread."""
        self._inbox.send(Stop())
        self._stopped.wait(timeout)

    def state(self) -> HwState:
        """The current state."""
        return self._outbox.state()

    def devices(self) -> list[DeviceInfo]:
        """Every device seen this run, connected or not."""
        return self._outbox.devices()

    def apply(self, config: Config, done: Done | None = None) -> None:
        """Hand the loop a new configuration; `done` is called once it runs it (ends a panic)."""
        self._inbox.send(Apply(config, done))

    def inject(self, device_id: str, steps: Steps, done: Done | None = None) -> None:
        """Feed (delay_ms, code, value) input to an injectable device."""
        self._inbox.send(Inject(device_id, steps, done))

    def control(self, cmd: SetFocus | LayerCommand | VirtualKey) -> None:
        """Focus, layer operations and virtual keys (hw/layering.py); `cmd.done` when run."""
        self._inbox.send(cmd)

    def set_key_events(self, wanted: bool) -> None:
        """Publish a `key` event per input key, or stop (the virtual backend always does)."""
        self._inbox.send(KeyEvents(wanted))

    # -- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        run_realtime(self.rt_priority)
        try:
            self.provider.open()
            for info, source in self.provider.scan():
                self._attach(info, source)
            self._outbox.set_state("running", f"{len(self._keyboards)} keyboard(s)")
            self._ready.set()
            self._serve()
        except HwError as exc:
            self._outbox.set_state("unavailable", str(exc))
        except Exception as exc:  # the thread must report, not die silently
            log.exception("remap loop failed")
            self._outbox.set_state("failed", f"{type(exc).__name__}: {exc}")
        finally:
            self._ready.set()
            try:
                for dev_id in list(self._keyboards):
                    self._detach(dev_id, "shutdown", disconnected=False)
            finally:
                self.provider.close()
                self._outbox.flush()
                if self._outbox.state().state in ("running", "starting", "panic"):
                    self._outbox.set_state("stopped", "stopped")
                self._stopped.set()

    def _watched(self) -> _Watch:
        """The fds to select on, each with (device id, is-output): rebuilt when something changed."""
        dirty, self._dirty = self._dirty, False
        for kb in self._keyboards.values():
            dirty |= kb.dirty
            kb.dirty = False
        if dirty:
            fds: dict[int, tuple[str, bool]] = {}
            for dev_id, kb in self._keyboards.items():
                fd, out = kb.input_fd(), kb.output_fd()
                if fd is not None:
                    fds[fd] = (dev_id, False)
                if out is not None:
                    fds[out] = (dev_id, True)
            hp = self.provider.hotplug_fd()
            self._watch = ([self._inbox.fd, *fds] + ([hp] if hp is not None else []), fds, hp)
        return self._watch

    def _serve(self) -> None:
        while True:
            watch, fds, hp = self._watched()
            due = self._first_deadline()
            timeout = None if due is None else max(0.0, (due - now_ms()) / 1000.0)
            readable, _, _ = self._natives.select(watch, [], [], timeout)
            if self._inbox.fd in readable:
                due = -1.0  # a command may have scheduled something for now
                if not self._commands():
                    return
            for ready in readable:
                dev_id, output = fds.get(ready, ("", False))
                kb = self._keyboards.get(dev_id)
                if kb is not None and output:
                    kb.feedback()
                elif kb is not None:
                    self._read(kb)
            if due is not None and due <= now_ms():  # timers and retries: only when one is due
                retry = self.provider.hotplug_due()
                if retry is not None and retry <= now_ms():
                    self._hotplug()
                self._timers()
            if hp is not None and hp in readable:
                self._hotplug()
            if self._outbox.pending:
                self._outbox.flush()

    def _read(self, kb: Keyboard) -> None:
        try:
            kb.read()
        except DeviceGone as exc:
            log.warning("device %s: %s; detaching", kb.info.id, exc)
            self._detach(kb.info.id, "unplugged", disconnected=True)
        if kb.panicked:
            self._panic(kb)

    def _timers(self) -> None:
        now = now_ms()
        for kb in list(self._keyboards.values()):
            kb.tick(now)
            if kb.panicked:
                self._panic(kb)

    def _first_deadline(self) -> float | None:
        """The earliest keyboard deadline or hotplug retry (monotonic ms)."""
        first = self.provider.hotplug_due()
        for kb in self._keyboards.values():
            deadline = kb.next_deadline()
            if deadline is not None and (first is None or deadline < first):
                first = deadline
        return None if first is None else float(first)

    # -- commands ------------------------------------------------------------------------
    def _commands(self) -> bool:
        """Run every queued command; False on stop."""
        for cmd in self._inbox.take():
            if isinstance(cmd, Stop):
                return False
            if isinstance(cmd, KeyEvents):
                self._key_events = cmd.wanted
                self._share_key_events()
                continue
            error: BaseException | None = None
            try:
                if isinstance(cmd, Apply):
                    self._configure(cmd.config)
                elif isinstance(cmd, Inject):
                    self._schedule(cmd.device_id, cmd.steps)
                else:
                    self._layering.run(cmd, self._keyboards)
            except HwError as exc:
                error = exc
            self._outbox.flush()  # what the command did is out before its caller hears back
            if cmd.done is not None:
                cmd.done(error)
        return True

    def _configure(self, config: Config) -> None:
        self._config = config
        self._share_key_events()
        if self._panicked:
            self._panicked = False
            self._outbox.set_state("running", f"re-enabled after panic; {len(self._keyboards)} keyboard(s)")
        for dev_id, kb in list(self._keyboards.items()):
            kb.configure(config.for_device(dev_id).enabled, config.profile_for(dev_id))

    def _schedule(self, dev_id: str, steps: Steps) -> None:
        kb = self._keyboards.get(dev_id)
        if kb is None:
            raise UnknownDevice(dev_id)
        if not self.provider.injectable:
            raise NotSupported(f"device {dev_id} is a real keyboard; only virtual ones take injected input")
        kb.inject(steps)

    def _wants_key_events(self) -> bool:
        return self._key_events or self.provider.injectable

    def _share_key_events(self) -> None:
        wanted = self._wants_key_events()
        for kb in self._keyboards.values():
            kb.key_events = wanted

    # -- keyboards come, go and panic ------------------------------------------------------
    def _panic(self, kb: Keyboard) -> None:
        """The combo on one keyboard releases every keyboard, until the API re-enables them."""
        kb.panicked = False
        self._panicked = True
        for other in list(self._keyboards.values()):
            other.grab_at = None
            other.dirty = True
            if other.grabbed:
                other.ungrab("panic")
        self._outbox.set_state("panic", f"panic combo (Backspace+Escape+Enter) on {kb.info.name}: every "
                               "keyboard released; re-enable through the API (activate a profile or "
                               "enable a device)")

    def _hotplug(self) -> None:
        added, removed = self.provider.hotplug()
        for dev_id in removed:
            self._detach(dev_id, "unplugged", disconnected=True)
        for info, source in added:
            self._detach(info.id, "replaced", disconnected=True)  # came back before we saw it go
            self._attach(info, source)

    def _attach(self, info: DeviceInfo, source: Source) -> None:
        profile: CompiledProfile | None = self._config.profile_for(info.id)
        kb = Keyboard(info, source, self._engine_factory(profile), profile, outbox=self._outbox.pending,
                      make_sink=self.provider.make_sink, grab_wait_ms=self._grab_wait_ms,
                      key_events=self._wants_key_events())
        self._keyboards[info.id] = kb
        self._layering.attached(kb)
        self._dirty = True
        self._outbox.pending.append(DeviceChange("device.connected", info))
        if self._config.for_device(info.id).enabled and not self._panicked:
            kb.grab("enabled")

    def _detach(self, dev_id: str, reason: str, *, disconnected: bool) -> None:
        self._dirty = True
        kb = self._keyboards.pop(dev_id, None)
        if kb is None:
            return
        try:
            kb.close(reason, gone=disconnected)
        finally:
            if disconnected:
                gone = replace(kb.info, connected=False, grabbed=False)
                self._outbox.pending.append(DeviceChange("device.disconnected", gone))


__all__ = ["GRAB_WAIT_MS", "Loop"]

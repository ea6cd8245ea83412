"""The remap loop: one native thread that selects over every keyboard, the commands and hotplug.

A `Provider` finds sources, watches for hotplug and makes sinks; each keyboard is a `Keyboard`
(grab, read, remap, release), and `Keyboards` is their table (attach, detach, hotplug, panic,
configuration); the loop owns the thread, the select set, the `Inbox` of commands, timers, sleep
and the `Outbox` (events out, snapshot for other threads).
The virtual and the evdev backends share every line of it.

A key press: select wakes on the source's fd → `Keyboard.read` → the engine → the keyboard's
`Output` (one write per frame) → at the end of the round the `Outbox` publishes what happened.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from .capture import Capture, CaptureDone
from .errors import HwError
from .inbox import Apply, CaptureKey, Done, Inbox, Inject, KeyEvents, LayerCommand, SetFocus, Steps, Stop, VirtualKey
from .keyboards import Keyboards
from .native import NativeEvent, now_ms
from .outbox import Outbox
from .ports import EngineFactory, Provider
from .priority import KeyPriority
from .tuning import RT_PRIORITY, SWITCH_INTERVAL, run_realtime, shorten_switch_interval
from .types import Config, DeviceInfo, HwState, Natives, Publish

log = logging.getLogger("keyrx.hw")

GRAB_WAIT_MS = 2000.0  # how long to wait for held keys to be released before grabbing anyway
SLEPT_MS = 1000.0  # the boot clock ran this far ahead of the monotonic one: the machine slept
_Watch = tuple[list[int], dict[int, tuple[str, bool]], int | None]


class Loop:
    """Owns the native thread and the keyboards. `realtime=True` (real keyboards): at start, a
    shorter GIL switch interval for the whole process and SCHED_FIFO for the thread (`hw/tuning.py`);
    `switch_interval`/`rt_priority` hold what will be applied (None: left as is)."""

    def __init__(self, provider: Provider, engine_factory: EngineFactory,
                 key_name: Callable[[int], str] = str, natives: Natives | None = None,
                 grab_wait_ms: float = GRAB_WAIT_MS, realtime: bool = False) -> None:
        self.provider = provider
        self._natives = natives or Natives.stdlib()
        self.switch_interval: float | None = SWITCH_INTERVAL if realtime else None
        self.rt_priority: int | None = RT_PRIORITY if realtime else None
        self._inbox = Inbox(self._natives)
        self._capture = Capture()  # the pending key capture, if any
        self._watch: _Watch = ([], {}, None)
        self._outbox = Outbox(provider.name, self._natives.allocate_lock(), key_name)
        self._keyboards = Keyboards(provider, engine_factory, self._outbox, self._capture, grab_wait_ms)
        self.layer_state = self._outbox.layer_state  # a keyboard's layer state, from any thread
        self._stopped = NativeEvent(self._natives)
        self._ready = NativeEvent(self._natives)
        self._asleep = self._natives.asleep_ms()  # time spent in suspend so far, as last seen
        self.priority = KeyPriority(self._natives)  # the server gives way to unread keys (hw/priority.py)

    # -- called from any thread ------------------------------------------------------
    def start(self, publish: Publish, config: Config | None = None, timeout: float = 5.0) -> None:
        """Start the thread and wait (bounded) until it has found its devices."""
        self._outbox.publish = publish
        if config is not None:
            self._keyboards.config = config
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

    def capture(self, device_id: str | None, timeout_ms: float, done: CaptureDone) -> None:
        """Pick the next new press on a grabbed keyboard, consumed; `done` gets it (hw/capture.py)."""
        self._inbox.send(CaptureKey(device_id, timeout_ms, done))

    def control(self, cmd: SetFocus | LayerCommand | VirtualKey) -> None:
        """Focus, layer operations and virtual keys (hw/layering.py); `cmd.done` when run."""
        self._inbox.send(cmd)

    def give_way(self) -> bool:
        """From the server's thread, between pieces of its work: if a keyboard has input the loop
        has not read, wait (bounded) until it has; True if it waited (hw/priority.py)."""
        return self.priority.give_way()

    def set_key_events(self, wanted: bool) -> None:
        """Publish a `key` event per input key, or stop (the virtual backend always does)."""
        self._inbox.send(KeyEvents(wanted))

    # -- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        run_realtime(self.rt_priority)
        keyboards = self._keyboards
        try:
            self.provider.open()
            for info, source in self.provider.scan():
                keyboards.attach(info, source)
            self._outbox.set_state("running", f"{len(keyboards.by_id)} keyboard(s)")
            keyboards.pointer.ensure_for(keyboards.config)
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
                keyboards.detach_all("shutdown")
            finally:
                self.provider.close()
                self.priority.close()
                self._inbox.close()  # nothing takes commands any more: answer them
                self._outbox.flush()
                if self._outbox.state().state in ("running", "starting", "panic"):
                    self._outbox.set_state("stopped", "stopped")
                self._stopped.set()

    def _watched(self) -> _Watch:
        """The fds to select on, each with (device id, is-output): rebuilt when something changed."""
        if self._keyboards.take_dirty():
            fds: dict[int, tuple[str, bool]] = {}
            for dev_id, kb in self._keyboards.by_id.items():
                fd, out = kb.input_fd(), kb.output_fd()
                if fd is not None:
                    fds[fd] = (dev_id, False)
                if out is not None:
                    fds[out] = (dev_id, True)
            hp = self.provider.hotplug_fd()
            self._watch = ([self._inbox.fd, *fds] + ([hp] if hp is not None else []), fds, hp)
            self.priority.watch(fd for fd, (_, output) in fds.items() if not output)
        return self._watch

    def _serve(self) -> None:
        keyboards = self._keyboards
        while True:
            watch, fds, hp = self._watched()
            due = keyboards.first_deadline(self._capture.sooner(self.provider.hotplug_due()))
            timeout = None if due is None else max(0.0, (due - now_ms()) / 1000.0)
            readable, _, _ = self._natives.select(watch, [], [], timeout)
            if self._natives.asleep_ms() - self._asleep > SLEPT_MS:  # before the input that woke us
                self._resume()
            if self._inbox.fd in readable:
                due = -1.0  # a command may have scheduled something for now
                if not self._commands():
                    return
            read = False
            for ready in readable:
                dev_id, output = fds.get(ready, ("", False))
                kb = keyboards.by_id.get(dev_id)
                if kb is not None and output:
                    kb.feedback()
                elif kb is not None:
                    keyboards.read(kb)
                    read = True
            self.priority.served(read)
            if due is not None and due <= now_ms():  # timers and retries: only when one is due
                retry = self.provider.hotplug_due()
                if retry is not None and retry <= now_ms():
                    keyboards.hotplug()
                keyboards.tick(now_ms())
            if hp is not None and hp in readable:
                keyboards.hotplug()
            if self._outbox.pending:
                self._outbox.flush()

    def _resume(self) -> None:
        """The machine slept: let go of what keys and timers held, say so, then look again."""
        self._asleep, before = self._natives.asleep_ms(), self._outbox.state()
        self._capture.slept(self._keyboards.by_id)
        self._keyboards.slept(now_ms())
        self._outbox.set_state("suspended", "the machine slept: held keys released, pending keys dropped")
        self.provider.rescan()  # resynchronised above from the kernel's key state; now the devices
        self._keyboards.hotplug()
        resumed = f"resumed; {len(self._keyboards.by_id)} keyboard(s)"  # a panic stays as it was
        self._outbox.set_state(before.state, resumed if before.state == "running" else before.detail)

    def _commands(self) -> bool:
        """Run every queued command; False on stop."""
        keyboards = self._keyboards
        for cmd in self._inbox.take():
            if isinstance(cmd, Stop):
                return False
            if isinstance(cmd, KeyEvents):
                keyboards.set_key_events(cmd.wanted)
                continue
            if isinstance(cmd, CaptureKey):
                self._capture.begin(cmd.device_id, now_ms() + cmd.timeout_ms, cmd.done, keyboards.by_id)
                continue
            error: BaseException | None = None
            try:
                if isinstance(cmd, Apply):
                    keyboards.configure(cmd.config)
                elif isinstance(cmd, Inject):
                    keyboards.inject(cmd.device_id, cmd.steps)
                else:
                    keyboards.layering.run(cmd, keyboards.by_id)
            except HwError as exc:
                error = exc
            self._outbox.flush()  # what the command did is out before its caller hears back
            if cmd.done is not None:
                cmd.done(error)
        return True


__all__ = ["GRAB_WAIT_MS", "Loop"]

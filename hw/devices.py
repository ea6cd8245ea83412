"""Real keyboards through evdev: discovery, identity, hotplug and one uinput output per keyboard.

The only module that imports evdev; every OSError it meets becomes an `HwError` here, including
those of the objects it hands out: a keyboard is an `EvdevSource`, its output a `FrameSink`.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import evdev
from evdev import ecodes

from .adapter import EvdevSource, FrameSink
from .errors import HwError, NotSupported
from .identity import device_id
from .inotify import Inotify
from .kinds import kind_of, remapper_output
from .native import now_ms
from .ports import Sink, Source
from .types import DeviceInfo, Kind

log = logging.getLogger("keyrx.hw")

OUTPUT_PREFIX = "KeyRx: "  # our output devices are named "KeyRx: <source name>"
PHYS_PREFIX = "keyrx/"  # ... and carry the source's phys behind this prefix
POINTER_NAME, POINTER_PHYS = "KeyRx pointer", "keyrx/pointer"  # the one pointer output (hw/pointer.py)
POINTER_BUTTONS = list(range(0x110, 0x118))  # BTN_LEFT .. BTN_TASK
POINTER_AXES = [0x00, 0x01, 0x06, 0x08, 0x0B, 0x0C]  # REL_X, REL_Y, REL_HWHEEL, REL_WHEEL and hi-res
MOUSE_AXES = [0x00, 0x01, 0x06, 0x08]  # what a mouse's output adds (hi-res only if the mouse has it)
RETRY_MS = (10.0, 30.0, 100.0, 250.0, 500.0, 1000.0, 2000.0)  # udev sets permissions a bit later
# every key code a remap may output; button ranges are left out so the output stays a keyboard
OUTPUT_KEYS = (*range(1, 0x100), *range(0x160, 0x2c0))
BUS_NAMES = {0x01: "pci", 0x03: "usb", 0x05: "bluetooth", 0x06: "virtual", 0x11: "i8042",
             0x19: "host"}
NO_ACCESS = ("no read access to the input devices in {dir}: run KeyRx as root, or install the "
             "udev rules (keyrx service install) and add the user to the 'input' group; "
             "keyrx doctor says what is missing")

Opener = Callable[[str], Any]
UInputFactory = Callable[..., Any]


def describe(dev: Any, kind: Kind = "keyboard") -> DeviceInfo:
    """The identity of an open device (API.md §2)."""
    info = dev.info
    bus = BUS_NAMES.get(info.bustype, f"{info.bustype:04x}")
    vendor, product = f"{info.vendor:04x}", f"{info.product:04x}"
    name, phys, uniq = dev.name or "", dev.phys or "", dev.uniq or ""
    return DeviceInfo(id=device_id(bus, vendor, product, uniq, phys, kind), name=name,
                      path=dev.path, bus=bus, vendor=vendor, product=product, phys=phys, uniq=uniq,
                      kind=kind, skip_reason=remapper_output(info.vendor, name, phys))


class EvdevProvider:
    """Finds keyboards in /dev/input, follows hotplug there and makes their uinput outputs."""

    name = "evdev"
    injectable = False

    def __init__(self, input_dir: str = "/dev/input", *, opener: Opener | None = None,
                 uinput: UInputFactory | None = None, sys_dir: str = "/sys/class/input") -> None:
        self.input_dir = input_dir
        self._open = opener or evdev.InputDevice
        self._uinput: UInputFactory = uinput or evdev.UInput
        self._sys_dir = sys_dir
        self._inotify: Inotify | None = None
        self._paths: dict[str, str] = {}  # node path -> device id, for what we handed out
        self._retry: dict[str, tuple[int, float]] = {}  # node path -> (attempt, due ms)
        self._own: set[str] = set()  # node paths of our output devices
        self._reopen: set[str] = set()  # node paths handed out that failed: probed again when due
        self._rescan = False

    # -- lifecycle -------------------------------------------------------------------
    def open(self) -> None:
        """Start watching the input directory (before the scan, so no node slips between)."""
        try:
            self._inotify = Inotify(self.input_dir)
        except OSError as exc:
            raise HwError(f"cannot watch {self.input_dir} for keyboards: {exc.strerror or exc}") from exc

    def close(self) -> None:
        """Stop watching."""
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None

    # -- discovery -------------------------------------------------------------------
    def scan(self) -> list[tuple[DeviceInfo, Source]]:
        """Every keyboard there now; unavailable if none can be read for lack of permission."""
        found, denied = [], 0
        for path in self._nodes():
            try:
                hit = self._probe(path)
            except PermissionError:
                denied += 1
                continue
            if hit is not None:
                found.append(hit)
        if denied and not found:
            raise HwError(NO_ACCESS.format(dir=self.input_dir))
        if denied:
            log.warning("%d input node(s) in %s could not be read (permissions)", denied, self.input_dir)
        return found

    def _nodes(self) -> list[str]:
        try:
            names = os.listdir(self.input_dir)
        except FileNotFoundError:
            return []  # no input subsystem at all: nothing to grab, yet
        except OSError as exc:
            raise HwError(f"cannot list {self.input_dir}: {exc.strerror or exc}") from exc
        return sorted((os.path.join(self.input_dir, n) for n in names if n.startswith("event")),
                      key=_node_order)

    def _probe(self, path: str) -> tuple[DeviceInfo, Source] | None:
        """Open a node; keep it if it has keys and isn't ours. PermissionError propagates."""
        try:
            dev = self._open(path)
        except PermissionError:
            raise
        except OSError as exc:
            log.info("skipping %s: %s", path, exc.strerror or exc)
            return None
        try:
            kind = kind_of(dev.capabilities(absinfo=False))
            if self._is_ours(path, dev) or kind is None:
                dev.close()
                return None
            info = describe(dev, kind)
        except OSError as exc:  # gone between open and ioctl
            dev.close()
            log.info("skipping %s: %s", path, exc.strerror or exc)
            return None
        if info.id in self._paths.values():  # a second keyboard node of one device: keep ids unique
            info = replace(info, id=device_id(info.bus, info.vendor, info.product, info.uniq,
                                              info.phys + "#" + _node_name(path), info.kind))
        self._paths[path] = info.id
        return info, EvdevSource(dev)

    def _is_ours(self, path: str, dev: Any) -> bool:
        if path in self._own:
            return True
        named = (dev.name or "").startswith((OUTPUT_PREFIX, POINTER_NAME)) or \
            (dev.phys or "").startswith(PHYS_PREFIX)
        return named and self._virtual(path) is not False

    def _virtual(self, path: str) -> bool | None:
        """Whether the node's sysfs device is virtual (uinput); None when sysfs doesn't say."""
        link = os.path.join(self._sys_dir, _node_name(path), "device")
        if not os.path.exists(link):
            return None
        return os.path.realpath(link).startswith("/sys/devices/virtual/")

    # -- hotplug ---------------------------------------------------------------------
    def hotplug_fd(self) -> int | None:
        """The inotify fd, readable when nodes come and go."""
        return self._inotify.fd if self._inotify is not None else None

    def hotplug_due(self) -> float | None:
        """When the next node that was not ready should be tried again."""
        if not self._retry:
            return None
        return min(due for _, due in self._retry.values())

    def rescan(self) -> None:
        """Have the next `hotplug` compare with every node there now (after the machine slept)."""
        self._rescan = True

    def retry(self, dev_id: str, after_ms: float) -> None:
        """A keyboard handed out failed: open its node again in `after_ms` (till then, ours to report gone)."""
        for path, known in self._paths.items():
            if known == dev_id:
                self._reopen.add(path)
                self._retry[path] = (len(RETRY_MS), now_ms() + after_ms)  # unreadable then: said, not retried

    def hotplug(self) -> tuple[list[tuple[DeviceInfo, Source]], list[str]]:
        """New keyboards and the ids of vanished ones, from inotify events and due retries."""
        added: list[tuple[DeviceInfo, Source]] = []
        removed: list[str] = []
        now = now_ms()
        changes = self._inotify.read() if self._inotify is not None else []
        if self._rescan:
            self._rescan, changes = False, [("", "overflow"), *changes]
        for name, change in changes:
            if change == "overflow":  # events were lost: compare with what is there now
                gone = [p for p in self._paths if not os.path.exists(p)]
                removed += [self._paths.pop(p) for p in gone]
                self._reopen.difference_update(gone)
                for path in self._nodes():
                    if path not in self._paths:
                        self._retry[path] = (0, now)
                continue
            if not name.startswith("event"):
                continue
            path = os.path.join(self.input_dir, name)
            if change == "delete":
                self._retry.pop(path, None)
                self._reopen.discard(path)
                self._own.discard(path)
                if path in self._paths:
                    removed.append(self._paths.pop(path))
            elif change == "create" or path not in self._paths:
                if change == "create" and path in self._paths:  # a new device on a known path
                    removed.append(self._paths.pop(path))
                self._retry[path] = (0, now)
        for path, (attempt, due) in list(self._retry.items()):
            if due <= now:
                self._try(path, attempt, now, added)
        return added, removed

    def _try(self, path: str, attempt: int, now: float, added: list[tuple[DeviceInfo, Source]]) -> None:
        del self._retry[path]
        reopen = path in self._reopen
        self._reopen.discard(path)
        if path in self._paths and not reopen:
            return
        known = self._paths.pop(path, None)
        try:
            hit = self._probe(path)
        except PermissionError:
            hit = None
            if attempt < len(RETRY_MS):
                self._retry[path] = (attempt + 1, now + RETRY_MS[attempt])
            else:
                log.warning("%s stayed unreadable: %s", path, NO_ACCESS.format(dir=self.input_dir))
        if hit is not None:
            added.append(hit)
        elif known is not None:
            self._paths[path] = known  # it did not open again: still ours to report gone

    # -- output ----------------------------------------------------------------------
    def make_sink(self, info: DeviceInfo, source: Source) -> Sink:
        """A uinput device standing in for the keyboard: its name, ids and (prefixed) phys."""
        if not isinstance(source, EvdevSource):
            raise NotSupported(f"{info.name} is not an evdev device")
        dev = source.device
        props = {"input_props": dev.input_props()} if info.kind == "pointer" else {}  # touchpads
        try:
            ui = self._uinput(_output_caps(dev, info.kind), name=f"{OUTPUT_PREFIX}{info.name}"[:79],
                              vendor=int(info.vendor, 16), product=int(info.product, 16),
                              version=dev.info.version, bustype=dev.info.bustype,
                              phys=f"{PHYS_PREFIX}{info.phys}"[:63], **props)
        except (OSError, evdev.UInputError) as exc:
            raise HwError(f"cannot create the output device for {info.name}: {exc}; check that "
                          "/dev/uinput exists and is writable (modprobe uinput; the udev rules of keyrx service "
                          "install and the 'uinput' group; keyrx doctor says what is missing)"
                          ) from exc
        return self._own_sink(ui)

    def make_pointer(self) -> Sink:
        """The `KeyRx pointer` device: mouse buttons, motion and both wheels with hi-res."""
        try:
            ui = self._uinput({ecodes.EV_KEY: POINTER_BUTTONS, ecodes.EV_REL: POINTER_AXES},
                              name=POINTER_NAME, phys=POINTER_PHYS, vendor=0, product=0, bustype=0x06)
        except (OSError, evdev.UInputError) as exc:
            raise HwError(f"cannot create the pointer device: {exc}; check that /dev/uinput is writable") from exc
        return self._own_sink(ui)

    def _own_sink(self, ui: Any) -> Sink:
        """A uinput device of ours as a sink; its node is never taken as a keyboard."""
        node = getattr(getattr(ui, "device", None), "path", None)
        if isinstance(node, str):
            self._own.add(node)
        return FrameSink(ui)


def _output_caps(dev: Any, kind: Kind = "keyboard") -> dict[int, list[Any]]:
    """The keyboard's capabilities (minus repeat, which we emit ourselves) plus every key; a
    relative mouse's (hw/mice.py) plus the pointer device's buttons and low-res axes too, so its
    remapped buttons and a profile's motion reach the desktop on it (a touchpad or tablet, with
    absolute axes, keeps its own buttons: libinput reads more into them)."""
    caps: dict[int, list[Any]] = {}
    for etype, codes in dev.capabilities(absinfo=True).items():
        if etype in (ecodes.EV_SYN, ecodes.EV_REP, ecodes.EV_FF):
            continue
        caps[etype] = list(codes)
    mouse = kind == "pointer" and ecodes.EV_ABS not in caps
    caps[ecodes.EV_KEY] = sorted(set(caps.get(ecodes.EV_KEY, [])) | set(OUTPUT_KEYS) |
                                 set(POINTER_BUTTONS if mouse else ()))
    if mouse:
        caps[ecodes.EV_REL] = sorted(set(caps.get(ecodes.EV_REL, [])) | set(MOUSE_AXES))
    return caps


def _node_name(path: str) -> str:
    return os.path.basename(path)


def _node_order(path: str) -> tuple[int, str]:
    tail = _node_name(path)[len("event"):]
    return (int(tail), path) if tail.isdigit() else (1 << 30, path)


__all__ = ["OUTPUT_PREFIX", "PHYS_PREFIX", "EvdevProvider", "describe"]

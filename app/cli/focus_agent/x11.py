"""The X11 backend: the root window's _NET_ACTIVE_WINDOW (set by any EWMH window manager), then the
active window's WM_CLASS and _NET_WM_NAME, following its title as it changes. Two `xprop -spy`
processes (x11-utils) deliver the PropertyNotify changes as lines: one on the root window, one on
the active window, replaced at each focus change. Restarted with backoff when the display goes."""
from __future__ import annotations

import os
import re
import selectors
import subprocess
import time
from collections.abc import Iterator

from . import Window, Windows

RETRY_S = (0.5, 1.0, 2.0, 5.0)
_ACTIVE = re.compile(r"window id # (0x[0-9a-fA-F]+)")
_VALUE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _values(line: str) -> list[str]:
    return [v.encode().decode("unicode_escape", "replace") if "\\" in v else v for v in _VALUE.findall(line)]


def x11_window(window_id: str) -> Window | None:
    """WM_CLASS (its class part) and _NET_WM_NAME (else WM_NAME) of a window, read with xprop."""
    if int(window_id, 16) == 0:
        return None
    out = subprocess.run(["xprop", "-id", window_id, "WM_CLASS", "_NET_WM_NAME", "WM_NAME"],
                         capture_output=True, text=True, timeout=2).stdout
    props = {line.split("(", 1)[0].split(":", 1)[0].strip(): _values(line) for line in out.splitlines()}
    classes = props.get("WM_CLASS") or [""]
    title = (props.get("_NET_WM_NAME") or props.get("WM_NAME") or [""])[0]
    return Window(classes[-1], title)


def _spy(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["xprop", "-spy", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        proc.wait()
    if proc is not None and proc.stdout is not None:
        proc.stdout.close()


def _lines(sel: selectors.BaseSelector, pending: dict[int, bytes]) -> Iterator[tuple[int, str | None]]:
    """(fd, line) for each whole line any registered pipe printed; (fd, None) at its end. Unbuffered
    reads, so a line never waits in a buffer that select() cannot see."""
    while True:
        for key, _ in sel.select():
            fd = key.fd
            chunk = os.read(fd, 65536)
            if not chunk:
                sel.unregister(fd)
                yield fd, None
                continue
            *whole, pending[fd] = (pending.get(fd, b"") + chunk).split(b"\n")
            for raw in whole:
                yield fd, raw.decode("utf-8", "replace")


def _follow(sel: selectors.BaseSelector) -> Windows:
    """One session with the display: until the root spy ends."""
    root = _spy("-root", "_NET_ACTIVE_WINDOW")
    assert root.stdout is not None
    root_fd = root.stdout.fileno()
    sel.register(root_fd, selectors.EVENT_READ)
    win: subprocess.Popen[bytes] | None = None
    current: Window | None = None
    last: Window | None | bool = False
    try:
        for fd, line in _lines(sel, {}):
            if line is None:
                if fd == root_fd:
                    return
                continue
            if fd == root_fd:
                match = _ACTIVE.search(line)
                if match is None:
                    continue
                if win is not None and win.stdout is not None:
                    if win.stdout.fileno() in sel.get_map():
                        sel.unregister(win.stdout.fileno())
                    _stop(win)
                    win = None
                current = x11_window(match.group(1))
                if current is not None:
                    win = _spy("-id", match.group(1), "_NET_WM_NAME")
                    assert win.stdout is not None
                    sel.register(win.stdout.fileno(), selectors.EVENT_READ)
            elif current is not None and line.startswith("_NET_WM_NAME") and _values(line):
                current = Window(current.app_id, _values(line)[0])
            if current != last:
                last = current
                yield current
    finally:
        for proc in (root, win):
            if proc is not None and proc.stdout is not None and proc.stdout.fileno() in sel.get_map():
                sel.unregister(proc.stdout.fileno())
            _stop(proc)


def from_x11() -> Windows:
    """The focused window as the window manager sets it, title changes included."""
    attempt = 0
    while True:
        started = time.monotonic()
        with selectors.DefaultSelector() as sel:
            yield from _follow(sel)
        if time.monotonic() - started > 10:
            attempt = 0
        time.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
        attempt += 1

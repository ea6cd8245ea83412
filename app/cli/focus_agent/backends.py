"""Desktop backends: each yields the focused window (None: nothing focused) as it changes, and
reconnects to its desktop with backoff when the connection drops. `auto` picks by environment."""
from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

from . import Window, Windows
from .x11 import from_x11

RETRY_S = (0.5, 1.0, 2.0, 5.0)


def from_stdin(stream: IO[str] | None = None) -> Windows:
    """JSON lines `{"app_id", "title"}` (`{"app_id": null}` or `{}`: nothing focused) until EOF."""
    for line in stream or sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            print(f"keyrx focus-agent: skipping a line that is not JSON: {line[:80]!r}", file=sys.stderr)
            continue
        app_id = doc.get("app_id") if isinstance(doc, dict) else None
        yield Window(str(app_id), str(doc.get("title") or "")) if app_id else None


def _lines(argv: list[str]) -> Iterator[str]:
    """Lines a command prints, restarting it with backoff when it ends."""
    attempt = 0
    while True:
        with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                attempt = 0
                yield line
        time.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
        attempt += 1


def _sway_socket() -> str:
    path = os.environ.get("SWAYSOCK") or os.environ.get("I3SOCK")
    if not path:
        raise SystemExit("keyrx focus-agent: neither SWAYSOCK nor I3SOCK is set")
    return path


def _ipc(sock: socket.socket, kind: int, payload: str) -> None:
    data = payload.encode()
    sock.sendall(b"i3-ipc" + struct.pack("=II", len(data), kind) + data)


def _ipc_read(sock: socket.socket) -> tuple[int, Any]:
    head = sock.recv(14, socket.MSG_WAITALL)
    if len(head) < 14:
        raise ConnectionError("sway closed the IPC socket")
    size, kind = struct.unpack("=II", head[6:])
    body = sock.recv(size, socket.MSG_WAITALL) if size else b""
    return kind, json.loads(body or b"null")


def sway_window(container: dict[str, Any]) -> Window:
    """A sway/i3 container's app_id (Wayland) or window class (XWayland, i3), and its name."""
    props = container.get("window_properties") or {}
    return Window(str(container.get("app_id") or props.get("class") or ""), str(container.get("name") or ""))


def from_sway() -> Windows:
    """i3/sway IPC: SUBSCRIBE ["window"]; focus and title events of the focused container."""
    attempt = 0
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(_sway_socket())
                _ipc(sock, 2, '["window"]')  # SUBSCRIBE
                _ipc_read(sock)
                attempt = 0
                while True:
                    kind, event = _ipc_read(sock)
                    if kind & 0x7FFFFFFF == 3 and event.get("change") in ("focus", "title", "close"):
                        container = event.get("container") or {}
                        if event["change"] == "close" and container.get("focused"):
                            yield None
                        elif event["change"] != "close" and container.get("focused"):
                            yield sway_window(container)
        except (OSError, ConnectionError, ValueError):
            time.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
            attempt += 1


def from_hyprland() -> Windows:
    """Hyprland's event socket: `activewindow>>CLASS,TITLE` lines."""
    sig = os.environ.get("HYPRLAND_INSTANCE_SIGNATURE")
    if not sig:
        raise SystemExit("keyrx focus-agent: HYPRLAND_INSTANCE_SIGNATURE is not set")
    runtime = os.environ.get("XDG_RUNTIME_DIR", f"/run/user/{os.getuid()}")
    path = os.path.join(runtime, "hypr", sig, ".socket2.sock")
    if not os.path.exists(path):
        path = f"/tmp/hypr/{sig}/.socket2.sock"
    attempt = 0
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(path)
                attempt = 0
                for line in sock.makefile("r", encoding="utf-8", errors="replace"):
                    name, _, data = line.rstrip("\n").partition(">>")
                    if name == "activewindow":
                        cls, _, title = data.partition(",")
                        yield Window(cls, title) if cls else None
        except OSError:
            pass
        time.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
        attempt += 1


def from_niri() -> Windows:
    """`niri msg --json event-stream`: the windows it knows, and which one has the focus."""
    windows: dict[int, dict[str, Any]] = {}
    focused: int | None = None
    last: Window | None | bool = False
    for line in _lines(["niri", "msg", "--json", "event-stream"]):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if "WindowsChanged" in event:
            windows = {w["id"]: w for w in event["WindowsChanged"]["windows"]}
            focused = next((w["id"] for w in windows.values() if w.get("is_focused")), focused)
        elif "WindowOpenedOrChanged" in event:
            w = event["WindowOpenedOrChanged"]["window"]
            windows[w["id"]] = w
            if w.get("is_focused"):
                focused = w["id"]
        elif "WindowClosed" in event:
            windows.pop(event["WindowClosed"]["id"], None)
        elif "WindowFocusChanged" in event:
            focused = event["WindowFocusChanged"]["id"]
        w = windows.get(focused) if focused is not None else None
        window = Window(str(w.get("app_id") or ""), str(w.get("title") or "")) if w else None
        if window != last:
            last = window
            yield window


def detect() -> str:
    """The backend for this session, from its environment."""
    env = os.environ
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return "hyprland"
    if env.get("SWAYSOCK") or env.get("I3SOCK"):
        return "sway"
    if env.get("NIRI_SOCKET"):
        return "niri"
    desktop = env.get("XDG_CURRENT_DESKTOP", "").lower()
    if "kde" in desktop:
        return "kde"
    if "gnome" in desktop:
        return "gnome"
    if env.get("DISPLAY") and shutil.which("xprop"):
        return "x11"
    return "stdin"


BACKENDS = {"stdin": from_stdin, "x11": from_x11, "sway": from_sway, "hyprland": from_hyprland,
            "niri": from_niri}

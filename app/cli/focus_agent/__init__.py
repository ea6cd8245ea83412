"""The focus agent: watches the desktop's focused window and reports it to the daemon.

Lives here: `agent` (the reporter: debounced PUT /api/focus, reconnect with backoff, DELETE on
exit), and one module per desktop backend, each a generator of `Window`s (None: nothing focused):
`stdin` (JSON lines), `x11` (`xprop -spy` on the root window's _NET_ACTIVE_WINDOW), `sway` (i3/sway
IPC `window` events), `hyprland` (.socket2.sock `activewindow>>`), `niri` (`niri msg --json
event-stream`), `relay` (a local socket the shipped KWin script and GNOME extension write to).
Standard library and `requests` only: the CLI imports this without the server.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """The focused window as a desktop names it."""

    app_id: str
    title: str = ""


Windows = Iterator["Window | None"]
Backend = Callable[[], Windows]

__all__ = ["Backend", "Window", "Windows"]

"""The focus agent: watches the desktop's focused window and reports it to the daemon.

Lives here: `agent` (the reporter: debounced PUT /api/focus, reconnect with backoff, DELETE on
exit), and the desktop backends, each a generator of `Window`s (None: nothing focused):
`backends` (`stdin` JSON lines, sway/i3 IPC `window` events, Hyprland's .socket2.sock
`activewindow>>`, `niri msg --json event-stream`, and `auto` detection) and `x11` (`xprop -spy` on
the root window's _NET_ACTIVE_WINDOW and on the active window's title). KDE and GNOME report from
inside the desktop (contrib/).
Standard library and `requests` only: the CLI imports this without the server.
"""
from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """The focused window as a desktop names it."""

    app_id: str
    title: str = ""


Windows = Generator["Window | None", None, None]
Backend = Callable[[], Windows]

__all__ = ["Backend", "Window", "Windows"]

"""The reporting half of the agent: what a backend sees goes to the daemon, at most one PUT per
50 ms (the last value wins), with reconnects on backoff, and a DELETE when the agent ends."""
from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from . import Window, Windows

log = logging.getLogger("keyrx.focus-agent")

DEBOUNCE_S = 0.05
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)
_END = object()


class Reporter:
    """Sends the latest window to the daemon from its own thread."""

    def __init__(self, url: str, token: str | None, source: str, *, timeout: float = 5.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.url = url.rstrip("/") + "/api/focus"
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"
        self.source = source
        self.timeout = timeout
        self.sleep = sleep
        self.sent = 0
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def offer(self, window: Window | None) -> None:
        """A new focused window (None: nothing); only the latest is sent."""
        self._inbox.put(window)

    def end(self) -> None:
        """No more windows: send what is left, then DELETE."""
        self._inbox.put(_END)

    def run(self) -> None:
        """Send until `end()`: the latest value after each 50 ms quiet slot."""
        pending: Any = None
        have = False
        last_sent = 0.0
        while True:
            wait = None if not have else max(0.0, last_sent + DEBOUNCE_S - time.monotonic())
            try:
                item = self._inbox.get(timeout=wait)
                if item is _END:
                    break
                pending, have = item, True
                continue
            except queue.Empty:
                pass
            self._send(pending)
            have, last_sent = False, time.monotonic()
        if have:
            self._send(pending)
        self._request("DELETE")

    def _send(self, window: Window | None) -> None:
        if window is None:
            self._request("DELETE")
        else:
            self._request("PUT", {"app_id": window.app_id[:256], "title": window.title[:1024],
                                  "source": self.source})

    def _request(self, method: str, body: dict[str, Any] | None = None) -> None:
        for attempt in range(len(BACKOFF_S) + 1):
            try:
                r = self.http.request(method, self.url, json=body, timeout=self.timeout)
                self.sent += 1
                if r.status_code >= 400:
                    log.warning("the daemon answered %s to %s /api/focus", r.status_code, method)
                return
            except requests.RequestException as exc:
                if attempt == len(BACKOFF_S):
                    log.warning("the daemon is unreachable (%s); dropping this focus change", exc)
                    return
                self.sleep(BACKOFF_S[attempt])


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_agent(windows: Windows, reporter: Reporter) -> None:
    """Feed a backend's windows to the reporter until the backend ends, Ctrl-C or SIGTERM (what
    `systemctl --user stop` sends)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    sender = threading.Thread(target=reporter.run, name="keyrx-focus-sender", daemon=True)
    sender.start()
    try:
        for window in windows:
            reporter.offer(window)
    except KeyboardInterrupt:
        pass  # leaving: DELETE below
    finally:
        windows.close()  # a backend's own processes end with it
        reporter.end()
        sender.join(timeout=10)

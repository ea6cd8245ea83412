"""Debian's Chromium driven by Playwright against a real daemon (gunicorn, virtual backend)."""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TOKEN, Daemon, running

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("KEYRX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions"]
TIMEOUT_MS = 15_000  # generous: the machine is shared with other test runs


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/install-test-deps.sh")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    with running(tmp_path) as d:
        yield d


class Page:
    """A browser tab on the daemon that fails the test on any script error or CSP violation."""

    def __init__(self, context: Any, daemon: Daemon) -> None:
        self.context = context
        self.daemon = daemon
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.sockets: list[tuple[str, list[dict[str, Any]]]] = []  # (url, frames received)
        self.page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        frames: list[dict[str, Any]] = []
        self.sockets.append((ws.url, frames))
        ws.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    def _console(self, msg: Any) -> None:
        # a refused WebSocket while the daemon is away and the 4xx answers the tests provoke are
        # expected; every other error is a bug
        expected = ("WebSocket connection", "Failed to load resource: the server responded with a status of 4")
        if msg.type == "error" and not msg.text.startswith(expected):
            self.errors.append(f"console: {msg.text}")

    def open(self, fragment: str = f"#token={TOKEN}", base: str | None = None) -> Any:
        self.page.goto(f"{base or self.daemon.url}/{fragment}")
        return self.page

    def wait_for(self, condition: Callable[[], bool], timeout: float = TIMEOUT_MS / 1000) -> None:
        """Let the page run until `condition` holds (frames arrive while Playwright waits)."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "condition not met in time"
            self.page.wait_for_timeout(20)

    def signed_in(self, base: str | None = None) -> Any:
        """Signed in with the token link, the snapshots loaded and shown."""
        page = self.open(base=base)
        playwright_api.expect(page.locator("#view .view-head")).to_be_visible()
        return page

    def live(self, base: str | None = None) -> Any:
        """Signed in and the live connection up."""
        page = self.signed_in(base)
        playwright_api.expect(page.locator("#live")).to_have_attribute("data-state", "live")
        return page


@pytest.fixture
def ui(browser: Any, daemon: Daemon) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    playwright_api.expect.set_options(timeout=TIMEOUT_MS)
    tab = Page(context, daemon)
    try:
        yield tab
        assert tab.errors == []
    finally:
        context.close()

"""The UI's live connection in headless Chromium: changes from elsewhere, a cut socket, a restart."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Page
from tests.browser.proxy import CuttableProxy
from tests.e2e.conftest import Daemon

pytestmark = pytest.mark.browser


def first_device(d: Daemon) -> str:
    return str(d.get("/api/devices").json()["devices"][0]["id"])


def test_changes_made_elsewhere_appear_without_a_reload(ui: Page) -> None:
    d = ui.daemon
    page = ui.live()
    dev = first_device(d)
    d.patch(f"/api/devices/{dev}", json={"label": "Changed by a script", "enabled": False})
    device = page.locator(f'article.device[data-id="{dev}"]')
    expect(device.locator(".device-title")).to_have_text("Changed by a script")
    expect(device.locator("input.enabled")).not_to_be_checked()
    expect(device.locator(".state-grabbed")).to_have_text("not grabbed")

    page.click("nav a[data-view=profiles]")
    d.post("/api/profiles", json={"name": "fromscript", "layers": {"base": {"a": "b"}}})
    expect(page.locator("tr[data-name=fromscript]")).to_be_visible()
    d.post("/api/profiles/fromscript/activate")
    expect(page.locator("#active-profile")).to_have_text("fromscript")
    expect(page.locator("tr[data-name=fromscript] .badge")).to_have_text("active")

    # an open editor without unsaved edits follows a change made elsewhere
    page.click("tr[data-name=fromscript] a.profile-name")
    expect(page.locator("section.layer[data-layer=base] input.action")).to_have_value("b")
    d.put("/api/profiles/fromscript", json={"layers": {"base": {"a": "c"}}})
    expect(page.locator("section.layer[data-layer=base] input.action")).to_have_value("c")
    assert len(ui.sockets) == 1  # all of it over the first connection


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[tuple[Daemon, CuttableProxy]]:
    d = Daemon(tmp_path)
    proxy = CuttableProxy(d.port)
    d.env["KEYRX_ALLOWED_HOSTS"] = f"127.0.0.1:{proxy.port}"
    d.start()
    try:
        yield d, proxy
    finally:
        proxy.close()
        d.stop()


def test_a_cut_socket_resumes_and_shows_what_it_missed(browser: Any, behind_proxy: Any) -> None:
    d, proxy = behind_proxy
    context = browser.new_context()
    try:
        ui = Page(context, d)
        page = ui.live(base=proxy.url)
        dev = first_device(d)
        proxy.cut()
        expect(page.locator("#live")).to_have_attribute("data-state", "reconnecting")
        d.patch(f"/api/devices/{dev}", json={"label": "Missed 1"})
        d.patch(f"/api/devices/{dev}", json={"label": "Missed 2", "enabled": False})
        proxy.restore()
        expect(page.locator("#live")).to_have_attribute("data-state", "live")
        device = page.locator(f'article.device[data-id="{dev}"]')
        expect(device.locator(".device-title")).to_have_text("Missed 2")
        expect(device.locator("input.enabled")).not_to_be_checked()

        url, frames = ui.sockets[-1]
        assert "since=" in url and "epoch=" in url
        hello = frames[0]
        assert hello["type"] == "hello" and hello["replay"]["count"] >= 2, frames
        assert not any(f["type"] == "resync_required" for f in frames)
        assert ui.errors == []
    finally:
        context.close()


def test_a_daemon_restart_resyncs(ui: Page) -> None:
    d = ui.daemon
    page = ui.live()
    dev = first_device(d)
    d.stop()
    expect(page.locator("#live")).to_have_attribute("data-state", "reconnecting")
    d.start()
    d.patch(f"/api/devices/{dev}", json={"label": "After restart"})
    expect(page.locator(f'article.device[data-id="{dev}"] .device-title')).to_have_text("After restart")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    frames = [f for _, fs in ui.sockets for f in fs]
    assert any(f["type"] == "resync_required" for f in frames)


def test_the_monitor_shows_keys_as_they_are_remapped(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json={"name": "caps", "layers": {"base": {"capslock": "esc"}}})
    d.post("/api/profiles/caps/activate")
    page = ui.live()
    page.click("nav a[data-view=monitor]")
    # the page subscribes to `key` once the monitor is open: wait for the server's answer
    _, frames = ui.sockets[-1]
    ui.wait_for(lambda: any(f["type"] == "topics" and "key" in f["topics"] for f in frames))
    dev = first_device(d)
    r = d.post(f"/api/devices/{dev}/inject", json={"events": [{"key": "capslock", "action": "tap", "at_ms": 0}]})
    assert r.status_code == 202, r.text
    expect(page.locator("ol.monitor li[data-event=key]").first).to_contain_text("capslock")
    expect(page.locator("ol.monitor li[data-event=key]").first).to_contain_text("esc")

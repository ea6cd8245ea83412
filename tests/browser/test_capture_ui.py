"""Picking a physical key in the browser: the Pick button and the simulator's capture box take
raw keys from the daemon (POST /api/capture) while a keyboard is grabbed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Page
from tests.browser.test_keyboard import DEMO, key, key_form, keyboard
from tests.e2e.capture import daemon_probe, disable_second, wait_armed

pytestmark = pytest.mark.browser


def test_pick_takes_the_raw_key_from_a_grabbed_keyboard(ui: Page) -> None:
    one, two = disable_second(ui.daemon)
    page = keyboard(ui)
    form = key_form(page, "b")
    form.locator("button.pick").click()
    expect(form.locator("button.pick")).to_have_text("Press a key…")
    wait_armed(daemon_probe(ui.daemon, two))
    ui.daemon.post(f"/api/devices/{one}/inject", json={"events": [{"key": "f5", "action": "tap"}]})
    expect(form.locator("input.key-input")).to_have_value("f5")
    expect(form.locator(".pick-chip")).to_have_text("from KeyRx Virtual Keyboard 1")
    expect(form.locator(".pick-chip")).to_have_class("pick-chip small daemon")
    expect(key(page, "b")).to_contain_text("f5")


def test_the_simulator_records_raw_keys_while_a_keyboard_is_grabbed(ui: Page) -> None:
    d = ui.daemon
    one, two = disable_second(d)
    d.post("/api/profiles", json=DEMO)
    page = ui.live()
    page.goto(f"{d.url}/#/profiles/demo")
    box = page.locator(".capture")
    expect(box).to_have_attribute("data-mode", "raw")
    expect(box).to_contain_text("raw keys (before remapping)")
    box.click()
    wait_armed(daemon_probe(d, two))
    d.post(f"/api/devices/{one}/inject", json={"events": [{"key": "capslock", "action": "tap"}]})
    expect(page.locator("textarea.script")).to_have_value("d:capslock u:capslock")  # capslock, not esc
    expect(page.locator("ol.output li")).to_have_text(["0 ms↓ esc", "0 ms↑ esc"])
    expect(box).to_contain_text("capslock (raw)")

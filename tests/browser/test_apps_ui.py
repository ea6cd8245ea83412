"""The Applications card, the header's layer chip and focus, and each device's layers, in Chromium
against the real daemon (virtual backend)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Page

pytestmark = pytest.mark.browser

APPS = {"name": "apps", "layers": {"base": {"space": {"layer": "nav"}}, "term": {"f1": "ctrl+shift+t"},
                                   "browser": {"f1": "ctrl+t"}, "nav": {"h": "left"}},
        "virtual_keys": {"mic": "f20"}}


def test_build_an_apps_rule_by_clicks(ui: Page) -> None:
    d = ui.daemon
    assert d.post("/api/profiles", json=APPS).status_code == 201
    assert d.put("/api/focus", json={"app_id": "kitty", "title": "vim"}).status_code == 200
    page = ui.signed_in()
    page.goto(f"{d.url}/#/profiles/apps")
    card = page.locator("section.card.apps")
    card.locator("button.add-app").click()
    card.locator("button.add-app").click()
    first, second = card.locator(".app-rule").nth(0), card.locator(".app-rule").nth(1)
    first.locator("button.use-current").click()
    expect(first.locator("input.app-id")).to_have_value("kitty")
    first.locator("select.app-layers").select_option(["term", "nav"])
    second.locator("input.app-id").fill("/^(firefox|chromium)$/")
    second.locator("input.app-title").fill("/ - YouTube/")
    second.locator("select.app-layers").select_option(["browser"])
    second.locator("button.up").click()  # reorder: the browser rule first
    page.click("button.save")
    expect(page.locator(".save-state")).to_have_text("Saved · revision 2")
    stored = d.get("/api/profiles/apps").json()
    assert stored["apps"] == [
        {"match": {"app_id": "/^(firefox|chromium)$/", "title": "/ - YouTube/"}, "layers": ["browser"]},
        {"match": {"app_id": "kitty"}, "layers": ["nav", "term"]}]  # chosen together: the profile's order
    assert stored["virtual_keys"] == {"mic": "f20"}  # kept although the editor does not edit it

    # remove a rule; a bad regex and an unknown layer land beside their fields
    card.locator(".app-rule").nth(1).locator("button.remove").click()
    expect(card.locator(".app-rule")).to_have_count(1)
    card.locator("input.app-title").fill("/([/")
    page.click("button.save")
    expect(page.locator('.field[data-path="apps.0.match.title"]')).to_have_class("field invalid")
    expect(page.locator('.field[data-path="apps.0.match.title"] .field-error')).not_to_be_empty()
    assert d.get("/api/profiles/apps").json()["revision"] == 2
    card.locator("input.app-title").fill("")
    page.click("button.save")
    expect(page.locator(".save-state")).to_have_text("Saved · revision 3")
    assert d.get("/api/profiles/apps").json()["apps"] == [{"match": {"app_id": "/^(firefox|chromium)$/"},
                                                           "layers": ["browser"]}]


def test_unknown_layer_error_lands_at_the_layers_field(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json={**APPS, "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]}]})
    page = ui.signed_in()
    page.goto(f"{d.url}/#/profiles/apps")
    page.locator("section.layer[data-layer=term] input.layer-name").fill("terminal")
    page.click("button.save")
    expect(page.locator('.field[data-path="apps.0.layers"] .field-error')).to_contain_text("term")


def test_layer_chip_devices_view_and_focus(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json={**APPS, "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]}]})
    d.post("/api/profiles/apps/activate")
    dev = d.get("/api/devices").json()["devices"][0]["id"]
    page = ui.live()
    chip = page.locator("#layer-chip")
    expect(chip).to_have_text("base")
    card = page.locator(f'article.device[data-id="{dev}"]')
    expect(card.locator(".state-layer")).to_have_text("layers: base")
    assert d.post(f"/api/devices/{dev}/layers", json={"op": "on", "layer": "nav"}).status_code == 200
    expect(chip).to_have_text("base › nav")
    expect(card.locator(".state-layer")).to_have_text("layers: base › nav")

    # the focus topic is opt-in: off, nothing shows; on, the app and its layers
    expect(page.locator("#focus-chip")).to_be_hidden()
    page.check("#show-focus")
    expect(page.locator("#focus-chip")).to_have_text("no window")
    frames = ui.sockets[0][1]  # the daemon confirms the topic before the focus changes
    ui.wait_for(lambda: any(f.get("type") == "topics" and "focus" in f["topics"] for f in frames))
    d.put("/api/focus", json={"app_id": "kitty", "title": "vim"})
    expect(page.locator("#focus-chip")).to_have_text("kitty → term")
    expect(chip).to_have_text("base › term › nav")
    d.delete("/api/focus")
    expect(page.locator("#focus-chip")).to_have_text("no window")
    page.reload()  # the choice is remembered; the chip is filled from GET …/layers at load
    expect(page.locator("#show-focus")).to_be_checked()
    expect(chip).to_have_text("base › nav")

"""The web UI in headless Chromium against the real daemon: sign-in, devices, profiles, editor, simulator."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Page
from tests.e2e.capture import release_all
from tests.e2e.conftest import TOKEN, Daemon

pytestmark = pytest.mark.browser

CODING = {"name": "coding", "description": "caps as ctrl/esc",
          "layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl"}},
                     "nav": {"h": "left", "j": "down"}},
          "combos": [{"keys": ["j", "k"], "action": "esc"}]}


def card(page: Any, daemon: Daemon, index: int) -> Any:
    dev = daemon.get("/api/devices").json()["devices"][index]
    return page.locator(f'article.device[data-id="{dev["id"]}"]'), dev["id"]


def test_sign_in_with_the_token_link_then_without(ui: Page) -> None:
    page = ui.open("")
    expect(page.locator("form.signin")).to_contain_text("keyrx token")
    expect(page.locator("form.signin")).to_contain_text("/var/lib/keyrx/token")
    page.fill("input[name=token]", "wrong-token")
    page.click("form.signin button[type=submit]")
    expect(page.locator("form.signin .field-error")).to_contain_text("not accepted")

    page = ui.signed_in()
    assert "token" not in page.url  # taken out of the address bar and the history entry
    assert page.evaluate("localStorage.getItem('keyrx.token')") == TOKEN
    expect(page.locator("article.device")).to_have_count(2)
    expect(page.locator("article.device").first).to_contain_text("KeyRx Virtual Keyboard 1")
    page.reload()  # remembered: no token in the URL needed now
    expect(page.locator("article.device")).to_have_count(2)
    page.click("#signout")
    expect(page.locator("form.signin")).to_be_visible()
    assert page.evaluate("localStorage.getItem('keyrx.token')") is None


def test_devices_toggle_label_and_profile(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json=CODING)
    page = ui.signed_in()
    first, dev = card(page, d, 0)
    expect(first.locator(".state-grabbed")).to_have_text("grabbed")
    first.locator("label.switch").click()
    expect(first.locator(".state-grabbed")).to_have_text("not grabbed")
    assert d.get(f"/api/devices/{dev}").json()["enabled"] is False

    first.locator("input.label").fill("Desk")
    first.locator("input.label").press("Enter")
    expect(first.locator(".device-title")).to_have_text("Desk")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(dev)) as resp:
        first.locator("select.profile").select_option("coding")
    assert resp.value.status == 200
    expect(first.locator("select.profile")).to_have_value("coding")
    stored = d.get(f"/api/devices/{dev}").json()
    assert (stored["label"], stored["profile"]) == ("Desk", "coding")


def test_profiles_create_rename_activate_export_import_delete(ui: Page, tmp_path: Path) -> None:
    d = ui.daemon
    page = ui.signed_in()
    page.click("nav a[data-view=profiles]")
    page.fill("form.create input[name=name]", "vim")
    page.select_option("form.create select[name=source]", "example:vim-nav")
    page.click("form.create button[type=submit]")
    expect(page.locator("section.layer[data-layer=nav]")).to_be_visible()  # lands in the editor
    assert d.get("/api/profiles/vim").json()["combos"] == [{"keys": ["j", "k"], "action": "esc"}]

    page.click("a[href='#/profiles']")
    page.fill("form.create input[name=name]", "vim2")
    page.select_option("form.create select[name=source]", "copy:vim")
    page.click("form.create button[type=submit]")
    expect(page.locator("section.layer[data-layer=nav]")).to_be_visible()
    assert d.get("/api/profiles/vim2").json()["layers"] == d.get("/api/profiles/vim").json()["layers"]

    page.click("a[href='#/profiles']")
    row = page.locator("tr[data-name=vim2]")
    page.once("dialog", lambda dialog: dialog.accept("laptop"))
    row.locator("button.rename").click()
    expect(page.locator("tr[data-name=laptop]")).to_be_visible()
    page.locator("tr[data-name=laptop] button.activate").click()
    expect(page.locator("#active-profile")).to_have_text("laptop")
    assert d.get("/api/active-profile").json() == {"name": "laptop"}

    with page.expect_download() as download:
        page.locator("tr[data-name=vim] button.export").click()
    exported = tmp_path / "vim.json"
    download.value.save_as(exported)
    body = json.loads(exported.read_text())
    assert body["name"] == "vim" and "revision" not in body and body["layers"]["nav"]["h"] == "left"

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr[data-name=vim] button.delete").click()
    expect(page.locator("tr[data-name=vim]")).to_have_count(0)
    assert d.get("/api/profiles/vim").status_code == 404
    page.set_input_files("form.create input[type=file]", str(exported))
    expect(page.locator("section.layer[data-layer=nav]")).to_be_visible()
    assert d.get("/api/profiles/vim").json()["layers"] == body["layers"]


def test_a_bad_edit_shows_the_error_at_its_field(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json=CODING)
    page = ui.signed_in()
    page.goto(f"{d.url}/#/profiles/coding")
    base = page.locator("section.layer[data-layer=base]")
    base.locator("input.key").first.fill("capslok")
    nav = page.locator("section.layer[data-layer=nav]")
    nav.locator("input.action").first.fill('{"tap": "escc", "hold": "leftctrl"}')
    page.fill("input.setting-tap_hold_ms", "0")
    page.click("button.save")

    row = base.locator('tr[data-path="layers.base.capslok"]')
    expect(row).to_have_class("mapping invalid")
    expect(row.locator(".key-cell .field-error")).to_contain_text("unknown key 'capslok' (did you mean 'capslock'?)")
    nav_row = nav.locator('tr[data-path="layers.nav.h"]')
    expect(nav_row.locator(".action-cell .field-error")).to_contain_text("unknown key 'escc'")
    expect(page.locator('.field[data-path="settings.tap_hold_ms"] .field-error')).to_contain_text("integer")
    expect(page.locator(".problems")).to_contain_text("3 problems")
    assert d.get("/api/profiles/coding").json()["revision"] == 1  # nothing stored

    # a local mistake is caught before the daemon is asked
    base.locator("input.key").first.fill("capslock")
    nav.locator("input.action").first.fill("{oops")
    page.fill("input.setting-tap_hold_ms", "")
    page.click("button.save")
    expect(nav_row).to_contain_text("not valid JSON")
    nav.locator("input.action").first.fill("home")
    page.click("button.save")
    expect(page.locator(".save-state")).to_have_text("Saved · revision 2")
    assert d.get("/api/profiles/coding").json()["layers"]["nav"]["h"] == "home"


def test_the_simulator_runs_the_edited_profile(ui: Page) -> None:
    d = ui.daemon
    d.post("/api/profiles", json=CODING)
    release_all(d)  # none grabbed: the capture box takes the browser's keys
    page = ui.signed_in()
    page.goto(f"{d.url}/#/profiles/coding")
    page.fill("textarea.script", "d:capslock t:300 d:c u:c u:capslock")
    page.click("button.run")
    out = page.locator("ol.output li")
    expect(out).to_have_text(["200 ms↓ leftctrl", "300 ms↓ c", "300 ms↑ c", "300 ms↑ leftctrl"])
    expect(page.locator(".timeline .lane")).to_have_count(2)

    # unsaved edits count: capslock becomes a plain "a"
    page.locator("section.layer[data-layer=base] input.action").first.fill("a")
    page.locator(".capture").click()
    page.keyboard.down("CapsLock")
    page.keyboard.up("CapsLock")
    # real key presses: the script records the time between them
    expect(page.locator("textarea.script")).to_have_value(re.compile(r"^d:capslock( t:\d+)? u:capslock$"))
    expect(out).to_have_text([re.compile(r"^0 ms↓ a$"), re.compile(r"^\d+ ms↑ a$")])


def test_status_view(ui: Page) -> None:
    page = ui.signed_in()
    page.click("nav a[data-view=status]")
    expect(page.locator(".hw-state")).to_have_text("running")
    expect(page.locator(".hw-detail")).to_contain_text("virtual · 2 keyboard(s)")
    version = ui.daemon.get("/api/status").json()["version"]
    expect(page.locator(".stat.version .stat-value")).to_have_text(version)
    expect(page.locator(".stat.bus")).to_contain_text("dropped")

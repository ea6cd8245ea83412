"""The editor's Keyboard view in headless Chromium: building actions by clicks, inheritance,
errors at their field, undo/redo, the print sheets, keyboard-only use, picking a key, presses."""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Page
from tests.e2e.capture import release_all

pytestmark = pytest.mark.browser

DEMO = {"name": "demo", "layers": {"base": {"capslock": "esc"}}}


def keyboard(ui: Page, profile: dict[str, Any] = DEMO) -> Any:
    """The editor of `profile`, on its Keyboard tab."""
    ui.daemon.post("/api/profiles", json=profile)
    page = ui.live()
    page.goto(f"{ui.daemon.url}/#/profiles/{profile['name']}")
    page.click("button.keyboard-tab")
    expect(page.locator(".kb-view svg.board")).to_be_visible()
    return page


def key(page: Any, name: str) -> Any:
    return page.locator(f'.kb-view svg [data-key="{name}"]')


def key_form(page: Any, name: str) -> Any:
    """Click a key in the current layer and choose "Key or chord" in its form."""
    key(page, name).click()
    form = page.locator(".action-form")
    expect(form.locator("h2")).to_contain_text(f"{name} in ")
    form.locator("select.action-type").first.select_option("key")
    return form


def set_key(page: Any, name: str, to: str) -> None:
    """Make a key of the current layer type `to`."""
    key_form(page, name).locator("input.key-input").first.fill(to)


def test_a_tap_hold_and_a_nav_layer_built_by_clicks(ui: Page) -> None:
    d = ui.daemon
    page = keyboard(ui)
    expect(key(page, "capslock")).to_contain_text("esc")

    key(page, "capslock").click()
    form = page.locator(".action-form")
    form.locator("select.action-type").first.select_option("taphold")
    form.locator('[data-part=tap] input.key-input').fill("esc")
    form.locator('[data-part=hold] input.key-input').fill("leftctrl")
    form.locator("input.timeout").fill("180")
    expect(key(page, "capslock")).to_contain_text("esc / ⌃")
    expect(form.locator("textarea.action-json")).to_have_value(
        '{"tap": "esc", "hold": "leftctrl", "timeout_ms": 180}')

    page.click("button.add-layer-tab")
    page.fill("input.kb-layer-name", "nav")
    page.press("input.kb-layer-name", "Enter")
    expect(page.locator('.layer-tab[aria-selected=true]')).to_have_text("nav")
    for name, to in (("h", "left"), ("j", "down"), ("k", "up"), ("l", "right")):
        set_key(page, name, to)
    expect(key(page, "h")).to_contain_text("←")
    expect(key(page, "h")).not_to_have_attribute("data-inherited", "base")
    # what nav does not map comes from base, dimmed and saying so
    expect(key(page, "a")).to_have_attribute("data-inherited", "base")
    expect(key(page, "capslock")).to_have_attribute("data-inherited", "base")
    expect(key(page, "capslock")).to_contain_text("esc / ⌃")

    page.click("button.save")
    expect(page.locator(".save-state")).to_have_text("Saved · revision 2")
    stored = d.get("/api/profiles/demo").json()
    assert stored["layers"]["base"]["capslock"] == {"tap": "esc", "hold": "leftctrl", "timeout_ms": 180}
    assert stored["layers"]["nav"] == {"h": "left", "j": "down", "k": "up", "l": "right"}


def test_layers_duplicate_move_rename_and_remove(ui: Page) -> None:
    page = keyboard(ui, {"name": "demo", "layers": {"base": {"space": {"tap": "space", "hold": {"layer": "nav"}}},
                                                    "nav": {"h": "left"}}})
    expect(key(page, "space")).to_contain_text("space / →nav")
    page.click('.layer-tab[data-layer=nav]')
    page.click("button.duplicate-layer")
    expect(page.locator(".layer-tab")).to_have_text(["base", "nav", "nav_copy"])
    page.click("button.move-up")
    expect(page.locator(".layer-tab")).to_have_text(["base", "nav_copy", "nav"])
    page.click('.layer-tab[data-layer=nav]')
    page.fill("input.kb-layer-name", "arrows")
    page.press("input.kb-layer-name", "Enter")
    page.click('.layer-tab[data-layer=base]')
    expect(key(page, "space")).to_contain_text("space / →arrows")  # references follow a rename
    page.click('.layer-tab[data-layer=nav_copy]')
    page.click("button.remove-layer")
    expect(page.locator(".layer-tab")).to_have_text(["base", "arrows"])
    page.click("button.save")
    expect(page.locator(".save-state")).to_have_text("Saved · revision 2")
    stored = ui.daemon.get("/api/profiles/demo").json()["layers"]
    assert stored == {"base": {"space": {"tap": "space", "hold": {"layer": "arrows"}}}, "arrows": {"h": "left"}}


def test_an_invalid_chord_shows_its_error_beside_the_field(ui: Page) -> None:
    page = keyboard(ui)
    form = key_form(page, "a")
    form.locator("button.mod-toggle[data-mod=ctrl]").click()
    form.locator("input.key-input").fill("capslok")
    expect(form.locator("textarea.action-json")).to_have_value('"ctrl+capslok"')
    page.click("button.save")
    field = page.locator('.action-form .key-field[data-path="layers.base.a"]')
    expect(field.locator(".field-error")).to_contain_text("unknown key 'capslok' (did you mean 'capslock'?)")
    expect(field).to_have_class("field key-field invalid")
    assert ui.daemon.get("/api/profiles/demo").json()["revision"] == 1


def test_the_json_box_and_the_form_follow_each_other(ui: Page) -> None:
    page = keyboard(ui)
    key(page, "f1").click()
    form = page.locator(".action-form")
    form.locator("details.advanced summary").click()
    form.locator("textarea.action-json").fill('{"macro": ["h", {"delay_ms": 30}, {"text": "i!"}]}')
    expect(form.locator("select.action-type").first).to_have_value("macro")
    expect(form.locator(".macro-step")).to_have_count(3)
    expect(key(page, "f1")).to_contain_text("⌘…")
    form.locator("button.add-key").click()
    expect(form.locator("textarea.action-json")).to_have_value(
        '{"macro": ["h", {"delay_ms": 30}, {"text": "i!"}, "a"]}')
    form.locator("select.action-type").first.select_option("null")
    expect(key(page, "f1")).to_contain_text("∅")
    form.locator("select.action-type").first.select_option("oneshot")
    expect(key(page, "f1")).to_contain_text("1×⇧")


def test_undo_and_redo(ui: Page) -> None:
    page = keyboard(ui)
    set_key(page, "b", "x")
    expect(key(page, "b")).to_contain_text("x")
    page.click("button.undo")  # the typing
    expect(key(page, "b")).not_to_contain_text("x")
    expect(key(page, "b")).not_to_have_attribute("data-inherited", "base")
    page.click("button.undo")  # the choice of "Key or chord"
    expect(page.locator("button.save")).to_be_disabled()  # back where it was saved
    expect(page.locator("button.undo")).to_be_disabled()
    page.click("button.redo")
    page.click("button.redo")
    expect(key(page, "b")).to_contain_text("x")
    page.locator(".kb-view svg").focus()
    page.keyboard.press("Control+z")
    expect(key(page, "b")).not_to_contain_text("x")
    expect(page.locator("button.redo")).to_be_enabled()
    page.keyboard.press("Control+y")
    expect(key(page, "b")).to_contain_text("x")
    expect(page.locator("button.redo")).to_be_disabled()
    page.keyboard.press("Control+Shift+z")  # nothing more to redo: nothing changes
    expect(page.locator("button.redo")).to_be_disabled()
    expect(page.locator("button.undo")).to_be_enabled()
    expect(key(page, "b")).to_contain_text("x")
    expect(page.locator("button.save")).to_be_enabled()


def test_leaving_with_unsaved_edits_asks_first(ui: Page) -> None:
    page = keyboard(ui)
    set_key(page, "b", "x")
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.click("a[href='#/profiles']")
    assert "unsaved changes" in asked.value.message
    expect(page).to_have_url(re.compile(r"#/profiles/demo$"))  # put back once the question is answered
    expect(key(page, "b")).to_contain_text("x")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("a[href='#/profiles']")
    expect(page.locator("tr[data-name=demo]")).to_be_visible()


def test_the_print_view_has_a_sheet_per_layer(ui: Page) -> None:
    layers = {"base": {"capslock": "esc"}, "nav": {"h": "left"}, "num": {"j": "1"}}
    page = keyboard(ui, {"name": "demo", "layers": layers, "combos": [{"keys": ["j", "k"], "action": "esc"}]})
    page.click("button.print")
    sheets = page.locator(".print-sheets [data-layer-sheet]")
    expect(sheets).to_have_count(3)
    expect(page.locator('[data-layer-sheet=nav] [data-key="h"]')).to_contain_text("←")
    expect(page.locator(".combos-sheet")).to_contain_text("j k")
    page.emulate_media(media="print")
    expect(page.locator(".print-bar")).to_be_hidden()
    expect(page.locator("#view")).to_be_hidden()
    expect(sheets.first).to_be_visible()
    page.emulate_media(media="screen")
    page.click("button.close-print")
    expect(page.locator(".print-sheets")).to_have_count(0)


def test_keyboard_only(ui: Page) -> None:
    page = keyboard(ui)
    page.locator('.kb-view svg g[tabindex="0"]').focus()  # the board's one tab stop: Esc
    page.keyboard.press("ArrowDown")
    expect(key(page, "grave")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(key(page, "tab")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(key(page, "capslock")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(key(page, "a")).to_be_focused()
    page.keyboard.press("Enter")
    form = page.locator(".action-form")
    expect(form.locator("h2")).to_contain_text("a in base")
    expect(form.locator("select.action-type").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".action-form h2")).to_have_count(0)
    expect(key(page, "a")).to_be_focused()


def test_pick_falls_back_to_the_browser_key(ui: Page) -> None:
    # no keyboard is grabbed here, so the browser's keydown is used and labelled as such
    release_all(ui.daemon)
    page = keyboard(ui)
    form = key_form(page, "b")
    form.locator("button.pick").click()
    expect(form.locator("button.pick")).to_have_text("Press a key (Esc cancels)…")
    page.keyboard.press("F5")
    expect(form.locator("input.key-input")).to_have_value("f5")
    expect(form.locator(".pick-chip")).to_have_text("browser key (after remapping)")
    expect(key(page, "b")).to_contain_text("f5")


def test_show_presses_lights_the_pressed_key(ui: Page) -> None:
    d = ui.daemon
    page = keyboard(ui)
    dev = d.get("/api/devices").json()["devices"][0]["id"]
    page.check("input.presses")
    frames = ui.sockets[0][1]
    # the page asks for the `key` topic only now, and the daemon confirms it
    ui.wait_for(lambda: any(f.get("type") == "topics" and "key" in f["topics"] for f in frames))
    d.post(f"/api/devices/{dev}/inject", json={"events": [{"key": "q", "action": "tap", "at_ms": 0}]})
    expect(key(page, "q")).to_have_class("key kind-pass seen")
    page.uncheck("input.presses")
    ui.wait_for(lambda: any(f.get("type") == "topics" and "key" not in f["topics"] for f in frames))
    expect(key(page, "q")).to_have_class("key kind-pass")


@pytest.mark.parametrize("json_text,kind,legend", [
    ('{"layer": "nav", "mods": "ctrl"}', "layermods", "→nav⌃"),
    ('{"layer": "nav", "macro": ["x"]}', "layermacro", "→nav"),
    ('{"swap": "nav"}', "swap", "⇆nav"),
    ('{"clear": true}', "clear", "clr"),
    ('{"repeat_last": true}', "repeat", "↻"),
    ('{"oneshot": {"layer": "nav", "key": "f"}}', "oneshotkey", "f/1×nav"),
])
def test_round_two_layer_actions_have_a_form_entry(ui: Page, json_text: str, kind: str, legend: str) -> None:
    page = keyboard(ui, {"name": "demo", "layers": {"base": {}, "nav": {}}})
    key(page, "f1").click()
    form = page.locator(".action-form")
    form.locator("details.advanced summary").click()
    form.locator("textarea.action-json").fill(json_text)
    expect(form.locator("select.action-type").first).to_have_value(kind)
    expect(key(page, "f1")).to_contain_text(legend)


def test_a_layer_holding_modifiers_built_by_the_form(ui: Page) -> None:
    page = keyboard(ui, {"name": "demo", "layers": {"base": {}, "nav": {"j": "down"}}})
    form = key_form(page, "capslock")
    form.locator("select.action-type").first.select_option("layermods")
    form.locator("input.mods").fill("ctrl+shift")
    expect(form.locator("textarea.action-json")).to_have_value('{"layer": "nav", "mods": "ctrl+shift"}')
    page.click("button.save")
    expect(page.locator("button.save")).to_be_disabled()
    stored = ui.daemon.get("/api/profiles/demo").json()["layers"]["base"]
    assert stored == {"capslock": {"layer": "nav", "mods": "ctrl+shift"}}


def test_a_combo_hold_is_edited_beside_its_timeout(ui: Page) -> None:
    page = keyboard(ui, {"name": "demo", "layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": "esc"}]})
    page.locator("tr.combo input[aria-label^='Combo hold']").fill("120")
    page.click("button.save")
    expect(page.locator("button.save")).to_be_disabled()
    assert ui.daemon.get("/api/profiles/demo").json()["combos"][0]["hold_ms"] == 120


def test_tap_family_actions_built_by_clicks(ui: Page) -> None:
    """The tap-hold options of round 2, a tap dance, caps word, a leader; hands and sequences as JSON."""
    page = keyboard(ui)
    key(page, "f").click()
    form = page.locator(".action-form")
    form.locator("select.action-type").first.select_option("taphold")
    form.locator("[data-part=tap] input.key-input").fill("f")
    form.locator("[data-part=hold] input.key-input").fill("leftshift")
    form.locator("select.mode").last.select_option("press")
    form.locator("select.on-timeout").last.select_option("tap")
    form.locator("input.prior-idle").last.fill("150")
    form.locator("input.quick-tap").last.fill("120")
    form.locator("input.hand-rule").last.check()
    expect(form.locator("textarea.action-json")).to_have_value(
        '{"tap": "f", "hold": "leftshift", "mode": "press", "on_timeout": "tap", "require_prior_idle_ms": 150, '
        '"quick_tap_ms": 120, "hand_rule": true}')
    form.locator("[data-part=hold] select.action-type").select_option("taphold")
    expect(form.locator("[data-part=hold] .taphold")).to_be_visible()

    key(page, "f1").click()
    form = page.locator(".action-form")
    form.locator("select.action-type").first.select_option("tapdance")
    form.locator("button.add-dance").click()
    form.locator("input.eager").check()
    expect(form.locator("textarea.action-json")).to_have_value('{"tap_dance": ["f1", "esc", "a"], "eager": true}')

    key(page, "capslock").click()
    form = page.locator(".action-form")
    form.locator("select.action-type").first.select_option("capsword")
    form.locator(".capsword input.toggle").check()
    expect(form.locator("textarea.action-json")).to_have_value('{"caps_word": {"toggle": true}}')

    key(page, "f12").click()
    form = page.locator(".action-form")
    form.locator("select.action-type").first.select_option("leader")
    form.locator(".leader input.timeout").fill("800")
    expect(form.locator("textarea.action-json")).to_have_value('{"leader": {"timeout_ms": 800}}')

    page.locator("textarea.sequences-json").fill('[{"keys": ["g", "s"], "action": "esc"}]')
    page.locator("textarea.hands-json").fill('{"left": ["f", "r"], "right": ["j"]}')
    page.click("button.save")
    expect(page.locator(".save-state")).to_contain_text("Saved")
    saved = ui.daemon.get("/api/profiles/demo").json()
    assert saved["sequences"] == [{"keys": ["g", "s"], "action": "esc"}]
    assert saved["hands"] == {"left": ["f", "r"], "right": ["j"]}
    assert saved["layers"]["base"]["f12"] == {"leader": {"timeout_ms": 800}}

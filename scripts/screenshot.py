"""Take docs/screenshot.png, docs/screenshot-editor.png and docs/screenshot-keyboard.png from a daemon
with sample data.

Usage: .venv/bin/python scripts/screenshot.py   (needs chromium and the test extra)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (after the path setup)

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402
from tests.e2e.conftest import TOKEN, Daemon  # noqa: E402

CODING = {"name": "coding", "description": "Caps Lock as Esc/Ctrl, Space for a Vim-style arrow layer",
          "layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl"},
                              "space": {"tap": "space", "hold": {"layer": "nav"}}},
                     "nav": {"h": "left", "j": "down", "k": "up", "l": "right", "u": "pageup",
                             "d": "pagedown"}},
          "combos": [{"keys": ["j", "k"], "action": "esc"}]}
GAMING = {"name": "gaming", "description": "Plain keys; Caps Lock does nothing",
          "layers": {"base": {"capslock": None}}}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Daemon(Path(tmp), KEYRX_VIRTUAL_KEYBOARDS="3")
        d.start()
        try:
            for p in (CODING, GAMING):
                d.post("/api/profiles", json=p)
            d.post("/api/profiles", json={"name": "writing", "description": "Home-row modifiers",
                                          "layers": {"base": {"f": {"tap": "f", "hold": "leftctrl"}}}})
            d.post("/api/profiles/coding/activate")
            devs = [x["id"] for x in d.get("/api/devices").json()["devices"]]
            d.patch(f"/api/devices/{devs[0]}", json={"label": "Desk keyboard"})
            d.patch(f"/api/devices/{devs[1]}", json={"label": "Laptop", "profile": "gaming"})
            d.patch(f"/api/devices/{devs[2]}", json={"label": "Macro pad", "enabled": False})
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 450}, device_scale_factor=1)
                page.goto(f"{d.url}/#token={TOKEN}")
                expect(page.locator("#live")).to_have_attribute("data-state", "live")
                page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
                page.set_viewport_size({"width": 1280, "height": 800})
                page.goto(f"{d.url}/#/profiles/coding")
                page.fill("textarea.script", "d:capslock t:250 d:c u:c u:capslock d:space t:300 d:j u:j u:space")
                page.click("button.run")
                expect(page.locator("ol.output li").first).to_be_visible()
                page.screenshot(path=str(ROOT / "docs" / "screenshot-editor.png"))
                page.click("button.keyboard-tab")  # remembered: later editors open on this tab
                page.click('.kb-view svg [data-key="capslock"]')
                expect(page.locator(".action-form select.action-type").first).to_have_value("taphold")
                page.evaluate("window.scrollTo(0, 0)")
                page.set_viewport_size({"width": 1280, "height": 1040})
                page.screenshot(path=str(ROOT / "docs" / "screenshot-keyboard.png"))
                browser.close()
        finally:
            d.stop()


if __name__ == "__main__":
    main()

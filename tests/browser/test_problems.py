"""When the keyboards can't be reached, the Devices and Status pages say why and what to run."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

import hw
from tests.browser.conftest import TIMEOUT_MS, Page
from tests.e2e.conftest import Daemon, running

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(hw.evdev_problem() is None, reason="this machine can drive real keyboards")]


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    with running(tmp_path, KEYRX_HW_BACKEND="evdev") as d:
        yield d


def test_no_uinput_shows_the_reason_and_the_fix(browser: Any, daemon: Daemon) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(TIMEOUT_MS)
    tab = Page(context, daemon)
    try:
        page = tab.signed_in()
        expect(page.locator(".hw-down")).to_contain_text("/dev/uinput")
        fix = page.locator('.problems-list li[data-check="uinput"] code.fix')
        expect(fix).to_contain_text("modprobe uinput")
        page.click("nav >> text=Status")
        expect(page.locator('.problems-list li[data-check="uinput"]')).to_be_visible()
        assert tab.errors == []
    finally:
        context.close()

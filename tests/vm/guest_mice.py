"""Mice as input on a real kernel: run inside the QEMU guest by tests/vm/test_vm.py, with
guest_scenarios.py. A uinput mouse, enabled through the API, clicks while a home-row tap-hold
is held on the test keyboard: the hold (leftshift) is out before the click."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from evdev import UInput
from evdev import ecodes as e

from tests.vm.guest_scenarios import OUT, read_timed
from tests.vm.kernel import find, keyboard, read, tap

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/uinput"), reason="runs inside the VM")
MOUSE = "Test Mouse"
HOME = {"layers": {"base": {"f": {"tap": "f", "hold": "leftshift"}, "btn_right": "btn_middle"}}}


def mouse() -> UInput:
    caps = {e.EV_KEY: [e.BTN_LEFT, e.BTN_RIGHT, e.BTN_MIDDLE], e.EV_REL: [e.REL_X, e.REL_Y, e.REL_WHEEL]}
    return UInput(caps, name=MOUSE, vendor=0x1234, product=0x9999, phys="test/mouse1/input0")


def test_an_enabled_mouse_click_gives_the_held_home_row_shift_before_it(tmp_path: Path) -> None:
    from tests.conftest import ApiClient, make_app

    with keyboard() as src, mouse() as rat:
        app = make_app(tmp_path, HW_BACKEND="evdev")
        keyrx = app.extensions["keyrx"]
        try:
            api = ApiClient(app.test_client())
            assert api.post("/api/profiles", json={"name": "home", **HOME}).status_code == 201
            assert api.post("/api/profiles/home/activate").get_json() == {"active": "home"}
            dev = next(d for d in api.get("/api/devices").get_json()["devices"] if d["name"] == MOUSE)
            assert (dev["kind"], dev["enabled"], dev["grabbed"]) == ("pointer", False, False)
            assert not [f for f in Path("/proc/bus/input/devices").read_text().split("\n\n")
                        if f'Name="KeyRx: {MOUSE}"' in f]  # not enabled: no output of its own
            r = api.patch(f"/api/devices/{dev['id']}", json={"enabled": True})
            assert (r.status_code, r.get_json()["grabbed"]) == (200, True)
            kbd_out, mouse_out = find(OUT), find(f"KeyRx: {MOUSE}")
            assert {e.BTN_LEFT, e.BTN_MIDDLE} <= set(mouse_out.capabilities()[e.EV_KEY])
            tap(src, e.KEY_F, 1)
            # undecided: nothing out yet (a deliberate 50 ms window; the kernel timestamps below
            # prove the order either way)
            assert read(kbd_out, 1, timeout=0.05) == []
            rat.write(e.EV_REL, e.REL_X, 5)
            rat.write(e.EV_KEY, e.BTN_LEFT, 1)
            rat.syn()
            (shift,) = read_timed(kbd_out, 1)
            (click,) = read_timed(mouse_out, 1)
            assert [(t, c, v) for t, c, v, _ in shift[:-1]] == [(e.EV_KEY, e.KEY_LEFTSHIFT, 1)]
            assert [(t, c, v) for t, c, v, _ in click[:-1]] == [(e.EV_REL, e.REL_X, 5), (e.EV_KEY, e.BTN_LEFT, 1)]
            assert shift[-1][3] <= click[0][3]  # the kernel's times: the shift first, then the click
            tap(rat, e.BTN_LEFT, 0)
            tap(rat, e.BTN_RIGHT, 1)  # remapped like a key
            tap(rat, e.BTN_RIGHT, 0)
            assert [(c, v) for f in read_timed(mouse_out, 3) for t, c, v, _ in f if t == e.EV_KEY] == [
                (e.BTN_LEFT, 0), (e.BTN_MIDDLE, 1), (e.BTN_MIDDLE, 0)]
            tap(rat, e.BTN_LEFT, 1)  # disabled while held: the button goes up
            assert read(mouse_out, 1) == [(e.EV_KEY, e.BTN_LEFT, 1)]
            assert api.patch(f"/api/devices/{dev['id']}", json={"enabled": False}).status_code == 200
            assert read(mouse_out, 1) == [(e.EV_KEY, e.BTN_LEFT, 0)] and mouse_out.active_keys() == []
            tap(rat, e.BTN_LEFT, 0)
            tap(src, e.KEY_F, 0)
            assert read(kbd_out, 1) == [(e.EV_KEY, e.KEY_LEFTSHIFT, 0)]
        finally:
            keyrx.stop()
            keyrx.store.close()

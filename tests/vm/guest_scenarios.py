"""Scenarios on a real kernel: run inside the QEMU guest by tests/vm/test_vm.py, in one boot."""
from __future__ import annotations

import os
import queue
import select
import time
from pathlib import Path

import evdev
import pytest
from evdev import UInput
from evdev import ecodes as e

from hw import Captured, Config, DeviceConfig, compile_profile
from tests.vm.kernel import KEYS, REMAP, Daemon, find, keyboard, keys, read, tap

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/uinput"), reason="runs inside the VM")
NAME = "Test Keyboard"  # the VM also has its own (i8042) keyboard, grabbed too
OUT = f"KeyRx: {NAME}"


def test_remap_and_passthrough() -> None:
    with keyboard() as src, Daemon() as d:
        grabbed = d.wait("device.grabbed", name="Test Keyboard")
        out = find(OUT)
        spy = evdev.InputDevice(src.device.path)  # another reader, like the desktop
        assert (out.phys, out.info.vendor, out.info.product) == ("keyrx/test/kbd1/input0", 0x1234, 0x5678)
        names = [dev.name for dev in d.loop.devices()]
        assert NAME in names and not [n for n in names if n.startswith("KeyRx")]  # never our own
        assert grabbed["device"]["id"].startswith("usb-1234-5678-")
        for code, value in [(e.KEY_CAPSLOCK, 1), (e.KEY_CAPSLOCK, 0), (e.KEY_X, 1), (e.KEY_X, 0),
                            (e.KEY_A, 1), (e.KEY_A, 2), (e.KEY_A, 0)]:
            tap(src, code, value)
        src.write(e.EV_REL, e.REL_WHEEL, -1)
        src.syn()
        got = read(out, 8, types=(e.EV_KEY, e.EV_REL))
        assert keys(got) == [(e.KEY_ESC, 1), (e.KEY_ESC, 0), (e.KEY_X, 1), (e.KEY_X, 0),
                             (e.KEY_B, 1), (e.KEY_B, 2), (e.KEY_B, 0)]
        assert (e.EV_REL, e.REL_WHEEL, -1) in got
        assert read(spy, 1, timeout=0.3) == []  # grabbed: nothing leaks to other readers
        spy.close()
        out.set_led(e.LED_CAPSL, 1)  # the desktop turns Caps Lock on: the keyboard's light too
        assert (e.EV_LED, e.LED_CAPSL, 1) in read(src, 1, types=(e.EV_LED,))


def test_profile_switch_while_a_key_is_held() -> None:
    with keyboard() as src, Daemon() as d:
        d.wait("device.grabbed", name=NAME)
        out = find(OUT)
        tap(src, e.KEY_A, 1)
        assert keys(read(out, 1)) == [(e.KEY_B, 1)]
        d.apply(None)  # pass-through, while A is still held
        assert keys(read(out, 1)) == [(e.KEY_B, 0)]
        assert out.active_keys() == []
        tap(src, e.KEY_A, 0)
        tap(src, e.KEY_X, 1)
        tap(src, e.KEY_X, 0)
        assert keys(read(out, 2)) == [(e.KEY_X, 1), (e.KEY_X, 0)]  # no stray release of A or B
        assert out.active_keys() == []


def test_a_layer_holding_ctrl_on_the_real_output() -> None:
    nav_ctrl = {"layers": {"base": {"capslock": {"layer": "nav", "mods": "ctrl"}}, "nav": {"j": "down"}}}
    with keyboard() as src, Daemon(nav_ctrl) as d:
        d.wait("device.grabbed", name=NAME)
        out = find(OUT)
        tap(src, e.KEY_CAPSLOCK, 1)
        tap(src, e.KEY_C, 1)  # a key nav does not map arrives with Ctrl
        assert keys(read(out, 2)) == [(e.KEY_LEFTCTRL, 1), (e.KEY_C, 1)]
        assert sorted(out.active_keys()) == sorted([e.KEY_LEFTCTRL, e.KEY_C])
        tap(src, e.KEY_C, 0)
        tap(src, e.KEY_J, 1)  # a key nav maps arrives without it
        tap(src, e.KEY_J, 0)
        assert keys(read(out, 5)) == [(e.KEY_C, 0), (e.KEY_LEFTCTRL, 0), (e.KEY_DOWN, 1), (e.KEY_DOWN, 0),
                                      (e.KEY_LEFTCTRL, 1)]
        tap(src, e.KEY_CAPSLOCK, 0)
        assert keys(read(out, 1)) == [(e.KEY_LEFTCTRL, 0)]
        assert out.active_keys() == []


def test_unplug_while_held_then_replug_on_the_same_path() -> None:
    with Daemon() as d:
        src = keyboard()
        first = d.wait("device.grabbed", name=NAME)["device"]
        out = find(OUT)
        tap(src, e.KEY_A, 1)
        assert keys(read(out, 1)) == [(e.KEY_B, 1)]
        src.close()  # unplugged with A held
        assert keys(read(out, 1)) == [(e.KEY_B, 0)]  # released before the output went away
        gone = d.wait("device.disconnected", name=NAME)["device"]
        assert (gone["id"], gone["connected"]) == (first["id"], False)
        with keyboard() as again:
            back = d.wait("device.grabbed", name=NAME)["device"]
            assert (back["id"], back["path"]) == (first["id"], first["path"])
            out2 = find(OUT)
            tap(again, e.KEY_A, 1)
            tap(again, e.KEY_A, 0)
            assert keys(read(out2, 2)) == [(e.KEY_B, 1), (e.KEY_B, 0)]


def test_panic_combo_releases_every_grab_until_reenabled() -> None:
    with keyboard() as src, keyboard("Second Keyboard", "test/kbd2/input0") as other, Daemon() as d:
        d.wait("device.grabbed", name="Test Keyboard")
        d.wait("device.grabbed", name="Second Keyboard")
        out = find(OUT)
        for code in (e.KEY_BACKSPACE, e.KEY_ESC, e.KEY_ENTER):
            tap(src, code, 1)
        assert d.wait("hw.state", state="panic")
        d.wait("device.released", name="Test Keyboard", reason="panic")
        d.wait("device.released", name="Second Keyboard", reason="panic")
        assert keys(read(out, 4)) == [(e.KEY_BACKSPACE, 1), (e.KEY_ESC, 1),  # enter never got out
                                      (e.KEY_ESC, 0), (e.KEY_BACKSPACE, 0)]
        assert out.active_keys() == []
        probe = evdev.InputDevice(other.device.path)
        probe.grab()  # nobody holds it any more
        probe.ungrab()
        probe.close()
        for code in (e.KEY_BACKSPACE, e.KEY_ESC, e.KEY_ENTER):
            tap(src, code, 0)
        d.apply(REMAP)
        assert d.wait("hw.state", state="running")
        d.wait("device.grabbed", name="Test Keyboard")


def test_capture_takes_the_raw_key_and_nothing_reaches_the_output() -> None:
    with keyboard() as src, Daemon() as d:
        dev = d.wait("device.grabbed", name=NAME)["device"]["id"]
        out = find(OUT)
        answers: queue.SimpleQueue[tuple[object, BaseException | None]] = queue.SimpleQueue()
        d.loop.capture(dev, 5000, lambda result, error: answers.put((result, error)))
        armed: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        d.loop.inject("no-such-device", [], armed.put)  # commands run in order: the capture is armed
        assert armed.get(timeout=10) is not None
        for code, value in [(e.KEY_CAPSLOCK, 1), (e.KEY_CAPSLOCK, 2), (e.KEY_CAPSLOCK, 0),
                            (e.KEY_X, 1), (e.KEY_X, 0)]:
            tap(src, code, value)
        assert answers.get(timeout=10) == (Captured(dev, e.KEY_CAPSLOCK), None)
        assert keys(read(out, 2)) == [(e.KEY_X, 1), (e.KEY_X, 0)]  # capslock (esc) never got out


def test_grab_waits_until_held_keys_are_released() -> None:
    with keyboard() as src:
        tap(src, e.KEY_X, 1)  # held while the daemon starts
        with Daemon(grab_wait_ms=30000) as d:
            d.wait("device.connected", name=NAME)
            assert [dev.grabbed for dev in d.loop.devices() if dev.name == NAME] == [False]
            tap(src, e.KEY_X, 0)
            d.wait("device.grabbed", name=NAME)


def test_grab_after_the_bounded_wait_releases_what_is_held() -> None:
    with keyboard() as src:
        spy = evdev.InputDevice(src.device.path)
        tap(src, e.KEY_X, 1)
        assert keys(read(spy, 1)) == [(e.KEY_X, 1)]
        with Daemon(grab_wait_ms=300) as d:
            d.wait("device.grabbed", name=NAME)
            assert keys(read(spy, 1)) == [(e.KEY_X, 0)]  # the desktop saw the key go up
        spy.close()


def test_activating_a_profile_through_the_api_applies_before_it_answers(tmp_path: Path) -> None:
    from tests.conftest import ApiClient, make_app

    with keyboard() as src:
        app = make_app(tmp_path, HW_BACKEND="evdev")
        keyrx = app.extensions["keyrx"]
        try:
            api = ApiClient(app.test_client())
            assert api.get("/api/status").get_json()["hw"]["state"] == "running"
            out = find(OUT)
            assert api.post("/api/profiles", json={"name": "swap", **REMAP}).status_code == 201
            assert api.post("/api/profiles/swap/activate").get_json() == {"active": "swap"}
            tap(src, e.KEY_A, 1)  # no waiting: the loop runs the profile once the call answered
            tap(src, e.KEY_A, 0)
            assert keys(read(out, 2)) == [(e.KEY_B, 1), (e.KEY_B, 0)]
            dev = next(d for d in api.get("/api/devices").get_json()["devices"] if d["name"] == NAME)
            assert api.patch(f"/api/devices/{dev['id']}", json={"enabled": False}).status_code == 200
            assert keyrx.loop.state().state == "running"
            assert not next(d for d in keyrx.loop.devices() if d.name == NAME).grabbed
        finally:
            keyrx.stop()
            keyrx.store.close()


def test_caps_word_on_the_real_output() -> None:
    """Caps word through uinput: A B shifted, - shifted, C shifted, then space ends it."""
    with keyboard() as src, Daemon({"layers": {"base": {"capslock": {"caps_word": {}}}}}) as d:
        d.wait("device.grabbed", name=NAME)
        out = find(OUT)
        for code in (e.KEY_CAPSLOCK, e.KEY_A, e.KEY_B, e.KEY_MINUS, e.KEY_C, e.KEY_SPACE, e.KEY_D):
            tap(src, code, 1)
            tap(src, code, 0)
        shifted = [[(e.KEY_LEFTSHIFT, 1), (code, 1), (e.KEY_LEFTSHIFT, 0), (code, 0)]
                   for code in (e.KEY_A, e.KEY_B, e.KEY_MINUS, e.KEY_C)]
        expected = [k for word in shifted for k in word] + [(e.KEY_SPACE, 1), (e.KEY_SPACE, 0),
                                                             (e.KEY_D, 1), (e.KEY_D, 0)]
        assert keys(read(out, len(expected))) == expected
        assert out.active_keys() == []


def test_another_remappers_keyboard_is_left_alone() -> None:
    with keyboard() as src, UInput({e.EV_KEY: KEYS}, name="keyd virtual keyboard", vendor=0x0FAC,
                                   product=0x0ADE, phys="") as keyd, Daemon() as d:
        d.wait("device.grabbed", name=NAME)
        out = find(OUT)
        seen = d.wait("device.connected", name="keyd virtual keyboard")["device"]
        assert "another remapper (keyd)" in seen["skip_reason"] and not seen["grabbed"]
        assert [dev.grabbed for dev in d.loop.devices() if dev.name == "keyd virtual keyboard"] == [False]
        probe = evdev.InputDevice(keyd.device.path)
        probe.grab()  # nobody holds it
        probe.ungrab()
        probe.close()
        tap(src, e.KEY_A, 1)  # the keyboard itself is still remapped
        tap(src, e.KEY_A, 0)
        assert keys(read(out, 2)) == [(e.KEY_B, 1), (e.KEY_B, 0)]


def test_a_consumer_control_node_can_be_enabled_and_follows_its_keyboard() -> None:
    media_name = f"{NAME} Consumer Control"
    profile = {"layers": {"base": {"volumeup": "mute", "a": "b"}}}
    with keyboard() as src, UInput({e.EV_KEY: [e.KEY_MUTE, e.KEY_VOLUMEDOWN, e.KEY_VOLUMEUP]}, name=media_name,
                                   vendor=0x1234, product=0x5678, phys="test/kbd1/input1") as media, \
            Daemon(profile) as d:
        d.wait("device.grabbed", name=NAME)
        node = d.wait("device.connected", name=media_name)["device"]
        assert (node["kind"], node["grabbed"]) == ("consumer", False)
        done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        d.loop.apply(Config(default_profile=compile_profile(profile),
                            devices={node["id"]: DeviceConfig(enabled=True)}), done.put)
        assert done.get(timeout=10) is None
        d.wait("device.grabbed", name=media_name)
        out, kbd_out = find(f"KeyRx: {media_name}"), find(OUT)
        tap(media, e.KEY_VOLUMEUP, 1)
        tap(media, e.KEY_VOLUMEUP, 0)
        assert keys(read(out, 2)) == [(e.KEY_MUTE, 1), (e.KEY_MUTE, 0)]
        tap(src, e.KEY_A, 1)
        tap(src, e.KEY_A, 0)
        assert keys(read(kbd_out, 2)) == [(e.KEY_B, 1), (e.KEY_B, 0)]


def test_output_gap_ms_sends_macro_steps_in_frames_apart() -> None:
    profile = {"settings": {"output_gap_ms": 20}, "layers": {"base": {"1": {"macro": ["h", "i"]}}}}
    with keyboard() as src, Daemon(profile) as d:
        d.wait("device.grabbed", name=NAME)
        out = find(OUT)
        tap(src, e.KEY_1, 1)
        tap(src, e.KEY_1, 0)
        got = read_timed(out, 4)
        frames = [[(c, v) for t, c, v, _ in f if t == e.EV_KEY] for f in got]
        assert frames == [[(e.KEY_H, 1)], [(e.KEY_H, 0)], [(e.KEY_I, 1)], [(e.KEY_I, 0)]]
        stamps = [f[-1][3] for f in got]  # the kernel's time of each frame's SYN_REPORT
        assert all(b - a >= 0.019 for a, b in zip(stamps, stamps[1:], strict=False)), stamps


def read_timed(dev: evdev.InputDevice, frames: int, timeout: float = 5.0) -> list[list[tuple[int, int, int, float]]]:
    """The next `frames` frames with key events, each ending in its SYN_REPORT, with kernel times."""
    out: list[list[tuple[int, int, int, float]]] = []
    frame: list[tuple[int, int, int, float]] = []
    end = time.monotonic() + timeout
    while len(out) < frames and select.select([dev.fd], [], [], max(0.0, end - time.monotonic()))[0]:
        for ev in dev.read():
            frame.append((ev.type, ev.code, ev.value, ev.timestamp()))
            if ev.type == e.EV_SYN and ev.code == e.SYN_REPORT:
                if any(t == e.EV_KEY for t, _, _, _ in frame):
                    out.append(frame)
                frame = []
    return out


POINTER = {"layers": {"base": {"f1": "btn_left", "f2": {"wheel": "down", "repeat_ms": 0},
                               "f3": {"move": "right", "speed": 1000, "start_speed": 1000}}}}


def test_pointer_buttons_wheel_and_motion_and_disable_releases_the_button() -> None:
    with keyboard() as src, Daemon(POINTER) as d:
        dev_id = d.wait("device.grabbed", name=NAME)["device"]["id"]
        ptr = find("KeyRx pointer")
        assert ptr.phys == "keyrx/pointer"
        caps = ptr.capabilities()
        assert {e.REL_X, e.REL_Y, e.REL_WHEEL, e.REL_HWHEEL, e.REL_WHEEL_HI_RES} <= set(caps[e.EV_REL])
        assert e.BTN_LEFT in caps[e.EV_KEY]
        procfs = Path("/proc/bus/input/devices").read_text().split("\n\n")
        (entry,) = [block for block in procfs if 'N: Name="KeyRx pointer"' in block]
        rel = next(line for line in entry.splitlines() if line.startswith("B: REL="))
        assert int(rel.split("=")[1].split()[-1], 16) & (1 << e.REL_X)
        assert "KeyRx pointer" not in [dev.name for dev in d.loop.devices()]  # never grabbed by us
        tap(src, e.KEY_F1, 1)
        tap(src, e.KEY_F1, 0)
        assert keys(read(ptr, 2)) == [(e.BTN_LEFT, 1), (e.BTN_LEFT, 0)]
        tap(src, e.KEY_F2, 1)
        tap(src, e.KEY_F2, 0)
        assert read(ptr, 2, types=(e.EV_REL,)) == [(e.EV_REL, e.REL_WHEEL, -1), (e.EV_REL, e.REL_WHEEL_HI_RES, -120)]
        tap(src, e.KEY_F3, 1)
        moved = read(ptr, 3, types=(e.EV_REL,))  # a step at once, then one per 10 ms
        tap(src, e.KEY_F3, 0)
        assert len(moved) >= 3 and set(moved) == {(e.EV_REL, e.REL_X, 10)}
        tap(src, e.KEY_F1, 1)
        assert keys(read(ptr, 1)) == [(e.BTN_LEFT, 1)]
        done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        d.loop.apply(Config(default_profile=compile_profile(POINTER),
                            devices={dev_id: DeviceConfig(enabled=False)}), done.put)
        assert done.get(timeout=10) is None
        assert keys(read(ptr, 1)) == [(e.BTN_LEFT, 0)]  # disabled while held: the button goes up
        assert ptr.active_keys() == []
        tap(src, e.KEY_F1, 0)

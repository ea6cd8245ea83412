"""The evdev backend and the loop's safety rules, on fakes of the evdev objects."""
from __future__ import annotations

from pathlib import Path

from hw import Config, DeviceConfig, compile_profile
from hw.ecodes import EV_KEY, EV_LED, EV_MSC, EV_REL, EV_SYN, SYN_DROPPED
from hw.identity import device_id
from tests.hw.rig import KEY_A, KEY_B, KEY_BACKSPACE, KEY_CAPSLOCK, KEY_ENTER, KEY_ESC, KEY_X, REMAP, Rig

KEY_LEFTCTRL = 29


def test_discovery_keeps_keyboards_not_ours_with_stable_ids(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.plug(1, "Fake Mouse", keys=[272, 273])
    rig.plug(2, "KeyRx: Fake Keyboard", phys="keyrx/usb-0000:00:14.0-2/input0")
    rig.start()
    data = rig.log.wait("device.grabbed", name="Fake Keyboard")
    assert data["device"]["id"] == device_id("usb", "046d", "c31c", "", "usb-0000:00:14.0-2/input0")
    rig.log.wait("device.connected", name="Fake Mouse")  # listed, not taken: not a keyboard
    assert sorted((d.name, d.kind, d.grabbed) for d in rig.loop.devices()) == [
        ("Fake Keyboard", "keyboard", True), ("Fake Mouse", "pointer", False)]
    assert kbd.grabbed
    out = rig.out()
    assert (out.kw["phys"], out.kw["vendor"], out.kw["product"]) == (
        "keyrx/usb-0000:00:14.0-2/input0", 0x046D, 0xC31C)


def test_every_event_of_a_batch_is_remapped_and_non_key_events_pass(rig: Rig) -> None:
    kbd = rig.plug(0, extra={EV_REL: [8], EV_MSC: [4]})
    rig.start()
    rig.log.wait("device.grabbed")
    kbd.push((EV_MSC, 4, 0x70004), (EV_KEY, KEY_A, 1), (EV_REL, 8, -1))
    kbd.keys((KEY_A, 2), (KEY_A, 0), (KEY_CAPSLOCK, 1), (KEY_CAPSLOCK, 0), (KEY_X, 1), (KEY_X, 0))
    rig.sync()
    out = rig.out()
    assert out.frames[0] == [(EV_MSC, 4, 0x70004), (EV_KEY, KEY_B, 1), (EV_REL, 8, -1)]
    assert out.keys() == [(KEY_B, 1), (KEY_B, 2), (KEY_B, 0), (KEY_ESC, 1), (KEY_ESC, 0),
                          (KEY_X, 1), (KEY_X, 0)]


def test_one_busy_keyboard_does_not_starve_another(rig: Rig) -> None:
    first, second = rig.plug(0), rig.plug(1, "Other", phys="usb-0000:00:14.0-3/input0")
    rig.start()
    rig.log.wait("device.grabbed", name="Other")
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    for _ in range(50):
        first.keys((KEY_X, 1), (KEY_X, 0))
    second.keys((KEY_A, 1), (KEY_A, 0))
    rig.sync()
    assert rig.out("Other").keys() == [(KEY_B, 1), (KEY_B, 0)]
    assert len(rig.out().keys()) == 100


def test_syn_dropped_resyncs_from_the_kernel_key_state(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_A, 1), (KEY_X, 1))
    rig.sync()
    kbd.down = {KEY_X, KEY_CAPSLOCK}  # A went up and capslock down while events were lost
    kbd.push((EV_SYN, SYN_DROPPED, 0), (EV_KEY, KEY_ENTER, 0))  # junk until the report
    rig.sync()
    assert rig.out().keys() == [(KEY_B, 1), (KEY_X, 1), (KEY_B, 0), (KEY_ESC, 1)]


def test_profile_switch_releases_what_the_old_profile_pressed(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_A, 1))
    rig.sync()
    rig.apply(Config(default_profile=None))
    kbd.keys((KEY_A, 0), (KEY_X, 1), (KEY_X, 0))
    rig.sync()
    assert rig.out().keys() == [(KEY_B, 1), (KEY_B, 0), (KEY_X, 1), (KEY_X, 0)]


def test_disable_releases_held_keys_and_the_grab(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start()
    dev = rig.log.wait("device.grabbed")["device"]
    kbd.keys((KEY_A, 1))
    rig.sync()
    rig.apply(Config(default_profile=REMAP, devices={dev["id"]: DeviceConfig(enabled=False)}))
    assert rig.log.wait("device.released", reason="disabled")
    assert rig.out().held() == set() and not kbd.grabbed


def test_unplug_with_a_key_held_releases_it_and_closes_the_output(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_A, 1))
    rig.sync()
    rig.unplug(kbd)
    assert rig.log.wait("device.disconnected")["device"]["connected"] is False
    out = rig.out()
    assert out.keys() == [(KEY_B, 1), (KEY_B, 0)] and out.closed


def test_replug_on_the_same_path_is_grabbed_again(rig: Rig) -> None:
    kbd = rig.plug(3)
    rig.start()
    first = rig.log.wait("device.grabbed")["device"]
    rig.unplug(kbd)
    rig.log.wait("device.disconnected")
    again = rig.plug(3)
    back = rig.log.wait("device.grabbed")["device"]
    assert (back["id"], back["path"]) == (first["id"], first["path"]) and again.grabbed


def test_hotplug_retries_a_node_that_is_not_readable_yet(rig: Rig) -> None:
    rig.start()
    rig.denied[str(rig.root / "event7")] = 2  # udev has not set the permissions yet
    rig.plug(7)
    assert rig.log.wait("device.grabbed")["device"]["path"].endswith("event7")


def test_no_access_to_the_nodes_makes_hw_unavailable_with_what_to_do(rig: Rig) -> None:
    rig.plug(0)
    rig.denied[str(rig.root / "event0")] = 99
    rig.start()
    state = rig.log.wait("hw.state", state="unavailable")
    assert "'input' group" in state["detail"] and "root" in state["detail"]


def test_grab_waits_for_held_keys_to_be_released(rig: Rig) -> None:
    kbd = rig.plug(0)
    kbd.down = {KEY_X}
    rig.start()
    rig.log.wait("device.connected")
    rig.sync()
    assert not kbd.grabbed
    kbd.keys((KEY_X, 0))  # released: the desktop got it, and now we grab
    rig.log.wait("device.grabbed")
    assert kbd.written == [] and rig.out().keys() == []


def test_after_the_bounded_wait_held_keys_are_released_then_grabbed(tmp_path: Path) -> None:
    rig = Rig(tmp_path, grab_wait_ms=50)
    try:
        kbd = rig.plug(0)
        kbd.down = {KEY_X}
        rig.start()
        rig.log.wait("device.grabbed")
        assert kbd.written == [(EV_KEY, KEY_X, 0), (EV_SYN, 0, 0)]  # the desktop sees it go up
    finally:
        rig.loop.stop()


def test_panic_combo_releases_every_grab_until_the_api_reenables(rig: Rig) -> None:
    kbd, other = rig.plug(0), rig.plug(1, "Other", phys="usb-0000:00:14.0-3/input0")
    rig.start()
    rig.log.wait("device.grabbed", name="Other")
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    kbd.keys((KEY_BACKSPACE, 1), (KEY_ESC, 1), (KEY_ENTER, 1), (KEY_A, 1))
    assert "re-enable" in rig.log.wait("hw.state", state="panic")["detail"]
    rig.log.wait("device.released", name="Other", reason="panic")
    rig.sync()
    assert not kbd.grabbed and not other.grabbed
    assert rig.out().keys() == [(KEY_BACKSPACE, 1), (KEY_ESC, 1), (KEY_ESC, 0), (KEY_BACKSPACE, 0)]
    kbd.keys((KEY_BACKSPACE, 0), (KEY_ESC, 0), (KEY_ENTER, 0), (KEY_A, 0))
    rig.apply(Config(default_profile=REMAP))
    assert rig.loop.state().state == "running"
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    assert kbd.grabbed and other.grabbed


def test_shutdown_releases_held_keys_and_grabs(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_A, 1))
    rig.sync()
    rig.loop.stop()
    out = rig.out()
    assert out.held() == set() and out.closed and not kbd.grabbed
    assert rig.loop.state().state == "stopped"


def test_leds_set_on_the_output_reach_the_keyboard(rig: Rig) -> None:
    kbd = rig.plug(0, extra={EV_LED: [0, 1]})
    rig.start()
    rig.log.wait("device.grabbed")
    rig.out().set_led(1, 1)  # the desktop turns Caps Lock on
    rig.sync()
    assert kbd.written == [(EV_LED, 1, 1), (EV_SYN, 0, 0)]


def test_layer_changes_are_published_once_each(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(compile_profile({"layers": {"base": {"capslock": {"layer": "nav"}}, "nav": {"h": "left"}}}))
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_CAPSLOCK, 1), (35, 1), (35, 0), (KEY_CAPSLOCK, 0))  # one batch: hold nav, tap h
    assert rig.log.wait("layer.changed")["layers"] == ["base", "nav"]
    assert rig.log.wait("layer.changed")["layers"] == ["base"]
    rig.sync()
    assert rig.out().keys() == [(105, 1), (105, 0)]
    assert rig.log.taken("layer.changed") == []


def test_key_events_follow_the_interest_command(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_X, 1), (KEY_X, 0))
    rig.sync()
    assert rig.log.taken("key") == []
    rig.loop.set_key_events(True)
    kbd.keys((KEY_A, 1), (KEY_A, 2), (KEY_A, 0))
    pressed = rig.log.wait("key")
    assert pressed["input"] == {"key": str(KEY_A), "action": "press"}  # the rig's loop names keys by code
    assert pressed["output"] == [{"key": str(KEY_B), "action": "press"}]
    assert rig.log.wait("key")["input"] == {"key": str(KEY_A), "action": "release"}  # no repeat event
    rig.loop.set_key_events(False)
    kbd.keys((KEY_X, 1), (KEY_X, 0))
    rig.sync()
    assert rig.log.taken("key") == []


def test_output_made_by_a_timer_is_a_key_event_without_input(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(compile_profile({"layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl",
                                                                "timeout_ms": 20}}}}))
    rig.log.wait("device.grabbed")
    rig.loop.set_key_events(True)
    kbd.keys((KEY_CAPSLOCK, 1))
    pressed = rig.log.wait("key")
    assert pressed["input"] == {"key": str(KEY_CAPSLOCK), "action": "press"} and pressed["output"] == []
    decided = rig.log.wait("key")  # the timeout settles it as hold: no input event caused this
    assert decided["input"] is None and decided["output"] == [{"key": str(KEY_LEFTCTRL), "action": "press"}]
    kbd.keys((KEY_CAPSLOCK, 0))
    assert rig.log.wait("key")["output"] == [{"key": str(KEY_LEFTCTRL), "action": "release"}]

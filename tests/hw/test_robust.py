"""The loop on real hardware's rough edges: other remappers, media-key nodes, pacing, the layer
LED, the pause chord and sleep; on the fakes of tests/fakes.py through the evdev provider."""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hw import Config, DeviceConfig, Natives, compile_profile, validate_profile
from hw import keyboards as hw_keyboards
from hw.ecodes import EV_KEY, EV_LED
from tests.fakes import FakeInfo, FakeInputDevice, FakeUInput
from tests.hw.rig import KEY_A, KEY_B, KEY_CAPSLOCK, KEY_X, REMAP, Rig

KEY_H, KEY_I, KEY_P, KEY_F1, KEY_LEFTCTRL, KEY_LEFTALT, KEY_LEFT = 35, 23, 25, 59, 29, 56, 105
KEY_LEFTSHIFT = 42
KEY_MUTE, KEY_VOLUMEUP, KEY_VOLUMEDOWN = 113, 115, 114
LED_SCROLLL, LED_NUML = 2, 0


class SleepClock:
    """CLOCK_BOOTTIME - CLOCK_MONOTONIC as the test says: it grows when the machine 'sleeps'."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self) -> float:
        return self.ms


def test_other_remappers_outputs_are_listed_with_the_reason_and_left_alone(rig: Rig) -> None:
    rig.plug(0)
    rig.plug(1, "keyd virtual keyboard", phys="", info=FakeInfo(vendor=0x0FAC, product=0x0ADE))
    rig.plug(2, "kanata", phys="")
    rig.plug(3, "KMonad simulated keyboard", phys="")
    rig.plug(4, "xremap pid=42", phys="")
    rig.plug(5, "some keyboard", phys="input-remapper/kbd")
    rig.start()
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    skipped = {}
    for name, who in [("keyd virtual keyboard", "keyd"), ("kanata", "kanata"),
                      ("KMonad simulated keyboard", "KMonad"), ("xremap pid=42", "xremap"),
                      ("some keyboard", "input-remapper")]:
        dev = rig.log.wait("device.connected", name=name)["device"]
        assert f"another remapper ({who})" in dev["skip_reason"] and dev["default_enabled"] is False
        skipped[name] = dev["id"]
    rig.sync()
    assert [d.name for d in rig.loop.devices() if d.grabbed] == ["Fake Keyboard"]
    # the override: enabled on purpose (a stored device setting), it is taken like any keyboard
    rig.apply(Config(default_profile=REMAP, devices={skipped["kanata"]: DeviceConfig(enabled=True)}))
    rig.log.wait("device.grabbed", name="kanata")
    assert rig.nodes[str(rig.root / "event2")].grabbed


def test_a_consumer_control_node_is_listed_off_and_once_enabled_follows_its_keyboard(rig: Rig) -> None:
    kbd = rig.plug(0)
    media = rig.plug(1, "Fake Keyboard Consumer Control", phys="usb-0000:00:14.0-2/input1",
                     keys=[KEY_MUTE, KEY_VOLUMEDOWN, KEY_VOLUMEUP])
    rig.start(None)
    kb_id = rig.log.wait("device.grabbed", name="Fake Keyboard")["device"]["id"]
    node = rig.log.wait("device.connected", name="Fake Keyboard Consumer Control")["device"]
    assert (node["kind"], node["grabbed"], node["default_enabled"]) == ("consumer", False, False)
    assert node["id"] != kb_id and node["id"].startswith("usb-046d-c31c-")
    own = compile_profile({"layers": {"base": {"volumeup": "mute", "a": "b"}}})
    rig.apply(Config(default_profile=None, devices={
        kb_id: DeviceConfig(profile=own, has_profile=True), node["id"]: DeviceConfig(enabled=True)}))
    rig.log.wait("device.grabbed", name="Fake Keyboard Consumer Control")
    media.keys((KEY_VOLUMEUP, 1), (KEY_VOLUMEUP, 0))
    kbd.keys((KEY_A, 1), (KEY_A, 0))
    rig.sync()
    assert rig.out("Fake Keyboard Consumer Control").keys() == [(KEY_MUTE, 1), (KEY_MUTE, 0)]
    assert rig.out().keys() == [(KEY_B, 1), (KEY_B, 0)]


def test_output_gap_puts_macro_and_chord_key_events_in_frames_of_their_own(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(compile_profile({"settings": {"output_gap_ms": 5},
                               "layers": {"base": {"f1": {"macro": ["h", "i"]}, "a": "ctrl+x"}}}))
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F1, 1), (KEY_F1, 0), (KEY_A, 1), (KEY_A, 0))
    rig.sync()
    out = rig.out()
    expected = [[(EV_KEY, KEY_H, 1)], [(EV_KEY, KEY_H, 0)], [(EV_KEY, KEY_I, 1)], [(EV_KEY, KEY_I, 0)],
                [(EV_KEY, KEY_LEFTCTRL, 1)], [(EV_KEY, KEY_X, 1)], [(EV_KEY, KEY_X, 0)],
                [(EV_KEY, KEY_LEFTCTRL, 0)]]
    assert out.wait_frames(len(expected)) == expected  # paced on the loop's timers: 7 gaps of 5 ms


def test_without_a_gap_a_macro_goes_out_in_one_frame(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(compile_profile({"layers": {"base": {"f1": {"macro": ["h", "i"]}}}}))
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F1, 1), (KEY_F1, 0))
    rig.sync()
    assert rig.out().frames == [[(EV_KEY, KEY_H, 1), (EV_KEY, KEY_H, 0), (EV_KEY, KEY_I, 1), (EV_KEY, KEY_I, 0)]]


def test_layer_led_lights_while_a_layer_is_active_and_gives_the_led_back(rig: Rig) -> None:
    kbd = rig.plug(0, extra={EV_LED: [0, 1, 2]})
    rig.start(compile_profile({"settings": {"layer_led": "scrolllock"},
                               "layers": {"base": {"capslock": {"layer": "nav"}}, "nav": {"h": "left"}}}))
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_CAPSLOCK, 1))
    rig.log.wait("layer.changed")
    rig.out().set_led(LED_SCROLLL, 1)  # the desktop's scroll lock, while the layer shows: held back
    rig.out().set_led(LED_NUML, 1)  # another LED passes as ever
    rig.sync()
    kbd.keys((KEY_CAPSLOCK, 0))
    rig.log.wait("layer.changed")
    rig.sync()
    assert kbd.written == [(EV_LED, LED_SCROLLL, 1), (0, 0, 0), (EV_LED, LED_NUML, 1), (0, 0, 0),
                           (EV_LED, LED_SCROLLL, 1), (0, 0, 0)]  # lit, numlock, then the desktop's state
    rig.out().set_led(LED_SCROLLL, 0)
    rig.sync()
    assert kbd.written[-2:] == [(EV_LED, LED_SCROLLL, 0), (0, 0, 0)]


def test_pause_chord_releases_every_keyboard_until_the_api_reenables(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(compile_profile({"settings": {"pause_chord": "leftctrl+leftalt+p"}, "layers": {"base": {"a": "b"}}}))
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_LEFTCTRL, 1), (KEY_LEFTALT, 1), (KEY_P, 1))
    assert "pause chord" in rig.log.wait("hw.state", state="panic")["detail"]
    rig.log.wait("device.released", reason="pause")
    assert not kbd.grabbed and rig.out().held() == set()
    kbd.keys((KEY_P, 0), (KEY_LEFTALT, 0), (KEY_LEFTCTRL, 0))
    rig.apply(Config(default_profile=REMAP))
    rig.log.wait("device.grabbed")
    assert kbd.grabbed


@pytest.fixture
def sleepy(tmp_path: Path) -> Iterator[tuple[Rig, SleepClock]]:
    """A rig whose machine sleeps when the test moves its clock."""
    clock = SleepClock()
    rig = Rig(tmp_path, natives=dataclasses.replace(Natives.stdlib(), asleep_ms=clock))
    try:
        yield rig, clock
    finally:
        rig.loop.stop()


def started(rig: Rig, profile: dict[str, Any]) -> FakeInputDevice:
    kbd = rig.plug(0)
    rig.start(compile_profile(profile))
    rig.log.wait("device.grabbed")
    rig.log.wait("hw.state", state="running")  # started
    return kbd


def test_sleep_releases_output_drops_pending_keys_keeps_toggles_and_resyncs(sleepy: tuple[Rig, SleepClock]) -> None:
    rig, clock = sleepy
    kbd = started(rig, {"layers": {
        "base": {"f1": {"toggle": "nav"}, "capslock": {"tap": "esc", "hold": "leftctrl"}},
        "nav": {"a": "b", "h": "left"}}})
    kbd.keys((KEY_F1, 1), (KEY_F1, 0), (KEY_A, 1), (KEY_CAPSLOCK, 1))  # nav on, B held, capslock undecided
    assert rig.log.wait("layer.changed")["layers"] == ["base", "nav"]
    rig.sync()
    assert rig.out().held() == {KEY_B}
    kbd.down = {KEY_CAPSLOCK}  # A went up during the sleep; capslock is still held
    clock.ms += 30_000.0
    rig.sync()  # the loop's next turn sees the jump
    assert rig.log.wait("hw.state", state="suspended")
    assert "resumed" in rig.log.wait("hw.state", state="running")["detail"]
    assert rig.out().held() == set()
    kbd.keys((KEY_CAPSLOCK, 0), (KEY_A, 1), (KEY_A, 0), (KEY_H, 1), (KEY_H, 0))
    rig.sync()
    # no esc/ctrl from the dropped tap-hold, no stray release; nav (toggled) still on
    assert rig.out().keys() == [(KEY_B, 1), (KEY_B, 0), (KEY_B, 1), (KEY_B, 0), (KEY_LEFT, 1), (KEY_LEFT, 0)]
    assert rig.log.taken("layer.changed") == []


def test_sleep_keeps_the_modifiers_a_toggled_layer_holds(sleepy: tuple[Rig, SleepClock]) -> None:
    rig, clock = sleepy
    kbd = started(rig, {"layers": {"base": {"f1": {"toggle": "nav", "mods": "shift"}}, "nav": {"a": "b"}}})
    kbd.keys((KEY_F1, 1), (KEY_F1, 0), (KEY_H, 1))
    rig.sync()
    assert rig.out().held() == {KEY_LEFTSHIFT, KEY_H}
    kbd.down = set()
    clock.ms += 30_000.0
    rig.sync()
    assert "resumed" in rig.log.wait("hw.state", state="running")["detail"]
    rig.sync()
    assert rig.out().held() == {KEY_LEFTSHIFT}  # nav is still toggled, with its shift
    kbd.keys((KEY_F1, 1), (KEY_F1, 0))
    rig.sync()
    assert rig.out().held() == set()


def test_no_jump_no_suspend(sleepy: tuple[Rig, SleepClock]) -> None:
    rig, clock = sleepy
    kbd = rig.grabbed()
    clock.ms += 900.0  # the boot clock ahead by less than SLEPT_MS: a busy moment, not a sleep
    kbd.keys((KEY_A, 1))
    rig.sync()
    assert [d for d in rig.log.taken("hw.state") if d["state"] == "suspended"] == []
    assert rig.out().held() == {KEY_B}


def test_the_loop_settings_are_checked_with_the_profile() -> None:
    assert validate_profile({"settings": {"layer_led": "caps", "pause_chord": "p", "output_gap_ms": 51},
                             "layers": {"base": {}}}) == {
        "settings.output_gap_ms": ["must be an integer from 0 to 50"],
        "settings.layer_led": ["must be one of capslock, numlock, scrolllock, or null"],
        "settings.pause_chord": ['must be a chord of at least two keys, like "ctrl+alt+pause", or null']}
    assert validate_profile({"settings": {"pause_chord": "ctrl+nokey"}, "layers": {"base": {}}}) == {
        "settings.pause_chord": ["unknown key 'nokey'"]}
    options = compile_profile({"settings": {"layer_led": None, "pause_chord": "ctrl+alt+pause",
                                            "output_gap_ms": 0}, "layers": {"base": {}}}).options
    assert (options.layer_led, options.pause_chord, options.output_gap_ms) == (None, (29, 56, 119), 0.0)


def two_grabbed(rig: Rig) -> tuple[FakeInputDevice, FakeInputDevice]:
    """Two keyboards plugged in, grabbed, and all their grabs wrote out."""
    kbds = rig.plug(0), rig.plug(1, "Second Keyboard", phys="usb-0000:00:14.0-3/input0")
    rig.start()
    rig.log.wait("device.grabbed")
    rig.log.wait("device.grabbed")
    rig.sync()
    return kbds


def breaking(out: FakeUInput) -> None:
    """From now on writes to this output fail (EPIPE)."""
    r, w = os.pipe()
    os.close(r)
    os.dup2(w, out.fd)
    os.close(w)


def test_one_keyboard_failing_to_let_go_does_not_keep_the_others(rig: Rig) -> None:
    first_kbd, second_kbd = two_grabbed(rig)
    first_kbd.keys((KEY_A, 1))
    second_kbd.keys((KEY_A, 1))
    rig.sync()
    first, second = rig.outputs  # in the order they were attached, which is the order of release
    assert first.held() == second.held() == {KEY_B}
    breaking(first)  # its release raises
    rig.loop.stop()
    assert second.held() == set() and second.closed
    assert second_kbd.closed and not second_kbd.grabbed
    assert first_kbd.closed  # its source is let go of too, whatever its output did


def test_a_keyboard_whose_output_fails_is_let_go_of_and_the_others_go_on(rig: Rig) -> None:
    first_kbd, second_kbd = two_grabbed(rig)
    first, second = rig.outputs
    breaking(first)
    failing = next(d.id for d in rig.loop.devices() if d.name == "Fake Keyboard")
    first_kbd.keys((KEY_A, 1))  # one batch: the loop closes the node once its output fails
    assert rig.log.wait("device.released", reason="error")["device"]["id"] == failing
    assert first_kbd.closed and not first_kbd.grabbed
    second_kbd.keys((KEY_A, 1), (KEY_A, 0))
    rig.sync()
    assert second.keys() == [(KEY_B, 1), (KEY_B, 0)]  # the loop went on
    assert rig.loop.state().state == "running"


def failed_once(rig: Rig) -> tuple[FakeInputDevice, str]:
    """Two keyboards grabbed; the first one's output breaks on its next key and it is let go of."""
    first_kbd, _ = two_grabbed(rig)
    breaking(rig.outputs[0])
    failing = next(d.id for d in rig.loop.devices() if d.name == "Fake Keyboard")
    first_kbd.keys((KEY_A, 1))
    assert rig.log.wait("device.released", reason="error")["device"]["id"] == failing
    return first_kbd, failing


def test_a_keyboard_let_go_of_on_an_error_is_opened_and_grabbed_again(rig: Rig,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    first_kbd, failing = failed_once(rig)
    again = rig.nodes[first_kbd.path] = FakeInputDevice(first_kbd.path)  # the node opens again
    assert rig.log.wait("device.grabbed", timeout=10)["device"]["id"] == failing
    assert again.grabbed and len(rig.outputs) == 3
    again.keys((KEY_A, 1), (KEY_A, 0))
    rig.sync()
    assert rig.outputs[-1].keys() == [(KEY_B, 1), (KEY_B, 0)]
    assert "released, opened again in 1 s (failure 1 in a row)" in caplog.text
    breaking(rig.outputs[-1])  # and again: the pause grows
    again.keys((KEY_A, 1))
    rig.log.wait("device.released", reason="error")
    assert "released, opened again in 2 s (failure 2 in a row)" in caplog.text
    assert rig.loop.devices() and all(d.connected for d in rig.loop.devices())


def test_a_keyboard_let_go_of_on_an_error_and_then_unplugged_is_reported_gone(rig: Rig) -> None:
    first_kbd, failing = failed_once(rig)
    os.unlink(first_kbd.path)  # its node goes while it waits to be opened again
    assert rig.log.wait("device.disconnected")["device"]["id"] == failing
    assert [d.id for d in rig.loop.devices() if not d.connected] == [failing]


def test_a_new_configuration_tries_a_failed_keyboard_again_at_once(rig: Rig,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hw_keyboards, "RECOVER_MS", (600_000.0,))  # no retry of its own in this test
    first_kbd, failing = failed_once(rig)
    rig.nodes[first_kbd.path] = FakeInputDevice(first_kbd.path)
    rig.apply(Config(default_profile=REMAP))
    assert rig.log.wait("device.grabbed")["device"]["id"] == failing

"""Real-kernel tests: boot a stock Debian kernel under QEMU once and run the guest scenarios there."""
from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.vm.boot import CACHE, NoQemu, boot

pytestmark = pytest.mark.vm

SCENARIOS = [
    "test_remap_and_passthrough",
    "test_profile_switch_while_a_key_is_held",
    "test_a_layer_holding_ctrl_on_the_real_output",
    "test_unplug_while_held_then_replug_on_the_same_path",
    "test_panic_combo_releases_every_grab_until_reenabled",
    "test_capture_takes_the_raw_key_and_nothing_reaches_the_output",
    "test_grab_waits_until_held_keys_are_released",
    "test_grab_after_the_bounded_wait_releases_what_is_held",
    "test_activating_a_profile_through_the_api_applies_before_it_answers",
    "test_caps_word_on_the_real_output",
    "test_another_remappers_keyboard_is_left_alone",
    "test_a_consumer_control_node_can_be_enabled_and_follows_its_keyboard",
    "test_output_gap_ms_sends_macro_steps_in_frames_apart",
    "test_pointer_buttons_wheel_and_motion_and_disable_releases_the_button",
    "test_an_enabled_mouse_click_gives_the_held_home_row_shift_before_it",
]


@pytest.fixture(scope="session")
def guest_report() -> dict[str, ET.Element]:
    """Boot once, run every guest scenario, and return their junit results by name."""
    report = CACHE / "guest-report.xml"
    CACHE.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    try:
        run = boot(f"{sys.executable} -m pytest -q -p no:cacheprovider --noconftest "
                   f"--junitxml={report} tests/vm/guest_scenarios.py tests/vm/guest_mice.py")
    except NoQemu as exc:
        if os.environ.get("CI"):  # CI installs qemu: its absence there is a failure, not a skip
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    if not report.exists():
        pytest.fail(f"the VM produced no report (rc {run.returncode}):\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}")
    cases = {c.get("name", ""): c for c in ET.parse(report).getroot().iter("testcase")}
    cases["__log__"] = ET.Element("log", text=run.stdout[-4000:])
    return cases


@pytest.mark.parametrize("name", SCENARIOS)
def test_in_vm(guest_report: dict[str, ET.Element], name: str) -> None:
    case = guest_report.get(name)
    assert case is not None, f"{name} did not run in the VM:\n{guest_report['__log__'].get('text')}"
    for bad in ("failure", "error", "skipped"):
        found = case.find(bad)
        if found is not None:
            pytest.fail(f"{bad} in the VM: {found.get('message')}\n{found.text or ''}")

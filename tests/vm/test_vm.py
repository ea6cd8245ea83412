"""Real-kernel tests: boot a stock Debian kernel under QEMU once and run the guest scenarios there."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.vm

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".vmcache"
SCENARIOS = [
    "test_remap_and_passthrough",
    "test_profile_switch_while_a_key_is_held",
    "test_unplug_while_held_then_replug_on_the_same_path",
    "test_panic_combo_releases_every_grab_until_reenabled",
    "test_grab_waits_until_held_keys_are_released",
    "test_grab_after_the_bounded_wait_releases_what_is_held",
]


def boot(command: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    """Run a shell command in a fresh VM (kernel fetched once into .vmcache); its exit status back."""
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("qemu-system-x86_64 is not installed (scripts/install-test-deps.sh installs it)")
    env = {**os.environ, "VM_CACHE": str(CACHE), "VM_TIMEOUT": str(timeout)}
    setup = subprocess.run(["sh", str(ROOT / "scripts/vm/vm-setup.sh")], env=env, text=True,
                           capture_output=True, timeout=600, check=False)
    assert setup.returncode == 0, f"vm-setup failed:\n{setup.stdout}\n{setup.stderr}"
    return subprocess.run(["sh", str(ROOT / "scripts/vm/run-vm.sh"), str(ROOT), command], env=env,
                          text=True, capture_output=True, timeout=timeout + 30, check=False)


@pytest.fixture(scope="session")
def guest_report() -> dict[str, ET.Element]:
    """Boot once, run every guest scenario, and return their junit results by name."""
    report = CACHE / "guest-report.xml"
    report.unlink(missing_ok=True)
    run = boot(f"{sys.executable} -m pytest -q -p no:cacheprovider --noconftest "
               f"--junitxml={report} tests/vm/guest_scenarios.py")
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

"""`app.doctor` and `keyrx doctor` against a fake root: /dev, /etc, /proc laid out in a temp dir."""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.doctor import Finding, Probe, blocked, diagnose, hardware_problems

KBD = """I: Bus=0011 Vendor=0001 Product=0001 Version=ab41
N: Name="AT Translated Set 2 keyboard"
H: Handlers=sysrq kbd leds event3
B: EV=120013

I: Bus=0019 Vendor=0000 Product=0001 Version=0000
N: Name="Power Button"
H: Handlers=kbd event0
B: EV=3
"""


def put(root: Path, rel: str, text: str = "", mode: int = 0o644) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def machine(root: Path, *, members: str = "alice") -> int:
    """A working machine for alice: the group ids are those our files get, so no chown is needed."""
    gid = put(root, "dev/uinput", mode=0o660).stat().st_gid
    put(root, "dev/input/event3", mode=0o660)
    put(root, "etc/group", f"root:x:0:\ninput:x:{gid}:{members}\nuinput:x:{gid}:{members}\n")
    put(root, "proc/bus/input/devices", KBD)
    put(root, "proc/1/comm", "systemd\n")
    put(root, "etc/udev/rules.d/60-keyrx.rules", "KERNEL==\"uinput\"\n")
    put(root, "etc/systemd/system/keyrx.service", "[Service]\n")
    put(root, "var/lib/keyrx/token", "service-token\n", mode=0o600)
    return gid


def alice(root: Path, groups: set[int], **kw: object) -> Probe:
    uid = os.getuid() + 4242  # owns nothing in the tree
    env = {"HOME": str(root / "home/alice")}
    return Probe(root=root, uid=uid, groups=frozenset(groups), user="alice", environ=env, **kw)  # type: ignore[arg-type]


def by_check(probe: Probe) -> dict[str, Finding]:
    return {f.check: f for f in diagnose(probe)}


def test_a_ready_machine_has_only_ok_findings(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    probe = alice(tmp_path, {gid}, run=lambda argv: (0, "active"))
    findings = diagnose(probe)
    assert not blocked(findings)
    # the service's token is root's alone (0600): alice reads her own instead
    put(tmp_path, "home/alice/.local/share/keyrx/token", "mine\n", mode=0o600)
    bad = [f for f in diagnose(probe) if not f.ok and f.check != "token"]
    assert bad == [], bad


def test_missing_uinput_blocks_with_the_modprobe_fix(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    (tmp_path / "dev/uinput").unlink()
    found = by_check(alice(tmp_path, {gid}))["uinput"]
    assert not found.ok and found.blocking and "sudo modprobe uinput" in found.fix


def test_not_in_the_groups_blocks_and_says_usermod_then_log_in(tmp_path: Path) -> None:
    machine(tmp_path, members="")
    f = by_check(alice(tmp_path, set()))
    assert not f["uinput"].ok and f["uinput"].blocking
    assert "usermod -aG input,uinput alice" in f["groups"].fix
    assert "/dev/input/event3" in f["input_devices"].message and f["input_devices"].blocking


def test_added_to_the_groups_but_not_logged_in_again(tmp_path: Path) -> None:
    machine(tmp_path)  # /etc/group lists alice, but this session has no such group yet
    g = by_check(alice(tmp_path, set()))["groups"]
    assert not g.ok and "usermod" not in g.fix and "log in again" in g.fix


def test_udev_rule_and_service_not_installed(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    (tmp_path / "etc/udev/rules.d/60-keyrx.rules").unlink()
    (tmp_path / "etc/systemd/system/keyrx.service").unlink()
    f = by_check(alice(tmp_path, {gid}))
    assert not f["udev_rule"].ok and "keyrx service install" in f["udev_rule"].fix
    assert not f["service"].ok and f["service"].fix == "sudo keyrx service install"
    put(tmp_path, "usr/lib/udev/rules.d/60-keyrx.rules")  # where the .deb puts it
    assert by_check(alice(tmp_path, {gid}))["udev_rule"].ok


def test_service_state_from_systemctl(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    asked: list[list[str]] = []

    def failed(argv: Sequence[str]) -> tuple[int, str]:
        asked.append(list(argv))
        return 3, "failed"
    f = by_check(alice(tmp_path, {gid}, run=failed))["service"]
    assert asked == [["systemctl", "is-active", "keyrx"]]
    assert not f.ok and f.blocking and "journalctl -u keyrx" in f.fix
    assert "enable --now" in by_check(alice(tmp_path, {gid}, run=lambda _: (3, "inactive")))["service"].fix


def test_another_remapper_by_process_or_by_its_virtual_keyboard(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    put(tmp_path, "proc/812/comm", "keyd\n")
    put(tmp_path, "proc/900/comm", "input-remapper-\n")  # comm is cut at 15 characters
    f = by_check(alice(tmp_path, {gid}))["other_remapper"]
    assert not f.ok and f.blocking and "keyd (pid 812)" in f.message and "input-remapper (pid 900)" in f.message
    assert "sudo systemctl disable --now keyd" in f.fix and "sudo kill 812 900" in f.fix
    other = tmp_path / "other"
    gid = machine(other)
    put(other, "proc/bus/input/devices", KBD + '\nN: Name="kanata"\nH: Handlers=kbd event9\nB: EV=120013\n')
    put(other, "dev/input/event9", mode=0o660)
    assert "kanata (its virtual keyboard)" in by_check(alice(other, {gid}))["other_remapper"].message


def test_token_findings_name_the_places(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    (tmp_path / "var/lib/keyrx/token").unlink()
    t = by_check(alice(tmp_path, {gid}))["token"]
    assert not t.ok and not t.blocking and "home/alice/.local/share/keyrx/token: does not exist" in t.message
    probe = alice(tmp_path, {gid})
    probe.environ = {"KEYRX_TOKEN": "x" * 20}
    assert by_check(probe)["token"].ok


def test_the_command_prints_fixes_and_exits_1_when_blocked(tmp_path: Path) -> None:
    machine(tmp_path)
    (tmp_path / "dev/uinput").unlink()
    r = CliRunner().invoke(main, ["doctor", "--root", str(tmp_path)])
    assert r.exit_code == 1 and "FAIL  uinput" in r.output and "fix: sudo modprobe uinput" in r.output
    put(tmp_path, "dev/uinput", mode=0o660)
    r = CliRunner().invoke(main, ["--json", "doctor", "--root", str(tmp_path)])
    body = json.loads(r.output)
    assert body["ok"] is (r.exit_code == 0) and {f["check"] for f in body["findings"]} >= {"uinput", "token"}


def test_hardware_problems_are_the_failing_machine_checks_as_status_rows(tmp_path: Path) -> None:
    gid = machine(tmp_path)
    assert hardware_problems(alice(tmp_path, {gid})) == []  # service and token are not the daemon's problem
    (tmp_path / "dev/uinput").unlink()
    (tmp_path / "etc/udev/rules.d/60-keyrx.rules").unlink()
    rows = hardware_problems(alice(tmp_path, {gid}))
    assert [r["check"] for r in rows] == ["uinput", "udev_rule"]
    assert all(r["kind"] == "hardware" and r["detail"] and r["fix"] for r in rows)

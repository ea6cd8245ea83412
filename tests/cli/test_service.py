"""`keyrx service install|uninstall` into a scratch root, file by file; the reloads through a fake host."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.cli.base import serve_argv
from app.cli.service import Host, install, python_problems, uninstall
from app.paths import DEPLOY
from tests.cli.test_deployment import unit, verify_unit

PY = sys.executable
EXPECTED = {
    "etc/udev/rules.d/60-keyrx.rules": (DEPLOY / "60-keyrx.rules").read_text(),
    "etc/sysusers.d/keyrx.conf": (DEPLOY / "keyrx.sysusers").read_text(),
    "etc/modules-load.d/keyrx.conf": (DEPLOY / "keyrx-modules.conf").read_text(),
}


def keyrx(*args: str, code: int = 0) -> str:
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r.output


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_install_into_a_root_writes_each_file_and_a_manifest(tmp_path: Path) -> None:
    out = keyrx("service", "install", "--root", str(tmp_path), "--python", PY)
    assert files_under(tmp_path) == {*EXPECTED, "etc/systemd/system/keyrx.service", "etc/keyrx/install-manifest.json"}
    for rel, text in EXPECTED.items():
        assert (tmp_path / rel).read_text() == text, rel
        assert (tmp_path / rel).stat().st_mode & 0o777 == 0o644
    service = (tmp_path / "etc/systemd/system/keyrx.service").read_text()
    assert "@" not in service.replace("@system-service", "")
    assert unit(service)["ExecStart"] == [" ".join(serve_argv(PY))]
    manifest = json.loads((tmp_path / "etc/keyrx/install-manifest.json").read_text())
    assert manifest["python"] == PY
    for rel, sha in manifest["files"].items():
        assert hashlib.sha256((tmp_path / rel.lstrip("/")).read_bytes()).hexdigest() == sha
    assert "skipped: systemctl daemon-reload (staging into --root)" in out
    assert "skipped: systemd-sysusers /etc/sysusers.d/keyrx.conf (staging into --root)" in out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_installed_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    keyrx("service", "install", "--root", str(tmp_path), "--python", PY)
    verify_unit(tmp_path / "etc/systemd/system/keyrx.service")


def test_uninstall_removes_exactly_what_install_wrote(tmp_path: Path) -> None:
    other = tmp_path / "etc/udev/rules.d/70-other.rules"
    other.parent.mkdir(parents=True)
    other.write_text("# not ours\n")
    keyrx("service", "install", "--root", str(tmp_path), "--python", PY)
    local = tmp_path / "etc/modules-load.d/keyrx.conf"
    local.write_text("uinput\n# edited by the admin\n")
    out = keyrx("service", "uninstall", "--root", str(tmp_path))
    assert files_under(tmp_path) == {"etc/udev/rules.d/70-other.rules", "etc/modules-load.d/keyrx.conf"}
    assert f"kept    {local}: changed since install" in out
    assert not (tmp_path / "etc/systemd").exists() and not (tmp_path / "etc/keyrx").exists()
    assert "nothing to uninstall" in keyrx("service", "uninstall", "--root", str(tmp_path), code=1)


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    out = keyrx("service", "install", "--root", str(tmp_path), "--dry-run", "--python", PY)
    assert files_under(tmp_path) == set() and f"would write {tmp_path}/etc/systemd/system/keyrx.service" in out


class FakeHost(Host):
    def __init__(self, tools: set[str], systemd: bool) -> None:
        super().__init__(run=self.record, which=lambda t: f"/usr/bin/{t}" if t in tools else None, systemd=systemd)
        self.ran: list[list[str]] = []

    def record(self, argv: Sequence[str]) -> int:
        self.ran.append(list(argv))
        return 0


def test_a_live_install_reloads_what_it_can_and_says_what_it_skipped(tmp_path: Path) -> None:
    host = FakeHost({"systemd-sysusers", "modprobe", "systemctl"}, systemd=False)
    lines = install(tmp_path, PY, enable=True, dry_run=False, host=host, live=True).lines
    assert host.ran == [["systemd-sysusers", "/etc/sysusers.d/keyrx.conf"], ["modprobe", "uinput"]]
    assert "skipped: udevadm control --reload (udevadm not found)" in lines
    assert "skipped: systemctl enable --now keyrx (systemd is not running)" in lines
    host = FakeHost({"sh", "useradd", "systemctl", "udevadm"}, systemd=True)
    install(tmp_path, PY, enable=False, dry_run=False, host=host, live=True)
    assert host.ran[0][:2] == ["sh", "-c"] and "useradd -r" in host.ran[0][2]  # no systemd-sysusers
    assert ["systemctl", "daemon-reload"] in host.ran and ["systemctl", "enable", "--now", "keyrx"] not in host.ran
    host = FakeHost({"systemctl", "udevadm"}, systemd=True)
    uninstall(tmp_path, dry_run=False, host=host, live=True)
    assert host.ran == [["systemctl", "disable", "--now", "keyrx"], ["systemctl", "daemon-reload"],
                        ["udevadm", "control", "--reload"]]


def test_an_interpreter_the_service_cannot_reach_is_refused() -> None:
    assert any("home directory" in p for p in python_problems("/home/alice/.local/pipx/venvs/keyrx/bin/python"))
    assert any("white space" in p for p in python_problems("/opt/my keyrx/bin/python"))

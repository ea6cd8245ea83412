"""The deployment files in config/: a hardened unit running the gunicorn form, matching udev and users."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config"


def unit() -> dict[str, list[str]]:
    """keyrx.service as key → values (keys may repeat)."""
    out: dict[str, list[str]] = {}
    for line in (CONFIG / "keyrx.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_unit_runs_the_gunicorn_form_as_an_unprivileged_user() -> None:
    u = unit()
    assert u["ExecStart"] == ["/opt/keyrx/.venv/bin/gunicorn -c config/gunicorn.conf.py wsgi:app"]
    makefile = (CONFIG.parent / "Makefile").read_text()
    assert "gunicorn -c config/gunicorn.conf.py wsgi:app" in makefile  # the same form as `make run`
    assert u["User"] == ["keyrx"] and u["Restart"] == ["on-failure"]
    assert u["StateDirectory"] == ["keyrx"] and "KEYRX_DATA_DIR=/var/lib/keyrx" in u["Environment"][0]


def test_unit_is_hardened() -> None:
    u = unit()
    for key, value in {"ProtectSystem": "strict", "PrivateTmp": "yes", "ProtectHome": "yes",
                       "NoNewPrivileges": "yes", "DevicePolicy": "closed", "CapabilityBoundingSet": ""}.items():
        assert u[key] == [value], key
    assert set(u["DeviceAllow"]) == {"/dev/uinput rw", "char-input rw"}


def test_groups_agree_across_unit_udev_and_sysusers() -> None:
    groups = set(unit()["SupplementaryGroups"][0].split())
    rules = (CONFIG / "60-keyrx.rules").read_text()
    assert 'KERNEL=="uinput"' in rules and 'GROUP="uinput"' in rules and 'MODE="0660"' in rules
    sysusers = (CONFIG / "keyrx.sysusers").read_text().splitlines()
    members = {line.split()[2] for line in sysusers if line.startswith("m keyrx ")}
    assert groups == members == {"input", "uinput"}
    assert "uinput" in (CONFIG / "keyrx-modules.conf").read_text().split()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    text = (CONFIG / "keyrx.service").read_text()
    # the unit names /opt/keyrx; verify it with paths that exist here
    local = tmp_path / "keyrx.service"
    local.write_text(text.replace("/opt/keyrx/.venv/bin/gunicorn", "/bin/true")
                     .replace("WorkingDirectory=/opt/keyrx", f"WorkingDirectory={tmp_path}"))
    r = subprocess.run(["systemd-analyze", "verify", str(local)], check=False, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "keyrx.service" not in r.stderr, r.stderr
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--threshold=30", str(local)],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout[-2000:]  # exposure 3.0 or lower ("OK")


def test_config_holds_deployment_files_only() -> None:
    # settings defaults and example profiles ship in the package (app/defaults.py, app/profiles/)
    files = {p.name for p in CONFIG.iterdir() if p.name != "__pycache__"}
    assert files == {"gunicorn.conf.py", "keyrx.service", "60-keyrx.rules", "keyrx.sysusers", "keyrx-modules.conf"}


def test_gunicorn_binds_where_the_cli_looks() -> None:
    from app.paths import bind, local_url
    assert bind({}) == "127.0.0.1:9867" and local_url({}) == "http://127.0.0.1:9867"
    v6 = {"KEYRX_HOST": "::1", "KEYRX_PORT": "9000"}
    assert bind(v6) == "[::1]:9000" and local_url(v6) == "http://[::1]:9000"
    assert bind({"KEYRX_HOST": "::"}) == "[::]:9867" and local_url({"KEYRX_HOST": "::"}) == "http://127.0.0.1:9867"

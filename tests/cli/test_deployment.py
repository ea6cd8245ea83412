"""The deployment files (app/deploy, installed by `keyrx service install` and the .deb): a hardened unit
running the gunicorn form, matching udev and users; config/ keeps the checkout's gunicorn settings."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.base import serve_argv
from app.cli.service import unit_text
from app.paths import DEPLOY

CONFIG = Path(__file__).resolve().parents[2] / "config"
PYTHON = "/opt/keyrx/bin/python"


def unit(text: str | None = None) -> dict[str, list[str]]:
    """keyrx.service as installed (for /opt/keyrx) as key → values (keys may repeat)."""
    out: dict[str, list[str]] = {}
    for line in (text or unit_text(PYTHON)).splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_unit_runs_the_gunicorn_form_as_an_unprivileged_user() -> None:
    u = unit()
    # the same form `keyrx serve` execs; `make run` runs it through the checkout's config/ and wsgi.py
    assert u["ExecStart"] == [" ".join(serve_argv(PYTHON))]
    assert u["ExecStart"] == [f"{PYTHON} -m gunicorn -c python:app.gunicorn_conf app.wsgi:app"]
    makefile = (CONFIG.parent / "Makefile").read_text()
    assert "gunicorn -c config/gunicorn.conf.py wsgi:app" in makefile
    assert "from app.gunicorn_conf import *" in (CONFIG / "gunicorn.conf.py").read_text()
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
    rules = (DEPLOY / "60-keyrx.rules").read_text()
    assert 'KERNEL=="uinput"' in rules and 'GROUP="uinput"' in rules and 'MODE="0660"' in rules
    sysusers = (DEPLOY / "keyrx.sysusers").read_text().splitlines()
    members = {line.split()[2] for line in sysusers if line.startswith("m keyrx ")}
    assert groups == members == {"input", "uinput"}
    assert "uinput" in (DEPLOY / "keyrx-modules.conf").read_text().split()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    local = tmp_path / "keyrx.service"
    local.write_text(unit_text(sys.executable))  # an interpreter that exists here
    verify_unit(local)


def verify_unit(path: Path) -> None:
    """systemd-analyze verify finds nothing, and security rates the unit "OK" (3.0 or lower)."""
    r = subprocess.run(["systemd-analyze", "verify", str(path)], check=False, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "keyrx.service" not in r.stderr, r.stderr
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--threshold=30", str(path)],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout[-2000:]


def test_config_holds_deployment_files_only() -> None:
    # settings defaults, example profiles and the service files ship in the package (app/defaults.py,
    # app/profiles/, app/deploy/): config/ keeps the checkout's gunicorn entry
    files = {p.name for p in CONFIG.iterdir() if p.name != "__pycache__"}
    assert files == {"gunicorn.conf.py"}
    deploy = {p.name for p in DEPLOY.iterdir() if p.name != "__pycache__"}
    assert deploy == {"keyrx.service", "60-keyrx.rules", "keyrx.sysusers", "keyrx-modules.conf"}


def test_gunicorn_binds_where_the_cli_looks() -> None:
    from app.paths import bind, local_url
    assert bind({}) == "127.0.0.1:9867" and local_url({}) == "http://127.0.0.1:9867"
    v6 = {"KEYRX_HOST": "::1", "KEYRX_PORT": "9000"}
    assert bind(v6) == "[::1]:9000" and local_url(v6) == "http://[::1]:9000"
    assert bind({"KEYRX_HOST": "::"}) == "[::]:9867" and local_url({"KEYRX_HOST": "::"}) == "http://127.0.0.1:9867"

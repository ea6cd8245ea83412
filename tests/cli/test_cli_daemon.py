"""`keyrx` client commands against a running daemon (gunicorn, virtual keyboards)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from app.cli import main
from app.paths import EXAMPLES
from tests.cli.conftest import KEYRX, Cli
from tests.e2e.conftest import Daemon, free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CAPS = EXAMPLES / "caps-ctrl-esc.json"


def test_status_as_a_person_and_a_script(cli: Cli) -> None:
    out = cli("status").stdout
    assert "hardware: virtual running" in out and "devices:  2 known, 2 connected, 2 grabbed" in out
    st = cli.json("status")
    assert st["hw"]["backend"] == "virtual" and st["devices"]["known"] == 2


def test_devices_list_enable_disable_label_profile(cli: Cli) -> None:
    devices = cli.json("devices", "list")["devices"]
    assert len(devices) == 2
    dev = devices[1]["id"]
    assert cli("devices", "list").stdout.splitlines()[0].split() == ["ID", "NAME", "STATE", "ENABLED", "PROFILE"]

    off = cli.json("devices", "disable", dev)
    assert off["enabled"] is False and off["grabbed"] is False
    labelled = cli.json("devices", "label", dev, "Left hand")
    assert labelled["label"] == "Left hand"
    # a label or a unique id prefix works where an id does
    assert cli.json("devices", "enable", "left hand")["grabbed"] is True
    cli("profiles", "import", str(CAPS), "--name", "perdev")
    assert cli.json("devices", "profile", dev, "perdev")["profile"] == "perdev"
    assert cli.json("devices", "profile", dev, "--clear")["profile"] is None
    assert cli.json("devices", "label", dev, "--clear")["label"] is None

    missing = cli("devices", "enable", "nope", code=1)
    assert "'nope' matches no device" in missing.stderr
    bad = cli("devices", "profile", dev, "ghost", code=1)
    assert "no profile named 'ghost'" in bad.stderr and "profile: no profile named 'ghost'" in bad.stderr


def test_profiles_import_export_activate_roundtrip(cli: Cli, tmp_path: Path) -> None:
    created = cli.json("profiles", "import", str(CAPS), "--name", "caps")
    assert created["name"] == "caps" and created["revision"] == 1
    again = cli("profiles", "import", str(CAPS), "--name", "caps", code=1)
    assert "--replace" in again.stderr
    assert cli.json("profiles", "import", str(CAPS), "--name", "caps", "--replace")["revision"] == 2

    out = tmp_path / "caps.json"
    cli("profiles", "export", "caps", "-o", str(out))
    exported = json.loads(out.read_text())
    assert exported["layers"] == json.loads(CAPS.read_text())["layers"]
    assert "revision" not in exported and "active" not in exported
    assert cli("check", str(out)).stdout.strip() == f"{out}: ok"

    assert cli("profiles", "activate", "caps").stdout.strip() == "active: caps"
    listing = cli("profiles", "list").stdout
    assert any(line.startswith("*") and " caps " in line for line in listing.splitlines())
    assert cli.json("profiles", "show", "caps")["active"] is True
    assert cli.json("profiles", "deactivate") == {"name": None}
    assert cli.json("profiles", "list")["active"] is None


def test_import_reports_the_daemons_field_errors(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"layers": {"base": {"capslok": "esc"}}}')
    r = cli("profiles", "import", str(bad), code=1)
    assert str(bad) in r.stderr and "layers.base.capslok: unknown key 'capslok'" in r.stderr
    problem = json.loads(cli("--json", "profiles", "import", str(bad), code=1).stderr)["error"]
    assert problem["status"] == 422 and "layers.base.capslok" in problem["errors"]


def test_wrong_token_and_no_daemon_say_what_to_do(daemon: Daemon) -> None:
    wrong = Cli(daemon.url, token="not-the-token")
    r = wrong("status", code=4)
    assert "rejected the token from KEYRX_TOKEN" in r.stderr and "keyrx token" in r.stderr
    nobody = Cli(f"http://127.0.0.1:{free_port()}")
    r = nobody("devices", "list", code=3)
    assert "is not running" in r.stderr and "keyrx serve" in r.stderr
    assert json.loads(nobody("--json", "status", code=3).stderr)["error"]["title"] == "Daemon unreachable"


def test_token_from_the_data_dir(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_TOKEN="")  # the daemon creates and stores its token
    d.start()
    try:
        cli = Cli(d.url, token=None, KEYRX_DATA_DIR=str(tmp_path))
        token = (tmp_path / "token").read_text().strip()
        assert cli("token").stdout.splitlines() == [token, f"{d.url}/#token={token}"]
        assert cli.json("token")["source"] == str(tmp_path / "token")
        assert cli.json("status")["hw"]["state"] == "running"
    finally:
        d.stop()


def test_console_script_is_a_fast_client(cli: Cli) -> None:
    r = cli.process("--json", "status")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["devices"]["known"] == 2
    # client commands neither import gevent nor start a thread
    probe = ("import sys, threading; from app.cli import main; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'gevent'), threading.active_count())")
    out = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.stdout.split() == ["[]", "1"], out


def test_serve_is_the_deployment_form(tmp_path: Path) -> None:
    port = free_port()
    env = {"KEYRX_PORT": str(port), "KEYRX_DATA_DIR": str(tmp_path), "KEYRX_HW_BACKEND": "virtual",
           "KEYRX_LOG_LEVEL": "warning"}
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen([KEYRX, "serve"], env={**os.environ, **env}, cwd=tmp_path,  # not the checkout
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not _healthy(port):
            assert proc.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.05)  # polls a condition: the master listens before the worker serves
        token = (tmp_path / "token").read_text().strip()
        st = requests.get(f"http://127.0.0.1:{port}/api/status", timeout=10,
                          headers={"Authorization": f"Bearer {token}"}).json()
        assert st["hw"]["backend"] == "virtual"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        log.close()


def test_run_is_a_hidden_alias_of_serve() -> None:
    r = CliRunner().invoke(main, ["run", "--help"])
    assert r.exit_code == 0 and "keyrx serve" in r.output
    listed = CliRunner().invoke(main, ["--help"]).output.split("Commands:")[1].split()
    assert "serve" in listed and "run" not in listed


def _healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_simulate_a_file_and_a_stored_profile(cli: Cli) -> None:
    tapped = cli.json("simulate", str(CAPS), "d:capslock t:50 u:capslock")["output"]
    assert [(o["action"], o["key"]) for o in tapped] == [("press", "esc"), ("release", "esc")]
    held = cli("simulate", str(CAPS), "d:capslock", "t:300", "d:c", "u:c", "u:capslock").stdout.split()
    assert held[2:4] == ["press", "leftctrl"] and held[-2:] == ["release", "leftctrl"]
    cli("profiles", "import", str(CAPS), "--name", "stored", "--replace")
    assert cli.json("simulate", "stored", "d:capslock u:capslock")["output"][0]["key"] == "esc"
    r = cli("simulate", str(CAPS), "d:capslok", code=1)
    assert "capslok" in r.stderr and "capslock" in r.stderr


def test_events_follow_resumes_across_a_restart(tmp_path: Path) -> None:
    from tests.e2e.test_examples import Lines
    d = Daemon(tmp_path)
    d.start()
    try:
        cli = Cli(d.url)
        proc = subprocess.Popen([KEYRX, "--json", "events", "--follow", "--interval", "0.1"],
                                env={**os.environ, **cli.env}, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            lines = Lines(proc)
            dev = d.get("/api/devices").json()["devices"][0]["id"]
            deadline = time.monotonic() + 30
            first = None
            while first is None:  # the follower starts from "now": change until it shows
                assert d.patch(f"/api/devices/{dev}", json={"label": f"l{time.monotonic()}"}).ok
                try:
                    first = json.loads(lines.wait_for('"device.updated"', timeout=2))
                except AssertionError:
                    assert time.monotonic() < deadline
            d.stop()
            d.start()
            resync = json.loads(lines.wait_for('"resync_required"'))
            while resync["epoch"] == first["epoch"]:  # the old run may ask for one as it stops
                resync = json.loads(lines.wait_for('"resync_required"'))
            assert resync["reason"] == "epoch_changed"
            assert d.patch(f"/api/devices/{dev}", json={"label": "after"}).ok
            after = json.loads(lines.wait_for('"after"'))
            assert after["epoch"] == resync["epoch"] and after["seq"] > resync["head_seq"]
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=20) == 130
    finally:
        d.stop()

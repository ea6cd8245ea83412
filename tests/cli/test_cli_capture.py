"""`keyrx capture` against a running daemon (gunicorn, virtual keyboards)."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.cli.conftest import KEYRX, Cli
from tests.e2e.capture import daemon_probe, disable_second, wait_armed
from tests.e2e.conftest import Daemon

pytestmark = pytest.mark.e2e


def test_capture_prints_the_raw_key_and_exits_5_when_none_comes(daemon: Daemon, cli: Cli) -> None:
    one, two = disable_second(daemon)
    env = {**os.environ, **cli.env}
    with subprocess.Popen([KEYRX, "--json", "capture", "--device", one[:-2], "--timeout", "10000"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        wait_armed(daemon_probe(daemon, two))
        tap = {"events": [{"key": "f5", "action": "tap"}]}
        assert daemon.post(f"/api/devices/{one}/inject", json=tap).status_code == 202
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert json.loads(out) == {"device": one, "key": "f5", "code": 63}

    missed = cli("capture", "--timeout", "200", code=5)
    assert missed.stdout == "" and "no key pressed within 200 ms" in missed.stderr
    assert json.loads(cli("--json", "capture", "--timeout", "200", code=5).stdout) == {"device": None, "key": None}
    busy_or_not = cli("capture", "--device", two, code=1)
    assert "not grabbed" in busy_or_not.stderr
    cli("capture", "--timeout", "0", code=2)

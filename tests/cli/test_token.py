"""Token discovery (`app.paths.find_token`): KEYRX_TOKEN, then the service's data dir, then the
user's; root's data dir is the service's; a miss names every place tried."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import Token, TokenNotFound, find_token, token_files

ROOT = Path(__file__).resolve().parents[2]


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    return path


def test_the_environment_wins_then_the_service_then_the_user(tmp_path: Path) -> None:
    service, xdg = tmp_path / "var-lib-keyrx", tmp_path / "xdg"
    user = {"XDG_DATA_HOME": str(xdg), "HOME": str(tmp_path / "home")}
    put(xdg / "keyrx" / "token", "user-token")
    assert find_token(environ=user, euid=1000, service_dir=service) == Token("user-token", str(xdg / "keyrx/token"))
    put(service / "token", "service-token")
    assert find_token(environ=user, euid=1000, service_dir=service).value == "service-token"
    assert find_token(environ={**user, "KEYRX_TOKEN": "env"}, euid=1000, service_dir=service) == Token("env",
                                                                                                       "KEYRX_TOKEN")
    assert find_token("flag", environ={"KEYRX_TOKEN": "env"}).source == "--token"


def test_an_explicit_data_dir_is_the_only_place(tmp_path: Path) -> None:
    put(tmp_path / "service" / "token", "service-token")
    mine = put(tmp_path / "mine" / "token", "mine")
    env = {"KEYRX_DATA_DIR": str(tmp_path / "mine")}
    assert find_token(environ=env, euid=1000, service_dir=tmp_path / "service") == Token("mine", str(mine))
    assert token_files(tmp_path / "other", env) == [tmp_path / "other" / "token"]


def test_root_looks_in_the_service_dir_only() -> None:
    # the daemon run as root keeps its token in /var/lib/keyrx, never in ~root/.local/share
    assert token_files(environ={"HOME": "/root"}, euid=0) == [Path("/var/lib/keyrx/token")]
    assert token_files(environ={"HOME": "/home/u"}, euid=1000) == [Path("/var/lib/keyrx/token"),
                                                                   Path("/home/u/.local/share/keyrx/token")]


def test_a_miss_names_every_place_tried_and_why(tmp_path: Path) -> None:
    (tmp_path / "svc" / "token").mkdir(parents=True)  # unreadable as a file
    put(tmp_path / "xdg" / "keyrx" / "token", "")
    with pytest.raises(TokenNotFound) as info:
        find_token(environ={"XDG_DATA_HOME": str(tmp_path / "xdg")}, euid=1000, service_dir=tmp_path / "svc")
    places = [place for place, _ in info.value.tried]
    assert places == ["KEYRX_TOKEN", str(tmp_path / "svc/token"), str(tmp_path / "xdg/keyrx/token")]
    text = str(info.value)
    assert all(p in text for p in places) and "empty" in text and "keyrx serve" in text
    assert "sudo cat /var/lib/keyrx/token" in text


@pytest.mark.parametrize("script", ["list_devices.py", "toggle_device.py", "profile_by_time.py",
                                    "follow_events.py"])
def test_examples_use_the_same_lookup(tmp_path: Path, script: str) -> None:
    # no daemon and no token anywhere: each example says where it looked, and exits
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYRX_")}
    env |= {"KEYRX_DATA_DIR": str(tmp_path / "nowhere"), "KEYRX_URL": "http://127.0.0.1:9"}
    r = subprocess.run([sys.executable, ROOT / "examples" / script, "x"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"{tmp_path / 'nowhere' / 'token'}: does not exist" in r.stderr
    assert "~" not in r.stderr and ".local/share" not in (ROOT / "examples" / script).read_text()

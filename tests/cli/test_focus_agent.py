"""keyrx focus-agent, keyrx focus and keyrx layers against the real daemon; the X11 backend
under Xvfb with real windows."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Daemon, running

pytestmark = pytest.mark.e2e


def keyrx(d: Daemon, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
          timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "--url", d.url, *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "KEYRX_TOKEN": "e2e-token-abcdefghijklmnop", **(env or {})})


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with running(tmp_path_factory.mktemp("agent")) as daemon:
        daemon.post("/api/profiles", json={"name": "apps", "layers": {"base": {}, "term": {"f1": "f2"},
                                                                       "nav": {"h": "left"}},
                                           "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]}]})
        daemon.post("/api/profiles/apps/activate")
        yield daemon


def wait_for(d: Daemon, app_id: str | None, timeout: float = 5) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        body = d.get("/api/focus").json()
        if body["app_id"] == app_id:
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.02)


def test_stdin_agent_reports_then_deletes(d: Daemon) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--url", d.url, "focus-agent", "--backend", "stdin"],
                            cwd=ROOT, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "KEYRX_TOKEN": "e2e-token-abcdefghijklmnop"})
    assert proc.stdin is not None and proc.stderr is not None
    assert "focus-agent: stdin" in proc.stderr.readline()  # started (imports take a while under load)
    proc.stdin.write('{"app_id":"kitty","title":"x"}\n')
    proc.stdin.flush()
    t0 = time.monotonic()
    body = wait_for(d, "kitty", timeout=1)
    assert time.monotonic() - t0 < 1 and body["source"] == "stdin"
    out = keyrx(d, "focus")
    assert "kitty" in out.stdout and "apps.0" in out.stdout and "term" in out.stdout, out
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0
    assert d.get("/api/focus").json()["app_id"] is None  # DELETE on exit


def test_debounce_last_value_wins(d: Daemon) -> None:
    lines = "".join(json.dumps({"app_id": f"app{i}"}) + "\n" for i in range(50)) + '{"app_id":"kitty"}\n'
    r = keyrx(d, "focus-agent", "--backend", "stdin", stdin=lines)
    assert r.returncode == 0, r.stderr
    events = d.get("/api/events", params={"since": 0, "topics": "focus"}).json()["events"]
    app_ids = [e["data"]["app_id"] for e in events]
    assert app_ids[-2:] == ["kitty", None]  # the last value, then the DELETE on exit
    assert len(app_ids) < 10  # 51 lines in far less than 50 ms each: most were folded


def test_agent_needs_a_token(d: Daemon, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("KEYRX_TOKEN", None)
    r = subprocess.run([sys.executable, "-m", "app.cli", "--url", d.url, "focus-agent", "--backend", "stdin"],
                       cwd=ROOT, input="", capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode != 0 and "focus-token" in r.stderr


def test_layers_cli(d: Daemon) -> None:
    assert "base" in keyrx(d, "layers").stdout
    r = keyrx(d, "layers", "on", "nav")
    assert r.returncode == 0 and "base › nav" in r.stdout, r
    assert "nav" in keyrx(d, "--json", "layers", "toggle", "nav", "--all").stdout
    r = keyrx(d, "layers", "switch", "nva")
    assert r.returncode != 0 and "did you mean 'nav'" in r.stderr + r.stdout
    assert keyrx(d, "layers", "clear").returncode == 0


needs_x = pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool") and shutil.which("xprop")),
                             reason="Xvfb, xdotool and xprop are needed (scripts/install-test-deps.sh installs them)")


@needs_x
@pytest.mark.xfail(reason="under Xvfb without a window manager, `xprop -spy _NET_ACTIVE_WINDOW` reports "
                   "'no such atom' and no changes; the backend is not verified yet", strict=False)
def test_x11_backend_follows_real_windows(d: Daemon, tmp_path: Path) -> None:
    display = ":87"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)
    env = {**os.environ, "DISPLAY": display, "KEYRX_TOKEN": "e2e-token-abcdefghijklmnop"}
    windows: list[subprocess.Popen[bytes]] = []
    agent = None
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["xprop", "-root"], env=env, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        agent = subprocess.Popen([sys.executable, "-m", "app.cli", "--url", d.url, "focus-agent", "--backend", "x11"],
                                 cwd=ROOT, env=env)
        ids = []
        for cls, title in (("kitty", "vim notes"), ("gedit", "todo.txt")):
            # a real X client window with a class and a title: python's tkinter
            script = (f"import tkinter; r = tkinter.Tk(className='{cls}'); r.title('{title}'); "
                      "r.after(20000, r.destroy); r.mainloop()")
            windows.append(subprocess.Popen([sys.executable, "-c", script], env=env))
            deadline = time.monotonic() + 10
            while True:
                found = subprocess.run(["xdotool", "search", "--name", title], env=env, capture_output=True, text=True)
                if found.stdout.strip():
                    ids.append(found.stdout.split()[0])
                    break
                assert time.monotonic() < deadline
                time.sleep(0.05)
        # Xvfb runs no window manager: set _NET_ACTIVE_WINDOW on the root as one would
        for wid, (app_id, title) in zip(ids, (("kitty", "vim notes"), ("gedit", "todo.txt")), strict=True):
            subprocess.run(["xprop", "-root", "-f", "_NET_ACTIVE_WINDOW", "32x", "-set", "_NET_ACTIVE_WINDOW",
                            wid], env=env, check=True)
            body = wait_for(d, app_id.capitalize())  # WM_CLASS's class part
            assert body["title"] == title and body["source"] == "x11"
        assert d.get("/api/focus").json()["matches"] != {}
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(timeout=10)
        for w in windows:
            w.kill()
        xvfb.kill()
        xvfb.wait()

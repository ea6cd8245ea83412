"""keyrx focus-agent, keyrx focus and keyrx layers against the real daemon; the X11 backend
under Xvfb with real windows."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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
    body = wait_for(d, "kitty", timeout=15)
    assert body["source"] == "stdin"
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


def start_agent(d: Daemon, backend: str, env: dict[str, str]) -> subprocess.Popen[str]:
    agent = subprocess.Popen([sys.executable, "-m", "app.cli", "--url", d.url, "focus-agent", "--backend", backend],
                             cwd=ROOT, env={**env, "KEYRX_TOKEN": "e2e-token-abcdefghijklmnop"},
                             stderr=subprocess.PIPE, text=True)
    assert agent.stderr is not None
    assert f"focus-agent: {backend}" in agent.stderr.readline()
    return agent


def stop_agent(d: Daemon, agent: subprocess.Popen[str]) -> None:
    agent.terminate()
    agent.wait(timeout=10)


def until(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.fixture
def x_display() -> Iterator[dict[str, str]]:
    """Xvfb with openbox (an EWMH window manager: it sets _NET_ACTIVE_WINDOW) on a free display."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    env = {**os.environ, "DISPLAY": f":{number}"}
    wm = subprocess.Popen(["openbox", "--sm-disable", "--config-file", "/dev/null"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        until(lambda: "window id" in subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env,
                                                    capture_output=True, text=True).stdout, "openbox started")
        yield env
    finally:
        for proc in (wm, xvfb):
            proc.terminate()
            proc.wait(timeout=10)


def tk_window(env: dict[str, str], cls: str, title: str, retitle: str = "") -> subprocess.Popen[bytes]:
    """A real X client window (tkinter: WM_CLASS is ("cls", "Cls")); `retitle` is its title 0.3 s
    after it is first focused."""
    script = (f"import tkinter; r = tkinter.Tk(className={cls!r}); r.title({title!r}); "
              + (f"r.bind('<FocusIn>', lambda e: r.after(300, r.title, {retitle!r})); " if retitle else "")
              + "r.after(60000, r.destroy); r.mainloop()")
    return subprocess.Popen([sys.executable, "-c", script], env=env)


def x_window_id(env: dict[str, str], title: str) -> str:
    found: list[str] = []
    until(lambda: bool(found.extend(subprocess.run(["xdotool", "search", "--name", title], env=env,
                                                   capture_output=True, text=True).stdout.split()) or found),
          f"window {title!r} mapped")
    return found[0]


needs_x = pytest.mark.skipif(not all(shutil.which(c) for c in ("Xvfb", "xdotool", "xprop", "openbox"))
                             or importlib.util.find_spec("tkinter") is None,
                             reason="Xvfb, openbox, xdotool, xprop and tkinter are needed (install-test-deps.sh)")


@needs_x
def test_x11_backend_follows_real_windows(d: Daemon, x_display: dict[str, str]) -> None:
    windows = [tk_window(x_display, "kitty", "vim notes"), tk_window(x_display, "gedit", "todo.txt", "todo.txt *")]
    agent = start_agent(d, "x11", x_display)
    try:
        kitty, gedit = x_window_id(x_display, "vim notes"), x_window_id(x_display, "todo.txt")
        for _ in range(2):  # back and forth: each switch is a PropertyNotify on the root window
            subprocess.run(["xdotool", "windowactivate", "--sync", kitty], env=x_display, check=True)
            body = wait_for(d, "Kitty")  # WM_CLASS's class part; rules compare case-insensitively
            assert body["title"] == "vim notes" and body["source"] == "x11"
            assert body["matches"] and all(m["layers"] == ["term"] for m in body["matches"].values()), body
            subprocess.run(["xdotool", "windowactivate", "--sync", gedit], env=x_display, check=True)
            body = wait_for(d, "Gedit")
            assert all(m["layers"] == [] for m in body["matches"].values()), body
        until(lambda: d.get("/api/focus").json()["title"] == "todo.txt *", "the title change followed")
    finally:
        stop_agent(d, agent)
        for w in windows:
            w.kill()
            w.wait()
    assert d.get("/api/focus").json()["app_id"] is None  # DELETE on exit


@pytest.fixture
def sway() -> Iterator[dict[str, str]]:
    """A headless sway (no GPU, no input devices). sway refuses to run as root, so under root it runs
    as nobody, with a runtime dir of its own (outside pytest's tmp_path, which nobody cannot enter)."""
    with tempfile.TemporaryDirectory(prefix="keyrx-sway-") as tmp:
        os.chmod(tmp, 0o755)
        yield from _sway(Path(tmp))


def _sway(tmp_path: Path) -> Iterator[dict[str, str]]:
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    config = tmp_path / "sway.conf"
    config.write_text("output HEADLESS-1 resolution 800x600\n")
    config.chmod(0o644)
    drop: list[str] = []
    if os.geteuid() == 0:
        os.chown(runtime, 65534, 65534)
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime), "WLR_BACKENDS": "headless",
           "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    # its own directory as the working one: what it runs as nobody must be able to enter it, and
    # the checkout may sit in a directory only root can (mktemp -d)
    proc = subprocess.Popen([*drop, "sway", "-c", str(config)], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        until(lambda: proc.poll() is not None or any(runtime.glob("sway-ipc.*.sock")), "sway started")
        assert proc.poll() is None, f"sway exited with {proc.returncode}"
        sock = str(next(runtime.glob("sway-ipc.*.sock")))
        until(lambda: "HEADLESS-1" in subprocess.run(["swaymsg", "-s", sock, "-t", "get_outputs"],
                                                     capture_output=True, text=True).stdout, "sway has its output")
        yield {**env, "SWAYSOCK": sock}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def swaymsg(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["swaymsg", *args], env=env, check=True, capture_output=True, text=True).stdout


needs_sway = pytest.mark.skipif(not all(shutil.which(c) for c in ("sway", "swaymsg", "foot")),
                                reason="sway and foot are needed (scripts/install-test-deps.sh)")


@needs_sway
def test_sway_backend_follows_real_windows(d: Daemon, sway: dict[str, str]) -> None:
    agent = start_agent(d, "sway", sway)
    try:
        for app_id, title in (("kitty", "vim notes"), ("gedit", "todo.txt")):
            log = Path(sway["XDG_RUNTIME_DIR"]) / f"foot-{app_id}.log"  # what foot says, should it not map
            swaymsg(sway, f"exec foot --app-id={app_id} --title='{title}' sleep 60 2>{log}")
            mapped = f'"app_id": "{app_id}"'
            try:
                until(lambda: mapped in swaymsg(sway, "-t", "get_tree"), f"{app_id} mapped")  # noqa: B023
            except AssertionError as exc:
                raise AssertionError(f"{exc}; foot said: {log.read_text() if log.exists() else '(nothing)'}") from None
        body = wait_for(d, "gedit")  # the new window takes the focus
        assert body["title"] == "todo.txt" and body["source"] == "sway"
        for _ in range(2):
            swaymsg(sway, "[app_id=kitty] focus")
            body = wait_for(d, "kitty")
            assert body["title"] == "vim notes"
            assert body["matches"] and all(m["layers"] == ["term"] for m in body["matches"].values()), body
            swaymsg(sway, "[app_id=gedit] focus")
            wait_for(d, "gedit")
    finally:
        stop_agent(d, agent)
    assert d.get("/api/focus").json()["app_id"] is None  # DELETE on exit

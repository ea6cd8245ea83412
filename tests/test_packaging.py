"""A non-editable install stands alone: built as a wheel, installed into a fresh venv, run from
a directory outside the checkout, it has its defaults, its example profiles, its web UI and its
WSGI and gunicorn entry points."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
assert all(Path(p or ".").resolve() != root for p in sys.path), sys.path
import app, app.gunicorn_conf
from app.paths import example_profiles
assert root not in Path(app.__file__).resolve().parents, app.__file__
a = app.create_app({"HW_BACKEND": "virtual", "TOKEN": "packaged-token-0123"})
c = a.test_client()
host = {"Host": "127.0.0.1:9867"}
index = c.get("/", headers=host)
script = c.get("/static/js/main.js", headers=host)
meta = c.get("/api/meta", headers={**host, "Authorization": "Bearer packaged-token-0123"})
print(json.dumps({"port": a.config["PORT"], "examples": [p.stem for p in example_profiles()],
                  "index": [index.status_code, b'src="/static/js/main.js"' in index.data],
                  "script": script.status_code, "meta": meta.get_json(), "bind": app.gunicorn_conf.bind}))
"""


def healthy(url: str) -> bool:
    try:
        return requests.get(url + "/api/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def sh(*argv: str | Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, done.stderr
    return done


def signed_in(url: str, token: str) -> None:
    """Sign into the UI in headless Chromium with the token link: the Devices page lists the
    virtual keyboards."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import ARGS, CHROMIUM, TIMEOUT_MS
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            missing: list[str] = []
            page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
            page.goto(f"{url}/#token={token}")
            expect(page.locator("article.device")).to_have_count(2, timeout=TIMEOUT_MS)
            assert "token" not in page.url and missing == []
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.browser
def test_an_installed_wheel_runs_without_the_checkout(tmp_path: Path) -> None:
    sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp_path / "dist", ROOT)
    wheel = next((tmp_path / "dist").glob("keyrx-*.whl"))
    shipped = {str(f.relative_to(ROOT)) for d in ("app/static", "app/profiles", "app/deploy")
               for f in (ROOT / d).rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    with zipfile.ZipFile(wheel) as whl:
        assert shipped - set(whl.namelist()) == set()  # the UI, examples and deployment files, all
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv)
    sh(venv / "bin" / "pip", "install", "-q", wheel)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYRX_", "PYTHON", "VIRTUAL_ENV"))}
    env |= {"KEYRX_DATA_DIR": str(tmp_path / "data"), "KEYRX_HW_BACKEND": "virtual"}
    py = venv / "bin" / "python"
    out = sh(py, "-c", PROBE, ROOT, cwd=outside, env=env)
    got = json.loads(out.stdout)
    assert got["port"] == 9867
    assert sorted(got["examples"]) == ["caps-ctrl-esc", "ctrl-nav", "home-row-mods", "home-row-mods-tuned",
                                       "leader-keys", "vim-nav"]
    assert got["index"] == [200, True] and got["script"] == 200
    assert got["meta"]["settings"]["tap_hold_ms"] == 200 and "key" in got["meta"]["topics"]
    assert got["bind"] == "127.0.0.1:9867"

    # the WSGI entry (gevent patches first) and the console script
    wsgi = sh(py, "-c", "import app.wsgi, gevent.monkey as m; print(type(app.wsgi.app).__name__, "
              "m.is_module_patched('socket'))", cwd=outside, env=env)
    assert wsgi.stdout.split() == ["Flask", "True"]
    example = next(p for p in (venv / "lib").glob("python3*/site-packages/app/profiles/vim-nav.json"))
    check = sh(venv / "bin" / "keyrx", "check", example, cwd=outside, env=env)
    assert check.stdout.strip() == f"{example}: ok"

    # the service files ship too: `keyrx service install` works from the installed copy
    staged = tmp_path / "staged"
    sh(venv / "bin" / "keyrx", "service", "install", "--root", staged, "--python", py, cwd=outside, env=env)
    assert f"ExecStart={py} -m gunicorn" in (staged / "etc/systemd/system/keyrx.service").read_text()
    assert (staged / "etc/udev/rules.d/60-keyrx.rules").is_file()

    # `keyrx serve` from an empty directory: the daemon answers, serves the UI, and takes its token
    port = free_port()
    proc = subprocess.Popen([venv / "bin" / "keyrx", "serve"], cwd=outside, env={**env, "KEYRX_PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not healthy(url):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)  # polls a condition: gunicorn listens before the worker serves
        token = (tmp_path / "data" / "token").read_text().strip()
        assert b"/static/js/main.js" in requests.get(url + "/", timeout=10).content
        assert requests.get(url + "/api/status", timeout=10).status_code == 401
        st = requests.get(url + "/api/status", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        assert st["hw"]["backend"] == "virtual"
        signed_in(url, token)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0


@pytest.mark.slow
def test_first_setup_prints_no_setuptools_warnings(tmp_path: Path) -> None:
    # `make setup` on a fresh venv: pip and setuptools stay quiet (it used to print ~120 lines)
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "setup", f"VENV={tmp_path / 'venv'}",
                           f"PY={sys.executable}"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    # this machine's pip configuration may name index directories that do not exist: not ours
    noise = [line for line in (done.stdout + done.stderr).splitlines()
             if "warn" in line.lower() and "is ignored: it is neither a file nor a directory" not in line]
    assert noise == []
    assert (tmp_path / "venv" / "bin" / "keyrx").exists()

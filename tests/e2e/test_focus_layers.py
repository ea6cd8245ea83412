"""Per-application layers, layer control and virtual keys against the real daemon (peers-2 §3.1,
§3.5): REST, WebSocket clients, the scoped token and virtual keyboards end to end."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.conftest import ROOT, TOKEN, Daemon, settled_daemon
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e

APPS: dict[str, Any] = {
    "layers": {"base": {"space": {"layer": "nav"}}, "term": {"f1": "ctrl+shift+t"},
               "browser": {"f1": "ctrl+t"}, "video": {"f1": "k"}, "nav": {"f1": "f13", "h": "left"},
               "num": {"j": "1"}, "nav+num": {"k": "end"}},
    "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]},
             {"match": {"app_id": "firefox", "title": "/ - YouTube/"}, "layers": ["video"]},
             {"match": {"app_id": "/^(firefox|chromium)$/"}, "layers": ["browser"]}],
    "virtual_keys": {"mic": "f20"}}
SECRET_TITLE = "Re: salary review 7f3a"


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with settled_daemon(tmp_path_factory.mktemp("focus"), KEYRX_LOG_LEVEL="debug") as daemon:
        assert daemon.post("/api/profiles", json={"name": "apps", **APPS}).status_code == 201
        assert daemon.post("/api/profiles", json={"name": "plain", "layers": {"base": {}}}).status_code == 201
        assert daemon.post("/api/profiles/apps/activate").status_code == 200
        try:
            yield daemon
        finally:
            daemon.delete("/api/focus")


def dev(d: Daemon) -> str:
    return str(d.get("/api/devices").json()["devices"][0]["id"])


def tap(d: Daemon, key: str) -> None:
    assert d.post(f"/api/devices/{dev(d)}/inject", json={"events": [{"key": key, "action": "tap"}]}).status_code == 202


def output_of(ws: WsClient, key: str) -> list[str]:
    """The output of the next `key` event for `key`'s press and its release."""
    out: list[str] = []
    for action in ("press", "release"):
        want = {"key": key, "action": action}
        msg = ws.until(lambda m, want=want: m.get("event") == "key" and m["data"]["input"] == want  # type: ignore[misc]
                       and m["data"]["device"] == ws.device)[-1]  # type: ignore[attr-defined]
        out += [f"{'d' if o['action'] == 'press' else 'u'}:{o['key']}" for o in msg["data"]["output"]]
    return out


def test_focus_rest(d: Daemon) -> None:
    r = d.put("/api/focus", json={"app_id": "kitty", "title": "vim"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["app_id"] == "kitty" and body["title"] == "vim" and body["at"]
    assert body["matches"][dev(d)]["layers"] == ["term"] and body["matches"][dev(d)]["profile"] == "apps"
    assert d.get("/api/focus").json()["matches"] == body["matches"]
    for bad, field in (({"app_id": 5}, "app_id"), ({"app_id": "a", "title": "x" * 1025}, "title"),
                       ({"app_id": "a", "window": 1}, "window"), ({"app_id": "a", "source": "s" * 33}, "source")):
        r = d.put("/api/focus", json=bad)
        assert r.status_code == 422 and field in r.json()["errors"], r.text
    assert d.delete("/api/focus").status_code == 204
    assert d.get("/api/focus").json()["app_id"] is None


def test_focus_events_and_end_to_end(d: Daemon) -> None:
    with WsClient(d) as plain, WsClient(d, "topics=focus") as focus, WsClient(d, "topics=layer") as layer, \
            WsClient(d, "topics=key") as keys:
        keys.device = dev(d)  # type: ignore[attr-defined]
        assert d.put("/api/focus", json={"app_id": "kitty", "title": SECRET_TITLE}).status_code == 200
        changed = focus.event("focus.changed")
        assert changed["data"]["matches"][dev(d)]["layers"] == ["term"]
        lc = layer.event("layer.changed")
        assert lc["data"]["app_layers"] == ["term"] and lc["data"]["source"] == "focus"
        tap(d, "f1")
        assert output_of(keys, "f1") == ["d:leftctrl", "d:leftshift", "d:t", "u:t", "u:leftshift", "u:leftctrl"]
        d.put("/api/focus", json={"app_id": "firefox", "title": "Cats - YouTube — Mozilla Firefox"})
        tap(d, "f1")
        assert output_of(keys, "f1") == ["d:k", "u:k"]
        d.put("/api/focus", json={"app_id": "firefox", "title": "Inbox"})
        tap(d, "f1")
        assert output_of(keys, "f1") == ["d:leftctrl", "d:t", "u:t", "u:leftctrl"]
        d.delete("/api/focus")
        seen = focus.until(lambda m: m.get("event") == "focus.changed" and m["data"]["app_id"] is None)
        changes = [m["data"]["app_id"] for m in seen if m.get("event") == "focus.changed"]
        assert changes == ["firefox", "firefox", None]
        # the default-topics client got none of it
        d.patch(f"/api/devices/{dev(d)}", json={"label": "marker"})
        seen = plain.until(lambda m: m.get("event") == "device.updated")
        assert not [m for m in seen if m.get("event", "").startswith("focus")]
    d.patch(f"/api/devices/{dev(d)}", json={"label": None})
    assert SECRET_TITLE not in d.log.read_text()  # titles never logged, even at debug level
    page = d.get("/api/events", params={"since": 0}).json()["events"]
    assert not [e for e in page if e["event"] == "focus.changed"]  # REST default topics: no titles either


def test_scoped_focus_token(d: Daemon) -> None:
    out = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(d.data_dir), "--json",
                          "token", "--scope", "focus"], cwd=ROOT, capture_output=True, text=True, check=True)
    import json
    focus_token = json.loads(out.stdout)["token"]
    assert focus_token != TOKEN
    assert (d.data_dir / "tokens" / "focus").stat().st_mode & 0o777 == 0o600
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {focus_token}"
    assert s.put(d.url + "/api/focus", json={"app_id": "kitty"}, timeout=10).status_code == 200
    assert s.get(d.url + "/api/focus", timeout=10).status_code == 200
    assert s.patch(d.url + "/api/devices/x", json={"label": "y"}, timeout=10).status_code == 403
    assert s.get(d.url + "/api/devices", timeout=10).status_code == 403
    with pytest.raises(Exception) as info:
        WsClient(d, "topics=key", token=focus_token)
    assert "403" in str(info.value)
    assert s.delete(d.url + "/api/focus", timeout=10).status_code == 204
    s.headers["Authorization"] = "Bearer not-a-token-at-all-xyz"
    assert s.get(d.url + "/api/focus", timeout=10).status_code == 401


def test_layer_state_and_control(d: Daemon) -> None:
    base = f"/api/devices/{dev(d)}/layers"
    state = d.get(base).json()
    assert state["layers"] == ["base"] and state["profile"] == "apps" and "seq" in state
    with WsClient(d, f"topics=layer,key&since={state['seq']}&epoch={state['epoch']}") as ws:
        ws.device = dev(d)  # type: ignore[attr-defined]
        r = d.post(base, json={"op": "on", "layer": "nav"})
        assert r.status_code == 200 and r.json()["layers"] == ["base", "nav"] and r.json()["toggled"] == ["nav"]
        lc = ws.event("layer.changed")
        assert lc["data"]["source"] == "api" and lc["data"]["layers"] == ["base", "nav"]
        tap(d, "h")
        assert output_of(ws, "h") == ["d:left", "u:left"]
        seq = lc["seq"]
        assert d.post(base, json={"op": "on", "layer": "nav"}).status_code == 200  # no new event
        r = d.post(base, json={"op": "toggle", "layer": "nva"})
        assert r.status_code == 422 and "did you mean 'nav'" in r.json()["errors"]["layer"][0]
        assert d.post(base, json={"op": "clear", "layer": "nav"}).status_code == 422
        r = d.post(base, json={"op": "on", "layer": "nav+num"})  # a composite is only a map
        assert r.status_code == 422 and "composite" in r.json()["errors"]["layer"][0]
        assert d.post("/api/layers", json={"op": "on", "layer": "nav+num"}).status_code == 422
        assert d.post(base, json={"op": "up", "layer": "nav"}).status_code == 422
        r = d.post("/api/layers", json={"op": "switch", "layer": "num"})
        assert r.status_code == 200 and r.json()["devices"][dev(d)]["base"] == "num"
        nxt = ws.until(lambda m: m.get("event") == "layer.changed" and m["data"]["device"] == dev(d))[-1]
        assert nxt["seq"] > seq and nxt["data"]["layers"] == ["num", "nav"]  # nothing for the second `on`
        assert d.post("/api/profiles/plain/activate").status_code == 200
        mine = [m["data"] for m in ws.until(lambda m: m.get("event") == "layer.changed"
                                             and m["data"]["device"] == dev(d) and m["data"]["layers"] == ["base"])
                if m.get("event") == "layer.changed" and m["data"]["device"] == dev(d)]
        assert mine == [{"device": dev(d), "layers": ["base"], "app_layers": [], "source": "profile"}]
    assert d.post("/api/profiles/apps/activate").status_code == 200
    assert d.post("/api/layers", json={"op": "on", "layer": "nope"}).status_code == 422
    assert d.get("/api/devices/nope/layers").status_code == 404
    d.patch(f"/api/devices/{dev(d)}", json={"enabled": False})
    assert d.get(base).status_code == 409
    assert d.post(base, json={"op": "clear"}).status_code == 409
    d.patch(f"/api/devices/{dev(d)}", json={"enabled": True})


def test_virtual_keys_are_released_by_panic(d: Daemon) -> None:
    vk = f"/api/devices/{dev(d)}/virtual-keys"
    deadline = time.monotonic() + 10
    while not d.get(f"/api/devices/{dev(d)}").json()["grabbed"]:
        assert time.monotonic() < deadline
    assert d.post(f"{vk}/nope", json={"op": "tap"}).status_code == 404
    assert d.post(f"{vk}/mic", json={"op": "hold"}).status_code == 422
    with WsClient(d, "topics=key") as ws:
        r = d.post(f"{vk}/mic", json={"op": "press"})
        assert r.status_code == 200 and r.json() == {"down": True}
        press = ws.event("key")["data"]
        assert press["input"] == {"key": "mic", "action": "press"}
        assert press["output"] == [{"key": "f20", "action": "press"}]
    panic = [{"key": k, "action": "press"} for k in ("backspace", "esc", "enter")]
    d.post(f"/api/devices/{dev(d)}/inject", json={"events": panic})
    deadline = time.monotonic() + 10
    while d.get("/api/status").json()["hw"]["state"] != "panic":
        assert time.monotonic() < deadline
    assert d.post(f"{vk}/mic", json={"op": "toggle"}).status_code == 409  # not remapping
    assert d.post("/api/profiles/apps/activate").status_code == 200  # re-enables
    deadline = time.monotonic() + 10
    while not d.get(f"/api/devices/{dev(d)}").json()["grabbed"]:
        assert time.monotonic() < deadline
    # released by the panic: a toggle now presses it again
    assert d.post(f"{vk}/mic", json={"op": "toggle"}).json() == {"down": True}
    assert d.post(f"{vk}/mic", json={"op": "release"}).json() == {"down": False}

"""Each claim of docs/security.md, checked against a running daemon."""
from __future__ import annotations

import os
import re
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import TOKEN, Daemon, running
from tests.e2e.wsclient import WsClient
from tests.hardening.conftest import RawWs, upgrade_request

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EVIL = "evil.example"


def raw(daemon: Daemon, method: str, path: str, headers: dict[str, str]) -> requests.Response:
    """A request with exactly these headers (requests would add Host itself)."""
    return requests.request(method, daemon.url + path, headers=headers, timeout=10)


def documented(daemon: Daemon) -> list[tuple[str, str]]:
    """Every (method, path) in the OpenAPI document, with placeholders filled in."""
    doc = daemon.get("/api/openapi.json").json()
    return [(m.upper(), re.sub(r"\{[^}]+\}", "x", p)) for p, ops in doc["paths"].items() for m in ops]


def test_listens_on_loopback_only(tmp_path: Path) -> None:
    d = Daemon(tmp_path)
    del d.env["KEYRX_HOST"]  # the default bind, as deployed
    d.start()
    try:
        listening = []
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.split(":")[1], 16) == d.port:
                listening.append(local.split(":")[0])
        ipv6 = [line.split()[1] for line in Path("/proc/net/tcp6").read_text().splitlines()[1:]
                if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == d.port]
    finally:
        d.stop()
    assert listening == ["0100007F"] and not ipv6  # 127.0.0.1 (little-endian hex) only


def test_host_allow_list_on_every_route(live: Daemon, figure: Callable[[str], None]) -> None:
    routes = documented(live) + [("GET", "/api/health"), ("GET", "/static/x"), ("GET", "/nowhere")]
    for method, path in routes:
        r = raw(live, method, path, {"Host": f"{EVIL}:{live.port}", "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403, (method, path, r.status_code)
    figure(f"{len(routes)} routes answer 403 to a foreign Host, even with the token")


def test_dns_rebinding_pair_is_refused(live: Daemon) -> None:
    for path in ("/api/devices", "/api/health"):
        r = raw(live, "GET", path, {"Host": f"{EVIL}:{live.port}", "Origin": f"http://{EVIL}:{live.port}",
                                    "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403
    s = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    s.sendall(upgrade_request(live).replace(f"Host: 127.0.0.1:{live.port}".encode(),
                                            f"Host: {EVIL}:{live.port}\r\nOrigin: http://{EVIL}".encode()))
    assert s.recv(100).startswith(b"HTTP/1.1 403")
    s.close()


def test_foreign_origin_is_refused_before_any_handshake(live: Daemon) -> None:
    ok = {"Host": f"127.0.0.1:{live.port}", "Authorization": f"Bearer {TOKEN}"}
    assert raw(live, "GET", "/api/devices", {**ok, "Origin": f"http://127.0.0.1:{live.port}"}).status_code == 200
    assert raw(live, "GET", "/api/devices", {**ok, "Origin": "https://evil.example"}).status_code == 403
    assert raw(live, "GET", "/api/devices", {**ok, "Origin": "null"}).status_code == 403
    s = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    s.sendall(upgrade_request(live, extra="Origin: https://evil.example\r\n"))
    assert s.recv(100).startswith(b"HTTP/1.1 403")
    s.close()


def test_token_required_on_every_route_but_health(live: Daemon, figure: Callable[[str], None]) -> None:
    host = {"Host": f"127.0.0.1:{live.port}"}
    routes = [r for r in documented(live) if r[1] != "/api/health"]
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": f"Bearer {TOKEN[:-1]}"}):
            r = raw(live, method, path, {**host, **headers})
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
    health = raw(live, "GET", "/api/health", host)
    assert health.status_code == 200 and health.json() == {"status": "ok"}  # says nothing else
    figure(f"{len(routes)} documented routes x 4 missing or wrong credentials: all 401")


def test_token_only_in_the_authorization_header_or_subprotocol(live: Daemon) -> None:
    host = {"Host": f"127.0.0.1:{live.port}"}
    assert raw(live, "GET", f"/api/status?token={TOKEN}", host).status_code == 401
    assert raw(live, "GET", f"/api/status?access_token={TOKEN}", host).status_code == 401
    assert raw(live, "GET", "/api/status", {**host, "Cookie": f"token={TOKEN}"}).status_code == 401
    # the subprotocol form is for /ws only
    assert raw(live, "GET", "/api/status", {**host, "Sec-WebSocket-Protocol": f"bearer.{TOKEN}"}).status_code == 401


def test_subprotocol_token_is_not_echoed(live: Daemon) -> None:
    ws = WsClient(live, token=None, subprotocols=["keyrx.v1", f"bearer.{TOKEN}"])
    try:
        assert ws.ws.getsubprotocol() == "keyrx.v1"
    finally:
        ws.close()


def test_no_cors_grants(live: Daemon) -> None:
    headers = {"Origin": f"http://127.0.0.1:{live.port}", "Access-Control-Request-Method": "DELETE"}
    for r in (live.http.options(live.url + "/api/profiles/x", headers=headers, timeout=10),
              live.get("/api/devices", headers={"Origin": f"http://127.0.0.1:{live.port}"})):
        assert not [h for h in r.headers if h.lower().startswith("access-control-")], r.headers


def test_key_events_only_for_clients_that_ask(live: Daemon) -> None:
    device = live.get("/api/devices").json()["devices"][0]["id"]
    with WsClient(live) as default, WsClient(live, "topics=key") as keys:
        assert "key" not in default.hello["topics"]
        live.post(f"/api/devices/{device}/inject", json={"events": [{"key": "p", "action": "tap"}]})
        assert keys.event("key")["data"]["input"]["key"] == "p"
        default.send({"op": "ping", "id": 1})  # answered after anything queued before it
        seen = default.until(lambda m: m["type"] == "pong")
        assert seen[-1] == {"type": "pong", "id": 1}
        assert not [m for m in seen if m.get("event") == "key"]


def test_body_and_message_limits(live: Daemon) -> None:
    r = live.post("/api/profiles", data=b"{" + b" " * (1 << 20) + b"}",
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    ws = RawWs(live)
    try:
        ws.send_frame(1, b"a" * (64 * 1024 + 1))
        assert ws.recv_close() == 1009
    finally:
        ws.close()


def test_generated_token_file_is_private_and_never_logged(tmp_path: Path) -> None:
    data = tmp_path / "data"  # created by the daemon
    with running(tmp_path, KEYRX_DATA_DIR=str(data), KEYRX_TOKEN="", KEYRX_LOG_LEVEL="debug") as d:
        token_file = data / "token"
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 43  # 256 bits, base64url
        good = {"Authorization": f"Bearer {token}"}
        assert requests.get(d.url + "/api/status", headers=good, timeout=10).status_code == 200
        assert requests.get(d.url + "/api/status", headers={"Authorization": "Bearer x" + token},
                            timeout=10).status_code == 401
        assert requests.post(d.url + "/api/profiles", headers=good, data="{oops",
                             timeout=10).status_code in (400, 415)
        ws = WsClient(d, token=None, subprotocols=["keyrx.v1", f"bearer.{token}"])
        ws.close()
    log = (tmp_path / "daemon.log").read_text()
    assert log and token not in log

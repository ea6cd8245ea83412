"""The cross-cutting rules of API.md §1: media types, errors, auth, Host and Origin."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Flask

from tests.api.test_profiles import assert_problem
from tests.conftest import TOKEN, ApiClient, make_app


def test_health_needs_no_token(app: Flask) -> None:
    r = ApiClient(app.test_client(), token=None).get("/api/health")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_token_required_and_checked(app: Flask) -> None:
    anon = ApiClient(app.test_client(), token=None)
    r = anon.get("/api/status")
    assert_problem(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(ApiClient(app.test_client(), token="wrong").get("/api/status"), 401)
    assert_problem(anon.get("/api/status", headers={"Authorization": f"Basic {TOKEN}"}), 401)
    assert ApiClient(app.test_client()).get("/api/status").status_code == 200


def test_host_allow_list(api: ApiClient) -> None:
    assert_problem(api.get("/api/status", headers={"Host": "evil.example:9867"}), 403)
    assert_problem(api.get("/api/health", headers={"Host": "127.0.0.1:9999"}), 403)
    for host in ("localhost:9867", "[::1]:9867", "127.0.0.1:9867"):
        assert api.get("/api/status", headers={"Host": host}).status_code == 200


def test_origin_allow_list(api: ApiClient) -> None:
    assert_problem(api.get("/api/status", headers={"Origin": "http://evil.example"}), 403)
    assert_problem(api.get("/api/status", headers={"Origin": "null"}), 403)
    assert api.get("/api/status", headers={"Origin": "http://127.0.0.1:9867"}).status_code == 200


def test_extra_hosts_and_origins(tmp_path: Path) -> None:
    app = make_app(tmp_path, ALLOWED_HOSTS="keyrx.lan:9867", ALLOWED_ORIGINS="http://ui.lan:8080")
    try:
        api = ApiClient(app.test_client())
        assert api.get("/api/status", headers={"Host": "keyrx.lan:9867",
                                               "Origin": "http://ui.lan:8080"}).status_code == 200
        assert_problem(api.get("/api/status", headers={"Origin": "http://keyrx.lan:9868"}), 403)
    finally:
        app.extensions["keyrx"].stop()


def test_ws_upgrade_gated_before_handshake(api: ApiClient) -> None:
    assert_problem(api.get("/ws", headers={"Host": "evil:9867"}), 403)
    assert_problem(ApiClient(api.client, token=None).get("/ws"), 401)
    assert_problem(api.get("/ws", headers={"Origin": "http://evil.example"}), 403)


def test_generated_token_file(tmp_path: Path) -> None:
    app = make_app(tmp_path, TOKEN=None)
    try:
        token_file = tmp_path / "token"
        token = token_file.read_text().strip()
        assert len(token) >= 43
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        assert ApiClient(app.test_client(), token=token).get("/api/status").status_code == 200
    finally:
        app.extensions["keyrx"].stop()
    app2 = make_app(tmp_path, TOKEN=None)  # a restart keeps the same token
    assert (tmp_path / "token").read_text().strip() == token
    app2.extensions["keyrx"].stop()


def test_fixed_token_must_fit_a_subprotocol(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="KEYRX_TOKEN"):
        make_app(tmp_path, TOKEN="has spaces, commas/slashes=")
    with pytest.raises(ValueError, match="KEYRX_TOKEN"):
        make_app(tmp_path, TOKEN="short")


def test_auth_none(tmp_path: Path) -> None:
    app = make_app(tmp_path, AUTH="none")
    try:
        assert ApiClient(app.test_client(), token=None).get("/api/status").status_code == 200
    finally:
        app.extensions["keyrx"].stop()


def test_unknown_path_and_method(api: ApiClient) -> None:
    assert "/api/nothing" in assert_problem(api.get("/api/nothing"), 404)["detail"]
    r = api.delete("/api/status")
    assert_problem(r, 405)
    assert "GET" in r.headers["Allow"]


def test_bodies_that_are_not_json(api: ApiClient) -> None:
    assert_problem(api.post("/api/profiles", data="name=x", content_type="application/x-www-form-urlencoded"), 415)
    assert_problem(api.post("/api/profiles", data="{not json", content_type="application/json"), 400)
    assert_problem(api.post("/api/profiles", data=b"\xff\xfe", content_type="application/json"), 400)
    assert_problem(api.post("/api/profiles"), 415)
    assert "body" in assert_problem(api.post("/api/profiles", json=[1, 2]), 422)["errors"]


def test_deeply_nested_body_is_a_400(api: ApiClient) -> None:
    body = assert_problem(api.post("/api/profiles", data="[" * 100_000, content_type="application/json"), 400)
    assert "nested too deeply" in body["detail"]


def test_too_large(api: ApiClient) -> None:
    big = '{"name": "x", "description": "' + "a" * (1024 * 1024) + '"}'
    assert_problem(api.post("/api/profiles", data=big, content_type="application/json"), 413)


def test_status_shape(api: ApiClient) -> None:
    s = api.get("/api/status").get_json()
    assert set(s) >= {"version", "uptime_s", "epoch", "seq", "active_profile", "hw", "devices", "bus", "clients"}
    assert s["hw"]["backend"] == "virtual" and s["hw"]["state"] in ("running", "starting")
    assert s["devices"]["known"] == 2
    assert set(s["bus"]) == {"depth", "capacity", "published", "dropped"} and s["bus"]["capacity"] == 1000


@pytest.mark.parametrize("method, path, body, where", [
    ("PATCH", "/api/devices/{dev}", b'{"label": "desk \\ud800"}', "label"),
    ("POST", "/api/profiles", b'{"name": "p", "description": "\\udfff", "layers": {"base": {}}}',
     "description"),
    ("POST", "/api/profiles", b'{"name": "p", "layers": {"base": {"\\uD83D": "a"}}}', "layers.base.\ud83d"),
    ("POST", "/api/simulate", b'{"profile": null, "script": "d:a \\ud800"}', "script"),
])
def test_a_lone_surrogate_is_a_422_with_its_path(api: ApiClient, method: str, path: str,
                                                 body: bytes, where: str) -> None:
    dev = api.get("/api/devices").get_json()["devices"][0]["id"]
    r = api.request(method, path.format(dev=dev), data=body,
                    headers={"Content-Type": "application/json"})
    problem = assert_problem(r, 422)
    assert where in problem["errors"], problem
    ok = api.patch(f"/api/devices/{dev}", data=b'{"label": "\\ud83d\\ude00"}',
                   headers={"Content-Type": "application/json"})  # a pair is a character
    assert ok.status_code == 200 and ok.get_json()["label"] == "\U0001F600"


def test_a_loose_data_dir_is_made_private_at_start(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    make_app(data).extensions["keyrx"].store.close()
    (data / "token").write_text("x" * 20)
    for name in ("keyrx.db", "token"):
        (data / name).chmod(0o644)
    data.chmod(0o755)
    app = make_app(data)
    try:
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
        for name in ("keyrx.db", "keyrx.db-wal", "token"):
            assert stat.S_IMODE(os.stat(data / name).st_mode) == 0o600, name
        assert "made it 700" in caplog.text and "made it 600" in caplog.text
    finally:
        app.extensions["keyrx"].store.close()

"""The UI's page: served at / without a token, under a strict CSP, behind the Host/Origin gate."""
from __future__ import annotations

from tests.conftest import ApiClient


def test_index_is_served_with_a_strict_csp(api: ApiClient) -> None:
    r = api.get("/", headers={"Authorization": ""})
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert b'src="/static/js/main.js"' in r.data and b"<script>" not in r.data


def test_static_files_need_no_token(api: ApiClient) -> None:
    api.token = None
    r = api.get("/static/js/main.js")
    assert r.status_code == 200 and "javascript" in r.mimetype
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_is_behind_the_host_and_origin_gate(api: ApiClient) -> None:
    assert api.get("/", headers={"Host": "evil.example:9867"}).status_code == 403
    assert api.get("/", headers={"Origin": "http://evil.example"}).status_code == 403
    assert api.get("/", headers={"Origin": "http://127.0.0.1:9867"}).status_code == 200


def test_api_responses_keep_their_own_headers(api: ApiClient) -> None:
    r = api.get("/api/status")
    assert r.status_code == 200 and "Content-Security-Policy" not in r.headers

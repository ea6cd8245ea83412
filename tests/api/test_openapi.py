"""The OpenAPI document: valid, covering every route, and matching what the API really answers."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from app.api.openapi import describe, document, routes, undocumented
from tests.conftest import CAPS, ApiClient


@pytest.fixture
def doc(api: ApiClient) -> dict[str, Any]:
    r = api.get("/api/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def test_document_is_valid_openapi(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"].startswith("3.")


def test_every_route_is_described(app: Flask, doc: dict[str, Any]) -> None:
    missing = undocumented(app)
    assert not missing, ("describe these routes with app.api.openapi.describe(method, path, ...): "
                         f"{missing}")
    in_doc = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert in_doc == routes(app)
    assert ("PATCH", "/api/devices/{device_id}") in in_doc


def test_every_operation_lists_its_errors(doc: dict[str, Any]) -> None:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert "403" in codes, (method, path)
            if path != "/api/health":
                assert "401" in codes, (method, path)
            if "requestBody" in op:
                assert {"400", "415", "422"} <= codes, (method, path)
    put = doc["paths"]["/api/profiles/{name}"]["put"]
    assert {"404", "412"} <= set(put["responses"])
    assert any(p["name"] == "If-Match" for p in put["parameters"])


def test_health_needs_no_token(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/health"]["get"]["security"] == []
    assert doc["security"] == [{"bearer": []}]


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    """Inline $refs, and close every object with properties so undocumented fields fail."""
    if isinstance(node, dict):
        if "$ref" in node:
            _, _, kind, name = node["$ref"].split("/")
            return _resolve(doc, doc["components"][kind][name])
        out = {k: _resolve(doc, v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_resolve(doc, v) for v in node]
    return node


def _check(doc: dict[str, Any], method: str, path: str, resp: Any) -> None:
    response = _resolve(doc, doc["paths"][path][method.lower()]["responses"][str(resp.status_code)])
    if "content" not in response:
        assert not resp.data, f"{method} {path} {resp.status_code} documents no body"
        return
    content = response["content"][resp.mimetype]
    OAS30Validator(content["schema"]).validate(resp.get_json())


def test_real_answers_match_the_document(api: ApiClient, doc: dict[str, Any]) -> None:
    _check(doc, "GET", "/api/health", api.get("/api/health"))
    _check(doc, "GET", "/api/status", api.get("/api/status"))
    devices = api.get("/api/devices")
    _check(doc, "GET", "/api/devices", devices)
    dev = devices.get_json()["devices"][0]["id"]
    _check(doc, "GET", "/api/devices/{device_id}", api.get(f"/api/devices/{dev}"))
    _check(doc, "PATCH", "/api/devices/{device_id}", api.patch(f"/api/devices/{dev}", json={"label": "L"}))
    _check(doc, "POST", "/api/devices/{device_id}/inject",
           api.post(f"/api/devices/{dev}/inject", json={"events": [{"key": "a", "action": "tap"}]}))
    _check(doc, "POST", "/api/profiles", api.post("/api/profiles", json={"name": "p", **CAPS}))
    _check(doc, "GET", "/api/profiles", api.get("/api/profiles"))
    _check(doc, "GET", "/api/profiles/{name}", api.get("/api/profiles/p"))
    _check(doc, "PUT", "/api/profiles/{name}", api.put("/api/profiles/p", json=CAPS))
    _check(doc, "PATCH", "/api/profiles/{name}", api.patch("/api/profiles/p", json={"description": "d"}))
    _check(doc, "POST", "/api/profiles/{name}/activate", api.post("/api/profiles/p/activate"))
    _check(doc, "GET", "/api/active-profile", api.get("/api/active-profile"))
    _check(doc, "PUT", "/api/active-profile", api.put("/api/active-profile", json={"name": None}))
    _check(doc, "POST", "/api/simulate", api.post("/api/simulate", json={"profile": "p",
                                                                        "script": "d:capslock t:300 u:capslock"}))
    _check(doc, "DELETE", "/api/profiles/{name}", api.delete("/api/profiles/p"))
    _check(doc, "GET", "/api/events", api.get("/api/events?since=0&limit=5"))
    _check(doc, "GET", "/api/events", api.get("/api/events?since=1&epoch=another"))  # 410
    # errors: problem+json in the documented shape
    _check(doc, "GET", "/api/profiles/{name}", api.get("/api/profiles/nope"))
    _check(doc, "POST", "/api/profiles", api.post("/api/profiles", json={"name": "x",
                                                                        "layers": {"base": {"capslok": "a"}}}))
    _check(doc, "PUT", "/api/profiles/{name}", api.put("/api/profiles/nope", data="{", content_type="application/json"))
    _check(doc, "GET", "/api/status", ApiClient(api.client, token=None).get("/api/status"))


def test_a_described_route_appears(app: Flask) -> None:
    """Others describe their routes in one call; an unregistered route is reported."""
    from app.api import openapi

    app.add_url_rule("/api/extra/<item_id>", "extra", lambda item_id: "", methods=["POST"])
    assert ("POST", "/api/extra/{item_id}") in undocumented(app)
    key = ("POST", "/api/extra/{item_id}")
    try:
        describe("POST", "/api/extra/{item_id}", "An extra route", tag="test", errors=(404,))
        assert undocumented(app) == []
        op = document(app)["paths"]["/api/extra/{item_id}"]["post"]
        assert op["summary"] == "An extra route" and "404" in op["responses"]
        assert op["parameters"][0]["name"] == "item_id"
    finally:
        openapi.REGISTRY.pop(key, None)

"""The daemon starts in every storage fault it can survive and says what is wrong in /api/status."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.api.test_profiles import assert_problem
from tests.conftest import CAPS, ApiClient, make_app


def break_active_profile(data: Path) -> None:
    """Store `coding`, make it active, then change its stored layers behind the API's back."""
    app = make_app(data)
    api = ApiClient(app.test_client())
    assert api.post("/api/profiles", json={"name": "coding", **CAPS}).status_code == 201
    assert api.post("/api/profiles/coding/activate").status_code == 200
    app.extensions["keyrx"].stop()
    app.extensions["keyrx"].store.close()
    db = sqlite3.connect(data / "keyrx.db")
    db.execute("UPDATE profiles SET layers = ? WHERE name = 'coding'",
               (json.dumps({"base": {"nosuchkey": "esc"}}),))
    db.commit()
    db.close()


def test_an_active_profile_that_no_longer_validates_does_not_stop_the_daemon(tmp_path: Path) -> None:
    break_active_profile(tmp_path)
    app = make_app(tmp_path)
    api = ApiClient(app.test_client())
    try:
        status = api.get("/api/status").get_json()
        assert status["hw"]["state"] in ("running", "starting")
        assert status["active_profile"] == "coding"
        (problem,) = status["problems"]
        assert problem["kind"] == "profile" and problem["profile"] == "coding"
        assert "nosuchkey" in problem["detail"] and "PUT /api/profiles/coding" in problem["fix"]
        assert app.extensions["keyrx"].hw_config().default_profile is None  # pass-through
        r = api.put("/api/profiles/coding", json=CAPS)  # still editable
        assert r.status_code == 200, r.get_json()
        assert api.get("/api/status").get_json()["problems"] == []
        assert app.extensions["keyrx"].hw_config().default_profile is not None
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()


def test_a_damaged_database_without_backup_starts_with_the_store_unavailable(tmp_path: Path) -> None:
    (tmp_path / "keyrx.db").write_bytes(b"this is not a database\n" * 50)
    app = make_app(tmp_path)
    api = ApiClient(app.test_client())
    try:
        status = api.get("/api/status").get_json()
        (problem,) = status["problems"]
        assert problem["kind"] == "store" and problem["file"] == str(tmp_path / "keyrx.db")
        assert problem["fix"] and status["hw"]["state"] in ("running", "starting")
        assert status["devices"]["connected"] == 2  # the hardware still answers, pass-through
        for r in (api.get("/api/profiles"), api.post("/api/profiles", json={"name": "x", **CAPS}),
                  api.put("/api/active-profile", json={"name": None})):
            body = assert_problem(r, 503)
            assert body["file"] == str(tmp_path / "keyrx.db") and body["fix"]
        assert api.get("/api/health").status_code == 200
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()

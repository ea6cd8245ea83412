"""GET /api/events, snapshot cursors and /api/status through the app (broadcaster on a thread)."""
from __future__ import annotations

import time

from flask import Flask

from tests.conftest import CAPS, ApiClient


def test_mutations_publish_events_with_seq_before_responding(api: ApiClient) -> None:
    dev = api.get("/api/devices").get_json()["devices"][0]
    start = api.get("/api/status").get_json()["seq"]
    r = api.patch(f"/api/devices/{dev['id']}", json={"enabled": False})
    assert r.status_code == 200
    # the event has its seq by the time the response is out: a snapshot now covers it
    listing = api.get("/api/devices").get_json()
    body = api.get(f"/api/events?since={start}&topics=device").get_json()
    updated = [e for e in body["events"] if e["event"] == "device.updated"]
    assert len(updated) == 1 and updated[0]["data"] == {"device": r.get_json(), "changed": ["enabled"]}
    assert listing["seq"] >= updated[0]["seq"] and listing["epoch"] == body["epoch"]


def test_every_skeleton_mutation_publishes(api: ApiClient) -> None:
    start = api.get("/api/status").get_json()["seq"]
    assert api.post("/api/profiles", json={"name": "p", **CAPS}).status_code == 201
    assert api.put("/api/profiles/p", json={"description": "d", **CAPS}).status_code == 200
    assert api.patch("/api/profiles/p", json={"name": "q"}).status_code == 200
    assert api.post("/api/profiles/q/activate").status_code == 200
    assert api.put("/api/active-profile", json={"name": None}).status_code == 200
    assert api.delete("/api/profiles/q").status_code == 204
    events = api.get(f"/api/events?since={start}&topics=profile").get_json()["events"]
    assert [e["event"] for e in events] == ["profile.created", "profile.updated", "profile.updated",
                                           "profile.activated", "profile.deactivated", "profile.deleted"]
    assert events[2]["data"]["previous_name"] == "p"
    assert events[3]["data"] == {"name": "q", "previous": None}
    assert events[5]["data"] == {"name": "q"}
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(set(seqs))  # activation also moves devices: other events in between


def test_hw_events_are_enriched_with_stored_settings(api: ApiClient) -> None:
    deadline = time.monotonic() + 10
    while True:  # the hw thread's events arrive on their own time
        events = api.get("/api/events?topics=device,hw").get_json()["events"]
        connected = [e for e in events if e["event"] == "device.connected"]
        if len(connected) == 2 or time.monotonic() > deadline:
            break
    assert len(connected) == 2
    assert {"revision", "enabled", "label", "profile", "connected"} <= set(connected[0]["data"]["device"])


def test_events_endpoint_validates_and_pages(api: ApiClient) -> None:
    for i in range(5):
        api.post("/api/profiles", json={"name": f"p{i}", **CAPS})
    body = api.get("/api/events?topics=profile&limit=2").get_json()
    assert len(body["events"]) == 2 and body["events"][0]["seq"] >= body["oldest_seq"]
    nxt = api.get(f"/api/events?topics=profile&limit=2&since={body['events'][-1]['seq']}").get_json()
    assert nxt["events"][0]["data"]["profile"]["name"] == "p2"
    for query, field in (("since=abc", "since"), ("since=-1", "since"), ("limit=0", "limit"),
                         ("topics=bogus", "topics")):
        r = api.get(f"/api/events?{query}")
        assert r.status_code == 422 and field in r.get_json()["errors"], query
    r = api.get("/api/events?since=1&epoch=nope")
    assert r.status_code == 410 and r.get_json()["reason"] == "epoch_changed"
    assert r.headers["Content-Type"] == "application/problem+json"


def test_status_reports_bus_and_broadcaster(api: ApiClient) -> None:
    assert api.post("/api/profiles", json={"name": "p", **CAPS}).status_code == 201  # has its seq now
    status = api.get("/api/status").get_json()
    assert status["bus"]["capacity"] == 1000 and status["bus"]["dropped"] == 0
    assert status["bus"]["published"] >= status["seq"] > 0
    assert status["clients"] == 0
    # (hw events may get their seq on the broadcaster thread while the status is put together)
    assert status["events"]["state"] == "running" and status["events"]["head_seq"] >= status["seq"]


def test_a_broken_event_restarts_the_broadcaster_and_rest_keeps_answering(app: Flask, api: ApiClient) -> None:
    api.get("/api/status")
    k = app.extensions["keyrx"]
    k.publish("profile.created", {"profile": {"oops": {1, 2}}})  # not JSON: the step fails
    status = api.get("/api/status").get_json()
    assert status["events"]["restarts"] == 1 and "TypeError" in status["events"]["last_error"]
    assert api.post("/api/profiles", json={"name": "after", **CAPS}).status_code == 201
    r = api.get(f"/api/events?since={status['seq']}")  # that cursor may have missed the lost event
    assert r.status_code == 410 and r.get_json()["reason"] == "broadcaster_restarted"
    events = api.get("/api/events?topics=profile").get_json()["events"]
    assert [e["data"]["profile"]["name"] for e in events] == ["after"]


def test_key_subscribers_switch_keystroke_events_on_in_the_loop(app: Flask, api: ApiClient) -> None:
    api.get("/api/status")
    k = app.extensions["keyrx"]
    assert k.key_events is False

    class Listener:
        topics = {"key"}

        def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool:
            return True

        def shutdown(self, code: int, reason: str) -> None:
            """Nothing to close."""

    listener = Listener()
    k.events.attach(listener, None, None, 15)
    assert k.key_events is True
    k.events.detach(listener)
    assert k.key_events is False

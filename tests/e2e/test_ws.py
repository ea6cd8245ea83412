"""The /ws protocol against the real daemon (API.md §4): events, resume, resync, client ops."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket

from tests.e2e.conftest import TOKEN, Daemon, settled_daemon
from tests.e2e.wsclient import WsClient, cursor, make_profile

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with settled_daemon(tmp_path_factory.mktemp("ws"), KEYRX_HEARTBEAT_S="1") as d:
        yield d


def test_device_update_reaches_client(shared: Daemon) -> None:  # websocket-003
    dev = shared.get("/api/devices").json()["devices"][0]
    with WsClient(shared) as ws:
        head = ws.hello["head_seq"]
        r = shared.patch(f"/api/devices/{dev['id']}", json={"label": "Left hand"})
        assert r.status_code == 200
        msg = ws.event("device.updated")
        assert msg["type"] == "event" and msg["seq"] == head + 1 and msg["epoch"] == ws.hello["epoch"]
        assert msg["data"]["changed"] == ["label"]
        assert msg["data"]["device"] == r.json()
        assert msg["data"]["device"]["label"] == "Left hand"
        assert msg["data"]["device"]["revision"] == dev["revision"] + 1
        assert msg["ts"].endswith("Z")


def test_profile_activation_reaches_client(shared: Daemon) -> None:  # websocket-004
    make_profile(shared, "act-a")
    with WsClient(shared) as ws:
        assert shared.post("/api/profiles/act-a/activate").json() == {"active": "act-a"}
        msg = ws.event("profile.activated")
        assert msg["data"] == {"name": "act-a", "previous": None}
        assert shared.put("/api/active-profile", json={"name": None}).status_code == 200
        msg = ws.event("profile.deactivated")
        assert msg["data"] == {"previous": "act-a"}


def test_profile_lifecycle_events(shared: Daemon) -> None:
    with WsClient(shared, "topics=profile") as ws:
        created = make_profile(shared, "life")
        renamed = shared.patch("/api/profiles/life", json={"name": "life2"}).json()
        assert shared.delete("/api/profiles/life2").status_code == 204
        msgs = ws.until(lambda m: m.get("event") == "profile.deleted")
        events = [m for m in msgs if m["type"] == "event"]
        assert [m["event"] for m in events] == ["profile.created", "profile.updated", "profile.deleted"]
        assert events[0]["data"] == {"profile": created}
        assert events[1]["data"] == {"profile": renamed, "previous_name": "life"}
        assert events[2]["data"] == {"name": "life2"}
        seqs = [m["seq"] for m in events]
        assert seqs == list(range(seqs[0], seqs[0] + 3))


def test_subprotocol_auth_and_rejections(shared: Daemon) -> None:
    ws = WsClient(shared, subprotocols=["keyrx.v1", f"bearer.{TOKEN}"])
    assert ws.ws.getsubprotocol() == "keyrx.v1"
    ws.close()
    for kw, status in (({"token": "wrong"}, 401), ({"subprotocols": ["keyrx.v1", "bearer.nope"]}, 401)):
        with pytest.raises(websocket.WebSocketBadStatusException) as info:
            WsClient(shared, **kw)  # type: ignore[arg-type]
        assert info.value.status_code == status
    for query in ("since=abc&epoch=x", "since=3", "topics=device,bogus", "since=-1&epoch=x"):
        with pytest.raises(websocket.WebSocketBadStatusException) as info:
            WsClient(shared, query)
        assert info.value.status_code == 400, query


def test_snapshot_cursor_then_resume_misses_nothing(shared: Daemon) -> None:
    seq, epoch = cursor(shared)
    make_profile(shared, "snap-a")
    make_profile(shared, "snap-b")
    with WsClient(shared, f"since={seq}&epoch={epoch}&topics=profile") as ws:
        assert ws.hello["replay"] == {"from": seq + 1, "to": seq + 2, "count": 2}
        first, second = ws.recv(), ws.recv()
        assert [first["seq"], second["seq"]] == [seq + 1, seq + 2]
        assert [first["data"]["profile"]["name"], second["data"]["profile"]["name"]] == ["snap-a", "snap-b"]
        # the profiles are in a snapshot taken now, and its seq covers exactly their events
        listing = shared.get("/api/profiles").json()
        assert listing["seq"] == seq + 2 and {"snap-a", "snap-b"} <= {p["name"] for p in listing["profiles"]}
        make_profile(shared, "snap-c")
        live = ws.recv()
        assert live["seq"] == seq + 3 and live["data"]["profile"]["name"] == "snap-c"


def test_resume_replays_exactly_the_missed_stretch(shared: Daemon) -> None:
    with WsClient(shared, "topics=profile") as ws:
        make_profile(shared, "gap-0")
        last = ws.event("profile.created")
        epoch = last["epoch"]
    for i in range(1, 26):
        make_profile(shared, f"gap-{i}")
    missed = shared.get(f"/api/events?since={last['seq']}&topics=profile").json()["events"]
    assert len(missed) == 25
    with WsClient(shared, f"since={last['seq']}&epoch={epoch}&topics=profile") as ws:
        assert ws.hello["replay"]["count"] == 25
        got = [ws.recv() for _ in range(25)]
        assert got == missed
        make_profile(shared, "gap-live")
        live = ws.recv()
        assert live["seq"] == ws.hello["head_seq"] + 1 and live["data"]["profile"]["name"] == "gap-live"
        cur = live["seq"]
    with WsClient(shared, f"since={cur}&epoch={epoch}&topics=profile") as ws:  # a second resume
        assert ws.hello["replay"] == {"from": cur + 1, "to": cur, "count": 0}
        make_profile(shared, "gap-after")
        assert ws.recv()["data"]["profile"]["name"] == "gap-after"


def test_resync_on_stale_epoch_and_cursor_ahead(shared: Daemon) -> None:
    seq, epoch = cursor(shared)
    for query, reason in ((f"since={seq}&epoch=00000000", "epoch_changed"),
                          (f"since={seq + 1000}&epoch={epoch}", "cursor_ahead")):
        with WsClient(shared, query + "&topics=profile") as ws:
            assert ws.hello["replay"] is None
            msg = ws.recv()
            assert msg == {"type": "resync_required", "epoch": epoch, "head_seq": ws.hello["head_seq"],
                           "reason": reason}
            make_profile(shared, f"after-{reason}")
            assert ws.recv()["data"]["profile"]["name"] == f"after-{reason}"  # then live
    r = shared.get(f"/api/events?since={seq + 1000}")
    assert r.status_code == 410 and r.json()["reason"] == "cursor_ahead"


def test_resync_when_cursor_fell_off_the_ring(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_RING_SIZE="8")
    d.start()
    try:
        seq, epoch = cursor(d)
        for i in range(12):
            make_profile(d, f"ring-{i}")
        with WsClient(d, f"since={seq}&epoch={epoch}") as ws:
            assert ws.hello["oldest_seq"] == ws.hello["head_seq"] - 7
            assert ws.recv()["reason"] == "cursor_too_old"
            make_profile(d, "ring-live")
            assert ws.event("profile.created")["data"]["profile"]["name"] == "ring-live"
        r = d.get(f"/api/events?since={seq}")
        assert r.status_code == 410 and r.headers["Content-Type"] == "application/problem+json"
        assert r.json()["reason"] == "cursor_too_old"
        ring = d.get("/api/events").json()  # no since: the whole ring
        assert [e["seq"] for e in ring["events"]] == list(range(ring["oldest_seq"], ring["head_seq"] + 1))
        assert len(ring["events"]) == 8
    finally:
        d.stop()


def test_client_ops_and_errors_keep_the_connection(shared: Daemon) -> None:
    with WsClient(shared) as ws:
        ws.send({"op": "ping", "id": "abc"})
        assert ws.recv() == {"type": "pong", "id": "abc"}
        for bad, code in (("not json", "bad_json"), ('["op"]', "bad_message"),
                          ({"op": "dance"}, "unknown_op"), ({"op": "subscribe", "topics": ["x"]}, "bad_topics"),
                          (b"\x00\x01", "bad_message")):
            if isinstance(bad, bytes):
                ws.ws.send_binary(bad)
            else:
                ws.send(bad)
            msg = ws.recv()
            assert msg["type"] == "error" and msg["error"]["code"] == code and msg["error"]["detail"]
        ws.send({"op": "unsubscribe", "topics": ["profile"]})
        assert ws.recv() == {"type": "topics", "topics": ["device", "hw", "layer"]}
        make_profile(shared, "ops-hidden")
        ws.send({"op": "subscribe", "topics": ["profile"]})
        assert ws.recv()["type"] == "topics"
        make_profile(shared, "ops-shown")
        msg = ws.recv()
        assert msg["event"] == "profile.created" and msg["data"]["profile"]["name"] == "ops-shown"


def test_oversized_message_closes_with_1009(shared: Daemon) -> None:
    with WsClient(shared) as ws:
        ws.send({"op": "ping", "id": "x" * (64 * 1024)})
        ws.ws.settimeout(10)
        frame = ws.ws.recv_data_frame(True)[1]
        while frame.opcode != websocket.ABNF.OPCODE_CLOSE:
            frame = ws.ws.recv_data_frame(True)[1]
        assert int.from_bytes(frame.data[:2], "big") == 1009


def test_heartbeat_carries_head(shared: Daemon) -> None:
    with WsClient(shared, "topics=key") as ws:
        assert ws.hello["heartbeat_s"] == 1
        make_profile(shared, "beat")
        beat = ws.until(lambda m: m["type"] == "heartbeat"
                        and m["head_seq"] > ws.hello["head_seq"], timeout=10, heartbeats=True)[-1]
        assert beat["epoch"] == ws.hello["epoch"] and beat["ts"].endswith("Z")


def test_status_counts_clients_and_bus(shared: Daemon) -> None:
    before = shared.get("/api/status").json()
    with WsClient(shared), WsClient(shared):
        status = shared.get("/api/status").json()
        assert status["clients"] == before["clients"] + 2
    assert set(status["bus"]) == {"depth", "capacity", "published", "dropped"}
    assert status["bus"]["capacity"] == 1000 and status["bus"]["dropped"] == 0
    assert status["events"]["state"] == "running" and status["events"]["restarts"] == 0
    assert status["seq"] == status["events"]["head_seq"]


def test_a_replay_longer_than_the_client_queue_is_sent_in_full(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_CLIENT_QUEUE="16")
    d.start()
    try:
        seq, epoch = cursor(d)
        for i in range(60):
            make_profile(d, f"long-{i}")
        with WsClient(d, f"since={seq}&epoch={epoch}&topics=profile") as ws:
            assert ws.hello["replay"]["count"] == 60
            names = [ws.recv()["data"]["profile"]["name"] for _ in range(60)]
            assert names == [f"long-{i}" for i in range(60)]
            make_profile(d, "long-live")
            assert ws.recv()["data"]["profile"]["name"] == "long-live"
        assert d.get("/api/status").json()["events"]["slow_disconnects"] == 0
    finally:
        d.stop()

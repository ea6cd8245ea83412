"""`keyrx events --follow` logic: resume after outages, resync on 410 and on a new epoch."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.cli.client import EXIT_AUTH, EXIT_DOWN, CliError
from app.cli.events import Follower


def env(seq: int, event: str = "device.updated", epoch: str = "e1") -> dict[str, Any]:
    return {"type": "event", "seq": seq, "epoch": epoch, "ts": "2026-11-25T19:00:00.000Z",
            "event": event, "data": {}}


class FakeClient:
    """Answers GET /api/status and /api/events from a script of responses (or errors)."""

    def __init__(self, status: dict[str, Any], pages: list[Any]) -> None:
        self.status = status
        self.pages = pages
        self.asked: list[int | None] = []

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if path == "/api/status":
            return self.status
        self.asked.append((params or {}).get("since"))
        answer = self.pages.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def page(events: list[dict[str, Any]], epoch: str = "e1", head: int | None = None) -> dict[str, Any]:
    return {"epoch": epoch, "oldest_seq": 1, "head_seq": head if head is not None else
            (events[-1]["seq"] if events else 0), "events": events}


def stops_after(n: int) -> Callable[[float], bool]:
    calls = {"n": 0}

    def wait(_: float) -> bool:
        calls["n"] += 1
        return calls["n"] >= n
    return wait


def test_resumes_after_the_daemon_was_down() -> None:
    down = CliError("KeyRx at x is not running", code=EXIT_DOWN)
    client = FakeClient({"epoch": "e1", "seq": 5}, [page([env(6)]), down, down, page([env(7), env(8)]), page([])])
    notes: list[str] = []
    out = list(Follower(client, wait=stops_after(5), on_wait=notes.append).stream())  # type: ignore[arg-type]
    assert [e["seq"] for e in out] == [6, 7, 8]
    assert client.asked == [5, 6, 6, 6, 8]  # the cursor survives the outage
    assert len(notes) == 2 and "waiting" in notes[0] and "resuming" in notes[1]


def test_a_new_epoch_is_a_resync_then_continues() -> None:
    client = FakeClient({"epoch": "e1", "seq": 0},
                        [page([env(1)]), page([env(1, epoch="e2"), env(2, epoch="e2")], epoch="e2"),
                         page([env(3, epoch="e2")], epoch="e2")])
    out = list(Follower(client, wait=stops_after(2)).stream())  # type: ignore[arg-type]
    assert [o.get("seq", o["type"]) for o in out] == [1, "resync_required", 3]
    assert client.asked == [0, 1, 2]  # after the resync: from the new run's head
    assert out[1] == {"type": "resync_required", "epoch": "e2", "head_seq": 2, "reason": "epoch_changed"}


def test_a_cursor_out_of_the_ring_resyncs_from_the_head() -> None:
    gone = CliError("too old", problem={"status": 410})
    client = FakeClient({"epoch": "e1", "seq": 900}, [gone, page([env(901)])])
    out = list(Follower(client, since=3, epoch="e1", wait=stops_after(1)).stream())  # type: ignore[arg-type]
    assert out[0]["reason"] == "cursor_too_old" and out[0]["head_seq"] == 900
    assert out[1]["seq"] == 901 and client.asked == [3, 900]


def test_topics_filter_and_a_rejected_token_stops() -> None:
    client = FakeClient({"epoch": "e1", "seq": 0},
                        [page([env(1, "key"), env(2, "profile.created"), env(3, "hw.state")]),
                         CliError("bad token", code=EXIT_AUTH)])
    follower = Follower(client, topics=("profile",), wait=lambda _: False)  # type: ignore[arg-type]
    stream = follower.stream()
    assert next(stream)["seq"] == 2
    with pytest.raises(CliError):
        next(stream)
    assert follower.since == 3  # filtered events still advance the cursor


def test_without_follow_prints_one_page() -> None:
    client = FakeClient({"epoch": "e1", "seq": 2}, [page([env(1), env(2)])])
    assert [e["seq"] for e in Follower(client).stream(follow=False)] == [1, 2]  # type: ignore[arg-type]
    assert client.asked == [None]


def test_a_410_names_the_reason_and_the_head() -> None:
    gone = CliError("gone", problem={"status": 410, "reason": "epoch_changed", "epoch": "e9", "head_seq": 4})
    client = FakeClient({"epoch": "unused", "seq": 0}, [gone, page([env(5, epoch="e9")], epoch="e9")])
    out = list(Follower(client, since=7, epoch="e1", wait=stops_after(1)).stream())  # type: ignore[arg-type]
    assert out[0] == {"type": "resync_required", "epoch": "e9", "head_seq": 4, "reason": "epoch_changed"}
    assert out[1]["seq"] == 5 and client.asked == [7, 4]


class FlakyHead(FakeClient):
    """GET /api/status answers from its own script too: errors while the daemon restarts."""

    def __init__(self, heads: list[Any], pages: list[Any]) -> None:
        super().__init__({}, pages)
        self.heads = heads

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if path == "/api/status":
            answer = self.heads.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return super().get(path, params)


def test_a_410_without_a_head_waits_when_the_head_is_refused_too() -> None:
    # a 410 that names no head asks GET /api/status for it; a daemon going down (or answering 503
    # while it restarts) refuses that too: the follower waits, as for any outage, instead of dying
    gone = CliError("too old", problem={"status": 410})
    heads = [CliError("Service Unavailable (503)", problem={"status": 503}),
             CliError("KeyRx at x is not running", code=EXIT_DOWN), {"epoch": "e2", "seq": 40}]
    client = FlakyHead(heads, [gone, page([env(41, epoch="e2")], epoch="e2")])
    notes: list[str] = []
    out = list(Follower(client, since=3, epoch="e1", wait=stops_after(3),  # type: ignore[arg-type]
                        on_wait=notes.append).stream())
    assert out[0] == {"type": "resync_required", "epoch": "e2", "head_seq": 40, "reason": "cursor_too_old"}
    assert out[1]["seq"] == 41 and client.asked == [3, 40]
    assert "waiting" in notes[0] and "resuming" in notes[-1]


def test_every_event_prints_as_a_line() -> None:
    from app.cli.events import _line
    dev = "usb-0001:0002-kbd"
    layer = {**env(7, "layer.changed"), "data": {"device": dev, "layers": ["base", "nav"]}}
    key = {**env(8, "key"), "data": {"device": dev, "input": {"key": "capslock", "action": "press"},
                                     "output": [{"key": "leftctrl", "action": "press"}]}}
    updated = {**env(9, "device.updated"), "data": {"device": {"id": dev}, "changed": ["label"]}}
    assert _line(layer).endswith(f"layer.changed        {dev} base+nav")
    assert _line(key).endswith(f"key                  {dev} press capslock -> press:leftctrl")
    assert _line(updated).endswith(f"device.updated       {dev} label")
    timer = {**env(10, "key"), "data": {"device": dev, "input": None,
                                        "output": [{"key": "leftctrl", "action": "press"}]}}
    assert _line(timer).endswith(f"key                  {dev} timer -> press:leftctrl")

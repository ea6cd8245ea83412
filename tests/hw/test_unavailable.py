"""Without /dev/uinput the evdev backend is unavailable, says what to do, and the API keeps working."""
from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

import hw
from tests.conftest import ApiClient, make_app


@pytest.mark.skipif(hw.evdev_problem() is None, reason="this machine can drive real keyboards")
def test_evdev_unavailable_is_reported_with_what_to_do(tmp_path: Path) -> None:
    app = make_app(tmp_path, HW_BACKEND="evdev")
    try:
        api = ApiClient(app.test_client())
        status = api.get("/api/status")
        assert status.status_code == 200
        state = status.get_json()["hw"]
        assert (state["backend"], state["state"]) == ("evdev", "unavailable")
        assert state["detail"] == hw.evdev_problem()
        assert "uinput" in state["detail"] and ":" in state["detail"]  # the problem: what to do
        found = {p["check"]: p for p in status.get_json()["problems"] if p["kind"] == "hardware"}
        assert "uinput" in found and "modprobe uinput" in found["uinput"]["fix"]  # the exact command
        assert api.post("/api/profiles", json={"name": "kept", "layers": {"base": {"a": "b"}}}).status_code == 201
        assert api.post("/api/profiles/kept/activate").get_json() == {"active": "kept"}
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()


def test_no_hardware_asked_for_is_no_problem(tmp_path: Path) -> None:
    app = make_app(tmp_path, HW_BACKEND="none")
    try:
        status = ApiClient(app.test_client()).get("/api/status").get_json()
        assert status["hw"]["state"] == "unavailable" and status["problems"] == []
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()


def test_a_loop_that_ended_answers_commands_instead_of_piling_them_up() -> None:
    loop = hw.create_backend("none")
    loop.start(lambda event, data: None)
    assert loop.state().state == "unavailable"
    answers: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
    for _ in range(3):
        loop.inject("kbd", [], answers.put)
        loop.apply(hw.Config(), answers.put)
    loop.set_key_events(True)  # nothing to answer: dropped
    caught: queue.SimpleQueue[tuple[object, BaseException | None]] = queue.SimpleQueue()
    loop.capture(None, 1000, lambda got, error: caught.put((got, error)))
    errors = [answers.get(timeout=10) for _ in range(6)]
    assert all(isinstance(e, hw.HwError) and "not running" in str(e) for e in errors)
    got, error = caught.get(timeout=10)
    assert got is None and isinstance(error, hw.HwError)
    assert loop._inbox._queue.empty()  # noqa: SLF001  (nothing left to grow)
    loop.stop()


def test_commands_behind_a_stop_are_answered_not_dropped() -> None:
    loop = hw.create_backend("virtual")
    loop.start(lambda event, data: None)
    entered, release = threading.Event(), threading.Event()

    def hold_the_loop(error: BaseException | None) -> None:  # runs in the loop thread
        entered.set()
        release.wait(10)

    loop.apply(hw.Config(), hold_the_loop)
    assert entered.wait(10)
    answers: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
    loop._inbox.send(hw.inbox.Stop())  # noqa: SLF001  (a stop with commands behind it, one batch)
    loop.apply(hw.Config(), answers.put)
    loop.inject("virtual-1", [], answers.put)
    release.set()
    errors = [answers.get(timeout=10) for _ in range(2)]
    assert all(isinstance(e, hw.HwError) and "not running" in str(e) for e in errors), errors
    loop.stop()

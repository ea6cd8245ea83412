"""examples/profile_by_time.py reads the time as a time of day, not as a string."""
from __future__ import annotations

from tests.e2e.conftest import Daemon
from tests.e2e.test_examples import run


def test_a_single_digit_hour_is_compared_as_a_time(daemon: Daemon) -> None:
    # as strings "9:30" >= "23:00", so 9:30 used to pick the last (pass-through) entry
    assert daemon.post("/api/profiles", json={"name": "coding", "layers": {"base": {"capslock": "esc"}}}).ok
    assert daemon.put("/api/active-profile", json={"name": None}).ok
    assert run(daemon, "profile_by_time.py", "9:30").strip() == "09:30: switched from pass-through to coding"
    assert run(daemon, "profile_by_time.py", "0:05").strip() == "00:05: switched from coding to pass-through"

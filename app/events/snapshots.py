"""The rule that keeps snapshot cursors exact.

A collection GET returns `seq`: the snapshot reflects exactly the events up to it. A write
publishes after it has changed the store, and `publish` returns once the event has its seq;
so while a write request is in flight a snapshot could show its change without its seq.
Snapshot views (marked `@snapshot`) therefore start once no write is in flight, and new
writes wait until the snapshot is read; the views read seq before the state. A snapshot that
is waiting already holds new writes back, so a steady stream of writers cannot keep it waiting
until its bound runs out. Both waits are bounded (QUIESCE_S).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, g, request

F = TypeVar("F", bound=Callable[..., Any])
WRITES = ("POST", "PUT", "PATCH", "DELETE")
QUIESCE_S = 2.0


def snapshot(view: F) -> F:
    """Mark a view as a snapshot read: it returns state with the seq it reflects."""
    view.keyrx_snapshot = True  # type: ignore[attr-defined]
    return view


def publishes_nothing(view: F) -> F:
    """Mark a write view that publishes no event (a capture waiting up to 30 s for a key, a
    simulation): it never holds snapshots back."""
    view.keyrx_quiet = True  # type: ignore[attr-defined]
    return view


class SnapshotGate:
    """Counts writes and snapshot reads in flight, and makes each kind wait for the other."""

    def __init__(self) -> None:
        self._writes = 0
        self._snapshots = 0   # read, or waiting for the writes in flight to finish
        self._idle = threading.Condition()

    def begin_write(self, timeout: float) -> None:
        """A request that may change state (and publish) starts, once no snapshot is read."""
        with self._idle:
            self._idle.wait_for(lambda: self._snapshots == 0, timeout)
            self._writes += 1

    def end_write(self) -> None:
        """That request has finished; its events have their seq."""
        with self._idle:
            self._writes -= 1
            self._idle.notify_all()

    def begin_snapshot(self, timeout: float) -> bool:
        """A snapshot read starts once no write is in flight; False if it waited in vain."""
        with self._idle:
            self._snapshots += 1  # from now on new writes wait: only those in flight finish first
            return self._idle.wait_for(lambda: self._writes == 0, timeout)

    def end_snapshot(self) -> None:
        """That snapshot has been read."""
        with self._idle:
            self._snapshots -= 1
            self._idle.notify_all()


def install(app: Flask, gate: SnapshotGate) -> None:
    """Every /api write (but `@publishes_nothing` ones) and every `@snapshot` view passes
    through `gate`."""

    @app.before_request
    def _begin() -> None:
        if not request.path.startswith("/api/"):
            return
        view = app.view_functions.get(request.endpoint or "")
        if request.method in WRITES and not getattr(view, "keyrx_quiet", False):
            # the body first: a peer that trickles it must not hold every snapshot meanwhile
            # (under gunicorn it is in memory already, read within KEYRX_BODY_TIMEOUT_S)
            request.get_data(cache=True)
            gate.begin_write(QUIESCE_S)
            g.keyrx_write = True
        elif getattr(view, "keyrx_snapshot", False):
            gate.begin_snapshot(QUIESCE_S)
            g.keyrx_snapshot = True

    @app.teardown_request
    def _end(exc: BaseException | None) -> None:
        if g.pop("keyrx_write", False):
            gate.end_write()
        if g.pop("keyrx_snapshot", False):
            gate.end_snapshot()

"""`keyrx events`: read the event stream from GET /api/events, and follow it across restarts.

The cursor is (epoch, seq). A daemon that is down or unreachable is waited for with backoff and
the stream resumes after the last seq shown. A cursor that fell out of the replay ring (410) or
belongs to a previous daemon run (a new epoch) cannot be resumed: that is a resync, said
out loud, and the stream continues from the daemon's head.
"""
from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import click

from ..vocab import DEFAULT_TOPICS, TOPICS, topic_of
from .base import Options, json_option, pass_options
from .client import EXIT_AUTH, Client, CliError

PAGE = 500
MAX_BACKOFF = 5.0


class Follower:
    """Yields envelopes and resync notices; the client and the wait are injected."""

    def __init__(self, client: Client, *, topics: tuple[str, ...] = DEFAULT_TOPICS,
                 since: int | None = None, epoch: str | None = None, interval: float = 0.5,
                 wait: Callable[[float], bool] | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.topics = topics
        self.since = since
        self.epoch = epoch
        self.interval = interval
        self.wait = wait or threading.Event().wait  # returns True to stop
        self.on_wait = on_wait or (lambda _: None)

    def _page(self) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": PAGE}
        if self.since is not None:
            params["since"] = self.since
            if self.epoch is not None:
                params["epoch"] = self.epoch  # a cursor from another daemon run answers 410
        return self.client.get("/api/events", params=params)  # type: ignore[no-any-return]

    def _resync(self, reason: str, epoch: str, head: int) -> dict[str, Any]:
        self.epoch, self.since = epoch, head
        return {"type": "resync_required", "epoch": epoch, "head_seq": head, "reason": reason}

    def _head(self) -> tuple[str, int]:
        status = self.client.get("/api/status")
        return str(status["epoch"]), int(status["seq"])

    def stream(self, follow: bool = True) -> Iterator[dict[str, Any]]:
        """Envelopes in seq order, with a resync notice wherever events were missed."""
        backoff = self.interval
        down = False
        lost: str | None = None  # a resync whose head is still to be asked for
        while True:
            notice: dict[str, Any] | None = None
            try:
                if lost is not None:
                    notice = self._resync(lost, *self._head())
                    lost = None
                else:
                    if follow and self.since is None:
                        self.epoch, self.since = self._head()  # follow from now on
                    page = self._page()
            except CliError as exc:
                if exc.exit_code == EXIT_AUTH or not follow:
                    raise
                p = exc.problem
                if p.get("status") == 410:
                    if "epoch" in p and "head_seq" in p:
                        yield self._resync(str(p.get("reason") or "cursor_too_old"), str(p["epoch"]),
                                           int(p["head_seq"]))
                    else:
                        lost = "cursor_too_old"  # the head comes on the next turn, under this same guard
                    continue
                if not down:
                    self.on_wait(f"{exc.message.split('. ')[0]}; waiting for it (Ctrl-C stops)")
                    down = True
                if self.wait(backoff):
                    return
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if down:
                self.on_wait("connected again; resuming")
                down, backoff = False, self.interval
            if notice is not None:
                yield notice
                continue
            if self.epoch is not None and page["epoch"] != self.epoch:
                yield self._resync("epoch_changed", page["epoch"], int(page["head_seq"]))
                continue
            self.epoch = page["epoch"]
            for envelope in page["events"]:
                self.since = int(envelope["seq"])
                if topic_of(envelope["event"]) in self.topics:
                    yield envelope
            if not follow:
                return
            if len(page["events"]) < PAGE and self.wait(self.interval):
                return


def _line(item: dict[str, Any]) -> str:
    if item.get("type") == "resync_required":
        return (f"-- resync ({item['reason']}): events were missed; refetch what you show. "
                f"Continuing from #{item['head_seq']} (epoch {item['epoch']})")
    data = item.get("data", {})
    what = data.get("device") or data.get("profile") or {}
    if isinstance(what, str):  # layer.changed and key name the device by its id
        subject = what
    else:
        subject = what.get("id") or what.get("name") or data.get("name") or data.get("id") or ""
    extra = ""
    if "changed" in data:
        extra = " " + ",".join(data["changed"])
    elif item["event"] == "layer.changed":
        extra = " " + "+".join(data.get("layers", []))
    elif item["event"] == "key":
        source = data["input"]
        extra = (f" {source['action']} {source['key']} -> " if source else " timer -> ") + \
                " ".join(f"{o['action']}:{o['key']}" for o in data.get("output", []))
    elif item["event"] == "hw.state":
        extra = f" {data.get('backend')} {data.get('state')} {data.get('detail') or ''}".rstrip()
    return f"{item['ts']}  #{item['seq']:<6} {item['event']:<20} {subject}{extra}".rstrip()


@click.command()
@click.option("-f", "--follow", is_flag=True, help="Keep printing new events; resume across restarts.")
@click.option("--topics", default=",".join(DEFAULT_TOPICS), show_default=True,
              help=f"Comma-separated event prefixes: {', '.join(TOPICS)}.")
@click.option("--since", type=int, default=None, help="Start after this seq (default: the oldest kept, "
              "or now with --follow).")
@click.option("--epoch", default=None, help="The epoch --since belongs to; another epoch means a resync.")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls when following.")
@json_option
@pass_options
def events(opts: Options, follow: bool, topics: str, since: int | None, epoch: str | None,
           interval: float) -> None:
    """Print events (one JSON object per line with --json), and follow them with -f."""
    wanted = tuple(t.strip() for t in topics.split(",") if t.strip())
    unknown = [t for t in wanted if t not in TOPICS]
    if unknown:
        raise click.BadParameter(f"unknown topic(s) {', '.join(unknown)}; choose from {', '.join(TOPICS)}",
                                 param_hint="--topics")
    stop = threading.Event()
    follower = Follower(opts.client(), topics=wanted, since=since, epoch=epoch, interval=interval,
                        wait=stop.wait, on_wait=lambda m: click.echo(f"keyrx: {m}", err=True))
    try:
        for item in follower.stream(follow):
            click.echo(json.dumps(item, ensure_ascii=False) if opts.json else _line(item))
            sys.stdout.flush()
    except KeyboardInterrupt:
        stop.set()
        sys.exit(130)

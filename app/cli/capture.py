"""`keyrx capture`: press a key on a grabbed keyboard and get its raw name (POST /api/capture)."""
from __future__ import annotations

import sys
from typing import Any

import click

from .base import Options, emit, json_option, pass_options
from .commands import resolve_device

EXIT_NOTHING = 5  # no key was pressed in time (besides the codes in client.py)
ANSWER_GRACE_S = 10.0  # how much longer than the capture the HTTP request may take


@click.command()
@click.option("--device", "device", default=None, help="Listen to this keyboard only (an id, a label or an "
              "id prefix; default: every grabbed one).")
@click.option("--timeout", "timeout_ms", default=10_000, show_default=True, type=click.IntRange(1, 30_000),
              help="Milliseconds to wait for a key.")
@json_option
@pass_options
def capture(opts: Options, device: str | None, timeout_ms: int) -> None:
    """Print the next key pressed on a grabbed keyboard, as KeyRx names it before any remapping.

    The press is consumed: nothing is typed. Exits 5 when no key is pressed in time."""
    client = opts.client()
    body: dict[str, Any] = {"device": resolve_device(client, device) if device else None,
                            "timeout_ms": timeout_ms}
    client.timeout = max(client.timeout, timeout_ms / 1000 + ANSWER_GRACE_S)
    if not opts.json:
        click.echo(f"press a key (within {timeout_ms / 1000:g} s)…", err=True)
    got = client.post("/api/capture", body)
    if got.get("key") is None:
        if opts.json:
            emit(opts, got, str)
        else:
            click.echo(f"keyrx: no key pressed within {timeout_ms} ms", err=True)
        sys.exit(EXIT_NOTHING)
    emit(opts, got, lambda d: f"{d['key']}\t(code {d['code']}, device {d['device']})")

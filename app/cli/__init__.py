"""`keyrx`: run the daemon, and drive it through its HTTP API (a `requests` client); install it
as a service (`keyrx service`) and diagnose a machine (`keyrx doctor`).

Client commands import neither gevent nor the daemon's machinery; only `serve` starts gunicorn.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .base import Options, emit, json_option, pass_options, serve_argv
from .client import CliError, default_url, find_token


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", default=default_url, show_default="KEYRX_URL or http://127.0.0.1:9867",
              help="Where the daemon listens.")
@click.option("--token", default=None, help="API token (default: KEYRX_TOKEN, else the data dir's token file).")
@click.option("--data-dir", default=None, help="Data dir holding the token (default: KEYRX_DATA_DIR or the "
              "user's, then /var/lib/keyrx).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.version_option(package_name="keyrx", prog_name="keyrx")
@click.pass_context
def main(ctx: click.Context, url: str, token: str | None, data_dir: str | None, timeout: float,
         as_json: bool) -> None:
    """KeyRx: remap Linux keyboards. Run the daemon, or drive the one that runs."""
    ctx.obj = Options(url=url.rstrip("/"), token=token, data_dir=data_dir, timeout=timeout, json=as_json)


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


@main.command(context_settings=_PASS_THROUGH)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_args: tuple[str, ...]) -> None:
    """Run the daemon: gunicorn with the packaged settings, from any directory (extra args go to gunicorn)."""
    sys.stdout.flush()
    os.execv(sys.executable, serve_argv(sys.executable, *gunicorn_args))


# the earlier name, still used in older notes and scripts
main.add_command(click.Command("run", callback=serve.callback, params=serve.params, hidden=True,
                               context_settings=_PASS_THROUGH, help="Same as `keyrx serve`."))


@main.command()
@click.option("--scope", default=None, help="Mint a token that opens only part of the API "
              "(`focus`: the focus agent's routes), kept in the data dir beside the main one.")
@json_option
@pass_options
def token(opts: Options, scope: str | None) -> None:
    """Print the API token and the web UI link that carries it (or mint a scoped token)."""
    if scope is not None:
        from .scoped import mint_scoped
        emit(opts, mint_scoped(opts, scope), lambda d: f"{d['token']}\n{d['hint']}")
        return
    value, source = find_token(opts.token, opts.data_dir)
    link = f"{opts.url}/#token={value}"
    emit(opts, {"token": value, "source": source, "ui": link}, lambda d: f"{d['token']}\n{d['ui']}")


def _uptime(seconds: float) -> str:
    minutes, s = divmod(int(seconds), 60)
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


@main.command()
@json_option
@pass_options
def status(opts: Options) -> None:
    """Daemon, hardware, devices and active profile at a glance."""
    st = opts.client().get("/api/status")

    def human(s: dict[str, Any]) -> str:
        hw, dev, bus = s["hw"], s["devices"], s["bus"]
        detail = f" ({hw['detail']})" if hw.get("detail") else ""
        return "\n".join([
            f"KeyRx {s['version']} at {opts.url}, up {_uptime(s['uptime_s'])}",
            f"hardware: {hw['backend']} {hw['state']}{detail}",
            f"devices:  {dev['known']} known, {dev['connected']} connected, {dev['grabbed']} grabbed",
            f"profile:  {s['active_profile'] or '(none: keys pass through)'}",
            (f"events:   seq {s['seq']} epoch {s['epoch']}, bus {bus.get('depth', 0)}/{bus.get('capacity', '?')}"
             f", {bus.get('dropped', 0)} dropped, {s.get('clients', 0)} client(s)"),
        ])
    emit(opts, st, human)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host-layout", metavar="LAYOUT[:VARIANT]",
              help="check text for this desktop layout (e.g. de, us:dvorak) instead of settings.host_layout")
@json_option
@pass_options
def check(opts: Options, files: tuple[Path, ...], host_layout: str | None) -> None:
    """Validate profile files offline; errors name the file and the field path."""
    from .profiles_file import check_file
    results = {str(f): check_file(f, host_layout) for f in files}
    bad = {f: errs for f, errs in results.items() if errs}
    if opts.json:
        click.echo(json.dumps({"valid": not bad, "files": {f: {"valid": not e, "errors": e}
                                                            for f, e in results.items()}}))
    else:
        for f, errs in results.items():
            if not errs:
                click.echo(f"{f}: ok")
            for path, messages in errs.items():
                for message in messages:
                    click.echo(f"{f}: {path}: {message}", err=True)
    if bad:
        sys.exit(1)


def _register() -> None:
    from . import capture, commands, diagnose, events, focus, service
    for command in (*commands.COMMANDS, *focus.COMMANDS, events.events, capture.capture, diagnose.doctor_command,
                    service.service):
        main.add_command(command)


_register()

__all__ = ["CliError", "main"]

"""`keyrx focus` (what is focused and what matched), `keyrx focus-agent` (report the desktop's
focused window), `keyrx layers` (show and change a keyboard's layers)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .base import Options, emit, json_option, pass_options
from .client import CliError

FOCUS_TOKEN = Path("~/.config/keyrx/focus-token")
AGENT_BACKENDS = ("auto", "stdin", "x11", "sway", "hyprland", "niri", "kde", "gnome")
DESKTOP_FILES = {"kde": "contrib/kwin-keyrx-focus", "gnome": "contrib/gnome-keyrx-focus@keyrx"}


@click.command("focus")
@json_option
@pass_options
def focus(opts: Options) -> None:
    """The focused window the daemon knows, and which rules and layers it turned on."""
    body = opts.client().get("/api/focus")

    def human(b: dict[str, Any]) -> str:
        if b["app_id"] is None:
            return "nothing focused (no focus agent reported a window, or it left)"
        lines = [f"app_id: {b['app_id']}", f"title:  {b['title']}", f"from:   {b['source'] or '-'} at {b['at']}"]
        for dev, m in sorted(b["matches"].items()):
            rules = ", ".join(f"apps.{i}" for i in m["rules"]) or "no rule"
            lines.append(f"{dev}: profile {m['profile']}: {rules} -> {' + '.join(m['layers']) or 'no app layers'}")
        return "\n".join(lines)
    emit(opts, body, human)


def _agent_token(opts: Options) -> str | None:
    if opts.token or os.environ.get("KEYRX_TOKEN"):
        return opts.token or os.environ["KEYRX_TOKEN"]
    path = FOCUS_TOKEN.expanduser()
    try:
        return path.read_text().strip() or None
    except OSError:
        raise CliError(f"no token: put the focus token (`sudo keyrx token --scope focus`) in {path} "
                       "(mode 0600), or set KEYRX_TOKEN") from None


@click.command("focus-agent")
@click.option("--backend", type=click.Choice(AGENT_BACKENDS), default="auto", show_default=True,
              help="Where focus changes come from (auto: from the session's environment).")
@pass_options
def focus_agent(opts: Options, backend: str) -> None:
    """Report the desktop's focused window to the daemon until stopped (DELETE on exit)."""
    from .focus_agent.agent import Reporter, run_agent
    from .focus_agent.backends import BACKENDS, detect
    chosen = detect() if backend == "auto" else backend
    if chosen in DESKTOP_FILES:
        raise CliError(f"on {chosen.upper()} the desktop itself reports the focus: install "
                       f"{DESKTOP_FILES[chosen]} as docs/per-app-layers.md says (it calls the API)")
    token = _agent_token(opts)
    reporter = Reporter(opts.url, token, chosen, timeout=opts.timeout)
    print(f"keyrx focus-agent: {chosen} -> {opts.url}", file=sys.stderr)
    run_agent(BACKENDS[chosen](), reporter)


@click.group("layers", invoke_without_command=True)
@click.option("--device", default=None, help="Device id (default: the first remapping keyboard).")
@click.pass_context
def layers(ctx: click.Context, device: str | None) -> None:
    """Show a keyboard's layers; `on|off|toggle|switch LAYER` or `clear` change them."""
    ctx.ensure_object(Options)
    ctx.meta["keyrx_device"] = device
    if ctx.invoked_subcommand is None:
        opts: Options = ctx.obj
        dev = _device(opts, device)
        emit(opts, opts.client().get(f"/api/devices/{dev}/layers"), _human_layers)


def _device(opts: Options, device: str | None) -> str:
    if device:
        return device
    for d in opts.client().get("/api/devices")["devices"]:
        if d["connected"] and d["grabbed"]:
            return str(d["id"])
    raise CliError("no keyboard is remapping; name one with --device")


def _human_layers(s: dict[str, Any]) -> str:
    parts = [f"{s['device']} ({s['profile']}): {' › '.join(s['layers'])}"]
    for what in ("toggled", "momentary", "app_layers"):
        if s.get(what):
            parts.append(f"  {what.replace('_', ' ')}: {', '.join(s[what])}")
    if s.get("oneshot"):
        parts.append(f"  one-shot: {s['oneshot']}")
    return "\n".join(parts)


def _op(op: str) -> click.Command:
    @click.command(op, help=f"{op} a layer on one keyboard (or every keyboard with --all).")
    @click.argument("layer")
    @click.option("--all", "everywhere", is_flag=True, help="Every keyboard whose profile has the layer.")
    @json_option
    @click.pass_context
    def command(ctx: click.Context, /, layer: str, everywhere: bool, **_: Any) -> None:
        _run(ctx, {"op": op, "layer": layer}, everywhere)
    return command


@click.command("clear", help="Turn off every toggled layer and go back to base.")
@click.option("--all", "everywhere", is_flag=True, help="Every remapping keyboard.")
@json_option
@click.pass_context
def clear(ctx: click.Context, /, everywhere: bool, **_: Any) -> None:
    _run(ctx, {"op": "clear"}, everywhere)


def _run(ctx: click.Context, body: dict[str, Any], everywhere: bool) -> None:
    opts: Options = ctx.find_object(Options)  # type: ignore[assignment]
    if everywhere:
        result = opts.client().post("/api/layers", body)
        emit(opts, result, lambda r: "\n".join(_human_layers(s) for s in r["devices"].values()))
        return
    dev = _device(opts, ctx.parent.meta.get("keyrx_device") if ctx.parent else None)
    emit(opts, opts.client().post(f"/api/devices/{dev}/layers", body), _human_layers)


for _name in ("on", "off", "toggle", "switch"):
    layers.add_command(_op(_name))
layers.add_command(clear)

COMMANDS = [focus, focus_agent, layers]

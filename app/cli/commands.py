"""`keyrx devices ...`, `keyrx profiles ...` and `keyrx simulate`: thin calls to the documented API."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .base import Options, emit, json_option, pass_options, table
from .client import Client, CliError
from .profiles_file import read_profile

PROFILE_FIELDS = ("name", "description", "settings", "layers", "combos", "hands", "sequences", "apps", "virtual_keys")


# -- devices ---------------------------------------------------------------------------------
@click.group()
def devices() -> None:
    """List keyboards; enable, disable, label them or give one its own profile."""


def _device_row(d: dict[str, Any]) -> list[Any]:
    state = "grabbed" if d["grabbed"] else ("connected" if d["connected"] else "unplugged")
    return [d["id"], d["label"] or d["name"], state, "yes" if d["enabled"] else "no", d["profile"]]


def _device_table(items: list[dict[str, Any]]) -> str:
    if not items:
        return "no keyboards known yet"
    return table(["id", "name", "state", "enabled", "profile"], [_device_row(d) for d in items])


def resolve_device(client: Client, ref: str) -> str:
    """A device id from an id, a label, or a unique id prefix."""
    items = client.get("/api/devices")["devices"]
    ids = [d["id"] for d in items]
    if ref in ids:
        return ref
    matches = [d["id"] for d in items if (d["label"] or "").lower() == ref.lower()] or \
              [i for i in ids if i.startswith(ref)]
    if len(matches) == 1:
        return str(matches[0])
    known = ", ".join(ids) or "none"
    what = "matches several devices" if matches else "matches no device"
    raise CliError(f"'{ref}' {what} (known: {known})", as_json=client.as_json,
                   problem={"status": 404, "title": "Unknown device", "detail": f"'{ref}' {what}"})


@devices.command("list")
@json_option
@pass_options
def devices_list(opts: Options) -> None:
    """Every known keyboard, connected or not."""
    emit(opts, opts.client().get("/api/devices"), lambda d: _device_table(d["devices"]))


def _patch_device(opts: Options, ref: str, change: dict[str, Any]) -> None:
    client = opts.client()
    device = client.patch(f"/api/devices/{resolve_device(client, ref)}", change)
    emit(opts, device, lambda d: _device_table([d]))


@devices.command("enable")
@click.argument("device")
@json_option
@pass_options
def devices_enable(opts: Options, device: str) -> None:
    """Grab and remap DEVICE (an id, a label or an id prefix)."""
    _patch_device(opts, device, {"enabled": True})


@devices.command("disable")
@click.argument("device")
@json_option
@pass_options
def devices_disable(opts: Options, device: str) -> None:
    """Release DEVICE: its keys reach the system untouched."""
    _patch_device(opts, device, {"enabled": False})


@devices.command("label")
@click.argument("device")
@click.argument("label", required=False)
@click.option("--clear", is_flag=True, help="Remove the label.")
@json_option
@pass_options
def devices_label(opts: Options, device: str, label: str | None, clear: bool) -> None:
    """Name DEVICE (1-64 characters)."""
    if (label is None) == (not clear):
        raise click.UsageError("give a LABEL or --clear")
    _patch_device(opts, device, {"label": None if clear else label})


@devices.command("profile")
@click.argument("device")
@click.argument("profile", required=False)
@click.option("--clear", is_flag=True, help="Follow the active profile again.")
@json_option
@pass_options
def devices_profile(opts: Options, device: str, profile: str | None, clear: bool) -> None:
    """Give DEVICE its own PROFILE instead of the active one."""
    if (profile is None) == (not clear):
        raise click.UsageError("give a PROFILE or --clear")
    _patch_device(opts, device, {"profile": None if clear else profile})


# -- profiles --------------------------------------------------------------------------------
@click.group()
def profiles() -> None:
    """List, show, activate, import and export profiles."""


@profiles.command("list")
@json_option
@pass_options
def profiles_list(opts: Options) -> None:
    """Every profile; the active one is starred."""
    def human(d: dict[str, Any]) -> str:
        if not d["profiles"]:
            return "no profiles yet: `keyrx profiles import FILE` adds one"
        return table(["", "name", "rev", "description"],
                     [["*" if p["active"] else "", p["name"], p["revision"], p["description"]]
                      for p in d["profiles"]])
    emit(opts, opts.client().get("/api/profiles"), human)


@profiles.command("show")
@click.argument("name")
@json_option
@pass_options
def profiles_show(opts: Options, name: str) -> None:
    """The whole profile NAME."""
    emit(opts, opts.client().get(f"/api/profiles/{name}"), lambda p: json.dumps(p, indent=2))


@profiles.command("activate")
@click.argument("name")
@json_option
@pass_options
def profiles_activate(opts: Options, name: str) -> None:
    """Make NAME the active profile (returns once the remap loop runs it)."""
    emit(opts, opts.client().post(f"/api/profiles/{name}/activate"), lambda d: f"active: {d['active']}")


@profiles.command("deactivate")
@json_option
@pass_options
def profiles_deactivate(opts: Options) -> None:
    """No active profile: keys pass through unchanged."""
    emit(opts, opts.client().put("/api/active-profile", {"name": None}),
         lambda _: "no active profile: keys pass through")


@profiles.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Store it under this name (default: the file's \"name\", else its stem).")
@click.option("--replace", is_flag=True, help="Replace a profile of the same name.")
@click.option("--activate", is_flag=True, help="Activate it once stored.")
@json_option
@pass_options
def profiles_import(opts: Options, file: Path, name: str | None, replace: bool, activate: bool) -> None:
    """Store the profile in FILE on the daemon."""
    body = read_profile(file, opts.json)
    body["name"] = name or body.get("name") or file.stem
    client = opts.client()
    try:
        profile = client.post("/api/profiles", body)
        verb = "created"
    except CliError as exc:
        exists = exc.problem.get("status") == 409
        if not (exists and replace):
            hint = "; add --replace to overwrite it" if exists else ""
            raise CliError(f"{file}: {exc.message}{hint}", code=exc.exit_code, problem=exc.problem,
                           as_json=exc.as_json) from None
        profile = client.put(f"/api/profiles/{body['name']}", body)
        verb = "replaced"
    if activate:
        client.post(f"/api/profiles/{profile['name']}/activate")
        profile = client.get(f"/api/profiles/{profile['name']}")
    emit(opts, profile, lambda p: f"{verb} profile {p['name']} (revision {p['revision']})"
         + (", active" if p["active"] else ""))


@profiles.command("export")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@pass_options
def profiles_export(opts: Options, name: str, output: Path | None) -> None:
    """NAME as a file that `keyrx profiles import` and `keyrx check` take back."""
    profile = opts.client().get(f"/api/profiles/{name}")
    text = json.dumps({k: profile[k] for k in PROFILE_FIELDS if k in profile}, indent=2,
                      ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


# -- simulate --------------------------------------------------------------------------------
@click.command()
@click.argument("profile")
@click.argument("script", nargs=-1, required=True)
@json_option
@pass_options
def simulate(opts: Options, profile: str, script: tuple[str, ...]) -> None:
    """Run PROFILE (a file, or the name of a stored profile) on SCRIPT, e.g. `d:capslock t:250 u:capslock`.

    The daemon runs it on virtual time; nothing is typed.
    """
    path = Path(profile)
    target: Any = read_profile(path, opts.json) if path.suffix == ".json" or path.is_file() else profile
    if isinstance(target, dict):
        target.setdefault("name", path.stem)
    result = opts.client().post("/api/simulate", {"profile": target, "script": " ".join(script)})

    def human(r: dict[str, Any]) -> str:
        if not r["output"]:
            return "(no output)"
        return "\n".join(f"{o['at_ms']:>8g} ms  {o['action']:<8} {o['key']}" for o in r["output"])
    emit(opts, result, human)


COMMANDS = (devices, profiles, simulate)

"""`keyrx doctor`: what stops remapping on this machine, and the command that fixes each thing."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import doctor
from .base import Options, json_option, pass_options


@click.command("doctor")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Look at this directory as / (a mounted system or image); no commands are run.")
@json_option
@pass_options
def doctor_command(opts: Options, root: Path | None) -> None:
    """Check /dev/uinput, groups, the udev rule, other remappers, the service and the token.

    Exits 1 when something stops remapping, else 0.
    """
    probe = doctor.Probe.here() if root is None else doctor.Probe(root=root)
    findings = doctor.diagnose(probe)
    if opts.json:
        click.echo(json.dumps({"ok": not doctor.blocked(findings), "findings": [f.as_dict() for f in findings]}))
    else:
        for f in findings:
            mark = "ok  " if f.ok else "FAIL" if f.blocking else "warn"
            click.echo(f"{mark}  {f.check:<15} {f.message}")
            if f.fix and not f.ok:
                click.echo(f"      {'':<15} fix: {f.fix}")
        click.echo("remapping is blocked: fix the FAIL lines first" if doctor.blocked(findings)
                   else "nothing stops remapping")
    if doctor.blocked(findings):
        sys.exit(1)

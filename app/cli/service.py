"""`keyrx service install|uninstall`: KeyRx as a systemd service, from the files in app/deploy.

install writes the unit (pointing at this interpreter), the udev rule, the sysusers and the
modules-load files, keeps a manifest of what it wrote, then reloads what it can; uninstall removes
exactly the files in the manifest that are still as written. Commands run through an injected `Host`.
"""
from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..paths import DEPLOY
from .base import serve_argv
from .client import CliError

# (file in app/deploy, where `service install` puts it under the root)
SYSTEM_FILES = (
    ("keyrx.service", "etc/systemd/system/keyrx.service"),
    ("60-keyrx.rules", "etc/udev/rules.d/60-keyrx.rules"),
    ("keyrx.sysusers", "etc/sysusers.d/keyrx.conf"),
    ("keyrx-modules.conf", "etc/modules-load.d/keyrx.conf"),
)
MANIFEST = "etc/keyrx/install-manifest.json"
HIDDEN = ("/home/", "/root/", "/run/user/")  # ProtectHome=yes hides these from the service
USERADD = ["useradd", "-r", "-d", "/var/lib/keyrx", "-s", "/usr/sbin/nologin", "-G", "input,uinput", "keyrx"]


def unit_text(python: str) -> str:
    """The unit with ExecStart running the packaged gunicorn form under `python`."""
    return (DEPLOY / "keyrx.service").read_text().replace("@EXEC@", shlex.join(serve_argv(python)))


def deploy_files(python: str) -> list[tuple[str, str]]:
    """(path under the root, content) of every file install writes."""
    return [(rel, unit_text(python) if name == "keyrx.service" else (DEPLOY / name).read_text())
            for name, rel in SYSTEM_FILES]


def python_problems(python: str) -> list[str]:
    """Why the service's user could not run `python` (and the packages beside it)."""
    real = os.path.realpath(python)
    problems = []
    if any(c.isspace() for c in python):
        problems.append(f"{python} has white space in its path")
    for path in dict.fromkeys([os.path.abspath(python), real, sys.prefix + "/"]):
        if path.startswith(HIDDEN):
            problems.append(f"{path} is in a home directory, which the hardened service cannot see")
    if not os.path.exists(real):
        return problems + [f"{python} does not exist"]
    parents = [p for p in Path(real).parents if p != Path("/")]
    closed = [str(p) for p in parents if not os.stat(p).st_mode & 0o001]
    if closed:
        problems.append(f"other users cannot enter {closed[0]} (on the way to {real})")
    return problems


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@dataclass
class Host:
    """The commands install and uninstall run on a live system (a fake in tests)."""

    run: Callable[[Sequence[str]], int] = lambda argv: subprocess.run(list(argv), check=False).returncode
    which: Callable[[str], str | None] = shutil.which
    systemd: bool = field(default_factory=lambda: Path("/run/systemd/system").is_dir())


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


def _commands(host: Host, report: Report, commands: Sequence[Sequence[str]], live: bool) -> None:
    for argv in commands:
        shown = shlex.join(argv)
        if not live:
            report.say(f"skipped: {shown} (staging into --root)")
        elif host.which(argv[0]) is None:
            report.say(f"skipped: {shown} ({argv[0]} not found)")
        elif argv[0] == "systemctl" and not host.systemd:
            report.say(f"skipped: {shown} (systemd is not running)")
        else:
            code = host.run(argv)
            report.say(f"ran:     {shown}" + (f"  (exit {code})" if code else ""))


def install(root: Path, python: str, *, enable: bool, dry_run: bool, host: Host,
            live: bool | None = None) -> Report:
    """Write the files (and the manifest) under `root`; run the reloads when live (root is /)."""
    report = Report()
    live = root == Path("/") and not dry_run if live is None else live
    manifest: dict[str, object] = {"python": python, "files": {}, "dirs": []}
    files: dict[str, str] = {}
    dirs: list[str] = []
    for rel, text in deploy_files(python):
        target = root / rel
        missing = [p for p in reversed(target.parents) if not p.exists()]
        files["/" + rel] = _sha(text)
        if dry_run:
            report.say(f"would write {target}")
            continue
        for d in missing:
            d.mkdir(mode=0o755)
            dirs.append("/" + str(d.relative_to(root)))
        target.write_text(text)
        target.chmod(0o644)
        report.say(f"wrote   {target}")
    manifest["files"], manifest["dirs"] = files, dirs
    path = root / MANIFEST
    if dry_run:
        report.say(f"would write {path} (what uninstall removes)")
    else:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o755)
            dirs.append("/" + str(path.parent.relative_to(root)))
        path.write_text(json.dumps(manifest, indent=2) + "\n")
        report.say(f"wrote   {path} (what uninstall removes)")
    sysusers = ["systemd-sysusers", "/etc/sysusers.d/keyrx.conf"]
    if live and host.which("systemd-sysusers") is None and host.which("useradd"):
        sysusers = ["sh", "-c", "getent group uinput >/dev/null || groupadd -r uinput; "
                    f"id keyrx >/dev/null 2>&1 || {shlex.join(USERADD)}"]
    steps = [sysusers, ["modprobe", "uinput"], ["udevadm", "control", "--reload"],
             ["udevadm", "trigger", "--action=change", "--subsystem-match=misc", "--subsystem-match=input"],
             ["systemctl", "daemon-reload"]]
    if enable:
        steps.append(["systemctl", "enable", "--now", "keyrx"])
    if dry_run:
        report.lines += [f"would run {shlex.join(s)}" for s in steps if root == Path("/")]
    else:
        _commands(host, report, steps, live)
    if not enable or not live:
        report.say("then: sudo systemctl enable --now keyrx")
    report.say("the token: sudo cat /var/lib/keyrx/token   (logs: journalctl -u keyrx)")
    return report


def uninstall(root: Path, *, dry_run: bool, host: Host, live: bool | None = None) -> Report:
    """Remove what the manifest lists, when unchanged; stop the service first when live."""
    report = Report()
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise CliError(f"nothing to uninstall: {path} does not exist (it is written by `keyrx service "
                       "install`)") from None
    live = root == Path("/") and not dry_run if live is None else live
    if live:
        _commands(host, report, [["systemctl", "disable", "--now", "keyrx"]], live)
    for rel, sha in manifest["files"].items():
        target = root / rel.lstrip("/")
        if not target.exists():
            report.say(f"gone    {target} (already removed)")
        elif _sha(target.read_bytes()) != sha:
            report.say(f"kept    {target}: changed since install; remove it yourself if it is not needed")
        elif dry_run:
            report.say(f"would remove {target}")
        else:
            target.unlink()
            report.say(f"removed {target}")
    if not dry_run:
        path.unlink()
        report.say(f"removed {path}")
        for rel in sorted(manifest["dirs"], key=len, reverse=True):
            d = root / rel.lstrip("/")
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
                report.say(f"removed {d}/")
    if not dry_run:
        _commands(host, report, [["systemctl", "daemon-reload"], ["udevadm", "control", "--reload"]], live)
    report.say("kept: the keyrx user and groups, and /var/lib/keyrx (profiles, token)")
    return report


@click.group()
def service() -> None:
    """Install KeyRx as a system service (systemd unit, udev rule, user and groups), or remove it."""


def _root(root: Path | None, dry_run: bool) -> Path:
    if root is None and not dry_run and os.geteuid() != 0:
        raise CliError("writing to /etc needs root: run it with sudo (or --dry-run, or --root DIR)")
    return (root or Path("/")).resolve()


@service.command("install")
@click.option("--system", "system", is_flag=True, default=True, help="A system service (the default).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Write under DIR (staging); "
              "run nothing.")
@click.option("--dry-run", is_flag=True, help="Say what would be written and run; change nothing.")
@click.option("--enable/--no-enable", default=True, show_default=True, help="systemctl enable --now keyrx.")
@click.option("--python", default=sys.executable, show_default="this interpreter",
              help="The interpreter the unit runs (its environment has keyrx installed).")
@click.option("--force", is_flag=True, help="Install even if the service could not run that interpreter.")
def service_install(system: bool, root: Path | None, dry_run: bool, enable: bool, python: str,
                    force: bool) -> None:
    """Write the unit, udev rule, sysusers and modules-load files, reload, and start the service."""
    target = _root(root, dry_run)
    problems = python_problems(python)
    if problems and not force:
        msg = "; ".join(problems)
        if root is None and not dry_run:
            raise CliError(f"the service could not run {python}: {msg}. Install keyrx into a system "
                           "environment first: sudo python3 -m venv /opt/keyrx && sudo /opt/keyrx/bin/pip "
                           "install keyrx-*.whl && sudo /opt/keyrx/bin/keyrx service install (or --force)")
        click.echo(f"warning: the service could not run {python}: {msg}", err=True)
    for line in install(target, python, enable=enable, dry_run=dry_run, host=Host()).lines:
        click.echo(line)


@service.command("uninstall")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Remove under DIR; run nothing.")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
def service_uninstall(root: Path | None, dry_run: bool) -> None:
    """Stop and disable the service and remove exactly the files install wrote."""
    for line in uninstall(_root(root, dry_run), dry_run=dry_run, host=Host()).lines:
        click.echo(line)

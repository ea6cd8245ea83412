"""Why can't KeyRx remap here? Findings about this machine, each with the exact command that fixes it.

`diagnose(Probe)` looks at a root directory (the real `/`, or a fake tree in tests): /dev/uinput,
the groups of the user the daemon runs as, the udev rule, another remapper already grabbing, the
service's state and the API token. Standard library and `app.paths` only, no Flask: `keyrx doctor`
prints the findings and the server can return the same ones (GET /api/status, the Devices page).
"""
from __future__ import annotations

import grp
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .paths import SERVICE_DATA_DIR, TokenNotFound, find_token

RULE = "60-keyrx.rules"
RULE_DIRS = ("etc/udev/rules.d", "usr/lib/udev/rules.d", "lib/udev/rules.d")
UNIT_DIRS = ("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system")
# other remappers: process name (/proc/PID/comm, at most 15 characters) -> their service's name
REMAPPERS = {"keyd": "keyd", "kanata": "kanata", "input-remapper": "input-remapper", "xremap": "xremap",
             "kmonad": "kmonad"}
# the names their virtual keyboards show in /proc/bus/input/devices
REMAPPER_DEVICES = {"keyd virtual": "keyd", "kanata": "kanata", "input-remapper": "input-remapper",
                    "xremap": "xremap", "kmonad": "kmonad"}

Runner = Callable[[Sequence[str]], tuple[int, str]]


@dataclass(frozen=True)
class Finding:
    check: str                 # uinput, groups, udev_rule, input_devices, other_remapper, service, token
    ok: bool
    message: str
    fix: str | None = None     # the command(s) to run, exactly
    blocking: bool = False     # remapping cannot work until it is fixed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Probe:
    """Who asks and where to look; everything `diagnose` reads comes from here."""

    root: Path = Path("/")
    uid: int = field(default_factory=os.geteuid)
    groups: frozenset[int] = field(default_factory=lambda: frozenset(os.getgroups()) | {os.getegid()})
    user: str = field(default_factory=lambda: os.environ.get("USER") or str(os.geteuid()))
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    run: Runner | None = None  # runs a command (systemctl); None: don't

    @classmethod
    def here(cls) -> Probe:
        """This process on this machine, with systemctl when there is one."""
        return cls(run=_run if shutil.which("systemctl") else None)

    def path(self, rel: str) -> Path:
        return self.root / rel.lstrip("/")


def _run(argv: Sequence[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, str(exc)
    return done.returncode, done.stdout.strip()


def _can(probe: Probe, st: os.stat_result, bits: int) -> bool:
    """Whether the probe's user has `bits` (4 read, 2 write) on a file with this stat."""
    if probe.uid == 0:
        return True
    shift = 6 if st.st_uid == probe.uid else 3 if st.st_gid in probe.groups else 0
    return (st.st_mode >> shift) & bits == bits


def _group_table(probe: Probe) -> dict[str, tuple[int, list[str]]]:
    """/etc/group under the root: name -> (gid, members)."""
    table: dict[str, tuple[int, list[str]]] = {}
    try:
        lines = probe.path("etc/group").read_text().splitlines()
    except OSError:
        return table
    for line in lines:
        parts = line.split(":")
        if len(parts) >= 4 and parts[2].isdigit():
            table[parts[0]] = (int(parts[2]), [m for m in parts[3].split(",") if m])
    return table


def _group_name(probe: Probe, gid: int) -> str:
    for name, (g, _) in _group_table(probe).items():
        if g == gid:
            return name
    try:
        return grp.getgrgid(gid).gr_name if probe.root == Path("/") else str(gid)
    except KeyError:
        return str(gid)


def check_uinput(probe: Probe) -> Finding:
    node = probe.path("dev/uinput")
    try:
        st = node.stat()
    except FileNotFoundError:
        return Finding("uinput", False, "/dev/uinput does not exist: the uinput kernel module is not loaded",
                       "sudo modprobe uinput && echo uinput | sudo tee /etc/modules-load.d/keyrx.conf",
                       blocking=True)
    if _can(probe, st, 6):
        return Finding("uinput", True, "/dev/uinput is there and writable")
    group = _group_name(probe, st.st_gid)
    return Finding("uinput", False, f"{probe.user} cannot write /dev/uinput (group {group}, mode "
                   f"{st.st_mode & 0o777:o})", f"sudo usermod -aG uinput {probe.user}, then log in again "
                   "(and install the udev rule: see udev_rule)", blocking=True)


def check_groups(probe: Probe) -> Finding:
    if probe.uid == 0:
        return Finding("groups", True, "running as root: no groups needed")
    table = _group_table(probe)
    missing_group = [g for g in ("input", "uinput") if g not in table]
    listed = [g for g in ("input", "uinput") if g in table and probe.user in table[g][1]]
    active = [g for g in ("input", "uinput") if g in table and table[g][0] in probe.groups]
    absent = [g for g in ("input", "uinput") if g not in active]
    if not absent:
        return Finding("groups", True, f"{probe.user} is in the input and uinput groups")
    fix = []
    if missing_group:
        fix.append(f"sudo groupadd -r {' '.join(missing_group)}")
    if set(absent) - set(listed):
        fix.append(f"sudo usermod -aG input,uinput {probe.user}")
    fix.append("log in again (or run `newgrp uinput` in this shell)")
    return Finding("groups", False, f"{probe.user} is not in the group(s) {', '.join(absent)} in this session",
                   " && ".join(fix[:-1]) + (", then " if fix[:-1] else "") + fix[-1])


def check_udev_rule(probe: Probe) -> Finding:
    for rel in RULE_DIRS:
        if probe.path(f"{rel}/{RULE}").is_file():
            return Finding("udev_rule", True, f"the udev rule is installed: /{rel}/{RULE}")
    return Finding("udev_rule", False, f"the udev rule {RULE} is not installed: /dev/uinput stays root-only",
                   "sudo keyrx service install --no-enable   (writes the rule, the groups and the unit; "
                   "starts nothing)")


def _input_devices(probe: Probe) -> list[dict[str, str]]:
    """/proc/bus/input/devices as a list of {name, handlers, ev}."""
    try:
        text = probe.path("proc/bus/input/devices").read_text()
    except OSError:
        return []
    devices = []
    for block in text.split("\n\n"):
        d: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("N: Name="):
                d["name"] = line[8:].strip().strip('"')
            elif line.startswith("H: Handlers="):
                d["handlers"] = line[12:].strip()
            elif line.startswith("B: EV="):
                d["ev"] = line[6:].strip()
        if d:
            devices.append(d)
    return devices


def check_input_devices(probe: Probe) -> Finding:
    keyboards = [d for d in _input_devices(probe) if "kbd" in d.get("handlers", "").split()
                 and int(d.get("ev", "0"), 16) & 0x100002 == 0x100002]  # EV_KEY and EV_REP
    if not keyboards:
        return Finding("input_devices", False, "no keyboard in /proc/bus/input/devices (none plugged in, "
                       "or a container without input devices)")
    unreadable = []
    for d in keyboards:
        for handler in d["handlers"].split():
            if handler.startswith("event"):
                try:
                    if not _can(probe, probe.path(f"dev/input/{handler}").stat(), 6):
                        unreadable.append(handler)
                except FileNotFoundError:
                    unreadable.append(handler)
    if unreadable:
        return Finding("input_devices", False, f"{len(keyboards)} keyboard(s), {probe.user} cannot open "
                       f"{', '.join('/dev/input/' + h for h in unreadable)}",
                       f"sudo usermod -aG input {probe.user}, then log in again", blocking=True)
    return Finding("input_devices", True, f"{len(keyboards)} keyboard(s), all readable")


def check_other_remappers(probe: Probe) -> Finding:
    seen: dict[str, list[str]] = {}
    proc = probe.path("proc")
    for entry in (proc.iterdir() if proc.is_dir() else ()):
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        for name in REMAPPERS:
            if comm == name or (len(comm) == 15 and name.startswith(comm)) or comm.startswith(name):
                seen.setdefault(name, []).append(entry.name)
    for d in _input_devices(probe):
        for prefix, name in REMAPPER_DEVICES.items():
            if d.get("name", "").lower().startswith(prefix.lower()):
                seen.setdefault(name, [])
    if not seen:
        return Finding("other_remapper", True, "no other remapper running")
    what = ", ".join(f"{n} (pid {', '.join(p)})" if p else f"{n} (its virtual keyboard)" for n, p in seen.items())
    stop = " && ".join(f"sudo systemctl disable --now {REMAPPERS[n]}" for n in seen)
    pids = [p for ps in seen.values() for p in ps]
    alt = f" (not a service: sudo kill {' '.join(pids)})" if pids else ""
    return Finding("other_remapper", False, f"another remapper grabs keyboards: {what}", stop + alt,
                   blocking=True)


def check_service(probe: Probe) -> Finding:
    unit = next((f"/{d}/keyrx.service" for d in UNIT_DIRS if probe.path(f"{d}/keyrx.service").is_file()), None)
    if unit is None:
        return Finding("service", False, "the keyrx service is not installed (KeyRx runs only while you run it)",
                       "sudo keyrx service install")
    if probe.run is None:
        return Finding("service", True, f"the service is installed ({unit}); its state is unknown here "
                       "(no systemctl)")
    _, state = probe.run(["systemctl", "is-active", "keyrx"])
    if state == "active":
        return Finding("service", True, f"the service is running ({unit})")
    if state == "failed":
        return Finding("service", False, "the keyrx service failed", "journalctl -u keyrx -e, then "
                       "sudo systemctl restart keyrx", blocking=True)
    return Finding("service", False, f"the service is installed but {state or 'not running'}",
                   "sudo systemctl enable --now keyrx")


def check_token(probe: Probe) -> Finding:
    euid = probe.uid
    try:
        found = find_token(environ=probe.environ, euid=euid, service_dir=probe.path(str(SERVICE_DATA_DIR)))
    except TokenNotFound as exc:
        places = "; ".join(f"{place}: {why}" for place, why in exc.tried)
        fix = (f"export KEYRX_TOKEN=$(sudo cat {SERVICE_DATA_DIR / 'token'})" if exc.denied
               else "start the daemon once (keyrx serve, or sudo systemctl start keyrx) to create it")
        return Finding("token", False, f"no readable API token ({places})", fix)
    return Finding("token", True, f"the API token is readable ({found.source})")


CHECKS = (check_uinput, check_groups, check_udev_rule, check_input_devices, check_other_remappers,
          check_service, check_token)


def diagnose(probe: Probe | None = None) -> list[Finding]:
    """Every finding, in the order a user should fix them."""
    p = probe or Probe.here()
    return [check(p) for check in CHECKS]


HARDWARE_CHECKS = (check_uinput, check_groups, check_udev_rule, check_input_devices, check_other_remappers)


def hardware_problems(probe: Probe | None = None) -> list[dict[str, Any]]:
    """What stops this process from remapping, as /api/status `problems` (`kind: "hardware"`).

    Only the checks about the machine and this process's own rights, none that runs a command, so
    the daemon can ask whenever its hardware is unavailable."""
    p = probe or Probe()
    return [{"kind": "hardware", "check": f.check, "detail": f.message, "fix": f.fix}
            for f in (check(p) for check in HARDWARE_CHECKS) if not f.ok]


def blocked(findings: Sequence[Finding]) -> bool:
    """Whether something stops remapping."""
    return any(f.blocking and not f.ok for f in findings)

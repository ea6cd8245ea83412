"""Booting the throw-away QEMU guest: shared by the real-kernel tests and the latency benchmark."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".vmcache"


class NoQemu(RuntimeError):
    """QEMU is not installed here."""


def boot(command: str, timeout: int = 240, cpus: int = 1) -> subprocess.CompletedProcess[str]:
    """Run a shell command (cwd: the repo) in a fresh VM; the kernel is fetched once into .vmcache."""
    if shutil.which("qemu-system-x86_64") is None:
        raise NoQemu("qemu-system-x86_64 is not installed (scripts/install-test-deps.sh installs it)")
    env = {**os.environ, "VM_CACHE": str(CACHE), "VM_TIMEOUT": str(timeout), "VM_CPUS": str(cpus)}
    setup = subprocess.run(["sh", str(ROOT / "scripts/vm/vm-setup.sh")], env=env, text=True,
                           capture_output=True, timeout=600, check=False)
    if setup.returncode != 0:
        raise RuntimeError(f"vm-setup failed:\n{setup.stdout}\n{setup.stderr}")
    return subprocess.run(["sh", str(ROOT / "scripts/vm/run-vm.sh"), str(ROOT), command], env=env,
                          text=True, capture_output=True, timeout=timeout + 30, check=False)

"""Added key latency through a real kernel (QEMU guest): the daemon against a bare evdev loop."""
from __future__ import annotations

import os
import shlex
import sys

from tests.vm.boot import NoQemu, boot


def main() -> int:
    try:
        # the guest starts with an empty environment: hand it the BENCH_* knobs
        if "stamps" in os.environ.get("BENCH_ROWS", ""):
            from bench.key_stamps import build
            build()  # its C helper, compiled here: the guest has the host's files, read-only
        knobs = " ".join(shlex.quote(f"{k}={v}") for k, v in os.environ.items() if k.startswith("BENCH_"))
        run = boot(f"env {knobs} {sys.executable} -m bench.vm_latency", timeout=900, cpus=2)
    except NoQemu as exc:
        print(f"skipped: {exc}")
        return 0
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith(("  ", "kernel"))]
    print("\n".join(lines) if lines else run.stdout[-4000:])
    if run.returncode != 0:
        print(f"the VM run failed (rc {run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-1000:]}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())

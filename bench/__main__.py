"""Run every benchmark module in bench/ (or those named on the command line)."""
from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [m for m in modules if not names or any(n in m for n in names)]
    failed = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        start = time.monotonic()
        try:
            runpy.run_module(f"bench.{name}", run_name="__main__")
        except SystemExit as exc:  # a benchmark's own exit status; the others still run
            if exc.code not in (None, 0):
                failed.append(name)
        print(f"--- {name}: {time.monotonic() - start:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""BENCH_FTRACE: what the server's threads do while the remap thread waits in futex (the GIL).

Inside the guest, around the busy part: the loop thread's system calls and every context switch
are traced (tracefs); for each futex wait of the loop thread, the share of it during which the
hub thread was on a CPU, off it but runnable (preempted), or asleep; and who else of the worker
ran then.
"""
from __future__ import annotations

import collections
import os
import re
import subprocess
from pathlib import Path

T = Path("/sys/kernel/tracing")
SWITCH = re.compile(r"\s(\d+\.\d+): sched_switch: prev_comm=(.*) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> "
                    r"next_comm=(.*) next_pid=(\d+) next_prio=\d+")
SYS = re.compile(r"\s(\d+\.\d+): sys_(enter|exit): NR (\d+)")
FUTEX, POLL = 202, 7


def start(loop: int) -> None:
    if not (T / "trace").exists():
        subprocess.run(["mount", "-t", "tracefs", "nodev", str(T)], check=True)
    (T / "tracing_on").write_text("0")
    (T / "buffer_size_kb").write_text("65536")
    (T / "trace").write_text("")
    (T / "set_event").write_text("sched:sched_switch\nraw_syscalls:sys_enter\nraw_syscalls:sys_exit\n")
    for ev in ("sys_enter", "sys_exit"):
        (T / "events" / "raw_syscalls" / ev / "filter").write_text(f"common_pid == {loop}")
    (T / "tracing_on").write_text("1")


def stop_and_report(worker: int, loop: int) -> None:
    """Stop tracing; report on `loop`'s lock waits in `worker`, whose hub is its main thread."""
    hub = worker
    (T / "tracing_on").write_text("0")
    tids = {int(t) for t in os.listdir(f"/proc/{worker}/task")}
    on: dict[int, float | None] = collections.defaultdict(lambda: None)  # tid -> on-CPU since
    state: dict[int, str] = {}  # tid -> last prev_state when switched out
    runs: dict[int, list[tuple[float, float]]] = collections.defaultdict(list)
    out_at: dict[int, list[tuple[float, str]]] = collections.defaultdict(list)
    waits: list[tuple[float, float]] = []
    comm: dict[int, str] = {}
    polls: list[tuple[float, float]] = []
    entered: tuple[int, float] | None = None
    for line in (T / "trace").read_text().splitlines():
        m = SWITCH.search(line)
        if m:
            t, prev, pstate, nxt = float(m[1]), int(m[3]), m[4], int(m[6])
            comm[prev], comm[nxt] = m[2], m[5]
            if on[prev] is not None:
                runs[prev].append((on[prev], t))  # type: ignore[arg-type]
            on[prev] = None
            out_at[prev].append((t, pstate))
            state[prev] = pstate
            on[nxt] = t
            continue
        m = SYS.search(line)
        if m:
            t, kind, nr = float(m[1]), m[2], int(m[3])
            if kind == "enter":
                entered = (nr, t)
            elif entered is not None and entered[0] == nr:
                (waits if nr == FUTEX else polls if nr == POLL else []).append((entered[1], t))
                entered = None
    def share(tid: int, a: float, b: float) -> float:
        return sum(max(0.0, min(b, e) - max(a, s)) for s, e in runs[tid]) / (b - a) if b > a else 0.0
    def off_state(tid: int, a: float, b: float) -> str:
        """How the hub left the CPU last before the middle of the wait."""
        mid = (a + b) / 2
        last = [s for t, s in out_at[tid] if t <= mid]
        return last[-1] if last else "?"
    long = [(a, b) for a, b in waits if b - a > 0.0002]
    print(f"  ftrace: loop futex waits {len(waits)} (> 0.2 ms: {len(long)}), polls {len(polls)}", flush=True)
    if not long:
        return
    hub_on = sorted(share(hub, a, b) for a, b in long)
    others = sorted(sum(share(t, a, b) for t in tids if t not in (hub, loop)) for a, b in long)
    print(f"  ftrace: during the long waits (median {sorted(b - a for a, b in long)[len(long) // 2] * 1000:.3f} ms) "
          f"the hub was on a CPU for a median {hub_on[len(hub_on) // 2]:.0%} of the wait (p10 "
          f"{hub_on[len(hub_on) // 10]:.0%}), other worker threads {others[len(others) // 2]:.0%}", flush=True)
    offs = collections.Counter(off_state(hub, a, b) for a, b in long if share(hub, a, b) < 0.5)
    who: collections.defaultdict[str, float] = collections.defaultdict(float)
    for a, b in long:
        if share(hub, a, b) < 0.5:
            for tid in runs:
                if tid not in (hub, loop):
                    name = "worker thread" if tid in tids else comm.get(tid, str(tid))
                    who[name] += share(tid, a, b) * (b - a) * 1000.0
    print(f"  ftrace: on the CPUs meanwhile (ms in total): "
          f"{[(k, round(v, 1)) for k, v in sorted(who.items(), key=lambda kv: -kv[1])[:8]]}", flush=True)
    print(f"  ftrace: waits with the hub mostly off a CPU: {sum(offs.values())}, how it left: {offs.most_common()}",
          flush=True)

"""Reader and runner of the text vectors in tests/vectors/*.txt.

A file holds blocks separated by blank lines; `#` starts a comment line.

    profile NAME:          a profile (JSON, the rest of the block); cases below use the latest
    {"layers": {"base": {"capslock": "esc"}}}

    case: what it shows
    in: d:capslock t:50 u:capslock     script tokens; `P:NAME` switches to profile NAME there
    out: d:esc u:esc                   expected; with any `t:` token the timing is checked too

`P:-` switches to pass-through; `click` is a click on a mouse KeyRx reads (hw.engine.clicks: the
engine sees it as another key; the click itself is not in the output). Expected output uses `d:`,
`u:`, `r:` (repeat), motion (`w:-1`) and `t:` gaps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hw.engine import CompiledProfile, compile_profile, parse_script
from hw.engine.clicks import click_done, click_down
from hw.engine.layout import Resolver
from hw.engine.simulate import Simulation, format_output

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


@dataclass
class Vector:
    """One case: a profile, an input script and the expected output."""

    name: str
    profile: str
    profiles: dict[str, dict[str, Any]]
    script: str
    expected: str


def load(path: Path) -> list[Vector]:
    """Every case in one vector file."""
    profiles: dict[str, dict[str, Any]] = {}
    current = ""
    cases: list[Vector] = []
    lines = [ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("#")]
    for block in "\n".join(lines).split("\n\n"):
        block = block.strip()
        if not block:
            continue
        head, _, rest = block.partition("\n")
        if head.startswith("profile"):
            current = head.removeprefix("profile").strip().rstrip(":").strip() or "default"
            profiles[current] = json.loads(rest)
        elif head.startswith("case:"):
            fields = dict(ln.split(":", 1) for ln in block.splitlines())
            cases.append(Vector(f"{path.stem}: {fields['case'].strip()}", current,
                                profiles, fields["in"].strip(), fields["out"].strip()))
        else:
            raise ValueError(f"{path}: cannot read block starting {head!r}")
    return cases


def run(vector: Vector, layouts: Resolver | None = None) -> str:
    """The output of a vector's script, formatted like its expected output (host layouts from
    `layouts`, else the in-repo tables)."""
    compiled: dict[str, CompiledProfile | None] = {"-": None}
    compiled.update({n: compile_profile(p, layouts) for n, p in vector.profiles.items()})
    sim = Simulation(compiled[vector.profile])
    now = 0.0
    for token in vector.script.split():
        if token.startswith("P:"):
            sim.set_profile(compiled[token[2:]], now)
        elif token.startswith("t:"):
            now += float(token[2:])
        elif token == "click":
            sim.run_timers(now)
            sim._emit(click_down(sim.engine, now) + click_done(sim.engine, now), now)
        else:
            for step in parse_script(token):
                sim.step(replace(step, at_ms=now))
    return format_output(sim.finish(), times="t:" in vector.expected)


def all_vectors() -> list[Vector]:
    """Every case of every vector file."""
    return [v for path in sorted(VECTORS.glob("*.txt")) for v in load(path)]

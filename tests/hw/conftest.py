"""tests/hw fixtures: a loop over fake evdev nodes (tests/hw/rig.py), stopped after each test."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hw.rig import Rig


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path)
    yield r
    r.loop.stop()

"""The `rig` fixture: an evdev provider over fake nodes and its loop, stopped after the test."""
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

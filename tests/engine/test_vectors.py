"""The text vectors in tests/vectors run through the simulator."""

import pytest

from .vectors import Vector, all_vectors, run

VECTORS = all_vectors()


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_vector(vector: Vector) -> None:
    assert run(vector) == vector.expected, vector.script


def test_there_are_vectors() -> None:
    assert len(VECTORS) >= 40

"""Host layouts from libxkbcommon (ctypes) agree with the in-repo tables, and the fallback works."""
from __future__ import annotations

import pytest

from hw.engine.layout import fallback_table
from hw.engine.layout_data import TABLES
from hw.xkb import HostLayouts, host_layouts
from tests.engine.vectors import VECTORS, load, run

LAYOUTS = [(k.partition("(")[0], k.partition("(")[2].rstrip(")")) for k in TABLES]
XKB = HostLayouts()
needs_xkb = pytest.mark.skipif(XKB.source != "xkbcommon", reason="libxkbcommon0 or xkb-data not installed")
HOST_VECTORS = load(VECTORS / "host_layout.txt")


@needs_xkb
@pytest.mark.parametrize("layout,variant", LAYOUTS, ids=[k for k in TABLES])
def test_xkb_and_the_in_repo_tables_agree(layout: str, variant: str) -> None:
    assert XKB.table(layout, variant) == fallback_table(layout, variant)


@needs_xkb
@pytest.mark.parametrize("vector", HOST_VECTORS, ids=[v.name for v in HOST_VECTORS])
def test_host_layout_vectors_with_libxkbcommon(vector) -> None:  # type: ignore[no-untyped-def]
    assert run(vector, XKB.resolver()) == vector.expected


@pytest.mark.parametrize("vector", HOST_VECTORS, ids=[v.name for v in HOST_VECTORS])
def test_host_layout_vectors_without_libxkbcommon(vector) -> None:  # type: ignore[no-untyped-def]
    assert run(vector, HostLayouts(lib=False, xkb_dirs=()).resolver()) == vector.expected


@needs_xkb
def test_xkb_knows_more_layouts_than_the_tables() -> None:
    table = XKB.table("ru")
    assert table is not None and table["ф"] == (30, 0)  # Cyrillic ef on the a key
    assert XKB.table("ch", "fr") is not None
    assert XKB.table("nope") is None and XKB.table("us", "nope") is None
    names = XKB.names()
    assert "de" in names and "ru" in names and len(names) > 50


@needs_xkb
def test_layout_list_has_descriptions_and_variants() -> None:
    listing = {name: (desc, variants) for name, desc, variants in XKB.listing()}
    assert listing["de"][0] == "German"
    assert ("dvorak", "English (Dvorak)") in listing["us"][1]


def test_without_the_library_the_tables_serve() -> None:
    fallback = HostLayouts(lib=False)
    assert fallback.source == "fallback"
    assert fallback.table("de") == fallback_table("de")
    assert fallback.table("ru") is None
    assert {"us", "de", "fr", "gb"} <= set(fallback.names())
    assert HostLayouts(lib=None, xkb_dirs=("/nonexistent",)).listing()[0][0] == "us"


def test_one_process_wide_instance() -> None:
    assert host_layouts() is host_layouts()

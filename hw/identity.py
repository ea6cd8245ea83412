"""Stable device ids: the same keyboard on the same port gets the same id across replugs."""
from __future__ import annotations

import hashlib
import re

_INPUT_TAIL = re.compile(r"/input\d+$")
_UNSAFE = re.compile(r"[^a-z0-9]+")


def phys_stem(phys: str) -> str:
    """The phys without its `/inputN` tail: the same for every node of one device on one port."""
    return _INPUT_TAIL.sub("", phys.strip())


def device_id(bus: str, vendor: str, product: str, uniq: str, phys: str, kind: str = "keyboard") -> str:
    """`<bus>-<vendor>-<product>-<hash>` from uniq when set, else phys without `/inputN`; a node
    that is not the keyboard (media keys, a pointer) hashes its kind in too."""
    anchor = (uniq.strip() or phys_stem(phys)) + ("" if kind == "keyboard" else f"#{kind}")
    digest = hashlib.sha1(anchor.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    parts = [_UNSAFE.sub("-", p.lower()).strip("-") or "0" for p in (bus, vendor, product)]
    return "-".join([*parts, digest])

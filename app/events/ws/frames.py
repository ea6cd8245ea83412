"""Server-side WebSocket frames, built once and shared by every client."""
from __future__ import annotations

import json
import struct
from typing import Any


def text_frame(payload: bytes) -> bytes:
    """An unmasked, final WebSocket text frame (server side) around `payload`."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + payload


def control(obj: dict[str, Any]) -> bytes:
    """A frame for a non-event message (pong, error, heartbeat)."""
    return text_frame(json.dumps(obj, separators=(",", ":")).encode())

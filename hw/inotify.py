"""A minimal inotify watch on one directory (the stdlib has none), through libc."""
from __future__ import annotations

import ctypes
import os
import struct

IN_ATTRIB, IN_CREATE, IN_DELETE, IN_MOVED_TO = 0x4, 0x100, 0x200, 0x80
IN_Q_OVERFLOW = 0x4000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len

Change = tuple[str, str]  # (file name, "create" | "attrib" | "delete" | "overflow")


class Inotify:
    """Watches a directory for entries created, changed (permissions) or deleted."""

    def __init__(self, path: str) -> None:
        # the interpreter's own symbols hold libc; find_library would spawn ldconfig, which
        # fails in a native thread of a gevent process
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        mask = IN_CREATE | IN_ATTRIB | IN_DELETE | IN_MOVED_TO
        if libc.inotify_add_watch(fd, os.fsencode(path), mask) < 0:
            err = ctypes.get_errno()
            os.close(fd)
            raise OSError(err, os.strerror(err), path)
        self.fd: int = fd

    def read(self) -> list[Change]:
        """The changes queued so far (never blocks)."""
        out: list[Change] = []
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return out
            pos = 0
            while pos + _HEADER.size <= len(buf):
                _, mask, _, size = _HEADER.unpack_from(buf, pos)
                raw = buf[pos + _HEADER.size:pos + _HEADER.size + size]
                pos += _HEADER.size + size
                name = os.fsdecode(raw.rstrip(b"\0"))
                if mask & IN_Q_OVERFLOW:
                    out.append(("", "overflow"))
                elif mask & IN_DELETE:
                    out.append((name, "delete"))
                elif mask & (IN_CREATE | IN_MOVED_TO):
                    out.append((name, "create"))
                elif mask & IN_ATTRIB:
                    out.append((name, "attrib"))

    def close(self) -> None:
        """Stop watching."""
        os.close(self.fd)

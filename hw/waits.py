"""What the loop waits on: the fds it selects on and the first deadline among its keyboards."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .keyboard import Keyboard

Watch = tuple[list[int], dict[int, tuple[str, bool]], int | None]
"""The fds to select on; each keyboard fd with (device id, is-output); the hotplug fd."""


def select_set(inbox_fd: int, keyboards: Mapping[str, Keyboard], hotplug_fd: int | None) -> Watch:
    """The commands' fd, each keyboard's input and output fd (when watched), the hotplug fd."""
    fds: dict[int, tuple[str, bool]] = {}
    for dev_id, kb in keyboards.items():
        fd, out = kb.input_fd(), kb.output_fd()
        if fd is not None:
            fds[fd] = (dev_id, False)
        if out is not None:
            fds[out] = (dev_id, True)
    return [inbox_fd, *fds] + ([hotplug_fd] if hotplug_fd is not None else []), fds, hotplug_fd


def first_deadline(retry: float | None, keyboards: Iterable[Keyboard]) -> float | None:
    """The earliest keyboard deadline or hotplug retry (monotonic ms)."""
    first = retry
    for kb in keyboards:
        deadline = kb.next_deadline()
        if deadline is not None and (first is None or deadline < first):
            first = deadline
    return None if first is None else float(first)


__all__ = ["Watch", "first_deadline", "select_set"]
